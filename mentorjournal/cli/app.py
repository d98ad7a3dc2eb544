"""The `mj` command line: the only module that imports click.

Each command reads its inputs, calls one library function, renders, and sets the exit
code. Library modules are imported inside the commands so that `mj --help` and the
fast paths do not pay for what they do not use.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from functools import wraps
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

if TYPE_CHECKING:
    import datetime as dt

    from mentorjournal.model import Finding
    from mentorjournal.render.terminal import Palette


F = TypeVar("F", bound=Callable[..., Any])


class State:
    """What the root command passes to every subcommand."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory

    def root(self, start: Path | None = None) -> Path:
        """The journal here; at the top of a program (pairs/*/), an error saying so."""
        from mentorjournal.errors import NoJournalError
        from mentorjournal.format.layout import journal_root

        try:
            return Path(journal_root(str(start or self.directory)))
        except NoJournalError:
            from mentorjournal.reports.program import program_hint

            context = click.get_current_context(silent=True)
            words: list[str] = []  # the command as typed: `new session`, not `session`
            while context is not None and context.parent is not None:
                words.insert(0, context.info_name or "")
                context = context.parent
            command = " ".join(words) or "status"
            where = start or self.directory
            hint = program_hint(where, command) or _unchecked(where) or _lost(where)
            if hint is None:
                raise
            raise NoJournalError(hint) from None


def _unchecked(folder: Path) -> str | None:
    """In a clone with nothing checked out (its remote's HEAD names a branch it does not
    have), which branch to switch to: not "run mj init"."""
    from mentorjournal.git import gitrepo, remote

    top = gitrepo.repo_toplevel(folder)
    if top is None or gitrepo.head_commit(top) is not None:
        return None
    step = remote.next_step(top)
    return step if step.startswith("nothing checked out") else None


def _lost(folder: Path) -> str | None:
    """In a journal whose agreement.md was deleted (its sessions/ or goals/ still hold
    notes, and git has had it), how to put it back: not "run mj init", which would start
    another. Notes git never saw beside one (a home folder's ~/goals/) are no journal."""
    from mentorjournal.checks.validate import no_agreement
    from mentorjournal.format.layout import AGREEMENT
    from mentorjournal.git.gitrepo import _run

    for place in (folder.absolute(), *folder.absolute().parents):
        if any(next(place.glob(f"{notes}/*.md"), None) for notes in ("sessions", "goals")):
            known = _run(place, ["log", "-1", "--format=%h", "--", AGREEMENT], ok_codes=range(256))
            try:
                here = os.path.relpath(place)
            except OSError:  # mj was started in a folder since removed (`mj -C DIR`)
                here = str(place)
            return no_agreement("" if here == "." else here).message if known.stdout else None
    return None


def refusals(command: F) -> F:
    """Turn the library's MjError into a clean message and exit code 1 (2, with the
    usage line, for a UsageError)."""

    @wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        from mentorjournal.errors import MjError, UsageError

        try:
            return command(*args, **kwargs)
        except UsageError as exc:
            raise click.UsageError(str(exc)) from None
        except MjError as exc:
            raise click.ClickException(str(exc)) from None

    return wrapper  # type: ignore[return-value]


def palette(stream: Any = None) -> Palette:
    from mentorjournal.render.terminal import palette_for

    return palette_for(stream or sys.stdout)


def _echo(text: str = "", err: bool = False, crlf: bool = False, redraw: bool = False) -> None:
    """Print a line as every command prints: a note's text, a file name or an author
    cannot reach the terminal as a control sequence (``terminal.terminal_text``).
    With ``crlf``, ``text`` is lines that end in CRLF (an iCalendar feed): those CRs
    pass, and no line break is added. With ``redraw``, on a terminal, ``text``
    replaces the screen instead of following it."""
    from mentorjournal.render.terminal import CLEAR_SCREEN, feed_text, terminal_text

    if crlf:
        click.echo(feed_text(text), err=err, nl=False)
        return
    stream = sys.stderr if err else sys.stdout
    colour = palette(stream).enabled
    clear = CLEAR_SCREEN if redraw and stream.isatty() else ""
    # click drops colour codes on its own when not writing to a terminal: FORCE_COLOR
    # must reach a pipe too, so say what the palette decided.
    # (The screen is cleared on a terminal even without colour, e.g. TERM=dumb.)
    click.echo(clear + terminal_text(text, colour), err=err, color=colour or bool(clear))


@contextmanager
def _printable_errors() -> Iterator[None]:
    """What click prints of an error passes the same gate as any output."""
    try:
        yield
    except click.ClickException as exc:
        from mentorjournal.render.terminal import terminal_text

        # click marks it Final to say it is set once; it is read only when shown, after this.
        exc.message = terminal_text(exc.message)  # type: ignore[misc]
        raise


