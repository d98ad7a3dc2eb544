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
