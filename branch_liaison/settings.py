"""Settings for branch-liaison, read from environment variables only (see .env.example).

Bad values fail at start with ImproperlyConfigured instead of being guessed around.
"""

import ipaddress
import os
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlparse

import dj_database_url
from celery.schedules import crontab
from csp.constants import NONCE, NONE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default).strip()


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    value = raw.strip().lower()
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be 1/0, true/false, yes/no or on/off, not {raw!r}")


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be an integer, not {raw!r}") from exc


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


def env_url(name: str, default: str, schemes: set[str]) -> str:
    value = env_str(name, default)
    if value and urlparse(value).scheme not in schemes:
        raise ImproperlyConfigured(
            f"{name} must start with one of {sorted(schemes)}, not {value!r}"
        )
    return value


DEBUG = env_bool("DEBUG", False)

SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY is required when DEBUG is off (see .env.example)")
    SECRET_KEY = "dev-only-insecure-key-never-use-in-production-0123456789abcdefghijk"

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"] if DEBUG else [])
if not ALLOWED_HOSTS:
    raise ImproperlyConfigured("ALLOWED_HOSTS is required when DEBUG is off")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

SITE_URL = env_url("SITE_URL", "http://127.0.0.1:8000", {"http", "https"}).rstrip("/")
SCHOOL_NAME = env_str("SCHOOL_NAME", "示范学院")
# Issue 17: the WeCom and DingTalk API bases (a proxy, or the tests' local stand-in); the keys
# and secrets are entered in the app (school and branch settings), never a URL.
WECOM_API_BASE = env_url(
    "WECOM_API_BASE",
    "https://qyapi.weixin.qq.com",
    {"http", "https"},
).rstrip("/")
DINGTALK_API_BASE = env_url(
    "DINGTALK_API_BASE", "https://oapi.dingtalk.com", {"http", "https"}
).rstrip("/")
# Seconds to wait for either API before the send counts as a timeout (retried with backoff).
CHANNEL_TIMEOUT = env_int("CHANNEL_TIMEOUT", 10)

INSTALLED_APPS = [
    # The admin site that hides confidential fields and audits every change (not the stock one).
    "members.apps.LiaisonAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "crispy_forms",
    "crispy_bootstrap5",
    "axes",
    "members",
    "contacts",
    "talks",
    "inspections",
    "demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Pages (text only) gzipped with Django's BREACH padding; why here and not in nginx:
    # branch_liaison/compression.py. Below WhiteNoise: static files come precompressed.
    "branch_liaison.compression.TextGZipMiddleware",
    "members.middleware.RequestIdMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "members.middleware.ChineseFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "members.middleware.NoStoreForAuthenticatedMiddleware",
    "members.middleware.PasswordRequiredMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "branch_liaison.urls"
WSGI_APPLICATION = "branch_liaison.wsgi.application"

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
                "django.template.context_processors.i18n",
                "csp.context_processors.nonce",
                "members.context_processors.roles",
                "inspections.context_processors.semester_report",
            ],
        },
    },
]

