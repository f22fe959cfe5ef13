"""Unit tests (no emulator) of the CloudFormation layer's pure parts: intrinsic functions,
templates, dependency order and replacement semantics. Behaviour per the CloudFormation User
Guide's "Intrinsic function reference" and the provider schemas cfn-lint ships."""

from __future__ import annotations

from typing import Any

import pytest

from harness.fidelity.cloudformation import graph, schema, template
from harness.fidelity.cloudformation.errors import ValidationError
from harness.fidelity.cloudformation.intrinsics import UNKNOWN, Resolver, is_unknown


def resolver(refs: dict[str, Any], atts: dict[tuple[str, str], Any] | None = None) -> Resolver:
    return Resolver(
        ref=lambda name: refs[name],
        get_att=lambda lid, attr: (atts or {})[(lid, attr)],
        conditions={"Yes": True, "No": False},
        mappings={"M": {"k": {"v": "mapped"}}},
        import_value=lambda name: f"imported-{name}",
        azs=lambda region: ["r-a", "r-b"],
    )


def test_sub_with_refs_attributes_literals_and_variables() -> None:
    r = resolver({"Name": "app"}, {("Db", "Endpoint.Address"): "db.host"})
    assert (
        r.resolve({"Fn::Sub": "${Name}:${Db.Endpoint.Address}:${!Literal}"})
        == "app:db.host:${Literal}"
    )
    assert r.resolve({"Fn::Sub": ["${X}-${Name}", {"X": "x"}]}) == "x-app"


def test_no_value_removes_keys_and_list_items() -> None:
    from harness.fidelity.cloudformation.intrinsics import NO_VALUE

    r = resolver({"AWS::NoValue": NO_VALUE})
    value = {"A": {"Ref": "AWS::NoValue"}, "B": [1, {"Fn::If": ["No", 2, {"Ref": "AWS::NoValue"}]}]}
    assert r.resolve(value) == {"B": [1]}


def test_functions_compose() -> None:
    r = resolver({})
    value = {
        "Fn::Join": [
            "/",
            [{"Fn::Select": [1, {"Fn::GetAZs": ""}]}, {"Fn::FindInMap": ["M", "k", "v"]}],
        ]
    }
    assert r.resolve(value) == "r-b/mapped"
    assert r.resolve({"Fn::ImportValue": "vpc"}) == "imported-vpc"
    assert r.resolve({"Fn::Cidr": ["10.0.0.0/16", 2, 8]}) == ["10.0.0.0/24", "10.0.1.0/24"]
    assert r.condition({"Fn::And": [{"Condition": "Yes"}, {"Fn::Not": [{"Condition": "No"}]}]})


def test_unknown_values_spread_through_functions() -> None:
    """A value a change set cannot know yet makes everything built from it unknown."""
    r = resolver({"New": UNKNOWN})
    assert r.resolve({"Fn::Join": ["", ["a", {"Ref": "New"}]]}) is UNKNOWN
    assert r.resolve({"Fn::Sub": "${New}-x"}) is UNKNOWN
    assert is_unknown(r.resolve({"A": [{"Ref": "New"}]}))


def test_undefined_condition_is_a_template_error() -> None:
    with pytest.raises(ValidationError, match="Unresolved condition"):
        resolver({}).resolve({"Fn::If": ["Missing", 1, 2]})


def test_yaml_short_forms_parse_to_long_forms() -> None:
    body = "Resources:\n  A:\n    Type: AWS::SNS::Topic\n    Properties:\n      TopicName: !Sub '${AWS::StackName}-t'\n"
    parsed = template.parse(body)
    assert parsed["Resources"]["A"]["Properties"]["TopicName"] == {"Fn::Sub": "${AWS::StackName}-t"}


def test_template_without_resources_is_refused() -> None:
    with pytest.raises(ValidationError, match="At least one Resources member"):
        template.parse('{"Resources": {}}')


def test_dependencies_come_from_ref_getatt_sub_and_depends_on() -> None:
    resources = {
        "C": {"Type": "T", "Properties": {"X": {"Fn::Sub": "${B.Arn}"}}, "DependsOn": ["A"]},
        "B": {"Type": "T", "Properties": {"X": {"Ref": "A"}}},
        "A": {"Type": "T"},
    }
    assert graph.dependencies(resources) == {"C": {"A", "B"}, "B": {"A"}, "A": set()}
    assert graph.creation_order(resources) == ["A", "B", "C"]
    resources["A"]["DependsOn"] = "C"
    with pytest.raises(ValidationError, match="Circular dependency"):
        graph.creation_order(resources)


def test_create_only_properties_come_from_the_provider_schemas() -> None:
    assert "ContainerDefinitions" in schema.create_only_properties("AWS::ECS::TaskDefinition")
    assert "TaskDefinition" not in schema.create_only_properties("AWS::ECS::Service")
    assert schema.replacing_properties(
        "AWS::ECS::Service",
        {"Cluster": "a", "DesiredCount": 1},
        {"Cluster": "b", "DesiredCount": 2},
        {"Cluster", "DesiredCount"},
    ) == {"Cluster"}
    assert schema.primary_identifiers("AWS::EC2::Subnet") == {"SubnetId"}


def test_drift_detection_covers_the_types_cloudformation_lists() -> None:
    """ "Resource type support": drift detection checks AWS resource types, not custom
    resources or nested stacks (DetectStackDrift "doesn't detect drift on any nested stacks")."""
    from harness.fidelity.cloudformation.drift import checked_on_aws

    assert checked_on_aws("AWS::IAM::Role")
    assert checked_on_aws("AWS::ECS::Service")
    assert not checked_on_aws("Custom::HighestPriorityRule")
    assert not checked_on_aws("AWS::CloudFormation::CustomResource")
    assert not checked_on_aws("AWS::CloudFormation::Stack")


def test_change_source_says_how_a_value_refers_to_what_changed() -> None:
    """ResourceChangeDetail.ChangeSource: Ref -> ResourceReference, Fn::GetAtt ->
    ResourceAttribute, Ref to a parameter -> ParameterReference, an edited value ->
    DirectModification."""
    from harness.fidelity.cloudformation.planner import _source

    params = {"Env"}
    assert _source({"Ref": "Group"}, False, params) == "ResourceReference"
    assert _source({"Fn::GetAtt": ["Group", "Arn"]}, False, params) == "ResourceAttribute"
    assert _source({"Fn::Sub": "${Group.Arn}-x"}, False, params) == "ResourceAttribute"
    assert _source({"Fn::Sub": "${Group}-x"}, False, params) == "ResourceReference"
    assert _source({"Ref": "Env"}, False, params) == "ParameterReference"
    assert _source("literal", True, params) == "DirectModification"
