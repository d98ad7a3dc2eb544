"""The `mj` command line: the only module that imports click.

Each command reads its inputs, calls one library function, renders, and sets the exit
code. Library modules are imported inside the commands so that `mj --help` and the
fast paths do not pay for what they do not use.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from functools import wraps
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

if TYPE_CHECKING:
    import datetime as dt

    from mentorjournal.model import Journal
    from mentorjournal.render.terminal import Palette

F = TypeVar("F", bound=Callable[..., Any])


class State:
    """What the root command passes to every subcommand."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory

    def root(self, start: Path | None = None) -> Path:
        from mentorjournal.journal import find_root

        return find_root(start or self.directory)


def refusals(command: F) -> F:
    """Turn the library's MjError into a clean message and exit code 1."""

    @wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        from mentorjournal.errors import MjError

        try:
            return command(*args, **kwargs)
        except MjError as exc:
            raise click.ClickException(str(exc)) from None

    return wrapper  # type: ignore[return-value]


def palette(stream: Any = None) -> Palette:
    from mentorjournal.render.terminal import Palette

    stream = stream or sys.stdout
    enabled = "NO_COLOR" not in os.environ and hasattr(stream, "isatty") and stream.isatty()
    return Palette(enabled)


def parse_today(ctx: click.Context, param: click.Parameter, value: str | None) -> dt.date:
    from mentorjournal.dates import today

    try:
        return today(value)
    except ValueError as exc:
        raise click.BadParameter(str(exc), ctx=ctx, param=param) from None


today_option = click.option(
    "--today",
    metavar="DATE",
    callback=parse_today,
    help="Take DATE (YYYY-MM-DD) as today; also read from MJ_TODAY.",
)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "-C",
    "directory",
    metavar="DIR",
    type=click.Path(file_okay=False, path_type=Path),
    help="Run as if mj was started in DIR.",
)
@click.version_option(package_name="mentorjournal", prog_name="mj")
@click.pass_context
def main(ctx: click.Context, directory: Path | None) -> None:
    """Keep a mentorship in plain text over Git.

    A journal is a folder holding agreement.md, goals/ and sessions/: Markdown
    files with YAML front matter, shared by mentor and mentee through Git.
    """
    if directory is not None and not directory.is_dir():
        raise click.BadParameter(f"{directory} is not a directory", param_hint="-C")
    ctx.obj = State(directory or Path.cwd())


def _state(ctx: click.Context) -> State:
    state = ctx.find_object(State)
    assert state is not None
    return state


# ---------------------------------------------------------------- init


@main.command()
@click.argument("directory", required=False, type=click.Path(file_okay=False, path_type=Path))
@click.option(
    "--mentor",
    "mentor",
    metavar="H",
    default="mentor",
    show_default=True,
    help="The mentor's handle.",
)
@click.option(
    "--mentee",
    "mentee",
    metavar="H",
    default="mentee",
    show_default=True,
    help="The mentee's handle.",
)
@click.option("--mentor-name", metavar="NAME", help="The mentor's name (default: the handle).")
@click.option("--mentee-name", metavar="NAME", help="The mentee's name (default: the handle).")
@today_option
@click.pass_context
@refusals
def init(
    ctx: click.Context,
    directory: Path | None,
    mentor: str,
    mentee: str,
    mentor_name: str | None,
    mentee_name: str | None,
    today: dt.date,
) -> None:
    """Start a journal in DIRECTORY (default: here).

    Writes agreement.md from a template covering purpose, roles, goals, cadence
    and preparation, boundaries, confidentiality and consent, conflicts of
    interest, resources, success criteria, reviews, escalation and sign-off;
    creates goals/ and sessions/; keeps private/ out of Git; runs `git init`
    when not in a repository; installs the pre-commit hook. Never overwrites a file.
    """
    from mentorjournal.scaffold import scaffold

    base = _state(ctx).directory
    target = base / directory if directory else base
    result = scaffold(target, mentor, mentee, mentor_name, mentee_name, today)
    for path in result.written:
        click.echo(f"wrote   {path}")
    if result.git_initialised:
        click.echo("git     initialised a repository")
    if result.hook:
        click.echo(f"hook    {result.hook}")
    else:
        click.echo("hook    not installed (core.hooksPath is set); see `mj hook install --help`")
    click.echo(
        "\nNext: fill in agreement.md together, add goals with `mj new goal ID`, "
        "then `mj validate` and `mj commit`."
    )


# ---------------------------------------------------------------- validate