DATABASE_URL = env_url(
    "DATABASE_URL",
    f"sqlite:///{BASE_DIR / 'var' / 'db.sqlite3'}",
    {"sqlite", "postgres", "postgresql", "pgsql"},
)
DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60)}
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    Path(DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {"timeout": 20}
    # The tests' database file per process: tests/settings.py.
else:
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    # The planner's default random_page_cost (4) prices an index lookup as on a spinning disk:
    # then "a branch's 25 active members" seq-scans every member and user of the school.
    # 1.1 is the usual value for SSD or a database that fits in memory (docs/performance.md);
    # PG_RANDOM_PAGE_COST= (empty) keeps the server's own setting.
    page_cost = env_str("PG_RANDOM_PAGE_COST", "1.1")
    if page_cost:
        try:
            page_cost = float(page_cost)
        except ValueError:
            raise ImproperlyConfigured(
                f"PG_RANDOM_PAGE_COST must be a number (or empty), not {page_cost!r}"
            ) from None
        DATABASES["default"]["OPTIONS"] = {"options": f"-c random_page_cost={page_cost}"}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Cache is per-process memory on purpose: a Redis outage must not break pages or log anyone out.
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
SESSION_ENGINE = "django.contrib.sessions.backends.db"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
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
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_VERBOSE = False
# Finding 7: the client address comes from X-Real-IP / X-Forwarded-For only when the request
# comes from one of these proxies (the shipped nginx on this host); anyone else is keyed on the
# address they connect from, so a stranger's wrong passwords lock out only their own address.
AXES_CLIENT_IP_CALLABLE = "members.web.client_ip"
TRUSTED_PROXIES = env_list("TRUSTED_PROXIES", ["127.0.0.1", "::1"])
for _proxy in TRUSTED_PROXIES:
    try:
        ipaddress.ip_network(_proxy, strict=False)
    except ValueError:
        raise ImproperlyConfigured(
            f"TRUSTED_PROXIES: {_proxy!r} is not an IP address or network"
        ) from None
# Finding 8: one-time set-password links and reset mails work for 72 hours.
PASSWORD_RESET_TIMEOUT = 72 * 60 * 60
# Every error page is the app's own, in Chinese (members/views/errors.py, templates/4xx/5xx).
CSRF_FAILURE_VIEW = "members.views.errors.csrf_failure"

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
# Development (and tests, tests/settings.py) serve static files from the finders; production from
# collectstatic.
STATIC_ROOT = None if DEBUG else BASE_DIR / "staticfiles"
# Uploaded evidence lives outside static and is served only by permission-checked views.
MEDIA_ROOT = Path(env_str("PRIVATE_MEDIA_ROOT", str(BASE_DIR / "var" / "private")))
MEDIA_URL = "/private-files-are-not-served-directly/"
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
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 12 * 1024 * 1024
DATA_UPLOAD_MAX_NUMBER_FIELDS = 2000
EVIDENCE_MAX_BYTES = 10 * 1024 * 1024

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_TIMEOUT = 10
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "branch-liaison@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Celery: with no REDIS_URL the jobs run eagerly in-process (embedded mode).
REDIS_URL = env_url("REDIS_URL", "", {"redis", "rediss"})
REQUIRE_SERVICES = env_bool("REQUIRE_SERVICES", False)
if REQUIRE_SERVICES and not (REDIS_URL and DATABASE_URL.startswith("postg")):
    raise ImproperlyConfigured("REQUIRE_SERVICES=1 needs REDIS_URL and a PostgreSQL DATABASE_URL")
# The public pages' rate limits (R42/R43, django-ratelimit) count per address in a cache every
# worker shares: Redis when there is one. If it is down the pages stay open (members.web
# fails open and logs), as the per-process default cache above is meant to keep them.
if REDIS_URL:
    CACHES["ratelimit"] = {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": "rl",
        "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
    }
    RATELIMIT_USE_CACHE = "ratelimit"
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = None
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
# Embedded mode (no worker): the school export, seconds to minutes of PDF rendering, runs in a
# thread of the web process instead of inside the request, so its progress page shows what
# production shows (inspections/services/assessments.py enqueue_export). Tests keep it in the
# request unless they turn this on (a thread cannot see a test's open transaction;
# tests/settings.py).
EXPORTS_IN_THREAD = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TIMEZONE = TIME_ZONE
# A publish must never hang a web request when Redis is down (celery #4296, #4556).
CELERY_BROKER_CONNECTION_TIMEOUT = 2
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "socket_connect_timeout": 2,
    "socket_timeout": 5,
    "max_retries": 1,
    "visibility_timeout": 3600,
}
CELERY_TASK_PUBLISH_RETRY = False
# Every periodic job is defined here, in local time (Asia/Shanghai).
CELERY_BEAT_SCHEDULE: dict = {
    # Every 5 minutes: send notifications still pending (broker was down, a worker died).
    "sweep-notifications": {
        "task": "members.tasks.sweep_notifications",
        "schedule": crontab(minute="*/5"),
    },
    # The reminders below run every hour from 08:00 to 20:00 and each sends what is due "on or
    # after its day, within its period, not yet sent" (inspections/services/reminders.py): an
    # hour or a day with the worker, beat or broker down is caught up by the next run; one row per
    # period.
    # Hourly from 08:00, every day: members whose month is incomplete, from their branch's
    # reminder day (default the 20th) to the month's end (R45).
    "monthly-reminders": {
        "task": "inspections.tasks.monthly_reminders",
        "schedule": crontab(hour="8-20", minute=0),
    },
    # Hourly from 07:30, every day: each secretary gets last month's gaps, from the 1st on.
    "gaps-summary": {
        "task": "inspections.tasks.gaps_summary",
        "schedule": crontab(hour="7-20", minute=30),
    },
    # Hourly from 08:10, every day: one digest per member of the must-talks due within the
    # branch's days or overdue (R51).
    "musttalk-reminders": {
        "task": "inspections.tasks.musttalk_reminders",
        "schedule": crontab(hour="8-20", minute=10),
    },
    # Hourly from 08:20, every day: unsubmitted semester reports, in the windows from 7 days and
    # from 1 day before the deadline (R61).
    "report-reminders": {
        "task": "inspections.tasks.report_reminders",
        "schedule": crontab(hour="8-20", minute=20),
    },
    # Hourly from 06:00, every day: in each branch's inspection months (default January and July),
    # from the 1st on, the half-year just ended is inspected once and its PDF mailed (R62).
    "scheduled-inspections": {
        "task": "inspections.tasks.scheduled_inspections",
        "schedule": crontab(hour="6-20", minute=0),
    },
    # Every night at 02:00: the assessments of the semesters running or just ended are computed
    # from the records (R64); the secretary can also compute them at once on the page.
    "compute-assessments": {
        "task": "inspections.tasks.compute_assessments",
        "schedule": crontab(hour=2, minute=0),
    },
    # Every 5 minutes: run assessment exports still waiting (the broker was down) and take back
    # those whose worker died (claim past its lease).
    "sweep-exports": {
        "task": "inspections.tasks.sweep_exports",
        "schedule": crontab(minute="*/5"),
    },
}

# Security headers (see issue on production settings for the full list).
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = 12 * 60 * 60
SESSION_IDLE_SECONDS = 30 * 60
# Tests speak plain HTTP: tests/settings.py puts Django's defaults back.
if not DEBUG:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = 31536000
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SESSION_COOKIE_NAME = "__Host-sessionid"
    CSRF_COOKIE_NAME = "__Host-csrftoken"

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
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
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    # Issue 17: urllib3 logs each request's URL at DEBUG, and the WeCom/DingTalk URLs carry
    # the robot key, access token and signature: never below WARNING, whatever LOG_LEVEL says.
    "loggers": {"urllib3": {"level": "WARNING"}},
}
