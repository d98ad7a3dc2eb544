"""A program's pairs through the index: every pair's facts, kept fresh by git state.

A program repository holds hundreds of journals (pairs/*/). Asking git about each
one (two processes of ~5 ms) would cost seconds, so git is asked once for all of
them: ``git status`` of the whole program every run, and ``git ls-files -s`` when
the index changed, split by pair. What a pair's row is computed from
(``reports.program.pair_facts``) is kept beside what says it is still right, as the
status snapshot does for one journal:

* the folders of the pair's listing and their mtimes (a file came or went),
* its files whose bytes are not the index's (hashed again every run),
* a digest of its index entries (compared only when the index changed),
* when its agreement holds a key, the history mark its signatures were judged under
  (``gitstate.history_mark``: a merge, a reset or an unshallowed clone changes a
  verdict without changing a file). When the mark moved, one `git log` of the
  commits gained and lost names the agreements they touched: only those pairs are
  read again, so a commit in one pair leaves the other keyed pairs as they were,

and the folders searched for journals (a pair came or went). A pair that is not
fresh is read through the parse cache (``store.load``, given its part of git's
answers) and its facts computed again; many at once (the first run) are spread
over the cores. A pair in a repository of its own (a nested clone, a submodule) is
read on its own every run. The output of a format on a day is kept under the
facts' generation, so a warm run reads the head, stats the folders, waits for
``git status`` and prints. Like every cache here, it is never a source of truth.
"""

from __future__ import annotations

import marshal
import os

from mentorjournal.digest import blob_id
from mentorjournal.format import layout
from mentorjournal.index import cachefile, gitstate

TYPE_CHECKING = False  # not typing.TYPE_CHECKING: a warm run imports little
if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any

    from mentorjournal.reports.program import Facts

    # (digest of its index entries, listing folders, listing started, path -> blob of
    # files not the index's, facts, read on its own: another repository, history mark
    # its signatures were judged under: None when nobody has a key)
    Entry = tuple[str, dict[str, int], int, dict[str, str], Facts, bool, str | None]
    Given = tuple[bytes, bytes] | None
    Lost = list[tuple[str, str]]  # (folder, why its pair is not read): find_journals

_TAG = "mj-program"
_FEW = 4  # stale pairs that each ask git themselves; more share one `git ls-files`
_PARALLEL = 24  # stale pairs worth starting worker processes for


def facts(directory: str) -> list[tuple[str, Facts | str]]:
    """Every journal under ``directory`` (path relative to it, "." for itself) and its
    facts, sorted by path; a folder whose pair is not read has why instead."""
    pairs, _, _, orphans = _refresh(directory)
    return _listed(pairs, orphans)


def view(directory: str, name: str, key: str, compute: Callable[[list[Any]], str]) -> str:
    """``compute(facts(directory))``, kept until a pair's facts or ``key`` change."""
    pairs, generation, where, orphans = _refresh(directory)
    output = None
    if where is not None:
        output = cachefile.beside(where, name)
        try:
            tag, kept_generation, kept_key, text = marshal.loads(cachefile.load(output))
            if (tag, kept_generation, kept_key) == (_TAG, generation, key):
                return str(text)
        except (EOFError, ValueError, TypeError):
            pass  # missing or damaged: computed below
    text = compute(_listed(pairs, orphans))
    if output is not None:
        cachefile.store(output, marshal.dumps((_TAG, generation, key, text)))
    return text


def _listed(pairs: dict[str, Entry], orphans: Lost) -> list[tuple[str, Facts | str]]:
    """Each pair's facts by path; for a folder whose pair is not read, why."""
    return sorted([*((path, entry[4]) for path, entry in pairs.items()), *dict(orphans).items()])


