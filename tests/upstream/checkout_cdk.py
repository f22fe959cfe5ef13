"""The seed author's CDK library, taken from a local checkout (never copied into the project).

    stack = author_cdk(tmp_path)    # or pytest.skip naming what to check out

``briancaffey/cdk-django`` is TypeScript; its example app (``src/examples/ecs/index.ts``)
defines the base stack ``ExampleEcsBaseStack`` (stack name ``$BASE_NAME``, default ``dev``)
and the app stack ``ExampleEcsAppStack`` (``$APP_NAME``, default ``alpha``). It has no
``cdk.json``: the author's Makefile runs ``cdk synth --app lib/examples/ecs/index.js`` after
``projen compile``; here ts-node runs the same entry point from the sources with the pinned
toolchain (``cdk/typescript``, linked in as ``node_modules``), type-checked with the
project's own ``tsconfig.dev.json`` (projen's; jsii writes ``tsconfig.json`` only when it
compiles). The entry point reads ``src/examples/ecs/config/<name>.json`` relative to the
working directory: the app runs in the repository's root.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import pytest

from harness import cdk_typescript, profiles
from harness.paths import REPO_ROOT
from harness.profiles.model import Edit
from harness.profiles.source import prepare

AUTHOR_CDK = REPO_ROOT / "profiles" / "author-cdk.toml"
CDK_DJANGO_ENV = "HARNESS_UPSTREAM_CDK_DJANGO"
CDK_DJANGO_REPO = "https://github.com/briancaffey/cdk-django"
CDK_DJANGO_COMMIT = "7decfee"
"""The newest commit of the author's library when #17 was filed (a merge of main); the
profile's ``[source]`` says the same."""

APP_COMMAND = "npx ts-node -P tsconfig.dev.json --prefer-ts-exts src/examples/ecs/index.ts"
BASE_STACK, APP_STACK = "ExampleEcsBaseStack", "ExampleEcsAppStack"
"""None of the profile's edits: at this commit the example synthesizes with aws-cdk-lib 2.275.0
and TypeScript 5.9 as it is (the author pins 2.178.1 and 4.9), and what it needs from the
account comes from the environment (CERTIFICATE_ARN, DOMAIN_NAME, COMPANY_NAME) and from
lookups the CLI answers from the endpoint (the hosted zone, the availability zones). Its custom
resource (HighestPriorityRule, a Lambda-backed Provider) is commented out in ``EcsApp`` here."""


@dataclass(frozen=True, slots=True)
class CdkStack:
    root: Path
    """The exported repository (edits applied, our toolchain linked in): the app's cwd."""
    edits: tuple[Edit, ...]


def cdk_django_checkout() -> Path:
    """The checkout ``HARNESS_UPSTREAM_CDK_DJANGO`` names, or skip saying what to check out."""
    named = os.environ.get(CDK_DJANGO_ENV)
    if not named or not Path(named).is_dir():
        pytest.skip(f"needs a checkout of {CDK_DJANGO_REPO} (commit {CDK_DJANGO_COMMIT}): "
                    f"git clone it and set {CDK_DJANGO_ENV}=DIR")  # fmt: skip
    return Path(named)


def author_cdk(tmp: Path) -> CdkStack:
    """The author's CDK library at :data:`CDK_DJANGO_COMMIT`, exported by its profile
    (``profiles/author-cdk.toml``), ready to synthesize."""
    stack = prepare(profiles.load(AUTHOR_CDK), cdk_django_checkout(), {}, tmp)
    cdk_typescript.link(stack.root)  # installs cdk/typescript first if needed
    return CdkStack(stack.root, stack.applied)
