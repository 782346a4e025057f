"""Settings for Nghe Dân: one file, every knob an NGHEDAN_* environment variable.

docs/operator-guide.md lists each variable. Every one is read through `env` below; a bad
value stops start-up with a message that names the variable and the expected form (all bad
values at once, by `env.done()` at the end of this file).
"""

import contextlib
import os
from pathlib import Path
from typing import Any

from django.utils.translation import gettext_lazy as _

from nghedan.lib.environ import LOG_LEVELS, Environment

env = Environment()

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = env.path("NGHEDAN_VAR_DIR", BASE_DIR / "var", BASE_DIR)

DEBUG = env.boolean("NGHEDAN_DEBUG", False)
# Development may run on a fixed key; production must set its own (or a file holding it).
SECRET_KEY = env.secret(
    "NGHEDAN_SECRET_KEY",
    required=not DEBUG,
    default="dev-only-insecure-key-0123456789abcdefghijklmnopqrstuvwxyz-nghedan",
)

ALLOWED_HOSTS = env.hosts("NGHEDAN_ALLOWED_HOSTS", ["127.0.0.1", "localhost"])
SITE_URL = env.url("NGHEDAN_SITE_URL", "http://127.0.0.1:8000")
CSRF_TRUSTED_ORIGINS = env.origins("NGHEDAN_CSRF_TRUSTED_ORIGINS", [SITE_URL])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_htmx",
    "django_tasks",
    "django_tasks_db",
    "nghedan.places",
    "nghedan.people",
    "nghedan.audit",
    "nghedan.shell",
    "nghedan.api",
    "nghedan.cases",
    "nghedan.notices",
    "nghedan.reception",
    "nghedan.insight",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "nghedan.shell.middleware.VietnameseFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "nghedan.urls"
WSGI_APPLICATION = "nghedan.wsgi.application"
ASGI_APPLICATION = "nghedan.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "nghedan" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "nghedan.shell.navigation.navigation",
            ],
        },
    },
]

_database = env.database(
    "NGHEDAN_DATABASE_URL", f"sqlite:///{VAR_DIR / 'nghedan.sqlite3'}", BASE_DIR
)
# Each web thread keeps its connection this long (SQLite too: opening one costs a request).
_conn_max_age = env.integer("NGHEDAN_DB_CONN_MAX_AGE", 60)
DATABASES: dict[str, dict[str, Any]]
if _database.is_sqlite:
    Path(_database.name).parent.mkdir(parents=True, exist_ok=True)
    DATABASES = {
        "default": {
            "ENGINE": _database.engine,
            "NAME": _database.name,
            "CONN_MAX_AGE": _conn_max_age,
            "CONN_HEALTH_CHECKS": True,
            "OPTIONS": {
                # WAL lets readers work while one writer writes; the pragmas are set per connection.
                "init_command": (
                    "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;"
                ),
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
            },
        }
    }
else:
    DATABASES = {
        "default": {
            "ENGINE": _database.engine,
            "NAME": _database.name,
            "USER": _database.user,
            "PASSWORD": _database.password,
            "HOST": _database.host,
            "PORT": _database.port,
            "CONN_MAX_AGE": _conn_max_age,
            "CONN_HEALTH_CHECKS": True,
            # JIT compiling pays off for long analytic queries, not for pages: it added about
            # 40 ms to each costlier plan of the officer's pages (docs/benchmarks.md).
            "OPTIONS": {
                # Parameters bound by the server, and a statement run five times on one
                # connection prepared there: about a fifth of a public submission's CPU, web
                # and database together (docs/benchmarks.md). Behind a pooler in transaction
                # mode (PgBouncer), turn preparing off with NGHEDAN_DB_PREPARED=false.
                "server_side_binding": True,
                "prepare_threshold": 5 if env.boolean("NGHEDAN_DB_PREPARED", True) else None,
                **_database.options,
                "options": " ".join(filter(None, ["-c jit=off", _database.options.get("options")])),
            },
        }
    }

AUTH_USER_MODEL = "people.User"
LOGIN_URL = "people:sign_in"
LOGIN_REDIRECT_URL = "shell:dashboard"
LOGOUT_REDIRECT_URL = "shell:home"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Failed sign-ins: after this many within the window, the account and address wait.
SIGN_IN_MAX_FAILURES = env.integer("NGHEDAN_SIGN_IN_MAX_FAILURES", 5, minimum=1)
SIGN_IN_LOCK_MINUTES = env.integer("NGHEDAN_SIGN_IN_LOCK_MINUTES", 15, minimum=1)
# How many reverse proxies stand in front of the web processes: the client's address is read
# that many hops from the right of X-Forwarded-For (0: the connection's own address).
TRUSTED_PROXIES = env.integer("NGHEDAN_TRUSTED_PROXIES", 0, minimum=0)
# The public form: sends per client address in an hour, per phone number or e-mail in a day.
SUBMITS_PER_HOUR = env.integer("NGHEDAN_SUBMITS_PER_HOUR", 10, minimum=1)
SUBMITS_PER_CONTACT_PER_DAY = env.integer("NGHEDAN_SUBMITS_PER_CONTACT_PER_DAY", 5, minimum=1)
# Feeds are fetched from the public internet only; these networks of the deployer's own (an
# intranet news portal, say) may be reached too. See nghedan/insight/feed_addresses.py.
FEED_PRIVATE_NETWORKS = env.networks("NGHEDAN_FEED_PRIVATE_NETWORKS", [])

LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", _("Tiếng Việt")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "nghedan" / "locale"]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True
DATE_INPUT_FORMATS = ["%d/%m/%Y", "%Y-%m-%d"]

