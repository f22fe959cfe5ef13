"""The plugin-protocol 6 service Terraform talks to: schema, validate, plan, apply, read.

The ``tf`` package supplies the generated protocol stubs and the go-plugin handshake
certificate; the lifecycle logic is ours, so planning follows terraform-plugin-sdk v2
(defaults, unknown computed values, ForceNew as ``requires_replace``) and every state we
send conforms to the declared schema. Results are flagged ``legacy_type_system`` as the
real (SDK v2) provider's are.
"""

from __future__ import annotations

import json
import logging
import traceback
from collections.abc import Callable
from typing import Any

from harness.tfprovider import PROVIDER_VERSION, registry
from harness.tfprovider.context import Context, CreatedButFailed, ProviderError
from harness.tfprovider.plan import plan_create, plan_update, replace_paths
from harness.tfprovider.resource import DataSource, Resource, same_block
from harness.tfprovider.schema import Block, to_pb
from harness.tfprovider.values import UNKNOWN, conform, decode, encode, equal

log = logging.getLogger(__name__)


def _diag(summary: str, detail: str = "") -> Any:
    from tf.gen import tfplugin_pb2 as pb

    return pb.Diagnostic(severity=pb.Diagnostic.ERROR, summary=summary, detail=detail)


def _path(steps: list[Any]) -> Any:
    from tf.gen import tfplugin_pb2 as pb

    return pb.AttributePath(steps=[pb.AttributePath.Step(attribute_name=s) for s in steps])


def guarded(what: str, call: Callable[[], Any]) -> tuple[Any, list[Any]]:
    """Run ``call``; turn any failure into an error diagnostic that names ``what``.

    A :class:`CreatedButFailed` comes back as the value too: its partial state is kept.
    """
    try:
        return call(), []
    except CreatedButFailed as exc:
        return exc, [_diag(f"{what}: {exc.summary}", exc.detail)]
    except ProviderError as exc:
        return None, [_diag(f"{what}: {exc.summary}", exc.detail)]
    except Exception as exc:
        # an API error speaks for itself; anything else is a bug here: show where
        detail = "" if hasattr(exc, "response") else traceback.format_exc(limit=6)
        return None, [_diag(f"{what}: {type(exc).__name__}: {exc}", detail)]


