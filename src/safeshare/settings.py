"""safeshare settings: every value comes from the environment (see .env.example).

Local defaults are safe on 127.0.0.1 only. With DEBUG off the service refuses to start
without a real SECRET_KEY, because a guessable key would let anyone forge sessions.
"""

from __future__ import annotations

import datetime
import os
from pathlib import Path

import dj_database_url
import django_stubs_ext
from csp.constants import NONCE
from django.core.exceptions import ImproperlyConfigured
from whitenoise.compress import Compressor

BASE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = Path(os.environ.get("SAFESHARE_PROJECT_DIR", BASE_DIR.parent.parent)).resolve()
VAR_DIR = Path(os.environ.get("SAFESHARE_VAR_DIR", PROJECT_DIR / "var")).resolve()

# Placeholder that .env.example shows; refusing it stops a copied example going live.
INSECURE_DEFAULT_KEY = "change-me"


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    value = raw.strip().lower()
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {raw!r}")


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name, "")
    if raw.strip() == "":
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {raw!r}") from exc


def read_secret_key(debug: bool) -> str:
    key = os.environ.get("SECRET_KEY", "")
    key_file = os.environ.get("SECRET_KEY_FILE", "")
    if not key and key_file:
        try:
            key = Path(key_file).read_text(encoding="utf-8").strip()
        except OSError as exc:
            raise ImproperlyConfigured(
                f"SECRET_KEY_FILE {key_file!r} cannot be read: {exc}"
            ) from exc
    if debug:
        return key or "insecure-local-development-key-for-127.0.0.1-only"
    if not key or key == INSECURE_DEFAULT_KEY or len(key) < 32:
        raise ImproperlyConfigured(
            "SECRET_KEY is missing, is the example value, or is shorter than 32 characters. "
            "With DEBUG off safeshare will not start without a real secret key: set SECRET_KEY "
            "or SECRET_KEY_FILE (make run generates var/secret_key for local use)."
        )
    return key


# Lets admin classes and querysets be subscripted for mypy (ModelAdmin[Organisation]).
django_stubs_ext.monkeypatch()

DEBUG = env_bool("DEBUG", False)
SECRET_KEY = read_secret_key(DEBUG)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "safeshare.core",
    "safeshare.jobs",
    "safeshare.vocabulary",
    "safeshare.accounts",
    "safeshare.messaging",
    "safeshare.signin",
    "safeshare.subjects",
    "safeshare.decisions",
    "safeshare.advice",
    "safeshare.families",
    "safeshare.ledger",
    "safeshare.witness",
    "safeshare.audit",
    "safeshare.directory",
    "safeshare.requests",
    "safeshare.agreements",
    "safeshare.api",
    "safeshare.disclosures",
    "safeshare.outside",
    "safeshare.federation",
    "safeshare.consent",
    "safeshare.policies",
    "safeshare.figures",
    "safeshare.subject_access",
    "safeshare.site",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "safeshare.core.apps.StaticFilesConfig",  # django.contrib.staticfiles
    "django.forms",
    "govuk_frontend_django",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    # Last, as django-axes asks, so that its signal handlers see every sign-in attempt.
    "axes",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "safeshare.core.middleware.RefuseUndecodableBodyMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "safeshare.signin.middleware.SecondFactorMiddleware",
    "safeshare.audit.middleware.DeniedAccessMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "safeshare.core.middleware.NoStoreMiddleware",
    # Last, as django-axes asks: turns its lockout flag into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "safeshare.urls"
WSGI_APPLICATION = "safeshare.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "safeshare.site.context_processors.service",
            ],
        },
    },
]
# Django's own form rendering, with GOV.UK markup from safeshare/core/templates/django/forms.
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"

