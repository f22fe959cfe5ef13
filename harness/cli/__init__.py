"""Subcommands of ``python -m harness``: each module has ``add_arguments`` and ``run``."""
