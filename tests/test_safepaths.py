"""Every change the tool makes to the repository is resolved from its root without following a link: a link on
the way is refused with its path, a link at the end is acted on itself, never on what it points to."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest
from skillrepo import writing
from skillrepo.safepaths import Tree, UnsafePath
from test_hostile_checkout import digest

THROUGH = ("out/x: a symbolic link; the tool never writes through one, as it could lead outside the repository: "
           "replace the link with a directory")

OPERATIONS: dict[str, Callable[[Tree], object]] = {
    "create": lambda t: t.open("out/x/new.yaml", os.O_WRONLY | os.O_CREAT, 0o644),
    "create a directory": lambda t: t.open("out/x/made/new.yaml", os.O_WRONLY | os.O_CREAT, 0o644),
    "temporary": lambda t: t.create_temp("out/x", ".f.", ".new"),
    "replace": lambda t: t.replace("in.yaml", "out/x/file.yaml"),
    "replace from": lambda t: t.replace("out/x/file.yaml", "in.yaml"),
    "unlink": lambda t: t.unlink("out/x/file.yaml"),
    "read": lambda t: t.read_bytes("out/x/file.yaml"),
}


@pytest.fixture()
def linked(tmp_path: Path) -> tuple[Path, Path]:
    """(a repository whose out/x links to a directory outside it, that directory)."""
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "file.yaml").write_text("outside\n")
    (outside / "empty").mkdir()
    root = tmp_path / "repo"
    (root / "out").mkdir(parents=True)
    (root / "out/x").symlink_to(outside)
    (root / "in.yaml").write_text("inside\n")
    return root, outside


@pytest.mark.parametrize("operation", sorted(OPERATIONS))
def test_a_link_on_the_way_is_refused_and_nothing_outside_changes(linked: tuple[Path, Path], operation: str) -> None:
    root, outside = linked
    before = digest(outside)
    with Tree(root) as tree, pytest.raises(UnsafePath) as refused:
        OPERATIONS[operation](tree)
    assert str(refused.value) == THROUGH
    assert digest(outside) == before and (root / "in.yaml").read_text() == "inside\n"


def test_rmdir_through_a_link_does_nothing(linked: tuple[Path, Path]) -> None:
    root, outside = linked
    with Tree(root) as tree:
        assert not tree.rmdir("out/x/empty") and not tree.rmdir("out/x") and not tree.is_empty_dir("out/x/empty")
    assert (outside / "empty").is_dir() and (root / "out/x").is_symlink()


def test_a_link_at_the_end_is_acted_on_itself(linked: tuple[Path, Path]) -> None:
    root, outside = linked
    (root / "link.yaml").symlink_to(outside / "file.yaml")
    before = digest(outside)
    with Tree(root) as tree:
        with pytest.raises(UnsafePath, match="^link.yaml: a symbolic link"):
            tree.open("link.yaml", os.O_WRONLY | os.O_TRUNC)
        tree.unlink("link.yaml")
    assert not os.path.lexists(root / "link.yaml") and digest(outside) == before


@pytest.mark.parametrize("path", ["/etc/passwd", "../outside/file.yaml", "out/../in.yaml", "out//x", ""])
def test_a_path_that_is_not_inside_is_refused(linked: tuple[Path, Path], path: str) -> None:
    root, _ = linked
    with Tree(root) as tree, pytest.raises(UnsafePath, match="not a path inside the repository"):
        tree.unlink(path)


def test_write_files_refuses_a_target_through_a_link_before_it_writes(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    root = tmp_path / "repo"
    (root / "framework/skills").mkdir(parents=True)
    (root / "framework/skills/XTRA").symlink_to(outside)
    (root / "changes").mkdir()
    with pytest.raises(UnsafePath, match="^framework/skills/XTRA: a symbolic link"):
        writing.write_files(root, {"changes/CR-1/manifest.yaml": b"id: CR-1\n",
                                   "framework/skills/XTRA/level-1.yaml": b"level: 1\n"})
    assert list(outside.iterdir()) == [] and list((root / "changes").iterdir()) == []
    assert not (root / ".skillrepo").exists()
