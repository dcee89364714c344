"""The one error base class; the entry point maps each kind to an exit code."""


class SkillrepoError(Exception):
    """A problem the user can fix; shown as one line, never as a traceback."""

    exit_code = 1


class UsageError(SkillrepoError):
    """The command could not run: bad arguments, no repository."""

    exit_code = 2
