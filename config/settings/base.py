"""Settings shared by every environment.

Everything that differs between a laptop and production is read from the
environment (12-factor). The defaults give a working single machine: a SQLite
file, Celery on kombu's filesystem transport, e-mail written to files.
"""

import base64
import datetime as dt
import hashlib
import re
from pathlib import Path
from urllib.parse import urlsplit

import environ
from csp.constants import NONE, SELF
from django.utils.translation import gettext_lazy as _
from kombu import Queue

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()
# A developer may keep overrides in .env; production passes real variables.
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

VAR_DIR = Path(env.str("PORTAL_VAR_DIR", default=str(BASE_DIR / "var")))
# Local state (SQLite file, broker folder, outbox, uploads) lives here.
VAR_DIR.mkdir(parents=True, exist_ok=True)

DEV_SECRET_KEY = "dev-only-insecure-key-do-not-use-in-production"
SECRET_KEY = env.str("DJANGO_SECRET_KEY", default=DEV_SECRET_KEY)
DEBUG = env.bool("DJANGO_DEBUG", default=False)
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "csp",
    "portal.apps.PortalAdminConfig",  # django.contrib.admin: two-factor-aware site, the desk, the flow menu
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "django_filters",
    "import_export",
    "rules.apps.AutodiscoverRulesConfig",
    "portal.apps.PortalConfig",
    "messaging",
    "organisations",
    "partners",
    "spaces",
    "calls",
    "notices",
    "reviews",
    "agreements",
    "services",
    "timebank",
    "lifecircle",
    "surveys",
    "reports",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "portal.middleware.ApiErrorsAsJsonMiddleware",
    "portal.middleware.DatabaseUnavailableMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "portal.middleware.PublicPageCacheMiddleware",  # anonymous public pages, before sessions
    "django.contrib.sessions.middleware.SessionMiddleware",
    "portal.middleware.ChosenLanguageMiddleware",  # zh-hans unless English was chosen
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "portal.middleware.StaffSessionIdleMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",  # last: turns a lockout into the lockout page
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
                "django.template.context_processors.i18n",
                "portal.context_processors.programme",
                "portal.context_processors.account",
                "portal.context_processors.elder_mode",
            ],
        },
    },
]

