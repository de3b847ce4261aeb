"""Settings, read from the environment in this one place.

Everything that differs between a laptop and a deployment comes from an
environment variable; the defaults give a zero-setup embedded SQLite database
under ``var/`` with DEBUG off.
"""

import os
import secrets
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
DATA_DIR = Path(os.environ.get("CITY_EVENTS_DATA_DIR", BASE_DIR / "var"))
DATA_DIR.mkdir(parents=True, exist_ok=True)


def env_flag(name: str, default: bool = False) -> bool:
    """Whether the environment variable ``name`` is set to a true value."""
    return os.environ.get(name, str(default)).strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def secret_key() -> str:
    """DJANGO_SECRET_KEY, or a random key kept in the data directory.

    A key generated once and kept on disk (as pretalx does) lets a fresh
    checkout run without configuration while never shipping a shared key.
    """
    if key := os.environ.get("DJANGO_SECRET_KEY"):
        return key
    key_file = DATA_DIR / "secret_key"
    if not key_file.exists():
        key_file.write_text(secrets.token_urlsafe(50))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


SECRET_KEY = secret_key()
DEBUG = env_flag("DJANGO_DEBUG")
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", "")
SITE_URL = os.environ.get("CITY_EVENTS_SITE_URL", "http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework.authtoken",
    "axes",
    "csp",  # django-csp: Content-Security-Policy, and its checks of the settings
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",  # Swagger UI served from our static files
    "simple_history",
    "venues",
    "events",
    "scheduler",
    "bookings",
    "api",
    "accounts",  # last: its post_migrate sees every other app's permissions
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "api.limits.RequestBodyLimitMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    # Before any view decodes JSON, and in the client's language (api.limits).
    "api.limits.JSONDepthLimitMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    # Lets django-simple-history record who made each change (bookings, docs/planner.md).
    "simple_history.middleware.HistoryRequestMiddleware",
    # Answers a locked-out login (django-axes); last, as its documentation asks.
    "axes.middleware.AxesMiddleware",
]

# django-axes counts failed logins (admin, token endpoint) per user name and address.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = int(os.environ.get("LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = float(os.environ.get("LOGIN_COOLOFF_HOURS", "1"))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False  # lockouts are still logged as warnings
# Behind a reverse proxy, the client address is the proxy's unless told otherwise.
AXES_IPWARE_META_PRECEDENCE_ORDER = env_list("LOGIN_CLIENT_IP_HEADERS", "REMOTE_ADDR")

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

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
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{DATA_DIR / 'city-events.sqlite3'}",
        conn_max_age=int(os.environ.get("DATABASE_CONN_MAX_AGE", "60")),
    )
}
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # A transaction takes SQLite's write lock when it begins, so a second
    # writer waits (up to 20 s) rather than failing with "database is
    # locked" when it upgrades a read to a write: select_for_update is a
    # no-op on SQLite, and holds released at once answered 500.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        **DATABASES["default"].get("OPTIONS", {}),  # what DATABASE_URL asks for wins
    }
    # A test database on disk rather than in shared-cache memory: solve runs
    # write from background threads, and on disk SQLite waits for a lock
    # instead of failing at once with "database table is locked". One file
    # per process, so two test runs in one checkout never share it.
    DATABASES["default"]["TEST"] = {"NAME": str(DATA_DIR / f"test-{os.getpid()}.sqlite3")}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Rendered feeds are cached per published version; share them between
# processes by pointing CACHE_REDIS_URL at Redis.
CACHES = {
    "default": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": url}
        if (url := os.environ.get("CACHE_REDIS_URL"))
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# The city's dates are in Asia/Shanghai; datetimes are stored aware.
TIME_ZONE = "Asia/Shanghai"
USE_TZ = True
USE_I18N = True
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True

REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_PAGINATION_CLASS": "api.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "rest_framework.filters.OrderingFilter",
        "rest_framework.filters.SearchFilter",
    ],
    # Session first: an anonymous write is a 403, as for a signed-in user without the role.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "api.authentication.ExpiringTokenAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["api.permissions.RolePermissions"],
    "DEFAULT_THROTTLE_CLASSES": ["api.throttling.AnonThrottle", "api.throttling.UserThrottle"],
    # An empty rate turns that throttle off.
    "DEFAULT_THROTTLE_RATES": {
        "anon": os.environ.get("API_THROTTLE_ANON", "60/minute") or None,
        "user": os.environ.get("API_THROTTLE_USER", "600/minute") or None,
    },
    "EXCEPTION_HANDLER": "api.exceptions.exception_handler",
}
# How long an API token lasts from when it is issued (api.authentication).
API_TOKEN_HOURS = float(os.environ.get("API_TOKEN_HOURS", "24"))

