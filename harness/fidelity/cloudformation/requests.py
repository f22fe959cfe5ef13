"""Reading CloudFormation requests: templates (body, S3 URL or previous), parameters, tags."""

from __future__ import annotations

import uuid
from typing import Any
from urllib.parse import unquote, urlparse

from harness.fidelity.cloudformation import template as templates
from harness.fidelity.cloudformation.errors import ValidationError
from harness.fidelity.cloudformation.handlers.aws_api import client
from harness.fidelity.cloudformation.model import Stack


def template_body(params: dict[str, Any], account: str, region: str, stack: Stack | None) -> str:
    """The template text of a request: TemplateBody, TemplateURL, or UsePreviousTemplate."""
    body, url = params.get("TemplateBody"), params.get("TemplateURL")
    previous = bool(params.get("UsePreviousTemplate"))
    if previous and (body or url):
        raise ValidationError(
            "You cannot specify both usePreviousTemplate and Template Body/Template URL."
        )
    if previous:
        if stack is None:
            raise ValidationError("UsePreviousTemplate can only be used with an existing stack")
        return stack.template_body
    if body:
        return str(body)
    if url:
        return _fetch(str(url), account, region)
    raise ValidationError("Either Template URL or Template Body must be specified.")


def _fetch(url: str, account: str, region: str) -> str:
    """Read a template from S3, whatever the URL's style (virtual-hosted, path, any host)."""
    parsed = urlparse(url)
    host, path = parsed.hostname or "", unquote(parsed.path.lstrip("/"))
    if ".s3." in host or host.endswith(".s3.amazonaws.com"):
        bucket, key = host.split(".s3", 1)[0], path
    else:
        bucket, _, key = path.partition("/")
    try:
        answer = client("s3", account, region).get_object(Bucket=bucket, Key=key)
    except Exception as exc:
        raise ValidationError(f"TemplateURL must be a supported URL: {url} ({exc})") from exc
    return str(answer["Body"].read().decode())


def given_parameters(params: dict[str, Any]) -> tuple[dict[str, str], set[str]]:
    """Values given, and the names marked UsePreviousValue."""
    values: dict[str, str] = {}
    previous: set[str] = set()
    for item in params.get("Parameters") or []:
        key = item["ParameterKey"]
        if item.get("UsePreviousValue"):
            previous.add(key)
        elif "ParameterValue" in item:
            values[key] = item["ParameterValue"]
        else:
            raise ValidationError(f"Parameter {key} needs a value or UsePreviousValue")
    return values, previous


def tags(params: dict[str, Any]) -> list[dict[str, str]]:
    return [{"Key": t["Key"], "Value": t["Value"]} for t in params.get("Tags") or []]


def ssm_lookup(account: str, region: str) -> Any:
    def lookup(name: str) -> str:
        try:
            answer = client("ssm", account, region).get_parameter(Name=name)
        except Exception as exc:
            raise ValidationError(
                f"Unable to fetch parameters [{name}] from parameter store for this account."
            ) from exc
        return str(answer["Parameter"]["Value"])

    return lookup


def load(
    params: dict[str, Any], account: str, region: str, stack: Stack | None
) -> tuple[str, dict[str, Any], dict[str, str], dict[str, Any]]:
    """(body, template, parameter values, resolved parameters) of a create/update request."""
    body = template_body(params, account, region, stack)
    template = templates.parse(body)
    given, use_previous = given_parameters(params)
    previous = stack.parameters if stack is not None else {}
    values = templates.parameter_values(template, given, previous, use_previous)
    resolved = templates.resolve_parameters(template, values, ssm_lookup(account, region))
    return body, template, values, resolved


REQUIRES_IAM = ("AWS::IAM::",)


def check_capabilities(template: dict[str, Any], capabilities: list[str]) -> None:
    """IAM resources need CAPABILITY_IAM, named ones CAPABILITY_NAMED_IAM (as CloudFormation)."""
    from harness.fidelity.cloudformation.errors import InsufficientCapabilities

    named = iam = False
    for spec in template["Resources"].values():
        if str(spec.get("Type", "")).startswith(REQUIRES_IAM):
            iam = True
            props = spec.get("Properties", {})
            named = named or any(
                k in props for k in ("RoleName", "UserName", "GroupName", "ManagedPolicyName")
            )
    needed = "CAPABILITY_NAMED_IAM" if named else "CAPABILITY_IAM" if iam else None
    if needed == "CAPABILITY_NAMED_IAM" and needed not in capabilities:
        raise InsufficientCapabilities(f"Requires capabilities : [{needed}]")
    if needed == "CAPABILITY_IAM" and not {"CAPABILITY_IAM", "CAPABILITY_NAMED_IAM"} & set(
        capabilities
    ):
        raise InsufficientCapabilities(f"Requires capabilities : [{needed}]")


def where(resp: Any) -> tuple[str, str]:
    """Account and region of a request, as moto determined them."""
    return str(resp.current_account), str(resp.region)


def params(resp: Any) -> dict[str, Any]:
    """The request's parameters, parsed by moto with the API's model."""
    return dict(resp.params or {})


def new_stack(account: str, region: str, p: dict[str, Any]) -> Stack:
    name = p["StackName"]
    return Stack(
        stack_id=f"arn:aws:cloudformation:{region}:{account}:stack/{name}/{uuid.uuid4()}",
        name=name,
        account=account,
        region=region,
        tags=tags(p),
        capabilities=list(p.get("Capabilities") or []),
        notification_arns=list(p.get("NotificationARNs") or []),
        role_arn=p.get("RoleARN"),
        disable_rollback=bool(p.get("DisableRollback")),
        termination_protection=bool(p.get("EnableTerminationProtection")),
    )


def require_updatable(stack: Stack) -> None:
    if stack.status.endswith("_IN_PROGRESS") or stack.status in (
        "ROLLBACK_COMPLETE",
        "CREATE_FAILED",
        "UPDATE_ROLLBACK_FAILED",
    ):
        raise ValidationError(
            f"Stack:{stack.stack_id} is in {stack.status} state and can not be updated."
        )
