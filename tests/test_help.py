"""Every subcommand's --help: a one-line summary, a help text for each argument, an example, the docs page."""

from __future__ import annotations

import argparse
import re
import subprocess
import sys

import pytest
from helpers import ROOT
from skillrepo.helptexts import COMMANDS
from skillrepo.main import _parser


def _subparsers() -> dict[str, argparse.ArgumentParser]:
    action = next(a for a in _parser()._actions if isinstance(a, argparse._SubParsersAction))
    return dict(action.choices)


def _arguments(parser: argparse.ArgumentParser) -> list[argparse.Action]:
    return [a for a in parser._actions if not isinstance(a, argparse._HelpAction)]


def test_the_texts_cover_every_subcommand_and_argument_and_no_other() -> None:
    parsers = _subparsers()
    assert set(COMMANDS) == set(parsers)
    for name, parser in parsers.items():
        assert set(COMMANDS[name].arguments) == {a.dest for a in _arguments(parser)}, name
        texts = COMMANDS[name]
        assert texts.summary and "\n" not in texts.summary, name
        assert texts.example.startswith(f"skillrepo {name}"), name
        for page in texts.docs.split(", "):
            path, _, anchor = page.partition("#")
            assert (ROOT / path).is_file(), page
            if anchor:  # a README section: GitHub's anchor of one of its headings
                headings = re.findall(r"^#+ (.+)$", (ROOT / path).read_text(encoding="utf-8"), re.M)
                slugs = {re.sub(r"[^a-z0-9 -]", "", h.lower()).replace(" ", "-") for h in headings}
                assert anchor in slugs, page


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_every_subcommand_help_has_summary_argument_texts_example_and_docs(name: str) -> None:
    parser = _subparsers()[name]
    for action in _arguments(parser):
        assert action.help, f"{name}: {action.dest} has no help text"
    out = subprocess.run([sys.executable, "-m", "skillrepo", name, "--help"], text=True, capture_output=True,
                         check=True).stdout
    assert COMMANDS[name].summary in out
    assert f"example:\n  {COMMANDS[name].example}" in out
    assert f"documentation: {COMMANDS[name].docs}" in out
