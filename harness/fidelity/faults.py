"""Fault injection: the emulator answers a chosen fraction of calls with what AWS sends when
things go wrong, so the tools' and the script's retries are put to the test.

    plan = FaultPlan.parse("throttle:0.1,5xx:0.05,slow:0.1,drop:0.02@ecs", seed=7)
    POST /_harness/faults {"plan": plan.to_dict()}     # on; {"plan": null} turns it off
    GET  /_harness/faults?key=K                        # plan, faults injected, retries seen

Kinds, each worded as the service words it (the request's protocol says which wording):

- ``throttle``: ``ThrottlingException`` (JSON protocol: ECS, ECR, Logs, SSM), ``Throttling``
  (query protocol: CloudFormation, IAM, STS, ELBv2, RDS), HTTP 400; ``RequestLimitExceeded``
  with HTTP 503 (EC2) and ``SlowDown`` 503 (S3): the codes and status codes botocore's
  ``data/_retry.json`` and ``retries/standard.py`` retry;
- ``5xx``: 500 ``InternalFailure`` or 503 ``ServiceUnavailable`` (EC2: ``InternalError`` /
  ``Unavailable``; S3: ``InternalError`` / ``ServiceUnavailable``);
- ``slow``: the real answer, ``delay_s`` late;
- ``drop``: the connection closed without an answer.

Every fault is chosen before the request reaches moto, so an injected failure never changed
anything: a retry is always safe (on AWS a 500 or a dropped connection may come after the
change was made; that case is not emulated). Only callers' own calls are faulted: not the
control API, not ``/moto-api``, not the calls the emulator's CloudFormation makes for a caller
(AWS retries those inside the service).

Reproducible by seed: each caller (access key) has one RNG per service, seeded from the plan's
seed and the service name alone, so the n-th call a caller makes to a service meets the same
fault in every run with that seed, whatever other cells do in parallel.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import random
import socket
import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from harness.fidelity import control


class FaultKind(StrEnum):
    THROTTLE = "throttle"
    SERVER = "5xx"
    SLOW = "slow"
    DROP = "drop"


DEFAULT_DELAY_S = 1.0
NONE = "none"
"""What a retried attempt met when it was not one of our faults (a client timeout, a real error)."""
ALL_SERVICES = "*"
# Names users write for services whose SigV4 signing name differs.
_ALIASES = {"elbv2": "elasticloadbalancing", "cloudwatch-logs": "logs"}


class FaultSpecError(ValueError):
    """A fault specification that cannot be read."""


@dataclass(frozen=True, slots=True)
class FaultPlan:
    """Which fraction of calls meets which fault, per service (``*``: every service)."""

    fractions: dict[str, dict[FaultKind, float]]
    """Service (SigV4 signing name, or ``*``) -> kind -> fraction of its calls."""
    seed: int = 0
    delay_s: float = DEFAULT_DELAY_S
    callers: tuple[str, ...] = ()
    """Access keys the plan applies to; empty: every caller (tests fault only their own key)."""

    @classmethod
    def parse(cls, text: str, seed: int = 0, delay_s: float = DEFAULT_DELAY_S) -> FaultPlan:
        """``kind:fraction[@service]`` items, comma-separated; ``@service`` items override the
        fraction of that kind for that service."""
        fractions: dict[str, dict[FaultKind, float]] = {}
        for item in (part.strip() for part in text.split(",")):
            if not item:
                continue
            spec, _, service = item.partition("@")
            name, sep, value = spec.partition(":")
            try:
                kind, fraction = FaultKind(name.strip()), float(value)
            except ValueError:
                kinds = ", ".join(k.value for k in FaultKind)
                raise FaultSpecError(
                    f"fault {item!r}: write KIND:FRACTION[@SERVICE], KIND one of {kinds}"
                ) from None
            if not sep or not 0.0 <= fraction <= 1.0:
                raise FaultSpecError(f"fault {item!r}: the fraction must be between 0 and 1")
            target = _ALIASES.get(service.strip(), service.strip()) or ALL_SERVICES
            fractions.setdefault(target, {})[kind] = fraction
        plan = cls(fractions, seed, delay_s)
        for service in fractions:
            if sum(plan.for_service(service).values()) > 1.0:
                raise FaultSpecError(f"faults for {service}: fractions add up to more than 1")
        return plan

    def for_service(self, service: str) -> dict[FaultKind, float]:
        """The fractions that apply to ``service``: its own over those for every service."""
        return {**self.fractions.get(ALL_SERVICES, {}), **self.fractions.get(service, {})}

    def describe(self) -> str:
        """The plan as one line for records: ``throttle:0.1,5xx:0.05@ecs seed=7 delay=1s``."""
        items = [
            f"{kind}:{fraction:g}" + ("" if service == ALL_SERVICES else f"@{service}")
            for service, kinds in sorted(self.fractions.items(), key=lambda s: s[0] != "*")
            for kind, fraction in kinds.items()
        ]
        return f"{','.join(items)} seed={self.seed} delay={self.delay_s:g}s"

    def to_dict(self) -> dict[str, Any]:
        return {
            "fractions": {
                s: {str(k): f for k, f in ks.items()} for s, ks in self.fractions.items()
            },
            "seed": self.seed,
            "delay_s": self.delay_s,
            "callers": list(self.callers),
        }

    @classmethod
    def from_dict(cls, raw: Mapping[str, Any]) -> FaultPlan:
        fractions = {
            s: {FaultKind(k): float(f) for k, f in ks.items()} for s, ks in raw["fractions"].items()
        }
        delay_s = float(raw.get("delay_s", DEFAULT_DELAY_S))
        return cls(fractions, int(raw.get("seed", 0)), delay_s, tuple(raw.get("callers", ())))


def service_rng(seed: int, service: str) -> random.Random:
    """The RNG of one service: a stable hash of seed and name (Python's ``hash`` is salted)."""
    digest = hashlib.sha256(f"{seed}/{service}".encode()).digest()
    return random.Random(int.from_bytes(digest[:8], "big"))


def draw(plan: FaultPlan, service: str, rng: random.Random) -> FaultKind | None:
    """The fault (or none) for the next call to ``service``: one draw against the fractions."""
    u, edge = rng.random(), 0.0
    for kind in FaultKind:  # a fixed order, so a seed means the same thing in every run
        edge += plan.for_service(service).get(kind, 0.0)
        if u < edge:
            return kind
    return None


# wire shapes ----------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class ErrorAnswer:
    status: int
    code: str
    headers: list[tuple[str, str]]
    body: bytes


_THROTTLE_MESSAGE = "Rate exceeded (fault injected by the harness emulator)"
_SERVER_MESSAGE = "We encountered an internal error. Please try again. (fault injected)"


def protocol_of(environ: Mapping[str, Any], service: str) -> str:
    """The protocol of a request, read from the request itself: ``json``, ``query``, ``ec2``,
    ``rest-xml`` or ``rest-json`` (``cbor`` is not answered with faults)."""
    content_type = str(environ.get("CONTENT_TYPE", ""))
    if "cbor" in content_type:
        return "cbor"
    if environ.get("HTTP_X_AMZ_TARGET"):
        return "json"
    if "x-www-form-urlencoded" in content_type or "Action=" in environ.get("QUERY_STRING", ""):
        return "ec2" if service == "ec2" else "query"
    return "rest-xml" if service == "s3" else "rest-json"


def error_answer(protocol: str, service: str, kind: FaultKind, rng: random.Random) -> ErrorAnswer:
    """The error AWS sends for ``kind`` on ``service``, in the request's protocol."""
    if kind is FaultKind.THROTTLE:
        status, code = {
            "ec2": (503, "RequestLimitExceeded"),
            "rest-xml": (503, "SlowDown"),
            "query": (400, "Throttling"),
        }.get(protocol, (400, "ThrottlingException"))
        message = _THROTTLE_MESSAGE
    else:
        status = 500 if rng.random() < 0.5 else 503
        names = {
            "ec2": ("InternalError", "Unavailable"),
            "rest-xml": ("InternalError", "ServiceUnavailable"),
        }
        internal, unavailable = names.get(protocol, ("InternalFailure", "ServiceUnavailable"))
        code, message = (internal if status == 500 else unavailable), _SERVER_MESSAGE
    return _render(protocol, status, code, message)


def _render(protocol: str, status: int, code: str, message: str) -> ErrorAnswer:
    request_id = str(uuid.uuid4())
    headers = [("x-amzn-RequestId", request_id)]
    if protocol in {"json", "rest-json"}:
        body = json.dumps({"__type": code, "message": message}).encode()
        headers += [("Content-Type", "application/x-amz-json-1.1"), ("x-amzn-ErrorType", code)]
    elif protocol == "ec2":
        body = (
            f"<Response><Errors><Error><Code>{code}</Code><Message>{message}</Message></Error>"
            f"</Errors><RequestID>{request_id}</RequestID></Response>"
        ).encode()
        headers.append(("Content-Type", "text/xml"))
    elif protocol == "rest-xml":
        body = (
            f"<Error><Code>{code}</Code><Message>{message}</Message>"
            f"<RequestId>{request_id}</RequestId></Error>"
        ).encode()
        headers += [("Content-Type", "application/xml"), ("x-amz-request-id", request_id)]
    else:  # query
        side = "Sender" if status < 500 else "Receiver"
        body = (
            f"<ErrorResponse><Error><Type>{side}</Type><Code>{code}</Code>"
            f"<Message>{message}</Message></Error><RequestId>{request_id}</RequestId></ErrorResponse>"
        ).encode()
        headers.append(("Content-Type", "text/xml"))
    return ErrorAnswer(status, code, headers, body)


# the injector ---------------------------------------------------------------------------
def attempt_of(environ: Mapping[str, Any]) -> int:
    """Which attempt a request is (``amz-sdk-request: attempt=N; max=M``, sent by botocore, the
    AWS SDK for JavaScript v3 and the Go SDK v2); 1 when the client does not say."""
    for part in str(environ.get("HTTP_AMZ_SDK_REQUEST", "")).split(";"):
        name, _, value = part.strip().partition("=")
        if name == "attempt" and value.isdigit():
            return int(value)
    return 1


@dataclass(slots=True)
class _Caller:
    rngs: dict[str, random.Random] = field(default_factory=dict)
    injected: dict[str, Counter[str]] = field(default_factory=dict)
    """``service:Action`` -> kind -> count."""
    retries: dict[str, Counter[str]] = field(default_factory=dict)
    """``service:Action`` -> what the attempt before met (a fault kind, or ``none``) -> retries."""
    last: dict[str, str] = field(default_factory=dict)
    """Invocation (``amz-sdk-invocation-id``, the same on every attempt of one call; else the
    ``service:Action``) -> what its latest attempt met (a fault kind, or ``none``). Keyed by
    invocation because a tool makes the same call in parallel threads."""


class Injector:
    """The plan in force and, per caller, the RNGs and what was injected (thread-safe)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.plan: FaultPlan | None = None
        self._callers: dict[str, _Caller] = {}

    def configure(self, plan: FaultPlan | None) -> None:
        """Put ``plan`` in force (None: off); RNGs restart, so a seed replays from its start."""
        with self._lock:
            self.plan = plan
            for caller in self._callers.values():
                caller.rngs.clear()

    def choose(
        self, caller: str, call: str, attempt: int, invocation: str = ""
    ) -> tuple[FaultKind, random.Random] | None:
        """Count a retry, and draw the fault (if any) for ``caller``'s next ``call``."""
        service, key = call.partition(":")[0], invocation or call
        with self._lock:
            state = self._callers.setdefault(caller, _Caller())
            if attempt > 1:  # a retry: of a fault we injected, or of something else (NONE)
                state.retries.setdefault(call, Counter())[state.last.get(key, NONE)] += 1
            kind = self._draw(state, caller, service)
            if kind is None:  # the invocation is answered: forget it (a retry after moto's
                state.last.pop(key, None)  # own error then counts as NONE)
                return None
            state.last[key] = str(kind)
            state.injected.setdefault(call, Counter())[kind] += 1
            return kind, state.rngs[service]

    def _draw(self, state: _Caller, caller: str, service: str) -> FaultKind | None:
        plan = self.plan
        if plan is None or (plan.callers and caller not in plan.callers):
            return None
        if not plan.for_service(service):
            return None
        rng = state.rngs.setdefault(service, service_rng(plan.seed, service))
        return draw(plan, service, rng)

    def snapshot(self, caller: str | None) -> dict[str, Any]:
        """Faults injected and retries seen (``service:Action`` -> kind -> n), for one caller or all."""
        with self._lock:
            states = [self._callers[caller]] if caller in self._callers else []
            if caller is None:
                states = list(self._callers.values())
            injected: dict[str, Counter[str]] = {}
            retries: dict[str, Counter[str]] = {}
            for state in states:
                for call, kinds in state.injected.items():
                    injected.setdefault(call, Counter()).update(kinds)
                for call, causes in state.retries.items():
                    retries.setdefault(call, Counter()).update(causes)
            return {
                "plan": self.plan.to_dict() if self.plan else None,
                "injected": {c: dict(k) for c, k in sorted(injected.items())},
                "retries": {c: dict(k) for c, k in sorted(retries.items())},
            }


injector = Injector()

StartResponse = Callable[..., Any]
WSGIApp = Callable[[dict[str, Any], StartResponse], Iterable[bytes]]


def serve_with_faults(
    app: WSGIApp, environ: dict[str, Any], start_response: StartResponse, call: str, caller: str
) -> Iterable[bytes]:
    """Serve one AWS call through ``app``, or answer it with the fault drawn for it."""
    service = call.partition(":")[0]
    invocation = str(environ.get("HTTP_AMZ_SDK_INVOCATION_ID", ""))
    chosen = injector.choose(caller, call, attempt_of(environ), invocation)
    protocol = protocol_of(environ, service)
    if chosen is None or protocol == "cbor":
        return app(environ, start_response)
    kind, rng = chosen
    if kind is FaultKind.SLOW:
        time.sleep(injector.plan.delay_s if injector.plan else DEFAULT_DELAY_S)
        return app(environ, start_response)
    if kind is FaultKind.DROP:
        _drop(environ)
    answer = error_answer(protocol, service, kind, rng)
    start_response(f"{answer.status} {answer.code}", answer.headers)
    return [answer.body]


def _drop(environ: Mapping[str, Any]) -> None:
    """Close the connection without an answer; werkzeug takes the error as a client gone."""
    sock = environ.get("werkzeug.socket")
    if sock is not None:
        with contextlib.suppress(OSError):  # the client may be gone already
            sock.shutdown(socket.SHUT_RDWR)
    raise ConnectionAbortedError("fault injected: connection dropped")


@control.route("faults")
def _faults(method: str, body: dict[str, Any]) -> tuple[int, Any]:
    if method == "POST" and "plan" in body:
        try:
            injector.configure(FaultPlan.from_dict(body["plan"]) if body["plan"] else None)
        except (KeyError, TypeError, ValueError) as exc:
            return 400, {"error": f"bad fault plan: {exc}"}
    return 200, injector.snapshot(body.get("key"))
