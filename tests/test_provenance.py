"""`skillrepo history` and `skillrepo blame` on the bundled framework, exactly as a user reads them, and blame's
attribution against a replay that tracks every sentence of one text by hand."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path
from typing import Any

import pytest
from helpers import ROOT, copy_bundled, run_in_process
from hypothesis import given, settings
from hypothesis import strategies as st
from skillrepo.checker import check_repository
from skillrepo.engine import apply_all
from skillrepo.model import ChangeRequest, empty_framework
from skillrepo.operations import Operation
from skillrepo.provenance import Provenance, Subject, added, blame, edited, history, subject_of
from skillrepo.replay import Replay, from_empty

HISTORY_ITOP_5 = """\
ITOP level 5: changed by 1 applied change request(s), oldest first

CR-1432  Create IT Infrastructure (ITOP) level 5
  first published: not yet released
  adds ITOP level 5 (major)
    {+Provides technical leadership of an IT infrastructure function, to ensure service performance
      targets are met and all relevant policies and procedures are adhered to. Oversees the
      planning, installation and service acceptance of new infrastructure components. Determines the
      operational requirements for prioritising updates to infrastructure components and services in
      line with service expectations, security requirements and other quality standards. Schedules
      and oversees all IT maintenance and installation work in line with service agreements.
      Investigates and manages the adoption of appropriate tools, techniques and processes
      (including automation) for the management of systems and services. Investigates and
      coordinates the resolution of potential and actual service problems. Ensures that operational
      problems are identified, recorded, monitored and resolved. Provides appropriate status and
      other reports to specialists, users and managers. Ensures that operational procedures and
      documentation are fit for purpose and current.+}
  decision: Helps to provide a better and more flexible description of current working practices -
    and as a complementary skill for ITMG.

no declined or withdrawn change request targeted ITOP level 5
"""

HISTORY_ITOP_4_MARKDOWN = """\
# History of ITOP level 4

Changed by 2 applied change request(s), oldest first.

## CR-1400: Initial content of the Open Digital Skills Framework

First published: not yet released.

- adds ITOP level 4 (major): **Coordinates the operation of a defined part of the infrastructure, planning and scheduling the work of a \
small team. Develops and maintains monitoring and operational procedures, and makes sure changes are properly \
tested and recorded. Analyses trends in incidents, capacity and performance, proposes improvements and leads the \
installation of new components. Gives specialist advice to colleagues and helps to resolve complex operational \
issues.**

Decision: Accepted as the starting point of the first edition. The texts are the editorial group's own and are \
reviewed through later change requests like any other text.

## CR-1434: Refresh IT infrastructure (ITOP) levels 1 to 4

First published: not yet released.

- changes the description of ITOP level 4 (minor): … a small team. Develops and maintains **automation,** monitoring and operational procedures, and makes …

Decision: Accepted. The wording changes are small and make the levels consistent with the new level 5.

## Declined or withdrawn

None targeted ITOP level 4.
"""

HISTORY_ITMG = """\
ITMG: changed by 2 applied change request(s), oldest first

CR-1400  Initial content of the Open Digital Skills Framework
  first published: not yet released
  adds skill ITMG "IT management" (major)
  decision: Accepted as the starting point of the first edition. The texts are the editorial group's
    own and are reviewed through later change requests like any other text.

