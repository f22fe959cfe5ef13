"""Sessions: ``nox -s tests`` (what CI runs), ``nox -s compare`` (the comparison), ``nox -s lint``,
``nox -s deep`` (long property-based runs)."""

from __future__ import annotations

import shutil
from pathlib import Path

import nox

nox.options.default_venv_backend = "venv"
nox.options.sessions = ["tests"]

ROOT = Path(__file__).parent
PYPROJECT = nox.project.load_toml(ROOT / "pyproject.toml")


def install(session: nox.Session, *groups: str) -> None:
    session.install("-e", ".", *nox.project.dependency_groups(PYPROJECT, *groups))


def install_node_tools(session: nox.Session) -> None:
    """The pinned CDK CLI (and the Node it runs on) from cdk/package-lock.json."""
    npm = shutil.which("npm")
    if npm is None:
        session.error("npm is needed for the CDK CLI: install Node.js 20+ with npm")
    session.run(npm, "ci", "--no-audit", "--no-fund", "--prefix", str(ROOT / "cdk"), external=True)


@nox.session
def lint(session: nox.Session) -> None:
    """ruff and mypy (strict) on the harness."""
    install(session, "lint")
    session.run("ruff", "check", ".")
    session.run("ruff", "format", "--check", "harness")
    session.run("mypy")


@nox.session
def tests(session: nox.Session) -> None:
    """Lint, the Django app's tests, then the harness's tests and scenarios on the embedded emulator."""
    install(session, "test", "lint")
    install_node_tools(session)
    session.run("ruff", "check", ".")
    session.run("mypy")
    with session.chdir(ROOT / "app"):
        session.run("python", "manage.py", "test", "--noinput")
    session.run("pytest", *(session.posargs or ["-q"]))


@nox.session
def deep(session: nox.Session) -> None:
    """Long property-based runs: many long drawn lifecycle sequences per tool and strategy on
    the real tools, and ten times the examples of the pure property tests."""
    install(session, "test")
    install_node_tools(session)
    targets = ["tests/test_properties.py", "tests/test_documented_model.py"]
    targets.append("scenarios/test_sequences.py")
    session.run("pytest", "-s", "--hypothesis-profile=deep", *(session.posargs or targets))


@nox.session
def compare(session: nox.Session) -> None:
    """The whole comparison on the embedded emulator (or --target ...); results in results/<run-id>/."""
    install(session, "cdk", "report")
    install_node_tools(session)
    session.run("python", "-m", "harness", "compare", *session.posargs)
