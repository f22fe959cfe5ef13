"""The differential suite's state normalisation, on recorded-shape values (no emulator)."""

from __future__ import annotations

from datetime import UTC, datetime

from tests.differential.state import differences, field_differences, normalise


def test_ids_arn_suffixes_dns_names_and_times_are_replaced() -> None:
    one = {
        "VpcId": "vpc-658da9de16f3f2421",
        "Assoc": "vpc-cidr-assoc-9532249ff817a8314",
        "LoadBalancerArn": "arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/web/94e913fea4ecbcde",
        "DNSName": "web-1234567890.us-east-1.elb.amazonaws.com",
        "CreatedTime": datetime(2026, 12, 1, tzinfo=UTC),
        "When": datetime(2026, 12, 1, tzinfo=UTC),
    }
    other = {
        "VpcId": "vpc-0000000000000abcd",
        "Assoc": "vpc-cidr-assoc-00000000000000000",
        "LoadBalancerArn": "arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/web/0123456789abcdef",
        "DNSName": "web-42.us-east-1.elb.amazonaws.com",
        "When": datetime(2027, 1, 1, tzinfo=UTC),
    }
    assert normalise(one) == normalise(other)
    assert normalise(one)["VpcId"] == "<vpc>"


def test_what_a_configuration_chose_is_kept() -> None:
    a = normalise({"Tags": [{"Key": "env", "Value": "a"}], "GroupName": "web"})
    b = normalise({"Tags": [{"Key": "env", "Value": "b"}], "GroupName": "web"})
    assert a != b
    assert normalise([3, 1, 2]) == normalise([2, 3, 1]), "AWS's order is not compared"


def test_differences_name_the_kind_and_both_sides() -> None:
    found = differences({"vpcs": [{"CidrBlock": "10.0.0.0/16"}]}, {"vpcs": []})
    assert len(found) == 1
    assert found[0].startswith("vpcs:")
    assert "10.0.0.0/16" in found[0]
    assert differences({"vpcs": [1]}, {"vpcs": [1]}) == []


def test_field_differences_pair_objects_by_name_and_name_the_field() -> None:
    real = {"ecs": [{"serviceName": "web", "desiredCount": 1}, {"serviceName": "api", "x": 1}]}
    standin = {"ecs": [{"serviceName": "api", "x": 1}, {"serviceName": "web", "desiredCount": 2}]}
    (found,) = field_differences(real, standin)
    assert (found.kind, found.identity, found.path) == ("ecs", "serviceName=web", "desiredCount")
    assert (found.real, found.standin) == (1, 2)
    assert "desiredCount: real=1 stand-in=2" in str(found)
