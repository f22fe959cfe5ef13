"""SIGINT and SIGTERM stop a run the same way: as a ``KeyboardInterrupt`` in the main thread.

Python's default SIGTERM handler ends the process at once, leaving the tools it started
running and the environments they deploy behind. :func:`stop_on_signals` makes SIGTERM (a
``kill``, a CI runner's timeout, ``docker stop``) behave as Ctrl-C does: the run stops at
the next step, destroys what it created and keeps its records. A second signal while it
cleans up is ignored (said in the log): only SIGKILL abandons the cleanup.

Exit codes follow the shell convention, 128 + the signal's number: 130 after SIGINT, 143
after SIGTERM (:func:`exit_code`).
"""

from __future__ import annotations

import logging
import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType

log = logging.getLogger(__name__)

HANDLED = (signal.SIGINT, signal.SIGTERM)


class Received:
    """Which signal stopped the run (the first one), if any."""

    def __init__(self) -> None:
        self.signal: signal.Signals | None = None

    def exit_code(self) -> int | None:
        """128 + the signal number (130 for SIGINT, 143 for SIGTERM), or None."""
        return None if self.signal is None else 128 + int(self.signal)


@contextmanager
def stop_on_signals() -> Iterator[Received]:
    """Within the block, SIGINT and SIGTERM raise ``KeyboardInterrupt`` once in the main
    thread; later ones are logged and ignored so the cleanup can finish."""
    received = Received()
    if threading.current_thread() is not threading.main_thread():
        yield received  # signal handlers can only be set from the main thread
        return

    def handler(signum: int, frame: FrameType | None) -> None:
        if received.signal is not None:
            log.warning(
                "%s again: still destroying what the run created (SIGKILL abandons it, "
                "leaving resources behind)",
                signal.Signals(signum).name,
            )
            return
        received.signal = signal.Signals(signum)
        log.warning("%s: stopping the run at its next step", received.signal.name)
        raise KeyboardInterrupt

    previous = {sig: signal.signal(sig, handler) for sig in HANDLED}
    try:
        yield received
    finally:
        for sig, old in previous.items():
            signal.signal(sig, old)
