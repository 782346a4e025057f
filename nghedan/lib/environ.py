"""Typed readers for NGHEDAN_* environment variables.

Every reader fails loudly: a bad value names the variable, the value found (secrets are
hidden) and the form expected, in Vietnamese then English.

settings.py reads through one `Environment`, which gathers every bad value and, at the end
of the file, stops start-up once with all of them listed (`Environment.done()`). The
module-level `env_*` functions are the same readers, raising `SettingError` at once.
"""

from __future__ import annotations

import base64
import binascii
import ipaddress
import os
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import parse_qsl, unquote, urlsplit

from django.core.exceptions import ImproperlyConfigured

T = TypeVar("T")

TRUE_WORDS = {"1", "true", "yes", "on", "co", "có"}
FALSE_WORDS = {"0", "false", "no", "off", "khong", "không", ""}
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")
SECRET_MIN_LENGTH = 50
MAKE_SECRET = 'python3 -c "import secrets; print(secrets.token_urlsafe(50))"'


@dataclass(frozen=True)
class Form:
    """The expected form of a value, in Vietnamese and in English."""

    vi: str
    en: str


BOOL_FORM = Form("true hoặc false (1/0, yes/no, có/không)", "true or false (1/0, yes/no)")
LIST_FORM = Form(
    "danh sách phân cách bởi dấu phẩy, ví dụ a.gov.vn,b.gov.vn",
    "a comma-separated list, e.g. a.gov.vn,b.gov.vn",
)
HOSTS_FORM = Form(
    "tên máy phân cách bởi dấu phẩy, không kèm http:// hay đường dẫn, "
    "ví dụ nghedan.hcm.gov.vn,.gov.vn",
    "host names separated by commas, without http:// or a path, e.g. nghedan.hcm.gov.vn,.gov.vn",
)
URL_FORM = Form(
    "địa chỉ dạng https://tên-máy[:cổng], không có đường dẫn",
    "an address like https://host[:port], without a path",
)
ORIGINS_FORM = Form(
    "các địa chỉ dạng https://tên-máy[:cổng] phân cách bởi dấu phẩy",
    "addresses like https://host[:port] separated by commas",
)
NETWORKS_FORM = Form(
    "các mạng dạng địa-chỉ/độ-dài-tiền-tố phân cách bởi dấu phẩy, "
    "ví dụ 10.20.0.0/16,192.168.5.0/24",
    "networks like address/prefix-length separated by commas, e.g. 10.20.0.0/16,192.168.5.0/24",
)
DATABASE_FORM = Form(
    "sqlite:///đường/dẫn/tệp.sqlite3 hoặc postgres://người_dùng:mật_khẩu@máy:5432/tên_csdl",
    "sqlite:///path/to/file.sqlite3 or postgres://user:password@host:5432/database",
)
FERNET_KEYS_FORM = Form(
    "các khóa Fernet (44 ký tự base64) phân cách bởi dấu phẩy, khóa mới nhất đứng đầu; tạo bằng: "
    'python3 -c "from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())"',
    "Fernet keys (44 base64 characters) separated by commas, newest first",
)


def int_form(minimum: int, maximum: int | None = None) -> Form:
    if maximum is None:
        return Form(f"một số nguyên ≥ {minimum}", f"a whole number ≥ {minimum}")
    return Form(
        f"một số nguyên từ {minimum} đến {maximum}", f"a whole number from {minimum} to {maximum}"
    )


def choice_form(choices: tuple[str, ...]) -> Form:
    listed = ", ".join(choices)
    return Form(f"một trong {listed}", f"one of {listed}")


def secret_form(minimum: int, required_note: bool) -> Form:
    note_vi = " (bắt buộc khi NGHEDAN_DEBUG=false)" if required_note else ""
    note_en = " (required when NGHEDAN_DEBUG=false)" if required_note else ""
    return Form(
        f"một chuỗi ngẫu nhiên dài ít nhất {minimum} ký tự{note_vi}; tạo bằng: {MAKE_SECRET}",
        f"a random string of at least {minimum} characters{note_en}; make one with: {MAKE_SECRET}",
    )


class SettingError(ImproperlyConfigured):
    """One bad NGHEDAN_* value. `value=None` means the variable is not set."""

    def __init__(
        self,
        name: str,
        value: str | None,
        expected: Form | str,
        *,
        hide: bool = False,
    ):
        form = expected if isinstance(expected, Form) else Form(expected, expected)
        if value is None:
            found_vi, found_en = "chưa được đặt", "is not set"
        else:
            shown = f"(ẩn, {len(value)} ký tự)" if hide else repr(value)
            shown_en = f"(hidden, {len(value)} characters)" if hide else repr(value)
            found_vi = f"có giá trị không hợp lệ {shown}"
            found_en = f"has an invalid value {shown_en}"
        self.name = name
        self.expected = form
        self.vi = f"Biến môi trường {name} {found_vi}: cần {form.vi}."
        self.en = f"Environment variable {name} {found_en}: expected {form.en}."
        super().__init__(f"{self.vi} / {self.en}")


