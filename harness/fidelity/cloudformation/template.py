"""Templates: parsing (JSON or YAML with short-form tags), parameters, conditions, rules."""

from __future__ import annotations

import json
import re
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
    plain = _plain_json(body)
    if plain is None:
        plain = _decoded(body)
    if not isinstance(plain.get("Resources"), dict) or not plain["Resources"]:
        raise ValidationError(
            "Template format error: At least one Resources member must be defined."
        )
    return plain


def _decoded(body: str) -> dict[str, Any]:
    """cfn-lint's decode: YAML first (JSON is YAML), with its errors for what is malformed."""
    from cfnlint.decode import decode_str

    template, matches = decode_str(body)
    if matches or not isinstance(template, dict):
        detail = "; ".join(str(m.message) for m in matches) if matches else "not a mapping"
        raise ValidationError(f"Template format error: {detail}")
    # cfn-lint returns its own node subclasses; plain values keep copies and diffs cheap.
    plain: dict[str, Any] = json.loads(json.dumps(template, default=str))
    return plain


class _NotLikeYaml(ValueError):
    """JSON that cfn-lint's YAML-first decode would read differently, or refuse."""


# YAML 1.1 (PyYAML) reads a number as a float only with a dot, and a signed exponent;
# JSON's 1e3 or 1.5e3 is a string there.
_YAML_FLOAT = re.compile(r"-?[0-9]+\.[0-9]*(?:[eE][-+][0-9]+)?")
# Characters the YAML reader refuses (yaml/reader.py NON_PRINTABLE), and the \u escapes of
# UTF-16 surrogates (JSON pairs them into one character, YAML refuses them).
_YAML_REFUSES = re.compile(
    r"[^\x09\x0A\x0D\x20-\x7E\x85\xA0-\uD7FF\uE000-\uFFFD\U00010000-\U0010FFFF]"
    r"|\\u[dD][89a-fA-F]"
)


def _plain_json(body: str) -> dict[str, Any] | None:
    """A JSON template (CDK synthesizes JSON) read with the json module, or None to leave
    it to :func:`_decoded`: the same values, without cfn-lint's YAML constructors, which
    took seconds of the emulator's CPU per bench. None whenever the two could differ:
    not a JSON object, duplicate keys (cfn-lint refuses them), numbers YAML reads another
    way, characters YAML refuses."""
    if not body.lstrip().startswith("{") or _YAML_REFUSES.search(body):
        return None
    try:
        plain = json.loads(
            body,
            object_pairs_hook=_unique_keys,
            parse_float=_yaml_float,
            parse_constant=_refuse_constant,
        )
    except (ValueError, RecursionError):  # _NotLikeYaml, or not JSON: cfn-lint says why
        return None
    return plain if isinstance(plain, dict) else None


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    mapping = dict(pairs)
    if len(mapping) != len(pairs):
        raise _NotLikeYaml("duplicate keys")
    return mapping


def _yaml_float(text: str) -> float:
    if not _YAML_FLOAT.fullmatch(text):
        raise _NotLikeYaml(f"YAML reads {text} as a string")
    return float(text)


def _refuse_constant(text: str) -> Any:
    raise _NotLikeYaml(f"{text} is not JSON")


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
