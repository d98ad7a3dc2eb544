"""What changed between two versions of a journal, in the words of a commit message.

The comparison is pure (`journal_changes` takes two path -> bytes maps and returns
`Change` records); `commit_message` turns those into the words `mj commit`
(``git/committing.py``) records. `field_changes` and `section_changes` are shared with
`mj history`.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from mentorjournal.audience import quotable
from mentorjournal.format.document import parse_document
from mentorjournal.model import ActionItem, Document
from mentorjournal.render.terminal import plural

TYPE_CHECKING = False  # not typing.TYPE_CHECKING: `mj commit` stays off typing
if TYPE_CHECKING:
    from typing import Any

# A longer subject keeps its first parts and lists every part in the body (the
# issue's own example, four parts, is 125 characters: keep such a message whole).
_SUBJECT_LIMIT = 140
_HEADING = re.compile(r"^(#{1,2})[ \t]+(.*?)[ \t#]*$")
_FENCE = re.compile(r"^[ ]{0,3}(`{3,}|~{3,})")


@dataclass(frozen=True)
class FieldChange:
    """One front-matter value that changed, at a dotted path (`cadence.every`)."""

    path: str
    before: Any
    after: Any

    def describe(self) -> str:
        name = self.path.rpartition(".")[2]
        before, after = (
            render_value(_keys_shown(value, name)) for value in (self.before, self.after)
        )
        return f"{self.path}: {before} -> {after}"


def _keys_shown(value: Any, name: str) -> Any:
    """``value`` with each SSH public key (a ``key:``) as its fingerprint, as `ssh-keygen
    -l` prints it: a whole key (~100 characters) filled a commit's subject line."""
    if isinstance(value, Mapping):
        return {key: _keys_shown(part, str(key)) for key, part in value.items()}
    if isinstance(value, list):
        return [_keys_shown(part, name) for part in value]
    if name == "key" and isinstance(value, str):
        from mentorjournal.sshkeys import fingerprint, key_id

        return fingerprint(value) if key_id(value) else value
    return value


@dataclass(frozen=True)
class SectionChange:
    """A body section (its heading; "" for text before the first heading) and how it changed."""

    heading: str
    change: str  # "added", "removed" or "changed"


@dataclass(frozen=True)
class Change:
    """One thing a commit does, in words a mentor and mentee use."""

    # "session", "goal", "agreement", "items" or "file"
    what: str
    summary: str
    # Each item of an "items" change in full ("tick: Draft case study 1"), for the body.
    details: tuple[str, ...] = ()


# --------------------------------------------------------------------------- comparing


def render_value(value: Any) -> str:
    """A front-matter value in a commit message or history line."""
    if value is None:
        return "(none)"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False, separators=(", ", ": "))


def field_changes(before: Mapping[str, Any], after: Mapping[str, Any]) -> list[FieldChange]:
    """Changed values by dotted path; mappings are compared key by key, lists as a whole."""
    found: list[FieldChange] = []

    def walk(old: Any, new: Any, path: str) -> None:
        if isinstance(old, Mapping) and isinstance(new, Mapping):
            for key in [*old, *(k for k in new if k not in old)]:
                walk(old.get(key), new.get(key), f"{path}.{key}" if path else str(key))
        elif old != new:
            found.append(FieldChange(path, old, new))

    walk(before, after, "")
    return found


def _sections(body: str) -> dict[str, str]:
    """Body text by `#`/`##` heading (code fences respected); "" holds text before any."""
    sections: dict[str, list[str]] = {"": []}
    current = ""
    fence: str | None = None
    for line in body.replace("\r\n", "\n").split("\n"):
        marker = _FENCE.match(line)
        if marker:
            if fence is None:
                fence = marker.group(1)[0]
            elif marker.group(1)[0] == fence:
                fence = None
        heading = _HEADING.match(line) if fence is None else None
        if heading:
            current = heading.group(2)
            while current in sections:  # a repeated heading stays a section of its own
                current += " (again)"
            sections[current] = []
            continue
        sections[current].append(line.rstrip())
    return {name: "\n".join(lines).strip() for name, lines in sections.items()}


def section_changes(before: str | None, after: str | None) -> list[SectionChange]:
    """Sections of a Markdown body added, removed or changed, in the order of the new body."""
    old = _sections(before or "")
    new = _sections(after or "")
    found: list[SectionChange] = []
    for name, text in new.items():
        if name not in old:
            if name or text:
                found.append(SectionChange(name, "added"))
        elif old[name] != text:
            found.append(SectionChange(name, "changed"))
    found.extend(SectionChange(name, "removed") for name in old if name not in new)
    return found