def _refresh(root: str) -> tuple[dict[str, Entry], bytes, str | None, Lost]:
    """Every pair's entry, brought up to date; the generation of their facts; where
    they are kept (None: not kept, outside git or with MJ_NO_CACHE); the folders whose
    pair is not read (``layout.find_journals``)."""
    location = gitstate.git_location(root)
    if location is None:
        alone = layout.find_journals(root)
        return _load(dict.fromkeys(alone.paths), root, "", None), b"", None, alone.outside
    common_dir, worktree_dir, top = location
    running = gitstate.changed_files(root)  # runs on another core meanwhile
    checksum = gitstate.index_checksum(worktree_dir)
    where = cachefile.cache_path(root, common_dir, "program")
    keep = not os.environ.get("MJ_NO_CACHE")
    generation, old_checksum, walked, entries = (_read(where) if keep else None) or _EMPTY
    listing_git = gitstate.ls_files(root) if checksum is None or checksum != old_checksum else None
    journals = layout.Listing(*walked) if walked else None
    rewalked = journals is None or not journals.still_valid(root)
    if journals is None or rewalked:
        journals = layout.find_journals(root)
    roots = set(journals.paths)
    lost = journals.outside
    changed_raw = running.output()
    listed = listing_git.output() if listing_git is not None else None
    if changed_raw is None or (listing_git is not None and listed is None):
        return _load(dict.fromkeys(roots), root, top, None), b"", None, lost  # git failed
    records = gitstate.status_records(changed_raw)
    prefix = gitstate.relative_prefix(root, top)
    split = _split(listed, roots) if listed is not None else None
    # Taken before any pair is read: a commit meanwhile is seen on the next run.
    keyed = any(entry[6] is not None for entry in entries.values())
    mark = gitstate.history_mark(root) if keyed else None
    stale = _stale(root, roots, entries, [path.removeprefix(prefix) for _, path, _ in records])
    moved = {pair for pair in roots - stale if entries[pair][6] not in (None, mark)}
    remarked: set[str] = set()  # verdicts that stand under the new mark: kept with it
    if moved and mark is not None:
        # Only the pairs whose agreement the history between the two marks touched
        # (a commit, a merge bringing in an old key, a reset) are judged again.
        agreements = {f"{prefix}{_folder(pair)}{layout.AGREEMENT}": pair for pair in moved}
        touched = _touched(top, {entries[pair][6] for pair in moved}, mark, agreements)
        stale |= moved if touched is None else {agreements[path] for path in touched}
        remarked = moved - stale
        for pair in remarked:
            entries[pair] = (*entries[pair][:6], mark)
    if split is not None:  # the index changed: which pairs' entries did
        for pair in roots - stale:
            if _digest(gitstate.parse_ls_files(split.get(pair, b""))) != entries[pair][0]:
                stale.add(pair)
    if len(stale) > _FEW and split is None:
        listed = gitstate.ls_files(root).output()
        split = _split(listed, roots) if listed is not None else None
    given: dict[str, Given] = dict.fromkeys(stale)  # None: the pair asks git itself
    for pair in stale:
        if pair in entries and entries[pair][5]:
            continue  # a repository of its own
        if split is not None:
            pair_listed: bytes | None = split.get(pair, b"")
        else:  # a few pairs: their own listing, git status is the program's
            pair_listed = gitstate.ls_files(os.path.join(root, pair)).output()
        here = prefix + _folder(pair)
        status = b"".join(_status_record(r) for r in records if r[1].startswith(here))
        given[pair] = None if pair_listed is None else (pair_listed, status)
    if mark is None and given:
        mark = gitstate.history_mark(root)
    fresh = _load(given, root, top, mark)
    current = {pair: fresh.get(pair) or entries[pair] for pair in roots}
    if (
        set(current) != set(entries)
        or any(pair not in entries or entry[4] != entries[pair][4] for pair, entry in fresh.items())
        or (walked and list(walked[1]) != journals.outside)
    ):
        generation = os.urandom(8)  # retires the kept outputs
    changed = fresh or remarked or checksum != old_checksum or rewalked
    if keep and (changed or set(current) != set(entries)):
        listing = (journals.paths, journals.outside, journals.dirs, journals.started_ns)
        state = (_TAG, cachefile.fingerprint(), generation, checksum, listing, current)
        cachefile.store(where, marshal.dumps(state))
    return current, generation, where if keep else None, lost


