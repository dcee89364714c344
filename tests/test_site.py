"""The release's website: every page at its stable address, links that resolve, no network, the same bytes on
every build, data shown as text; and, in a real headless Chromium, search, navigation and the change views."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import replace
from html.parser import HTMLParser
from pathlib import Path
from posixpath import normpath
from typing import Any
from urllib.parse import unquote, urlsplit

import pytest
from helpers import ROOT, committed_copy, copy_bundled, init_git, run_in_process, write_files
from skillrepo import drift
from skillrepo.canonical import scalar
from skillrepo.checker import check_repository
from skillrepo.domain import ATTRIBUTE_TYPES
from skillrepo.engine import apply
from skillrepo.model import ChangeRequest, Repository
from skillrepo.replay import Replay, from_empty, since_release
from skillrepo.site import build as site_build
from skillrepo.site import build_site

VERSION = "1.0.0"
DOWNLOADS = ["framework.json", "skills.csv", "skills.xlsx", "case.json", "CHANGELOG.md", "changes.json",
             "mapping.csv", "mapping.json", "SHA256SUMS"]
CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = ROOT / "tests" / "artifacts"
SCRIPT = "<script>alert(1)</script>"
IMG = "<img src=x onerror=alert(2)>"
ITOP_5 = "Provides technical leadership of an IT infrastructure function"
# The bundled attributes as the site lists them: generic ones, then behavioural ones.
ATTRIBUTE_ORDER = ["AUTO", "COMP", "INFL", "KNGE", "BUSK"]


# Building.

def load(root: Path) -> tuple[Repository, Replay]:
    repo, _ = check_repository(root)
    replay = since_release(root, repo, None)
    assert replay.problem is None and replay.result is not None, replay.problem
    return repo, replay


def write_release(files: dict[str, bytes], release: Path) -> Path:
    """The site under release/site/, and a stand-in for each download beside it, as `release` lays them out."""
    site = release / "site"
    for rel, data in files.items():
        path = site / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    for name in DOWNLOADS:
        (release / name).write_text(f"{name}\n")
    return site


def inject(root: Path) -> None:
    """Markup in texts from the data: a skill description, a change request title, a skill name, an attribute's
    text at a level."""
    skill = root / "framework/skills/ITOP/skill.yaml"
    text = skill.read_text()
    assert "  Operating, maintaining" in text
    skill.write_text(text.replace("  Operating, maintaining", f"  Operating {SCRIPT}, maintaining"))
    cr = root / "changes/CR-1447/manifest.yaml"
    text = cr.read_text()
    cr.write_text(re.sub(r"(?m)^title: .*$", f"title: \"Absorb SYSP {IMG}\"", text))
    sysp = root / "framework/skills/SYSP/skill.yaml"
    text = sysp.read_text()
    sysp.write_text(re.sub(r"(?m)^name: (.*)$", r'name: "\1 \\"><b>bold</b>"', text))
    auto = root / "framework/attributes/AUTO/level-3.yaml"
    text = auto.read_text()
    assert "  Works with general direction" in text
    auto.write_text(text.replace("  Works with general direction", f"  Works {SCRIPT} with general direction"))


@pytest.fixture(scope="module")
def site_source(tmp_path_factory: pytest.TempPathFactory) -> tuple[Repository, Replay]:
    return load(committed_copy(tmp_path_factory.mktemp("site") / "repo"))


@pytest.fixture(scope="module")
def files(site_source: tuple[Repository, Replay]) -> dict[str, bytes]:
    repo, replay = site_source
    return build_site(repo, replay, VERSION, DOWNLOADS)


@pytest.fixture(scope="module")
def site(files: dict[str, bytes], tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_release(files, tmp_path_factory.mktemp("dist") / VERSION)


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The site of a copy whose texts hold markup."""
    root = copy_bundled(tmp_path_factory.mktemp("hostile") / "repo")
    inject(root)
    repo, replay = load(init_git(root))
    assert SCRIPT in repo.framework.skills["ITOP"].description
    return write_release(build_site(repo, replay, VERSION, DOWNLOADS), tmp_path_factory.mktemp("dist") / VERSION)


# Reading pages.

