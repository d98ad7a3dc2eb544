"""A parse cache keyed by git blob id: only files that changed are read and parsed again.

What a file parses to (and its schema findings) depends only on its path and bytes,
so the cache maps ``path + blob id`` to the packed result. Freshness comes from git
itself: ``git ls-files -s`` gives the blob id of every tracked file and
``git status`` names the few that differ from the index (those are hashed here).
Renames back and reverts hit the cache. Outside git every file is read and hashed.

The cache is an optimisation, never a source of truth: a missing, corrupt or
foreign cache is rebuilt silently, and the results are the same without it.
Bodies of goals and sessions are not stored (a 10,000-session journal would
otherwise load 40 MB per run); commands that need bodies load without the cache.
"""

from __future__ import annotations

import gc
import hashlib
import marshal
import os
import subprocess
import sys
import time
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from mentorjournal import __version__
from mentorjournal.document import parse_document
from mentorjournal.journal import assemble, journal_paths, read_head
from mentorjournal.model import ActionItem, Document, Finding, Journal
from mentorjournal.walk import is_candidate, kind_for_path

FORMAT = 1
# Below this many misses, parsing in this process beats starting workers.
PARALLEL_THRESHOLD = 400

Packed = tuple[Any, ...]


def blob_id(data: bytes) -> str:
    """The id git gives these bytes as a blob."""
    return hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest()


def _fingerprint() -> str:
    """Changes whenever the code or schemas that decide a parse result change."""
    here = Path(__file__).parent
    parts = [__version__, str(FORMAT)]
    from mentorjournal.schemas import schema_dir

    watched = [here / name for name in ("document.py", "items.py", "yamldata.py", "validate.py")]
    watched += sorted(schema_dir().glob("*.schema.json"))
    for path in watched:
        try:
            stat = path.stat()
        except OSError:
            continue
        parts.append(f"{path.name}:{stat.st_size}:{stat.st_mtime_ns}")
    return hashlib.sha1("|".join(parts).encode()).hexdigest()


# ---------------------------------------------------------------- packing


def pack(doc: Document) -> Packed:
    keep_body = doc.kind == "agreement" or doc.kind == "other"
    return (
        doc.kind,
        dict(doc.meta),
        dict(doc.positions),
        doc.body if keep_body else "",
        doc.body_line,
        tuple(
            (
                i.line,
                i.state,
                i.text,
                i.owners,
                i.due,
                i.done,
                i.hashtags,
                i.id,
                i.key,
                i.explicit_id,
                i.depth,
                i.owner_columns,
            )
            for i in doc.items
        ),
        tuple((f.line, f.column, f.severity, f.code, f.message) for f in doc.findings),
        doc.private,
        doc.parsed,
    )


def unpack(path: str, packed: Packed) -> Document:
    kind, meta, positions, body, body_line, items, findings, private, parsed = packed
    return Document(
        path=path,
        kind=kind,
        meta=meta,
        positions=positions,
        body=body,
        body_line=body_line,
        items=tuple(
            ActionItem(
                path=path,
                line=i[0],
                state=i[1],
                text=i[2],
                owners=i[3],
                due=i[4],
                done=i[5],
                hashtags=i[6],
                id=i[7],
                key=i[8],
                explicit_id=i[9],
                depth=i[10],
                owner_columns=i[11],
            )
            for i in items
        ),
        findings=tuple(Finding(path, *f) for f in findings),
        private=private,
        parsed=parsed,
        checked=True,
    )


def parse_and_check(path: str, data: bytes) -> Packed:
    """Parse one file and run its own schema checks: everything that is a function of it."""
    from dataclasses import replace

    from mentorjournal.validate import check_document

    doc = parse_document(path, data)
    doc = replace(doc, findings=(*doc.findings, *check_document(doc)), checked=True)
    return pack(doc)


def _parse_many(jobs: list[tuple[str, bytes]]) -> list[Packed]:
    return [parse_and_check(path, data) for path, data in jobs]


# ---------------------------------------------------------------- storage


def _git_dir(root: Path) -> Path | None:
    """The repository's git directory, found without starting git (worktrees included)."""
    found = _git_location(root)
    return found[0] if found else None


