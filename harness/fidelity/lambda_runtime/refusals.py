"""What the local Lambda runtime does not do, refused at CreateFunction with its name.

A known runtime this machine has no interpreter for is not refused here but at Invoke
(:func:`unavailable`): a stack may well create functions it never invokes (CDK's providers of
the custom resources the emulator does natively).

A function that would need one of these would run here without it (moto stores them and
ignores them), so the emulator refuses it instead, in Lambda's own error
(InvalidParameterValueException), naming what is not covered.
"""

from __future__ import annotations

from typing import Any

from harness.fidelity.lambda_runtime import runtimes

NOT_COVERED = "is not covered by the emulator's local Lambda runtime (docs/lambda.md)"

RESERVED = (
    "_HANDLER",
    "_X_AMZN_TRACE_ID",
    "AWS_DEFAULT_REGION",
    "AWS_REGION",
    "AWS_EXECUTION_ENV",
    "AWS_LAMBDA_FUNCTION_NAME",
    "AWS_LAMBDA_FUNCTION_MEMORY_SIZE",
    "AWS_LAMBDA_FUNCTION_VERSION",
    "AWS_LAMBDA_INITIALIZATION_TYPE",
    "AWS_LAMBDA_LOG_GROUP_NAME",
    "AWS_LAMBDA_LOG_STREAM_NAME",
    "AWS_ACCESS_KEY",
    "AWS_ACCESS_KEY_ID",
    "AWS_SECRET_ACCESS_KEY",
    "AWS_SESSION_TOKEN",
    "AWS_LAMBDA_RUNTIME_API",
    "LAMBDA_TASK_ROOT",
    "LAMBDA_RUNTIME_DIR",
)
"""Reserved keys ("Defined runtime environment variables": "Lambda reserves these keys")."""


def refusal(spec: dict[str, Any]) -> str | None:
    """Why ``spec`` (a CreateFunction or UpdateFunctionConfiguration body) is refused, or None."""
    if spec.get("PackageType") == "Image" or "ImageUri" in (spec.get("Code") or {}):
        return f"Container image functions (PackageType Image) {NOT_COVERED}"
    if spec.get("Layers"):
        return f"Lambda layers ({', '.join(spec['Layers'])}) {NOT_COVERED}"
    if (spec.get("VpcConfig") or {}).get("SubnetIds"):
        return f"VPC-attached functions (VpcConfig) {NOT_COVERED}"
    if spec.get("FileSystemConfigs"):
        return f"EFS file systems (FileSystemConfigs) {NOT_COVERED}"
    if (spec.get("SnapStart") or {}).get("ApplyOn", "None") != "None":
        return f"SnapStart {NOT_COVERED}"
    runtime = spec.get("Runtime")
    if runtime is not None and runtime not in runtimes.KNOWN:
        return f"Runtime {runtime} {NOT_COVERED}; it knows {', '.join(runtimes.KNOWN)}"
    reserved = sorted(set((spec.get("Environment") or {}).get("Variables") or {}) & set(RESERVED))
    if reserved:
        # Lambda's own message for it (CreateFunction with a reserved key).
        return (
            "Lambda was unable to configure your environment variables because the environment"
            " variables you have provided contains reserved keys that are currently not"
            f" supported for modification. Reserved keys used in this request: {', '.join(reserved)}"
        )
    return None


def unavailable(runtime: str) -> str | None:
    """Why a function of ``runtime`` cannot run on this machine, or None when it can."""
    if runtimes.resolve(runtime) is not None:
        return None
    known = ", ".join(n for n, path in runtimes.table().items() if path)
    hint = ""
    if runtime == "nodejs24.x":
        hint = " (npm ci --prefix harness/fidelity/lambda_runtime/node installs its Node)"
    return (
        f"Runtime {runtime} has no local interpreter on this machine{hint};"
        f" the emulator's local Lambda runtime runs {known}"
    )
