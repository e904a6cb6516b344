"""Django settings for the forecast tracker.

Everything that differs between a laptop, CI and production comes from the
environment (see ``.env.example``). Unset, the project runs on an SQLite file
and an embedded Celery broker, so ``make run`` needs no service.
"""

from pathlib import Path

from tracker.env import (
    check_redis_url,
    check_secret_key,
    env_bool,
    env_int,
    env_list,
    env_str,
    parse_database_url,
    redis_cache,
)

BASE_DIR = Path(__file__).resolve().parent.parent
DATA_DIR = Path(env_str("DATA_DIR", str(BASE_DIR / "var")))

# --- Core -------------------------------------------------------------------

DEVELOPMENT_SECRET_KEY = "development-only-key-do-not-use-in-production"
# Every key this repository has ever shown: public, so never a production key.
PUBLIC_SECRET_KEYS = frozenset(
    {
        DEVELOPMENT_SECRET_KEY,
        "change-me-to-a-long-random-string",
        "deploy-check-only-abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGH",
        "test-only-secret-key-" + "x" * 40,
        "bench-only-secret-key-" + "x" * 40,
        "build-only",
    }
)
DEBUG = env_bool("DEBUG", default=False)
SECRET_KEY = env_str("SECRET_KEY", DEVELOPMENT_SECRET_KEY)
if not DEBUG:
    check_secret_key("SECRET_KEY", SECRET_KEY, public=PUBLIC_SECRET_KEYS)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"] if DEBUG else [])
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000")

INSTALLED_APPS = [
    "tracker.apps.TrackerAdminConfig",  # django.contrib.admin, the project's site
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_celery_beat",
    "django_celery_results",
    "simple_history",
    "indicators",
    "predictions",
    "tracker",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "tracker.headers.SecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "tracker.middleware.DatabaseUnavailableMiddleware",
    "tracker.middleware.NulInQueryMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
]

ROOT_URLCONF = "tracker.urls"
WSGI_APPLICATION = "tracker.wsgi.application"

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
            ],
        },
    },
]

# --- Database ---------------------------------------------------------------
# Persistent connections matter: a new PostgreSQL connection per request is
# several times slower than the request itself (research/baselines.md).

CONN_MAX_AGE = env_int("CONN_MAX_AGE", 600)
DATABASE_URL = env_str("DATABASE_URL")
if DATABASE_URL:
    DATABASES = {
        "default": parse_database_url(
            "DATABASE_URL", DATABASE_URL, conn_max_age=CONN_MAX_AGE
        )
    }
else:
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": DATA_DIR / "tracker.sqlite3",
            "OPTIONS": {"timeout": 20},
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache and broker -------------------------------------------------------

REDIS_URL = env_str("REDIS_URL")
if REDIS_URL:
    check_redis_url("REDIS_URL", REDIS_URL)
    # Falls through to a miss when Redis is down, so pages keep working.
    CACHES = {"default": redis_cache(REDIS_URL)}
    DJANGO_REDIS_LOG_IGNORED_EXCEPTIONS = True
    CELERY_BROKER_URL = REDIS_URL
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        # With acks_late, a task whose worker died is handed to another worker
        # after this many seconds.
        "visibility_timeout": env_int("CELERY_VISIBILITY_TIMEOUT", 3600),
        # Unset, a Redis host that drops packets holds a publish for minutes.
        "socket_connect_timeout": 1,
    }
else:
    # Files, not memory: the site and the worker are two processes, and the
    # scoreboard one rebuilds is the one the other serves.
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": DATA_DIR / "cache",
        }
    }
    BROKER_DIR = DATA_DIR / "broker"
    # Kombu's filesystem transport lists the folder on the first publish and
    # fails if it is missing (manage.py load_seed publishes before any worker).
    (BROKER_DIR / "queue").mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_URL = "filesystem://"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(BROKER_DIR / "queue"),
        "data_folder_out": str(BROKER_DIR / "queue"),
        "processed_folder": str(BROKER_DIR / "processed"),
        "control_folder": str(BROKER_DIR / "control"),
        "store_processed": False,
    }

# Each process's copies of rendered pages (tracker/memo.py): with bodies of at
# most 500 kB, at most about 128 MB per process.
CACHES["pages"] = {
    "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
    "LOCATION": "pages",
    "OPTIONS": {"MAX_ENTRIES": 256},
}

# --- Celery (https://docs.celeryq.dev/en/stable/userguide/configuration.html) --

CELERY_RESULT_BACKEND = "django-db"
CELERY_RESULT_EXTENDED = True
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", default=False)
CELERY_TASK_EAGER_PROPAGATES = True
# At-least-once delivery: a task is acknowledged only after it finished, and is
# handed back to the broker when its worker process dies. Tasks are idempotent.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SOFT_TIME_LIMIT = env_int("CELERY_TASK_SOFT_TIME_LIMIT", 240)
CELERY_TASK_TIME_LIMIT = env_int("CELERY_TASK_TIME_LIMIT", 300)
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# A request that saved a value publishes its rescore: with the broker down it
# gives up within about a second and defers the rescore (predictions.changes).
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 2,
    "interval_start": 0,
    "interval_step": 0.2,
    "interval_max": 0.2,
}
# The database schedule; a job that falls due while the broker is down is
# sent when it is back, not skipped to its next period.
CELERY_BEAT_SCHEDULER = "tracker.beat:ResendingDatabaseScheduler"
CELERY_TIMEZONE = "UTC"