def _stale(root: str, roots: set[str], entries: dict[str, Entry], changed: list[str]) -> set[str]:
    """The pairs whose entry may be wrong, the index aside: none yet, read on their own,
    a folder changed, a file git says changed, or a file not the index's that did."""
    stale = {pair for pair in roots if _unsettled(root, pair, entries.get(pair))}
    for path in changed:  # relative to the program
        owner = _owner(path, roots)
        if owner is None or owner in stale or not path.endswith(".md"):
            continue
        if path.removeprefix(_folder(owner)) not in entries[owner][3]:
            stale.add(owner)
    for pair in roots - stale:
        for path, blob in entries[pair][3].items():
            data = layout.read_head(os.path.join(root, pair, path))
            if data is None or blob_id(data) != blob:
                stale.add(pair)
                break
    return stale


def _read(where: str) -> tuple[bytes, bytes | None, tuple[Any, ...], dict[str, Entry]] | None:
    try:
        tag, mark, generation, checksum, walked, entries = marshal.loads(cachefile.load(where))
    except (EOFError, ValueError, TypeError):
        return None
    if (tag, mark) != (_TAG, cachefile.fingerprint()) or not isinstance(entries, dict):
        return None
    if not isinstance(walked, tuple) or len(walked) != 4:
        return None  # damaged: rebuilt
    if not all(isinstance(e, tuple) and len(e) == 7 and len(e[4]) == 11 for e in entries.values()):
        return None
    return generation, checksum, walked, entries


_EMPTY: tuple[bytes, None, None, dict[str, Entry]] = (b"", None, None, {})


def _unsettled(root: str, pair: str, entry: Entry | None) -> bool:
    """No entry, read on its own, or a folder of its listing changed."""
    if entry is None or entry[5]:
        return True
    return not layout.Listing([], [], entry[1], entry[2]).still_valid(os.path.join(root, pair))


def _owner(path: str, roots: set[str]) -> str | None:
    """The innermost journal holding ``path`` (relative to the program)."""
    folder = path
    while "/" in folder:
        folder = folder.rpartition("/")[0]
        if folder in roots:
            return folder
    return "." if "." in roots else None


def _folder(pair: str) -> str:
    """The pair's folder in the program, "" or ending in "/"."""
    return "" if pair == "." else pair + "/"


def _status_record(record: tuple[str, str, str | None]) -> bytes:
    code, path, original = record
    text = f"{code} {path}\0" + (f"{original}\0" if original is not None else "")
    return text.encode("utf-8", "surrogateescape")


def _split(listed: bytes, roots: set[str]) -> dict[str, bytes]:
    """``git ls-files -s -z`` of the program, as each journal's own would be: every entry
    under a journal (nested journals' too), its path made relative to the journal."""
    parts: dict[str, list[bytes]] = {}
    whole = parts.setdefault(".", []) if "." in roots else None
    for record in listed.split(b"\0"):
        meta, tab, name = record.partition(b"\t")
        if not tab:
            continue
        if whole is not None:
            whole.append(record)
        folder = name
        while b"/" in folder:
            folder = folder.rpartition(b"/")[0]
            pair = folder.decode("utf-8", "surrogateescape")
            if pair in roots:
                parts.setdefault(pair, []).append(meta + b"\t" + name[len(folder) + 1 :])
    return {pair: b"\0".join(found) + b"\0" for pair, found in parts.items()}


def _digest(index_blobs: dict[str, str]) -> str:
    """A journal's index entries (path and blob id of each) in brief."""
    import hashlib

    entries = "\0".join(f"{path}\t{blob}" for path, blob in sorted(index_blobs.items()))
    return hashlib.sha1(entries.encode("utf-8", "surrogateescape")).hexdigest()


