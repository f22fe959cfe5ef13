"""Conformance of the emulator's CloudFormation (``harness/fidelity/cloudformation``) to AWS.

Small templates deployed through the CloudFormation API. Each test states the behaviour and
its source. Sources:
- CloudFormation User Guide: "Update behaviors of stack resources"
  (using-cfn-updating-stacks-update-behaviors.html), "Update your stack with change sets"
  (using-cfn-updating-stacks-changesets*.html), "Stack status codes"
  (view-stack-events.html#cfn-console-view-stack-data-resources-status-codes), "Get exported
  outputs from a deployed CloudFormation stack" (using-cfn-stack-exports.html), "Intrinsic
  function reference", "Pseudo parameters reference", "DeletionPolicy attribute",
  "Specify existing resources at runtime with CloudFormation-supplied parameter types"
  (SSM parameter types), "Template rules".
- CloudFormation API reference: CreateChangeSet, DescribeChangeSet, ExecuteChangeSet,
  DeleteChangeSet, UpdateStack, ListImports, and the ResourceChange / ResourceChangeDetail types.
- The resource provider schemas (``createOnlyProperties``), as cfn-lint ships them.
"""

from __future__ import annotations

import contextlib
import itertools
import json
import urllib.request
import uuid
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from botocore.exceptions import ClientError, WaiterError

from harness import cfn_wait
from harness.endpoint import Endpoint

# What every test here uses; tests add what else they need. Stack operations are asynchronous
# on AWS and LocalStack: each is waited for (the emulator finishes inside the call).
pytestmark = pytest.mark.services("cloudformation", "ssm", "logs")


def unique(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:8]}"


class Stacks:
    """Deploy templates under unique stack names; every stack is deleted at teardown."""

    def __init__(self, endpoint: Endpoint) -> None:
        self.cf = endpoint.client("cloudformation")
        self.endpoint = endpoint
        self.names: list[str] = []

    def create(self, template: dict[str, Any], name: str | None = None, **kw: Any) -> str:
        name = name or unique("cfn")
        self.names.append(name)
        self.cf.create_stack(StackName=name, TemplateBody=json.dumps(template), **kw)
        cfn_wait.stack(self.cf, name, "create")
        return name

    def update(self, name: str, template: dict[str, Any], **kw: Any) -> None:
        self.cf.update_stack(StackName=name, TemplateBody=json.dumps(template), **kw)
        cfn_wait.stack(self.cf, name, "update")

    def delete(self, name: str) -> str:
        """Delete stack ``name`` and wait; its final status, read through its id."""
        stack_id = str(self.stack(name)["StackId"])
        self.cf.delete_stack(StackName=name)
        return cfn_wait.stack(self.cf, stack_id, "delete")

    def status(self, name: str) -> str:
        return str(self.cf.describe_stacks(StackName=name)["Stacks"][0]["StackStatus"])

    def stack(self, name: str) -> dict[str, Any]:
        return dict(self.cf.describe_stacks(StackName=name)["Stacks"][0])

    def ids(self, name: str) -> dict[str, str]:
        summaries = self.cf.list_stack_resources(StackName=name)["StackResourceSummaries"]
        return {r["LogicalResourceId"]: r["PhysicalResourceId"] for r in summaries}

    def outputs(self, name: str) -> dict[str, str]:
        return {o["OutputKey"]: o["OutputValue"] for o in self.stack(name).get("Outputs", [])}

    def events(self, name: str) -> list[tuple[str, str]]:
        """(logical id, status) oldest first."""
        events = self.cf.describe_stack_events(StackName=name)["StackEvents"]
        return [(e["LogicalResourceId"], e["ResourceStatus"]) for e in reversed(events)]

    def delete_all(self) -> None:
        for name in reversed(self.names):  # importers before exporters: wait for each
            with contextlib.suppress(ClientError, WaiterError):
                self.delete(name)


@pytest.fixture
def stacks(aws_endpoint: Endpoint) -> Iterator[Stacks]:
    helper = Stacks(aws_endpoint)
    try:
        yield helper
    finally:
        helper.delete_all()


def ssm_value(endpoint: Endpoint, name: str) -> str:
    return str(endpoint.client("ssm").get_parameter(Name=name)["Parameter"]["Value"])


def param(name: str, value: Any) -> dict[str, Any]:
    return {
        "Type": "AWS::SSM::Parameter",
        "Properties": {"Name": name, "Type": "String", "Value": value},
    }


def log_group(name: str, retention: int = 7) -> dict[str, Any]:
    return {
        "Type": "AWS::Logs::LogGroup",
        "Properties": {"LogGroupName": name, "RetentionInDays": retention},
    }


