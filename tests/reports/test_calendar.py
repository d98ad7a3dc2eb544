"""`mj calendar`: the feed read back by icalendar and by vobject (a second, independent
parser), its recurrence expanded by dateutil, its UIDs stable, its audiences kept apart."""

from __future__ import annotations

import datetime as dt
import io
import json
import marshal
import shutil
import time
from pathlib import Path

import pytest
import vobject
from conftest import DATA, mj
from gitutil import commit_files, git, make_repo, write
from icalendar import Calendar

from mentorjournal.cli import fastpath
from mentorjournal.format.dates import next_after, parse_every
from mentorjournal.index import cachefile
from mentorjournal.render.calendar_ics import clock_sequence

TODAY = "2025-03-03"
ODD_TEXT = (
    'Read "Design; a primer", chapter 3, and notes\\on C:\\tmp: naïve café résumé, '
    "with a tail of words long enough to be folded twice over by any writer"
)
PRIVATE = "- [ ] @ana PRIVATECANARY for my eyes only due:2025-03-20\n"


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """The summary fixture (a confidential session with SECRETCANARY) in a repository,
    plus an item with text to escape and fold, and a git-ignored private note."""
    root = make_repo(tmp_path / "journal")
    shutil.copytree(DATA / "summary-journal", root, dirs_exist_ok=True)
    odd = f"- [ ] @ben {ODD_TEXT} due:2025-03-21\n"
    write(
        root, "sessions/2025-02-24.md", f"---\ndate: 2025-02-24\nattendees: [ana, ben]\n---\n{odd}"
    )
    write(root, ".gitignore", "private/\n")
    git(root, "add", "--", ".")
    git(root, "commit", "-q", "-m", "journal")
    write(
        root,
        "private/sessions/2025-02-25.md",
        f"---\ndate: 2025-02-25\nattendees: [ana]\n---\n\n{PRIVATE}",
    )
    return root


def feed(root: Path, *args: str) -> bytes:
    result = mj("calendar", "--today", TODAY, *args, cwd=root)
    assert result.exit_code == 0, result.output
    return result.stdout_bytes


def events(data: bytes) -> dict[str, dict[str, object]]:
    """UID -> the event's properties, as icalendar reads them (dates as dates)."""
    calendar = Calendar.from_ical(data)
    return {
        str(event["uid"]): {key: getattr(value, "dt", value) for key, value in event.items()}
        for event in calendar.walk("VEVENT")
    }


def test_both_parsers_read_every_event_as_written(repo: Path) -> None:
    data = feed(repo)
    lines = data.split(b"\r\n")
    assert lines[-1] == b"" and all(b"\n" not in line for line in lines)  # CRLF only
    assert max(len(line) for line in lines) <= 75  # folded at 75 octets (RFC 5545 3.1)
    assert any(line.startswith(b" ") for line in lines)
    assert rb'Design\; a primer"\, chapter 3\, and notes\\on C:\\tmp' in data.replace(b"\r\n ", b"")
    read = events(data)
    parsed = vobject.readOne(data.decode("utf-8"))
    second = {str(event.uid.value): event for event in parsed.vevent_list}
    assert set(read) == set(second)
    status = json.loads(mj("status", "--json", "--today", TODAY, cwd=repo).stdout)
    due = {item["text"]: item["due"] for item in status["open"] if item["due"]}
    items = {str(e["SUMMARY"]): e for uid, e in read.items() if uid.startswith("item-")}
    # Every open item with a due date under status's text, but the private one (in no
    # calendar) and the confidential one (its text stays in its note).
    assert "PRIVATECANARY for my eyes only" in due  # mj status shows it on this machine
    hidden = {"PRIVATECANARY for my eyes only", "Follow up on SECRETCANARY"}
    assert set(items) == set(due) - hidden | {"Action item (@ana)"}
    said = str(items.pop("Action item (@ana)")["DESCRIPTION"])
    assert "(in the confidential session of 2025-02-10)" in said and "From:" not in said
    assert ODD_TEXT in items
    for text, event in items.items():
        assert event["DTSTART"] == dt.date.fromisoformat(due[text])
    for uid, event in second.items():
        assert event.dtstamp.value.tzinfo is not None  # DTSTAMP is UTC
        assert event.summary.value == str(read[uid]["SUMMARY"])
        assert event.description.value == str(read[uid]["DESCRIPTION"])
        assert event.valarm.action.value == "DISPLAY"
    odd = next(e for e in second.values() if e.summary.value == ODD_TEXT)
    assert odd.valarm.trigger.value == -dt.timedelta(days=1)
    assert "\nTick it with: mj done " in odd.description.value  # escaped out, real again here
    assert rb"\nTick it with" in data.replace(b"\r\n ", b"")


