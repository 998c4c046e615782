"""Django settings, read from environment variables.

Production is the default and fails closed: no secret key means no start, DEBUG is
off unless KYPHOPLAN_DEBUG=1, cookies are HTTPS-only. The demo (`kyphoplan serve`)
and the test suite use `settings_demo`, which sets a public dev secret on purpose.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from kyphoplan.web.config import base_url, log_level, read_settings
from kyphoplan.web.env import database_from_url, env_bool, env_int, env_list, env_str
from kyphoplan.web.net import LOCAL_PROXY, parse_proxies

PACKAGE_DIR = Path(__file__).resolve().parent.parent
DEMO = env_bool("KYPHOPLAN_DEMO")
DATA_DIR = Path(env_str("KYPHOPLAN_DATA_DIR", "var")).resolve()

SECRET_KEY = env_str("KYPHOPLAN_SECRET_KEY", required=True)
DEBUG = env_bool("KYPHOPLAN_DEBUG")
# Secure cookies and HTTPS redirects are on unless the demo explicitly runs on plain http.
HTTPS = env_bool("KYPHOPLAN_HTTPS", default=not DEMO)
ALLOWED_HOSTS = env_list("KYPHOPLAN_ALLOWED_HOSTS", ["127.0.0.1", "localhost"] if DEMO or DEBUG else [])
CSRF_TRUSTED_ORIGINS = env_list("KYPHOPLAN_CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "axes",
    "kyphoplan.web",
    "kyphoplan.audit",
    "kyphoplan.outbox",
    "kyphoplan.callbacks",
    "kyphoplan.staff",
    "kyphoplan.public",
    # The patient pathway (docs/pathway.md).
    "kyphoplan.cases",
    "kyphoplan.intake",
    "kyphoplan.plans",
    "kyphoplan.booking",
    "kyphoplan.reminders",
    "kyphoplan.patient",
    "kyphoplan.pathway",
    "kyphoplan.cdshooks",
    "kyphoplan.api",
    "kyphoplan.policy",
    "kyphoplan.smart",
    "kyphoplan.candidacy",  # docs/candidacy.md
    "kyphoplan.devinbox",
    # After the procedure (docs/followup.md).
    "kyphoplan.tallies",
    "kyphoplan.messaging",
    "kyphoplan.liaison",
    "kyphoplan.followup",
    "kyphoplan.outcomes",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "kyphoplan.web.middleware.ContentSecurityPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "kyphoplan.web.middleware.PracticeTimeZoneMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "kyphoplan.staff.middleware.IdleTimeoutMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "kyphoplan.web.middleware.MissingObjectIsNotFoundMiddleware",
    # Axes must be last so it sees the outcome of every login attempt.
    "axes.middleware.AxesMiddleware",
]

# Bounded requests (Django's defaults, stated): no form or JSON body here comes near them.
DATA_UPLOAD_MAX_MEMORY_SIZE = 1_000_000
DATA_UPLOAD_MAX_NUMBER_FIELDS = 1000

ROOT_URLCONF = "kyphoplan.web.urls"
WSGI_APPLICATION = "kyphoplan.web.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "kyphoplan.web.context.practice",
            ],
        },
    }
]

_database_url = env_str("DATABASE_URL")
if _database_url:
    DATABASES = {"default": database_from_url(_database_url)}
else:
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    DATABASES = {
        "default": {
            "ENGINE": "kyphoplan.web.sqlite",  # Django's, with a flush that keeps audit guards
            "NAME": DATA_DIR / "kyphoplan.sqlite3",
            "OPTIONS": {
                # WAL lets readers run while one writer commits; IMMEDIATE takes the
                # write lock up front so two workers never deadlock upgrading a read.
                "init_command": (
                    "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;"
                ),
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
            },
            # Tests run on an in-memory database, stated because the ENGINE is not Django's own
            # name (pytest-xdist would otherwise suffix the file path per worker).
            "TEST": {"NAME": ":memory:"},
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    # Passwords as ModelBackend; permissions from the role table (staff/roles.py).
    "kyphoplan.staff.roles.StaffBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "staff:login"
# One-time set-password links (staff/passwords.py) work for a day.
PASSWORD_RESET_TIMEOUT = 24 * 3600

# Lock a username from one address after five wrong passwords, for 15 minutes.
AXES_FAILURE_LIMIT = env_int("KYPHOPLAN_LOGIN_FAILURE_LIMIT", 5, minimum=1)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("KYPHOPLAN_LOCKOUT_MINUTES", 15, minimum=1))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "staff/locked_out.html"
AXES_VERBOSE = False
# Django-otp throttles wrong codes per device; this names the issuer in authenticator apps.
OTP_TOTP_ISSUER = env_str("KYPHOPLAN_PRACTICE_NAME", "Kyphoplan demo practice")

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
CSRF_COOKIE_HTTPONLY = True
CSRF_FAILURE_VIEW = "kyphoplan.web.views.csrf_failure"
SESSION_COOKIE_AGE = 12 * 3600
STAFF_IDLE_MINUTES = env_int("KYPHOPLAN_STAFF_IDLE_MINUTES", 15, minimum=1)

SECURE_SSL_REDIRECT = HTTPS
SECURE_HSTS_SECONDS = 31536000 if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = HTTPS
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if env_bool("KYPHOPLAN_BEHIND_PROXY"):
    # Only behind a proxy that sets this header itself (and strips it from clients).
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    USE_X_FORWARDED_HOST = False
BEHIND_PROXY = env_bool("KYPHOPLAN_BEHIND_PROXY")
# X-Forwarded-For is believed only from these (web/net.py); axes keys lockouts on the result.
TRUSTED_PROXIES = [
    str(n) for n in parse_proxies(env_list("KYPHOPLAN_TRUSTED_PROXIES", list(LOCAL_PROXY) if BEHIND_PROXY else []))
]
AXES_CLIENT_IP_CALLABLE = "kyphoplan.web.net.client_ip"

LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("es", "Español")]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
USE_I18N = True
USE_TZ = True
TIME_ZONE = "UTC"

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # whitenoise warns when it is missing
STATICFILES_DIRS = [PACKAGE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
# Serve straight from the package: no collectstatic step needed to run.
WHITENOISE_USE_FINDERS = True

EMAIL_BACKEND = env_str("KYPHOPLAN_EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")
EMAIL_HOST = env_str("KYPHOPLAN_EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("KYPHOPLAN_EMAIL_PORT", 25, minimum=1)
EMAIL_HOST_USER = env_str("KYPHOPLAN_EMAIL_USER")
EMAIL_HOST_PASSWORD = env_str("KYPHOPLAN_EMAIL_PASSWORD")
EMAIL_USE_TLS = env_bool("KYPHOPLAN_EMAIL_TLS")
EMAIL_TIMEOUT = 20
DEFAULT_FROM_EMAIL = env_str("KYPHOPLAN_EMAIL_FROM", "kyphoplan@localhost")

# Public "request a call" limits (callbacks.ratelimit.refuse_callback; why these numbers: docs/web.md):
# this many per address per hour (an address may be a whole clinic lobby or senior centre), and
# this many for one phone number per day, from any address.
CALLBACK_RATE_LIMIT = env_int("KYPHOPLAN_CALLBACK_RATE_LIMIT", 30, minimum=1)
CALLBACK_RATE_WINDOW_SECONDS = 3600
CALLBACK_PHONE_RATE_LIMIT = env_int("KYPHOPLAN_CALLBACK_PHONE_RATE_LIMIT", 3, minimum=1)
CALLBACK_PHONE_RATE_WINDOW_SECONDS = 24 * 3600

# Logs carry paths and status codes only; our URLs never hold patient data.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": log_level()},
    "loggers": {"axes": {"level": "WARNING"}},
}

# Integrations (docs/integration.md). The address this server is reached at: CDS Hooks
# tokens must name it in `aud`, and links on cards point to it.
# The demo's development inbox page (`kyphoplan serve` turns it on): docs/web.md.
DEV_INBOX = env_bool("KYPHOPLAN_DEV_INBOX", False)
BASE_URL = base_url()
# The CDS clients (EHRs) we trust, as JSON: issuer -> {"jwks": {...}}; see cdshooks/config.py.
CDS_HOOKS_ISSUERS = env_str("KYPHOPLAN_CDS_HOOKS_ISSUERS")
# EHR FHIR servers an import may read from (comma-separated base URLs); none by default.
EHR_IMPORT_SERVERS = env_list("KYPHOPLAN_EHR_IMPORT_SERVERS", [])
# EHRs that may launch kyphoplan (SMART App Launch), as JSON: FHIR base -> {"client_id"}; smart/config.py.
SMART_LAUNCH_EHRS = env_str("KYPHOPLAN_SMART_LAUNCH_EHRS")
# Our SMART Backend Services clients, as JSON: FHIR base -> {"client_id", "key_file", "kid"};
# ehr_import/backend.py. Used for EHR import and CDS self-fetch without a caller's token.
SMART_BACKEND_CLIENTS = env_str("KYPHOPLAN_SMART_BACKEND_CLIENTS")

# Every other KYPHOPLAN_* setting (practice, pathway, booking, reminders, phone region, CDS
# issuers), read and checked now: a malformed value stops start-up naming the variable.
KYPHOPLAN = read_settings()
