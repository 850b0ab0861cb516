"""Settings for the cadre supervision platform. Every deployment-specific value comes from the environment."""

from pathlib import Path

import dj_database_url
from celery.schedules import crontab

from config.env import env_bool, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent

DEBUG = env_bool("DJANGO_DEBUG", True)
SECRET_KEY = env_str("DJANGO_SECRET_KEY", "dev-only-insecure-key-change-me" if DEBUG else "")
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "testserver"])

DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/cadre_supervision"),
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60),
    )
}
# Only core.bundles prepares statements (every other query binds on the client): their plans are kept per connection
# instead of planned again for each profile's parameters, which cost more than running them.
# (prepare_threshold: never of itself; None would refuse core.bundles' explicit prepare too.)
DATABASES["default"].setdefault("OPTIONS", {}).update(
    options="-c plan_cache_mode=force_generic_plan", prepare_threshold=1_000_000)
# Parallel work on one machine (several checkouts) needs distinct test databases.
if env_str("TEST_DATABASE_NAME", ""):
    DATABASES["default"]["TEST"] = {"NAME": env_str("TEST_DATABASE_NAME", "")}

REDIS_URL = env_str("REDIS_URL", "redis://127.0.0.1:6379/0")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.postgres",
    "guardian",
    "axes",
    "csp",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_filters",
    "template_partials",
    "core",
    "cadres",
    "petitions",
    "audits",
    "liaison",
    "vetting",
    "matters",
    "dashboard",
    "rest_framework",
    "drf_spectacular",
    "api",
]

MIDDLEWARE = [
    "core.middleware.RequestSizeLimitMiddleware",  # first: nothing may read an oversized body
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "core.constraints.ConstraintErrorMiddleware",  # a registered constraint error: the page again, with its sentence
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "core.security.SessionPolicyMiddleware",
    "core.twofactor.TwoFactorMiddleware",
    "core.middleware.NoStoreMiddleware",
    "core.middleware.DeniedAccessLogMiddleware",
    "axes.middleware.AxesMiddleware",
]

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
                "core.context_processors.shell",
            ],
        },
    }
]

AUTH_USER_MODEL = "core.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # must be first: refuses locked-out user names
    "django.contrib.auth.backends.ModelBackend",
    "guardian.backends.ObjectPermissionBackend",
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "login"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "core.security.PasswordPolicyValidator"},  # length, three character classes, no user name
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
# Lockout by user name (not IP: office PCs share NAT addresses), numbers from SecurityPolicy.
AXES_LOCKOUT_PARAMETERS = ["username"]
AXES_FAILURE_LIMIT = "core.security.lockout_failures"
AXES_COOLOFF_TIME = "core.security.lockout_cooloff"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "core.security.lockout_response"  # says how long and until when
AXES_VERBOSE = False
# Lockout by user name is deliberate: by IP would lock a whole office behind one NAT address.
SILENCED_SYSTEM_CHECKS = ["axes.W006"]
GUARDIAN_RAISE_403 = False
ANONYMOUS_USER_NAME = None  # no guardian anonymous user: nothing here is public

LANGUAGE_CODE = "zh-hans"
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True
# django-filter's blank choice of every filter (its default is "---------").
FILTERS_EMPTY_CHOICE_LABEL = "全部"
FORMAT_MODULE_PATH = ["config.formats"]

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
# Attachments live outside the web root and are only served through permission-checking views.
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(BASE_DIR / "var" / "media")))
# One attachment or evidence file; checked before the file is read (core.uploads.check_upload).
EVIDENCE_MAX_BYTES = env_int("EVIDENCE_MAX_BYTES", 20 * 1024 * 1024)
# A whole request body: refused before Django reads or stores any of it (core.middleware.RequestSizeLimitMiddleware).
# The largest upload the pages take is an LRMX zip of 50 MB.
UPLOAD_MAX_REQUEST_BYTES = env_int("UPLOAD_MAX_REQUEST_BYTES", 60 * 1024 * 1024)
MEDIA_URL = "/media-not-served/"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 30 * 60)  # idle timeout; SessionPolicyMiddleware slides it
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
# No inline script anywhere: scripts only from our own static files.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", "'unsafe-inline'"],  # style attributes set by ECharts and htmx
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    }
}
SECURE_CONTENT_TYPE_NOSNIFF = True
if not DEBUG:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = env_int("DJANGO_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")

# Celery: Redis as broker and result store. Tasks take ids, acknowledge late and are time-limited.
# Shared by the web workers: short-lived computed pages (the dashboard's board, dashboard.figures.for_page).
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": env_str("CACHE_URL", REDIS_URL),
        "KEY_PREFIX": "cadre-supervision",
        # a dead cache must cost a page a second at most, not hang it (core.cache computes without it)
        "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
    }
}

