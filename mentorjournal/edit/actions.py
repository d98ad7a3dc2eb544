"""The item commands `mj done`, `mj cancel`, `mj reopen` and `mj due`, and how any
command names an item (by id, id prefix or text).

Each changes one line of one file through the one compare-and-swap writer, in the
item's own dialect (``format/fields.py`` reads and writes them all).
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from mentorjournal.edit.writer import refuse_conflicts, rewrite
from mentorjournal.errors import MjError, UsageError
from mentorjournal.format.document import parse_document
from mentorjournal.format.fields import insert_field, item_fields, remove_fields, replace_dates
from mentorjournal.model import ActionItem

# Shorter id prefixes would name the wrong item too easily.
MIN_PREFIX = 4

# The list marker and the checkbox at the start of an item's first line (blockquotes
# and ordered lists included).
ITEM_LINE = re.compile(
    r"(?P<indent>[ \t>]*)(?:(?P<bullet>[-*+])|(?P<number>[0-9]{1,9})(?P<delimiter>[.)]))"
    r"[ \t]+\[(?P<state>[ xX/-])\]"
)
_HEX = re.compile(r"[0-9a-fA-F]+")
_ID_SHAPE = re.compile(r"[A-Za-z0-9_-]+")
# (state, due, done) of an item.
Facts = tuple[str, "str | None", "str | None"]


@dataclass(frozen=True)
class Changed:
    """What an item command changed: one item (as it was), in one file, and the date
    it wrote or kept (done, cancelled or due), if any."""

    item: ActionItem
    path: Path
    date: str | None


# ---------------------------------------------------------------- naming an item


def _listing(items: Sequence[ActionItem], limit: int = 10) -> str:
    lines = [f"  {item.id}  {item.path}:{item.line}  {item.text}" for item in items[:limit]]
    if len(items) > limit:
        lines.append(f"  ... and {len(items) - limit} more")
    return "\n".join(lines)


def find_item(
    items: Sequence[ActionItem],
    wanted: str,
    applies: Callable[[ActionItem], bool] = lambda item: True,
) -> ActionItem:
    """The item ``wanted`` names: its id, a unique id prefix of MIN_PREFIX or more
    characters, or (unless it is all hex digits, like an id) its text, exactly or as a
    unique part, ignoring case. Among several matches, the one the command
    ``applies`` to. A clear error otherwise."""
    wanted = " ".join(wanted.split())
    if not wanted:
        raise UsageError("name the item by its id (`mj status` lists them) or by its text")
    matches = _by_id(items, wanted)
    by_text = not matches and not _HEX.fullmatch(wanted)
    if by_text:
        folded = wanted.casefold()
        texts = [(item, " ".join(item.text.split()).casefold()) for item in items]
        matches = [item for item, text in texts if text == folded] or [
            item for item, text in texts if folded in text
        ]
    fitting = [item for item in matches if applies(item)]  # the open ones for done
    matches = fitting if len(matches) > 1 and fitting else matches
    if len(matches) == 1:
        return matches[0]
    if matches:
        what = "text" if by_text else "id"
        more = "of the text, or the id" if by_text else "characters"
        raise MjError(
            f"{what} {wanted!r} matches {len(matches)} items; give more {more}:\n"
            + _listing(matches)
        )
    raise MjError(_not_found(items, wanted))


def _by_id(items: Sequence[ActionItem], wanted: str) -> list[ActionItem]:
    """The items ``wanted`` names by id: that id (exactly, else in any case), else
    those whose id or key starts with it (MIN_PREFIX characters or more)."""
    lowered = wanted.lower()
    matches = [item for item in items if item.id == wanted] or [
        item for item in items if item.id.lower() == lowered
    ]
    if not matches and len(wanted) >= MIN_PREFIX and _ID_SHAPE.fullmatch(wanted):
        matches = [
            item
            for item in items
            if item.id.lower().startswith(lowered) or item.key.startswith(lowered)
        ]
    return matches


def _not_found(items: Sequence[ActionItem], wanted: str) -> str:
    lowered = wanted.lower()
    starting = [item for item in items if item.id.lower().startswith(lowered)]
    if len(wanted) < MIN_PREFIX and (starting or _HEX.fullmatch(wanted)):
        said = (
            f"{wanted!r} is too short to name an item by id: give at least {MIN_PREFIX} "
            f"characters of it (or the whole id), so that no other item is ticked by mistake"
        )
        if starting:
            return f"{said}; these ids start with {wanted!r}:\n{_listing(starting)}"
        return f"{said}; no id starts with {wanted!r} (`mj status` lists the ids)"
    ids = [item.id for item in items]
    close = difflib.get_close_matches(wanted, ids, n=5, cutoff=0.5)
    by_id = {item.id: item for item in items}
    hint = "\nclose matches:\n" + _listing([by_id[i] for i in close]) if close else ""
    if _HEX.fullmatch(wanted):
        if any(lowered in item.text.lower() for item in items):
            hint += (
                "\n(a word of hex digits names an id; to name an item by its text, give more of it)"
            )
        return f"no action item with id {wanted!r}; `mj status` lists the ids{hint}"
    return f"no action item has the id or text {wanted!r}; `mj status` lists the open items{hint}"


# ---------------------------------------------------------------- one line


def _parts(line: str) -> tuple[str, str, str, str]:
    """(list marker up to the checkbox, state character, text after the checkbox,
    trailing blanks) of an item's first line; ValueError when it has no checkbox."""
    match = ITEM_LINE.match(line)
    if match is None:
        raise ValueError("no checkbox at the start of the line")
    rest = line[match.end() :]
    text = rest.rstrip(" \t")
    return line[: match.start("state") - 1], match["state"], text, rest[len(text) :]


