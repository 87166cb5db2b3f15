"""Settings for the reform task ledger, read from the environment (see .env.example)."""

import re
from datetime import timedelta
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

from reform.env import env_bool, env_int, env_list, env_str, parse_database_url

BASE_DIR = Path(__file__).resolve().parent.parent

DEBUG = env_bool("DEBUG", False)

SECRET_KEY = env_str("SECRET_KEY") or ""
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY must be set when DEBUG is off (see .env.example); "
            "generate one with: python -c 'import secrets; print(secrets.token_urlsafe(50))'"
        )
    # Development only: a fixed, visibly insecure key so sessions survive restarts.
    SECRET_KEY = "django-insecure-development-only-never-use-in-production"

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

# HTTPS. On by default when DEBUG is off (`manage.py check --deploy` passes with .env.example);
# `dev.py run` sets DEBUG=1 and so serves plain HTTP. Each can be turned off by its variable.
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
# Compose healthchecks and load balancers ask over plain HTTP from inside.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
if env_bool("TRUST_X_FORWARDED_PROTO", False):
    # Only behind a proxy that terminates TLS and sets (never passes on) X-Forwarded-Proto.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", not DEBUG)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", not DEBUG)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 365 * 24 * 3600)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", not DEBUG)
# The preload flag only makes the host eligible for browsers' preload lists; submitting it is a
# separate, deliberate act.
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", not DEBUG)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Sessions end when the browser closes and after SESSION_COOKIE_AGE seconds (a working day) at most.
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 8 * 3600)
SESSION_EXPIRE_AT_BROWSER_CLOSE = env_bool("SESSION_EXPIRE_AT_BROWSER_CLOSE", True)
# Nothing inline: scripts and styles come from static/ (tests/security/test_csp.py). No style
# attributes either (widths are classes); scripts set styles through the DOM, which the policy allows,
# and ECharts draws on canvas. data: images are Bootstrap's SVG icons inside its CSS.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "accounts",
    "regions",
    "tasks",
    "api",
    "axes",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "reform.middleware.ChosenLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    # Last, as django-axes requires: it turns a lockout found during authentication into its response.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "reform.urls"
WSGI_APPLICATION = "reform.wsgi.application"
ASGI_APPLICATION = "reform.asgi.application"

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
                "tasks.context_processors.access",
            ],
        },
    },
]