class Page(HTMLParser):
    """The links, ids and a few structural facts of one HTML page."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.links: list[tuple[str, str, str]] = []  # (tag, attribute, value)
        self.ids: set[str] = set()
        self.all_ids: list[str] = []
        self.tags: list[str] = []
        self.starts: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        self.tags.append(tag)
        self.starts.append((tag, a))
        if a.get("id"):
            self.ids.add(str(a["id"]))
            self.all_ids.append(str(a["id"]))
        for attr in ("href", "src", "action"):
            if a.get(attr) is not None:
                self.links.append((tag, attr, str(a[attr])))

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def parse(html: bytes) -> Page:
    page = Page()
    page.feed(html.decode("utf-8"))
    page.close()
    return page


def pages(site: Path) -> Iterator[tuple[str, Page]]:
    for path in sorted(site.rglob("*.html")):
        yield path.relative_to(site).as_posix(), parse(path.read_bytes())


def words(text: str) -> str:
    """A text as a reader sees it: its words separated by single spaces."""
    return " ".join(text.split())


def shown(html: str) -> str:
    """The words of some HTML as a browser shows them (entities decoded, tags gone)."""
    return words(" ".join(parse(html.encode()).text))


def section(html: str, element_id: str) -> str:
    """The HTML from the element with `element_id` to the end of the first section that closes after it."""
    start = html.index(f'id="{element_id}"')
    return html[start:html.index("</section>", start)]


# Unit tests.

def test_every_page_is_at_its_stable_address(files: dict[str, bytes], site_source: tuple[Repository, Replay]) -> None:
    repo, _ = site_source
    expected = {"index.html", "changelog.html", "mapping.html", "downloads.html", "changes/index.html",
                "levels/index.html", "style.css", "search.js", "search-index.json", "search-index.js"}
    expected |= {f"skills/{code}.html" for code in repo.framework.skills}
    expected |= {f"levels/{n}.html" for n in range(1, 8)}
    expected |= {f"changes/{cr}.html" for cr in repo.changes}
    expected |= {"attributes/index.html"} | {f"attributes/{code}.html" for code in ATTRIBUTE_ORDER}
    assert expected <= set(files)
    assert "skills/ITOP.html" in files and "changes/CR-1432.html" in files
    assert all(not name.startswith("/") and ".." not in name for name in files)


def test_every_link_resolves_to_a_file_of_the_site_or_a_download(site: Path) -> None:
    ids = {path: page.ids for path, page in pages(site)}
    checked = 0
    for path, page in pages(site):
        for tag, attr, value in page.links:
            parts = urlsplit(value)
            assert not parts.scheme and not parts.netloc, f"{path}: <{tag} {attr}={value!r}> is not relative"
            if attr == "action" and not parts.path:
                continue
            target = normpath(str(Path(path).parent / unquote(parts.path))) if parts.path else path
            if target.startswith("../"):
                assert target[3:] in DOWNLOADS, f"{path}: {value!r} leaves the site for {target!r}"
                assert (site.parent / target[3:]).is_file()
                continue
            assert (site / target).is_file(), f"{path}: {value!r} resolves to {target!r}, which is not in the site"
            if parts.fragment and target.endswith(".html"):
                assert parts.fragment in ids[target], f"{path}: {value!r}: no id {parts.fragment!r} in {target}"
            checked += 1
    assert checked > 500


def test_nothing_is_loaded_from_the_network(site: Path) -> None:
    for path, page in pages(site):
        for tag, attr, value in page.links:
            assert not value.startswith(("http:", "https:", "//")), f"{path}: {tag} {attr}={value}"
        html = (site / path).read_text()
        assert "http://" not in html and "https://" not in html, path
    css = (site / "style.css").read_text()
    assert "@import" not in css and not re.search(r"url\(", css)
    for name in ("search.js", "search-index.js"):
        assert not re.search(r"https?:", (site / name).read_text()), name


def test_pages_are_accessible_in_structure(site: Path) -> None:
    for path, page in pages(site):
        assert page.tags.count("h1") == 1, path
        for landmark in ("header", "nav", "main", "footer"):
            assert landmark in page.tags, f"{path}: no <{landmark}>"
        assert len(page.all_ids) == len(page.ids), f"{path}: an id twice"
        assert page.starts[0] == ("html", {"lang": "en"})
        assert ("meta", {"name": "viewport", "content": "width=device-width, initial-scale=1"}) in page.starts
        assert page.starts[[t for t, _ in page.starts].index("a")][1].get("href") == "#main", f"{path}: skip link"
        assert [a.get("href") for t, a in page.starts if t == "link"] == [("../" * path.count("/")) + "style.css"]
        for tag, attrs in page.starts:
            if tag == "th":
                assert attrs.get("scope") in ("col", "row"), path
            if tag == "img":
                assert "alt" in attrs, path


def test_the_skill_page(site: Path) -> None:
    html = (site / "skills/ITOP.html").read_text()
    page = parse(html.encode())
    text = "".join(page.text)
    assert "IT infrastructure" in text and "Delivery and operation" in text and "Technology management" in text
    assert {f"level-{n}" for n in range(1, 6)} <= page.ids and "level-6" not in page.ids
    assert ITOP_5 in text
    hrefs = [v for _, _, v in page.links]
    assert {f"#level-{n}" for n in range(1, 6)} <= set(hrefs)
    for code in ("ITMG", "SYSP", "NTAS", "ASUP"):
        assert f"../skills/{code}.html" in hrefs
    assert re.search(r'class="change-mark[^"]*" href="\.\./changes/CR-1432\.html"', html)
    assert "../levels/5.html" in hrefs
    # A skill no release changed has no mark.
    assert "change-mark" not in (site / "skills/PROG.html").read_text()


def test_a_retired_skill_keeps_its_page_and_names_what_replaced_it(site_source: tuple[Repository, Replay],
                                                                   tmp_path: Path) -> None:
    repo, replay = site_source
    assert replay.result is not None
    cr = ChangeRequest("CR-1500", "Merge System software (SYSP) into IT infrastructure (ITOP)", "accepted",
                       ["SYSP"], [], [{"op": "retire-skill", "skill": "SYSP", "replaced_by": ["ITOP"]}],
                       proposal="Merge it.", applied_in="1")
    after, effects = apply(replay.result, cr.operations, cr.id)
    repo = replace(repo, framework=after, changes={**repo.changes, cr.id: cr})
    replay = replace(replay, order=[*replay.order, cr], steps=[*replay.steps, (cr, effects)], result=after)
    site = write_release(build_site(repo, replay, VERSION, DOWNLOADS), tmp_path / VERSION)
    html = (site / "skills/SYSP.html").read_text()
    notice = html[html.index('class="notice notice-retired"'):]
    notice = notice[:notice.index("</div>")]
    assert "This skill is retired" in notice and 'href="../skills/ITOP.html"' in notice
    assert 'href="../changes/CR-1500.html"' in html and "retires the skill" in html
    assert 'id="level-3"' in html  # its levels stay readable
    assert ">retired</span>" in (site / "index.html").read_text()
    assert 'id="retired_skills"' in (site / "changelog.html").read_text()
    assert "<td>merged</td>" in (site / "mapping.html").read_text()
    change = (site / "changes/CR-1500.html").read_text()
    assert re.search(r"<ins>.*retired, replaced by ITOP", change)
    test_every_link_resolves_to_a_file_of_the_site_or_a_download(site)


def test_the_level_pages(site: Path, site_source: tuple[Repository, Replay]) -> None:
    repo, _ = site_source
    fw = repo.framework
    assert sorted(fw.attributes) == sorted(ATTRIBUTE_ORDER)
    for n in range(1, 8):
        html = (site / f"levels/{n}.html").read_text()
        rl = fw.levels[n]
        assert rl.name in html and " ".join(rl.essence.split()[:6]) in " ".join(html.split())
        # Each attribute, linked to its text at this level on its page, then that text; generic ones under
        # "Attributes", then the behavioural one under its published label, each in order.
        generic, behavioural = section(html, "attributes-generic"), section(html, "attributes-behavioural")
        assert ">Attributes</h2>" in generic and ">Business skills/Behavioural factors</h2>" in behavioural
        assert html.index(generic) < html.index(behavioural)
        for code in ATTRIBUTE_ORDER:
            part = generic if fw.attributes[code].type == "generic" else behavioural
            link = f'href="../attributes/{code}.html#level-{n}"'
            assert link in part, (n, code)
            after_link = part[part.index(link):]
            assert words(fw.attributes[code].levels[n].description) in shown(after_link[:after_link.index("</dd>")])
        links = re.findall(r'href="\.\./attributes/([A-Z]{4})\.html#level-', html)
        assert links == ATTRIBUTE_ORDER
        assert "notice-changed" not in html  # the bundled releases changed no level of responsibility
        for code, skill in fw.skills.items():
            assert (f'href="../skills/{code}.html#level-{n}"' in html) == (n in skill.levels), (n, code)
    levels = (site / "levels/index.html").read_text()
    assert 'href="../attributes/index.html"' in levels and "Autonomy" not in levels


def test_the_attribute_pages(site: Path, site_source: tuple[Repository, Replay]) -> None:
    fw = site_source[0].framework
    auto = fw.attributes["AUTO"]
    html = (site / "attributes/AUTO.html").read_text()
    assert "<h1><span class=\"code\">AUTO</span> Autonomy</h1>" in html
    assert "<div><dt>Type</dt><dd>Attributes</dd></div>" in html
    assert "<div><dt>Status</dt><dd>active</dd></div>" in html
    assert words(auto.description) in shown(section(html, "description"))
    assert "Published at" not in html and 'id="guidance"' not in html and "retired" not in html
    for n in range(1, 8):
        level = section(html, f"level-{n}")
        assert f'<a href="../levels/{n}.html">Level {n} <span class="level-name">{fw.levels[n].name}</span></a>' in level
        assert words(auto.levels[n].description) in shown(level)
        assert f'href="#level-{n}"' in html
    busk = (site / "attributes/BUSK.html").read_text()
    assert "<div><dt>Type</dt><dd>Business skills/Behavioural factors</dd></div>" in busk
    # The index: by type, generic first, each attribute linked; reached from every page's navigation.
    index = (site / "attributes/index.html").read_text()
    assert index.index('id="generic"') < index.index('id="behavioural"')
    assert re.findall(r'href="\.\./attributes/([A-Z]{4})\.html"', index) == ATTRIBUTE_ORDER
    assert "BUSK" in section(index, "behavioural") and "AUTO" not in section(index, "behavioural")
    for path in ("index.html", "skills/ITOP.html", "levels/3.html", "changes/CR-1432.html"):
        prefix = "../" * path.count("/")
        assert f'<a href="{prefix}attributes/index.html"' in (site / path).read_text(), path


def test_an_attribute_s_guidance_published_page_retirement_and_type_change_show_on_the_site(
        site_source: tuple[Repository, Replay], tmp_path: Path) -> None:
    repo, replay = site_source
    assert replay.result is not None
    url = "https://example.org/attributes/AUTO?a=1&b"
    cr = ChangeRequest("CR-1500", "Retire Autonomy (AUTO)", "accepted", ["AUTO"], [], [
        {"op": "update-attribute", "attribute": "AUTO",
         "guidance": {"from": None, "to": "Read it with the level as a whole."}, "url": {"from": None, "to": url}},
        {"op": "retire-attribute", "attribute": "AUTO"},
        {"op": "update-attribute", "attribute": "KNGE", "type": {"from": "generic", "to": "behavioural"}}],
        proposal="Retire it.", applied_in="1")
    after, effects = apply(replay.result, cr.operations, cr.id)
    repo = replace(repo, framework=after, changes={**repo.changes, cr.id: cr})
    replay = replace(replay, order=[*replay.order, cr], steps=[*replay.steps, (cr, effects)], result=after)
    site = write_release(build_site(repo, replay, VERSION, DOWNLOADS), tmp_path / VERSION)
    html = (site / "attributes/AUTO.html").read_text()
    notice = html[html.index('class="notice notice-retired"'):]
    assert "This attribute is retired" in notice[:notice.index("</div>")]
    assert "Read it with the level as a whole." in section(html, "guidance")
    assert ('<div><dt>Published at</dt><dd><a class="published-url" href="https://example.org/attributes/AUTO?a=1&amp;b"'
            ' rel="external noopener noreferrer">') in html
    changed = html[html.index('class="notice notice-changed"'):]
    assert 'href="../changes/CR-1500.html"' in changed and "retires the attribute" in changed
    assert '<span class="tag tag-retired">retired</span>' in (site / "attributes/index.html").read_text()
    assert '<span class="tag tag-retired">retired</span>' in section((site / "levels/2.html").read_text(),
                                                                     "attributes-generic")
    change = (site / "changes/CR-1500.html").read_text()
    assert '<a href="../attributes/AUTO.html">Attribute AUTO guidance notes</a>' in change
    assert '<a href="../attributes/AUTO.html">Attribute AUTO status</a>' in change
    # A change of type: shown as the published labels, and the attribute listed with the other type after it.
    entries = section((site / "changelog.html").read_text(), "attributes")
    knge = entries[entries.index('href="attributes/KNGE.html"'):]
    assert re.search(r"<del>.*Attributes.*</del> <ins>.*Business skills/Behavioural factors.*</ins>", knge)
    level = (site / "levels/2.html").read_text()
    assert "KNGE" in section(level, "attributes-behavioural") and "KNGE" not in section(level, "attributes-generic")
    assert re.findall(r'href="\.\./attributes/([A-Z]{4})\.html#', level) == ["AUTO", "COMP", "INFL", "BUSK", "KNGE"]


def test_a_change_to_an_attribute_at_a_level_is_shown_as_the_attribute_s(tmp_path: Path) -> None:
    root = committed_copy(tmp_path / "repo")
    write_files(root, {"changes/CR-1500/manifest.yaml": """\
