"""The changelog as people read it: CHANGELOG.md of a release (and `skillrepo changelog`) shows the texts it
changed before and after, the texts it added, and links that lead somewhere from where the file is read."""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
from pathlib import Path
from urllib.parse import unquote

import pytest
from helpers import committed_copy, git, run_in_process, write_files
from skillrepo.exports import changelog
from skillrepo.model import Framework
from skillrepo.operations import Effect

# A new skill whose texts hold Markdown and HTML that must show literally, never as a link, an image or a list.
ADD_SKILL_CR = """\
id: CR-1500
title: "Add platform operations [click](https://evil.example/) <img src=x>"
status: accepted
applies_to: [ITOP]
operations:
  - op: add-skill
    code: PLOP
    id: 0b0c6d1e-5d4c-4d43-9a55-3f5c1f0f2a11
    name: Platform operations
    category: Delivery and operation
    subcategory: Technology management
    description: "Running the platforms that teams build on, **not** [a link](https://evil.example/)."
    related: [ITOP]
    levels:
      - level: 3
        description: |-
          - Runs platform services following agreed procedures.

          1. Keeps <b>them</b> patched.
"""

LINK = re.compile(r"(?<!\\)\]\(([^)]*)\)")  # a link's target; not an escaped "\](" of the text
ITMG5_BEFORE = "Manages the delivery of technology services and the infrastructure beneath them"
ITMG5_AFTER = "Manages the delivery of a set of technology services, making sure that agreed service levels"


def ok(*args: str, cwd: Path) -> str:
    result = run_in_process(*args, cwd=cwd)
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