CR-1431  Reshape IT management (ITMG) to focus on technical service delivery
  first published: not yet released
  changes the description of ITMG (major)
    [-Running-] {+Managing+} the [-organisation's-] {+delivery of+} technology [-infrastructure-]
      {+services so that they meet the agreed needs of the organisation+} and [-the services that
      depend on it, from-] {+its users. Covers setting and monitoring service levels,+} planning and
      [-installation through day-to-day operation and control. Covers management of infrastructure
      components and operations, capacity, availability and maintenance, together with service
      levels,-] {+controlling+} budgets, {+overseeing+} suppliers and [-staff.-] {+contracts, and
      leading the people who deliver services.+} Ensures that [-infrastructure and-] {+technology+}
      services are [-reliable, secure-] {+delivered efficiently, securely+} and [-cost-effective-]
      {+in line with policy,+} and that [-they support current-] {+their performance is reported+}
      and [-future business needs.-] {+continually improved.+}
  decision: Accepted by the framework editorial group. Reviewers agreed that separating the
    management of technology service delivery from the leadership of infrastructure operations makes
    both skills clearer to apply, on condition that the companion change to IT infrastructure (ITOP)
    in CR#1432 is published in the same edition, so that no responsibilities are lost between the
    two skills.

no declined or withdrawn change request targeted ITMG
"""

BLAME_ITOP_5 = """\
ITOP level 5: 9 sentence(s), each with the change request that last changed it and the one that first introduced it
last     first    sentence
CR-1432  CR-1432  Provides technical leadership of an IT infrastructure function, to ensure service performance \
targets are met and all relevant policies and procedures are adhered to.
CR-1432  CR-1432  Oversees the planning, installation and service acceptance of new infrastructure components.
CR-1432  CR-1432  Determines the operational requirements for prioritising updates to infrastructure components and \
services in line with service expectations, security requirements and other quality standards.
CR-1432  CR-1432  Schedules and oversees all IT maintenance and installation work in line with service agreements.
CR-1432  CR-1432  Investigates and manages the adoption of appropriate tools, techniques and processes (including \
automation) for the management of systems and services.
CR-1432  CR-1432  Investigates and coordinates the resolution of potential and actual service problems.
CR-1432  CR-1432  Ensures that operational problems are identified, recorded, monitored and resolved.
CR-1432  CR-1432  Provides appropriate status and other reports to specialists, users and managers.
CR-1432  CR-1432  Ensures that operational procedures and documentation are fit for purpose and current.

CR-1432  Create IT Infrastructure (ITOP) level 5
"""

BLAME_ITOP_4 = """\
ITOP level 4: 4 sentence(s), each with the change request that last changed it and the one that first introduced it
last     first    sentence
CR-1400  CR-1400  Coordinates the operation of a defined part of the infrastructure, planning and scheduling the \
work of a small team.
CR-1434  CR-1400  Develops and maintains automation, monitoring and operational procedures, and makes sure changes \
are properly tested and recorded.
CR-1400  CR-1400  Analyses trends in incidents, capacity and performance, proposes improvements and leads the \
installation of new components.
CR-1400  CR-1400  Gives specialist advice to colleagues and helps to resolve complex operational issues.

CR-1400  Initial content of the Open Digital Skills Framework
CR-1434  Refresh IT infrastructure (ITOP) levels 1 to 4
"""

BLAME_ITMG_6 = """\
ITMG level 6: 4 sentence(s), each with the change request that last changed it and the one that first introduced it
last     first    sentence
CR-1431  CR-1400  Sets direction for the delivery of technology services across a significant part of the organisation, aligning them with business priorities and the technology strategy.
CR-1400  CR-1400  Establishes service management policies, standards and performance frameworks and makes sure they are followed.
CR-1400  CR-1400  Controls a substantial budget, negotiates major supplier arrangements and represents technology service delivery at senior management forums.
CR-1400  CR-1400  Develops managers in the function and leads improvement programmes that raise service quality and value.

CR-1400  Initial content of the Open Digital Skills Framework
CR-1431  Reshape IT management (ITMG) to focus on technical service delivery
"""

BLAME_ITMG_5 = """\
ITMG level 5: 4 sentence(s), each with the change request that last changed it and the one that first introduced it
last     first    sentence
CR-1431  CR-1431  Manages the delivery of a set of technology services, making sure that agreed service levels, \
budgets and quality standards are met.
CR-1431  CR-1431  Agrees service targets with customers, monitors performance against them and acts on shortfalls.
CR-1431  CR-1431  Manages supplier performance within contracts, controls costs and prepares forecasts.
CR-1431  CR-1431  Leads and develops the service delivery team, allocating work and responsibilities, and reports \
regularly on service performance and risks to senior managers.

CR-1431  Reshape IT management (ITMG) to focus on technical service delivery
"""


def _ok(*args: str, cwd: Path = ROOT) -> str:
    result = run_in_process(*args, cwd=cwd)
    assert (result.returncode, result.stderr) == (0, ""), result
    return result.stdout


def test_history_of_itop_level_5_is_the_level_cr_1432_added() -> None:
    assert _ok("history", "ITOP", "5") == HISTORY_ITOP_5
    assert _ok("history", "itop", "5") == HISTORY_ITOP_5  # a code in any case


def test_history_in_markdown_of_an_itop_level_cr_1434_edited() -> None:
    assert _ok("history", "ITOP", "4", "--format", "markdown") == HISTORY_ITOP_4_MARKDOWN


def test_history_of_itmg_s_own_fields_shows_cr_1431_s_rewrite_word_by_word() -> None:
    assert _ok("history", "ITMG") == HISTORY_ITMG


def test_history_in_json_of_the_itmg_level_cr_1431_edited() -> None:
    data = json.loads(_ok("history", "ITMG", "6", "--format", "json"))
    rest = ("across a significant part of the organisation, aligning them with business priorities and the "
            "technology strategy. Establishes service management policies, standards and performance frameworks "
            "and makes sure they are followed. Controls a substantial budget, negotiates major supplier "
            "arrangements and represents technology service delivery at senior management forums. Develops "
            "managers in the function and leads improvement programmes that raise service quality and value.")
    old = f"Sets direction for the running of infrastructure and operational services {rest}"
    new = f"Sets direction for the delivery of technology services {rest}"
    assert data == {
        "item": {"kind": "skill-level", "code": "ITMG", "level": 6, "label": "ITMG level 6"},
        "applied": [
            {"cr": "CR-1400", "title": "Initial content of the Open Digital Skills Framework",
             "first_published": None,
             "decision": "Accepted as the starting point of the first edition. The texts are the editorial group's "
                         "own and are reviewed through later change requests like any other text.",
             "effects": [{"op": "add-skill", "field": "description", "impact": "major", "text": "adds ITMG level 6",
                          "before": None, "after": old, "diff": [["+", old]]}]},
            {"cr": "CR-1431", "title": "Reshape IT management (ITMG) to focus on technical service delivery",
             "first_published": None,
             "decision": "Accepted by the framework editorial group. Reviewers agreed that separating the management "
                         "of technology service delivery from the leadership of infrastructure operations makes "
                         "both skills clearer to apply, on condition that the companion change to IT infrastructure "
                         "(ITOP) in CR#1432 is published in the same edition, so that no responsibilities are lost "
                         "between the two skills.",
             "effects": [{"op": "update-level", "field": "description", "impact": "minor",
                          "text": "changes the description of ITMG level 6", "before": old, "after": new,
                          "diff": [["=", "Sets direction for the"], ["-", "running"], ["+", "delivery"], ["=", "of"],
                                   ["-", "infrastructure and operational"], ["+", "technology"],
                                   ["=", f"services {rest}"]]}]},
        ],
        "refused": [],
    }


def test_cr_1447_declined_has_no_operations_so_it_is_listed_for_no_item() -> None:
    # It applies_to ITOP and SYSP, but it proposed in prose only: no operation of it targets anything.
    assert _ok("history", "ITOP").endswith("\nno declined or withdrawn change request targeted ITOP\n")
    assert json.loads(_ok("history", "SYSP", "--format", "json"))["refused"] == []


DECLINED = """\
id: CR-1450
title: Narrow IT infrastructure (ITOP) level 5 to data centres
status: declined
applies_to:
  - ITOP
related: []
proposal: Limit level 5 to data centre operations.
decision: "Declined: level 5 covers all infrastructure, wherever it runs."
operations:
  - op: update-level
    skill: ITOP
    level: 5
    description:
      edits:
        - old: of an IT infrastructure function
          new: of a data centre function
"""


def test_a_declined_cr_whose_operations_target_the_item_is_listed_apart(tmp_path: Path) -> None:
    root = copy_bundled(tmp_path / "repo")
    (root / "changes/CR-1450").mkdir()
    (root / "changes/CR-1450/manifest.yaml").write_text(DECLINED, encoding="utf-8")
    out = _ok("history", "ITOP", "5", cwd=root)
    assert out == HISTORY_ITOP_5.replace("\nno declined or withdrawn change request targeted ITOP level 5\n", """
declined or withdrawn, targeting ITOP level 5:

CR-1450  Narrow IT infrastructure (ITOP) level 5 to data centres (declined)
  update-level ITOP level 5
  decision: Declined: level 5 covers all infrastructure, wherever it runs.
""")
    assert json.loads(_ok("history", "ITOP", "5", "--format", "json", cwd=root))["refused"] == [
        {"cr": "CR-1450", "title": "Narrow IT infrastructure (ITOP) level 5 to data centres", "status": "declined",
         "decision": "Declined: level 5 covers all infrastructure, wherever it runs.",
         "operations": ["update-level ITOP level 5"]}]
    assert "CR-1450" not in _ok("history", "ITOP", "4", cwd=root)  # another level: not targeted


def test_blame_of_itop_level_5_and_4_and_itmg_level_5() -> None:
    assert _ok("blame", "ITOP", "5") == BLAME_ITOP_5
    assert _ok("blame", "ITOP", "4") == BLAME_ITOP_4  # CR-1434 edited the second sentence only
    assert _ok("blame", "ITMG", "5") == BLAME_ITMG_5  # CR-1431 rewrote it whole: every sentence is its


def test_blame_in_json_of_itmg_level_6_keeps_the_first_of_the_sentence_an_edit_changed() -> None:
    data = json.loads(_ok("blame", "ITMG", "6", "--format", "json"))
    assert [(s["last"], s["first"], s["text"][:40]) for s in data["sentences"]] == [
        ("CR-1431", "CR-1400", "Sets direction for the delivery of techn"),
        ("CR-1400", "CR-1400", "Establishes service management policies,"),
        ("CR-1400", "CR-1400", "Controls a substantial budget, negotiate"),
        ("CR-1400", "CR-1400", "Develops managers in the function and le"),
    ]
    assert "".join(s["text"] for s in data["sentences"]).startswith("Sets direction for the delivery")
    assert data["change_requests"] == {
        "CR-1400": "Initial content of the Open Digital Skills Framework",
        "CR-1431": "Reshape IT management (ITMG) to focus on technical service delivery"}


def test_blame_of_a_skill_s_overall_description_and_of_a_level_of_responsibility() -> None:
    assert [line[:18] for line in _ok("blame", "ITMG").splitlines()[2:5]] == ["CR-1431  CR-1431  "] * 3
    out = _ok("blame", "level", "5")
    assert out == _ok("blame", "L5")
    assert out.splitlines()[0] == ("level of responsibility 5: 2 sentence(s), each with the change request that "
                                   "last changed it and the one that first introduced it")


@pytest.mark.parametrize("args", [("history", "ITOP", "5"), ("blame", "ITMG", "6"), ("history", "L5")])
def test_each_command_replays_every_applied_cr_once(args: tuple[str, ...], monkeypatch: pytest.MonkeyPatch) -> None:
    import skillrepo.replay

    calls: list[int] = []

    def counted(fw: Any, steps: Any) -> Any:
        calls.append(len(steps))
        return apply_all(fw, steps)

    monkeypatch.setattr(skillrepo.replay, "apply_all", counted)
    _ok(*args)
    assert calls == [4]  # one replay of CR-1400, CR-1431, CR-1432 and CR-1434, never one per CR or per item


def test_the_readme_shows_the_exact_output_of_history_itop_5_and_blame_itop_4() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert (f"$ skillrepo history ITOP 5\n{HISTORY_ITOP_5}$ skillrepo blame ITOP 4\n{BLAME_ITOP_4}"
            f"$ skillrepo blame ITMG 6\n{BLAME_ITMG_6}```") in readme


@pytest.mark.parametrize(("args", "message"), [
    (("history", "ITOX"), "ITOX is not a skill or an attribute; did you mean ITOP?"),
    (("blame", "QQQQ"), "QQQQ is not a skill or an attribute; the skills are ASUP, BUAN, CHMG, DTAN, ITMG, ITOP, "
                        "ITSP, NTAS, PEMT, PRMG, PROG, RLMT, SCTY, SYSP, TEST, USUP, the attributes AUTO, BUSK, "
                        "COMP, INFL, KNGE, and a level of responsibility is L1 to L7"),
    (("history", "5"), "5 alone is ambiguous: write L5 (or level 5) for the level of responsibility, or a skill or "
                       "attribute code and then the level (ITOP 5)"),
    (("history", "L5", "3"), "L5 is a level of responsibility: give no LEVEL after it"),
    (("history", "level"), "say which level of responsibility: L5, or level 5"),
    (("blame", "L9"), "there is no level of responsibility 9; the levels are L1, L2, L3, L4, L5, L6, L7"),
    (("blame", "ITOP", "6"), "ITOP has no level 6; it is described at levels 1, 2, 3, 4, 5"),
    (("history", "AUTO", "five"), "LEVEL is a number from 1 to 7, not 'five'"),
    (("history", "AUTO", "\u00b2"), "LEVEL is a number from 1 to 7, not '\u00b2'"),  # a digit to isdigit(), not to int()
    (("history", "L99999999999"), "LEVEL is a number from 1 to 7, not '99999999999'"),
    (("history", "IT\x1bOP"), "IT\\x1bOP is not a skill or an attribute; did you mean ITOP?"),
])
def test_an_item_that_is_not_there_or_is_ambiguous_is_one_line(args: tuple[str, ...], message: str) -> None:
    result = run_in_process(*args, cwd=ROOT)
    assert (result.returncode, result.stdout, result.stderr) == (1, "", f"error: {message}\n")


def test_a_record_that_does_not_replay_is_one_line(tmp_path: Path) -> None:
    root = copy_bundled(tmp_path / "repo")
    shutil.rmtree(root / "changes/CR-1434")
    result = run_in_process("blame", "ITOP", "4", cwd=root)
    assert (result.returncode, result.stdout, result.stderr) == (
        1, "", "error: CR-1434 is recorded in changes/log.yaml as applied but is not in changes/; run skillrepo "
               "verify\n")


def test_an_attribute_and_an_attribute_level_have_a_history() -> None:
    assert _ok("history", "AUTO").startswith("attribute AUTO: changed by 1 applied change request(s)")
    assert "  describes attribute AUTO at level 3 (major)\n" in _ok("history", "auto", "3")


def test_an_edit_keeps_sentences_outside_its_passage_where_they_are() -> None:
    # "Gamma." now occurs twice: the one the edit wrote is CR-2's, the one after the passage kept its place.
    lines = edited(added("Alpha. Beta. Gamma.", "CR-1"), "Alpha. Beta. Gamma.", [("Beta.", "Gamma. Delta.")], "CR-2")
    assert [(s.text, s.first, s.last) for s in lines] == [
        ("Alpha. ", "CR-1", "CR-1"), ("Gamma. ", "CR-2", "CR-2"), ("Delta. ", "CR-2", "CR-2"),
        ("Gamma.", "CR-1", "CR-1")]


# The property: blame over a replay of random edits and rewrites of one text equals a replay by hand that keeps
# every sentence with its first and last change request. Every text's sentences are distinct, so which sentence
# an edit kept, changed or added is known from how the edit was made.

_SKILL = {"op": "add-skill", "code": "ABCD", "id": "5b0e7a4e-6d2a-4a53-9a39-2f6a1c8e9d10", "name": "A skill",
          "category": "C", "subcategory": "S", "description": "Overall.", "related": []}
Tracked = list[tuple[str, str, str]]  # sentence (without the space after it), first, last


def _edit(data: st.DataObject, sentences: list[str], fresh: list[str]) -> tuple[tuple[str, str], list[str], Any]:
    """A random edit of a run of sentences, maybe widened by kept neighbours: the (old, new) texts, the sentences
    after, and how the run was changed (start, end, replacement) for the hand replay."""
    n = len(sentences)
    i = data.draw(st.integers(0, n))
    j = data.draw(st.integers(i, min(n, i + 2)))
    replacement = [fresh.pop() for _ in range(data.draw(st.integers(0, 2)))]
    left = data.draw(st.integers(0 if j > i else 1 if i > 0 else 0, min(i, 1)))
    right = data.draw(st.integers(0 if (j > i or left) else 1, min(n - j, 1)))
    old_run, new_run = sentences[i - left:j + right], sentences[i - left:i] + replacement + sentences[j:j + right]
    after = sentences[:i] + replacement + sentences[j:]
    return (" ".join(old_run), " ".join(new_run)), after, (i, j, replacement)


def _usable(edit: tuple[str, str], after: list[str]) -> bool:
    return bool(edit[0] and edit[1] and after)


def _by_hand(tracked: Tracked, change: Any, cr: str) -> Tracked:
    i, j, replacement = change
    if j - i == 1 and len(replacement) == 1:
        return [*tracked[:i], (replacement[0], tracked[i][1], cr), *tracked[j:]]
    return [*tracked[:i], *((s, cr, cr) for s in replacement), *tracked[j:]]


def _rewrite(data: st.DataObject, tracked: Tracked, fresh: list[str], cr: str) -> tuple[list[str], Tracked]:
    kept = data.draw(st.lists(st.sampled_from([s for s, _, _ in tracked]), max_size=3, unique=True))
    new = data.draw(st.permutations(kept + [fresh.pop() for _ in range(data.draw(st.integers(1 - min(len(kept), 1),
                                                                                             2)))]))
    firsts = {s: first for s, first, _ in tracked}
    return new, [(s, firsts.get(s, cr), cr) for s in new]


def _operations(data: st.DataObject, tracked: Tracked, fresh: list[str], cr: str) -> tuple[Operation, Tracked]:
    """One random operation of change request `cr` on the text, and what the hand replay makes of it."""
    before = " ".join(s for s, _, _ in tracked)
    if data.draw(st.booleans()):
        new, tracked = _rewrite(data, tracked, fresh, cr)
        return {"from": before, "to": " ".join(new)}, tracked
    edits = []
    for _ in range(data.draw(st.integers(1, 2))):
        edit, after, change = _edit(data, [s for s, _, _ in tracked], fresh)
        if _usable(edit, after):
            edits.append({"old": edit[0], "new": edit[1]})
            tracked = _by_hand(tracked, change, cr)
    if not edits:  # no usable edit drawn: a rewrite that adds a sentence (every sentence is then last `cr`'s)
        return {"from": before, "to": before + f" {fresh[-1]}"}, [*((s, f, cr) for s, f, _ in tracked),
                                                                   (fresh.pop(), cr, cr)]
    return {"edits": edits}, tracked


@settings(max_examples=60, deadline=None)
@given(st.data())
def test_blame_is_a_replay_that_tracks_every_sentence(data: st.DataObject) -> None:
    fresh = [f"S{n} holds." for n in range(200, 0, -1)]
    start = [fresh.pop() for _ in range(data.draw(st.integers(1, 4)))]
    crs = [ChangeRequest("CR-1000", "", "accepted", [], [], [{**_SKILL, "levels": [
        {"level": 3, "description": " ".join(start)}]}])]
    tracked: Tracked = [(s, "CR-1000", "CR-1000") for s in start]
    for n in range(1, data.draw(st.integers(1, 6)) + 1):
        cr, ops = f"CR-{1000 + n}", []
        for _ in range(data.draw(st.integers(1, 2))):
            change, tracked = _operations(data, tracked, fresh, cr)
            ops.append({"op": "update-level", "skill": "ABCD", "level": 3, "description": change})
        crs.append(ChangeRequest(cr, "", "accepted", [], [], ops))
    fw, effects = apply_all(empty_framework(), [(cr.id, cr.operations) for cr in crs])
    replay = Replay(None, empty_framework(), crs, steps=list(zip(crs, effects, strict=True)), result=fw)
    lines = blame(replay, Subject("skill-level", "ABCD", 3))
    assert Provenance(replay).blame(Subject("skill-level", "ABCD", 3)) == lines
    assert "".join(s.text for s in lines) == fw.skills["ABCD"].levels[3].description
    assert [(s.text.strip(), s.first, s.last) for s in lines] == tracked
    assert all(re.fullmatch(r"S\d+ holds\.", s) for s, _, _ in tracked)


def test_the_site_s_index_of_one_replay_gives_every_item_s_history_and_blame_as_the_commands() -> None:
    repo, _ = check_repository(ROOT)
    replay = from_empty(repo)
    index = Provenance(replay)
    items = {item for e in replay.effects if (item := subject_of(e)) is not None}
    assert len(items) > 100
    for item in items:
        assert index.history(item) == history(replay, repo.changes, item)[0], item.label
        assert index.blame(item) == blame(replay, item), item.label
    assert list(index.changed["CR-1431"]) == [Subject("skill", "ITMG", None), Subject("skill-level", "ITMG", 5),
                                              Subject("skill-level", "ITMG", 6)]
