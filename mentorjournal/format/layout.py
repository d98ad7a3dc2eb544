"""Where a journal's files are: its root, its Markdown files, what kind each one is.

Only ``os`` is imported here: the fast paths (``mj status``, the pre-commit check)
start with this module, and every import costs milliseconds at every run.
"""

from __future__ import annotations

import os
import stat
import time

# Not typing.TYPE_CHECKING: importing typing costs more than this whole module.
TYPE_CHECKING = False

if TYPE_CHECKING:
    from mentorjournal.model import Kind

AGREEMENT = "agreement.md"
MAX_BYTES = 1024 * 1024
SKIP_DIRS = frozenset({"node_modules", "__pycache__"})
_SESSION_DIRS = ("sessions/", "private/sessions/")
_GOAL_DIRS = ("goals/", "private/goals/")


def kind_for_path(path: str) -> Kind:
    """Where a file lives decides what it is; anything else is "other"."""
    if path == AGREEMENT:
        return "agreement"
    for prefixes, kind in ((_SESSION_DIRS, "session"), (_GOAL_DIRS, "goal")):
        for directory in prefixes:
            rest = path.removeprefix(directory)
            if rest != path and "/" not in rest and rest.endswith(".md"):
                return kind  # type: ignore[return-value]
    return "other"


def is_candidate(path: str, data: bytes) -> bool:
    """Files outside the known folders count only when their front matter has ``type:``
    (before its closing fence: one in the body, a YAML example, is no key of it)."""
    if kind_for_path(path) != "other":
        return True
    head = data[:4096].lstrip(b"\xef\xbb\xbf")
    front = head.split(b"\n---", 1)[0].split(b"\n...", 1)[0]
    return head.startswith(b"---") and b"\ntype:" in front


def read_head(path: str) -> bytes | None:
    """At most MAX_BYTES + 1 bytes of a regular file (None for FIFOs and the like)."""
    try:
        # O_NONBLOCK: opening a FIFO must not wait for a writer.
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    except OSError:
        return None
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            return None
        os.set_blocking(fd, True)
        chunks = []
        wanted = MAX_BYTES + 1
        while wanted > 0 and (chunk := os.read(fd, wanted)):
            chunks.append(chunk)
            wanted -= len(chunk)
        return b"".join(chunks)
    except OSError:
        return None
    finally:
        os.close(fd)


def why_unreadable(path: str) -> str:
    """Why ``read_head`` found nothing to read at ``path``, in a user's words."""
    if os.path.isdir(path):
        return "a folder, not a file"
    if not os.path.exists(path):
        return (
            f"a symlink to {os.readlink(path)}, which does not exist"
            if os.path.islink(path)
            else "it does not exist"
        )
    if not os.path.isfile(path):
        return "not a regular file (a pipe or a device)"
    return "no permission to read it" if not os.access(path, os.R_OK) else "it changed meanwhile"


def is_editor_temp(name: str) -> bool:
    """A lock, swap or backup file an editor keeps beside a note, never a journal file:
    Emacs ``.#n.md`` (a symlink) and ``#n.md#``, vim ``.n.md.swp``/``.swo`` and its
    write test ``4913``, and ``n.md~``."""
    return (
        name.startswith(".#")
        or (name.startswith("#") and name.endswith("#"))
        or name.endswith("~")
        or (name.startswith(".") and name[-4:-1] == ".sw")
        or name.isdigit()
    )


def write_refusal(root: str, path: str) -> str | None:
    """Why mj must not write ``path`` for the journal at ``root``; None when it may.

    The path must lie inside the journal, and no folder on the way (nor the file
    itself) may be a symlink: a link committed by someone else could make a write
    land anywhere on this computer.
    """
    top = os.path.abspath(root)
    relative = os.path.relpath(os.path.abspath(path), top)
    if relative in (os.curdir, os.pardir) or relative.startswith(os.pardir + os.sep):
        return f"{path} is outside the journal at {root}; mj writes only inside it"
    current = top
    for part in relative.split(os.sep):
        current = os.path.join(current, part)
        try:
            if not stat.S_ISLNK(os.lstat(current).st_mode):
                continue
        except FileNotFoundError:
            return None  # what is missing is created as real folders
        except OSError as exc:
            return f"{current} cannot be used: {exc.strerror}"
        shown = os.path.relpath(current, top)
        return (
            f"{shown} is a symlink (to {os.readlink(current)}); mj never writes through "
            "a symlink, so nothing lands outside the journal. Replace it with a real "
            f"{'folder' if current != os.path.abspath(path) else 'file'}, then retry."
        )
    return None


