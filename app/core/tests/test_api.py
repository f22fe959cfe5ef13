from __future__ import annotations

from unittest import mock

from django.db import OperationalError
from django.test import SimpleTestCase, TestCase, override_settings


class VersionTests(SimpleTestCase):
    @override_settings(APP_VERSION="1.4.2")
    def test_returns_the_configured_version(self) -> None:
        response = self.client.get("/api/version/")
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.json(), {"version": "1.4.2"})

    def test_only_get(self) -> None:
        with self.assertLogs("django.request", level="WARNING"):
            response = self.client.post("/api/version/")
        self.assertEqual(response.status_code, 405)

    @override_settings(ALLOWED_HOSTS=["app.example.com"])
    def test_enforces_allowed_hosts(self) -> None:
        with self.assertLogs("django.security.DisallowedHost", level="ERROR"):
            response = self.client.get("/api/version/", headers={"host": "10.0.1.23"})
        self.assertEqual(response.status_code, 400)


class HealthCheckTests(TestCase):
    def test_ok_when_the_database_answers(self) -> None:
        response = self.client.get("/api/health-check/")
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.json(), {"status": "ok"})

    @override_settings(ALLOWED_HOSTS=["app.example.com"])
    def test_answers_the_load_balancer_whatever_its_host_header(self) -> None:
        # The ALB health check sends Host: <task private IP>.
        response = self.client.get("/api/health-check/", headers={"host": "10.0.1.23"})
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.json(), {"status": "ok"})

    def test_unavailable_when_the_database_does_not_answer(self) -> None:
        broken = mock.patch(
            "core.views.connection.cursor", side_effect=OperationalError("connection refused")
        )
        with (
            broken,
            self.assertLogs("core.views", level="ERROR"),
            self.assertLogs("django.request", level="ERROR"),
        ):
            response = self.client.get("/api/health-check/")
        self.assertEqual(response.status_code, 503)
        self.assertEqual(response.json()["status"], "error")