def test_meetings_recur_from_the_next_meeting_as_status_computes_it(repo: Path) -> None:
    read = events(feed(repo))
    meetings = next(e for uid, e in read.items() if uid.startswith("meetings-"))
    status = json.loads(mj("status", "--json", "--today", TODAY, cwd=repo).stdout)
    first = dt.date.fromisoformat(status["next_meeting"]["due"])
    assert meetings["DTSTART"] == dt.datetime.combine(first, dt.time(9))
    assert meetings["DURATION"] == dt.timedelta(minutes=45)
    review = next(e for uid, e in read.items() if uid.startswith("review-"))
    assert review["DTSTART"] == dt.date(2025, 4, 1)


@pytest.mark.parametrize(
    ("every", "start", "end"),
    [
        ("weekly", "2025-01-06", None),
        ("biweekly", "2025-01-06", "2025-06-30"),
        ("monthly", "2025-01-31", None),  # a shorter month's last day, as mj status counts
        ("2 months", "2024-12-30", "2026-01-01"),
        ("3 days", "2025-01-06", None),
        ("3 weeks", "2025-01-06", None),
    ],
)
def test_recurrence_expands_to_the_cadence_dates(
    tmp_path: Path, every: str, start: str, end: str | None
) -> None:
    root = make_repo(tmp_path / "j")
    agreement = (
        "---\nmentor: {handle: ben, name: Ben}\nmentee: {handle: ana, name: Ana}\n"
        f"purpose: Grow.\nstart: {start}\nreview: 2026-01-01\n"
        f"cadence: {{every: {every}, length: 30, mode: video}}\n"
        + (f"end: {end}\nphase: 2\n" if end else "")
        + "---\n"
    )
    commit_files(root, {"agreement.md": agreement}, "agreement")
    data = mj("calendar", "--today", "2024-01-01", "--at", "17:30", cwd=root).stdout_bytes
    parsed = vobject.readOne(data.decode("utf-8"))
    series = next(e for e in parsed.vevent_list if e.uid.value.startswith("meetings-"))
    expanded = [moment.date() for moment in series.getrruleset()[:40]]  # dateutil's
    cadence = parse_every(every)
    assert cadence is not None
    expected = [next_after(dt.date.fromisoformat(start), cadence, step) for step in range(40)]
    if end:  # the series stops at the agreement's end
        expected = [day for day in expected if day and day <= dt.date.fromisoformat(end)]
    assert expanded == expected
    assert len(expected) < 40 if end else len(expected) == 40
    assert {moment.time() for moment in series.getrruleset()[:40]} == {dt.time(17, 30)}
    assert series.duration.value == dt.timedelta(minutes=30)
    assert series.valarm.trigger.value == -dt.timedelta(minutes=15)


def test_a_phase_that_ended_has_no_meetings(tmp_path: Path) -> None:
    root = make_repo(tmp_path / "j")
    agreement = (
        "---\nmentor: {handle: ben, name: Ben}\nmentee: {handle: ana, name: Ana}\n"
        "purpose: Grow.\nstart: 2025-01-06\nreview: 2025-06-01\nend: 2025-02-01\n"
        "cadence: {every: monthly, length: 30, mode: video}\n---\n"
    )
    commit_files(root, {"agreement.md": agreement}, "agreement")
    commit_files(
        root, {"sessions/2025-01-06.md": "---\ndate: 2025-01-06\nattendees: [ana, ben]\n---\n"}, "s"
    )
    read = events(feed(root))
    assert [uid.split("-")[0] for uid in read] == ["review"]