def in_journal(root: str, path: str) -> bool:
    """Index paths under ``root`` that are not inside a nested journal."""
    parts = path.split("/")
    for depth in range(1, len(parts) - 1):
        if os.path.exists(os.path.join(root, *parts[:depth], AGREEMENT)):
            return False
    return not any(part.startswith(".") for part in parts[:-1]) or kind_for_path(path) != "other"


def find_root(start: str) -> str | None:
    """The nearest directory at or above ``start`` holding agreement.md."""
    directory = os.path.realpath(start)
    while True:
        if os.path.isfile(os.path.join(directory, AGREEMENT)):
            return directory
        parent = os.path.dirname(directory)
        if parent == directory:
            return None
        directory = parent


def journal_root(start: str) -> str:
    """``find_root``, or NoJournalError saying how to start a journal."""
    found = find_root(start)
    if found is None:
        from mentorjournal.errors import NoJournalError

        where = os.path.realpath(start)
        raise NoJournalError(f"no agreement.md found in {where} or any parent; run `mj init`")
    return found


def _mtime(path: str) -> int | None:
    try:
        return os.stat(path).st_mtime_ns
    except OSError:
        return None


class Listing:
    """The Markdown files of a journal, and what is needed to tell when that changes.

    ``dirs`` maps each folder looked at (journal-relative, "" for the root) to its
    mtime: creating, deleting or renaming a file changes its folder's mtime, so an
    unchanged folder need not be listed again. ``started_ns`` is the clock when the
    walk began; a folder modified within ``RACY_NS`` of it may change again without
    its mtime moving (coarse file-system clocks), so it is never trusted.
    """

    RACY_NS = 2_000_000_000

    __slots__ = ("dirs", "outside", "paths", "started_ns")

    def __init__(
        self,
        paths: list[str],
        outside: list[tuple[str, str]],
        dirs: dict[str, int],
        started_ns: int,
    ) -> None:
        self.paths = paths
        # Symlinks pointing outside the journal: (path, resolved target).
        self.outside = outside
        self.dirs = dirs
        self.started_ns = started_ns

    def still_valid(self, root: str) -> bool:
        """True when no folder of the journal can have gained or lost a file since."""
        limit = self.started_ns - self.RACY_NS
        for relative, mtime in self.dirs.items():
            try:
                current = os.stat(os.path.join(root, relative)).st_mtime_ns
            except OSError:
                return False
            if current != mtime or current >= limit:
                return False
        return True


def list_journal(root: str) -> Listing:
    """Every Markdown file mj reads in the journal at ``root`` (sorted), by ``os.scandir``.

    Hidden folders, node_modules and folders holding their own agreement.md (another
    journal, as in pairs/*/) are not entered. Listing 10,000 sessions costs no stat
    call per file.
    """
    started = time.time_ns()
    found: list[str] = []
    outside: list[tuple[str, str]] = []
    dirs: dict[str, int] = {}
    root_real = os.path.realpath(root)
    pending = [""]
    while pending:
        prefix = pending.pop()
        directory = os.path.join(root, prefix) if prefix else root
        try:
            dirs[prefix] = os.stat(directory).st_mtime_ns
            entries = list(os.scandir(directory))
        except OSError:
            continue
        for entry in entries:
            name = entry.name
            if entry.is_dir(follow_symlinks=False):
                if name.startswith(".") or name in SKIP_DIRS:
                    continue
                if os.path.exists(os.path.join(entry.path, AGREEMENT)):
                    # Another journal: only watch whether it stays one.
                    mtime = _mtime(entry.path)
                    if mtime is not None:
                        dirs[prefix + name] = mtime
                    continue
                if name.endswith(".md") and kind_for_path(prefix + name) != "other":
                    found.append(prefix + name)  # a folder named like a note: a finding
                    continue
                pending.append(f"{prefix}{name}/")
                continue
            if entry.is_symlink() and kind_for_path(f"{prefix}{name}/n.md") != "other":
                # A symlinked sessions/ or goals/: its notes would be another folder's.
                outside.append((f"{prefix}{name}/", os.path.realpath(entry.path)))
                continue
            # An editor's file ending in .md starts with "." or "#" (is_editor_temp).
            if not name.endswith(".md") or (name[0] in ".#" and is_editor_temp(name)):
                continue
            relative = prefix + name
            if entry.is_symlink():
                target = os.path.realpath(entry.path)
                inside = target.startswith(root_real + os.sep)
                # Nor into what the walk never enters (.git/config: a pushed link there
                # would show this clone's remotes and tokens as a note).
                folders = target[len(root_real) + 1 :].split(os.sep)[:-1] if inside else []
                hidden = any(p[:1] == "." or p in SKIP_DIRS for p in folders)
                private = folders[:1] == ["private"] and not relative.startswith("private/")
                if not inside or hidden or private:  # a shared path into private/: no
                    outside.append((relative, target))
                    continue
            found.append(relative)
    found.sort()
    outside.sort()
    return Listing(found, outside, {key.rstrip("/"): value for key, value in dirs.items()}, started)