def edit_line(line: str, command: str, day: dt.date | None, item: ActionItem) -> str:
    """``line`` (an item's first line) after ``command``; ValueError when it cannot be
    done on this line alone (no checkbox, or the date to change is on a later line)."""
    prefix, state, text, trailing = _parts(line)
    names = {field[0] for field in item_fields(text)}
    date = day.isoformat() if day else ""
    if command == "done":
        state = "x"
        if item.done is None:
            text = insert_field(text, "done", date)
    elif command == "cancel":
        state = "-"
        if "cancelled" not in names:
            text = insert_field(text, "cancelled", date)
    elif command == "reopen":
        if item.done is not None and "done" not in names:
            raise ValueError("its done date is on a later line")
        state = " "
        text = remove_fields(text, {"done", "cancelled"})
    elif "due" in names:
        text = replace_dates(text, "due", date)
    elif item.due is not None:
        raise ValueError("its due date is on a later line")
    else:
        text = insert_field(text, "due", date)
    return f"{prefix}[{state}]{text}{trailing}"


# ---------------------------------------------------------------- one file


def _line_span(data: bytes, line: int) -> tuple[int, int]:
    """Start and end (before CR LF / LF) of a 1-based line, counting LF as the separator."""
    start = 0
    for _ in range(line - 1):
        start = data.index(b"\n", start) + 1
    end = data.find(b"\n", start)
    end = len(data) if end < 0 else end
    if end > start and data[end - 1 : end] == b"\r":
        end -= 1
    return start, end


def _same_item(candidates: Sequence[ActionItem], item: ActionItem) -> ActionItem | None:
    """``item`` among its file's items as parsed now: by its full key, or, when only its
    id is known, the one item that id names (the one at its line if several do)."""
    if item.key:
        return next((i for i in candidates if i.key == item.key), None)
    named = [
        i for i in candidates if (i.id == item.id if i.explicit_id else i.key.startswith(item.id))
    ]
    if len(named) > 1:
        named = [i for i in named if i.line == item.line]
    return named[0] if len(named) == 1 else None


def _refuse(item: ActionItem, command: str) -> None:
    """Refuse ``command`` on an item it does not apply to, saying what would."""
    where = f"({item.path}:{item.line})"
    if command in ("done", "cancel") and item.state == "done":
        when = f" on {item.done}" if item.done else ""
        hint = "opens it again" if command == "done" else "first"
        raise MjError(f"item {item.id} is already done{when} {where}; `mj reopen {item.id}` {hint}")
    if command in ("done", "cancel") and item.state == "cancelled":
        hint = f"; `mj reopen {item.id}` to open it again"
        raise MjError(f"item {item.id} is cancelled {where}{hint}")
    if command == "reopen" and item.state == "open":
        raise MjError(f"item {item.id} is open already {where}")


def _iso(day: dt.date | None) -> str | None:
    return day.isoformat() if day else None


def _after(item: ActionItem, command: str, day: dt.date | None) -> Facts:
    """(state, due, done) of the item once ``command`` is done."""
    date = _iso(day)
    if command == "done":
        return ("done", item.due, item.done or date)
    if command == "cancel":
        return ("cancelled", item.due, item.done)
    if command == "reopen":
        return ("open", item.due, None)
    return (item.state, date, item.done)


def _facts(item: ActionItem) -> tuple[str, Facts]:
    return item.key, (item.state, item.due, item.done)