class SettingsInvalid(SystemExit):
    """Ends the process: settings.py found bad values. The message lists each of them."""

    def __init__(self, errors: list[SettingError]):
        lines = [
            "Nghe Dân không khởi động được vì cấu hình sai (xem docs/operator-guide.md).",
            "Nghe Dân cannot start: bad settings (see docs/operator-guide.md).",
        ]
        for error in errors:
            lines.append(f"  - {error.vi}")
            lines.append(f"    {error.en}")
        super().__init__("\n".join(lines))
        self.errors = errors


# --- the readers -------------------------------------------------------------------------

Environ = Mapping[str, str]


def _environ(environ: Environ | None) -> Environ:
    return os.environ if environ is None else environ


def env_str(name: str, default: str, *, environ: Environ | None = None) -> str:
    return _environ(environ).get(name, default)


def env_bool(name: str, default: bool, *, environ: Environ | None = None) -> bool:
    raw = _environ(environ).get(name)
    if raw is None:
        return default
    word = raw.strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise SettingError(name, raw, BOOL_FORM)


def env_int(
    name: str,
    default: int,
    *,
    minimum: int = 0,
    maximum: int | None = None,
    environ: Environ | None = None,
) -> int:
    raw = _environ(environ).get(name)
    if raw is None:
        return default
    try:
        value = int(raw.strip())
    except ValueError:
        raise SettingError(name, raw, int_form(minimum, maximum)) from None
    if value < minimum or (maximum is not None and value > maximum):
        raise SettingError(name, raw, int_form(minimum, maximum))
    return value


def env_list(
    name: str,
    default: list[str],
    *,
    form: Form = LIST_FORM,
    valid: Callable[[str], bool] | None = None,
    environ: Environ | None = None,
) -> list[str]:
    raw = _environ(environ).get(name)
    if raw is None:
        return default
    items = [item.strip() for item in raw.split(",") if item.strip()]
    if not items or (valid is not None and not all(valid(item) for item in items)):
        raise SettingError(name, raw, form)
    return items


def env_choice(
    name: str,
    default: str,
    choices: tuple[str, ...],
    *,
    upper: bool = False,
    environ: Environ | None = None,
) -> str:
    raw = _environ(environ).get(name)
    if raw is None:
        return default
    value = raw.strip().upper() if upper else raw.strip()
    if value not in choices:
        raise SettingError(name, raw, choice_form(choices))
    return value


def is_fernet_key(item: str) -> bool:
    try:
        return len(base64.urlsafe_b64decode(item.encode())) == 32 and len(item) == 44
    except (ValueError, binascii.Error):
        return False


def is_host(item: str) -> bool:
    return item == "*" or not any(mark in item for mark in ("/", ":", " ", "@"))


def is_network(item: str) -> bool:
    try:
        ipaddress.ip_network(item, strict=False)
    except ValueError:
        return False
    return True


def is_origin(item: str) -> bool:
    parts = urlsplit(item)
    return parts.scheme in {"http", "https"} and bool(parts.netloc) and parts.path in {"", "/"}


def env_url(name: str, default: str, *, environ: Environ | None = None) -> str:
    """An http(s) origin such as the site's public address; returned without a trailing /."""
    raw = _environ(environ).get(name)
    if raw is None:
        return default
    if not is_origin(raw.strip()):
        raise SettingError(name, raw, URL_FORM)
    return raw.strip().rstrip("/")


def env_secret(
    name: str,
    *,
    required: bool,
    default: str,
    minimum: int = SECRET_MIN_LENGTH,
    environ: Environ | None = None,
) -> str:
    """A secret from NAME, or from the file named by NAME_FILE (systemd credentials, a key
    file kept beside the data). Unset and not required: `default`."""
    env = _environ(environ)
    value = env.get(name, "")
    file_name = env.get(f"{name}_FILE", "")
    if not value and file_name:
        try:
            value = Path(file_name).read_text(encoding="utf-8").strip()
        except OSError as error:
            raise SettingError(
                f"{name}_FILE",
                file_name,
                Form(
                    f"đường dẫn tới một tệp đọc được chứa khóa ({error.strerror})",
                    f"the path of a readable file holding the key ({error.strerror})",
                ),
            ) from None
        if len(value) < minimum:
            raise SettingError(f"{name}_FILE", value, secret_form(minimum, False), hide=True)
        return value
    if not value:
        if required:
            raise SettingError(name, None, secret_form(minimum, True))
        return default
    if len(value) < minimum:
        raise SettingError(name, value, secret_form(minimum, False), hide=True)
    return value


# --- database URLs -------------------------------------------------------------------------


@dataclass(frozen=True)
class DatabaseUrl:
    engine: str
    name: str
    user: str = ""
    password: str = ""
    host: str = ""
    port: str = ""
    options: dict[str, str] = field(default_factory=dict)

    @property
    def is_sqlite(self) -> bool:
        return self.engine.endswith("sqlite3")


def redact_url(raw: str) -> str:
    """The URL with its password replaced, fit for an error message."""
    parts = urlsplit(raw)
    try:
        password = parts.password
    except ValueError:
        return raw
    if not password:
        return raw
    netloc = parts.netloc.replace(f":{password}@", ":***@", 1)
    return parts._replace(netloc=netloc).geturl()


