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

    from mentorjournal.model import Finding, Journal
    from mentorjournal.reports.status import Status
    from mentorjournal.reports.summary import Summary

__version__ = "0.1.0"

__all__ = ["__version__", "open_journal", "status", "summary", "validate"]


def open_journal(path: str | PathLike[str] = ".", *, staged: bool = False) -> Journal:
    """The journal at or above ``path``: its working tree, or with ``staged`` the index."""
    from pathlib import Path

    from mentorjournal.journal import find_root, load_journal

    return load_journal(find_root(Path(path)), staged=staged)


def validate(path: str | PathLike[str] = ".", *, staged: bool = False) -> list[Finding]:
    """Every finding of the journal at or above ``path``, sorted by path and line."""
    from mentorjournal.checks.validate import validate as findings

    return findings(open_journal(path, staged=staged))


def status(
    path: str | PathLike[str] = ".", today: dt.date | None = None, owner: str | None = None
) -> Status:
    """Open items by owner (overdue first), the next meeting, the review, signatures."""
    from mentorjournal.format.dates import today as resolve_today
    from mentorjournal.reports.status import compute_status

    return compute_status(open_journal(path), today or resolve_today(None), owner)


def summary(
    path: str | PathLike[str] = ".",
    today: dt.date | None = None,
    since: dt.date | None = None,
    until: dt.date | None = None,
    audience: str = "pair",
) -> Summary:
    """The progress report `mj summary` renders, for ``audience`` "pair" or "sponsor"."""
    from pathlib import Path

    from mentorjournal.journal import find_root
    from mentorjournal.reports.cadence import agreement_timeline
    from mentorjournal.reports.summary import compute_summary

    day = today
    if day is None:
        from mentorjournal.format.dates import today as resolve_today

        day = resolve_today(None)
    root = find_root(Path(path))
    versions = agreement_timeline(root, until or day)
    journal = open_journal(root)
    if audience == "sponsor":
        return compute_summary(journal, day, since, until, "sponsor", versions)
    return compute_summary(journal, day, since, until, "pair", versions)
