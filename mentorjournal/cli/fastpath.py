"""The `mj` executable: answers the commands people run most often without click.

Importing click and the command modules costs ~25-60 ms, as much as a warm
`mj status` needs in all. So the executable starts here, imports only ``os`` and
``sys``, and answers:

- ``mj --help``: the top-level help that click renders (generated into ``_help.py``
  by ``docs/cli_reference.py``; a test keeps the two identical);
- ``mj status``: from the status snapshot (``index/snapshot.py``) when it is fresh;
- ``mj validate --staged`` and the installed hook (``hook-run``): the pre-commit
  check that re-checks only the staged notes that changed (``index/stagedcheck.py``);
- ``mj done``, ``cancel``, ``reopen``, ``due``, ``add``, ``commit``, ``summary``,
  ``calendar``, ``new session`` and ``program [DIR]``: parsed in ``fastcommands.py``,
  run through ``commands.py`` as ``app.py`` does.

Anything else, or anything unusual about them (other options, a narrow terminal,
no snapshot yet, MJ_NO_CACHE), goes to the click CLI unchanged, which also words
the errors of bad usage and writes a new snapshot.
"""

from __future__ import annotations

import os
import sys

TYPE_CHECKING = False  # not typing.TYPE_CHECKING: importing typing costs ~12 ms
if TYPE_CHECKING:
    import datetime as dt
    from typing import TextIO

    from mentorjournal.index.snapshot import Snapshot


def main() -> None:
    """Console-script entry point. As click does: Ctrl-C says "Aborted!" (exit 1), a
    reader that went away (``mj status | head``) ends the run quietly (exit 1), a closed
    stdout or stderr swallows what is written to it, a closed stdin reads as empty."""
    for name, mode in (("stdin", "r"), ("stdout", "w"), ("stderr", "w")):
        if getattr(sys, name) is None:  # started with `<&-` or `>&-`
            setattr(sys, name, open(os.devnull, mode))  # noqa: SIM115 (for the run's life)
    if sys.getfilesystemencoding() == "ascii" and not sys.flags.utf8_mode:  # LC_ALL=C PYTHONUTF8=0
        # Names, notes and arguments are UTF-8 (SPEC): read them so, not as escapes.
        os.execv(sys.executable, [sys.executable, "-X", "utf8", *sys.orig_argv[1:]])
    try:
        escape_undecodable()
        if any(name.startswith("GIT_") for name in os.environ):  # GIT_SSH_COMMAND, ...
            from mentorjournal.index.gitstate import anchor_locating

            anchor_locating()
        code = run(sys.argv[1:], sys.stdout, sys.stderr)
        if code is None:
            from mentorjournal.cli.app import main as cli_main

            cli_main()
            return
        sys.stdout.flush()
        sys.stderr.flush()
        # Answered, and all of it written: skip the interpreter's teardown, which frees
        # every module and object one by one (~7 ms of a 40 ms `mj status`, more after
        # a journal was read). Files are written in with-blocks and pools joined, so
        # nothing waits on it.
        os._exit(code)
    except KeyboardInterrupt:
        sys.stderr.write("\nAborted!\n")  # the blank line closes the terminal's ^C
        code = 1
    except BrokenPipeError:
        # Python flushes stdout again at exit: point it at nothing so that is quiet too.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        code = 1
    except OSError as exc:
        import errno

        if exc.errno == errno.ENOENT and not _cwd_exists():  # deleted in another terminal
            sys.stderr.write(
                "Error: the folder you are in no longer exists (deleted or "
                "moved): cd to the journal, or name it with -C DIR\n"
            )
            sys.exit(1)
        # What a write to a full or failing disk raises; anything else is not ours to word.
        if exc.errno not in (errno.ENOSPC, errno.EDQUOT, errno.EFBIG, errno.EIO):
            raise
        # The output could not be written (`mj status > /dev/full`): say so, once.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        sys.stderr.write(f"mj: the output could not be written: {exc.strerror}\n")
        code = 1
    sys.exit(code)


def _cwd_exists() -> bool:
    try:
        return bool(os.getcwd())
    except FileNotFoundError:
        return False


def escape_undecodable() -> None:
    """A file name that is not UTF-8 reaches the output as a lone surrogate: have stdout
    and stderr write it as an escape (valid inside a JSON string too), not fail on it."""
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            reconfigure(errors="backslashreplace")


