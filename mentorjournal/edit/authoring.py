"""Writing journal files for the user: `mj new session`, `mj new goal`, `mj done`."""

from __future__ import annotations

import datetime as dt
import difflib
import re
import string
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from mentorjournal.audience import is_private, quotable
from mentorjournal.edit.writer import create_new, refuse_conflicts, render_markdown, rewrite
from mentorjournal.errors import MjError
from mentorjournal.format.dates import parse_date
from mentorjournal.format.document import parse_document
from mentorjournal.journal import mentee_handle
from mentorjournal.model import ActionItem, Journal
from mentorjournal.reports.status import OpenItem, open_items, session_dates

TEMPLATES = Path(__file__).parent / "templates"
SESSION_KINDS = ("kickoff", "regular", "check-in", "retro", "closing")
GOAL_STATUSES = ("proposed", "active", "achieved", "paused", "dropped")
# Shorter prefixes would tick the wrong item too easily.
MIN_PREFIX = 4

_SLUG = re.compile(r"[a-z0-9][a-z0-9-]*")
_GOAL_ID = re.compile(r"[a-z0-9][a-z0-9-]*")
# The list marker and the open checkbox at the start of an item's first line
# (blockquotes and ordered lists included).
_OPEN_CHECKBOX = re.compile(rb"^([ \t>]*(?:[-*+]|[0-9]{1,9}[.)])[ \t]+)\[ \]")

_RETRO_PROMPTS = """\
### What helped you grow this period?

### Which barrier slowed progress, and how might we overcome it?

### What should we change in cadence, format or goals?

"""
_CLOSING_PROMPTS = """\
### Closing reflection

- Which success criteria were met, and which were not?
- What will the mentee keep doing without the mentor?
- What would each of us do differently next time?
- How and when do we stay in touch?

"""


@dataclass(frozen=True)
class Ticked:
    """What `mj done` changed: one item, in one file, at one line."""

    item: ActionItem
    path: Path
    done: str


# ---------------------------------------------------------------- new files


def _template(name: str, **values: str) -> str:
    text = (TEMPLATES / name).read_text(encoding="utf-8")
    return string.Template(text).substitute(values)


def _handle(agreement_meta: Any, role: str) -> str:
    entry = agreement_meta.get(role) if isinstance(agreement_meta, dict) else None
    handle = entry.get("handle") if isinstance(entry, dict) else None
    if not isinstance(handle, str):
        raise MjError(f"agreement.md has no {role} handle; fix it (`mj validate`) first")
    return handle


def session_path(root: Path, day: dt.date, slug: str | None) -> Path:
    if slug is not None and not _SLUG.fullmatch(slug):
        raise MjError(f"slug {slug!r} must be lowercase letters, digits and '-' (e.g. 'mock-talk')")
    name = day.isoformat() + (f"-{slug}" if slug else "")
    return root / "sessions" / f"{name}.md"


@dataclass(frozen=True)
class SessionPlan:
    """What a new session is pre-filled from: the pair, the cadence, active goals and
    the open items to review (sorted as `mj status` sorts them)."""

    mentor: str
    mentee: str
    mentee_name: str
    mode: str | None
    length: int | None
    active_goals: tuple[str, ...]
    first: bool  # no session yet: the new one is a kickoff
    open: tuple[OpenItem, ...]
    # Files of ``open`` items whose text is never copied (confidential sessions).
    confidential: frozenset[str] = frozenset()


# The pair and its cadence as plain values: (mentor, mentee, mentee's name, mode, length).
PairFacts = tuple[str, str, str, "str | None", "int | None"]


def pair_facts(journal: Journal) -> PairFacts:
    """Who meets and how, from the agreement; a clear error when it is unusable."""
    agreement = journal.agreement
    if agreement is None or not agreement.parsed:
        raise MjError("agreement.md cannot be read; run `mj validate` and fix it first")
    meta = agreement.meta
    mentee_entry = meta.get("mentee")
    mentee_name = mentee_entry.get("name") if isinstance(mentee_entry, dict) else None
    cadence = meta.get("cadence")
    cadence = cadence if isinstance(cadence, dict) else {}
    mode, length = cadence.get("mode"), cadence.get("length")
    mentee = _handle(meta, "mentee")
    return (
        _handle(meta, "mentor"),
        mentee,
        str(mentee_name or mentee),
        mode if isinstance(mode, str) else None,
        length if isinstance(length, int) and not isinstance(length, bool) else None,
    )


def session_plan(journal: Journal, day: dt.date) -> SessionPlan:
    """The plan for a session on ``day``, from the whole journal."""
    meta = {doc.path: doc.meta for doc in journal.documents}
    listed, confidential = review_items(
        open_items(journal, day), lambda path: not quotable(path, meta[path])
    )
    return SessionPlan(
        *pair_facts(journal),
        active_goals=active_goals(journal),
        first=not session_dates(journal),
        open=listed,
        confidential=confidential,
    )


