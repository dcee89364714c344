"""Checking a repository: read every file once, validate each, build the model, run every registered rule."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import replace
from pathlib import Path

from skillrepo.documents import Snapshot, read_snapshot
from skillrepo.findings import Finding
from skillrepo.model import Repository, build
from skillrepo.resultcache import disabled_by_environment, open_cache, writer_at_work
from skillrepo.rules import CHECKS, severity
from skillrepo.rules.selection import Selection
from skillrepo.rules.state import state_problems
from skillrepo.schemas import validate

EVERY_CODE = Selection()


def load(snapshot: Snapshot) -> tuple[Repository, list[Finding]]:
    """Validate every document of a snapshot and build the model; findings of reading and schemas."""
    findings: list[Finding] = []
    for doc in snapshot.documents:
        for p in doc.loaded.problems:
            findings.append(Finding(doc.path, p.line, p.column, p.code, p.message))
        if doc.loaded.usable:
            if doc.schema_findings is None:
                doc.schema_findings = validate(doc)
            findings.extend(doc.schema_findings)
    return build(snapshot), findings


def check_snapshot(snapshot: Snapshot, selection: Selection = EVERY_CODE) -> tuple[Repository, list[Finding]]:
    """Every finding of the selected rules over a snapshot, sorted, with each rule's severity."""
    repo, findings = load(snapshot)
    for codes, rule_check in CHECKS:
        if selection.wants_any(codes):
            findings.extend(_declared(rule_check(repo), codes, rule_check.__name__))
    stamped = [replace(f, severity=severity(f.code)) for f in findings if selection.wants(f.code)]
    return repo, sorted(set(stamped))


def _declared(found: Iterable[Finding], codes: frozenset[str], name: str) -> Iterator[Finding]:
    """A rule function's findings, each of a code it registered: a selection skips it by those codes."""
    for finding in found:
        if finding.code not in codes:
            raise LookupError(f"rule {name} emits {finding.code}, which it does not register")
        yield finding


def check_repository(root: Path, selection: Selection = EVERY_CODE, use_cache: bool = True,
                     keep_results: bool = False) -> tuple[Repository, list[Finding]]:
    """Every finding of the selected rules over the repository at `root`. Files whose bytes the result cache holds
    are not loaded or validated again (unless `use_cache` is off, or SKILLREPO_NO_CACHE is set); with
    `keep_results`, what this run worked out is kept for the next (unless a writer is at work)."""
    results = open_cache(root) if use_cache and not disabled_by_environment() else None
    repo, findings = check_snapshot(read_snapshot(root, results=results), selection)
    # Nothing is kept in a .skillrepo/ that a checkout brought (git tracks it, a link): check reports it (P310,
    # P311) and, like every other command, acts on nothing there.
    if results is not None and keep_results and not writer_at_work(root) and not state_problems(repo):
        results.save(root, repo.snapshot.documents)
    return repo, findings
