"""Django settings of the Indeks platform. Everything that differs per installation comes from the environment.

- ``INDEKS_ENV``: ``development`` (default: ``make demo``, the tests) or ``production``. Production refuses to start
  without ``SECRET_KEY``, ``ALLOWED_HOSTS`` and ``DATABASE_URL``, and turns HTTPS-only cookies, HSTS and the HTTPS
  redirect on (each can be switched from the environment).
- ``DATABASE_URL``: SQLite in ``var/indeks.sqlite3`` by default; ``postgres://...`` for PostgreSQL.
- ``INDEKS_STORAGE``: ``local`` (default, ``var/media``) or ``s3`` (django-storages; ``AWS_*`` variables).
- ``SECRET_KEY``, ``DEBUG``, ``ALLOWED_HOSTS``, ``CSRF_TRUSTED_ORIGINS``, ``EMAIL_BACKEND``, the ``SECURE_*`` and
  ``SESSION_*`` switches, ``INDEKS_TRUSTED_PROXIES`` and the ``INDEKS_LOGIN_*`` limits.

Every variable is listed in docs/operations.md (Configuration).
"""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent
VAR_DIR = Path(os.environ.get("INDEKS_VAR_DIR", BASE_DIR.parent / "var"))

ENVIRONMENTS = ("development", "production")
INDEKS_ENV = os.environ.get("INDEKS_ENV", "development").strip() or "development"
if INDEKS_ENV not in ENVIRONMENTS:
    raise ImproperlyConfigured(f"INDEKS_ENV must be one of {', '.join(ENVIRONMENTS)}, not {INDEKS_ENV!r}.")
PRODUCTION = INDEKS_ENV == "production"


def _env(name: str, default: str = "") -> str:
    return os.environ.get(name, "").strip() or default


def _flag(name: str, default: bool) -> bool:
    """A switch from the environment: 1/true/yes/on or 0/false/no/off; unset or empty keeps the default."""
    value = _env(name).lower()
    if not value:
        return default
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be 1 or 0 (true/false, yes/no, on/off), not {value!r}.")


def _number(name: str, default: int, minimum: int = 0) -> int:
    value = _env(name)
    if not value:
        return default
    try:
        number = int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {value!r}.") from None
    if number < minimum:
        raise ImproperlyConfigured(f"{name} must be at least {minimum}, not {number}.")
    return number


def _list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in _env(name, default).split(",") if item.strip()]


# The key in the repository signs sessions of the development server and the tests only: production refuses it.
DEVELOPMENT_SECRET_KEY = "indeks-development-key-change-me-in-production-0123456789"
if PRODUCTION:
    _missing = [name for name in ("SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL") if not _env(name)]
    if _missing:
        raise ImproperlyConfigured(
            "Production settings (INDEKS_ENV=production) need these environment variables: "
            + ", ".join(_missing)
            + ". See docs/operations.md, Production."
        )
    if _env("SECRET_KEY") == DEVELOPMENT_SECRET_KEY:
        raise ImproperlyConfigured("SECRET_KEY is the development key of the repository; set a secret one.")

DEBUG = _flag("DEBUG", False)
if PRODUCTION and DEBUG:
    raise ImproperlyConfigured("DEBUG=1 is not allowed with INDEKS_ENV=production (it shows code and settings).")
SECRET_KEY = _env("SECRET_KEY", DEVELOPMENT_SECRET_KEY)
ALLOWED_HOSTS = _list("ALLOWED_HOSTS", "" if PRODUCTION else "127.0.0.1,localhost,testserver")
CSRF_TRUSTED_ORIGINS = _list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "ninja",  # serves the OpenAPI page's assets locally (no CDN)
    "django_tasks",
    "django_tasks_db",
    "axes",  # login throttling (django-axes): failed sign-ins per account and address
    "indeks.web",
    "indeks.audit",
    "indeks.registry",
    "indeks.rounds",
    "indeks.assessment",
    "indeks.planning",
    "indeks.evidence",
    "indeks.external",
    "indeks.results",
    "indeks.notifications",
    "indeks.accounts",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes asks: it turns a lockout flagged during sign-in into the login page with the message.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "indeks.urls"
WSGI_APPLICATION = "indeks.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "indeks.web.context.navigation",
                "indeks.notifications.context.unread",
            ],
        },
    }
]

