"""Text from the repository in Markdown that shows it literally: no link, tag, emphasis or list of its own."""

from __future__ import annotations

import re

# The characters that start or close Markdown's inline constructs mid-line (code, emphasis, links and images,
# strike-through, table cells, a heading's closing #s, the colon of an autolink's "://"), escaped with a
# backslash; <, > and & become HTML entities, so that no tag or entity of the repository's text is obeyed.
_MARKDOWN = re.compile(r"([\\`*_\[\]!~|#]|:(?=//))")
_BACKTICKS = re.compile("`+")
# What makes a line a list item, a thematic break or a heading when it starts one: "- ", "+ ", "==", "1. ", "2) ".
_LINE_START = re.compile(r"^(?:([-+=])|(\d+)([.)]))")
_PARAGRAPH_BREAK = re.compile(r"\n[ \t]*\n")


def markdown_text(text: str) -> str:
    """Text from the repository as a Markdown comment shows it literally, on one line: no link, tag or emphasis."""
    text = " ".join(text.splitlines())
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _MARKDOWN.sub(r"\\\1", text)


def markdown_line(text: str) -> str:
    """markdown_text for text that starts a line: a leading '-', '+' or '1.' stays text, not a list."""
    return _LINE_START.sub(lambda m: f"\\{m[1]}" if m[1] else f"{m[2]}\\{m[3]}", markdown_text(text).strip())


def paragraphs(text: str) -> list[str]:
    """A text's paragraphs (separated by a blank line), each on one line with its spaces collapsed."""
    return [" ".join(p.split()) for p in _PARAGRAPH_BREAK.split(text) if p.strip()]


def fenced(info: str, lines: list[str]) -> list[str]:
    """`lines` in a fenced code block that no line can close: its fence is longer than any run of backticks."""
    longest = max((len(run) for line in lines for run in _BACKTICKS.findall(line)), default=0)
    fence = "`" * max(3, longest + 1)
    return [fence + info, *lines, fence]
