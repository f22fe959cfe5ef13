"""``python -m harness emulator``: the embedded emulator for manual use."""

from __future__ import annotations

import argparse
import signal
import sys
import threading

from harness.emulator import Emulator
from harness.errors import HarnessError


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--region", default="us-east-1")
    parser.add_argument(
        "--port", type=int, default=0, help="port to serve on (default: a free one)"
    )


def run(args: argparse.Namespace) -> int:
    # SIGTERM (kill, a CI runner's timeout) must stop the server too, as Ctrl-C does.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    try:
        emulator = Emulator(region=args.region, port=args.port).start()
    except HarnessError as exc:
        print(f"python -m harness emulator: {exc}", file=sys.stderr)
        return 1
    # The whole block: a Ctrl-C may come as soon as the first line is out.
    try:
        with emulator as emu:
            print(f"AWS emulator ({emu.engine}) serving at {emu.url}", flush=True)
            print("Point tools at it with:", flush=True)
            for key, value in emu.env().items():
                print(f"  export {key}={value}", flush=True)
            print("Ctrl-C stops it.", flush=True)
            threading.Event().wait()
    except KeyboardInterrupt:
        print("stopping", file=sys.stderr)
    return 0