DATABASES = {
    "default": env.db_url("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'portal.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
# Persistent connections (issue 14): opening a PostgreSQL connection per request cost more
# than the queries of most pages. Checked before reuse, so a restarted database is no error.
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DJANGO_CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
# A persistent connection broken by a database restart is noticed before the request uses it.
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
# While the database is unreachable pages answer 503 with this Retry-After (portal/middleware.py).
PORTAL_RETRY_AFTER_SECONDS = env.int("PORTAL_RETRY_AFTER_SECONDS", default=30)
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the Celery worker write while the web server reads.
    DATABASES["default"].setdefault("OPTIONS", {})
    DATABASES["default"]["OPTIONS"].setdefault("init_command", "PRAGMA journal_mode=WAL;")
    DATABASES["default"]["OPTIONS"].setdefault("timeout", 20)
# The planner's price of a random page read (issue 14). PostgreSQL's default of 4 assumes
# spinning disks; on SSD storage it makes a street's scoped lists (2 % of a 20,000-row table
# of partners, applications or spaces) read the whole table rather than its index. 1.1 is the
# usual SSD figure; set DJANGO_DB_RANDOM_PAGE_COST to the server's own (empty: the server's).
DB_RANDOM_PAGE_COST = env.str("DJANGO_DB_RANDOM_PAGE_COST", default="1.1")
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql" and DB_RANDOM_PAGE_COST:
    DATABASES["default"].setdefault("OPTIONS", {})
    DATABASES["default"]["OPTIONS"].setdefault("options", f"-c random_page_cost={float(DB_RANDOM_PAGE_COST)}")

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # first: refuses a locked-out user or address
    "rules.permissions.ObjectPermissionBackend",
    "portal.rules.LevelStaffReadBackend",  # district / city staff read below them (issue 15)
    "django.contrib.auth.backends.ModelBackend",
]

LANGUAGE_CODE = env.str("DJANGO_LANGUAGE_CODE", default="zh-hans")
LANGUAGES = [("zh-hans", _("简体中文")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
# One date format per language (2026年12月1日 / 1 December 2026): config/formats/<locale>/formats.py.
FORMAT_MODULE_PATH = ["config.formats"]
TIME_ZONE = env.str("DJANGO_TIME_ZONE", default="Asia/Shanghai")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(env.str("DJANGO_STATIC_ROOT", default=str(VAR_DIR / "staticfiles")))
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}

# Uploaded documents hold ID cards and licences: they live outside the web
# root and are only ever served through permission-checked views.
MEDIA_ROOT = Path(env.str("PORTAL_MEDIA_ROOT", default=str(VAR_DIR / "media")))
MEDIA_URL = "/media-not-served/"
PRIVATE_MEDIA_ROOT = Path(env.str("PORTAL_PRIVATE_MEDIA_ROOT", default=str(VAR_DIR / "private")))
UPLOAD_MAX_FILE_BYTES = env.int("PORTAL_UPLOAD_MAX_FILE_BYTES", default=10 * 1024 * 1024)
UPLOAD_MAX_TOTAL_BYTES = env.int("PORTAL_UPLOAD_MAX_TOTAL_BYTES", default=40 * 1024 * 1024)
UPLOAD_MAX_FILES = env.int("PORTAL_UPLOAD_MAX_FILES", default=10)
# Decompression bombs: an image may have at most this many pixels (Pillow's MAX_IMAGE_PIXELS is
# set to it), a DOCX/XLSX may unpack to at most this many bytes in all, and no member may unpack
# to more than this many times its packed size.
UPLOAD_MAX_IMAGE_PIXELS = env.int("PORTAL_UPLOAD_MAX_IMAGE_PIXELS", default=50_000_000)
UPLOAD_MAX_UNPACKED_BYTES = env.int("PORTAL_UPLOAD_MAX_UNPACKED_BYTES", default=100 * 1024 * 1024)
UPLOAD_MAX_UNPACK_RATIO = env.int("PORTAL_UPLOAD_MAX_UNPACK_RATIO", default=200)
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024

if env.str("EMAIL_URL", default=""):
    vars().update(env.email_url("EMAIL_URL"))
else:
    # No mail server on a laptop: each e-mail is written to a file in var/outbox/.
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = str(VAR_DIR / "outbox")
DEFAULT_FROM_EMAIL = env.str("DJANGO_DEFAULT_FROM_EMAIL", default="睦邻合伙人 <noreply@mulin.example.cn>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# --- The outbox (messaging/, issue 17) --------------------------------------
# Each channel by URL, like EMAIL_URL. `django://` sends e-mail through the mail settings above;
# `file:///folder` writes one file per message (make run). SMS: aliyun-sms://KEY:SECRET@host?…,
# tencent-sms://…; WeCom group robots: wecom://qyapi.weixin.qq.com (the group key is the address).
PORTAL_MESSAGE_CHANNEL_MODULES = env.list(
    "PORTAL_MESSAGE_CHANNEL_MODULES",
    default=[
        "messaging.channels.email",
        "messaging.channels.file",
        "messaging.channels.aliyun",
        "messaging.channels.tencent",
        "messaging.channels.wecom",
    ],
)
PORTAL_MESSAGE_CHANNELS = {
    "email": env.str("MESSAGE_EMAIL_URL", default="django://"),
    "sms": env.str("SMS_URL", default=f"file://{VAR_DIR / 'outbox' / 'sms'}"),
    "wecom": env.str("WECOM_URL", default=f"file://{VAR_DIR / 'outbox' / 'wecom'}"),
}
PORTAL_SMS_TEMPLATES = env.json("PORTAL_SMS_TEMPLATES", default={})  # {message code: provider template code}
# No SMS from 21:00 to 08:00 Asia/Shanghai (held until the morning); "0,0" turns it off (fault tests).
PORTAL_SMS_QUIET_HOURS = tuple(env.list("PORTAL_SMS_QUIET_HOURS", cast=int, default=[21, 8]))
PORTAL_OUTBOX_LEASE_SECONDS = env.int("PORTAL_OUTBOX_LEASE_SECONDS", default=300)
PORTAL_OUTBOX_RETRY_SECONDS = env.int("PORTAL_OUTBOX_RETRY_SECONDS", default=60)
PORTAL_OUTBOX_MAX_ATTEMPTS = env.int("PORTAL_OUTBOX_MAX_ATTEMPTS", default=8)
PORTAL_BASE_URL = env.str("PORTAL_BASE_URL", default="http://127.0.0.1:8000")
# The admin home warns when the worker's heartbeat (portal.tasks.heartbeat, every minute) is older.
PORTAL_WORKER_STALE_SECONDS = env.int("PORTAL_WORKER_STALE_SECONDS", default=300)
# `manage.py load_demo`: each module has load(ctx); they run in the order of the lifecycle.
# Listed here, not in portal, because only config may name every app (imports flow one way).
PORTAL_DEMO_STEPS = [
    "portal.demo",
    "spaces.demo",
    "calls.demo",
    "reviews.demo",
    "notices.demo",
    "agreements.demo",
    "services.demo",
    "services.demo_second_street",
    "reports.demo",
    "timebank.demo",
    "agreements.demo_reminders",
    "surveys.demo",
    "lifecircle.demo",  # last: places the rooms, and links 华阳街道's serving partners it finds
]
# The applications and their vetting happened before the past notice (12 days ago).
PORTAL_DEMO_DAYS_AGO = {"calls.demo": 30, "reviews.demo": 20}

CACHES = {"default": env.cache_url("CACHE_URL", default="locmemcache://portal")}
# Redis as the cache fails open: while it is down the portal runs uncached, never 500s.
REDIS_CACHE_BACKEND = "django.core.cache.backends.redis.RedisCache"
FAIL_OPEN_REDIS_CACHE_BACKEND = "portal.cache_backends.FailOpenRedisCache"
if CACHES["default"]["BACKEND"] == REDIS_CACHE_BACKEND:
    CACHES["default"]["BACKEND"] = FAIL_OPEN_REDIS_CACHE_BACKEND
# After a failed cache call, skip the cache for this many seconds (portal/cache_backends.py).
PORTAL_CACHE_RETRY_SECONDS = env.int("PORTAL_CACHE_RETRY_SECONDS", default=5)

SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
X_FRAME_OPTIONS = "DENY"
LOGIN_URL = "/accounts/login/"
LOGIN_REDIRECT_URL = "/accounts/home/"  # each role to its own start page

# --- Celery -----------------------------------------------------------------
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="filesystem://")
CELERY_BROKER_DIR = Path(env.str("CELERY_BROKER_DIR", default=str(VAR_DIR / "broker")))
if CELERY_BROKER_URL.startswith("filesystem://"):
    # kombu's filesystem transport delivers only when in and out are the
    # same folder; the control folder must be set or it lands in the cwd.
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(CELERY_BROKER_DIR / "queue"),
        "data_folder_out": str(CELERY_BROKER_DIR / "queue"),
        "control_folder": str(CELERY_BROKER_DIR / "control"),
        "processed_folder": str(CELERY_BROKER_DIR / "processed"),
        "store_processed": False,
    }
CELERY_RESULT_BACKEND = env.str("CELERY_RESULT_BACKEND", default=None) or None
CELERY_TASK_IGNORE_RESULT = CELERY_RESULT_BACKEND is None
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
# PDFs and the dossier's ZIP/XLSX go to their own queue, served by a worker of concurrency 1
# whose child is replaced once it passes --max-memory-per-child (scripts/run.sh,
# docker-compose.yml `pdf-worker`): a 20 MB CJK font per face and a long dossier make a
# rendering process large, and it must neither share memory with nor delay the periodic work.
# A worker started without -Q consumes both queues; production starts one per queue.
PDF_QUEUE = "pdf"
CELERY_TASK_DEFAULT_QUEUE = "celery"
CELERY_TASK_QUEUES = (Queue("celery"), Queue(PDF_QUEUE))
CELERY_TASK_ROUTES = {
    name: {"queue": PDF_QUEUE}
    for name in (
        "agreements.tasks.render_agreement_pdf",
        "services.tasks.render_dossier_pdf",
        "services.tasks.render_dossier_file",
        "portal.tasks.build_background_file",
    )
}
# The beat schedule is assembled in config/celery.py from each app's tasks.

# --- REST framework ---------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "rest_framework.authentication.TokenAuthentication",
    ],
    # District and city staff read everything below them and write nothing (issue 15).
    "DEFAULT_PERMISSION_CLASSES": [
        "rest_framework.permissions.IsAuthenticated",
        "portal.permissions.ReadOnlyForLevelStaff",
    ],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    # The one mapping from domain refusals to responses (400/403/404/409, always with "detail").
    "EXCEPTION_HANDLER": "portal.api.exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "睦邻合伙人 Portal API",
    "DESCRIPTION": "Neighbourhood partners: spaces, applications, reviews, agreements, services.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    # Refusals (401/403/404/503, 400 on input) on every operation; times and blank e-mails as written.
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "portal.api.document_refusals",
    ],
    # One name per shared choice set (GLOSSARY.md), not one per field that uses it.
    "ENUM_NAME_OVERRIDES": {
        "PartnerStatusEnum": "partners.models.PartnerStatus",
        "ServiceCategoryEnum": "portal.choices.ServiceCategory",
        "TargetGroupEnum": "portal.choices.TargetGroup",
        "ExitReasonEnum": "portal.choices.ExitReason",
        "FilingReceiptStatusEnum": "notices.models.FilingReceiptStatus",
        "NoticeStatusEnum": "notices.models.NoticeStatus",
    },
}

