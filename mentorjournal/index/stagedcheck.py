"""The pre-commit check (`mj validate --staged`) from per-file results kept by blob id.

Validating a 10,000-session journal from the index means reading every file, or
the 11 MB parse cache, and that is seconds or a second: too slow for a hook run at
every commit. But almost every commit stages a note or two, and a note's findings
depend only on its bytes, the people the agreement names and the goal ids
(``checks/crossfile.py``). So this snapshot keeps each staged file's
findings by blob id, with those two sets, and a check re-parses only the staged
notes whose blob changed. When someone has a key, the agreement's findings also
depend on its git history: the snapshot keeps the ``history_mark`` they were judged
under, and a check under another (a commit, a merge, a fetched history) judges the
agreement again, and only the agreement.

Anything else (the agreement or a goal staged, a file outside sessions/, explicit
item ids, whose duplicates need every file) returns None and the full check runs,
which writes a new snapshot. The findings are the same either way
(tests/index/test_stagedcheck.py compares them).

The snapshot also keeps the index listing (``git ls-files -s``) it was made from,
so a check parses only the entries that differ from it, and the per-file results
sit on a ``Shelf``: the few entries a commit touches are all that is unpacked.
"""

from __future__ import annotations

import marshal
import os

from mentorjournal.format import layout
from mentorjournal.index import cachefile, gitstate
from mentorjournal.index.shelf import Shelf

TYPE_CHECKING = False  # not typing.TYPE_CHECKING: importing typing costs ~12 ms
if TYPE_CHECKING:
    from collections.abc import Iterable
    from pathlib import Path

    from mentorjournal.format.items import FindingRow
    from mentorjournal.index.store import Loaded
    from mentorjournal.model import Finding

    # (blob, is a document, findings, kind, has explicit item ids)
    Entry = tuple[str, bool, tuple[FindingRow, ...], str, bool]
    # A finding with its path: (path, line, column, severity, code, message)
    Row = tuple[str, int, int, str, str, str]

_TAG = "mj-staged-check"
# More changed notes than this: the full check is about as fast.
_MOST_CHANGED = 200
_SHARDS = 64  # ~160 files each in a 10,000-session journal


def _where(root: str, git_dir: str) -> str:
    return cachefile.cache_path(root, git_dir, "staged")


def save(root: str, loaded: Loaded, findings: list[Finding], judged: str | None) -> None:
    """Keep the results of a full `validate --staged` of the journal at ``root``
    (``judged``: the history mark its signatures were judged under, None: no keys)."""
    location = gitstate.git_location(root)
    if location is None:
        return
    from mentorjournal.journal import people

    journal = loaded.journal
    documents = {doc.path: doc for doc in journal.documents}
    by_path: dict[str, list[FindingRow]] = {}
    for f in findings:
        if f.path not in loaded.blobs:
            return  # a finding about no staged file: keep nothing rather than lose it
        by_path.setdefault(f.path, []).append((f.line, f.column, f.severity, f.code, f.message))
    files: dict[str, Entry] = {}
    for path, blob in loaded.blobs.items():
        doc = documents.get(path)
        explicit = doc is not None and any(item.explicit_id for item in doc.items)
        kind = doc.kind if doc is not None else "other"
        files[path] = (blob, doc is not None, tuple(by_path.get(path, ())), kind, explicit)
    context = (tuple(people(journal)), tuple(journal.goals), judged)
    found = {path: tuple(rows) for path, rows in by_path.items()}
    summary = (found, sum(entry[1] for entry in files.values()), sorted(_folders(files)))
    shelved = tuple(Shelf.build(files, _SHARDS).pack())
    # No index listing: the next check lists the index in full once.
    data = marshal.dumps((_TAG, cachefile.fingerprint(), context, None, shelved, summary))
    cachefile.store(_where(root, location[0]), data)


def staged_findings(root: Path) -> tuple[list[Finding], int]:
    """(findings, documents checked) of the index's journal at ``root``: the fast check
    when it can answer, else the full one (which leaves a snapshot for next time)."""
    findings, count, _ = staged_check(root)
    return findings, count


def staged_check(root: Path) -> tuple[list[Finding], int, bool]:
    """``staged_findings``, and whether the index is known to hold no journal in a
    folder (the fast check answers only then; the full one does not say)."""
    from mentorjournal.model import Finding

    keep = not os.environ.get("MJ_NO_CACHE")
    checked = check_staged(str(root)) if keep else None
    if checked is not None:
        rows, count = checked
        return [Finding(*row) for row in rows], count, True  # type: ignore[arg-type]
    # Only here: the signatures module alone costs a commit ~10 ms to import.
    from mentorjournal.checks.signatures import reads_history
    from mentorjournal.checks.validate import validate
    from mentorjournal.index.store import load

    loaded = load(root, staged=True)
    # Taken before validate reads the history: a commit meanwhile is seen next time.
    keyed = keep and reads_history(loaded.journal.agreement)
    judged = gitstate.history_mark(str(root)) if keyed else None
    findings = validate(loaded.journal)
    if keep:
        save(str(root), loaded, findings, judged)
    return findings, len(loaded.journal.documents), False


