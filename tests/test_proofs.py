"""The proofs have no holes: what `check` and `verify` accept is exactly what change requests did, in real git
repositories with release tags (the lifecycle of an applied change request, framework.yaml, frozen operations)."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import committed_copy, copy_bundled, git, init_git, reaccept, run_in_process, write_files

ITOP3 = "framework/skills/ITOP/level-3.yaml"

EDIT_CR = """\
id: {id}
title: Reword ITOP level 3
status: {status}
applies_to: [ITOP]
{applied}operations:
  - op: update-level
    skill: ITOP
    level: 3
    description:
      edits:
        - {{old: "{old}", new: "{new}"}}
"""


@pytest.fixture()
def released(tmp_path: Path) -> Path:
    """The bundled framework in git, released as v1."""
    root = committed_copy(tmp_path / "repo")
    git(root, "tag", "v1")
    return root


def commit_all(root: Path, message: str) -> None:
    git(root, "add", "-A")
    git(root, "commit", "--quiet", "-m", message)


def cli(root: Path, *args: str) -> tuple[int, str]:
    result = run_in_process(*args, cwd=root)
    assert result.stderr == "" and "Traceback" not in result.stdout
    return result.returncode, result.stdout


def edit(root: Path, rel: str, old: str, new: str) -> None:
    path = root / rel
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, f"{rel}: {old!r}"
    path.write_text(text.replace(old, new), encoding="utf-8")


# --- a change request with applied_in that is not accepted is never replayed ----------------------------------


@pytest.mark.parametrize("status", ["declined", "draft", "withdrawn", "deferred", "submitted"])
def test_a_change_request_applied_but_not_accepted_fails_check_and_verify(released: Path, status: str) -> None:
    # The framework is changed and a CR claiming it is committed with it; were it replayed, verify would pass.
    write_files(released, {"changes/CR-1500/manifest.yaml": EDIT_CR.format(
        id="CR-1500", status=status, applied='applied_in: "1"\n', old="following agreed standards",
        new="following agreed and published standards")})
    edit(released, ITOP3, "following agreed standards", "following agreed and published standards")
    commit_all(released, "Apply CR-1500")
    code, out = cli(released, "check")
    assert code == 1
    assert (f"changes/CR-1500/manifest.yaml:5:1: R430 CR-1500 has applied_in \"1\" but status {status}: only an "
            "accepted change request is applied; set status back to accepted, revert it (skillrepo revert CR-1500), "
            "then set its status") in out.splitlines()
    assert cli(released, "verify") == (1, (
        f"changes/CR-1500/manifest.yaml: CR-1500 has applied_in but status {status}, so it is not replayed (R430)\n"
        f"{ITOP3}: description changed outside any CR (last changed by CR-1434)\n"
        "  expected: … storage and cloud resources, following agreed standards and change procedures. Uses scripts …\n"
        "  found:    … storage and cloud resources, following agreed {+and published+} standards and change "
        "procedures. Uses scripts …\n"
        "verify failed: framework/ is not what replaying the 4 change request(s) applied (CR-1400, CR-1431, CR-1432, CR-1434) from the empty framework gives; "
        "make every change through a change request\n"))


# --- an applied change request's operations are frozen: against the commit that applied it, and the release ---

AGREED = "following agreed standards"
PUBLISHED = "following agreed and published standards"
REWRITTEN = "following agreed and unwritten standards"  # as long: the folding stays canonical


def apply_cr_1500(root: Path) -> None:
    """CR-1500 proposed, accepted and applied with `apply --commit`, as a maintainer does."""
    write_files(root, {"changes/CR-1500/manifest.yaml": EDIT_CR.format(
        id="CR-1500", status="accepted", applied="", old=AGREED, new=PUBLISHED)})
    commit_all(root, "Accept CR-1500")
    assert cli(root, "apply", "CR-1500", "--commit")[0] == 0


def rewrite_cr_1500(root: Path) -> None:
    """One commit that rewrites CR-1500's operations and framework/ together, consistently with each other."""
    edit(root, "changes/CR-1500/manifest.yaml", f'new: "{PUBLISHED}"', f'new: "{REWRITTEN}"')
    edit(root, ITOP3, PUBLISHED, REWRITTEN)
    commit_all(root, "Tidy CR-1500")


