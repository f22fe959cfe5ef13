"""Django settings, all deployment-specific values from environment variables.

The variables, and what sets them on ECS, are listed in ``commands.json`` under
``environment``; a test keeps that list and this module in step.
"""

from __future__ import annotations

import importlib.util
import os
from pathlib import Path

from config import env

BASE_DIR = Path(__file__).resolve().parent.parent

# The fallback key is only for tests and laptops; Django's ``check --deploy`` flags any key
# starting with "django-insecure-" (security.W009).
SECRET_KEY = os.environ.get("SECRET_KEY", "django-insecure-local-development-only")
DEBUG = env.env_bool(os.environ, "DEBUG", default=False)
ALLOWED_HOSTS = env.env_list(os.environ, "ALLOWED_HOSTS", default=["localhost", "127.0.0.1"])

# Baked into the image at build time (Dockerfile ARG APP_VERSION -> ENV APP_VERSION).
APP_VERSION = os.environ.get("APP_VERSION", "dev")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "core",
]

MIDDLEWARE = [
    # First, so the load balancer's health check (Host: the task's private IP) is answered
    # before ALLOWED_HOSTS is enforced.
    "core.middleware.HealthCheckMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

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
            ],
        },
    },
]

DATABASES = {
    "default": env.database(
        os.environ, Path(os.environ.get("SQLITE_PATH", BASE_DIR / "db.sqlite3"))
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

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

# Static files: collected by the backend-update task (``pre_update``) into the S3 assets
# bucket of the base layer when it is named, else into STATIC_ROOT on the filesystem.
STATIC_URL = "static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
ASSETS_BUCKET_NAME = os.environ.get("ASSETS_BUCKET_NAME") or None
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": env.static_storage(
        ASSETS_BUCKET_NAME, s3_available=importlib.util.find_spec("storages") is not None
    ),
}

# Celery: broker is the Redis the app layer points at; the one periodic task is the
# heartbeat, which proves beat and a worker are both alive.
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", "redis://localhost:6379/0")
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TASK_ALWAYS_EAGER = env.env_bool(os.environ, "CELERY_TASK_ALWAYS_EAGER", default=False)
CELERY_TIMEZONE = TIME_ZONE
HEARTBEAT_INTERVAL_SECONDS = 60.0
CELERY_BEAT_SCHEDULE = {
    "heartbeat": {"task": "core.tasks.heartbeat", "schedule": HEARTBEAT_INTERVAL_SECONDS},
}

# Everything to stdout: on ECS the awslogs driver ships it to /ecs/ENV/<component>.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
}
