"""Intrinsic functions and condition functions, resolved as CloudFormation resolves them.

A :class:`Resolver` turns a template fragment into plain values. Values that cannot be
known yet (the attribute of a resource a change set would replace) resolve to
:data:`UNKNOWN`, which spreads through every function that uses it: that is how a change
set tells a static change from a dynamic one.
"""

from __future__ import annotations

import base64
import ipaddress
import json
import re
from collections.abc import Callable
from typing import Any

from harness.fidelity.cloudformation.errors import ValidationError


class _Sentinel:
    def __init__(self, name: str) -> None:
        self.name = name

    def __repr__(self) -> str:
        return self.name


UNKNOWN: Any = _Sentinel("UNKNOWN")
NO_VALUE: Any = _Sentinel("NO_VALUE")

_SUB_VAR = re.compile(r"\$\{([^}]*)\}")

RefFn = Callable[[str], Any]
AttFn = Callable[[str, str], Any]


def is_unknown(value: Any) -> bool:
    """Whether ``value`` holds anything not yet known."""
    if value is UNKNOWN:
        return True
    if isinstance(value, dict):
        return any(is_unknown(v) for v in value.values())
    if isinstance(value, list):
        return any(is_unknown(v) for v in value)
    return False


class Resolver:
    """Resolve intrinsics against parameters, conditions, mappings, resources and exports."""

    def __init__(
        self,
        *,
        ref: RefFn,
        get_att: AttFn,
        conditions: dict[str, bool],
        mappings: dict[str, Any],
        import_value: Callable[[str], Any],
        azs: Callable[[str], list[str]],
    ) -> None:
        self._ref = ref
        self._get_att = get_att
        self.conditions = conditions
        self._mappings = mappings
        self._import_value = import_value
        self._azs = azs

    def resolve(self, value: Any) -> Any:
        if isinstance(value, list):
            items = [self.resolve(v) for v in value]
            return [v for v in items if v is not NO_VALUE]
        if not isinstance(value, dict):
            return value
        if len(value) == 1:
            ((key, arg),) = value.items()
            if key == "Ref" or key.startswith("Fn::"):
                return self._function(key, arg)
        resolved = {k: self.resolve(v) for k, v in value.items()}
        return {k: v for k, v in resolved.items() if v is not NO_VALUE}

    def condition(self, value: Any) -> bool:
        """Evaluate a condition expression (Fn::Equals, Fn::And, ...; Condition: name)."""
        if isinstance(value, dict) and list(value) == ["Condition"]:
            return self.conditions[value["Condition"]]
        result = self.resolve(value)
        if isinstance(result, str):
            return result.lower() == "true"
        return bool(result)

    # functions ---------------------------------------------------------------------------
    def _function(self, key: str, arg: Any) -> Any:
        handler = _FUNCTIONS.get(key)
        if handler is None:
            raise ValidationError(f"Template format error: Unrecognized function {key!r}")
        return handler(self, arg)

    def _fn_ref(self, arg: Any) -> Any:
        return self._ref(str(self.resolve(arg)))

    def _fn_get_att(self, arg: Any) -> Any:
        if isinstance(arg, str):
            logical_id, _, attribute = arg.partition(".")
        else:
            logical_id, attribute = self.resolve(arg[0]), self.resolve(arg[1])
        return self._get_att(logical_id, attribute)

    def _fn_join(self, arg: Any) -> Any:
        sep, items = self.resolve(arg[0]), self.resolve(arg[1])
        if is_unknown(items):
            return UNKNOWN
        return sep.join(_text(i) for i in items)

    def _fn_select(self, arg: Any) -> Any:
        index, items = self.resolve(arg[0]), self.resolve(arg[1])
        if is_unknown(items) or index is UNKNOWN:
            return UNKNOWN
        try:
            return items[int(index)]
        except (IndexError, ValueError) as exc:
            raise ValidationError(f"Template error: Fn::Select cannot select {index}") from exc

    def _fn_split(self, arg: Any) -> Any:
        sep, text = self.resolve(arg[0]), self.resolve(arg[1])
        return UNKNOWN if text is UNKNOWN else text.split(sep)

    def _fn_sub(self, arg: Any) -> Any:
        if isinstance(arg, str):
            text, variables = arg, {}
        else:
            text, variables = arg[0], self.resolve(arg[1])
        unknown = False

        def replace(match: re.Match[str]) -> str:
            nonlocal unknown
            name = match.group(1)
            if name.startswith("!"):
                return "${" + name[1:] + "}"
            if name in variables:
                value = variables[name]
            elif "." in name:
                value = self._get_att(*name.split(".", 1))
            else:
                value = self._ref(name)
            if value is UNKNOWN:
                unknown = True
                return ""
            return _text(value)

        result = _SUB_VAR.sub(replace, text)
        return UNKNOWN if unknown else result

    def _fn_if(self, arg: Any) -> Any:
        name, then, otherwise = arg
        if name not in self.conditions:
            raise ValidationError(f"Template format error: Unresolved condition {name} in Fn::If")
        return self.resolve(then if self.conditions[name] else otherwise)

    def _fn_find_in_map(self, arg: Any) -> Any:
        name, top, second = (self.resolve(a) for a in arg[:3])
        try:
            return self._mappings[name][top][second]
        except KeyError as exc:
            raise ValidationError(
                f"Template error: Unable to get mapping for {name}::{top}::{second}"
            ) from exc

    def _fn_get_azs(self, arg: Any) -> Any:
        return self._azs(self.resolve(arg) or "")

    def _fn_import_value(self, arg: Any) -> Any:
        name = self.resolve(arg)
        return UNKNOWN if name is UNKNOWN else self._import_value(name)

    def _fn_base64(self, arg: Any) -> Any:
        text = self.resolve(arg)
        return UNKNOWN if text is UNKNOWN else base64.b64encode(text.encode()).decode()

    def _fn_cidr(self, arg: Any) -> Any:
        block, count, bits = (self.resolve(a) for a in arg)
        network = ipaddress.ip_network(block, strict=False)
        prefix = network.max_prefixlen - int(bits)
        return [str(n) for n in list(network.subnets(new_prefix=prefix))[: int(count)]]

    def _fn_length(self, arg: Any) -> Any:
        items = self.resolve(arg)
        return UNKNOWN if is_unknown(items) else len(items)

    def _fn_to_json_string(self, arg: Any) -> Any:
        value = self.resolve(arg)
        return UNKNOWN if is_unknown(value) else json.dumps(value, separators=(",", ":"))

    def _fn_equals(self, arg: Any) -> Any:
        left, right = self.resolve(arg[0]), self.resolve(arg[1])
        return _text(left) == _text(right)

    def _fn_and(self, arg: Any) -> Any:
        return all(self.condition(a) for a in arg)

    def _fn_or(self, arg: Any) -> Any:
        return any(self.condition(a) for a in arg)

    def _fn_not(self, arg: Any) -> Any:
        return not self.condition(arg[0])

    def _fn_contains(self, arg: Any) -> Any:
        items, value = self.resolve(arg[0]), self.resolve(arg[1])
        return _text(value) in [_text(i) for i in items]

    def _fn_each_member_in(self, arg: Any) -> Any:
        items, allowed = self.resolve(arg[0]), self.resolve(arg[1])
        return all(_text(i) in [_text(a) for a in allowed] for i in items)


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


_FUNCTIONS: dict[str, Callable[[Resolver, Any], Any]] = {
    "Ref": Resolver._fn_ref,
    "Fn::GetAtt": Resolver._fn_get_att,
    "Fn::Join": Resolver._fn_join,
    "Fn::Select": Resolver._fn_select,
    "Fn::Split": Resolver._fn_split,
    "Fn::Sub": Resolver._fn_sub,
    "Fn::If": Resolver._fn_if,
    "Fn::FindInMap": Resolver._fn_find_in_map,
    "Fn::GetAZs": Resolver._fn_get_azs,
    "Fn::ImportValue": Resolver._fn_import_value,
    "Fn::Base64": Resolver._fn_base64,
    "Fn::Cidr": Resolver._fn_cidr,
    "Fn::Length": Resolver._fn_length,
    "Fn::ToJsonString": Resolver._fn_to_json_string,
    "Fn::Equals": Resolver._fn_equals,
    "Fn::And": Resolver._fn_and,
    "Fn::Or": Resolver._fn_or,
    "Fn::Not": Resolver._fn_not,
    "Fn::Contains": Resolver._fn_contains,
    "Fn::EachMemberIn": Resolver._fn_each_member_in,
}
