"""ISO dates, "today", and the meeting cadence arithmetic."""

from __future__ import annotations

import datetime as dt
import os
import re

_ISO = re.compile(r"\d{4}-\d{2}-\d{2}")
_EVERY = re.compile(r"([1-9][0-9]*)\s+(day|days|week|weeks|month|months)")


def parse_date(value: object) -> dt.date | None:
    """A real calendar date from ``YYYY-MM-DD`` text, else None."""
    if not isinstance(value, str) or not _ISO.fullmatch(value):
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        return None


def today(override: str | None = None) -> dt.date:
    """``--today`` if given, else ``MJ_TODAY``, else the system date."""
    value = override or os.environ.get("MJ_TODAY")
    if value:
        parsed = parse_date(value)
        if parsed is None:
            source = "today" if override else "MJ_TODAY (in the environment)"
            raise ValueError(f"{source} must be a real date YYYY-MM-DD, got {value!r}")
        return parsed
    return dt.date.today()


def add_months(day: dt.date, months: int) -> dt.date:
    """``months`` later, on the same day or the month's last; 9999-12-31 at the latest."""
    return _months_later(day, months) or dt.date.max


def _months_later(day: dt.date, months: int) -> dt.date | None:
    import calendar  # here: it imports locale, ~10 ms that mj status need not pay

    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    if year > dt.MAXYEAR:
        return None
    return day.replace(
        year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1])
    )


def parse_every(every: object) -> tuple[int, str] | None:
    """A cadence as (count, unit) with unit "days" or "months"; None when unreadable."""
    if not isinstance(every, str):
        return None
    text = every.strip().lower()
    named = {
        "daily": (1, "days"),
        "weekly": (7, "days"),
        "biweekly": (14, "days"),
        "fortnightly": (14, "days"),
        "monthly": (1, "months"),
    }
    if text in named:
        return named[text]
    match = _EVERY.fullmatch(text)
    if not match:
        return None
    count, unit = int(match.group(1)), match.group(2)
    if unit.startswith("week"):
        return count * 7, "days"
    if unit.startswith("month"):
        return count, "months"
    return count, "days"


def next_after(day: dt.date, every: tuple[int, str], steps: int = 1) -> dt.date | None:
    """``steps`` cadence intervals after ``day``; None past the last representable date
    (a valid ``every: "99999999999 weeks"`` reaches it in one step)."""
    count, unit = every
    if unit == "months":
        return _months_later(day, count * steps)
    try:
        return day + dt.timedelta(days=count * steps)
    except OverflowError:
        return None
