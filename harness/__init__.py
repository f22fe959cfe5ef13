"""The IaC lifecycle comparison harness: Terraform vs. AWS CDK on one Django app on ECS Fargate."""

from __future__ import annotations

__version__ = "0.1.0"