def parse_database_url(name: str, raw: str, base_dir: Path) -> DatabaseUrl:
    def bad() -> SettingError:
        return SettingError(name, redact_url(raw), DATABASE_FORM)

    parts = urlsplit(raw.strip())
    if parts.scheme == "sqlite":
        path = unquote(parts.path)
        if parts.netloc or not path or path == "/":
            raise bad()
        # sqlite:///var/db.sqlite3 is relative to the project; sqlite:////abs/path is absolute
        relative = path[1:] if path.startswith("/") else path
        location = Path(relative) if relative.startswith("/") else base_dir / relative
        return DatabaseUrl(engine="django.db.backends.sqlite3", name=str(location))
    if parts.scheme in {"postgres", "postgresql"}:
        database = unquote(parts.path.lstrip("/"))
        try:
            port = str(parts.port or "")
        except ValueError:
            raise bad() from None
        if not database or "/" in database:
            raise bad()
        return DatabaseUrl(
            engine="django.db.backends.postgresql",
            name=database,
            user=unquote(parts.username or ""),
            password=unquote(parts.password or ""),
            host=unquote(parts.hostname or ""),
            port=port,
            # e.g. ?sslmode=require&connect_timeout=5, handed to the driver as is
            options=dict(parse_qsl(parts.query)),
        )
    raise bad()


def env_database(
    name: str, default: str, base_dir: Path, *, environ: Environ | None = None
) -> DatabaseUrl:
    return parse_database_url(name, _environ(environ).get(name, default), base_dir)


# --- the reader settings.py uses ---------------------------------------------------------


class Environment:
    """Reads NGHEDAN_* variables for settings.py and gathers every bad value.

    A bad value is noted and the default used in its place, so that the rest of the file can
    be read and every mistake reported together; `done()` then stops start-up if there were
    any, and warns about NGHEDAN_* variables that nothing read (usually a typing mistake).
    """

    prefix = "NGHEDAN_"

    def __init__(self, environ: Environ | None = None):
        self.environ = _environ(environ)
        self.errors: list[SettingError] = []
        self.names: set[str] = set()

    def _read(self, name: str, fallback: T, reader: Callable[..., T], *args: Any, **kw: Any) -> T:
        self.names.add(name)
        try:
            return reader(name, *args, environ=self.environ, **kw)
        except SettingError as error:
            self.errors.append(error)
            return fallback

    def string(self, name: str, default: str) -> str:
        return self._read(name, default, env_str, default)

    def boolean(self, name: str, default: bool) -> bool:
        return self._read(name, default, env_bool, default)

    def integer(
        self, name: str, default: int, *, minimum: int = 0, maximum: int | None = None
    ) -> int:
        return self._read(name, default, env_int, default, minimum=minimum, maximum=maximum)

    def strings(self, name: str, default: list[str], **kw: Any) -> list[str]:
        return self._read(name, default, env_list, default, **kw)

    def fernet_keys(self, name: str) -> list[str]:
        return self.strings(name, [], form=FERNET_KEYS_FORM, valid=is_fernet_key)

    def hosts(self, name: str, default: list[str]) -> list[str]:
        return self.strings(name, default, form=HOSTS_FORM, valid=is_host)

    def origins(self, name: str, default: list[str]) -> list[str]:
        return self.strings(name, default, form=ORIGINS_FORM, valid=is_origin)

    def networks(self, name: str, default: list[str]) -> list[str]:
        return self.strings(name, default, form=NETWORKS_FORM, valid=is_network)

    def choice(
        self, name: str, default: str, choices: tuple[str, ...], *, upper: bool = False
    ) -> str:
        return self._read(name, default, env_choice, default, choices, upper=upper)

    def url(self, name: str, default: str) -> str:
        return self._read(name, default, env_url, default)

    def path(self, name: str, default: Path, base_dir: Path) -> Path:
        """A directory or file; a relative value is taken from the project directory."""
        value = Path(self.string(name, str(default))).expanduser()
        return value if value.is_absolute() else base_dir / value

    def secret(self, name: str, *, required: bool, default: str) -> str:
        self.names.add(f"{name}_FILE")
        return self._read(name, default, env_secret, required=required, default=default)

    def database(self, name: str, default: str, base_dir: Path) -> DatabaseUrl:
        fallback = parse_database_url(name, default, base_dir)
        return self._read(name, fallback, env_database, default, base_dir)

    def done(self) -> None:
        """Stop start-up if any value was bad; warn about variables nothing read."""
        unknown = sorted(
            name for name in self.environ if name.startswith(self.prefix) and name not in self.names
        )
        for name in unknown:
            print(
                f"Cảnh báo: biến môi trường {name} không được Nghe Dân dùng (gõ nhầm?). "
                f"/ Warning: environment variable {name} is not used by Nghe Dân (a typo?).",
                file=sys.stderr,
            )
        if self.errors:
            raise SettingsInvalid(self.errors)
