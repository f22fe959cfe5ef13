"""A stand-in for Terraform's ``hashicorp/random`` (``random_password``, ``random_string``).

Served by the same plugin process and tfplugin6 service as the stand-in ``hashicorp/aws``
(:mod:`harness.tfprovider`), with its own catalogue of types (:mod:`.resources`); installed
into the same filesystem mirror by :mod:`harness.terraform.install`, so a configuration that
uses ``random_*`` inits offline.
"""

from __future__ import annotations

RANDOM_VERSION = "3.7.2"
"""The hashicorp/random version whose schema the stand-in reproduces (and reports itself as)."""
