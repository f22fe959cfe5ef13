"""Property tests of the harness's pure parts: records, the CloudFormation planner, the stand-in.

No emulator and no tools: hypothesis draws records of any schema version, templates of any
shape of references, and configurations of any stand-in resource type.
"""

from __future__ import annotations

import json
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from harness.fidelity.cloudformation.evaluation import Evaluation
from harness.fidelity.cloudformation.graph import creation_order
from harness.fidelity.cloudformation.model import Resource, Stack
from harness.fidelity.cloudformation.planner import plan
from harness.records import SCHEMA_VERSION, ChangeKind, Phase, Record, Status, Strategy, Tool
from harness.tfprovider import registry
from harness.tfprovider.plan import plan_create, plan_update, replace_paths
from harness.tfprovider.schema import Block
from harness.tfprovider.values import UNKNOWN, conform, equal

# -- records ------------------------------------------------------------------------------
NAMES = st.text("abcdefghijklmnopqrstuvwxyz-", min_size=1, max_size=12)
CALLS = st.dictionaries(NAMES.map(lambda n: f"ecs:{n}"), st.integers(1, 50), max_size=4)
TAGS = st.sampled_from(["v1", "v2", "v3"])

RECORDS = st.builds(
    Record,
    run_id=NAMES,
    tool=st.sampled_from(Tool),
    tool_version=st.text(max_size=20),
    engine=st.text(max_size=20),
    target=st.sampled_from(["embedded", "localstack", "aws"]),
    strategy=st.sampled_from(Strategy),
    change_kind=st.sampled_from(ChangeKind),
    phase=st.sampled_from(Phase),
    status=st.sampled_from(Status),
    duration_s=st.floats(0, 1e4, allow_nan=False),
    env_name=NAMES,
    repetition=st.integers(0, 5),
    step=st.sampled_from(["", "next", "after-app-update", "app", "base"]),
    timings=st.dictionaries(NAMES, st.floats(0, 100, allow_nan=False), max_size=3),
    api_calls=CALLS,
    api_calls_on_behalf=st.dictionaries(st.just("cloudformation"), CALLS.filter(bool), max_size=1),
    error=st.none() | st.text(max_size=30),
    version_before=st.none() | TAGS,
    version_after=st.none() | TAGS,
    versions_after=st.dictionaries(st.sampled_from(["web", "worker", "beat"]), TAGS),
    version_expected=st.none() | TAGS,
    infra_change_applied=st.none() | st.booleans(),
    drift_detected=st.none() | st.booleans(),
    drift=st.lists(NAMES, max_size=3).map(tuple),
)


@given(RECORDS)
def test_any_record_round_trips_through_its_stored_form(record: Record) -> None:
    stored = json.loads(json.dumps(record.to_dict(), sort_keys=True))
    assert Record.from_dict(stored) == record


@given(RECORDS)
def test_any_version_1_record_upgrades_to_what_version_1_measured(record: Record) -> None:
    """Version 1 had one version (web's) and CloudFormation's calls among the tool's own."""
    v1 = record.to_dict() | {"schema_version": 1}
    del v1["versions_after"], v1["api_calls_on_behalf"]
    v1["api_calls"] = dict(record.api_calls) | {
        f"{via}>{call}": n for via, calls in record.api_calls_on_behalf.items()
        for call, n in calls.items()
    }  # fmt: skip
    upgraded = Record.from_dict(v1)
    assert upgraded.schema_version == SCHEMA_VERSION
    web = {"web": record.version_after} if record.version_after is not None else {}
    assert upgraded.versions_after == web
    assert upgraded.api_calls == record.api_calls
    assert upgraded.api_calls_on_behalf == record.api_calls_on_behalf


# -- the CloudFormation planner -------------------------------------------------------------
@st.composite
def templates(draw: st.DrawFn) -> dict[str, Any]:
    """SSM parameters whose values are literals, Refs or Subs of earlier ones (no cycles)."""
    count = draw(st.integers(1, 6))
    resources: dict[str, Any] = {}
    for i in range(count):
        earlier = [f"P{j}" for j in range(i)]
        literal = st.text("abcxyz0123", min_size=1, max_size=8)
        choices = [literal]
        if earlier:
            ref = st.sampled_from(earlier)
            choices += [
                ref.map(lambda r: {"Ref": r}),
                ref.map(lambda r: {"Fn::Sub": f"${{{r}}}-x"}),
            ]
        value = draw(st.one_of(*choices))
        resources[f"P{i}"] = {
            "Type": "AWS::SSM::Parameter",
            "Properties": {"Name": f"/p/{i}", "Type": "String", "Value": value},
        }
    return {"Resources": resources}


