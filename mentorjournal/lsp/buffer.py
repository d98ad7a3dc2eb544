"""A file open in an editor, its unsaved text read against its journal: the findings,
completions, hover and "mark done" that `mj lsp` serves. No pygls here.

The text is read the one way the index reads a file (``filecheck.parse_and_check``)
and stands in for that file in the journal as last read from disk; the findings are
that document's own, ``validate.document_cross_checks`` against the people and goals
of that journal, and, for the agreement or an item with an explicit id, the journal-
wide rules that need every file. So a buffer shows what `mj validate` shows for the
file once it is saved, at the same lines and columns (columns count code points).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from mentorjournal.audience import Gate
from mentorjournal.checks import schemas
from mentorjournal.checks.filecheck import parse_and_check
from mentorjournal.checks.validate import cross_checks, document_cross_checks, linkable_goals
from mentorjournal.format import layout
from mentorjournal.format.dates import today
from mentorjournal.format.document import document_from_packed
from mentorjournal.journal import assemble, people
from mentorjournal.model import ActionItem, Document, Finding, Journal


def journal_path(file_path: str) -> tuple[str, str] | None:
    """(journal root, path inside it) of a Markdown file in a journal; None elsewhere."""
    real = Path(file_path).resolve()
    root = layout.find_root(str(real.parent))
    if root is None or real.suffix != ".md":
        return None
    relative = real.relative_to(root).as_posix()
    if layout.SKIP_DIRS.intersection(relative.split("/")[:-1]):
        return None
    return (root, relative) if layout.in_journal(root, relative) else None


@dataclass(frozen=True)
class Buffer:
    """One open file: its text, its document as the journal holds it (journal-wide
    ids, a goal's owner on its milestones), and the journal with it in place."""

    text: str
    document: Document
    journal: Journal

    @property
    def gate(self) -> Gate:
        """What may be offered or shown in this file: anything in one's own private
        note; in a shared note only what the pair shares (never a private goal)."""
        agreement = self.journal.agreement
        meta = agreement.meta if agreement is not None else {}
        return Gate("self" if self.document.private else "pair", meta)


def open_buffer(path: str, text: str, on_disk: Journal) -> Buffer | None:
    """``text`` as the file ``path`` of the journal ``on_disk``; None when mj would not
    read such a file as a journal file (a README without ``type:``)."""
    data = text.encode("utf-8", "surrogatepass")  # a lone surrogate: an invalid-utf8 finding
    if not layout.is_candidate(path, data):
        return None
    own = document_from_packed(path, parse_and_check(path, data), checked=True)
    others = [doc for doc in on_disk.documents if doc.path != path]
    documents = tuple(assemble(sorted([*others, own], key=lambda doc: doc.path)))
    journal = Journal(on_disk.root, documents, on_disk.findings)
    return Buffer(text, next(doc for doc in documents if doc.path == path), journal)


def buffer_findings(buffer: Buffer) -> list[Finding]:
    """What `mj validate` reports for this file, were it saved as it is."""
    doc, journal = buffer.document, buffer.journal
    found = [*(f for f in journal.findings if f.path == doc.path), *doc.findings]
    found += document_cross_checks(doc, people(journal), linkable_goals(journal, doc.path))
    if doc.kind == "agreement" or any(item.explicit_id for item in doc.items):
        # The agreement's own rules and ids used twice need every file.
        found += [f for f in cross_checks(journal) if f.path == doc.path]
    return sorted(set(found), key=lambda f: (f.line, f.column, f.code, f.message))


# ---------------------------------------------------------------- completion


@dataclass(frozen=True)
class Completion:
    """Text to put in place of the line's text from ``start`` (a column, 0-based, in
    code points) to the cursor."""

    label: str
    detail: str
    start: int
    kind: str  # "person", "goal", "key" or "value"


_OWNER = re.compile(r"(?<![\w@.])@[A-Za-z0-9_.-]*$")
_GOAL = re.compile(r"(?<![\w&#/])#[\w-]*$")
_FENCE = re.compile(r"\ufeff?---[ \t]*\r?")
_CLOSE = re.compile(r"(---|\.\.\.)[ \t]*\r?")
_KEY_TYPED = re.compile(r"( *)(- +)?([A-Za-z_][\w-]*)?")
_VALUE_TYPED = re.compile(
    r"( *)(- +)?([A-Za-z_][\w-]*)[ \t]*:[ \t]+(\[(?:[^\]]*,)?[ \t]*)?([^\s,\[\]{}]*)"
)
_LINE = re.compile(r"( *)(- +)?(?:([A-Za-z_][\w-]*)[ \t]*:(?![^ \t\r]))?(.*)")
ITEM = 0  # a list element, in a key path


def completions(buffer: Buffer, row: int, column: int) -> list[Completion]:
    """What may be typed at (row, column), both 0-based: a person after ``@``, a goal
    after ``#``, and in front matter a key or a value the schema allows."""
    lines = buffer.text.split("\n")
    before = lines[row][:column] if row < len(lines) else ""
    close = next((i for i in range(1, len(lines)) if _CLOSE.fullmatch(lines[i])), None)
    if row > 0 and _FENCE.fullmatch(lines[0]) and (close is None or row < close):
        return _front_matter(buffer, lines, row, before)
    if match := _OWNER.search(before):
        return [
            Completion(f"@{h}", detail, match.start(), "person") for h, detail in _people(buffer)
        ]
    if match := _GOAL.search(before):
        return [Completion(f"#{g}", title, match.start(), "goal") for g, title in _goals(buffer)]
    return []


def _people(buffer: Buffer) -> list[tuple[str, str]]:
    return [(h, f"{p.name} ({p.role})") for h, p in people(buffer.journal).items()]


def _goals(buffer: Buffer) -> list[tuple[str, str]]:
    goals = buffer.gate.view(buffer.journal).goals
    return [(goal_id, str(doc.meta.get("title", ""))) for goal_id, doc in sorted(goals.items())]


def _front_matter(buffer: Buffer, lines: list[str], row: int, before: str) -> list[Completion]:
    kind = buffer.document.kind
    if kind not in schemas.KINDS:
        return []
    key_typed = _KEY_TYPED.fullmatch(before)
    typed = key_typed or _VALUE_TYPED.fullmatch(before)
    if typed is None:
        return []
    dash = typed[2] or ""
    path = _parents(lines, row, len(typed[1]) + 1 if dash else len(typed[1]))
    if path is None:
        return []
    if key_typed:
        start = typed.start(3) if typed[3] else len(before)
        node = _node(kind, [*path, ITEM] if dash else path)
        properties = schemas.resolve(node, kind).get("properties") if node else None
        if isinstance(properties, dict):
            present = set(buffer.document.meta) if not path and not dash else set()
            return [
                Completion(key, str(sub.get("description", "")), start, "key")
                for key, sub in properties.items()
                if key not in present and key != "type"
            ]
        return _values(buffer, kind, node, start) if dash else []
    path = [*path, ITEM, typed[3]] if dash else [*path, typed[3]]
    node = _node(kind, [*path, ITEM] if typed[4] else path)
    return _values(buffer, kind, node, typed.start(5))


def _parents(lines: list[str], row: int, indent: int) -> list[str | int] | None:
    """The key path of the mapping a front-matter line indented by ``indent`` belongs to,
    from the lines above it; None when it sits in something else (a long text)."""
    path: list[str | int] = []
    for number in range(row - 1, 0, -1):
        if indent == 0:
            break
        line = lines[number]
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        parts = _LINE.fullmatch(line)
        assert parts is not None  # every part of the pattern is optional
        own, dash, key, rest = len(parts[1]), parts[2] or "", parts[3], parts[4].strip()
        if own >= indent:
            continue  # deeper, or beside us
        if dash and own + len(dash) == indent:
            path.insert(0, ITEM)  # the list element we are in
        elif dash:
            continue  # an element beside ours in a list written flush with its key
        elif key is None or (rest and not rest.startswith("#")):
            return None
        else:
            path.insert(0, key)
        indent = own
    return path


def _node(kind: str, path: list[str | int]) -> dict[str, Any] | None:
    """The schema of ``kind`` at ``path`` (a reference left unresolved at the end, so
    that a handle or a goal id can be told apart)."""
    node: Any = schemas.schema(kind)
    for part in path:
        node = schemas.resolve(node, kind)
        node = node.get("items") if part == ITEM else node.get("properties", {}).get(part)
        if not isinstance(node, dict):
            return None
    return dict(node)


def _values(buffer: Buffer, kind: str, node: dict[str, Any] | None, start: int) -> list[Completion]:
    if node is None:
        return []
    reference = str(node.get("$ref", ""))
    if reference.endswith("/handle") and kind != "agreement":
        return [Completion(h, detail, start, "person") for h, detail in _people(buffer)]
    if reference.endswith("/goal_id"):
        return [Completion(g, title, start, "goal") for g, title in _goals(buffer)]
    node = schemas.resolve(node, kind)
    if node.get("format") == "date":
        return [Completion(today().isoformat(), "today", start, "value")]
    choices = node.get("enum") or (["true", "false"] if node.get("type") == "boolean" else [])
    return [Completion(str(value), "", start, "value") for value in choices]


# ---------------------------------------------------------------- hover and done


def item_at(buffer: Buffer, row: int) -> ActionItem | None:
    """The action item whose line is ``row`` (0-based)."""
    return next((item for item in buffer.document.items if item.line == row + 1), None)


def hover_text(buffer: Buffer, row: int, day: dt.date) -> str | None:
    """Markdown about the item on ``row``: its id, state, owners, due date and goals."""
    item = item_at(buffer, row)
    if item is None:
        return None
    known = people(buffer.journal)
    lines = [f"**action item `{item.id}`**, {item.state} (`mj done {item.id}`)", ""]
    for handle in item.owners:
        person = known.get(handle)
        who = f" ({_markdown(person.name)}, {person.role})" if person else " (not in the agreement)"
        lines.append(f"- owner: @{handle}{who}")
    if item.due:
        late = item.is_open and item.due < day.isoformat()
        lines.append(f"- due: {item.due}{' (overdue)' if late else ''}")
    if item.done:
        lines.append(f"- done: {item.done}")
    gate, goals = buffer.gate, buffer.journal.goals
    for tag in item.hashtags:
        goal = goals.get(tag)
        if goal is None:
            continue
        title = goal.meta.get("title") if gate.quotes(goal.path, goal.meta) else None
        lines.append(f"- goal: #{tag}" + (f": {_markdown(str(title))}" if title else ""))
    return "\n".join(lines)


def _markdown(text: str) -> str:
    """``text`` shown as it is, not as Markdown."""
    return re.sub(r"([\\`*_\[\]<>#|~])", r"\\\1", text)


def marked_done(buffer: Buffer, row: int, day: dt.date) -> str | None:
    """The line ``row`` as `mj done` writes it when it ticks that line's item (the
    same code, on the unsaved text); None when there is no open item to tick there."""
    from mentorjournal.edit.actions import edited
    from mentorjournal.errors import MjError

    item = item_at(buffer, row)
    if item is None or not item.is_open:
        return None
    data = buffer.text.encode("utf-8", "surrogateescape")
    path = Path(buffer.journal.root, item.path)
    try:
        new = edited(path, item, data, "done", day)[0]
    except MjError:
        return None  # a conflict in the file, or ticking would change more than the item
    return new.split(b"\n")[row].decode("utf-8", "surrogateescape").rstrip("\r")
