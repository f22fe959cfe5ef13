from __future__ import annotations

import json
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.test import SimpleTestCase

from config import env
from core.tests.support import clean_env, settings_value

POSTGRES = {
    "POSTGRES_HOST": "dev-db.abc.us-east-1.rds.amazonaws.com",
    "POSTGRES_DB": "app",
    "POSTGRES_USER": "app",
    "POSTGRES_PASSWORD": "secret",
}


class EnvFunctionTests(SimpleTestCase):
    def test_bool_words(self) -> None:
        self.assertTrue(env.env_bool({"DEBUG": "True"}, "DEBUG", default=False))
        self.assertFalse(env.env_bool({"DEBUG": "0"}, "DEBUG", default=True))
        self.assertTrue(env.env_bool({}, "DEBUG", default=True))
        with self.assertRaises(ImproperlyConfigured):
            env.env_bool({"DEBUG": "maybe"}, "DEBUG", default=False)

    def test_list_is_comma_separated(self) -> None:
        hosts = env.env_list(
            {"ALLOWED_HOSTS": " a.example.com, ,b.example.com"}, "ALLOWED_HOSTS", default=[]
        )
        self.assertEqual(hosts, ["a.example.com", "b.example.com"])
        self.assertEqual(env.env_list({}, "ALLOWED_HOSTS", default=["x"]), ["x"])

    def test_sqlite_without_postgres_vars(self) -> None:
        db = env.database({}, Path("/tmp/db.sqlite3"))
        self.assertEqual(db, {"ENGINE": "django.db.backends.sqlite3", "NAME": "/tmp/db.sqlite3"})

    def test_postgres_from_postgres_vars(self) -> None:
        db = env.database(POSTGRES, Path("unused"))
        self.assertEqual(db["ENGINE"], "django.db.backends.postgresql")
        self.assertEqual(db["HOST"], POSTGRES["POSTGRES_HOST"])
        self.assertEqual((db["NAME"], db["USER"], db["PASSWORD"]), ("app", "app", "secret"))
        self.assertEqual(db["PORT"], "5432")

    def test_half_configured_postgres_is_refused(self) -> None:
        with self.assertRaisesRegex(ImproperlyConfigured, "POSTGRES_PASSWORD"):
            env.database({**POSTGRES, "POSTGRES_PASSWORD": ""}, Path("unused"))

    def test_static_storage_is_s3_only_with_a_bucket_and_django_storages(self) -> None:
        s3 = env.static_storage("dev-assets-123456789012", s3_available=True)
        self.assertEqual(s3["BACKEND"], "storages.backends.s3.S3Storage")
        self.assertEqual(s3["OPTIONS"]["bucket_name"], "dev-assets-123456789012")
        filesystem = "django.contrib.staticfiles.storage.StaticFilesStorage"
        self.assertEqual(env.static_storage(None, s3_available=True)["BACKEND"], filesystem)
        self.assertEqual(env.static_storage("b", s3_available=False)["BACKEND"], filesystem)


class SettingsModuleTests(SimpleTestCase):
    """The settings module itself, loaded in a fresh interpreter with a chosen environment."""

    def test_this_test_run_uses_sqlite(self) -> None:
        self.assertEqual(settings.DATABASES["default"]["ENGINE"], "django.db.backends.sqlite3")

    def test_reads_the_environment(self) -> None:
        expression = (
            "json.dumps([settings.APP_VERSION, settings.DEBUG, settings.ALLOWED_HOSTS,"
            " settings.SECRET_KEY, settings.CELERY_BROKER_URL, settings.ASSETS_BUCKET_NAME,"
            " settings.DATABASES['default']['ENGINE']])"
        )
        environment = clean_env(
            APP_VERSION="2.0.1",
            DEBUG="false",
            ALLOWED_HOSTS="dev-alb-1.us-east-1.elb.amazonaws.com",
            SECRET_KEY="from-secrets-manager",
            CELERY_BROKER_URL="redis://dev-redis:6379/1",
            ASSETS_BUCKET_NAME="dev-assets-123456789012",
            **POSTGRES,
        )
        values = json.loads(settings_value(expression, environment))
        self.assertEqual(
            values,
            [
                "2.0.1",
                False,
                ["dev-alb-1.us-east-1.elb.amazonaws.com"],
                "from-secrets-manager",
                "redis://dev-redis:6379/1",
                "dev-assets-123456789012",
                "django.db.backends.postgresql",
            ],
        )

    def test_falls_back_to_sqlite_and_defaults(self) -> None:
        expression = (
            "json.dumps([settings.DATABASES['default']['ENGINE'], settings.APP_VERSION,"
            " settings.DEBUG, settings.STORAGES['staticfiles']['BACKEND']])"
        )
        values = json.loads(settings_value(expression, clean_env()))
        self.assertEqual(
            values,
            [
                "django.db.backends.sqlite3",
                "dev",
                False,
                "django.contrib.staticfiles.storage.StaticFilesStorage",
            ],
        )
