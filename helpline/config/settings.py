"""Django settings. All configuration comes from HELPLINE_* environment variables."""

from __future__ import annotations

import os
from pathlib import Path

from django.utils.translation import gettext_lazy as _

from helpline.config import environment as env

BASE_DIR = Path(__file__).resolve().parent.parent
PROJECT_DIR = BASE_DIR.parent
DATA_DIR = env.data_dir()

SECRET_KEY = env.secret_key(DATA_DIR)
DEBUG = env.env_bool("HELPLINE_DEBUG")
BASE_URL = os.environ.get("HELPLINE_BASE_URL", "http://127.0.0.1:8000").rstrip("/")
ALLOWED_HOSTS = [h.strip() for h in os.environ.get("HELPLINE_ALLOWED_HOSTS", "*").split(",") if h.strip()]
CSRF_TRUSTED_ORIGINS = [BASE_URL]

_database = env.database(os.environ.get("HELPLINE_DATABASE_URL"), DATA_DIR)
DATABASES = {"default": _database.django}
DATABASE_VENDOR = _database.vendor
REDIS_URL = env.redis_url(os.environ.get("HELPLINE_REDIS_URL"))
SHAPE = "scale-out" if REDIS_URL else "embedded"
# Reverse proxies whose X-Forwarded-For (client address) and X-Forwarded-Proto are believed: uvicorn and
# helpline.security.client_ip read the same list. Addresses or CIDR networks; unset: this machine only.
TRUSTED_PROXIES = env.trusted_proxies(os.environ.get("HELPLINE_TRUSTED_PROXIES"))
# The chat widget's rate limits (helpline.channels.chat.limits); off only for load tests from one address.
WIDGET_RATE_LIMITS = env.env_bool("HELPLINE_WIDGET_RATE_LIMITS", default=True)

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "channels",
    "huey.contrib.djhuey",
    "ninja",
    "helpline.core",
    "helpline.tenancy",
    "helpline.calendars",
    "helpline.people",
    "helpline.conversations",
    "helpline.security",
    "helpline.search",
    "helpline.replacements",
    "helpline.assignment",
    "helpline.ingest",
    "helpline.channels.apps.ChannelAdaptersConfig",
    "helpline.channels.email",
    "helpline.routing",
    "helpline.replies",
    "helpline.automation",
    "helpline.sla",
    "helpline.bulk",
    "helpline.filters",
    "helpline.channels.chat",
    "helpline.channels.chat.monitoring",
    "helpline.webhooks",
    "helpline.surveys",
    "helpline.notifications",
    "helpline.workspace",
    "helpline.realtime",
    "helpline.api",
    "helpline.web",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "helpline.tenancy.middleware.CurrentAccountMiddleware",
]

ROOT_URLCONF = "helpline.config.urls"
ASGI_APPLICATION = "helpline.config.asgi.application"
AUTH_USER_MODEL = "tenancy.User"
LOGIN_URL = "/login/"
LOGIN_REDIRECT_URL = "/agent/"

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
                "helpline.web.context.workspace",
            ],
        },
    }
]

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]

LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("de", _("German")), ("fr", _("French")), ("es", _("Spanish"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)
STATICFILES_DIRS = [
    BASE_DIR / "static",
    ("vendor/htmx", PROJECT_DIR / "node_modules" / "htmx.org" / "dist"),
    ("vendor/alpinejs", PROJECT_DIR / "node_modules" / "alpinejs" / "dist"),
]
STATICFILES_DIRS = [d for d in STATICFILES_DIRS if Path(d[1] if isinstance(d, tuple) else d).exists()]
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG
MEDIA_ROOT = DATA_DIR / "media"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
DATA_UPLOAD_MAX_MEMORY_SIZE = 25 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"

if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.pubsub.RedisPubSubChannelLayer",
            "CONFIG": {"hosts": [REDIS_URL]},
        }
    }
    HUEY = {
        "huey_class": "huey.RedisHuey",
        "name": os.environ.get("HELPLINE_QUEUE_NAME", "helpline"),
        "url": REDIS_URL,
        "immediate": False,
        "consumer": {"workers": 4, "worker_type": "thread"},
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
    HUEY = {
        "huey_class": "helpline.config.task_queue.EmbeddedHuey",
        "name": "helpline",
        "filename": str(DATA_DIR / "tasks.sqlite3"),
        "immediate": False,
        "consumer": {"workers": 2, "worker_type": "thread"},
    }
if env.env_bool("HELPLINE_TASKS_IMMEDIATE"):
    HUEY["immediate"] = True

EMAIL_URL = os.environ.get("HELPLINE_SMTP_URL", "")
DEFAULT_FROM_EMAIL = os.environ.get("HELPLINE_FROM_EMAIL", "support@helpline.localhost")
if EMAIL_URL:
    EMAIL_BACKEND = "helpline.channels.email_backend.UrlEmailBackend"
else:
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = str(DATA_DIR / "outbox")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.environ.get("HELPLINE_LOG_LEVEL", "WARNING")},
    "loggers": {"helpline": {"level": os.environ.get("HELPLINE_LOG_LEVEL", "INFO")}},
}
