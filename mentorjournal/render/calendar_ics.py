"""`mj calendar` as iCalendar (RFC 5545), written by the ``icalendar`` library: its
folding, escaping and value types are what every calendar program reads.

DTSTAMP, LAST-MODIFIED and SEQUENCE come from ``kept``, what the feed last said of each
UID (a digest of the entry, its sequence, when that version first appeared, and the
event's text as written then): an unchanged event keeps them, so the same journal
gives the same bytes run after run; a changed one gets the current time and a greater
sequence, at least the seconds since 2020 (``clock_sequence``), so a calendar that
imports the feed again takes the new version (importers skip an update whose SEQUENCE
did not grow), even after the ledger was lost.

An unchanged event's text is taken from ``kept`` rather than built again: building
20,000 events (a journal with that many open items) costs icalendar seven seconds
and hundreds of megabytes, and one edited note changes a few of them. The events are
written one at a time between the calendar's own lines, so that no more than one is
ever held as objects.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from icalendar import Alarm, Calendar, Event

from mentorjournal.digest import sha256_hex
from mentorjournal.render.terminal import printable
from mentorjournal.reports.calendar import DayEvent, Feed, Meetings

# uid -> (digest of the entry's data, SEQUENCE, when that version was first seen: Unix s,
# the event's text as written, or "" when not kept)
Kept = dict[str, tuple[str, int, int, str]]
PRODID = "-//mentorjournal//mj calendar//EN"


def calendar_ics(
    feed: Feed, kept: Mapping[str, tuple[str, int, int, str]], now: int
) -> tuple[list[str], Kept]:
    """The feed as iCalendar text, in its calendar's and events' texts (to be joined by
    ``terminal.joined`` once the ledger is written), and the ledger to keep: ``kept``
    with this feed's events as written. An event no longer in the feed keeps its
    sequence (back, it must get a higher one) but not its text."""
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", _text(feed.name))
    # How often a subscribed calendar should fetch the feed again (RFC 7986, Outlook).
    calendar.add("refresh-interval", dt.timedelta(hours=12), parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", "PT12H")
    head, end = calendar.to_ical().decode("utf-8").rsplit("END:VCALENDAR\r\n", 1)
    entries: list[Meetings | DayEvent] = [feed.meetings] if feed.meetings else []
    entries += feed.days
    ledger: Kept = {uid: (*entry[:3], "") for uid, entry in kept.items()}
    texts = [head]
    for entry in entries:
        # The entry's data, not its iCalendar text: cheaper, and a change of this
        # module's wording alone is no revision of the event.
        digest = sha256_hex(repr(entry).encode("utf-8", "surrogateescape"))[:20]
        before = kept.get(entry.uid)
        if before is not None and before[0] == digest:
            if before[3]:
                texts.append(before[3])
                ledger[entry.uid] = before
                continue
            sequence, stamp = before[1], before[2]
        else:
            sequence, stamp = max(before[1] + 1 if before else 0, clock_sequence(now)), now
        event = _meetings(entry) if isinstance(entry, Meetings) else _day(entry)
        when = dt.datetime.fromtimestamp(stamp, dt.UTC)
        event.add("dtstamp", when)
        event.add("last-modified", when)
        event.add("sequence", sequence)
        text = event.to_ical().decode("utf-8")
        ledger[entry.uid] = (digest, sequence, stamp, text)
        texts.append(text)
    texts.append("END:VCALENDAR\r\n" + end)
    return texts, ledger


def clock_sequence(now: int) -> int:
    """The least SEQUENCE of a version of an event first written at ``now``: the
    seconds since 2020 (within RFC 5545's 32 bits until 2088). An importer skips an
    update whose SEQUENCE did not grow, and the ledger that holds the last one can be
    lost (a new clone, a cleared cache): counting from 0 again would hide every change
    until it passed the old number. Tied to the clock, a version written later has a
    greater number, ledger or not (unless an event changed more than once a second)."""
    return max(0, now - 1_577_836_800)


def rrule(every: tuple[int, str], start: dt.date, until: dt.date | None) -> dict[str, Any]:
    """The recurrence of a cadence from ``format.dates.parse_every``, meeting on the dates
    ``next_after`` gives: a monthly series from the 29th-31st falls on a shorter month's
    last day."""
    count, unit = every
    rule: dict[str, Any]
    if unit == "months":
        rule = {"freq": "monthly"}
        if start.day > 28:
            rule |= {"bymonthday": list(range(28, start.day + 1)), "bysetpos": -1}
    elif count % 7 == 0:
        rule, count = {"freq": "weekly"}, count // 7
    else:
        rule = {"freq": "daily"}
    if count > 1:
        rule["interval"] = count
    if until is not None:  # a floating start needs a floating UNTIL
        rule["until"] = dt.datetime.combine(until, dt.time(23, 59, 59))
    return rule


def _meetings(meetings: Meetings) -> Event:
    event = _event(meetings.uid, meetings.summary, meetings.description)
    event.add("dtstart", meetings.start)
    event.add("duration", dt.timedelta(minutes=meetings.minutes))
    event.add("rrule", rrule(meetings.every, meetings.start.date(), meetings.until))
    event.add_component(_alarm(dt.timedelta(minutes=15), meetings.summary))
    return event


def _day(day: DayEvent) -> Event:
    event = _event(day.uid, day.summary, day.description)
    event.add("dtstart", day.day)
    if day.day < dt.date.max:  # without DTEND a DATE event lasts one day (RFC 5545 3.6.1)
        event.add("dtend", day.day + dt.timedelta(days=1))
    event.add("transp", "TRANSPARENT")  # a deadline does not make anyone busy
    event.add_component(_alarm(dt.timedelta(days=day.remind_days), day.summary))
    return event


def _event(uid: str, summary: str, description: str) -> Event:
    event = Event()
    event.add("uid", uid)
    event.add("summary", _text(summary))
    event.add("description", _text(description))
    return event


def _alarm(before: dt.timedelta, summary: str) -> Alarm:
    alarm = Alarm()
    alarm.add("action", "DISPLAY")
    alarm.add("trigger", -before)
    alarm.add("description", _text(summary))
    return alarm


def _text(value: str) -> str:
    """RFC 5545 TEXT admits no control character but the line breaks icalendar escapes:
    the rest are written as visible escapes, as on a terminal (``terminal.printable``)."""
    return "\n".join(printable(line) for line in value.split("\n"))