def run(argv: list[str], out: TextIO, err: TextIO) -> int | None:
    """Answer ``argv`` on a fast path and return the exit code; None: use the CLI."""
    from mentorjournal.index.cachefile import without_collector  # what they read stays

    if argv[:1] == ["merge-driver"]:  # run by git, never by a person (see git/mergedriver)
        from mentorjournal.git.mergedriver import run_driver

        return run_driver(argv[1:])
    if os.environ.get("MJ_NO_CACHE"):
        return None
    if argv in (["--help"], ["-h"]):
        return _help(out)
    directory = "."
    if argv[:1] == ["-C"] and len(argv) > 1:
        directory, argv = argv[1], argv[2:]
    if argv[:1] == ["status"]:
        return without_collector(lambda: _status(directory, argv[1:], out, err))
    if argv[:1] == ["validate"] and "--staged" in argv:
        return without_collector(lambda: _validate_staged(directory, argv[1:], out, err))
    if argv == ["hook-run"]:
        return without_collector(lambda: _hook_run(directory))
    from mentorjournal.cli import fastcommands
    from mentorjournal.errors import MjError

    try:
        if argv[:1] == ["add"]:
            return fastcommands.add(directory, argv[1:], out, err)
        if argv[:1] in (["done"], ["cancel"], ["reopen"], ["due"]):
            return fastcommands.item(argv[0], directory, argv[1:], out, err)
        if argv[:1] == ["summary"]:
            return fastcommands.summary(directory, argv[1:], out)
        if argv[:1] == ["calendar"]:
            return fastcommands.calendar(directory, argv[1:], out, err)
        if argv[:2] == ["new", "session"]:
            return fastcommands.new_session(directory, argv[2:], out, err)
        if argv[:1] == ["program"]:
            return fastcommands.program(directory, argv[1:], out)
        if argv[:1] == ["commit"]:
            return without_collector(lambda: fastcommands.commit(directory, argv[1:], out, err))
    except MjError as exc:
        return fastcommands.refused(err, exc)
    return None


def parse_options(
    args: list[str], names: tuple[str, ...]
) -> tuple[dict[str, str], list[str]] | None:
    """``--name VALUE`` / ``--name=VALUE`` for ``names``, and the positional arguments;
    None for anything else (a flag, --help, a typo), which click then answers."""
    values: dict[str, str] = {}
    positional: list[str] = []
    rest = list(args)
    while rest:
        arg = rest.pop(0)
        if not arg.startswith("-"):
            positional.append(arg)
            continue
        name, has_value, value = arg.partition("=")
        if name not in names or name in values:
            return None
        if not has_value:
            if not rest or rest[0].startswith("-"):
                return None
            value = rest.pop(0)
        values[name] = value
    return values, positional


def parse_dates(values: dict[str, str]) -> dict[str, dt.date | None] | None:
    """``--today`` (else MJ_TODAY, else the clock) and the other date options, parsed;
    None when one is not a date (click words that error)."""
    from mentorjournal.format.dates import parse_date, today

    try:
        found: dict[str, dt.date | None] = {"--today": today(values.get("--today"))}
    except ValueError:
        return None
    for name in ("--since", "--until", "--date", "--due"):
        if name in values:
            found[name] = parse_date(values[name])
            if found[name] is None:
                return None
    return found


def journal_root(directory: str) -> str | None:
    """The journal at or above ``directory``; None (click words why) when there is none."""
    if not os.path.isdir(directory):
        return None
    from mentorjournal.format import layout

    return layout.find_root(directory)


def say(
    stream: TextIO,
    text: str | tuple[str, ...],
    crlf: bool = False,
    clean: bool = False,
    ended: bool = False,
) -> None:
    """Write ``text`` as the CLI's echo does: through ``terminal.terminal_text``.
    ``clean``: the gate was found to leave ``text`` as it is when it was made.
    ``ended``: end it with one line break, however many it has (a report of 10 MB is
    not copied to do so). A text in pieces (``terminal.json_pieces``) is written as
    they are, and ends without one."""
    from mentorjournal.render.terminal import feed_text, palette_for, terminal_text, written

    if isinstance(text, tuple):  # each piece ends where a token, an event or a line does
        for piece in text:
            if not clean:
                piece = feed_text(piece) if crlf else terminal_text(piece)
            stream.write(piece)
        if ended:
            stream.write("\n")
        return
    if not clean:
        text = feed_text(text) if crlf else terminal_text(text, palette_for(stream).enabled)
    if not ended:
        written(stream, text)
        return
    end = len(text)
    while end and text[end - 1] == "\n":
        end -= 1
    written(stream, text, end)
    stream.write("\n")


def _help(out: TextIO) -> int | None:
    from mentorjournal.render.terminal import terminal_width

    if os.path.basename(sys.argv[0]) != "mj" or terminal_width() < 80:
        return None  # click words it for another program name or a narrow terminal
    from mentorjournal.cli._help import MAIN_HELP

    out.write(MAIN_HELP)
    return 0