id: CR-1500
title: Autonomy (AUTO) at level 4 is substantial
status: accepted
applies_to: []
proposal: |-
  Say substantial rather than considerable.
operations:
  - op: update-attribute-level
    attribute: AUTO
    level: 4
    description:
      edits:
        - old: considerable personal responsibility
          new: substantial personal responsibility
"""})
    result = run_in_process("apply", "CR-1500", cwd=root)
    assert result.returncode == 0, result.stderr
    site = write_release(build_site(*load(root), VERSION, DOWNLOADS), tmp_path / VERSION)
    change = (site / "changes/CR-1500.html").read_text()
    assert ('<h3 id="change-1"><a href="../attributes/AUTO.html#level-4">Attribute AUTO level 4 description</a></h3>'
            ) in change
    assert re.search(r"<del><span class=\"visually-hidden\">\[removed: </span>considerable<", change)
    assert re.search(r"<ins><span class=\"visually-hidden\">\[added: </span>substantial<", change)
    # Not a change of level 4 of responsibility: that page marks the attribute, not the level.
    level = (site / "levels/4.html").read_text()
    assert "notice-changed" not in level
    auto = level[level.index('href="../attributes/AUTO.html#level-4"'):]
    assert '<a class="change-mark change-changed" href="../changes/CR-1500.html">' in auto[:auto.index("</dt>")]
    assert "change-mark" not in level.replace(auto, "")  # no other attribute, nor any skill, is marked
    page = (site / "attributes/AUTO.html").read_text()
    notice = page[page.index('class="notice notice-changed"'):]
    assert 'href="../changes/CR-1500.html"' in notice and "changes level 4" in notice[:notice.index("</aside>")]
    assert '<li class="defined changed"><a href="#level-4">' in page
    assert 'href="../changes/CR-1500.html"' in section(page, "level-4")
    assert "substantial personal responsibility" in section(page, "level-4")
    changelog = (site / "changelog.html").read_text()
    entry = section(changelog, "attributes")
    assert '<a href="attributes/AUTO.html#level-4">AUTO Autonomy level 4</a>' in entry
    assert "Level 4" not in section(changelog, "attributes") and 'id="responsibility_levels"' not in changelog
    test_every_link_resolves_to_a_file_of_the_site_or_a_download(site)


def test_the_change_request_pages(site: Path) -> None:
    index = (site / "changes/index.html").read_text()
    for cr in ("CR-1431", "CR-1432", "CR-1434", "CR-1447"):
        assert f'href="{cr}.html"' in index
    assert index.index('id="accepted"') < index.index('id="declined"')
    html = (site / "changes/CR-1432.html").read_text()
    assert "Create IT Infrastructure (ITOP) level 5" in html
    for heading in ("Proposal", "Decision", "Outcome"):
        assert f">{heading}</h2>" in html
    # The proposal's three paragraphs, and its mention of CR#1431 as a link.
    proposal = html[html.index('id="proposal"'):html.index('id="decision"')]
    assert proposal.count("<p>") == 3 and 'href="../changes/CR-1431.html"' in proposal
    ins = re.findall(r"<ins>(.*?)</ins>", html[html.index('class="before-after'):], re.S)
    assert any(ITOP_5 in i for i in ins) and all("added: " in i for i in ins)
    # A word-level change: removed and added words, labelled for screen readers.
    html = (site / "changes/CR-1434.html").read_text()
    assert re.search(r'<del><span class="visually-hidden">\[removed: </span>screens,<', html)
    assert re.search(r'<ins><span class="visually-hidden">\[added: </span>consoles,<', html)
    # A declined request changed nothing.
    assert "<ins>" not in (site / "changes/CR-1447.html").read_text()


ITOP_4 = [  # ITOP level 4 sentence by sentence, as `skillrepo blame ITOP 4` gives it: (sentence, last, first)
    ("Coordinates the operation of a defined part of the infrastructure, planning and scheduling the work of a small "
     "team.", "CR-1400", None),
    ("Develops and maintains automation, monitoring and operational procedures, and makes sure changes are properly "
     "tested and recorded.", "CR-1434", "CR-1400"),
    ("Analyses trends in incidents, capacity and performance, proposes improvements and leads the installation of new "
     "components.", "CR-1400", None),
    ("Gives specialist advice to colleagues and helps to resolve complex operational issues.", "CR-1400", None),
]


def history_of(html: str, element_id: str) -> list[str]:
    """The change requests an item's history (the element `element_id`) lists, in its order, each linked."""
    return re.findall(r'class="change-link" href="\.\./changes/(CR-\d+)\.html"', section(html, element_id))


