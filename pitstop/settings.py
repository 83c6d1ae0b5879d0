"""Pitstop settings. Everything deployment-specific comes from environment variables (pitstop.env)."""

from pathlib import Path

import dj_database_url

from pitstop.env import env_bool, env_float, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent

DEBUG = env_bool("DEBUG", False)
# The demo default is safe only because it is public and DEBUG-free deployments must set their own.
SECRET_KEY = env_str("SECRET_KEY", "pitstop-demo-insecure-secret-key-change-me")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "testserver"])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_htmx",
    "auditlog",
    "axes",
    "csp",
    "core",
    "accounts",
    "customers",
    "vehicles",
    "privacy",
    "messaging",
    "tasks",
    "reminders",
    "sla",
    "complaints",
    "followups",
    "appointments",
    "workshop",
    "showroom",
    "handover",
    "leads",
    "loyalty",
    "kpis",
    "dataio",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "core.middleware.SessionIdleTimeoutMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "core.middleware.HtmxSessionExpiredMiddleware",
    "core.middleware.AuditActorMiddleware",
    "core.middleware.NoStoreMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "pitstop.urls"
WSGI_APPLICATION = "pitstop.wsgi.application"

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
                "core.context_processors.navigation",
            ],
        },
    },
]


def _database_config() -> dict:
    """SQLite by default (zero set-up); PostgreSQL when DATABASE_URL is set. Connections persist."""
    url = env_str("DATABASE_URL", f"sqlite:///{BASE_DIR / 'var' / 'pitstop.sqlite3'}")
    config = dj_database_url.parse(url, conn_max_age=600, conn_health_checks=True)
    if config["ENGINE"] == "django.db.backends.sqlite3":
        # WAL lets readers run beside the writer; IMMEDIATE makes concurrent writers queue on the
        # busy timeout instead of failing with "database is locked" half way through a transaction.
        config["OPTIONS"] = {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": (
                "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
                "PRAGMA cache_size=-64000; PRAGMA mmap_size=268435456; PRAGMA temp_store=MEMORY;"
            ),
        }
        Path(config["NAME"]).parent.mkdir(parents=True, exist_ok=True)
    return config


DATABASES = {"default": _database_config()}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"

AUTHENTICATION_BACKENDS = ["axes.backends.AxesStandaloneBackend", "django.contrib.auth.backends.ModelBackend"]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Login protection: 5 failures for one username from one address lock it for 15 minutes.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = 0.25  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "core.views.locked_out"
AXES_VERBOSE = False
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "customers:list"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "zh-hans"
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = BASE_DIR / "var" / "staticfiles"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True

# Sessions: an idle staff session ends after 30 minutes; activity extends it, writing the session
# at most once a minute (core.middleware.SessionIdleTimeoutMiddleware).
SESSION_COOKIE_AGE = 30 * 60
SESSION_TOUCH_SECONDS = 60
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True  # HTMX sends the token from the page (hx-headers), not from the cookie
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"

# Behind HTTPS (production) turn on the transport protections; the local demo runs on plain HTTP.
HTTPS = env_bool("HTTPS", False)
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = HTTPS
SECURE_SSL_REDIRECT = HTTPS
SECURE_HSTS_SECONDS = 31_536_000 if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = HTTPS
if HTTPS:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]

# Content Security Policy: no inline script anywhere, everything served from this origin.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "font-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
    }
}

AUDITLOG_DISABLE_REMOTE_ADDR = False
RATELIMIT_VIEW = "core.views.rate_limited"
RATELIMIT_USE_CACHE = "default"
SILENCED_SYSTEM_CHECKS = ["django_ratelimit.E003", "django_ratelimit.W001"]

CELERY_BROKER_URL = env_str("CELERY_BROKER_URL", "")
CELERY_RESULT_BACKEND = env_str("CELERY_RESULT_BACKEND", CELERY_BROKER_URL)
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1

# No request body of this system is larger than a form; bigger ones are refused (413/400).
DATA_UPLOAD_MAX_MEMORY_SIZE = 1024 * 1024

# API: the largest page a client may ask for; larger requests are capped, not refused.
API_MAX_PAGE_SIZE = 100
API_DEFAULT_PAGE_SIZE = 20
API_TOKEN_TTL_DAYS = 30
STORE_ACCESS_CACHE_SECONDS = 60  # accounts.User.store_access: store assignments apply within a minute

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"redact": {"()": "core.logging.RedactPersonalData"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "filters": ["redact"]}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "WARNING")},
    "loggers": {
        "django.server": {"handlers": ["console"], "level": "INFO", "propagate": False},
        "django.request": {"handlers": ["console"], "level": "WARNING", "propagate": False},
    },
}

# Messaging outbox (DOMAIN §4): one backend per channel — console (development default), file (JSON
# lines), http (SMS gateway / WeChat template-message relay), smtp (e-mail, with the EMAIL_* below).
MESSAGING_SMS_BACKEND = env_str("MESSAGING_SMS_BACKEND", "console")
MESSAGING_WECHAT_BACKEND = env_str("MESSAGING_WECHAT_BACKEND", "console")
MESSAGING_EMAIL_BACKEND = env_str("MESSAGING_EMAIL_BACKEND", "console")
MESSAGING_FILE_PATH = env_str("MESSAGING_FILE_PATH", str(BASE_DIR / "var" / "outbox.jsonl"))
MESSAGING_SMS_URL = env_str("MESSAGING_SMS_URL", "")
MESSAGING_SMS_TOKEN = env_str("MESSAGING_SMS_TOKEN", "")
MESSAGING_WECHAT_URL = env_str("MESSAGING_WECHAT_URL", "")
MESSAGING_WECHAT_TOKEN = env_str("MESSAGING_WECHAT_TOKEN", "")
MESSAGING_HTTP_TIMEOUT = env_float("MESSAGING_HTTP_TIMEOUT", 5)  # seconds
MESSAGING_MAX_ATTEMPTS = env_int("MESSAGING_MAX_ATTEMPTS", 8)  # then the message is failed
MESSAGING_LEASE_SECONDS = env_int("MESSAGING_LEASE_SECONDS", 300)  # a "sending" row older than this goes again
# Shared secret the gateways send in the X-Inbound-Secret header of POST /api/messaging/inbound;
# empty = the webhook refuses every call.
MESSAGING_INBOUND_SECRET = env_str("MESSAGING_INBOUND_SECRET", "")
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_TIMEOUT = 10
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "noreply@pitstop.local")