def _load(state: State, root: Path, staged: bool) -> Journal:
    from mentorjournal.journal import load_journal

    if not staged:
        return load_journal(root)
    from mentorjournal import gitrepo
    from mentorjournal.errors import MjError

    if gitrepo.repo_toplevel(root) is None:
        raise MjError(f"--staged needs a git repository, and {root} is not in one")
    return load_journal(root, gitrepo.staged_files(root))


@main.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--staged", is_flag=True, help="Check what the index holds (what will be committed).")
@click.option("--json", "as_json", is_flag=True, help="Print findings as JSON.")
@click.option("--strict", is_flag=True, help="Fail on warnings too.")
@click.pass_context
@refusals
def validate(
    ctx: click.Context, paths: tuple[Path, ...], staged: bool, as_json: bool, strict: bool
) -> None:
    """Check journal files against the schemas and the cross-file rules.

    With PATHs (files or folders), report only on those; cross-file rules still
    see the whole journal. Exit 1 when there is an error (any finding with --strict).
    """
    from mentorjournal.render.findings import findings_json, findings_tally, findings_text
    from mentorjournal.validate import validate as run_validation

    state = _state(ctx)
    absolute = [p if p.is_absolute() else state.directory / p for p in paths]
    start = absolute[0] if absolute else None
    if start is not None and not start.is_dir():
        start = start.parent
    root = state.root(start)
    journal = _load(state, root, staged)
    only = None
    if absolute:
        wanted = [_relative(root, p) for p in absolute]
        names = {doc.path for doc in journal.documents} | {f.path for f in journal.findings}
        only = [
            n
            for n in names
            if any(n == w or n.startswith(w.rstrip("/") + "/") or w in ("", ".") for w in wanted)
        ]
    findings = run_validation(journal, only)
    failed = any(f.severity == "error" or strict for f in findings)
    if as_json:
        click.echo(findings_json(findings, ok=not failed))
    else:
        if findings:
            click.echo(findings_text(findings, palette()))
        checked = len(journal.documents) if only is None else len(only)
        click.echo(findings_tally(findings, checked), err=True)
    ctx.exit(1 if failed else 0)


def _relative(root: Path, path: Path) -> str:
    from mentorjournal.errors import MjError

    resolved = path.resolve() if path.exists() else path.absolute()
    try:
        relative = resolved.relative_to(root.resolve()).as_posix()
    except ValueError:
        raise MjError(f"{path} is not inside the journal at {root}") from None
    return "" if relative == "." else relative


# ---------------------------------------------------------------- status


@main.command()
@click.option("--json", "as_json", is_flag=True, help="Print the status as JSON.")
@click.option("--owner", metavar="H", help="Only items owned by handle H.")
@today_option
@click.pass_context
@refusals
def status(ctx: click.Context, as_json: bool, owner: str | None, today: dt.date) -> None:
    """Open action items by owner (overdue first), next meeting, review, signatures."""
    from mentorjournal.journal import load_journal, people
    from mentorjournal.render.status import status_json, status_text
    from mentorjournal.status import compute_status

    root = _state(ctx).root()
    journal = load_journal(root)
    result = compute_status(journal, today, owner)
    if as_json:
        click.echo(status_json(result))
        return
    names = {handle: person.name for handle, person in people(journal).items()}
    click.echo(status_text(result, palette(), names))
    errors = sum(f.severity == "error" for doc in journal.documents for f in doc.findings)
    if errors:
        click.echo(f"\n{errors} file error(s) may hide items: run `mj validate`", err=True)


# ---------------------------------------------------------------- sharing (issue 3)
# commit, sync, sign, history, hook: added below this line.


# ---------------------------------------------------------------- authoring and reports (issue 4)
# new, done, summary, watch: added below this line.


def _date_option(ctx: click.Context, param: click.Parameter, value: str | None) -> dt.date | None:
    from mentorjournal.dates import parse_date

    if value is None:
        return None
    parsed = parse_date(value)
    if parsed is None:
        raise click.BadParameter(f"{value!r} is not a date YYYY-MM-DD", ctx=ctx, param=param)
    return parsed


@main.group()
def new() -> None:
    """Start a new session or goal file from a template, pre-filled."""


def _open_editor(root: Path, path: Path) -> None:
    """Run $EDITOR on ``path``, then say whether the file still validates."""
    from mentorjournal.journal import load_journal
    from mentorjournal.render.findings import findings_text
    from mentorjournal.validate import validate as run_validation

    click.edit(filename=str(path))
    relative = path.relative_to(root).as_posix()
    findings = run_validation(load_journal(root), [relative])
    if findings:
        click.echo(findings_text(findings, palette(sys.stderr)), err=True)


