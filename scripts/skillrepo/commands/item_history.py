"""`skillrepo history ITEM [LEVEL]`: every applied change request that changed an item, oldest first, with what
it did, word by word, and why; then the declined and withdrawn ones that targeted it. One replay of every
applied change request from the empty framework, as verify makes."""

from __future__ import annotations

import json
import sys
import textwrap
from pathlib import Path
from typing import Any

from skillrepo.checker import check_repository
from skillrepo.diffs import marked, word_diff
from skillrepo.engine import Effect
from skillrepo.exports.changelog import diff_markdown
from skillrepo.markdown import markdown_text
from skillrepo.provenance import TEXT_FIELDS, Refused, Step, Subject, history, replayed, subject
from skillrepo.record import first_published

NOT_RELEASED = "not yet released"
_WIDTH = 100


def _diffed(e: Effect) -> bool:
    """Whether an effect changed a text people read word by word (a label's or a list's change is in its words)."""
    return e.field in TEXT_FIELDS and isinstance(e.before or "", str) and isinstance(e.after or "", str)


def _wrapped(text: str, indent: str) -> list[str]:
    return textwrap.wrap(" ".join(text.split()), _WIDTH, initial_indent=indent, subsequent_indent=indent + "  ",
                         break_long_words=False, break_on_hyphens=False) or [indent.rstrip()]


def _text(item: Subject, steps: list[Step], refused: list[Refused], released: dict[str, str]) -> str:
    lines = [f"{item.label}: changed by {len(steps)} applied change request(s), oldest first"]
    for step in steps:
        cr = step.cr
        lines += ["", f"{cr.id}  {cr.title}", f"  first published: {released.get(cr.id, NOT_RELEASED)}"]
        for e in step.effects:
            lines.append(f"  {e.describe()} ({e.impact_text()})")
            if _diffed(e):
                lines += _wrapped(marked(e.before or "", e.after or ""), "    ")
        lines += _wrapped(f"decision: {cr.decision or '(none recorded)'}", "  ")
    if not refused:
        return "\n".join([*lines, "", f"no declined or withdrawn change request targeted {item.label}"]) + "\n"
    lines += ["", f"declined or withdrawn, targeting {item.label}:"]
    for r in refused:
        lines += ["", f"{r.cr.id}  {r.cr.title} ({r.cr.status})", *(f"  {op}" for op in r.operations)]
        lines += _wrapped(f"decision: {r.cr.decision or '(none recorded)'}", "  ")
    return "\n".join(lines) + "\n"


def _markdown(item: Subject, steps: list[Step], refused: list[Refused], released: dict[str, str]) -> str:
    lines = [f"# History of {item.label}", "",
             f"Changed by {len(steps)} applied change request(s), oldest first.", ""]
    for step in steps:
        cr = step.cr
        lines += [f"## {cr.id}: {markdown_text(cr.title)}", "",
                  f"First published: {released.get(cr.id, NOT_RELEASED)}.", ""]
        for e in step.effects:
            diff = diff_markdown(e.before or "", e.after or "") if _diffed(e) else ""
            lines.append(f"- {markdown_text(e.describe())} ({e.impact_text()})" + (f": {diff}" if diff else ""))
        lines += ["", f"Decision: {markdown_text(cr.decision or '(none recorded)')}", ""]
    lines += ["## Declined or withdrawn", ""]
    if not refused:
        lines += [f"None targeted {item.label}.", ""]
    for r in refused:
        lines += [f"- **{r.cr.id}** ({r.cr.status}): {markdown_text(r.cr.title)}. Its operations: "
                  f"{', '.join(r.operations)}. Decision: {markdown_text(r.cr.decision or '(none recorded)')}"]
    return "\n".join(lines).rstrip("\n") + "\n"


def _effect_json(e: Effect) -> dict[str, Any]:
    diff = [[tag, text] for tag, text in word_diff(e.before or "", e.after or "") if text] if _diffed(e) else None
    return {"op": e.op, "field": e.field, "impact": e.impact, "text": e.describe(), "before": e.before,
            "after": e.after, "diff": diff}


def _stripped(text: str | None) -> str | None:
    return text.strip() if text is not None else None


def _json(item: Subject, steps: list[Step], refused: list[Refused], released: dict[str, str]) -> str:
    data = {
        "item": {"kind": item.kind, "code": item.code, "level": item.level, "label": item.label},
        "applied": [{"cr": s.cr.id, "title": s.cr.title, "first_published": released.get(s.cr.id),
                     "decision": _stripped(s.cr.decision), "effects": [_effect_json(e) for e in s.effects]}
                    for s in steps],
        "refused": [{"cr": r.cr.id, "title": r.cr.title, "status": r.cr.status,
                     "decision": _stripped(r.cr.decision), "operations": list(r.operations)} for r in refused],
    }
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


RENDER = {"text": _text, "markdown": _markdown, "json": _json}


def run(root: Path, item: str, level: str | None, fmt: str) -> int:
    """Print the history of ITEM [LEVEL]; an unknown item is a one-line error."""
    repo, _ = check_repository(root)
    replay, now = replayed(repo)
    found = subject(now, replay, item, level)
    steps, refused = history(replay, repo.changes, found)
    sys.stdout.write(RENDER[fmt](found, steps, refused, first_published(repo.log)))
    return 0
