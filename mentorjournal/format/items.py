"""Action items from a Markdown body (their fields: ``fields.py``): all markdown-it-py
use lives here.

Only block structure matters (which paragraphs open a list item), so the inline
rules are switched off: that is cheaper, and pathological inline input (100,000
``*``) cannot slow us down. Code blocks, HTML blocks and front matter never reach
the item scan because markdown-it reports them as their own tokens.

``quickblocks`` answers the same question for the Markdown that notes are made of,
exactly as markdown-it would (tests/format/test_quickblocks.py compares the two), and says
"not sure" for anything else: only then is markdown-it imported. It is the one
hand-written twin left, because markdown-it costs a cold `mj validate` ~160 us more
per note and the pre-commit check ~30 ms of import; its docstring has the figures.
"""

from __future__ import annotations

import re
from functools import lru_cache

from mentorjournal.digest import sha1_hex
from mentorjournal.format.dates import parse_date
from mentorjournal.format.fields import DATE_FIELDS, HASHTAG, TASK_ID, item_fields
from mentorjournal.format.quickblocks import item_paragraphs

TYPE_CHECKING = False  # not typing.TYPE_CHECKING: the parse path stays off typing
if TYPE_CHECKING:
    from markdown_it import MarkdownIt

    from mentorjournal.model import ActionItem, Finding, ItemState, Severity

    # An item as plain values, ActionItem's fields after ``path`` in order: (line,
    # state, text, owners, due, done, hashtags, id, key, explicit_id, depth,
    # owner_columns). The caches store items in this form.
    ItemRow = tuple[
        int,
        ItemState,
        str,
        tuple[str, ...],
        str | None,
        str | None,
        tuple[str, ...],
        str,
        str,
        bool,
        int,
        tuple[int, ...],
    ]
    # A finding without its path: (line, column, severity, code, message).
    FindingRow = tuple[int, int, Severity, str, str]

_CHECKBOX = re.compile(r"\[([ xX/-])\](?:[ \t]+|$)")
# `[/]` is Obsidian's "in progress": an open item.
_STATES: dict[str, ItemState] = {
    " ": "open",
    "/": "open",
    "x": "done",
    "X": "done",
    "-": "cancelled",
}

# Owners: `@handle` not preceded by a word character (so e-mail addresses are not owners).
_OWNER = re.compile(r"(?<![\w@.])@([A-Za-z][A-Za-z0-9_.-]*)")
_DATE = r"(\d{4}-\d{2}-\d{2})"
TRAILING = ".,;:!?)"

ID_LENGTH = 6


@lru_cache(maxsize=1)
def _parser() -> MarkdownIt:
    from markdown_it import MarkdownIt

    md = MarkdownIt("commonmark", {"maxNesting": 100})
    md.disable(["inline", "text_join"])
    return md


def _item_paragraphs(body: str) -> list[tuple[int, int, str]]:
    """(line in body, nesting depth, text) of each list item opening with a paragraph."""
    found: list[tuple[int, int, str]] = []
    depth = 0
    # markdown-it ends a line at a lone CR too; here only LF does (see document.py).
    tokens = _parser().parse(body.replace("\r", " "))
    for index, token in enumerate(tokens):
        if token.type == "list_item_open":
            depth += 1
        elif token.type == "list_item_close":
            depth -= 1
        if token.type != "list_item_open" or index + 2 >= len(tokens):
            continue
        paragraph, inline = tokens[index + 1], tokens[index + 2]
        if paragraph.type == "paragraph_open" and inline.type == "inline" and paragraph.map:
            found.append((paragraph.map[0], depth - 1, inline.content))
    return found


def _column(source_line: str, needle: str, raw: str = "", at: int = 0) -> int:
    """Where ``needle`` is on the line: its first occurrence, or the one found at
    ``raw[at:]`` (``raw``: the item's text, blanks collapsed) when it occurs more than
    once, so that of two equal dates the second is not reported at the first."""
    index = -1
    for _ in range(raw.count(needle, 0, at) + 1):
        index = source_line.find(needle, index + 1)
        if index < 0:
            return 1  # on a line the item continues on
    return index + 1


