"""safeshare settings: every value comes from the environment (see .env.example).

Local defaults are safe on 127.0.0.1 only. With DEBUG off the service refuses to start
without a real SECRET_KEY, because a guessable key would let anyone forge sessions.
"""

from __future__ import annotations

import os
from pathlib import Path

import dj_database_url
import django_stubs_ext
from csp.constants import NONCE
from django.core.exceptions import ImproperlyConfigured

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
    "safeshare.accounts",
    "safeshare.subjects",
    "safeshare.decisions",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.forms",
    "govuk_frontend_django",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "safeshare.core.middleware.NoStoreMiddleware",
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
                "safeshare.core.context_processors.service",
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
LOGIN_REDIRECT_URL = "core:home"
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
if env_bool("BEHIND_TLS_PROXY", False):
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
WHITENOISE_USE_FINDERS = True
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
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
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        # Django logs the request line, which carries only opaque ids in safeshare's URLs.
        "django.request": {"level": "ERROR"},
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
SAFESHARE_DEMO = env_bool("SAFESHARE_DEMO", False)
# Timeliness: urgent decisions taking longer than this (from the request, or from starting)
# are flagged on the record and in the chronology.
SAFESHARE_URGENT_TARGET_HOURS = env_int("SAFESHARE_URGENT_TARGET_HOURS", 4)