VAR_DIR.mkdir(parents=True, exist_ok=True)
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{VAR_DIR / 'indeks.sqlite3'}", conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60"))
    )
}
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # IMMEDIATE: a transaction takes SQLite's write lock when it begins, so two workers writing at once (failed
    # sign-ins recorded by django-axes, parallel saves) wait for each other instead of failing "database is locked".
    DATABASES["default"].setdefault("OPTIONS", {}).update({"timeout": 20, "transaction_mode": "IMMEDIATE"})
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Login throttling (django-axes, database handler: shared by every worker). Axes' backend comes first: a locked
# account or address is refused before ModelBackend runs the password hasher. The limits count failures within
# INDEKS_LOGIN_COOLOFF_MINUTES: one account from one address, and (a second, higher limit) any accounts from one
# address; indeks/accounts/throttle.py. Every failure during a lockout restarts the cool-off.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_HANDLER = "indeks.accounts.throttle.LoginAttemptsHandler"
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_FAILURE_LIMIT = _number("INDEKS_LOGIN_FAILURE_LIMIT", 5, minimum=1)
INDEKS_LOGIN_ADDRESS_FAILURE_LIMIT = _number("INDEKS_LOGIN_ADDRESS_FAILURE_LIMIT", 20, minimum=1)
AXES_COOLOFF_TIME = timedelta(minutes=_number("INDEKS_LOGIN_COOLOFF_MINUTES", 10, minimum=1))
AXES_RESET_ON_SUCCESS = True
AXES_CLIENT_IP_CALLABLE = "indeks.accounts.throttle.client_address"
AXES_LOCKOUT_CALLABLE = "indeks.accounts.throttle.lockout_response"
AXES_VERBOSE = False
# Reverse proxies in front of the platform that append the client's address to X-Forwarded-For (0: REMOTE_ADDR).
INDEKS_TRUSTED_PROXIES = _number("INDEKS_TRUSTED_PROXIES", 0)
# A cheap guard before any form or hasher: sign-in POSTs per address and minute (the cache; per process with the
# default local-memory cache).
INDEKS_LOGIN_POSTS_PER_MINUTE = _number("INDEKS_LOGIN_POSTS_PER_MINUTE", 30, minimum=1)
# Password checks running at once on this machine (every worker together); a sign-in finding none free is refused
# at once with "try again in a few seconds", so guesses cannot occupy every worker with hashing.
INDEKS_LOGIN_CONCURRENT_CHECKS = _number("INDEKS_LOGIN_CONCURRENT_CHECKS", max(1, (os.cpu_count() or 2) // 2), 1)

LANGUAGE_CODE = "id"
LANGUAGES = [("id", _("Indonesian")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
FORMAT_MODULE_PATH = ["indeks.formats"]
USE_I18N = True
# Off: with it on, every integer in a template (ids in form values, years) would print as 2.258. Counts that
# should be grouped use the humanize filter intcomma.
USE_THOUSAND_SEPARATOR = False
TIME_ZONE = "Asia/Jakarta"
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
MEDIA_ROOT = VAR_DIR / "media"
# Media is never served publicly: downloads go through permission-checked views.
MEDIA_URL = "/nonpublic-media/"

if os.environ.get("INDEKS_STORAGE", "local") == "s3":
    # django-storages reads these settings; credentials may also come from the usual AWS environment/profile.
    AWS_STORAGE_BUCKET_NAME = os.environ["AWS_STORAGE_BUCKET_NAME"]
    AWS_S3_ENDPOINT_URL = os.environ.get("AWS_S3_ENDPOINT_URL")  # MinIO, Ceph, moto...
    AWS_S3_REGION_NAME = os.environ.get("AWS_S3_REGION_NAME")
    AWS_ACCESS_KEY_ID = os.environ.get("AWS_ACCESS_KEY_ID")
    AWS_SECRET_ACCESS_KEY = os.environ.get("AWS_SECRET_ACCESS_KEY")
    AWS_DEFAULT_ACL = None
    AWS_QUERYSTRING_AUTH = True
    STORAGES = {
        "default": {"BACKEND": "storages.backends.s3.S3Storage"},
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
else:
    STORAGES = {
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }

# Background jobs (text extraction of evidence): django-tasks with its database back-end; `manage.py db_worker`
# runs them (make demo starts one). INDEKS_TASKS=immediate runs them inside the request instead.
TASKS: dict[str, dict[str, str | list[str]]]
if os.environ.get("INDEKS_TASKS", "database") == "immediate":
    TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
else:
    TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
INDEKS_EVIDENCE_MAX_BYTES = int(os.environ.get("INDEKS_EVIDENCE_MAX_BYTES", str(100 * 1024 * 1024)))

EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "indeks@localhost")

# Sessions read from the per-process cache first, the database on a miss (one query less per page).
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
# Shared office computers: a sign-in lasts at most 8 hours and ends when the browser closes (every environment).
SESSION_COOKIE_AGE = _number("SESSION_COOKIE_AGE", 8 * 60 * 60, minimum=60)
SESSION_EXPIRE_AT_BROWSER_CLOSE = _flag("SESSION_EXPIRE_AT_BROWSER_CLOSE", True)
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True

# HTTPS. Production turns everything on; each switch can be set from the environment (docs/operations.md).
SECURE_SSL_REDIRECT = _flag("SECURE_SSL_REDIRECT", PRODUCTION)
SESSION_COOKIE_SECURE = _flag("SESSION_COOKIE_SECURE", PRODUCTION)
CSRF_COOKIE_SECURE = _flag("CSRF_COOKIE_SECURE", PRODUCTION)
SECURE_HSTS_SECONDS = _number("SECURE_HSTS_SECONDS", 365 * 24 * 60 * 60 if PRODUCTION else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = _flag("SECURE_HSTS_INCLUDE_SUBDOMAINS", PRODUCTION)
SECURE_HSTS_PRELOAD = _flag("SECURE_HSTS_PRELOAD", PRODUCTION)
# Behind a reverse proxy that terminates HTTPS: the header it sets to "https" (for example X-Forwarded-Proto). Only
# set it when the proxy always sets or removes that header, or clients could claim HTTPS.
_proxy_ssl_header = _env("SECURE_PROXY_SSL_HEADER")
SECURE_PROXY_SSL_HEADER = (
    ("HTTP_" + _proxy_ssl_header.upper().replace("-", "_"), "https") if _proxy_ssl_header else None
)

# Content-Security-Policy (django-csp), in every environment so the browser tests run under it: scripts, styles,
# fonts and fetches only from our own origin, no inline script or style, no plugins, no framing. Data for the
# charts travels in <script type="application/json"> (json_script), which is data, not script.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],  # Swagger UI's stylesheet draws its icons from data: SVG
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}
