"""A framework's first content as a change request: add-responsibility-level, the empty framework, the
operations that build a framework from it, and the initial change requests of the bundled repository."""

from __future__ import annotations

import functools
import importlib.util
import json
import sys
import uuid
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from helpers import ROOT, git, run_in_process
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from skillrepo import engine, record
from skillrepo.checker import check_repository
from skillrepo.domain import ATTRIBUTE_TYPES, LEVEL_NAMES, MAX_FILE_BYTES
from skillrepo.initial import initial_operations, initial_parts
from skillrepo.manifests import render_manifest
from skillrepo.model import (
    Attribute,
    AttributeLevel,
    Framework,
    Repository,
    ResponsibilityLevel,
    Skill,
    SkillLevel,
    empty_framework,
)
from skillrepo.operations import PreconditionError
from skillrepo.replay import since_release
from skillrepo.site import build_site


def _level_op(level: int = 3, **changes: Any) -> dict[str, Any]:
    op = {"op": "add-responsibility-level", "level": level, "name": LEVEL_NAMES[level],
          "essence": "Applies known methods to familiar work."}
    return {**op, **changes}


def _named() -> Framework:
    """A framework with a name, and no level yet."""
    return replace(empty_framework(), name="A framework")


def test_add_responsibility_level_adds_the_level_and_its_inverse_removes_it() -> None:
    fw = _named()
    op = _level_op(url="https://example.org/levels/3")
    after, effects = engine.apply(fw, [op], "CR-0001")
    level = after.levels[3]
    assert (level.level, level.name, level.essence, level.url) == (
        3, "Apply", "Applies known methods to familiar work.", "https://example.org/levels/3")
    assert [e.describe() for e in effects] == ["adds level of responsibility 3 \"Apply\""]
    assert effects[0].impact == "major"
    assert fw.levels == {}, "the input framework is left as it was"
    back, undone = engine.apply(after, engine.invert([op]))
    assert back == fw
    assert [e.describe() for e in undone] == ["removes level of responsibility 3 \"Apply\""]
    assert engine.targets(op) == engine.targets(engine.invert([op])[0])


def test_add_responsibility_level_refuses_a_level_that_exists() -> None:
    fw = replace(_named(), levels={3: ResponsibilityLevel(3, "Apply", "Old.")})
    with pytest.raises(PreconditionError) as raised:
        engine.apply(fw, [_level_op()], "CR-0001")
    assert str(raised.value) == ("CR-0001 operation 1 (add-responsibility-level 3): level of responsibility 3 already "
                                 "exists; use update-responsibility-level to change it")


def test_remove_responsibility_level_refuses_a_level_changed_since_it_was_added() -> None:
    after, _ = engine.apply(_named(), [_level_op()])
    edit = {"op": "update-responsibility-level", "level": 3, "essence": {"edits": [{"old": "known", "new": "proven"}]}}
    changed, _ = engine.apply(after, [edit])
    with pytest.raises(PreconditionError, match=r"the essence of level of responsibility 3 changed since it was added"):
        engine.apply(changed, engine.invert([_level_op()]))


def test_the_empty_framework_has_nothing_but_an_edition() -> None:
    fw = empty_framework()
    assert (fw.name, fw.attributes, fw.categories, fw.levels, fw.skills) == ("", {}, {}, {}, {})
    assert fw.edition == "1" and empty_framework("3").edition == "3"


def test_update_framework_names_the_empty_framework_from_null_and_says_so() -> None:
    op = {"op": "update-framework", "name": {"from": None, "to": "A framework"}}
    after, effects = engine.apply(empty_framework(), [op])
    assert after.name == "A framework"
    assert effects[0].describe() == "names the framework \"A framework\""
    with pytest.raises(PreconditionError, match=r"the framework's name is \"A framework\", expected not set"):
        engine.apply(after, [op])
    back, _ = engine.apply(after, engine.invert([op]))
    assert back == empty_framework()


NAMES = st.text(alphabet="abcdefgh ", min_size=1, max_size=12).map(lambda s: s.strip() or "x").map(str.capitalize)
TEXTS = st.lists(st.sampled_from(["plans", "runs", "checks", "service", "team", "data"]), min_size=1, max_size=6).map(
    lambda words: " ".join(words).capitalize() + ".")


