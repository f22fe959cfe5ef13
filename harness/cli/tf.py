"""``python -m harness tf -- <terraform args>``: any Terraform configuration against a target.

Like LocalStack's ``tflocal``: runs the pinned Terraform in the current directory with the
endpoint (``--endpoint`` or ``AWS_ENDPOINT_URL``, e.g. the one ``python -m harness emulator``
printed), credentials, and the ``hashicorp/aws`` ``--terraform-provider`` selects: the real one
when a filesystem mirror (``HARNESS_TF_PROVIDER_MIRROR``, a plugin cache, the usual plugin
directories) or the registry has it, else the stand-in. Terraform's ``-chdir=DIR`` is honoured:
the endpoint override goes into DIR. Commands that ask questions need their non-interactive
flags (``apply -auto-approve``).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import BinaryIO

from harness import process
from harness.endpoint import DEFAULT_REGION, DUMMY_CREDENTIALS, Endpoint, Target
from harness.errors import HarnessError
from harness.terraform import ProviderChoice, provider_in_use, setup
from harness.terraform import override as endpoint_override
from harness.terraform.providers import CHOICE_ENV, MIRROR_ENV


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--endpoint", default=os.environ.get("AWS_ENDPOINT_URL"), help="AWS endpoint URL"
    )
    parser.add_argument(
        "--region",
        default=os.environ.get("AWS_REGION")
        or os.environ.get("AWS_DEFAULT_REGION")
        or DEFAULT_REGION,
    )
    add_provider_argument(parser, "--provider")
    parser.add_argument(
        "--terraform-bin", default=None, help="your own terraform binary (or TERRAFORM_BIN)"
    )
    parser.add_argument(
        "--no-override",
        action="store_true",
        help="do not write the endpoint override file (env vars only)",
    )
    parser.add_argument(
        "terraform_args", nargs=argparse.REMAINDER, help="-- then the terraform command"
    )


def add_provider_argument(parser: argparse.ArgumentParser, *aliases: str) -> None:
    parser.add_argument(
        "--terraform-provider",
        *aliases,
        dest="terraform_provider",
        choices=[m.value for m in ProviderChoice],
        default=os.environ.get(CHOICE_ENV, ProviderChoice.AUTO.value),
        help="hashicorp/aws for Terraform: auto (default: the real one when a filesystem mirror "
        f"or the registry has it, else the stand-in), real, standin; mirrors: ${MIRROR_ENV}",
    )


def split_chdir(tf_args: list[str], cwd: Path) -> tuple[Path, list[str]]:
    """The directory Terraform will work in (its global ``-chdir=DIR``), and the command after
    the global options."""
    workdir, rest = cwd, list(tf_args)
    while rest and rest[0].startswith("-"):
        option = rest.pop(0)
        if option.startswith("-chdir="):
            workdir = cwd / option.removeprefix("-chdir=")
    return workdir, rest


def run(args: argparse.Namespace) -> int:
    tf_args = list(args.terraform_args)
    if tf_args[:1] == ["--"]:
        tf_args = tf_args[1:]
    if not tf_args:
        print("usage: python -m harness tf [options] -- <terraform command>", file=sys.stderr)
        return 2
    if not args.endpoint:
        print(
            "python -m harness tf: no endpoint; pass --endpoint or set AWS_ENDPOINT_URL"
            " (start one with `python -m harness emulator`)",
            file=sys.stderr,
        )
        return 2
    credentials = {k: os.environ.get(k, v) for k, v in DUMMY_CREDENTIALS.items()}
    endpoint = Endpoint(
        Target.EMBEDDED, args.endpoint.rstrip("/"), region=args.region, credentials=credentials
    )
    workdir, command = split_chdir(tf_args, Path.cwd())
    try:
        tf = setup(endpoint, provider=args.terraform_provider, terraform_bin=args.terraform_bin)
    except HarnessError as exc:
        print(f"python -m harness tf: {exc}", file=sys.stderr)
        return 1
    print(process.banner(f"tf: {tf.description}; endpoint {endpoint.url}"), file=sys.stderr)
    print(process.banner(f"tf: hashicorp/aws: {tf.provider.reason}"), file=sys.stderr)
    written = None if args.no_override else endpoint_override.write(workdir, endpoint)
    try:
        code = _stream([*tf.argv, *tf_args], tf.env, Path.cwd())
    finally:
        if written is not None:
            written.unlink(missing_ok=True)
    used = provider_in_use(workdir)
    if used and command[:1] == ["init"]:
        print(process.banner(f"tf: hashicorp/aws is {used}"), file=sys.stderr)
    return code


def _stream(argv: list[str], env: dict[str, str], cwd: Path) -> int:
    """Run Terraform, copying its output to ours as it comes (an apply can take minutes)."""
    with tempfile.TemporaryDirectory(prefix="harness-tf-") as tmp:
        log = Path(tmp) / "terraform.log"
        proc = process.spawn(argv, env=env, cwd=cwd, log_path=log)
        try:
            with log.open("rb") as out:
                while proc.poll() is None:
                    _copy(out)
                    time.sleep(0.1)
                _copy(out)
        except BaseException:  # Ctrl-C: stop Terraform (and its providers) before leaving
            process.stop(proc)
            raise
        return int(proc.returncode)


def _copy(out: BinaryIO) -> None:
    chunk = out.read()
    if chunk:
        sys.stdout.buffer.write(chunk)
        sys.stdout.flush()
