"""Settings for Shooting Circle, read from the environment.

With no environment at all the project runs embedded: a SQLite file, a filesystem Celery broker
under ``var/``, and emails written to ``var/mail/``. Set ``DATABASE_URL`` and ``REDIS_URL`` for
PostgreSQL and Redis-backed Celery workers.
"""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("VAR_DIR", BASE_DIR / "var"))


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value not in (None, "") else default


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    if value is None:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


DEBUG = env_bool("DEBUG", True)
SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    SECRET_KEY = "insecure-development-key-never-use-in-production"  # noqa: S105

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "axes",
    "studio",
    "review",
    "notifications",
    "locations",
    "bookings",
    "crews",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "config.uploads.BodySizeLimitMiddleware",
    "config.middleware.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",
]

# Serves static files (admin, API docs) from gunicorn without a separate web server: the collected ones
# in production, and with DEBUG straight from the apps (WhiteNoise's finders), since gunicorn, unlike
# runserver, serves none itself: the admin under `DEBUG=1 gunicorn` would otherwise have no CSS.
MIDDLEWARE.insert(1, "whitenoise.middleware.WhiteNoiseMiddleware")
WHITENOISE_USE_FINDERS = DEBUG
WHITENOISE_AUTOREFRESH = DEBUG

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "config.workspace.navigation",
            ],
        },
    },
]

# Database: PostgreSQL from DATABASE_URL, else an embedded SQLite file whose writers are
# serialised (BEGIN IMMEDIATE) so that check-then-insert services stay correct.
DATABASE_URL = os.environ.get("DATABASE_URL", "")
if DATABASE_URL:
    DATABASES = {
        "default": dj_database_url.parse(
            DATABASE_URL, conn_max_age=env_int("CONN_MAX_AGE", 60), conn_health_checks=True
        )
    }
    # Parameters bound by the server (psycopg's server-side binding) and statements prepared once a
    # connection has run them DATABASE_PREPARE_THRESHOLD times: PostgreSQL then plans each hot statement
    # once per connection, not once per request (docs/benchmarks.md, "Create path"). Behind PgBouncer in
    # transaction mode older than 1.21 (no max_prepared_statements), a prepared statement may meet a
    # server connection that never prepared it: set DATABASE_PREPARE_THRESHOLD= (empty) there.
    _prepare_threshold = os.environ.get("DATABASE_PREPARE_THRESHOLD", "5").strip()
    DATABASES["default"]["OPTIONS"] = {
        "server_side_binding": env_bool("DATABASE_SERVER_SIDE_BINDING", True),
        "prepare_threshold": int(_prepare_threshold) if _prepare_threshold else None,
    }
else:
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": os.environ.get("SQLITE_PATH", str(VAR_DIR / "db.sqlite3")),
            "OPTIONS": {
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            },
        }
    }
if os.environ.get("DATABASE_TEST_NAME"):
    DATABASES["default"]["TEST"] = {"NAME": os.environ["DATABASE_TEST_NAME"]}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
IS_POSTGRESQL = DATABASES["default"]["ENGINE"].endswith("postgresql")

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# The workspace's pages (studio/web) sign in here; the admin keeps its own login page.
LOGIN_URL = "workspace:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

