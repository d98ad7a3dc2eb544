"""What a journal holds now, by path and blob id, before any record is unpacked.

A survey lists the journal's files and asks git once (``git ls-files -s`` for the
index's blob ids, ``git status`` for the files that differ from it, which are read
and hashed here); the store (``store.py``) then gives each file's record by
``path + side + blob id``. It also finds what no record can say: symlinks and
private notes in the index, notes in conflict, unreadable files.
"""

from __future__ import annotations

import functools
import os
import re
from pathlib import Path
from typing import TYPE_CHECKING

from mentorjournal.digest import blob_id
from mentorjournal.format import layout
from mentorjournal.index import gitstate

if TYPE_CHECKING:
    from mentorjournal.model import Finding


class Survey:
    """What the journal holds now, by path and blob id, before any record is unpacked."""

    __slots__ = (
        "blobs",
        "checksum",
        "contents",
        "current_blobs",
        "findings",
        "git_dir",
        "in_git",
        "keys",
        "listing",
        "rekeyed",
        "started_ns",
    )

    def __init__(self) -> None:
        self.findings: list[Finding] = []
        # Path -> blob id of the bytes a record is (to be) parsed from.
        self.current_blobs: dict[str, str] = {}
        # Bytes already read while hashing working-tree changes.
        self.contents: dict[str, bytes] = {}
        self.blobs: dict[str, str] = {}
        self.listing: layout.Listing | None = None
        self.checksum: bytes | None = None
        self.in_git = False
        self.git_dir: str | None = None
        self.keys: dict[str, str] = {}
        # When git was asked (0: unknown): what git said holds for bytes older than this.
        self.started_ns = 0
        # True once a read found a file other than git said, and ``keys`` changed.
        self.rekeyed = False


def take_survey(root: Path, staged: bool, given: tuple[bytes, bytes] | None = None) -> Survey:
    import time

    found = Survey()
    found.started_ns = 0 if given else time.time_ns()  # given: git answered earlier
    location = gitstate.git_location(str(root))
    found.checksum = gitstate.index_checksum(location[1]) if location else None
    found.git_dir = location[0] if location else None
    ls_files = status = None
    if location and given is None:
        ls_files = gitstate.ls_files(str(root))
        status = None if staged else gitstate.changed_files(str(root))
    listing = found.listing = None if staged else layout.list_journal(str(root))

    blobs: dict[str, str] = {}
    links: dict[str, str] = {}
    changed: set[str] = set()
    unmerged: set[str] = set()
    in_git = False
    if ls_files is not None or (location and given is not None):
        listed, changed_raw = given or (
            ls_files.output() if ls_files else None,
            status.output() if status is not None else b"",
        )
        if listed is not None and changed_raw is not None and location:
            in_git = True
            blobs = gitstate.parse_ls_files(listed)
            if staged:
                links = gitstate.parse_ls_files(listed, links=True)
                unmerged = gitstate.unmerged(listed)
            changed = gitstate.parse_status(changed_raw, str(root), location[2])
            if not staged:
                clean = layout.AGREEMENT in blobs and layout.AGREEMENT not in changed
                gitstate.refresh_if_stale(str(root), location[1], clean)

    current_blobs = found.current_blobs
    to_read: list[str] = []
    if staged:
        if not in_git:
            from mentorjournal.errors import MjError

            if location:  # a repository whose index git cannot read: git's words say why
                from mentorjournal.git.gitrepo import _run

                _run(root, ["ls-files", "--stage"])
            raise MjError(f"--staged needs a git repository, and {root} is not in one")
        for path, blob in blobs.items():
            if path.endswith(".md") and layout.in_journal(str(root), path):
                current_blobs[path] = blob
        found.findings = _staged_links(root, links)
        found.findings += _unmerged_notes(root, unmerged)
        found.findings += _staged_private(root, blobs)
    else:
        assert listing is not None
        from mentorjournal.journal import outside_findings

        found.findings = outside_findings(listing)
        converts = in_git and location is not None and may_convert(str(root), location)
        for path in listing.paths:
            if path in blobs and path not in changed and not converts:
                current_blobs[path] = blobs[path]
            else:
                to_read.append(path)

    # Working-tree files that differ from the index (or may, under a conversion): hash
    # their bytes.
    for path in to_read:
        data = layout.read_head(str(root / path))
        if data is None:
            if layout.kind_for_path(path) != "other":
                from mentorjournal.model import Finding

                why = layout.why_unreadable(str(root / path))
                message = f"cannot be read: {why}; mj skips it"
                found.findings.append(Finding(path, 1, 1, "error", "unreadable", message))
            continue
        found.contents[path] = data
        current_blobs[path] = blob_id(data)
    # Index bytes and working-tree bytes of one blob can differ (core.autocrlf and
    # other filters): their records are kept apart.
    side = "index" if staged else "worktree"
    found.keys = {path: f"{path}\0{side}\0{blob}" for path, blob in current_blobs.items()}
    found.blobs, found.in_git = blobs, in_git
    return found


