"""The harness's exceptions. Catch ``HarnessError`` to catch them all.

HarnessError
├── CommandError            a subprocess failed
│   ├── CommandNotFound     its executable is not installed or not on PATH
│   └── CommandTimeout      it ran past its timeout and was stopped
├── EmulatorError           the embedded AWS emulator failed to start or answer
├── TargetError             the chosen target (localstack, aws) is unusable or refused
├── ProviderUnavailable     the Terraform provider asked for cannot be installed here
├── ContractError           a deployment breaks the naming and tagging contract
├── AppUpdateError          the shared app-update script could not finish
└── RecordError             a results file cannot be read or written
"""

from __future__ import annotations

from collections.abc import Sequence


class HarnessError(Exception):
    """Base class of every error the harness raises on purpose."""


class CommandError(HarnessError):
    """A command exited with a code outside the accepted set."""

    def __init__(
        self,
        argv: Sequence[str],
        returncode: int | None,
        stderr_tail: str = "",
        message: str | None = None,
    ) -> None:
        self.argv = tuple(argv)
        self.returncode = returncode
        self.stderr_tail = stderr_tail
        text = message or f"command exited with {returncode}"
        detail = f"{text}: {' '.join(self.argv)}"
        if stderr_tail:
            detail += f"\n--- last lines of its output ---\n{stderr_tail}"
        super().__init__(detail)


class CommandNotFound(CommandError):
    """The executable does not exist."""


class CommandTimeout(CommandError):
    """The command ran past its timeout and was terminated."""


class EmulatorError(HarnessError):
    """The embedded emulator could not start, answer or stop."""


class TargetError(HarnessError):
    """The requested target cannot be used (unreachable, refused, wrong account)."""


class ContractError(HarnessError):
    """A deployment does not follow the naming and tagging contract."""


class AppUpdateError(HarnessError):
    """The shared app-update script could not complete."""


class RecordError(HarnessError):
    """A results file is malformed or cannot be written."""


class ProviderUnavailable(HarnessError):
    """The ``hashicorp/aws`` asked for (``--terraform-provider real``) is not installable here."""
