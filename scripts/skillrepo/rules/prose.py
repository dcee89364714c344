"""Mentions in prose resolve: "Application support (ASUP)" names a known skill by its current name,
"CR#1431" names a change request that is in changes/. Warnings: prose is for people, not a contract."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from skillrepo.documents import Document
from skillrepo.findings import WARNING, Finding
from skillrepo.model import Repository
from skillrepo.rules.base import Rule, at

RULES: tuple[Rule, ...] = (
    Rule("T501", "prose-unknown-skill", "Prose mentions a skill code in parentheses that no skill has.",
         "See Application support (ASUX).", "See Application support (ASUP).", severity=WARNING),
    Rule("T502", "prose-skill-name", "Prose mentions a skill as 'Name (CODE)' with a name that is not the skill's "
         "current name (case aside). Not checked in applied change requests, whose prose is history.",
         "See App support (ASUP).", "See Application support (ASUP).", severity=WARNING),
    Rule("T503", "prose-unknown-cr", "Prose cites a change request (CR#1431, CR-1431, #1431) that is not in changes/.",
         "See also CR#1499.", "See also CR#1431.", severity=WARNING),
)

MENTION = re.compile(r"\(([A-Z]{4})\)")
CR_CITE = re.compile(r"(?:\bCRs?[-\s]?#?\s?|(?<![\w&#])#)([0-9]{3,})\b")
_WORDS = re.compile(r"\S+")

_SKILL_TEXTS = ("description", "guidance")
_CR_TEXTS = ("title", "proposal", "decision", "outcome")


def check(repo: Repository) -> Iterator[Finding]:
    cr_numbers = {int(cr_id[3:]) for cr_id in repo.changes} | {
        int(d.info.cr[3:]) for d in repo.snapshot.documents
        if d.info.kind == "manifest" and d.info.cr and d.info.cr[3:].isdigit()
    }
    for skill in repo.framework.skills.values():
        if skill.source is not None:
            for key in _SKILL_TEXTS:
                yield from _text(repo, skill.source, (key,), getattr(skill, key), cr_numbers, names=True)
        for level in skill.levels.values():
            if level.source is not None:
                yield from _text(repo, level.source, ("description",), level.description, cr_numbers, names=True)
    for cr in repo.changes.values():
        if cr.source is not None:
            for key in _CR_TEXTS:
                yield from _text(repo, cr.source, (key,), getattr(cr, key), cr_numbers, names=cr.applied_in is None)


def _text(repo: Repository, doc: Document, path: tuple[Any, ...], text: str | None, cr_numbers: set[int],
          names: bool) -> Iterator[Finding]:
    if not text:
        return
    skills = repo.framework.skills
    if "(" in text:
        for m in MENTION.finditer(text):
            code = m.group(1)
            skill = skills.get(code)
            if skill is None:
                if code not in repo.skill_dirs:
                    yield _at_text(doc, path, text, m, "T501", f"mentions {m.group(0)}, but no skill has the "
                                   f"code {code}")
                continue
            # The name may be followed by a word or two ("System software skill (SYSP)").
            window = text[max(0, m.start() - len(skill.name) - 12): m.start()].casefold()
            if names and skill.name.casefold() not in window:
                n = len(skill.name.split())
                before = _WORDS.findall(text[: m.start()])[-n:]
                found = " ".join(before)
                yield _at_text(doc, path, text, m, "T502", f"mentions \"{found} {m.group(0)}\", but {code} is "
                               f"named \"{skill.name}\"; write \"{skill.name} {m.group(0)}\"")
    if "#" in text or "CR" in text:
        for m in CR_CITE.finditer(text):
            number = int(m.group(1))
            if number not in cr_numbers:
                yield _at_text(doc, path, text, m, "T503", f"cites {m.group(0).strip()}, but "
                               f"changes/CR-{number:04d}/ does not exist")


def _at_text(doc: Document, path: tuple[Any, ...], text: str, m: re.Match[str], code: str,
             message: str) -> Finding:
    """A finding at the mention's own line and column where the file shows it, else at the text's node."""
    base = at(doc, path, code, message)
    needle = m.group(0)
    nth = text.count(needle, 0, m.start())  # which occurrence of the same words this is
    seen = 0
    lines = doc.raw.decode("utf-8", "replace").split("\n")
    for n in range(base.line - 1, len(lines)):
        col = lines[n].find(needle)
        while col >= 0:
            if seen == nth:
                return Finding(doc.path, n + 1, col + 1, code, message, WARNING)
            seen += 1
            col = lines[n].find(needle, col + 1)
    return Finding(base.path, base.line, base.column, code, message, WARNING)
