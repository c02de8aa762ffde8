"""Custodia settings: one module, every value read from the environment.

Unset `DATABASE_URL` means SQLite; unset `REDIS_URL` means Celery uses a broker that
needs no server (kombu's filesystem transport). Production is only a matter of env values.
"""

import importlib.util
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

# --------------------------------------------------------------------------------------
# Core
# --------------------------------------------------------------------------------------
DEBUG = env.bool("DJANGO_DEBUG", default=False)
SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DJANGO_DEBUG is off.")
    SECRET_KEY = "insecure-development-key-only-for-DJANGO_DEBUG-mode"

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

# Where Custodia keeps local state in the embedded setup (SQLite file, broker folders,
# cache) and, by default, held artifacts. Production points these at shared storage.
VAR_DIR = Path(env.str("CUSTODIA_VAR_DIR", default=str(BASE_DIR / "var")))
# The organisational unit explicit denials may target (a model with a `members` relation to
# users); named here so the core app needs no import of the app that defines it.
CUSTODIA_TEAM_MODEL = "inventory.Team"
CUSTODIA_ARTIFACT_ROOT = Path(env.str("CUSTODIA_ARTIFACT_ROOT", default=str(VAR_DIR / "artifacts")))

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    # third party
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "guardian",
    "simple_history",
    "django_celery_beat",
    "django_htmx",
    "bootstrap",
    # Custodia, in layers: each app imports only those above it in this list
    "core",
    "inventory",
    "lineage",
    "monitoring",
    "governance",
    "risk",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # After authentication, so history rows know the request user.
    "simple_history.middleware.HistoryRequestMiddleware",
    "core.middleware.ContentSecurityPolicyMiddleware",
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
                "core.context_processors.navigation",
            ],
        },
    },
]

# --------------------------------------------------------------------------------------
# Database
# --------------------------------------------------------------------------------------
DATABASES = {
    "default": env.db_url("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'custodia.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CUSTODIA_DB_CONN_MAX_AGE", default=60)
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # SQLite keeps no persistent connection state worth pooling; WAL lets the web
    # process, the worker and beat read while another writes.
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --------------------------------------------------------------------------------------
# Cache, broker and jobs
# --------------------------------------------------------------------------------------
REDIS_URL = env.str("REDIS_URL", default="")
# Short socket waits: a broker that is down or frozen delays work (the outbox keeps it)
# but holds a request for at most about two seconds. Redis answers in milliseconds.
CUSTODIA_REDIS_TRANSPORT_OPTIONS = {"socket_connect_timeout": 1, "socket_timeout": 2,
                                    "visibility_timeout": 3600}
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache",
                          "LOCATION": REDIS_URL,
                          "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1}}}
    CELERY_BROKER_URL = REDIS_URL
    CELERY_BROKER_TRANSPORT_OPTIONS = CUSTODIA_REDIS_TRANSPORT_OPTIONS
else:
    # Shared between the web process, the worker and beat without any server.
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
                          "LOCATION": str(VAR_DIR / "cache")}}
    CELERY_BROKER_URL = "filesystem://"
    _broker_dir = VAR_DIR / "broker"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_broker_dir / "queue"),
        "data_folder_out": str(_broker_dir / "queue"),
        "processed_folder": str(_broker_dir / "processed"),
        "store_processed": False,
    }
    for _folder in ("queue", "processed"):
        (_broker_dir / _folder).mkdir(parents=True, exist_ok=True)

CELERY_TASK_IGNORE_RESULT = True  # JobRun rows are the record of every run
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = env.int("CUSTODIA_TASK_TIME_LIMIT", default=60 * 60)
CELERY_TASK_SOFT_TIME_LIMIT = env.int("CUSTODIA_TASK_SOFT_TIME_LIMIT", default=55 * 60)
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_TIMEZONE = "UTC"
CELERY_TASK_ALWAYS_EAGER = False
# How long a worker may stay silent before /healthz reports it missing.
CUSTODIA_WORKER_HEARTBEAT_MAX_AGE = env.int("CUSTODIA_WORKER_HEARTBEAT_MAX_AGE", default=120)
# Workers /healthz expects by name (e.g. celery@web1); empty: every worker seen lately.
CUSTODIA_EXPECTED_WORKERS = env.list("CUSTODIA_EXPECTED_WORKERS", default=[])
# A worker that died without stopping is reported missing this long, then forgotten.
CUSTODIA_WORKER_FORGET_SECONDS = env.int("CUSTODIA_WORKER_FORGET_SECONDS", default=86400)
# Seconds between outbox sweeps (work whose immediate hand-off to the broker failed).
CUSTODIA_OUTBOX_SWEEP_SECONDS = env.int("CUSTODIA_OUTBOX_SWEEP_SECONDS", default=10)
# Seconds after which work handed to the broker but never started is handed over again (the
# broker may have lost it); as long as Redis's visibility timeout, after which it redelivers.
CUSTODIA_OUTBOX_RESEND_SECONDS = env.int("CUSTODIA_OUTBOX_RESEND_SECONDS", default=3600)