CELERY_BROKER_URL = env_str("CELERY_BROKER_URL", REDIS_URL)
CELERY_RESULT_BACKEND = env_str("CELERY_RESULT_BACKEND", REDIS_URL)
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = env_int("CELERY_TASK_TIME_LIMIT", 30 * 60)
CELERY_TASK_SOFT_TIME_LIMIT = env_int("CELERY_TASK_SOFT_TIME_LIMIT", 25 * 60)
# core.compiled_sql: the SQL of core.bundles' querysets kept per query shape (false: Django compiles every one).
COMPILED_SQL_CACHE = env_bool("COMPILED_SQL_CACHE", True)
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", False)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# A task whose worker died unacknowledged is handed out again after this many seconds (Redis transport).
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": env_int("CELERY_VISIBILITY_TIMEOUT", 3600)}
# The outbox (core/outbox.py): a request publishes through the database; the broker is tried once after commit with
# this timeout (seconds), then by the dispatcher with backoff up to OUTBOX_MAX_BACKOFF seconds.
OUTBOX_BROKER_TIMEOUT = env_int("OUTBOX_BROKER_TIMEOUT", 2)
OUTBOX_MAX_BACKOFF = env_int("OUTBOX_MAX_BACKOFF", 300)
OUTBOX_QUEUE = ""  # the default queue; the fault tests point it at their worker's queue
# A running export whose heartbeat (written with its progress) is older than this is taken as dead and requeued.
EXPORT_HEARTBEAT_TIMEOUT = env_int("EXPORT_HEARTBEAT_TIMEOUT", 300)
# A static schedule, reviewed in code, no schedule table that can drift from it.
CELERY_BEAT_SCHEDULE = {
    "scan-deadlines-daily": {
        "task": "core.tasks.scan_deadlines",
        "schedule": crontab(hour=8, minute=0),
    },
    # today's warning snapshot (cadres.snapshots): first thing each day, then hourly for what dates alone change
    "refresh-warnings-hourly": {
        "task": "cadres.tasks.refresh_warnings",
        "schedule": crontab(minute=1),
    },
    # the dashboard's per-unit tallies (core.tallies) recomputed in full: what a bulk change did not report
    "rebuild-tallies-nightly": {
        "task": "core.tasks.rebuild_tallies",
        "schedule": crontab(hour=2, minute=30),
    },
    # the audit log's head written, signed, outside the database (core.audit.write_anchor); backups anchor too
    "anchor-audit-log-daily": {
        "task": "core.tasks.anchor_audit_log",
        "schedule": crontab(hour=0, minute=5),
    },
    # the outbox's pending tasks (core.outbox), e.g. those a request could not send while the broker was down
    "dispatch-outbox": {
        "task": "core.tasks.dispatch_outbox",
        "schedule": 30.0,
        "options": {"expires": 25},  # runs missed while the workers were down do not pile up
    },
    # exports whose worker died (stale heartbeat) are queued again; the *.part files they left are removed
    "requeue-stale-exports": {
        "task": "core.tasks.requeue_stale_exports",
        "schedule": 60.0,
        "options": {"expires": 55},
    },
    # the API's stored answers to Idempotency-Key (api.services.purge_idempotent_answers), once past retention
    "purge-idempotent-answers-hourly": {
        "task": "api.tasks.purge_idempotent_answers",
        "schedule": crontab(minute=17),
        "options": {"expires": 3000},
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}

# The audit log's hash chain key (HMAC-SM3, hex). Outside the database, so that a database superuser who edits
# a row cannot recompute the chain. Required in production.
AUDIT_LOG_KEY = env_str("AUDIT_LOG_KEY", "6465762d6f6e6c792d61756469742d6b6579" if DEBUG else "")
AUDIT_LOG_RETENTION_DAYS = env_int("AUDIT_LOG_RETENTION_DAYS", 180)
# Where the signed heads of the audit chain are appended (one file per database): a path the database superuser
# cannot write, so that deleting the newest audit rows is detected (docs/security.md).
AUDIT_ANCHOR_PATH = Path(env_str("AUDIT_ANCHOR_PATH", str(BASE_DIR / "var" / "audit-anchors")))

OTP_TOTP_ISSUER = "干部监督信息平台"

# Local practice, overridable: how many days ahead a deadline first shows as a 提示.
DEADLINE_NOTICE_DAYS = env_int("DEADLINE_NOTICE_DAYS", 5)

# Informant identity keys (petitions), never in the database or the repository: PETITION_KEYS="kid1:<32 hex>,..."
# (SM4, 128-bit), PETITION_ACTIVE_KEY the key id used for new values, PETITION_HASH_KEY (hex, HMAC-SM3 for phone
# and ID number). Parsed and self-tested by petitions.crypto (system check); a development key only when DEBUG.
PETITION_KEYS = env_str("PETITION_KEYS", "")
PETITION_ACTIVE_KEY = env_str("PETITION_ACTIVE_KEY", "")
PETITION_HASH_KEY = env_str("PETITION_HASH_KEY", "")

# The REST API (/api/v1/, app `api`): keys per client (api.access), one JSON error shape (api.errors), each
# client's own rate limit counted in the cache above. Sessions are accepted only for the schema (api.schema).
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["api.access.ApiKeyAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["api.access.HasScope"],
    "DEFAULT_THROTTLE_CLASSES": ["api.access.ClientRateThrottle"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "EXCEPTION_HANDLER": "api.errors.exception_handler",
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "UNAUTHENTICATED_USER": None,
    "DATETIME_FORMAT": "iso-8601",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "干部监督信息平台 数据接口",
    "DESCRIPTION": ("成员单位报送联席会议通报、12380 平台登记举报、监督科读取统计。密钥由安全保密管理员签发："
                    "Authorization: Bearer api_…；写请求须带 Idempotency-Key。错误统一为 {code, message, fields}。"),
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
}
API_MAX_JSON_BYTES = env_int("API_MAX_JSON_BYTES", 1024 * 1024)
# How long the API keeps the first answer to an Idempotency-Key: a retry within it gets that answer again.
API_IDEMPOTENCY_RETENTION_HOURS = env_int("API_IDEMPOTENCY_RETENTION_HOURS", 24)
