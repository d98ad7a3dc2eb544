"""A journal: find its root, read its files (working tree or index), assemble documents."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from pathlib import Path

from mentorjournal.format import layout
from mentorjournal.format.items import ID_LENGTH
from mentorjournal.format.layout import AGREEMENT
from mentorjournal.model import ActionItem, Document, Finding, Journal, Person


def find_root(start: Path) -> Path:
    """The nearest directory at or above ``start`` holding agreement.md."""
    return Path(layout.journal_root(str(start)))


def outside_findings(listing: layout.Listing) -> list[Finding]:
    found = []
    for relative, target in listing.outside:
        if relative.endswith("/"):
            message = (
                f"a symlinked folder ({target}): mj reads and writes only real folders in the "
                "journal, so its notes are not read; make it a real folder"
            )
        else:
            message = f"symlink points outside the journal's notes ({target}); not followed"
        found.append(Finding(relative, 1, 1, "error", "symlink-outside", message))
    return found


def load_journal(root: Path, *, staged: bool = False) -> Journal:
    """Every document of the journal at ``root``: the working tree, or with ``staged``
    the index (what `git commit` would record). Read through the cache by blob id."""
    from mentorjournal.index.store import load_cached

    return load_cached(root, staged=staged)


def people(journal: Journal) -> dict[str, Person]:
    """Everyone the agreement names, by handle."""
    agreement = journal.agreement
    if agreement is None:
        return {}
    found: dict[str, Person] = {}
    for role in ("mentor", "mentee"):
        entry = agreement.meta.get(role)
        if isinstance(entry, dict) and isinstance(entry.get("handle"), str):
            found[entry["handle"]] = Person(entry["handle"], str(entry.get("name", "")), role)
    others = agreement.meta.get("others")
    if isinstance(others, list):
        for entry in others:
            if isinstance(entry, dict) and isinstance(entry.get("handle"), str):
                handle = entry["handle"]
                found.setdefault(
                    handle, Person(handle, str(entry.get("name", "")), str(entry.get("role", "")))
                )
    return found


def mentee_handle(agreement: Document | None) -> str | None:
    mentee = agreement.meta.get("mentee") if agreement is not None else None
    handle = mentee.get("handle") if isinstance(mentee, dict) else None
    return handle if isinstance(handle, str) else None


def assemble(documents: list[Document]) -> Iterable[Document]:
    """Journal-wide touches: milestone owners, ids made unique across the journal."""
    agreement = next((doc for doc in documents if doc.path == AGREEMENT), None)
    default_owner = mentee_handle(agreement)
    groups: dict[str, list[str]] = {}
    for doc in documents:
        for item in doc.items:
            if not item.explicit_id:
                groups.setdefault(item.id, []).append(item.key)
    lengthened = {
        key: _unique_prefix(key, keys) for keys in groups.values() if len(keys) > 1 for key in keys
    }
    for doc in documents:
        owner = doc.meta.get("owner") if doc.kind == "goal" else None
        goal_owner = owner if isinstance(owner, str) else default_owner
        changed = False
        items: list[ActionItem] = []
        for item in doc.items:
            new = item
            if doc.kind == "goal" and not item.owners and goal_owner:
                new = replace(new, owners=(goal_owner,), inherited_owner=True)
            if item.key in lengthened and not item.explicit_id:
                new = replace(new, id=lengthened[item.key])
            changed = changed or new is not item
            items.append(new)
        yield replace(doc, items=tuple(items)) if changed else doc


def _unique_prefix(key: str, group: list[str]) -> str:
    """The shortest prefix of ``key`` (6, 8, 10 ... characters) no other key shares."""
    others = [other for other in group if other != key]
    length = ID_LENGTH
    while length < len(key) and any(other.startswith(key[:length]) for other in others):
        length += 2
    return key[:length]