@new.command("session")
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
    from mentorjournal.authoring import new_session as write_session
    from mentorjournal.journal import load_journal

    root = _state(ctx).root()
    path = write_session(root, load_journal(root), day or today, slug, kind)
    click.echo(f"wrote   {path.relative_to(root).as_posix()}")
    if edit:
        _open_editor(root, path)


@new.command("goal")
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
    from mentorjournal.authoring import new_goal as write_goal
    from mentorjournal.journal import load_journal

    root = _state(ctx).root()
    path = write_goal(root, load_journal(root), goal_id, title, success, target, today, status)
    click.echo(f"wrote   {path.relative_to(root).as_posix()}")
    if not success:
        click.echo("note    write the success criterion in the file's `success:`", err=True)
    if edit:
        _open_editor(root, path)


@main.command()
@click.argument("item_id", metavar="ID")
@today_option
@click.pass_context
@refusals
def done(ctx: click.Context, item_id: str, today: dt.date) -> None:
    """Tick action item ID (or a unique prefix) in its file and add its done date.

    Only that line changes; every other byte, line endings included, stays.
    """
    from mentorjournal.authoring import mark_done
    from mentorjournal.journal import load_journal

    root = _state(ctx).root()
    ticked = mark_done(root, load_journal(root), item_id, today)
    item = ticked.item
    click.echo(f"done    {item.id}  {item.text}  ({item.path}:{item.line}, {ticked.done})")


@main.command()
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["text", "md", "json", "html"]),
    default="text",
    show_default=True,
    help="Output format.",
)
@click.option("--since", metavar="DATE", callback=_date_option, help="Window start.")
@click.option("--until", metavar="DATE", callback=_date_option, help="Window end (default today).")
@click.option(
    "--audience",
    type=click.Choice(["pair", "sponsor"]),
    default="pair",
    show_default=True,
    help="sponsor: counts and goal titles only, never note text.",
)
@click.option(
    "-o",
    "--output",
    metavar="FILE",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write to FILE (atomically) instead of standard output.",
)
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

    Confidential sessions and private/ files are counted but never quoted, for any
    audience.
    """
    from mentorjournal.errors import MjError
    from mentorjournal.journal import load_journal
    from mentorjournal.summary import agreement_versions, compute_summary

    if since and until and since > until:
        raise MjError(f"--since {since} is after --until {until}")
    root = _state(ctx).root()
    end = until or today
    result = compute_summary(
        load_journal(root),
        today,
        since,
        until,
        "sponsor" if audience == "sponsor" else "pair",
        agreement_versions(root, end),
    )
    if output_format == "json":
        from mentorjournal.render.summary_json import summary_json

        text = summary_json(result)
    elif output_format == "md":
        from mentorjournal.render.summary_markdown import summary_markdown

        text = summary_markdown(result)
    elif output_format == "html":
        from mentorjournal.render.summary_html import summary_html

        text = summary_html(result)
    else:
        from mentorjournal.render.summary_text import summary_text
        from mentorjournal.render.terminal import Palette

        text = summary_text(result, palette() if output is None else Palette(False))
    if output is None:
        click.echo(text.rstrip("\n"))
        return
    from mentorjournal.fileio import atomic_write

    target = output if output.is_absolute() else _state(ctx).directory / output
    atomic_write(target, (text.rstrip("\n") + "\n").encode())
    click.echo(f"wrote   {target}", err=True)


@main.command()
@today_option
@click.pass_context
@refusals
def watch(ctx: click.Context, today: dt.date) -> None:
    """Re-validate on every save; reprint findings and status when they change.

    Stop with Ctrl-C.
    """
    import threading

    from mentorjournal.watch import watch as run_watch

    root = _state(ctx).root()
    given = ctx.get_parameter_source("today")
    click.echo(f"watching {root} (Ctrl-C to stop)", err=True)
    try:
        run_watch(
            root,
            click.echo,
            threading.Event(),
            palette(),
            lambda text: click.echo(text, err=True),
            # A fixed --today stays fixed; otherwise each re-check reads the clock (and MJ_TODAY).
            today.isoformat() if given == click.core.ParameterSource.COMMANDLINE else None,
        )
    except KeyboardInterrupt:
        click.echo("", err=True)
    ctx.exit(0)