def extract_items(
    path: str, body: str, body_line: int, source_lines: list[str]
) -> tuple[list[ActionItem], list[Finding]]:
    """Every task list item in ``body``; ``body_line`` is the body's first line in the file."""
    from mentorjournal.model import ActionItem, Finding

    rows, finding_rows = item_rows(path, body, body_line, source_lines)
    return (
        [ActionItem.from_row(path, row) for row in rows],
        [Finding(path, *row) for row in finding_rows],
    )


def item_rows(
    path: str, body: str, body_line: int, source_lines: list[str]
) -> tuple[list[ItemRow], list[FindingRow]]:
    """``extract_items`` as plain tuples: what the parse path builds without dataclasses."""
    if "[" not in body:
        return [], []
    items: list[ItemRow] = []
    findings: list[FindingRow] = []
    seen: dict[str, int] = {}
    paragraphs = item_paragraphs(body)
    if paragraphs is None:
        paragraphs = _item_paragraphs(body)
    for offset, depth, content in paragraphs:
        box = _CHECKBOX.match(content)
        if not box:
            continue
        line = offset + body_line
        source = source_lines[line - 1] if line - 1 < len(source_lines) else ""
        raw = " ".join(content[box.end() :].split())
        cut: list[tuple[int, int]] = []
        found: dict[str, str] = {}
        for name, value, _, start, end, _, _ in item_fields(raw):
            cut.append((start, end))
            if name in DATE_FIELDS:
                value = value.strip().rstrip(TRAILING)
                if parse_date(value) is None:
                    shape = re.fullmatch(_DATE, value)
                    if shape or name in ("due", "done"):  # other dates count when date-shaped
                        reason = "is not a real date" if shape else "is not a date YYYY-MM-DD"
                        # At the date itself, which is what is wrong (and an editor marks).
                        needle = value if value and value in raw[start:end] else raw[start:end]
                        column = _column(source, needle, raw, raw.find(needle, start, end))
                        message = f"{name} date {value!r} {reason}"
                        findings.append((line, column, "error", "invalid-date", message))
                    continue
            elif name == "id" and not re.fullmatch(TASK_ID, value):
                continue
            found.setdefault(name, value)

        owners: list[str] = []
        columns: list[int] = []
        for match in _OWNER.finditer(raw):
            handle = match.group(1).rstrip(TRAILING)
            cut.append((match.start(), match.start() + 1 + len(handle)))
            if handle not in owners:
                owners.append(handle)
                columns.append(_column(source, "@" + handle))

        explicit = found.get("id")
        hashtags = tuple(dict.fromkeys(m.group(1).rstrip(TRAILING) for m in HASHTAG.finditer(raw)))
        text = _remove_spans(raw, cut)
        words = text.replace("_", "*")
        occurrence = seen.get(words, 0)
        seen[words] = occurrence + 1
        # The id is cut from the path, the words (blanks collapsed, ``_`` read as ``*``,
        # so that a formatter's ``*x*`` -> ``_x_`` keeps the id) and how many items before
        # it in the file have the same words. surrogatepass: a path that is not UTF-8.
        key = explicit or sha1_hex(
            f"{path}\0{words}\0{occurrence}".encode("utf-8", "surrogatepass")
        )
        items.append(
            (
                line,
                _STATES[box.group(1)],
                text,
                tuple(owners),
                found.get("due"),
                found.get("done"),
                hashtags,
                key[:ID_LENGTH] if explicit is None else explicit,
                key,
                explicit is not None,
                depth,
                tuple(columns),
            )
        )
    return items, findings


def _remove_spans(text: str, spans: list[tuple[int, int]]) -> str:
    if not spans:
        return " ".join(text.split())
    keep: list[str] = []
    position = 0
    for start, end in sorted(spans):
        if start > position:
            keep.append(text[position:start])
        position = max(position, end)
    keep.append(text[position:])
    # "ask @ben." without its owner leaves a lone "." behind: drop such leftovers.
    return " ".join(word for word in "".join(keep).split() if word.strip(TRAILING))


def remove_hashtags(text: str, tags: set[str]) -> str:
    """``text`` without the ``#tag`` markers named in ``tags`` (goal links)."""
    if not tags:
        return text
    spans = [m.span() for m in HASHTAG.finditer(text) if m.group(1).rstrip(TRAILING) in tags]
    return _remove_spans(text, spans)
