"""Templates: parsing (JSON or YAML with short-form tags), parameters, conditions, rules."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from harness.fidelity.cloudformation.errors import ValidationError
from harness.fidelity.cloudformation.intrinsics import Resolver

PSEUDO_PARAMETERS = (
    "AWS::AccountId",
    "AWS::Region",
    "AWS::StackId",
    "AWS::StackName",
    "AWS::Partition",
    "AWS::URLSuffix",
    "AWS::NotificationARNs",
    "AWS::NoValue",
)
SSM_PARAMETER_TYPE = "AWS::SSM::Parameter::Value<"


def parse(body: str) -> dict[str, Any]:
    """The template as plain dicts and lists; YAML short forms (``!Ref``) become long forms."""
    from cfnlint.decode import decode_str

    template, matches = decode_str(body)
    if matches or not isinstance(template, dict):
        detail = "; ".join(str(m.message) for m in matches) if matches else "not a mapping"
        raise ValidationError(f"Template format error: {detail}")
    # cfn-lint returns its own node subclasses; plain values keep copies and diffs cheap.
    plain: dict[str, Any] = json.loads(json.dumps(template, default=str))
    if not isinstance(plain.get("Resources"), dict) or not plain["Resources"]:
        raise ValidationError(
            "Template format error: At least one Resources member must be defined."
        )
    return plain


def parameter_values(
    template: dict[str, Any],
    given: dict[str, str],
    previous: dict[str, str],
    use_previous: set[str],
) -> dict[str, str]:
    """The value of every declared parameter: given, previous (UsePreviousValue) or default."""
    declared: dict[str, Any] = template.get("Parameters", {})
    unknown = set(given) - set(declared)
    if unknown:
        raise ValidationError(f"Parameters: {sorted(unknown)} do not exist in the template")
    values: dict[str, str] = {}
    for name, spec in declared.items():
        if name in use_previous:
            if name not in previous:
                raise ValidationError(f"Parameter {name} has no previous value to use")
            values[name] = previous[name]
        elif name in given:
            values[name] = given[name]
        elif "Default" in spec:
            values[name] = _text(spec["Default"])
        else:
            raise ValidationError(f"Parameters: [{name}] must have values")
        allowed = spec.get("AllowedValues")
        if allowed and values[name] not in [_text(a) for a in allowed]:
            raise ValidationError(f"Parameter '{name}' must be one of AllowedValues")
    return values


def resolve_parameters(
    template: dict[str, Any], values: dict[str, str], ssm_lookup: Callable[[str], str]
) -> dict[str, Any]:
    """Typed parameter values: lists split, SSM parameter types read from Parameter Store."""
    resolved: dict[str, Any] = {}
    for name, spec in template.get("Parameters", {}).items():
        kind, value = str(spec.get("Type", "String")), values[name]
        if kind.startswith(SSM_PARAMETER_TYPE):
            value = ssm_lookup(value)
            kind = kind[len(SSM_PARAMETER_TYPE) : -1]
        if kind.startswith("List<") or kind == "CommaDelimitedList":
            resolved[name] = [v.strip() for v in value.split(",")] if value else []
        else:
            resolved[name] = value
    return resolved


def evaluate_conditions(template: dict[str, Any], resolver: Resolver) -> dict[str, bool]:
    """Every named condition; conditions may refer to each other in any order."""
    pending: dict[str, Any] = dict(template.get("Conditions", {}))
    results = resolver.conditions
    results.clear()
    while pending:
        progressed = False
        for name, expression in list(pending.items()):
            try:
                results[name] = resolver.condition(expression)
            except KeyError:
                continue  # refers to a condition not evaluated yet
            del pending[name]
            progressed = True
        if not progressed:
            raise ValidationError(f"Template error: unresolvable conditions {sorted(pending)}")
    return results


def check_rules(template: dict[str, Any], resolver: Resolver) -> None:
    """Template rules (CDK's CheckBootstrapVersion): a failed assertion refuses the stack."""
    for name, rule in template.get("Rules", {}).items():
        if "RuleCondition" in rule and not resolver.condition(rule["RuleCondition"]):
            continue
        for assertion in rule.get("Assertions", []):
            if not resolver.condition(assertion["Assert"]):
                reason = assertion.get("AssertDescription", f"Rule {name} failed")
                raise ValidationError(reason)


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return ",".join(_text(v) for v in value)
    return str(value)