def sources_of(html: str, element_id: str) -> list[tuple[str, str, str | None]]:
    """The sentences the toggle of the text in `element_id` marks: (sentence, last change request, the first one
    when another), each change request linked."""
    part = section(html, element_id)
    part = part[part.index('class="sources"'):]
    part = part[:part.index("</details>")]
    rows = re.findall(r'<li><span class="sentence">(.*?)</span> <span class="sentence-source"><a class="sentence-cr" '
                      r'href="\.\./changes/(CR-\d+)\.html">.*?</a>(?: <span class="sentence-first">first <a '
                      r'href="\.\./changes/(CR-\d+)\.html">)?', part)
    assert len(rows) == part.count("<li>")
    return [(shown(text), last, first or None) for text, last, first in rows]


def test_a_skill_page_shows_each_level_s_history_newest_first(site: Path) -> None:
    html = (site / "skills/ITOP.html").read_text()
    assert history_of(html, "level-5-history") == ["CR-1432"]
    assert history_of(html, "level-4-history") == ["CR-1434", "CR-1400"]
    assert history_of(html, "history") == ["CR-1400"]  # the skill's own fields
    # What each did, in words, and its word diff in the markup of the change request pages.
    level4 = section(html, "level-4-history")
    assert "Changes the description of ITOP level 4 minor impact" in shown(level4)
    assert "Adds ITOP level 4 major impact" in shown(level4)
    assert re.search(r'<ins><span class="visually-hidden">\[added: </span>automation,<', level4)
    assert level4.count('class="before-after') == 1  # an item added is its text now: no diff of it
    # A skill's page does not list another's history.
    assert "CR-1431" not in history_of(html, "level-5-history") + history_of(html, "history")


