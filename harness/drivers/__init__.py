"""Drivers speak to the IaC tools: ``terraform.py`` and ``cdk.py`` implement :class:`base.StackDriver`."""