def _git_location(root: Path) -> tuple[Path, Path] | None:
    """(git directory, top of the work tree), or None outside git."""
    for directory in (root, *root.parents):
        dot_git = directory / ".git"
        if dot_git.is_dir():
            return dot_git, directory
        if dot_git.is_file():
            text = dot_git.read_text(encoding="utf-8", errors="replace").strip()
            if text.startswith("gitdir:"):
                gitdir = Path(text.removeprefix("gitdir:").strip())
                gitdir = gitdir if gitdir.is_absolute() else directory / gitdir
                common = gitdir / "commondir"
                if common.is_file():
                    return (gitdir / common.read_text().strip()).resolve(), directory
                return gitdir, directory
    return None


def cache_file(root: Path, git_dir: Path | None) -> Path:
    key = hashlib.sha1(str(root.resolve()).encode()).hexdigest()[:16]
    if git_dir is not None:
        return git_dir / "mentorjournal" / f"cache-{key}.marshal"
    base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return base / "mentorjournal" / f"cache-{key}.marshal"


def _read_cache(path: Path, fingerprint: str) -> dict[str, Packed]:
    try:
        loaded = marshal.loads(path.read_bytes())
    except (OSError, EOFError, ValueError, TypeError):
        return {}
    if (
        not isinstance(loaded, tuple)
        or len(loaded) != 2
        or loaded[0] != fingerprint
        or not isinstance(loaded[1], dict)
    ):
        return {}
    entries: dict[str, Packed] = loaded[1]
    return entries


def _write_cache(path: Path, fingerprint: str, entries: dict[str, Packed]) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        temp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
        temp.write_bytes(marshal.dumps((fingerprint, entries)))
        os.replace(temp, path)
    except (OSError, ValueError):
        pass  # a cache that cannot be written only costs speed


# ---------------------------------------------------------------- freshness


def _git_blob_ids(root: Path, staged: bool, top: Path) -> tuple[dict[str, str], set[str]] | None:
    """Index blob ids under ``root`` and the paths whose working copy differs (None: no git)."""
    base = ["git", "-c", "core.quotepath=off", "--no-optional-locks", "-C", str(root)]
    try:
        ls_files = subprocess.Popen(
            [*base, "ls-files", "-s", "-z", "--", "."],
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
        )
        status = None
        if not staged:
            status = subprocess.Popen(
                [
                    *base,
                    "status",
                    "--porcelain=v1",
                    "-z",
                    "--untracked-files=all",
                    "--ignored=no",
                    "--",
                    ".",
                ],
                stdout=subprocess.PIPE,
                stderr=subprocess.DEVNULL,
            )
        listed, _ = ls_files.communicate()
        changed_raw = status.communicate()[0] if status else b""
    except OSError:
        return None
    if ls_files.returncode != 0 or (status is not None and status.returncode != 0):
        return None
    blobs: dict[str, str] = {}
    for record in listed.split(b"\0"):
        if not record:
            continue
        meta, _, name = record.partition(b"\t")
        mode, blob, stage = meta.split(b" ")
        if stage != b"0" or mode == b"120000" or mode == b"160000":
            continue  # conflicts, symlinks and submodules are read from disk
        blobs[name.decode("utf-8", "surrogateescape")] = blob.decode()
    # ls-files names paths from the journal; status from the top of the work tree.
    prefix = root.resolve().relative_to(top.resolve()).as_posix()
    prefix = "" if prefix == "." else prefix + "/"
    changed: set[str] = set()
    records = changed_raw.split(b"\0")
    index = 0
    while index < len(records):
        record = records[index]
        index += 1
        if len(record) < 4:
            continue
        code, changed_path = record[:2], record[3:].decode("utf-8", "surrogateescape")
        changed.add(changed_path.removeprefix(prefix))
        if code[0:1] in (b"R", b"C"):
            index += 1  # the original path follows a rename
    return blobs, changed


# ---------------------------------------------------------------- loading


class Progress:
    """A one-line counter on stderr, shown only on a terminal and once a run passes 1 s."""

    def __init__(self, total: int) -> None:
        self.total = total
        self.start = time.monotonic()
        self.enabled = sys.stderr.isatty() and total > 0
        self.shown = False

    def update(self, done: int) -> None:
        if self.enabled and time.monotonic() - self.start > 1.0:
            sys.stderr.write(f"\rmj: reading {done}/{self.total} files")
            sys.stderr.flush()
            self.shown = True

    def close(self) -> None:
        if self.shown:
            sys.stderr.write("\r" + " " * 40 + "\r")
            sys.stderr.flush()


