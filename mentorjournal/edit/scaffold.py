"""`mj init`: a new journal that validates out of the box."""

from __future__ import annotations

import datetime as dt
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from mentorjournal.audience import PARTS, SPONSOR_DEFAULT
from mentorjournal.edit.writer import add_line, create_new, render_markdown
from mentorjournal.errors import MjError, UsageError
from mentorjournal.format import layout
from mentorjournal.format.dates import add_months, parse_date
from mentorjournal.format.layout import AGREEMENT

TEMPLATES = Path(__file__).parent / "templates"
_HANDLE = re.compile(r"[a-z][a-z0-9_.-]*")


@dataclass(frozen=True)
class Scaffolded:
    written: tuple[str, ...]
    git_initialised: bool
    hook: Path | str  # where the hook went, or why it is not installed


MODES = ("in-person", "video", "phone", "async", "mixed")
_EVERY = re.compile(r"weekly|biweekly|monthly|[1-9][0-9]* (days?|weeks?)")
PURPOSE_PROMPT = (
    "Replace with your shared purpose: what the mentee wants to grow into, "
    "in one paragraph you both agree on."
)

# What a guided `mj init` asks, in order; each field is also a flag (--mentor-name ...).
QUESTIONS = (
    ("mentor", "Mentor's handle (lowercase, e.g. ben)"),
    ("mentor_name", "Mentor's name"),
    ("mentee", "Mentee's handle"),
    ("mentee_name", "Mentee's name"),
    ("purpose", "Your shared purpose, one paragraph (empty: write it later)"),
    ("cadence", "How often you meet (weekly, biweekly, monthly, N weeks, N days)"),
    ("length", "How long a meeting is, in minutes"),
    ("mode", "How you meet (" + ", ".join(MODES) + ")"),
    ("review", "When you review this agreement (YYYY-MM-DD)"),
    ("consent", "What a sponsor report may show (" + ", ".join(PARTS) + "; or none)"),
)


@dataclass(frozen=True)
class Setup:
    """A new journal's pair and rhythm: the answers of `mj init`, checked."""

    mentor: str
    mentee: str
    mentor_name: str
    mentee_name: str
    purpose: str | None
    cadence: str
    length: int
    mode: str
    review: dt.date
    consent: tuple[str, ...]


def default_answer(field: str, given: dict[str, Any], today: dt.date) -> str:
    """What a question offers when nothing is typed (from the answers before it)."""
    handle = str(given.get(field.removesuffix("_name"), field.removesuffix("_name")))
    return {
        "mentor": "mentor",
        "mentee": "mentee",
        "mentor_name": handle.title(),
        "mentee_name": handle.title(),
        "purpose": "",
        "cadence": "biweekly",
        "length": "45",
        "mode": "video",
        "review": add_months(today, 3).isoformat(),
        "consent": ", ".join(SPONSOR_DEFAULT),
    }[field]


def read_answer(field: str, text: str, today: dt.date) -> Any:
    """One answer (typed or a flag), read and checked; MjError says what is expected."""
    text = " ".join(text.split())
    if field in ("mentor", "mentee"):
        if not _HANDLE.fullmatch(text):
            raise MjError(
                f"{text!r} is not a handle: start with a lowercase letter, then lowercase "
                "letters, digits, '_', '.' or '-'"
            )
        return text
    if field in ("mentor_name", "mentee_name"):
        if not text:
            raise MjError("a name cannot be empty")
        return text
    if field == "purpose":
        return text or None
    if field == "cadence":
        if not _EVERY.fullmatch(text.lower()):
            raise MjError(f"{text!r} is not a cadence: weekly, biweekly, monthly, or N weeks")
        return text.lower()
    if field == "length":
        if not text.isdigit() or not 0 < int(text) < 1000:
            raise MjError(f"{text!r} is not a length in minutes (e.g. 45)")
        return int(text)
    if field == "mode":
        if text.lower() not in MODES:
            raise MjError(f"{text!r} is not one of {', '.join(MODES)}")
        return text.lower()
    if field == "review":
        day = parse_date(text)
        if day is None or day < today:
            raise MjError(f"{text!r} is not a date YYYY-MM-DD from today ({today}) on")
        return day
    words = [w for w in re.split(r"[\s,]+", text.lower()) if w and w != "none"]
    unknown = [w for w in words if w not in PARTS]
    if unknown:
        raise MjError(f"{unknown[0]!r} is not one of {', '.join(PARTS)} (or none)")
    return tuple(part for part in PARTS if part in words)


