"""``python -m harness emulator``: the embedded emulator for manual use."""

from __future__ import annotations

import argparse
import signal
import sys
import threading

from harness.emulator import Emulator


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--region", default="us-east-1")


def run(args: argparse.Namespace) -> int:
    # SIGTERM (kill, a CI runner's timeout) must stop the server too, as Ctrl-C does.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    with Emulator(region=args.region) as emu:
        print(f"AWS emulator ({emu.engine}) serving at {emu.url}", flush=True)
        print("Point tools at it with:", flush=True)
        for key, value in emu.env().items():
            print(f"  export {key}={value}", flush=True)
        print("Ctrl-C stops it.", flush=True)
        try:
            threading.Event().wait()
        except KeyboardInterrupt:
            print("stopping", file=sys.stderr)
    return 0