class _Main(click.Group):
    """The root command: its errors, and every subcommand's, are printed safely."""

    def make_context(
        self,
        info_name: str | None,
        args: list[str],
        parent: click.Context | None = None,
        **extra: Any,
    ) -> click.Context:
        with _printable_errors():
            return super().make_context(info_name, args, parent, **extra)

    def invoke(self, ctx: click.Context) -> Any:
        with _printable_errors():
            return super().invoke(ctx)


def parse_today(ctx: click.Context, param: click.Parameter, value: str | None) -> dt.date:
    from mentorjournal.format.dates import today

    try:
        return today(value)
    except ValueError as exc:
        if value is None:  # MJ_TODAY's, not an option's
            raise click.UsageError(str(exc), ctx=ctx) from None
        raise click.BadParameter(str(exc), ctx=ctx, param=param) from None


today_option = click.option(
    "--today",
    metavar="DATE",
    callback=parse_today,
    help="Take DATE (YYYY-MM-DD) as today; also read from MJ_TODAY.",
)
output_option = click.option(
    "-o",
    "--output",
    metavar="FILE",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write to FILE (atomically) instead of standard output.",
)


def format_option(*choices: str, help: str = "Output format.") -> Callable[[F], F]:
    """``--format``, one of ``choices``: the first by default."""
    kind = click.Choice(choices)
    return click.option(
        "--format", "output_format", type=kind, default=choices[0], show_default=True, help=help
    )


def audience_option(help: str) -> Callable[[F], F]:
    """``--audience``: pair (the default) or sponsor."""
    kind = click.Choice(["pair", "sponsor"])
    return click.option("--audience", type=kind, default="pair", show_default=True, help=help)


@click.group(cls=_Main, context_settings={"help_option_names": ["-h", "--help"]})
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
    from mentorjournal.cli.fastpath import escape_undecodable
    from mentorjournal.index.gitstate import anchor_locating

    escape_undecodable()
    anchor_locating()
    ctx.obj = State(directory or Path.cwd())


def _state(ctx: click.Context) -> State:
    state = ctx.find_object(State)
    assert state is not None
    return state


def _show_findings(findings: Sequence[Finding]) -> None:
    from mentorjournal.render.terminal import printable

    for f in findings[:20]:
        where = f"{printable(f.path)}:{f.line}:{f.column}"
        _echo(f"  {where}: {f.severity}[{f.code}] {printable(f.message)}", err=True)
    if len(findings) > 20:
        _echo(f"  ... and {len(findings) - 20} more (`mj validate`)", err=True)


def _date_option(ctx: click.Context, param: click.Parameter, value: str | None) -> dt.date | None:
    from mentorjournal.format.dates import parse_date

    if value is None:
        return None
    parsed = parse_date(value)
    if parsed is None:
        shaped = len(value) == 10 and value[4] == value[7] == "-"
        what = "is not a real date" if shaped else "is not a date YYYY-MM-DD"
        raise click.BadParameter(f"{value!r} {what}", ctx=ctx, param=param)
    return parsed


def _notice(root: Path) -> None:
    """``commands.notice`` on the standard error of the moment (a test runner's too)."""
    from mentorjournal.cli.commands import notice

    notice(root, sys.stderr)


def _print_or_write(base: Path, output: Path | None, text: str, data: bytes | None = None) -> None:
    """A report printed, or with ``-o FILE`` written there (``data``, else ``text`` with one
    final newline) atomically, with the user's umask; said on stderr."""
    if output is None:
        _echo(text.rstrip("\n"))
        return
    from mentorjournal.edit.writer import atomic_write

    target = output if output.is_absolute() else base / output
    try:
        with target.open("rb") as held:
            start = held.read(7).removeprefix(b"\xef\xbb\xbf")
    except OSError:
        start = b""  # none there (or unreadable: the write says why)
    if start[:4] in (b"---\n", b"---\r"):  # a note or the agreement, one letter off a name
        from mentorjournal.errors import MjError

        raise MjError(
            f"{target} starts with front matter, as a journal file does: a report is never "
            "written over one; choose another name"
        )
    atomic_write(target, (text.rstrip("\n") + "\n").encode() if data is None else data)
    _echo(f"wrote   {target}", err=True)


# The commands, by what they are for; importing them registers them on `main`.
from mentorjournal.cli import (  # noqa: E402
    cmd_agreement,  # noqa: F401
    cmd_items,  # noqa: F401
    cmd_journal,  # noqa: F401
    cmd_reports,  # noqa: F401
    cmd_sharing,  # noqa: F401
)
