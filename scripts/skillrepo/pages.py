"""Reading a published change request page (its text, as copied from the site) into a manifest.

The page has site furniture, then a title line `#1432 <title> change request <status>`, the proposal,
headings `<Skill name> (<CODE>) level <N>` each followed by the proposed description, and a tail:
"Proposed change applies to ...", "Current status of this request: ...", "What we decided", "What we changed".
Pure: text in, data out; the caller reads the page and writes the manifest.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from typing import Any

from skillrepo.chars import C0_BUT_WHITESPACE, C1
from skillrepo.domain import CR_STATUSES, LEVELS, MAX_CR_DIGITS
from skillrepo.errors import SkillrepoError
from skillrepo.layout import manifest_path
from skillrepo.mentions import CR_CITE, MENTION
from skillrepo.model import Framework
from skillrepo.operations import add_level, update_level


@dataclass(frozen=True)
class LevelBlock:
    name: str
    code: str
    level: int
    text: str


@dataclass(frozen=True)
class Page:
    number: int
    title: str
    status: str
    applies_to_names: list[str]
    title_codes: list[str]
    cited: list[int]
    proposal: str
    decision: str | None
    outcome: str | None
    blocks: list[LevelBlock]


_SPACES = str.maketrans({"\u00a0": " ", "\u202f": " "})
_QUOTES = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"'})

_TITLE = re.compile(r"^#([0-9]+) (.*?) ?\bchange request(?: (\S+))?$", re.IGNORECASE)
# The name may not hold sentence punctuation, so that prose ending in "(ITOP) level 5" is not a heading.
_HEADING = re.compile(r"^([^.:;!?()]{1,80}) \(([A-Z]{4})\) (?i:level) ([0-9]+)$")
_APPLIES = re.compile(r"^Proposed change applies to (.+?)\.?$", re.IGNORECASE)
_STATUS = re.compile(r"^Current status of this request:(?: (\S+))?$", re.IGNORECASE)
_DECIDED = re.compile(r"^What we decided:?$", re.IGNORECASE)
_CHANGED = re.compile(r"^What we changed:?$", re.IGNORECASE)
_NAME_SEPARATOR = re.compile(r",? and |, ")
# No page is longer (a published one is a few thousand characters on a few hundred lines); a longer one is
# refused before it is read any further, which keeps the parse fast whatever the page holds.
MAX_PAGE_CHARS = 1_000_000
MAX_PAGE_LINES = 20_000
# Characters no page's text holds: what a binary file (or a terminal escape) brings; C0 and C1 controls and DEL.
# Tab, line feed, vertical tab, form feed and carriage return are text.
_BINARY = re.compile(f"[{C0_BUT_WHITESPACE}{C1}]")
_TITLE_HELP = "'#NNNN <title> change request <status>'"
_STATUS_LIST = ", ".join(CR_STATUSES)


def normalise(text: str) -> str:
    """The text with LF line ends, plain spaces and quotes, and no spaces at the ends of lines."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").translate(_QUOTES).translate(_SPACES).split("\n")
    return "\n".join(line.rstrip() for line in lines)


@dataclass
class _Paragraph:
    text: str  # as published, its lines joined with one space
    plain: str  # what the structure is read from: plain spaces, runs of them as one


def _paragraphs(lines: list[str]) -> list[_Paragraph]:
    out: list[_Paragraph] = []
    current: list[str] = []
    for line in [*lines, ""]:
        if line.strip():
            current.append(line.strip())
        elif current:
            text = " ".join(current)
            out.append(_Paragraph(text, " ".join(text.translate(_SPACES).split())))
            current = []
    return out


def _status(word: str, where: str, source: str) -> str:
    status = word.rstrip(".").lower()
    if status not in CR_STATUSES:
        raise SkillrepoError(f"unknown status '{_shown(word)}' in {where} of {source}; use one of: {_STATUS_LIST}")
    return status


def _unique(items: list[Any]) -> list[Any]:
    return list(dict.fromkeys(items))


def _find_title(lines: list[str]) -> tuple[int, re.Match[str]] | None:
    """The first title line and its index: the lines above it are site furniture."""
    for index, line in enumerate(lines):
        m = _TITLE.match(" ".join(line.translate(_SPACES).split()))
        if m and m.group(2):
            return index, m
    return None


def _shown(text: str, width: int = 60) -> str:
    """Words from the page as a message quotes them: cut short."""
    return text if len(text) <= width else text[:width - 3] + "..."


