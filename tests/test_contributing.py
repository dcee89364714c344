"""CONTRIBUTING.md's map of the package stays true: every module and package it names exists."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "scripts" / "skillrepo"
# A module (`name.py`, `dir/name.py`) or a package (`dir/`) as the map writes them.
NAMED = re.compile(r"(?<![\w./-])((?:[a-z_]+/)*(?:[a-z_]+\.py|[a-z_]+/))(?![\w.])")


def named_in_contributing() -> set[str]:
    text = (ROOT / "CONTRIBUTING.md").read_text(encoding="utf-8")
    map_part = text[text.index("## The map"):text.index("## Recipes")]
    recipes = text[text.index("## Recipes"):text.index("## Tests")]
    return {name for name in NAMED.findall(map_part + recipes) if name != "commands/NAME.py"}


def test_every_module_the_map_names_exists() -> None:
    named = named_in_contributing()
    assert len(named) > 20  # the map names the package's modules, not nothing
    missing = sorted(name for name in named
                     if not (PACKAGE / name).exists() and not (ROOT / name).exists() and not (ROOT / "tests" / name).exists())
    assert not missing, f"CONTRIBUTING.md names modules that do not exist: {missing}"


def test_every_module_of_the_package_is_on_the_map() -> None:
    named = named_in_contributing()
    text = (ROOT / "CONTRIBUTING.md").read_text(encoding="utf-8")
    modules = {p.relative_to(PACKAGE).as_posix() for p in PACKAGE.glob("*.py")} - {"__init__.py", "__main__.py",
                                                                                    "resources.py", "findings.py"}
    packages = {f"{p.name}/" for p in PACKAGE.iterdir() if p.is_dir() and (p / "__init__.py").exists()}
    unmapped = sorted(m for m in modules | packages if m not in named and f"`{m}`" not in text)
    assert not unmapped, f"modules missing from CONTRIBUTING.md's map: {unmapped}"
