"""Keep a skills framework as a Git repository of data: strict checks, change requests, releases."""

__version__ = "0.1.0"
