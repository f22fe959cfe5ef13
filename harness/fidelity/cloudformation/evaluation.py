"""A template evaluated against one stack: its parameters, conditions, resources and exports."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from harness.fidelity.cloudformation import store
from harness.fidelity.cloudformation.errors import ValidationError
from harness.fidelity.cloudformation.handlers import handler_for
from harness.fidelity.cloudformation.handlers.base import ResourceContext
from harness.fidelity.cloudformation.intrinsics import NO_VALUE, UNKNOWN, Resolver
from harness.fidelity.cloudformation.model import Resource, Stack
from harness.fidelity.cloudformation.template import check_rules, evaluate_conditions


@dataclass
class Evaluation:
    """Resolve a template's fragments for ``stack`` with the resources in ``resources``.

    Resources named in ``unknown`` (to be created or replaced) resolve to UNKNOWN: that is
    what a change set sees before anything runs.
    """

    stack: Stack
    template: dict[str, Any]
    parameters: dict[str, Any]
    resources: dict[str, Resource]
    unknown: set[str] = field(default_factory=set)
    imported: set[str] = field(default_factory=set)

    def __post_init__(self) -> None:
        self.resolver = Resolver(
            ref=self._ref,
            get_att=self._get_att,
            conditions={},
            mappings=self.template.get("Mappings", {}),
            import_value=self._import_value,
            azs=self._azs,
        )
        evaluate_conditions(self.template, self.resolver)
        check_rules(self.template, self.resolver)

    # what the engine asks ----------------------------------------------------------------
    def active_resources(self) -> dict[str, Any]:
        """The template's resources whose Condition holds."""
        return {
            lid: spec
            for lid, spec in self.template["Resources"].items()
            if "Condition" not in spec or self.resolver.conditions[spec["Condition"]]
        }

    def properties(self, logical_id: str) -> dict[str, Any]:
        spec = self.template["Resources"][logical_id]
        resolved: dict[str, Any] = self.resolver.resolve(spec.get("Properties", {}))
        return resolved

    def outputs(self) -> list[dict[str, Any]]:
        """Outputs (with ExportName) whose Condition holds, resolved now."""
        answer = []
        for key, spec in self.template.get("Outputs", {}).items():
            if "Condition" in spec and not self.resolver.conditions[spec["Condition"]]:
                continue
            output: dict[str, Any] = {
                "OutputKey": key,
                "OutputValue": _text(self.resolver.resolve(spec["Value"])),
            }
            if "Description" in spec:
                output["Description"] = spec["Description"]
            if "Export" in spec:
                output["ExportName"] = self.resolver.resolve(spec["Export"]["Name"])
            answer.append(output)
        return answer

    def context(self, logical_id: str, resource_type: str) -> ResourceContext:
        return resource_context(self.stack, logical_id, resource_type)

    # resolver callbacks -----------------------------------------------------------------
    def _ref(self, name: str) -> Any:
        if name in self.parameters:
            return self.parameters[name]
        pseudo = self._pseudo(name)
        if pseudo is not None:
            return pseudo
        if name not in self.template["Resources"]:
            raise ValidationError(
                f"Template format error: Unresolved resource dependencies [{name}] in the"
                " Resources block of the template"
            )
        resource = self.resources.get(name)
        if name in self.unknown or resource is None:
            return UNKNOWN
        return resource.physical_id

    def _get_att(self, logical_id: str, attribute: str) -> Any:
        if logical_id not in self.template["Resources"]:
            raise ValidationError(
                f"Template error: instance of Fn::GetAtt references undefined resource {logical_id}"
            )
        resource = self.resources.get(logical_id)
        if logical_id in self.unknown or resource is None:
            return UNKNOWN
        handler = handler_for(resource.type)
        return handler.get_att(self.context(logical_id, resource.type), resource, attribute)

    def _pseudo(self, name: str) -> Any:
        s = self.stack
        values: dict[str, Any] = {
            "AWS::AccountId": s.account,
            "AWS::Region": s.region,
            "AWS::StackId": s.stack_id,
            "AWS::StackName": s.name,
            "AWS::Partition": "aws",
            "AWS::URLSuffix": "amazonaws.com",
            "AWS::NotificationARNs": list(s.notification_arns),
            "AWS::NoValue": NO_VALUE,
        }
        return values.get(name)

    def _import_value(self, name: str) -> Any:
        exported = store.exports(self.stack.account, self.stack.region)
        if name not in exported:
            raise ValidationError(f"No export named {name} found.")
        self.imported.add(name)
        return exported[name][1]

    def _azs(self, region: str) -> list[str]:
        from moto.ec2.models import ec2_backends

        backend = ec2_backends[self.stack.account][region or self.stack.region]
        return sorted(zone.name for zone in backend.describe_availability_zones())


def resource_context(stack: Stack, logical_id: str, resource_type: str) -> ResourceContext:
    """Where one of ``stack``'s resources lives, for its handler."""
    return ResourceContext(
        stack.account, stack.region, stack.name, stack.stack_id, logical_id, resource_type
    )


def _text(value: Any) -> str:
    if isinstance(value, list):
        return ",".join(str(v) for v in value)
    return "" if value is UNKNOWN else str(value)