def _signers(meta: Mapping[str, Any]) -> list[tuple[str, str]]:
    entries = meta.get("signatures")
    if not isinstance(entries, list):
        return []
    return [
        (entry["by"], str(entry.get("digest", "")))
        for entry in entries
        if isinstance(entry, dict) and isinstance(entry.get("by"), str)
    ]


def signatures_added(before: Mapping[str, Any], after: Mapping[str, Any]) -> list[str]:
    """Handles whose signature is new or renewed (a new digest) in `after`."""
    old = set(_signers(before))
    return list(dict.fromkeys(by for by, digest in _signers(after) if (by, digest) not in old))


ITEM_VERBS = ("tick", "add", "cancel", "reopen", "re-date", "remove")
# A commit subject names items while it stays this short; the body names every one.
_NAMED_LIMIT = 100


def _item_changes(old: Document | None, new: Document | None) -> dict[str, list[str | None]]:
    """The items added, ticked, cancelled, reopened, re-dated and removed between two
    versions, by verb: each its text (a re-dated one's with its new due date), or None
    when the file's text may not be copied (a confidential session's:
    ``audience.quotable``)."""
    found: dict[str, list[str | None]] = {verb: [] for verb in ITEM_VERBS}
    before = {i.key or i.id: i for i in (old.items if old else ())}
    after = {i.key or i.id: i for i in (new.items if new else ())}

    def name(doc: Document | None, item: ActionItem) -> str | None:
        return item.text if doc is not None and quotable(doc.path, doc.meta) else None

    for key, item in after.items():
        previous = before.get(key)
        if previous is None:
            verb = "add"
        elif previous.state != item.state:
            verb = {"done": "tick", "cancelled": "cancel"}.get(item.state, "reopen")
        elif previous.due != item.due or previous.done != item.done:
            text, due = name(new, item), item.due or "no due date"
            when = f"-> {due}" if previous.due != item.due else f"done {item.done or 'undated'}"
            found["re-date"].append(text and f"{text} {when}")
            continue
        else:
            continue
        found[verb].append(name(new, item))
    found["remove"] = [name(old, item) for key, item in before.items() if key not in after]
    return found


def _shortened(text: str, limit: int = 60) -> str:
    text = " ".join(text.split()) or "(no text)"
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _items_change(verb: str, names: list[str | None]) -> Change:
    """``tick: Draft case study 1; Send the intro`` (as many as fit, then ``and 3 more``;
    items that may not be quoted are counted)."""
    shown = [_shortened(n) for n in names if n is not None]
    hidden = len(names) - len(shown)
    details = tuple(f"{verb}: {n}" for n in shown)
    if hidden:
        details += (f"{verb} {plural(hidden, 'action')} in a confidential session",)
    named: list[str] = []
    for text in shown:
        if named and len("; ".join([*named, text])) > _NAMED_LIMIT:
            break
        named.append(text)
    rest = len(shown) - len(named) + hidden
    if not named:
        summary = f"{verb} {plural(rest, 'action')}"
    else:
        summary = f"{verb}: " + "; ".join(named)
        if rest:
            summary += f" and {rest} more"
    return Change("items", summary, details)


def _edited(old: Document, new: Document) -> bool:
    """True when more changed than item lines (ticks and new items are told as counts)."""
    if old.meta != new.meta:
        return True

    def without_items(doc: Document) -> list[str]:
        lines = doc.body.split("\n")
        item_lines = {item.line - doc.body_line for item in doc.items}
        return [line for index, line in enumerate(lines) if index not in item_lines]

    return without_items(old) != without_items(new)


def _document_changes(path: str, old: Document | None, new: Document | None) -> list[Change]:
    """How one journal document changed; item ticks are counted by the caller."""
    doc = new or old
    assert doc is not None
    kind, name = doc.kind, doc.stem
    if kind not in ("session", "goal", "agreement"):
        return [Change("file", f"update {path}")]
    if old is None or new is None:
        if kind == "agreement":
            return [Change(kind, f"{'add' if new else 'remove'} the agreement")]
        if new is None:
            return [Change(kind, f"remove {kind} {name}")]
        status = new.meta.get("status")
        if kind == "session":
            extra = f" ({plural(len(new.items), 'action')})" if new.items else ""
        else:
            extra = f" ({status})" if isinstance(status, str) else ""
        return [Change(kind, f"add {kind} {name}{extra}")]
    if kind == "agreement":
        return _agreement_changes(old, new)
    old_status, new_status = old.meta.get("status"), new.meta.get("status")
    if kind == "goal" and old_status != new_status:
        said = f"goal {name}: {render_value(old_status)} -> {render_value(new_status)}"
        return [Change(kind, said)]
    return [Change(kind, f"edit {kind} {name}")] if _edited(old, new) else []


