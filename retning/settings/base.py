"""Settings shared by every profile; everything that differs between machines comes from the environment."""

import os
from pathlib import Path

import dj_database_url
from django.utils.csp import CSP  # type: ignore[attr-defined]

from retning.operations.logging import logging_config

BASE_DIR = Path(__file__).resolve().parent.parent.parent
PACKAGE_DIR = Path(__file__).resolve().parent.parent


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


VAR_DIR = Path(env_str("RETNING_VAR_DIR", str(BASE_DIR / "var")))

DEBUG = env_bool("DEBUG", False)
# A development key is only acceptable on a developer's machine; production.py refuses to start without one.
SECRET_KEY = env_str("SECRET_KEY", "dev-only-insecure-key-change-me-in-production-0123456789abcdef")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,[::1],testserver")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "simple_history",
    "rules.apps.AutodiscoverRulesConfig",
    "axes",
    "mozilla_django_oidc",
    # For the API docs: Swagger UI from ninja's own static files, not a CDN (the CSP allows 'self').
    "ninja",
    # Background work (reminder e-mails) through Django's tasks framework, queued in the database.
    "django_tasks_db",
    "retning.accounts",
    "retning.actors",
    "retning.strategy",
    "retning.indicators",
    "retning.roadmap",
    "retning.alignment",
    "retning.dataset",
    "retning.editing",
    "retning.publishing",
    "retning.operations",
    "retning.council",
    "retning.reporting",
]

