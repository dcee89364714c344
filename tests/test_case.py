"""case.json: valid against the official CASE 1.1 package schema, read back as OpenSALT reads it, and each record
stamped with when its own content last changed."""

from __future__ import annotations

import copy
import json
from collections import defaultdict
from pathlib import Path
from typing import Any

import pytest
from helpers import committed_copy, git, run_in_process, write_files
from jsonschema import Draft7Validator, FormatChecker
from skillrepo.engine import apply
from skillrepo.exports import case
from skillrepo.exports.lastchange import last_changes
from skillrepo.model import ChangeRequest, Repository
from skillrepo.record import with_applied, with_release

# tests/schemas/README.md names its source: OpenSALT's copy of the 1EdTech binding.
SCHEMA = json.loads((Path(__file__).parent / "schemas/case-v1p1-cfpackage-schema.json").read_text("utf-8"))
DAY_1, DAY_2 = "1767225600", "1769904000"  # 2026-01-01 and 2026-02-01, 00:00 UTC
Package = dict[str, Any]


def release(repo: Path, version: str, epoch: str, monkeypatch: pytest.MonkeyPatch) -> Package:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", epoch)
    result = run_in_process("release", version, "--out", "dist", cwd=repo)
    assert result.returncode == 0, result.stdout + result.stderr
    package: Package = json.loads((repo / "dist" / version / "case.json").read_text("utf-8"))
    return package


@pytest.fixture(scope="module")
def package(tmp_path_factory: pytest.TempPathFactory) -> Package:
    repo = committed_copy(tmp_path_factory.mktemp("case") / "repo")
    with pytest.MonkeyPatch.context() as monkeypatch:
        return release(repo, "1.0.0", DAY_1, monkeypatch)


def errors(schema: dict[str, Any], package: Package) -> list[str]:
    checker = FormatChecker()
    # Without jsonschema's format extras a FormatChecker passes any string as a date-time or a URI.
    assert {"date", "date-time", "uri", "uuid"} <= set(checker.checkers)
    return [f"{list(e.absolute_path)}: {e.message}" for e in Draft7Validator(schema, format_checker=checker)
            .iter_errors(package)]


def test_case_json_is_valid_case_1_1_with_formats_checked(package: Package) -> None:
    assert errors(SCHEMA, package) == []
    assert package["CFDocument"]["caseVersion"] == "1.1"


def test_with_a_base_url_each_item_uri_is_its_page_on_the_site(tmp_path: Path) -> None:
    repo = committed_copy(tmp_path / "repo")
    base = "https://skills.example.org/framework/1.0.0/"
    result = run_in_process("release", "1.0.0", "--out", "dist", "--base-url", base, cwd=repo)
    assert result.returncode == 0, result.stdout + result.stderr
    out = repo / "dist/1.0.0"
    found: Package = json.loads((out / "case.json").read_text("utf-8"))
    assert errors(SCHEMA, found) == []
    by_id = {item["identifier"]: item for item in found["CFItems"]}
    assert found["CFDocument"]["uri"] == base + "index.html"
    paged = [item for item in found["CFItems"] if item["uri"].startswith(base)]
    kinds = {item["CFItemType"] for item in paged}
    assert kinds == {"Skill", "Skill level", "Level of responsibility", "Attribute", "Attribute level"}
    for item in paged:  # each resolves: its page is in the release's site, with the anchor it names
        page, _, anchor = item["uri"][len(base):].partition("#")
        html = (out / "site" / page).read_text("utf-8")
        assert not anchor or f'id="{anchor}"' in html, item["uri"]
    itop = next(i for i in found["CFItems"] if i.get("humanCodingScheme") == "ITOP")
    assert itop["uri"] == base + "skills/ITOP.html"
    for association in found["CFAssociations"]:  # a link names the uri of the item it leads to
        for end in ("originNodeURI", "destinationNodeURI"):
            target = by_id.get(association[end]["identifier"])
            if target is not None:
                assert association[end]["uri"] == target["uri"]


def test_without_a_base_url_uris_are_urn_uuids(package: Package) -> None:
    assert all(item["uri"] == f"urn:uuid:{item['identifier']}" for item in package["CFItems"])