@st.composite
def frameworks(draw: st.DrawFn) -> Framework:
    """A framework of any shape a repository may hold: any levels of responsibility, skills active or retired,
    with or without guidance, at any levels."""
    categories = draw(st.dictionaries(NAMES, st.lists(NAMES, min_size=1, max_size=3, unique=True), min_size=1,
                                      max_size=3))
    numbers = draw(st.lists(st.sampled_from(sorted(LEVEL_NAMES)), unique=True))
    levels = {n: ResponsibilityLevel(n, LEVEL_NAMES[n], draw(TEXTS), draw(st.none() | st.just(f"https://x.org/{n}")))
              for n in numbers}
    attributes = {}
    for i, code in enumerate(draw(st.lists(st.text(alphabet="KLMNOP", min_size=4, max_size=4), max_size=3,
                                           unique=True))):
        attribute = Attribute(code, str(uuid.UUID(int=100 + i, version=4)), f"Attribute {i}",
                              draw(st.sampled_from(sorted(ATTRIBUTE_TYPES))),
                              draw(st.sampled_from(["active", "retired"])), draw(TEXTS), draw(st.none() | TEXTS))
        described = draw(st.lists(st.sampled_from(numbers), unique=True)) if numbers else []
        attribute.levels = {n: AttributeLevel(code, n, draw(TEXTS)) for n in described}
        attributes[code] = attribute
    codes = draw(st.lists(st.text(alphabet="ABCDEFGHIJ", min_size=4, max_size=4), max_size=5, unique=True))
    skills = {}
    for i, code in enumerate(codes):
        category = draw(st.sampled_from(sorted(categories)))
        retired = len(codes) > 1 and draw(st.booleans())
        skill_levels = draw(st.lists(st.sampled_from(sorted(LEVEL_NAMES)), unique=True))
        skills[code] = Skill(code=code, id=str(uuid.UUID(int=i + 1, version=4)), name=f"Skill {i}", category=category,
                             subcategory=draw(st.sampled_from(categories[category])),
                             status="retired" if retired else "active", description=draw(TEXTS),
                             related=draw(st.lists(st.sampled_from(codes), unique=True, max_size=2)),
                             guidance=draw(st.none() | TEXTS),
                             replaced_by=[c for c in codes if c != code][:1] if retired else [],
                             levels={n: SkillLevel(code, n, draw(TEXTS)) for n in skill_levels})
    return Framework(name=draw(NAMES), edition=draw(st.sampled_from(["1", "2", "8.1"])), attributes=attributes,
                     categories=categories, levels=levels, skills=skills)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(frameworks())
def test_initial_operations_build_exactly_the_framework_from_the_empty_one(fw: Framework) -> None:
    built, _ = engine.apply(empty_framework(fw.edition), initial_operations(fw), "CR-0001")
    assert built == fw
    assert list(built.categories) == list(fw.categories), "in the framework's order"
    assert list(built.attributes) == list(fw.attributes), "in the framework's order"
    undone, _ = engine.apply(built, engine.invert(initial_operations(fw)))
    assert undone == empty_framework(fw.edition)


def test_initial_operations_of_the_bundled_framework_build_it(bundled: Framework) -> None:
    ops = initial_operations(bundled)
    assert [op["op"] for op in ops[:8]] == ["update-framework", *["add-responsibility-level"] * 7]
    assert [op["code"] for op in ops if op["op"] == "add-skill"] == sorted(bundled.skills)
    assert engine.apply(empty_framework(bundled.edition), ops)[0] == bundled


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(frameworks(), st.integers(min_value=1, max_value=3000))
def test_initial_parts_keep_the_operations_in_order_and_each_skill_whole(fw: Framework, budget: int) -> None:
    parts = initial_parts(fw, budget)
    assert [op for part in parts for op in part] == initial_operations(fw)
    steps = [(f"CR-{n:04d}", part) for n, part in enumerate(parts, start=1)]
    assert engine.apply_all(empty_framework(fw.edition), steps)[0] == fw, "each part applies after the one before"
    assert all(parts), "no part is empty"
    head = [op for op in initial_operations(fw) if op["op"] in ("update-framework", "add-responsibility-level")]
    assert parts[0][:len(head)] == head
    for part in parts[1:]:
        assert part[0]["op"] == "add-skill", "a part starts with a skill: its retire-skill stays with it"
    for part in parts:
        groups = sum(op["op"] == "add-skill" for op in part) + (part[0]["op"] != "add-skill")
        assert groups == 1 or _size(part) <= budget, "only a part of one group (a skill, or the head) is over"


