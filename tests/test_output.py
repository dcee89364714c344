"""Exports written as they are made: the JSON writer gives exactly what json.dumps gives, whatever the value."""

from __future__ import annotations

import io
import json
from typing import Any

from hypothesis import given
from hypothesis import strategies as st
from skillrepo.exports.output import json_bytes, write_json

scalars = st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text()
values = st.recursive(scalars, lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
                      max_leaves=30)


@given(values)
def test_json_is_written_as_json_dumps_writes_it(value: Any) -> None:
    assert json_bytes(value) == (json.dumps(value, indent=2, ensure_ascii=False) + "\n").encode("utf-8")


def test_an_iterator_is_written_as_an_array_without_being_listed_first() -> None:
    made: list[int] = []

    def rows() -> Any:
        for n in range(3):
            made.append(n)
            yield {"n": n}

    assert json.loads(json_bytes({"rows": rows(), "none": iter([])})) == {"rows": [{"n": 0}, {"n": 1}, {"n": 2}],
                                                                          "none": []}
    assert made == [0, 1, 2]

    # Rows larger than what is gathered before a write: each is in the file before the next is made.
    out = io.BytesIO()
    written_before: list[int] = []

    def large_rows() -> Any:
        for _n in range(3):
            written_before.append(len(out.getvalue()))
            yield "x" * 100_000

    write_json(out, large_rows())
    assert written_before[0] == 0 and 100_000 < written_before[1] < written_before[2]
    assert json.loads(out.getvalue()) == ["x" * 100_000] * 3
