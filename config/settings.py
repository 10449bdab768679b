"""One settings module for every environment, driven by environment variables.

Nothing set → a development site on SQLite (WAL) in ./var. Production sets at least
GONGZHI_ENV=production, SECRET_KEY, GONGZHI_DATA_KEY, ALLOWED_HOSTS, DATABASE_URL, REDIS_URL and
SMS_SENDER; left at an unsafe default it refuses to start (gongzhi.core.checks, run by every manage
command and by config/wsgi.py and asgi.py).
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import dj_database_url
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("GONGZHI_VAR_DIR", BASE_DIR / "var"))


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


GONGZHI_ENV = os.environ.get("GONGZHI_ENV", "development")
PRODUCTION = GONGZHI_ENV == "production"
DEBUG = env_bool("DEBUG", not PRODUCTION)

SECRET_KEY = os.environ.get("SECRET_KEY", "" if PRODUCTION else "dev-only-insecure-key-change-me-" + "x" * 20)
# Personal data (ID numbers, phones) is encrypted with SM4 under this key and looked up by an
# HMAC-SM3 keyed hash. It is separate from SECRET_KEY so that rotating sessions never loses data.
GONGZHI_DATA_KEY = os.environ.get(
    "GONGZHI_DATA_KEY", "" if PRODUCTION else hashlib.sha256(("data:" + SECRET_KEY).encode()).hexdigest()
)

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "" if PRODUCTION else "127.0.0.1,localhost,testserver")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_htmx",
    "rules.apps.AutodiscoverRulesConfig",
    "axes",
    "csp",
    "ninja",  # its bundled Swagger UI files, served from here: /api/v1/docs loads nothing from a CDN (CSP)
    "django_tasks",
    "django_tasks_db",
    "gongzhi.core",
    "gongzhi.audit",
    "gongzhi.ops",
    "gongzhi.places",
    "gongzhi.accounts",
    "gongzhi.jobs",
    "gongzhi.people",
    "gongzhi.workdays",
    "gongzhi.routing",
    "gongzhi.tickets",
    "gongzhi.open311",
    "gongzhi.party",
    "gongzhi.venues",
    "gongzhi.volunteers",
    "gongzhi.cobuild",
    "gongzhi.care",
    "gongzhi.mediation",
    "gongzhi.training",
    "gongzhi.points",
    "gongzhi.devices",
    "gongzhi.socialorgs",
    "gongzhi.stairwells",
    "gongzhi.campaigns",
    "gongzhi.resettlement",
    "gongzhi.councils",
    "gongzhi.property",
    "gongzhi.registers",
    "gongzhi.cockpit",
    "gongzhi.assessment",
    "gongzhi.console",
    "gongzhi.h5",
    "gongzhi.demo",
    "gongzhi.authz",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # With DATABASE_REPLICA_URL: a client that wrote in the last few seconds reads from the primary.
    "gongzhi.core.replica.ReadYourWritesMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    # After CSRF: cleans the query string, and the form body CSRF has parsed (gongzhi.core.bounds).
    "gongzhi.core.http.CleanInputMiddleware",
    "gongzhi.core.sessions.SessionActorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "csp.middleware.CSPMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "gongzhi" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "gongzhi.console.context.console",
            ],
        },
    }
]

# --- database -------------------------------------------------------------------------------
DATABASE_URL = os.environ.get("DATABASE_URL", "")
if DATABASE_URL:
    # Persistent connections (CONN_MAX_AGE seconds), each checked before its first use in a request: after
    # the database restarts, a worker's dead connection is replaced on the next request, no restart needed
    # (tested by make test-faults; see docs/reliability.md).
    DATABASES = {
        "default": dj_database_url.parse(
            DATABASE_URL,
            conn_max_age=int(os.environ.get("CONN_MAX_AGE", 60)),
            conn_health_checks=True,
        )
    }
    if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
        # A database host that is down or unreachable fails a request in seconds (503), not minutes.
        DATABASES["default"].setdefault("OPTIONS", {}).setdefault(
            "connect_timeout", int(os.environ.get("DB_CONNECT_TIMEOUT", 5))
        )
    # Behind PgBouncer in transaction pooling mode (DATABASE_POOLER=pgbouncer): one transaction is all a
    # server connection belongs to this client, so no server-side cursors (Django's .iterator() would
    # DECLARE one and FETCH in a later transaction) and no prepared statements (psycopg's are per server
    # connection). The code keeps no session state: advisory locks are transaction-scoped
    # (pg_advisory_xact_lock, gongzhi.core.locks), SET only as SET LOCAL, the time zone is a parameter
    # PgBouncer tracks itself. See docs/deployment.md.
    DATABASE_POOLER = os.environ.get("DATABASE_POOLER", "").strip().lower()
    if DATABASE_POOLER == "pgbouncer":
        DATABASES["default"]["DISABLE_SERVER_SIDE_CURSORS"] = True
        DATABASES["default"].setdefault("OPTIONS", {})["prepare_threshold"] = None
    # A streaming replica for the heavy read-only selectors (gongzhi.core.replica): used only inside
    # reading_from_replica(), and not when it lags more than REPLICA_MAX_LAG_SECONDS or is down.
    DATABASE_REPLICA_URL = os.environ.get("DATABASE_REPLICA_URL", "")
    if DATABASE_REPLICA_URL:
        DATABASES["replica"] = dj_database_url.parse(
            DATABASE_REPLICA_URL,
            conn_max_age=int(os.environ.get("CONN_MAX_AGE", 60)),
            conn_health_checks=True,
        )
        DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
        if DATABASES["replica"]["ENGINE"] == "django.db.backends.postgresql":
            # A replica that is down is given up on quickly: the read goes to the primary instead.
            DATABASES["replica"].setdefault("OPTIONS", {}).setdefault(
                "connect_timeout", int(os.environ.get("REPLICA_CONNECT_TIMEOUT", 2))
            )
            if DATABASE_POOLER == "pgbouncer":
                DATABASES["replica"]["DISABLE_SERVER_SIDE_CURSORS"] = True
                DATABASES["replica"]["OPTIONS"]["prepare_threshold"] = None
else:
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": os.environ.get("SQLITE_PATH", str(VAR_DIR / "gongzhi.sqlite3")),
            "OPTIONS": {
                # WAL lets readers go on while one writer commits; IMMEDIATE takes the write
                # lock at BEGIN so two services never deadlock upgrading a read lock.
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=5000;",
                "transaction_mode": "IMMEDIATE",
            },
            # Tests run on a file too, as the product does: an in-memory shared-cache database answers
            # "table is locked" at once instead of waiting, so concurrency tests would test nothing real.
            "TEST": {"NAME": str(VAR_DIR / "test.sqlite3")},
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
DATABASE_ROUTERS = ["gongzhi.core.replica.ReplicaRouter"]
# Seconds behind the primary beyond which the replica is not read; how often a process asks it; how long
# after a write its client reads from the primary (read-your-writes).
REPLICA_MAX_LAG_SECONDS = float(os.environ.get("REPLICA_MAX_LAG_SECONDS", 5))
REPLICA_CHECK_SECONDS = float(os.environ.get("REPLICA_CHECK_SECONDS", 2))
READ_YOUR_WRITES_SECONDS = float(os.environ.get("READ_YOUR_WRITES_SECONDS", 10))

# --- accounts and security ------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "gongzhi.accounts.hashers.Argon2idHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "console:login"
LOGIN_REDIRECT_URL = "console:home"

SESSION_COOKIE_AGE = int(os.environ.get("SESSION_COOKIE_AGE", 8 * 3600))
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = PRODUCTION
CSRF_COOKIE_SECURE = PRODUCTION
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", PRODUCTION)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if PRODUCTION else None
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", 31536000 if PRODUCTION else 0))
SECURE_HSTS_INCLUDE_SUBDOMAINS = PRODUCTION
SECURE_HSTS_PRELOAD = PRODUCTION
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", 5))
AXES_COOLOFF_TIME = float(os.environ.get("AXES_COOLOFF_HOURS", 0.5))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "gongzhi.accounts.lockout.lockout_response"
AXES_VERBOSE = False


def tile_origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc.replace('{s}', '*')}"


MAP_TILE_URL = os.environ.get("MAP_TILE_URL", "")  # empty: no tile server, grids drawn on a blank canvas
MAP_TILE_ATTRIBUTION = os.environ.get("MAP_TILE_ATTRIBUTION", "")
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", "'unsafe-inline'"],  # Leaflet and ECharts set inline styles
        "img-src": ["'self'", "data:", "blob:", *([tile_origin(MAP_TILE_URL)] if MAP_TILE_URL else [])],
        "connect-src": ["'self'"],
        "font-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
    }
}

# --- cache and rate limits ------------------------------------------------------------------
# LocMem for development (each process counts alone); REDIS_URL (or CACHE_URL) → Redis, so the rate
# limits of gongzhi.core.ratelimit hold across every web worker. Production refuses to start on LocMem
# (gongzhi.core.checks).
REDIS_URL = os.environ.get("REDIS_URL", "") or os.environ.get("CACHE_URL", "")
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "gongzhi"}}
# --- background tasks (gongzhi.jobs) ---------------------------------------------------------------
# Django's tasks API (the django-tasks backport): the database backend by default, so `make run` needs
# nothing else; the RQ queue on Redis when REDIS_URL is set (GONGZHI_TASKS=db|rq chooses explicitly).
# Workers: `python manage.py jobs_worker` (both backends).
GONGZHI_TASKS = os.environ.get("GONGZHI_TASKS", "rq" if REDIS_URL else "db")
if GONGZHI_TASKS == "rq":
    INSTALLED_APPS.insert(INSTALLED_APPS.index("django_tasks_db") + 1, "django_rq")
    RQ_QUEUES = {"default": {"URL": os.environ.get("TASKS_REDIS_URL", REDIS_URL), "DEFAULT_TIMEOUT": 3600}}
    TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}}
elif GONGZHI_TASKS == "immediate":
    TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
else:
    TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
JOBS_RESULT_DAYS = int(os.environ.get("JOBS_RESULT_DAYS", "7"))  # result files kept, then dropped
JOBS_STALE_SECONDS = int(os.environ.get("JOBS_STALE_SECONDS", "90"))  # no heartbeat → worker died
JOBS_MAX_ATTEMPTS = 3
# Uploads of more rows than this (estimated from the file size) go to a background job with progress.
JOBS_IMPORT_SYNC_BYTES = int(os.environ.get("JOBS_IMPORT_SYNC_BYTES", str(256 * 1024)))
# Exports of more rows than this become a background job whose file is downloaded when ready.
JOBS_EXPORT_SYNC_ROWS = int(os.environ.get("JOBS_EXPORT_SYNC_ROWS", "5000"))

# name → "count/seconds" (fixed window); each overridable by RATE_LIMIT_<NAME>, "off" turns one off.
# See docs/hardening.md for what each one counts.
_RATE_LIMIT_DEFAULTS = {
    "login_ip": "20/300",  # failed staff logins (console and API) per client IP
    "otp_ip": "10/3600",  # one-time-code requests per client IP (per phone: one a minute, in accounts)
    "otp_verify_ip": "30/3600",  # one-time-code sign-in attempts (right or wrong) per client IP
    "otp_phone_day": "10/86400",  # codes sent to one phone a day, whoever asks
    "reveal_user": "30/3600",  # full ID numbers and phones shown to one account (console and API)
    "report_user": "20/3600",  # resident ticket reports (H5 随手拍, API) per resident
    "report_ip": "30/3600",  # resident ticket reports per client IP
    "open311_ip": "120/60",  # Open311 POSTs per client IP (per key: the key's own limit a minute)
}
RATE_LIMITS = {
    name: os.environ.get(f"RATE_LIMIT_{name.upper()}", default)
    for name, default in _RATE_LIMIT_DEFAULTS.items()
}
# Behind a reverse proxy: the META name of the header it sets with the client address, e.g.
# HTTP_X_FORWARDED_FOR or HTTP_X_REAL_IP. Empty (the default): REMOTE_ADDR, which a client cannot forge.
RATE_LIMIT_IP_HEADER = os.environ.get("RATE_LIMIT_IP_HEADER", "")

# One-time codes for resident sign-in: the sender is a dotted path to a callable(phone, code). Production
# must name its SMS gateway (gongzhi.core.checks refuses to start otherwise). Development's default keeps
# the code in the cache for the H5 sign-in page to show (gongzhi.accounts.sms); no sender logs a code.
SMS_SENDER = os.environ.get(
    "SMS_SENDER",
    "gongzhi.accounts.sms.log_sender" if PRODUCTION else "gongzhi.accounts.sms.dev_outbox_sender",
)
OTP_TTL_SECONDS = int(os.environ.get("OTP_TTL_SECONDS", 300))
OTP_MAX_ATTEMPTS = 5

# --- i18n and time --------------------------------------------------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("简体中文")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "gongzhi" / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True
# Working hours for time limits in working days/hours (Asia/Shanghai local time); see docs/workdays.md.
WORKDAY_HOURS = os.environ.get("WORKDAY_HOURS", "08:30-12:00,13:30-17:30")
# How often a process asks the database whether the holiday table changed (its own writes clear at once).
WORKDAY_CACHE_SECONDS = float(os.environ.get("WORKDAY_CACHE_SECONDS", 5))
# The same for the point-to-grid locator (a grid saved in the process drops it at once) and for the
# ticket categories every report names (a category saved in the process clears it at once).
GRID_LOCATOR_CHECK_SECONDS = float(os.environ.get("GRID_LOCATOR_CHECK_SECONDS", 5))
CATEGORY_CACHE_SECONDS = float(os.environ.get("CATEGORY_CACHE_SECONDS", 30))

# --- static and media -----------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "gongzhi" / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "media"))
# Several web nodes: MEDIA_ROOT on a filesystem every node mounts (NFS, CephFS), or MEDIA_STORAGE=s3 for an
# S3-compatible store through django-storages (installed separately; AWS_* variables, docs/deployment.md).
STORAGES: dict[str, dict[str, Any]] = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
if os.environ.get("MEDIA_STORAGE", "").strip().lower() == "s3":
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": os.environ.get("AWS_STORAGE_BUCKET_NAME", ""),
            "endpoint_url": os.environ.get("AWS_S3_ENDPOINT_URL") or None,
            "default_acl": "private",
            "querystring_auth": True,
            "file_overwrite": False,
        },
    }
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
# One uploaded photo, checked before it is decoded (gongzhi.core.images).
PHOTO_MAX_BYTES = int(os.environ.get("PHOTO_MAX_BYTES", 10 * 1024 * 1024))
# The whole multipart body (9 photos and a form), refused before any file part is streamed to disk
# (gongzhi.core.uploads); the front proxy should cap it too (nginx client_max_body_size).
UPLOAD_MAX_REQUEST_BYTES = int(os.environ.get("UPLOAD_MAX_REQUEST_BYTES", 100 * 1024 * 1024))
FILE_UPLOAD_HANDLERS = [
    "gongzhi.core.uploads.RequestSizeLimitHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]
# Tickets: the notifier (dotted path to callable(Notice)), and the red card: overdue again by this many
# times the ticket's own time limit after a yellow card.
TICKET_NOTIFY_SENDER = os.environ.get("TICKET_NOTIFY_SENDER", "gongzhi.tickets.notify.log_sender")
TICKET_RED_CARD_FACTOR = float(os.environ.get("TICKET_RED_CARD_FACTOR", 1.0))
IMPORT_MAX_ROWS = int(os.environ.get("IMPORT_MAX_ROWS", 50_000))
# Backups (python manage.py backup / restore): where archives go by default, and where pg_dump and
# pg_restore live when not on PATH or in /usr/lib/postgresql/*/bin.
BACKUP_DIR = Path(os.environ.get("BACKUP_DIR", VAR_DIR / "backups"))
PG_BIN_DIR = os.environ.get("PG_BIN_DIR", "")
# Largest population / 12345 import file, checked from the upload's size before a byte is read.
IMPORT_MAX_BYTES = int(os.environ.get("IMPORT_MAX_BYTES", 20 * 1024 * 1024))
# Every uploaded xlsx/csv is parsed in a child process (gongzhi.core.parsing) within this address space
# and this many seconds; a file that needs more is refused with a 400, the web worker unharmed.
IMPORT_PARSE_MEMORY_MB = int(os.environ.get("IMPORT_PARSE_MEMORY_MB", 512))
IMPORT_PARSE_SECONDS = float(os.environ.get("IMPORT_PARSE_SECONDS", 30))

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "loggers": {
        "gongzhi": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
        "django.request": {"handlers": ["console"], "level": "WARNING"},
    },
}