def _parse_misses(jobs: list[tuple[str, bytes]]) -> list[Packed]:
    progress = Progress(len(jobs))
    if len(jobs) < PARALLEL_THRESHOLD or (os.cpu_count() or 1) < 2:
        results = []
        for number, (path, data) in enumerate(jobs, start=1):
            results.append(parse_and_check(path, data))
            if number % 200 == 0:
                progress.update(number)
        progress.close()
        return results
    from concurrent.futures import ProcessPoolExecutor

    workers = os.cpu_count() or 2
    size = max(50, len(jobs) // (workers * 8))
    chunks = [jobs[i : i + size] for i in range(0, len(jobs), size)]
    results = []
    with ProcessPoolExecutor(max_workers=workers) as pool:
        for chunk_result in pool.map(_parse_many, chunks):
            results.extend(chunk_result)
            progress.update(len(results))
    progress.close()
    return results


def load_cached(root: Path, *, staged: bool = False) -> Journal:
    """The journal at ``root`` (working tree, or the index with ``staged``), via the cache.

    ``MJ_NO_CACHE=1`` bypasses the cache (the results are the same, only slower).
    """
    if os.environ.get("MJ_NO_CACHE"):
        from mentorjournal.journal import load_journal

        files = None
        if staged:
            from mentorjournal import gitrepo

            files = gitrepo.staged_files(root)
        return load_journal(root, files)
    # Loading allocates ~100,000 small objects that all stay alive: collecting
    # meanwhile only costs time (measured: half of a warm load).
    gc.disable()
    try:
        return _load_cached(root, staged)
    finally:
        gc.enable()


def _load_cached(root: Path, staged: bool) -> Journal:
    location = _git_location(root)
    git_dir = location[0] if location else None
    fingerprint = _fingerprint()
    where = cache_file(root, git_dir)
    entries = _read_cache(where, fingerprint)
    git_view = _git_blob_ids(root, staged, location[1]) if location else None

    findings: list[Finding] = []
    keys: dict[str, str] = {}  # path -> cache key
    to_read: list[str] = []
    if staged:
        if git_view is None:
            from mentorjournal.errors import MjError

            raise MjError(f"--staged needs a git repository, and {root} is not in one")
        blobs = git_view[0]
        paths: Iterable[str] = [p for p in blobs if p.endswith(".md") and _in_journal(root, p)]
        for path in paths:
            keys[path] = f"{path}\0{blobs[path]}"
    else:
        listed, findings = journal_paths(root)
        blobs, changed = git_view if git_view is not None else ({}, set())
        for path in listed:
            if path in blobs and path not in changed:
                keys[path] = f"{path}\0{blobs[path]}"
            else:
                to_read.append(path)

    # Working-tree files that differ from the index: hash their bytes.
    contents: dict[str, bytes] = {}
    for path in to_read:
        data = read_head(root / path)
        if data is None:
            continue
        contents[path] = data
        keys[path] = f"{path}\0{blob_id(data)}"

    misses = [path for path, key in keys.items() if key not in entries]
    if staged and misses:
        from mentorjournal import gitrepo

        wanted = {blobs[p]: p for p in misses}
        for blob, data in gitrepo.read_blobs(root, list(wanted)).items():
            contents[wanted[blob]] = data[: 1024 * 1024 + 1]
    jobs: list[tuple[str, bytes]] = []
    for path in misses:
        data = contents.get(path)
        if data is None:
            data = read_head(root / path)
        if data is not None and is_candidate(path, data):
            jobs.append((path, data))
    fresh = dict(zip((path for path, _ in jobs), _parse_misses(jobs), strict=True))
    skipped = set(misses) - set(fresh)

    documents: list[Document] = []
    current: dict[str, Packed] = {}
    for path in sorted(keys):
        if path in skipped:
            continue
        key = keys[path]
        packed = fresh.get(path) or entries.get(key)
        if packed is None:
            continue
        current[key] = packed
        if packed[0] != "other":
            documents.append(unpack(path, packed))
    if fresh or set(current) != set(entries):
        _write_cache(where, fingerprint, current)
    return Journal(str(root), tuple(assemble(documents)), tuple(findings))


def _in_journal(root: Path, path: str) -> bool:
    """Index paths under ``root`` that are not inside a nested journal."""
    parts = path.split("/")
    for depth in range(1, len(parts) - 1):
        if (root / "/".join(parts[:depth]) / "agreement.md").exists():
            return False
    return not any(part.startswith(".") for part in parts[:-1]) or kind_for_path(path) != "other"
