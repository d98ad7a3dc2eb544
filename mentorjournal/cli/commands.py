"""What the commands that both entry points answer do, without click.

``app.py`` (click) and ``fastpath.py`` (no click) parse the same options; both then
call these, so the two print the same bytes.
"""

from __future__ import annotations

import datetime as dt

TYPE_CHECKING = False  # not typing.TYPE_CHECKING: the fast path stays off typing
if TYPE_CHECKING:
    from pathlib import Path
    from typing import Any, TextIO

    from mentorjournal.index.gitstate import Git
    from mentorjournal.model import Journal
    from mentorjournal.render.terminal import Palette
    from mentorjournal.reports.program import Facts, PairRow, Program
    from mentorjournal.reports.summary import Summary

SUMMARY_FORMATS = ("text", "md", "json", "html")


def summary(
    root: Path,
    output_format: str,
    today: dt.date,
    since: dt.date | None,
    until: dt.date | None,
    audience: str,
    colours: Palette,
) -> tuple[str | tuple[str, ...], bool]:
    """`mj summary`'s text, kept by the index until a file, HEAD or an option changes,
    and whether the terminal gate (``terminal_text`` with ``colours``) leaves it as it
    is: then a kept text is printed without passing the gate again (~10 ms at 10 MB).
    JSON comes in pieces (``terminal.json_pieces``), which the gate always leaves."""
    from mentorjournal.index import gitstate, store

    def gated(journal: Journal) -> tuple[str | tuple[str, ...], bool]:
        from mentorjournal.render.terminal import terminal_text
        from mentorjournal.reports.cadence import agreement_timeline
        from mentorjournal.reports.summary import compute_summary

        timeline = agreement_timeline(root, until or today)
        result = compute_summary(
            journal, today, since, until, "sponsor" if audience == "sponsor" else "pair", timeline
        )
        del journal  # the last reference (store.view keeps none): ~55 MB at 10,000 notes
        if output_format == "json":
            from mentorjournal.render.summary_json import summary_json

            return summary_json(result), True
        text = render(result)
        return text, terminal_text(text, colours.enabled) == text

    def render(result: Summary) -> str:
        if output_format == "md":
            from mentorjournal.render.summary_markdown import summary_markdown as as_text
        elif output_format == "html":
            from mentorjournal.render.summary_html import summary_html as as_text
        else:
            from mentorjournal.render.summary_text import summary_text

            return summary_text(result, colours)
        return as_text(result)

    # The agreement's history is HEAD's; everything else the report reads is a file.
    head = gitstate.history_mark(str(root))
    depends = (output_format, audience, str(today), str(since), str(until))
    return store.view(root, "summary", (*depends, str(colours.enabled), head), gated, tuple)


def calendar(
    root: Path, audience: str, owner: str | None, today: dt.date, at: dt.time
) -> tuple[tuple[str, ...], int, bool]:
    """`mj calendar`'s iCalendar text (in pieces: ``terminal.joined``), the count of
    file errors that may hide events, and whether the feed's gate
    (``terminal.feed_text``) leaves the text as it is (a kept feed then goes out
    without the ~20 ms check of 10 MB), kept by the index until a file, the day or an
    option changes. Raises ``reports.calendar.UnknownOwnerError`` for an ``owner``
    the agreement does not name."""
    from mentorjournal.index import store

    def feed(journal: Journal) -> tuple[tuple[str, ...], int, bool]:
        import time

        from mentorjournal.checks.validate import file_errors
        from mentorjournal.index import cachefile, gitstate
        from mentorjournal.reports.calendar import compute_calendar

        built = compute_calendar(
            journal, today, "sponsor" if audience == "sponsor" else "pair", owner, at
        )
        errors = file_errors(journal)
        del journal  # the last reference (store.view keeps none): ~60 MB at 10,000 notes
        # Imported now, icalendar's ~10 MB of code fill what the journal left behind.
        from mentorjournal.render.calendar_ics import calendar_ics
        from mentorjournal.render.terminal import feed_text, joined

        # What the feed last said of each event (render/calendar_ics): kept beside the
        # cache, per audience, for every owner's feed alike. The events' texts are
        # kept for this code only (the fingerprint follows icalendar's too): another
        # mj or icalendar writes them again, with the same sequences.
        location = gitstate.git_location(str(root))
        name = f"calendar-{audience}"
        where = cachefile.cache_path(str(root), location[0] if location else None, name)
        code, kept = _ledger(where)
        same_code = code == cachefile.fingerprint()
        kept = {
            uid: (*v[:3], v[3] if same_code and len(v) == 4 and isinstance(v[3], str) else "")
            for uid, v in kept.items()
            if isinstance(v, tuple)
            and len(v) in (3, 4)
            and isinstance(v[0], str)
            and type(v[1]) is type(v[2]) is int
            and 0 <= v[1] < 2**31
            and 0 <= v[2] < 2**36
        }
        texts, ledger = calendar_ics(built, kept, int(time.time()))
        if ledger != kept or not same_code:
            cachefile.store(where, cachefile.framed_dict(cachefile.fingerprint(), ledger))
        del ledger, kept  # the events' texts are in ``texts`` alone: joined, they go
        pieces = joined(texts)
        return pieces, errors, all(feed_text(piece) is piece for piece in pieces)

    owner = owner.lstrip("@") if owner else None
    depends = (audience, owner or "", str(today), at.isoformat())
    return store.view(root, "calendar", depends, feed, tuple)