def test_case_json_holds_only_what_case_1_1_defines(package: Package) -> None:
    # The schema's copy names the 1.0 links CFPackageURI and CFDocumentURI in additionalProperties, which a
    # validator reads as no constraint at all; 1.1 has no such properties.
    closed = copy.deepcopy(SCHEMA)
    for name in ("CFPackageDocument", "CFPackageItem", "CFPackageAssociation"):
        closed["definitions"][name]["additionalProperties"] = False
    assert errors(closed, package) == []
    uuid = FormatChecker()
    records = [package["CFDocument"], *package["CFItems"], *package["CFAssociations"],
               *package["CFDefinitions"]["CFItemTypes"]]
    assert all(uuid.conforms(r["identifier"], "uuid") and r["uri"] == f"urn:uuid:{r['identifier']}" for r in records)


def read_as_opensalt(package: Package) -> tuple[dict[str, Any], dict[str, str], dict[str, list[str]]]:
    """What OpenSALT's importer makes of a package: the items by identifier, each item's type (from the
    CFItemType its CFItemTypeURI links to), and each node's children (isChildOf, in sequence order)."""
    items = {i["identifier"]: i for i in package["CFItems"]}
    types = {t["identifier"]: t["title"] for t in package["CFDefinitions"]["CFItemTypes"]}
    typed = {key: types[item["CFItemTypeURI"]["identifier"]] for key, item in items.items()}
    children: dict[str, list[tuple[int, str]]] = defaultdict(list)
    for a in package["CFAssociations"]:
        if a["associationType"] == "isChildOf":
            children[a["destinationNodeURI"]["identifier"]].append((a.get("sequenceNumber", 0),
                                                                    a["originNodeURI"]["identifier"]))
    return items, typed, {parent: [c for _, c in sorted(found)] for parent, found in children.items()}


def test_opensalt_reads_the_tree_every_item_typed_and_none_orphaned(package: Package) -> None:
    items, typed, children = read_as_opensalt(package)
    document = package["CFDocument"]["identifier"]
    below = {"Category": "Subcategory", "Subcategory": "Skill", "Skill": "Skill level", "Attribute": "Attribute level"}
    reached, queue = [], list(children[document])
    while queue:
        node = queue.pop()
        reached.append(node)
        assert all(typed[child] == below[typed[node]] for child in children.get(node, [])), typed[node]
        queue.extend(children.get(node, []))
    assert sorted(reached) == sorted(items)  # every item hangs in the tree, once
    assert [typed[c] for c in children[document]] == ["Category"] * 6 + ["Level of responsibility"] * 7 + [
        "Attribute"] * 5
    counts = {t: list(typed.values()).count(t) for t in set(typed.values())}
    assert counts == {"Category": 6, "Subcategory": 16, "Skill": 16, "Skill level": 62, "Level of responsibility": 7,
                      "Attribute": 5, "Attribute level": 35}
    auto = next(i for i in items if items[i].get("humanCodingScheme") == "AUTO")
    assert [items[c]["humanCodingScheme"] for c in children[auto]] == [f"AUTO{n}" for n in range(1, 8)]
    part_of = {(items[a["originNodeURI"]["identifier"]]["humanCodingScheme"],
                items[a["destinationNodeURI"]["identifier"]]["humanCodingScheme"])
               for a in package["CFAssociations"] if a["associationType"] == "isPartOf"}
    assert len(part_of) == 35 and {("AUTO3", "L3"), ("BUSK7", "L7")} <= part_of
    assert all(origin[-1] == level[-1] for origin, level in part_of)  # each attribute level is part of its level
    assert all(items[i]["CFItemType"] == typed[i] for i in items)
    skill_levels = defaultdict(list)
    for a in package["CFAssociations"]:
        if a["associationType"] == "hasSkillLevel":
            origin, level = a["originNodeURI"]["identifier"], a["destinationNodeURI"]["identifier"]
            skill_levels[items[origin]["humanCodingScheme"]].append(items[level]["humanCodingScheme"])
    assert skill_levels["ITOP"] == ["ITOP1", "ITOP2", "ITOP3", "ITOP4", "ITOP5"]
    assert sum(len(levels) for levels in skill_levels.values()) == 62
    for skill, levels in children.items():
        if typed.get(skill) == "Skill":
            assert [items[c]["humanCodingScheme"] for c in levels] == skill_levels[items[skill]["humanCodingScheme"]]


