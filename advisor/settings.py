"""Settings read from the environment.

The embedded default needs no services: SQLite, an in-process cache and Celery tasks run
eagerly. DATABASE_URL selects PostgreSQL, REDIS_URL selects Redis as cache and broker.
"""

import os
from pathlib import Path

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent.parent


def envbool(name: str, default: str = "False") -> bool:
    return os.environ.get(name, default).strip().lower() in {"1", "true", "yes", "on"}


def envint(name: str, default: int) -> int:
    return int(os.environ.get(name, str(default)))


def envlist(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = envbool("DEBUG", "False")
SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG and os.environ.get("DJANGO_REQUIRE_SECRET_KEY") == "1":
        raise RuntimeError("SECRET_KEY must be set in production")
    # A per-checkout development key; production sets SECRET_KEY.
    SECRET_KEY = "dev-only-" + str(BASE_DIR)

ALLOWED_HOSTS = envlist("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")
CSRF_TRUSTED_ORIGINS = envlist("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    # Admin modules are discovered in urls.py, so management commands do not import them.
    "django.contrib.admin.apps.SimpleAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_htmx",
    "template_partials",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "axes",
    "csp",
    "patterns",
    "advisor",
    "advisor.questionnaire",
    "advisor.teams",
    "advisor.architectures",
    "advisor.api",
    "advisor.jobs",
    "advisor.analyzer",
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
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Last, as django-axes asks: it turns locked-out logins into a clear response.
    "axes.middleware.AxesMiddleware",
]

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

ROOT_URLCONF = "advisor.urls"
WSGI_APPLICATION = "advisor.wsgi.application"

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
                "advisor.context_processors.rules_version",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}", conn_max_age=envint("DB_CONN_MAX_AGE", 60)
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = None
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# Worker children are replaced after this many tasks: Graphviz's layout, which draws diagrams
# in process, keeps about 60 KB per ten-pattern diagram that it never frees.
CELERY_WORKER_MAX_TASKS_PER_CHILD = envint("CELERY_WORKER_MAX_TASKS_PER_CHILD", 500)
# Diagrams drawn for web pages are drawn by this many worker processes per web process, each
# replaced after so many drawings, so Graphviz's leak never builds up in a web process
# (0: draw in the web process itself).
DIAGRAM_PROCESSES = envint("DIAGRAM_PROCESSES", 1)
DIAGRAM_RENDERS_PER_PROCESS = envint("DIAGRAM_RENDERS_PER_PROCESS", 100)
CELERY_TASK_TIME_LIMIT = envint("CELERY_TASK_TIME_LIMIT", 300)
CELERY_TASK_SOFT_TIME_LIMIT = CELERY_TASK_TIME_LIMIT - 30
# One generation may run this long before its worker kills it; a job's lease outlives it a
# little, so no second worker takes a job whose first worker may still be writing.
GENERATION_TIME_LIMIT = envint("GENERATION_TIME_LIMIT", 120)
GENERATION_LEASE_SECONDS = GENERATION_TIME_LIMIT + 15
GENERATION_MAX_ATTEMPTS = envint("GENERATION_MAX_ATTEMPTS", 5)
# How many generation jobs may be queued or running at once, and started in 24 hours, by one
# user and within one team; a start beyond them is refused (429) with the reason.
GENERATION_MAX_ACTIVE_JOBS = envint("GENERATION_MAX_ACTIVE_JOBS", 5)
GENERATION_MAX_JOBS_PER_DAY = envint("GENERATION_MAX_JOBS_PER_DAY", 50)
GENERATION_TEAM_MAX_ACTIVE_JOBS = envint("GENERATION_TEAM_MAX_ACTIVE_JOBS", 10)
GENERATION_TEAM_MAX_JOBS_PER_DAY = envint("GENERATION_TEAM_MAX_JOBS_PER_DAY", 200)
# Generated zips and diagrams are removed this many days after their job finished (by the
# periodic task below, or `manage.py expire_artifacts`); the job then says its download expired.
GENERATION_ARTIFACT_RETENTION_DAYS = envint("GENERATION_ARTIFACT_RETENTION_DAYS", 30)
CELERY_BEAT_SCHEDULE = {
    "expire-generation-artifacts": {"task": "advisor.jobs.tasks.expire_artifacts", "schedule": 3600.0},
}
# Longer than any task's hard limit plus its retry backoff, so Redis never redelivers a
# task that is still running. A lost worker's task comes back after this at the latest.
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": envint("CELERY_VISIBILITY_TIMEOUT", max(CELERY_TASK_TIME_LIMIT, GENERATION_TIME_LIMIT) + 300),
    # Look for messages of lost workers every 10 s (kombu's default scans only every 100 s).
    "unacked_restore_interval": 10,
    "unacked_restore_throttle": 1,
}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
# The embedded default serves static files straight from the app folders (no collectstatic
# step); production settings serve the collected, hashed copies instead.
WHITENOISE_USE_FINDERS = True
MEDIA_URL = "media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}

EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "advisor@localhost")
# For EMAIL_BACKEND=django.core.mail.backends.smtp.EmailBackend (production).
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = envint("EMAIL_PORT", 25)
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = envbool("EMAIL_USE_TLS", "False")
EMAIL_TIMEOUT = 10
# How long the link that confirms an address given at sign-up works.
EMAIL_CONFIRMATION_DAYS = 3
# How long the link in a team invitation works.
TEAM_INVITATION_DAYS = 7

# Login throttling (django-axes): lock a username+address after repeated failures.
AXES_FAILURE_LIMIT = envint("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = 0.25  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
# Lock out the address the trusted proxies report, not the proxy's own.
AXES_CLIENT_IP_CALLABLE = "advisor.throttling.client_address"

# How many proxies of ours stand in front of the app. 0 (the embedded default): the peer of
# the connection is the client. N: the client is the N-th X-Forwarded-For entry from the
# right, the address our outermost proxy saw; anything left of it is the client's own claim.
# Production settings default to 1 (nginx). Every throttle and the login lockout use it
# through advisor.throttling.client_address.
NUM_PROXIES = envint("NUM_PROXIES", 0)

# Requests per client address (per account for signed-in analyzer users), as "count/period".
THROTTLE_RATES = {
    "analyze-anon": "20/minute",
    "analyze-user": "120/minute",
    "signup": "10/hour",
    "password-reset": "5/hour",
    "shared-link": "60/minute",
    "export": "30/minute",
    "invitations": "30/hour",  # per account: each invitation can send an e-mail
}

REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "rest_framework.authentication.TokenAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    # JSON bodies are read by patterns.plain_data, like every other JSON the product takes in.
    "DEFAULT_PARSER_CLASSES": [
        "advisor.api.parsers.BoundedJSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "NUM_PROXIES": NUM_PROXIES,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Serverless architecture advisor API",
    "DESCRIPTION": "Recommendations, saved architectures and their revisions, generation jobs, and the template analyzer.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
}

# Content Security Policy (django-csp): scripts only from our own static files (htmx is
# served locally); inline style attributes are allowed for score bars and diagrams.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

# The endpoint Region of the AWS Price List Query API that `manage.py refresh_prices` asks
# (the API answers for every Region from a few endpoints).
PRICE_LIST_API_REGION = os.environ.get("PRICE_LIST_API_REGION", "us-east-1")