def test_operations_rewritten_with_the_framework_after_applying_fail_verify(released: Path) -> None:
    apply_cr_1500(released)
    assert cli(released, "verify")[0] == 0
    rewrite_cr_1500(released)
    # HEAD agrees with the work tree, and no release has CR-1500; changes/log.yaml keeps what it was applied with.
    code, out = cli(released, "check")
    assert code == 1 and out.splitlines()[0] == (
        "changes/CR-1500/manifest.yaml:6:1: R442 the operations of CR-1500 are not those it was applied with "
        "(changes/log.yaml keeps their digest, 31507e2d05353a77); an applied change request is a record: restore them, "
        "revert it (skillrepo revert CR-1500), then change it and apply it again")
    code, out = cli(released, "verify")  # verify names the log's finding first: nothing is proved past it
    assert code == 1 and out.startswith("changes/CR-1500/manifest.yaml:6:1: R442 the operations of CR-1500 ")


def test_revert_change_and_apply_again_before_a_release_verifies(released: Path) -> None:
    apply_cr_1500(released)
    assert cli(released, "revert", "CR-1500", "--commit")[0] == 0
    edit(released, "changes/CR-1500/manifest.yaml", f'new: "{PUBLISHED}"', f'new: "{REWRITTEN}"')
    reaccept(released, "CR-1500")
    commit_all(released, "Change CR-1500 and accept it again")
    assert cli(released, "apply", "CR-1500", "--commit")[0] == 0
    assert cli(released, "check") == (0, "checked 133 files: no problems\n")
    assert cli(released, "verify") == (0, "verified: replaying the 5 change request(s) applied (CR-1400, CR-1431, CR-1432, "
                                      "CR-1434, CR-1500) from the empty framework gives framework/ exactly\n")


def test_operations_rewritten_after_a_release_fail_check_against_that_release(released: Path) -> None:
    apply_cr_1500(released)
    git(released, "tag", "v2")
    rewrite_cr_1500(released)
    code, out = cli(released, "check")
    assert (code, out.splitlines()[0]) == (1, (
        "changes/CR-1500/manifest.yaml:6:1: R423 the operations of CR-1500 are not those release v2 published it "
        "with (applied in edition 1); a published change request is a record: propose the change in a new change "
        "request"))
    # The log still holds the digest CR-1500 was applied with: verify names that first.
    assert cli(released, "verify")[1].startswith("changes/CR-1500/manifest.yaml:6:1: R442 ")


def test_a_bundled_request_rewritten_after_the_first_release_fails_check(released: Path) -> None:
    # CR-1432, applied in v1, rewritten with framework/ in one commit; an untagged commit and a newer tag that
    # does not change the manifest do not hide it.
    git(released, "commit", "--quiet", "--allow-empty", "-m", "Later")
    git(released, "tag", "v1.1")
    text = (released / "changes/CR-1432/manifest.yaml").read_text()
    old = "Provides technical leadership"
    assert old in text
    edit(released, "changes/CR-1432/manifest.yaml", old, "Provides leadership")
    edit(released, "framework/skills/ITOP/level-5.yaml", old, "Provides leadership")
    commit_all(released, "Rewrite CR-1432 and ITOP level 5")
    code, out = cli(released, "check")
    assert code == 1
    assert [line.split(": R423 ")[1] for line in out.splitlines() if ": R423 " in line] == [
        "the operations of CR-1432 are not those release v1.1 published it with (applied in edition 1); a "
        "published change request is a record: propose the change in a new change request"]


# --- framework.yaml is accounted for: verify compares it, and update-framework is how it changes ----------------

FRAMEWORK = "framework/framework.yaml"
RENAME_CR = """\
id: CR-1600
title: Rename the framework and add a subcategory
status: accepted
applies_to: []
operations:
  - op: update-framework
    name: {from: Open Digital Skills Framework, to: Open Digital Skills}
  - op: update-framework
    categories:
      from: &old
      to: &new
"""


def categories_yaml(root: Path, extra: str = "") -> str:
    """framework.yaml's categories as flow YAML for a manifest, with `extra` added to People and skills."""
    from skillrepo.checker import check_repository

    fw = check_repository(root)[0].framework
    items = []
    for name, subs in fw.categories.items():
        subs = subs + ([extra] if extra and name == "People and skills" else [])
        items.append("        - {{name: {}, subcategories: [{}]}}".format(name, ", ".join(subs)))
    return "\n" + "\n".join(items)


def rename_cr(root: Path) -> str:
    return RENAME_CR.replace(" &old", categories_yaml(root)).replace(" &new", categories_yaml(root, "Learning"))