# --- Database -------------------------------------------------------------------------
DEFAULT_SQLITE = VAR_DIR / "safeshare.sqlite3"
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", "") or f"sqlite:///{DEFAULT_SQLITE}",
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 0),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    if DATABASES["default"]["NAME"] == str(DEFAULT_SQLITE):
        VAR_DIR.mkdir(parents=True, exist_ok=True)
    # WAL lets readers carry on while one writer commits; synchronous=FULL makes each
    # acknowledged commit durable across power loss; IMMEDIATE takes the write lock at
    # BEGIN so two writers queue instead of failing with "database is locked" mid-way.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": (
            "PRAGMA journal_mode=WAL;PRAGMA synchronous=FULL;PRAGMA foreign_keys=ON;"
            "PRAGMA busy_timeout=20000;"
        ),
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Accounts ---------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:sign_in"
LOGIN_REDIRECT_URL = "site:home"
# django-axes first, so a locked-out username and address is refused before the password
# is even checked.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    # ModelBackend, except for an organisation that has turned password sign-in off.
    "safeshare.signin.backends.PasswordBackend",
    # Single sign-on with an organisation's OpenID Connect provider (issue 18): only for
    # the callback, which names the organisation; it never creates accounts.
    "safeshare.signin.oidc.SingleSignOnBackend",
]
# mozilla-django-oidc's settings; the provider and client are each organisation's own
# (safeshare.signin.oidc). PKCE and the nonce are both used, and nobody is created.
OIDC_USE_PKCE = True
OIDC_USE_NONCE = True
OIDC_CREATE_USER = False
OIDC_RP_SIGN_ALGO = "RS256"
OIDC_RP_SCOPES = "openid email profile"
OIDC_AUTHENTICATION_CALLBACK_URL = "accounts:sso_callback"
OIDC_TIMEOUT = env_int("SAFESHARE_SSO_TIMEOUT_SECONDS", 10)
SAFESHARE_SSO_CLOCK_SKEW_SECONDS = env_int("SAFESHARE_SSO_CLOCK_SKEW_SECONDS", 30)
LOGOUT_REDIRECT_URL = None  # show "You have signed out" rather than a bare sign-in page
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
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
SESSION_COOKIE_AGE = env_int("SESSION_IDLE_SECONDS", 30 * 60)
SESSION_SAVE_EVERY_REQUEST = True  # the age above is an idle timeout, not a fixed one
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
# The idle warning appears this long before the session ends (safeshare/session-timeout.mjs).
SESSION_WARNING_SECONDS = max(SESSION_COOKIE_AGE - 5 * 60, SESSION_COOKIE_AGE // 2)
# A form post is a few kilobytes; anything bigger is refused with the 400 page.
DATA_UPLOAD_MAX_MEMORY_SIZE = env_int("SAFESHARE_MAX_REQUEST_BYTES", 64 * 1024)
DATA_UPLOAD_MAX_NUMBER_FIELDS = 200

# --- Sign-in: second factor and lockout -------------------------------------------------
# Every account needs an authenticator app (TOTP) and gets recovery codes. Only a
# demonstration (SAFESHARE_DEMO=true, which `make run` sets) may turn that off.
SAFESHARE_DEMO = env_bool("SAFESHARE_DEMO", False)
SAFESHARE_REQUIRE_MFA = env_bool("SAFESHARE_REQUIRE_MFA", not SAFESHARE_DEMO)
if not SAFESHARE_REQUIRE_MFA and not SAFESHARE_DEMO:
    raise ImproperlyConfigured(
        "SAFESHARE_REQUIRE_MFA can only be false when SAFESHARE_DEMO is true: every real "
        "account must use a second factor."
    )
OTP_TOTP_ISSUER = "safeshare"
SAFESHARE_RECOVERY_CODES = 10
# Five failures from one address for one username lock that pair out for the cool-off.
# Locking by the pair (not the username alone) means nobody can lock a colleague out from
# another machine; the cool-off means nobody is locked out for good.
AXES_FAILURE_LIMIT = env_int("SAFESHARE_LOCKOUT_FAILURES", 5)
AXES_COOLOFF_TIME = datetime.timedelta(minutes=env_int("SAFESHARE_LOCKOUT_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
# A fixed end to the lockout, so the lockout page can say when to try again.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_ENABLE_ACCESS_FAILURE_LOG = True
AXES_LOCKOUT_CALLABLE = "safeshare.signin.views.locked_out"
AXES_CLIENT_IP_CALLABLE = "safeshare.core.http.client_ip"
AXES_USERNAME_CALLABLE = "safeshare.core.http.axes_username"
# Axes logs who failed; a username typed into the box may be anything, even a child's name.
AXES_CLIENT_STR_CALLABLE = "safeshare.core.http.redacted_client_str"
AXES_VERBOSE = False

# --- Security headers ------------------------------------------------------------------
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
HTTPS = env_bool("HTTPS", not DEBUG and "127.0.0.1" not in ALLOWED_HOSTS)
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_SSL_REDIRECT = HTTPS and env_bool("SECURE_SSL_REDIRECT", True)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 63072000 if HTTPS else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = HTTPS
# A load balancer's health check speaks plain HTTP to the app server itself.
SECURE_REDIRECT_EXEMPT = [r"^health/$"]
BEHIND_TLS_PROXY = env_bool("BEHIND_TLS_PROXY", False)
if BEHIND_TLS_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# django-csp 4: no 'unsafe-inline' anywhere; the two small inline scripts carry the nonce.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'", NONCE],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
        "base-uri": ["'none'"],
        "object-src": ["'none'"],
    }
}

# --- Static files ----------------------------------------------------------------------
GOVUK_FRONTEND_DIR = Path(
    os.environ.get(
        "GOVUK_FRONTEND_DIR", PROJECT_DIR / "node_modules" / "govuk-frontend" / "dist" / "govuk"
    )
)
STATIC_URL = "static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", VAR_DIR / "static"))
# WhiteNoise warns on a missing folder; `safeshare collectstatic` fills it for production.
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
STATICFILES_DIRS = [("govuk", GOVUK_FRONTEND_DIR)]
# GOV.UK Frontend's CSS asks for /assets/fonts/... and /assets/images/... by absolute URL.
WHITENOISE_ROOT = GOVUK_FRONTEND_DIR
# Pages link to content-hashed copies (name.0123456789ab.css) with gzip and brotli
# versions beside them, all made by `safeshare collectstatic` (make run runs it; so must
# every deployment, before `safeshare serve`), which browsers keep for a year. False: plain
# names served from the source folders, for the test suite and development, which render
# pages without running collectstatic first.
SAFESHARE_HASHED_STATIC = env_bool("SAFESHARE_HASHED_STATIC", True)
WHITENOISE_USE_FINDERS = DEBUG or not SAFESHARE_HASHED_STATIC
# Cached for good: Django's hashed names (name.<12 hex digits of the content's MD5>.ext)
# and GOV.UK Frontend's fonts, which its CSS asks for at /assets/fonts/ with a hash of
# their own in the name (bold-b542beb274-v2.woff2). Anything else, such as GOV.UK's
# /assets/images/, for an hour, then revalidated (a 304 while unchanged).
WHITENOISE_IMMUTABLE_FILE_TEST = (
    rf"^/{STATIC_URL.strip('/')}/.+\.[0-9a-f]{{12}}\.[A-Za-z0-9]+$"
    r"|^/assets/fonts/[a-z]+-[0-9a-f]{10}-v[0-9]+\.woff2?$"
)
WHITENOISE_MAX_AGE = 0 if DEBUG else 60 * 60
# Source maps are for a developer's browser tools only; compressing them (brotli at its
# best, which WhiteNoise uses) would take half of collectstatic's time.
WHITENOISE_SKIP_COMPRESS_EXTENSIONS = [*Compressor.SKIP_COMPRESS_EXTENSIONS, "map"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "safeshare.core.staticfiles.StaticStorage"
        if SAFESHARE_HASHED_STATIC
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = False
USE_TZ = True
DATE_FORMAT = "j F Y"
DATETIME_FORMAT = "j F Y, g:i a"

# --- Logging: events and ids only, never personal data ---------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "filters": {"no_request_data": {"()": "safeshare.core.logging.DropRequestData"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "plain",
            "filters": ["no_request_data"],
        }
    },
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        # Django logs the request line, which carries only opaque ids in safeshare's URLs.
        "django.request": {"level": "ERROR"},
        # Successes and clean-ups at INFO are noise; failures and lockouts are WARNING.
        "axes": {"level": "WARNING"},
        # WeasyPrint reports each step of every PDF at INFO; what it could not use, above.
        "weasyprint": {"level": "WARNING"},
        # The Notify client logs the service's error text, which may quote an address or a
        # number: safeshare logs each failure itself, by the message's id (messaging/delivery.py).
        "notifications_python_client": {"level": "CRITICAL"},
    },
}

