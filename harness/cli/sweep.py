"""``python -m harness sweep --run-id ID``: list, and with ``--yes`` remove, what a run left.

    python -m harness sweep --run-id 20261201T120000Z-ab12 --target aws --aws-account-id 123456789012
    python -m harness sweep --run-id 20261201T120000Z-ab12 --target aws --aws-account-id ... --yes
    python -m harness sweep --run-id ID --endpoint http://localhost:4566     # any endpoint

Dry run by default: it lists every resource tagged ``harness:run-id=ID`` in the order it
would remove them, and removes nothing. The run id is the name of the run's results folder
(``results/<run-id>/``). On ``--target aws`` the account must be named and match the
credentials, as for ``compare``. Exit status: 0 when nothing is left (or, dry, nothing was
found), 1 when something could not be removed or, dry, something was found.
"""

from __future__ import annotations

import argparse
import os
import sys

from harness.endpoint import DEFAULT_REGION, DUMMY_CREDENTIALS, Endpoint, Target
from harness.errors import HarnessError


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--run-id", required=True, help="the run whose resources to sweep")
    parser.add_argument(
        "--target", choices=[Target.AWS.value, Target.LOCALSTACK.value], default=Target.AWS.value
    )
    parser.add_argument("--aws-account-id", default=None, help="required with --target aws")
    parser.add_argument("--endpoint", default=None, help="an AWS endpoint URL (an emulator)")
    parser.add_argument("--region", default=None)
    parser.add_argument("--yes", action="store_true", help="remove them (default: only list)")


def endpoint_for(args: argparse.Namespace) -> Endpoint:
    """The endpoint to sweep: ``--endpoint``, a LocalStack, or the checked sandbox account."""
    from harness.external_targets import aws_sandbox, probe_localstack

    region = args.region or os.environ.get("AWS_REGION") or DEFAULT_REGION
    if args.endpoint:
        creds = {k: os.environ.get(k, v) for k, v in DUMMY_CREDENTIALS.items()}
        return Endpoint(Target.EMBEDDED, args.endpoint.rstrip("/"), region, creds)
    if args.target == Target.LOCALSTACK:
        return probe_localstack().endpoint
    return aws_sandbox(args.aws_account_id, args.region)


def run(args: argparse.Namespace) -> int:
    from harness import sweep

    try:
        endpoint = endpoint_for(args)
        found = sweep.find(endpoint, args.run_id)
    except HarnessError as exc:
        print(f"sweep: {exc}", file=sys.stderr)
        return 2
    where = endpoint.url or endpoint.engine
    print(f"{len(found)} resource(s) tagged harness:run-id={args.run_id} at {where}:")
    for item in found:
        print(f"  {item}")
    if not args.yes:
        if found:
            print("dry run: nothing removed; add --yes to remove them in this order")
        return 1 if found else 0
    failed = [r for r in sweep.remove(endpoint, found) if r.error]
    for removal in failed:
        print(f"  not removed: {removal.leftover}: {removal.error}", file=sys.stderr)
    left = sweep.find(endpoint, args.run_id)
    for item in left:
        print(f"  still there: {item}", file=sys.stderr)
    print(f"removed {len(found) - len(failed)}; {len(left)} left")
    return 1 if left else 0