@pytest.mark.parametrize(("old", "new", "lines"), [
    ("name: Open Digital Skills Framework", "name: Open Skills Framework",
     [f"{FRAMEWORK}: name changed outside any CR (last changed by CR-1400)",
      "  expected: Open [-Digital-] Skills Framework", "  found:    Open Skills Framework"]),
    ("      - Skills management\n", "      - Skills management\n      - Learning\n",
     [f'{FRAMEWORK}: subcategories of category "People and skills" changed outside any CR (last changed by '
      "CR-1400)", "  expected: People management, Skills management",
      "  found:    People management, Skills management, {+Learning+}"]),
    ("      - Security and privacy\n      - Governance and risk\n", "      - Governance and risk\n      - Security "
     "and privacy\n", [f'{FRAMEWORK}: subcategories of category "Strategy and architecture" changed outside any CR (last '
                      "changed by CR-1400)",
                      "  expected: Strategy and planning, Security and privacy, [-Governance and risk-]",
                      "  found:    Strategy and planning, {+Governance and risk+}, Security and privacy"]),
    ("  - name: Relationships and engagement\n    subcategories:\n      - Stakeholder management\n"
     "      - Supplier management\n", "", [f'{FRAMEWORK}: category "Relationships and engagement" removed outside '
                                           "any CR (last changed by CR-1400)",
                                           "  expected: Strategy and architecture, Change and transformation, "
                                           "Development and implementation, Delivery and operation, People and "
                                           "skills, [-Relationships and engagement-]",
                                           "  found:    Strategy and architecture, Change and transformation, "
                                           "Development and implementation, Delivery and operation, People and "
                                           "skills"]),
])
def test_verify_names_each_change_to_framework_yaml(released: Path, old: str, new: str, lines: list[str]) -> None:
    edit(released, FRAMEWORK, old, new)
    commit_all(released, "Edit framework.yaml by hand")
    assert cli(released, "verify") == (1, "".join(f"{line}\n" for line in lines) + (
        "verify failed: framework/ is not what replaying the 4 change request(s) applied (CR-1400, CR-1431, CR-1432, CR-1434) from the empty framework gives; "
        "make every change through a change request\n"))


def test_verify_names_an_attribute_edited_by_hand(released: Path) -> None:
    path = "framework/attributes/AUTO/level-3.yaml"
    edit(released, path, "deciding how to approach", "choosing how to approach")
    edit(released, "framework/attributes/KNGE/attribute.yaml", "name: Knowledge", "name: Know-how")
    commit_all(released, "Edit attributes by hand")
    code, out = cli(released, "verify")
    assert code == 1
    assert out.splitlines()[:6] == [
        "framework/attributes/AUTO/level-3.yaml: description changed outside any CR (last changed by CR-1400)",
        "  expected: Works with general direction, [-deciding-] how to approach assigned tasks. Identifies …",
        "  found:    Works with general direction, {+choosing+} how to approach assigned tasks. Identifies …",
        "framework/attributes/KNGE/attribute.yaml: name changed outside any CR (last changed by CR-1400)",
        "  expected: [-Knowledge-]", "  found:    {+Know-how+}"]


def test_verify_names_reordered_and_added_categories(released: Path) -> None:
    text = (released / FRAMEWORK).read_text()
    first = "  - name: Strategy and architecture\n    subcategories:\n      - Strategy and planning\n" \
        "      - Security and privacy\n      - Governance and risk\n"
    assert first in text
    head, order = text.split("order:\n")
    text = head.replace(first, "") + first + "  - name: Research\n    subcategories:\n      - Methods\n" + "order:\n" + order
    (released / FRAMEWORK).write_text(text)
    commit_all(released, "Reorder")
    heads = [line for line in cli(released, "verify")[1].splitlines() if not line.startswith("  ")]
    assert heads[:2] == [
        f'{FRAMEWORK}: category "Research" added outside any CR (last changed by CR-1400)',
        f"{FRAMEWORK}: order of the categories changed outside any CR (last changed by CR-1400)"]


