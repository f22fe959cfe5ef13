"""Template parsing: JSON templates read with the json module give what cfn-lint's decode gives.

cfn-lint's ``decode_str`` (the emulator's template reader) reads every template as YAML
first; ``template.parse`` reads JSON with the json module instead, for speed, and must not
change a single value or refusal. The reference here is cfn-lint itself, on the values
where YAML 1.1 and JSON disagree (https://yaml.org/type/float.html: a float has a dot;
PyYAML also wants a signed exponent) and on what cfn-lint refuses (duplicate keys,
surrogate escapes, control characters).
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from cfnlint.decode import decode_str

from harness.fidelity.cloudformation import template
from harness.fidelity.cloudformation.errors import ValidationError


def cfn_lint(body: str) -> object:
    """What cfn-lint makes of ``body``: plain values, or its error messages."""
    decoded, matches = decode_str(body)
    if matches:
        return [str(m.message) for m in matches]
    return json.loads(json.dumps(decoded, default=str))


def ours(body: str) -> object:
    try:
        return template.parse(body)
    except ValidationError as exc:
        return str(exc)


def resources(properties: str) -> str:
    return (
        '{\n "Resources": {"A": {"Type": "AWS::SNS::Topic", "Properties": ' + properties + "}}\n}"
    )


AGREE = {
    "plain values": '{"N": 10, "F": 1.5, "Neg": -0, "B": true, "Z": null, "L": [1, "a", {}]}',
    "compact": '{"N":1,"S":"x"}',
    "YAML strings": '{"D": "2012-10-17", "Y": "yes", "O": "0777", "Amp": "a&b", "Colon": "a: b"}',
    "escapes": '{"U": "\\u00e9", "Slash": "\\/", "Ctl": "\\t\\n\\u0001"}',
    "big int": '{"I": 12345678901234567890}',
    "signed exponent": '{"E": 1.5e+3, "M": -2.0E-2}',
    "exponents YAML reads as strings": '{"E": 1e3, "F": 1.5e3}',
    "a wide character": '{"W": "\U0001f600"}',
}


@pytest.mark.parametrize("properties", AGREE.values(), ids=AGREE.keys())
def test_json_templates_read_as_cfn_lint_reads_them(properties: str) -> None:
    body = resources(properties)
    assert ours(body) == cfn_lint(body)


REFUSED = {
    "duplicate keys": '{"A": 1, "A": 2}',
    "surrogate escapes": '{"S": "\\ud83d\\ude00"}',
    "a control character": '{"S": "\x07"}',
}


@pytest.mark.parametrize("properties", REFUSED.values(), ids=REFUSED.keys())
def test_what_cfn_lint_refuses_stays_refused(properties: str) -> None:
    body = resources(properties)
    refusal = cfn_lint(body)
    assert isinstance(refusal, list), "cfn-lint accepts this case: pick another"
    with pytest.raises(ValidationError) as refused:
        template.parse(body)
    assert str(refused.value).endswith(f"Template format error: {'; '.join(refusal)}")


def test_json_is_read_without_cfn_lint() -> None:
    """The speed-up is real: a JSON template never reaches cfn-lint's YAML reader."""
    body = resources('{"N": 1}')
    assert template._plain_json(body) == template.parse(body)
    assert template._plain_json("Resources:\n  A:\n    Type: X\n") is None


def test_json_templates_and_schemas_leave_cfn_lint_unimported() -> None:
    """Importing cfn-lint loads the whole linter (seconds of the emulator's CPU): a JSON
    template and the provider schemas need none of it."""
    code = (
        "import sys\n"
        "from harness.fidelity.cloudformation import schema, template\n"
        'template.parse(\'{"Resources": {"A": {"Type": "AWS::ECS::Service"}}}\')\n'
        'assert "ServiceName" in schema.create_only_properties("AWS::ECS::Service")\n'
        'print(sorted(m for m in sys.modules if m.startswith("cfnlint")))\n'
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert out.strip() == "[]"