# Internationalisation: Chinese by default, English on request (Accept-Language, or the language
# cookie set through /i18n/setlang/).
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("Simplified Chinese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
MEDIA_URL = "media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
# Uploaded files (set photos, review documents, call-sheet images). With no object storage configured
# they are files under MEDIA_ROOT, and set photos are served at MEDIA_URL by config.media when
# SERVE_MEDIA is on (by default with DEBUG: runserver and gunicorn alike, as WhiteNoise does for static).
# With AWS_STORAGE_BUCKET_NAME set they go to S3-compatible object storage through django-storages
# (MinIO in docker-compose, Aliyun OSS or any S3 API): a private bucket, links presigned for
# AWS_QUERYSTRING_EXPIRE seconds, signed for AWS_S3_PUBLIC_ENDPOINT_URL when people reach the store at
# another address than the application does (config/storage.py). Credentials: AWS_ACCESS_KEY_ID and
# AWS_SECRET_ACCESS_KEY from the environment, read by boto3.
AWS_STORAGE_BUCKET_NAME = os.environ.get("AWS_STORAGE_BUCKET_NAME", "")
if AWS_STORAGE_BUCKET_NAME:
    STORAGES["default"] = {
        "BACKEND": "config.storage.MediaStorage",
        "OPTIONS": {
            "bucket_name": AWS_STORAGE_BUCKET_NAME,
            "endpoint_url": os.environ.get("AWS_S3_ENDPOINT_URL") or None,
            "public_endpoint_url": os.environ.get("AWS_S3_PUBLIC_ENDPOINT_URL") or None,
            "region_name": os.environ.get("AWS_S3_REGION_NAME") or None,
            # MinIO answers on one host name, not one per bucket: "path"; Aliyun OSS wants "virtual".
            "addressing_style": os.environ.get("AWS_S3_ADDRESSING_STYLE") or None,
            "signature_version": "s3v4",
            "querystring_expire": env_int("AWS_QUERYSTRING_EXPIRE", 3600),
            "file_overwrite": False,
        },
    }
SERVE_MEDIA = env_bool("SERVE_MEDIA", DEBUG) and not AWS_STORAGE_BUCKET_NAME
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
# Bodies are refused (413) from their Content-Length before anything reads them (config/uploads.py): an
# upload endpoint takes its own file limit, the rest of the API DATA_UPLOAD_MAX_MEMORY_SIZE, and other
# pages (the admin's forms, which may carry several photos) at most this.
REQUEST_MAX_BYTES = env_int("REQUEST_MAX_BYTES", 32 * 1024 * 1024)

# Redis: cache, throttling counters and the Celery broker. Without it, everything is in-process
# and Celery runs on kombu's filesystem transport under var/celery/.
REDIS_URL = os.environ.get("REDIS_URL", "")


def _xdist_redis_url(url: str) -> str:
    """The test suite's pytest-xdist worker N (PYTEST_XDIST_WORKER=gwN) uses Redis database index + N.

    pytest-django gives each worker its own test database (DATABASE_TEST_NAME + _gwN); this gives it its
    own broker, cache and throttle counters, so that the Celery workers a test starts (they inherit the
    environment) consume only that worker's tasks and a test's FLUSHDB empties only its own database.
    The shifted URL is exported back (REDIS_URL, and PYTEST_XDIST_REDIS_URL to mark it as shifted) so
    that those processes do not shift it a second time.
    """
    worker = os.environ.get("PYTEST_XDIST_WORKER", "")
    if not (url and worker.startswith("gw")) or os.environ.get("PYTEST_XDIST_REDIS_URL") == url:
        return url
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    if parts.scheme not in ("redis", "rediss"):
        raise ImproperlyConfigured(f"pytest-xdist needs a redis:// REDIS_URL, one database a worker: {url}")
    index = (int(parts.path.strip("/") or 0) + int(worker[2:])) % 16  # Redis has 16 databases by default
    url = parts._replace(path=f"/{index}").geturl()
    os.environ["REDIS_URL"] = os.environ["PYTEST_XDIST_REDIS_URL"] = url
    return url


REDIS_URL = _xdist_redis_url(REDIS_URL)
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# The filesystem transport ignores the host; naming one keeps kombu from warning "No hostname was
# supplied" at every connection.
CELERY_BROKER_URL = REDIS_URL or "filesystem://localhost//"
if not REDIS_URL:
    _broker_dir = VAR_DIR / "celery" / "broker"
    for _sub in ("out", "processed", "control"):
        (_broker_dir / _sub).mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_broker_dir / "out"),
        "data_folder_out": str(_broker_dir / "out"),
        "data_folder_processed": str(_broker_dir / "processed"),
        "control_folder": str(_broker_dir / "control"),
    }
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", False)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 4
# No task may hold a worker for long: past the soft limit a task gets SoftTimeLimitExceeded (and hands
# back what it has not done), past the hard limit its process is killed. Tasks that should stop sooner
# set their own (notifications.tasks); the work of a killed periodic task is picked up by its next run,
# and a killed delivery by the outbox relay.
CELERY_TASK_SOFT_TIME_LIMIT = env_int("CELERY_TASK_SOFT_TIME_LIMIT", 300)
CELERY_TASK_TIME_LIMIT = env_int("CELERY_TASK_TIME_LIMIT", 360)
# Workers keep their database connection across tasks instead of reconnecting for each one (see
# docs/benchmarks.md, Outbox); config/celery.py still drops a broken or CONN_MAX_AGE-old connection.
CELERY_DB_REUSE_MAX = env_int("CELERY_DB_REUSE_MAX", 1000)
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = TIME_ZONE
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celery" / "beat-schedule")