# create, events, statuses ---------------------------------------------------------------------
@pytest.mark.localstack_deviation(
    "LocalStack 2026.3.0 stamps consecutive stack events under a millisecond apart (AWS's are distinct at the millisecond precision the CDK CLI sorts by)"
)
def test_create_records_events_and_statuses(stacks: Stacks) -> None:
    """Stack status codes / DescribeStackEvents: a stack goes CREATE_IN_PROGRESS ->
    CREATE_COMPLETE; each resource gets CREATE_IN_PROGRESS then CREATE_COMPLETE events, in
    dependency order (a resource after what it references); events are returned newest first.
    """
    group = unique("/cfn/lg")
    template = {
        "Resources": {
            "Group": log_group(group),
            "Param": param(unique("/cfn/p"), {"Ref": "Group"}),
        }
    }
    name = stacks.create(template)
    assert stacks.status(name) == "CREATE_COMPLETE"
    events = stacks.events(name)
    assert events[0] == (name, "CREATE_IN_PROGRESS")
    assert events[-1] == (name, "CREATE_COMPLETE")
    group_done = events.index(("Group", "CREATE_COMPLETE"))
    assert events.index(("Param", "CREATE_IN_PROGRESS")) > group_done
    stamps = [
        e["Timestamp"] for e in stacks.cf.describe_stack_events(StackName=name)["StackEvents"]
    ]
    # Newest first, and distinct at the millisecond precision clients sort by (the CDK CLI).
    assert all(
        later - earlier >= timedelta(milliseconds=1)
        for later, earlier in itertools.pairwise(stamps)
    )
    newest = stacks.cf.describe_stack_events(StackName=name)["StackEvents"][0]
    assert newest["ResourceStatus"] == "CREATE_COMPLETE"
    assert newest["ResourceType"] == "AWS::CloudFormation::Stack"
    assert stacks.ids(name)["Group"] == group


@pytest.mark.services("ecs")
def test_failed_create_rolls_back_and_deletes_what_was_created(stacks: Stacks) -> None:
    """Stack status codes: when a create fails, CloudFormation rolls back (ROLLBACK_IN_PROGRESS
    -> ROLLBACK_COMPLETE) and deletes the resources it had created."""
    group = unique("/cfn/lg")
    template = {
        "Resources": {
            "Group": log_group(group),
            "Broken": {
                "Type": "AWS::ECS::Service",
                "DependsOn": "Group",
                "Properties": {"Cluster": unique("no-such-cluster"), "TaskDefinition": "nope:1"},
            },
        }
    }
    name = stacks.create(template)
    assert stacks.status(name) == "ROLLBACK_COMPLETE"
    statuses = [s for lid, s in stacks.events(name) if lid == name]
    assert statuses == ["CREATE_IN_PROGRESS", "ROLLBACK_IN_PROGRESS", "ROLLBACK_COMPLETE"]
    assert ("Broken", "CREATE_FAILED") in stacks.events(name)
    logs = stacks.endpoint.client("logs")
    assert logs.describe_log_groups(logGroupNamePrefix=group)["logGroups"] == []


# diff-based updates ------------------------------------------------------------------------
@pytest.mark.services("ecs")
def test_update_leaves_unchanged_resources_alone(stacks: Stacks) -> None:
    """Update behaviors of stack resources: "CloudFormation updates only the resources that
    have changes"; an unchanged resource keeps its physical id and gets no update events
    (aws/copilot-cli#1619 relies on this for ECS services)."""
    template = {
        "Resources": {
            "Cluster": {"Type": "AWS::ECS::Cluster"},
            "Group": log_group(unique("/cfn/lg")),
        }
    }
    name = stacks.create(template)
    before = stacks.ids(name)
    template["Resources"]["Group"]["Properties"]["RetentionInDays"] = 14
    stacks.update(name, template)
    assert stacks.status(name) == "UPDATE_COMPLETE"
    assert stacks.ids(name) == before
    updated = {lid for lid, status in stacks.events(name) if status.startswith("UPDATE_")}
    assert "Cluster" not in updated
    assert "Group" in updated


@pytest.mark.localstack_deviation(
    "LocalStack 2026.3.0 ignores a log group's RetentionInDays, at create and at update"
)
def test_update_in_place_keeps_physical_id_and_applies_the_change(stacks: Stacks) -> None:
    """AWS::Logs::LogGroup RetentionInDays is not create-only ("Update requires: No
    interruption"): the group is updated in place, same name, new retention."""
    group = unique("/cfn/lg")
    name = stacks.create({"Resources": {"Group": log_group(group, 7)}})
    stacks.update(name, {"Resources": {"Group": log_group(group, 30)}})
    assert stacks.ids(name)["Group"] == group
    logs = stacks.endpoint.client("logs")
    assert (
        logs.describe_log_groups(logGroupNamePrefix=group)["logGroups"][0]["retentionInDays"] == 30
    )


