"""The benchmarks: skillrepo's commands on synthetic repositories at 1x and 10x, against the floor and the usual
tool, with the targets they are held to.

    python benchmarks/run.py [--scales 1 10] [--runs 5] [--seed 1] [--json FILE] [--keep DIR] [--only NAMES]
                             [--baseline REV]
                             [--check-jsonschema-at 1] [--runs-check-jsonschema N]
    python benchmarks/run.py --report FILE      # the tables and targets of a saved --json FILE again

Needs check-jsonschema for its comparison (pip install check-jsonschema); without it that row is left out.

For each scale, a repository is generated once (benchmarks/generate.py: 150 skills, about 700 skill levels and
1,500 change requests at 1x, ten times that at 10x, with a git history since the release tag v1), then each
command is run `--runs` times in a fresh process, as the commit hook and CI run it (with --keep DIR, a repository
a previous run generated in DIR for the same scale and seed is reused); the median wall time and the
peak memory (maximum resident set of the child, from /usr/bin/time, else os.wait4) are reported, with the median
CPU time (user + system) beside the wall time. All the repositories are generated first, then every command at
every scale is run once per round, round after round, so that other work on the machine falls on all alike:

- floor: reading every YAML file with libyaml's C loader and validating it against its schema with a reused
  Draft202012Validator, nothing else;
- fairer floor: the C loader plus skillrepo's own validators (`skillrepo.schemas._errors`: the inlined schemas,
  each operation by its own kind's schema) on every data file, attributes included;
- compiled floor: the same, validating as check does (each schema compiled to a predicate, `schemas.is_valid`;
  jsonschema only for a file it finds invalid);
- check-jsonschema: the usual tool for the same job, one invocation per kind of file (times summed);
- with --baseline REV: skillrepo check with the sources of that git revision (e.g. before the result cache), cold;
- skillrepo check cold (`check --no-cache`: nothing read from or kept in .skillrepo/cache/, what every check cost
  before the result cache; the old targets' "check"), check warm (the cache written by a check just before,
  nothing changed), check one file (the cache warm, one skill level file given a new sentence with a run counter
  before each run, so exactly one file is not in it; put back after), hook one file (`pre-commit run` with the
  project's own skillrepo hooks, read from its .pre-commit-config.yaml when the run starts, on one changed and
  staged level file);
- skillrepo verify (replaying every applied change request from the empty framework), apply (one accepted
  change request, on the tree restored from git before each run), release (into a temporary --out); verify and
  apply read the result cache the checks leave;
- python -c pass: the interpreter alone.

The children's XDG_CACHE_HOME (the cache's secret, pre-commit's store) is in the run's own directory.

Prints a Markdown table per scale, the targets met or missed, and (with --json) writes everything as JSON.
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
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
KINDS = ("framework", "level", "skill", "skill-level", "manifest", "log")

FLOOR = r'''
import json, os, sys
import yaml
from jsonschema import Draft202012Validator

root = sys.argv[1]
validators = {}
for kind in ("framework", "level", "skill", "skill-level", "manifest", "log"):
    with open(os.path.join(root, "schemas", kind + ".schema.json"), encoding="utf-8") as f:
        validators[kind] = Draft202012Validator(json.load(f))

def files():
    yield "framework", os.path.join(root, "framework", "framework.yaml")
    levels = os.path.join(root, "framework", "levels")
    for name in sorted(os.listdir(levels)):
        yield "level", os.path.join(levels, name)
    skills = os.path.join(root, "framework", "skills")
    for code in sorted(os.listdir(skills)):
        for name in sorted(os.listdir(os.path.join(skills, code))):
            yield ("skill" if name == "skill.yaml" else "skill-level"), os.path.join(skills, code, name)
    changes = os.path.join(root, "changes")
    for cr in sorted(os.listdir(changes)):
        if cr == "log.yaml":
            yield "log", os.path.join(changes, cr)
        else:
            yield "manifest", os.path.join(changes, cr, "manifest.yaml")

count = errors = 0
for kind, path in files():
    with open(path, "rb") as f:
        data = yaml.load(f.read(), Loader=yaml.CSafeLoader)
    for _ in validators[kind].iter_errors(data):
        errors += 1
    count += 1
print(f"{count} files, {errors} errors")
sys.exit(1 if errors else 0)
'''

# The fairer floor: the C loader plus skillrepo's own validators (its inlined schemas, each operation of a manifest
# validated by its own kind's schema, chosen in Python), on every data file, attributes included; nothing else.
FAIRER_FLOOR = r'''
import os, sys
import yaml
from skillrepo.schemas import _errors

root = sys.argv[1]

def files():
    yield "framework", os.path.join(root, "framework", "framework.yaml")
    levels = os.path.join(root, "framework", "levels")
    for name in sorted(os.listdir(levels)):
        yield "level", os.path.join(levels, name)
    for group, item, item_level in (("skills", "skill", "skill-level"), ("attributes", "attribute", "attribute-level")):
        top = os.path.join(root, "framework", group)
        if not os.path.isdir(top):
            continue
        for code in sorted(os.listdir(top)):
            for name in sorted(os.listdir(os.path.join(top, code))):
                yield (item if name == item + ".yaml" else item_level), os.path.join(top, code, name)
    changes = os.path.join(root, "changes")
    for cr in sorted(os.listdir(changes)):
        if cr == "log.yaml":
            yield "log", os.path.join(changes, cr)
        else:
            yield "manifest", os.path.join(changes, cr, "manifest.yaml")

count = errors = 0
for kind, path in files():
    with open(path, "rb") as f:
        data = yaml.load(f.read(), Loader=yaml.CSafeLoader)
    errors += len(_errors(kind, data))
    count += 1
print(f"{count} files, {errors} errors")
sys.exit(1 if errors else 0)
'''

# The compiled floor: the C loader plus the validation check itself does (each schema compiled to a predicate,
# jsonschema only for a file the predicate finds invalid): what reading and validating cost with nothing else. The
# fairer floor above stays the definition (jsonschema with our inlined schemas), so figures compare across
# commits; this one shows what the check's own overhead is.
COMPILED_FLOOR = FAIRER_FLOOR.replace(
    "from skillrepo.schemas import _errors", "from skillrepo.schemas import _errors, is_valid").replace(
    "errors += len(_errors(kind, data))", "errors += 0 if is_valid(kind, data) else len(_errors(kind, data))")

# Wraps a command when /usr/bin/time is missing: runs it, prints its maximum resident set (KiB) to a file.
WAIT4 = r'''
import os, subprocess, sys
out = sys.argv[1]
proc = subprocess.Popen(sys.argv[2:])
_, status, usage = os.wait4(proc.pid, 0)
with open(out, "w") as f:
    f.write(f"{usage.ru_maxrss} {usage.ru_utime} {usage.ru_stime}")
sys.exit(os.waitstatus_to_exitcode(status))
'''

# target name -> (description, limit). "check" in these is the cold check (--no-cache: nothing cached), what every
# check was before the result cache; the warm and one-file checks have targets of their own.
TARGETS: dict[str, tuple[str, float]] = {
    "check_over_floor_1x": ("check cold / floor at 1x", 1.5),
    "check_over_check_jsonschema_1x": ("check cold / check-jsonschema at 1x", 0.2),
    "check_10x_over_1x": ("check cold 10x / 1x", 10.5),
    "verify_10x_over_1x": ("verify 10x / 1x", 10.5),
    "release_10x_over_1x": ("release 10x / 1x", 10.5),
    "verify_over_check_1x": ("verify / check cold at 1x", 3.0),
    "apply_over_check_1x": ("apply / check cold at 1x", 1.5),
    "history_over_verify_10x": ("history of one item / verify at 10x", 1.5),
    "blame_over_verify_10x": ("blame of one text / verify at 10x", 1.5),
    "check_cold_over_fairer_floor_1x": ("check cold / fairer floor at 1x", 1.0),
    "one_file_over_floor_10x": ("check one file / floor at 10x", 0.15),
    "one_file_over_cold_10x": ("check one file / check cold at 10x", 0.1),
    "check_cold_over_baseline_1x": ("check cold / check at --baseline at 1x", 1.0),
    "check_cold_over_baseline_10x": ("check cold / check at --baseline at 10x", 1.0),
}
# Absolute wall times, in seconds: target name -> (description, measurement key, scale, limit).
WALL_TARGETS: dict[str, tuple[str, str, float, float]] = {
    "hook_one_file_10x": ("hook one file at 10x (s)", "hook_one_file", 10, 3.0),
}
# Every measurement's key, in the order of a round; --only takes a subset. "check" is the old name of check_cold.
KEYS = ("python", "floor", "fairer_floor", "compiled_floor", "check_jsonschema", "check_baseline", "check_cold",
        "check_warm", "check_one_file", "hook_one_file", "verify", "apply", "release", "history", "blame")
ALIASES = {"check": "check_cold"}
CLOSE = 0.85  # a result above 85% of its limit is reported as close


class Runner:
    def __init__(self, work: Path) -> None:
        self.work = work
        self.time_bin = "/usr/bin/time" if os.access("/usr/bin/time", os.X_OK) else None
        self.wrapper = work / "wait4.py"
        self.wrapper.write_text(WAIT4)
        self.cpu = 0.0

    def once(self, cmd: list[str], cwd: Path | None = None, expect: int | None = 0,
             env: dict[str, str] | None = None) -> tuple[float, int, str]:
        """Run a command once: (wall seconds, peak resident KiB of the child, its stdout); its CPU seconds
        (user + system) in self.cpu."""
        rss_file = self.work / "rss.txt"
        if self.time_bin is not None:
            full = [self.time_bin, "-f", "%M %U %S", "-o", str(rss_file), *cmd]
        else:
            full = [sys.executable, str(self.wrapper), str(rss_file), *cmd]
        start = time.perf_counter()
        proc = subprocess.run(full, cwd=cwd, capture_output=True, env=env)
        wall = time.perf_counter() - start
        if expect is not None and proc.returncode != expect:
            raise SystemExit(f"{' '.join(cmd)} exited {proc.returncode}, expected {expect}:\n"
                             f"{proc.stdout.decode()[-3000:]}\n{proc.stderr.decode()[-3000:]}")
        fields = rss_file.read_text().split()[-3:]
        self.cpu = float(fields[1]) + float(fields[2])
        return wall, int(fields[0]), proc.stdout.decode("utf-8", "replace")


Once = Callable[[], tuple[float, int, float]]  # one run: (wall seconds, peak KiB, CPU seconds)


class Measurement:
    """One command at one scale: how to run it once, what to do before each run, and its runs so far."""

    def __init__(self, key: str, name: str, once: Once, runs: int, before: Callable[[], None] | None = None,
                 after: Callable[[], None] | None = None) -> None:
        self.key, self.name, self.once, self.runs, self.before, self.after = key, name, once, runs, before, after
        self.times: list[float] = []
        self.peaks: list[int] = []
        self.cpus: list[float] = []

    def run(self) -> None:
        if self.before is not None:
            self.before()
        try:
            wall, rss, cpu = self.once()
        finally:
            if self.after is not None:
                self.after()
        self.times.append(wall)
        self.peaks.append(rss)
        self.cpus.append(cpu)

    def result(self) -> dict[str, Any]:
        return {"name": self.name, "runs": len(self.times), "median_s": statistics.median(self.times),
                "min_s": min(self.times), "max_s": max(self.times), "times_s": self.times,
                "cpu_median_s": statistics.median(self.cpus), "cpu_s": self.cpus,
                "peak_kib": max(self.peaks), "peaks_kib": self.peaks}


def yaml_files(repo: Path) -> dict[str, list[str]]:
    """The data files of a repository by kind, as paths relative to it."""
    out: dict[str, list[str]] = {k: [] for k in KINDS}
    out["framework"].append("framework/framework.yaml")
    out["level"] = sorted(f"framework/levels/{n}" for n in os.listdir(repo / "framework/levels"))
    for code in sorted(os.listdir(repo / "framework/skills")):
        for name in sorted(os.listdir(repo / "framework/skills" / code)):
            out["skill" if name == "skill.yaml" else "skill-level"].append(f"framework/skills/{code}/{name}")
    out["manifest"] = [f"changes/{cr}/manifest.yaml" for cr in sorted(os.listdir(repo / "changes")) if cr != "log.yaml"]
    out["log"] = ["changes/log.yaml"]
    return out


def repository(scale: float, args: argparse.Namespace, work: Path) -> tuple[Path, dict[str, Any]]:
    """The repository of one scale and generate.py's summary of it: generated, or with --keep the one a previous run
    left in the directory (same scale and seed, at the head it was generated with), put back as committed."""
    repo = work / f"repo-{scale:g}x"
    saved = work / f"repo-{scale:g}x.json"
    if args.keep and saved.exists() and (repo / ".git").exists():
        summary = json.loads(saved.read_text())
        head = subprocess.run(["git", "rev-parse", "HEAD"], cwd=repo, capture_output=True, text=True).stdout.strip()
        if summary.get("scale") == scale and summary.get("seed") == args.seed and summary.get("head") == head:
            print(f"scale {scale:g}x: reusing {repo} (generated with seed {args.seed}, head {head[:12]})",
                  file=sys.stderr, flush=True)
            subprocess.run(["git", "reset", "-q"], cwd=repo, check=True)
            subprocess.run(["git", "checkout", "-q", "HEAD", "--", "framework", "changes"], cwd=repo, check=True)
            subprocess.run(["git", "clean", "-fdq", "--", "framework", "changes"], cwd=repo, check=True)
            shutil.rmtree(repo / ".skillrepo" / "cache", ignore_errors=True)  # every run starts with no cache
            return repo, summary
    shutil.rmtree(repo, ignore_errors=True)
    saved.unlink(missing_ok=True)
    print(f"scale {scale:g}x: generating {repo}", file=sys.stderr, flush=True)
    gen = subprocess.run([sys.executable, str(HERE / "generate.py"), str(repo), "--scale", str(scale),
                          "--seed", str(args.seed)], check=True, stdout=subprocess.PIPE)
    summary = json.loads(gen.stdout)
    saved.write_text(json.dumps(summary, indent=2) + "\n")
    print(f"  generated in {summary['seconds']} s: {summary['skills']} skills, {summary['skill_levels']} levels, "
          f"{summary['change_requests']} CRs ({summary['applied']} applied), {summary['commits']} commits, "
          f"{summary['yaml_bytes']:,} bytes of YAML", file=sys.stderr, flush=True)
    return repo, summary


def hook_config() -> str | None:
    """The project's own .pre-commit-config.yaml as it is now, with only its skillrepo hooks (those whose entry is a
    skillrepo command); None if it has none."""
    path = ROOT / ".pre-commit-config.yaml"
    if not path.exists():
        return None
    config = yaml.safe_load(path.read_text(encoding="utf-8"))
    for repo in config.get("repos", []):
        repo["hooks"] = [h for h in repo.get("hooks", []) if str(h.get("entry", "")).split()[:1] == ["skillrepo"]]
    config["repos"] = [r for r in config.get("repos", []) if r["hooks"]]
    return yaml.safe_dump(config, sort_keys=False) if config["repos"] else None


def prepare(scale: float, args: argparse.Namespace, runner: Runner, work: Path) -> dict[str, Any]:
    """Generate (or reuse) the repository of one scale, check that it is clean, and list what to measure on it."""
    repo, summary = repository(scale, args, work)
    files = yaml_files(repo)
    skillrepo = [sys.executable, "-m", "skillrepo", "--repo", str(repo)]
    script = Path(sys.executable).parent / "skillrepo"
    if script.exists():
        skillrepo = [str(script), "--repo", str(repo)]
    floor_py = work / "floor.py"
    floor_py.write_text(FLOOR)
    fairer_py = work / "fairer_floor.py"
    fairer_py.write_text(FAIRER_FLOOR)
    compiled_py = work / "compiled_floor.py"
    compiled_py.write_text(COMPILED_FLOOR)
    check_jsonschema = shutil.which("check-jsonschema", path=str(Path(sys.executable).parent)) or \
        shutil.which("check-jsonschema")
    pre_commit = shutil.which("pre-commit", path=str(Path(sys.executable).parent)) or shutil.which("pre-commit")
    config = hook_config()
    wanted = set(args.only)

    # Preconditions: the repository is clean by check (no finding at all, warnings included) and verify passes. This
    # first check also writes the result cache: from here on every file is in it.
    _, _, out = runner.once([*skillrepo, "check"])
    if "no problems" not in out:
        raise SystemExit(f"the generated repository is not clean:\n{out[-3000:]}")
    runner.once([*skillrepo, "verify"])

    def run(cmd: list[str], cwd: Path | None = None, env: dict[str, str] | None = None) -> Once:
        def once() -> tuple[float, int, float]:
            wall, rss, _ = runner.once(cmd, cwd=cwd, env=env)
            return wall, rss, runner.cpu
        return once

    def hook() -> tuple[float, int, float]:
        """pre-commit run, as a commit runs it (the staged files); every hook must have run, none skipped."""
        wall, rss, out = runner.once([pre_commit, "run"], cwd=repo)
        if "Skipped" in out or "Passed" not in out:
            raise SystemExit(f"pre-commit run did not run every hook on the staged file:\n{out[-3000:]}")
        return wall, rss, runner.cpu

    def restore() -> None:
        subprocess.run(["git", "checkout", "-q", "HEAD", "--", "framework", "changes"], cwd=repo, check=True)
        subprocess.run(["git", "clean", "-fdq", "--", "framework", "changes"], cwd=repo, check=True)

    def jsonschema_all() -> tuple[float, int, float]:
        total, peak, cpu = 0.0, 0, 0.0
        for kind in KINDS:
            wall, rss, _ = runner.once([check_jsonschema, "--schemafile", f"schemas/{kind}.schema.json",
                                        *files[kind]], cwd=repo)
            total += wall
            cpu += runner.cpu
            peak = max(peak, rss)
        return total, peak, cpu

    dist = work / f"dist-{scale:g}x"

    def clear_dist() -> None:
        shutil.rmtree(dist, ignore_errors=True)

    def warm() -> None:
        """An unmeasured check: the cache then holds exactly the files as they are (a one-file run that was put back
        since left one file's committed bytes out of it)."""
        runner.once([*skillrepo, "check"])

    # The one level file the one-file measurements change: a new sentence, with a counter, before each run, so that
    # every run has exactly one file whose bytes the cache does not hold. It is put back as committed after each run.
    code = sorted(p.name for p in (repo / "framework/skills").iterdir())[0]  # one item: the same at every run
    level = min(int(p.stem.split("-")[1]) for p in (repo / "framework/skills" / code).glob("level-*.yaml"))
    changed = f"framework/skills/{code}/level-{level}.yaml"
    counter = [0]

    def change_one(stage: bool) -> Callable[[], None]:
        def before() -> None:
            from skillrepo import serialize  # the frozen copy (first on sys.path), as the children use

            counter[0] += 1
            data = yaml.load((repo / changed).read_bytes(), Loader=yaml.CSafeLoader)
            data["description"] += f" This sentence was written for benchmark run {counter[0]}."
            (repo / changed).write_bytes(serialize.render(changed, "skill-level", data))
            if stage:
                subprocess.run(["git", "add", "--", changed], cwd=repo, check=True)
        return before

    def put_back() -> None:
        subprocess.run(["git", "checkout", "-q", "HEAD", "--", changed], cwd=repo, check=True)  # index and file

    runs = args.runs
    ms = [Measurement("python", "python -c pass", run([sys.executable, "-c", "pass"]), runs),
          Measurement("floor", "floor (CSafeLoader + jsonschema)", run([sys.executable, str(floor_py), str(repo)]),
                      runs),
          Measurement("fairer_floor", "fairer floor (CSafeLoader + skillrepo's validators)",
                      run([sys.executable, str(fairer_py), str(repo)]), runs),
          Measurement("compiled_floor", "compiled floor (CSafeLoader + the compiled schemas check validates with)",
                      run([sys.executable, str(compiled_py), str(repo)]), runs)]
    if check_jsonschema is not None and scale in args.check_jsonschema_at:
        ms.append(Measurement("check_jsonschema", f"check-jsonschema ({len(KINDS)} calls, summed)", jsonschema_all,
                              args.runs_check_jsonschema or runs))
    if "check_baseline" in wanted and args.baseline_code is not None:
        # The check of another version of the sources (--baseline: the one before the cache), cold: its sources first
        # on PYTHONPATH, and SKILLREPO_NO_CACHE set in case that version has a cache too.
        env = {**os.environ, "SKILLREPO_NO_CACHE": "1",
               "PYTHONPATH": os.pathsep.join([str(args.baseline_code.parent), os.environ.get("PYTHONPATH", "")])}
        ms.append(Measurement("check_baseline", f"skillrepo check at {args.baseline_rev} (--baseline, cold)",
                              run([*skillrepo, "check"], env=env), runs))
    ms += [Measurement("check_cold", "skillrepo check --no-cache (cold)", run([*skillrepo, "check", "--no-cache"]),
                       runs),
           Measurement("check_warm", "skillrepo check (warm, nothing changed)", run([*skillrepo, "check"]), runs,
                       before=warm),
           Measurement("check_one_file", "skillrepo check (warm, one level file changed)", run([*skillrepo, "check"]),
                       runs, before=change_one(stage=False), after=put_back)]
    if "hook_one_file" in wanted:
        if pre_commit is None or config is None:
            print("  hook one file: left out (" + ("pre-commit is not installed" if pre_commit is None else
                  f"{ROOT / '.pre-commit-config.yaml'} has no skillrepo hook") + ")", file=sys.stderr, flush=True)
        else:
            (repo / ".pre-commit-config.yaml").write_text(config, encoding="utf-8")
            exclude = repo / ".git" / "info" / "exclude"
            if ".pre-commit-config.yaml" not in exclude.read_text(encoding="utf-8").splitlines():
                with exclude.open("a", encoding="utf-8") as f:
                    f.write(".pre-commit-config.yaml\n")  # not committed: the repository's history stays as made
            runner.once([pre_commit, "run"], cwd=repo)  # unmeasured: pre-commit makes its store the first time
            hooks = [h["id"] for r in yaml.safe_load(config)["repos"] for h in r["hooks"]]
            ms.append(Measurement("hook_one_file", f"pre-commit run ({', '.join(hooks)}; one level file staged)",
                                  hook, runs, before=change_one(stage=True),
                                  after=put_back))
    ms += [Measurement("verify", "skillrepo verify (cache warm)", run([*skillrepo, "verify"]), runs),
           Measurement("apply", f"skillrepo apply {summary['apply_cr']} (cache warm)",
                       run([*skillrepo, "apply", summary["apply_cr"]]),
                       runs, before=restore, after=restore),  # every other command sees the tree as committed
           Measurement("release", "skillrepo release", run([*skillrepo, "release", "2.0.0", "--out", str(dist)]), runs,
                       before=clear_dist)]
    ms += [Measurement("history", f"skillrepo history {code} {level}",
                       run([*skillrepo, "history", code, str(level)]), runs),
           Measurement("blame", f"skillrepo blame {code} {level}", run([*skillrepo, "blame", code, str(level)]), runs)]
    ms = [m for m in ms if m.key in wanted]
    return {"scale": scale, "repository": summary, "files_by_kind": {k: len(v) for k, v in files.items()},
            "changed_file": changed, "hook_config": config if "hook_one_file" in wanted else None,
            "measurements": ms, "cleanup": [put_back, restore, clear_dist]}


def measure_all(prepared: list[dict[str, Any]]) -> dict[float, dict[str, Any]]:
    """Run every measurement of every scale in rounds (round 1 of everything, then round 2, ...), so that
    other work on the machine disturbs each command and each scale alike, and the ratios stay fair."""
    rounds = max(m.runs for p in prepared for m in p["measurements"])
    for n in range(rounds):
        for p in prepared:
            for m in p["measurements"]:
                if len(m.times) < m.runs:
                    m.run()
                    print(f"  round {n + 1}/{rounds} {p['scale']:g}x {m.name:34} {m.times[-1]:8.3f} s "
                          f"(CPU {m.cpus[-1]:7.2f} s) peak {m.peaks[-1] / 1024:7.1f} MiB", file=sys.stderr, flush=True)
    by_scale: dict[float, dict[str, Any]] = {}
    for p in prepared:
        for cleanup in p["cleanup"]:
            cleanup()
        by_scale[p["scale"]] = {"scale": p["scale"], "repository": p["repository"],
                                "files_by_kind": p["files_by_kind"], "changed_file": p["changed_file"],
                                "hook_config": p["hook_config"],
                                "results": {m.key: m.result() for m in p["measurements"]}}
    return by_scale


def ratios(by_scale: dict[float, dict[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}

    def med(scale: float, name: str, key: str) -> float | None:
        r = by_scale.get(scale, {}).get("results", {}).get(name)
        return r.get(key) if r else None

    def ratio(a: float | None, b: float | None) -> float | None:
        return a / b if a is not None and b else None

    pairs = {
        "check_over_floor_1x": ((1, "check_cold"), (1, "floor")),
        "check_over_check_jsonschema_1x": ((1, "check_cold"), (1, "check_jsonschema")),
        "check_10x_over_1x": ((10, "check_cold"), (1, "check_cold")),
        "verify_10x_over_1x": ((10, "verify"), (1, "verify")),
        "release_10x_over_1x": ((10, "release"), (1, "release")),
        "verify_over_check_1x": ((1, "verify"), (1, "check_cold")),
        "apply_over_check_1x": ((1, "apply"), (1, "check_cold")),
        "history_over_verify_10x": ((10, "history"), (10, "verify")),
        "blame_over_verify_10x": ((10, "blame"), (10, "verify")),
        "check_cold_over_fairer_floor_1x": ((1, "check_cold"), (1, "fairer_floor")),
        "one_file_over_floor_10x": ((10, "check_one_file"), (10, "floor")),
        "one_file_over_cold_10x": ((10, "check_one_file"), (10, "check_cold")),
        "check_cold_over_baseline_1x": ((1, "check_cold"), (1, "check_baseline")),
        "check_cold_over_baseline_10x": ((10, "check_cold"), (10, "check_baseline")),
    }
    for key, (a, b) in pairs.items():
        what, limit = TARGETS[key]
        value = ratio(med(*a, "median_s"), med(*b, "median_s"))
        if value is None:
            continue
        cpu = ratio(med(*a, "cpu_median_s"), med(*b, "cpu_median_s"))
        out[key] = {"what": what, "value": round(value, 3), "target": f"<= {limit:g}", "status": _status(value, limit),
                    "value_cpu": None if cpu is None else round(cpu, 3),
                    "status_cpu": None if cpu is None else _status(cpu, limit)}
    for key, (what, name, scale, limit) in WALL_TARGETS.items():
        wall, cpu = med(scale, name, "median_s"), med(scale, name, "cpu_median_s")
        if wall is None:
            continue
        out[key] = {"what": what, "value": round(wall, 3), "target": f"<= {limit:g}", "status": _status(wall, limit),
                    "value_cpu": None if cpu is None else round(cpu, 3),
                    "status_cpu": None if cpu is None else _status(cpu, limit)}
    # Peak memory at the largest scale: each skillrepo command against 4 x the bytes of YAML + the interpreter, and
    # the warm checks against the cold one (the cache must not cost memory).
    top = max(by_scale) if by_scale else None
    if top is not None:
        data = by_scale[top]
        results = data["results"]
        if "python" in results:
            limit_kib = 4 * data["repository"]["yaml_bytes"] / 1024 + results["python"]["peak_kib"]
            for key_name, name in (("check", "check_cold"), ("verify", "verify"), ("apply", "apply"),
                                   ("release", "release")):
                r = results.get(name)
                if r is None:
                    continue
                key = f"peak_memory_{key_name}_{top:g}x"
                out[key] = {"what": f"{name.replace('_', ' ')} peak memory at {top:g}x (MiB) vs 4 x YAML bytes + "
                            "interpreter", "value": round(r["peak_kib"] / 1024, 1),
                            "target": f"<= {limit_kib / 1024:.1f}", "status": _status(r["peak_kib"], limit_kib)}
        cold = results.get("check_cold")
        for name in ("check_one_file", "check_warm"):
            r = results.get(name)
            if r is None or cold is None:
                continue
            out[f"peak_memory_{name}_over_cold_{top:g}x"] = {
                "what": f"{name.replace('_', ' ')} peak memory at {top:g}x (MiB) vs check cold's",
                "value": round(r["peak_kib"] / 1024, 1), "target": f"<= {cold['peak_kib'] / 1024:.1f}",
                "status": _status(r["peak_kib"], cold["peak_kib"])}
    return out


def _status(value: float, limit: float) -> str:
    if value > limit:
        return "MISSED"
    return "met (close)" if value > CLOSE * limit else "met"


def markdown(by_scale: dict[float, dict[str, Any]], targets: dict[str, Any]) -> str:
    lines: list[str] = []
    for scale, data in sorted(by_scale.items()):
        s = data["repository"]
        lines.append(f"### {scale:g}x: {s['skills']} skills ({s['active_skills']} active), {s['skill_levels']} "
                     f"skill levels, {s['change_requests']} change requests ({s['applied']} applied, "
                     f"{s['operations_applied']} operations), {s['commits']} commits; {s['yaml_files']} YAML files, "
                     f"{s['yaml_bytes'] / 1e6:.2f} MB of YAML")
        lines.append("")
        lines.append("| measurement | median wall s | min s | max s | median CPU s | runs | peak MiB |")
        lines.append("| --- | ---: | ---: | ---: | ---: | ---: | ---: |")
        for r in data["results"].values():
            lines.append(f"| {r['name']} | {r['median_s']:.3f} | {r['min_s']:.3f} | {r['max_s']:.3f} | "
                         f"{r['cpu_median_s']:.2f} | {r['runs']} | {r['peak_kib'] / 1024:.1f} |")
        lines.append("")
    if targets:
        lines.append("### Targets")
        lines.append("")
        lines.append("| target | value (wall) | limit | status (wall) | value (CPU) | status (CPU) |")
        lines.append("| --- | ---: | ---: | --- | ---: | --- |")
        for t in targets.values():
            cpu = t.get("value_cpu")
            lines.append(f"| {t['what']} | {t['value']} | {t['target']} | {t['status']} | "
                         f"{cpu if cpu is not None else ''} | {t.get('status_cpu') or ''} |")
        lines.append("")
        lines.append("Wall time is the target's measure; CPU time (user + system of the child) is given beside it "
                     "because it is much less disturbed by other work on the machine.")
        lines.append("")
    return "\n".join(lines)


def freeze(work: Path) -> Path:
    """A copy of the skillrepo sources (and the schemas and starter levels it ships) as they are now, put first on
    PYTHONPATH for every process this run starts: others may edit the tree while a run takes its 40 minutes."""
    code = work / "code"
    shutil.rmtree(code, ignore_errors=True)
    shutil.copytree(ROOT / "scripts" / "skillrepo", code / "scripts" / "skillrepo",
                    ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(ROOT / "schemas", code / "schemas")
    shutil.copytree(ROOT / "framework" / "levels", code / "framework" / "levels")
    os.environ["PYTHONPATH"] = os.pathsep.join(filter(None, [str(code / "scripts"), os.environ.get("PYTHONPATH")]))
    return code / "scripts" / "skillrepo"


def freeze_baseline(rev: str, work: Path) -> tuple[Path, str]:
    """The skillrepo sources, schemas and starter levels of a git revision of this repository, for --baseline: the
    package's directory and the revision's short name."""
    import io
    import tarfile

    sha = subprocess.run(["git", "rev-parse", "--short", rev], cwd=ROOT, check=True, capture_output=True,
                         text=True).stdout.strip()
    dest = work / "baseline"
    shutil.rmtree(dest, ignore_errors=True)
    dest.mkdir(parents=True)
    archive = subprocess.run(["git", "archive", sha, "scripts/skillrepo", "schemas", "framework/levels"], cwd=ROOT,
                             check=True, capture_output=True).stdout
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        tar.extractall(dest, filter="data")
    return dest / "scripts" / "skillrepo", sha


def code_fingerprint(package: Path | None = None) -> str:
    """A hash of the skillrepo sources measured (the code changes; the figures belong to one version of it)."""
    import hashlib

    if package is None:
        import skillrepo

        package = Path(skillrepo.__file__).resolve().parent
    digest = hashlib.sha256()
    for path in sorted(package.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts:
            digest.update(str(path.relative_to(package)).encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:16]


def only(text: str) -> list[str]:
    """--only's value: measurement keys, comma-separated (aliases allowed), in the order of a round."""
    names = {ALIASES.get(n.strip(), n.strip()) for n in text.split(",") if n.strip()}
    unknown = names - set(KEYS)
    if unknown or not names:
        raise argparse.ArgumentTypeError(f"unknown: {', '.join(sorted(unknown)) or '(none given)'}; "
                                         f"the keys are {', '.join(KEYS)} (check is check_cold)")
    return [k for k in KEYS if k in names]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scales", type=float, nargs="+", default=[1, 10])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--runs-check-jsonschema", type=int, default=None,
                        help="runs of check-jsonschema; default: --runs")
    parser.add_argument("--check-jsonschema-at", type=float, nargs="*", default=[1],
                        help="the scales to run check-jsonschema at (default: 1, where its target is; it takes "
                        "minutes a run at 10x)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--json", type=Path, help="write the results as JSON to this file")
    parser.add_argument("--keep", type=Path, help="generate the repositories here and keep them; a repository a "
                        "previous run left here (same scale and seed) is reused, not generated again")
    parser.add_argument("--only", type=only, default=list(KEYS), metavar="NAMES",
                        help="measure only these (comma-separated keys: " + ", ".join(KEYS) +
                        "; check is check_cold)")
    parser.add_argument("--baseline", metavar="REV", help="also time `skillrepo check` with the sources of this git "
                        "revision (e.g. the commit before the result cache), cold, as the row check_baseline")
    parser.add_argument("--live", action="store_true", help="measure the sources as they are when each command "
                        "starts, not a copy taken at the start of the run")
    parser.add_argument("--report", type=Path, metavar="JSON", help="measure nothing: print the tables and targets "
                        "of a JSON file an earlier run wrote")
    args = parser.parse_args()
    if args.report:
        saved = json.loads(args.report.read_text())
        by_scale = {float(k): v for k, v in saved["scales"].items()}
        for data in by_scale.values():  # before the result cache, every check was cold, and its key was "check"
            results = data["results"]
            if "check" in results and "check_cold" not in results:
                data["results"] = {("check_cold" if k == "check" else k): v for k, v in results.items()}
        print(markdown(by_scale, ratios(by_scale)))
        return 0
    with tempfile.TemporaryDirectory(prefix="skillrepo-bench-") as tmp:
        work = args.keep.resolve() if args.keep else Path(tmp)
        work.mkdir(parents=True, exist_ok=True)
        # The children's cache directory (the result cache's secret, pre-commit's store) is the run's own, never the
        # user's; `skillrepo` (the hooks' entry) and pre-commit are found next to this interpreter first.
        os.environ["XDG_CACHE_HOME"] = str(work / "xdg-cache")
        os.environ.pop("SKILLREPO_NO_CACHE", None)
        # Bytecode is written for the frozen sources on the first run, as an install writes it: a run measures what a
        # user's command costs, not compiling the package's modules again each time.
        os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
        os.environ["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "")])
        package = None if args.live else freeze(work)
        if package is not None:
            sys.path.insert(0, str(package.parent))  # this process renders the one-file changes with it too
        fingerprint = code_fingerprint(package)
        args.baseline_code, args.baseline_rev = freeze_baseline(args.baseline, work) if args.baseline else (None, None)
        if args.baseline_code is not None:
            print(f"the baseline: the sources of {args.baseline_rev} "
                  f"({code_fingerprint(args.baseline_code)}), in {args.baseline_code}", file=sys.stderr, flush=True)
        print(f"measuring the skillrepo sources {fingerprint}" + ("" if args.live else f", frozen in {package}"),
              file=sys.stderr, flush=True)
        runner = Runner(work)
        prepared = [prepare(scale, args, runner, work) for scale in args.scales]
        by_scale = measure_all(prepared)
    targets = ratios(by_scale)
    print(f"skillrepo sources {fingerprint}; Python {sys.version.split()[0]}; {os.cpu_count()} CPUs\n")
    print(markdown(by_scale, targets))
    report = {"python": sys.version.split()[0], "cpus": os.cpu_count(), "memory_tool": runner.time_bin or "os.wait4",
              "code": fingerprint, "code_frozen": not args.live, "baseline": args.baseline_rev,
              "baseline_code": code_fingerprint(args.baseline_code) if args.baseline_code else None,
              "scales": {f"{k:g}": v for k, v in by_scale.items()}, "targets": targets}
    text = json.dumps(report, indent=2)
    if args.json:
        args.json.write_text(text + "\n")
    print(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
