"""Target resolution: LocalStack probing and the guarded real-AWS target."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest

from harness.endpoint import Target
from harness.errors import TargetError
from harness.external_targets import localstack_url, probe_localstack

HEALTH = {
    "version": "2026.3.0",
    "services": {"s3": "running", "sts": "available", "ecs": "disabled"},
}


class _Health(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        body = json.dumps(HEALTH).encode() if self.path == "/_localstack/health" else b"{}"
        self.send_response(200 if self.path == "/_localstack/health" else 404)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def fake_localstack() -> Iterator[str]:
    server = HTTPServer(("127.0.0.1", 0), _Health)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://localhost:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()


def test_localstack_url_prefers_aws_endpoint_url() -> None:
    assert localstack_url({"AWS_ENDPOINT_URL": "http://ls:4566/", "LOCALSTACK_HOST": "x:1"}) == (
        "http://ls:4566"
    )
    assert localstack_url({"LOCALSTACK_HOST": "box:4510"}) == "http://box:4510"
    assert localstack_url({}) == "http://localhost:4566"


def test_edge_port_gives_the_port_when_localstack_host_names_none() -> None:
    assert localstack_url({"EDGE_PORT": "4510"}) == "http://localhost:4510"
    assert localstack_url({"LOCALSTACK_HOST": "box", "EDGE_PORT": "4510"}) == "http://box:4510"
    assert localstack_url({"LOCALSTACK_HOST": "box:4600", "EDGE_PORT": "4510"}) == (
        "http://box:4600"
    )


def test_use_ssl_makes_it_https() -> None:
    assert localstack_url({"USE_SSL": "1", "LOCALSTACK_HOST": "box:443"}) == "https://box:443"
    assert localstack_url({"USE_SSL": "true"}) == "https://localhost:4566"
    assert localstack_url({"USE_SSL": "0"}) == "http://localhost:4566"


@pytest.mark.parametrize(
    "environ",
    [
        {},
        {"AWS_ENDPOINT_URL": "http://ls.example:4599"},
        {"LOCALSTACK_HOST": "box:4510"},
        {"LOCALSTACK_HOST": "box"},
        {"LOCALSTACK_HOST": "box:4510", "USE_SSL": "1"},
        {"USE_SSL": "true"},
    ],
)
def test_resolution_agrees_with_localstack_client(
    environ: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """What boto3 clients patched by localstack-client would reach, the harness reaches too."""
    from localstack_client.config import get_service_endpoint

    for name in ("AWS_ENDPOINT_URL", "LOCALSTACK_HOST", "EDGE_PORT", "USE_SSL"):
        monkeypatch.delenv(name, raising=False)
    for name, value in environ.items():
        monkeypatch.setenv(name, value)
    assert localstack_url(environ) == get_service_endpoint("cloudformation")


def test_a_malformed_localstack_host_is_refused_clearly() -> None:
    with pytest.raises(TargetError, match="LOCALSTACK_HOST"):
        localstack_url({"LOCALSTACK_HOST": "box:notaport"})


def test_probe_lists_what_localstack_does_not_serve(fake_localstack: str) -> None:
    found = probe_localstack({"AWS_ENDPOINT_URL": fake_localstack})
    assert found.endpoint.target is Target.LOCALSTACK
    assert found.endpoint.url == fake_localstack
    assert "2026.3.0" in found.endpoint.engine
    assert found.missing(("s3", "sts", "ecs", "rds")) == ["ecs", "rds"]
    # Terraform and the CDK CLI are pointed at the same place through the env they are given.
    assert found.endpoint.env()["AWS_ENDPOINT_URL"] == fake_localstack


def test_probe_finds_localstack_from_localstack_host_and_edge_port(fake_localstack: str) -> None:
    port = fake_localstack.rsplit(":", 1)[1]
    found = probe_localstack({"LOCALSTACK_HOST": "localhost", "EDGE_PORT": port})
    assert found.endpoint.url == fake_localstack


def test_probe_says_how_to_point_at_localstack_when_nothing_answers() -> None:
    with pytest.raises(TargetError, match="AWS_ENDPOINT_URL or LOCALSTACK_HOST"):
        probe_localstack({"AWS_ENDPOINT_URL": "http://localhost:9"})


# The aws target's guard, end to end: tests/test_sandbox_target.py.


def test_a_cell_key_never_replaces_real_aws_credentials() -> None:
    from harness.endpoint import Endpoint

    embedded = Endpoint(Target.EMBEDDED, "http://localhost:1")
    assert embedded.with_access_key("cell-3").credentials["AWS_ACCESS_KEY_ID"] == "cell-3"
    assert embedded.with_access_key("cell-3").credentials["AWS_SECRET_ACCESS_KEY"] == "test"
    real = Endpoint(Target.AWS, None, credentials={"AWS_ACCESS_KEY_ID": "AKIAREAL"})
    assert real.with_access_key("cell-3") is real