@pytest.fixture(scope="module")
def with_new_skill(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = committed_copy(tmp_path_factory.mktemp("changelog") / "repo")
    write_files(root, {"changes/CR-1500/manifest.yaml": ADD_SKILL_CR})
    git(root, "add", "-A")
    git(root, "commit", "-qm", "Propose CR-1500")
    ok("apply", "CR-1500", "--commit", cwd=root)
    return root


def copy_of(root: Path, dest: Path) -> Path:
    """A copy of a repository to release from: a release records itself in changes/log.yaml."""
    shutil.copytree(root, dest, symlinks=True)
    return dest


@pytest.fixture(scope="module")
def release(with_new_skill: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    ok("release", "1.0.0", "--out", str(out), cwd=copy_of(with_new_skill, out.parent / "released"))
    return out / "1.0.0"


def test_every_link_of_a_release_changelog_leads_to_a_file_of_that_release(release: Path) -> None:
    text = (release / "CHANGELOG.md").read_text("utf-8")
    links = LINK.findall(text)
    assert len(links) == 10 + 4  # each entry (a new skill, 2 new levels, 7 changed texts), then each CR
    for link in links:
        assert "://" not in link and not link.startswith("/"), link
        target = (release / unquote(link)).resolve()
        assert target.is_file() and target.is_relative_to(release.resolve()), link
    rows = [row for rows in json.loads((release / "changes.json").read_text("utf-8"))["sections"].values()
            for row in rows]
    assert rows and all((release / row["link"]).is_file() for row in rows)


def test_a_rewritten_text_shows_before_and_after_in_full(release: Path) -> None:
    text = (release / "CHANGELOG.md").read_text("utf-8")
    before = next(line for line in text.splitlines() if ITMG5_BEFORE in line)
    after = next(line for line in text.splitlines() if ITMG5_AFTER in line)
    assert before.startswith("  > **Before:** ") and before.endswith("develops the people in the team.")
    assert after.startswith("  > **After:** ") and after.endswith("performance and risks to senior managers.")
    assert text.index(before) < text.index(after)
    assert "Rewritten:" not in text


def test_an_edited_text_shows_its_words_removed_and_added(release: Path) -> None:
    assert ("  … written procedures and checklists. Watches monitoring ~~screens,~~ **consoles,** performs simple "
            "housekeeping such as starting …\n") in (release / "CHANGELOG.md").read_text("utf-8")


def test_new_levels_and_new_skills_show_their_text_literally(release: Path) -> None:
    text = (release / "CHANGELOG.md").read_text("utf-8")
    assert ("  > Provides technical leadership of an IT infrastructure function, to ensure service performance "
            "targets are met and all relevant policies and procedures are adhered to.\n  >\n  > Oversees the planning,"
            ) in text
    # The new skill's description, and its level's two paragraphs: no emphasis, link, tag or list of their own.
    assert ("  > Running the platforms that teams build on, \\*\\*not\\*\\* \\[a link\\](https\\://evil.example/).\n"
            in text)
    assert "  > \\- Runs platform services following agreed procedures.\n  >\n  > 1\\. Keeps &lt;b&gt;them&lt;/b&gt; " \
        "patched.\n" in text
    assert ("[CR-1500](site/changes/CR-1500.html) Add platform operations \\[click\\](https\\://evil.example/) "
            "&lt;img src=x&gt;") in text
    assert "<img" not in text and "<b>" not in text


def test_changelog_on_standard_output_names_change_requests_without_links(with_new_skill: Path) -> None:
    text = ok("changelog", cwd=with_new_skill)
    assert LINK.findall(text) == []
    assert "- CR-1432 Create IT Infrastructure (ITOP) level 5\n" in text
    assert all(row["link"] is None for rows in json.loads(ok("changelog", "--format", "json", cwd=with_new_skill))[
        "sections"].values() for row in rows)


@pytest.mark.parametrize("url", ["https://skills.example.org/framework/1.0.0", "https://skills.example.org/framework/1.0.0/"])
def test_a_base_url_makes_every_link_absolute(with_new_skill: Path, tmp_path: Path, url: str) -> None:
    site = "https://skills.example.org/framework/1.0.0/"
    links = LINK.findall(ok("changelog", "--base-url", url, cwd=with_new_skill))
    assert links and all(re.fullmatch(re.escape(site) + r"changes/CR-\d+\.html", link) for link in links), links
    ok("release", "1.0.0", "--out", str(tmp_path / "out"), "--base-url", url,
       cwd=copy_of(with_new_skill, tmp_path / "repo"))
    built = tmp_path / "out/1.0.0"
    links = LINK.findall((built / "CHANGELOG.md").read_text("utf-8"))
    assert links and all(link.startswith(site) and (built / "site" / link[len(site):]).is_file() for link in links)
    # The spreadsheets' URL columns point at the same site.
    for name, column in (("skills.csv", "URL"), ("levels.csv", None)):
        rows = list(csv.reader(io.StringIO((built / name).read_text("utf-8-sig"), newline="")))
        urls = [r[rows[0].index(column)] for r in rows[1:]] if column else rows[-1][1:]
        assert urls and all(u.startswith(site) and (built / "site" / u[len(site):]).is_file() for u in urls), urls


@pytest.mark.parametrize("url", ["javascript:alert(1)", "https://x.example/a) [y](https://evil", "https://x.example/?a=b",
                                 "https://", "ftp://x.example/", "https://x.example/a b"])
def test_a_base_url_that_is_not_a_site_is_refused_before_anything_is_built(with_new_skill: Path, tmp_path: Path,
                                                                            url: str) -> None:
    for args in (["changelog"], ["release", "1.0.0", "--out", str(tmp_path)]):
        result = run_in_process(*args, "--base-url", url, cwd=with_new_skill)
        assert (result.returncode, result.stdout) == (2, "")
        assert result.stderr == (f"error: --base-url '{url}' is not the URL of a site: give http:// or https://, a host "
                                 "and a path without spaces, quotes, brackets, ? or #, e.g. "
                                 "https://example.org/framework/1.1.0/\n")
    assert list(tmp_path.iterdir()) == []


def test_a_removed_level_quotes_the_text_it_removed(bundled: Framework) -> None:
    removed = Effect("remove-level", "ITOP", 1, "description", "Works under close direction.\n\nFollows procedures.",
                     None, "major", "CR-1600")
    assert changelog.markdown("Changes", changelog.entries([removed], bundled), {}, changelog.Links()).split(
        "## Removed levels\n\n")[1].startswith(
        "- **ITOP IT infrastructure level 1** (major) — CR-1600\n\n"
        "  > Works under close direction.\n  >\n  > Follows procedures.\n")
