"""Reading settings from environment variables (12-factor), as pure functions of a mapping.

Kept apart from ``settings.py`` so the rules (what counts as true, when Postgres is used)
are tested directly instead of by re-importing the settings module.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from django.core.exceptions import ImproperlyConfigured

TRUE_WORDS = frozenset({"1", "true", "yes", "on"})
FALSE_WORDS = frozenset({"0", "false", "no", "off", ""})

POSTGRES_VARS = (
    "POSTGRES_HOST",
    "POSTGRES_PORT",
    "POSTGRES_DB",
    "POSTGRES_USER",
    "POSTGRES_PASSWORD",
)


def env_bool(environ: Mapping[str, str], name: str, *, default: bool) -> bool:
    """``name`` read as a boolean; anything but a known yes/no word is a configuration error."""
    raw = environ.get(name)
    if raw is None:
        return default
    word = raw.strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise ImproperlyConfigured(f"{name}={raw!r} is not a boolean (use 1/0, true/false)")


def env_list(environ: Mapping[str, str], name: str, *, default: list[str]) -> list[str]:
    """``name`` read as a comma-separated list, blanks dropped."""
    raw = environ.get(name)
    if raw is None:
        return list(default)
    return [item.strip() for item in raw.split(",") if item.strip()]


def database(environ: Mapping[str, str], sqlite_path: Path) -> dict[str, Any]:
    """Postgres when ``POSTGRES_HOST`` is set (the RDS instance on ECS), else SQLite.

    SQLite is what the tests and a laptop use; a half-configured Postgres (a host but no
    password) is refused rather than silently falling back.
    """
    if not environ.get("POSTGRES_HOST"):
        return {"ENGINE": "django.db.backends.sqlite3", "NAME": str(sqlite_path)}
    missing = [name for name in POSTGRES_VARS[2:] if not environ.get(name)]
    if missing:
        raise ImproperlyConfigured(f"POSTGRES_HOST is set but {', '.join(missing)} are not")
    return {
        "ENGINE": "django.db.backends.postgresql",
        "HOST": environ["POSTGRES_HOST"],
        "PORT": environ.get("POSTGRES_PORT", "5432"),
        "NAME": environ["POSTGRES_DB"],
        "USER": environ["POSTGRES_USER"],
        "PASSWORD": environ["POSTGRES_PASSWORD"],
        # One connection per gunicorn worker, reused across requests; checked before reuse
        # so an RDS failover or restart costs one reconnect, not a 500.
        "CONN_MAX_AGE": 60,
        "CONN_HEALTH_CHECKS": True,
    }


def static_storage(bucket: str | None, *, s3_available: bool) -> dict[str, Any]:
    """The ``staticfiles`` storage: the S3 assets bucket when named and django-storages is
    installed (the image), else the filesystem under ``STATIC_ROOT`` (tests, laptops)."""
    if bucket and s3_available:
        return {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {"bucket_name": bucket, "location": "static"},
        }
    return {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
