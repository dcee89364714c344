"""Differences people read: a plan's files against the snapshot they change, as the unified diff git shows; two
texts word by word; and the change of a text as a manifest states it, sentence by sentence."""

from __future__ import annotations

import difflib
import re
from typing import Any

from skillrepo.documents import Snapshot
from skillrepo.operations.base import occurrences


def unified_diff(snapshot: Snapshot, files: dict[str, bytes | None]) -> str:
    """The files' changes as one unified diff, as git shows it."""
    current = {d.path: d for d in snapshot.documents}
    out: list[str] = []
    for path in sorted(files):
        doc = current.get(path)
        old = doc.raw if doc is not None else None
        new = files[path]
        a = old.decode("utf-8", "replace").splitlines(keepends=True) if old is not None else []
        b = new.decode("utf-8", "replace").splitlines(keepends=True) if new is not None else []
        out.extend(difflib.unified_diff(a, b, f"a/{path}" if old is not None else "/dev/null",
                                        f"b/{path}" if new is not None else "/dev/null"))
    return "".join(line if line.endswith("\n") else line + "\n" for line in out)


def word_diff(before: str, after: str) -> list[tuple[str, str]]:
    """The change between two texts word by word: ("=", kept), ("-", removed), ("+", added) runs."""
    a, b = before.split(" "), after.split(" ")
    out: list[tuple[str, str]] = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if tag == "equal":
            out.append(("=", " ".join(a[i1:i2])))
            continue
        if i2 > i1:
            out.append(("-", " ".join(a[i1:i2])))
        if j2 > j1:
            out.append(("+", " ".join(b[j1:j2])))
    return out


def elide(kept: str, first: bool, last: bool, context: int = 6) -> str:
    """A run of kept words cut to `context` words beside each change ('…' for the rest): the words before the
    first change, after the last, and between two."""
    words = kept.split(" ")
    if first and last:
        return kept
    if first and len(words) > context:
        return "… " + " ".join(words[-context:])
    if last and len(words) > context:
        return " ".join(words[:context]) + " …"
    if len(words) > 2 * context:
        return " ".join(words[:context]) + " … " + " ".join(words[-context:])
    return kept


def marked_sides(before: str, after: str, context: int = 6) -> tuple[str, str]:
    """Two texts on one line each, as git's --word-diff marks them: words only the first has as [-words-], words
    only the second has as {+words+}, long runs of words both have cut."""
    segments = word_diff(before, after)
    sides: tuple[list[str], list[str]] = ([], [])
    for i, (tag, text) in enumerate(segments):
        shown = " ".join(text.split())  # a line break or a run of spaces shows as one space
        if not shown:
            continue  # spaces only: nothing to mark (the caller says when nothing else differs)
        if tag == "=":
            shown = " ".join(elide(text, i == 0, i == len(segments) - 1, context).split())
        if tag != "+":
            sides[0].append(f"[-{shown}-]" if tag == "-" else shown)
        if tag != "-":
            sides[1].append(f"{{+{shown}+}}" if tag == "+" else shown)
    return " ".join(p for p in sides[0] if p), " ".join(p for p in sides[1] if p)


def marked(before: str, after: str, context: int = 6) -> str:
    """Two texts as one line, as git's --word-diff marks them: removed words as [-words-], added words as
    {+words+}, long runs of words both have cut."""
    segments = word_diff(before, after)
    parts: list[str] = []
    for i, (tag, text) in enumerate(segments):
        if tag == "=":
            text = elide(text, i == 0, i == len(segments) - 1, context)
        shown = " ".join(text.split())  # a line break or a run of spaces shows as one space
        if shown:
            parts.append(shown if tag == "=" else f"[-{shown}-]" if tag == "-" else f"{{+{shown}+}}")
    return " ".join(parts)


def marked_items(before: list[str], after: list[str]) -> tuple[str, str]:
    """Two lists on one line each, item by item: items only the first has as [-item-], only the second as
    {+item+} (an item that moved is removed where it was and added where it is)."""
    sides: tuple[list[str], list[str]] = ([], [])
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, before, after, autojunk=False).get_opcodes():
        sides[0].extend(before[i1:i2] if tag == "equal" else (f"[-{item}-]" for item in before[i1:i2]))
        sides[1].extend(after[j1:j2] if tag == "equal" else (f"{{+{item}+}}" for item in after[j1:j2]))
    return ", ".join(sides[0]) or "(none)", ", ".join(sides[1]) or "(none)"


# Where a text is cut into sentences: after a full stop, question or exclamation mark and the spaces that follow
# it, and after a line break (with the blank lines and indentation after it).
_SENTENCE_END = re.compile(r"(?<=[.!?])[ \t]+|\n\s*")


def sentences(text: str) -> list[str]:
    """`text` cut into sentences, each with the spaces or line breaks after it: joined, they are `text`."""
    out: list[str] = []
    start = 0
    for end in _SENTENCE_END.finditer(text):
        out.append(text[start:end.end()])
        start = end.end()
    if start < len(text):
        out.append(text[start:])
    return out


def text_change(before: str | None, after: str | None) -> dict[str, Any]:
    """A manifest's change of a text field from `before` to `after`: sentence-level `edits` where some sentences
    are kept (each edit unique in the text and in the result, as the engine requires, so that another change
    request editing other sentences still applies), else the whole value `{from, to}`."""
    if before and after:
        a, b = sentences(before), sentences(after)
        matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
        runs = [[i1, i2, j1, j2] for tag, i1, i2, j1, j2 in matcher.get_opcodes() if tag != "equal"]
        if len(runs) and any(tag == "equal" for tag, *_ in matcher.get_opcodes()):
            edits = _unique_edits(a, b, runs)
            if edits is not None:
                return {"edits": edits}
    return {"from": before, "to": after}


def _unique_edits(a: list[str], b: list[str], runs: list[list[int]]) -> list[dict[str, str]] | None:
    """Each changed run of sentences as an edit, widened by a kept neighbouring sentence (merging with the run
    next to it) until its old text occurs once in the text so far and its new text once in the result; None
    when a run cannot be made unique."""
    k = 0
    while k < len(runs):
        i1, i2, j1, j2 = runs[k]
        old, new = "".join(a[i1:i2]), "".join(b[j1:j2])
        text, result = "".join(b[:j1] + a[i1:]), "".join(b[:j2] + a[i2:])
        if old and new and occurrences(text, old) == 1 and occurrences(result, new) == 1:
            k += 1
            continue
        if i1 > 0 and j1 > 0:  # widen to the left, taking in the run before when it touches
            runs[k] = [i1 - 1, i2, j1 - 1, j2]
        elif i2 < len(a) and j2 < len(b):
            runs[k] = [i1, i2 + 1, j1, j2 + 1]
        else:
            return None
        k = _merged(runs, k)
    return [{"old": "".join(a[i1:i2]), "new": "".join(b[j1:j2])} for i1, i2, j1, j2 in runs]


def _merged(runs: list[list[int]], k: int) -> int:
    """Runs k-1, k and k+1 joined where they now overlap; the index to check again."""
    if k + 1 < len(runs) and runs[k][1] > runs[k + 1][0]:
        nxt = runs.pop(k + 1)
        runs[k] = [runs[k][0], nxt[1], runs[k][2], nxt[3]]
    if k > 0 and runs[k - 1][1] > runs[k][0]:
        cur = runs.pop(k)
        runs[k - 1] = [runs[k - 1][0], cur[1], runs[k - 1][2], cur[3]]
        return k - 1
    return k
