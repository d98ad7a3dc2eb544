"""What the commands that both entry points answer do, without click.

``app.py`` (click) and ``fastpath.py`` (no click) parse the same options; both then
call these, so the two print the same bytes.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

TYPE_CHECKING = False  # not typing.TYPE_CHECKING: the fast path stays off typing
if TYPE_CHECKING:
    from typing import TextIO

    from mentorjournal.model import Journal
    from mentorjournal.render.terminal import Palette

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
        from mentorjournal.reports.cadence import agreement_timeline
        from mentorjournal.reports.summary import compute_summary

        result = compute_summary(
            journal,
            today,
            since,
            until,
            "sponsor" if audience == "sponsor" else "pair",
            agreement_timeline(root, until or today),
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
