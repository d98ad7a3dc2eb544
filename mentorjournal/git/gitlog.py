"""The history git keeps: commits that touched a path, and the files each one changed.

Read NUL-separated, so no byte a person can put in a name or a subject acts as a
separator; dates are read raw (`%aI` fails on a date before 1970 in its zone).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from mentorjournal.errors import MjError
from mentorjournal.git.gitrepo import _run, head_commit

__all__ = ["CommitInfo", "FileChange", "log_file_changes", "log_for_path"]

_SHA = re.compile(r"[0-9a-f]{40}([0-9a-f]{24})?")


# Whatever the user's config says (log.follow, log.showSignature), print only the format.
_PLAIN_LOG = ("--no-color", "--no-follow", "--no-show-signature")


@dataclass(frozen=True)
class CommitInfo:
    """One commit touching a path, as `mj history` lists it."""

    sha: str
    author_name: str
    author_email: str
    # Author date, strict ISO 8601 with offset (`git log %aI`).
    date: str
    subject: str


@dataclass(frozen=True)
class FileChange:
    """One file a commit changed: its blob before and after (None: added or deleted)."""

    path: str
    before: str | None
    after: str | None


def log_for_path(repo: Path, path: str) -> list[CommitInfo]:
    """Commits that changed `path` (relative to `repo`), newest first."""
    args = ["log", "-z", "--date=raw", "--format=%H%x00%an%x00%ae%x00%ad%x00%s", *_PLAIN_LOG]
    if head_commit(repo) is None:
        return []  # an unborn branch has no history yet
    raw = _run(repo, [*args, "--", path]).stdout.removesuffix(b"\0")
    fields = raw.decode("utf-8", "replace").split("\0") if raw else []
    records = [fields[start : start + 5] for start in range(0, len(fields), 5)]
    if any(len(record) != 5 or not _SHA.fullmatch(record[0]) for record in records):
        raise MjError(f"git log printed what mj cannot read in {repo}; run `git fsck`")
    return [
        CommitInfo(sha, name, email, _iso(date), subject)
        for sha, name, email, date, subject in records
    ]


def _iso(raw: str) -> str:
    """git's raw date ("1700000000 +0100") as strict ISO 8601 with its offset."""
    import datetime as dt

    seconds, _, zone = raw.partition(" ")
    try:
        sign = -1 if zone.startswith("-") else 1
        offset = dt.timedelta(hours=int(zone[1:3]), minutes=int(zone[3:5])) * sign
        when = dt.datetime.fromtimestamp(int(seconds), dt.timezone(offset))
    except (ValueError, OverflowError, OSError):
        return "1970-01-01T00:00:00+00:00"  # a date git itself cannot show
    return when.isoformat()


def log_file_changes(repo: Path, path: str) -> list[tuple[str, tuple[FileChange, ...]]]:
    """(commit sha, the files it changed under `path`) newest first; paths relative to
    `repo`, with the blob ids before and after, so no file name is ever sent back to git.

    Merge commits list no files (their changes are told by the commits merged).
    """
    if head_commit(repo) is None:
        return []
    fields = ["-z", "--format=%x00%H", "--raw", "--no-abbrev", "--no-renames", "--relative"]
    raw = _run(repo, ["log", *fields, *_PLAIN_LOG, "--", path]).stdout
    found: list[tuple[str, list[FileChange]]] = []
    tokens = iter(raw.split(b"\0"))
    for token in tokens:
        if token.startswith((b":", b"\n:")):
            # ":old-mode new-mode old-blob new-blob status", then the path as its own token
            name = next(tokens, b"").decode("utf-8", "replace")
            fields = token.decode("ascii").split(" ")
            if len(fields) == 5 and found:  # not a merge's combined "::" line
                old, new = (None if blob.strip("0") == "" else blob for blob in fields[2:4])
                found[-1][1].append(FileChange(name, old, new))
        elif token:
            found.append((token.decode("ascii"), []))
    return [(sha, tuple(changes)) for sha, changes in found]
