"""The `mj` executable: answers the commands people run most often without click.

Importing click and the command modules costs ~25-60 ms, as much as a warm
`mj status` needs in all. So the executable starts here, imports only ``os`` and
``sys``, and answers:

- ``mj --help``: the top-level help that click renders (generated into ``_help.py``
  by ``docs/cli_reference.py``; a test keeps the two identical);
- ``mj status``: from the status snapshot (``index/snapshot.py``) when it is fresh;
- ``mj validate --staged`` and the installed hook (``hook-run``): the pre-commit
  check that re-checks only the staged notes that changed (``index/stagedcheck.py``);
- ``mj done``, ``cancel``, ``reopen``, ``due``, ``add``, ``mj summary``, ``mj calendar``,
  ``mj new session`` and ``mj program [DIR]``: through ``commands.py``, as ``app.py`` does.

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
    """Console-script entry point."""
    escape_undecodable()
    code = run(sys.argv[1:], sys.stdout, sys.stderr)
    if code is None:
        from mentorjournal.cli.app import main as cli_main

        cli_main()
    else:
        sys.exit(code)


def escape_undecodable() -> None:
    """A file name that is not UTF-8 reaches the output as a lone surrogate: have stdout
    and stderr write it as an escape (valid inside a JSON string too), not fail on it."""
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            reconfigure(errors="backslashreplace")


def run(argv: list[str], out: TextIO, err: TextIO) -> int | None:
    """Answer ``argv`` on a fast path and return the exit code; None: use the CLI."""
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
        return _status(directory, argv[1:], out, err)
    if argv[:1] == ["validate"] and "--staged" in argv:
        return _validate_staged(directory, argv[1:], out, err)
    if argv == ["hook-run"]:
        return _hook_run(directory)
    if argv[:1] == ["add"]:
        return _add(directory, argv[1:], out, err)
    if argv[:1] in (["done"], ["cancel"], ["reopen"], ["due"]):
        return _item(argv[0], directory, argv[1:], out, err)
    if argv[:1] == ["summary"]:
        return _summary(directory, argv[1:], out, err)
    if argv[:1] == ["calendar"]:
        return _calendar(directory, argv[1:], out, err)
    if argv[:2] == ["new", "session"]:
        return _new_session(directory, argv[2:], out, err)
    if argv[:1] == ["program"]:
        return _program(directory, argv[1:], out, err)
    if argv[:1] == ["commit"]:
        return _commit(directory, argv[1:], out, err)
    return None


def _options(args: list[str], names: tuple[str, ...]) -> tuple[dict[str, str], list[str]] | None:
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


def _dates(values: dict[str, str]) -> dict[str, dt.date | None] | None:
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


def _root(directory: str) -> str | None:
    """The journal at or above ``directory``; None (click words why) when there is none."""
    if not os.path.isdir(directory):
        return None
    from mentorjournal.format import layout

    return layout.find_root(directory)


def _refused(err: TextIO, exc: Exception) -> int:
    """What click prints for a refused operation (ClickException), and its exit code."""
    _say(err, f"Error: {exc}\n")
    return 1


def _say(stream: TextIO, text: str, crlf: bool = False) -> None:
    """Write ``text`` as the CLI's echo does: through ``terminal.terminal_text``."""
    from mentorjournal.render.terminal import feed_text, palette_for, terminal_text

    if crlf:  # lines that end in CRLF (an iCalendar feed): those CRs pass
        stream.write(feed_text(text))
        return
    stream.write(terminal_text(text, palette_for(stream).enabled))


def _item(command: str, directory: str, args: list[str], out: TextIO, err: TextIO) -> int | None:
    """`mj done/cancel/reopen/due`: ID (and DATE for due), ``--today``."""
    parsed = _options(args, () if command == "reopen" else ("--today",))
    if parsed is None or len(parsed[1]) != (2 if command == "due" else 1):
        return None
    values, positional = parsed
    if command == "due":
        values["--date"] = positional.pop()
    dates, root = _dates(values), _root(directory)
    if dates is None or root is None:
        return None
    from pathlib import Path

    from mentorjournal.cli import commands
    from mentorjournal.errors import MjError

    day = {"due": dates.get("--date"), "reopen": None}.get(command, dates["--today"])
    try:
        _say(out, commands.item_command(Path(root), command, positional[0], day) + "\n")
    except MjError as exc:
        return _refused(err, exc)
    commands.notice(Path(root), err)
    return 0