def test_the_toggle_marks_each_sentence_with_its_change_requests(site: Path) -> None:
    html = (site / "skills/ITOP.html").read_text()
    assert sources_of(html, "level-4") == ITOP_4
    # The text itself reads as before, marks only in the folded second rendering.
    level4 = section(html, "level-4")
    text = level4[:level4.index('class="sources"')]
    assert " ".join(s for s, _, _ in ITOP_4) in shown(text) and "CR-1400" not in shown(text)
    assert {(last, first) for _, last, first in sources_of(html, "level-5")} == {("CR-1432", None)}
    attribute = (site / "attributes/AUTO.html").read_text()
    assert {last for _, last, _ in sources_of(attribute, "level-3")} == {"CR-1400"}
    assert history_of(attribute, "level-3-history") == ["CR-1400"] and history_of(attribute, "history") == ["CR-1400"]
    level = (site / "levels/5.html").read_text()
    assert {last for _, last, _ in sources_of(level, "essence")} == {"CR-1400"}
    assert history_of(level, "history") == ["CR-1400"]


def test_a_change_request_page_links_to_the_items_it_changed(site: Path) -> None:
    def items(cr: str) -> list[str]:
        part = section((site / f"changes/{cr}.html").read_text(), "changed-items")
        return re.findall(r'<li><a href="\.\./([^"]+)">', part)

    assert items("CR-1431") == ["skills/ITMG.html", "skills/ITMG.html#level-5", "skills/ITMG.html#level-6"]
    assert items("CR-1432") == ["skills/ITOP.html#level-5"]
    assert {"attributes/AUTO.html", "attributes/AUTO.html#level-3", "levels/5.html",
            "skills/ITOP.html#level-4"} <= set(items("CR-1400"))
    assert 'id="changed-items"' not in (site / "changes/CR-1447.html").read_text()  # declined: changed nothing