def test_retired_and_related_skills_are_linked(bundled_repository: Repository) -> None:
    repo = bundled_repository
    retire = [{"op": "retire-skill", "skill": "NTAS", "replaced_by": ["ITOP"]}]
    fw, _ = apply(repo.framework, retire, "CR-9000")
    log = with_applied(with_release(repo.log, "1.0.0", "2026-01-01", ""), "CR-9000", retire)
    changes = {**repo.changes, "CR-9000": ChangeRequest("CR-9000", "Retire NTAS", "accepted", ["NTAS"], [], retire)}
    built = case.package(fw, "1.1.0", last_changes(log, changes, "2026-02-01"))
    code = {i["identifier"]: i.get("humanCodingScheme") for i in built["CFItems"]}
    links = {(a["associationType"], code[a["originNodeURI"]["identifier"]], code[a["destinationNodeURI"]["identifier"]]):
             a["lastChangeDateTime"] for a in built["CFAssociations"] if a["associationType"] != "isChildOf"}
    assert links[("replacedBy", "NTAS", "ITOP")] == "2026-02-01T00:00:00+00:00"  # applied since the last release
    related = {(c, o) for c, s in fw.skills.items() for o in s.related}
    assert related and {(c, o) for kind, c, o in links if kind == "isRelatedTo"} == related
    assert {links[("isRelatedTo", c, o)] for c, o in related} == {"2026-01-01T00:00:00+00:00"}


RENAME = """\
id: CR-1500
title: Network operations
status: accepted
applies_to: [NTAS]
operations:
  - op: update-skill
    skill: NTAS
    name: {from: Network support, to: Network operations}
"""
LEVEL_TEXT = """\
id: CR-1500
title: Routine maintenance
status: accepted
applies_to: [NTAS]
operations:
  - op: update-level
    skill: NTAS
    level: 3
    description:
      edits:
        - {old: "agreed network maintenance", new: "agreed routine network maintenance"}
"""


ATTRIBUTE_RENAME = """\
id: CR-1500
title: Independence
status: accepted
applies_to: []
operations:
  - op: update-attribute
    attribute: AUTO
    name: {from: Autonomy, to: Independence}
"""
ATTRIBUTE_LEVEL_TEXT = """\
id: CR-1500
title: Close supervision
status: accepted
applies_to: []
operations:
  - op: update-attribute-level
    attribute: AUTO
    level: 1
    description:
      edits:
        - {old: "close supervision", new: "close and regular supervision"}
"""


def records(package: Package) -> dict[str, dict[str, Any]]:
    return {r["identifier"]: r for r in [package["CFDocument"], *package["CFItems"], *package["CFAssociations"],
                                         *package["CFDefinitions"]["CFItemTypes"]]}


# A rename shows in NTAS, its levels' labels and every link to them; a level's text only in that level.
@pytest.mark.parametrize(("manifest", "shown_in", "links_show_it"), [
    (RENAME, "NTAS", True), (LEVEL_TEXT, "NTAS3", False), (ATTRIBUTE_RENAME, "AUTO", True),
    (ATTRIBUTE_LEVEL_TEXT, "AUTO1", False)])
def test_only_what_a_change_request_changed_has_a_later_last_change(
        git_root: Path, monkeypatch: pytest.MonkeyPatch, manifest: str, shown_in: str, links_show_it: bool) -> None:
    first = records(release(git_root, "1.0.0", DAY_1, monkeypatch))
    write_files(git_root, {"changes/CR-1500/manifest.yaml": manifest})
    git(git_root, "add", "changes")
    git(git_root, "commit", "-qm", "Record 1.0.0; propose CR-1500")
    assert run_in_process("apply", "CR-1500", "--commit", cwd=git_root).returncode == 0
    second = records(release(git_root, "1.1.0", DAY_2, monkeypatch))
    assert set(first) == set(second)
    old, new = "2026-01-01T00:00:00+00:00", "2026-02-01T00:00:00+00:00"
    moved = {key for key, r in second.items() if r["lastChangeDateTime"] == new}
    assert {second[key]["lastChangeDateTime"] for key in set(second) - moved} == {old}
    changed = {key for key, r in second.items()
               if {**r, "lastChangeDateTime": ""} != {**first[key], "lastChangeDateTime": ""}}
    assert moved == changed  # a record's time moves exactly when its content changes
    shown = {key for key, r in second.items() if str(r.get("humanCodingScheme", "")).startswith(shown_in)}
    links = {key for key, r in second.items() if "originNodeURI" in r and
             shown & {r["originNodeURI"]["identifier"], r["destinationNodeURI"]["identifier"]}}
    document = next(key for key, r in second.items() if "caseVersion" in r)  # its version is the release's
    assert moved == shown | (links if links_show_it else set()) | {document}