def make_setup(answers: dict[str, str], today: dt.date) -> Setup:
    """The Setup from the answers given (field -> text), defaults for the others."""
    values: dict[str, Any] = {}
    for field, _ in QUESTIONS:
        text = answers.get(field)
        values[field] = read_answer(field, text or default_answer(field, values, today), today)
    if values["mentor"] == values["mentee"]:
        raise UsageError("mentor and mentee need different handles")
    return Setup(**values)


def agreement_meta(setup: Setup, today: dt.date) -> dict[str, Any]:
    return {
        "mentor": {"handle": setup.mentor, "name": setup.mentor_name},
        "mentee": {"handle": setup.mentee, "name": setup.mentee_name},
        "purpose": setup.purpose or PURPOSE_PROMPT,
        # Dates as dates, so YAML writes them unquoted like a person would.
        "start": today,
        "review": setup.review,
        "cadence": {"every": setup.cadence, "length": setup.length, "mode": setup.mode},
        "response_time": "2 days",
        "phase": 1,
        # What a sponsor report may show: the body's "Confidentiality and consent" asks.
        "consent": {"sponsor": list(setup.consent)},
    }


def _preflight(directory: Path) -> None:
    """Refuse, before anything is written, what init cannot write over or into (a
    .gitignore it cannot read included). A file at ``directory`` itself is click's
    refusal (``file_okay=False``)."""
    agreement = directory / AGREEMENT
    if os.path.lexists(agreement):
        raise MjError(f"{agreement} already exists; mj init never overwrites a file")
    for folder in ("goals", "sessions"):
        path = directory / folder
        if path.is_symlink() or (os.path.lexists(path) and not path.is_dir()):
            what = "a symlink" if path.is_symlink() else "a file"
            raise MjError(
                f"{path} is {what}, not a folder: mj init keeps {folder}/ as a real folder "
                "inside the journal. Move it away or rename it, then run mj init again."
            )
    attributes = directory / ".gitattributes"
    if attributes.is_symlink() or (os.path.lexists(attributes) and not attributes.is_file()):
        raise MjError(
            f"{attributes} is not a regular file: mj init adds its merge driver line there. "
            "Replace it with a regular file, then run mj init again."
        )
    ignore = directory / ".gitignore"
    if ignore.is_symlink():
        # git does not follow a symlinked .gitignore: private/ would not be ignored.
        raise MjError(
            f"{ignore} is a symlink, which git does not follow, so private/ notes would "
            "not be ignored: replace it with a regular file, then run mj init again"
        )
    if not os.path.lexists(ignore):
        return
    if not ignore.is_file():
        what = "a folder" if ignore.is_dir() else "not a regular file"
        raise MjError(
            f"{ignore} is {what}: mj init adds `private/` to a .gitignore file there. "
            "Move it away or rename it, then run mj init again."
        )
    try:
        ignore.read_bytes()
    except OSError as exc:
        raise MjError(
            f"{ignore} cannot be read ({exc.strerror}): mj init adds `private/` to it. "
            "Fix its permissions, then run mj init again."
        ) from None


def scaffold(directory: Path, setup: Setup, today: dt.date) -> Scaffolded:
    """Write agreement, folders and .gitignore; never overwrite a file; git init if needed."""
    meta = agreement_meta(setup, today)
    body = (TEMPLATES / "agreement.md").read_text(encoding="utf-8")
    # Every refusal comes before the first write; the agreement is written last, so an
    # init that fails on the way (a full disk) can simply be run again.
    _preflight(directory)
    written = [AGREEMENT]
    try:
        directory.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise MjError(f"mj init could not make {directory}: {exc.strerror}") from None
    for folder in ("goals", "sessions"):  # refused before anything is written
        refusal = layout.write_refusal(str(directory), str(directory / folder / ".gitkeep"))
        if refusal is not None:
            raise MjError(refusal)
    ignore = directory / ".gitignore"
    if add_line(directory, ignore, b"private/\n", lambda data: b"private/" in data.split()):
        written.append(".gitignore")
    for folder in ("goals", "sessions"):
        if not (directory / folder).is_dir() or not any((directory / folder).iterdir()):
            create_new(directory / folder / ".gitkeep", b"", root=directory)
            written.append(f"{folder}/.gitkeep")
    create_new(directory / AGREEMENT, render_markdown(meta, body).encode(), root=directory)

    from mentorjournal.git import gitrepo, hook, mergedriver, writes

    initialised = False
    top = gitrepo.repo_toplevel(directory)
    if top is None:
        writes.init_repo(directory)
        initialised = True
        top = directory.resolve()
    hook_path = hook.install_or_say_why(top)  # init succeeds without it
    if mergedriver.add_attribute(directory):
        written.append(".gitattributes")
    mergedriver.configure(top)
    return Scaffolded(tuple(written), initialised, hook_path)