# --------------------------------------------------------------------------------------
# CI/CD, webhooks, retention
# --------------------------------------------------------------------------------------
# Seconds a webhook receiver has to answer one attempt.
CUSTODIA_WEBHOOK_TIMEOUT_SECONDS = env.int("CUSTODIA_WEBHOOK_TIMEOUT_SECONDS", default=5)
# Back-off before retry n: BACKOFF * 2^(n-1) seconds, at most BACKOFF_MAX.
CUSTODIA_WEBHOOK_BACKOFF_SECONDS = env.int("CUSTODIA_WEBHOOK_BACKOFF_SECONDS", default=30)
CUSTODIA_WEBHOOK_BACKOFF_MAX_SECONDS = env.int("CUSTODIA_WEBHOOK_BACKOFF_MAX_SECONDS",
                                               default=6 * 3600)
# Days an Idempotency-Key is remembered (a retry after that is a new call).
CUSTODIA_IDEMPOTENCY_KEEP_DAYS = env.int("CUSTODIA_IDEMPOTENCY_KEEP_DAYS", default=7)
# Metric observations: how far in the future `observed_at` may be (the reporter's clock skew).
CUSTODIA_METRIC_CLOCK_SKEW_SECONDS = env.int("CUSTODIA_METRIC_CLOCK_SKEW_SECONDS", default=300)

# --------------------------------------------------------------------------------------
# Monitoring: metric ingestion, roll-ups, degradation alerts
# --------------------------------------------------------------------------------------
# Most observations one batch call may carry.
CUSTODIA_METRIC_BATCH_MAX_ROWS = env.int("CUSTODIA_METRIC_BATCH_MAX_ROWS", default=10_000)
# Days raw observations are kept (their hourly and daily roll-ups stay).
CUSTODIA_METRIC_RAW_RETENTION_DAYS = env.int("CUSTODIA_METRIC_RAW_RETENTION_DAYS", default=90)
# Days hourly roll-ups are kept (daily roll-ups stay).
CUSTODIA_METRIC_HOURLY_RETENTION_DAYS = env.int("CUSTODIA_METRIC_HOURLY_RETENTION_DAYS",
                                                default=400)
# Seconds the roll-up job looks back before its last mark, for rows whose transaction
# committed after the previous run had started.
CUSTODIA_METRIC_ROLLUP_OVERLAP_SECONDS = env.int("CUSTODIA_METRIC_ROLLUP_OVERLAP_SECONDS",
                                                 default=600)
# Hours of hourly roll-ups whose mean the degradation check compares with the thresholds.
CUSTODIA_DEGRADATION_WINDOW_HOURS = env.int("CUSTODIA_DEGRADATION_WINDOW_HOURS", default=24)
# Days at the start of a version's life whose mean is its own baseline.
CUSTODIA_DEGRADATION_BASELINE_DAYS = env.int("CUSTODIA_DEGRADATION_BASELINE_DAYS", default=7)
# A deployment reported for a version whose stage may not run there: "refuse" (409) or
# "record" (kept with the status "unauthorised", counted on the home dashboard).
CUSTODIA_UNDEPLOYABLE_DEPLOYMENTS = env.str("CUSTODIA_UNDEPLOYABLE_DEPLOYMENTS",
                                            default="refuse")

# --------------------------------------------------------------------------------------
# Audit chain (the hash-chained audit log, its signed checkpoints and verification)
# --------------------------------------------------------------------------------------
# Key of the checkpoints' HMAC. Keep it out of the database's reach (an environment secret):
# whoever holds it could re-sign a shortened chain. Unset, a key derived from SECRET_KEY.
CUSTODIA_AUDIT_CHECKPOINT_KEY = env.str("CUSTODIA_AUDIT_CHECKPOINT_KEY", default="")
# How often the scheduled job signs a checkpoint of the chain's head.
CUSTODIA_AUDIT_CHECKPOINT_MINUTES = env.int("CUSTODIA_AUDIT_CHECKPOINT_MINUTES", default=15)
# How often the scheduled job verifies the whole chain.
CUSTODIA_AUDIT_VERIFY_MINUTES = env.int("CUSTODIA_AUDIT_VERIFY_MINUTES", default=60)