# Email: written to files under var/mail/ unless an SMTP host is configured.
EMAIL_HOST = os.environ.get("EMAIL_HOST", "")
if EMAIL_HOST:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_PORT = env_int("EMAIL_PORT", 587)
    EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
    EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
    EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
    EMAIL_TIMEOUT = 30  # seconds per socket operation: a silent SMTP server fails the send, not the worker
else:
    EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.filebased.EmailBackend")
    EMAIL_FILE_PATH = str(VAR_DIR / "mail")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Shooting Circle <noreply@shooting-circle.local>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# Where people open the pages that emails and WeCom messages link to (scheme and host, no trailing slash).
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

# Reverse proxies in front of the app that append to X-Forwarded-For (0: clients connect directly, and
# the header, which anyone can send, is ignored). The client is the address the outermost of them saw.
TRUSTED_PROXIES = env_int("TRUSTED_PROXIES", 0)

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "studio.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "config.pagination.PageNumberPagination",
    "DEFAULT_RENDERER_CLASSES": [
        "config.renderers.JSONRenderer",
        "rest_framework.renderers.BrowsableAPIRenderer",
    ],
    "DEFAULT_PARSER_CLASSES": [
        "config.parsers.JSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": [
        "config.filters.DjangoFilterBackend",
        "config.filters.SearchFilter",
        "config.filters.OrderingFilter",
    ],
    "DEFAULT_SCHEMA_CLASS": "config.schema.AutoSchema",
    "EXCEPTION_HANDLER": "config.exceptions.api_exception_handler",
    "DEFAULT_THROTTLE_CLASSES": [
        "config.throttling.AnonRateThrottle",
        "config.throttling.UserRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "anon": os.environ.get("THROTTLE_ANON", "60/min"),
        "user": os.environ.get("THROTTLE_USER", "1200/min"),
        "auth_token": os.environ.get("THROTTLE_AUTH_TOKEN", "10/min"),
    },
    # the client address the throttles count (and the lockout keys on): see TRUSTED_PROXIES
    "NUM_PROXIES": TRUSTED_PROXIES,
    "DATETIME_FORMAT": "iso-8601",
    "COERCE_DECIMAL_TO_STRING": True,
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}