def _load(given: dict[str, Given], root: str, top: str, mark: str | None) -> dict[str, Entry]:
    """The entries of the pairs in ``given``, read through the parse cache (``mark``: the
    program's history mark, taken before): in worker processes when there are many (a
    cold run), else here."""
    jobs = [(os.path.join(root, pair), pair_given, top, mark) for pair, pair_given in given.items()]
    if not jobs:
        return {}
    if len(jobs) < _PARALLEL or (os.cpu_count() or 1) < 2:
        return dict(zip(given, _entries(jobs), strict=True))
    from concurrent.futures import ProcessPoolExecutor

    workers = os.cpu_count() or 2
    size = max(8, len(jobs) // (workers * 4))
    chunks = [jobs[start : start + size] for start in range(0, len(jobs), size)]
    with ProcessPoolExecutor(max_workers=workers) as pool:
        results = [entry for chunk in pool.map(_entries, chunks) for entry in chunk]
    return dict(zip(given, results, strict=True))


def pairs_given(root: str, pairs: list[str]) -> tuple[dict[str, Given], str | None]:
    """What one `git ls-files` and one `git status` of the program say of each pair in
    ``pairs`` (None: the pair asks git itself, a repository of its own), and the history
    mark of the program's repository: three git processes, not three a pair."""
    location = gitstate.git_location(root)
    if location is None:
        return dict.fromkeys(pairs), None
    top = location[2]
    running, listing = gitstate.changed_files(root), gitstate.ls_files(root)
    mark = gitstate.history_mark(root)
    changed, listed = running.output(), listing.output()
    if changed is None or listed is None:
        return dict.fromkeys(pairs), None
    records, prefix = gitstate.status_records(changed), gitstate.relative_prefix(root, top)
    split = _split(listed, set(pairs))
    given: dict[str, Given] = {}
    for pair in pairs:
        own = gitstate.git_location(os.path.join(root, pair))
        if own is None or os.path.realpath(own[2]) != os.path.realpath(top):
            given[pair] = None
            continue
        here = prefix + _folder(pair)
        status = b"".join(_status_record(r) for r in records if r[1].startswith(here))
        given[pair] = (split.get(pair, b""), status)
    return given, mark


def _touched(
    top: str, judged: set[str | None], mark: str, agreements: dict[str, str]
) -> set[str] | None:
    """Which of ``agreements`` (paths from ``top``) a commit between each history mark
    in ``judged`` and ``mark`` touches, either way (commits gained and lost); None when
    that cannot be told (a shallow clone deepened, a mark git no longer has)."""
    touched: set[str] = set()
    head = mark.partition(" ")
    for old in judged:
        before = (old or "").partition(" ")
        if before[2] != head[2] or not before[0] or not head[0]:
            return None  # history was fetched under the same commits, or none was there
        span = f"{before[0]}...{head[0]}"  # commits gained and commits lost
        options = ["--format=", "--name-only", "-z", "--no-renames", "--full-history"]
        command = ["--literal-pathspecs", "log", *options, span, "--", *sorted(agreements)]
        names = gitstate.Git(top, command).output()
        if names is None:
            return None
        touched |= set(names.decode("utf-8", "surrogateescape").split("\0"))
    return touched & agreements.keys()


def _entries(jobs: list[tuple[str, Given, str, str | None]]) -> list[Entry]:
    from pathlib import Path

    from mentorjournal.checks.signatures import reads_history
    from mentorjournal.index import store
    from mentorjournal.reports.program import pair_facts

    found: list[Entry] = []
    for root, given, top, mark in jobs:
        loaded = store.load(Path(root), given=given)
        listing = loaded.listing
        assert listing is not None  # the working tree's
        index = loaded.index_blobs
        watch = {path: blob for path, blob in loaded.blobs.items() if index.get(path) != blob}
        location = gitstate.git_location(root)
        own = location is None or os.path.realpath(location[2]) != os.path.realpath(top)
        facts = pair_facts(loaded.journal)
        # A pair of its own is read every run.
        judged = mark if reads_history(loaded.journal.agreement) and not own else None
        found.append((_digest(index), listing.dirs, listing.started_ns, watch, facts, own, judged))
    return found
