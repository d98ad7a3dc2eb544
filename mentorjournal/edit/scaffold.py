"""`mj init`: a new journal that validates out of the box."""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from mentorjournal.edit.writer import create_new, render_markdown, rewrite
from mentorjournal.errors import MjError
from mentorjournal.format import layout
from mentorjournal.format.dates import add_months
from mentorjournal.format.layout import AGREEMENT

TEMPLATES = Path(__file__).parent / "templates"
_HANDLE_CHARS = set("abcdefghijklmnopqrstuvwxyz0123456789_.-")


@dataclass(frozen=True)
class Scaffolded:
    root: Path
    written: tuple[str, ...]
    git_initialised: bool
    hook: Path | None


def check_handle(handle: str) -> str:
    if (
        not handle
        or not handle[0].isalpha()
        or not handle[0].islower()
        or (set(handle) - _HANDLE_CHARS)
    ):
        raise MjError(
            f"{handle!r} is not a handle: start with a lowercase letter, then lowercase "
            "letters, digits, '_', '.' or '-'"
        )
    return handle


def agreement_meta(
    mentor: str, mentee: str, mentor_name: str, mentee_name: str, today: dt.date
) -> dict[str, Any]:
    return {
        "mentor": {"handle": mentor, "name": mentor_name},
        "mentee": {"handle": mentee, "name": mentee_name},
        "purpose": "Replace with your shared purpose: what the mentee wants to grow into, "
        "in one paragraph you both agree on.",
        "start": today.isoformat(),
        "review": add_months(today, 3).isoformat(),
        "cadence": {"every": "biweekly", "length": 45, "mode": "video"},
        "response_time": "2 days",
        "phase": 1,
    }


def _ignoring_private(data: bytes) -> tuple[bytes, bool]:
    """``.gitignore`` with ``private/`` in it, and whether it had to be added."""
    if b"private/" in data.split():
        return data, False
    separator = b"" if not data or data.endswith(b"\n") else b"\n"
    return data + separator + b"private/\n", True


def scaffold(
    directory: Path,
    mentor: str,
    mentee: str,
    mentor_name: str | None,
    mentee_name: str | None,
    today: dt.date,
) -> Scaffolded:
    """Write agreement, folders and .gitignore; never overwrite a file; git init if needed."""
    check_handle(mentor)
    check_handle(mentee)
    if mentor == mentee:
        raise MjError("mentor and mentee need different handles")
    if directory.exists() and not directory.is_dir():
        raise MjError(f"{directory} is a file, not a folder; give `mj init` a folder")
    directory.mkdir(parents=True, exist_ok=True)
    agreement = directory / AGREEMENT
    if os.path.lexists(agreement):
        raise MjError(f"{agreement} already exists; mj init never overwrites a file")
    meta = agreement_meta(
        mentor, mentee, mentor_name or mentor.title(), mentee_name or mentee.title(), today
    )
    body = (TEMPLATES / "agreement.md").read_text(encoding="utf-8")
    written = [AGREEMENT]
    for folder in ("goals", "sessions"):  # refused before anything is written
        refusal = layout.write_refusal(str(directory), str(directory / folder / ".gitkeep"))
        if refusal is not None:
            raise MjError(refusal)
    ignore = directory / ".gitignore"
    if not os.path.lexists(ignore):
        create_new(ignore, b"private/\n", root=directory)
        written.append(".gitignore")
    elif rewrite(directory, ignore, _ignoring_private):
        written.append(".gitignore")
    for folder in ("goals", "sessions"):
        if not (directory / folder).is_dir() or not any((directory / folder).iterdir()):
            create_new(directory / folder / ".gitkeep", b"", root=directory)
            written.append(f"{folder}/.gitkeep")
    create_new(agreement, render_markdown(meta, body).encode(), root=directory)

    from mentorjournal.git import gitrepo, hook

    initialised = False
    top = gitrepo.repo_toplevel(directory)
    if top is None:
        gitrepo.init_repo(directory)
        initialised = True
        top = directory.resolve()
    hook_path: Path | None
    try:
        hook_path = hook.install(top)
    except MjError:
        hook_path = None  # core.hooksPath set: init succeeds, the CLI says how to install
    return Scaffolded(directory, tuple(written), initialised, hook_path)
