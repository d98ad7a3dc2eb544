"""The `mj` command line: the only module that imports click.

Each command reads its inputs, calls one library function, renders, and sets the exit
code. Library modules are imported inside the commands so that `mj --help` and the
fast paths do not pay for what they do not use.
"""

from __future__ import annotations

import os
import shutil
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import wraps
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

if TYPE_CHECKING:
    import datetime as dt

    from mentorjournal.model import Finding, Journal
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
            hint = program_hint(start or self.directory, command)
            if hint is None:
                raise
            raise NoJournalError(hint) from None


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
    from mentorjournal.render.terminal import palette_for

    return palette_for(stream or sys.stdout)


def _echo(text: str = "", err: bool = False, crlf: bool = False, redraw: bool = False) -> None:
    """Print a line as every command prints: a note's text, a file name or an author
    cannot reach the terminal as a control sequence (``terminal.terminal_text``).
    With ``crlf``, ``text`` is lines that end in CRLF (an iCalendar feed): those CRs
    pass, and no line break is added. With ``redraw``, on a terminal, ``text``
    replaces the screen instead of following it."""
    from mentorjournal.render.terminal import CLEAR_SCREEN, terminal_text

    if crlf:
        click.echo(
            terminal_text(text.replace("\r\n", "\n")).replace("\n", "\r\n"), err=err, nl=False
        )
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
        raise click.BadParameter(str(exc), ctx=ctx, param=param) from None


today_option = click.option(
    "--today",
    metavar="DATE",
    callback=parse_today,
    help="Take DATE (YYYY-MM-DD) as today; also read from MJ_TODAY.",
)


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

    escape_undecodable()
    ctx.obj = State(directory or Path.cwd())


def _state(ctx: click.Context) -> State:
    state = ctx.find_object(State)
    assert state is not None
    return state


# ---------------------------------------------------------------- init