def _size(ops: list[Any]) -> int:
    return sum(len(json.dumps(op)) for op in ops)


def test_a_framework_that_fits_gives_one_part(bundled: Framework) -> None:
    assert initial_parts(bundled) == [initial_operations(bundled)]
    assert initial_parts(empty_framework()) == [[]]


def _wordy(n: int, text: str) -> Framework:
    """A framework of `n` skills, each with `text` as its description and at levels 2 to 6."""
    fw = replace(_named(), levels={})
    for i in range(n):
        code = f"S{i:03d}".replace("0", "A").replace("1", "B").replace("2", "C").replace("3", "D")
        fw.skills[code] = Skill(code=code, id=str(uuid.UUID(int=i + 1, version=4)), name=f"Skill {i}",
                                category="C", subcategory="S", status="active", description=text, related=[],
                                levels={n: SkillLevel(code, n, text) for n in range(2, 7)})
    return fw


@pytest.mark.parametrize("text", [
    "Plans and reviews the services of the team against the agreed standards. " * 40,
    "Plans.\nReviews.\n" * 200,
    "Évalue les services de l’équipe selon les normes convenues. " * 40,
], ids=["prose", "short-lines", "accented"])
def test_each_part_of_a_large_framework_renders_well_under_the_file_limit(text: str) -> None:
    fw = _wordy(300, text)
    parts = initial_parts(fw)
    assert len(parts) >= 3
    for part in parts:
        rendered = render_manifest({"id": "CR-0001", "title": "Initial content", "status": "accepted",
                                    "applies_to": [], "related": [], "proposal": "Start the framework.",
                                    "origin": {"description": "a test"}, "applied_in": "1", "operations": part})
        assert len(rendered) <= 0.6 * MAX_FILE_BYTES
        assert len(rendered) >= 0.2 * MAX_FILE_BYTES or part is parts[-1], "parts are filled, not one per skill"


def test_the_bundled_framework_is_the_replay_of_its_change_requests_from_the_empty_one(
        bundled_repository: Repository) -> None:
    changes = bundled_repository.changes
    order = ["CR-1400", "CR-1431", "CR-1432", "CR-1434"]
    assert sorted(cr.id for cr in changes.values() if cr.applied_in is not None) == order
    replayed, _ = engine.apply_all(empty_framework(bundled_repository.framework.edition),
                                   [(cr, changes[cr].operations) for cr in order])
    assert replayed == bundled_repository.framework


def test_the_initial_change_request_holds_the_framework_before_the_others(bundled_repository: Repository) -> None:
    fw = bundled_repository.framework
    for cr in ("CR-1434", "CR-1432", "CR-1431"):
        fw, _ = engine.apply(fw, engine.invert(bundled_repository.changes[cr].operations))
    initial = bundled_repository.changes["CR-1400"]
    assert initial.operations == initial_operations(fw)
    assert (initial.status, initial.applied_in) == ("accepted", "1")
    assert initial.origin is not None and "written for this repository" in initial.origin.description


def _generator(monkeypatch: pytest.MonkeyPatch) -> Any:
    """benchmarks/generate.py, loaded as the module `generate` (its dataclasses look their module up there)."""
    spec = importlib.util.spec_from_file_location("generate", ROOT / "benchmarks" / "generate.py")
    assert spec is not None and spec.loader is not None
    generate = importlib.util.module_from_spec(spec)
    monkeypatch.setitem(sys.modules, "generate", generate)
    spec.loader.exec_module(generate)
    return generate