def _ledger(where: str) -> tuple[object, dict[Any, Any]]:
    """The calendar's ledger: (the code that wrote it, uid -> what the feed last said),
    read in parts (~12 MB at 20,000 events); as mj kept it before (one marshal of
    (code, kept), or of uid -> 3 values before texts were kept); empty when damaged:
    the feed then starts afresh."""
    from mentorjournal.index import cachefile

    found = cachefile.unframed_dict(where)
    if found is not None:
        return found
    import marshal

    try:
        stored = marshal.loads(cachefile.load(where))
    except (EOFError, ValueError, TypeError):
        stored = None
    code, kept = stored if isinstance(stored, tuple) and len(stored) == 2 else (None, stored)
    return code, kept if isinstance(kept, dict) else {}


def notice(root: Path, err: TextIO) -> None:
    """After a command that wrote: say so if this clone lacks mj's hook or merge driver."""
    from mentorjournal.git.setupcheck import missing_setup

    line = missing_setup(root)
    if line:
        from mentorjournal.render.terminal import terminal_text

        err.write(terminal_text(line) + "\n")
        err.flush()  # keeps its place before later stdout lines (a test runner buffers it)


def commit(
    root: Path,
    message: str | None,
    colours: Palette,
    status: Git | None = None,
    settings: Git | None = None,
) -> tuple[str, str | None]:
    """`mj commit`: (what to print, the refusal when the journal has errors: the
    findings are in what to print). Other refusals are raised (MjError). ``status``
    and ``settings``: the journal's `git status` (``gitstate.STATUS``) and its commit
    settings (``gitstate.COMMIT_SETTINGS``), started while mj was imported."""
    from mentorjournal.git.committing import commit_journal, plan_commit
    from mentorjournal.render.terminal import plural

    plan = plan_commit(root, status)
    if plan.errors:
        from mentorjournal.render.findings import findings_text

        refusal = (
            f"not committed: {plural(len(plan.errors), 'error')} above. Fix them "
            "(`mj validate` checks again), then run `mj commit`."
        )
        return findings_text(plan.errors, colours), refusal
    outcome = commit_journal(plan, message, settings)
    subject, *body = outcome.message.splitlines()
    lines = [f"committed {outcome.sha[:7]}: {subject}"]
    lines += [f"  {line}" for line in body if line.strip()]
    if outcome.left_behind:
        lines.append(f"not committed: {outcome.left_behind}")
    return "\n".join(lines), None


# What each item command says it did.
_SAID = {"done": "done", "cancel": "cancelled", "reopen": "reopened", "due": "due"}


def item_command(root: Path, command: str, wanted: str, day: dt.date | None) -> str:
    """`mj done/cancel/reopen/due`: change the item and say which, where, and the date
    written (done: the done date, which may be one the item already had)."""
    from mentorjournal.edit.actions import change
    from mentorjournal.render.terminal import printable

    changed = change(root, wanted, command, day)
    item = changed.item
    where = f"{printable(item.path)}:{item.line}" + (f", {changed.date}" if changed.date else "")
    return f"{_SAID[command]:<7} {item.id}  {printable(item.text)}  ({where})"


