"""Time `skillrepo check` on a copy of the bundled repository grown to real scale.

    python benchmarks/check_scale.py [--skills 150] [--changes 1500] [--runs 5]

Prints the median wall time of `skillrepo check` (a fresh process, as the commit hook runs it) and, for
comparison, the floor: reading every YAML file with libyaml's C loader and validating it against its schema.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from random import Random

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))

from skillrepo import canonical  # noqa: E402
from skillrepo.schemas import property_order  # noqa: E402
from skillrepo.yamlsource import load_text  # noqa: E402

WORDS = ("service infrastructure operational monitors ensures capacity delivery security standards change "
         "procedures reviews improves designs plans coordinates stakeholders quality risk performance data "
         "systems network applications incidents resolves documents advises teams budget suppliers").split()


def _text(rng: Random, n: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(n)).capitalize() + "."


def _code(i: int) -> str:
    letters = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    return "Q" + letters[i // 676 % 26] + letters[i // 26 % 26] + letters[i % 26]


def grow(dest: Path, skills: int, changes: int, seed: int = 1) -> None:
    """A check-clean repository with `skills` skills and `changes` change requests."""
    rng = Random(seed)
    for name in ("framework", "changes", "schemas"):
        shutil.copytree(ROOT / name, dest / name)
    fw = load_text((dest / "framework/framework.yaml").read_text()).data
    category = fw["categories"][0]
    existing = sorted(p.name for p in (dest / "framework/skills").iterdir())
    order = property_order("skill")
    new_codes = [_code(i) for i in range(max(0, skills - len(existing)))]
    for i, code in enumerate(new_codes):
        d = dest / "framework/skills" / code
        d.mkdir()
        data = {"code": code, "id": str(uuid.UUID(int=rng.getrandbits(128), version=4)), "name": f"Synthetic skill {i}",
                "category": category["name"], "subcategory": category["subcategories"][0], "status": "active",
                "description": _text(rng, 60), "guidance": _text(rng, 50), "related": [rng.choice(existing)]}
        (d / "skill.yaml").write_text(canonical.dump(f"framework/skills/{code}/skill.yaml", "skill", data, order))
        first = rng.randint(1, 3)
        for level in range(first, first + 5):
            rel = f"framework/skills/{code}/level-{level}.yaml"
            body = {"skill": code, "level": level, "description": _text(rng, rng.randint(60, 100))}
            (dest / rel).write_text(canonical.dump(rel, "skill-level", body, property_order("skill-level")))
    all_codes = existing + new_codes
    for n in range(2000, 2000 + changes):
        cr = f"CR-{n}"
        status = rng.choice(("declined", "accepted", "submitted"))
        manifest = {
            "id": cr, "title": f"Improve {rng.choice(all_codes)} wording", "status": status,
            "applies_to": [rng.choice(all_codes)], "related": [f"CR-{n - 1}"] if n > 2000 else [],
            "proposal": "\n\n".join(_text(rng, 80) for _ in range(3)), "decision": _text(rng, 40),
            "outcome": _text(rng, 20),
            "operations": [{"op": "update-level", "skill": rng.choice(all_codes), "level": 3,
                            "description": {"edits": [{"old": "service", "new": "services"}]}}],
        }
        (dest / "changes" / cr).mkdir()
        (dest / "changes" / cr / "manifest.yaml").write_text(
            canonical.dump(f"changes/{cr}/manifest.yaml", "manifest", manifest, property_order("manifest")))


FLOOR = """
import json, sys, yaml
from pathlib import Path
from jsonschema import Draft202012Validator
root = Path(sys.argv[1])
kinds = {"framework.yaml": "framework", "skill.yaml": "skill", "manifest.yaml": "manifest"}
validators = {k: Draft202012Validator(json.loads((root / "schemas" / f"{k}.schema.json").read_text()))
              for k in ("framework", "level", "skill", "skill-level", "manifest")}
for path in sorted(root.glob("framework/**/*.yaml")) + sorted(root.glob("changes/*/manifest.yaml")):
    kind = kinds.get(path.name) or ("level" if path.parent.name == "levels" else "skill-level")
    data = yaml.load(path.read_bytes(), Loader=yaml.CSafeLoader)
    for _ in validators[kind].iter_errors(data):
        pass
"""


def _median(cmd: list[str], runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(cmd, check=False, stdout=subprocess.DEVNULL)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--skills", type=int, default=150)
    parser.add_argument("--changes", type=int, default=1500)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        repo = Path(tmp) / "repo"
        repo.mkdir()
        grow(repo, args.skills, args.changes)
        files = sum(1 for _ in repo.glob("framework/**/*.yaml")) + sum(1 for _ in repo.glob("changes/*/*.yaml"))
        size = sum(p.stat().st_size for p in repo.rglob("*.yaml"))
        check = subprocess.run([sys.executable, "-m", "skillrepo", "--repo", str(repo), "check"],
                               capture_output=True, text=True)
        if check.returncode != 0:
            print(check.stdout[-2000:], file=sys.stderr)
            return 1
        results = {
            "files": files, "yaml_bytes": size,
            "check_seconds": _median([sys.executable, "-m", "skillrepo", "--repo", str(repo), "check"], args.runs),
            "floor_seconds": _median([sys.executable, "-c", FLOOR, str(repo)], args.runs),
            "python_startup_seconds": _median([sys.executable, "-c", "pass"], args.runs),
        }
    results["check_over_floor"] = round(results["check_seconds"] / results["floor_seconds"], 2)
    for key, value in results.items():
        print(f"{key:24} {value:.3f}" if isinstance(value, float) else f"{key:24} {value}")
    print(json.dumps(results))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
