"""Django settings for packbuilder's web page.

Embedded by default: SQLite, files under a data folder (PACKBUILDER_WEB_DATA, default `var/` in the
working folder) and Huey jobs in SQLite. A council's server replaces the database and the queue by a
settings module of its own that starts with `from packbuilder.web.settings import *` (docs/web.md).

Environment:
    PACKBUILDER_WEB_DATA        data folder (meetings, versions, databases); default ./var
    PACKBUILDER_WEB_SECRET_KEY  the signing key; default: generated once into the data folder
    PACKBUILDER_WEB_HOSTS       extra host names, comma-separated (127.0.0.1 and localhost always)
    PACKBUILDER_WEB_HTTPS       1 (default) when users reach the site over HTTPS: secure cookies,
                                HSTS; `packbuilder-web serve` on a loopback address sets 0
    PACKBUILDER_WEB_URL         the address users see, for links in e-mails
    PACKBUILDER_SMTP_HOST, _PORT, _USER, _PASSWORD, _TLS, PACKBUILDER_MAIL_FROM
                                e-mail to subscribers on publish (off without a host)
    PACKBUILDER_WEB_SCHEDULE    minutes between scheduled build runs (default 60; 0 turns it off)
    PACKBUILDER_DATABASE_URL    postgresql://user:password@host:5432/name: the web page's data in
                                PostgreSQL, shared by several servers (default: SQLite in the data
                                folder); `packbuilder-web migrate` (or `serve`) sets it up
    PACKBUILDER_REDIS_URL       redis://host:6379/0: build jobs queue in Redis, so workers on
                                several machines take them (default: Huey's SQLite queue in the
                                data folder); see docs/scaling.md
    PACKBUILDER_WEB_WORKERS     job threads per consumer process (default 1)
    PACKBUILDER_WEB_STALE_SECONDS  seconds without a heartbeat after which a build's worker is
                                taken as dead and the build queued again (default 60)
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from urllib.parse import parse_qsl, unquote, urlsplit

from packbuilder.settings import settings as library_settings

PACKAGE = Path(__file__).resolve().parent
DATA = Path(os.environ.get("PACKBUILDER_WEB_DATA", "var")).resolve()
DATA.mkdir(parents=True, exist_ok=True)


def _secret_key() -> str:
    if os.environ.get("PACKBUILDER_WEB_SECRET_KEY"):
        return os.environ["PACKBUILDER_WEB_SECRET_KEY"]
    path = DATA / "secret_key"
    if not path.exists():
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as f:
            f.write(secrets.token_urlsafe(50))
    return path.read_text().strip()


def _flag(name: str, default: bool) -> bool:
    return os.environ.get(name, "1" if default else "0").strip().lower() in ("1", "true", "yes")


SECRET_KEY = _secret_key()
DEBUG = _flag("PACKBUILDER_WEB_DEBUG", False)
ALLOWED_HOSTS = ["127.0.0.1", "localhost"] + [
    h.strip() for h in os.environ.get("PACKBUILDER_WEB_HOSTS", "").split(",") if h.strip()
]
SITE_URL = os.environ.get("PACKBUILDER_WEB_URL", "http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "huey.contrib.djhuey",
    "packbuilder.web",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "packbuilder.web.assets.StaticFiles",  # WhiteNoise; app.css as it is now (assets.py)
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "packbuilder.web.urls"
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "packbuilder.web.views.site",
            ],
        },
    },
]
ASGI_APPLICATION = "packbuilder.web.asgi.application"
WSGI_APPLICATION = "packbuilder.web.wsgi.application"


def database(url: str) -> dict[str, object]:
    """Django's DATABASES entry for a ``postgresql://user:password@host:port/name?option=value``
    address (psycopg 3 underneath)."""
    parts = urlsplit(url)
    if parts.scheme not in ("postgres", "postgresql") or not parts.path.strip("/"):
        raise ValueError(
            f"PACKBUILDER_DATABASE_URL must look like postgresql://user:password@host:5432/name, "
            f"not {parts.scheme}://..."
        )
    return {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": unquote(parts.path.strip("/")),
        "USER": unquote(parts.username or ""),
        "PASSWORD": unquote(parts.password or ""),
        "HOST": parts.hostname or "",
        "PORT": str(parts.port or ""),
        "OPTIONS": dict(parse_qsl(parts.query)),
        # workers hold a connection between jobs; a dropped one is noticed and opened again
        "CONN_MAX_AGE": 60,
        "CONN_HEALTH_CHECKS": True,
    }


DATABASE_URL = os.environ.get("PACKBUILDER_DATABASE_URL", "").strip()
DATABASES = {
    "default": database(DATABASE_URL)
    if DATABASE_URL
    else {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": DATA / "db.sqlite3",
        # the job consumer writes progress while the server reads it: WAL lets both work at once
        "OPTIONS": {
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
        },
    }
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "web.User"

REDIS_URL = library_settings().redis_url
HUEY = {
    "name": "packbuilder",
    "immediate": _flag("PACKBUILDER_WEB_IMMEDIATE", False),
    "results": False,
    "consumer": {
        "workers": int(os.environ.get("PACKBUILDER_WEB_WORKERS", "1")),
        "worker_type": "thread",
        "periodic": True,
    },
    # one queue in Redis that every worker machine takes builds from, or SQLite in the data folder
    **(
        {"huey_class": "huey.RedisHuey", "url": REDIS_URL}
        if REDIS_URL
        else {"huey_class": "huey.SqliteHuey", "filename": str(DATA / "huey.sqlite3")}
    ),
}
# a build whose worker has not been heard of for this long is taken as dead: built again
# (up to BUILD_ATTEMPTS times in all) or reported as failed (jobs.recover_interrupted)
# ... and never before its Redis build lock has expired, or the build run again would find it held
BUILD_STALE_SECONDS = max(
    int(os.environ.get("PACKBUILDER_WEB_STALE_SECONDS", "60")),
    int(library_settings().redis_lock_seconds) + 1 if REDIS_URL else 0,
)
BUILD_HEARTBEAT_SECONDS = max(1, min(10, BUILD_STALE_SECONDS // 4))
BUILD_ATTEMPTS = 2
SCHEDULE_MINUTES = int(os.environ.get("PACKBUILDER_WEB_SCHEDULE", "60"))
# the meeting page's check of its files runs beside the request, the page showing the last
# result meanwhile (`jobs.meeting_check`); inside the request with this (tests)
CHECK_INLINE = _flag("PACKBUILDER_WEB_CHECK_INLINE", False)

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "meetings"
LOGOUT_REDIRECT_URL = "login"
# Login throttling: this many failures for one user name or one address lock it out for a while
LOGIN_FAILURES = 5
LOGIN_LOCKOUT_MINUTES = 15

HTTPS = _flag("PACKBUILDER_WEB_HTTPS", True)
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = 8 * 60 * 60  # a working day
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SECURE_HSTS_SECONDS = 31536000 if HTTPS else 0
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if HTTPS:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
CSRF_FAILURE_VIEW = "packbuilder.web.views.csrf_failure"
CSRF_TRUSTED_ORIGINS = [SITE_URL] if SITE_URL.startswith("https://") else []

# Uploads: papers up to 100 MB each; anything above 2.5 MB goes to a temporary file, not memory
MAX_UPLOAD_BYTES = 100 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
FILE_UPLOAD_HANDLERS = [
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "packbuilder.web.uploads.LimitedUpload",  # stops a file at MAX_UPLOAD_BYTES
]
DATA_UPLOAD_MAX_NUMBER_FILES = 50

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = False
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = DATA / "static"
STATIC_ROOT.mkdir(exist_ok=True)
NODE_MODULES = Path(
    os.environ.get("PACKBUILDER_WEB_NODE_MODULES", PACKAGE.parents[1] / "node_modules")
)
STATICFILES_DIRS = [
    ("govuk", NODE_MODULES / "govuk-frontend" / "dist" / "govuk"),
    ("htmx", NODE_MODULES / "htmx.org" / "dist"),
    ("htmx-sse", NODE_MODULES / "htmx-ext-sse"),
]
WHITENOISE_USE_FINDERS = True  # serve straight from the app and node_modules: no collectstatic

EMAIL_HOST = os.environ.get("PACKBUILDER_SMTP_HOST", "")
EMAIL_PORT = int(os.environ.get("PACKBUILDER_SMTP_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("PACKBUILDER_SMTP_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("PACKBUILDER_SMTP_PASSWORD", "")
EMAIL_USE_TLS = _flag("PACKBUILDER_SMTP_TLS", False)
EMAIL_TIMEOUT = 30
DEFAULT_FROM_EMAIL = os.environ.get("PACKBUILDER_MAIL_FROM", "packs@localhost")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "loggers": {"packbuilder.web": {"handlers": ["console"], "level": "INFO"}},
}
