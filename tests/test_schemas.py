"""The schemas: valid draft 2020-12, stable ids, documented fields, and the same patterns as the code."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from typing import Any

import pytest
from helpers import ROOT
from jsonschema import Draft202012Validator
from skillrepo import domain, operations
from skillrepo.layout import KINDS, schema_filename
from skillrepo.schemas import schema_dir


def _schema(kind: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((ROOT / "schemas" / schema_filename(kind)).read_text())
    return data


@pytest.mark.parametrize("kind", KINDS)
def test_schema_is_valid_with_a_stable_id_and_documented_properties(kind: str) -> None:
    schema = _schema(kind)
    Draft202012Validator.check_schema(schema)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["$id"] == f"urn:skillrepo:schema:{kind}"
    assert schema["description"]
    for name, prop in schema["properties"].items():
        assert prop.get("description"), f"{kind}.{name} has no description"


def test_patterns_are_the_ones_the_code_uses() -> None:
    defs = {**_schema("skill")["$defs"], **_schema("manifest")["$defs"]}
    assert defs["skillCode"]["pattern"] == domain.SKILL_CODE_PATTERN
    assert defs["crId"]["pattern"] == domain.CR_ID_PATTERN
    assert defs["uuid"]["pattern"] == domain.UUID_PATTERN
    assert _schema("manifest")["properties"]["status"]["enum"] == list(domain.CR_STATUSES)
    assert _schema("skill")["properties"]["status"]["enum"] == list(domain.SKILL_STATUSES)
    assert _schema("attribute")["properties"]["type"]["enum"] == list(domain.ATTRIBUTE_TYPES)
    assert _schema("manifest")["$defs"]["attributeType"]["enum"] == list(domain.ATTRIBUTE_TYPES)
    assert _schema("attribute")["properties"]["status"]["enum"] == list(domain.SKILL_STATUSES)
    ops = _schema("manifest")["$defs"]["operation"]["properties"]["op"]["enum"]
    assert ops == [kind.name for kind in operations.AUTHORED]


def _patterns(node: Any) -> list[str]:
    if isinstance(node, dict):
        own = [node["pattern"]] if isinstance(node.get("pattern"), str) else []
        return own + [p for value in node.values() for p in _patterns(value)]
    if isinstance(node, list):
        return [p for value in node for p in _patterns(value)]
    return []


ALL_PATTERNS = sorted({p for f in sorted((ROOT / "schemas").glob("*.schema.json"))
                       for p in _patterns(json.loads(f.read_text()))})


@pytest.mark.parametrize("pattern", [p for p in ALL_PATTERNS if p.endswith("$")])
def test_an_anchored_pattern_refuses_a_final_line_break(pattern: str) -> None:
    # Python's $ (which jsonschema uses) also matches before a final line break: "ITOP\n" would pass ^[A-Z]{4}$.
    assert pattern.endswith("(?!\\n)$")
    assert re.search(pattern, "ITOP\n") is None and re.search(pattern, "CR-1432\n") is None


@pytest.mark.skipif(shutil.which("node") is None, reason="needs node to compile patterns as editors do")
def test_every_pattern_is_an_ecma_262_regular_expression() -> None:
    script = ("const ps = JSON.parse(require('fs').readFileSync(0, 'utf8'));"
              "for (const p of ps) { new RegExp(p); new RegExp(p, 'u'); }"
              "console.log(new RegExp(ps.find(p => p.includes('[A-Z]{4}')), 'u').test('ITOP\\n'));")
    result = subprocess.run(["node", "-e", script], input=json.dumps(ALL_PATTERNS), capture_output=True, text=True)
    assert (result.returncode, result.stdout, result.stderr) == (0, "false\n", "")


def test_shared_definitions_are_identical_in_every_schema() -> None:
    seen: dict[str, Any] = {}
    for kind in KINDS:
        for name, definition in _schema(kind).get("$defs", {}).items():
            assert seen.setdefault(name, definition) == definition, f"$defs.{name} differs in {kind}"


def test_the_tool_reads_the_repository_schemas() -> None:
    assert (schema_dir() / "skill.schema.json").read_bytes() == (ROOT / "schemas/skill.schema.json").read_bytes()
