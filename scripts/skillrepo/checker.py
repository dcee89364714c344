"""Checking a repository: read every file once, validate each, build the model, run every registered rule."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from skillrepo.documents import Snapshot, read_snapshot
from skillrepo.findings import Finding
from skillrepo.model import Repository, build
from skillrepo.rules import CHECKS, severity
from skillrepo.rules.selection import Selection
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
            findings.extend(rule_check(repo))
    stamped = [replace(f, severity=severity(f.code)) for f in findings if selection.wants(f.code)]
    return repo, sorted(set(stamped))


def check_repository(root: Path, selection: Selection = EVERY_CODE) -> tuple[Repository, list[Finding]]:
    """Every finding of the selected rules over the repository at `root`."""
    return check_snapshot(read_snapshot(root), selection)
