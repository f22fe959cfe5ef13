"""Route 53 records, and SES domain identities with their DKIM tokens (verified through them)."""

from __future__ import annotations

from typing import Any, ClassVar

from harness.tfprovider.context import ProviderError
from harness.tfprovider.resource import Resource, State
from harness.tfprovider.resources.common import REGION, not_found
from harness.tfprovider.resources.data_lookups import zone_name
from harness.tfprovider.resources.timeouts import timeouts
from harness.tfprovider.schema import (
    BOOL,
    NUMBER,
    STRING,
    STRING_SET,
    STRINGS,
    block,
    comp,
    nested,
    opt,
    optc,
    req,
)

QUOTED = ("TXT", "SPF")
"""Types whose values AWS holds in double quotes; the provider adds and strips them."""


class Route53Record(Resource):
    type_name = "aws_route53_record"
    unsupported: ClassVar[dict[str, str]] = {
        "set_identifier": "routing policies are not implemented",
        "health_check_id": "health checks are not implemented",
        "multivalue_answer_routing_policy": "routing policies are not implemented",
    }
    schema = block(
        optc("id", STRING),
        req("zone_id", STRING, force_new=True),
        req("name", STRING, force_new=True),
        req("type", STRING),
        opt("ttl", NUMBER),
        opt("records", STRING_SET),
        optc("allow_overwrite", BOOL),
        opt("set_identifier", STRING),
        opt("health_check_id", STRING),
        opt("multivalue_answer_routing_policy", BOOL),
        comp("fqdn", STRING),
        nested("alias", "list", req("evaluate_target_health", BOOL), req("name", STRING),
               req("zone_id", STRING), max_items=1),
        timeouts("create", "delete", "update"),
    )  # fmt: skip

    @property
    def route53(self) -> Any:
        return self.ctx.client("route53")

    def _fqdn(self, zone_id: str, name: str) -> str:
        """The record's full name: ``name`` within the zone's domain, as the provider expands it."""
        zone = zone_name(self.route53.get_hosted_zone(Id=zone_id)["HostedZone"]["Name"])
        name = zone_name(name)
        return name if name == zone or name.endswith("." + zone) else f"{name}.{zone}"

    def _record_set(self, state: State, fqdn: str) -> dict[str, Any]:
        rtype = state["type"]
        out: dict[str, Any] = {"Name": fqdn, "Type": rtype}
        if state.get("alias"):
            alias = state["alias"][0]
            out["AliasTarget"] = {"DNSName": alias["name"], "HostedZoneId": alias["zone_id"],
                                  "EvaluateTargetHealth": bool(alias["evaluate_target_health"])}  # fmt: skip
            return out
        values = [f'"{v}"' if rtype in QUOTED and not v.startswith('"') else v
                  for v in state.get("records") or []]  # fmt: skip
        out["TTL"] = int(state.get("ttl") or 0)
        out["ResourceRecords"] = [{"Value": v} for v in values]
        return out

    def _change(self, zone_id: str, action: str, record_set: dict[str, Any]) -> None:
        self.route53.change_resource_record_sets(
            HostedZoneId=zone_id,
            ChangeBatch={"Changes": [{"Action": action, "ResourceRecordSet": record_set}]},
        )

    def create(self, planned: State) -> State:
        fqdn = self._fqdn(planned["zone_id"], planned["name"])
        action = "UPSERT" if planned.get("allow_overwrite") else "CREATE"
        self._change(planned["zone_id"], action, self._record_set(planned, fqdn))
        ident = f"{planned['zone_id']}_{zone_name(planned['name'])}_{planned['type']}"
        return self.read({**planned, "id": ident}) or planned

    def read(self, state: State) -> State | None:
        zone_id, rtype = state["zone_id"], state["type"]
        try:
            fqdn = self._fqdn(zone_id, state["name"])
            found = self.route53.list_resource_record_sets(
                HostedZoneId=zone_id, StartRecordName=fqdn, StartRecordType=rtype, MaxItems="1"
            )["ResourceRecordSets"]
        except Exception as exc:
            if not_found(exc, "NoSuchHostedZone"):
                return None
            raise
        match = [r for r in found if zone_name(r["Name"]) == fqdn and r["Type"] == rtype]
        if not match:
            return None
        record = match[0]
        values = [r["Value"] for r in record.get("ResourceRecords") or []]
        if rtype in QUOTED:
            values = [v[1:-1] if len(v) > 1 and v[0] == v[-1] == '"' else v for v in values]
        alias = record.get("AliasTarget")
        return {
            **state,
            "zone_id": zone_id,
            "name": zone_name(state["name"]),
            "fqdn": fqdn,
            "ttl": record.get("TTL"),
            "records": values or None,
            "alias": [{"name": zone_name(alias["DNSName"]), "zone_id": alias["HostedZoneId"],
                       "evaluate_target_health": alias.get("EvaluateTargetHealth", False)}]
            if alias else [],
        }  # fmt: skip

    def equivalent(self, name: str, prior: Any, fresh: Any, state: State) -> bool:
        return name == "name" and isinstance(prior, str) and zone_name(prior) == fresh

    def update(self, prior: State, planned: State) -> State:
        fqdn = self._fqdn(prior["zone_id"], prior["name"])
        if planned["type"] != prior["type"]:
            self._change(prior["zone_id"], "DELETE", self._record_set(prior, fqdn))
            self._change(prior["zone_id"], "CREATE", self._record_set(planned, fqdn))
        else:
            self._change(prior["zone_id"], "UPSERT", self._record_set(planned, fqdn))
        ident = f"{planned['zone_id']}_{zone_name(planned['name'])}_{planned['type']}"
        return self.read({**planned, "id": ident}) or planned

    def delete(self, state: State) -> None:
        fqdn = self._fqdn(state["zone_id"], state["name"])
        try:
            self._change(state["zone_id"], "DELETE", self._record_set(state, fqdn))
        except Exception as exc:
            if "InvalidChangeBatch" not in str(exc):  # already gone
                raise


