"""The canonical formatting: any data written is read back identically, and formatting is idempotent."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
from helpers import ROOT, copy_bundled, git, init_git, run_in_process
from hypothesis import given, settings
from hypothesis import strategies as st
from skillrepo.canonical import WIDTH, dump, fold
from skillrepo.schemas import property_order
from skillrepo.yamlsource import load_text

ORDER = property_order("skill")
texts = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=300)
words = st.lists(st.text("abcdefghij,.()'-", min_size=1, max_size=14), min_size=1, max_size=60).map(" ".join)


@settings(max_examples=300)
@given(name=texts, description=st.one_of(texts, words), guidance=words, related=st.lists(texts, max_size=3))
def test_written_text_reads_back_identically(name: str, description: str, guidance: str, related: list[str]) -> None:
    data = {"related": related, "guidance": guidance, "name": name, "description": description, "level": 3}
    text = dump("framework/skills/ITOP/skill.yaml", "skill", data, ORDER)
    loaded = load_text(text)
    assert [p for p in loaded.problems if p.code != "Y007"] == []
    assert loaded.data == data
    assert dump("framework/skills/ITOP/skill.yaml", "skill", loaded.data, ORDER) == text


def test_keys_follow_the_schema_and_long_text_wraps() -> None:
    data = {"related": ["ITMG"], "name": "IT infrastructure", "code": "ITOP", "description": "word " * 60 + "end."}
    text = dump("framework/skills/ITOP/skill.yaml", "skill", data, ORDER)
    lines = text.splitlines()
    assert lines[0] == "# yaml-language-server: $schema=../../../schemas/skill.schema.json"
    assert [line.split(":")[0] for line in lines if not line.startswith((" ", "#"))] == [
        "code", "name", "description", "related"]
    assert lines[3] == "description: >-"
    assert all(len(line) <= WIDTH for line in lines)


@settings(max_examples=200)
@given(words=st.lists(st.text(st.characters(codec="utf-8", exclude_categories=("Cs", "Cc", "Zl", "Zp"),
                                            exclude_characters=" "), min_size=1, max_size=130),
                      min_size=1, max_size=40),
       width=st.integers(1, 120))
def test_folding_is_what_textwrap_gives(words: list[str], width: int) -> None:
    """The canonical form folds a long one-line text as textwrap.wrap would (no word broken, none at a hyphen)."""
    import textwrap

    text = " ".join(words)
    assert fold(text, width) == textwrap.wrap(text, width=width, break_long_words=False, break_on_hyphens=False)


def test_fmt_restores_the_canonical_form_and_is_idempotent(tmp_path: Path) -> None:
    repo = copy_bundled(tmp_path / "repo")
    path = repo / "framework/skills/ASUP/skill.yaml"
    original = path.read_bytes()
    lines = path.read_text().splitlines(keepends=True)
    # Move the name below the description, quote it, drop the schema line.
    name = next(line for line in lines if line.startswith("name:"))
    shuffled = [line for line in lines[1:] if line != name] + [name.replace("name: ", "name: '").rstrip() + "'\n"]
    path.write_text("".join(shuffled))
    before = run_in_process("check", cwd=repo)
    assert before.returncode == 1
    assert "framework/skills/ASUP/skill.yaml:1:1: F601 not in the canonical formatting" in before.stdout
    assert run_in_process("fmt", "--check", cwd=repo).returncode == 1
    first = run_in_process("fmt", cwd=repo)
    assert first.stdout == "framework/skills/ASUP/skill.yaml: reformatted\n"
    assert path.read_bytes() == original
    second = run_in_process("fmt", cwd=repo)
    assert second.stdout == "all files already formatted\n"
    assert run_in_process("check", cwd=repo).returncode == 0


def test_fmt_leaves_a_file_it_cannot_read_alone(tmp_path: Path) -> None:
    repo = copy_bundled(tmp_path / "repo")
    path = repo / "framework/skills/ASUP/skill.yaml"
    path.write_text("code: [ASUP\n")
    result = run_in_process("fmt", cwd=repo)
    assert result.returncode == 1
    assert "framework/skills/ASUP/skill.yaml: not formatted: it cannot be read as YAML" in result.stderr
    assert path.read_text() == "code: [ASUP\n"


def _data_files(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes()
            for top in ("framework", "changes") for p in sorted((root / top).rglob("*.yaml"))}


def test_crlf_line_endings_are_one_finding_per_file_and_fmt_ends_lines_with_lf(tmp_path: Path) -> None:
    root = copy_bundled(tmp_path / "repo")
    bundled = _data_files(root)
    for rel, data in bundled.items():
        (root / rel).write_bytes(data.replace(b"\n", b"\r\n"))
    result = run_in_process("check", cwd=root)
    findings = result.stdout.splitlines()[:-1]
    assert result.returncode == 1
    assert len(findings) == len(bundled) and all(" F602 has Windows line endings (CRLF); run `skillrepo fmt`, or "
                                                  "set `git config core.autocrlf false`" in f for f in findings)
    assert findings[0].startswith("changes/CR-1400/manifest.yaml:1:67: F602 ")  # at the first line's end
    assert run_in_process("fmt", cwd=root).returncode == 0
    assert _data_files(root) == bundled
    assert run_in_process("check", cwd=root).returncode == 0


def test_the_gitattributes_keep_lf_in_a_checkout_with_autocrlf(tmp_path: Path) -> None:
    for name, attributes in (("with", True), ("without", False)):
        source = copy_bundled(tmp_path / name / "source")
        if attributes:
            shutil.copy(ROOT / ".gitattributes", source / ".gitattributes")
        init_git(source)
        clone = tmp_path / name / "clone"
        git(tmp_path, "-c", "core.autocrlf=true", "clone", "--quiet", str(source), str(clone))
        crlf = [rel for rel, data in _data_files(clone).items() if b"\r\n" in data]
        if attributes:
            assert crlf == []
            assert run_in_process("check", cwd=clone).returncode == 0
        else:  # the same checkout without them: what the attributes prevent
            assert len(crlf) == len(_data_files(source))


def test_fmt_never_rewrites_a_level_that_is_not_a_whole_number_into_one(tmp_path: Path) -> None:
    root = copy_bundled(tmp_path / "repo")
    path = root / "framework/skills/ITOP/level-4.yaml"
    before = path.read_bytes().replace(b"\nlevel: 4\n", b"\nlevel: 4.0\n")
    path.write_bytes(before)
    run_in_process("fmt", cwd=root)
    assert path.read_bytes() == before  # check says S203 and what to write; the data is the author's to change
    assert "S203 level: expected a whole number written in decimal, found 4.0; write 4" in run_in_process("check", cwd=root).stdout


def test_fmt_parses_only_framework_and_still_ends_change_requests_lines_with_lf(tmp_path: Path,
                                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    root = copy_bundled(tmp_path / "repo")
    manifest = root / "changes/CR-1432/manifest.yaml"
    manifest.write_bytes(manifest.read_bytes().replace(b"\n", b"\r\n"))
    from skillrepo import documents

    parsed: list[bytes] = []
    real = documents.load_bytes

    def counting(raw: bytes, *args: Any) -> Any:
        parsed.append(raw)
        return real(raw, *args)

    monkeypatch.setattr(documents, "load_bytes", counting)
    assert run_in_process("fmt", cwd=root).stdout == "changes/CR-1432/manifest.yaml: reformatted\n"
    framework = [p for p in root.joinpath("framework").rglob("*.yaml")]
    assert len(parsed) == len(framework), "each framework file parsed once, no change request"
    assert b"\r\n" not in manifest.read_bytes()


def test_fmt_given_the_staged_files_reads_and_formats_only_those(tmp_path: Path,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    root = copy_bundled(tmp_path / "repo")
    staged, other = root / "framework/skills/ITOP/skill.yaml", root / "framework/skills/ITMG/skill.yaml"
    manifest = root / "changes/CR-1432/manifest.yaml"
    for path in (staged, other):
        path.write_text(path.read_text().replace("status: active", "status: 'active'"))
    manifest.write_bytes(manifest.read_bytes().replace(b"\n", b"\r\n"))
    untouched = other.read_bytes()
    (root / "framework/skills/ITOP/notes.txt").write_text("not a data file\n")
    from skillrepo import documents

    parsed: list[bytes] = []
    real = documents.load_bytes
    monkeypatch.setattr(documents, "load_bytes", lambda raw, *args: parsed.append(raw) or real(raw, *args))
    result = run_in_process("fmt", "framework/skills/ITOP/skill.yaml", "framework/skills/ITOP/notes.txt",
                            "changes/CR-1432/manifest.yaml", "framework/skills/GONE/skill.yaml", cwd=root)
    assert (result.returncode, result.stdout) == (0, "changes/CR-1432/manifest.yaml: reformatted\n"
                                                     "framework/skills/ITOP/skill.yaml: reformatted\n")
    assert len(parsed) == 1  # the one staged framework file; the manifest's line endings need no parsing
    assert "status: active\n" in staged.read_text() and other.read_bytes() == untouched
    assert b"\r\n" not in manifest.read_bytes()
    # Relative to where it runs, as the hook passes them; never outside the repository.
    inside = run_in_process("fmt", "--check", "ITMG/skill.yaml", cwd=root / "framework/skills")
    assert (inside.returncode, inside.stdout) == (1, "framework/skills/ITMG/skill.yaml: would be reformatted\n")
    outside = run_in_process("fmt", "../elsewhere.yaml", cwd=root)
    assert outside.returncode == 2 and "../elsewhere.yaml: not inside the repository" in outside.stderr