@pytest.mark.localstack_deviation(
    "LocalStack 2026.3.0 drops a replaced resource from ListStackResources"
)
def test_create_only_change_replaces_and_propagates_new_ref(stacks: Stacks) -> None:
    """LogGroupName is in AWS::Logs::LogGroup's createOnlyProperties ("Update requires:
    Replacement"): CloudFormation creates the new group, updates what references it (here an
    SSM parameter holding its Ref), and deletes the old group during cleanup
    (UPDATE_COMPLETE_CLEANUP_IN_PROGRESS)."""
    old, new, holder = unique("/cfn/old"), unique("/cfn/new"), unique("/cfn/holder")
    template = {"Resources": {"Group": log_group(old), "Holder": param(holder, {"Ref": "Group"})}}
    name = stacks.create(template)
    holder_id = stacks.ids(name)["Holder"]
    template["Resources"]["Group"] = log_group(new)
    stacks.update(name, template)
    assert stacks.status(name) == "UPDATE_COMPLETE"
    assert stacks.ids(name) == {"Group": new, "Holder": holder_id}
    assert ssm_value(stacks.endpoint, holder) == new
    logs = stacks.endpoint.client("logs")
    assert logs.describe_log_groups(logGroupNamePrefix=old)["logGroups"] == []
    events = stacks.events(name)
    cleanup = events.index((name, "UPDATE_COMPLETE_CLEANUP_IN_PROGRESS"))
    assert events.index(("Group", "DELETE_COMPLETE")) > cleanup
    assert events.index(("Holder", "UPDATE_COMPLETE")) < cleanup


@pytest.mark.services("ecs")
def test_replacement_propagates_get_att_in_dependency_order(stacks: Stacks) -> None:
    """Fn::GetAtt of a replaced resource resolves to the new resource's attribute in every
    resource that uses it, each updated after the resource it depends on (ClusterName is
    create-only for AWS::ECS::Cluster)."""
    first, second, holder = unique("c1"), unique("c2"), unique("/cfn/arn")
    template = {
        "Resources": {
            "Cluster": {"Type": "AWS::ECS::Cluster", "Properties": {"ClusterName": first}},
            "Arn": param(holder, {"Fn::GetAtt": ["Cluster", "Arn"]}),
        },
        "Outputs": {"ClusterArn": {"Value": {"Fn::GetAtt": ["Cluster", "Arn"]}}},
    }
    name = stacks.create(template)
    template["Resources"]["Cluster"]["Properties"]["ClusterName"] = second
    stacks.update(name, template)
    assert ssm_value(stacks.endpoint, holder).endswith(f":cluster/{second}")
    assert stacks.outputs(name)["ClusterArn"].endswith(f":cluster/{second}")
    events = stacks.events(name)
    assert events.index(("Cluster", "UPDATE_COMPLETE")) < events.index(
        ("Arn", "UPDATE_IN_PROGRESS")
    )
    ecs = stacks.endpoint.client("ecs")
    assert ecs.describe_clusters(clusters=[first])["clusters"] in (
        [],
        [{"status": "INACTIVE"}],
    ) or all(c["status"] == "INACTIVE" for c in ecs.describe_clusters(clusters=[first])["clusters"])


@pytest.mark.services("ecs")
def test_failed_update_rolls_back_to_the_previous_state(stacks: Stacks) -> None:
    """Stack status codes: a failed update goes UPDATE_ROLLBACK_IN_PROGRESS ->
    UPDATE_ROLLBACK_COMPLETE_CLEANUP_IN_PROGRESS -> UPDATE_ROLLBACK_COMPLETE; resources
    updated are set back, resources added are deleted, the previous template stays."""
    group, extra = unique("/cfn/lg"), unique("/cfn/extra")
    original = {"Resources": {"Group": log_group(group, 7)}}
    name = stacks.create(original)
    broken = {
        "Resources": {
            "Group": log_group(group, 30),
            "Extra": {**param(extra, "x"), "DependsOn": "Group"},
            "Broken": {
                "Type": "AWS::ECS::Service",
                "DependsOn": "Extra",
                "Properties": {"Cluster": unique("no-such-cluster"), "TaskDefinition": "nope:1"},
            },
        }
    }
    stacks.update(name, broken)
    assert stacks.status(name) == "UPDATE_ROLLBACK_COMPLETE"
    logs = stacks.endpoint.client("logs")
    assert (
        logs.describe_log_groups(logGroupNamePrefix=group)["logGroups"][0]["retentionInDays"] == 7
    )
    with pytest.raises(ClientError):
        ssm_value(stacks.endpoint, extra)
    assert set(stacks.ids(name)) == {"Group"}
    body = stacks.cf.get_template(StackName=name)["TemplateBody"]  # boto3 parses JSON bodies
    assert (json.loads(body) if isinstance(body, str) else dict(body)) == original


def test_update_without_changes_is_refused(stacks: Stacks) -> None:
    """UpdateStack: with nothing to change, CloudFormation answers ValidationError
    "No updates are to be performed."."""
    template = {"Resources": {"Group": log_group(unique("/cfn/lg"))}}
    name = stacks.create(template)
    with pytest.raises(ClientError, match="No updates are to be performed"):
        stacks.update(name, template)


def test_deletion_policy_retain_keeps_the_resource(stacks: Stacks) -> None:
    """DeletionPolicy attribute: Retain keeps the resource when the stack is deleted
    (event DELETE_SKIPPED); the stack ends DELETE_COMPLETE and is found by its id only."""
    group = unique("/cfn/kept")
    template = {"Resources": {"Group": {**log_group(group), "DeletionPolicy": "Retain"}}}
    name = stacks.create(template)
    stack_id = stacks.stack(name)["StackId"]
    assert stacks.delete(name) == "DELETE_COMPLETE"
    with pytest.raises(ClientError, match="does not exist"):
        stacks.cf.describe_stacks(StackName=name)
    logs = stacks.endpoint.client("logs")
    assert logs.describe_log_groups(logGroupNamePrefix=group)["logGroups"]
    assert ("Group", "DELETE_SKIPPED") in stacks.events(stack_id)
    logs.delete_log_group(logGroupName=group)


