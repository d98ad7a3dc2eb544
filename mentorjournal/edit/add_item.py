"""`mj add`: append an action item to a session (the latest by default) or a goal.

The item goes under the file's actions list ("Next actions", "Action items",
"Milestones" ...) after its last item, in that list's marker style, else at the end
of that section, else at the end of the file; its due date is written in the dialect
the file's items use (``📅`` for Obsidian Tasks, ``[due:: ]`` for Dataview, else
``due:``). Only the new line (and a blank line to set it apart, where needed) is
added, through the one compare-and-swap writer.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from dataclasses import replace
from pathlib import Path

from mentorjournal.edit.actions import ITEM_LINE, Changed
from mentorjournal.edit.writer import refuse_conflicts, rewrite
from mentorjournal.errors import MjError, UsageError
from mentorjournal.format import layout
from mentorjournal.format.document import parse_document
from mentorjournal.format.fields import dialect, insert_field
from mentorjournal.format.items import extract_items
from mentorjournal.model import ActionItem, Document, Journal

_HANDLE = re.compile(r"[a-z][a-z0-9_.-]*")
_GOAL_ID = re.compile(r"[a-z0-9][a-z0-9-]*")
_SESSION_NAME = re.compile(r"(\d{4}-\d{2}-\d{2})(-[a-z0-9][a-z0-9-]*)?\.md")
_HEADING = re.compile(r" {0,3}(#{1,6})(?:[ \t]+(.*?))?[ \t#]*\r?$")
_FENCE = re.compile(r" {0,3}(`{3,}|~{3,})")
_SECTION = re.compile(r"\b(actions?|action items?|milestones?|next steps|to-?dos?|tasks)\b", re.I)


def latest_session(root: Path) -> Path:
    """The session note with the latest date (``sessions/``, never a private note)."""
    try:
        names = os.listdir(root / "sessions")  # noqa: PTH208 (10,000 Paths cost ~5 ms)
    except OSError:
        names = []
    # Session names start with their date, so the latest is the greatest name: when
    # that one is a session's note (no README.md beside them, no folder or FIFO of
    # that name), nothing else need be matched or looked at.
    latest = max(names, default=None)
    folder = root / "sessions"
    if latest is None or not (_SESSION_NAME.fullmatch(latest) and (folder / latest).is_file()):
        dated = sorted(filter(_SESSION_NAME.fullmatch, names), reverse=True)
        latest = next((name for name in dated if (folder / name).is_file()), None)
    if latest is None:
        raise MjError("the journal has no session yet: `mj new session` writes one, or --to FILE")
    return root / "sessions" / latest


def _people(root: Path) -> set[str]:
    from mentorjournal.journal import people

    data = layout.read_head(str(root / layout.AGREEMENT))
    agreement = parse_document(layout.AGREEMENT, data) if data is not None else None
    if agreement is None or not agreement.parsed:
        raise MjError("agreement.md cannot be read; run `mj validate` and fix it first")
    return set(people(Journal(str(root), (agreement,))))


def item_text(
    root: Path, text: str, owner: str | None, due: dt.date | None, goal: str | None
) -> tuple[str, str | None]:
    """The new item's text after its checkbox, without its due date (written in the
    target file's dialect), and that date; UsageError for an unknown owner or goal, a
    second due date, or text that is not one line."""
    if "\n" in text or "\r" in text:
        raise UsageError("an item is one line: give its text without line breaks")
    words = " ".join(text.split())
    # `mj add "- [ ] Send it"`: the marker is mj's to write, not part of the text.
    words = re.sub(r"^(?:(?:[-*+]|\d{1,9}[.)])\s+)?\[[ xX/-]\]\s*", "", words)
    if not words:
        raise UsageError("give the item's text, e.g. mj add 'Draft the case study' --owner ana")
    parts = [words]
    if owner is not None:
        owner = owner.removeprefix("@")
        if not _HANDLE.fullmatch(owner):
            raise UsageError(f"owner {owner!r} is not a handle like ana (letters, digits, _.-)")
        parts.insert(0, f"@{owner}")
    if goal is not None:
        goal = goal.removeprefix("#")
        if not _GOAL_ID.fullmatch(goal) or not (root / "goals" / f"{goal}.md").is_file():
            goals = sorted(p.stem for p in (root / "goals").glob("*.md"))
            listed = ", ".join(goals) or "none yet (`mj new goal`)"
            raise UsageError(f"there is no goal {goal!r} (goals/{goal}.md); the goals: {listed}")
        parts.append(f"#{goal}")
    line = " ".join(parts)
    parsed = _parse_line(line)
    if parsed.due is not None and due is not None:
        raise UsageError(f"the text already has a due date ({parsed.due}); leave out --due")
    known = _people(root)
    unknown = [handle for handle in parsed.owners if handle not in known]
    if unknown:
        listed = ", ".join("@" + h for h in sorted(known))
        raise UsageError(f"@{unknown[0]} is not in the agreement; its people: {listed}")
    return line, due.isoformat() if due else None


def _parse_line(text: str) -> ActionItem:
    items, findings = extract_items("x.md", f"- [ ] {text}\n", 1, [f"- [ ] {text}"])
    if len(items) != 1 or findings:
        problem = findings[0].message if findings else "it does not read as one item"
        raise UsageError(f"mj cannot add {text!r}: {problem}")
    return items[0]


def _headings(lines: list[str], first: int) -> list[tuple[int, int, str]]:
    """(index, level, title) of the ATX headings from line ``first`` on, outside code."""
    found: list[tuple[int, int, str]] = []
    fence = ""
    for index in range(first, len(lines)):
        bare = lines[index].strip()
        if fence:
            if bare and set(bare) == {fence[0]} and len(bare) >= len(fence):
                fence = ""
            continue
        opened = _FENCE.match(lines[index])
        heading = _HEADING.fullmatch(lines[index]) if opened is None else None
        if opened is not None:
            fence = opened.group(1)
        elif heading is not None:
            found.append((index, len(heading.group(1)), heading.group(2) or ""))
    return found


def _like(model: str, text: str) -> str:
    """An item line in the list style of item line ``model`` (the next number)."""
    match = ITEM_LINE.match(model)
    if match is None:
        return f"- [ ] {text}"
    marker = match["bullet"] or f"{int(match['number']) + 1}{match['delimiter']}"
    return f"{match['indent']}{marker} [ ] {text}"


def _section(doc: Document, lines: list[str]) -> tuple[int, int]:
    """Line indexes (heading, end) of the file's actions section, or the whole body."""
    body = doc.body_line - 1
    headings = _headings(lines, body)
    named = [h for h in headings if _SECTION.search(h[2])]
    if not named:
        return body - 1, len(lines)
    start, level, _ = next((h for h in named if "next" in h[2].lower()), named[-1])
    end = next((i for i, lv, _ in headings if i > start and lv <= level), len(lines))
    return start, end