DATABASES = {
    "default": parse_database_url(
        env_str("DATABASE_URL") or "sqlite:///db.sqlite3",
        BASE_DIR,
        conn_max_age=env_int("DB_CONN_MAX_AGE", 60),
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# Reference data (regions, departments): `loaddata regions departments`.
FIXTURE_DIRS = [BASE_DIR / "fixtures"]

AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Login throttling (django-axes): after LOGIN_FAILURE_LIMIT wrong passwords for one username from one
# address, that pair is locked for LOGIN_LOCKOUT_MINUTES; a success resets the count. Per pair, so that
# a guesser cannot lock a colleague out from elsewhere (offices share an address behind NAT). Covers
# every authenticate(): the login page, the admin and the API token endpoint.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("LOGIN_LOCKOUT_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "accounts.lockout.locked_out"
# Attempts are kept in the database; unlock with `manage.py axes_reset_username NAME` (no admin pages).
AXES_ENABLE_ADMIN = False

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("Simplified Chinese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = "Asia/Shanghai"
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
# Uploads (documents, evidence, reports) live outside static/ and are served only through views
# that check permissions.
MEDIA_ROOT = Path(env_str("MEDIA_ROOT") or BASE_DIR / "var" / "media")
MEDIA_URL = "media/"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
UPLOAD_MAX_BYTES = env_int("UPLOAD_MAX_BYTES", 20 * 1024 * 1024)
# Each evidence file (佐证材料) attached to a progress report; checked by content in tasks/uploads.py.
EVIDENCE_MAX_BYTES = env_int("EVIDENCE_MAX_BYTES", 20 * 1024 * 1024)
# The import review form has a dozen fields per task and documents have 150+ tasks.
DATA_UPLOAD_MAX_NUMBER_FIELDS = 10_000

# Task-list traffic lights (tasks/ledger/lights.py): yellow when the next dated deadline is at most
# due_soon_days away, or when the share of the time used runs ahead of the reported progress by
# more than behind_margin percentage points.
TRAFFIC_LIGHTS = {
    "due_soon_days": env_int("DUE_SOON_DAYS", 14),
    "behind_margin": env_int("BEHIND_MARGIN", 25),
}

# Whether a new document's tasks need evidence (佐证材料) with a completion request (申请销号); each
# document keeps its own setting from then on, and a task may override it (tasks/models/ledger.py).
COMPLETION_EVIDENCE_REQUIRED = env_bool("COMPLETION_EVIDENCE_REQUIRED", True)

# Redis is optional: without it jobs run in-process and the cache is per process.
REDIS_URL = env_str("REDIS_URL") or ""
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
    CELERY_BROKER_URL = REDIS_URL
    CELERY_RESULT_BACKEND = REDIS_URL
    CELERY_TASK_ALWAYS_EAGER = False
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    CELERY_BROKER_URL = "memory://"
    CELERY_RESULT_BACKEND = "cache+memory://"
    CELERY_TASK_ALWAYS_EAGER = True
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = TIME_ZONE
CELERY_ENABLE_UTC = False
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_RESULT_EXPIRES = 24 * 3600
# The daily reminder scan (tasks/reminders/services/scan.py), run by beat at this hour, Asia/Shanghai, on
# working days only: per liaison one digest of their department's tasks overdue or due within
# REMINDER_DUE_SOON_DAYS calendar days; tasks overdue by more than REMINDER_ESCALATE_AFTER_DAYS go to the
# office staff and leaders of the regions that see them as well.
REMINDER_SCAN_HOUR = env_int("REMINDER_SCAN_HOUR", 9)
REMINDER_SCAN_MINUTE = env_int("REMINDER_SCAN_MINUTE", 0)
REMINDER_DUE_SOON_DAYS = env_int("REMINDER_DUE_SOON_DAYS", 7)
REMINDER_ESCALATE_AFTER_DAYS = env_int("REMINDER_ESCALATE_AFTER_DAYS", 14)
# The escalation ladder (tasks/reminders/services/escalation.py): "working days after the task's first
# overdue notice:who", one step at a time — the lead department's liaisons (liaison), its head
# (head: the department's head contact, by email), the office staff and leaders of the document's region
# (office).
ESCALATION_LADDER = env_list("ESCALATION_LADDER", ["3:liaison", "5:head", "10:office"])
_ladder_days = [
    int(e.split(":")[0]) for e in ESCALATION_LADDER if re.fullmatch(r"\d+:(liaison|head|office)", e)
]
if len(_ladder_days) != len(ESCALATION_LADDER) or _ladder_days != sorted(set(_ladder_days)):
    raise ImproperlyConfigured(
        "ESCALATION_LADDER must be days:liaison|head|office entries with increasing days, "
        f"e.g. 3:liaison,5:head,10:office, not {','.join(ESCALATION_LADDER)!r}"
    )
# A digest lists this many tasks and links to the list for the rest, so that an email stays readable.
REMINDER_DIGEST_MAX_TASKS = env_int("REMINDER_DIGEST_MAX_TASKS", 50)
# After a write, a job recomputes the dashboards opened recently (tasks/dashboard/services/cache.py),
# DASHBOARD_WARM_DELAY seconds later so that a burst of writes shares one run. Off by default without
# a worker (eager jobs): the recomputation would run inside the request that wrote.
DASHBOARD_WARM = env_bool("DASHBOARD_WARM", not CELERY_TASK_ALWAYS_EAGER)
DASHBOARD_WARM_DELAY = env_int("DASHBOARD_WARM_DELAY", 5)
# Monthly department reports (tasks/reports/services/periods.py): built by beat on the first working day
# of a month at this hour for the month just ended, due back REPORT_DUE_WORKING_DAYS working days into
# the month (the first working day counts as the first).
REPORT_BUILD_HOUR = env_int("REPORT_BUILD_HOUR", 8)
REPORT_BUILD_MINUTE = env_int("REPORT_BUILD_MINUTE", 0)
REPORT_DUE_WORKING_DAYS = env_int("REPORT_DUE_WORKING_DAYS", 5)
# Reporting periods close by themselves on this working day of the following month (after the reports'
# due date by default), at PERIOD_CLOSE_HOUR:PERIOD_CLOSE_MINUTE; office staff may close one earlier.
PERIOD_CLOSE_WORKDAY = env_int("PERIOD_CLOSE_WORKDAY", REPORT_DUE_WORKING_DAYS + 1)
PERIOD_CLOSE_HOUR = env_int("PERIOD_CLOSE_HOUR", 20)
PERIOD_CLOSE_MINUTE = env_int("PERIOD_CLOSE_MINUTE", 0)

# The API (api/, under /api/v1/). Token first, so that an anonymous request gets 401 with a
# WWW-Authenticate header; the session serves the pages' own scripts (with CSRF on writes).
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PAGINATION_CLASS": "api.pagination.BoundedPageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "api.schema.ApiAutoSchema",
    "EXCEPTION_HANDLER": "api.exceptions.api_exception_handler",
    # Per user (per address for the anonymous); the token endpoint has its own, stricter scope
    # against password guessing. Counted in the cache: Redis in production, shared by the workers.
    "DEFAULT_THROTTLE_CLASSES": ["rest_framework.throttling.UserRateThrottle"],
    "DEFAULT_THROTTLE_RATES": {
        "user": env_str("API_THROTTLE_USER") or "3000/hour",
        "token": env_str("API_THROTTLE_TOKEN") or "10/minute",
    },
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "医改任务台账 API",
    "DESCRIPTION": (
        "The reform task ledger: documents, tasks, progress and the dashboard, as the pages show them "
        "and with the same permissions. Authenticate with `Authorization: Token <key>` "
        "(POST /api/v1/auth/token/) or the portal's session."
    ),
    "VERSION": "1",
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    # Served from the drf-spectacular-sidecar package: the docs work without any CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "ENUM_NAME_OVERRIDES": {
        "TaskStatusEnum": "tasks.models.ledger.TaskStatus",
        "ReportableStatusEnum": "tasks.ledger.serializers.progress.REPORTABLE_CHOICES",
        "AssignmentRoleEnum": "tasks.models.ledger.Assignment.Role",
        "DeadlineKindEnum": "tasks.models.ledger.Deadline.Kind",
        "ComparatorEnum": "tasks.models.ledger.Target.Comparator",
        "RegionLevelEnum": "regions.models.Region.Level",
        "DepartmentKindEnum": "regions.models.Department.Kind",
        "DocumentKindEnum": "tasks.models.documents.PolicyDocument.Kind",
        "ImportStatusEnum": "tasks.models.documents.DocumentImport.Status",
        "UserRoleEnum": "accounts.models.Role",
        "EventKindEnum": "tasks.models.notices.EventKind",
    },
}

# Email for reminders. SMTP in production; the console in development.
EMAIL_BACKEND_PATH = env_str("EMAIL_BACKEND") or (
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend"
)
_SMTP_OPTIONS = {
    "host": env_str("EMAIL_HOST") or "localhost",
    "port": env_int("EMAIL_PORT", 25),
    "username": env_str("EMAIL_HOST_USER") or "",
    "password": env_str("EMAIL_HOST_PASSWORD") or "",
    "use_tls": env_bool("EMAIL_USE_TLS", False),
    "timeout": env_int("EMAIL_TIMEOUT", 30),
}
MAILERS = {
    "default": {
        "BACKEND": EMAIL_BACKEND_PATH,
        # Only the SMTP backend takes these options; the others refuse unknown ones.
        "OPTIONS": _SMTP_OPTIONS if EMAIL_BACKEND_PATH.endswith("smtp.EmailBackend") else {},
    }
}
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL") or "医改任务台账 <noreply@localhost>"
# Links in emails point here: jobs run outside any request, so they cannot ask for the host.
SITE_URL = (env_str("SITE_URL") or "http://127.0.0.1:8000").rstrip("/")

# Group robots (tasks/notices): each post waits this long for the platform before it counts as a
# transient failure (retried with backoff).
NOTICE_HTTP_TIMEOUT_SECONDS = env_int("NOTICE_HTTP_TIMEOUT_SECONDS", 10)
# A robot's webhook must be on its platform's host (tasks/notices/robots.py PLATFORM_HOSTS) or one of
# these, e.g. a forwarding proxy inside the network.
NOTICE_ROBOT_ALLOWED_HOSTS = env_list("NOTICE_ROBOT_ALLOWED_HOSTS", [])
# Webhooks are https; plain http only to a loopback address, and only in development (and the tests).
NOTICE_ROBOT_ALLOW_PLAIN_HTTP = DEBUG

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL") or "INFO"},
    # axes logs every login at INFO; its lockouts are warnings.
    "loggers": {"axes": {"level": "WARNING"}},
}