def _commit(directory: str, args: list[str], out: TextIO, err: TextIO) -> int | None:
    """`mj commit [-m MSG]`."""
    parsed = _options(args, ("-m", "--message"))
    root = _root(directory)
    if parsed is None or parsed[1] or len(parsed[0]) > 1 or root is None:
        return None
    from pathlib import Path

    from mentorjournal.cli import commands
    from mentorjournal.errors import MjError
    from mentorjournal.render.terminal import palette_for

    message = parsed[0].get("-m", parsed[0].get("--message"))
    try:
        said, refusal = commands.commit(Path(root), message, palette_for(out))
    except MjError as exc:
        return _refused(err, exc)
    _say(out, said + "\n")
    if refusal:
        return _refused(err, MjError(refusal))
    commands.notice(Path(root), err)
    return 0


def _add(directory: str, args: list[str], out: TextIO, err: TextIO) -> int | None:
    parsed = _options(args, ("--owner", "--due", "--goal", "--to"))
    if parsed is None or len(parsed[1]) != 1:
        return None
    values, (text,) = parsed
    dates, root = _dates(values), _root(directory)
    if dates is None or root is None:
        return None
    from pathlib import Path

    from mentorjournal.cli import commands
    from mentorjournal.errors import MjError

    try:
        said, note = commands.add(
            Path(root),
            Path(directory),
            text,
            values.get("--owner"),
            dates.get("--due"),
            values.get("--goal"),
            values.get("--to"),
        )
    except MjError as exc:
        return _refused(err, exc)
    _say(out, said + "\n")
    if note:
        _say(err, note + "\n")
    commands.notice(Path(root), err)
    return 0


def _summary(directory: str, args: list[str], out: TextIO, err: TextIO) -> int | None:
    parsed = _options(args, ("--format", "--since", "--until", "--audience", "--today"))
    if parsed is None or parsed[1]:
        return None  # -o FILE and the rest: click answers those
    values = parsed[0]
    output_format = values.get("--format", "text")
    audience = values.get("--audience", "pair")
    dates, root = _dates(values), _root(directory)
    if dates is None or root is None or audience not in ("pair", "sponsor"):
        return None
    since, until, today = dates.get("--since"), dates.get("--until"), dates["--today"]
    from mentorjournal.cli import commands

    if output_format not in commands.SUMMARY_FORMATS or today is None:
        return None
    if since and until and since > until:
        return None
    from pathlib import Path

    from mentorjournal.errors import MjError
    from mentorjournal.render.terminal import Palette, palette_for

    colours = palette_for(out) if output_format == "text" else Palette(False)
    try:
        text = commands.summary(Path(root), output_format, today, since, until, audience, colours)
    except MjError as exc:
        return _refused(err, exc)
    _say(out, text.rstrip("\n") + "\n")
    return 0


def _calendar(directory: str, args: list[str], out: TextIO, err: TextIO) -> int | None:
    import datetime as dt

    parsed = _options(args, ("--owner", "--audience", "--at", "--today"))
    if parsed is None or parsed[1]:
        return None  # -o FILE and the rest: click answers those
    values = parsed[0]
    audience, owner = values.get("--audience", "pair"), values.get("--owner")
    dates, root = _dates(values), _root(directory)
    try:
        at = dt.time.fromisoformat(values.get("--at", "09:00"))
    except ValueError:
        return None
    today = dates["--today"] if dates else None
    if today is None or root is None or audience not in ("pair", "sponsor"):
        return None
    from pathlib import Path

    from mentorjournal.cli import commands
    from mentorjournal.errors import MjError

    try:
        text, errors = commands.calendar(Path(root), audience, owner, today, at)
    except ValueError:
        return None  # reports.calendar.UnknownOwnerError, a usage error: click words it
    except MjError as exc:
        return _refused(err, exc)
    if errors:
        _say(err, f"{errors} file error(s) may hide events: run `mj validate`\n")
    _say(out, text, crlf=True)
    return 0


