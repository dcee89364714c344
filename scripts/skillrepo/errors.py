"""The one error base class; the entry point maps each kind to an exit code."""

import errno
import os


class SkillrepoError(Exception):
    """A problem the user can fix; shown as one line, never as a traceback."""

    exit_code = 1


class UsageError(SkillrepoError):
    """The command could not run: bad arguments, no repository."""

    exit_code = 2


def advice(exc: OSError) -> str:
    """What to do about a failed read or write, by its kind."""
    if exc.errno in (errno.ENOSPC, errno.EDQUOT, errno.EFBIG):
        return "free some space (or raise the limit on file size) and run the command again"
    if exc.errno in (errno.EACCES, errno.EPERM):
        return "make it writable (an immutable file: chattr -i) and run the command again"
    if exc.errno == errno.EROFS:
        return "the file system is read-only: run the command where it can write"
    if exc.errno == errno.ENOMEM:
        return "the system is out of memory: close other programs or use a larger machine"
    return "fix that and run the command again"


def describe_os_error(exc: OSError) -> str:
    """An OSError as one line: the path(s), what failed and what to do."""
    names = [name for name in (exc.filename, exc.filename2) if name is not None and not isinstance(name, int)]
    shown = " -> ".join(_printable(os.fsdecode(name)) for name in names)
    what = exc.strerror or _printable(str(exc)) or type(exc).__name__
    return f"{shown + ': ' if shown else ''}{what}; {advice(exc)}"


def _printable(text: str) -> str:
    from skillrepo.layout import printable_name  # layout imports this module

    return printable_name(text)
