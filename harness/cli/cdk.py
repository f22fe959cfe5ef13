"""``python -m harness cdk -- <cdk args>``: the pinned CDK CLI against an AWS endpoint.

Like LocalStack's ``cdklocal``: any CDK app, in the current directory, deployed to the
endpoint given by ``--endpoint`` or ``AWS_ENDPOINT_URL`` (what ``python -m harness emulator``
printed), with dummy credentials unless ``AWS_ACCESS_KEY_ID`` is set. A TypeScript app
(``cdk.json`` or ``--app`` running ts-node) gets the pinned TypeScript toolchain, installed
on first use (:mod:`harness.cdk_typescript`).
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from harness import cdk_cli, cdk_typescript
from harness.endpoint import DEFAULT_REGION, DUMMY_CREDENTIALS, Endpoint, Target
from harness.errors import CommandError


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--endpoint",
        default=os.environ.get("AWS_ENDPOINT_URL"),
        help="AWS endpoint URL (default: $AWS_ENDPOINT_URL)",
    )
    parser.add_argument(
        "--region",
        default=os.environ.get("AWS_REGION")
        or os.environ.get("AWS_DEFAULT_REGION")
        or DEFAULT_REGION,
    )
    parser.add_argument("cdk_args", nargs=argparse.REMAINDER, help="arguments for cdk, after --")


def endpoint_from(url: str, region: str) -> Endpoint:
    """The endpoint to deploy to; the caller's own access key is kept (per-key call counts)."""
    credentials = dict(DUMMY_CREDENTIALS)
    for key in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"):
        if os.environ.get(key):
            credentials[key] = os.environ[key]
    return Endpoint(Target.EMBEDDED, url, region=region, credentials=credentials)


def app_option(cdk_args: list[str]) -> str | None:
    """The ``--app``/``-a`` command among ``cdk_args``, if one is given."""
    for i, arg in enumerate(cdk_args):
        if arg in ("--app", "-a") and i + 1 < len(cdk_args):
            return cdk_args[i + 1]
        if arg.startswith("--app="):
            return arg.split("=", 1)[1]
    return None


def run(args: argparse.Namespace) -> int:
    cdk_args = args.cdk_args[1:] if args.cdk_args[:1] == ["--"] else args.cdk_args
    if not args.endpoint:
        print("python -m harness cdk: give --endpoint or set AWS_ENDPOINT_URL", file=sys.stderr)
        return 2
    try:
        cli = cdk_cli.locate()
        if cdk_typescript.is_typescript(Path.cwd(), app_option(cdk_args)):
            cdk_typescript.ensure()
    except CommandError as exc:
        print(f"python -m harness cdk: {exc}", file=sys.stderr)
        return 2
    result = cli.run(
        cdk_args, endpoint_from(args.endpoint, args.region), cwd=Path.cwd(), ok_codes=range(256)
    )
    sys.stdout.write(result.stdout)
    sys.stderr.write(result.stderr)
    return result.returncode