def _refuse_what_is_no_page(text: str, source: str) -> None:
    if len(text) > MAX_PAGE_CHARS:
        raise SkillrepoError(f"{source} is {len(text):,} characters long, over the limit of {MAX_PAGE_CHARS:,} for a "
                             "change request page; copy the text of one page")
    lines = text.count("\n") + text.count("\r") - text.count("\r\n") + 1
    if lines > MAX_PAGE_LINES:
        raise SkillrepoError(f"{source} has {lines:,} lines, over the limit of {MAX_PAGE_LINES:,} for a change request "
                             "page; copy the text of one page")
    m = _BINARY.search(text)
    if m is not None:
        line = text.count("\n", 0, m.start()) + 1
        raise SkillrepoError(f"{source} is not the text of a page: it holds the control character "
                             f"U+{ord(m.group(0)):04X} (line {line}); copy the page's text from the browser")


def _number(digits: str, what: str, source: str) -> int:
    """A CR number from its digits; refused when it has too many to be one."""
    if len(digits) > MAX_CR_DIGITS:
        raise SkillrepoError(f"{what} in {source} has a number of {len(digits):,} digits ({digits[:12]}...); a change "
                             f"request number has at most {MAX_CR_DIGITS}")
    return int(digits)


def parse_page(text: str, source: str = "page") -> Page:
    """The parts of a change request page; `source` names the page in messages.

    Linear in the page's length; refuses (SkillrepoError) a page over MAX_PAGE_CHARS or MAX_PAGE_LINES, or one
    holding binary data."""
    _refuse_what_is_no_page(text, source)
    lines = normalise(text).split("\n")
    found = _find_title(lines)
    if found is None:
        raise SkillrepoError(f"no title line {_TITLE_HELP} found in {source}; copy the whole page, with its title")
    start, title_match = found
    number = _number(title_match.group(1), "the title line", source)
    title = title_match.group(2)
    title_status = _status(title_match.group(3), "the title line", source) if title_match.group(3) else None
    line_status: str | None = None
    names: list[str] = []
    sections: dict[str, list[str]] = {"proposal": [], "decision": [], "outcome": []}
    blocks: list[tuple[re.Match[str], list[str]]] = []
    state = "proposal"  # proposal, block, tail (after "applies to"; other paragraphs there are site furniture)
    paragraphs = _paragraphs(lines[start + 1:])
    for p in paragraphs:
        if _DECIDED.match(p.plain):
            state = "decision"
        elif _CHANGED.match(p.plain):
            state = "outcome"
        elif m := _STATUS.match(p.plain):  # wherever it is: a status under "What we changed" is still checked
            line_status = _line_status(m, line_status, source)
            state = "tail" if state in ("proposal", "block") else state
        elif m := _APPLIES.match(p.plain):
            names.extend(n.strip() for n in _NAME_SEPARATOR.split(m.group(1)) if n.strip())
            state = "tail" if state in ("proposal", "block") else state
        elif state in ("decision", "outcome"):
            sections[state].append(p.text)
        elif m := _HEADING.match(p.plain):
            blocks.append((m, []))
            state = "block"
        elif state == "block":
            blocks[-1][1].append(p.text)
        elif state == "proposal":
            sections["proposal"].append(p.text)
    cited = [_number(m.group(1), f"the citation {m.group(0).strip()[:12]}", source)
             for plain in [title_match.group(0), *(p.plain for p in paragraphs)] for m in CR_CITE.finditer(plain)]
    return Page(
        number=number, title=title, status=_page_status(title_status, line_status, source), applies_to_names=names,
        title_codes=_unique(MENTION.findall(title)), cited=_unique([n for n in cited if n != number]),
        proposal="\n\n".join(sections["proposal"]),
        decision="\n\n".join(sections["decision"]) or None, outcome="\n\n".join(sections["outcome"]) or None,
        blocks=_blocks(blocks, source),
    )


def _line_status(m: re.Match[str], earlier: str | None, source: str) -> str:
    """The status a 'Current status of this request:' line gives; refused if empty or unlike an earlier one."""
    if not m.group(1):
        raise SkillrepoError(f"'Current status of this request:' in {source} has no status; "
                             f"add one of: {_STATUS_LIST}")
    said = _status(m.group(1), "'Current status of this request'", source)
    if earlier is not None and said != earlier:
        raise SkillrepoError(f"two different statuses in {source}: 'Current status of this request' says "
                             f"both '{earlier}' and '{said}'; keep the right one")
    return said


def _page_status(in_title: str | None, in_line: str | None, source: str) -> str:
    """The status that the title line and the 'Current status' line agree on; either alone will do."""
    if in_title and in_line and in_title != in_line:
        raise SkillrepoError(f"status mismatch in {source}: the title line says '{in_title}' but 'Current status "
                             f"of this request' says '{in_line}'; correct the one that is wrong")
    status = in_title or in_line
    if status is None:
        raise SkillrepoError(f"no status in {source}: the title line has none after 'change request' and there is no "
                             f"'Current status of this request: <status>' line; add one of: {_STATUS_LIST}")
    return status


