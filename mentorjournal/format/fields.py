"""The fields of a task item, in every dialect, read and written.

Dialects: mj's own ``due:DATE`` and ``done:DATE`` ("plain"), Obsidian Tasks' emoji
signs ("emoji", after its ``DefaultTaskSerializer``), Dataview's ``[key:: value]``
and ``(key:: value)`` ("dataview"), and Obsidian's trailing ``^block-id`` that any
item may end with ("obsidian"). Obsidian Tasks reads its fields only from the end
of a line, in any order, and writes them in the order of its ``TaskLayoutComponent``
(id, depends on, priority, recurrence, on completion, created, start, scheduled,
due, cancelled, done, block id): ``insert_field`` places a new field into that
order among the fields that end the line, so Tasks still reads every one of them.
"""

from __future__ import annotations

import re

TYPE_CHECKING = False  # not typing.TYPE_CHECKING: the parse path stays off typing
if TYPE_CHECKING:
    # A field of an item's text: (name, value, dialect, start, end, value start,
    # value end).
    Field = tuple[str, str, str, int, int, int, int]

_DATE = r"(\d{4}-\d{2}-\d{2})"
HASHTAG = re.compile(r"(?<![\w&#/])#([A-Za-z0-9][\w/-]*)")

# (name, dialect, the characters a field starts with, the pattern after that
# character, whose first group is the value). Fields are read anywhere in an item, so
# that no field is ever item text. Each emoji may carry a variation selector (U+FE0F),
# as in Tasks' own patterns. A due or done emoji takes a date even when text follows
# it without a space (`📅 2025-08-01⏫`); any other value is a bad date, as for
# `due:`. The other dates count only when they look like one.
_SIGN = "\ufe0f?[ \t]*"
TASK_ID = r"[A-Za-z0-9_-]+"
_EMOJI_DATE = r"(\d{4}-\d{2}-\d{2}(?![\w-])|\S*)"
_FIELD_SPECS = (
    ("due", "plain", "d", r"(?<!\Sd)ue:(\S*)"),
    ("done", "plain", "d", r"(?<!\Sd)one:(\S*)"),
    ("priority", "emoji", "🔺⏫🔼🔽⏬", "()\ufe0f?"),  # the value is the sign itself
    ("recurrence", "emoji", "🔁", _SIGN + "([a-zA-Z0-9, !]*[a-zA-Z0-9!])"),
    ("onCompletion", "emoji", "🏁", _SIGN + "([a-zA-Z]+)"),
    ("created", "emoji", "➕", _SIGN + _DATE),
    ("start", "emoji", "🛫", _SIGN + _DATE),
    ("scheduled", "emoji", "⏳⌛", _SIGN + _DATE),
    ("due", "emoji", "📅📆🗓", _SIGN + _EMOJI_DATE),
    ("cancelled", "emoji", "❌", _SIGN + _DATE),
    ("done", "emoji", "✅", _SIGN + _EMOJI_DATE),
    ("dependsOn", "emoji", "⛔", _SIGN + f"({TASK_ID}(?:[ \t]*,[ \t]*{TASK_ID})*)"),
    ("id", "emoji", "🆔", _SIGN + f"({TASK_ID})"),
    # A block id (` ^abc-1`) counts only at the very end of the item.
    ("block", "obsidian", "^", r"(?<!\S\^)([A-Za-z0-9-]+)$"),
    # Dataview: [key:: value] (the value may hold [[links]]) and (key:: value).
    ("", "dataview", "[", r"(\w[\w .-]*?)::[ \t]*((?:\[\[[^\]]*\]\]|[^\[\]])*?)[ \t]*\]"),
    ("", "dataview", "(", r"(\w[\w .-]*?)::[ \t]*([^()]*?)[ \t]*\)"),
)
# One alternative per first character, each starting with that literal character:
# then the regex engine skips straight to the characters a field can start with
# (measured: ~1.5 us for an item with a `due:`, against ~20 us when every
# alternative is tried at every position).
_FIELDS = re.compile(
    "|".join(
        re.escape(lead) + f"(?P<f{n}_{k}>{spec[3]})"
        for n, spec in enumerate(_FIELD_SPECS)
        for k, lead in enumerate(spec[2])
    )
)
# Dataview keys for the fields Tasks names otherwise.
_DATAVIEW_NAMES = {
    "completion": "done",
    "repeat": "recurrence",
    "dependson": "dependsOn",
    "oncompletion": "onCompletion",
}
PRIORITIES = {"🔺": "highest", "⏫": "high", "🔼": "medium", "🔽": "low", "⏬": "lowest"}
# Fields whose value must be a real date.
DATE_FIELDS = frozenset({"due", "done", "created", "start", "scheduled", "cancelled"})


