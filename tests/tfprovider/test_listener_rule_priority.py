"""``aws_lb_listener_rule`` without ``priority``: hashicorp/aws takes the listener's next free one.

The real provider lists the listener's rules (DescribeRules), creates at highest + 1 and, on
PriorityInUse, computes again: parallel app environments sharing one base listener must both
apply. With ``priority`` given, a clash is an error naming it.
"""

from __future__ import annotations

import threading
import uuid
from collections.abc import Iterator
from typing import Any

import pytest

from harness.endpoint import Endpoint
from harness.tfprovider.context import ProviderError
from harness.tfprovider.resources.elbv2_listeners import ListenerRule

# A VPC, a load balancer and its listener, then rules on it.
pytestmark = pytest.mark.services("ec2", "elbv2", "sts")

PROVIDER = 'provider "aws" {\n  region = "us-east-1"\n}\n'


def rule_block(label: str, path: str, priority: int | None = None) -> str:
    line = f"  priority     = {priority}\n" if priority is not None else ""
    return f"""
resource "aws_lb_listener_rule" "{label}" {{
  listener_arn = var.listener_arn
{line}  action {{
    type = "fixed-response"
    fixed_response {{
      content_type = "text/plain"
      message_body = "{label}"
      status_code  = "200"
    }}
  }}
  condition {{
    path_pattern {{
      values = ["{path}"]
    }}
  }}
}}
"""


def config(*rules: str) -> str:
    return PROVIDER + 'variable "listener_arn" { type = string }\n' + "".join(rules)


@pytest.fixture
def listener(aws_endpoint: Endpoint) -> Iterator[str]:
    """A base ALB listener made with boto3, as the shared base layer would have made it."""
    ec2, elb = aws_endpoint.client("ec2"), aws_endpoint.client("elbv2")
    name = f"t{uuid.uuid4().hex[:8]}"
    vpc = ec2.create_vpc(CidrBlock="10.40.0.0/16")["Vpc"]["VpcId"]
    subnets = [
        ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.40.{i}.0/24", AvailabilityZone=f"us-east-1{z}")[
            "Subnet"
        ]["SubnetId"]
        for i, z in enumerate("ab")
    ]
    lb = elb.create_load_balancer(Name=name, Subnets=subnets)["LoadBalancers"][0]
    arn: str = elb.create_listener(
        LoadBalancerArn=lb["LoadBalancerArn"],
        Protocol="HTTP",
        Port=80,
        DefaultActions=[
            {
                "Type": "fixed-response",
                "FixedResponseConfig": {"ContentType": "text/plain", "StatusCode": "404"},
            }
        ],
    )["Listeners"][0]["ListenerArn"]
    yield arn
    elb.delete_listener(ListenerArn=arn)
    elb.delete_load_balancer(LoadBalancerArn=lb["LoadBalancerArn"])
    for subnet in subnets:
        ec2.delete_subnet(SubnetId=subnet)
    ec2.delete_vpc(VpcId=vpc)


def priorities(endpoint: Endpoint, listener_arn: str) -> list[int]:
    rules = endpoint.client("elbv2").describe_rules(ListenerArn=listener_arn)["Rules"]
    return sorted(int(r["Priority"]) for r in rules if r["Priority"].isdigit())


@pytest.mark.terraform
@pytest.mark.slow
def test_rules_without_priority_in_one_configuration_get_next_free_ones(
    listener: str, tfdir: Any, aws_endpoint: Endpoint
) -> None:
    d = tfdir(listener_arn=listener)
    d.write(config(rule_block("a", "/a/*"), rule_block("b", "/b/*")))
    d.init()
    d.apply()
    got = sorted(d.state(f"aws_lb_listener_rule.{r}")["priority"] for r in "ab")
    assert got == [1, 2], "Optional+Computed: the read-back priority is in state"
    assert priorities(aws_endpoint, listener) == [1, 2]
    assert d.plan_exit() == 0, "a computed priority must not plan a change"


