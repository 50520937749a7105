"""Settings shared by every mode. Everything that differs between machines comes from the environment.

Modes: ``local`` (the newcomer's one-command site: SQLite, eager Celery, DEBUG), ``test`` (pytest) and
``production`` (``manage.py check --deploy`` clean). Select with ``DJANGO_SETTINGS_MODULE``.
"""

from pathlib import Path

import environ
from django.utils.translation import gettext_lazy as _

from loyalty.logs import logging_config

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

SECRET_KEY = env("SECRET_KEY", default="insecure-local-only-key-do-not-use-in-production")
DEBUG = env.bool("DEBUG", default=False)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",  # issue 14: Swagger UI served by the project, no CDN
    "csp",
    "django_celery_beat",
    "simple_history",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "members",
    "points",
    "rewards",
    "loyalty.office",
    "loyalty.portal",
]

MIDDLEWARE = [
    "loyalty.api.middleware.ChunkedBodyMiddleware",  # a chunked body (no Content-Length) is read, not taken for none
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "loyalty.api.middleware.NulCharacterMiddleware",  # a NUL in a page's address or form: 400 in the reader's language
    "loyalty.api.middleware.CommonMiddleware",  # Django's, but no slash-appending redirect under /api/
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "axes.middleware.AxesMiddleware",
    "loyalty.api.csp.ContentSecurityPolicyMiddleware",  # issue 14: Content-Security-Policy on every answer
    "loyalty.office.csp.OfficeCSPMiddleware",  # the office (django-unfold: Alpine.js, inline styles) relaxes it
    "loyalty.oneshot.OneShotMiddleware",  # issue 14: a repeated POST of a rendered form acts once
]

ROOT_URLCONF = "loyalty.urls"
WSGI_APPLICATION = "loyalty.wsgi.application"

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
                "loyalty.oneshot.context",  # {{ form_token }}: a fresh one-shot token per rendered form
            ],
        },
    },
]

