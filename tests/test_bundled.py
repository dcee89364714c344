"""The bundled framework holds what its users are promised: the named skills at exactly their levels."""

from __future__ import annotations

from helpers import FIXTURES, ROOT
from skillrepo.domain import LEVEL_NAMES
from skillrepo.model import Repository


def test_named_skills_at_exactly_their_levels(bundled_repository: Repository) -> None:
    skills = bundled_repository.framework.skills
    expected = {"ITOP": ("IT infrastructure", range(1, 6)), "ITMG": ("IT management", range(5, 8)),
                "SYSP": ("System software", range(3, 6)), "NTAS": ("Network support", range(2, 6)),
                "ASUP": ("Application support", range(2, 6))}
    for code, (name, levels) in expected.items():
        assert skills[code].name == name
        assert sorted(skills[code].levels) == list(levels), code


def test_at_least_ten_more_skills_across_all_categories(bundled_repository: Repository) -> None:
    fw = bundled_repository.framework
    assert len(fw.skills) >= 15
    assert {s.category for s in fw.skills.values()} == set(fw.categories)
    assert len(fw.categories) == 6
    assert {c: (a.name, a.type, sorted(a.levels)) for c, a in fw.attributes.items()} == {
        "AUTO": ("Autonomy", "generic", [1, 2, 3, 4, 5, 6, 7]), "INFL": ("Influence", "generic", [1, 2, 3, 4, 5, 6, 7]),
        "COMP": ("Complexity", "generic", [1, 2, 3, 4, 5, 6, 7]), "KNGE": ("Knowledge", "generic", [1, 2, 3, 4, 5, 6, 7]),
        "BUSK": ("Business skills", "behavioural", [1, 2, 3, 4, 5, 6, 7])}
    assert {n: lv.name for n, lv in fw.levels.items()} == LEVEL_NAMES
    assert all(s.related for s in fw.skills.values())


def test_texts_have_the_length_of_real_descriptions(bundled_repository: Repository) -> None:
    for skill in bundled_repository.framework.skills.values():
        assert 40 <= len(skill.description.split()) <= 80, skill.code
        for level in skill.levels.values():
            if (skill.code, level.level) != ("ITOP", 5):  # the proposed text of CR #1432, as published
                assert 40 <= len(level.description.split()) <= 100, (skill.code, level.level)


def test_itop_level_5_is_the_text_cr_1432_proposed(bundled_repository: Repository) -> None:
    cr = bundled_repository.changes["CR-1432"]
    assert cr.status == "accepted" and cr.related == ["CR-1431"] and cr.applies_to == ["ITOP"]
    (op,) = cr.operations
    assert (op["op"], op["skill"], op["level"]) == ("add-level", "ITOP", 5)
    assert bundled_repository.framework.skills["ITOP"].levels[5].description == op["description"]
    page = (FIXTURES / "cr-1432.txt").read_text()
    for paragraph in op["description"].split("\n\n"):
        assert paragraph in page
    assert cr.decision is not None and cr.decision in page.replace(" \n", "\n").replace("\n", " ")


def test_cr_1431_targets_are_the_framework_texts(bundled_repository: Repository) -> None:
    cr = bundled_repository.changes["CR-1431"]
    itmg = bundled_repository.framework.skills["ITMG"]
    assert "CR-1432" in cr.related
    by_target = {(op["op"], op.get("level")): op for op in cr.operations}
    assert by_target[("update-skill", None)]["description"]["to"] == itmg.description
    assert by_target[("update-level", 5)]["description"]["to"] == itmg.levels[5].description
    for edit in by_target[("update-level", 6)]["description"]["edits"]:
        assert itmg.levels[6].description.count(edit["new"]) == 1


def test_every_data_file_names_its_schema_for_editors() -> None:
    for path in sorted((ROOT / "framework").rglob("*.yaml")) + sorted((ROOT / "changes").rglob("*.yaml")):
        first = path.read_text().split("\n", 1)[0]
        assert first.startswith("# yaml-language-server: $schema="), path
        assert (path.parent / first.split("=", 1)[1]).resolve().is_file(), path
