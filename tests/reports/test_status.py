"""`mj status`: the SPEC's JSON shape and order, the human view, dates and signatures."""

from __future__ import annotations

import json
from pathlib import Path

from conftest import SAMPLE, mj

from mentorjournal.checks.signatures import agreement_digest
from mentorjournal.format.document import parse_document


def status(journal: Path, *args: str) -> dict[str, object]:
    result = mj("status", "--json", *args, cwd=journal)
    assert result.exit_code == 0, result.output
    loaded: dict[str, object] = json.loads(result.stdout)
    return loaded


def test_json_matches_the_spec_key_for_key(journal: Path) -> None:
    report = status(journal, "--today", "2025-08-05")
    assert list(report) == ["today", "open", "next_meeting", "review", "signatures"]
    assert report["today"] == "2025-08-05"
    first = report["open"][0]  # type: ignore[index]
    assert list(first) == ["id", "text", "owner", "due", "overdue", "goals", "path", "line"]
    assert report["next_meeting"] == {"due": "2025-08-01", "overdue": True, "last": "2025-07-18"}
    assert report["review"] == {"due": "2025-10-01", "overdue": False}
    assert report["signatures"] == {
        "valid": [],
        "stale": [],
        "missing": ["ben", "ana"],
        "invalid": [],
    }


def test_open_items_order_and_content(journal: Path) -> None:
    report = status(journal, "--today", "2025-08-05")
    rows = [
        (i["text"], i["owner"], i["due"], i["overdue"], i["goals"], i["path"], i["line"])
        for i in report["open"]  # type: ignore[attr-defined]
    ]
    assert rows == [
        # overdue first, by due date
        (
            "Introduce Ana to the design lead",
            ["ben"],
            "2025-07-25",
            True,
            [],
            "sessions/2025-07-04-kickoff.md",
            13,
        ),
        (
            "Draft case study 1",
            ["ana"],
            "2025-08-01",
            True,
            ["portfolio"],
            "sessions/2025-07-04-kickoff.md",
            12,
        ),
        # then by due date, none last, then path and line
        (
            "Second case study",
            ["ana"],
            "2025-08-20",
            False,
            ["portfolio"],
            "goals/portfolio.md",
            11,
        ),
        (
            "Pair on the outline",
            ["ana", "ben"],
            "2025-09-01",
            False,
            [],
            "sessions/2025-07-18.md",
            13,
        ),
    ]
    ids = [i["id"] for i in report["open"]]  # type: ignore[attr-defined]
    assert len(set(ids)) == 4 and all(len(i) >= 6 for i in ids)


def test_owner_filter(journal: Path) -> None:
    report = status(journal, "--today", "2025-08-05", "--owner", "ben")
    assert [i["owner"] for i in report["open"]] == [["ben"], ["ana", "ben"]]  # type: ignore[attr-defined]


def test_today_from_environment(journal: Path, monkeypatch: object) -> None:
    import pytest

    assert isinstance(monkeypatch, pytest.MonkeyPatch)
    monkeypatch.setenv("MJ_TODAY", "2025-07-20")
    report = status(journal)
    assert report["today"] == "2025-07-20"
    assert report["next_meeting"] == {"due": "2025-08-01", "overdue": False, "last": "2025-07-18"}


def test_future_sessions_do_not_count_as_held(journal: Path) -> None:
    report = status(journal, "--today", "2025-07-10")
    assert report["next_meeting"] == {"due": "2025-07-18", "overdue": False, "last": "2025-07-04"}


def test_monthly_and_custom_cadence(journal: Path) -> None:
    agreement = journal / "agreement.md"
    agreement.write_text(agreement.read_text().replace("every: biweekly", "every: monthly"))
    assert status(journal, "--today", "2025-08-05")["next_meeting"]["due"] == "2025-08-18"  # type: ignore[index]
    agreement.write_text(agreement.read_text().replace("every: monthly", "every: 3 weeks"))
    assert status(journal, "--today", "2025-08-05")["next_meeting"]["due"] == "2025-08-08"  # type: ignore[index]


def test_no_sessions_means_the_kickoff_is_due_at_start(journal: Path) -> None:
    for session in (journal / "sessions").iterdir():
        session.unlink()
    report = status(journal, "--today", "2025-07-03")
    assert report["next_meeting"] == {"due": "2025-07-01", "overdue": True, "last": None}


