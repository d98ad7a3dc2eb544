"""mentorjournal: a mentorship kept in plain text over Git.

The library under the `mj` command, for scripts and other tools::

    import mentorjournal

    journal = mentorjournal.open_journal("our-mentorship")
    for finding in mentorjournal.validate("our-mentorship"):
        print(finding.path, finding.line, finding.message)
    print(mentorjournal.status("our-mentorship").open)

Every function reads the journal the way `mj` does (through its cache, keyed by
Git blob ids); modules are imported on first use, so `import mentorjournal` stays
cheap for the command line's fast paths.
"""

from __future__ import annotations

TYPE_CHECKING = False  # not typing.TYPE_CHECKING: `mj status` imports this package first
if TYPE_CHECKING:
    import datetime as dt
    from os import PathLike
    from typing import Literal

    from mentorjournal.model import Finding, Journal
    from mentorjournal.reports.status import Status
    from mentorjournal.reports.summary import Summary

__version__ = "0.1.0"

__all__ = ["__version__", "open_journal", "status", "summary", "validate"]


def open_journal(path: str | PathLike[str] = ".", *, staged: bool = False) -> Journal:
    """The journal at or above ``path``: its working tree, or with ``staged`` the index."""
    from pathlib import Path

    from mentorjournal.journal import find_root, load_journal

    if not Path(path).is_dir():
        from mentorjournal.errors import NoJournalError

        raise NoJournalError(f"{path} is not a folder: give the journal's folder")
    return load_journal(find_root(Path(path)), staged=staged)


def _day(value: dt.date | str | None, name: str) -> dt.date | None:
    """A date given as a ``date`` or as YYYY-MM-DD, as the command line takes it."""
    import datetime as dt

    from mentorjournal.format.dates import parse_date

    day = value if value is None or isinstance(value, dt.date) else parse_date(value)
    if value is not None and day is None:
        from mentorjournal.errors import UsageError

        raise UsageError(f"{name} must be a date or YYYY-MM-DD, not {value!r}")
    return day


def validate(path: str | PathLike[str] = ".", *, staged: bool = False) -> list[Finding]:
    """Every finding of the journal at or above ``path``, sorted by path and line."""
    from mentorjournal.checks.validate import validate as findings

    return findings(open_journal(path, staged=staged))


def status(
    path: str | PathLike[str] = ".", today: dt.date | str | None = None, owner: str | None = None
) -> Status:
    """Open items by owner (overdue first), the next meeting, the review, signatures.
    Dates are ``datetime.date`` or YYYY-MM-DD text."""
    from mentorjournal.format.dates import today as resolve_today
    from mentorjournal.reports.status import compute_status

    day = _day(today, "today") or resolve_today(None)
    return compute_status(open_journal(path), day, owner)


def summary(
    path: str | PathLike[str] = ".",
    today: dt.date | str | None = None,
    since: dt.date | str | None = None,
    until: dt.date | str | None = None,
    audience: Literal["pair", "sponsor"] = "pair",
) -> Summary:
    """The progress report `mj summary` renders, for ``audience`` "pair" or "sponsor"
    (anything else is refused: a misspelt audience must not get the pair's report)."""
    from pathlib import Path

    from mentorjournal.format.dates import today as resolve_today
    from mentorjournal.journal import find_root
    from mentorjournal.reports.cadence import agreement_timeline
    from mentorjournal.reports.summary import compute_summary

    if audience not in ("pair", "sponsor"):
        from mentorjournal.errors import UsageError

        raise UsageError(f"audience must be 'pair' or 'sponsor', not {audience!r}")
    day = _day(today, "today") or resolve_today(None)
    first, last = _day(since, "since"), _day(until, "until")
    journal = open_journal(path)
    root = find_root(Path(path))
    versions = agreement_timeline(root, last or day)
    return compute_summary(journal, day, first, last, audience, versions)
