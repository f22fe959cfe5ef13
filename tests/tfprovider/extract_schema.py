"""Extract the real hashicorp/aws schema of the types the stand-in provider implements.

Source: the npm package ``@cdktf/provider-aws`` (generated from hashicorp/aws by cdktf's
provider generator). Each ``lib/<name>/index.js`` embeds its TypeScript source in the
source map; that source carries, for every attribute of every block, a comment
``// <name> - computed: X, optional: Y, required: Z`` and a typed getter, and its
``...ToHclTerraform`` functions say which complex attributes are blocks and how they nest.

    npm pack @cdktf/provider-aws@21.22.1
    python tests/tfprovider/extract_schema.py cdktf-provider-aws-21.22.1.tgz

writes ``tests/tfprovider/fixtures/aws_schema.json`` (only the types listed below).
"""

from __future__ import annotations

import base64
import json
import re
import sys
import tarfile
from pathlib import Path
from typing import Any

PACKAGE = "@cdktf/provider-aws"
OUT = Path(__file__).parent / "fixtures" / "aws_schema.json"

RESOURCES = [
    "vpc", "subnet", "internet-gateway", "route-table", "route", "route-table-association",
    "security-group", "vpc-security-group-ingress-rule", "vpc-security-group-egress-rule",
    "security-group-rule", "lb", "lb-target-group", "lb-listener", "lb-listener-rule",
    "db-subnet-group", "db-instance", "s3-bucket", "ecs-cluster", "ecs-task-definition",
    "ecs-service", "iam-role", "iam-policy", "iam-role-policy-attachment", "iam-role-policy",
    "cloudwatch-log-group", "ecr-repository", "secretsmanager-secret",
    "secretsmanager-secret-version",
    # the author's module (briancaffey/terraform-aws-django) and its VPC module (#17)
    "alb", "alb-listener", "alb-target-group", "alb-listener-rule", "cloudwatch-log-stream",
    "ecs-cluster-capacity-providers", "elasticache-cluster", "elasticache-subnet-group",
    "route53-record", "s3-bucket-ownership-controls", "s3-bucket-public-access-block",
    "ses-domain-identity", "ses-domain-dkim", "vpc-endpoint", "eip", "nat-gateway",
    "default-security-group", "default-route-table", "default-network-acl",
    "customer-gateway", "default-vpc", "egress-only-internet-gateway", "flow-log",
    "network-acl", "network-acl-rule", "redshift-subnet-group", "vpc-dhcp-options",
    "vpc-dhcp-options-association", "vpc-ipv4-cidr-block-association", "vpn-gateway",
    "vpn-gateway-attachment", "vpn-gateway-route-propagation",
]  # fmt: skip
DATA_SOURCES = [
    "caller-identity", "region", "availability-zones", "iam-policy-document",
    "ecs-task-definition", "partition", "route53-zone",
]  # fmt: skip

FLAGS = re.compile(r"^  // (\w+) - computed: (\w+), optional: (\w+), required: (\w+)$", re.M)
SYNTH = re.compile(
    r"^\s*(\w+): \{\n\s*value: [^\n]*\n\s*isBlock: (true|false),\n\s*type: \"(\w+)\"", re.M
)
GETTERS = {
    "getStringAttribute": "string",
    "getNumberAttribute": "number",
    "getBooleanAttribute": "bool",
    "getStringMapAttribute": ["map", "string"],
    "getNumberMapAttribute": ["map", "number"],
    "getBooleanMapAttribute": ["map", "bool"],
    "getListAttribute": ["list", "string"],
    "getNumberListAttribute": ["list", "number"],
}
NEW_MAPS = {
    "StringMap": ["map", "string"],
    "NumberMap": ["map", "number"],
    "BooleanMap": ["map", "bool"],
}


def typescript(tgz: tarfile.TarFile, name: str) -> str:
    member = tgz.extractfile(f"package/lib/{name}/index.js")
    if member is None:
        raise SystemExit(f"{name}: not in the package")
    js = member.read().decode()
    encoded = re.search(r"sourceMappingURL=data:application/json;base64,(\S+)", js)
    assert encoded, name
    source: str = json.loads(base64.b64decode(encoded.group(1)))["sourcesContent"][0]
    return source


def class_body(ts: str, name: str) -> str:
    start = ts.index(f"export class {name} ")
    end = ts.find("\nexport ", start + 1)
    return ts[start : end if end > 0 else None]


def synth_entries(ts: str, struct: str, body: str) -> dict[str, tuple[bool, str]]:
    """name -> (is_block, cdktf kind) of the inputs of ``struct`` (or of the class ``body``)."""
    fn = struct[0].lower() + struct[1:] + "ToHclTerraform("
    start = ts.find(f"export function {fn}")
    if start < 0:
        text = body[body.index("synthesizeHclAttributes()") :]
    else:
        text = ts[start : ts.find("\nexport ", start + 1)]
    return {m[0]: (m[1] == "true", m[2]) for m in SYNTH.findall(text)}


