"""The entry point: parse arguments, run one command, map errors to exit codes. Only this module knows argparse."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from skillrepo import __version__
from skillrepo.errors import SkillrepoError, UsageError


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        raise UsageError(f"{self.prog}: {message}")


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="skillrepo", description="Keep a skills framework as a Git repository of data.")
    parser.add_argument("--version", action="version", version=f"skillrepo {__version__}")
    parser.add_argument("--repo", metavar="DIR", type=Path,
                        help="the framework repository (default: the one containing the current directory)")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    sub.required = True

    check = sub.add_parser("check", help="check every file of the repository; exit 1 on errors")
    check.add_argument("paths", nargs="*", metavar="PATH",
                       help="accepted (as the commit hook passes them) but the whole repository is always checked")
    check.add_argument("--format", choices=("text", "json", "github"), default="text")
    check.add_argument("--strict", action="store_true", help="warnings fail the check too")

    fmt = sub.add_parser("fmt", help="rewrite files under framework/ in their canonical formatting")
    fmt.add_argument("paths", nargs="*", metavar="PATH", help="accepted; every framework file is formatted")
    fmt.add_argument("--check", action="store_true", help="write nothing; exit 1 if a file needs formatting")

    rules = sub.add_parser("rules", help="list every check code with its summary")
    rules.add_argument("--format", choices=("text", "markdown"), default="text")
    return parser


def _root(args: argparse.Namespace) -> Path:
    from skillrepo.documents import find_root

    if args.repo is not None:
        if not args.repo.is_dir():
            raise UsageError(f"--repo {args.repo}: no such directory")
        return find_root(args.repo)
    return find_root(Path.cwd())


def _check(args: argparse.Namespace) -> int:
    from skillrepo.commands import check

    return check.run(_root(args), args.format, args.strict)


def _fmt(args: argparse.Namespace) -> int:
    from skillrepo.commands import fmt

    return fmt.run(_root(args), args.check)


def _rules(args: argparse.Namespace) -> int:
    from skillrepo.commands import rules

    return rules.run(args.format)


COMMANDS: dict[str, Callable[[argparse.Namespace], int]] = {"check": _check, "fmt": _fmt, "rules": _rules}


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit status (0 ok, 1 problems found, 2 could not run)."""
    try:
        args = _parser().parse_args(argv)
        return COMMANDS[args.command](args)
    except SkillrepoError as exc:
        sys.stderr.write(f"error: {exc}\n")
        return exc.exit_code
    except KeyboardInterrupt:
        sys.stderr.write("interrupted\n")
        return 130
    except BrokenPipeError:
        return 1