# DATABASE_URL unset: a SQLite file in the project, so the site runs with no services at all.
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
DATABASES["default"].setdefault("ATOMIC_REQUESTS", False)
# Persistent connections, checked before reuse (issue 18): a new PostgreSQL connection per request cost two thirds of
# the API's throughput. local.py and test.py go back to 0 (runserver serves each request in a new thread).
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=600)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = env.bool("CONN_HEALTH_CHECKS", default=True)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "members.User"
# Members log in with any card number they hold (membership, 700-number, MYJ) or their email (A1); staff with
# their username. django-axes counts failures per member, whichever login name was typed, and cools off.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "members.auth.MemberLoginBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_ENABLED = env.bool("AXES_ENABLED", default=True)
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = env.float("AXES_COOLOFF_HOURS", default=0.25)  # hours: a cool-off, never a permanent lock
AXES_LOCKOUT_PARAMETERS = ["username"]
AXES_USERNAME_CALLABLE = "members.auth.axes_username"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
# axes.W006 asks to lock by IP too. Axes has one limit for every parameter, and many members share an IP (hotel
# lobbies, corporate NAT): five failures would lock all of them out. Per-member counting is the rule (issue 6);
# IP rate limiting belongs to the reverse proxy.
SILENCED_SYSTEM_CHECKS = ["axes.W006"]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 6}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("ja", _("Japanese"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Tokyo"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = env("STATIC_ROOT", default=None)  # production: collectstatic target (see production.py)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "/"
ADMIN_URL = env("ADMIN_URL", default="admin/")
# Staff sign in to the admin with a password and a TOTP device (django-otp); onboarding: manage.py staff_otp_device.
OTP_ADMIN = env.bool("OTP_ADMIN", default=True)
# Who may open operations tools behind the reverse proxy's staff check (/ops/staff-gate/, README: Flower).
STAFF_GATE_PERMISSION = env("STAFF_GATE_PERMISSION", default="django_celery_beat.change_periodictask")

EMAIL_BACKEND = env("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="no-reply@loyalty.example")

# The shared cache: Redis when configured (CACHE_URL or REDIS_URL), else this process's memory (the embedded
# default). Processes tell each other through it that the reference data changed (points.reference).
CACHE_URL = env("CACHE_URL", default=env("REDIS_URL", default=""))
CACHES = {
    "default": (
        {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": CACHE_URL,
            # A cache that is down must not hold requests up: fail fast, then points.reference reads the database.
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
        if CACHE_URL
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}

# Celery: with no broker configured, tasks run eagerly in process (the embedded default).
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default=env("REDIS_URL", default=""))
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_RESULT_BACKEND = env("CELERY_RESULT_BACKEND", default=CELERY_BROKER_URL or None)
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"

REST_FRAMEWORK = {
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["loyalty.api.parsers.JSONParser"],  # size and depth limits (API.md 1.1)
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_AUTHENTICATION_CLASSES": ["points.api.authentication.ApiTokenAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["points.api.permissions.HasApiToken"],
    "EXCEPTION_HANDLER": "loyalty.api.errors.exception_handler",
    # Issue 14: requests per API token (per address without one), in the shared cache.
    "DEFAULT_THROTTLE_CLASSES": ["loyalty.throttling.ApiTokenRateThrottle"],
    "DEFAULT_THROTTLE_RATES": {"api_token": env("API_THROTTLE_RATE", default="6000/min")},
    "UNAUTHENTICATED_USER": None,
}
# API.md 1.1: a body over this answers 413 too_large (Default 1 MiB).
API_MAX_BODY_BYTES = env.int("API_MAX_BODY_BYTES", default=1024 * 1024)
# API.md 1.1: a POST repeated with the same Idempotency-Key within this many hours gets the first answer.
IDEMPOTENCY_KEY_HOURS = env.int("IDEMPOTENCY_KEY_HOURS", default=24)

SPECTACULAR_SETTINGS = {
    "TITLE": "Loyalty platform integration API",
    "DESCRIPTION": "The contract hotel PMS/POS systems and office tools code against (shared/API.md).",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    # Issue 14: the docs page and the schema know staff (session) and token holders; who may read them is
    # SERVE_PERMISSIONS (open in local mode, staff or token holders in production unless API_DOCS_PUBLIC).
    "SERVE_AUTHENTICATION": [
        "points.api.authentication.ApiTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "SERVE_PERMISSIONS": (
        ["rest_framework.permissions.AllowAny"]
        if env.bool("API_DOCS_PUBLIC", default=True)
        else ["loyalty.apidocs_access.StaffOrApiToken"]
    ),
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "ENUM_NAME_OVERRIDES": {"TierEnum": "members.models.Tier"},
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "loyalty.api.schema.add_common_responses",  # 401 everywhere, Idempotency-Key/409/413 on POSTs (API.md 1.1)
    ],
}

# --- The office's look (issue 16): django-unfold ---------------------------------------------------------------
# The admin theme. "unfold" comes before django.contrib.admin (its templates and its admin site win) and
# unfold.contrib.simple_history before simple_history (the history pages in the theme). Its CSS, JavaScript and
# fonts are its own static files, served by the project (whitenoise): no CDN. Branding, navigation and the home
# page are the office surface's (loyalty/office/): the office of the signed-in user's scope, navigation by work.
INSTALLED_APPS = ["unfold", "unfold.contrib.filters", "unfold.contrib.simple_history", *INSTALLED_APPS]
UNFOLD = {
    "SITE_TITLE": "loyalty.office.navigation.site_title",
    "SITE_HEADER": "loyalty.office.navigation.site_header",
    "SITE_SUBHEADER": "loyalty.office.navigation.site_subheader",
    "SITE_SYMBOL": "hotel",
    "SITE_URL": "/",
    "SHOW_HISTORY": True,
    "SHOW_VIEW_ON_SITE": False,
    "SHOW_LANGUAGES": True,
    "SHOW_BACK_BUTTON": False,
    "DASHBOARD_CALLBACK": "loyalty.office.home.home_context",
    "STYLES": ["loyalty.office.navigation.office_styles"],
    "SCRIPTS": ["loyalty.office.navigation.office_scripts"],
    "SIDEBAR": {
        "show_search": False,
        "show_all_applications": "loyalty.office.navigation.show_all_applications",
        "navigation": "loyalty.office.navigation.sidebar",
    },
    "COLORS": {
        "primary": {
            "50": "oklch(97.1% .013 236.62)",
            "100": "oklch(95.1% .026 236.824)",
            "200": "oklch(90.1% .058 230.902)",
            "300": "oklch(82.8% .111 230.318)",
            "400": "oklch(68.5% .169 237.323)",
            "500": "oklch(58.8% .158 241.966)",
            "600": "oklch(50% .134 242.749)",
            "700": "oklch(44.3% .11 240.79)",
            "800": "oklch(39.1% .09 240.876)",
            "900": "oklch(29.3% .066 243.157)",
            "950": "oklch(22.4% .053 244.05)",
        },
    },
}
# One date format (ISO) in both languages: loyalty/office/formats/.
FORMAT_MODULE_PATH = ["loyalty.office.formats"]
# --- end of the office's look ------------------------------------------------------------------------------------

# --- Issue 14: security headers, throttling, one-shot forms ---------------------------------------------------------

# Content-Security-Policy (django-csp): everything from this site, no inline script or style (the admin and the
# API docs load their scripts as files); SVG charts and QR codes are inline markup, not styles.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

# Per-IP and per-account limits ("count/period", loyalty.throttling) on the member pages that take a login name,
# an email or a new account. Defaults generous enough for a hotel lobby sharing one address.
THROTTLE_RATES = {
    "login_ip": env("THROTTLE_LOGIN_IP", default="60/10m"),
    "login_account": env("THROTTLE_LOGIN_ACCOUNT", default="10/10m"),
    "signup_ip": env("THROTTLE_SIGNUP_IP", default="20/1h"),
    "signup_account": env("THROTTLE_SIGNUP_ACCOUNT", default="5/1h"),
    "password_reset_ip": env("THROTTLE_PASSWORD_RESET_IP", default="20/1h"),
    "password_reset_account": env("THROTTLE_PASSWORD_RESET_ACCOUNT", default="5/1h"),
}
# Behind a reverse proxy: the META key of the client address it sets (e.g. HTTP_X_FORWARDED_FOR); unset: REMOTE_ADDR.
THROTTLE_IP_HEADER = env("THROTTLE_IP_HEADER", default="")
# How long a rendered form's one-shot token stays valid (seconds).
ONE_SHOT_MAX_AGE = env.int("ONE_SHOT_MAX_AGE", default=60 * 60 * 12)

# --- Operations (issue 18): request ids, logs, metrics, health, Sentry. Kept in one block: merge it as a whole. ---
# Every request gets an id (the proxy's X-Request-ID or a new one) carried into its log lines and the tasks it
# queues; the metrics middleware times every request. Both go first, whatever else the chain holds.
INSTALLED_APPS += ["loyalty.ops"]
MIDDLEWARE = ["loyalty.logs.RequestIdMiddleware", "loyalty.metrics.MetricsMiddleware", *MIDDLEWARE]
# LOG_FORMAT: "json" (production's default: one object per line, for the log collector) or "text".
LOG_FORMAT = env("LOG_FORMAT", default="text")
LOG_LEVEL = env("LOG_LEVEL", default="INFO")
LOGGING = logging_config(fmt=LOG_FORMAT, level=LOG_LEVEL)
CELERY_WORKER_HIJACK_ROOT_LOGGER = False  # the workers log through LOGGING too (JSON, request ids)
CELERY_WORKER_CONCURRENCY = env.int("CELERY_WORKER_CONCURRENCY", default=None)  # unset: one process per core
# /metrics: these addresses (or networks), or "Authorization: Bearer METRICS_TOKEN" when it is set.
METRICS_ALLOWED_IPS = env.list("METRICS_ALLOWED_IPS", default=["127.0.0.1", "::1"])
METRICS_TOKEN = env("METRICS_TOKEN", default="")
# /health/: a scheduled job is late when it has not run this long after it was due.
HEALTH_JOB_GRACE_SECONDS = env.int("HEALTH_JOB_GRACE_SECONDS", default=15 * 60)
# Errors and slow transactions to Sentry, only when SENTRY_DSN is set (Django and Celery integrations).
SENTRY_DSN = env("SENTRY_DSN", default="")
if SENTRY_DSN:
    import sentry_sdk

    sentry_sdk.init(
        dsn=SENTRY_DSN,
        environment=env("SENTRY_ENVIRONMENT", default="production"),
        release=env("SENTRY_RELEASE", default=None),
        traces_sample_rate=env.float("SENTRY_TRACES_SAMPLE_RATE", default=0.0),
        send_default_pii=False,
    )
# --- end of operations ---------------------------------------------------------------------------------------------
