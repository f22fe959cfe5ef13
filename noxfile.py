"""Sessions: ``nox -s tests`` (what CI runs), ``nox -s localstack`` (the AWS-endpoint tests against a
LocalStack started for them; CI runs it too), ``nox -s compare`` (the comparison), ``nox -s bench``
(where its time goes), ``nox -s lint``, ``nox -s deep`` (long property-based runs)."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
from pathlib import Path

import nox

nox.options.default_venv_backend = "venv"
nox.options.sessions = ["tests"]

ROOT = Path(__file__).parent
PYPROJECT = nox.project.load_toml(ROOT / "pyproject.toml")
MIN_NPM = 7
"""npm 7 reads lockfileVersion 3 (cdk/package-lock.json)."""


def install(session: nox.Session, *groups: str) -> None:
    session.install("-e", ".", *nox.project.dependency_groups(PYPROJECT, *groups))


def install_node_tools(session: nox.Session, *, typescript: bool = False) -> None:
    """The pinned CDK CLI (and the Node it runs on) from cdk/package-lock.json, the local Lambda
    runtime's Node 24 and SDK from harness/fidelity/lambda_runtime/node/package-lock.json; with
    ``typescript``, the TypeScript toolchain too (cdk/typescript: ~10 s, 212 MB; elsewhere the
    harness installs it the first time a TypeScript app is synthesized)."""
    npm = shutil.which("npm")
    if npm is None:
        session.error("npm is needed for the CDK CLI: install Node.js 20+ with npm")
    found = subprocess.run([npm, "--version"], capture_output=True, text=True, check=False)
    major = found.stdout.strip().split(".")[0]
    if not major.isdigit() or int(major) < MIN_NPM:
        session.error(
            f"npm {found.stdout.strip() or '(unknown version)'} is too old for "
            f"cdk/package-lock.json (lockfileVersion 3 needs npm {MIN_NPM}+): "
            "install Node.js 20+ with its npm"
        )
    session.run(npm, "ci", "--no-audit", "--no-fund", "--prefix", str(ROOT / "cdk"), external=True)
    # The emulator's local Lambda runtime: Node 24 (nodejs24.x) and the SDK v3 Node.js runtimes bundle.
    lambda_node = ROOT / "harness" / "fidelity" / "lambda_runtime" / "node"
    session.run(npm, "ci", "--no-audit", "--no-fund", "--prefix", str(lambda_node), external=True)
    if typescript:
        prefix = str(ROOT / "cdk" / "typescript")
        session.run(npm, "ci", "--no-audit", "--no-fund", "--prefix", prefix, external=True)


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
    install_node_tools(session, typescript=True)  # tests/test_cdk_typescript.py
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
def matrix(session: nox.Session) -> None:
    """The scenarios of the full strategy x change-kind matrix (the default run has a subset),
    and the sequence machines of every strategy."""
    install(session, "test")
    install_node_tools(session)
    targets = [
        "scenarios/test_lifecycle.py",
        "scenarios/test_sequences.py",
        "scenarios/test_failures.py",
    ]
    session.run("pytest", "-q", "-m", "matrix", *(session.posargs or targets))


@nox.session
def compare(session: nox.Session) -> None:
    """The whole comparison on the embedded emulator (or --target ...); results in results/<run-id>/."""
    install(session, "cdk", "report")
    install_node_tools(session)
    # On Ctrl-C nox by default sends SIGTERM after 0.3 s and SIGKILL 0.2 s later: the run would
    # be killed while it destroys what it deployed. Wait for it to finish cleaning up instead.
    session.run(
        "python", "-m", "harness", "compare", *session.posargs,
        interrupt_timeout=None, terminate_timeout=None,
    )  # fmt: skip


@nox.session
def bench(session: nox.Session) -> None:
    """The comparison, timed: each phase's median next to its floor (AWS-call time plus one
    tool start) and the ratio, and the matrix wall time (``python -m harness bench``)."""
    install(session, "cdk", "report")
    install_node_tools(session)
    session.run("python", "-m", "harness", "bench", *session.posargs)


LOCALSTACK_PYTHON = "3.13"
LOCALSTACK_ENV = ROOT / ".nox" / "localstack-runtime"


@nox.session
def localstack(session: nox.Session) -> None:
    """``pytest -m localstack --target localstack`` against a LocalStack started for it, then stopped.

    The pinned community runtime (pyproject's ``localstack-runtime`` group) is installed into
    an environment of its own on CPython 3.13; ``LOCALSTACK_PYTHON`` names that interpreter
    when it is not found. pytest arguments after ``--`` replace the default ``-q``.
    """
    install(session, "test")
    if not (ROOT / "cdk" / "node_modules" / "aws-cdk").exists():  # `nox -s tests` put it there
        install_node_tools(session)
    runtime = localstack_runtime(session)
    session.run(
        "python",
        "-m",
        "harness",
        "localstack",
        "--python",
        str(runtime),
        "--workdir",
        str(LOCALSTACK_ENV / "run"),
        "--",
        "pytest",
        "-m",
        "localstack",
        "--target",
        "localstack",
        *(session.posargs or ["-q"]),
        env={"HARNESS_LOCALSTACK_PYTHON": str(runtime)},  # for the runtime's own tests
    )


def localstack_runtime(session: nox.Session) -> Path:
    """The runtime environment's Python, (re)installed when the pins changed."""
    pins = nox.project.dependency_groups(PYPROJECT, "localstack-runtime")
    python = LOCALSTACK_ENV / "bin" / "python"
    stamp = LOCALSTACK_ENV / "harness-pins.json"
    wanted = hashlib.sha256(json.dumps(pins).encode()).hexdigest()
    if python.exists() and stamp.exists() and json.loads(stamp.read_text()) == wanted:
        session.log(f"LocalStack runtime up to date in {LOCALSTACK_ENV}")
        return python
    base = find_python(LOCALSTACK_PYTHON)
    if base is None:
        session.error(
            f"the LocalStack runtime needs CPython {LOCALSTACK_PYTHON}: install it (e.g. "
            f"`pyenv install {LOCALSTACK_PYTHON}`, `uv python install {LOCALSTACK_PYTHON}` or "
            f"`apt-get install python{LOCALSTACK_PYTHON}`), or set LOCALSTACK_PYTHON to its path"
        )
    shutil.rmtree(LOCALSTACK_ENV, ignore_errors=True)
    session.run(base, "-m", "venv", str(LOCALSTACK_ENV), external=True)
    session.run(str(python), "-m", "pip", "install", "-q", *pins, external=True)
    stamp.write_text(json.dumps(wanted))
    return python


def find_python(version: str) -> str | None:
    """A working CPython ``version``: ``LOCALSTACK_PYTHON``, PATH, then pyenv's versions.

    pyenv's shim on PATH answers "command not found" for a version that is installed but not
    active, so each candidate is asked for its version before it is used.
    """
    candidates = [os.environ.get("LOCALSTACK_PYTHON", ""), shutil.which(f"python{version}") or ""]
    roots = [os.environ.get("PYENV_ROOT", ""), str(Path.home() / ".pyenv")]
    if shutil.which("pyenv"):
        found = subprocess.run(["pyenv", "root"], capture_output=True, text=True, check=False)
        roots.insert(0, found.stdout.strip())
    for root in filter(None, roots):
        found_here = Path(root).glob(f"versions/{version}*/bin/python{version}")
        candidates += sorted((str(p) for p in found_here), reverse=True)
    candidates.append(f"/usr/bin/python{version}")
    for candidate in filter(None, candidates):
        probe = [candidate, "-c", "import sys; print('%d.%d' % sys.version_info[:2])"]
        try:
            done = subprocess.run(probe, capture_output=True, text=True, timeout=30, check=False)
        except OSError:
            continue
        if done.returncode == 0 and done.stdout.strip() == version:
            return candidate
    return None
@nox.session
def differential(session: nox.Session) -> None:
    """Real hashicorp/aws vs the stand-in on every configuration, the slow ones too
    (``tests/differential``; skipped with a reason where no real provider is installable)."""
    install(session, "test")
    session.run(
        "pytest", "tests/differential", *(session.posargs or ["-q"]),
        env={"HARNESS_DIFFERENTIAL": "deep"},
    )  # fmt: skip

