"""Where the harness's own files are: the one place that knows the repository's layout."""

from __future__ import annotations

from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
HCL_ROOT = REPO_ROOT / "terraform"
"""The Terraform stack (modules and the base / app root configs)."""
CDK_DIR = REPO_ROOT / "cdk"
"""The CDK app and the pinned CDK CLI (``cdk/node_modules``)."""
APP_DIR = REPO_ROOT / "app"
"""The Django application that is deployed."""
COMMANDS_FILE = APP_DIR / "commands.json"
"""The app's container commands, read by both stacks."""
