"""The operation registry: one module per kind, in agreement with the manifest schema and docs/operations.md,
and an unknown kind refused by every function that asks it."""

from __future__ import annotations

import dataclasses
import json
import re
from typing import Any

import pytest
from helpers import ROOT
from skillrepo import engine
from skillrepo.checker import check_repository
from skillrepo.manifests import new_manifest, operation_key_order
from skillrepo.operations import AUTHORED, EXAMPLES, KINDS, Effect, UnknownOperation, describe_operation, kind

SCHEMA: dict[str, Any] = json.loads((ROOT / "schemas" / "manifest.schema.json").read_text(encoding="utf-8"))
DOCS = (ROOT / "docs" / "operations.md").read_text(encoding="utf-8")


def _schema_branches() -> dict[str, str]:
    """Each kind the schema allows, with the $defs branch its `if op == kind` selects."""
    branches = {}
    for rule in SCHEMA["$defs"]["operation"]["allOf"]:
        branches[rule["if"]["properties"]["op"]["const"]] = rule["then"]["$ref"].rsplit("/", 1)[1]
    return branches


def test_the_registry_the_schema_and_the_docs_name_the_same_kinds() -> None:
    enum = SCHEMA["$defs"]["operation"]["properties"]["op"]["enum"]
    documented = re.findall(r"^## `([a-z-]+)` \(default impact", DOCS, flags=re.MULTILINE)
    authored = [k.name for k in AUTHORED]
    assert authored == enum == list(_schema_branches()) == documented
    assert {k.name: k.schema for k in AUTHORED} == _schema_branches()
    assert all(k.schema in SCHEMA["$defs"] for k in AUTHORED)


def test_each_documented_default_impact_is_the_kinds() -> None:
    for name, impact in re.findall(r"^## `([a-z-]+)` \(default impact: (minor|major)\)", DOCS, flags=re.MULTILINE):
        assert KINDS[name].impact == impact, name


def test_every_inverse_is_a_registered_kind_and_undoes_its_kind() -> None:
    samples = {op["op"]: op for cr in check_repository(ROOT)[0].changes.values() for op in cr.operations}
    assert samples, "the bundled change requests hold operations"
    for op in samples.values():
        parsed = kind(op["op"]).parse(op)
        assert dataclasses.is_dataclass(parsed) and type(parsed).__dataclass_params__.frozen  # type: ignore[attr-defined]
        inverse = kind(op["op"]).invert(op)
        assert inverse["op"] in KINDS
        # Inverses of the update kinds keep the changes, not the impact and note of the operation they undo.
        kept = {key: value for key, value in op.items() if key not in ("impact", "note")}
        assert {key: value for key, value in kind(inverse["op"]).invert(inverse).items() if key in op} in (op, kept)
        assert kind(inverse["op"]).targets(inverse) == kind(op["op"]).targets(op)


def test_new_shows_one_example_of_every_kind_a_manifest_may_hold() -> None:
    text = new_manifest("CR-0001", "A title", ["ITOP"]).decode("utf-8")
    assert set(EXAMPLES) == set(AUTHORED)
    for k in AUTHORED:
        assert k.example and k.example in text
        assert re.search(rf"^#  - op: {k.name}\b", text, flags=re.MULTILINE), k.name
    assert operation_key_order()[:5] == ["op", "skill", "attribute", "code", "level"]


BOGUS: dict[str, Any] = {"op": "rename-everything", "skill": "ITOP", "level": 3}


@pytest.mark.parametrize("call", [
    lambda: engine.apply(check_repository(ROOT)[0].framework, [BOGUS]),
    lambda: engine.invert([BOGUS]),
    lambda: engine.targets(BOGUS),
    lambda: engine.touched([BOGUS]),
    lambda: describe_operation(BOGUS),
    lambda: Effect("rename-everything", "ITOP", 3, "description", "a", "b", "minor").describe(),
    lambda: kind(None),
], ids=["apply", "invert", "targets", "touched", "describe_operation", "describe_effect", "missing"])
def test_an_unknown_kind_is_refused_everywhere(call: Any) -> None:
    with pytest.raises(UnknownOperation, match=r"unknown operation kind .*; the kinds are: add-skill, "):
        call()


def test_a_skills_published_url_is_set_changed_and_reverted_by_update_skill(bundled: Any) -> None:
    url = "https://example.org/skills/ITOP"
    op = {"op": "update-skill", "skill": "ITOP", "url": {"from": None, "to": url}}
    after, effects = engine.apply(bundled, [op])
    assert after.skills["ITOP"].url == url and bundled.skills["ITOP"].url is None
    assert [e.describe() for e in effects] == [f"changes the published URL of ITOP from none to {url}"]
    undone, _ = engine.apply(after, engine.invert([op]))
    assert undone == bundled
    with pytest.raises(engine.PreconditionError):
        engine.apply(after, [op])  # the URL is no longer none
