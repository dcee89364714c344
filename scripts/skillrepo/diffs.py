"""Differences people read: a plan's files against the snapshot they change, as the unified diff git shows; two
texts word by word."""

from __future__ import annotations

import difflib

from skillrepo.documents import Snapshot


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


def marked_items(before: list[str], after: list[str]) -> tuple[str, str]:
    """Two lists on one line each, item by item: items only the first has as [-item-], only the second as
    {+item+} (an item that moved is removed where it was and added where it is)."""
    sides: tuple[list[str], list[str]] = ([], [])
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, before, after, autojunk=False).get_opcodes():
        sides[0].extend(before[i1:i2] if tag == "equal" else (f"[-{item}-]" for item in before[i1:i2]))
        sides[1].extend(after[j1:j2] if tag == "equal" else (f"{{+{item}+}}" for item in after[j1:j2]))
    return ", ".join(sides[0]) or "(none)", ", ".join(sides[1]) or "(none)"
