"""Writing new journal files for the user: `mj new session`, `mj new goal`."""

from __future__ import annotations

import datetime as dt
import re
import string
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mentorjournal.audience import is_private, quotable, withheld_place
from mentorjournal.edit.writer import create_new, render_markdown
from mentorjournal.errors import MjError, UsageError

if TYPE_CHECKING:  # the journal's module only when a goal is written: not a session's cost
    from mentorjournal.model import Journal
    from mentorjournal.reports.statuscore import JsonRow
    from mentorjournal.reports.statuscore import Row as StatusRow

    Row = StatusRow | JsonRow
from mentorjournal.reports.status import OpenItem, open_items_of, open_rows, session_dates

TEMPLATES = Path(__file__).parent / "templates"
SESSION_KINDS = ("kickoff", "regular", "check-in", "retro", "closing")

_NAME = re.compile(r"[a-z0-9][a-z0-9-]*")  # a session's slug, a goal's id

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
    # What the meeting reviews (``to_review``): overdue, due, or new since the last one.
    open: tuple[OpenItem, ...]
    # Files of ``open`` items whose text is never copied (confidential sessions).
    confidential: frozenset[str] = frozenset()
    last_session: str | None = None
    unlisted: int = 0  # the other open items, left to `mj status`


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
    last = last_session(session_dates(journal), day)
    rows = open_rows(journal)
    chosen = to_review(rows, last, day)
    unlisted = sum(1 for row in rows if not is_private(row[5])) - len(chosen)
    listed, confidential = review_items(
        open_items_of(chosen, day.isoformat()), lambda path: not quotable(path, meta[path])
    )
    return SessionPlan(
        *pair_facts(journal),
        active_goals=active_goals(journal),
        first=not session_dates(journal),
        open=listed,
        confidential=confidential,
        last_session=last,
        unlisted=unlisted,
    )


# At most this many items are listed (about a screenful); `mj status` has the rest.
REVIEW_LIMIT = 20
_NOTE_DATE = re.compile(r"sessions/(\d{4}-\d{2}-\d{2})")


def last_session(dates: Iterable[str], day: dt.date) -> str | None:
    """The last session held before ``day`` (YYYY-MM-DD), if any."""
    before = day.isoformat()
    return max((date for date in dates if date < before), default=None)


def to_review(open_now: Iterable[Row], last: str | None, day: dt.date) -> list[Row]:
    """What one meeting reviews of the open items' rows (in status order, overdue
    first): the overdue and due ones, and those of notes since the last session (all,
    before the first), at most REVIEW_LIMIT. Rows, not items, and read only as far as
    needed: a journal may hold 20,000 open items, and a meeting 20."""
    today = day.isoformat()
    chosen: list[Row] = []
    new_in: dict[str, bool] = {}  # path -> a note since the last session
    for row in open_now:
        due, path = row[3], row[5]
        if is_private(path):
            continue  # never listed, nor counted, in a shared note
        new = new_in.get(path)
        if new is None:
            note = _NOTE_DATE.match(path)
            new = new_in[path] = last is None or (note is not None and note.group(1) >= last)
        if new or (due is not None and due <= today):
            chosen.append(row)
            if len(chosen) == REVIEW_LIMIT:
                break
    return chosen


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
    """The items to review as references (not checkboxes), by person: id, text, due,
    where; an item of a confidential session without its text, which stays there."""
    since = f" since the last session ({plan.last_session})" if plan.last_session else ""
    lines = [f"Overdue, due, and new{since}. Tick them where they live (`mj done ID`), not here."]
    groups: dict[str, list[str]] = {}
    for item in plan.open:
        owner, *others = item.owners or ("",)
        due = ""
        if item.due:
            due = f", due {item.due}" + (" (overdue)" if item.overdue else "")
        if item.path in plan.confidential:  # neither its text nor its file's name
            text, where = f"(in {withheld_place(item.path)})", ""
        else:
            text = item.text + "".join(f" #{goal}" for goal in item.goals)
            text = text if len(text) <= 200 else text[:199] + "…"
            where = f" ({item.path}:{item.line})"
        with_ = f" (with {' '.join('@' + o for o in others)})" if others else ""
        line = f"- `{item.id}` {text}{with_}{due}{where}"
        groups.setdefault(owner, []).append(line)
    order = sorted(
        groups, key=lambda o: (o not in (plan.mentee, plan.mentor), o != plan.mentee, o == "", o)
    )
    for owner in order:
        lines += ["", f"### {'@' + owner if owner else 'No owner'}", "", *groups[owner]]
    if not plan.open:
        lines += ["", "- Nothing overdue, due or new."]
    if plan.unlisted:
        more = "more open item" + ("s" if plan.unlisted != 1 else "")
        lines += ["", f"And {plan.unlisted} {more}: `mj status`."]
    return lines


def session_text(plan: SessionPlan, day: dt.date, kind: str | None) -> str:
    """A pre-filled session: attendees, active goals, open items to review, prompts."""
    if kind is None:
        kind = "kickoff" if plan.first else "regular"
    # Dates as dates, so YAML writes them unquoted like a person would.
    front: dict[str, Any] = {"date": day, "attendees": [plan.mentee, plan.mentor], "kind": kind}
    if plan.active_goals:
        front["goals"] = list(plan.active_goals)
    front["agenda_by"] = plan.mentee
    if plan.mode is not None:
        front["mode"] = plan.mode
    if plan.length is not None:
        front["duration"] = plan.length
    prompts = {"retro": _RETRO_PROMPTS, "closing": _CLOSING_PROMPTS}.get(kind, "")
    titles = {"kickoff": "Kickoff", "retro": "Retrospective", "closing": "Closing session"}
    title = titles.get(kind, "Session")
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
    if slug is not None and not _NAME.fullmatch(slug):
        raise UsageError(
            f"slug {slug!r} must be lowercase letters, digits and '-' (e.g. 'mock-talk')"
        )
    path = root / "sessions" / f"{day.isoformat()}{f'-{slug}' if slug else ''}.md"
    create_new(path, session_text(plan, day, kind).encode(), root=root)
    return path


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
    """Write ``goals/<id>.md``, with its success criterion and an empty milestones section;
    refuse if it exists."""
    if not _NAME.fullmatch(goal_id):
        raise UsageError(
            f"goal id {goal_id!r} must be lowercase letters, digits and '-' (e.g. 'portfolio')"
        )
    if not title.strip():
        raise UsageError("a goal needs a title (--title)")
    if target is not None and target < today:
        raise MjError(f"target {target} is before the goal is opened ({today})")
    from mentorjournal.journal import mentee_handle

    owner = mentee_handle(journal.agreement)
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
    path = root / "goals" / f"{goal_id}.md"
    create_new(path, render_markdown(front, body).encode(), root=root)
    return path