# --------------------------------------------------------------------------------------
# Monitoring: fleet health and cost allocation
# --------------------------------------------------------------------------------------
# Environments whose running deployments must report metrics (the health check's scope).
CUSTODIA_MONITORED_ENVIRONMENTS = env.list("CUSTODIA_MONITORED_ENVIRONMENTS",
                                           default=["production"])
# Expected reporting interval of a model no monitoring requirement covers (minutes).
CUSTODIA_MONITORING_DEFAULT_INTERVAL_MINUTES = env.int(
    "CUSTODIA_MONITORING_DEFAULT_INTERVAL_MINUTES", default=24 * 60)
# How often the health check runs (minutes).
CUSTODIA_HEALTH_CHECK_MINUTES = env.int("CUSTODIA_HEALTH_CHECK_MINUTES", default=15)
# The currency of every cost record and report.
CUSTODIA_COST_CURRENCY = env.str("CUSTODIA_COST_CURRENCY", default="EUR")
# Usage metrics (kind "usage") whose sum per month splits shared costs between models.
CUSTODIA_COST_USAGE_METRICS = env.list("CUSTODIA_COST_USAGE_METRICS", default=["requests"])

# --------------------------------------------------------------------------------------
# Authentication and permissions
# --------------------------------------------------------------------------------------
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "guardian.backends.ObjectPermissionBackend",
]
ANONYMOUS_USER_NAME = None  # guardian: anonymous users get no object permissions
GUARDIAN_RAISE_403 = False
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Enterprise sign-in (core/backends.py). Local accounts (ModelBackend) always stay, for
# break-glass administrators; OpenID Connect and LDAP / Active Directory are each turned on
# by their own settings. Identity-provider group → roles and teams, applied at each sign-in:
# {"ml-engineers": {"roles": ["Data scientist"], "teams": ["credit-risk"]}, ...}
CUSTODIA_IDP_GROUP_MAP = env.json("CUSTODIA_IDP_GROUP_MAP", default={})
# OpenID Connect (mozilla-django-oidc): on when OIDC_RP_CLIENT_ID is set.
OIDC_RP_CLIENT_ID = env.str("OIDC_RP_CLIENT_ID", default="")
OIDC_RP_CLIENT_SECRET = env.str("OIDC_RP_CLIENT_SECRET", default="")
OIDC_OP_AUTHORIZATION_ENDPOINT = env.str("OIDC_OP_AUTHORIZATION_ENDPOINT", default="")
OIDC_OP_TOKEN_ENDPOINT = env.str("OIDC_OP_TOKEN_ENDPOINT", default="")
OIDC_OP_USER_ENDPOINT = env.str("OIDC_OP_USER_ENDPOINT", default="")
OIDC_OP_JWKS_ENDPOINT = env.str("OIDC_OP_JWKS_ENDPOINT", default="")
OIDC_RP_SIGN_ALGO = env.str("OIDC_RP_SIGN_ALGO", default="RS256")
OIDC_RP_SCOPES = env.str("OIDC_RP_SCOPES", default="openid email profile groups")
OIDC_VERIFY_SSL = env.bool("OIDC_VERIFY_SSL", default=True)
OIDC_TIMEOUT = env.int("OIDC_TIMEOUT", default=10)
OIDC_USE_PKCE = True
CUSTODIA_OIDC_GROUPS_CLAIM = env.str("CUSTODIA_OIDC_GROUPS_CLAIM", default="groups")
CUSTODIA_OIDC_BUTTON_LABEL = env.str("CUSTODIA_OIDC_BUTTON_LABEL",
                                     default="Sign in with your organisation")
if OIDC_RP_CLIENT_ID:
    AUTHENTICATION_BACKENDS.append("core.backends.OIDCBackend")
