"""Where a skillrepo command spends its time: wall time per phase, measured in the process, with little overhead.

    python benchmarks/profile_command.py --repo DIR [--cprofile N] -- check
    python benchmarks/profile_command.py --repo DIR -- verify
    python benchmarks/profile_command.py --repo DIR --restore -- apply CR-2499
    python benchmarks/profile_command.py --repo DIR -- release 2.0.0 --out /tmp/dist

Wraps the functions that make up each command (reading, the strict loader, schema validation per kind of file,
building the model, each rule, git reads, the replay, each export) with timers, then runs the command as
`skillrepo` would, and prints, for each wrapped function, its calls and its total wall time (outermost calls only,
so a recursive function is not counted twice) as a share of the command's wall time. Functions nest: read the
names. `--cprofile N` runs cProfile instead and prints the N most expensive functions (its overhead inflates
many small calls, jsonschema's especially: use it for call counts, the timers for shares).
`--restore` puts framework/ and changes/ back as at HEAD afterwards (for apply).
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import importlib
import inspect
import io
import subprocess
import sys
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

START = time.perf_counter()
ROOT = Path(__file__).resolve().parent.parent
try:  # the skillrepo installed (or on PYTHONPATH: run.py measures a frozen copy of the sources), else this tree's
    import skillrepo  # noqa: F401
except ImportError:
    sys.path.insert(0, str(ROOT / "scripts"))

# module -> functions to time. Methods as "Class.method".
TARGETS: dict[str, tuple[str, ...]] = {
    "skillrepo.checker": ("check_repository", "check_snapshot", "load"),
    "skillrepo.documents": ("read_snapshot", "snapshot_of", "overlay"),
    "skillrepo.layout": ("walk",),
    "skillrepo.yamlsource": ("load_bytes",),
    "skillrepo.schemas": ("validate",),
    "skillrepo.model": ("build",),
    "skillrepo.rules.paths": ("check",),
    "skillrepo.rules.references": ("check",),
    "skillrepo.rules.prose": ("check",),
    "skillrepo.rules.formatting": ("check",),
    "skillrepo.rules.frozen": ("check",),
    "skillrepo.reporters": ("text",),
    "skillrepo.history": ("open_repo", "snapshot_at", "messages_since", "trailer_cr", "blob_at", "changed_since_head",
                          "newest_release_tag", "dirty_paths"),
    "skillrepo.replay": ("since_release", "applied_order", "_forward"),
    "skillrepo.engine": ("apply",),
    "skillrepo.serialize": ("file_changes",),
    "skillrepo.planning": ("plan_apply", "check_result"),
    "skillrepo.manifests": ("set_applied_in",),
    "skillrepo.writing": ("write_files",),
    "skillrepo.commands.verify": ("problems", "differences"),
    "skillrepo.building": ("build", "sha256sums", "_write", "sha256_of", "source_epoch"),
    "skillrepo.exports.output": ("write_json",),
    "skillrepo.exports.framework_json": ("document", "lifecycles"),
    "skillrepo.exports.sheets": ("write_csv", "write_xlsx", "skill_rows", "level_rows"),
    "skillrepo.exports.case": ("package",),
    "skillrepo.exports.lastchange": ("last_changes",),
    "skillrepo.exports.changelog": ("entries", "markdown", "json_document", "word_diff"),
    "skillrepo.exports.mapping": ("rows",),
    # Pages are rendered as they are written: _encoded draws a page's text from its template.
    "skillrepo.site.build": ("site_files", "_encoded", "diff", "catalogue"),
}

totals: dict[str, float] = defaultdict(float)
calls: dict[str, int] = defaultdict(int)
depth: dict[str, int] = defaultdict(int)


def _label(name: str, fn: Any, args: tuple[Any, ...]) -> str:
    if name == "skillrepo.schemas.validate" and args:
        return f"{name}[{getattr(getattr(args[0], 'info', None), 'kind', '?')}]"
    return name


def _wrap(name: str, fn: Any) -> Any:
    if inspect.isgeneratorfunction(fn):
        @functools.wraps(fn)
        def gen_wrapper(*args: Any, **kwargs: Any) -> Any:
            start = time.perf_counter()
            out = list(fn(*args, **kwargs))
            totals[name] += time.perf_counter() - start
            calls[name] += 1
            return iter(out)
        return gen_wrapper

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        label = _label(name, fn, args)
        depth[name] += 1
        start = time.perf_counter()
        try:
            return fn(*args, **kwargs)
        finally:
            depth[name] -= 1
            if depth[name] == 0:
                totals[label] += time.perf_counter() - start
            calls[label] += 1
    return wrapper


def install() -> None:
    """Wrap every target, and rebind every name any skillrepo module imported it under."""
    replaced: dict[int, Any] = {}
    for module_name, names in TARGETS.items():
        try:
            module = importlib.import_module(module_name)
        except ImportError:
            continue
        for name in names:
            fn = getattr(module, name, None)
            if fn is None or not callable(fn):
                continue
            wrapped = _wrap(f"{module_name}.{name}", fn)
            replaced[id(fn)] = wrapped
            setattr(module, name, wrapped)
    for module_name, module in list(sys.modules.items()):
        if not module_name.startswith("skillrepo") or module is None:
            continue
        for attr, value in list(vars(module).items()):
            if id(value) in replaced and callable(value):
                setattr(module, attr, replaced[id(value)])
    # The rule table holds the check functions in a tuple.
    rules = importlib.import_module("skillrepo.rules")
    old = rules.CHECKS
    checks = tuple(replaced.get(id(f), f) for f in old)
    for module in list(sys.modules.values()):
        if module is not None and getattr(module, "CHECKS", None) is old:
            module.CHECKS = checks  # type: ignore[attr-defined]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repo", type=Path, required=True)
    parser.add_argument("--cprofile", type=int, metavar="N", help="run under cProfile and print the top N")
    parser.add_argument("--sort", default="tottime", help="cProfile sort key (tottime, cumtime)")
    parser.add_argument("--restore", action="store_true", help="restore framework/ and changes/ from HEAD after")
    parser.add_argument("command", nargs=argparse.REMAINDER)
    args = parser.parse_args()
    command = [c for c in args.command if c != "--"]
    argv = ["--repo", str(args.repo), *command]
    from skillrepo.main import main as skillrepo_main

    out = io.StringIO()
    try:
        if args.cprofile:
            import cProfile
            import pstats

            prof = cProfile.Profile()
            with contextlib.redirect_stdout(out):
                start = time.perf_counter()
                prof.enable()
                code = skillrepo_main(argv)
                prof.disable()
                wall = time.perf_counter() - start
            stats = pstats.Stats(prof)
            stats.sort_stats(args.sort).print_stats(args.cprofile)
            print(f"exit {code}; {wall:.3f} s under cProfile")
            return 0
        # Import every module the command may use first, so that the wrappers see them all.
        for module_name in TARGETS:
            if module_name.startswith(("skillrepo.site", "skillrepo.exports")) and command[:1] != ["release"]:
                continue
            if module_name == "skillrepo.history" and command[:1] == ["check"]:
                continue  # check imports git only when it needs it (frozen); keep that import in its time
            with contextlib.suppress(ImportError):
                importlib.import_module(module_name)
        importlib.import_module(f"skillrepo.commands.{command[0]}")
        imported = time.perf_counter()
        install()
        with contextlib.redirect_stdout(out):
            start = time.perf_counter()
            code = skillrepo_main(argv)
            wall = time.perf_counter() - start
    finally:
        if args.restore:
            subprocess.run(["git", "checkout", "-q", "HEAD", "--", "framework", "changes"], cwd=args.repo, check=True)
            subprocess.run(["git", "clean", "-fdq", "--", "framework", "changes"], cwd=args.repo, check=True)
    print(f"skillrepo {' '.join(command)}: exit {code}; {wall:.3f} s in the command, "
          f"{imported - START:.3f} s interpreter start and imports before it (not in the shares)")
    print(out.getvalue().strip().splitlines()[-1][:200] if out.getvalue().strip() else "")
    print(f"{'function':62} {'calls':>8} {'seconds':>9} {'share':>7}")
    for label, seconds in sorted(totals.items(), key=lambda kv: -kv[1]):
        print(f"{label:62} {calls[label]:8d} {seconds:9.3f} {100 * seconds / wall:6.1f}%")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