# --- safeshare -------------------------------------------------------------------------
SAFESHARE_SERVICE_NAME = "safeshare"
SAFESHARE_PHASE = os.environ.get("SAFESHARE_PHASE", "Beta")
# Extra policy folders a partnership adds without code (os.pathsep-separated).
SAFESHARE_POLICY_DIRS = [
    Path(p) for p in os.environ.get("SAFESHARE_POLICY_DIRS", "").split(os.pathsep) if p.strip()
]
SAFESHARE_POLICY = os.environ.get("SAFESHARE_POLICY", "") or None

# --- Ledger (docs/operations.md) -------------------------------------------------------
# The log's name in its signed checkpoints; the signing key must carry the same name.
SAFESHARE_LEDGER_ORIGIN = os.environ.get("SAFESHARE_LEDGER_ORIGIN", "") or "safeshare.local/demo"


def secret_from_environment(name: str) -> str:
    """A secret from the variable NAME, or else read from the file NAME_FILE names (a
    secret mount, preferred); "" if neither is set. A file that cannot be read stops the
    start-up with its name."""
    value = os.environ.get(name, "").strip()
    path = os.environ.get(f"{name}_FILE", "")
    if not value and path:
        try:
            value = Path(path).read_text(encoding="utf-8").strip()
        except OSError as exc:
            raise ImproperlyConfigured(f"{name}_FILE {path!r} cannot be read: {exc}") from exc
    return value