# --- Rate limits (django-ratelimit, keyed on the client IP) ----------------
RATELIMIT_ENABLE = env.bool("RATELIMIT_ENABLE", default=True)
RATELIMIT_IP_META_KEY = env.str("RATELIMIT_IP_META_KEY", default="REMOTE_ADDR")
RATELIMIT_VIEW = "portal.views.ratelimited"
# The public status lookup, per application reference whatever the address (guesses of the
# mobile's last 4 digits shared among many addresses count together).
STATUS_LOOKUP_REFERENCE_RATE = env.str("STATUS_LOOKUP_REFERENCE_RATE", default="10/h")

# A second identical public submission (suggestion-box note, objection) within this many
# seconds is a double submit: it shows the first one's success page and adds no row.
DUPLICATE_SUBMISSION_SECONDS = env.int("DUPLICATE_SUBMISSION_SECONDS", default=600)

FSM_ADMIN_FORCE_PERMIT = False

# --- Login protection (issue 18) -------------------------------------------------------
# django-axes: after AXES_FAILURE_LIMIT wrong passwords for one user name, or from one
# address, logins from it are refused until the cool-off passes or staff unlock it in the
# admin (AXES › Access attempts: delete the row). Every login form counts: /admin/login/, /accounts/login/,
# the API's session login, and anything else that calls authenticate() with a request.
AXES_FAILURE_LIMIT = env.int("LOGIN_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = dt.timedelta(minutes=env.int("LOGIN_COOLOFF_MINUTES", default=30))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]  # each on its own: per user and per address
AXES_RESET_ON_SUCCESS = True
AXES_CLIENT_IP_CALLABLE = "portal.security.client_ip"
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_COOLOFF_MESSAGE = _("登录失败次数过多，该账号或网络地址已被暂时锁定，请稍后再试。")
AXES_PERMALOCK_MESSAGE = _("登录失败次数过多，该账号或网络地址已被锁定，请联系管理员解锁。")
AXES_VERBOSE = False
# Staff sessions end after this many idle seconds (each request starts the count again);
# everyone else keeps Django's SESSION_COOKIE_AGE, and anonymous pages write no session.
STAFF_SESSION_IDLE_SECONDS = env.int("STAFF_SESSION_IDLE_SECONDS", default=30 * 60)
STAFF_SESSION_TOUCH_SECONDS = 60  # the expiry is written at most once a minute
# Two-factor (TOTP, django-otp): optional for staff who can see ID numbers; once set up,
# the admin login asks for the code.
OTP_TOTP_ISSUER = "睦邻合伙人"

# --- Content-Security-Policy (django-csp 4) ------------------------------------------
# Scripts and styles only from our own static files: no inline script, no style attribute,
# no event-handler attribute. The one exception is the 500 page's own <style> block (it
# stands alone, without static files), allowed by its hash.


def _style_hash(template: Path) -> str:
    style = re.search(r"<style>(.*?)</style>", template.read_text(encoding="utf-8"), re.S)
    digest = hashlib.sha256(style.group(1).encode()).digest() if style else b""
    return f"'sha256-{base64.b64encode(digest).decode()}'"


CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF, _style_hash(BASE_DIR / "templates" / "500.html")],
        "img-src": [SELF, "data:"],
        "font-src": [SELF, "data:"],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

