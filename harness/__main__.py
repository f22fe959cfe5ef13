"""``python -m harness``: the harness as a command line.

Subcommands live in their own modules; this file only routes to them, importing each
lazily so ``python -m harness emulator`` does not pay for pandas or jsii.
"""

from __future__ import annotations

import argparse
import importlib
import logging
import sys

from harness.errors import UsageError

USAGE = 2
"""Exit code of a command line that names something unknown (argparse's own code)."""

# subcommand -> (module with add_arguments(parser) and run(args) -> int, help)
COMMANDS: dict[str, tuple[str, str]] = {
    "emulator": ("harness.cli.emulator", "start the embedded AWS emulator and serve until Ctrl-C"),
    "app-update": ("harness.cli.app_update", "the shared app-update script (both tools)"),
    "tf": ("harness.cli.tf", "run Terraform against a target, with the offline provider if needed"),
    "cdk": ("harness.cli.cdk", "run the pinned CDK CLI against a target"),
    "compare": ("harness.cli.compare", "run the comparison matrix and write the report"),
    "bench": (
        "harness.cli.bench",
        "run the matrix and print each phase's median next to its floor",
    ),
    "report": ("harness.cli.report", "build the report from records of one or more runs"),
    "localstack": ("harness.cli.localstack", "run a command against a LocalStack started for it"),
    "sweep": ("harness.cli.sweep", "list (and with --yes remove) what a killed run left behind"),
}


def build_parser() -> tuple[argparse.ArgumentParser, dict[str, object]]:
    parser = argparse.ArgumentParser(prog="python -m harness", description=__doc__.splitlines()[0])
    parser.add_argument("-v", "--verbose", action="store_true", help="debug logging")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    modules: dict[str, object] = {}
    for name, (module_name, help_text) in COMMANDS.items():
        sub_parser = sub.add_parser(name, help=help_text, description=help_text)
        module = importlib.import_module(module_name)
        module.add_arguments(sub_parser)
        modules[name] = module
    return parser, modules


def main(argv: list[str] | None = None) -> int:
    parser, modules = build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.INFO,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    try:
        result: int = modules[args.command].run(args)  # type: ignore[attr-defined]
    except UsageError as exc:  # what argparse does for its own checks
        print(f"{parser.prog} {args.command}: error: {exc}", file=sys.stderr)
        return USAGE
    return result


if __name__ == "__main__":
    sys.exit(main())