def placed(doc: Document, data: bytes, text: str, at_end: bool = False) -> bytes:
    """``data`` with an item line for ``text`` added (see the module's docstring)."""
    eol = "\r" if data.count(b"\r\n") * 2 > data.count(b"\n") else ""
    if not data.endswith(b"\n"):
        data += eol.encode() + b"\n"  # the last line needs its line break now
    lines = data.decode("utf-8", "surrogateescape").split("\n")
    start, end = (doc.body_line - 2, len(lines)) if at_end else _section(doc, lines)
    inside = [i for i in doc.items if start < i.line - 1 < end]
    last = end - 1
    while last > start and not lines[last].strip():
        last -= 1
    if inside and all(lines[i].strip() for i in range(inside[-1].line - 1, last + 1)):
        top = min(i.depth for i in inside)
        model = [i for i in inside if i.depth == top][-1]
        new = [_like(lines[model.line - 1], text) + eol]
    else:
        new = ([eol] if lines[last].strip() else []) + [f"- [ ] {text}{eol}"]
        if last + 1 == end < len(lines) and lines[end].strip():
            new.append(eol)  # the next heading follows at once: keep a blank line
    lines[last + 1 : last + 1] = new
    return "\n".join(lines).encode("utf-8", "surrogateescape")


def _added(relative: str, data: bytes, text: str, due: str | None) -> tuple[bytes, ActionItem]:
    """``data`` with the item added, checked: exactly one new item, as intended, and
    every other item as it was."""
    before = parse_document(relative, data)
    refuse_conflicts(before, "mj add")
    if before.body_line == 1:  # not read at all (not UTF-8, no front matter ...): say why
        why = next(f for f in before.findings if f.severity == "error")
        raise MjError(f"{relative}:{why.line}: {why.message}; mj adds nothing to it till then")
    if due is not None:
        lines = data.decode("utf-8", "surrogateescape").split("\n")
        kinds = {dialect(lines[i.line - 1].partition("]")[2]) for i in before.items}
        kind = "emoji" if "emoji" in kinds else "dataview" if "dataview" in kinds else "plain"
        text = insert_field(text, "due", due, kind)
    wanted = _parse_line(text)
    old = [(i.key, i.state, i.due, i.done) for i in before.items]
    for at_end in (False, True):
        new = placed(before, data, text, at_end)
        after = parse_document(relative, new).items
        added = [i for i in after if i.key not in {k for k, *_ in old}]
        kept = [(i.key, i.state, i.due, i.done) for i in after if i not in added]
        if len(added) == 1 and kept == old and _facts(added[0]) == _facts(wanted):
            return new, added[0]
    raise MjError(
        f"mj cannot add the item to {relative} without changing others there (an unclosed "
        "code block or comment at its end?); add it by hand"
    )