def applied(template: dict[str, Any]) -> Stack:
    """A stack as if ``template`` had been applied: each resource's resolved properties kept."""
    stack = Stack("arn:stack/s/1", "s", "123456789012", "us-east-1", template=template)
    for logical_id in creation_order(template["Resources"]):
        evaluation = Evaluation(stack, template, {}, stack.resources)
        properties = evaluation.properties(logical_id)
        stack.resources[logical_id] = Resource(
            logical_id, "AWS::SSM::Parameter", f"phys-{logical_id}", properties, "CREATE_COMPLETE"
        )
    return stack


@given(templates())
def test_applying_a_template_twice_changes_nothing(template: dict[str, Any]) -> None:
    """Diff-based updates: an unchanged template plans no change at all."""
    stack = applied(template)
    assert plan(Evaluation(stack, template, {}, stack.resources), template) == []


@given(templates(), st.data())
def test_an_edited_value_modifies_that_resource_in_place_only(
    template: dict[str, Any], data: st.DataObject
) -> None:
    """SSM Parameter Value updates in place (Name is create-only): the physical id stays, so
    nothing that refers to the edited parameter changes."""
    stack = applied(template)
    target = data.draw(st.sampled_from(sorted(template["Resources"])))
    edited = json.loads(json.dumps(template))
    edited["Resources"][target]["Properties"]["Value"] = "edited-value"
    if template["Resources"][target]["Properties"]["Value"] == "edited-value":
        return
    changes = plan(Evaluation(stack, edited, {}, stack.resources), template)
    assert [(c.action, c.logical_id, c.replacement) for c in changes] == [
        ("Modify", target, "False")
    ]


# -- the stand-in provider's planning -------------------------------------------------------
RESOURCE_TYPES = sorted(registry.resources())


def values_of(type_: Any) -> st.SearchStrategy[Any]:
    if type_ == "string":
        return st.text("abc-_/:0123", max_size=10)
    if type_ == "number":
        return st.integers(-5, 10_000) | st.sampled_from([0.5, 2.25])
    if type_ == "bool":
        return st.booleans()
    kind, inner = type_
    if kind in ("list", "set"):
        return st.lists(
            values_of(inner), max_size=3, unique_by=json.dumps if kind == "set" else None
        )
    if kind == "map":
        return st.dictionaries(st.text("abk", min_size=1, max_size=4), values_of(inner), max_size=3)
    return st.fixed_dictionaries({k: st.none() | values_of(t) for k, t in inner.items()})


def objects_of(block: Block, depth: int = 0) -> st.SearchStrategy[dict[str, Any]]:
    attributes = {a.name: st.none() | values_of(a.type) for a in block.attributes}
    blocks: dict[str, st.SearchStrategy[Any]] = {}
    for n in block.blocks if depth < 2 else ():
        inner = objects_of(n.block, depth + 1)
        blocks[n.name] = st.none() | inner if n.nesting == "single" else st.lists(inner, max_size=2)
    return st.fixed_dictionaries({**attributes, **blocks})


def _known(type_: Any, value: Any) -> Any:
    """What the API would answer for a value the plan left unknown (computed)."""
    if value is not UNKNOWN:
        return value
    if type_ == "string":
        return "computed"
    if type_ == "number":
        return 1
    if type_ == "bool":
        return False
    return {} if type_[0] in ("map", "object") else []


def applied_state(block: Block, planned: dict[str, Any]) -> dict[str, Any]:
    """The state after apply: the create plan with its unknowns answered."""
    state = {a.name: _known(a.type, planned.get(a.name)) for a in block.attributes}
    for n in block.blocks:
        inner = planned.get(n.name)
        if n.nesting == "single":
            state[n.name] = applied_state(n.block, inner) if isinstance(inner, dict) else inner
        else:
            state[n.name] = [applied_state(n.block, i) for i in inner or []]
    return state


@given(st.sampled_from(RESOURCE_TYPES).flatmap(
    lambda name: st.tuples(st.just(name), objects_of(registry.resources()[name].schema))
))  # fmt: skip
def test_a_plan_after_apply_is_empty_for_any_configuration(drawn: tuple[str, Any]) -> None:
    """Terraform proposes the configuration merged with state; when nothing changed since the
    apply, the stand-in plans exactly the state (defaults and normalisation are stable) and
    forces no replacement."""
    name, value = drawn
    schema = registry.resources()[name].schema
    config = conform(schema, value)
    assert config is not None
    state = applied_state(schema, plan_create(schema, config))
    planned = plan_update(schema, state, state)
    changed = [
        a.name for a in schema.attributes if not equal(a.type, state[a.name], planned[a.name])
    ]
    assert changed == []
    assert all(planned[n.name] == state[n.name] for n in schema.blocks)
    assert replace_paths(schema, state, planned) == []