def parse_block(ts: str, cls: str, struct: str) -> dict[str, Any]:
    body = class_body(ts, cls)
    synth = synth_entries(ts, struct, body)
    marks = list(FLAGS.finditer(body))
    attributes: dict[str, Any] = {}
    blocks: dict[str, Any] = {}
    for i, mark in enumerate(marks):
        name, computed, optional, required = mark.groups()
        segment = body[mark.end() : marks[i + 1].start() if i + 1 < len(marks) else None]
        flags = {
            "required": required == "true",
            "optional": optional == "true",
            "computed": computed == "true",
        }
        nested = re.search(
            r"= new (\w+?)(List|OutputReference)\(this, \"\w+\"(?:, (true|false))?\)", segment
        )
        if nested:
            inner_struct, kind, wraps_set = nested.groups()
            inner = parse_block(ts, f"{inner_struct}OutputReference", inner_struct)
            is_block, synth_kind = synth.get(name, (False, "list"))
            single = kind == "OutputReference"
            collection = "set" if wraps_set == "true" or synth_kind == "set" else "list"
            if is_block and not flags["computed"]:
                nesting = "single" if synth_kind == "struct" else collection
                blocks[name] = {
                    "nesting": nesting,
                    "min_items": 1 if flags["required"] else 0,
                    "max_items": 1 if single and nesting != "single" else 0,
                    "block": inner,
                }
            else:
                object_type = ["object", {k: v["type"] for k, v in inner["attributes"].items()}]
                attributes[name] = {"type": [collection, object_type], **flags}
            continue
        new_map = re.search(r"= new cdktf\.(\w+)\(this, \"\w+\"\)", segment)
        getter = re.search(r"return (cdktf\.Fn\.tolist\()?this\.(get\w+)\('", segment)
        if new_map and new_map.group(1) in NEW_MAPS:
            kind_type: Any = NEW_MAPS[new_map.group(1)]
        elif getter and getter.group(2) in GETTERS:
            kind_type = GETTERS[getter.group(2)]
            if getter.group(1):  # tolist() around a list getter: a set in the schema
                kind_type = ["set", kind_type[1]]
        else:
            raise SystemExit(f"{cls}.{name}: cannot tell its type from {segment[:300]!r}")
        attributes[name] = {"type": kind_type, **flags}
    return {"attributes": attributes, "block_types": blocks}


PLAIN_TYPES: dict[str, Any] = {
    "string": "string",
    "number": "number",
    "boolean": "bool",
    "{ [key: string]: string }": ["map", "string"],
}


def parse_interface(ts: str, interface: str, body: str = "") -> dict[str, Any]:
    """A block described only by a TypeScript interface (the provider's own configuration).

    Providers get no OutputReference classes, so there are no computed flags (a provider
    block has none) and ``max_items`` is unknown (recorded as null).
    """
    start = ts.index(f"export interface {interface} ")
    text = ts[start : ts.index("\n}", start)]
    fields = dict(re.findall(r"readonly (\w+)(\??): ", text))
    types = dict(re.findall(r"readonly (\w+)\??: ([^;]+);", text))
    struct = interface.removesuffix("Config")
    synth_text = (
        body
        if body
        else ts[ts.index(f"export function {struct[0].lower()}{struct[1:]}ToHclTerraform(") :]
    )
    if body:
        synth_text = body[body.index("synthesizeHclAttributes()") :]
    else:
        synth_text = synth_text[: synth_text.find("\nexport ")]
    attributes: dict[str, Any] = {}
    blocks: dict[str, Any] = {}
    entries = re.findall(
        r"^\s*(\w+): \{\n\s*value: [^\n]*?(?:this\._|struct!\.)(\w+)\)*,?\n\s*isBlock: (true|false),"
        r"\n\s*type: \"(\w+)\"",
        synth_text,
        re.M,
    )
    for snake, camel, is_block, kind in entries:
        flags = {
            "required": fields[camel] == "",
            "optional": fields[camel] == "?",
            "computed": False,
        }
        ts_type = types[camel].replace(" | cdktf.IResolvable", "")
        if is_block == "true":
            inner = ts_type.removesuffix("[]")
            blocks[snake] = {
                "nesting": kind,
                "min_items": 1 if flags["required"] else 0,
                "max_items": None,
                "block": parse_interface(ts, inner),
            }
        elif ts_type in PLAIN_TYPES:
            attributes[snake] = {"type": PLAIN_TYPES[ts_type], **flags}
        elif ts_type in ("string[]", "number[]"):
            element = "string" if ts_type == "string[]" else "number"
            attributes[snake] = {
                "type": [kind if kind in ("list", "set") else "list", element],
                **flags,
            }
        else:
            raise SystemExit(f"{interface}.{snake}: unknown type {ts_type!r}")
    return {"attributes": attributes, "block_types": blocks}


def top_level(ts: str) -> tuple[str, str]:
    found = re.search(
        r"export class (\w+) extends cdktf\.Terraform(Resource|DataSource|Provider) ", ts
    )
    assert found, "no resource class"
    type_name = re.search(r'tfResourceType = "(\w+)"', ts)
    assert type_name
    return found.group(1), type_name.group(1)


def extract(tgz_path: Path) -> dict[str, Any]:
    with tarfile.open(tgz_path) as tgz:
        version = json.load(tgz.extractfile("package/package.json"))["version"]  # type: ignore[arg-type]
        out: dict[str, Any] = {
            "source": {
                "package": f"{PACKAGE}@{version}",
                "generated_from": "hashicorp/aws 6.25.0",
                "extracted_by": "tests/tfprovider/extract_schema.py",
            },
            "provider": {},
            "resources": {},
            "data_sources": {},
        }
        ts = typescript(tgz, "provider")
        cls, _ = top_level(ts)
        out["provider"] = parse_interface(ts, f"{cls}Config", class_body(ts, cls))
        for kind, names, prefix in (
            ("resources", RESOURCES, ""),
            ("data_sources", DATA_SOURCES, "data-aws-"),
        ):
            for name in names:
                ts = typescript(tgz, prefix + name)
                cls, type_name = top_level(ts)
                out[kind][type_name] = parse_block(ts, cls, "__none__")
    return out


def main() -> None:
    schema = extract(Path(sys.argv[1]))
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(schema, indent=1, sort_keys=True) + "\n")
    counts = {k: len(schema[k]) for k in ("resources", "data_sources")}
    print(f"wrote {OUT} ({counts})")


if __name__ == "__main__":
    main()
