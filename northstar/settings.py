"""northstar settings: one file, read from the environment (see README, "Configuration")."""

import os
from pathlib import Path

import dj_database_url
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = BASE_DIR.parent


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


DEBUG = env_bool("DEBUG", False)
SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG and os.environ.get("NORTHSTAR_REQUIRE_SECRET_KEY"):
        raise RuntimeError("SECRET_KEY must be set in production")
    # Local development and tests only; `make run` sets DEBUG and production must set SECRET_KEY.
    SECRET_KEY = "northstar-insecure-development-key-change-me-" + "x" * 20
ALLOWED_HOSTS = [
    h.strip() for h in os.environ.get("ALLOWED_HOSTS", "127.0.0.1,localhost").split(",") if h.strip()
]
CSRF_TRUSTED_ORIGINS = [o.strip() for o in os.environ.get("CSRF_TRUSTED_ORIGINS", "").split(",") if o.strip()]

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "django_tasks_db",
    "ninja",
    "northstar.workspaces",
    "northstar.okrs",
    "northstar.roadmap",
    "northstar.insights",
    "northstar.exchange",
    "northstar.coach",
    "northstar.integrations",
]

MIDDLEWARE = [
    # outermost, so that it compresses what every other middleware made (remembered pages too): the OKR page of 50
    # objectives is 376 KB of HTML and 19 KB gzipped (2 ms); Django pads it against BREACH, and whitenoise's
    # static files come compressed already
    "django.middleware.gzip.GZipMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "northstar.workspaces.middleware.UserLanguageMiddleware",
    "northstar.api.MethodNotAllowedAsJson",
    "northstar.workspaces.remembered.RememberedPages",
]

ROOT_URLCONF = "northstar.urls"
WSGI_APPLICATION = "northstar.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.csp",
                "northstar.workspaces.context_processors.workspace",
            ],
            "builtins": ["django.templatetags.i18n", "django.templatetags.static"],
        },
    }
]

VAR_DIR = Path(os.environ.get("NORTHSTAR_VAR_DIR", PROJECT_DIR / "var"))
VAR_DIR.mkdir(parents=True, exist_ok=True)
_default_sqlite = f"sqlite:///{VAR_DIR / 'northstar.sqlite3'}"
DATABASES = {
    "default": dj_database_url.parse(os.environ.get("DATABASE_URL", _default_sqlite), conn_max_age=60)
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Django's own backend, reading datetimes faster (northstar/sqlite/base.py)
    DATABASES["default"]["ENGINE"] = "northstar.sqlite"
    # WAL lets readers go on while one writer writes; IMMEDIATE avoids lock upgrades failing mid-transaction.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=5000;",
        "transaction_mode": "IMMEDIATE",
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "workspaces.User"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "dashboard"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("sv", _("Svenska"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
USE_TZ = True
TIME_ZONE = os.environ.get("TIME_ZONE", "Europe/Stockholm")

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "staticfiles"
STATIC_ROOT.mkdir(exist_ok=True)
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = DEBUG

_email_backend = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
MAILERS = {
    "default": {
        "BACKEND": _email_backend,
        "OPTIONS": (
            {
                "host": os.environ.get("EMAIL_HOST", "localhost"),
                "port": int(os.environ.get("EMAIL_PORT", "25")),
                "username": os.environ.get("EMAIL_HOST_USER", ""),
                "password": os.environ.get("EMAIL_HOST_PASSWORD", ""),
                "use_tls": env_bool("EMAIL_USE_TLS", False),
            }
            if _email_backend.endswith("smtp.EmailBackend")
            else {}
        ),
    }
}
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "northstar <northstar@localhost>")

TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}

SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "connect-src": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "form-action": [CSP.SELF],
    "base-uri": [CSP.SELF],
    "object-src": [CSP.NONE],
}

SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if not DEBUG:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", True)
    CSRF_COOKIE_SECURE = env_bool("SECURE_COOKIES", True)
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}

NORTHSTAR_DEMO_FILE = BASE_DIR / "exchange" / "data" / "finvest.yaml"

# Links in emails sent by background tasks (no request to read the host from).
NORTHSTAR_BASE_URL = os.environ.get("NORTHSTAR_BASE_URL", "http://127.0.0.1:8000").rstrip("/")

# A read-only database that live data sources of kind "sql" query (e.g. a reporting replica); empty: none.
NORTHSTAR_SOURCE_DATABASE_URL = os.environ.get("NORTHSTAR_SOURCE_DATABASE_URL", "")
NORTHSTAR_SOURCE_TIMEOUT_SECONDS = 10
NORTHSTAR_SOURCE_MAX_BYTES = 1_000_000

# Remembered forecasts ("default") and pages ("pages"), keyed on everything they depend on, so never stale.
# Forecasts are per process; pages are shared by the processes of one machine through files (several machines
# may point "pages" at a shared cache such as Redis: see docs/deploy.md). 0 seconds turns page memory off.
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "OPTIONS": {"MAX_ENTRIES": 200_000, "CULL_FREQUENCY": 4},
    },
    "pages": {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": str(VAR_DIR / "pages"),
        "OPTIONS": {"MAX_ENTRIES": 2_000, "CULL_FREQUENCY": 4},
    },
}
NORTHSTAR_PAGE_MEMORY_SECONDS = int(os.environ.get("NORTHSTAR_PAGE_MEMORY_SECONDS", "120"))
# An uploaded file larger than this is checked and imported by the worker, not while the page waits (bytes).
NORTHSTAR_IMPORT_AT_ONCE_BYTES = int(os.environ.get("NORTHSTAR_IMPORT_AT_ONCE_BYTES", str(512 * 1024)))
# Computed roadmaps each process keeps until what they are built from changes (roadmap/queries.py); 0: none.
NORTHSTAR_ROADMAPS_KEPT = int(os.environ.get("NORTHSTAR_ROADMAPS_KEPT", "2"))
# Forecasts each process keeps in memory in front of the cache (okrs/queries.py); 0: none.
NORTHSTAR_FORECASTS_KEPT = int(os.environ.get("NORTHSTAR_FORECASTS_KEPT", "100000"))
# Rows of OKR page layouts each process keeps per plan revision and viewer: teams in tree order, objectives in
# page order, alignments (okrs/queries.py); 0: none.
NORTHSTAR_OKR_LAYOUTS_KEPT = int(os.environ.get("NORTHSTAR_OKR_LAYOUTS_KEPT", "300000"))
# Key results of whole OKR trees each process keeps per plan revision, viewer, view and day, read again after a
# check-in only for their latest values (okrs/queries.py); 0: none.
NORTHSTAR_OKR_TREES_KEPT = int(os.environ.get("NORTHSTAR_OKR_TREES_KEPT", "20000"))
# Check-ins each process keeps in memory, as key results' histories (okrs/queries.py); 0: none.
NORTHSTAR_CHECK_INS_KEPT = int(os.environ.get("NORTHSTAR_CHECK_INS_KEPT", "500000"))