@pytest.mark.terraform
@pytest.mark.slow
def test_concurrent_applies_on_one_listener_both_succeed(
    listener: str, tfdir: Any, aws_endpoint: Endpoint
) -> None:
    dirs = [tfdir(listener_arn=listener) for _ in range(2)]
    for i, d in enumerate(dirs):
        d.write(config(rule_block("app", f"/app{i}/*")))
        d.init()
    errors: list[BaseException] = []

    def apply(d: Any) -> None:
        try:
            d.apply()
        except BaseException as exc:  # reported by the main thread's assertion
            errors.append(exc)

    threads = [threading.Thread(target=apply, args=(d,)) for d in dirs]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=600)
    assert not errors, f"an apply failed: {errors}"
    got = sorted(d.state("aws_lb_listener_rule.app")["priority"] for d in dirs)
    assert got == [1, 2]
    assert priorities(aws_endpoint, listener) == [1, 2]
    assert all(d.plan_exit() == 0 for d in dirs)


@pytest.mark.terraform
@pytest.mark.slow
def test_a_given_priority_is_used_as_is_and_a_clash_names_it(
    listener: str, tfdir: Any, aws_endpoint: Endpoint
) -> None:
    d = tfdir(listener_arn=listener)
    d.write(config(rule_block("a", "/a/*", priority=7)))
    d.init()
    d.apply()
    assert priorities(aws_endpoint, listener) == [7]
    clash = tfdir(listener_arn=listener)
    clash.write(config(rule_block("b", "/b/*", priority=7)))
    clash.init()
    failed = clash.run(
        "apply", "-auto-approve", "-input=false", f"-var=listener_arn={listener}", ok=(1,)
    )
    assert "priority 7 is already in use" in failed.stderr
    assert priorities(aws_endpoint, listener) == [7]


# unit level: the retry itself, deterministically ------------------------------------------


class FakeElb:
    """DescribeRules/CreateRule where another creator takes ``steal`` priorities first."""

    def __init__(self, existing: list[int], steal: int) -> None:
        self.taken, self.steal, self.tried = set(existing), steal, list[int]()

    def describe_rules(self, ListenerArn: str, **_: Any) -> dict[str, Any]:
        rules = [{"Priority": str(p)} for p in sorted(self.taken)] + [{"Priority": "default"}]
        return {"Rules": rules}

    def create_rule(self, Priority: int, **_: Any) -> dict[str, Any]:
        self.tried.append(Priority)
        if self.steal > 0:  # a concurrent apply got there between describe and create
            self.steal -= 1
            self.taken.add(Priority)
        if Priority in self.taken:
            error = Exception("PriorityInUse")
            error.response = {"Error": {"Code": "PriorityInUse"}}  # type: ignore[attr-defined]
            raise error
        self.taken.add(Priority)
        return {"Rules": [{"RuleArn": f"rule/{Priority}"}]}


class FakeRule(ListenerRule):
    def __init__(self, elb: FakeElb) -> None:
        self.fake = elb

    @property
    def elb(self) -> Any:
        return self.fake


ARGS = {"ListenerArn": "arn:listener/x", "Conditions": [], "Actions": []}


def test_next_free_priority_retries_after_priority_in_use(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr("time.sleep", lambda _: None)
    elb = FakeElb(existing=[3, 10], steal=2)
    rule = FakeRule(elb)._create_at_next_free(dict(ARGS))
    assert elb.tried == [11, 12, 13], "highest + 1, recomputed after each PriorityInUse"
    assert rule["RuleArn"] == "rule/13"


def test_next_free_priority_gives_up_after_bounded_attempts(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr("time.sleep", lambda _: None)
    elb = FakeElb(existing=[], steal=1000)
    with pytest.raises(Exception, match="PriorityInUse"):
        FakeRule(elb)._create_at_next_free(dict(ARGS))
    assert len(elb.tried) == 10


def test_given_priority_clash_is_an_error_naming_it() -> None:
    elb = FakeElb(existing=[5], steal=0)
    with pytest.raises(ProviderError, match="priority 5 is already in use"):
        FakeRule(elb)._create_at(dict(ARGS), 5)
    assert elb.tried == [5], "a given priority is never moved"
