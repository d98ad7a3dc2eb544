"""What the commands that both entry points answer do, without click.

``app.py`` (click) and ``fastpath.py`` (no click) parse the same options; both then
call these, so the two print the same bytes.
"""

from __future__ import annotations

import datetime as dt

TYPE_CHECKING = False  # not typing.TYPE_CHECKING: the fast path stays off typing
if TYPE_CHECKING:
    from pathlib import Path
    from typing import TextIO

    from mentorjournal.model import Journal
    from mentorjournal.render.terminal import Palette
    from mentorjournal.reports.program import Program

SUMMARY_FORMATS = ("text", "md", "json", "html")


def summary(
    root: Path,
    output_format: str,
    today: dt.date,
    since: dt.date | None,
    until: dt.date | None,
    audience: str,
    colours: Palette,
) -> str:
    """`mj summary`'s text, kept by the index until a file, HEAD or an option changes."""
    from mentorjournal.git import gitrepo
    from mentorjournal.index import store

    def report(journal: Journal) -> str:
        from mentorjournal.reports.summary import agreement_versions, compute_summary

        result = compute_summary(
            journal,
            today,
            since,
            until,
            "sponsor" if audience == "sponsor" else "pair",
            agreement_versions(root, until or today),
        )
        if output_format == "json":
            from mentorjournal.render.summary_json import summary_json

            return summary_json(result)
        if output_format == "md":
            from mentorjournal.render.summary_markdown import summary_markdown

            return summary_markdown(result)
        if output_format == "html":
            from mentorjournal.render.summary_html import summary_html

            return summary_html(result)
        from mentorjournal.render.summary_text import summary_text

        return summary_text(result, colours)

    # The agreement's history is HEAD's; everything else the report reads is a file.
    head = gitrepo.head_commit(root) or ""
    depends = (output_format, audience, str(today), str(since), str(until))
    return store.view(root, "summary", (*depends, str(colours.enabled), head), report, str)


def notice(root: Path, err: TextIO) -> None:
    """After a command that wrote: say so if this clone lacks mj's hook or merge driver."""
    from mentorjournal.git.setupcheck import missing_setup

    line = missing_setup(root)
    if line:
        from mentorjournal.render.terminal import terminal_text

        err.write(terminal_text(line) + "\n")


def done(root: Path, wanted: str, today: dt.date) -> str:
    """`mj done`: tick the item and say which, where, and with what date."""
    from mentorjournal.edit.authoring import tick
    from mentorjournal.render.terminal import printable

    ticked = tick(root, wanted, today)
    item = ticked.item
    where = f"{printable(item.path)}:{item.line}"
    return f"done    {item.id}  {printable(item.text)}  ({where}, {ticked.done})"


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
        from mentorjournal.reports.program import compute_program, pair_row

        if not pairs:
            from mentorjournal.errors import MjError

            raise MjError(
                f"no journal (agreement.md) in {directory} or below: `mj program` rolls up "
                "the journals of a program (pairs/NAME/agreement.md), or give --repos FILE"
            )
        rows = [pair_row(path, facts, today) for path, facts in pairs]
        return render_program(compute_program(rows, today), output_format)

    return index.view(directory, output_format, today.isoformat(), report)


def program_of_repositories(listed: Path, output_format: str, today: dt.date) -> str:
    """`mj program --repos FILE`: every journal of every listed repository, each copied
    (or brought up to date) in the cache first; a repository out of reach is a row."""
    from mentorjournal.git.mirrors import mirror_all, read_list
    from mentorjournal.index import program as index
    from mentorjournal.reports.program import compute_program, pair_row, unreadable_row

    rows = []
    for entry, copy in mirror_all(read_list(listed)):
        if isinstance(copy, str):
            rows.append(unreadable_row(entry, copy))
            continue
        found = index.facts(str(copy))
        if not found:
            rows.append(unreadable_row(entry, "no journal (agreement.md) in this repository"))
        for path, facts in found:
            rows.append(pair_row(entry if path == "." else f"{entry}/{path}", facts, today))
    return render_program(compute_program(rows, today), output_format)


def render_program(result: Program, output_format: str) -> str:
    if output_format == "json":
        from mentorjournal.render.program import program_json

        return program_json(result)
    if output_format == "csv":
        from mentorjournal.render.program import program_csv

        return program_csv(result)
    if output_format == "html":
        from mentorjournal.render.program_html import program_html

        return program_html(result)
    from mentorjournal.render.program import program_text

    return program_text(result)
