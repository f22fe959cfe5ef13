"""Sessions: ``nox -s tests`` (what CI runs), ``nox -s compare`` (the comparison), ``nox -s lint``."""

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
    if not (ROOT / "cdk" / "package-lock.json").exists():
        session.log("cdk/package-lock.json not present yet: CDK CLI not installed")
        return
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
    if (ROOT / "app" / "manage.py").exists():
        with session.chdir(ROOT / "app"):
            session.run("python", "manage.py", "test", "--noinput")
    else:
        session.log("app/manage.py not present yet: no app tests")
    session.run("pytest", *(session.posargs or ["-q"]))


@nox.session
def compare(session: nox.Session) -> None:
    """The whole comparison on the embedded emulator (or --target ...); results in results/<run-id>/."""
    install(session, "cdk", "report")
    install_node_tools(session)
    session.run("python", "-m", "harness", "compare", *session.posargs)


@nox.session
def differential(session: nox.Session) -> None:
    """Real hashicorp/aws vs the stand-in on every configuration, the slow ones too
    (``tests/differential``; skipped with a reason where no real provider is installable)."""
    install(session, "test")
    session.run(
        "pytest", "tests/differential", *(session.posargs or ["-q"]),
        env={"HARNESS_DIFFERENTIAL": "deep"},
    )  # fmt: skip