def test_importing_again_updates_the_same_events(
    repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = feed(repo)
    assert feed(repo) == first  # the same bytes: no new stamp, no new sequence
    with monkeypatch.context() as patched:
        patched.setenv("MJ_NO_CACHE", "1")
        assert feed(repo) == first  # computed again, not kept
    before = events(first)
    note = repo / "sessions/2025-03-03-retro.md"
    note.write_text(note.read_text().replace("due:2025-03-10", "due:2025-03-17"))
    after = events(feed(repo))
    assert set(after) == set(before)  # same UIDs: a re-import updates, never duplicates
    moved = [uid for uid in after if after[uid]["DTSTART"] != before[uid]["DTSTART"]]
    assert len(moved) == 1 and after[moved[0]]["DTSTART"] == dt.date(2025, 3, 17)
    for uid, event in after.items():
        changed = uid in moved
        assert event["SEQUENCE"] == before[uid]["SEQUENCE"] + changed
        assert (event["DTSTAMP"] > before[uid]["DTSTAMP"]) <= changed
        assert event["LAST-MODIFIED"] == event["DTSTAMP"]
    # Another clone at another path: the same UIDs.
    clone = tmp_path / "elsewhere" / "clone"
    git(tmp_path, "clone", "-q", str(repo), str(clone))
    assert set(events(feed(clone))) == set(events(feed(repo)))


def test_sponsor_sees_no_note_text_and_nothing_confidential_or_private(repo: Path) -> None:
    pair = feed(repo).decode("utf-8").replace("\r\n ", "")
    for canary in ("SECRETCANARY", "PRIVATECANARY"):  # not even in the pair's own feed
        assert canary not in pair
    assert "ITEMCANARY" in pair
    data = feed(repo, "--audience", "sponsor")
    sponsor = data.decode("utf-8").replace("\r\n ", "")
    for canary in ("SECRETCANARY", "PRIVATECANARY", "ITEMCANARY", "Confirm the learning", "primer"):
        assert canary not in sponsor
    summaries = sorted(str(e["SUMMARY"]) for e in events(data).values())
    assert summaries == [
        *["Action item (@ana)"] * 3,  # two milestones and ITEMCANARY's; not SECRETCANARY's
        "Action item (@ben)",  # the item with odd text
        "Action item (@carla)",
        "Agreement review: Ben Mentor & Ana Mentee",
        "Mentoring session: Ben Mentor & Ana Mentee",
    ]
    # consent.sponsor: goals only: no meetings, no items
    agreement = repo / "agreement.md"
    agreement.write_text(
        agreement.read_text().replace("phase: 1", "phase: 1\nconsent: {sponsor: [goals]}")
    )
    read = events(feed(repo, "--audience", "sponsor"))
    assert [str(e["SUMMARY"]) for e in read.values()] == [
        "Agreement review: Ben Mentor & Ana Mentee"
    ]


def test_owner_keeps_that_handles_items(repo: Path) -> None:
    for handle in ("ana", "@ana"):
        read = events(feed(repo, "--owner", handle))
        items = [e for uid, e in read.items() if uid.startswith("item-")]
        assert items and all("@ana" in str(e["DESCRIPTION"]) for e in items)
        assert any(uid.startswith("meetings-") for uid in read)
    unknown = mj("calendar", "--owner", "zed", cwd=repo)
    assert unknown.exit_code == 2 and "'zed' is not in the agreement" in unknown.stderr


def test_output_file_and_fast_path_give_the_same_bytes(repo: Path) -> None:
    shown = feed(repo)
    result = mj("calendar", "--today", TODAY, "-o", "out/cal.ics", cwd=repo)
    assert result.exit_code == 1 and "out/cal.ics cannot be written" in result.stderr
    assert not (repo / "out").exists()
    written = mj("calendar", "--today", TODAY, "-o", "cal.ics", cwd=repo)
    assert written.exit_code == 0 and (repo / "cal.ics").read_bytes() == shown
    for args in (("--today", TODAY), ("--audience=sponsor", "--owner", "ana", "--today", TODAY)):
        out, err = io.StringIO(), io.StringIO()
        assert fastpath.run(["-C", str(repo), "calendar", *args], out, err) == 0
        assert out.getvalue().encode() == mj("calendar", *args, cwd=repo).stdout_bytes
    for args in (("--owner", "zed"), ("-o", "x.ics"), ("--at", "25:00")):
        assert (
            fastpath.run(["-C", str(repo), "calendar", *args], io.StringIO(), io.StringIO()) is None
        )


def test_an_agreement_without_identity_is_refused(tmp_path: Path) -> None:
    root = make_repo(tmp_path / "j")
    commit_files(
        root, {"agreement.md": "---\nmentor: [oops\n---\n- [ ] @ana A due:2025-01-01\n"}, "x"
    )
    result = mj("calendar", cwd=root)
    assert result.exit_code == 1 and result.stdout == ""
    assert "agreement.md gives no readable start, mentor and mentee" in result.stderr


def test_control_characters_are_escaped_in_the_feed(tmp_path: Path) -> None:
    root = make_repo(tmp_path / "j")
    agreement = (
        '---\nmentor: {handle: ben, name: "Ben \\e]0;pwned\\a"}\nmentee: {handle: ana, name: Ana}\n'
        "purpose: Grow.\nstart: 2025-01-06\nreview: 2025-06-01\n"
        "cadence: {every: weekly, length: 30, mode: video}\n---\n"
        "- [ ] @ana Evil \x1b[2K item \u202e here\x07 due:2025-02-01\n"
    )
    commit_files(root, {"agreement.md": agreement}, "agreement")
    data = feed(root)
    text = data.decode("utf-8")
    assert text.replace("\r\n", "").isprintable()  # CRLF ends lines; nothing else controls
    read = events(data)
    summaries = {str(event["SUMMARY"]) for event in read.values()}
    assert "Evil \\x1b[2K item \\u202e here\\x07" in summaries
    assert "Mentoring session: Ben \\x1b]0;pwned\\x07 & Ana" in summaries
    parsed = vobject.readOne(text)
    assert {e.summary.value for e in parsed.vevent_list} == summaries


def test_a_damaged_record_of_the_feed_starts_it_afresh(repo: Path) -> None:
    feed(repo)
    ledgers = list((repo / ".git" / "mentorjournal").glob("calendar-pair-*.marshal"))
    assert len(ledgers) == 1
    for damage in (b"\x00garbage", marshal.dumps({"x": 1, "y": (1,)}), marshal.dumps([1])):
        ledgers[0].write_bytes(damage)
        note = repo / "sessions/2025-02-24.md"
        note.write_text(note.read_text() + "\nAnother line.\n")  # the kept feed is stale
        started = int(time.time())
        sequences = {e["SEQUENCE"] for e in events(feed(repo)).values()}
        # Every event written anew, numbered by the clock (render/calendar_ics).
        assert len(sequences) == 1
        assert clock_sequence(started) <= sequences.pop() <= clock_sequence(int(time.time()))


def _blocks(data: bytes) -> dict[str, bytes]:
    """UID -> the event's lines as written (BEGIN:VEVENT to END:VEVENT)."""
    found = {}
    for block in data.split(b"BEGIN:VEVENT\r\n")[1:]:
        block = block.split(b"END:VEVENT\r\n")[0]
        uid = block.split(b"\r\nUID:")[1].split(b"\r\n")[0] if b"\r\nUID:" in block else b""
        found[uid.decode()] = block
    return found


def _ledger(path: Path) -> tuple[object, dict[str, tuple[str, int, int, str]]]:
    """(the code that wrote it, uid -> what the feed last said), read in parts."""
    found = cachefile.unframed_dict(str(path))
    assert found is not None
    return found


def test_an_edit_writes_only_the_events_it_changed(repo: Path) -> None:
    """Unchanged events are written as the ledger kept them, byte for byte; the ledger
    is kept per mj code (``cachefile.fingerprint``), so another mj writes them anew."""
    first = feed(repo)
    ledger = next((repo / ".git" / "mentorjournal").glob("calendar-pair-*.marshal"))
    code, kept = _ledger(ledger)
    before = _blocks(first)
    assert len(before) > 3 and all(kept[uid][3] for uid in before)
    assert {uid: b"BEGIN:VEVENT\r\n" + b + b"END:VEVENT\r\n" for uid, b in before.items()} == {
        uid: kept[uid][3].encode() for uid in before
    }
    note = repo / "sessions/2025-03-03-retro.md"
    note.write_text(note.read_text().replace("due:2025-03-10", "due:2025-03-17"))
    after = _blocks(feed(repo))
    assert [uid for uid in after if after[uid] != before[uid]] == [
        uid for uid in after if _ledger(ledger)[1][uid][1] > kept[uid][1]
    ]
    assert sum(after[uid] != before[uid] for uid in after) == 1
    gone = repo / "sessions/2025-02-24.md"  # its item's event leaves the feed
    listed = set(_blocks(feed(repo)))
    gone.unlink()
    gone_uids = listed - set(_blocks(feed(repo)))
    kept_now = _ledger(ledger)[1]
    assert gone_uids and all(kept_now[uid][1] == kept[uid][1] for uid in gone_uids)
    assert all(kept_now[uid][3] == "" for uid in gone_uids)  # its sequence kept, not its text
    after = _blocks(feed(repo))
    now_kept = _ledger(ledger)[1]
    ledger.write_bytes(
        marshal.dumps(("another mj", now_kept))
    )  # as mj kept it before, of other code
    note.write_text(note.read_text() + "\nAnother line.\n")  # the kept feed is stale
    assert _blocks(feed(repo)) == after  # written anew: the same sequences and stamps
    assert _ledger(ledger)[0] == code
    # As mj kept it before texts were: uid -> 3 values, the same sequences and stamps.
    ledger.write_bytes(marshal.dumps({uid: entry[:3] for uid, entry in _ledger(ledger)[1].items()}))
    note.write_text(note.read_text() + "\nOne more line.\n")
    assert _blocks(feed(repo)) == after


def test_a_file_with_errors_is_named_below_the_feed_on_both_paths(repo: Path) -> None:
    write(
        repo, "sessions/2025-02-26.md", "---\ndate: 2025-02-26\nattendees: ana\n---\n- [ ] @ana x\n"
    )
    said = "Some files have errors, so some events may be missing: `mj validate` shows them."
    assert (
        mj("calendar", "--today", TODAY, "-o", "cal.ics", cwd=repo).stderr.splitlines()[0] == said
    )
    err = io.StringIO()
    assert fastpath.run(["-C", str(repo), "calendar", "--today", TODAY], io.StringIO(), err) == 0
    assert err.getvalue().strip() == said


@pytest.mark.parametrize(
    "value", [("d", "x", "y"), ("d", None, None, ""), ("d", 2**70, 1), ("d", 1.5, 1)]
)
def test_calendar_ledger_of_odd_values_starts_afresh(
    journal: Path, value: tuple[object, ...]
) -> None:
    """A ledger entry of the right shape but the wrong types (a damaged or foreign file)
    is dropped like a damaged file, not a traceback on every `mj calendar`."""
    make_repo(journal)
    first = mj("calendar", cwd=journal)
    assert first.exit_code == 0, first.output
    folder = journal / ".git" / "mentorjournal"
    (ledger,) = folder.glob("calendar-pair-*.marshal")
    uids = [line[4:].strip() for line in first.output.splitlines() if line.startswith("UID:")]
    ledger.write_bytes(b"".join(cachefile.framed_dict("any head", {uid: value for uid in uids})))
    for view in folder.glob("view-calendar-*"):
        view.unlink()
    again = mj("calendar", cwd=journal)
    assert again.exit_code == 0, again.output
    assert again.output.count("SEQUENCE:") == first.output.count("SEQUENCE:")


def _sequence(output: str, text: str) -> int:
    """The SEQUENCE of the event whose text holds ``text``."""
    event = next(e for e in output.split("BEGIN:VEVENT") if text in e)
    return int(event.split("SEQUENCE:")[1].split()[0])


def test_calendar_sequence_grows_past_a_lost_ledger(journal: Path) -> None:
    """RFC 5545: an importer skips an update whose SEQUENCE did not grow. A ledger cut
    right after its head (a crash, a full disk, a copied .git) reads as empty, so the
    next change of an event goes out as SEQUENCE 0 and calendars keep the old one."""
    make_repo(journal)
    note = journal / "sessions" / "2025-07-04-kickoff.md"
    assert mj("calendar", cwd=journal).exit_code == 0
    for old, new in (("01", "02"), ("02", "03")):
        note.write_text(note.read_text().replace(f"due:2025-08-{old}", f"due:2025-08-{new}"))
        assert mj("calendar", cwd=journal).exit_code == 0
    before = _sequence(mj("calendar", cwd=journal).output, "Draft case study 1")
    assert before >= 1
    time.sleep(3)  # the ledger is lost after the feed last changed (not within a second)
    (ledger,) = (journal / ".git" / "mentorjournal").glob("calendar-pair-*.marshal")
    data = ledger.read_bytes()
    ledger.write_bytes(data[: 8 + int.from_bytes(data[:8], "little")])
    note.write_text(note.read_text().replace("due:2025-08-03", "due:2025-08-04"))
    after = _sequence(mj("calendar", cwd=journal).output, "Draft case study 1")
    assert after > before
