"""Views over a whole journal that commands share, kept by the cache between runs.

Each is computed from the journal's records the one way (``validate``, ``Journal.items``)
and kept by ``cache.view`` under the keys of every file it read, so a command that
needs only the findings or the item ids does not unpack 10,000 records to get them.
"""

from __future__ import annotations

from dataclasses import fields
from pathlib import Path

from mentorjournal import cache
from mentorjournal.model import ActionItem, Finding, Journal

_ITEM_FIELDS = tuple(field.name for field in fields(ActionItem))


def _findings_rows(journal: Journal) -> tuple[tuple[object, ...], tuple[str, ...], int]:
    from mentorjournal.validate import validate

    rows = tuple(
        (f.path, f.line, f.column, f.severity, f.code, f.message) for f in validate(journal)
    )
    names = {doc.path for doc in journal.documents} | {f.path for f in journal.findings}
    return rows, tuple(sorted(names)), len(journal.documents)


def findings(root: Path) -> tuple[list[Finding], list[str], int]:
    """Every finding of the working tree's journal (sorted as ``validate`` sorts them),
    the paths of the files it holds, and how many documents it has."""
    rows, names, documents = cache.view(root, "findings", (), _findings_rows, tuple)
    return [Finding(*row) for row in rows], list(names), documents


def _item_rows(journal: Journal) -> tuple[tuple[object, ...], ...]:
    return tuple(tuple(getattr(item, name) for name in _ITEM_FIELDS) for item in journal.items())


def items(root: Path) -> list[ActionItem]:
    """Every action item of the working tree's journal, ids made unique journal-wide."""
    rows = cache.view(root, "items", (), _item_rows, tuple)
    return [ActionItem(*row) for row in rows]
