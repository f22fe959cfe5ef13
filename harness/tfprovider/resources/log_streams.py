"""CloudWatch Logs: a log stream in a group."""

from __future__ import annotations

from typing import Any

from harness.tfprovider.resource import Resource, State
from harness.tfprovider.resources.common import REGION, not_found
from harness.tfprovider.schema import STRING, block, comp, optc, req


class LogStream(Resource):
    type_name = "aws_cloudwatch_log_stream"
    schema = block(
        optc("id", STRING), comp("arn", STRING), REGION,
        req("log_group_name", STRING, force_new=True),
        req("name", STRING, force_new=True),
    )  # fmt: skip

    @property
    def logs(self) -> Any:
        return self.ctx.client("logs")

    def create(self, planned: State) -> State:
        self.logs.create_log_stream(
            logGroupName=planned["log_group_name"], logStreamName=planned["name"]
        )
        return self.read({**planned, "id": planned["name"]}) or planned

    def read(self, state: State) -> State | None:
        try:
            streams = self.logs.describe_log_streams(
                logGroupName=state["log_group_name"], logStreamNamePrefix=state["id"]
            )["logStreams"]
        except Exception as exc:
            if not_found(exc, "ResourceNotFoundException"):
                return None
            raise
        stream = next((s for s in streams if s["logStreamName"] == state["id"]), None)
        if stream is None:
            return None
        # the provider's ARN drops the ``:*`` the API appends to a group's
        arn = stream.get("arn") or (
            f"arn:aws:logs:{self.ctx.region}:{self.ctx.account_id}:log-group:"
            f"{state['log_group_name']}:log-stream:{state['id']}"
        )
        return {**state, "name": stream["logStreamName"], "arn": arn, "region": self.ctx.region}

    def update(self, prior: State, planned: State) -> State:
        return self.read(planned) or planned

    def delete(self, state: State) -> None:
        try:
            self.logs.delete_log_stream(
                logGroupName=state["log_group_name"], logStreamName=state["id"]
            )
        except Exception as exc:
            if not not_found(exc, "ResourceNotFoundException"):
                raise


RESOURCES: list[type[Resource]] = [LogStream]
