"""Settings for the tldr example backend.

Everything that differs between machines comes from the environment, the way
`tldr` hands it to every backend process:

  DATABASE_URL            postgres://user:password@host:port/db[?sslmode=…]
  POSTGRES_HOST/PORT/DB/USER/PASSWORD
                          used when DATABASE_URL is not set
  CELERY_BROKER_URL       Celery broker; default REDIS_URL, then redis://127.0.0.1:6379/0
  REDIS_URL
  CELERY_RESULT_BACKEND   optional; no result backend when unset
  DJANGO_DEBUG            1/true/yes/on to enable DEBUG
  SECRET_KEY              a development default when unset
  DJANGO_LOG_LEVEL        log level of the "django" logger (default INFO)
  TLDR_EXAMPLE_EXTRA_APPS comma-separated app labels appended to INSTALLED_APPS
"""
import os
from pathlib import Path
from urllib.parse import parse_qsl, unquote, urlsplit

from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name, default=False):
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    return value.strip().lower() in ("1", "true", "yes", "on")


def env_list(name):
    return [item.strip() for item in os.environ.get(name, "").split(",") if item.strip()]


def parse_database_url(url):
    """Turn postgres://user:pass@host:port/db?opt=val into a Django DATABASES entry."""
    parts = urlsplit(url)
    if parts.scheme not in ("postgres", "postgresql", "pgsql"):
        raise ImproperlyConfigured(
            "DATABASE_URL must start with postgres:// or postgresql://, got %r" % (parts.scheme + "://…")
        )
    try:
        port = parts.port
    except ValueError as exc:
        raise ImproperlyConfigured("DATABASE_URL has an invalid port: %s" % exc) from exc
    options = dict(parse_qsl(parts.query))
    # A unix socket directory may be given percent-encoded in the host part
    # (postgres://u@%2Fvar%2Frun%2Fpostgresql/db) or as ?host=/var/run/postgresql.
    # The host is read from the raw netloc: urlsplit().hostname lower-cases it.
    raw_host = parts.netloc.rsplit("@", 1)[-1]
    if raw_host.startswith("["):
        raw_host = raw_host[1 : raw_host.find("]")]
    else:
        raw_host = raw_host.split(":", 1)[0]
    host = options.pop("host", None) or unquote(raw_host)
    config = {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": unquote(parts.path.lstrip("/")),
        "USER": unquote(parts.username or ""),
        "PASSWORD": unquote(parts.password or ""),
        "HOST": host,
        "PORT": str(port) if port else "",
        "CONN_MAX_AGE": 0,
        "OPTIONS": {"connect_timeout": 5},
    }
    config["OPTIONS"].update(options)
    return config


def database_from_env():
    url = os.environ.get("DATABASE_URL", "").strip()
    if url:
        return parse_database_url(url)
    return {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": os.environ.get("POSTGRES_DB") or "tldr",
        "USER": os.environ.get("POSTGRES_USER") or "tldr",
        "PASSWORD": os.environ.get("POSTGRES_PASSWORD", "tldr"),
        "HOST": os.environ.get("POSTGRES_HOST") or "127.0.0.1",
        "PORT": os.environ.get("POSTGRES_PORT") or "5432",
        "CONN_MAX_AGE": 0,
        "OPTIONS": {"connect_timeout": 5},
    }


SECRET_KEY = os.environ.get("SECRET_KEY") or "django-insecure-tldr-example-development-key-do-not-use-in-production"

DEBUG = env_bool("DJANGO_DEBUG", False)

ALLOWED_HOSTS = ["127.0.0.1", "localhost", "[::1]"]

INSTALLED_APPS = [
    "django.contrib.contenttypes",
    "django.contrib.auth",
    "documents",
] + env_list("TLDR_EXAMPLE_EXTRA_APPS")

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
]

ROOT_URLCONF = "tldr.urls"

TEMPLATES = []

WSGI_APPLICATION = "tldr.wsgi.application"

DATABASES = {"default": database_from_env()}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

# Celery: every CELERY_* setting here becomes a Celery setting (namespace "CELERY").
REDIS_URL = os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/0"
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL") or REDIS_URL
CELERY_RESULT_BACKEND = os.environ.get("CELERY_RESULT_BACKEND") or None
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TASK_IGNORE_RESULT = CELERY_RESULT_BACKEND is None
CELERY_TIMEZONE = TIME_ZONE
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SERIALIZER = "json"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"},
    },
    "handlers": {
        "stdout": {
            "class": "logging.StreamHandler",
            "stream": "ext://sys.stdout",
            "formatter": "plain",
        },
    },
    "root": {"handlers": ["stdout"], "level": "INFO"},
    "loggers": {
        "django": {
            "handlers": ["stdout"],
            "level": os.environ.get("DJANGO_LOG_LEVEL", "INFO"),
            "propagate": False,
        },
        "django.server": {"handlers": ["stdout"], "level": "INFO", "propagate": False},
    },
}