# The neighbourhood map's tiles (lifecircle, 成都 seed 001): a Leaflet URL template such as
# https://t{s}.tianditu.gov.cn/... or https://{s}.tile.openstreetmap.org/{z}/{x}/{y}.png and the
# attribution the provider requires. Empty: no tiles, the map page is its list. Positions are
# WGS-84 (spaces.Space.latitude): use a WGS-84 (天地图) source, not a GCJ-02 one (高德, 腾讯).
PORTAL_MAP_TILES_URL = env.str("PORTAL_MAP_TILES_URL", default="")
PORTAL_MAP_TILES_ATTRIBUTION = env.str("PORTAL_MAP_TILES_ATTRIBUTION", default="")


def _tiles_origin(template: str) -> str:
    """The CSP source of a tile URL template: scheme and host, a {s} subdomain as a wildcard."""
    parts = urlsplit(template)
    host = re.sub(r"^[^.]*\{s\}[^.]*\.", "*.", parts.hostname or "")
    return f"{parts.scheme}://{host}" if parts.scheme and host else ""


if _tiles_origin(PORTAL_MAP_TILES_URL):
    CONTENT_SECURITY_POLICY["DIRECTIVES"]["img-src"].append(_tiles_origin(PORTAL_MAP_TILES_URL))

# With the cache unreachable the counters are unknown: let the request through (a warning is
# logged) rather than refuse every public form during a Redis outage.
RATELIMIT_FAIL_OPEN = True