# The covering index of the dashboard (cases.Case, include=) serves PostgreSQL, where the
# counts run over a million cases; SQLite keeps the index without the extra columns.
SILENCED_SYSTEM_CHECKS = ["models.W040"]

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
# WhiteNoise warns at every start while collectstatic has not made it yet.
with contextlib.suppress(OSError):
    STATIC_ROOT.mkdir(parents=True, exist_ok=True)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        # Compressed copies for the web server; no manifest, so tests need no collectstatic.
        "BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = DEBUG
WHITENOISE_MAX_AGE = 0 if DEBUG else 3600
MEDIA_ROOT = VAR_DIR / "media"
# The cache lives in the database so every web process shares it (rate limits have their own
# table, nghedan.lib.ratelimit).
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "nghedan_cache",
    }
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

_email_backend = env.choice(
    "NGHEDAN_EMAIL_BACKEND", "console", ("console", "smtp", "locmem", "file")
)
# The console and file backends write what they send: theirs keep a sealed contact out.
EMAIL_BACKEND = {
    "console": "nghedan.lib.sealed_mail.ConsoleBackend",
    "file": "nghedan.lib.sealed_mail.FileBackend",
}.get(_email_backend, f"django.core.mail.backends.{_email_backend}.EmailBackend")
EMAIL_HOST = env.string("NGHEDAN_EMAIL_HOST", "localhost")
EMAIL_PORT = env.integer("NGHEDAN_EMAIL_PORT", 25, minimum=1, maximum=65535)
EMAIL_HOST_USER = env.string("NGHEDAN_EMAIL_USER", "")
EMAIL_HOST_PASSWORD = env.string("NGHEDAN_EMAIL_PASSWORD", "")
EMAIL_USE_TLS = env.boolean("NGHEDAN_EMAIL_TLS", False)
EMAIL_FILE_PATH = VAR_DIR / "mail"
DEFAULT_FROM_EMAIL = env.string("NGHEDAN_EMAIL_FROM", "Nghe Dân <no-reply@nghedan.local>")

TASKS = {
    "default": {
        "BACKEND": (
            "django_tasks.backends.immediate.ImmediateBackend"
            if env.choice("NGHEDAN_TASKS", "database", ("database", "immediate")) == "immediate"
            else "django_tasks_db.DatabaseBackend"
        ),
        "QUEUES": ["default"],
    }
}
# A task still marked running this long after it started lost its worker; the sweep re-enqueues it.
TASK_LOST_AFTER_MINUTES = env.integer("NGHEDAN_TASK_LOST_AFTER_MINUTES", 30, minimum=1)
# A POST's Idempotency-Key (and the answer stored for a retry) is kept this long.
IDEMPOTENCY_HOURS = env.integer("NGHEDAN_IDEMPOTENCY_HOURS", 24, minimum=1)

# `manage.py serve`: web processes (each with threads) and background workers beside them.
_cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
# One process a CPU: on 2 CPUs, 2 processes × 4 threads took a public submission for 11.7 ms of
# CPU under load, 5 × 4 for 14.3 ms (more processes to keep warm and in the CPUs' caches).
WEB_WORKERS = env.integer("NGHEDAN_WEB_WORKERS", min(max(_cores, 2), 8), minimum=1)
WEB_THREADS = env.integer("NGHEDAN_WEB_THREADS", 4, minimum=1)
TASK_WORKERS = env.integer("NGHEDAN_TASK_WORKERS", 1)

# The audit chain is keyed so that someone who can write the database cannot re-forge it.
# Kept and backed up with the data: a new key cannot verify entries sealed with the old one.
AUDIT_KEY = env.secret("NGHEDAN_AUDIT_KEY", required=False, default=SECRET_KEY)

# A citizen not satisfied with an answer may ask once, within this many days, to reopen it.
REOPEN_DAYS = env.integer("NGHEDAN_REOPEN_DAYS", 30, minimum=1)

# Replies by SMS: a class with send(phone, text); the console one only writes to the log.
SMS_BACKEND = env.string("NGHEDAN_SMS_BACKEND", "nghedan.cases.replies.ConsoleSms")

# Handlers are reminded when a stage falls due within this many working days.
REMIND_DAYS = env.integer("NGHEDAN_REMIND_DAYS", 2, minimum=0)

# Keys that encrypt denouncers' identities (Fernet keys, comma-separated, newest first: the
# first encrypts, all decrypt; `manage.py rotate_identity_keys` re-encrypts with the first).
# Unset, a key derived from the secret key is used: enough for a trial, not for production.
IDENTITY_KEYS = env.fernet_keys("NGHEDAN_IDENTITY_KEYS")

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
HTTPS = env.boolean("NGHEDAN_HTTPS", not DEBUG)
SECURE_SSL_REDIRECT = HTTPS
# A load balancer's health probe speaks plain HTTP to the web process.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
CSRF_FAILURE_VIEW = "nghedan.shell.views.csrf_failure"
SECURE_HSTS_SECONDS = env.integer("NGHEDAN_HSTS_SECONDS", 31536000 if HTTPS else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = HTTPS
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = env.integer("NGHEDAN_SESSION_HOURS", 12, minimum=1) * 3600
X_FRAME_OPTIONS = "DENY"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {
        "handlers": ["console"],
        "level": env.choice("NGHEDAN_LOG_LEVEL", "INFO", LOG_LEVELS, upper=True),
    },
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}

# Keep last: stops start-up, naming every NGHEDAN_* variable whose value was bad.
env.done()