MIDDLEWARE = [
    # Outermost, so every response (redirects and static files too) carries the request id.
    "retning.operations.middleware.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as django-axes asks: it turns a lockout into a response.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "retning.urls"
WSGI_APPLICATION = "retning.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.csp",
                "retning.publishing.context_processors.data_language",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

VAR_DIR.mkdir(parents=True, exist_ok=True)
DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'retning.sqlite3'}"),
        conn_max_age=int(env_str("DATABASE_CONN_MAX_AGE", "0")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers continue while a write (an import) is in progress.
    DATABASES["default"].setdefault("OPTIONS", {})["init_command"] = "PRAGMA journal_mode=WAL;"
    DATABASES["default"]["OPTIONS"]["transaction_mode"] = "IMMEDIATE"
# A PostgreSQL read replica (hot standby) for read-only traffic; see retning/operations/db_router.py.
if env_str("DATABASE_REPLICA_URL"):
    DATABASES["replica"] = dj_database_url.parse(
        env_str("DATABASE_REPLICA_URL"),
        conn_max_age=int(env_str("DATABASE_CONN_MAX_AGE", "0")),
    )
    # Tests have one database: the replica alias reads the primary's test database.
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
DATABASE_ROUTERS = ["retning.operations.db_router.ReplicaRouter"]

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    # django-axes first, so a locked-out user is refused before any password is checked.
    "axes.backends.AxesStandaloneBackend",
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "/"

# Lock an account and address pair out after repeated failed sign-ins.
AXES_FAILURE_LIMIT = int(env_str("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = float(env_str("AXES_COOLOFF_HOURS", "1"))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
# Renders that template with the time the lockout ends and a Retry-After header.
AXES_LOCKOUT_CALLABLE = "retning.accounts.views.locked_out"

# Single sign-on with any OpenID Connect provider (HelseID, ID-porten, Entra ID ...).
OIDC_ENABLED = bool(env_str("OIDC_RP_CLIENT_ID"))
OIDC_RP_CLIENT_ID = env_str("OIDC_RP_CLIENT_ID")
OIDC_RP_CLIENT_SECRET = env_str("OIDC_RP_CLIENT_SECRET")
OIDC_RP_SIGN_ALGO = env_str("OIDC_RP_SIGN_ALGO", "RS256")
OIDC_RP_SCOPES = env_str("OIDC_RP_SCOPES", "openid email profile")
OIDC_OP_AUTHORIZATION_ENDPOINT = env_str("OIDC_OP_AUTHORIZATION_ENDPOINT")
OIDC_OP_TOKEN_ENDPOINT = env_str("OIDC_OP_TOKEN_ENDPOINT")
OIDC_OP_USER_ENDPOINT = env_str("OIDC_OP_USER_ENDPOINT")
OIDC_OP_JWKS_ENDPOINT = env_str("OIDC_OP_JWKS_ENDPOINT")
OIDC_OP_LOGOUT_ENDPOINT = env_str("OIDC_OP_LOGOUT_ENDPOINT")
OIDC_OP_ISSUER = env_str("OIDC_OP_ISSUER")  # when set, the ID token's `iss` must equal it
OIDC_USE_PKCE = env_bool("OIDC_USE_PKCE", True)  # HelseID and ID-porten require PKCE
# Seconds to wait for the provider; a stalled provider must not hang a worker.
OIDC_TIMEOUT = float(env_str("OIDC_TIMEOUT", "10"))
# The /oidc/ URLs always exist; these views answer 404 while OIDC_ENABLED is off.
OIDC_AUTHENTICATE_CLASS = "retning.accounts.oidc.ProviderSignInView"
OIDC_CALLBACK_CLASS = "retning.accounts.oidc.ProviderCallbackView"
if OIDC_ENABLED:
    AUTHENTICATION_BACKENDS.append("retning.accounts.oidc.RetningOIDCBackend")
# The text of the single sign-on button on the login page.
RETNING_OIDC_LABEL = env_str("RETNING_OIDC_LABEL", "Logg inn med virksomhetens pålogging")
# The claim that carries the user's organisation number(s); matched against Organisation.org_number.
RETNING_OIDC_ORGNR_CLAIM = env_str("RETNING_OIDC_ORGNR_CLAIM", "orgnr")
# Organisations from the claim make the user a reporter for them, unless this is off.
RETNING_OIDC_GRANT_REPORTER = env_bool("RETNING_OIDC_GRANT_REPORTER", True)

# E-mail: printed to the console unless SMTP is configured.
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Retning <ikke-svar@retning.example>")
if env_str("EMAIL_HOST"):
    MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {
                "host": env_str("EMAIL_HOST"),
                "port": int(env_str("EMAIL_PORT", "587")),
                "username": env_str("EMAIL_HOST_USER"),
                "password": env_str("EMAIL_HOST_PASSWORD"),
                "use_tls": env_bool("EMAIL_USE_TLS", True),
            },
        }
    }
else:
    MAILERS = {"default": {"BACKEND": "django.core.mail.backends.console.EmailBackend"}}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "nb"
LANGUAGES = [("nb", "Norsk bokmål"), ("en", "English")]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
TIME_ZONE = "Europe/Oslo"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env_str("RETNING_MEDIA_ROOT", str(VAR_DIR / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
if DEBUG:
    STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
WHITENOISE_USE_FINDERS = DEBUG

# Everything the site needs is served from this origin; no CDN, no inline script.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "form-action": [CSP.SELF],
    "base-uri": [CSP.SELF],
    "object-src": [CSP.NONE],
}
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

# The cache holds assessment roll-ups and the API write limit's counters. Local memory is per
# process; with several app servers set RETNING_CACHE=database so they share one (migrate makes
# the table).
if env_str("RETNING_CACHE", "memory") == "database":
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "retning_cache",
        }
    }

# Background tasks are stored in the database and run by `retning worker` (django-tasks-db).
TASKS = {
    "default": {
        "BACKEND": "django_tasks_db.DatabaseBackend",
        "QUEUES": ["default"],
    }
}

# Upper bound on an uploaded roadmap or data file, in bytes.
RETNING_MAX_IMPORT_BYTES = int(env_str("RETNING_MAX_IMPORT_BYTES", str(20 * 1024 * 1024)))

# One JSON object per line (LOG_FORMAT=json, the production default) or readable text.
LOG_FORMAT = env_str("LOG_FORMAT", "text")
LOGGING = logging_config(LOG_FORMAT, env_str("LOG_LEVEL", "INFO"))

# The public address of the site, for links in e-mails sent without a request (reminders).
RETNING_SITE_URL = env_str("RETNING_SITE_URL", "http://localhost:8000")