def item_fields(text: str) -> list[Field]:
    """Every field of an item's text (what follows its checkbox), in order of place.

    Names are Obsidian Tasks' (``due``, ``done``, ``cancelled``, ``priority``,
    ``recurrence``, ``id``, ``dependsOn``, ``block`` ...); a Dataview key names its field
    (lower case, ``completion`` read as ``done`` and ``repeat`` as ``recurrence``). A
    priority's value is its name (``high``) in both dialects.
    """
    if text.isascii() and ":" not in text and "^" not in text:
        return []  # no emoji, no key: field, no block id (most items of most notes)
    found: list[Field] = []
    for match in _FIELDS.finditer(text):
        # The named group of the alternative that matched closes last; its value
        # (a Dataview key, then its value) is in the groups that follow it.
        group = (match.lastindex or 0) + 1
        name, dialect, *_ = _FIELD_SPECS[int((match.lastgroup or "f0_0")[1:].partition("_")[0])]
        if dialect == "dataview":
            key = match.group(group).strip().lower()
            name = _DATAVIEW_NAMES.get(key, key)
            group += 1
        value = match.group(group)
        if name == "priority":
            value = PRIORITIES.get(text[match.start()], value.strip().lower())
        found.append((name, value, dialect, *match.span(), *match.span(group)))
    return found


def trailing_fields(text: str) -> list[Field]:
    """The fields that end ``text``, as Obsidian Tasks reads them: it takes fields off
    the end of a line one by one (tags between them allowed) and stops at the first
    word that is neither; in order of place."""
    fields = {field[4]: field for field in item_fields(text)}
    tags = {match.end(): match.start() for match in HASHTAG.finditer(text)}
    run: list[Field] = []
    end = len(text.rstrip())
    while True:
        if end in fields:
            run.append(fields[end])
            end = len(text[: fields[end][3]].rstrip())
        elif end in tags:
            end = len(text[: tags[end]].rstrip())
        else:
            return run[::-1]


# Obsidian Tasks' order of fields; a Dataview key it does not know sorts first.
_ORDER = (
    *("id", "dependsOn", "priority", "recurrence", "onCompletion", "created", "start"),
    *("scheduled", "due", "cancelled", "done", "block"),
)
# How each dialect writes the dates mj sets; a plain item has no cancelled date.
_TOKENS = {
    "emoji": {"due": "📅 {}", "done": "✅ {}", "cancelled": "❌ {}"},
    "dataview": {"due": "[due:: {}]", "done": "[completion:: {}]", "cancelled": "[cancelled:: {}]"},
    "plain": {"due": "due:{}", "done": "done:{}"},
}


def dialect(text: str) -> str:
    """How an item writes its fields: "emoji" (Obsidian Tasks) when it has any,
    else "dataview" when it has any, else mj's "plain" ``due:``/``done:``."""
    kinds = {field[2] for field in item_fields(text)}
    return "emoji" if "emoji" in kinds else "dataview" if "dataview" in kinds else "plain"


def _rank(name: str) -> int:
    return _ORDER.index(name) if name in _ORDER else -1


def insert_field(text: str, name: str, value: str, kind: str | None = None) -> str:
    """``text`` (an item's, after its checkbox) with field ``name`` set to ``value`` in
    dialect ``kind`` (default: the item's own), placed where Obsidian Tasks reads it:
    among the fields that end the line, before the first that Tasks writes after it
    (so always before a block id). Unchanged when the dialect has no such field."""
    kind = kind or dialect(text)
    token = _TOKENS[kind].get(name)
    if token is None:
        return text
    token = token.format(value)
    space = "  " if kind == "dataview" and "  [" in text else " "
    for field in trailing_fields(text):
        if _rank(field[0]) > _rank(name):
            return text[: field[3]] + token + space + text[field[3] :]
    return text + space + token if text.strip() else text + token


def remove_fields(text: str, names: set[str]) -> str:
    """``text`` without the fields named in ``names`` and the blanks before each."""
    for field in reversed(item_fields(text)):
        if field[0] in names:
            before, after = text[: field[3]].rstrip(" \t"), text[field[4] :]
            glue = " " if before and after and not after[0].isspace() else ""
            text = before + glue + after
    return text


def replace_dates(text: str, name: str, value: str) -> str:
    """``text`` with the value of every ``name`` field replaced by ``value`` (trailing
    punctuation after a plain ``due:DATE,`` kept)."""
    for field in reversed(item_fields(text)):
        if field[0] == name:
            old = text[field[5] : field[6]]
            kept = old[len(old.rstrip(".,;:!?)")) :] if field[2] == "plain" else ""
            text = text[: field[5]] + value + kept + text[field[6] :]
    return text
