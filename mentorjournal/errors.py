"""The one exception a user sees: the tool cannot go on, and the message says why."""

from __future__ import annotations


class MjError(Exception):
    """A refused or impossible operation; the message tells the user what to do next."""


class UsageError(MjError):
    """An option or argument that cannot be right (a malformed id, --since after
    --until): exit code 2, as for click's own usage errors."""


class NoJournalError(MjError):
    """No agreement.md in the directory or any parent."""


class ChangedMeanwhileError(MjError):
    """A file changed between mj reading it and writing it; nothing was written."""
