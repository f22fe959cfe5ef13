"""Functions from templates: inline Node.js code packaged as AWS does, refusals applied.

"AWS::Lambda::Function Code": with ZipFile, CloudFormation "places it in a file named index
and zips it", next to the ``cfn-response`` module. moto names that file ``index.py`` whatever
the runtime, so a Node.js function's ``index.handler`` would not be found.
"""

from __future__ import annotations

import base64
import io
import zipfile
from pathlib import Path
from typing import Any

from harness.fidelity.lambda_runtime import refusals

CFN_RESPONSE = Path(__file__).with_name("cfn-response.js")


def node_zip(source: str) -> bytes:
    """``index.js`` and ``cfn-response.js``, zipped."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("index.js", source)
        archive.writestr("cfn-response.js", CFN_RESPONSE.read_text(encoding="utf-8"))
    return out.getvalue()


def install() -> None:
    from moto.awslambda.models import LambdaFunction

    original = LambdaFunction.create_from_cloudformation_json.__func__  # type: ignore[attr-defined]

    def create(
        cls: Any, resource_name: str, cloudformation_json: Any, *args: Any, **kw: Any
    ) -> Any:
        properties = cloudformation_json["Properties"]
        # moto's template path drops Layers, SnapStart, FileSystemConfigs: refuse them here.
        why = refusals.refusal(properties)
        if why:
            from moto.awslambda.exceptions import InvalidParameterValueException

            raise InvalidParameterValueException(why)
        code = properties.get("Code") or {}
        source = code.get("ZipFile")
        node = str(properties.get("Runtime", "")).startswith("nodejs")
        function = original(cls, resource_name, cloudformation_json, *args, **kw)
        if node and isinstance(source, str):
            function._set_function_code({"ZipFile": base64.b64encode(node_zip(source))})
        return function

    LambdaFunction.create_from_cloudformation_json = classmethod(create)  # type: ignore[method-assign,assignment]