FSM_ADMIN_FORCE_PERMIT = False

# --- Personal data (PIPL) ----------------------------------------------------
# Months each kind of personal data is kept (portal/retention.py says what each kind erases);
# e.g. PORTAL_RETENTION_UNSUCCESSFUL_APPLICATIONS_MONTHS=3.
PORTAL_RETENTION_MONTHS = {
    kind: env.int(f"PORTAL_RETENTION_{kind.upper()}_MONTHS", default=months)
    for kind, months in {
        "unsuccessful_applications": 6,
        "exited_partner_contacts": 60,
        "objector_phones": 12,
        "feedback_contacts": 12,
        "survey_identifiers": 12,
        "application_drafts": 0,
        "volunteer_contacts": 24,
        "organisation_contacts": 60,
    }.items()
}
# An unsubmitted application draft (calls.ApplicationDraft) can be resumed this many days after
# its last change; the nightly purge then deletes it with its files (calls/retention.py).
APPLICATION_DRAFT_DAYS = env.int("APPLICATION_DRAFT_DAYS", default=14)

# Every handler masks mobile numbers, ID numbers and e-mail addresses (portal/log_masking.py).
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"personal_data": {"()": "portal.log_masking.PersonalDataFilter"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "filters": ["personal_data"]}},
    "root": {"handlers": ["console"], "level": env.str("DJANGO_LOG_LEVEL", default="INFO")},
    "loggers": {
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}