# LDAP / Active Directory (django-auth-ldap): on when AUTH_LDAP_SERVER_URI is set; users
# sign in with the ordinary form.
AUTH_LDAP_SERVER_URI = env.str("AUTH_LDAP_SERVER_URI", default="")
if AUTH_LDAP_SERVER_URI:
    import ldap
    from django_auth_ldap.config import (
        ActiveDirectoryGroupType,
        GroupOfNamesType,
        LDAPSearch,
        NestedActiveDirectoryGroupType,
        PosixGroupType,
    )

    AUTH_LDAP_BIND_DN = env.str("AUTH_LDAP_BIND_DN", default="")
    AUTH_LDAP_BIND_PASSWORD = env.str("AUTH_LDAP_BIND_PASSWORD", default="")
    AUTH_LDAP_START_TLS = env.bool("AUTH_LDAP_START_TLS", default=False)
    AUTH_LDAP_USER_SEARCH = LDAPSearch(
        env.str("CUSTODIA_LDAP_USER_BASE"), ldap.SCOPE_SUBTREE,
        env.str("CUSTODIA_LDAP_USER_FILTER", default="(uid=%(user)s)"))
    AUTH_LDAP_GROUP_SEARCH = LDAPSearch(
        env.str("CUSTODIA_LDAP_GROUP_BASE"), ldap.SCOPE_SUBTREE,
        env.str("CUSTODIA_LDAP_GROUP_FILTER", default="(objectClass=groupOfNames)"))
    AUTH_LDAP_GROUP_TYPE = {
        "groupOfNames": GroupOfNamesType,
        "posixGroup": PosixGroupType,
        "activeDirectory": ActiveDirectoryGroupType,
        "nestedActiveDirectory": NestedActiveDirectoryGroupType,
    }[env.str("CUSTODIA_LDAP_GROUP_TYPE", default="groupOfNames")]()
    AUTH_LDAP_USER_ATTR_MAP = {"first_name": "givenName", "last_name": "sn", "email": "mail"}
    AUTH_LDAP_ALWAYS_UPDATE_USER = True
    AUTHENTICATION_BACKENDS.insert(1, "core.directory.LDAPBackend")
# Failed logins per username and per client address before a cool-down.
CUSTODIA_LOGIN_MAX_FAILURES = env.int("CUSTODIA_LOGIN_MAX_FAILURES", default=5)
CUSTODIA_LOGIN_LOCKOUT_SECONDS = env.int("CUSTODIA_LOGIN_LOCKOUT_SECONDS", default=300)

# --------------------------------------------------------------------------------------
# Audit trail
# --------------------------------------------------------------------------------------
# Reverting from the admin would restore an approved state without an approval.
SIMPLE_HISTORY_REVERT_DISABLED = True
SIMPLE_HISTORY_HISTORY_CHANGE_REASON_USE_TEXT_FIELD = True

# --------------------------------------------------------------------------------------
# REST API
# --------------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "core.api.authentication.BearerOrTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["core.api.permissions.CustodiaPermission"],
    "DEFAULT_PAGINATION_CLASS": "core.api.pagination.BoundedPageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": [
        "core.api.filtering.StrictFilterBackend",
        "rest_framework.filters.OrderingFilter",
    ],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "core.api.errors.custodia_exception_handler",
    "DEFAULT_RENDERER_CLASSES": [
        "rest_framework.renderers.JSONRenderer",
        "rest_framework.renderers.BrowsableAPIRenderer",
    ],
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}
CUSTODIA_API_MAX_PAGE_SIZE = env.int("CUSTODIA_API_MAX_PAGE_SIZE", default=500)
SPECTACULAR_SETTINGS = {
    "TITLE": "Custodia API",
    "DESCRIPTION": "ML model inventory and governance: assets, lineage, approvals, risk.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # Choice sets whose field names (status, stage, kind) other resources use too.
    "ENUM_NAME_OVERRIDES": {
        "DeploymentStatusEnum": "inventory.choices.DeploymentStatus",
        "MetricKindEnum": "inventory.choices.MetricKind",
        "WebhookDeliveryStatusEnum": "inventory.choices.DeliveryStatus",
        "DeprecationNoticeStatusEnum": "inventory.choices.NoticeStatus",
        "ModelStageEnum": "inventory.choices.ModelStage",
        "RetentionStageEnum": "inventory.choices.RetentionStage",
        "DeprecationTargetStageEnum": "inventory.choices.TARGET_STAGES",
        "DeploymentEventKindEnum": "monitoring.choices.DeploymentEventKind",
    },
}

# --------------------------------------------------------------------------------------
# Internationalisation
# --------------------------------------------------------------------------------------
LANGUAGE_CODE = "en-gb"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

