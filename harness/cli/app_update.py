"""``python -m harness app-update``: the shared app-update script, from a shell or CI.

    python -m harness app-update --env alpha --base dev --version v2 [--endpoint URL]
        [--stack profiles/author-terraform.toml]    # another stack's names (its [contract])

The endpoint is ``--endpoint`` or ``AWS_ENDPOINT_URL``; with neither, real AWS with the
credentials and region of the environment.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from botocore.exceptions import BotoCoreError

from harness.app_update import Waits, update
from harness.contract import HARNESS_CONTRACT, Contract
from harness.endpoint import DEFAULT_REGION, DUMMY_CREDENTIALS, Endpoint, Target
from harness.errors import AppUpdateError

_CREDENTIAL_KEYS = ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--env", required=True, help="app environment (ENV-cluster, ENV-web, ...)")
    parser.add_argument("--base", required=True, help="base layer the environment runs on")
    parser.add_argument("--version", required=True, help="image tag to deploy")
    parser.add_argument(
        "--endpoint", default=None, help="AWS endpoint URL (default: AWS_ENDPOINT_URL)"
    )
    parser.add_argument(
        "--region", default=None, help="AWS region (default: AWS_REGION, us-east-1)"
    )
    parser.add_argument(
        "--timeout", type=float, default=None, help="seconds to wait for the task and the services"
    )
    parser.add_argument(
        "--stack",
        type=Path,
        default=None,
        metavar="FILE",
        help="a stack profile whose [contract] names the cluster, services, task families and "
        "containers (default: ours; docs/profiles.md)",
    )


def endpoint_from(args: argparse.Namespace, environ: dict[str, str] | None = None) -> Endpoint:
    """The endpoint the arguments and environment name."""
    env = dict(os.environ if environ is None else environ)
    region = args.region or env.get("AWS_REGION") or env.get("AWS_DEFAULT_REGION") or DEFAULT_REGION
    credentials = {k: env[k] for k in _CREDENTIAL_KEYS if env.get(k)}
    url = args.endpoint or env.get("AWS_ENDPOINT_URL")
    if url:
        # An emulator or LocalStack: whichever it is, it takes any credentials.
        return Endpoint(
            Target.LOCALSTACK,
            url.rstrip("/"),
            region=region,
            credentials=credentials or dict(DUMMY_CREDENTIALS),
            engine=f"endpoint {url}",
        )
    return Endpoint(Target.AWS, None, region=region, credentials=credentials, engine="aws")


def _contract(path: Path | None) -> Contract:
    """The contract of the profile at ``path`` (ProfileError, exit 2, when it is bad); ours."""
    if path is None:
        return HARNESS_CONTRACT
    from harness import profiles

    return profiles.load(path).contract


def run(args: argparse.Namespace) -> int:
    endpoint = endpoint_from(args)
    waits = Waits.for_endpoint(endpoint)
    if args.timeout is not None:
        waits = Waits(min(waits.delay_s, args.timeout), args.timeout, args.timeout)
    try:
        result = update(endpoint, args.env, args.base, args.version, waits=waits,
                        contract=_contract(getattr(args, "stack", None)))  # fmt: skip
    except AppUpdateError as exc:
        print(f"app-update failed: {exc}", file=sys.stderr)
        return 1
    except BotoCoreError as exc:  # no endpoint answering, no credentials
        print(f"app-update failed: cannot reach AWS ({endpoint.engine}): {exc}", file=sys.stderr)
        return 1
    print(
        f"{result.env}: {result.old_version} -> {result.new_version} in "
        f"{result.timings['total_s']:.1f}s (backend-update exit {result.task_exit_code})"
    )
    for component, arn in result.revisions.items():
        print(f"  {component}: {arn}")
    return 0