SPECTACULAR_SETTINGS = {
    "TITLE": "Hefei international events scheduler API",
    "DESCRIPTION": "Catalogue of venues, hotels and events; solve runs; published plans.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # Swagger UI from our own static files (drf-spectacular-sidecar), never a CDN:
    # the service runs on an intranet, and staff are signed in on that page.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # Each "status" its own name: `check --deploy` fails on spectacular's collision warning.
    "ENUM_NAME_OVERRIDES": {
        "CategoryEnum": "events.models.CATEGORY_CHOICES",
        "EventStatusEnum": "events.models.Event.Status",
        "HoldStatusEnum": "bookings.models.VenueHold.Status",
        "SolveRunStatusEnum": "scheduler.models.SolveRun.Status",
        "PublishedEventStatusEnum": "scheduler.models.PublishedEvent.Status",
    },
}

# Solve runs go to Celery when a broker is configured, else to a background thread.
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", "")
CELERY_RESULT_BACKEND = os.environ.get("CELERY_RESULT_BACKEND", "") or None
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = False
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TIMEZONE = TIME_ZONE

# Hold notices to organisers (bookings); the console backend until SMTP is configured.
EMAIL_BACKEND = os.environ.get(
    "DJANGO_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend"
)
EMAIL_HOST = os.environ.get("DJANGO_EMAIL_HOST", "localhost")
DEFAULT_FROM_EMAIL = os.environ.get("DJANGO_DEFAULT_FROM_EMAIL", "events@hefei.invalid")

SOLVER_TIME_LIMIT_S = float(os.environ.get("SOLVER_TIME_LIMIT_S", "30"))
SOLVER_WORKERS = int(os.environ.get("SOLVER_WORKERS", "2"))
# A run is failed when its solving process is silent this long, or it waits queued this long
# while no solving process anywhere gives a sign of life (docs/solve-runs.md).
SOLVER_HEARTBEAT_TIMEOUT_S = float(os.environ.get("SOLVER_HEARTBEAT_TIMEOUT_S", "30"))
SOLVER_QUEUE_TIMEOUT_S = float(os.environ.get("SOLVER_QUEUE_TIMEOUT_S", "600"))
# The largest problem a solve (or scenario) may be asked for; a larger one is a 400.
SOLVER_MAX_EVENTS = int(os.environ.get("SOLVER_MAX_EVENTS", "2000"))
SOLVER_MAX_HORIZON_YEARS = int(os.environ.get("SOLVER_MAX_HORIZON_YEARS", "6"))

# A request body larger than this is refused (413 on the API) before it is parsed.
DATA_UPLOAD_MAX_MEMORY_SIZE = int(os.environ.get("REQUEST_MAX_BYTES", str(2 * 1024 * 1024)))

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
}

# Content-Security-Policy on every page: scripts, styles, images and fonts from this site
# only, no plugins, never framed, forms sent here only. No page of ours has an inline
# script or style; the API docs add Swagger UI's CDN for themselves (config/urls.py).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
    }
}

if not DEBUG:
    SESSION_COOKIE_HTTPONLY = True
    X_FRAME_OPTIONS = "DENY"
    SECURE_CONTENT_TYPE_NOSNIFF = True
    SECURE_REFERRER_POLICY = "same-origin"

# Served over HTTPS (production): cookies only over TLS, HSTS, redirect to https.
# Off by default so `make demo` works on http://127.0.0.1:8000.
if env_flag("DJANGO_SECURE"):
    SECURE_SSL_REDIRECT = env_flag("DJANGO_SECURE_SSL_REDIRECT", True)
    # The TLS-terminating proxy says so in this header; trust it only behind one.
    if env_flag("DJANGO_BEHIND_TLS_PROXY"):
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = int(os.environ.get("DJANGO_HSTS_SECONDS", str(365 * 24 * 60 * 60)))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_flag("DJANGO_HSTS_INCLUDE_SUBDOMAINS", True)
    SECURE_HSTS_PRELOAD = env_flag("DJANGO_HSTS_PRELOAD", True)
    # Request rates counted in one process's memory are granted afresh by every worker
    # (4 gunicorn workers let 229 of 300 requests through a 60/minute limit): a production
    # server counts them in a cache all its processes share, or refuses to start.
    if CACHES["default"]["BACKEND"].endswith("LocMemCache") and any(
        REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"].values()
    ):
        raise ImproperlyConfigured(
            "DJANGO_SECURE=1 with API rate limits needs CACHE_REDIS_URL, a cache all processes "
            "share (or API_THROTTLE_ANON and API_THROTTLE_USER set empty to turn them off)."
        )