# A journal's own note folders: never searched for journals nested in them.
_NOTE_DIRS = frozenset({"sessions", "goals", "private"})
_ORPHANED = frozenset({"sessions", "goals"})  # a folder with these is a journal's


def find_journals(directory: str, max_depth: int | None = None) -> Listing:
    """Every journal at or under ``directory`` (a program: pairs/*/), as a Listing of
    their roots relative to it ("." for ``directory`` itself), sorted.

    Hidden folders, node_modules and a journal's sessions/, goals/ and private/ are
    not searched; ``dirs`` holds every folder looked at, so that an unchanged Listing
    says no journal came or went. ``max_depth`` limits how deep (1: direct children).
    ``outside`` names the folders below, in no journal, whose sessions/ or goals/ hold
    a note (``_holds_notes``) but no agreement.md (one deleted, say): their notes
    belong to no journal; and symlinks to a journal elsewhere, which are not followed.
    """
    started = time.time_ns()
    found: list[str] = []
    orphans: list[tuple[str, str]] = []
    dirs: dict[str, int] = {}
    pending: list[tuple[str, int, bool]] = [("", 0, False)]
    while pending:
        prefix, depth, inside = pending.pop()
        folder = os.path.join(directory, prefix) if prefix else directory
        try:
            dirs[prefix.rstrip("/")] = os.stat(folder).st_mtime_ns
            entries = list(os.scandir(folder))
        except OSError:
            continue
        journal = any(entry.name == AGREEMENT and entry.is_file() for entry in entries)
        if journal:
            found.append(prefix.rstrip("/") or ".")
        elif not inside and _holds_notes(entries, dirs, prefix):
            lost = prefix.rstrip("/")
            if lost.rpartition("/")[2] == "private":  # a pair's private/sessions/: the pair
                lost = lost.rpartition("/")[0]
            if lost:
                orphans.append((lost, "no agreement.md"))
        if max_depth is not None and depth >= max_depth:
            continue
        for entry in entries:
            name = entry.name
            if name.startswith(".") or name in SKIP_DIRS or (journal and name in _NOTE_DIRS):
                continue
            if entry.is_dir(follow_symlinks=False):
                pending.append((f"{prefix}{name}/", depth + 1, inside or journal))
            elif not (inside or journal) and entry.is_symlink():  # a pair linked in: not read
                linked = os.path.isfile(os.path.join(entry.path, AGREEMENT))
                orphans += [(f"{prefix}{name}", "symlink")] if linked else []
    found.sort()
    return Listing(found, sorted(set(orphans)), dirs, started)


def _holds_notes(entries: list[os.DirEntry[str]], dirs: dict[str, int], prefix: str) -> bool:
    """Whether a sessions/ or goals/ among ``entries`` holds a note: Markdown opening
    with front matter, as every note mj writes does (docs/sessions/slides.md is no
    lost pair's). The folders looked in join ``dirs``: a note added there is seen."""
    for folder in entries:
        if folder.name not in _ORPHANED or not folder.is_dir(follow_symlinks=False):
            continue
        try:
            dirs[prefix + folder.name] = os.stat(folder.path).st_mtime_ns
            notes = [entry.path for entry in os.scandir(folder.path) if entry.name.endswith(".md")]
        except OSError:
            continue
        for path in notes:
            if (read_head(path) or b"").lstrip(b"\xef\xbb\xbf").startswith(b"---"):
                return True
    return False