def _agreement_changes(old: Document, new: Document) -> list[Change]:
    found: list[Change] = []
    unsigned_old = {k: v for k, v in old.meta.items() if k != "signatures"}
    unsigned_new = {k: v for k, v in new.meta.items() if k != "signatures"}
    fields = [f.describe().replace(": ", " ", 1) for f in field_changes(unsigned_old, unsigned_new)]
    sections = [s.heading or "introduction" for s in section_changes(old.body, new.body)]
    for what, names in (("agreement", fields), ("agreement text", sections)):
        if names:
            more = f" and {len(names) - 3} more" if len(names) > 3 else ""
            found.append(Change("agreement", f"{what}: {', '.join(names[:3])}{more}"))
    signed = signatures_added(old.meta, new.meta)
    if signed:
        found.append(Change("agreement", f"signed by {', '.join(signed)}"))
    if not found and old.meta != new.meta:
        found.append(Change("agreement", "agreement: signatures edited"))
    elif not found and old.body != new.body:
        found.append(Change("agreement", "agreement: layout"))
    return found


def journal_changes(
    before: Mapping[str, bytes | None], after: Mapping[str, bytes | None]
) -> list[Change]:
    """What changed from `before` to `after` (journal-relative path -> bytes, None: absent).

    Only paths present in either map are compared; pass the changed files.
    """
    changes: list[Change] = []
    totals: dict[str, list[str | None]] = {verb: [] for verb in ITEM_VERBS}
    for path in sorted(set(before) | set(after)):
        old_bytes, new_bytes = before.get(path), after.get(path)
        if old_bytes == new_bytes:
            continue
        old = parse_document(path, old_bytes) if old_bytes is not None else None
        new = parse_document(path, new_bytes) if new_bytes is not None else None
        doc = new or old
        assert doc is not None
        if doc.kind == "other" or doc.private:
            verb = "remove" if new_bytes is None else "add" if old_bytes is None else "update"
            # A folder's placeholder, added, is the folder as far as the two people are
            # concerned; removed, it is only itself (the folder may hold notes by now).
            placeholder = verb == "add" and path.endswith("/.gitkeep")
            shown = path.removesuffix(".gitkeep") if placeholder else path
            changes.append(Change("file", f"{verb} {shown}"))
            continue
        changes.extend(_document_changes(path, old, new))
        found = _item_changes(old, new)
        if old is None:
            found["add"] = []  # a new file's items are told with the file
        if new is None:
            found["remove"] = []
        for verb, names in found.items():
            totals[verb] += names
    changes += [_items_change(verb, names) for verb, names in totals.items() if names]
    # Sessions and goals first (what happened), then items, agreement, other files.
    rank = {"session": 0, "items": 1, "goal": 2, "agreement": 3, "file": 4}
    return sorted(changes, key=lambda change: rank.get(change.what, 5))


def _capitalised(text: str) -> str:
    return text[:1].upper() + text[1:]


def commit_message(changes: Sequence[Change], user_message: str | None = None) -> str:
    """The commit message: the changes joined into a subject (or the user's words, then
    the changes as the body)."""
    parts = [change.summary for change in changes] or ["update the journal"]
    # The body names everything: each item of an items change on a line of its own.
    lines = [line for c in changes for line in (c.details or (c.summary,))] or parts
    body = "\n\n" + "".join(f"- {line}\n" for line in lines)
    user = (user_message or "").strip()
    if user:
        return user + body
    subject = "; ".join(parts)
    if len(subject) <= _SUBJECT_LIMIT:
        cut = any(c.summary.endswith(" more") for c in changes)
        return _capitalised(subject) + (body if cut else "\n")
    shown: list[str] = []
    for part in parts:
        if shown and len("; ".join([*shown, part])) + len("; and 99 more") > _SUBJECT_LIMIT:
            break
        shown.append(part)
    rest = len(parts) - len(shown)
    head = _capitalised("; ".join(shown))
    if rest:
        head += f"; and {rest} more"
    elif len(head) > _SUBJECT_LIMIT:  # one long change: its words are whole in the body
        head = head[: _SUBJECT_LIMIT - 1].rstrip() + "…"
    return head + body