def test_the_benchmark_repositories_start_from_an_initial_change_request(tmp_path: Path,
                                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    generate = _generator(monkeypatch)
    generate.generate(tmp_path / "bench", scale=0.1)
    repo, findings = check_repository(tmp_path / "bench")
    assert findings == []
    initial = repo.changes["CR-0999"]
    assert initial.origin is not None and initial.applied_in == "1"
    # The generator applies its change requests in number order, each in a commit of its own after the first.
    applied = sorted((cr for cr in repo.changes.values() if cr.applied_in is not None), key=lambda cr: cr.id)
    replayed, _ = engine.apply_all(empty_framework(repo.framework.edition), [(cr.id, cr.operations) for cr in applied])
    assert applied[0] is initial and replayed == repo.framework


def test_a_benchmark_repository_too_large_for_one_initial_manifest_splits_it_and_stays_clean(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # At scale 1.6 one initial change request would be 1.1 MB, over the limit (check: Y009). The same split, at a
    # small scale with a budget scaled down as much, costs a second of CPU, not ten.
    generate = _generator(monkeypatch)
    monkeypatch.setattr(generate, "initial_parts", functools.partial(initial_parts, budget=60_000))
    generate.generate(tmp_path / "bench", scale=0.2)
    repo, findings = check_repository(tmp_path / "bench")
    assert findings == []
    initial = ["CR-0997", "CR-0998", "CR-0999"]
    assert repo.log.order[:3] == initial and "CR-0996" not in repo.changes
    assert [repo.changes[i].title for i in initial] == [f"Initial content of the {repo.framework.name} (part {n} of 3)"
                                                        for n in (1, 2, 3)]
    first = git(tmp_path / "bench", "rev-list", "--max-parents=0", "HEAD").stdout.strip()
    in_first = git(tmp_path / "bench", "ls-tree", "-r", "--name-only", first, "changes/").stdout.split()
    assert {f"changes/{i}/manifest.yaml" for i in initial} <= set(in_first)
    assert all((tmp_path / "bench" / "changes" / i / "manifest.yaml").stat().st_size < 60_000 * 1.2 for i in initial)


def test_the_benchmark_numbers_its_initial_change_requests_to_end_at_cr_0999(monkeypatch: pytest.MonkeyPatch) -> None:
    generate = _generator(monkeypatch)
    assert generate.initial_ids(1) == ["CR-0999"]
    assert generate.initial_ids(3) == ["CR-0997", "CR-0998", "CR-0999"]


def test_the_benchmark_log_text_is_the_log_record_writes(monkeypatch: pytest.MonkeyPatch) -> None:
    generate = _generator(monkeypatch)
    log = record.with_applied(record.Log(), "CR-0999", [])
    log = record.with_release(log, "1.0.0", "2026-01-01", "0" * 64)
    text = generate.LogText(record.render(log))
    # Digests that YAML would read as numbers if not quoted: one with an exponent, one of digits only.
    for cr_id, digest in (("CR-1000", "12345678e1234567"), ("CR-1001", "1234567890123456"), ("CR-1002", "abcdef")):
        log = record.Log((*log.applied, record.Applied(cr_id, digest)), log.releases)
        assert text.add(cr_id, digest) == record.render(log)


def test_the_site_status_and_preview_say_where_an_initial_change_request_came_from(git_root: Path) -> None:
    repo, _ = check_repository(git_root)
    page = build_site(repo, since_release(git_root, repo, None), "1.0.0", [])["changes/CR-1400.html"].decode()
    assert ("<dt>Origin</dt><dd>The texts were written for this repository; they are not taken from a published "
            "framework.</dd>") in page
    status = run_in_process("status", cwd=git_root).stdout
    assert ("  CR-1400  Initial content of the Open Digital Skills Framework  (not yet in a release)\n      origin: The texts were "
            "written for this repository; they are not taken from a published framework.\n  CR-1431  ") in status
    digest = "ab" * 32
    (git_root / "changes/CR-1500").mkdir()
    (git_root / "changes/CR-1500/manifest.yaml").write_text(
        "id: CR-1500\ntitle: Levels from a sheet\nstatus: draft\napplies_to: []\n"
        f"origin: {{description: read from a sheet, file: levels.csv, sha256: {digest}}}\n"
        "operations:\n  - op: update-responsibility-level\n    level: 1\n    essence:\n"
        f"      edits: [{{old: {repo.framework.levels[1].essence.split()[0]}, new: Then}}]\n")
    preview = run_in_process("preview", "CR-1500", cwd=git_root)
    assert preview.stdout.splitlines()[:2] == [
        "CR-1500: Levels from a sheet (draft)", f"origin: read from a sheet (levels.csv, sha256 {digest})"]
    markdown = run_in_process("preview", "CR-1500", "--format", "markdown", cwd=git_root).stdout
    assert f"\n\nOrigin: read from a sheet (levels.csv, sha256 {digest})\n\n" in markdown
    data = json.loads(run_in_process("preview", "CR-1500", "--format", "json", cwd=git_root).stdout)
    assert data["origin"] == {"description": "read from a sheet", "file": "levels.csv", "sha256": digest}