def _help(out: TextIO) -> int | None:
    from mentorjournal.render.terminal import terminal_width

    if os.path.basename(sys.argv[0]) != "mj" or terminal_width() < 80:
        return None  # click words it for another program name or a narrow terminal
    from mentorjournal.cli._help import MAIN_HELP

    out.write(MAIN_HELP)
    return 0


def _status(directory: str, options: list[str], out: TextIO, err: TextIO) -> int | None:
    as_json, owner, today_text = False, None, None
    rest = list(options)
    while rest:
        option = rest.pop(0)
        name, has_value, value = option.partition("=")
        if option == "--json":
            as_json = True
        elif name in ("--owner", "--today"):
            if not has_value:
                if not rest or rest[0].startswith("-"):
                    return None
                value = rest.pop(0)
            if name == "--owner":
                owner = value
            else:
                today_text = value
        else:
            return None  # --help, a typo: click answers those
    root = _root(directory)
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
            return None  # no body to compute from: the full path writes a new snapshot
        if not fast.rewritten:  # right after an edit, another edit is likely: keep later
            fast.keep_output(kind, key, text)
    out.write(text)
    if fast.errors and not as_json:
        said = f"{fast.errors} file error" + ("s" if fast.errors != 1 else "")
        err.write(f"\n{said} may hide items: run `mj validate`\n")
    return 0


def _status_output(
    fast: Snapshot, today: str, owner: str | None, as_json: bool, out: TextIO
) -> str:
    """The output as it is printed (and kept): through ``terminal.terminal_text``."""
    from mentorjournal.render.terminal import palette_for, terminal_text

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
    from mentorjournal.render.terminal import terminal_width

    palette = palette_for(out)
    text = status_text(result, palette, names, terminal_width(), owner)
    return terminal_text(text + "\n", palette.enabled)


def _import_json() -> None:
    import json  # noqa: F401


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

        return 0 if not stagedcheck.staged_findings(Path(location[2]))[0] else None
    return 0 if not checked[0] else None


def _validate_staged(directory: str, options: list[str], out: TextIO, err: TextIO) -> int | None:
    chosen = _output_format(options)
    if chosen is None or not set(chosen[1]) <= {"--staged", "--json", "--strict"}:
        return None  # paths, --help, a typo: click answers those
    root = _root(directory)
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
            _say(stream, text + "\n")
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


def _new_session(directory: str, args: list[str], out: TextIO, err: TextIO) -> int | None:
    parsed = _options(args, ("--date", "--slug", "--kind", "--today"))
    if parsed is None or parsed[1]:
        return None  # --edit and the rest: click answers those
    values = parsed[0]
    dates, root = _dates(values), _root(directory)
    from mentorjournal.cli import commands
    from mentorjournal.edit.authoring import SESSION_KINDS

    kind = values.get("--kind")
    if dates is None or root is None or (kind is not None and kind not in SESSION_KINDS):
        return None
    day = dates.get("--date") or dates["--today"]
    assert day is not None
    from pathlib import Path

    from mentorjournal.errors import MjError

    try:
        said = commands.new_session(Path(root), day, values.get("--slug"), kind)[1]
    except MjError as exc:
        return _refused(err, exc)
    _say(out, said + "\n")
    commands.notice(Path(root), err)
    return 0


def _program(directory: str, args: list[str], out: TextIO, err: TextIO) -> int | None:
    parsed = _options(args, ("--format", "--today"))
    if parsed is None or len(parsed[1]) > 1:
        return None  # --repos, -o FILE and the rest: click answers those
    values, folders = parsed
    where = os.path.join(directory, folders[0]) if folders else directory
    dates = _dates(values)
    from mentorjournal.cli import commands

    output_format = values.get("--format", "text")
    if dates is None or not os.path.isdir(where) or output_format not in commands.PROGRAM_FORMATS:
        return None
    from mentorjournal.errors import MjError

    today = dates["--today"]
    assert today is not None
    try:
        text = commands.program(where, output_format, today)
    except MjError as exc:
        return _refused(err, exc)
    _say(out, text.rstrip("\n") + "\n")
    return 0
