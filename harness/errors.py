"""The harness's exceptions. Catch ``HarnessError`` to catch them all.

HarnessError
├── UsageError              a command line names something that does not exist (exit 2)
├── CommandError            a subprocess failed (``harness.process``)
│   ├── CommandNotFound     its executable is not installed or not on PATH
│   │   └── ToolTooOld      it is installed, but older than the harness needs
│   ├── CommandTimeout      it ran past its timeout and was stopped
│   ├── TerraformError      a Terraform command failed, with Terraform's diagnostics
│   │                       (``harness.drivers.terraform``)
│   └── CdkError            a CDK CLI command failed, with the CLI's error (``harness.drivers.cdk``)
├── DriverUnavailable       a tool cannot run here: its pinned CLI is missing
│                           (``harness.compare.drivers``)
├── EmulatorError           the embedded AWS emulator failed to start or answer
│   └── PortInUse           the port asked for is taken by another process
├── TargetError             the chosen target (localstack, aws) is unusable or refused
│   └── FakeResourcesError  a stack reports resources its services do not have (fallbacks)
├── ProviderUnavailable     the Terraform provider asked for cannot be installed here
├── AppUpdateError          the shared app-update script could not finish
├── RecordError             a results file cannot be read or written
├── ResultsError            the results folder cannot be created or written
└── RecoveryError           an environment left by an interrupted run cannot be recovered
    │                       automatically (``harness.recovery``)
    ├── StateLocked         a Terraform state lock held by a live process
    └── StackStuck          a CloudFormation stack that does not leave a failed state

Raised inside the servers the harness starts, and answered there as their protocol's errors
(they never reach a caller of the harness):

- the emulator's CloudFormation (``harness.fidelity.cloudformation.errors``):
  ``CloudFormationError`` (ValidationError, ChangeSetNotFound, AlreadyExists,
  InsufficientCapabilities, InvalidChangeSetStatus), answered as AWS API errors;
  ``ResourceFailed``, a resource handler's failure, shown as a stack event and rolled back;
- the stand-in Terraform provider (``harness.tfprovider.context``): ``ProviderError`` and
  ``CreatedButFailed``, answered as Terraform diagnostics.
"""

from __future__ import annotations

from collections.abc import Sequence


class HarnessError(Exception):
    """Base class of every error the harness raises on purpose."""


class UsageError(HarnessError):
    """A command line names a tool, strategy, change kind, stack or target that does not
    exist, or options that do not go together; ``python -m harness`` exits 2, as argparse."""


class CommandError(HarnessError):
    """A command exited with a code outside the accepted set.

    It carries the tool's own last words: the tails of its stderr and of its stdout
    (Terraform writes its errors to stdout), each shown under its own heading.
    """

    def __init__(
        self,
        argv: Sequence[str],
        returncode: int | None,
        stderr_tail: str = "",
        message: str | None = None,
        *,
        stdout_tail: str = "",
    ) -> None:
        self.argv = tuple(argv)
        self.returncode = returncode
        self.stderr_tail = stderr_tail
        self.stdout_tail = stdout_tail
        text = message or f"command exited with {returncode}"
        detail = f"{text}: {' '.join(self.argv)}"
        if stderr_tail:
            detail += f"\n--- last lines of its stderr ---\n{stderr_tail}"
        if stdout_tail:
            detail += f"\n--- last lines of its stdout ---\n{stdout_tail}"
        super().__init__(detail)


class CommandNotFound(CommandError):
    """The executable does not exist."""


class ToolTooOld(CommandNotFound):
    """The executable exists but is older than the harness (or the stacks) need."""


class CommandTimeout(CommandError):
    """The command ran past its timeout and was terminated."""


class EmulatorError(HarnessError):
    """The embedded emulator could not start, answer or stop."""


class PortInUse(EmulatorError):
    """The port asked for is already taken."""


class TargetError(HarnessError):
    """The requested target cannot be used (unreachable, refused, wrong account)."""


class FakeResourcesError(TargetError):
    """A stack operation "succeeded" with resources that do not exist in their services."""

    def __init__(self, message: str, *, stack: str, logical_ids: tuple[str, ...]) -> None:
        super().__init__(message)
        self.stack = stack
        self.logical_ids = logical_ids


class AppUpdateError(HarnessError):
    """The shared app-update script could not complete."""


class RecordError(HarnessError):
    """A results file is malformed or cannot be written."""


class ProviderUnavailable(HarnessError):
    """The ``hashicorp/aws`` asked for (``--terraform-provider real``) is not installable here."""


class ResultsError(HarnessError):
    """The results folder cannot be created or written (permissions, a file in the way)."""


class RecoveryError(HarnessError):
    """What an interrupted run left behind cannot be recovered without the user."""


class StateLocked(RecoveryError):
    """A Terraform state is locked by a process that is still running."""


class StackStuck(RecoveryError):
    """A CloudFormation stack stays in a state no deploy or destroy can start from."""