# intrinsics, parameters, rules -----------------------------------------------------------------
@pytest.mark.services("sts")
def test_intrinsic_functions_and_pseudo_parameters(stacks: Stacks) -> None:
    """Intrinsic function reference and pseudo parameters: Fn::Sub, Fn::Join, Fn::Select,
    Fn::Split, Fn::If with Conditions, Fn::FindInMap, Fn::GetAZs, AWS::Region,
    AWS::AccountId, AWS::StackName; a resource whose Condition is false is not created."""
    prefix = unique("/cfn/fn")
    template = {
        "Parameters": {"Env": {"Type": "String", "Default": "prod"}},
        "Mappings": {"Sizes": {"prod": {"Cpu": "512"}}},
        "Conditions": {
            "IsProd": {"Fn::Equals": [{"Ref": "Env"}, "prod"]},
            "IsDev": {"Fn::Not": [{"Condition": "IsProd"}]},
        },
        "Resources": {
            "Sub": param(
                f"{prefix}/sub", {"Fn::Sub": "${AWS::StackName}-${AWS::Region}-${AWS::AccountId}"}
            ),
            "Join": param(
                f"{prefix}/join",
                {"Fn::Join": ["-", [{"Fn::Select": [1, {"Fn::Split": [",", "a,b,c"]}]}, "x"]]},
            ),
            "If": param(
                f"{prefix}/if",
                {"Fn::If": ["IsProd", {"Fn::FindInMap": ["Sizes", {"Ref": "Env"}, "Cpu"]}, "no"]},
            ),
            "Az": param(f"{prefix}/az", {"Fn::Select": [0, {"Fn::GetAZs": ""}]}),
            "DevOnly": {**param(f"{prefix}/dev", "dev"), "Condition": "IsDev"},
        },
    }
    name = stacks.create(template)
    account = stacks.endpoint.client("sts").get_caller_identity()["Account"]
    region = stacks.endpoint.region
    assert ssm_value(stacks.endpoint, f"{prefix}/sub") == f"{name}-{region}-{account}"
    assert ssm_value(stacks.endpoint, f"{prefix}/join") == "b-x"
    assert ssm_value(stacks.endpoint, f"{prefix}/if") == "512"
    assert ssm_value(stacks.endpoint, f"{prefix}/az") == f"{region}a"
    assert "DevOnly" not in stacks.ids(name)


def test_ssm_parameter_type_and_use_previous_value(stacks: Stacks) -> None:
    """SSM parameter types: a parameter of type AWS::SSM::Parameter::Value<String> holds a
    Parameter Store name and resolves to its value (DescribeStacks shows ResolvedValue), as
    CDK's BootstrapVersion parameter does. UpdateStack Parameters UsePreviousValue reuses the
    value the stack had."""
    source, target = unique("/cfn/src"), unique("/cfn/dst")
    ssm = stacks.endpoint.client("ssm")
    ssm.put_parameter(Name=source, Value="21", Type="String")
    template = {
        "Parameters": {
            "Version": {"Type": "AWS::SSM::Parameter::Value<String>"},
            "Tag": {"Type": "String"},
        },
        "Resources": {"Copy": param(target, {"Fn::Sub": "${Version}-${Tag}"})},
    }
    given = [
        {"ParameterKey": "Version", "ParameterValue": source},
        {"ParameterKey": "Tag", "ParameterValue": "a"},
    ]
    name = stacks.create(template, Parameters=given)
    assert ssm_value(stacks.endpoint, target) == "21-a"
    shown = {p["ParameterKey"]: p for p in stacks.stack(name)["Parameters"]}
    assert shown["Version"]["ResolvedValue"] == "21"
    template["Resources"]["Copy"]["Properties"]["Description"] = "changed"
    stacks.update(
        name,
        template,
        Parameters=[
            {"ParameterKey": "Version", "UsePreviousValue": True},
            {"ParameterKey": "Tag", "UsePreviousValue": True},
        ],
    )
    assert stacks.status(name) == "UPDATE_COMPLETE"
    assert ssm_value(stacks.endpoint, target) == "21-a"


@pytest.mark.localstack_deviation("LocalStack 2026.3.0 does not evaluate template Rules")
def test_failed_rule_assertion_refuses_the_template(stacks: Stacks) -> None:
    """Template rules: an assertion that does not hold fails the request with its
    AssertDescription (CDK's CheckBootstrapVersion rule relies on this)."""
    template = {
        "Parameters": {"Version": {"Type": "String", "Default": "3"}},
        "Rules": {
            "Check": {
                "Assertions": [
                    {
                        "Assert": {
                            "Fn::Not": [{"Fn::Contains": [["1", "2", "3"], {"Ref": "Version"}]}]
                        },
                        "AssertDescription": "bootstrap version 6 required",
                    }
                ]
            }
        },
        "Resources": {"Group": log_group(unique("/cfn/lg"))},
    }
    with pytest.raises(ClientError, match="bootstrap version 6 required"):
        stacks.create(template)