class Servicer:
    """Implements tfplugin6.Provider (registered with the generated ``add_..._to_server``)."""

    def __init__(self, version: str = PROVIDER_VERSION, provider: str = "aws") -> None:
        """``version``: the hashicorp/aws version whose schema the stand-in answers with;
        ``provider="random"`` serves the stand-in hashicorp/random instead."""
        self.ctx = Context()
        self._contexts: dict[str, Context] = {}
        self.provider = provider
        self.provider_schema = registry.PROVIDER_SCHEMA
        if provider == "random":
            from harness.tfrandom.resources import RESOURCES

            self.provider_schema = Block(())
            self.resources: dict[str, type[Resource]] = {c.type_name: c for c in RESOURCES}
            self.data_sources: dict[str, type[DataSource]] = {}
        else:
            self.resources = registry.resources(version)
            self.data_sources = registry.data_sources(version)

    # schema and configuration ---------------------------------------------------------
    def GetMetadata(self, request: Any, context: Any) -> Any:
        from tf.gen import tfplugin_pb2 as pb

        return pb.GetMetadata.Response(
            server_capabilities=pb.ServerCapabilities(
                plan_destroy=True, get_provider_schema_optional=True
            ),
            resources=[pb.GetMetadata.ResourceMetadata(type_name=n) for n in self.resources],
            data_sources=[
                pb.GetMetadata.DataSourceMetadata(type_name=n) for n in self.data_sources
            ],
        )

    def GetProviderSchema(self, request: Any, context: Any) -> Any:
        from tf.gen import tfplugin_pb2 as pb

        return pb.GetProviderSchema.Response(
            provider=to_pb(self.provider_schema),
            provider_meta=pb.Schema(block=pb.Schema.Block()),
            resource_schemas={
                n: to_pb(c.schema, c.schema_version) for n, c in self.resources.items()
            },
            data_source_schemas={n: to_pb(c.schema) for n, c in self.data_sources.items()},
            server_capabilities=pb.ServerCapabilities(
                plan_destroy=True, get_provider_schema_optional=True
            ),
        )

    def ValidateProviderConfig(self, request: Any, context: Any) -> Any:
        from tf.gen import tfplugin_pb2 as pb

        return pb.ValidateProviderConfig.Response()

    def ValidateResourceConfig(self, request: Any, context: Any) -> Any:
        from tf.gen import tfplugin_pb2 as pb

        return pb.ValidateResourceConfig.Response()

    def ValidateDataResourceConfig(self, request: Any, context: Any) -> Any:
        from tf.gen import tfplugin_pb2 as pb

        return pb.ValidateDataResourceConfig.Response()

    def ConfigureProvider(self, request: Any, context: Any) -> Any:
        from tf.gen import tfplugin_pb2 as pb

        config = decode(request.config) or {}
        if self.provider == "random":  # nothing to configure: no API behind it
            return pb.ConfigureProvider.Response()
        # A reattached server is configured by every command: the same configuration keeps
        # its Context, and so its API clients (creating them costs ~0.1 s each).
        key = json.dumps(config, sort_keys=True, default=str)
        known = self._contexts.get(key)
        if known is not None:
            self.ctx = known
            return pb.ConfigureProvider.Response()
        ctx, diags = guarded("configuring the aws provider", lambda: Context.from_config(config))
        if ctx is not None:
            self.ctx = self._contexts[key] = ctx
        return pb.ConfigureProvider.Response(diagnostics=diags)

    def UpgradeResourceState(self, request: Any, context: Any) -> Any:
        from tf.gen import tfplugin_pb2 as pb

        cls = self.resources[request.type_name]
        state = json.loads(request.raw_state.json) if request.raw_state.json else None
        return pb.UpgradeResourceState.Response(upgraded_state=encode(conform(cls.schema, state)))

    # resources ------------------------------------------------------------------------
    def _resource(self, type_name: str) -> Resource:
        return self.resources[type_name](self.ctx)

    def ReadResource(self, request: Any, context: Any) -> Any:
        from tf.gen import tfplugin_pb2 as pb

        res = self._resource(request.type_name)
        prior = decode(request.current_state)
        fresh, diags = guarded(f"reading {request.type_name}", lambda: res.read(dict(prior)))
        if diags:
            return pb.ReadResource.Response(new_state=request.current_state, diagnostics=diags)
        if fresh is not None:
            fresh = conform(res.schema, keep_equivalent(res, prior, fresh))
        return pb.ReadResource.Response(new_state=encode(fresh), private=request.private)

    def PlanResourceChange(self, request: Any, context: Any) -> Any:
        from tf.gen import tfplugin_pb2 as pb

        res = self._resource(request.type_name)
        prior = decode(request.prior_state)
        proposed = decode(request.proposed_new_state)
        if proposed is None:  # destroy
            return pb.PlanResourceChange.Response(
                planned_state=request.proposed_new_state, legacy_type_system=True
            )

        def plan() -> tuple[Any, list[Any]]:
            res.check_supported(proposed)
            if prior is None:
                return res.plan(None, plan_create(res.schema, proposed)), []
            planned = keep_equivalent(res, prior, plan_update(res.schema, prior, proposed))
            planned = res.plan(prior, planned)
            return planned, replace_paths(res.schema, prior, planned)

        result, diags = guarded(f"planning {request.type_name}", plan)
        if diags:
            return pb.PlanResourceChange.Response(diagnostics=diags)
        planned, replace = result
        return pb.PlanResourceChange.Response(
            planned_state=encode(conform(res.schema, planned)),
            requires_replace=[_path(p) for p in replace],
            planned_private=request.prior_private,
            legacy_type_system=True,
        )

    def ApplyResourceChange(self, request: Any, context: Any) -> Any:
        from tf.gen import tfplugin_pb2 as pb

        res = self._resource(request.type_name)
        prior = decode(request.prior_state)
        planned = decode(request.planned_state)
        if planned is None:
            _, diags = guarded(f"deleting {request.type_name}", lambda: res.delete(prior))
            return pb.ApplyResourceChange.Response(
                new_state=request.planned_state if not diags else request.prior_state,
                diagnostics=diags,
                legacy_type_system=True,
            )
        # what the API will compute is still unknown in the plan: resources see it as unset
        wanted = no_unknowns(planned)
        if prior is None:
            new, diags = guarded(f"creating {request.type_name}", lambda: res.create(wanted))
        else:
            new, diags = guarded(f"updating {request.type_name}", lambda: res.update(prior, wanted))
        if diags:
            state = request.prior_state if prior is not None else encode(None)
            partial = getattr(new, "state", None) if isinstance(new, CreatedButFailed) else None
            if partial is not None:  # Terraform keeps it in state, tainted, so it is not leaked
                state = encode(conform(res.schema, no_unknowns(partial)))
            return pb.ApplyResourceChange.Response(
                new_state=state, diagnostics=diags, legacy_type_system=True
            )
        new = conform(res.schema, no_unknowns(keep_equivalent(res, planned, new)))
        return pb.ApplyResourceChange.Response(new_state=encode(new), legacy_type_system=True)

    def ImportResourceState(self, request: Any, context: Any) -> Any:
        from tf.gen import tfplugin_pb2 as pb

        res = self._resource(request.type_name)
        state, diags = guarded(
            f"importing {request.type_name}", lambda: res.read({"id": request.id})
        )
        if state is None and not diags:
            diags = [_diag(f"importing {request.type_name}: {request.id} does not exist")]
        imported = (
            [
                pb.ImportResourceState.ImportedResource(
                    type_name=request.type_name, state=encode(conform(res.schema, state))
                )
            ]
            if state is not None
            else []
        )
        return pb.ImportResourceState.Response(imported_resources=imported, diagnostics=diags)

    def MoveResourceState(self, request: Any, context: Any) -> Any:
        from tf.gen import tfplugin_pb2 as pb

        return pb.MoveResourceState.Response(
            diagnostics=[_diag("the stand-in provider cannot move state")]
        )

    def ReadDataSource(self, request: Any, context: Any) -> Any:
        from tf.gen import tfplugin_pb2 as pb

        cls = self.data_sources[request.type_name]
        config = decode(request.config)
        state, diags = guarded(
            f"reading data.{request.type_name}", lambda: cls(self.ctx).read(config)
        )
        if diags:
            return pb.ReadDataSource.Response(diagnostics=diags)
        return pb.ReadDataSource.Response(state=encode(conform(cls.schema, {**config, **state})))

    def GetFunctions(self, request: Any, context: Any) -> Any:
        from tf.gen import tfplugin_pb2 as pb

        return pb.GetFunctions.Response()

    def CallFunction(self, request: Any, context: Any) -> Any:
        from tf.gen import tfplugin_pb2 as pb

        return pb.CallFunction.Response(
            error=pb.FunctionError(text="the stand-in provider has no functions")
        )

    def StopProvider(self, request: Any, context: Any) -> Any:
        from tf.gen import tfplugin_pb2 as pb

        return pb.StopProvider.Response()


