"""The IaC lifecycle comparison harness: Terraform vs. AWS CDK on one Django app on ECS Fargate.

A reading path for a newcomer (``docs/design.md`` has the whole design):

1. ``records``: what a result is, one record per phase of a cell, and how files are read.
2. ``lifecycle``: one cell, phase by phase, through a driver (``drivers.base``) and an
   application side (``app_side``; the real one runs ``app_update``, the shared script;
   ``hotswap`` is CDK's ``cdk deploy --hotswap`` in its place) and ``changes`` (the change
   kinds); ``version_parameter`` is the SSM parameter of the ``ssm-tag`` strategy.
3. ``outcomes`` and ``expectations``: what a cell showed, and the verdict against the docs.
4. ``compare``: a whole run (``compare.run.Run`` hands out bases and cells), the matrix and
   the thread pool; ``cli`` holds the ``python -m harness`` subcommands.
5. ``report``: tables from records alone, rendered as Markdown, HTML and charts.
6. The outside world: ``process`` (every subprocess), ``drivers.terraform`` / ``drivers.cdk``,
   ``emulator`` and ``fidelity`` (the embedded AWS endpoint), ``tfprovider`` (the stand-in
   ``hashicorp/aws``), ``contract`` and ``contract_checks`` (the naming rules both follow).
7. When things go wrong: ``signals`` (SIGINT and SIGTERM stop a run cleanly), ``recovery``
   (locks and stacks an interrupted run left), ``errors`` (the exception tree).
"""

from __future__ import annotations

__version__ = "0.1.0"