@pytest.mark.services("s3")
def test_template_url_on_the_endpoint_and_in_aws_style(stacks: Stacks) -> None:
    """CreateStack TemplateURL: the template is read from S3, whether the URL names the
    emulator (path style on localhost or 127.0.0.1) or AWS's s3.<region>.amazonaws.com host."""
    s3 = stacks.endpoint.client("s3")
    bucket = unique("templates")
    s3.create_bucket(Bucket=bucket)
    body = json.dumps({"Resources": {"Group": log_group(unique("/cfn/url"))}})
    s3.put_object(Bucket=bucket, Key="t.json", Body=body.encode())
    local = stacks.cf.create_stack(
        StackName=unique("url"), TemplateURL=f"{stacks.endpoint.url}/{bucket}/t.json"
    )
    stacks.names.append(local["StackId"])
    assert cfn_wait.stack(stacks.cf, local["StackId"], "create") == "CREATE_COMPLETE"
    body2 = json.dumps({"Resources": {"Group": log_group(unique("/cfn/url"))}})
    s3.put_object(Bucket=bucket, Key="u.json", Body=body2.encode())
    aws_style = f"https://s3.{stacks.endpoint.region}.amazonaws.com/{bucket}/u.json"
    remote = stacks.cf.create_stack(StackName=unique("url"), TemplateURL=aws_style)
    stacks.names.append(remote["StackId"])
    assert cfn_wait.stack(stacks.cf, remote["StackId"], "create") == "CREATE_COMPLETE"
    assert stacks.endpoint.url is not None
    loopback = stacks.endpoint.url.replace("localhost", "127.0.0.1")  # moto misparsed this
    body3 = json.dumps({"Resources": {"Group": log_group(unique("/cfn/url"))}})
    s3.put_object(Bucket=bucket, Key="v.json", Body=body3.encode())
    numeric = stacks.cf.create_stack(
        StackName=unique("url"), TemplateURL=f"{loopback}/{bucket}/v.json"
    )
    stacks.names.append(numeric["StackId"])
    assert cfn_wait.stack(stacks.cf, numeric["StackId"], "create") == "CREATE_COMPLETE"


# outputs and exports ---------------------------------------------------------------------------
def exporter(export: str, value: str) -> dict[str, Any]:
    return {
        "Resources": {"Group": log_group(value)},
        "Outputs": {"Name": {"Value": {"Ref": "Group"}, "Export": {"Name": export}}},
    }


@pytest.mark.localstack_deviation("LocalStack 2026.3.0 lists no importers in ListImports")
def test_exports_are_current_and_imports_resolve(stacks: Stacks) -> None:
    """Exporting stack output values: Fn::ImportValue resolves to another stack's export;
    ListExports and ListImports show the export and who imports it; outputs follow updates."""
    export, group, holder = unique("exp"), unique("/cfn/exp"), unique("/cfn/imp")
    producer = stacks.create(exporter(export, group))
    consumer = stacks.create({"Resources": {"Copy": param(holder, {"Fn::ImportValue": export})}})
    assert ssm_value(stacks.endpoint, holder) == group
    exports = {e["Name"]: e["Value"] for e in stacks.cf.list_exports()["Exports"]}
    assert exports[export] == group
    assert stacks.cf.list_imports(ExportName=export)["Imports"] == [consumer]
    assert stacks.outputs(producer) == {"Name": group}


@pytest.mark.localstack_deviation(
    "LocalStack 2026.3.0 lets an update remove an export another stack imports"
)
def test_an_export_in_use_cannot_be_removed_or_deleted(stacks: Stacks) -> None:
    """Exporting stack output values: "You can't delete a stack if another stack references
    one of its outputs" and "You can't modify or remove an output value that is referenced by
    another stack": the update rolls back, the delete fails (DELETE_FAILED)."""
    export, group = unique("exp"), unique("/cfn/exp")
    producer = stacks.create(exporter(export, group))
    stacks.create({"Resources": {"Copy": param(unique("/cfn/imp"), {"Fn::ImportValue": export})}})
    stacks.update(producer, {"Resources": {"Group": log_group(group)}})
    assert stacks.status(producer) == "UPDATE_ROLLBACK_COMPLETE"
    reasons = [
        e.get("ResourceStatusReason", "")
        for e in stacks.cf.describe_stack_events(StackName=producer)["StackEvents"]
        if e["ResourceStatus"] == "UPDATE_ROLLBACK_IN_PROGRESS"
    ]
    assert any(f"Export {export} cannot be deleted as it is in use by" in r for r in reasons)
    stacks.cf.delete_stack(StackName=producer)
    assert cfn_wait.stack(stacks.cf, producer, "delete") == "DELETE_FAILED"
    stacks.names.remove(producer)
    stacks.names.insert(0, producer)  # delete after its importer at teardown