# The checkpoint signer key ("PRIVATE+KEY+..."), or None: then the service runs but signs
# no checkpoints (the checkpoint URL answers 503). `make run` makes one.
SAFESHARE_LEDGER_SIGNING_KEY = secret_from_environment("SAFESHARE_LEDGER_SIGNING_KEY") or None
# Every checkpoint signed is also appended to this file, outside the database, for
# `safeshare ledger verify --against` (docs/operations.md). Unset: no such file is kept.
SAFESHARE_LEDGER_CHECKPOINT_LOG = os.environ.get("SAFESHARE_LEDGER_CHECKPOINT_LOG", "") or None


# This deployment's witness cosigning key ("PRIVATE+KEY+...", type 0x04), or None: then
# POST /witness/add-checkpoint answers 503. `safeshare ledger keygen --witness`.
SAFESHARE_WITNESS_KEY = secret_from_environment("SAFESHARE_WITNESS_KEY") or None
# Seconds the witness job waits for each witness to answer add-checkpoint.
SAFESHARE_WITNESS_TIMEOUT = float(os.environ.get("SAFESHARE_WITNESS_TIMEOUT", "10"))


# --- Federation: requests and disclosures with other partnerships (docs/federation.md) --


# This deployment's Ed25519 federation key (PEM), or None: then it delivers nothing to other
# deployments and its inbox answers 503. `safeshare federation keygen --out FILE`.
SAFESHARE_FEDERATION_KEY = secret_from_environment("SAFESHARE_FEDERATION_KEY") or None
# Seconds the delivery waits for another deployment's inbox to answer.
SAFESHARE_FEDERATION_TIMEOUT = float(os.environ.get("SAFESHARE_FEDERATION_TIMEOUT", "10"))

