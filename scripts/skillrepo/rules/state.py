"""The tool's working state, .skillrepo/, is this machine's alone: a commit never carries it, and what a
checkout or a copy put there is reported, never acted on."""

from __future__ import annotations

from collections.abc import Iterator

from skillrepo.findings import Finding
from skillrepo.model import Repository
from skillrepo.rules.base import Rule, at_file, document, finds

RULES = document(
    Rule("P310", "tracked-state", "Git tracks a file in .skillrepo/, the tool's git-ignored working state (its "
         "lock and the journal of a write under way). A checkout brings such a file, so no command acts on it: "
         "commands other than check refuse to run until it is gone.",
         "git add -f .skillrepo/journal.json", "git rm -r --cached .skillrepo && rm -r .skillrepo"),
    Rule("P311", "untrusted-state", "Something in .skillrepo/ the tool did not leave on this machine: a symbolic "
         "link, or a journal written for another directory (a copy or a checkout brought it). Nothing is done "
         "with it: commands other than check refuse to run until it is gone.",
         ".skillrepo/lock -> /home/user/.bashrc", "no .skillrepo/ (the tool makes it when it writes)"),
)


@finds(*(rule.code for rule in RULES))
def check(repo: Repository) -> Iterator[Finding]:
    for path, code, message in state_problems(repo):
        yield at_file(path, code, message)


def state_problems(repo: Repository) -> list[tuple[str, str, str]]:
    """What in .skillrepo/ the tool will not act on, asked of git once per check (the result cache asks too)."""
    from skillrepo.statedir import problems

    if "state" not in repo.shared:
        repo.shared["state"] = problems(repo.snapshot.root)
    found: list[tuple[str, str, str]] = repo.shared["state"]
    return found
