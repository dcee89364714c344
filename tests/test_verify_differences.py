"""What `verify` says of a hand edit to framework/: where, what the replay of the change requests expected and what
it found, word by word, and the change request that last touched the item (or that none did)."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import committed_copy, git, run_in_process, write_files

# One change request that touches an item of each kind a hand edit below changes again.
TOUCHING_CR = """\
id: CR-1500
title: Touch one item of each kind
status: accepted
applies_to: [ITOP, ITMG, SYSP]
operations:
  - op: update-level
    skill: ITOP
    level: 3
    description:
      edits:
        - {old: "repetitive work reliably.", new: "repetitive work reliably and safely."}
  - {op: update-skill, skill: ITMG, name: {from: IT management, to: IT service management}}
  - op: update-skill
    skill: SYSP
    category: {from: Delivery and operation, to: Strategy and architecture}
    subcategory: {from: Technology management, to: Governance and risk}
  - op: update-attribute-level
    attribute: AUTO
    level: 3
    description: {edits: [{old: "Works with general direction", new: "Works with broad direction"}]}
"""

# (file, old, new): each edit once, by hand.
HAND_EDITS = [
    ("framework/skills/ITOP/level-3.yaml", "reliably and safely.", "reliably and quickly."),
    ("framework/skills/ITOP/level-2.yaml", "applies routine configuration changes", "applies any configuration change"),
    ("framework/skills/ITMG/skill.yaml", "name: IT service management", "name: IT service operations"),
    ("framework/skills/NTAS/skill.yaml", "name: Network support", "name: Network services"),
    ("framework/attributes/AUTO/level-3.yaml", "Works with broad direction", "Works with loose direction"),
    ("framework/attributes/AUTO/level-4.yaml", "Works with general direction", "Works under close direction"),
    ("framework/skills/SYSP/skill.yaml", "category: Strategy and architecture\nsubcategory: Governance and risk",
     "category: Delivery and operation\nsubcategory: Technology management"),
    ("framework/skills/NTAS/skill.yaml", "category: Delivery and operation\nsubcategory: Technology management",
     "category: Strategy and architecture\nsubcategory: Governance and risk"),
]


def cli(root: Path, *args: str) -> tuple[int, str]:
    result = run_in_process(*args, cwd=root)
    assert "Traceback" not in result.stderr
    return result.returncode, result.stdout + result.stderr


def edit(root: Path, path: str, old: str, new: str) -> None:
    text = (root / path).read_text("utf-8")
    assert text.count(old) == 1, (path, old)
    (root / path).write_text(text.replace(old, new), "utf-8")


def commit_all(root: Path, message: str) -> None:
    git(root, "add", "-A")
    git(root, "commit", "--quiet", "-m", message)


@pytest.fixture()
def touched(tmp_path: Path) -> Path:
    """The bundled framework released as v1, then CR-1500 applied and committed."""
    root = committed_copy(tmp_path / "repo")
    git(root, "tag", "v1")
    write_files(root, {"changes/CR-1500/manifest.yaml": TOUCHING_CR})
    commit_all(root, "Accept CR-1500")
    assert cli(root, "apply", "CR-1500", "--commit")[0] == 0
    assert cli(root, "verify")[0] == 0
    return root


def test_each_hand_edit_shows_expected_and_found_and_the_change_request_that_last_touched_it(touched: Path) -> None:
    for path, old, new in HAND_EDITS:
        edit(touched, path, old, new)
    commit_all(touched, "Edit framework/ by hand")
    since_v1 = cli(touched, "verify", "--base", "v1")
    assert since_v1 == (1, (
        "framework/skills/ITMG/skill.yaml: name changed outside any CR (last changed by CR-1500)\n"
        "  expected: IT service [-management-]\n"
        "  found:    IT service {+operations+}\n"
        "framework/skills/ITOP/level-2.yaml: description changed outside any CR (no CR replayed changed it)\n"
        "  expected: … out backups and restores, and applies [-routine-] configuration [-changes-] under direction. "
        "Investigates simple faults, takes …\n"
        "  found:    … out backups and restores, and applies {+any+} configuration {+change+} under direction. "
        "Investigates simple faults, takes …\n"
        "framework/skills/ITOP/level-3.yaml: description changed outside any CR (last changed by CR-1500)\n"
        "  expected: … carry out repetitive work reliably and [-safely.-] Monitors capacity, availability and "
        "performance, investigates …\n"
        "  found:    … carry out repetitive work reliably and {+quickly.+} Monitors capacity, availability and "
        "performance, investigates …\n"
        "framework/skills/NTAS/skill.yaml: category changed outside any CR (no CR replayed changed it)\n"
        "  expected: [-Delivery and operation-]\n"
        "  found:    {+Strategy and architecture+}\n"
        "framework/skills/NTAS/skill.yaml: name changed outside any CR (no CR replayed changed it)\n"
        "  expected: Network [-support-]\n"
        "  found:    Network {+services+}\n"
        "framework/skills/NTAS/skill.yaml: subcategory changed outside any CR (no CR replayed changed it)\n"
        "  expected: [-Technology management-]\n"
        "  found:    {+Governance and risk+}\n"
        "framework/skills/SYSP/skill.yaml: category changed outside any CR (last changed by CR-1500)\n"
        "  expected: [-Strategy and architecture-]\n"
        "  found:    {+Delivery and operation+}\n"
        "framework/skills/SYSP/skill.yaml: subcategory changed outside any CR (last changed by CR-1500)\n"
        "  expected: [-Governance and risk-]\n"
        "  found:    {+Technology management+}\n"
        "framework/attributes/AUTO/level-3.yaml: description changed outside any CR (last changed by CR-1500)\n"
        "  expected: Works with [-broad-] direction, deciding how to approach assigned …\n"
        "  found:    Works with {+loose+} direction, deciding how to approach assigned …\n"
        "framework/attributes/AUTO/level-4.yaml: description changed outside any CR (no CR replayed changed it)\n"
        "  expected: Works [-with general-] direction and considerable personal responsibility. Plans, …\n"
        "  found:    Works {+under close+} direction and considerable personal responsibility. Plans, …\n"
        "verify failed: framework/ is not what replaying the 1 change request(s) applied since v1 (CR-1500) gives; "
        "make every change through a change request\n"))
    # From the empty framework every item was last changed by some CR: the initial one, CR-1400, at least.
    whole = since_v1[1].replace("verify failed: framework/ is not what replaying the 1 change request(s) applied since "
                                "v1 (CR-1500) gives", "verify failed: framework/ is not what replaying the 5 change "
                                "request(s) applied (CR-1400, CR-1431, CR-1432, CR-1434, CR-1500) from the empty "
                                "framework gives")
    whole = whole.replace("level-2.yaml: description changed outside any CR (no CR replayed changed it)",
                          "level-2.yaml: description changed outside any CR (last changed by CR-1434)")
    assert cli(touched, "verify") == (1, whole.replace("(no CR replayed changed it)", "(last changed by CR-1400)"))


def test_a_level_added_or_removed_by_hand_shows_its_text_on_one_side(touched: Path) -> None:
    (touched / "framework/skills/ITOP/level-5.yaml").unlink()
    text = (touched / "framework/skills/ITOP/level-4.yaml").read_text("utf-8")
    (touched / "framework/skills/ITOP/level-6.yaml").write_text(text.replace("level: 4", "level: 6"), "utf-8")
    commit_all(touched, "Move a level by hand")
    lines = cli(touched, "verify", "--base", "v1")[1].splitlines()
    assert lines[0] == "framework/skills/ITOP/level-5.yaml: level removed outside any CR (no CR replayed changed it)"
    assert lines[1].startswith("  expected: Provides technical leadership of an IT infrastructure function,")
    assert lines[2] == "  found:    (none)"
    assert lines[3] == "framework/skills/ITOP/level-6.yaml: level added outside any CR (no CR replayed changed it)"
    assert lines[4:6] == ["  expected: (none)", "  found:    " + " ".join(
        (touched / "framework/skills/ITOP/level-4.yaml").read_text("utf-8").split("description: >-\n")[1].split())]


def test_a_difference_in_spacing_only_says_so(touched: Path) -> None:
    edit(touched, "framework/skills/ITMG/skill.yaml", "name: IT service management", 'name: "IT service  management"')
    commit_all(touched, "Two spaces")
    assert cli(touched, "verify")[1].splitlines()[:3] == [
        "framework/skills/ITMG/skill.yaml: name changed outside any CR (last changed by CR-1500)",
        "  expected: IT service management",
        "  found:    IT service management  (they differ in spaces or line breaks only)"]
