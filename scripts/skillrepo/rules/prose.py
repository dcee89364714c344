"""Mentions in prose resolve: "Application support (ASUP)" names a known skill by its current name,
"CR#1431" names a change request that is in changes/. Warnings: prose is for people, not a contract."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from skillrepo.documents import Document
from skillrepo.findings import WARNING, Finding
from skillrepo.mentions import CR_CITE, MENTION
from skillrepo.model import Repository
from skillrepo.rules.base import Rule, at, document, finds

RULES = document(
    Rule("T501", "prose-unknown-skill", "Prose mentions a skill code in parentheses that no skill has.",
         "See Application support (ASUX).", "See Application support (ASUP).", severity=WARNING),
    Rule("T502", "prose-skill-name", "Prose mentions a skill as 'Name (CODE)' with a name that is not the skill's "
         "current name (case aside). Not checked in applied change requests, whose prose is history.",
         "See App support (ASUP).", "See Application support (ASUP).", severity=WARNING),
    Rule("T503", "prose-unknown-cr", "Prose cites a change request (CR#1431, CR-1431, #1431) that is not in changes/.",
         "See also CR#1499.", "See also CR#1431.", severity=WARNING),
)

_WORDS = re.compile(r"\S+")

_SKILL_TEXTS = ("description", "guidance")
_CR_TEXTS = ("title", "proposal", "decision", "outcome")


@finds(*(rule.code for rule in RULES))
def check(repo: Repository) -> Iterator[Finding]:
    # CR numbers as digit strings without leading zeros: an id of thousands of digits is still just text.
    cr_numbers = {cr_id[3:].lstrip("0") for cr_id in repo.changes} | {
        d.info.cr[3:].lstrip("0") for d in repo.snapshot.documents
        if d.info.kind == "manifest" and d.info.cr and d.info.cr[3:].isdigit()
    }
    for skill in repo.framework.skills.values():
        if skill.source is not None:
            for key in _SKILL_TEXTS:
                if _may_mention(skill.source, key):
                    yield from _text(repo, skill.source, (key,), getattr(skill, key), cr_numbers, names=True)
        for level in skill.levels.values():
            if level.source is not None and _may_mention(level.source, "description"):
                yield from _text(repo, level.source, ("description",), level.description, cr_numbers, names=True)
    for cr in repo.changes.values():
        if cr.source is not None:
            for key in _CR_TEXTS:
                if _may_mention(cr.source, key):
                    yield from _text(repo, cr.source, (key,), getattr(cr, key), cr_numbers,
                                     names=cr.applied_in is None)


_KEPT_AS = {key: f"mentions:{key}" for key in {*_SKILL_TEXTS, *_CR_TEXTS}}


def _may_mention(doc: Document, key: str) -> bool:
    """False when the result cache says the text mentions nothing (most texts): no further work for it."""
    return doc.derived.get(_KEPT_AS[key]) != ""


class _Locator:
    """Finds mentions in a file's lines from a text's first line on, each search going on from the last
    (mentions come in order), so that many mentions cost one pass over the file, not one each."""

    def __init__(self, doc: Document, path: tuple[Any, ...]) -> None:
        self.doc, self.path = doc, path
        self.lines: list[str] | None = None
        # needle -> (line index, column) to search on from, and how many occurrences lie before it
        self.cursors: dict[str, tuple[int, int, int]] = {}

    def finding(self, needle: str, nth: int, code: str, message: str) -> Finding:
        """A finding at the nth (0-based) occurrence of `needle` from the text's first line on."""
        if self.lines is None:  # only for a text with a finding: positions and lines cost a walk of the file
            self.lines = self.doc.raw.decode("utf-8", "replace").split("\n")
            self.start = self.doc.loaded.position(self.path)[0] - 1
        n, col, passed = self.cursors.get(needle, (self.start, 0, 0))
        while n < len(self.lines):
            i = self.lines[n].find(needle, col)
            if i < 0:
                n, col = n + 1, 0
                continue
            if passed == nth:
                self.cursors[needle] = (n, i + 1, passed + 1)
                return Finding(self.doc.path, n + 1, i + 1, code, message, WARNING)
            passed, col = passed + 1, i + 1
        self.cursors[needle] = (n, 0, passed)
        base = at(self.doc, self.path, code, message)
        return Finding(base.path, base.line, base.column, code, message, WARNING)


