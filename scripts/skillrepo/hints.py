"""Plain hints for YAML syntax errors: libyaml says where reading stopped, a hint says what people usually got
wrong there (indentation, a missing `- `, a colon in unquoted text, an unclosed quote)."""

from __future__ import annotations


def syntax_hint(problem: str, context: str, text: str, line: int) -> str:
    """A hint for libyaml's `problem` (in `context`) at 1-based `line` of `text`, as "; likely ...", or ""."""
    if "mapping values are not allowed" in problem:
        return _colon_or_indent(text, line)
    if "did not find expected key" in problem:
        return ("; likely the indentation: this line is indented differently from the keys beside it; line it "
                "up with them")
    if "expected '-' indicator" in problem or ("expected ':'" in problem and "simple key" in context):
        return "; likely a missing `- `: each item of a list starts with `- ` at the same indentation"
    if "end of stream" in problem and "quoted scalar" in context:
        return "; likely an unclosed quote: the text opened with a quote needs the same quote at its end"
    return ""


def _colon_or_indent(text: str, line: int) -> str:
    """Text on a deeper line under a key that has its value already is indentation; else a colon in plain text."""
    lines = text.split("\n")
    here = lines[line - 1] if 0 < line <= len(lines) else ""
    above = next((s for s in reversed(lines[:max(line - 1, 0)]) if s.strip() and not s.lstrip().startswith("#")), "")
    key_with_value = ":" in above and above.split(":", 1)[1].strip() not in ("", ">-", ">", "|", "|-")
    if _indent(here) > _indent(above) and key_with_value:
        return ("; likely the indentation: this line is indented deeper than the line above, which has its value "
                "already; line it up with the keys above")
    return "; likely a colon in unquoted text: text with \": \" in it must be in double quotes"


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))
