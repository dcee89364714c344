"""Reading a repository: a file read from disk is loaded once and its bytes are not kept; what needs them
again (a finding's position, apply editing a manifest) reads them again, and refuses if they changed."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from helpers import copy_bundled, run_cli
from skillrepo.documents import read_snapshot
from skillrepo.errors import SkillrepoError
from skillrepo.yamlsource import load_bytes, load_text

SKILL = "framework/skills/ITOP/skill.yaml"


def test_bytes_are_read_again_as_they_were(tmp_path: Path) -> None:
    root = copy_bundled(tmp_path / "repo")
    doc = next(d for d in read_snapshot(root).documents if d.path == SKILL)
    assert doc.raw == (root / SKILL).read_bytes()
    assert doc.has_bytes((root / SKILL).read_bytes())
    assert not doc.has_bytes((root / SKILL).read_bytes() + b"\n")


def test_a_file_changed_after_it_was_read_is_refused_not_misread(tmp_path: Path) -> None:
    root = copy_bundled(tmp_path / "repo")
    doc = next(d for d in read_snapshot(root).documents if d.path == SKILL)
    (root / SKILL).write_bytes((root / SKILL).read_bytes().replace(b"name:", b"name:  "))
    with pytest.raises(SkillrepoError, match=f"{SKILL}: changed while this command was running; run the command again"):
        doc.raw  # noqa: B018
    with pytest.raises(SkillrepoError, match="changed while this command was running"):
        doc.loaded.position(("name",))


def test_positions_are_found_when_first_asked_for_and_match_the_file() -> None:
    text = "# a comment\ncode: ITOP\nrelated:\n  - ITMG\n  - NTAS\nname: \"IT\\u0020infrastructure\"\n"
    loaded = load_text(text)
    assert loaded.positions[()] == (2, 1)
    assert loaded.positions[("related", 1)] == (5, 5)
    assert loaded.key_positions[("name",)] == (6, 1)
    assert loaded.positions[("name",)] == (6, 7)


def test_positions_in_a_file_with_a_byte_order_mark_count_from_after_it(tmp_path: Path) -> None:
    loaded = load_bytes(b"\xef\xbb\xbfcode: ITOP\nrelated: [ITMG]\n")
    assert loaded.key_positions[("related",)] == (2, 1)
    root = copy_bundled(tmp_path / "repo")
    path = root / "framework/skills/ITOP/level-5.yaml"
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes().replace(b"\nlevel: 5\n", b"\nlevel: 6\n"))
    result = run_cli("check", "--format", "json", cwd=root)
    found = [(f["code"], f["line"], f["column"]) for f in json.loads(result.stdout)]
    assert found == [("Y011", 1, 1), ("P302", 3, 8)]


PATHS_AND_KINDS = [
    ("framework/framework.yaml", "framework"), ("framework/levels/level-3.yaml", "level"),
    ("framework/skills/ITOP/skill.yaml", "skill"), ("framework/skills/ITOP/level-5.yaml", "skill-level"),
    ("framework/attributes/AUTO/attribute.yaml", "attribute"),
    ("framework/attributes/AUTO/level-2.yaml", "attribute-level"),
    ("changes/CR-1432/manifest.yaml", "manifest"), ("changes/log.yaml", "log"),
    ("changes/CR-1432/notes.yaml", None), ("framework/levels/level-0.yaml", None), ("frameworks/framework.yaml", None),
    ("changes", None), ("", None), ("framework/skills/ITOP/level-5.yaml/x", None)]


@pytest.mark.parametrize(("relpath", "kind"), PATHS_AND_KINDS)
def test_every_kind_of_data_file_is_known_by_its_path(relpath: str, kind: str | None) -> None:
    from skillrepo.layout import KINDS, classify

    info = classify(relpath)
    assert (info.kind if info is not None else None) == kind
    assert {k for _, k in PATHS_AND_KINDS if k is not None} == set(KINDS)  # every kind the tool knows is tried
