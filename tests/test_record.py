"""changes/log.yaml: what a release held can be told from the log alone, whatever was applied, reverted and
applied again between releases; the file reads back as written and is valid against its schema."""

from __future__ import annotations

import jsonschema
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st
from skillrepo import documents, record
from skillrepo.layout import LOG_FILE
from skillrepo.schemas import load_schema

IDS = [f"CR-{n}" for n in range(1500, 1506)]
EVENTS = st.lists(st.tuples(st.sampled_from(["apply", "revert", "release"]), st.sampled_from(IDS)), max_size=40)


def _run(events: list[tuple[str, str]]) -> tuple[record.Log, dict[str, list[str]]]:
    """The log after the events, and what was applied at each release, in order."""
    log, held, n = record.Log(), {}, 0
    for kind, cr in events:
        if kind == "apply" and cr not in log.order:
            log = record.with_applied(log, cr, [{"op": "update-level", "cr": cr}])
        elif kind == "revert" and cr in log.order:
            log = record.without(log, cr)
        elif kind == "release":
            n += 1
            log = record.with_release(log, f"1.{n}.0", "2026-11-30", "0123456789abcdef")
            held[f"1.{n}.0"] = log.order
    return log, held


@settings(max_examples=300, deadline=None)
@given(EVENTS)
def test_each_release_holds_what_was_applied_then_in_the_order_applied(events: list[tuple[str, str]]) -> None:
    log, held = _run(events)
    for version, order in held.items():
        assert record.order_at(log, version) == order


@settings(max_examples=100, deadline=None)
@given(EVENTS)
def test_the_file_reads_back_as_written_and_its_schema_accepts_it(events: list[tuple[str, str]]) -> None:
    log, _ = _run(events)
    text = record.render(log).decode("utf-8")
    data = yaml.safe_load(text)
    jsonschema.validate(data, load_schema("log"))
    assert record.from_data(data) == log


def test_a_release_lists_what_it_published_first_and_what_it_no_longer_holds() -> None:
    log, _ = _run([("apply", "CR-1500"), ("apply", "CR-1501"), ("release", ""),
                   ("revert", "CR-1500"), ("apply", "CR-1502"), ("release", "")])
    first, second = log.releases
    assert (first.published, first.reverted) == (("CR-1500", "CR-1501"), ())
    assert (second.published, second.reverted) == (("CR-1502",), ("CR-1500",))
    assert record.first_published(log) == {"CR-1500": "1.1.0", "CR-1501": "1.1.0", "CR-1502": "1.2.0"}


def test_a_request_reverted_and_applied_again_is_published_again_in_its_new_place() -> None:
    log, _ = _run([("apply", "CR-1500"), ("apply", "CR-1501"), ("release", ""),
                   ("revert", "CR-1500"), ("apply", "CR-1500"), ("release", "")])
    assert log.releases[1].published == ("CR-1500",) and log.releases[1].reverted == ("CR-1500",)
    assert record.order_at(log, "1.2.0") == ["CR-1501", "CR-1500"]


def test_the_digest_ignores_layout_but_not_content() -> None:
    ops = [{"op": "update-level", "skill": "ITOP", "level": 3, "description": {"from": "a", "to": "b"}}]
    reordered = [{"description": {"to": "b", "from": "a"}, "level": 3, "skill": "ITOP", "op": "update-level"}]
    assert record.operations_digest(ops) == record.operations_digest(reordered)
    assert record.operations_digest(ops) != record.operations_digest([{**ops[0], "level": 4}])


def test_a_long_history_is_read_as_one_file() -> None:
    """The log grows with every change request applied: 20,000 of them (13 times SFIA's 1,500) are one file, read
    without the per-file limit on values that any other data file has."""
    log = record.Log(tuple(record.Applied(f"CR-{n}", "0123456789abcdef") for n in range(10_000, 30_000)))
    raw = record.render(log)
    loaded = documents.document(LOG_FILE, raw)
    assert loaded is not None and loaded.loaded.problems == [] and len(loaded.loaded.data["applied"]) == 20_000
    other = documents.document("changes/CR-1500/manifest.yaml", raw)
    assert other is not None and [p.code for p in other.loaded.problems] == ["Y009"]