def _facts(item: ActionItem) -> tuple[object, ...]:
    return (item.state, item.text, item.owners, item.due, item.hashtags)


def _journal_id(root: Path, item: ActionItem) -> ActionItem:
    """``item`` with the id the whole journal gives it (longer when its first six
    characters are another item's too)."""
    from mentorjournal.index import views

    if item.explicit_id:
        return item
    open_now = views.open_items(root, lambda item_id, text: item_id.startswith(item.id), item.id)
    if open_now is None:
        items = views.journal(root).items()
        return next((i for i in items if (i.path, i.key) == (item.path, item.key)), item)
    here = [i for i in open_now if (i.path, i.line) == (item.path, item.line)]
    return replace(item, id=here[0].id) if here else item


def add_item(
    root: Path,
    text: str,
    owner: str | None = None,
    due: dt.date | None = None,
    goal: str | None = None,
    target: Path | None = None,
) -> Changed:
    """`mj add`: the item as added (with the id the journal gives it), and its file."""
    line, due_text = item_text(root, text, owner, due, goal)
    path = target if target is not None else latest_session(root)
    try:
        # realpath, not Path.resolve: that raises RuntimeError on a symlink to itself
        relative = Path(os.path.realpath(path)).relative_to(root.resolve()).as_posix()
    except ValueError:
        raise UsageError(f"{path} is not a file of the journal at {root}") from None
    if layout.kind_for_path(relative) not in ("session", "goal"):
        raise UsageError(f"{relative} is not a session or goal file (sessions/*.md, goals/*.md)")
    if not path.is_file():
        if os.path.lexists(path):
            raise MjError(f"{relative} cannot be written: {layout.why_unreadable(str(path))}")
        raise UsageError(f"{relative} does not exist; `mj new session` or `mj new goal` first")
    item = rewrite(root, path, lambda data: _added(relative, data, line, due_text))
    return Changed(_journal_id(root, item), path, due_text)
