"""Settings come from NGHEDAN_* variables: a bad value stops start-up, naming the variable and
the form it should have; good production values pass `check --deploy`."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

from nghedan.lib.environ import (
    Environment,
    SettingError,
    SettingsInvalid,
    env_bool,
    env_secret,
    parse_database_url,
    redact_url,
)

GOOD_KEY = secrets.token_urlsafe(50)
PRODUCTION = {
    "NGHEDAN_DEBUG": "false",
    "NGHEDAN_SECRET_KEY": GOOD_KEY,
    "NGHEDAN_ALLOWED_HOSTS": "nghedan.hcm.gov.vn",
    "NGHEDAN_SITE_URL": "https://nghedan.hcm.gov.vn",
    "NGHEDAN_HTTPS": "true",
}


def manage(tmp_path: Path, *args: str, **variables: str) -> subprocess.CompletedProcess:
    """manage.py in a fresh process, with only the NGHEDAN_* variables given."""
    env = {name: value for name, value in os.environ.items() if not name.startswith("NGHEDAN_")}
    env["NGHEDAN_VAR_DIR"] = str(tmp_path)
    env.update(variables)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


BAD_VALUES = [
    pytest.param(
        {"NGHEDAN_SECRET_KEY": GOOD_KEY, "NGHEDAN_IDENTITY_KEYS": "not-a-fernet-key"},
        "NGHEDAN_IDENTITY_KEYS",
        "Fernet keys (44 base64 characters)",
        id="identity-keys",
    ),
    pytest.param({"NGHEDAN_DEBUG": "maybe"}, "NGHEDAN_DEBUG", "true or false", id="debug"),
    pytest.param(
        {"NGHEDAN_DATABASE_URL": "mysql://x"},
        "NGHEDAN_DATABASE_URL",
        "postgres://user:password@host:5432/database",
        id="database-scheme",
    ),
    pytest.param(
        {"NGHEDAN_EMAIL_PORT": "abc"},
        "NGHEDAN_EMAIL_PORT",
        "a whole number from 1 to 65535",
        id="email-port",
    ),
    pytest.param(
        {"NGHEDAN_SECRET_KEY": "short"},
        "NGHEDAN_SECRET_KEY",
        "at least 50 characters",
        id="short-key",
    ),
    pytest.param(
        {"NGHEDAN_SECRET_KEY": GOOD_KEY, "NGHEDAN_ALLOWED_HOSTS": "https://nghedan.hcm.gov.vn/"},
        "NGHEDAN_ALLOWED_HOSTS",
        "without http:// or a path",
        id="hosts-with-scheme",
    ),
    pytest.param(
        {"NGHEDAN_SECRET_KEY": GOOD_KEY, "NGHEDAN_SITE_URL": "nghedan.hcm.gov.vn"},
        "NGHEDAN_SITE_URL",
        "https://host[:port]",
        id="site-url",
    ),
    pytest.param(
        {"NGHEDAN_SECRET_KEY": GOOD_KEY, "NGHEDAN_TASKS": "redis"},
        "NGHEDAN_TASKS",
        "one of database, immediate",
        id="tasks-backend",
    ),
    pytest.param(
        {"NGHEDAN_SECRET_KEY": GOOD_KEY, "NGHEDAN_WEB_WORKERS": "0"},
        "NGHEDAN_WEB_WORKERS",
        "a whole number ≥ 1",
        id="web-workers",
    ),
    pytest.param(
        {"NGHEDAN_SECRET_KEY_FILE": "/nonexistent/secret-key"},
        "NGHEDAN_SECRET_KEY_FILE",
        "readable file",
        id="key-file-missing",
    ),
]


@pytest.mark.parametrize(("variables", "name", "expected"), BAD_VALUES)
def test_a_bad_value_stops_start_up_naming_the_variable_and_the_form(
    tmp_path, variables, name, expected
):
    result = manage(tmp_path, "check", **variables)
    assert result.returncode != 0
    assert name in result.stderr
    assert expected in result.stderr
    assert "Traceback" not in result.stderr


def test_production_needs_a_secret_key(tmp_path):
    result = manage(tmp_path, "check", NGHEDAN_DEBUG="false")
    assert result.returncode != 0
    assert "NGHEDAN_SECRET_KEY is not set" in result.stderr
    assert "required when NGHEDAN_DEBUG=false" in result.stderr


def test_every_bad_value_is_named_at_once_and_secrets_stay_hidden(tmp_path):
    result = manage(
        tmp_path,
        "check",
        NGHEDAN_SECRET_KEY="too-short-secret",
        NGHEDAN_DATABASE_URL="postgres://nghedan:hunter2@db:port/nghedan",
        NGHEDAN_SESSION_HOURS="-1",
    )
    assert result.returncode != 0
    for name in ("NGHEDAN_SECRET_KEY", "NGHEDAN_DATABASE_URL", "NGHEDAN_SESSION_HOURS"):
        assert name in result.stderr
    assert "too-short-secret" not in result.stderr
    assert "hunter2" not in result.stderr


def test_production_values_pass_the_deployment_checks(tmp_path):
    result = manage(tmp_path, "check", "--deploy", "--fail-level", "WARNING", **PRODUCTION)
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


def test_the_key_may_come_from_a_file_and_debug_runs_without_one(tmp_path):
    key_file = tmp_path / "secret-key"
    key_file.write_text(GOOD_KEY + "\n")
    assert manage(tmp_path, "check", NGHEDAN_SECRET_KEY_FILE=str(key_file)).returncode == 0
    assert manage(tmp_path, "check", NGHEDAN_DEBUG="true").returncode == 0


def test_an_unknown_variable_is_a_warning_not_a_stop(tmp_path):
    result = manage(tmp_path, "check", NGHEDAN_SECRET_KEY=GOOD_KEY, NGHEDAN_ALOWED_HOSTS="x")
    assert result.returncode == 0
    assert "NGHEDAN_ALOWED_HOSTS" in result.stderr


# --- the readers themselves, in this process ---------------------------------------------


def test_readers_accept_the_usual_spellings():
    assert env_bool("X", False, environ={"X": "Có"}) is True
    assert env_bool("X", True, environ={"X": "off"}) is False
    with pytest.raises(SettingError) as caught:
        env_bool("X", False, environ={"X": "maybe"})
    assert caught.value.name == "X"


def test_database_urls():
    sqlite = parse_database_url("D", "sqlite:///var/x.sqlite3", Path("/srv/nghedan"))
    assert sqlite.is_sqlite and sqlite.name == "/srv/nghedan/var/x.sqlite3"
    absolute = parse_database_url("D", "sqlite:////data/x.sqlite3", Path("/srv/nghedan"))
    assert absolute.name == "/data/x.sqlite3"
    pg = parse_database_url("D", "postgres://u:p%40ss@db.lan:6432/nd?sslmode=require", Path("/"))
    assert (pg.user, pg.password, pg.host, pg.port) == ("u", "p@ss", "db.lan", "6432")
    assert pg.name == "nd"
    assert pg.options == {"sslmode": "require"}
    for bad in ("mysql://x", "postgres://h/", "sqlite://", "postgres://h:99999/x"):
        with pytest.raises(SettingError):
            parse_database_url("D", bad, Path("/"))
    assert redact_url("postgres://u:secret@h/x") == "postgres://u:***@h/x"


def test_secrets_from_a_variable_or_a_file(tmp_path):
    key_file = tmp_path / "k"
    key_file.write_text(GOOD_KEY)
    assert env_secret("K", required=True, default="", environ={"K_FILE": str(key_file)}) == GOOD_KEY
    assert env_secret("K", required=False, default="dflt", environ={}) == "dflt"
    with pytest.raises(SettingError):
        env_secret("K", required=True, default="", environ={})


def test_the_environment_gathers_every_error_then_stops():
    env = Environment({"NGHEDAN_A": "x", "NGHEDAN_B": "y"})
    assert env.integer("NGHEDAN_A", 3) == 3
    assert env.boolean("NGHEDAN_B", True) is True
    with pytest.raises(SettingsInvalid) as caught:
        env.done()
    assert [error.name for error in caught.value.errors] == ["NGHEDAN_A", "NGHEDAN_B"]
    assert "NGHEDAN_A" in str(caught.value.code)