def review_items(
    open_now: Iterable[OpenItem], hidden: Callable[[str], bool]
) -> tuple[tuple[OpenItem, ...], frozenset[str]]:
    """What a new session, which is shared, may list of ``open_now``: every item but
    those of private notes, and the files (``hidden``: confidential sessions) whose
    items it may only point to, never quote."""
    listed = tuple(item for item in open_now if not is_private(item.path))
    return listed, frozenset(item.path for item in listed if hidden(item.path))


def active_goals(journal: Journal) -> tuple[str, ...]:
    """The active goals a new session lists (never a private one)."""
    return tuple(
        gid
        for gid, doc in sorted(journal.goals.items())
        if doc.meta.get("status") == "active" and not is_private(doc.path)
    )


def review_lines(plan: SessionPlan) -> list[str]:
    """Every open item as a reference (not a checkbox): id, owners, text, due, where; an
    item of a confidential session without its text, which stays in that session."""
    lines = []
    for item in plan.open:
        owners = " ".join("@" + owner for owner in item.owners) or "(no owner)"
        due = ""
        if item.due:
            due = f", due {item.due}" + (" (overdue)" if item.overdue else "")
        if item.path in plan.confidential:
            text = "(in a confidential session)"
        else:
            text = item.text + "".join(f" #{goal}" for goal in item.goals)
        lines.append(f"- `{item.id}` {owners}: {text}{due} ({item.path}:{item.line})")
    return lines or ["- Nothing open."]


def session_text(plan: SessionPlan, day: dt.date, kind: str | None) -> str:
    """A pre-filled session: attendees, active goals, open items to review, prompts."""
    if kind is None:
        kind = "kickoff" if plan.first else "regular"
    if kind not in SESSION_KINDS:
        raise MjError(f"kind {kind!r} is not one of {', '.join(SESSION_KINDS)}")
    front: dict[str, Any] = {
        # Dates as dates, so YAML writes them unquoted like a person would.
        "date": day,
        "attendees": [plan.mentee, plan.mentor],
        "kind": kind,
    }
    if plan.active_goals:
        front["goals"] = list(plan.active_goals)
    front["agenda_by"] = plan.mentee
    if plan.mode is not None:
        front["mode"] = plan.mode
    if plan.length is not None:
        front["duration"] = plan.length
    prompts = {"retro": _RETRO_PROMPTS, "closing": _CLOSING_PROMPTS}.get(kind, "")
    title = {"kickoff": "Kickoff", "retro": "Retrospective", "closing": "Closing session"}.get(
        kind, "Session"
    )
    body = _template(
        "session.md",
        title=f"{title} {day.isoformat()}",
        mentee_name=plan.mentee_name,
        review="\n".join(review_lines(plan)),
        prompts=prompts,
    )
    return render_markdown(front, body)


def new_session(
    root: Path, plan: SessionPlan, day: dt.date, slug: str | None = None, kind: str | None = None
) -> Path:
    """Write ``sessions/<day>[-slug].md``; refuse if it exists."""
    path = session_path(root, day, slug)
    create_new(path, session_text(plan, day, kind).encode(), root=root)
    return path


def goal_text(
    journal: Journal,
    goal_id: str,
    title: str,
    success: str | None,
    target: dt.date | None,
    today: dt.date,
    status: str = "active",
    owner: str | None = None,
) -> str:
    """A goal file with its success criterion and an empty milestones section."""
    if not _GOAL_ID.fullmatch(goal_id):
        raise MjError(
            f"goal id {goal_id!r} must be lowercase letters, digits and '-' (e.g. 'portfolio')"
        )
    if not title.strip():
        raise MjError("a goal needs a title (--title)")
    if status not in GOAL_STATUSES:
        raise MjError(f"status {status!r} is not one of {', '.join(GOAL_STATUSES)}")
    if target is not None and target < today:
        raise MjError(f"target {target} is before the goal is opened ({today})")
    owner = owner or mentee_handle(journal.agreement)
    criterion = (success or "").strip() or (
        "Replace with an observable, time-bound success criterion "
        "(for example: site live with 3 case studies by a date)"
    )
    front: dict[str, Any] = {"title": title.strip(), "status": status}
    if owner:
        front["owner"] = owner
    front["opened"] = today
    if target is not None:
        front["target"] = target
    front["success"] = criterion
    body = _template("goal.md", title=title.strip(), success=criterion, owner=owner or "handle")
    return render_markdown(front, body)


def new_goal(
    root: Path,
    journal: Journal,
    goal_id: str,
    title: str,
    success: str | None,
    target: dt.date | None,
    today: dt.date,
    status: str = "active",
) -> Path:
    """Write ``goals/<id>.md``; refuse if it exists."""
    text = goal_text(journal, goal_id, title, success, target, today, status)
    path = root / "goals" / f"{goal_id}.md"
    create_new(path, text.encode(), root=root)
    return path


# ---------------------------------------------------------------- done