def test_the_site_takes_the_replay_from_the_empty_framework_it_is_given(
        site_source: tuple[Repository, Replay], files: dict[str, bytes], monkeypatch: pytest.MonkeyPatch) -> None:
    repo, replay = site_source
    origins = from_empty(repo)

    def replayed_again(_: Repository) -> Replay:
        raise AssertionError("the site replayed the change requests again")

    monkeypatch.setattr(site_build, "from_empty", replayed_again)
    assert build_site(repo, replay, VERSION, DOWNLOADS, origins) == files


def test_a_release_replays_from_the_empty_framework_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = copy_bundled(tmp_path / "repo")
    calls: list[int] = []

    def counted(repo: Repository) -> Replay:
        calls.append(len(repo.log.order))
        return from_empty(repo)

    monkeypatch.setattr(drift, "from_empty", counted)  # verify's replay, which the release gives the site
    monkeypatch.setattr(site_build, "from_empty", counted)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    result = run_in_process("release", "1.0.0", "--out", str(tmp_path / "dist"), cwd=root)
    assert result.returncode == 0, result.stderr
    assert len(calls) == 1
    html = (tmp_path / "dist/1.0.0/site/skills/ITOP.html").read_text()
    assert history_of(html, "level-4-history") == ["CR-1434", "CR-1400"]
    assert "release 1.0.0 (this release)" in shown(section(html, "level-4-history"))


def test_changelog_mapping_and_downloads(site: Path, site_source: tuple[Repository, Replay]) -> None:
    from skillrepo.exports import changelog, mapping
    _, replay = site_source
    assert replay.result is not None
    html = (site / "changelog.html").read_text()
    items = changelog.entries(replay.effects, replay.result)
    for name, _heading in changelog.SECTIONS:
        assert (f'id="{name}"' in html) == any(e.section == name for e in items), name
    assert html.count('class="entry"') == len(items)
    table = (site / "mapping.html").read_text()
    rows = mapping.rows(replay.base, replay.result, replay.effects)
    assert table.count("<tr") == len(rows) + 1 and table.count('<th scope="col">') == len(mapping.COLUMNS)
    downloads = (site / "downloads.html").read_text()
    for name in DOWNLOADS:
        assert f'href="../{name}"' in downloads


def test_the_search_index(site: Path, site_source: tuple[Repository, Replay]) -> None:
    repo, _ = site_source
    data = json.loads((site / "search-index.json").read_text())
    assert [s["code"] for s in data["skills"]] == sorted(repo.framework.skills)
    itop = next(s for s in data["skills"] if s["code"] == "ITOP")
    assert itop["url"] == "skills/ITOP.html" and itop["levels"][4]["text"].startswith(ITOP_5)
    script = (site / "search-index.js").read_text()
    prefix = "window.SKILLREPO_SEARCH_INDEX = "
    line = next(x for x in script.splitlines() if x.startswith(prefix))
    assert json.loads(line[len(prefix):].rstrip(";")) == data
    index = (site / "index.html").read_text()
    assert 'src="search-index.js"' in index and 'src="search.js"' in index and 'id="search-input"' in index


def test_two_builds_are_byte_identical(files: dict[str, bytes], site_source: tuple[Repository, Replay],
                                       tmp_path: Path) -> None:
    repo, replay = site_source
    assert build_site(repo, replay, VERSION, DOWNLOADS) == files
    # Another copy, in another directory, committed at another time.
    other = build_site(*load(init_git(copy_bundled(tmp_path / "elsewhere"))), VERSION, DOWNLOADS)
    assert list(other) == list(files)
    assert [n for n in files if other[n] != files[n]] == []


def test_texts_from_the_data_are_escaped(hostile: Path) -> None:
    for path in ("skills/ITOP.html", "attributes/AUTO.html", "levels/3.html"):
        html = (hostile / path).read_text()
        assert SCRIPT not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html, path
    for path in ("changes/index.html", "changes/CR-1447.html"):
        html = (hostile / path).read_text()
        assert IMG not in html and "&lt;img src=x onerror=alert(2)&gt;" in html, path
    for path in hostile.rglob("*.html"):
        html = path.read_text()
        assert "<script>alert" not in html and "<img" not in html and "<b>bold" not in html, path
        assert len(re.findall(r"<script\b", html)) == (2 if path.name == "index.html" and path.parent == hostile
                                                       else 0), path
    assert "<" not in (hostile / "search-index.js").read_text().split("=", 1)[1]


# In a real browser.

ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is absent: install Debian's chromium (apt-get install chromium) to run the "
                    "browser tests")
    from playwright.sync_api import sync_playwright  # part of the test extras: pip install -e '.[test]'
    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield chromium
        chromium.close()


class Watch:
    """A browser context that records every request, console error, page error and dialog."""

    def __init__(self, browser: Any, **options: Any) -> None:
        self.requests: list[str] = []
        self.errors: list[str] = []
        self.dialogs: list[str] = []
        self.context = browser.new_context(**options)
        self.context.on("request", lambda r: self.requests.append(r.url))
        self.page = self.context.new_page()
        self.page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.on("dialog", self.dialog)

    def dialog(self, d: Any) -> None:
        self.dialogs.append(d.message)
        d.dismiss()

    def check(self) -> None:
        assert self.errors == []
        assert self.dialogs == []
        leaving = [u for u in self.requests if not u.startswith("file://")]
        assert leaving == [], f"requests that leave the site: {leaving}"
        assert self.requests


