"""Handlers call the emulator's own AWS API, as CloudFormation's resource providers call AWS.

Going through HTTP (not moto's models) means every fidelity patch of the service applies,
and the calls are what CloudFormation would send. They are signed with the access key
``cloudformation`` so the call counts can tell them from the user's own calls, and carry the
caller of the stack operation so they are counted for it (``cloudformation>ecs:...``).
"""

from __future__ import annotations

import os
import threading
from functools import partial
from typing import Any

from harness.fidelity import control

ACCESS_KEY = "cloudformation"

_clients: dict[tuple[str, str, str], Any] = {}
_lock = threading.Lock()
_session: Any = None
"""One boto3 session for all clients: botocore loads a service's model and the endpoint data
once per session, and a session per client loaded them again for every account and region."""


def client(service: str, account: str, region: str) -> Any:
    """A boto3 client for ``service`` in ``account``/``region`` on this emulator."""
    key = (service, account, region)
    with _lock:
        if key not in _clients:
            _clients[key] = _new_client(service, account, region)
        return _clients[key]


def _new_client(service: str, account: str, region: str) -> Any:
    """Called with ``_lock`` held (a boto3 session is not thread-safe)."""
    import boto3
    from botocore.config import Config

    global _session
    if _session is None:
        _session = boto3.session.Session(
            aws_access_key_id=ACCESS_KEY, aws_secret_access_key=ACCESS_KEY
        )
    api = _session.client(
        service,
        region_name=region,
        endpoint_url=f"http://localhost:{os.environ.get('MOTO_PORT', '5000')}",
        config=Config(retries={"max_attempts": 1}, s3={"addressing_style": "path"}),
    )
    api.meta.events.register("before-sign.*.*", partial(_account_header, account))
    return api


def _account_header(account: str, request: Any, **_: Any) -> None:
    request.headers["x-moto-account-id"] = account
    # Stack operations run in the server thread of the caller's request: count our calls for it.
    caller = control.calls.current()
    if caller:
        request.headers[control.ON_BEHALF_HEADER] = caller