def no_unknowns(value: Any) -> Any:
    """Null where the API left a planned-unknown value unset (Terraform refuses unknowns after apply)."""
    if value is UNKNOWN:
        return None
    if isinstance(value, dict):
        return {k: no_unknowns(v) for k, v in value.items()}
    if isinstance(value, list):
        return [no_unknowns(v) for v in value]
    return value


EMPTY: tuple[Any, ...] = (None, {}, [], "", False)  # SDK v2: a zero value is "unset"


def keep_equivalent(res: Resource, prior: dict[str, Any], fresh: dict[str, Any]) -> dict[str, Any]:
    """Keep prior values where the new one means the same (empty vs null, JSON, ARN forms)."""
    out = dict(fresh)
    for a in res.schema.attributes:
        before, after = prior.get(a.name), fresh.get(a.name)
        if before is UNKNOWN or after is UNKNOWN or equal(a.type, before, after):
            continue
        if (before in EMPTY and after in EMPTY) or res.equivalent(a.name, before, after, fresh):
            out[a.name] = before
    for n in res.schema.blocks:
        if n.nesting != "single" and isinstance(prior.get(n.name), list):
            out[n.name] = _keep_elements(prior[n.name], fresh.get(n.name))
    return out


def _keep_elements(prior: list[Any], fresh: Any) -> Any:
    """Each block read back as its prior self where they differ only by zero vs null: SDK v2
    keeps an unset number, string or bool in a block as its zero value, so both mean unset
    (in a set, a difference would otherwise be a changed element)."""
    if not isinstance(fresh, list):
        return fresh
    return [next((p for p in prior if same_block(p, f)), f) for f in fresh]
