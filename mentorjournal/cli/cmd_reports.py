"""The reports, thin commands (``app.py``): summary, program, calendar."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from mentorjournal.cli.app import (
    _date_option,
    _echo,
    _print_or_write,
    _state,
    audience_option,
    format_option,
    main,
    output_option,
    palette,
    refusals,
    today_option,
)

if TYPE_CHECKING:
    import datetime as dt


@main.command(short_help="Progress: goals, cadence, actions, ratings, agreement, retros.")
@format_option("text", "md", "json", "html")
@click.option("--since", metavar="DATE", callback=_date_option, help="Window start.")
@click.option("--until", metavar="DATE", callback=_date_option, help="Window end (default today).")
@audience_option("sponsor: counts and goal titles, only of what the agreement's consent allows.")
@output_option
@today_option
@click.pass_context
@refusals
def summary(
    ctx: click.Context,
    output_format: str,
    since: dt.date | None,
    until: dt.date | None,
    audience: str,
    output: Path | None,
    today: dt.date,
) -> None:
    """Progress report: goals, cadence kept, actions, ratings, agreement, retros.

    Confidential sessions are counted but never quoted, for any audience; private/
    notes are not part of any report.
    """
    from mentorjournal.cli import commands
    from mentorjournal.errors import UsageError
    from mentorjournal.render.terminal import Palette

    if since and since > (until or today):  # a window that would end before it starts
        raise UsageError(f"--since {since} is after " + (f"--until {until}" if until else "today"))
    root = _state(ctx).root()
    colours = palette() if output is None and output_format == "text" else Palette(False)
    text, _ = commands.summary(root, output_format, today, since, until, audience, colours)
    whole = text if isinstance(text, str) else "".join(text)  # JSON comes in pieces
    _print_or_write(_state(ctx).directory, output, whole)


@main.command(short_help="A coordinator's roll-up of every journal under DIRECTORY.")
@click.argument("directory", required=False, type=click.Path(file_okay=False, path_type=Path))
@click.option(
    "--repos",
    metavar="FILE",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Every repository listed in FILE (paths or URLs, one a line, # comments), "
    "copied into mj's cache folder and fetched on later runs.",
)
@format_option("text", "json", "csv", "html")
@output_option
@today_option
@click.pass_context
@refusals
def program(
    ctx: click.Context,
    directory: Path | None,
    repos: Path | None,
    output_format: str,
    output: Path | None,
    today: dt.date,
) -> None:
    """A coordinator's roll-up of every journal under DIRECTORY (default: here).

    One row per pair: last session, sessions held and expected, open and overdue
    actions, review, signatures, goals by status, errors, and flags for the pairs
    that need attention (listed first). Dates and counts only: never note text,
    goal titles or item text; notes in private/ never count.
    """
    from mentorjournal.cli import commands

    base = _state(ctx).directory
    if repos is not None:
        if directory is not None:
            raise click.UsageError("give DIRECTORY or --repos FILE, not both")
        if not (base / repos).is_file():
            raise click.BadParameter(f"{repos}: no such file", param_hint="--repos")
        text = commands.program_of_repositories(base / repos, output_format, today)
    else:
        where = base / directory if directory else base
        if not where.is_dir():
            raise click.BadParameter(f"{directory}: no such folder", param_hint="DIRECTORY")
        text = commands.program(str(where), output_format, today)
    _print_or_write(base, output, text)


def _time_option(ctx: click.Context, param: click.Parameter, value: str) -> dt.time:
    import datetime as dt

    try:
        return dt.time.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a time HH:MM", ctx=ctx, param=param) from None


@main.command(short_help="An iCalendar feed: meetings, review date, items due.")
@click.option("--owner", metavar="H", help="Only the items of handle H (meetings and review stay).")
@audience_option("sponsor: no item text, nothing from confidential or private notes.")
@click.option(
    "--at",
    metavar="HH:MM",
    default="09:00",
    show_default=True,
    callback=_time_option,
    help="Local time the meetings start (the agreement gives no time of day).",
)
@output_option
@today_option
@click.pass_context
@refusals
def calendar(
    ctx: click.Context,
    owner: str | None,
    audience: str,
    at: dt.time,
    output: Path | None,
    today: dt.date,
) -> None:
    """An iCalendar feed: meetings, review date, open items with a due date.

    The meetings are one recurring event from the agreement's cadence, from the next
    meeting due; the review date and each due item are all-day events; each has a
    reminder. UIDs stay the same from run to run, so a calendar that imports the feed
    again updates its events instead of duplicating them.
    """
    from mentorjournal.cli import commands
    from mentorjournal.reports.calendar import UnknownOwnerError

    root = _state(ctx).root()
    try:
        pieces, errors, _ = commands.calendar(root, audience, owner, today, at)
    except UnknownOwnerError as exc:
        raise click.BadParameter(str(exc), param_hint="--owner") from None
    if errors:
        from mentorjournal.render.terminal import errors_note

        _echo(errors_note("events"), err=True)
    text = "".join(pieces)
    if output is None:
        _echo(text, crlf=True)
        return
    _print_or_write(_state(ctx).directory, output, text, text.encode())