def check_staged(root: str) -> tuple[list[Row], int] | None:
    """(sorted findings, documents checked) of the index's journal at ``root``, or None
    when the full check must run."""
    location = gitstate.git_location(root)
    if location is None:
        return None
    listing = gitstate.ls_files(root)
    where = _where(root, location[0])
    try:
        tag, mark, context, listed_before, packed, summary = marshal.loads(cachefile.load(where))
        files = Shelf(packed, _SHARDS)
        findings: dict[str, tuple[FindingRow, ...]]
        folders: list[str]
        findings, documents, folders = summary
        if (tag, mark) != (_TAG, cachefile.fingerprint()):
            raise ValueError("another mj's snapshot")
        if not isinstance(listed_before, bytes | None) or not isinstance(findings, dict):
            raise TypeError("a damaged snapshot")
        _, _, judged = context if isinstance(context, tuple) else ()
    except (OSError, EOFError, ValueError, TypeError):
        listing.output()
        return None  # missing, damaged or another mj's: the full check writes a new one
    history = gitstate.history_mark(root) if judged is not None else None  # git lists meanwhile
    # Also while git lists: what checking a staged note takes (~20 ms to import, and a
    # commit nearly always stages one), rather than after waiting for the listing.
    from mentorjournal.checks import crossfile, filecheck  # noqa: F401
    from mentorjournal.format import yamldata  # noqa: F401

    listed = listing.output()
    if listed is None:
        return None
    # A kept listing passed the refusals below: only its differences need to (~3 ms less).
    middles = None if listed_before is None else _middles(listed_before, listed)
    fresh = listed if middles is None else middles[1]
    if gitstate.has_links(fresh) or gitstate.unmerged(fresh) or b"\tprivate/" in fresh:
        return None  # staged symlinks or private notes, a merge: the full check refuses them
    if b"/agreement.md\0" in fresh:
        return None  # another journal in a folder: its files are not this check's to pass
    # A journal nested in a folder of this one takes that folder's files away.
    if any(os.path.exists(os.path.join(root, folder, layout.AGREEMENT)) for folder in folders):
        return None
    if listed != listed_before or history != judged:
        try:
            if history != judged:  # a commit, a merge, fetched history: signatures again
                if not _rejudge_agreement(root, files, context, findings):
                    return None
                context = (*context[:2], history)
            blobs: dict[str, str] = {}
            if listed != listed_before:
                changed, removed, blobs = _differences(root, files, middles, listed)
                more = _update(root, files, context, findings, blobs, changed, removed)
                if more is None:
                    return None
                documents += more
        except (EOFError, ValueError, TypeError, IndexError):
            return None  # a damaged shard: the full check writes a new snapshot
        summary = (findings, documents, sorted(set(folders) | _folders(blobs)))
        cachefile.store(
            where, marshal.dumps((_TAG, mark, context, listed, tuple(files.pack()), summary))
        )
    rows = {(path, *finding) for path, found in findings.items() for finding in found}
    return sorted(rows, key=lambda r: (r[0], r[1], r[2], r[4], r[5])), documents


def _rejudge_agreement(
    root: str,
    files: Shelf,
    context: tuple[tuple[str, ...], tuple[str, ...], str | None],
    findings: dict[str, tuple[FindingRow, ...]],
) -> bool:
    """Judge the kept agreement again (its signatures read git history, which moved);
    False when that needs the full check (no agreement kept, or it has explicit ids)."""
    entry = files.get(layout.AGREEMENT)
    if entry is None or entry[3] != "agreement" or entry[4]:
        return False
    contents = gitstate.read_blobs(root, [entry[0]])
    if entry[0] not in contents:
        return False
    from mentorjournal.checks.filecheck import parse_and_check
    from mentorjournal.checks.validate import agreement_findings
    from mentorjournal.format.document import document_from_packed

    packed = parse_and_check(layout.AGREEMENT, contents[entry[0]])
    agreement = document_from_packed(layout.AGREEMENT, packed, True)
    found = agreement_findings(agreement, root, set(context[0]), set(context[1]))
    rows = tuple((f.line, f.column, f.severity, f.code, f.message) for f in found)
    files.put(layout.AGREEMENT, (entry[0], True, rows, "agreement", False))
    if rows:
        findings[layout.AGREEMENT] = rows
    else:
        findings.pop(layout.AGREEMENT, None)
    return True


def _folders(paths: Iterable[str]) -> set[str]:
    """The folders whose agreement.md would take ``paths`` out of this journal
    (``layout.in_journal``): those above each path's own folder, not the root."""
    found: set[str] = set()
    for path in paths:
        folder = path.rpartition("/")[0].rpartition("/")[0]
        while folder and folder not in found:
            found.add(folder)
            folder = folder.rpartition("/")[0]
    return found