def add(
    root: Path,
    directory: Path,
    text: str,
    owner: str | None,
    due: dt.date | None,
    goal: str | None,
    to: str | None,
) -> tuple[str, str | None]:
    """`mj add`: what to say, and a note for stderr when the item has no owner. ``to``
    is a path from ``directory`` (the working directory) or from the journal's root."""
    from mentorjournal.edit.add_item import add_item
    from mentorjournal.render.terminal import printable

    target = None
    if to is not None:
        target = directory / to
        if not target.exists() and (root / to).exists():
            target = root / to
    item = add_item(root, text, owner, due, goal, target).item
    where = f"{printable(item.path)}:{item.line}"
    said = f"added   {item.id}  {printable(item.text)}  ({where})"
    note = None
    if not item.owners and not item.path.startswith(("goals/", "private/goals/")):
        note = "note    the item has no owner: add @handle to it (or use --owner)"
    return said, note


def new_session(root: Path, day: dt.date, slug: str | None, kind: str | None) -> tuple[Path, str]:
    """`mj new session`: write the note (pre-filled from the status snapshot when it can
    answer, else from the whole journal); the path written, and what to say."""
    from mentorjournal.edit.authoring import new_session as write_session
    from mentorjournal.edit.authoring import session_plan
    from mentorjournal.index import views

    plan = views.session_plan(root, day) or session_plan(views.journal(root), day)
    path = write_session(root, plan, day, slug, kind)
    return path, f"wrote   {path.relative_to(root).as_posix()}"


PROGRAM_FORMATS = ("text", "json", "csv", "html")


def program(directory: str, output_format: str, today: dt.date) -> str:
    """`mj program DIR`: the roll-up of every journal under DIR, kept by the index until
    a pair's facts, the format or the day change."""
    from mentorjournal.index import program as index

    def report(pairs: list[tuple[str, tuple[object, ...]]]) -> str:
        from mentorjournal.reports.program import compute_program

        if not any(not isinstance(facts, str) for _, facts in pairs):
            from mentorjournal.errors import MjError

            raise MjError(
                f"no journal (agreement.md) in {directory} or below: `mj program` rolls up "
                "the journals of a program (pairs/NAME/agreement.md), or give --repos FILE"
            )
        rows = [_row(path, facts, today) for path, facts in pairs]
        return render_program(compute_program(rows, today), output_format)

    return index.view(directory, output_format, today.isoformat(), report)


def program_of_repositories(listed: Path, output_format: str, today: dt.date) -> str:
    """`mj program --repos FILE`: every journal of every listed repository, each copied
    (or brought up to date) in the cache first; a repository out of reach is a row."""
    import re

    from mentorjournal.git.mirrors import mirror_all, read_list
    from mentorjournal.index import program as index
    from mentorjournal.reports.program import compute_program, unreadable_row

    def shown(text: str) -> str:
        """A URL as a row shows it: without the user or token before its host, nor the
        query or fragment (where tokens travel too), in git's words quoting it as well."""
        text = re.sub(r"://[^/@\s]*@", "://", text)
        return re.sub(r"(://[^\s?#'\"]*)[?#][^\s'\"]*", r"\1", text)

    rows = []
    for address, copy in mirror_all(read_list(listed)):
        entry = shown(address)
        if isinstance(copy, str):  # git's reason may quote the URL too
            rows.append(unreadable_row(entry, shown(copy)))
            continue
        found = index.facts(str(copy))
        if not any(not isinstance(facts, str) for _, facts in found):
            rows.append(unreadable_row(entry, "no journal (agreement.md) in this repository"))
            continue
        for path, facts in found:
            rows.append(_row(entry if path == "." else f"{entry}/{path}", facts, today, path))
    return render_program(compute_program(rows, today), output_format)


def _row(path: str, facts: Facts | str, today: dt.date, folder: str = "") -> PairRow:
    """A pair's row; a folder whose pair is not read (``facts`` says why) is an error
    row (``folder``: its path in its repository, when ``path`` is not)."""
    from mentorjournal.checks.validate import lost_pair
    from mentorjournal.reports.program import pair_row, unreadable_row

    if isinstance(facts, str):  # why the pair is not read
        return unreadable_row(path, lost_pair(folder or path, facts).message)
    return pair_row(path, facts, today)


def render_program(result: Program, output_format: str) -> str:
    if output_format == "json":
        from mentorjournal.render.program import program_json as render
    elif output_format == "csv":
        from mentorjournal.render.program import program_csv as render
    elif output_format == "html":
        from mentorjournal.render.program_html import program_html as render
    else:
        from mentorjournal.render.program import program_text as render
    return render(result)