def edited(
    path: Path, item: ActionItem, data: bytes, command: str, day: dt.date | None
) -> tuple[bytes, Changed]:
    """``data`` with ``command`` done to ``item``, checked on the bytes as they are now:
    no merge conflict, the item still there and open to the command, and the new line
    changes exactly that item as intended."""
    before = parse_document(item.path, data)
    refuse_conflicts(before, f"mj {command}")
    fresh = _same_item(before.items, item)
    if fresh is None:
        raise MjError(
            f"{item.path} no longer holds item {item.id} ({item.text}): it was changed "
            "meanwhile; nothing was written. `mj status` lists the ids as they are now."
        )
    _refuse(fresh, command)
    by_hand = "tick it by hand" if command == "done" else "change it by hand"
    start, end = _line_span(data, fresh.line)
    try:
        line = edit_line(data[start:end].decode("utf-8", "surrogateescape"), command, day, fresh)
    except ValueError as exc:
        raise MjError(
            f"{item.path}:{fresh.line}: mj cannot change this item on its first line alone "
            f"({exc}); {by_hand}"
        ) from None
    new = data[:start] + line.encode("utf-8", "surrogateescape") + data[end:]
    wanted = _after(fresh, command, day)
    expected = [(i.key, wanted if i is fresh else _facts(i)[1]) for i in before.items]
    if [_facts(i) for i in parse_document(item.path, new).items] != expected:
        raise MjError(
            f"{item.path}:{fresh.line}: mj cannot change this item without touching others "
            "(its checkbox is not at the start of the line, or the line is not where "
            f"an editor shows it); {by_hand}"
        )
    cancelled = any(field[0] == "cancelled" for field in item_fields(line))
    date = {"done": wanted[2], "due": wanted[1], "cancel": _iso(day) if cancelled else None}
    return new, Changed(fresh, path, date.get(command))


def apply(
    root: Path, items: Sequence[ActionItem], wanted: str, command: str, day: dt.date | None
) -> Changed:
    """Do ``command`` to the one of ``items`` that ``wanted`` names, in its file, changing
    no other byte, through the one compare-and-swap writer: when the file changed
    meanwhile, on the file as it is now, or not at all when the item is gone or closed."""
    item = find_item(items, wanted, lambda i: (i.state == "open") != (command == "reopen"))
    _refuse(item, command)
    path = root / item.path
    return rewrite(root, path, lambda data: edited(path, item, data, command, day))


def _items_in(root: Path, paths: set[str] | None) -> list[ActionItem]:
    """The items of these notes as they are on disk; none when one cannot be read.
    Their ids are the journal's while no short id among them is shared (which
    ``views.named_items`` checks for the ones a name can match)."""
    from mentorjournal.format.layout import read_head

    items: list[ActionItem] = []
    for path in sorted(paths or ()):
        data = read_head(str(root / path))
        if data is None:
            return []
        items += parse_document(path, data).items
    return items


def change(root: Path, wanted: str, command: str, day: dt.date | None = None) -> Changed:
    """`mj done/cancel/reopen/due`: no change is lost, none is doubled."""
    from mentorjournal.index import views

    # The open items the status snapshot keeps answer a whole id (ids are unique
    # journal-wide, so the whole journal names the same item). An id or a prefix of
    # one is looked for in the notes the snapshot says hold every item, open or closed,
    # that it may name: all that the whole journal would find by it are there. A name
    # by text, or one that names nothing there, the whole journal answers: texts are
    # matched as written in every note, and "no such item" lists the close ones.
    lowered = " ".join(wanted.split()).lower()
    found = views.named_items(root, lowered) if _HEX.fullmatch(lowered) else None
    if found is not None:
        open_now, notes = found
        whole = [item for item in open_now if item.id.lower() == lowered]
        if whole and command != "reopen":
            try:
                return apply(root, whole, wanted, command, day)
            except MjError:
                pass
        items = _items_in(root, notes)
        if _by_id(items, " ".join(wanted.split())):
            return apply(root, items, wanted, command, day)
    journal = views.journal(root)
    try:
        return apply(root, journal.items(), wanted, command, day)
    except MjError as exc:
        marked = [
            d.path
            for d in journal.documents
            if any(f.code == "conflict-marker" for f in d.findings)
        ]
        if not marked or not str(exc).startswith("no action item"):
            raise
        raise MjError(
            f"{exc}\n{', '.join(marked)} holds merge conflict markers: its items are hidden "
            "until the merge is finished (`mj validate` shows the lines)"
        ) from None
