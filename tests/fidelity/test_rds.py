"""Conformance: RDS DB instances, where the emulator's fidelity layer (harness/fidelity/rds.py)
changes moto.

AWS, RDS API reference, DBInstance: ``DbiResourceId`` is "the AWS Region-unique, immutable
identifier for the DB instance"; DescribeDBInstances's ``dbi-resource-id`` filter "the
results list only includes information about the DB instances identified by these ARNs"
(Filters, ``dbi-resource-id``). The real hashicorp/aws reads an instance back by this filter.
"""

from __future__ import annotations

import re

import pytest

from harness.emulator import Emulator

pytestmark = pytest.mark.services("rds")


def test_each_db_instance_has_its_own_resource_id_and_the_filter_finds_only_it(
    emulator: Emulator,
) -> None:
    rds = emulator.endpoint.client("rds")
    made = [
        rds.create_db_instance(
            DBInstanceIdentifier=name, Engine="postgres", DBInstanceClass="db.t3.micro",
            MasterUsername="app", MasterUserPassword="not-a-secret-1", AllocatedStorage=20,
        )["DBInstance"]
        for name in ("rdsconf-a", "rdsconf-b")
    ]  # fmt: skip
    try:
        ids = [db["DbiResourceId"] for db in made]
        assert len(set(ids)) == 2
        assert all(re.fullmatch(r"db-[A-Z0-9]{26}", i) for i in ids)
        for db in made:
            found = rds.describe_db_instances(
                Filters=[{"Name": "dbi-resource-id", "Values": [db["DbiResourceId"]]}]
            )["DBInstances"]
            assert [f["DBInstanceIdentifier"] for f in found] == [db["DBInstanceIdentifier"]]
            # immutable: the same id when described again
            assert found[0]["DbiResourceId"] == db["DbiResourceId"]
    finally:
        for db in made:
            rds.delete_db_instance(
                DBInstanceIdentifier=db["DBInstanceIdentifier"], SkipFinalSnapshot=True
            )