def _differences(
    root: str, files: Shelf, middles: tuple[bytes, bytes] | None, listed: bytes
) -> tuple[list[str], list[str], dict[str, str]]:
    """(changed notes, removed notes, blob of each changed one) between the index
    listing the snapshot was made from and ``listed`` (``middles``: the parts of
    both that differ; None when the snapshot kept no listing).

    Only the entries that differ are parsed: a commit stages a note or two, and
    parsing 10,000 entries of ``git ls-files -s`` would cost more than the check.
    """

    def journal_blobs(entries: bytes) -> dict[str, str]:
        parsed = gitstate.parse_ls_files(entries).items()
        return {p: b for p, b in parsed if p.endswith(".md") and layout.in_journal(root, p)}

    if middles is None:  # written by the full check, which had no listing at hand
        blobs = journal_blobs(listed)
        gone = files.keys() - blobs.keys()
    else:
        now, before = set(middles[1].split(b"\0")), set(middles[0].split(b"\0"))
        blobs = journal_blobs(b"\0".join(now - before))
        gone = journal_blobs(b"\0".join(before - now)).keys() - blobs.keys()
    changed = []
    for path, blob in blobs.items():
        entry = files.get(path)
        if entry is None or entry[0] != blob:
            changed.append(path)
    removed = [path for path in gone if path in files]
    return changed, removed, blobs


def _middles(before: bytes, now: bytes) -> tuple[bytes, bytes]:
    """The whole entries of two listings between their common first and common last
    entries: all that can differ. A commit changes a few of 10,000 entries, and
    splitting both listings into sets costs ~7 ms."""
    start = now.rfind(b"\0", 0, _common_prefix(before, now)) + 1
    tail = _common_prefix(before[start:][::-1], now[start:][::-1])
    # Past the first NUL in the common tail: there both listings are at an entry's start.
    end = now.find(b"\0", len(now) - tail) + 1 or len(now)
    return before[start : len(before) - len(now) + end], now[start:end]


def _common_prefix(first: bytes, second: bytes) -> int:
    """The length of the longest common prefix, by halving the window still unknown
    (each comparison is C's, and the windows add up to one pass)."""
    low, high = 0, min(len(first), len(second))
    while low < high:
        middle = (low + high + 1) // 2
        if first[low:middle] == second[low:middle]:
            low = middle
        else:
            high = middle - 1
    return low


def _update(
    root: str,
    files: Shelf,
    context: tuple[tuple[str, ...], tuple[str, ...], str | None],
    findings: dict[str, tuple[FindingRow, ...]],
    blobs: dict[str, str],
    changed: list[str],
    removed: list[str],
) -> int | None:
    """Bring ``files`` and ``findings`` up to date for changed and removed notes, and
    return how many more documents there are; None when that needs the full check."""
    if len(changed) > _MOST_CHANGED:
        return None
    before: dict[str, Entry | None] = {path: files.get(path) for path in (*changed, *removed)}
    for path, old in before.items():
        if layout.kind_for_path(path) != "session" or (old and (old[3] != "session" or old[4])):
            return None
    contents = _read_staged(root, {path: blobs[path] for path in changed})
    if any(blobs[path] not in contents for path in changed):
        return None

    from mentorjournal.checks.crossfile import document_rows
    from mentorjournal.checks.filecheck import parse_and_check

    handles, goal_ids = set(context[0]), set(context[1])
    for path in changed:
        # read_blobs never reads a blob over MAX_BYTES: a stand-in says it is too large.
        kind, meta, positions, _, _, items, rows, _, parsed = parse_and_check(
            path, contents[blobs[path]]
        )
        # (line, state, text, owners, due, done, tags, id, key, explicit, depth, columns)
        if kind != "session" or any(item[9] for item in items):
            return None
        owned = ((item[0], item[1], item[3], item[11], False) for item in items)
        found = document_rows(path, kind, meta, positions, owned, parsed, handles, goal_ids)
        packed = (*rows, *found)
        files.put(path, (blobs[path], True, packed, "session", False))
        if packed:
            findings[path] = packed
        else:
            findings.pop(path, None)
    for path in removed:
        files.put(path, None)
        findings.pop(path, None)
    return len(changed) - sum(old[1] for old in before.values() if old is not None)


def _read_staged(root: str, staged: dict[str, str]) -> dict[str, bytes]:
    """``gitstate.read_blobs`` of staged files (path -> blob id), those on disk as
    staged read from there (``on_disk``); only the others are asked of git."""
    found = on_disk(root, staged)
    rest = [blob for blob in staged.values() if blob not in found]
    return found | gitstate.read_blobs(root, rest) if rest else found


def on_disk(root: str, staged: dict[str, str]) -> dict[str, bytes]:
    """Blob id -> bytes of the staged files (path -> blob id) whose working copy is
    exactly that blob (a note saved, then added: the usual commit): read from disk,
    they spare git processes."""
    from mentorjournal.digest import blob_id

    found: dict[str, bytes] = {}
    for path, blob in staged.items():
        data = layout.read_head(os.path.join(root, path))
        if data is not None and len(data) <= layout.MAX_BYTES and blob_id(data) == blob:
            found[blob] = data
    return found