def _sign(journal: Path, handle: str, digest: str) -> None:
    agreement = journal / "agreement.md"
    text = agreement.read_text()
    head, rest = text.split("phase: 1\n", 1)
    existing = "signatures:\n" if "signatures:" not in rest else ""
    block = f"{existing}  - by: {handle}\n    date: 2025-07-02\n    digest: {digest}\n"
    if existing:
        agreement.write_text(head + "phase: 1\n" + block + rest)
    else:
        marker = "signatures:\n"
        before, after = rest.split(marker, 1)
        agreement.write_text(head + "phase: 1\n" + before + marker + block + after)


def test_an_entry_without_an_ssh_signature_does_not_count(journal: Path) -> None:
    """{by, date, digest} alone, as mj wrote before signatures used SSH keys, proves
    nothing: anyone can write it (tests/edit/test_sign.py signs with real keys)."""
    doc = parse_document("agreement.md", (journal / "agreement.md").read_bytes())
    _sign(journal, "ana", agreement_digest(doc))
    signatures = {"valid": [], "stale": [], "missing": ["ben"], "invalid": ["ana"]}
    assert status(journal)["signatures"] == signatures
    findings = json.loads(mj("validate", "--json", cwd=journal).stdout)["findings"]
    assert [(f["code"], f["severity"], f["line"]) for f in findings] == [
        ("invalid-signature", "warning", 21)
    ]
    assert "ana has no `key` in the agreement" in findings[0]["message"]
    text = mj("status", "--today", "2025-08-05", cwd=journal).stdout
    assert "Signatures    not signed: ben; invalid: ana\n" in text
    assert "why they do not count: ana has no `key` in the agreement" in text
    # Every summary format says so too (the Markdown one used to leave it out).
    said = "not signed: ben; invalid: ana (ana has no `key` in the agreement: add one"
    for output in ("text", "md", "html"):
        summary = mj("summary", "--format", output, "--today", "2025-08-05", cwd=journal)
        assert said in summary.stdout.replace("&#x27;", "'").replace("&quot;", '"'), output


def test_human_view_groups_by_owner(journal: Path) -> None:
    result = mj("status", "--today", "2025-08-05", cwd=journal)
    out = result.stdout
    assert out.index("@ana (Ana Lima)") < out.index("@ben (Ben Okafor)")
    assert "2 open, 1 overdue" in out or "3 open, 1 overdue" in out
    assert "sessions/2025-07-04-kickoff.md:12" in out
    assert "Next meeting  due 2025-08-01 (4d overdue)" in out
    assert "\x1b[" not in out


def test_the_signing_hint_names_the_person_asked_about(journal: Path) -> None:
    """Each person signs in their own clone: with --owner the hint is that person's,
    and the others still to sign are named (a newcomer read `--as ben` in Ana's clone
    as meant for her)."""
    for owner, first, rest in (("ana", "ana", "ben"), ("ben", "ben", "ana")):
        out = mj("status", "--owner", f"@{owner}", "--today", "2025-08-05", cwd=journal).stdout
        said = " ".join(out.split())
        hint = f"mj key --as {first} (once), then mj sign --as {first} (and {rest}, each in"
        assert f"sign with: {hint} their own clone)" in said


def test_colour_only_on_a_terminal_and_never_with_no_color(journal: Path) -> None:
    import datetime as dt

    from mentorjournal.journal import load_journal, people
    from mentorjournal.render.status import status_text
    from mentorjournal.render.terminal import Palette
    from mentorjournal.reports.status import compute_status

    loaded = load_journal(journal)
    computed = compute_status(loaded, dt.date(2025, 8, 5))
    names = {h: p.name for h, p in people(loaded).items()}
    assert "\x1b[31m" in status_text(computed, Palette(True), names)
    assert "\x1b[" not in status_text(computed, Palette(False), names)


def test_sample_journal_status(tmp_path: Path) -> None:
    report = status(SAMPLE, "--today", "2026-11-21")
    overdue = [i for i in report["open"] if i["overdue"]]  # type: ignore[attr-defined]
    assert len(overdue) == 6
    assert report["next_meeting"] == {"due": "2026-11-30", "overdue": False, "last": "2026-11-16"}
