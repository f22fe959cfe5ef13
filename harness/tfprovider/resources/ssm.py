"""SSM Parameter Store: ``data "aws_ssm_parameter"``, how the ``ssm-tag`` strategy reads the image tag.

The pipeline writes the parameter; the configuration only reads it, at plan time (a data source
with no managed dependencies is read during plan). As in hashicorp/aws, ``value`` is sensitive
and ``insecure_value`` is the same value unmarked, for parameters that are not SecureString.
"""

from __future__ import annotations

from dataclasses import replace

from harness.tfprovider.resource import DataSource, State
from harness.tfprovider.schema import BOOL, NUMBER, STRING, block, comp, opt, optc, req

_VALUE = replace(comp("value", STRING), sensitive=True)


class SsmParameter(DataSource):
    type_name = "aws_ssm_parameter"
    schema = block(
        optc("id", STRING), optc("region", STRING), req("name", STRING),
        opt("with_decryption", BOOL),
        comp("arn", STRING), comp("type", STRING), _VALUE, comp("insecure_value", STRING),
        comp("version", NUMBER),
    )  # fmt: skip

    def read(self, config: State) -> State:
        decrypt = config.get("with_decryption") is not False  # the provider's default: true
        found = self.ctx.client("ssm").get_parameter(Name=config["name"], WithDecryption=decrypt)
        p = found["Parameter"]
        secure = p["Type"] == "SecureString"
        return {
            "id": p["Name"],
            "region": self.ctx.region,
            "name": p["Name"],
            "with_decryption": decrypt,
            "arn": p["ARN"],
            "type": p["Type"],
            "value": p["Value"],
            "insecure_value": None if secure else p["Value"],
            "version": p["Version"],
        }


DATA_SOURCES: list[type[DataSource]] = [SsmParameter]