# A bare `autocrlf` line means true, as any boolean key does in git's config.
_CONVERTING = re.compile(
    r"^\s*(?:core\.)?(?:autocrlf\s*$|(?:autocrlf|eol)\s*=\s*(?:true|input|yes|on|1|crlf)\b)", re.M
)
_INCLUDED = re.compile(r'^\s*path\s*=\s*"?([^"\n]*?)"?\s*$', re.M)  # [include], [includeIf]
_ATTRIBUTES = re.compile(r'^\s*attributesfile\s*=\s*"?([^"\n]*?)"?\s*$', re.M | re.I)
_CONVERTED = re.compile(r"^[^#\n]*\s-?(?:text|eol|crlf|filter|ident|working-tree-encoding)\b", re.M)


def may_convert(root: str, location: tuple[str, str, str]) -> bool:
    """Whether git may write a clean file with other bytes than its blob's (core.autocrlf,
    core.eol, or a text, eol, filter... attribute): then a clean note is keyed by its
    own bytes, not its index blob, or a note checked out again with CRLF (`autocrlf`
    set meanwhile) would keep the record of its LF bytes. Reads a few small files;
    the configs once while they stay as they were (``_configured``)."""
    from mentorjournal.git.setupcheck import _global_configs, _text

    common, top = Path(location[0]), Path(location[2])
    paths = [str(common / "config"), *_global_configs()]
    if not os.environ.get("GIT_CONFIG_NOSYSTEM"):
        paths.append(os.environ.get("GIT_CONFIG_SYSTEM") or "/etc/gitconfig")
    count = os.environ.get("GIT_CONFIG_COUNT", "")
    for n in range(int(count) if count.isdigit() else 0):  # `git -c` and GIT_CONFIG_*
        key, value = (os.environ.get(f"GIT_CONFIG_{part}_{n}") for part in ("KEY", "VALUE"))
        if _CONVERTING.search(f"{key} = {value}".lower()):
            return True
    converts, named = _configured(tuple(paths), tuple(map(_stamp, paths)))
    if converts:
        return True
    folders = [Path(root, "sessions"), Path(root, "goals"), *Path(root).parents, Path(root)]
    files = [folder / ".gitattributes" for folder in folders if folder.is_relative_to(top)]
    files += [common / "info" / "attributes", *named]
    return any(_CONVERTED.search(_text(str(f))) for f in files)


def _stamp(path: str) -> int | None:
    try:
        return Path(path).stat().st_mtime_ns
    except OSError:
        return None


@functools.lru_cache(maxsize=8)
def _configured(
    configs_read: tuple[str, ...], stamps: tuple[int | None, ...]
) -> tuple[bool, tuple[Path, ...]]:
    """Whether the configs git reads (and the files they include, whatever the
    condition) set a conversion; and the attributes files they name
    (``core.attributesFile``, else git's default one). Read again when one of
    ``configs_read`` changed (``stamps``): a program's 500 pairs share one reading."""
    from mentorjournal.git.setupcheck import _text

    paths = list(configs_read)
    configs: list[str] = []
    while paths and len(configs) < 16:
        path = paths.pop()
        configs.append(_text(path))
        included = _INCLUDED.findall(configs[-1])
        paths += [str(Path(path).parent / Path(p).expanduser()) for p in included]
    if any(_CONVERTING.search(text.lower()) for text in configs):
        return True, ()
    xdg = Path(os.environ.get("XDG_CONFIG_HOME") or Path("~/.config").expanduser())
    named = [Path(p).expanduser() for text in configs for p in _ATTRIBUTES.findall(text)]
    return False, tuple(named or [xdg / "git" / "attributes"])


def _staged_links(root: Path, links: dict[str, str]) -> list[Finding]:
    """Staged symlinks of the journal (notes, or the folders notes live in) are errors:
    one resolves elsewhere on the other person's computer, or lets a write land
    outside the journal."""
    from mentorjournal.git import gitrepo
    from mentorjournal.model import Finding

    notes = {
        p: b
        for p, b in links.items()
        if layout.in_journal(str(root), p)
        and (p.endswith(".md") or layout.kind_for_path(p + "/n.md") != "other")
    }
    targets = gitrepo.read_blobs(root, sorted(set(notes.values())))
    findings = []
    for path, blob in sorted(notes.items()):
        target = targets.get(blob, b"").decode("utf-8", "surrogateescape")
        message = (
            f"a symlink (to {target}) is staged: a shared journal holds real files only; "
            f"unstage it with `git rm --cached -- {path}`"
        )
        findings.append(Finding(path, 1, 1, "error", "symlink-staged", message))
    return findings


def _staged_private(root: Path, blobs: dict[str, str]) -> list[Finding]:
    """A file under private/ in the index would be shared by the next commit or push."""
    from mentorjournal.model import Finding

    said = (
        "a private note is in the index: private/ notes are one person's and are never "
        "shared; unstage it (the file stays) with `git rm --cached -- {}`"
    )
    return [
        Finding(path, 1, 1, "error", "private-staged", said.format(path))
        for path in sorted(blobs)
        if path.startswith("private/") and layout.in_journal(str(root), path)
    ]


def _unmerged_notes(root: Path, unmerged: set[str]) -> list[Finding]:
    """A note git holds in conflict stages has no version to commit yet."""
    from mentorjournal.model import Finding

    message = "unresolved merge conflict: resolve it, then `git add` the file"
    return [
        Finding(path, 1, 1, "error", "conflict-marker", message)
        for path in sorted(unmerged)
        if path.endswith(".md") and layout.in_journal(str(root), path)
    ]