def test_update_framework_applies_verifies_and_reverts_byte_for_byte(released: Path, tmp_path: Path) -> None:
    before = (released / FRAMEWORK).read_bytes()
    write_files(released, {"changes/CR-1600/manifest.yaml": rename_cr(released)})
    commit_all(released, "Accept CR-1600")
    code, out = cli(released, "apply", "CR-1600", "--commit")
    assert code == 0, out
    assert out.splitlines()[1:3] == [
        '  changes the name of the framework from "Open Digital Skills Framework" to "Open Digital Skills" (minor)',
        '  changes the categories of the framework: changes the subcategories of "People and skills" (major)']
    text = (released / FRAMEWORK).read_text()
    assert "name: Open Digital Skills\n" in text and "      - Skills management\n      - Learning\n" in text
    assert cli(released, "fmt", "--check")[0] == 0 and cli(released, "check")[0] == 0  # written in the canonical layout
    assert cli(released, "verify") == (0, "verified: replaying the 5 change request(s) applied (CR-1400, CR-1431, CR-1432, "
                                      "CR-1434, CR-1600) from the empty framework gives framework/ exactly\n")
    code, out = cli(released, "changelog")
    assert code == 0
    assert '- **The framework: "Open Digital Skills Framework" is now "Open Digital Skills"** (minor)' in out
    assert cli(released, "release", "2.0.0", "--out", str(tmp_path / "dist"))[0] == 0
    page = (tmp_path / "dist/2.0.0/site/changes/CR-1600.html").read_text()
    assert "The framework&#39;s name" in page and "The framework&#39;s categories" in page
    assert cli(released, "revert", "CR-1600")[0] == 0
    assert (released / FRAMEWORK).read_bytes() == before


def test_update_framework_preconditions_and_inverse() -> None:
    from skillrepo.engine import PreconditionError, apply, describe_operation, invert, targets
    from test_engine import BUNDLED

    categories = [{"name": n, "subcategories": s} for n, s in BUNDLED.categories.items()]
    op = {"op": "update-framework", "name": {"from": "Open Digital Skills Framework", "to": "ODSF"},
          "categories": {"from": categories, "to": list(reversed(categories))}}
    after, effects = apply(BUNDLED, [op], "CR-9")
    assert (after.name, list(after.categories)) == ("ODSF", list(reversed(BUNDLED.categories)))
    assert [(e.field, e.impact) for e in effects] == [("name", "minor"), ("categories", "major")]
    assert apply(after, invert([op]), "CR-9")[0] == BUNDLED
    assert targets(op) == {("framework", "framework", "name"), ("framework", "framework", "categories")}
    assert describe_operation(op) == "update-framework name, categories"
    with pytest.raises(PreconditionError) as info:
        apply(after, [op], "CR-9")
    assert str(info.value) == ('CR-9 operation 1 (update-framework name, categories): the framework\'s name is '
                               '"ODSF", expected "Open Digital Skills Framework"')
    twice = {"op": "update-framework", "categories": {
        "from": [{"name": n, "subcategories": s} for n, s in BUNDLED.categories.items()],
        "to": [{"name": "A", "subcategories": ["x"]}, {"name": "A", "subcategories": ["y"]}]}}
    with pytest.raises(PreconditionError) as info:
        apply(BUNDLED, [twice], "CR-9")
    assert str(info.value).endswith("the new categories list A twice")
    with pytest.raises(PreconditionError) as info:
        apply(BUNDLED, [{"op": "update-framework", "note": "nothing"}], "CR-9")
    assert str(info.value) == ("CR-9 operation 1 (update-framework nothing): changes nothing; name a field to change: "
                               "name, categories")


def test_the_new_change_request_template_shows_update_framework() -> None:
    from skillrepo.manifests import new_manifest

    assert b"#  - op: update-framework" in new_manifest("CR-1700", "A title", [])


def test_a_v_tag_of_a_tree_is_no_release(released: Path) -> None:
    # A tag anyone can push that names a tree, not a commit: no traceback; the releases are the commits' tags.
    git(released, "tag", "v9", "HEAD^{tree}")
    apply_cr_1500(released)
    assert cli(released, "verify") == (0, "verified: replaying the 5 change request(s) applied (CR-1400, CR-1431, CR-1432, "
                                      "CR-1434, CR-1500) from the empty framework gives framework/ exactly\n")
    assert cli(released, "check")[0] == 0


def test_a_framework_in_a_subdirectory_with_any_name_is_held_to_the_same_record(tmp_path: Path) -> None:
    top = tmp_path / "top"
    root = copy_bundled(top / "données cadre")
    init_git(top)
    git(top, "tag", "v1")
    apply_cr_1500(root)
    rewrite_cr_1500(root)
    code, out = cli(root, "verify")
    assert code == 1 and out.startswith("changes/CR-1500/manifest.yaml:6:1: R442 the operations of CR-1500 are not "
                                        "those it was applied with")
