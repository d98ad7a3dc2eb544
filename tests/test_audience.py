"""The audience gate: marked canary text fed through private/ notes, a private goal and a
confidential session never reaches an output meant for another audience, in any command.

Two real clones of one bare remote: Ana (the mentee) keeps private notes and a
confidential session; Ben (the mentor) syncs. Every command that writes or reports
runs, and each output is checked against who it is for:

* Ana herself (status, watch, validate of her working tree): sees everything, private
  notes included: the check that the canaries are really there to leak;
* the pair (pair summary, new session, commit, history, sync, the shared repository,
  Ben's own status): no private canary, no confidential text;
* a sponsor (sponsor summary): none of that, no note text at all, only the parts the
  agreement's consent allows, no rating from a confidential session.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import threading
import time
from pathlib import Path

import pytest
from conftest import mj
from gitutil import SharedRepo, git, git_sandbox, make_shared, write  # noqa: F401

from mentorjournal.audience import Gate, sponsor_consent
from mentorjournal.cli import fastpath
from mentorjournal.index import views
from mentorjournal.watch import watch

pytestmark = pytest.mark.usefixtures("git_sandbox")

TODAY = "2025-03-10"
PRIVATE = "privcanary"  # in text, titles, bodies, front matter values and a goal id
CONFIDENTIAL = "confcanary"
SHARED = "sharedcanary"  # shared note text: the pair may read it, a sponsor never
FORMATS = ("text", "md", "json", "html")

AGREEMENT = """\
---
mentor: {handle: ben, name: Ben Mentor}
mentee: {handle: ana, name: Ana Mentee}
others:
  - {handle: carla, name: Carla Sponsor, role: sponsor}
purpose: Grow Ana into a confident product designer.
start: 2025-01-06
review: 2025-06-01
cadence: {every: biweekly, length: 45, mode: video}
consent: {sponsor: [cadence, goals, actions, ratings]}
---
# Agreement
"""
FILES = {
    "goals/portfolio.md": """\
---
title: Portfolio with case studies
status: active
opened: 2025-01-06
success: Site live with 3 case studies
---
- [ ] @ana Publish case study 1 due:2025-04-01
""",
    "sessions/2025-01-06-kickoff.md": """\
---
date: 2025-01-06
attendees: [ana, ben]
kind: kickoff
goals: [portfolio]
ratings: {portfolio: 2}
---
- [ ] @ben SHAREDCANARY introduce Ana to the design lead due:2025-02-01 #portfolio
""",
    "sessions/2025-02-10-retro.md": """\
---
date: 2025-02-10
attendees: [ana, ben]
kind: retro
goals: [portfolio]
ratings: {portfolio: 5}
confidential: true
agenda_by: ana
---
## Notes

CONFCANARY: something Ana shared in confidence.

## Decisions

- CONFCANARY decision

## Next actions

- [ ] @ana CONFCANARY follow-up due:2025-02-20 #portfolio
""",
    "sessions/2025-02-24.md": """\
---
date: 2025-02-24
attendees: [ana, ben]
goals: [portfolio]
ratings: {portfolio: 3}
---
- [x] @ana Share the draft done:2025-02-25
""",
}
PRIVATE_FILES = {
    "private/goals/privcanary-goal.md": """\
---
title: PRIVCANARY goal title
status: active
opened: 2025-01-06
success: PRIVCANARY success
---
- [ ] @ana PRIVCANARY milestone due:2025-02-01
""",
    # Later than every shared session: counted as held, it would move "next meeting".
    "private/sessions/2025-03-05.md": """\
---
date: 2025-03-05
attendees: [ana, ben]
kind: retro
goals: [privcanary-goal, portfolio]
ratings: {portfolio: 1, privcanary-goal: 4}
agenda_by: ana
---
## Notes

PRIVCANARY note body.

## Decisions

- PRIVCANARY decision