def _matches(text: str) -> list[re.Match[str]]:
    """Every skill mention and change request citation in a text, in the order the rule reports them."""
    found: list[re.Match[str]] = []
    if "(" in text:
        found.extend(MENTION.finditer(text))
    if "#" in text or "CR" in text:
        found.extend(CR_CITE.finditer(text))
    return found


# What the result cache keeps of a text's mentions: one string, a token per mention, each saying what the mention
# was checked against and found right with: "#1431" (a citation of a number then in changes/), "ASUP" (a code, its
# name not checked or not found right), "ASUP=Application support" (a code whose name, exactly this, was found
# before it). A later check compares each token with today's skills and change requests; a text whose every token
# still holds has no finding and is not matched again; one with a token that no longer holds (its referent changed,
# or it had a finding) is checked in full. "" is a text without mentions.
_SEP = "\x1f"


def _tokens(matches: list[re.Match[str]], text: str, repo: Repository, names: bool) -> str:
    """The tokens of a text's mentions as checked now (see above)."""
    tokens = []
    for m in matches:
        group = m.group(1)
        if m.re is CR_CITE:
            tokens.append("#" + group.lstrip("0"))
            continue
        skill = repo.framework.skills.get(group)
        if skill is not None and names and _SEP not in skill.name and _named(text, m.start(), skill.name):
            tokens.append(f"{group}={skill.name}")
        else:
            tokens.append(group)
    return _SEP.join(tokens)


def _still_right(kept: str, repo: Repository, cr_numbers: set[str], names: bool) -> bool:
    """Whether every mention the tokens note is right today, as the full check would find it (no finding)."""
    skills, dirs = repo.framework.skills, repo.skill_dirs
    for token in kept.split(_SEP):
        if token[0] == "#":
            if token[1:] not in cr_numbers:
                return False
            continue
        code, _, name = token.partition("=")
        skill = skills.get(code)
        if skill is None:
            if code not in dirs:
                return False
        elif names and name != skill.name:
            return False
    return True


def _named(text: str, start: int, name: str) -> bool:
    """Whether a skill's name comes just before its code (a word or two may come between: "System software skill
    (SYSP)"), case aside."""
    return name.casefold() in text[max(0, start - len(name) - 12): start].casefold()


def _text(repo: Repository, doc: Document, path: tuple[Any, ...], text: str | None, cr_numbers: set[str],
          names: bool) -> Iterator[Finding]:
    if not text:
        return
    # Finding the mentions is the costly part and depends on the text alone; what each names is looked up again
    # on every check, and only a text with a mention no longer right (or never right) is matched again.
    name = _KEPT_AS[path[0]]
    kept = doc.derived.get(name)
    if kept == "" or (kept is not None and _still_right(kept, repo, cr_numbers, names)):
        return
    matches = _matches(text)
    if doc.cached is not None:  # the result cache is in use: it keeps them
        tokens = _tokens(matches, text, repo, names)
        if tokens != kept:
            doc.keep(name, tokens)
    if not matches:
        return
    skills = repo.framework.skills
    locate = _Locator(doc, path)
    seen: dict[str, int] = {}  # occurrences of each mention so far in this text
    for m in matches:
        whole, group, start = m.group(0), m.group(1), m.start()
        nth = seen[whole] = seen.get(whole, -1) + 1
        if m.re is CR_CITE:
            number = group.lstrip("0")
            if number not in cr_numbers:
                shown = number if len(number) <= 12 else number[:12] + "…"
                yield locate.finding(whole, nth, "T503", f"cites {whole.strip()[:24]}, but "
                                     f"changes/CR-{shown.zfill(4)}/ does not exist")
            continue
        skill = skills.get(group)
        if skill is None:
            if group not in repo.skill_dirs:
                yield locate.finding(whole, nth, "T501", f"mentions {whole}, but no skill has the code {group}")
            continue
        if names and not _named(text, start, skill.name):
            n = len(skill.name.split())
            found = " ".join(_WORDS.findall(text[max(0, start - 40 * n): start])[-n:])
            yield locate.finding(whole, nth, "T502", f"mentions \"{found} {whole}\", but {group} is "
                                 f"named \"{skill.name}\"; write \"{skill.name} {whole}\"")
