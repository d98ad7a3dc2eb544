"""Starting and checking a journal (thin, ``app.py``): init, validate, status, watch, lsp."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from mentorjournal.cli.app import F, _echo, _state, main, palette, refusals, today_option

if TYPE_CHECKING:
    import datetime as dt

    from mentorjournal.model import Finding


def _init_options(command: F) -> F:
    """A flag for every question a guided `mj init` asks."""
    from mentorjournal.edit.scaffold import QUESTIONS

    for field, question in reversed(QUESTIONS):
        flag = "--" + field.replace("_", "-")
        metavar = {"length": "MINUTES", "review": "DATE"}.get(field, "TEXT")
        command = click.option(flag, field, metavar=metavar, help=question + ".")(command)
    return command


@main.command()
@click.argument("directory", required=False, type=click.Path(file_okay=False, path_type=Path))
@_init_options
@today_option
@click.pass_context
@refusals
def init(
    ctx: click.Context, /, directory: Path | None, today: dt.date, **flags: str | None
) -> None:
    """Start a journal in DIRECTORY (default: here).

    On a terminal it asks for the names, purpose, cadence, review date and what a
    sponsor may see; each question has a flag, and what a flag gives is not asked.
    Without a terminal (a script) nothing is asked: unanswered questions take
    their defaults (handles `mentor` and `mentee`, biweekly 45-minute video
    meetings, a review in three months, a sponsor sees cadence, goals, actions).

    Writes agreement.md from a template covering purpose, roles, goals, cadence
    and preparation, boundaries, confidentiality and consent, conflicts of
    interest, resources, success criteria, reviews, escalation and sign-off;
    creates goals/ and sessions/; keeps private/ out of Git; runs `git init`
    when not in a repository; installs the pre-commit hook. Never overwrites a file.
    """
    from mentorjournal.edit.scaffold import QUESTIONS, make_setup, read_answer, scaffold
    from mentorjournal.errors import MjError

    answers = {field: text for field, text in flags.items() if text is not None}
    for field, text in answers.items():
        try:
            read_answer(field, text, today)
        except MjError as exc:
            raise click.BadParameter(str(exc), param_hint="--" + field.replace("_", "-")) from None
    if sys.stdin.isatty():
        _echo("Setting up a mentorship journal: Enter keeps the [default].")
        for field, question in QUESTIONS:
            if field not in answers:
                answers[field] = _ask(field, question, answers, today)
    base = _state(ctx).directory
    target = base / directory if directory else base
    result = scaffold(target, make_setup(answers, today), today)
    for path in result.written:
        _echo(f"wrote   {path}")
    if result.git_initialised:
        _echo("git     initialised a repository")
    _echo(f"hook    {result.hook}")
    _echo("merge   driver set up: items and signatures edited on both sides merge by themselves")
    _echo(
        "\nNext: write the agreement's sections together (`mj validate` lists what is left), "
        "add goals with `mj new goal ID`, read it with `mj agreement`, then `mj commit`; "
        "each of you adds a key once (`mj key`) and signs (`mj sign`)."
    )
    if result.git_initialised:  # a repository that was there may be shared already
        _echo(
            "To share it: `git remote add origin URL` (an empty repository), `mj sync`; "
            "the other person runs `mj clone URL`."
        )


def _ask(field: str, question: str, answers: dict[str, str], today: dt.date) -> str:
    """One question on the terminal, asked again until the answer reads."""
    from mentorjournal.edit.scaffold import default_answer, make_setup, read_answer
    from mentorjournal.errors import MjError
    from mentorjournal.render.terminal import terminal_text

    def checked(text: str) -> str:
        try:
            read_answer(field, text, today)
            if field == "mentee":  # the two handles must differ: say so now, not at the end
                make_setup({**answers, field: text}, today)
        except MjError as exc:
            raise click.UsageError(terminal_text(str(exc))) from None
        return text

    default = default_answer(field, answers, today)
    answer: str = click.prompt(
        terminal_text(question),
        default=terminal_text(default),
        show_default=bool(default),
        value_proc=checked,
    )
    return answer


@main.command(short_help="Check journal files against the schemas and cross-file rules.")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--staged", is_flag=True, help="Check what the index holds (what will be committed).")
@click.option("--json", "as_json", is_flag=True, help="Print findings as JSON (--format json).")
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["text", "json", "github"]),
    help="github: one GitHub Actions annotation per finding, paths from the current folder.",
)
@click.option("--strict", is_flag=True, help="Fail on warnings too.")
@click.pass_context
@refusals
def validate(
    ctx: click.Context,
    paths: tuple[Path, ...],
    staged: bool,
    as_json: bool,
    output_format: str | None,
    strict: bool,
) -> None:
    """Check journal files against the schemas and the cross-file rules.

    With PATHs (files or folders), report only on those; cross-file rules still
    see the whole journal. Exit 1 when there is an error (any finding with --strict).
    """
    from mentorjournal.checks.validate import validate as run_validation

    if as_json and output_format not in (None, "json"):
        raise click.UsageError(f"--json and --format {output_format}: give one of them")
    output = "json" if as_json else output_format or "text"
    state = _state(ctx)
    absolute = {p: p if p.is_absolute() else state.directory / p for p in paths}
    if not staged:  # --staged: a file deleted here may still be in the index
        _usage_if([p for p, full in absolute.items() if not os.path.lexists(full)], "no such file")
    start = next(iter(absolute.values()), None)
    if start is not None and not start.is_dir():
        start = start.parent
    from mentorjournal.errors import NoJournalError

    try:
        root = state.root(start)
    except NoJournalError:
        # At the top of a program (pairs/*/): every journal in it, as CI and the
        # pre-commit framework (`mj validate --staged`) run it there.
        from mentorjournal.reports.program import program_findings

        found = None if paths else program_findings(state.directory, staged)
        if found is None:
            raise
        ctx.exit(_report(*found, output, strict, state.directory))
    if staged and not paths:
        from mentorjournal.index.stagedcheck import staged_findings

        findings, checked = staged_findings(root)
        ctx.exit(_report(findings, checked, output, strict, root))
    if staged:
        from mentorjournal.index.store import load_cached

        journal = load_cached(root, staged=True)
        findings = run_validation(journal)
        names = sorted({doc.path for doc in journal.documents} | {f.path for f in journal.findings})
        checked = len(journal.documents)
    else:
        from mentorjournal.index import views

        findings, names, checked = views.findings(root)
    if absolute:
        wanted = {given: _relative(root, full, given) for given, full in absolute.items()}
        covered = {given: {n for n in names if _covers(w, n)} for given, w in wanted.items()}
        unknown = [p for p, found in covered.items() if not found and not absolute[p].exists()]
        _usage_if(unknown, "no such file, and none staged at that path")
        ignored = [p for p, found in covered.items() if not found and absolute[p].is_file()]
        _usage_if(
            ignored,
            "not a journal file: mj checks agreement.md, goals/*.md, sessions/*.md (and "
            "private/goals/, private/sessions/), and Markdown with a `type:` key",
        )
        only = set().union(*covered.values())
        findings = [f for f in findings if f.path in only]
        checked = len(only)
    ctx.exit(_report(findings, checked, output, strict, root))


def _usage_if(paths: list[Path], problem: str) -> None:
    """A PATH that names nothing is a usage error (exit 2), not an empty check that passes."""
    if paths:
        raise click.BadParameter(f"{paths[0]}: {problem}", param_hint="PATH")


def _report(
    findings: list[Finding], checked: int, output_format: str, strict: bool, base: Path
) -> int:
    """Print findings (and the tally on stderr), their paths under ``base``; the exit
    code: 1 on an error."""
    from mentorjournal.render.findings import findings_output

    failed = any(f.severity == "error" or strict for f in findings)
    out, err = findings_output(
        findings, checked, output_format, not failed, palette(), str(base), str(Path.cwd())
    )
    if out:
        _echo(out)
    if err:
        _echo(err, err=True)
    return 1 if failed else 0


def _covers(wanted: str, name: str) -> bool:
    return wanted in ("", ".", name) or name.startswith(wanted.rstrip("/") + "/")


def _relative(root: Path, path: Path, given: Path) -> str:
    resolved = path.resolve() if path.exists() else path.absolute()
    try:
        relative = resolved.relative_to(root.resolve()).as_posix()
    except ValueError:
        _usage_if([given], f"not inside the journal at {root}")
        raise
    return "" if relative == "." else relative


@main.command(short_help="A Language Server: findings as you type in your editor.")
@click.option(
    "--stdio",
    is_flag=True,
    help="Talk over stdin and stdout (the default; for clients that pass it).",
)
def lsp(stdio: bool) -> None:
    """A Language Server for editors: the findings as you type, and more.

    The findings are `mj validate`'s. It also completes @handles, #goal ids and front
    matter keys and values, shows an item's id, owner, due date and goal on hover,
    and offers "mark done". It talks the Language Server Protocol over stdin and
    stdout: your editor starts it (see "In your editor" in docs/guide.md).
    """
    if sys.stdin.isatty():
        _echo("mj lsp talks to an editor over stdin/stdout; Ctrl-D ends it.", err=True)
    from mentorjournal.lsp.server import serve

    serve()


@main.command(short_help="Open action items by owner, next meeting, review, signatures.")
@click.option("--json", "as_json", is_flag=True, help="Print the status as JSON.")
@click.option("--owner", metavar="H", help="Only items owned by H (ana or @ana).")
@today_option
@click.pass_context
@refusals
def status(ctx: click.Context, as_json: bool, owner: str | None, today: dt.date) -> None:
    """Open action items by owner (overdue first), next meeting, review, signatures."""
    from mentorjournal.index import views
    from mentorjournal.journal import people
    from mentorjournal.render.status import status_text
    from mentorjournal.render.terminal import json_text, terminal_width
    from mentorjournal.reports.status import compute_status

    root = _state(ctx).root()
    journal = views.journal(root)
    names = {handle: person.name for handle, person in people(journal).items()}
    if owner is not None:
        owner = owner.removeprefix("@")
        if owner not in names:
            known = ", ".join(f"@{handle}" for handle in names) or "nobody yet"
            raise click.BadParameter(
                f"@{owner} is not in the agreement (its people: {known})", param_hint="--owner"
            )
    result = compute_status(journal, today, owner)
    if as_json:
        _echo(json_text(result.as_json()))
        return
    _echo(status_text(result, palette(), names, terminal_width(), owner))
    from mentorjournal.checks.validate import file_errors

    errors = file_errors(journal)
    if errors:
        from mentorjournal.render.terminal import errors_note

        _echo("\n" + errors_note("items"), err=True)


@main.command(short_help="Re-validate on every save and redraw the findings and status.")
@today_option
@click.pass_context
@refusals
def watch(ctx: click.Context, today: dt.date) -> None:
    """Re-validate on every save and redraw one screen: the time of the last check, what
    changed, the findings and the status.

    Editor and tool temp files (vim's swap and backup, `sed -i`'s) are not changes.
    Stop with Ctrl-C.
    """
    import threading

    from mentorjournal.watch import watch as run_watch

    root = _state(ctx).root()
    given = ctx.get_parameter_source("today")
    try:
        run_watch(
            root,
            lambda text: _echo(text, redraw=True),
            threading.Event(),
            palette(),
            lambda text: _echo(text, err=True),
            # A fixed --today stays fixed; otherwise each re-check reads the clock (and MJ_TODAY).
            today.isoformat() if given == click.core.ParameterSource.COMMANDLINE else None,
        )
    except KeyboardInterrupt:
        _echo("", err=True)
    ctx.exit(0)