# --------------------------------------------------------------------------------------
# Static files (third-party assets come from installed packages, never a CDN)
# --------------------------------------------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = Path(env.str("CUSTODIA_STATIC_ROOT", default=str(BASE_DIR / "staticfiles")))
STATICFILES_DIRS = [
    BASE_DIR / "static",
    # plotly.min.js from the plotly wheel (charts, the lineage graph): served as vendor/plotly/.
    ("vendor/plotly",
     Path(importlib.util.find_spec("plotly").submodule_search_locations[0]) / "package_data"),
]
# Development and tests serve assets straight from the apps and packages; production serves
# the hashed, compressed copies `collectstatic` writes to STATIC_ROOT.
WHITENOISE_USE_FINDERS = env.bool("CUSTODIA_STATIC_FROM_FINDERS", default=DEBUG)
# Held bytes on the local disk by default, or in an S3-compatible bucket (django-storages)
# when CUSTODIA_HELD_S3_BUCKET is set; credentials from the standard AWS_* variables.
CUSTODIA_HELD_S3_BUCKET = env.str("CUSTODIA_HELD_S3_BUCKET", default="")
if CUSTODIA_HELD_S3_BUCKET:
    HELD_STORAGE = {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": {
        "bucket_name": CUSTODIA_HELD_S3_BUCKET,
        "endpoint_url": env.str("CUSTODIA_HELD_S3_ENDPOINT_URL", default="") or None,
        "region_name": env.str("AWS_DEFAULT_REGION", default="") or None,
        "location": env.str("CUSTODIA_HELD_S3_PREFIX", default=""),
        "file_overwrite": False,  # held bytes are evidence: never replaced in place
    }}
else:
    HELD_STORAGE = {"BACKEND": "django.core.files.storage.FileSystemStorage",
                    "OPTIONS": {"location": str(CUSTODIA_ARTIFACT_ROOT)}}
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage",
                "OPTIONS": {"location": str(CUSTODIA_ARTIFACT_ROOT)}},
    # Held data and model artefacts (`custodia://` URIs): uploads, copy-in, re-hashing, purge.
    "held": HELD_STORAGE,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
                    if WHITENOISE_USE_FINDERS
                    else "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
DATA_UPLOAD_MAX_MEMORY_SIZE = env.int("CUSTODIA_MAX_REQUEST_BYTES", default=10 * 1024 * 1024)
# Held storage: the largest file one upload or copy-in may store (larger ones get 413 and
# leave nothing), and the only folders a copy-in may read `file://` sources from.
CUSTODIA_MAX_UPLOAD_BYTES = env.int("CUSTODIA_MAX_UPLOAD_BYTES", default=5 * 1024**3)
CUSTODIA_COPY_IN_ROOTS = env.list("CUSTODIA_COPY_IN_ROOTS", default=[])

# --------------------------------------------------------------------------------------
# Governance: reconciliation and reports
# --------------------------------------------------------------------------------------
# Days a model may go without a recorded review, per risk tier ("tier=days,...").
CUSTODIA_REVIEW_PERIOD_DAYS = {
    tier: int(days) for tier, days in (
        pair.split("=", 1) for pair in env.list(
            "CUSTODIA_REVIEW_PERIOD_DAYS",
            default=["critical=90", "high=180", "medium=365", "low=730"]))}
# Local folders (or mounted buckets) whose files reconciliation compares with the `file://`
# artefact URIs of registered versions, besides Custodia's own held storage.
CUSTODIA_RECONCILIATION_FOLDERS = env.list("CUSTODIA_RECONCILIATION_FOLDERS", default=[])
# A model with a metric observation this recent is "in use" (never orphaned).
CUSTODIA_RECONCILIATION_USAGE_DAYS = env.int("CUSTODIA_RECONCILIATION_USAGE_DAYS", default=90)
# Who owns findings nobody else can (files and endpoints that no registered model explains).
CUSTODIA_FINDINGS_DEFAULT_OWNER = env.str("CUSTODIA_FINDINGS_DEFAULT_OWNER", default="")
CUSTODIA_RECONCILIATION_EVERY_HOURS = env.int("CUSTODIA_RECONCILIATION_EVERY_HOURS", default=24)

# --------------------------------------------------------------------------------------
# Security (production values come from the environment; see README)
# --------------------------------------------------------------------------------------
SECURE_SSL_REDIRECT = env.bool("CUSTODIA_SSL_REDIRECT", default=not DEBUG)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SESSION_COOKIE_SECURE = env.bool("CUSTODIA_SECURE_COOKIES", default=not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SESSION_COOKIE_HTTPONLY = True
SECURE_HSTS_SECONDS = env.int("CUSTODIA_HSTS_SECONDS", default=0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = not DEBUG
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# --------------------------------------------------------------------------------------
# Logging
# --------------------------------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.str("CUSTODIA_LOG_LEVEL", default="INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}

# --------------------------------------------------------------------------------------
# Tests
# --------------------------------------------------------------------------------------
# In CI every service a test needs must be present: a missing one fails instead of skipping.
CUSTODIA_REQUIRE_SERVICES = env.bool("CUSTODIA_REQUIRE_SERVICES", default=False)
