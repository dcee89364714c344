"""Importing a published change request page: the manifest a user would otherwise type from it."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest
from helpers import FIXTURES, ROOT
from skillrepo.errors import SkillrepoError
from skillrepo.manifests import render_manifest
from skillrepo.model import Framework, Repository
from skillrepo.pages import manifest_from_page, normalise, parse_page


def without_level(fw: Framework, code: str, level: int) -> Framework:
    """A copy of the framework in which a skill lacks one level; the bundled one is not touched."""
    skill = fw.skills[code]
    levels = {n: lv for n, lv in skill.levels.items() if n != level}
    return replace(fw, skills={**fw.skills, code: replace(skill, levels=levels)})


def page(*paragraphs: str) -> str:
    return "The global skills and competency framework for the digital world\n\n" + "\n\n".join(paragraphs) + "\n"


def imported(text: str, fw: Framework, existing: set[str] | None = None) -> dict[str, Any]:
    return manifest_from_page(parse_page(text, "cr.txt"), fw, existing or set())


def test_cr_1432_page_gives_back_its_manifest(bundled_repository: Repository) -> None:
    fw = without_level(bundled_repository.framework, "ITOP", 5)  # as it was before CR-1432 was applied
    text = (FIXTURES / "cr-1432.txt").read_text(encoding="utf-8")
    data = manifest_from_page(parse_page(text, "cr-1432.txt"), fw, set(bundled_repository.changes) - {"CR-1432"})
    expected = (ROOT / "changes/CR-1432/manifest.yaml").read_bytes().replace(b'applied_in: "1"\n', b"")
    assert render_manifest(data) == expected


def test_a_level_whose_text_is_todays_gets_no_operation(bundled_repository: Repository) -> None:
    text = (FIXTURES / "cr-1432.txt").read_text(encoding="utf-8")  # ITOP level 5 has this text already
    data = manifest_from_page(parse_page(text, "cr-1432.txt"), bundled_repository.framework, set(bundled_repository.changes) - {"CR-1432"})
    assert data["operations"] == []


def test_no_break_spaces_of_the_published_page_become_plain_spaces() -> None:
    page = (FIXTURES / "cr-1432.txt").read_text(encoding="utf-8")
    assert "responsibilities\u00a0from" in page
    p = parse_page(page)
    assert "specific responsibilities from ITMG5" in p.proposal
    assert "\u00a0" not in p.proposal + p.blocks[0].text + (p.decision or "")
    assert p.blocks[0].text.startswith("Provides technical leadership")
    assert "procedures are adhered to.\n\nOversees" in p.blocks[0].text
    assert p.decision is not None and p.decision.endswith("complementary skill for ITMG.")


def test_cr_1447_declined_merge(bundled_repository: Repository) -> None:
    text = (FIXTURES / "cr-1447.txt").read_text(encoding="utf-8")
    data = manifest_from_page(parse_page(text, "cr-1447.txt"), bundled_repository.framework, set(bundled_repository.changes) - {"CR-1447"})
    assert render_manifest(data) == (ROOT / "changes/CR-1447/manifest.yaml").read_bytes()  # the bundled one
    assert data == {
        "id": "CR-1447",
        "title": "System software (SYSP) absorbed into IT infrastructure (ITOP)",
        "status": "declined",
        "applies_to": ["SYSP", "ITOP"],
        "related": ["CR-1431", "CR-1432"],
        "proposal": "Most organisations now run system software as part of their infrastructure operations, so a "
                    "separate System software skill (SYSP) may no longer be needed. This request proposes retiring "
                    "SYSP and moving its level descriptions into IT infrastructure (ITOP). It builds on CR#1431 and "
                    "CR#1432, which reshape the infrastructure skills.",
        "decision": "Specialist system software roles remain common, and users told us they rely on SYSP to describe "
                    "them. SYSP stays as a skill in its own right.",
        "outcome": "No change to SYSP. Its relationship to ITOP is described in the guidance notes of both skills.",
        "operations": [],
    }
    assert list(data) == ["id", "title", "status", "applies_to", "related", "proposal", "decision", "outcome",
                          "operations"]


STATUS_LIST = "draft, submitted, accepted, reverted, declined, deferred, withdrawn"

REFUSALS = {
    "no title line": (
        page("Tidy up IT infrastructure (ITOP) change request accepted", "Some proposal."),
        set(),
        "no title line '#NNNN <title> change request <status>' found in cr.txt; copy the whole page, with its title",
    ),
    "no status": (
        page("#1450 Tidy up IT infrastructure (ITOP) change request", "Some proposal.",
             "Proposed change applies to IT infrastructure"),
        set(),
        "no status in cr.txt: the title line has none after 'change request' and there is no 'Current status of this "
        f"request: <status>' line; add one of: {STATUS_LIST}",
    ),
    "status mismatch": (
        page("#1450 Tidy up IT infrastructure (ITOP) change request accepted", "Some proposal.",
             "Current status of this request: declined"),
        set(),
        "status mismatch in cr.txt: the title line says 'accepted' but 'Current status of this request' says "
        "'declined'; correct the one that is wrong",
    ),
    "unknown status": (
        page("#1450 Tidy up IT infrastructure (ITOP) change request pending", "Some proposal."),
        set(),
        f"unknown status 'pending' in the title line of cr.txt; use one of: {STATUS_LIST}",
    ),
    "unknown skill name": (
        page("#1450 Tidy up change request submitted", "Some proposal.",
             "Proposed change applies to IT infrastucture and Network support"),
        set(),
        "CR-1450: 'IT infrastucture' in 'Proposed change applies to' is not the name of a skill in the framework "
        "(close names: IT infrastructure); correct the name on the page",
    ),
    "unknown skill name, nothing close": (
        page("#1450 Tidy up change request submitted", "Some proposal.", "Proposed change applies to Astrology"),
        set(),
        "CR-1450: 'Astrology' in 'Proposed change applies to' is not the name of a skill in the framework "
        "(no skill has a similar name); correct the name on the page",
    ),
    "level block for an unknown code": (
        page("#1450 Quantum computing (QNTM) level 3 change request submitted", "Some proposal.",
             "Quantum computing (QNTM) level 3", "Applies quantum algorithms."),
        set(),
        "CR-1450: the heading 'Quantum computing (QNTM) level 3' is for QNTM, which is not a skill in the framework; "
        "correct the code on the page",
    ),
    "level block without a description": (
        page("#1450 IT infrastructure (ITOP) level 4 change request submitted", "Some proposal.",
             "IT infrastructure (ITOP) level 4", "Proposed change applies to IT infrastructure"),
        set(),
        "the heading 'IT infrastructure (ITOP) level 4' in cr.txt has no description under it; "
        "copy the proposed description too",
    ),
    "id already in changes/": (
        (FIXTURES / "cr-1432.txt").read_text(encoding="utf-8"),
        {"CR-1431", "CR-1432"},
        "CR-1432 is already in changes/ (changes/CR-1432/manifest.yaml); edit that manifest, "
        "or remove it to import the page again",
    ),
}


@pytest.mark.parametrize("text, existing, message", REFUSALS.values(), ids=REFUSALS.keys())
def test_refusals(bundled_repository: Repository, text: str, existing: set[str], message: str) -> None:
    with pytest.raises(SkillrepoError) as raised:
        imported(text, bundled_repository.framework, existing)
    assert str(raised.value) == message


CLEAN = page(
    "#1450 Reword IT infrastructure (ITOP) level 4 change request accepted",
    'Make "routine" clearer, as asked in CR#1431.',
    "It's a small change.",
    "IT infrastructure (ITOP) level 4",
    "Takes responsibility for routine work.",
    "Proposed change applies to IT infrastructure",
    "Current status of this request: accepted",
    "What we decided",
    "Agreed.",
)


def test_normalise() -> None:
    assert normalise("a\u00a0b\u202fc \r\n\u2018x\u2019 \u201cy\u201d\rz\u00a0\n") == "a b c\n'x' \"y\"\nz\n"


def test_windows_line_ends_no_break_spaces_and_curly_quotes_give_the_clean_manifest(bundled_repository: Repository) -> None:
    messy = (CLEAN
             .replace("#1450 Reword IT", "#1450\u00a0Reword IT")
             .replace("(ITOP) level 4\n", "(ITOP)\u00a0level\u202f4\u00a0 \n")
             .replace("applies to IT", "applies\u00a0to IT")
             .replace("request: accepted", "request:\u00a0accepted")
             .replace('"routine"', "\u201croutine\u201d").replace("It's", "It\u2019s")
             .replace("Agreed.", "Agreed.\u00a0")
             .replace("\n", "\r\n"))
    assert "\u00a0" in messy and "\r\n" in messy and "\u201c" in messy
    assert imported(messy, bundled_repository.framework) == imported(CLEAN, bundled_repository.framework)


def test_level_that_exists_is_updated_from_todays_text(bundled_repository: Repository) -> None:
    data = imported(CLEAN, bundled_repository.framework)
    assert data["operations"] == [{
        "op": "update-level", "skill": "ITOP", "level": 4,
        "description": {"from": bundled_repository.framework.skills["ITOP"].levels[4].description,
                        "to": "Takes responsibility for routine work."},
    }]
    assert (data["applies_to"], data["related"], data["decision"]) == (["ITOP"], ["CR-1431"], "Agreed.")
    assert data["proposal"] == 'Make "routine" clearer, as asked in CR#1431.\n\nIt\'s a small change.'
    assert "outcome" not in data


def test_a_list_of_cited_requests_cites_each(bundled_repository: Repository) -> None:
    text = page("#1450 Tidy up change request draft", "Follows CRs #1432, #1434 and CR-1431; see also CR #1450.",
                "Proposed change applies to IT infrastructure")
    assert imported(text, bundled_repository.framework)["related"] == ["CR-1432", "CR-1434", "CR-1431"]


def test_wrapped_lines_and_names_that_contain_and(bundled_repository: Repository) -> None:
    text = page("#0042 Tidy up change request submitted",
                "A proposal wrapped\nover two lines.",
                "Proposed change applies to Information and data modelling, Network support and\nIT infrastructure")
    data = imported(text, bundled_repository.framework)
    assert (data["id"], data["proposal"]) == ("CR-0042", "A proposal wrapped over two lines.")
    assert data["applies_to"] == ["DTAN", "NTAS", "ITOP"]