SPECTACULAR_SETTINGS = {
    "TITLE": "Shooting Circle API",
    "DESCRIPTION": "Production management for micro-short-drama: sets, bookings, crews and script review.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # Choice sets that share a field name ("kind", "status", "stage") get distinct, stable enum names.
    "ENUM_NAME_OVERRIDES": {
        "OrganizationKindEnum": "studio.models.Organization.Kind",
        "ProductionStatusEnum": "studio.models.Production.Status",
        "ReviewSubmissionKindEnum": "review.models.ReviewSubmission.Kind",
        "ReviewStageEnum": "review.models.ReviewSubmission.Stage",
        "BaseKindEnum": "locations.models.Base.Kind",
        "SetKindEnum": "locations.models.Set.Kind",
        "PlaceKindEnum": "locations.models.Place.Kind",
        "WebhookEndpointKindEnum": "notifications.models.WebhookEndpoint.Kind",
        "DeliveryStatusEnum": "notifications.models.Delivery.Status",
        "BookingStatusEnum": "bookings.models.Booking.Status",
        "WaitlistEntryStatusEnum": "bookings.models.WaitlistEntry.Status",
        "CrewRoleEnum": "crews.models.Role",
        "SceneStatusEnum": "crews.models.Scene.Status",
        "ShootDayStatusEnum": "crews.models.ShootDay.Status",
        "SceneTimeOfDayEnum": "crews.models.Scene.TimeOfDay",
        "SceneSettingEnum": "crews.models.Scene.Setting",
    },
    # the API is what lives under /api/: pages that reuse an API view elsewhere (the call sheet's page at
    # /call-sheets/public/<token>/) are not operations of it
    "PREPROCESSING_HOOKS": ["config.schema.api_paths_only"],
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "config.schema.document_error_responses",
        "config.schema.describe_truthfully",
    ],
}

# Repeated failed logins lock an account out for a cool-off, in the API and the admin alike, from the
# address they came from: a username and a client address together, so that a stranger guessing a
# user's password cannot lock that user out of signing in from anywhere else. Guessing across many
# accounts or addresses is limited by the throttles (the token endpoint's auth_token rate).
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("AXES_COOLOFF_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "config.security.lockout_response"
AXES_CLIENT_IP_CALLABLE = "config.security.client_ip"
AXES_ENABLED = env_bool("AXES_ENABLED", True)
AXES_VERBOSE = False  # no "AXES: BEGIN" banner from every process (web, its reloader, worker, beat)

# Production hardening; each can be relaxed from the environment behind a TLS-terminating proxy.
if not DEBUG:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
CSRF_FAILURE_VIEW = "config.error_pages.csrf_failure"

# Every line printed goes through config.redaction.RedactSecretsFilter: URLs' query values and user-info
# (webhook keys, feed tokens) and private links' path tokens (call sheets' /public/<token>) are masked.
# The access loggers (django.server for runserver, gunicorn's through config.access_log) and
# django.request carry the filter on the logger itself, so that any handler they reach gets the redacted
# line; django.server keeps Django's own format and handler, redefined here to add the filter.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"redact_secrets": {"()": "config.redaction.RedactSecretsFilter"}},
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
        "django.server": {
            "()": "django.utils.log.ServerFormatter",
            "format": "[{server_time}] {message}",
            "style": "{",
        },
    },
    # The level is on the handler too: records propagated from Django's own loggers (django.security
    # warns at a refused host name) skip the root logger's level and would print whatever LOG_LEVEL says.
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "plain",
            "level": os.environ.get("LOG_LEVEL", "INFO"),
            "filters": ["redact_secrets"],
        },
        "django.server": {
            "class": "logging.StreamHandler",
            "formatter": "django.server",
            "level": "INFO",
            "filters": ["redact_secrets"],
        },
    },
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "django.server": {
            "handlers": ["django.server"],
            "level": "INFO",
            "propagate": False,
            "filters": ["redact_secrets"],
        },
        # Django's own console handler (DEBUG only) would print each of its records a second time,
        # unformatted, beside the root's; its mail_admins handler has no ADMINS to write to. Django's
        # records go to the root's handler alone.
        "django": {"handlers": [], "level": "INFO", "propagate": True},
        # A 4xx is already a line of the access log (runserver's django.server, gunicorn's): django.request
        # adds only the server errors, with their traceback.
        "django.request": {"level": "ERROR", "filters": ["redact_secrets"]},
        "django.security.csrf": {"filters": ["redact_secrets"]},
    },
}
