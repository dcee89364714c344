"""The model holds only the documents that were read and passed their schema; it lists the others."""

from __future__ import annotations

from pathlib import Path

from helpers import copy_bundled
from skillrepo.checker import check_repository
from skillrepo.model import left_out


def test_documents_left_out_of_the_model_are_listed_with_their_reason(tmp_path: Path) -> None:
    root = copy_bundled(tmp_path / "repo")
    (root / "framework/skills/ASUP/level-3.yaml").write_text("level: [3\n")
    skill = root / "framework/skills/ITOP/skill.yaml"
    skill.write_text(skill.read_text().replace("\nname: ", "\nnom: ", 1))
    repo, findings = check_repository(root)
    reasons = {doc.path: left_out(doc) for doc in repo.left_out}
    assert reasons == {"framework/skills/ASUP/level-3.yaml": "not read: a Y finding, or P305 for a link, says why",
                       "framework/skills/ITOP/skill.yaml": "not valid against its schema: an S finding says why"}
    assert "ITOP" not in repo.framework.skills and 3 not in repo.framework.skills["ASUP"].levels
    assert {f.code for f in findings} >= {"Y001", "S201", "S202"}
