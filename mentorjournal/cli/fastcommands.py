"""The fast path's side of the commands that ``commands.py`` runs for both entry points:
``mj done``, ``cancel``, ``reopen``, ``due``, ``add``, ``commit``, ``summary``,
``calendar``, ``new session`` and ``program``. Each parses its options as click would
and returns None for anything unusual, which click then answers (``fastpath.run``); a
refusal (MjError) is raised, and ``fastpath.run`` words it as click does.
"""

from __future__ import annotations

import os

from mentorjournal.cli.fastpath import journal_root, parse_dates, parse_options, say

TYPE_CHECKING = False  # not typing.TYPE_CHECKING: importing typing costs ~12 ms
if TYPE_CHECKING:
    from typing import TextIO


def item(command: str, directory: str, args: list[str], out: TextIO, err: TextIO) -> int | None:
    """`mj done/cancel/reopen/due`: ID (and DATE for due), ``--today``."""
    parsed = parse_options(args, () if command == "reopen" else ("--today",))
    if parsed is None or len(parsed[1]) != (2 if command == "due" else 1):
        return None
    values, positional = parsed
    if command == "due":
        values["--date"] = positional.pop()
    dates, root = parse_dates(values), journal_root(directory)
    if dates is None or root is None:
        return None
    from pathlib import Path

    from mentorjournal.cli import commands

    day = {"due": dates.get("--date"), "reopen": None}.get(command, dates["--today"])
    say(out, commands.item_command(Path(root), command, positional[0], day) + "\n")
    commands.notice(Path(root), err)
    return 0


def refused(err: TextIO, exc: Exception) -> int | None:
    """What click prints for a refused operation (ClickException), and its exit code;
    None for a usage error, which the CLI words with its usage line (nothing was
    written: usage errors are found first)."""
    from mentorjournal.errors import UsageError

    if isinstance(exc, UsageError):
        return None
    say(err, f"Error: {exc}\n")
    return 1


def commit(directory: str, args: list[str], out: TextIO, err: TextIO) -> int | None:
    """`mj commit [-m MSG]`."""
    parsed = parse_options(args, ("-m", "--message"))
    root = journal_root(directory)
    if parsed is None or parsed[1] or len(parsed[0]) > 1 or root is None:
        return None
    # git status first, and what committing asks of git's config: they run on the other
    # core while mj imports what it needs (~20 ms). Not with git's paths in the
    # environment: relative ones would be read from root.
    from mentorjournal.index.gitstate import COMMIT_SETTINGS, STATUS, Git, located_elsewhere

    status = settings = None
    if not located_elsewhere():
        status, settings = Git(root, STATUS), Git(root, COMMIT_SETTINGS)
    from pathlib import Path

    from mentorjournal.cli import commands
    from mentorjournal.errors import MjError
    from mentorjournal.render.terminal import palette_for

    message = parsed[0].get("-m", parsed[0].get("--message"))
    said, refusal = commands.commit(Path(root), message, palette_for(out), status, settings)
    say(out, said + "\n")
    if refusal:
        raise MjError(refusal)
    commands.notice(Path(root), err)
    return 0


def add(directory: str, args: list[str], out: TextIO, err: TextIO) -> int | None:
    parsed = parse_options(args, ("--owner", "--due", "--goal", "--to"))
    if parsed is None or len(parsed[1]) != 1:
        return None
    values, (text,) = parsed
    dates, root = parse_dates(values), journal_root(directory)
    if dates is None or root is None:
        return None
    from pathlib import Path

    from mentorjournal.cli import commands

    said, note = commands.add(
        Path(root),
        Path(directory),
        text,
        values.get("--owner"),
        dates.get("--due"),
        values.get("--goal"),
        values.get("--to"),
    )
    say(out, said + "\n")
    if note:
        say(err, note + "\n")
    commands.notice(Path(root), err)
    return 0


def summary(directory: str, args: list[str], out: TextIO) -> int | None:
    parsed = parse_options(args, ("--format", "--since", "--until", "--audience", "--today"))
    if parsed is None or parsed[1]:
        return None  # -o FILE and the rest: click answers those
    values = parsed[0]
    output_format = values.get("--format", "text")
    audience = values.get("--audience", "pair")
    dates, root = parse_dates(values), journal_root(directory)
    if dates is None or root is None or audience not in ("pair", "sponsor"):
        return None
    since, until, today = dates.get("--since"), dates.get("--until"), dates["--today"]
    from mentorjournal.cli import commands

    if output_format not in commands.SUMMARY_FORMATS or today is None:
        return None
    if since and since > (until or today):
        return None
    from pathlib import Path

    from mentorjournal.render.terminal import Palette, palette_for

    colours = palette_for(out) if output_format == "text" else Palette(False)
    text, clean = commands.summary(
        Path(root), output_format, today, since, until, audience, colours
    )
    if colours.enabled != palette_for(out).enabled:
        clean = False  # judged for other colours than the gate's: the gate judges again
    say(out, text, clean=clean, ended=True)
    return 0


def calendar(directory: str, args: list[str], out: TextIO, err: TextIO) -> int | None:
    import datetime as dt

    parsed = parse_options(args, ("--owner", "--audience", "--at", "--today"))
    if parsed is None or parsed[1]:
        return None  # -o FILE and the rest: click answers those
    values = parsed[0]
    audience, owner = values.get("--audience", "pair"), values.get("--owner")
    dates, root = parse_dates(values), journal_root(directory)
    try:
        at = dt.time.fromisoformat(values.get("--at", "09:00"))
    except ValueError:
        return None
    today = dates["--today"] if dates else None
    if today is None or root is None or audience not in ("pair", "sponsor"):
        return None
    from pathlib import Path

    from mentorjournal.cli import commands

    try:
        text, errors, clean = commands.calendar(Path(root), audience, owner, today, at)
    except ValueError:
        return None  # reports.calendar.UnknownOwnerError, a usage error: click words it
    if errors:
        from mentorjournal.render.terminal import errors_note

        say(err, errors_note("events") + "\n")
    say(out, text, crlf=True, clean=clean)
    return 0


def new_session(directory: str, args: list[str], out: TextIO, err: TextIO) -> int | None:
    parsed = parse_options(args, ("--date", "--slug", "--kind", "--today"))
    if parsed is None or parsed[1]:
        return None  # --edit and the rest: click answers those
    values = parsed[0]
    dates, root = parse_dates(values), journal_root(directory)
    from mentorjournal.cli import commands
    from mentorjournal.edit.authoring import SESSION_KINDS

    kind = values.get("--kind")
    if dates is None or root is None or (kind is not None and kind not in SESSION_KINDS):
        return None
    day = dates.get("--date") or dates["--today"]
    assert day is not None
    from pathlib import Path

    said = commands.new_session(Path(root), day, values.get("--slug"), kind)[1]
    say(out, said + "\n")
    commands.notice(Path(root), err)
    return 0


def program(directory: str, args: list[str], out: TextIO) -> int | None:
    parsed = parse_options(args, ("--format", "--today"))
    if parsed is None or len(parsed[1]) > 1:
        return None  # --repos, -o FILE and the rest: click answers those
    values, folders = parsed
    where = os.path.join(directory, folders[0]) if folders else directory
    dates = parse_dates(values)
    from mentorjournal.cli import commands

    output_format = values.get("--format", "text")
    if dates is None or not os.path.isdir(where) or output_format not in commands.PROGRAM_FORMATS:
        return None
    today = dates["--today"]
    assert today is not None
    say(out, commands.program(where, output_format, today), ended=True)
    return 0