def shot(page: Any, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / name), full_page=True)


def test_search_navigate_and_see_what_changed(browser: Any, site: Path) -> None:
    w = Watch(browser, viewport={"width": 1280, "height": 900})
    page = w.page
    try:
        page.goto((site / "index.html").as_uri())
        assert page.title().startswith("Skills · Open Digital Skills Framework")
        shot(page, "home.png")
        page.locator("#search-input").press_sequentially("ITOP", delay=30)
        result = page.locator("#search-results a.result-link").first
        result.wait_for()
        # ITOP first; then the skills whose texts mention it.
        assert result.inner_text() == "ITOP IT infrastructure"
        assert page.locator("#search-status").inner_text().endswith("skills match.")
        shot(page, "home-search.png")
        result.click()
        page.wait_for_url("**/skills/ITOP.html")
        level5 = page.locator("#level-5")
        assert ITOP_5 in level5.inner_text() and level5.is_visible()
        page.locator('.level-strip a[href="#level-5"]').click()
        page.wait_for_url("**/skills/ITOP.html#level-5")
        shot(page, "skill-desktop.png")

        # Words of a level's text find the skill too, with the level quoted.
        page.go_back()
        page.go_back()
        page.wait_for_url("**/index.html")
        page.locator("#search-input").fill("acceptance of new infrastructure")
        snippet = page.locator("#search-results li", has_text="ITOP").locator(".result-snippet")
        snippet.wait_for()
        assert snippet.locator("a").inner_text() == "Level 5"

        page.goto((site / "skills/ITOP.html").as_uri())
        page.locator("#related ~ ul a", has_text="ITMG").click()
        page.wait_for_url("**/skills/ITMG.html")
        assert page.locator("h1").inner_text() == "ITMG IT management"
        page.go_back()
        page.wait_for_url("**/skills/ITOP.html")
        page.locator('#level-5 a.change-mark[href$="CR-1432.html"]').click()
        page.wait_for_url("**/changes/CR-1432.html")
        assert "Create IT Infrastructure (ITOP) level 5" in page.locator("h1").inner_text()
        added = page.locator(".before-after .after ins")
        assert ITOP_5 in added.first.inner_text() and added.first.is_visible()
        assert page.locator(".before-after.single .side-label").first.inner_text().lower() == "added"
        shot(page, "change-CR-1432.png")

        # A word-level change: struck through and underlined, whatever the colours.
        page.goto((site / "changes/CR-1434.html").as_uri())
        deleted = page.locator("del", has_text="screens").first
        assert "line-through" in deleted.evaluate("e => getComputedStyle(e).textDecorationLine")
        inserted = page.locator("ins", has_text="consoles").first
        assert "underline" in inserted.evaluate("e => getComputedStyle(e).textDecorationLine")
        assert page.locator(".visually-hidden", has_text="removed:").first.bounding_box()["width"] <= 1
        shot(page, "change-CR-1434.png")

        # The skip link is the first thing the keyboard reaches, and it shows.
        page.keyboard.press("Tab")
        focused = page.evaluate("document.activeElement.className")
        assert focused == "skip-link" and page.locator(".skip-link").bounding_box()["y"] >= 0
        w.check()
    finally:
        w.context.close()


def test_the_site_reads_on_a_phone(browser: Any, site: Path) -> None:
    w = Watch(browser, viewport={"width": 390, "height": 844}, device_scale_factor=2, is_mobile=True,
              has_touch=True)
    page = w.page
    try:
        for path, name in [("skills/ITOP.html", "skill-phone.png"), ("index.html", "home-phone.png"),
                           ("changes/CR-1431.html", "change-phone.png"), ("mapping.html", None),
                           ("changelog.html", None), ("levels/5.html", None)]:
            page.goto((site / path).as_uri())
            width = page.evaluate("document.documentElement.scrollWidth")
            assert width <= 390, f"{path} is {width}px wide on a 390px screen"
            if name:
                shot(page, name)
        w.check()
    finally:
        w.context.close()


def test_the_attribute_and_level_pages_read_on_a_desktop_and_a_phone(browser: Any, site: Path) -> None:
    for viewport, device, suffix in [({"width": 1280, "height": 900}, {}, "desktop"),
                                     ({"width": 390, "height": 844},
                                      {"device_scale_factor": 2, "is_mobile": True, "has_touch": True}, "phone")]:
        w = Watch(browser, viewport=viewport, **device)
        page = w.page
        try:
            for path, name in [("attributes/AUTO.html", "attribute"), ("levels/4.html", "level"),
                               ("attributes/index.html", "attributes")]:
                page.goto((site / path).as_uri())
                width = page.evaluate("document.documentElement.scrollWidth")
                assert width <= viewport["width"], f"{path} is {width}px wide on a {viewport['width']}px screen"
                shot(page, f"{name}-{suffix}.png")
            # From a level to the attribute's text at that level, and from there back to the level.
            page.goto((site / "levels/4.html").as_uri())
            page.locator("#attributes-generic ~ dl a, #attributes-generic + dl a", has_text="Autonomy").first.click()
            page.wait_for_url("**/attributes/AUTO.html#level-4")
            assert page.locator("#level-4").is_visible()
            page.locator("#level-4 h3 a").click()
            page.wait_for_url("**/levels/4.html")
            w.check()
        finally:
            w.context.close()