- [ ] @ana PRIVCANARY private item due:2025-03-01 #portfolio
""",
}


def run(root: Path, *args: str) -> str:
    result = mj(*args, cwd=root)
    assert result.exit_code == 0, result.output
    return result.output


def fast(root: Path, *args: str) -> str:
    out, err = io.StringIO(), io.StringIO()
    code = fastpath.run(["-C", str(root), *args], out, err)
    assert code == 0, f"the fast path did not answer {args}: {err.getvalue()}"
    return out.getvalue() + err.getvalue()


def clean(output: str, *canaries: str) -> None:
    for canary in canaries:
        assert canary not in output.lower(), f"{canary} leaked:\n{output}"


@pytest.fixture
def pair(tmp_path: Path) -> SharedRepo:
    shared = make_shared(tmp_path)
    ana = shared.mentee
    for path, text in {"agreement.md": AGREEMENT, **FILES, **PRIVATE_FILES}.items():
        write(ana, path, text)
    write(ana, ".gitignore", "private/\n")
    return shared


def test_ana_sees_her_private_notes_only_on_her_own_computer(pair: SharedRepo) -> None:
    ana, ben = pair.mentee, pair.mentor
    # Ana's own view shows her private items and the pair's confidential ones...
    own = [
        run(ana, "status", "--today", TODAY),
        run(ana, "status", "--json", "--today", TODAY),
        fast(ana, "status", "--today", TODAY),  # from the snapshot the line above left
        fast(ana, "status", "--json", "--today", TODAY),
    ]
    for output in own:
        assert "PRIVCANARY private item" in output
        assert "PRIVCANARY milestone" in output
        assert "CONFCANARY follow-up" in output
    # ...but a private note is not a meeting: "next meeting" follows the shared sessions.
    assert json.loads(own[1])["next_meeting"] == {
        "due": "2025-03-10",
        "overdue": False,
        "last": "2025-02-24",
    }
    assert own[1] == own[3]
    first_screen = _watch_first_screen(ana)
    assert "PRIVCANARY private item" in first_screen
    assert "last 2025-02-24" in first_screen

    # What Ana commits and shares never holds a private note.
    committed = run(ana, "commit")
    clean(committed, PRIVATE, CONFIDENTIAL)
    assert "private" not in git(ana, "ls-files")
    clean(run(ana, "validate", "--staged"), PRIVATE)
    synced = run(ana, "sync")
    clean(synced, PRIVATE, CONFIDENTIAL)
    assert "pushed" in synced
    clean(git(pair.remote, "log", "-p", "--all"), PRIVATE)
    clean(git(pair.remote, "log", "--format=%B", "--all"), CONFIDENTIAL)

    # Ben sees the pair's journal as it is shared: the same numbers, no private item.
    run(ben, "sync")
    for args in (("status", "--json", "--today", TODAY), ("status", "--today", TODAY)):
        theirs = run(ben, *args)
        clean(theirs, PRIVATE)
        assert "CONFCANARY follow-up" in theirs  # the pair's own, on the pair's computers
    assert (
        json.loads(run(ben, "status", "--json", "--today", TODAY))["next_meeting"]
        == (json.loads(own[1])["next_meeting"])
    )
    for args in (("history",), ("history", "--json")):
        clean(run(ana, *args), PRIVATE, CONFIDENTIAL)


@pytest.mark.parametrize("output_format", FORMATS)
def test_the_pair_report_quotes_shared_text_only(pair: SharedRepo, output_format: str) -> None:
    out = run(pair.mentee, "summary", "--format", output_format, "--today", TODAY)
    clean(out, PRIVATE, CONFIDENTIAL)
    assert SHARED in out.lower()  # the overdue shared item is quoted for the pair
    assert "Portfolio with case studies" in out
    assert fast(pair.mentee, "summary", "--format", output_format, "--today", TODAY) == out


@pytest.mark.parametrize("output_format", FORMATS)
def test_the_sponsor_report_holds_no_note_text(pair: SharedRepo, output_format: str) -> None:
    args = ("summary", "--audience", "sponsor", "--format", output_format, "--today", TODAY)
    out = run(pair.mentee, *args)
    clean(out, PRIVATE, CONFIDENTIAL, SHARED)
    assert "Portfolio with case studies" in out  # consented: goal titles


def test_numbers_count_shared_sessions_and_ratings_only(pair: SharedRepo) -> None:
    def report(audience: str) -> dict[str, object]:
        args = ("summary", "--format", "json", "--audience", audience, "--today", TODAY)
        data: dict[str, object] = json.loads(run(pair.mentee, *args))
        return data

    pair_view, sponsor_view = report("pair"), report("sponsor")
    for data in (pair_view, sponsor_view):
        assert [goal["id"] for goal in data["goals"]] == ["portfolio"]  # type: ignore[attr-defined]
        cadence = data["cadence"]
        assert cadence["held"] == 3 and cadence["confidential"] == 1  # type: ignore[index]
        assert data["actions"]["opened"] == 4  # type: ignore[index]
    # The pair sees its own confidential rating (5); the private one (1) is no one's report.
    assert pair_view["goals"][0]["ratings"] == [  # type: ignore[index]
        ["2025-01-06", 2],
        ["2025-02-10", 5],
        ["2025-02-24", 3],
    ]
    # A sponsor allowed ratings never sees one given in a confidential session.
    assert sponsor_view["goals"][0]["ratings"] == [  # type: ignore[index]
        ["2025-01-06", 2],
        ["2025-02-24", 3],
    ]
    assert sponsor_view["actions"]["overdue_items"] == []  # type: ignore[index]
    assert sponsor_view["parts"] == ["cadence", "goals", "actions", "ratings"]


@pytest.mark.parametrize(
    ("consent", "parts"),
    [
        ("", ["cadence", "goals", "actions"]),  # absent: the SPEC's default, no ratings
        ("consent: {sponsor: [goals]}\n", ["goals"]),
        ("consent: {sponsor: [cadence]}\n", ["cadence"]),  # sessions held, not their goals
        ("consent: {sponsor: []}\n", []),
        ("consent: {}\n", ["cadence", "goals", "actions"]),
    ],
)
def test_a_sponsor_sees_only_what_consent_allows(
    pair: SharedRepo, consent: str, parts: list[str]
) -> None:
    agreement = AGREEMENT.replace("consent: {sponsor: [cadence, goals, actions, ratings]}\n", "")
    write(pair.mentee, "agreement.md", agreement.replace("---\n# Agreement", consent + "---\n#"))
    args = ("summary", "--audience", "sponsor", "--today", TODAY)
    data = json.loads(run(pair.mentee, *args, "--format", "json"))
    assert data["parts"] == parts
    for part in ("goals", "cadence", "actions"):
        assert (part in data) is (part in parts), part
    for goal in data.get("goals", []):
        assert "ratings" not in goal  # never allowed in these agreements
        assert ("actions_open" in goal) is ("actions" in parts)
    for output_format in FORMATS:
        out = run(pair.mentee, *args, "--format", output_format)
        clean(out, PRIVATE, CONFIDENTIAL, SHARED)
        if "goals" not in parts:
            assert "Portfolio with case studies" not in out and "portfolio" not in out
        if "cadence" not in parts:
            assert "biweekly" not in out


def test_a_new_session_copies_no_private_or_confidential_text(
    pair: SharedRepo, monkeypatch: pytest.MonkeyPatch
) -> None:
    ana = pair.mentee
    run(ana, "status", "--today", TODAY)  # leaves the snapshot a new session plans from
    plan = views.session_plan(ana, dt.date.fromisoformat(TODAY))
    assert plan is not None, "the snapshot did not answer"
    assert plan.confidential == {"sessions/2025-02-10-retro.md"}
    note = ana / "sessions" / "2025-03-10.md"

    said = run(ana, "new", "session", "--today", TODAY)
    from_snapshot = note.read_text(encoding="utf-8")
    note.unlink()
    said += fast(ana, "new", "session", "--today", TODAY)
    assert note.read_text(encoding="utf-8") == from_snapshot
    note.unlink()
    with monkeypatch.context() as cold:
        cold.setenv("MJ_NO_CACHE", "1")
        said += run(ana, "new", "session", "--today", TODAY)
    assert note.read_text(encoding="utf-8") == from_snapshot  # the whole journal agrees

    clean(from_snapshot + said, PRIVATE, CONFIDENTIAL)
    assert SHARED in from_snapshot.lower()
    # The confidential item is pointed to (id, owner, due, its session's day), its text
    # and its file's name (the slug is the session's own words) left behind.
    assert "2025-02-10-retro" not in from_snapshot
    assert "2025-02-10-retro" not in run(ana, "calendar", "--today", TODAY)  # a feed travels
    confidential = [line for line in from_snapshot.splitlines() if "2025-02-10" in line]
    assert len(confidential) == 1
    assert confidential[0].endswith(
        "` (in the confidential session of 2025-02-10), due 2025-02-20 (overdue)"
    )
    assert "goals:\n- portfolio\n" in from_snapshot  # the private goal is not listed
    committed = run(ana, "commit")
    clean(committed + git(ana, "log", "--format=%B", "-1"), PRIVATE, CONFIDENTIAL)
    clean(
        git(ana, "show", "--format=", "HEAD", "--", "sessions/2025-03-10.md"), PRIVATE, CONFIDENTIAL
    )


@pytest.mark.parametrize("breakage", ["confidential: true\n", "\tindented: with a tab\n"])
def test_a_confidential_session_whose_front_matter_breaks_stays_closed(
    pair: SharedRepo, monkeypatch: pytest.MonkeyPatch, breakage: str
) -> None:
    """A typo in its front matter (a duplicate key, a tab) leaves ``confidential: true``
    unread: its text must still stay in the file, in the new note the pair shares above
    all (found by the session-10 adversarial trial: it was copied there, and quoted by
    the pair's summary and calendar)."""
    ana = pair.mentee
    retro = ana / "sessions" / "2025-02-10-retro.md"
    text = retro.read_text(encoding="utf-8")
    retro.write_text(text.replace("confidential: true\n", "confidential: true\n" + breakage))
    for cached in ("", "1"):
        monkeypatch.setenv("MJ_NO_CACHE", cached)
        said = run(ana, "new", "session", "--today", TODAY)
        note = ana / "sessions" / "2025-03-10.md"
        clean(said + note.read_text(encoding="utf-8"), CONFIDENTIAL)
        note.unlink()
        for output_format in FORMATS:
            clean(run(ana, "summary", "--format", output_format, "--today", TODAY), CONFIDENTIAL)
        clean(run(ana, "calendar", "--today", TODAY), CONFIDENTIAL)
    assert CONFIDENTIAL in run(ana, "status", "--today", TODAY).lower()  # her own, as ever


def test_the_gate_on_its_own() -> None:
    assert sponsor_consent({}) == ("cadence", "goals", "actions")
    assert sponsor_consent({"consent": {"sponsor": ["ratings", "goals", "bogus"]}}) == (
        "goals",
        "ratings",
    )
    assert sponsor_consent({"consent": "yes"}) == ()  # unreadable consent allows nothing
    assert sponsor_consent({"consent": {"sponsor": "all"}}) == ()
    sponsor = Gate("sponsor", {})
    assert not sponsor.quotes("sessions/a.md", {})
    assert not sponsor.rating("sessions/a.md", {})  # ratings not consented
    assert not Gate("sponsor", {"consent": {"sponsor": ["ratings"]}}).rating(
        "sessions/a.md", {"confidential": True}
    )
    pair = Gate("pair", {"consent": {"sponsor": []}})
    assert pair.parts == ("cadence", "goals", "actions", "ratings")
    assert pair.quotes("sessions/a.md", {}) and not pair.quotes("private/a.md", {})
    assert not pair.quotes("sessions/a.md", {"confidential": True})
    assert not pair.rating("private/sessions/a.md", {})
    assert Gate("self", {}).quotes("private/a.md", {"confidential": True})


def _watch_first_screen(root: Path) -> str:
    """What `mj watch` prints first (findings, then status), from a real watcher."""
    output: list[str] = []
    stop = threading.Event()
    thread = threading.Thread(
        target=watch, kwargs={"root": root, "emit": output.append, "stop": stop, "today": TODAY}
    )
    thread.start()
    try:
        deadline = time.monotonic() + 30
        while not any("Next meeting" in text for text in output):
            assert time.monotonic() < deadline, "mj watch printed no status"
            time.sleep(0.05)
    finally:
        stop.set()
        thread.join(timeout=10)
    assert not thread.is_alive()
    return "\n".join(output)
