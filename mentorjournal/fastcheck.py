"""The pre-commit check (`mj validate --staged`) from per-file results kept by blob id.

Validating a 10,000-session journal from the index means reading every file, or
the 11 MB parse cache, and that is seconds or a second: too slow for a hook run at
every commit. But almost every commit stages a note or two, and a note's findings
depend only on its bytes, the people the agreement names and the goal ids
(``validate.document_cross_checks``). So this snapshot keeps each staged file's
findings by blob id, with those two sets, and a check re-parses only the staged
notes whose blob changed.

Anything else (the agreement or a goal staged, a file outside sessions/, explicit
item ids, whose duplicates need every file) returns None and the full check runs,
which writes a new snapshot. The findings are the same either way
(tests/test_fastcheck.py compares them).
"""

from __future__ import annotations

import marshal
import os

from mentorjournal import freshness, walk

TYPE_CHECKING = False  # not typing.TYPE_CHECKING: importing typing costs ~12 ms
if TYPE_CHECKING:
    from pathlib import Path

    from mentorjournal.cache import Loaded
    from mentorjournal.model import Finding

    # (line, column, severity, code, message)
    Packed = tuple[int, int, str, str, str]
    # (blob, is a document, findings, kind, has explicit item ids)
    Entry = tuple[str, bool, tuple[Packed, ...], str, bool]
    # A finding with its path: (path, line, column, severity, code, message)
    Row = tuple[str, int, int, str, str, str]

_TAG = "mj-staged-check"
# More changed notes than this: the full check is about as fast.
_MOST_CHANGED = 200


def _where(root: str, git_dir: str) -> str:
    return freshness.cache_path(root, git_dir, "staged")


def save(root: str, loaded: Loaded, findings: list[Finding]) -> None:
    """Keep the results of a full `validate --staged` of the journal at ``root``."""
    location = freshness.git_location(root)
    if location is None:
        return
    from mentorjournal.journal import people

    journal = loaded.journal
    documents = {doc.path: doc for doc in journal.documents}
    by_path: dict[str, list[Packed]] = {}
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
    context = (tuple(people(journal)), tuple(journal.goals))
    data = marshal.dumps((_TAG, freshness.fingerprint(), context, files))
    freshness.store(_where(root, location[0]), data)


def staged_findings(root: Path) -> tuple[list[Finding], int]:
    """(findings, documents checked) of the index's journal at ``root``: the fast check
    when it can answer, else the full one (which leaves a snapshot for next time)."""
    from mentorjournal.model import Finding
    from mentorjournal.validate import validate

    if os.environ.get("MJ_NO_CACHE"):
        from mentorjournal.cache import load_cached

        journal = load_cached(root, staged=True)
        return validate(journal), len(journal.documents)
    checked = check_staged(str(root))
    if checked is not None:
        rows, count = checked
        return [Finding(*row) for row in rows], count  # type: ignore[arg-type]
    from mentorjournal.cache import load

    loaded = load(root, staged=True)
    findings = validate(loaded.journal)
    save(str(root), loaded, findings)
    return findings, len(loaded.journal.documents)


def check_staged(root: str) -> tuple[list[Row], int] | None:
    """(sorted findings, documents checked) of the index's journal at ``root``, or None
    when the full check must run."""
    location = freshness.git_location(root)
    if location is None:
        return None
    listing = freshness.ls_files(root)
    where = _where(root, location[0])
    try:
        with open(where, "rb") as handle:
            loaded = marshal.loads(handle.read())
        tag, mark, context, files = loaded
    except (OSError, EOFError, ValueError, TypeError):
        listing.output()
        return None
    listed = listing.output()
    if (tag, mark) != (_TAG, freshness.fingerprint()) or listed is None:
        return None
    if not isinstance(files, dict) or not isinstance(context, tuple) or len(context) != 2:
        return None
    blobs = {
        path: blob
        for path, blob in freshness.parse_ls_files(listed).items()
        if path.endswith(".md") and walk.in_journal(root, path)
    }
    changed = [path for path, blob in blobs.items() if path not in files or files[path][0] != blob]
    removed = [path for path in files if path not in blobs]
    if changed or removed:
        if not _update(root, files, context, blobs, changed, removed):
            return None
        freshness.store(where, marshal.dumps((_TAG, mark, context, files)))
    rows = {(path, *finding) for path, entry in files.items() for finding in entry[2]}
    ordered = sorted(rows, key=lambda r: (r[0], r[1], r[2], r[4], r[5]))
    return ordered, sum(entry[1] for entry in files.values())


def _update(
    root: str,
    files: dict[str, Entry],
    context: tuple[tuple[str, ...], tuple[str, ...]],
    blobs: dict[str, str],
    changed: list[str],
    removed: list[str],
) -> bool:
    """Bring ``files`` up to date for changed and removed notes; False when that needs
    the full check."""
    if len(changed) > _MOST_CHANGED:
        return False
    for path in (*changed, *removed):
        old = files.get(path)
        if walk.kind_for_path(path) != "session" or (old and (old[3] != "session" or old[4])):
            return False
    contents = freshness.read_blobs(root, [blobs[path] for path in changed])
    if any(blobs[path] not in contents for path in changed):
        return False

    from mentorjournal.document import document_from_packed
    from mentorjournal.filecheck import parse_and_check
    from mentorjournal.validate import document_cross_checks

    handles, goal_ids = set(context[0]), set(context[1])
    for path in changed:
        data = contents[blobs[path]][: walk.MAX_BYTES + 1]
        doc = document_from_packed(path, parse_and_check(path, data), checked=True)
        if doc.kind != "session" or any(item.explicit_id for item in doc.items):
            return False
        findings = [*doc.findings, *document_cross_checks(doc, handles, goal_ids)]
        packed = tuple((f.line, f.column, f.severity, f.code, f.message) for f in findings)
        files[path] = (blobs[path], True, packed, "session", False)
    for path in removed:
        del files[path]
    return True
