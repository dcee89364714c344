"""Files under framework/ are in their one canonical formatting, which `skillrepo fmt` writes."""

from __future__ import annotations

from collections.abc import Iterator
from functools import partial

from skillrepo.canonical import canonical_text
from skillrepo.documents import Document
from skillrepo.findings import Finding
from skillrepo.model import Repository
from skillrepo.rules.base import Rule, document, finds

RULES = document(
    Rule("F601", "not-canonical", "A file under framework/ is not in the canonical formatting (key order, quoting, "
         "line width, block scalars for long text, the editor's schema line). Run `skillrepo fmt`.",
         "name: 'IT infrastructure'\ncode: ITOP", "# yaml-language-server: $schema=../../../schemas/skill.schema.json"
         "\ncode: ITOP\n...\nname: IT infrastructure"),
    Rule("F602", "crlf-line-endings", "A file under framework/ or changes/ has Windows line endings (CRLF), as git "
         "checks files out with core.autocrlf set: one finding per file, at its first. `skillrepo fmt` writes LF; "
         "the repository's .gitattributes keeps LF in every checkout.",
         "code: ITOP\\r\\nname: IT infrastructure\\r\\n", "code: ITOP\\nname: IT infrastructure\\n"),
)


@finds(*(rule.code for rule in RULES))
def check(repo: Repository) -> Iterator[Finding]:
    for doc in repo.snapshot.documents:
        if not doc.valid or doc.loaded.problems:
            continue  # a file with other findings is reported for those first
        line = doc.derive("F601", partial(_first_difference, doc))
        if line:
            yield Finding(doc.path, line, 1, "F601", "not in the canonical formatting (first difference on this "
                          "line); run `skillrepo fmt` to fix it")


def _first_difference(doc: Document) -> int:
    """The line where a file first differs from its canonical formatting; 0 if it is formatted (or cannot be)."""
    expected = canonical_text(doc)
    if expected is None or doc.has_bytes(expected.encode("utf-8")):
        return 0
    actual = doc.raw.decode("utf-8", "replace").split("\n")
    wanted = expected.split("\n")
    pairs = enumerate(zip(actual, wanted, strict=False))
    return next((i for i, (a, b) in pairs if a != b), min(len(actual), len(wanted))) + 1