def _init_options(command: F) -> F:
    """A flag for every question a guided `mj init` asks."""
    from mentorjournal.edit.scaffold import QUESTIONS

    for field, question in reversed(QUESTIONS):
        flag = "--" + field.replace("_", "-")
        command = click.option(flag, field, metavar="TEXT", help=question + ".")(command)
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
    if result.hook:
        _echo(f"hook    {result.hook}")
    else:
        _echo("hook    not installed (core.hooksPath is set); see `mj hook install --help`")
    _echo(
        "\nNext: write the agreement's sections together (`mj validate` lists what is left), "
        "add goals with `mj new goal ID`, read it with `mj agreement`, then `mj commit` "
        "and both `mj sign`."
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

    default = default_answer(field, {k: v for k, v in answers.items()}, today)
    answer: str = click.prompt(
        terminal_text(question),
        default=terminal_text(default),
        show_default=bool(default),
        value_proc=checked,
    )
    return answer


# ---------------------------------------------------------------- validate


def _load(state: State, root: Path, staged: bool) -> Journal:
    """The journal through the parse cache (the working tree, or the index when staged)."""
    from mentorjournal.index.store import load_cached

    return load_cached(root, staged=staged)


@main.command()
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
        journal = _load(state, root, staged)
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


@main.command()
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


# ---------------------------------------------------------------- status


@main.command()
@click.option("--json", "as_json", is_flag=True, help="Print the status as JSON.")
@click.option("--owner", metavar="H", help="Only items owned by H (ana or @ana).")
@today_option
@click.pass_context
@refusals
def status(ctx: click.Context, as_json: bool, owner: str | None, today: dt.date) -> None:
    """Open action items by owner (overdue first), next meeting, review, signatures."""
    from mentorjournal.index import views
    from mentorjournal.journal import people
    from mentorjournal.render.status import status_json, status_text
    from mentorjournal.render.terminal import terminal_width
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
        _echo(status_json(result))
        return
    _echo(status_text(result, palette(), names, terminal_width(), owner))
    from mentorjournal.checks.validate import file_errors

    errors = file_errors(journal)
    if errors:
        said = f"{errors} file error" + ("s" if errors != 1 else "")
        _echo(f"\n{said} may hide items: run `mj validate`", err=True)


# ---------------------------------------------------------------- sharing (issue 3)
# commit, sync, sign, history, hook: added below this line.


@main.command()
@click.option("-m", "--message", metavar="MSG", help="Your words as the subject line.")
@click.pass_context
@refusals
def commit(ctx: click.Context, message: str | None) -> None:
    """Validate, stage only journal files, and commit with a message saying what changed.

    Stages agreement.md, goals/*.md, sessions/*.md (deletions too) and the files
    `mj init` wrote; never private/ or other untracked files. Refuses, changing
    nothing, on validation errors, mid-merge/rebase/cherry-pick/revert, on a
    detached HEAD, when index.lock exists, or when nothing changed. With -m your
    words are the subject and the generated summary the body.
    """
    from mentorjournal.render.findings import findings_text
    from mentorjournal.reports.changes import commit_journal, plan_commit, plural

    plan = plan_commit(_state(ctx).root())
    if plan.errors:
        _echo(findings_text(plan.errors, palette()))
        raise click.ClickException(
            f"not committed: {plural(len(plan.errors), 'error')} above. Fix them "
            "(`mj validate` checks again), then run `mj commit`."
        )
    outcome = commit_journal(plan, message)
    _echo(f"committed {outcome.sha[:7]}: {outcome.message.splitlines()[0]}")
    for line in outcome.message.splitlines()[1:]:
        if line.strip():
            _echo(f"  {line}")
    _notice(plan.root)


@main.command()
@click.argument("url")
@click.argument("directory", required=False, type=click.Path(path_type=Path))
@click.pass_context
@refusals
def clone(ctx: click.Context, url: str, directory: Path | None) -> None:
    """Clone a shared journal and set it up as `mj init` does (hook, merge driver).

    URL is what you would give `git clone` (https://, ssh, or a path); DIRECTORY
    defaults to the last part of URL.
    """
    from mentorjournal.git import exchange

    target, hook_path = exchange.clone(url, directory, _state(ctx).directory)
    _echo(f"cloned {url} into {target}")
    _echo(
        f"hook    {hook_path}"
        if hook_path
        else "hook    not installed (core.hooksPath is set); see `mj hook install --help`"
    )
    _echo("merge   items and signatures edited on both sides merge by themselves")
    _echo(f"next    cd {target} && mj status")


@main.command()
@click.option(
    "--merge",
    "start_merge",
    is_flag=True,
    help="Merge the other side's work here even if it clashes, marking each clash in its "
    "file for you to resolve; then run `mj sync` again.",
)
@click.pass_context
@refusals
def sync(ctx: click.Context, start_merge: bool) -> None:
    """Bring the other side's commits in, then send yours out.

    On a conflict nothing is changed (your commits, files and branch stay as they
    were): the files are named, with how to see the other version and how to
    merge by hand if you want to.
    """
    from mentorjournal.git import exchange
    from mentorjournal.render.terminal import printable

    root = _state(ctx).root()
    if start_merge:
        left = exchange.start_merge(root)
        if not left:
            errors = [f for f in exchange.commit_findings(root, "HEAD") if f.severity == "error"]
            if not errors:
                _echo("merged; run `mj sync` to share it")
                return
            _echo("merged, but the journal now has errors:", err=True)
            _show_findings(root, tuple(errors))
            _echo("Fix them, `mj commit`, then `mj sync`.", err=True)
            ctx.exit(1)
        _echo("merged, but these files need you:")
        for path, kind in left.items():
            _echo(f"  {printable(path)}  ({exchange.KIND_WORDS[kind]})")
        _echo(
            "Where you both changed lines, each clash is marked in the file: keep what you "
            "both want and delete the marker lines. Where one of you deleted the file, keep "
            "it with `git add -- FILE` or delete it with `git rm -- FILE`. Then run `mj sync` "
            "(it checks the files and finishes the merge; no editor opens)."
        )
        ctx.exit(1)
    result = exchange.sync(root)
    _notice(root)
    if result.conflicts:
        _explain_conflicts(root, result)
        ctx.exit(1)
    if result.refused:
        _echo(
            "mj sync stopped before changing anything: the journal you would share has errors:",
            err=True,
        )
        _show_findings(root, result.findings)
        _echo(
            "\nNothing was pushed and nothing here changed. Fix those lines, `mj commit`, "
            "then `mj sync` again.\nIf the errors are in the other side's notes, tell them, "
            "or take their work in first with `mj sync --merge`, fix it, and `mj sync`.",
            err=True,
        )
        ctx.exit(1)
    from mentorjournal.reports.changes import plural

    pulled = f"pulled {plural(result.pulled, 'commit')} from {result.upstream}"
    _echo(pulled if result.pulled else f"up to date with {result.upstream}")
    if result.pushed:
        where = f"pushed to {result.upstream}"
        if result.set_upstream:
            where += " (now its upstream)"
        count = f"{plural(result.pushed_commits, 'commit')} " if result.pushed_commits else ""
        _echo(f"{count}{where}".strip())
    else:
        _echo("nothing to push")
    if result.findings:
        _echo(f"\nthe work pulled from {result.upstream} has errors:", err=True)
        _show_findings(root, result.findings)
        _echo("fix them (or ask the other side to), `mj commit`, then `mj sync`.", err=True)
        ctx.exit(1)


def _show_findings(root: Path, findings: tuple[Finding, ...]) -> None:
    from mentorjournal.render.terminal import printable

    for f in findings[:20]:
        where = f"{printable(f.path)}:{f.line}:{f.column}"
        _echo(f"  {where}: {f.severity}[{f.code}] {printable(f.message)}", err=True)
    if len(findings) > 20:
        _echo(f"  ... and {len(findings) - 20} more (`mj validate`)", err=True)


def _explain_conflicts(root: Path, result: Any) -> None:
    """Say in plain words which files both people changed and how to go on."""
    from mentorjournal.git.exchange import KIND_WORDS
    from mentorjournal.render.terminal import printable

    _echo(
        "mj sync stopped before changing anything: you and the other side changed the same "
        "files in ways mj cannot combine, and it cannot tell which version you both want:",
        err=True,
    )
    for path in result.conflicts:
        _echo(f"  {printable(path)}  ({KIND_WORDS[result.kinds.get(path, 'both')]})", err=True)
    first = printable(result.conflicts[0])
    _echo(
        "\nYour commits, your files and your branch are as they were; their version is "
        f"kept on {result.upstream}.\n"
        f"  see their version:   git show {result.upstream}:{first}\n"
        f"  see the difference:  git diff HEAD {result.upstream} -- {first}\n"
        "To combine the two:\n"
        "  1. mj sync --merge\n"
        "     (each clash is marked in the file: your lines after `<<<<<<< yours`,\n"
        "     theirs after `=======`, ending at `>>>>>>> theirs`; a file one of you\n"
        "     deleted is kept with `git add -- FILE` or deleted with `git rm -- FILE`)\n"
        "  2. edit each file: keep what you both want and delete the three marker lines\n"
        "  3. mj sync   (checks the files, finishes the merge without an editor, shares it;\n"
        "     `git merge --abort` gives up the merge instead)\n"
        "Or talk it through and let one of you make the change again.",
        err=True,
    )


@main.command()
@click.option("--as", "handle", required=True, metavar="H", help="Your handle.")
@click.option("--key", metavar="FILE", help="Your SSH key (default: git's user.signingKey).")
@click.option("--confirm-key", is_flag=True, help="Confirm H's new key, signing with the earlier.")
@today_option
@click.pass_context
@refusals
def sign(
    ctx: click.Context, handle: str, key: str | None, confirm_key: bool, today: dt.date
) -> None:
    """Sign the current agreement text as H with H's SSH key, as git signs commits.

    Adds {by, date, digest, sig} under `signatures` (`ssh-keygen -Y sign`), changing no
    other byte of agreement.md. The key is --key FILE (a private key, or a public key
    whose private half is in ssh-agent), else git's user.signingKey, else
    ~/.ssh/id_ed25519; it must be H's `key` in the agreement (see `mj key`). Any later
    edit makes the signature stale; sign again then. After H's key changed, H signs
    once with the earlier key and --confirm-key; until then H's signature does not count.
    """
    from mentorjournal.edit.signing import sign_agreement

    root = _state(ctx).root()
    result = sign_agreement(root, handle, today, key, confirm_key)
    if result.unchanged:
        _echo(f"{handle} already signed this version of the agreement ({result.date})")
        return
    verb = "re-signed" if result.replaced else "signed"
    _echo(f"{handle} {verb} the agreement on {result.date} with key {result.fingerprint}")
    _echo("Record it with `mj commit`.")
    _notice(root)


@main.command()
@click.option("--as", "handle", metavar="H", help="Whose key (default: git's user.email's).")
@click.option("--file", "key_file", type=click.Path(path_type=Path), help="Key to add.")
@click.option("--generate", is_flag=True, help="Make a new ed25519 key without asking.")
@click.option("--replace", is_flag=True, help="Replace a different key H already has.")
@click.pass_context
@refusals
def key(
    ctx: click.Context, handle: str | None, key_file: Path | None, generate: bool, replace: bool
) -> None:
    """Put your SSH public key in the agreement, so that your signature can be checked.

    The key is --file (a public key, or a private one with its .pub beside it), else
    git's user.signingKey, else ~/.ssh/id_ed25519.pub. With none, mj offers to make a
    new ed25519 key there (--generate: without asking; with --file, at FILE). Only
    H's `key` line is written; then `mj commit` and `mj sign --as H`.
    """
    from mentorjournal import sshkeys
    from mentorjournal.edit import signing
    from mentorjournal.errors import MjError

    root = _state(ctx).root()
    handle = handle or signing.own_handle(root)
    found = None if generate else sshkeys.find_public_key(root, key_file)
    if found is None:
        target = key_file or Path.home() / ".ssh" / "id_ed25519"
        try:
            yes = generate or click.confirm(f"No SSH key found. Make one at {target}?")
        except click.Abort:
            yes = False
        if not yes:
            raise MjError("no key was made: `mj key --generate` makes one, --file uses yours")
        found = sshkeys.generate(target, f"{handle}@mentorjournal"), str(target)
        _echo(f"made {target} (no passphrase; add one: ssh-keygen -p -f {target})")
    result = signing.set_key(root, handle, found[0], replace)
    if result.unchanged:
        _echo(f"{handle}'s key {result.fingerprint} is already in the agreement")
        return
    _echo(f"{handle}'s key {result.fingerprint} ({found[1]}) is now in agreement.md")
    if result.replaced:
        _echo(
            f"It replaces {result.replaced}: sign once with that earlier key to confirm the "
            f"change (`mj sign --as {handle} --key EARLIER-KEY --confirm-key`), or your "
            "signature will not count."
        )
    usual = found[1] in (sshkeys.configured_key(root), "git's user.signingKey")
    _echo(
        f"Next: `mj commit`, then `mj sign --as {handle}{'' if usual else ' --key ' + found[1]}`."
    )
    _notice(root)


@main.command()
@click.option("--json", "as_json", is_flag=True, help="Print the history as JSON.")
@click.pass_context
@refusals
def history(ctx: click.Context, as_json: bool) -> None:
    """The agreement's versions (who changed which field, when) and goal status changes."""
    from mentorjournal.render.history import history_json, history_text
    from mentorjournal.reports.history import journal_history

    result = journal_history(_state(ctx).root())
    _echo(history_json(result) if as_json else history_text(result, palette()))


@main.group("hook")
def hook_group() -> None:
    """The git pre-commit hook that checks what is about to be committed."""


@hook_group.command("install")
@click.option(
    "--follow-hooks-path",
    is_flag=True,
    help="Install into core.hooksPath when it is set (a hook there is kept and run first).",
)
@click.pass_context
@refusals
def hook_install(ctx: click.Context, follow_hooks_path: bool) -> None:
    """Install the pre-commit hook; a hook already there is kept and still runs."""
    from mentorjournal.git import hook, mergedriver

    path = hook.install(_state(ctx).directory, force_hooks_path=follow_hooks_path)
    mergedriver.configure(_state(ctx).directory)
    from mentorjournal.errors import NoJournalError

    try:
        root = _state(ctx).root()
    except NoJournalError:
        from mentorjournal.git.gitrepo import repo_toplevel

        root = repo_toplevel(_state(ctx).directory) or _state(ctx).directory
    if mergedriver.add_attribute(root):
        _echo(f"added {root / '.gitattributes'}: record it with `mj commit`")
    beside = " (run by the pre-commit framework's hook)" if path.name == hook.LEGACY else ""
    _echo(f"hook installed: {path}{beside}")
    _echo("merge driver set up: items and signatures edited on both sides merge")


@hook_group.command("uninstall")
@click.pass_context
@refusals
def hook_uninstall(ctx: click.Context) -> None:
    """Remove mj's pre-commit hook and put back the one it replaced."""
    from mentorjournal.git import hook

    if hook.uninstall(_state(ctx).directory):
        _echo("hook removed")
    else:
        _echo("mj's hook is not installed here; nothing changed")


@main.command("hook-run", hidden=True)
@click.pass_context
@refusals
def hook_run(ctx: click.Context) -> None:
    """Run by the pre-commit hook: validate the staged version of each touched journal."""
    from mentorjournal.render.findings import findings_text
    from mentorjournal.reports.program import program_findings

    findings = (program_findings(_state(ctx).directory, staged=True) or ([], 0))[0]
    if findings:
        _echo(findings_text(findings, palette()))
    if any(f.severity == "error" for f in findings):
        _echo(
            "mj: commit stopped: the staged journal files above have errors. Fix them and "
            "`git add` them (or skip the check once with `git commit --no-verify`).",
            err=True,
        )
        ctx.exit(1)


# ---------------------------------------------------------------- authoring and reports (issue 4)
# new, done, summary, watch: added below this line.


def _date_option(ctx: click.Context, param: click.Parameter, value: str | None) -> dt.date | None:
    from mentorjournal.format.dates import parse_date

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
    from mentorjournal.checks.validate import validate as run_validation
    from mentorjournal.journal import load_journal
    from mentorjournal.render.findings import findings_text

    click.edit(filename=str(path))
    relative = path.relative_to(root).as_posix()
    findings = run_validation(load_journal(root), [relative])
    if findings:
        _echo(findings_text(findings, palette(sys.stderr)), err=True)


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
    from mentorjournal.cli import commands

    root = _state(ctx).root()
    path, said = commands.new_session(root, day or today, slug, kind)
    _echo(said)
    _notice(root)
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
    from mentorjournal.edit.authoring import new_goal as write_goal
    from mentorjournal.journal import load_journal

    root = _state(ctx).root()
    path = write_goal(root, load_journal(root), goal_id, title, success, target, today, status)
    _echo(f"wrote   {path.relative_to(root).as_posix()}")
    if not success:
        _echo("note    write the success criterion in the file's `success:`", err=True)
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


def _notice(root: Path) -> None:
    """After a command that wrote: say so if this clone lacks mj's hook or merge driver."""
    from mentorjournal.git.setupcheck import missing_setup

    line = missing_setup(root)
    if line:
        _echo(line, err=True)


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
    help="sponsor: counts and goal titles, only of what the agreement's consent allows.",
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

    Confidential sessions are counted but never quoted, for any audience; private/
    notes are not part of any report.
    """
    from mentorjournal.cli import commands
    from mentorjournal.errors import MjError
    from mentorjournal.render.terminal import Palette

    if since and until and since > until:
        raise MjError(f"--since {since} is after --until {until}")
    root = _state(ctx).root()
    colours = palette() if output is None and output_format == "text" else Palette(False)
    text = commands.summary(root, output_format, today, since, until, audience, colours)
    if output is None:
        _echo(text.rstrip("\n"))
        return
    _write_output(_state(ctx).directory, output, (text.rstrip("\n") + "\n").encode())


@main.command("agreement")
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["text", "md", "html", "pdf"]),
    default="text",
    show_default=True,
    help="Output format; pdf is printed by Chromium and needs -o.",
)
@click.option(
    "-o",
    "--output",
    metavar="FILE",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write to FILE (atomically) instead of standard output.",
)
@click.pass_context
@refusals
def agreement(ctx: click.Context, output_format: str, output: Path | None) -> None:
    """The agreement as a readable document of one or two pages.

    Purpose, roles, goals with their success criteria, cadence and preparation,
    boundaries, confidentiality and consent, the review date, and who has signed
    this text. Prompts of the template not written yet are marked as such.
    """
    from mentorjournal.index import views
    from mentorjournal.render import agreement as render
    from mentorjournal.reports.agreement import agreement_document

    if output_format == "pdf" and output is None:
        raise click.UsageError("a PDF goes to a file: add -o FILE (e.g. -o agreement.pdf)")
    document = agreement_document(views.journal(_state(ctx).root()))
    if output_format == "text":
        width = min(shutil.get_terminal_size().columns, 100) if output is None else 80
        text = render.agreement_text(document, width)
    elif output_format == "md":
        text = render.agreement_markdown(document)
    else:
        text = render.agreement_html(document)
    if output is None:
        _echo(text.rstrip("\n"))
        return
    data = render.print_pdf(text) if output_format == "pdf" else (text.rstrip("\n") + "\n").encode()
    _write_output(_state(ctx).directory, output, data)


def _write_output(base: Path, output: Path, data: bytes) -> None:
    """``-o FILE``: written atomically, with the user's umask; said on stderr."""
    from mentorjournal.edit.writer import atomic_write

    target = output if output.is_absolute() else base / output
    atomic_write(target, data)
    _echo(f"wrote   {target}", err=True)


@main.command()
@click.argument("directory", required=False, type=click.Path(file_okay=False, path_type=Path))
@click.option(
    "--repos",
    metavar="FILE",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Every repository listed in FILE (paths or URLs, one a line, # comments), "
    "copied into mj's cache folder and fetched on later runs.",
)
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["text", "json", "csv", "html"]),
    default="text",
    show_default=True,
    help="Output format.",
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
    if output is None:
        _echo(text.rstrip("\n"))
        return
    from mentorjournal.edit.writer import atomic_write

    target = base / output
    atomic_write(target, (text.rstrip("\n") + "\n").encode())
    _echo(f"wrote   {target}", err=True)


@main.command()
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


def _time_option(ctx: click.Context, param: click.Parameter, value: str) -> dt.time:
    import datetime as dt

    try:
        return dt.time.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a time HH:MM", ctx=ctx, param=param) from None


@main.command()
@click.option("--owner", metavar="H", help="Only the items of handle H (meetings and review stay).")
@click.option(
    "--audience",
    type=click.Choice(["pair", "sponsor"]),
    default="pair",
    show_default=True,
    help="sponsor: no item text, nothing from confidential or private notes.",
)
@click.option(
    "--at",
    metavar="HH:MM",
    default="09:00",
    show_default=True,
    callback=_time_option,
    help="Local time the meetings start (the agreement gives no time of day).",
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
        text, errors = commands.calendar(root, audience, owner, today, at)
    except UnknownOwnerError as exc:
        raise click.BadParameter(str(exc), param_hint="--owner") from None
    if errors:
        _echo(f"{errors} file error(s) may hide events: run `mj validate`", err=True)
    if output is None:
        _echo(text, crlf=True)
        return
    from mentorjournal.edit.writer import atomic_write

    target = output if output.is_absolute() else _state(ctx).directory / output
    atomic_write(target, text.encode())
    _echo(f"wrote   {target}", err=True)