_LEVEL_DIGITS = frozenset(str(n) for n in LEVELS)


def _blocks(found: list[tuple[re.Match[str], list[str]]], source: str) -> list[LevelBlock]:
    blocks: list[LevelBlock] = []
    seen: set[tuple[str, int]] = set()
    for heading, texts in found:
        name, code, digits = heading.group(1), heading.group(2), heading.group(3)
        if digits not in _LEVEL_DIGITS:  # compared as text: a level of 5000 digits is no number to build
            shown = heading.group(0) if len(digits) <= 12 else f"{name} ({code}) level {digits[:12]}..."
            raise SkillrepoError(f"the heading '{shown}' in {source} names level {digits[:12]}"
                                 f"{'...' if len(digits) > 12 else ''}; levels are {LEVELS[0]} to {LEVELS[-1]}")
        level = int(digits)
        if not texts:
            raise SkillrepoError(f"the heading '{heading.group(0)}' in {source} has no description under it; "
                                 "copy the proposed description too")
        if (code, level) in seen:
            raise SkillrepoError(f"two headings for {code} level {level} in {source}; keep one")
        seen.add((code, level))
        blocks.append(LevelBlock(name, code, level, "\n\n".join(texts)))
    return blocks


def manifest_from_page(page: Page, framework: Framework, existing: set[str]) -> dict[str, Any]:
    """The manifest of a parsed page, against today's framework; `existing` holds the ids already in changes/."""
    cr_id = f"CR-{page.number:04d}"
    if cr_id in existing:
        raise SkillrepoError(f"{cr_id} is already in changes/ ({manifest_path(cr_id)}); edit that manifest, "
                             "or remove it to import the page again")
    title_codes = [code for code in page.title_codes if code in framework.skills]
    data: dict[str, Any] = {
        "id": cr_id, "title": page.title, "status": page.status,
        "applies_to": _unique(title_codes + _codes_of_names(cr_id, page.applies_to_names, framework)),
        "related": [f"CR-{n:04d}" for n in page.cited],
    }
    if page.proposal:  # an empty text is not a valid value; the key is optional
        data["proposal"] = page.proposal
    if page.decision is not None:
        data["decision"] = page.decision
    if page.outcome is not None:
        data["outcome"] = page.outcome
    operations = [_operation(cr_id, block, framework) for block in page.blocks]
    data["operations"] = [op for op in operations if op is not None]
    return data


def _codes_of_names(cr_id: str, names: list[str], framework: Framework) -> list[str]:
    by_name = {skill.name.casefold(): skill.code for skill in framework.skills.values()}
    # A name the split at " and " cut into pieces has at most this many: no run of more pieces can be a name,
    # which keeps the search linear in the number of names.
    widest = max((len(_NAME_SEPARATOR.split(name)) for name in by_name), default=1)
    codes: list[str] = []
    i = 0
    while i < len(names):
        # Longest first: "Information and data modelling" is one name that the split at " and " cut in two.
        for j in range(min(len(names), i + widest), i, -1):
            code = by_name.get(" and ".join(names[i:j]).casefold())
            if code is not None:
                codes.append(code)
                i = j
                break
        else:
            raise SkillrepoError(f"{cr_id}: '{_shown(names[i])}' in 'Proposed change applies to' is not the name of a "
                                 f"skill in the framework ({_close_names(names[i], framework)}); "
                                 "correct the name on the page")
    return codes


def _close_names(name: str, framework: Framework) -> str:
    names = {skill.name.casefold(): skill.name for skill in framework.skills.values()}
    close = difflib.get_close_matches(name.casefold(), list(names), n=3)
    return "close names: " + ", ".join(names[c] for c in close) if close else "no skill has a similar name"


def _operation(cr_id: str, block: LevelBlock, framework: Framework) -> dict[str, Any] | None:
    """The operation that gives the block's level its text; None when that is already its text."""
    skill = framework.skills.get(block.code)
    if skill is None:
        raise SkillrepoError(f"{cr_id}: the heading '{block.name} ({block.code}) level {block.level}' is for "
                             f"{block.code}, which is not a skill in the framework; correct the code on the page")
    today = skill.levels.get(block.level)
    if today is None:
        return add_level.build(block.code, block.level, block.text)
    if today.description == block.text:
        return None
    return update_level.build(block.code, block.level, today.description, block.text)