# --- directory and agreements (docs/adr/0006-directory-and-agreements.md) --------------
# Agreements whose review date is this close (or past) are listed first, tagged.
SAFESHARE_AGREEMENT_REVIEW_WARNING_DAYS = env_int("SAFESHARE_AGREEMENT_REVIEW_WARNING_DAYS", 30)
# Deadline targets by urgency (safeshare/core/workdays.py): immediate counts clock hours,
# the others count working days in England and Wales.
SAFESHARE_URGENCY_TARGETS: dict[str, dict[str, int]] = {
    "immediate": {"hours": env_int("SAFESHARE_TARGET_IMMEDIATE_HOURS", 4)},
    "urgent": {"working_days": env_int("SAFESHARE_TARGET_URGENT_WORKING_DAYS", 1)},
    "standard": {"working_days": env_int("SAFESHARE_TARGET_STANDARD_WORKING_DAYS", 5)},
}
for _level, _target in SAFESHARE_URGENCY_TARGETS.items():
    if min(_target.values()) < 1:
        raise ImproperlyConfigured(f"The {_level} deadline target must be 1 or more")

# --- requests and notifications ---------------------------------------------------------
# Emails carry no personal data, only a link: the address people use to reach safeshare.
SAFESHARE_BASE_URL = os.environ.get("SAFESHARE_BASE_URL", "http://127.0.0.1:8000")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "safeshare <no-reply@safeshare.invalid>")
# Console locally (emails are printed); SMTP when EMAIL_HOST is set.
EMAIL_HOST = os.environ.get("EMAIL_HOST", "")
EMAIL_BACKEND = os.environ.get(
    "EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend"
    if EMAIL_HOST
    else "django.core.mail.backends.console.EmailBackend",
)
EMAIL_PORT = env_int("EMAIL_PORT", 587)
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 10)


# --- GOV.UK Notify (docs/adr/0019-notify.md) ---------------------------------------------
# With an API key, emails and text messages go through GOV.UK Notify; without one, emails
# go through the email backend above (SMTP or the console) and text messages cannot be sent.
# Either way they are queued and sent by the `messaging.deliver` job, with retries.
SAFESHARE_NOTIFY_API_KEY = secret_from_environment("SAFESHARE_NOTIFY_API_KEY")
# Empty: the client's own default (the GOV.UK Notify API).
SAFESHARE_NOTIFY_BASE_URL = os.environ.get("SAFESHARE_NOTIFY_BASE_URL", "")
SAFESHARE_NOTIFY_EMAIL_TEMPLATE_ID = os.environ.get("SAFESHARE_NOTIFY_EMAIL_TEMPLATE_ID", "")
SAFESHARE_NOTIFY_SMS_TEMPLATE_ID = os.environ.get("SAFESHARE_NOTIFY_SMS_TEMPLATE_ID", "")
if SAFESHARE_NOTIFY_API_KEY and not SAFESHARE_NOTIFY_EMAIL_TEMPLATE_ID:
    raise ImproperlyConfigured(
        "SAFESHARE_NOTIFY_API_KEY is set: set SAFESHARE_NOTIFY_EMAIL_TEMPLATE_ID too"
    )
# Days a sent or given-up message (its address) is kept before the messaging.prune job
# deletes it.
SAFESHARE_MESSAGES_KEEP_DAYS = env_int("SAFESHARE_MESSAGES_KEEP_DAYS", 90)
# Send right after the commit instead of waiting for the job: the test suite only.
SAFESHARE_DELIVER_IMMEDIATELY = env_bool("SAFESHARE_DELIVER_IMMEDIATELY", False)

# --- API (docs/api.md) ------------------------------------------------------------------
# Calls per token per clock minute (a fixed window counted in the database, so the same on
# every process and app server); more get 429 with Retry-After.
SAFESHARE_API_CALLS_PER_MINUTE = env_int("SAFESHARE_API_CALLS_PER_MINUTE", 300)
if SAFESHARE_API_CALLS_PER_MINUTE < 1:
    raise ImproperlyConfigured("SAFESHARE_API_CALLS_PER_MINUTE must be 1 or more")
