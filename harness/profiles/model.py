"""What a stack profile says, once loaded and checked (``harness.profiles.load`` builds it).

A profile tells the harness how to drive one stack through the lifecycle: which tool, where
its layers are, which inputs (Terraform variables, CDK context) each layer takes and how the
harness fills them, how each strategy and change kind is expressed, and the naming contract
the shared app-update script finds the deployment by. ``docs/profiles.md`` is the reference.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from harness.contract import Contract
from harness.records import ChangeKind, Strategy, Tool


@dataclass(frozen=True, slots=True)
class Edit:
    """Replace ``find`` (which must occur exactly once) by ``replace`` in ``file``."""

    file: str
    find: str
    replace: str
    why: str


@dataclass(frozen=True, slots=True)
class Upstream:
    """Code the project does not contain: a repository at a commit, from a local checkout."""

    repository: str
    commit: str


@dataclass(frozen=True, slots=True)
class GeneratedFile:
    """A file the harness writes into the exported stack before each synthesis of its layer
    (CDK apps that read their inputs from files, e.g. a config JSON per environment)."""

    path: str
    """Relative to the app dir; a template of the layer's placeholders."""
    content: Any
    """A template filled like the inputs and written as JSON."""


@dataclass(frozen=True, slots=True)
class Layer:
    """One layer (``base`` or ``app``) of the stack."""

    dir: str
    """Terraform: the root config, relative to the source root; CDK: the app dir (cdk.json)."""
    inputs: Mapping[str, Any]
    """Input name -> template (see :mod:`harness.profiles.inputs`)."""
    stack: str = ""
    """CDK: the layer's stack name (template)."""
    workspace: str = ""
    """Terraform: the layer's workspace (template; "": the default workspace)."""
    secret_inputs: tuple[str, ...] = ()
    """Terraform: variables given a fresh random value through ``TF_VAR_*`` (never a file)."""
    stack_id: str = ""
    """CDK: the stack's construct id, what the CLI selects it by ("": :attr:`stack`)."""
    environment: Mapping[str, Any] = field(default_factory=dict)
    """CDK: environment variables of the app process (name -> template), for apps that read
    ``process.env`` rather than context."""
    files: tuple[GeneratedFile, ...] = ()
    """CDK: files written into the app dir before each synthesis of this layer."""

    @property
    def selector(self) -> str:
        """CDK: what the CLI is given to select the stack."""
        return self.stack_id or self.stack


@dataclass(frozen=True, slots=True)
class Change:
    """A change kind the stack has: the :class:`~harness.drivers.base.AppSettings` fields it
    turns (``harness/changes.py``), which reach the stack through the app layer's
    ``{settings.FIELD}`` inputs."""

    settings: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Requires:
    """What the stack's user must have made before applying it (:mod:`harness.profiles.requires`)."""

    hosted_zone: str = ""
    """A public Route 53 zone the stack looks up; ``{domain}`` in the inputs."""
    certificate: str = ""
    """The domain of an ACM certificate the stack uses; ``{certificate_arn}`` in the inputs."""
    images: tuple[str, ...] = ()
    """``REPO:TAG`` images (templates of ``{base}``) the stack runs besides the app's."""


@dataclass(frozen=True, slots=True)
class Profile:
    """One stack, as the harness drives it."""

    path: Path
    name: str
    tool: Tool
    description: str
    tree: str
    """Terraform: the directory copied for each layer instance (holds every layer and the
    modules they reference), relative to the source root."""
    base: Layer
    app: Layer
    strategies: Mapping[Strategy, Mapping[str, Any]]
    """Strategy -> the app-layer inputs that express it."""
    changes: Mapping[ChangeKind, Change]
    contract: Contract
    source: Upstream | None = None
    """None: the stack is in this checkout (paths relative to the repository root)."""
    modules: Mapping[str, Upstream] = field(default_factory=dict)
    """Registry module source -> upstream repository (``--module-source NAME=DIR``)."""
    edits: tuple[Edit, ...] = ()
    requires: Requires | None = None
    envs_per_base: int = 0
    """How many app environments the stack holds on one base at a time (0: any number); the
    comparison runs no more of its cells at once (e.g. hard-coded listener rule priorities)."""
    app_command: str = ""
    """CDK: the app command (``cdk --app``); "": the app dir's ``cdk.json``."""
    sources: tuple[str, ...] = ()
    """CDK: globs (relative to the app dir) of the app's own sources, part of each cached
    assembly's key ("": ours, ``harness.drivers.cdk.APP_SOURCES``)."""

    def layer(self, kind: str) -> Layer:
        return self.base if kind == "base" else self.app

    @property
    def label(self) -> str:
        """What records and the report say ran: the name, and upstream ``repository@commit``."""
        if self.source is None:
            return self.name
        return f"{self.name} ({self.source.repository}@{self.source.commit})"
