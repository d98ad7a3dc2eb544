"""The cross-file rules as they bear on one document, on plain values.

A note's findings depend on its own bytes, the people the agreement names and the
goal ids (all but duplicate explicit ids, which need every file). The rules are
written here once, on the values a document parses to (``format.document.Packed``),
so that the pre-commit check of one staged note (``index/stagedcheck.py``) runs
them without building records or importing the journal: that import alone is about
20 ms of a hook run. ``validate.document_cross_checks`` runs the same rules on a
``Document``.
"""

from __future__ import annotations

import re

from mentorjournal.format.dates import parse_date

TYPE_CHECKING = False  # not typing.TYPE_CHECKING: the hook's check stays off typing
if TYPE_CHECKING:
    from collections.abc import Collection, Iterable, Mapping
    from typing import Any

    from mentorjournal.format.items import FindingRow
    from mentorjournal.model import KeyPath

    # What the owner rules read of an item: (line, state, owners, the column of each
    # owner's "@", whether the owners were inherited from the goal).
    Owned = tuple[int, str, tuple[str, ...], tuple[int, ...], bool]

SESSION_NAME = re.compile(r"(\d{4}-\d{2}-\d{2})(-[a-z0-9][a-z0-9-]*)?")
GOAL_ID = re.compile(r"[a-z0-9][a-z0-9-]*")
# A session or goal named by its folder (where its file name must follow the rules).
_KIND_FOLDERS = ("sessions/", "private/sessions/", "goals/", "private/goals/")


def position_of(positions: Mapping[KeyPath, tuple[int, int]], key_path: KeyPath) -> tuple[int, int]:
    """The closest known position for a key path, falling back to its parents."""
    path = tuple(key_path)
    while path:
        if path in positions:
            return positions[path]
        path = path[:-1]
    return (1, 1)


def suggest(word: str, choices: Iterable[str]) -> str:
    """A " (did you mean 'x'?)" hint, or nothing."""
    import difflib  # here: only a finding needs it

    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.7)
    return f" (did you mean {close[0]!r}?)" if close else ""


def document_rows(
    path: str,
    kind: str,
    meta: Mapping[str, Any],
    positions: Mapping[KeyPath, tuple[int, int]],
    owned: Iterable[Owned],
    parsed: bool,
    known: Collection[str],
    goal_ids: Collection[str],
) -> list[FindingRow]:
    """The cross-file rules' findings on one document: (line, column, severity, code, message)."""
    found: list[FindingRow] = []

    def at(key_path: KeyPath, code: str, message: str) -> None:
        found.append((*position_of(positions, key_path), "error", code, message))

    # No one known: the agreement cannot be read, and says so itself; every handle in
    # every note "not in the agreement" would bury that one error under hundreds.
    def check_person(key_path: KeyPath, handle: Any, what: str) -> None:
        if isinstance(handle, str) and known and handle not in known:
            hint = suggest(handle, known)
            at(key_path, "unknown-person", f"{what} {handle!r} is not in the agreement{hint}")

    for line, state, owners, columns, inherited in owned:
        for owner, column in zip(owners, columns or (1,) * len(owners), strict=True):
            if known and owner not in known and not inherited:
                message = f"owner @{owner} is not in the agreement{suggest(owner, known)}"
                found.append((line, column, "error", "unknown-person", message))
        if not owners and state == "open":
            message = "action item has no owner: add @handle of who commits to it"
            found.append((line, 1, "warning", "no-owner", message))
    name = path.rsplit("/", 1)[-1]
    stem = name[:-3] if name.endswith(".md") else name
    if kind == "goal" and not GOAL_ID.fullmatch(stem):
        slug = re.sub(r"[^a-z0-9]+", "-", stem.lower()).strip("-") or "goal"
        message = (
            f"goal file name {stem!r} is not a goal id: use lowercase letters, digits "
            f"and '-' (e.g. {slug!r})"
        )
        found.append((1, 1, "error", "invalid-goal-id", message))
    if kind == "session" and path.startswith(_KIND_FOLDERS):
        named = SESSION_NAME.fullmatch(stem)
        date = meta.get("date")
        if not named:
            message = (
                "session file name must be YYYY-MM-DD.md or YYYY-MM-DD-slug.md "
                "(slug: lowercase letters, digits, -)"
            )
            found.append((1, 1, "error", "invalid-file-name", message))
        elif parse_date(named.group(1)) is None:
            message = f"{named.group(1)} in the file name is not a real date"
            found.append((1, 1, "error", "invalid-file-name", message))
        elif parsed and isinstance(date, str) and parse_date(date) and date != named.group(1):
            message = f"date {date} does not match the file name's date {named.group(1)}"
            at(("date",), "date-mismatch", message)
    if not parsed:
        return found
    if kind == "session":
        attendees = meta.get("attendees")
        for index, handle in enumerate(attendees if isinstance(attendees, list) else []):
            check_person(("attendees", index), handle, "attendee")
        check_person(("agenda_by",), meta.get("agenda_by"), "agenda_by")
        goals = meta.get("goals")
        for index, goal in enumerate(goals if isinstance(goals, list) else []):
            if isinstance(goal, str) and goal not in goal_ids:
                message = f"goal {goal!r} has no file goals/{goal}.md{suggest(goal, goal_ids)}"
                at(("goals", index), "unknown-goal", message)
        ratings = meta.get("ratings")
        for goal in ratings if isinstance(ratings, dict) else {}:
            if goal not in goal_ids:
                message = f"rating for goal {goal!r}, which has no file goals/{goal}.md"
                at(("ratings", goal), "unknown-goal", message + suggest(goal, goal_ids))
    elif kind == "goal":
        check_person(("owner",), meta.get("owner"), "owner")
        opened, target = parse_date(meta.get("opened")), parse_date(meta.get("target"))
        if opened and target and target < opened:
            message = f"target {target} is before the goal was opened ({opened})"
            at(("target",), "target-before-opened", message)
    elif kind == "agreement" and isinstance(meta.get("others"), list):
        for index, other in enumerate(meta["others"]):
            handle = other.get("handle") if isinstance(other, dict) else None
            if not isinstance(handle, str):  # none: a missing-key error (not "None is ...")
                continue
            roles = [
                r
                for r in ("mentor", "mentee")
                if isinstance(meta.get(r), dict) and meta[r].get("handle") == handle
            ]
            if roles:
                message = f"{handle!r} is already the {roles[0]}"
                at(("others", index, "handle"), "duplicate-person", message)
    return found