def test_search_finds_an_attribute(browser: Any, site: Path) -> None:
    w = Watch(browser, viewport={"width": 1280, "height": 900})
    page = w.page
    try:
        page.goto((site / "index.html").as_uri())
        page.locator("#search-input").press_sequentially("autonomy", delay=20)
        result = page.locator("#search-results li", has_text="AUTO").first
        result.wait_for()
        assert result.locator("a.result-link").inner_text() == "AUTO Autonomy"
        assert result.locator(".result-where").inner_text() == ATTRIBUTE_TYPES["generic"]
        assert page.locator("#search-status").inner_text() == "1 attribute matches."
        page.locator("#search-input").fill("escalating")  # words of AUTO at level 3 only
        snippet = page.locator("#search-results li", has_text="AUTO").locator(".result-snippet")
        snippet.wait_for()
        assert snippet.locator("a").inner_text() == "Level 3"
        shot(page, "home-search-attribute.png")
        snippet.locator("a").click()
        page.wait_for_url("**/attributes/AUTO.html#level-3")
        w.check()
    finally:
        w.context.close()


def test_markup_in_the_data_stays_text(browser: Any, hostile: Path) -> None:
    w = Watch(browser, viewport={"width": 1280, "height": 900})
    page = w.page
    try:
        page.goto((hostile / "skills/ITOP.html").as_uri())
        assert page.get_by_text(SCRIPT).first.is_visible()
        assert page.locator("main script").count() == 0
        page.goto((hostile / "changes/CR-1447.html").as_uri())
        assert IMG in page.locator("h1").inner_text()
        assert page.locator("img").count() == 0
        page.goto((hostile / "index.html").as_uri())
        page.locator("#search-input").press_sequentially("alert", delay=20)
        snippet = page.locator("#search-results .result-snippet").first
        snippet.wait_for()
        assert "<script>" in snippet.inner_text() and page.locator("#search-results script").count() == 0
        assert page.locator("#search-results b").count() == 0
        page.locator("#search-input").fill("bold")
        page.locator("#search-results a.result-link", has_text="SYSP").wait_for()
        assert page.locator("#search-results b").count() == 0
        page.wait_for_timeout(200)
        w.check()
    finally:
        w.context.close()


def test_a_skill_page_links_to_its_published_page(git_root: Path) -> None:
    skill = git_root / "framework/skills/ITOP/skill.yaml"
    text = skill.read_text(encoding="utf-8")
    url = 'https://example.org/skills/ITOP?a="b"&c'  # quotes and an ampersand: escaped in the attribute
    skill.write_text(text.replace("\nrelated:", f"\nurl: {scalar(url)}\nrelated:", 1), encoding="utf-8")
    repo, findings = check_repository(git_root)
    assert findings == [] and repo.framework.skills["ITOP"].url == 'https://example.org/skills/ITOP?a="b"&c'
    pages = build_site(repo, since_release(git_root, repo, None), "1.0.0", [])
    assert ('<div><dt>Published at</dt><dd><a class="published-url" href="https://example.org/skills/ITOP?a=&#34;b&#34;'
            '&amp;c" rel="external noopener noreferrer">https://example.org/skills/ITOP?a=&#34;b&#34;&amp;c</a></dd></div>'
            ) in pages["skills/ITOP.html"].decode()
    assert "Published at" not in pages["skills/SYSP.html"].decode()


def test_each_sentence_s_change_request_shows_on_a_desktop_and_a_phone(browser: Any, site: Path) -> None:
    for viewport, device, suffix in [({"width": 1280, "height": 900}, {}, "desktop"),
                                     ({"width": 390, "height": 844},
                                      {"device_scale_factor": 2, "is_mobile": True, "has_touch": True}, "phone")]:
        w = Watch(browser, viewport=viewport, **device)
        page = w.page
        try:
            page.goto((site / "skills/ITOP.html").as_uri())
            sources = page.locator("#level-4 details.sources")
            mark = sources.locator("li").nth(1).locator("a.sentence-cr")
            assert not mark.is_visible()  # folded: the text reads as it is
            sources.locator("summary").click()
            row = sources.locator("li").nth(1)
            assert mark.is_visible() and "CR-1434" in mark.inner_text()
            assert row.inner_text().startswith("Develops and maintains automation,")
            assert "first" in row.inner_text() and row.locator(".sentence-first a").inner_text().endswith("CR-1400")
            history = page.locator("#level-4-history")
            history.locator("summary").click()
            assert history.locator("ins", has_text="automation,").first.is_visible()
            width = page.evaluate("document.documentElement.scrollWidth")
            assert width <= viewport["width"], f"the skill page is {width}px wide on a {viewport['width']}px screen"
            ARTIFACTS.mkdir(parents=True, exist_ok=True)
            page.locator("#level-4").screenshot(path=str(ARTIFACTS / f"skill-sources-{suffix}.png"))
            mark.click()
            page.wait_for_url("**/changes/CR-1434.html")
            w.check()
        finally:
            w.context.close()
