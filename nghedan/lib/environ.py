"""Typed readers for NGHEDAN_* environment variables.

Every reader fails loudly: a bad value stops start-up with a message that names the
variable, the value found and the form expected, in Vietnamese then English.
"""

import os
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

from django.core.exceptions import ImproperlyConfigured

TRUE_WORDS = {"1", "true", "yes", "on", "co", "có"}
FALSE_WORDS = {"0", "false", "no", "off", "khong", "không", ""}


class SettingError(ImproperlyConfigured):
    def __init__(self, name: str, value: str, expected: str):
        super().__init__(
            f"Biến môi trường {name} có giá trị không hợp lệ {value!r}: cần {expected}. "
            f"/ Environment variable {name} has an invalid value {value!r}: expected {expected}."
        )
        self.name = name


def env_str(name: str, default: str) -> str:
    return os.environ.get(name, default)


def env_required(name: str, *, unless: bool, default: str, expected: str) -> str:
    """A value production must set; `unless` (e.g. DEBUG) allows the development default."""
    value = os.environ.get(name, "")
    if value:
        return value
    if unless:
        return default
    raise SettingError(name, value, expected)


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    word = raw.strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise SettingError(name, raw, "true hoặc false (1/0, yes/no)")


def env_int(name: str, default: int, *, minimum: int = 0) -> int:
    raw = os.environ.get(name)
    if raw is None:
        return default
    try:
        value = int(raw.strip())
    except ValueError:
        raise SettingError(name, raw, f"một số nguyên ≥ {minimum}") from None
    if value < minimum:
        raise SettingError(name, raw, f"một số nguyên ≥ {minimum}")
    return value


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return default
    items = [item.strip() for item in raw.split(",") if item.strip()]
    if not items:
        raise SettingError(name, raw, "danh sách phân cách bởi dấu phẩy, ví dụ a.gov.vn,b.gov.vn")
    return items


def env_choice(name: str, default: str, choices: tuple[str, ...]) -> str:
    value = os.environ.get(name, default).strip()
    if value not in choices:
        raise SettingError(name, value, "một trong " + ", ".join(choices))
    return value


@dataclass(frozen=True)
class DatabaseUrl:
    engine: str
    name: str
    user: str = ""
    password: str = ""
    host: str = ""
    port: str = ""


DATABASE_FORMS = "sqlite:///đường/dẫn/tệp.sqlite3 hoặc postgres://người_dùng:mật_khẩu@máy:5432/tên_csdl"


def parse_database_url(name: str, raw: str, base_dir: Path) -> DatabaseUrl:
    parts = urlsplit(raw)
    if parts.scheme == "sqlite":
        path = unquote(parts.path)
        if not path or path == "/":
            raise SettingError(name, raw, DATABASE_FORMS)
        # sqlite:///var/db.sqlite3 is relative to the project; sqlite:////abs/path is absolute
        relative = path[1:] if path.startswith("/") else path
        location = Path(relative) if relative.startswith("/") else base_dir / relative
        return DatabaseUrl(engine="django.db.backends.sqlite3", name=str(location))
    if parts.scheme in {"postgres", "postgresql"}:
        database = unquote(parts.path.lstrip("/"))
        try:
            port = str(parts.port or "")
        except ValueError:
            raise SettingError(name, raw, DATABASE_FORMS) from None
        if not database:
            raise SettingError(name, raw, DATABASE_FORMS)
        return DatabaseUrl(
            engine="django.db.backends.postgresql",
            name=database,
            user=unquote(parts.username or ""),
            password=unquote(parts.password or ""),
            host=parts.hostname or "",
            port=port,
        )
    raise SettingError(name, raw, DATABASE_FORMS)


def env_database(name: str, default: str, base_dir: Path) -> DatabaseUrl:
    return parse_database_url(name, os.environ.get(name, default), base_dir)