def _describe(item: ActionItem) -> str:
    return f"{item.id}  {item.path}:{item.line}  {item.text}"


def find_item(items: Sequence[ActionItem], wanted: str) -> ActionItem:
    """The item whose id is ``wanted`` or starts with it; a clear error otherwise."""
    wanted = wanted.strip().lower()
    exact = [item for item in items if item.id == wanted]
    if len(exact) == 1:
        return exact[0]
    matches = exact or [
        item
        for item in items
        if len(wanted) >= MIN_PREFIX and (item.id.startswith(wanted) or item.key.startswith(wanted))
    ]
    if len(matches) == 1:
        return matches[0]
    if matches:
        listing = "\n".join("  " + _describe(item) for item in matches)
        raise MjError(
            f"id {wanted!r} matches {len(matches)} items; give more characters:\n{listing}"
        )
    close = difflib.get_close_matches(wanted, [item.id for item in items], n=5, cutoff=0.5)
    by_id = {item.id: item for item in items}
    hint = ""
    if close:
        hint = "\nclose matches:\n" + "\n".join("  " + _describe(by_id[i]) for i in close)
    short = (
        f" (give at least {MIN_PREFIX} characters)"
        if len(wanted) < MIN_PREFIX and not close
        else ""
    )
    raise MjError(f"no action item with id {wanted!r}{short}; `mj status` lists the ids{hint}")


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


def tick_line(line: bytes, day: dt.date, has_done_date: bool) -> bytes:
    """``[ ]`` -> ``[x]``, and ``done:DAY`` appended (before trailing blanks) unless dated."""
    match = _OPEN_CHECKBOX.match(line)
    if match is None:
        raise ValueError("no open checkbox")
    prefix = match.group(1)
    rest = line[match.end() :]
    ticked = prefix + b"[x]" + rest
    if has_done_date:
        return ticked
    content = ticked.rstrip(b" \t")
    trailing = ticked[len(content) :]
    return content + f" done:{day.isoformat()}".encode() + trailing


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


def _refuse_closed(item: ActionItem) -> None:
    if item.state == "done":
        when = f" on {item.done}" if item.done else ""
        raise MjError(f"item {item.id} is already done{when} ({item.path}:{item.line})")
    if item.state == "cancelled":
        raise MjError(f"item {item.id} is cancelled ({item.path}:{item.line}); reopen it by hand")


def _ticked(path: Path, item: ActionItem, data: bytes, day: dt.date) -> tuple[bytes, Ticked]:
    """``data`` with ``item`` ticked, checked on the bytes as they are now: the file holds
    no merge conflict, the item is still there and open, and ticking its line changes
    exactly that item."""
    before = parse_document(item.path, data)
    refuse_conflicts(before, "mj done")
    fresh = _same_item(before.items, item)
    if fresh is None:
        raise MjError(
            f"{item.path} no longer holds item {item.id} ({item.text}): it was changed "
            "meanwhile; nothing was written. `mj status` lists the ids as they are now."
        )
    _refuse_closed(fresh)
    start, end = _line_span(data, fresh.line)
    try:
        new = data[:start] + tick_line(data[start:end], day, fresh.done is not None) + data[end:]
    except ValueError:
        new = data  # no checkbox at the start of that line: told below
    after = parse_document(item.path, new).items
    wanted = [(i.key, "done" if i is fresh else i.state) for i in before.items]
    if [(i.key, i.state) for i in after] != wanted:
        raise MjError(
            f"{item.path}:{fresh.line}: mj cannot tick this item without touching others "
            "(its checkbox is not at the start of the line, or the line is not where "
            "an editor shows it); tick it by hand"
        )
    done = fresh.done if fresh.done and parse_date(fresh.done) else day.isoformat()
    return new, Ticked(fresh, path, done)


def mark_done(root: Path, items: Sequence[ActionItem], wanted: str, day: dt.date) -> Ticked:
    """Tick one of ``items`` in its file, changing no other byte, through the one
    compare-and-swap writer: when the file changed meanwhile it ticks the item in the
    file as it is now, or refuses when that item is gone or closed."""
    item = find_item(items, wanted)
    _refuse_closed(item)
    path = root / item.path
    return rewrite(root, path, lambda data: _ticked(path, item, data, day))


def tick(root: Path, wanted: str, day: dt.date) -> Ticked:
    """`mj done`: tick the item ``wanted`` names; no tick is lost, none is doubled."""
    from mentorjournal.index import views

    # The open items the status snapshot keeps answer almost every call; what they
    # cannot (an unknown, done or ambiguous id, a snapshot behind the files) every
    # item of the journal as it is now answers.
    open_now = views.open_items(root, wanted[:MIN_PREFIX])
    if open_now is not None:
        try:
            return mark_done(root, open_now, wanted, day)
        except MjError:
            pass
    journal = views.journal(root)
    try:
        return mark_done(root, journal.items(), wanted, day)
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