# --- Feeds ------------------------------------------------------------------

FEED_TIMEOUT_SECONDS = env_int("FEED_TIMEOUT_SECONDS", 20)
# The default byte limit of a response; a feed may set its own (Feed.max_bytes).
FEED_MAX_BYTES = env_int("FEED_MAX_BYTES", 5_000_000)
FEED_CLAIM_SECONDS = env_int("FEED_CLAIM_SECONDS", 600)
# Sent with every feed request. The SEC answers 403 to a client that does not
# name a contact (https://www.sec.gov/os/accessing-edgar-data): put one here.
FEED_USER_AGENT = env_str(
    "FEED_USER_AGENT", "forecast-tracker/0.1 (feed fetcher; contact unset)"
)
# Feeds and webhooks reach public addresses only (tracker.outbound); set to
# fetch from loopback or the local network on purpose.
FEEDS_ALLOW_PRIVATE_HOSTS = env_bool("FEEDS_ALLOW_PRIVATE_HOSTS", default=False)

# --- API (https://www.django-rest-framework.org/api-guide/settings/) ----------

API_MAX_BATCH = env_int("API_MAX_BATCH", 500)
# Rows in one CSV export for a client without a token (a token lifts the cap).
API_ANON_EXPORT_ROWS = env_int("API_ANON_EXPORT_ROWS", 10_000)
# The largest request body, in bytes (Django's default, 2.5 MiB): a batch of
# API_MAX_BATCH observations with long notes fits.
DATA_UPLOAD_MAX_MEMORY_SIZE = env_int("DATA_UPLOAD_MAX_MEMORY_SIZE", 2_621_440)
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": [
        "rest_framework.permissions.IsAuthenticatedOrReadOnly",
    ],
    # A size and depth limit on JSON bodies (tracker.parsers).
    "DEFAULT_PARSER_CLASSES": [
        "tracker.parsers.JSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_RENDERER_CLASSES": [
        "tracker.renderers.FastJSONRenderer",
        "rest_framework.renderers.BrowsableAPIRenderer",
    ],
    "DEFAULT_FILTER_BACKENDS": [
        "tracker.filters.FilterBackend",
        "rest_framework.filters.SearchFilter",
        "rest_framework.filters.OrderingFilter",
    ],
    # Pages of 50; ?page_size= up to 200.
    "DEFAULT_PAGINATION_CLASS": "tracker.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    # Counted with one atomic INCR per request in Redis (tracker.throttling).
    "DEFAULT_THROTTLE_CLASSES": [
        "tracker.throttling.AnonRateThrottle",
        "tracker.throttling.UserRateThrottle",
    ],
    # How many proxies in front of the site append to X-Forwarded-For: the
    # client is the address that many entries from the end (0: the socket's
    # address, and the header is ignored). Unset, DRF would take the whole
    # header from the client, so anyone could pick a fresh identity.
    "NUM_PROXIES": env_int("NUM_PROXIES", 0),
    "DEFAULT_THROTTLE_RATES": {
        "anon": env_str("API_THROTTLE_ANON", "120/minute"),
        "user": env_str("API_THROTTLE_USER", "1200/minute"),
    },
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Forecast tracker API",
    "DESCRIPTION": (
        "AI 2027 and Lambert's rebuttal, scored against the record.\n\n"
        "Limits: a request body of at most DATA_UPLOAD_MAX_MEMORY_SIZE bytes "
        "(2,621,440 by default; over it, 413), JSON nested at most 32 levels, "
        "at most API_MAX_BATCH (500) observations per POST, dates from "
        "1950-01-01 (observations: up to today; deadlines: up to 2100-12-31), "
        "every text field within the maxLength given here, and URLs http(s) "
        "only. Pages of 50, page_size up to 200; CSV exports for anonymous "
        "clients are capped (see the README)."
    ),
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # Scores and status changes share one set of statuses: one name in the schema.
    "ENUM_NAME_OVERRIDES": {"PredictionStatusEnum": "predictions.models.Status"},
}

# --- Security ---------------------------------------------------------------
# BEHIND_TLS says the site is served over HTTPS (directly or by a proxy that
# sets X-Forwarded-Proto); only then are HSTS and secure cookies switched on.

BEHIND_TLS = env_bool("BEHIND_TLS", default=False)
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"
if BEHIND_TLS:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = True
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31_536_000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]

# --- Internationalisation and static files ----------------------------------

# Django 6 will assume https:// for scheme-less URLs in forms; do so already.
FORMS_URLFIELD_ASSUME_HTTPS = True
LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STATICFILES_FINDERS = [
    "django.contrib.staticfiles.finders.FileSystemFinder",
    "django.contrib.staticfiles.finders.AppDirectoriesFinder",
    # plotly.min.js straight from the installed plotly package (no CDN, no copy).
    "tracker.staticfinders.PlotlyFinder",
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
}
