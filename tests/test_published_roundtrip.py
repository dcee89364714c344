"""A framework adopted from the publisher's files and released again gives those files back cell for cell, row for
row, header included (line breaks inside cells as LF): the three CSVs, and the workbook's three sheets."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

import openpyxl
from helpers import run_in_process
from test_sheetread_published import published_size, write_book, write_csv


def _cells(path: Path) -> list[list[str]]:
    """A CSV's rows as a spreadsheet shows them: decoded as its bytes say, line breaks inside cells as LF."""
    data = path.read_bytes()
    if data.startswith(b"\xef\xbb\xbf"):
        text = data[3:].decode("utf-8")
    else:
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            text = data.decode("cp1252")
    return [[cell.replace("\r\n", "\n") for cell in row] for row in csv.reader(io.StringIO(text, newline=""))]


def _sheet(path: Path, title: str) -> list[list[str]]:
    """A worksheet's rows as text, trailing empty cells and rows left out, line breaks as LF."""
    book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    rows = [["" if v is None else str(v).replace("_x000D_\n", "\n").replace("\r\n", "\n") for v in row]
            for row in book[title].iter_rows(values_only=True)]
    book.close()
    trimmed = [row[:max((i + 1 for i, v in enumerate(row) if v), default=0)] for row in rows]
    while trimmed and not trimmed[-1]:
        trimmed.pop()
    return trimmed


def _adopt_and_release(tmp_path: Path, sources: list[Path]) -> Path:
    args = [a for path in sources for a in ("--from-sheet", str(path))]
    made = run_in_process("init", "adopted", *args, cwd=tmp_path)
    assert made.returncode == 0, made.stdout + made.stderr
    released = run_in_process("release", "1.0.0", "--out", str(tmp_path / "dist"), cwd=tmp_path / "adopted")
    assert released.returncode == 0, released.stdout + released.stderr
    return tmp_path / "dist/1.0.0"


def _reordered(path: Path) -> Path:
    """The skills file cut to 30 rows (the layout is what matters, not the size: the benchmark times that), in
    another order than by code (as published: ITSP before ISCO), renumbered."""
    rows: list[list[Any]] = _cells(path)[:31]
    body = rows[1:][::2] + rows[1:][1::2]
    for n, row in enumerate(body, start=1):
        row[0] = str(n)
    return write_csv(path, [rows[0], *body])


def test_the_three_published_csvs_come_back_cell_for_cell(tmp_path: Path) -> None:
    skills, attributes, levels = published_size(tmp_path)
    _reordered(skills)
    out = _adopt_and_release(tmp_path, [levels, skills, attributes])
    for source, released in ((skills, "skills.csv"), (attributes, "attributes.csv"), (levels, "levels.csv")):
        assert _cells(out / released) == _cells(source), released
    assert len(_cells(out / "skills.csv")) == 31 and len(_cells(out / "attributes.csv")) == 17


def test_the_published_workbooks_sheets_come_back_cell_for_cell(tmp_path: Path) -> None:
    skills, attributes, levels = published_size(tmp_path)
    sheets = {"Skills": _cells(_reordered(skills)), "Attributes": _cells(attributes),
              "Levels of responsibility": _cells(levels)}
    book = write_book(tmp_path / "published.xlsx", {title: [[int(c) if c.isdigit() and len(c) < 4 else c
                                                             for c in row] for row in rows]
                                                    for title, rows in sheets.items()})
    out = _adopt_and_release(tmp_path, [book])
    for title in sheets:
        assert _sheet(out / "skills.xlsx", title) == _sheet(book, title), title
    assert len(_sheet(out / "skills.xlsx", "Skills")) == 31