def _status(directory: str, options: list[str], out: TextIO, err: TextIO) -> int | None:
    as_json = "--json" in options
    parsed = parse_options([o for o in options if o != "--json"], ("--owner", "--today"))
    if parsed is None or parsed[1]:
        return None  # --help, a typo, an argument: click answers those
    owner, today_text = parsed[0].get("--owner"), parsed[0].get("--today")
    root = journal_root(directory)
    if root is None:
        return None
    from mentorjournal.format.dates import today as resolve_today
    from mentorjournal.index import refresh

    try:
        today = resolve_today(today_text).isoformat()
    except ValueError:
        return None
    fast = refresh.load_fresh(root)
    if fast is None:
        return None
    if owner is not None:
        owner = owner.removeprefix("@")
        if owner not in fast.facts[5]:
            return None  # an unknown handle: click words the usage error
    if as_json:
        key = f"{today} {owner}"
    else:
        from mentorjournal.render.terminal import palette_for, terminal_width

        palette = palette_for(out)
        key = f"{today} {owner} {palette.enabled} {terminal_width()}"
    kind = "json" if as_json else "text"
    text = fast.kept_output(kind, key)
    if text is None:
        try:
            text = _status_output(fast, today, owner, as_json, out)
        except ValueError:
            fast.forget()  # a damaged body: the full path writes a new snapshot
            return None
        if not fast.rewritten:  # right after an edit, another edit is likely: keep later
            fast.keep_output(kind, key, text)
    out.write(text)
    if fast.errors and not as_json:
        from mentorjournal.render.terminal import errors_note

        err.write(f"\n{errors_note('items')}\n")
    return 0


def _status_output(
    fast: Snapshot, today: str, owner: str | None, as_json: bool, out: TextIO
) -> str:
    """The output as it is printed (and kept): through ``terminal.terminal_text``."""
    from mentorjournal.render.terminal import palette_for, terminal_text, terminal_width

    if as_json:
        return terminal_text(fast.status_json(today, owner) + "\n")
    from mentorjournal.checks.signatures import SignatureState
    from mentorjournal.render.status import status_text
    from mentorjournal.reports.status import Status

    _, _, _, review, signatures, names, *_ = fast.facts
    result = Status.from_parts(
        today,
        fast.open_rows(owner),
        fast.next_meeting(today),
        review,
        SignatureState(*signatures),
    )
    palette = palette_for(out)
    text = status_text(result, palette, names, terminal_width(), owner)
    return terminal_text(text + "\n", palette.enabled)


def _hook_run(directory: str) -> int | None:
    """The installed pre-commit hook, when the repository is one journal and its index
    is clean: the same check as `mj validate --staged`. Anything else (a program of
    journals, findings to report) goes to the CLI, which words the hook's refusal."""
    from mentorjournal.format import layout
    from mentorjournal.index import gitstate, stagedcheck

    location = gitstate.git_location(directory)
    if location is None or not os.path.isfile(os.path.join(location[2], layout.AGREEMENT)):
        return None
    checked = stagedcheck.check_staged(location[2])
    if checked is None:  # nothing kept yet: the full check, which keeps its results
        from pathlib import Path

        from mentorjournal.errors import MjError
        from mentorjournal.git.hook import hook_run_targets

        top = Path(location[2]).resolve()
        try:
            targets = hook_run_targets(top)
        except MjError:
            return None  # git could not list the index: the CLI says why
        if any(target.resolve() != top for target in targets):
            return None  # journals in folders: the CLI checks each one the commit touches
        return 0 if not stagedcheck.staged_findings(top)[0] else None
    return 0 if not checked[0] else None


def _validate_staged(directory: str, options: list[str], out: TextIO, err: TextIO) -> int | None:
    chosen = _output_format(options)
    if chosen is None or not set(chosen[1]) <= {"--staged", "--json", "--strict"}:
        return None  # paths, --help, a typo: click answers those
    root = journal_root(directory)
    if root is None:
        return None  # a program repository (pairs/*/): click finds its journals
    from mentorjournal.index import stagedcheck

    checked = stagedcheck.check_staged(root)
    if checked is None:
        return None
    rows, documents = checked
    from mentorjournal.model import Finding
    from mentorjournal.render.findings import findings_output
    from mentorjournal.render.terminal import palette_for

    findings = [Finding(*row) for row in rows]  # type: ignore[arg-type]
    failed = any(f.severity == "error" or "--strict" in options for f in findings)
    shown = findings_output(
        findings, documents, chosen[0], not failed, palette_for(out), root, os.getcwd()
    )
    for stream, text in zip((out, err), shown, strict=True):
        if text:
            say(stream, text + "\n")
    return 1 if failed else 0


def _output_format(options: list[str]) -> tuple[str, list[str]] | None:
    """`mj validate`'s output format (``--format F``, ``--json``) and the other options;
    None for what click words an error for (a repeated or unknown format)."""
    from mentorjournal.render.findings import FORMATS

    rest, given = [], []
    args = iter(options)
    for arg in args:
        name, has_value, value = arg.partition("=")
        if name == "--format":
            given.append(value if has_value else next(args, ""))
        else:
            rest.append(arg)
    if len(given) > 1 or not set(given) <= set(FORMATS):
        return None
    if "--json" in rest:
        return None if given not in ([], ["json"]) else ("json", rest)
    return (given or ["text"])[0], rest