class _Ses(Resource):
    @property
    def ses(self) -> Any:
        return self.ctx.client("ses")

    def plan(self, prior: State | None, planned: State) -> State:
        domain = planned.get("domain")
        if isinstance(domain, str) and domain.endswith("."):
            raise ProviderError(f"{self.type_name}.domain: {domain!r} must not end with a period")
        return super().plan(prior, planned)


class SesDomainIdentity(_Ses):
    type_name = "aws_ses_domain_identity"
    schema = block(
        optc("id", STRING), comp("arn", STRING), REGION,
        req("domain", STRING, force_new=True),
        comp("verification_token", STRING),
    )  # fmt: skip

    def create(self, planned: State) -> State:
        self.ses.verify_domain_identity(Domain=planned["domain"])
        return self.read({**planned, "id": planned["domain"]}) or planned

    def read(self, state: State) -> State | None:
        got = self.ses.get_identity_verification_attributes(Identities=[state["id"]])
        attributes = got.get("VerificationAttributes", {}).get(state["id"])
        if not attributes:
            return None
        return {
            **state,
            "domain": state["id"],
            "region": self.ctx.region,
            "arn": f"arn:aws:ses:{self.ctx.region}:{self.ctx.account_id}:identity/{state['id']}",
            "verification_token": attributes.get("VerificationToken"),
        }

    def update(self, prior: State, planned: State) -> State:
        return self.read(planned) or planned

    def delete(self, state: State) -> None:
        self.ses.delete_identity(Identity=state["id"])


class SesDomainDkim(_Ses):
    type_name = "aws_ses_domain_dkim"
    schema = block(
        optc("id", STRING), REGION,
        req("domain", STRING, force_new=True),
        comp("dkim_tokens", STRINGS),
    )  # fmt: skip

    def create(self, planned: State) -> State:
        self.ses.verify_domain_dkim(Domain=planned["domain"])
        return self.read({**planned, "id": planned["domain"]}) or planned

    def read(self, state: State) -> State | None:
        got = self.ses.get_identity_dkim_attributes(Identities=[state["id"]])
        attributes = got.get("DkimAttributes", {}).get(state["id"])
        if not attributes:
            return None
        return {**state, "domain": state["id"], "region": self.ctx.region,
                "dkim_tokens": list(attributes.get("DkimTokens") or [])}  # fmt: skip

    def update(self, prior: State, planned: State) -> State:
        return self.read(planned) or planned

    def delete(self, state: State) -> None:
        return None  # as the real provider: DKIM goes with the identity


RESOURCES: list[type[Resource]] = [Route53Record, SesDomainIdentity, SesDomainDkim]