# change sets -----------------------------------------------------------------------------------
def change_set(stacks: Stacks, name: str, template: dict[str, Any], **kw: Any) -> dict[str, Any]:
    cs_name = unique("cs")
    stacks.cf.create_change_set(
        StackName=name, ChangeSetName=cs_name, TemplateBody=json.dumps(template), **kw
    )
    return cfn_wait.change_set(stacks.cf, name, cs_name)


@pytest.mark.localstack_deviation(
    "LocalStack 2026.3.0 gives no Details for a modified resource in DescribeChangeSet"
)
def test_change_set_reports_add_modify_remove_and_replacement(stacks: Stacks) -> None:
    """DescribeChangeSet / ResourceChange: Action Add, Modify or Remove; Replacement "True"
    for a change to a create-only property, "False" for an in-place change; Details name
    each changed property with RequiresRecreation Always or Never."""
    keep, rename = unique("/cfn/keep"), unique("/cfn/rename")
    template = {
        "Resources": {
            "InPlace": log_group(keep, 7),
            "Replaced": log_group(rename),
            "Gone": param(unique("/cfn/gone"), "x"),
        }
    }
    name = stacks.create(template)
    new = {
        "Resources": {
            "InPlace": log_group(keep, 14),
            "Replaced": log_group(rename + "-2"),
            "Added": param(unique("/cfn/add"), "y"),
        }
    }
    described = change_set(stacks, name, new)
    assert described["Status"] == "CREATE_COMPLETE"
    assert described["ExecutionStatus"] == "AVAILABLE"
    changes = {
        c["ResourceChange"]["LogicalResourceId"]: c["ResourceChange"] for c in described["Changes"]
    }
    assert changes["Added"]["Action"] == "Add"
    assert changes["Gone"]["Action"] == "Remove"
    assert changes["InPlace"]["Action"] == "Modify"
    assert changes["InPlace"]["Replacement"] == "False"
    assert changes["InPlace"]["Details"][0]["Target"] == {
        "Attribute": "Properties",
        "Name": "RetentionInDays",
        "RequiresRecreation": "Never",
    }
    assert changes["Replaced"]["Replacement"] == "True"
    assert changes["Replaced"]["Details"][0]["Target"]["RequiresRecreation"] == "Always"
    assert changes["Replaced"]["PhysicalResourceId"] == rename


@pytest.mark.localstack_deviation(
    "LocalStack 2026.3.0 does not list the dependents of a replaced resource as changes"
)
def test_change_set_reports_dependents_of_a_replacement_as_conditional(stacks: Stacks) -> None:
    """ResourceChangeDetail (CloudFormation API reference): a property whose value depends on a
    resource being replaced is evaluated Dynamic; its ChangeSource says how it refers to it
    (Ref: ResourceReference; Fn::GetAtt: ResourceAttribute); if that property is create-only
    the dependent's Replacement is "Conditional"."""
    first, holder = unique("/cfn/first"), unique("/cfn/h")
    template = {
        "Resources": {
            "Group": log_group(first),
            "Holder": param(holder, {"Ref": "Group"}),
            "ByArn": param(holder + "-arn", {"Fn::GetAtt": ["Group", "Arn"]}),
            "Named": {
                "Type": "AWS::Logs::LogGroup",
                "Properties": {"LogGroupName": {"Fn::Sub": "${Group}-copy"}},
            },
        }
    }
    name = stacks.create(template)
    template["Resources"]["Group"] = log_group(first + "-2")
    changes = {
        c["ResourceChange"]["LogicalResourceId"]: c["ResourceChange"]
        for c in change_set(stacks, name, template)["Changes"]
    }
    assert changes["Group"]["Replacement"] == "True"
    assert changes["Holder"]["Replacement"] == "False"
    assert changes["Holder"]["Details"][0]["Evaluation"] == "Dynamic"
    assert changes["Holder"]["Details"][0]["ChangeSource"] == "ResourceReference"
    assert changes["ByArn"]["Details"][0]["Evaluation"] == "Dynamic"
    assert changes["ByArn"]["Details"][0]["ChangeSource"] == "ResourceAttribute"
    assert changes["Named"]["Replacement"] == "Conditional"


def test_change_set_without_changes_fails_with_cloudformations_reason(stacks: Stacks) -> None:
    """CreateChangeSet with nothing to change: Status FAILED, ExecutionStatus UNAVAILABLE and
    StatusReason "The submitted information didn't contain changes..." (the CDK CLI matches
    this text to skip the deploy)."""
    template = {"Resources": {"Group": log_group(unique("/cfn/lg"))}}
    name = stacks.create(template)
    described = change_set(stacks, name, template)
    assert described["Status"] == "FAILED"
    assert described["ExecutionStatus"] == "UNAVAILABLE"
    assert described["StatusReason"].startswith("The submitted information didn't contain changes.")


