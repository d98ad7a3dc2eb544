"""Writing notes and items, thin commands (``app.py``): new, done, add, cancel, reopen, due."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from mentorjournal.cli.app import (
    _date_option,
    _echo,
    _notice,
    _state,
    main,
    palette,
    refusals,
    today_option,
)

if TYPE_CHECKING:
    import datetime as dt


@main.group()
def new() -> None:
    """Start a new session or goal file from a template, pre-filled."""


def _open_editor(root: Path, path: Path) -> None:
    """Run $EDITOR on ``path``, then say whether the file still validates."""
    from mentorjournal.checks.validate import validate as run_validation
    from mentorjournal.journal import load_journal
    from mentorjournal.render.findings import findings_text

    click.edit(filename=str(path))
    relative = path.relative_to(root).as_posix()
    findings = run_validation(load_journal(root), [relative])
    if findings:
        _echo(findings_text(findings, palette(sys.stderr)), err=True)


@new.command("session", short_help="Write sessions/DATE[-SLUG].md with the open items to review.")
@click.option("--date", "day", metavar="DATE", callback=_date_option, help="Session date.")
@click.option("--slug", metavar="S", help="Name suffix: sessions/DATE-S.md.")
@click.option(
    "--kind",
    type=click.Choice(["kickoff", "regular", "check-in", "retro", "closing"]),
    help="Session kind; retro and closing add their prompts. Default: kickoff, then regular.",
)
@click.option("--edit", is_flag=True, help="Open the new file in $EDITOR.")
@today_option
@click.pass_context
@refusals
def new_session(
    ctx: click.Context,
    day: dt.date | None,
    slug: str | None,
    kind: str | None,
    edit: bool,
    today: dt.date,
) -> None:
    """Write sessions/DATE[-SLUG].md: attendees, active goals, open items to review.

    Never overwrites a file. The date defaults to today.
    """
    from mentorjournal.cli import commands

    root = _state(ctx).root()
    path, said = commands.new_session(root, day or today, slug, kind)
    _echo(said)
    _notice(root)
    if edit:
        _open_editor(root, path)


@new.command("goal", short_help="Write goals/ID.md with its success criterion and milestones.")
@click.argument("goal_id", metavar="ID")
@click.option("--title", required=True, metavar="T", help="What the goal is, in a few words.")
@click.option("--success", metavar="S", help="Observable, time-bound success criterion.")
@click.option("--target", metavar="DATE", callback=_date_option, help="Target date.")
@click.option(
    "--status",
    type=click.Choice(["proposed", "active", "achieved", "paused", "dropped"]),
    default="active",
    show_default=True,
    help="Goal status.",
)
@click.option("--edit", is_flag=True, help="Open the new file in $EDITOR.")
@today_option
@click.pass_context
@refusals
def new_goal(
    ctx: click.Context,
    goal_id: str,
    title: str,
    success: str | None,
    target: dt.date | None,
    status: str,
    edit: bool,
    today: dt.date,
) -> None:
    """Write goals/ID.md with its success criterion and a milestones section."""
    from mentorjournal.edit.authoring import new_goal as write_goal
    from mentorjournal.journal import load_journal

    root = _state(ctx).root()
    path = write_goal(root, load_journal(root), goal_id, title, success, target, today, status)
    _echo(f"wrote   {path.relative_to(root).as_posix()}")
    if not success:
        _echo("note    write the success criterion in `success:` and under its heading", err=True)
    if edit:
        _open_editor(root, path)


def _item_command(ctx: click.Context, command: str, wanted: str, day: dt.date | None) -> None:
    from mentorjournal.cli import commands

    root = _state(ctx).root()
    _echo(commands.item_command(root, command, wanted, day))
    _notice(root)


@main.command()
@click.argument("item_id", metavar="ID")
@today_option
@click.pass_context
@refusals
def done(ctx: click.Context, item_id: str, today: dt.date) -> None:
    """Tick action item ID in its file and add its done date.

    ID is the id `mj status` shows, a unique prefix of at least 4 characters, or
    the item's text (exact, or a unique part of it; case is ignored). Only that
    line changes, in the item's own dialect: ` ✅ DATE` for Obsidian Tasks items
    (after their other fields, before a block id), ` [completion:: DATE]` for
    Dataview items, ` done:DATE` for any other.
    """
    _item_command(ctx, "done", item_id, today)


@main.command()
@click.argument("text")
@click.option("--owner", metavar="H", help="Who commits to it (a handle in the agreement).")
@click.option("--due", "day", metavar="DATE", callback=_date_option, help="Due date.")
@click.option("--goal", metavar="G", help="The goal it serves (goals/G.md).")
@click.option("--to", metavar="FILE", help="A session or goal file (default: the latest session).")
@click.pass_context
@refusals
def add(
    ctx: click.Context,
    text: str,
    owner: str | None,
    day: dt.date | None,
    goal: str | None,
    to: str | None,
) -> None:
    """Add an action item to the latest session (or to FILE).

    The line is `- [ ] @H TEXT #G` with the due date in the dialect the file's items
    use (`due:DATE`, `📅 DATE`, `[due:: DATE]`). It goes after the last item under the
    file's "Next actions" (or "Milestones" ...) heading, else at the end of the file.
    The owner, goal and date are checked first; nothing else in the file changes.
    """
    from mentorjournal.cli import commands

    state = _state(ctx)
    root = state.root()
    said, note = commands.add(root, state.directory, text, owner, day, goal, to)
    _echo(said)
    if note:
        _echo(note, err=True)
    _notice(root)


@main.command()
@click.argument("item_id", metavar="ID")
@today_option
@click.pass_context
@refusals
def cancel(ctx: click.Context, item_id: str, today: dt.date) -> None:
    """Cancel action item ID and date it where its dialect can.

    The checkbox becomes `[-]`; an Obsidian Tasks item gets `❌ DATE`, a Dataview item
    `[cancelled:: DATE]` (mj's own `due:` items have no cancelled date). ID as for
    `mj done`.
    """
    _item_command(ctx, "cancel", item_id, today)


@main.command()
@click.argument("item_id", metavar="ID")
@click.pass_context
@refusals
def reopen(ctx: click.Context, item_id: str) -> None:
    """Open a done or cancelled item ID again.

    The checkbox becomes `[ ]` and its done and cancelled dates are removed. ID as for
    `mj done`.
    """
    _item_command(ctx, "reopen", item_id, None)


@main.command("due")
@click.argument("item_id", metavar="ID")
@click.argument("day", metavar="DATE", callback=_date_option)
@click.pass_context
@refusals
def due_command(ctx: click.Context, item_id: str, day: dt.date) -> None:
    """Set or change the due date of item ID to DATE (YYYY-MM-DD).

    A due date it has is replaced where it stands (`due:`, `📅`, `📆`, `[due:: ]`,
    `(due:: )`); else one is added in the item's dialect. ID as for `mj done`.
    """
    _item_command(ctx, "due", item_id, day)
