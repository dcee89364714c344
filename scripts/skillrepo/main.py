"""The entry point: parse arguments, run one command, map errors to exit codes. Only this module knows argparse."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from skillrepo import __version__
from skillrepo.errors import SkillrepoError, UsageError, describe_os_error
from skillrepo.helptexts import COMMANDS as HELP


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        raise UsageError(f"{self.prog}: {message}")


def _arg(*names: str, **options: Any) -> tuple[tuple[str, ...], dict[str, Any]]:
    """One argument of a command, as `add_argument` takes it."""
    return names, options


# Each command with its arguments, in the order `skillrepo --help` lists them; what --help says of each (summary,
# argument texts, example, documentation) is helptexts.COMMANDS (HELP here).
_COMMANDS: list[tuple[str, list[tuple[tuple[str, ...], dict[str, Any]]]]] = [
    ("check", [
        _arg("paths", nargs="*", metavar="PATH"),
        _arg("--format", choices=("text", "json", "github"), default="text"),
        _arg("--strict", action="store_true"),
        _arg("--select", metavar="CODES"),
        _arg("--ignore", metavar="CODES"),
        _arg("--no-cache", action="store_true"),
    ]),
    ("fmt", [_arg("paths", nargs="*", metavar="PATH"), _arg("--check", action="store_true")]),
    ("new", [_arg("title"), _arg("--applies-to", nargs="+", default=[], metavar="CODE"),
             _arg("--from-sheet", metavar="FILE", type=Path, action="append")]),
    ("import", [_arg("page")]),
    ("preview", [_arg("cr", metavar="CR-ID"), _arg("--format", choices=("text", "markdown", "json"), default="text")]),
    ("apply", [_arg("crs", nargs="+", metavar="CR-ID"), _arg("--dry-run", action="store_true"),
               _arg("--commit", action="store_true")]),
    ("revert", [_arg("cr", metavar="CR-ID"), _arg("--commit", action="store_true")]),
    ("status", [_arg("--format", choices=("text", "json"), default="text")]),
    ("verify", [_arg("--base", metavar="REF")]),
    ("history", [_arg("item", metavar="ITEM"), _arg("level", metavar="LEVEL", nargs="?"),
                 _arg("--format", choices=("text", "markdown", "json"), default="text")]),
    ("blame", [_arg("item", metavar="ITEM"), _arg("level", metavar="LEVEL", nargs="?"),
               _arg("--format", choices=("text", "json"), default="text")]),
    ("changelog", [_arg("--since", metavar="REF"), _arg("--format", choices=("markdown", "json"), default="markdown"),
                   _arg("--base-url", metavar="URL")]),
    ("release", [_arg("version", metavar="VERSION"), _arg("--out", metavar="DIR", type=Path, default=Path("dist")),
                 _arg("--tag", action="store_true"), _arg("--force", action="store_true"),
                 _arg("--base-url", metavar="URL")]),
    ("verify-release", [_arg("release", metavar="DIR"), _arg("--out", metavar="DIR", type=Path, default=Path("dist")),
                        _arg("--base-url", metavar="URL")]),
    ("init", [_arg("directory", metavar="DIR", type=Path), _arg("--from-sheet", metavar="FILE", type=Path,
                                                                       action="append")]),
    ("authorize", [_arg("--base", metavar="REF", required=True), _arg("--author", metavar="LOGIN", required=True)]),
    ("rules", [_arg("--format", choices=("text", "markdown"), default="text")]),
]


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="skillrepo", description="Keep a skills framework as a Git repository of data.")
    parser.add_argument("--version", action="version", version=f"skillrepo {__version__}")
    parser.add_argument("--repo", metavar="DIR", type=Path,
                        help="the framework repository (default: the one containing the current directory)")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    sub.required = True

    for name, arguments in _COMMANDS:
        texts = HELP[name]
        command = sub.add_parser(name, help=texts.summary, description=texts.summary, epilog=texts.epilog(),
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
        for names, options in arguments:
            action = command.add_argument(*names, **options)
            action.help = texts.arguments[action.dest]
    return parser


def _root(args: argparse.Namespace, reports_state: bool = False) -> Path:
    """The repository, with a write a killed command left finished or undone. A `.skillrepo/` the tool will
    not act on (tracked by git, a link, a journal not this machine's) is refused, unless `reports_state`:
    then check reports it as findings."""
    from skillrepo.documents import find_root

    if args.repo is not None and not args.repo.is_dir():
        raise UsageError(f"--repo {args.repo}: no such directory")
    root = find_root(args.repo if args.repo is not None else Path.cwd())
    if os.path.lexists(root / ".skillrepo"):  # a write was interrupted, or is under way, or a checkout brought it
        from skillrepo.locking import Unrecoverable, recover_if_idle
        from skillrepo.safepaths import UnsafePath

        try:
            recover_if_idle(root)
        except UnsafePath:
            if not reports_state:
                raise
        except Unrecoverable as exc:
            if not reports_state:
                raise
            sys.stderr.write(f"note: {exc}\n")
    return root


def _check(args: argparse.Namespace) -> int:
    from skillrepo.commands import check

    return check.run(_root(args, reports_state=True), args.format, args.strict, args.select, args.ignore,
                     not args.no_cache)


def _fmt(args: argparse.Namespace) -> int:
    from skillrepo.commands import fmt

    return fmt.run(_root(args), args.check, args.paths)


def _rules(args: argparse.Namespace) -> int:
    from skillrepo.commands import rules

    return rules.run(args.format)


def _new(args: argparse.Namespace) -> int:
    from skillrepo.commands import new

    return new.run(_root(args), args.title, args.applies_to, args.from_sheet)


def _import(args: argparse.Namespace) -> int:
    from skillrepo.commands import import_page

    return import_page.run(_root(args), args.page)


def _preview(args: argparse.Namespace) -> int:
    from skillrepo.commands import preview

    return preview.run(_root(args), args.cr, args.format)


def _apply(args: argparse.Namespace) -> int:
    from skillrepo.commands import apply

    return apply.run(_root(args), args.crs, args.dry_run, args.commit)


def _revert(args: argparse.Namespace) -> int:
    from skillrepo.commands import revert

    return revert.run(_root(args), args.cr, args.commit)


def _status(args: argparse.Namespace) -> int:
    from skillrepo.commands import status

    return status.run(_root(args), args.format)


def _verify(args: argparse.Namespace) -> int:
    from skillrepo.commands import verify

    return verify.run(_root(args), args.base)


def _history(args: argparse.Namespace) -> int:
    from skillrepo.commands import item_history

    return item_history.run(_root(args), args.item, args.level, args.format)


def _blame(args: argparse.Namespace) -> int:
    from skillrepo.commands import blame

    return blame.run(_root(args), args.item, args.level, args.format)


def _changelog(args: argparse.Namespace) -> int:
    from skillrepo.commands import changelog

    return changelog.run(_root(args), args.since, args.format, args.base_url)


def _release(args: argparse.Namespace) -> int:
    from skillrepo.commands import release

    return release.run(_root(args), args.version, args.out, args.tag, args.force, args.base_url)


def _verify_release(args: argparse.Namespace) -> int:
    from skillrepo.commands import verify_release

    return verify_release.run(_root(args), args.release, args.out, args.base_url)


def _init(args: argparse.Namespace) -> int:
    from skillrepo.commands import init

    return init.run(args.directory, args.from_sheet)


def _authorize(args: argparse.Namespace) -> int:
    from skillrepo.commands import authorize
    from skillrepo.documents import find_root

    # authorize reads commits only, and its checkout is a pull request's: whatever its .skillrepo/ holds is
    # never acted on (no recovery), only refused.
    if args.repo is not None and not args.repo.is_dir():
        raise UsageError(f"--repo {args.repo}: no such directory")
    return authorize.run(find_root(args.repo if args.repo is not None else Path.cwd()), args.base, args.author)


COMMANDS: dict[str, Callable[[argparse.Namespace], int]] = {
    "changelog": _changelog, "release": _release, "init": _init, "authorize": _authorize,
    "check": _check, "fmt": _fmt, "rules": _rules, "new": _new, "import": _import, "preview": _preview,
    "apply": _apply, "revert": _revert, "status": _status, "verify": _verify, "verify-release": _verify_release,
    "history": _history, "blame": _blame,
}


# Commands that write to the repository: one at a time, and never while a publisher reads it.
WRITERS = frozenset({"apply", "revert", "fmt", "new", "import", "release"})
# Commands that publish what they read: never while a writer is half way (alongside each other and other readers).
PUBLISHERS = frozenset({"changelog", "verify-release"})


def _refuse_non_utf8(argv: Sequence[str]) -> None:
    """Refuse an argument that is not UTF-8 (Python holds its bytes as lone surrogates): no title, path or id
    may carry bytes that no file, manifest or message can hold as text."""
    for n, arg in enumerate(argv, start=1):
        try:
            arg.encode("utf-8")
        except UnicodeEncodeError:
            from skillrepo.layout import printable_name

            raise UsageError(f"argument {n} ('{printable_name(arg)}') is not UTF-8 text; give every argument "
                             "as UTF-8") from None


# The exit status of a fault of the machine (no space, no permission, no memory), not of the data: 2, as a
# command that could not run; a user's mistake in the data exits 1.
MACHINE_FAULT = 2


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit status (0 ok, 1 problems found, 2 could not run)."""
    try:
        _refuse_non_utf8(sys.argv[1:] if argv is None else argv)
        args = _parser().parse_args(argv)
        if args.command in WRITERS or args.command in PUBLISHERS:
            from skillrepo.locking import exclusive, shared

            hold = exclusive if args.command in WRITERS else shared
            with hold(_root(args), " ".join(sys.argv[1:] if argv is None else argv)):
                return COMMANDS[args.command](args)
        return COMMANDS[args.command](args)
    except SkillrepoError as exc:
        sys.stderr.write(f"error: {exc}\n")
        return exc.exit_code
    except KeyboardInterrupt:
        sys.stderr.write("interrupted\n")
        return 130
    except BrokenPipeError:
        return 1
    except OSError as exc:  # a fault of the machine (a full disk, an immutable file); a writer undid its write
        sys.stderr.write(f"error: {describe_os_error(exc)}\n")
        return MACHINE_FAULT
    except MemoryError:
        sys.stderr.write("error: the repository does not fit in this machine's memory; run the command on a "
                         "machine with more memory (or raise the memory limit: ulimit -v)\n")
        return MACHINE_FAULT
    finally:
        if "skillrepo.history" in sys.modules:  # only commands that read the history load git
            sys.modules["skillrepo.history"].close_all()