@pytest.mark.localstack_deviation(
    "LocalStack 2026.3.0 keeps a stack's other change sets after ExecuteChangeSet"
)
def test_change_sets_are_scoped_to_their_stack_and_removed_on_execute(stacks: Stacks) -> None:
    """Change set names are unique per stack only (two stacks may each have "cdk-deploy");
    after ExecuteChangeSet "CloudFormation removes all change sets associated with the
    stack"; DescribeChangeSet of a change set that does not exist answers ChangeSetNotFound;
    DeleteChangeSet by name under an existing stack succeeds even if the set does not exist
    (the CDK CLI relies on it before every deploy)."""
    template = {"Resources": {"Group": log_group(unique("/cfn/lg"), 7)}}
    one, two = (
        stacks.create(template),
        stacks.create({"Resources": {"Group": log_group(unique("/cfn/lg"))}}),
    )
    changed = {"Resources": {"Group": {**template["Resources"]["Group"]}}}
    changed["Resources"]["Group"]["Properties"] = {
        **template["Resources"]["Group"]["Properties"],
        "RetentionInDays": 14,
    }
    for stack in (one, two):
        body = changed if stack == one else {"Resources": {"Group": log_group(unique("/cfn/lg2"))}}
        stacks.cf.create_change_set(
            StackName=stack, ChangeSetName="cdk-deploy", TemplateBody=json.dumps(body)
        )
        cfn_wait.change_set(stacks.cf, stack, "cdk-deploy")
    stacks.cf.create_change_set(
        StackName=one, ChangeSetName="other", TemplateBody=json.dumps(changed)
    )
    cfn_wait.change_set(stacks.cf, one, "other")
    stacks.cf.execute_change_set(StackName=one, ChangeSetName="cdk-deploy")
    assert cfn_wait.stack(stacks.cf, one, "update") == "UPDATE_COMPLETE"
    assert stacks.cf.list_change_sets(StackName=one)["Summaries"] == []
    with pytest.raises(ClientError) as missing:
        stacks.cf.describe_change_set(StackName=one, ChangeSetName="cdk-deploy")
    assert missing.value.response["Error"]["Code"] == "ChangeSetNotFound"
    assert (
        stacks.cf.describe_change_set(StackName=two, ChangeSetName="cdk-deploy")["Status"]
        == "CREATE_COMPLETE"
    )
    stacks.cf.delete_change_set(StackName=one, ChangeSetName="never-created")
    stacks.cf.delete_change_set(StackName=two, ChangeSetName="cdk-deploy")
    assert stacks.cf.list_change_sets(StackName=two)["Summaries"] == []


def test_create_type_change_set_reviews_then_creates(stacks: Stacks) -> None:
    """CreateChangeSet ChangeSetType CREATE: the stack exists in REVIEW_IN_PROGRESS with no
    resources until the change set is executed; then CREATE_COMPLETE with Outputs."""
    name = unique("review")
    stacks.names.append(name)
    template = {
        "Resources": {"Group": log_group(unique("/cfn/lg"))},
        "Outputs": {"Group": {"Value": {"Ref": "Group"}}},
    }
    stacks.cf.create_change_set(
        StackName=name,
        ChangeSetName="create",
        ChangeSetType="CREATE",
        TemplateBody=json.dumps(template),
    )
    described = cfn_wait.change_set(stacks.cf, name, "create")
    assert stacks.status(name) == "REVIEW_IN_PROGRESS"
    assert stacks.ids(name) == {}
    assert [c["ResourceChange"]["Action"] for c in described["Changes"]] == ["Add"]
    stacks.cf.execute_change_set(StackName=name, ChangeSetName="create")
    assert cfn_wait.stack(stacks.cf, name, "create") == "CREATE_COMPLETE"
    assert "Group" in stacks.outputs(name)


# custom resources -------------------------------------------------------------------------------
@pytest.mark.services("ec2")
@pytest.mark.embedded_only
def test_cdk_restrict_default_security_group_is_done_natively(stacks: Stacks) -> None:
    """Custom::VpcRestrictDefaultSG (CDK feature flag @aws-cdk/aws-ec2:restrictDefaultSecurityGroup,
    in ``cdk init``'s recommended flags): its Lambda removes every ingress and egress rule of
    the VPC's default security group (aws-cdk-lib aws-ec2 README, "Restrict the default
    security group"). The emulator runs no Lambda, so the layer does what the function does."""
    template = {
        "Resources": {
            "Vpc": {"Type": "AWS::EC2::VPC", "Properties": {"CidrBlock": "10.40.0.0/16"}},
            "Restrict": {
                "Type": "Custom::VpcRestrictDefaultSG",
                "Properties": {
                    "ServiceToken": "arn:aws:lambda:us-east-1:123456789012:function:provider",
                    "DefaultSecurityGroupId": {"Fn::GetAtt": ["Vpc", "DefaultSecurityGroup"]},
                    "Account": {"Ref": "AWS::AccountId"},
                },
            },
        }
    }
    name = stacks.create(template)
    assert stacks.status(name) == "CREATE_COMPLETE"
    group = stacks.ids(name)["Restrict"]
    ec2 = stacks.endpoint.client("ec2")
    found = ec2.describe_security_groups(GroupIds=[group])["SecurityGroups"][0]
    assert found["GroupName"] == "default"
    assert found["IpPermissions"] == []
    assert found["IpPermissionsEgress"] == []


@pytest.mark.embedded_only
def test_other_custom_resources_fail_with_a_clear_reason(stacks: Stacks) -> None:
    """Other custom resources run their Lambda (``tests/fidelity/test_lambda_custom_resources.py``);
    one whose ServiceToken names no function fails the stack (rolled back) with the reason the
    Invoke gave (Lambda's ResourceNotFoundException), never a silent fake."""
    template = {
        "Resources": {
            "Thing": {
                "Type": "Custom::Anything",
                "Properties": {"ServiceToken": "arn:aws:lambda:us-east-1:123456789012:function:x"},
            }
        }
    }
    name = stacks.create(template)
    assert stacks.status(name) == "ROLLBACK_COMPLETE"
    reasons = [
        e.get("ResourceStatusReason", "")
        for e in stacks.cf.describe_stack_events(StackName=name)["StackEvents"]
        if e["LogicalResourceId"] == "Thing" and e["ResourceStatus"] == "CREATE_FAILED"
    ]
    assert reasons
    assert reasons[0].startswith("ResourceNotFoundException: Function not found")


def test_delete_succeeds_when_a_resource_was_deleted_outside(stacks: Stacks) -> None:
    """Resource type handler contract (CloudFormation CLI docs, "Handler contract"): a delete
    handler answers NotFound for a resource that no longer exists, and CloudFormation counts
    that as deleted; the stack deletion completes."""
    group = unique("/cfn/gone")
    name = stacks.create(
        {"Resources": {"Group": log_group(group), "Keep": param(unique("/cfn/k"), "x")}}
    )
    stacks.endpoint.client("logs").delete_log_group(logGroupName=group)
    assert stacks.delete(name) == "DELETE_COMPLETE"


def test_moto_reset_forgets_stacks_too() -> None:
    """Emulator hook (not AWS): ``/moto-api/reset`` empties moto's backends, and the stacks
    that pointed into them go too, so a stack name can be deployed again from scratch. Uses
    a private emulator: a reset would wipe the session's."""
    from harness.emulator import Emulator

    with Emulator() as private:
        cf = private.endpoint.client("cloudformation")
        template = json.dumps({"Resources": {"Group": log_group("/cfn/reset")}})
        cf.create_stack(StackName="again", TemplateBody=template)
        request = urllib.request.Request(f"{private.url}/moto-api/reset", method="POST")
        with urllib.request.urlopen(request, timeout=10):
            pass
        assert cf.describe_stacks()["Stacks"] == []
        cf.create_stack(StackName="again", TemplateBody=template)
        assert (
            cf.describe_stacks(StackName="again")["Stacks"][0]["StackStatus"] == "CREATE_COMPLETE"
        )


def test_output_only_change_set_executes_and_updates_outputs(stacks: Stacks) -> None:
    """A template change that touches no resource (an output's value) still makes a change set:
    Status CREATE_COMPLETE with no resource Changes; executing it updates the Outputs
    (only "didn't contain changes" FAILED sets are no-ops, which the CDK CLI skips)."""
    group = unique("/cfn/out")
    template: dict[str, Any] = {
        "Resources": {"Group": log_group(group)},
        "Outputs": {"Name": {"Value": {"Ref": "Group"}}},
    }
    name = stacks.create(template)
    template["Outputs"]["Name"] = {"Value": {"Fn::Join": ["", ["group:", {"Ref": "Group"}]]}}
    described = change_set(stacks, name, template)
    assert described["Status"] == "CREATE_COMPLETE"
    assert described["Changes"] == []
    stacks.cf.execute_change_set(ChangeSetName=described["ChangeSetId"])
    assert cfn_wait.stack(stacks.cf, name, "update") == "UPDATE_COMPLETE"
    assert stacks.outputs(name) == {"Name": f"group:{group}"}


@pytest.mark.services("s3")
@pytest.mark.embedded_only
def test_cdk_auto_delete_objects_empties_the_bucket_on_delete(stacks: Stacks) -> None:
    """Custom::S3AutoDeleteObjects (aws-cdk-lib aws-s3 ``autoDeleteObjects: true``): when the
    stack is deleted its function empties the bucket, if the bucket still carries the tag
    ``aws-cdk:auto-delete-objects=true``, so the bucket itself can be deleted."""
    template = {
        "Resources": {
            "Bucket": {
                "Type": "AWS::S3::Bucket",
                "Properties": {"Tags": [{"Key": "aws-cdk:auto-delete-objects", "Value": "true"}]},
            },
            "AutoDelete": {
                "Type": "Custom::S3AutoDeleteObjects",
                "Properties": {
                    "ServiceToken": "arn:aws:lambda:us-east-1:123456789012:function:provider",
                    "BucketName": {"Ref": "Bucket"},
                },
            },
        }
    }
    name = stacks.create(template)
    bucket = stacks.ids(name)["Bucket"]
    s3 = stacks.endpoint.client("s3")
    s3.put_object(Bucket=bucket, Key="static/app.css", Body=b"body{}")
    assert stacks.delete(name) == "DELETE_COMPLETE"
    assert bucket not in {b["Name"] for b in s3.list_buckets()["Buckets"]}
