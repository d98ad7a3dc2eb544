"""`mj summary`: exact numbers on a fixture journal, audiences, and a page Chromium can draw."""

from __future__ import annotations

import json
import shutil
import struct
import subprocess
import zlib
from html.parser import HTMLParser
from pathlib import Path

import pytest
from conftest import DATA, SAMPLE, mj
from gitutil import MENTEE, MENTOR, commit_files, git, make_repo

FORMATS = ("text", "md", "json", "html")
CHROMIUM = Path("/usr/bin/chromium")


@pytest.fixture
def fixture_journal(tmp_path: Path) -> Path:
    root = tmp_path / "journal"
    shutil.copytree(DATA / "summary-journal", root)
    return root


def summary(root: Path, *args: str) -> str:
    result = mj("summary", "--today", "2025-03-03", *args, cwd=root)
    assert result.exit_code == 0, result.output
    return result.output


def summary_json(root: Path, *args: str) -> dict[str, object]:
    data: dict[str, object] = json.loads(summary(root, "--format", "json", *args))
    return data


def test_json_numbers_are_exact(fixture_journal: Path) -> None:
    data = summary_json(fixture_journal)
    assert data["today"] == "2025-03-03"
    assert data["audience"] == "pair"
    assert data["window"] == {"since": "2025-01-06", "until": "2025-03-03"}
    assert data["goals"] == [
        {
            "id": "portfolio",
            "title": "Portfolio with case studies",
            "status": "active",
            "owner": "ana",
            "target": "2025-06-30",
            "days_to_target": 119,
            "milestones_done": 1,
            "milestones_total": 2,  # the cancelled milestone does not count
            "actions_open": 1,
            "actions_done": 1,
            "actions_overdue": 1,
            "sessions": 3,
            "last_discussed": "2025-03-03",
            "ratings": [["2025-01-06", 2], ["2025-01-20", 3], ["2025-03-03", 4]],
        },
        {
            "id": "talk",
            "title": "Give a talk",
            "status": "paused",
            "owner": "ana",
            "target": None,
            "days_to_target": None,
            "milestones_done": 0,
            "milestones_total": 1,
            "actions_open": 0,
            "actions_done": 0,
            "actions_overdue": 0,
            "sessions": 3,
            "last_discussed": "2025-03-03",
            "ratings": [["2025-01-06", 1], ["2025-02-10", 2], ["2025-03-03", 2]],
        },
    ]
    cadence = data["cadence"]
    assert isinstance(cadence, dict)
    assert {k: cadence[k] for k in ("every", "expected", "held", "longest_gap_days")} == {
        "every": "biweekly",
        "expected": 5,
        "held": 4,
        "longest_gap_days": 21,
    }
    assert cadence["expected_dates"] == [
        "2025-01-06",
        "2025-01-20",
        "2025-02-03",
        "2025-02-17",
        "2025-03-03",
    ]
    assert cadence["days_since_last"] == 0
    assert cadence["confidential"] == 1
    assert cadence["agenda_by"] == {"ana": 3, "ben": 1}
    assert cadence["kinds"] == {"regular": 2, "kickoff": 1, "retro": 1}
    actions = data["actions"]
    assert isinstance(actions, dict)
    assert {k: actions[k] for k in ("opened", "done", "overdue", "open", "cancelled")} == {
        "opened": 11,
        "done": 4,
        "overdue": 3,
        "open": 5,
        "cancelled": 2,
    }
    # Days to close: 6, 2, 1 and 9.
    assert actions["median_days_to_close"] == 4.0
    assert actions["per_owner"] == {
        "ana": {"opened": 7, "done": 2, "open": 4, "overdue": 3},
        "ben": {"opened": 3, "done": 2, "open": 0, "overdue": 0},
        "carla": {"opened": 1, "done": 0, "open": 1, "overdue": 0},
    }
    assert actions["timeline"] == [
        ["2025-01-06", 6, 0],
        ["2025-01-08", 6, 1],
        ["2025-01-12", 6, 2],
        ["2025-01-15", 6, 3],
        ["2025-01-20", 8, 3],
        ["2025-02-10", 10, 3],
        ["2025-02-11", 10, 4],
        ["2025-03-03", 11, 4],
    ]
    # The overdue item of the confidential session is counted above, never quoted.
    assert [i["text"] for i in actions["overdue_items"]] == [  # type: ignore[index]
        "Find a meetup",
        "Write case study 1 with ITEMCANARY",
    ]
    assert data["agreement"] == {
        "phase": 1,
        "signatures": {"valid": [], "stale": [], "missing": ["ben", "ana"], "invalid": []},
        "review": {"due": "2025-04-01", "overdue": False},
        "versions": None,  # not in a git repository
        "changes": None,
    }
    assert data["retrospectives"] == [
        {
            "date": "2025-03-03",
            "kind": "retro",
            "confidential": False,
            "decisions": [
                "Keep meeting biweekly; DECISIONCANARY applies from now.",
                "Pause the talk goal until the portfolio is live.",
            ],
        }
    ]


def test_window_counts_only_what_happened_inside(fixture_journal: Path) -> None:
    data = summary_json(fixture_journal, "--since", "2025-01-20", "--until", "2025-02-15")
    assert data["window"] == {"since": "2025-01-20", "until": "2025-02-15"}
    cadence, actions = data["cadence"], data["actions"]
    assert isinstance(cadence, dict) and isinstance(actions, dict)
    assert (cadence["expected"], cadence["held"], cadence["longest_gap_days"]) == (2, 2, 21)
    # Opened: two items on 01-20, two on 02-10; done: only 02-11 falls inside.
    assert (actions["opened"], actions["done"]) == (4, 1)
    # As of 02-15: "Find a meetup" (02-01) and case study 1 (02-10); 02-20 is not due yet.
    assert actions["overdue"] == 2
    portfolio = data["goals"][0]  # type: ignore[index]
    assert portfolio["ratings"] == [["2025-01-20", 3]]
    assert portfolio["sessions"] == 1
    assert portfolio["last_discussed"] == "2025-01-20"
    assert data["retrospectives"] == []


def test_until_before_a_done_date_counts_the_item_open(fixture_journal: Path) -> None:
    data = summary_json(fixture_journal, "--until", "2025-01-10")
    actions = data["actions"]
    assert isinstance(actions, dict)
    # Only the 01-08 tick; the outline (done 01-12) and "Pick projects" (01-15) were open.
    assert (actions["done"], actions["open"]) == (1, 4)
    assert data["goals"][0]["actions_open"] == 1  # type: ignore[index]


def test_agreement_changes_from_git_history(
    fixture_journal: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def at(day: str) -> None:
        monkeypatch.setenv("GIT_AUTHOR_DATE", f"{day}T10:00:00+00:00")
        monkeypatch.setenv("GIT_COMMITTER_DATE", f"{day}T10:00:00+00:00")

    make_repo(fixture_journal, MENTOR)
    at("2025-01-06")
    git(fixture_journal, "add", ".")
    git(fixture_journal, "commit", "-q", "-m", "start", identity=MENTOR)
    text = (fixture_journal / "agreement.md").read_text(encoding="utf-8")
    at("2025-02-01")
    commit_files(fixture_journal, {"agreement.md": text.replace("phase: 1", "phase: 2")}, "phase")
    git(fixture_journal, "commit", "-q", "--allow-empty", "-m", "unrelated", identity=MENTEE)
    at("2025-04-01")  # after the window: not counted
    commit_files(fixture_journal, {"agreement.md": text.replace("phase: 1", "phase: 3")}, "later")
    agreement = summary_json(fixture_journal)["agreement"]
    assert isinstance(agreement, dict)
    assert (agreement["versions"], agreement["changes"]) == (2, 1)
    assert "changed once since it was first committed" in summary(fixture_journal)
    older = summary_json(fixture_journal, "--until", "2025-01-31")["agreement"]
    assert (older["versions"], older["changes"]) == (1, 0)  # type: ignore[index]


SECRET = "SECRETCANARY"
PAIR_TEXT = ("ITEMCANARY", "DECISIONCANARY")
NOTES = "NOTECANARY"


@pytest.mark.parametrize("output_format", FORMATS)
def test_sponsor_sees_counts_and_titles_only(fixture_journal: Path, output_format: str) -> None:
    out = summary(fixture_journal, "--audience", "sponsor", "--format", output_format)
    for canary in (SECRET, NOTES, *PAIR_TEXT):
        assert canary not in out, f"{canary} leaked into the sponsor {output_format} summary"
    assert "Portfolio with case studies" in out
    assert "Give a talk" in out
    assert "4" in out  # held sessions, among other counts


@pytest.mark.parametrize("output_format", FORMATS)
def test_pair_quotes_decisions_but_never_confidential_text(
    fixture_journal: Path, output_format: str
) -> None:
    out = summary(fixture_journal, "--format", output_format)
    assert SECRET not in out
    assert NOTES not in out  # session notes are never part of a summary
    for canary in PAIR_TEXT:
        assert canary in out


def test_sponsor_json_has_the_spec_keys(fixture_journal: Path) -> None:
    data = summary_json(fixture_journal, "--audience", "sponsor")
    assert data["audience"] == "sponsor"
    actions = data["actions"]
    assert isinstance(actions, dict)
    assert actions["overdue_items"] == []
    assert actions["overdue"] == 3  # the confidential item is still counted
    assert data["retrospectives"] == [
        {"date": "2025-03-03", "kind": "retro", "confidential": False, "decisions": []}
    ]


def test_output_file_and_bad_options(fixture_journal: Path, tmp_path: Path) -> None:
    target = tmp_path / "report.html"
    result = mj(
        "summary", "--format", "html", "-o", str(target), "--today", "2025-03-03",
        cwd=fixture_journal,
    )  # fmt: skip
    assert result.exit_code == 0
    assert target.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    result = mj("summary", "--since", "2025-03-01", "--until", "2025-02-01", cwd=fixture_journal)
    assert result.exit_code == 2 and "is after" in result.output
    # --until is today by default: a later --since made a window ending before it began.
    result = mj("summary", "--since", "2025-03-10", "--today", "2025-03-03", cwd=fixture_journal)
    assert result.exit_code == 2 and "--since 2025-03-10 is after today" in result.output
    assert mj("summary", "--since", "2025-13-01", cwd=fixture_journal).exit_code == 2
    assert mj("summary", "--format", "pdf", cwd=fixture_journal).exit_code == 2


def test_markdown_and_text_show_the_same_numbers(fixture_journal: Path) -> None:
    text = summary(fixture_journal)
    assert "4 held of 5 expected (biweekly)" in text
    assert "11 opened, 4 done, 5 open, 3 overdue" in text
    assert "1/2 milestones" in text
    assert "self-rating 2 → 3 → 4" in text
    # Said in words: "on" the day itself, "1 session" (a newcomer read "0 days before"
    # and "agenda by @ana 3").
    assert "last session on 2025-03-03" in text
    earlier = summary(fixture_journal, "--until", "2025-03-10")  # its date, then how long ago
    assert "last session 2025-03-03 (7 days before 2025-03-10)" in earlier
    assert "agenda set by @ana (3 sessions), @ben (1 session)" in text
    md = summary(fixture_journal, "--format", "md")
    assert "| Portfolio with case studies (`portfolio`) | active | 1/2 | 1 / 1 / 1 | 3 |" in md
    assert "- Sessions held: 4 of 5 expected (biweekly)" in md
    assert "| @ana | 7 | 2 | 4 | 3 |" in md


class _Page(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.urls: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.urls += [v or "" for k, v in attrs if k in ("src", "href", "xlink:href", "action")]

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def test_html_is_self_contained_and_escaped(fixture_journal: Path) -> None:
    goal = fixture_journal / "goals" / "talk.md"
    goal.write_text(
        goal.read_text(encoding="utf-8").replace(
            "title: Give a talk", "title: \"Give a <script>alert('x')</script> & talk\""
        ),
        encoding="utf-8",
    )
    page = summary(fixture_journal, "--format", "html")
    parser = _Page()
    parser.feed(page)
    assert "script" not in parser.tags
    assert "<script" not in page.lower()
    assert not [u for u in parser.urls if u.startswith(("http:", "https:", "//"))]
    assert "http://" not in page and "https://" not in page
    assert "@import" not in page and "url(" not in page
    assert parser.tags.count("svg") >= 4  # progress, two ratings charts, timeline, actions
    assert "Give a &lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; &amp; talk" in page
    assert "Give a <script>alert('x')</script> & talk" in "".join(parser.text)


def _png_pixels(data: bytes) -> tuple[int, int, set[bytes]]:
    """Width, height and the distinct pixel values of a non-interlaced 8-bit PNG."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    pos, chunks, header = 8, b"", b""
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos : pos + 4])
        kind = data[pos + 4 : pos + 8]
        body = data[pos + 8 : pos + 8 + length]
        if kind == b"IHDR":
            header = body
        elif kind == b"IDAT":
            chunks += body
        pos += 12 + length
    width, height, depth, colour = struct.unpack(">IIBB", header[:10])
    assert depth == 8
    channels = {2: 3, 6: 4, 0: 1, 4: 2}[colour]
    raw = zlib.decompress(chunks)
    stride = width * channels
    pixels: set[bytes] = set()
    previous = bytearray(stride)
    offset = 0
    for _ in range(height):
        kind = raw[offset]
        line = bytearray(raw[offset + 1 : offset + 1 + stride])
        offset += 1 + stride
        for i in range(stride):
            left = line[i - channels] if i >= channels else 0
            up = previous[i]
            corner = previous[i - channels] if i >= channels else 0
            if kind == 1:
                line[i] = (line[i] + left) & 0xFF
            elif kind == 2:
                line[i] = (line[i] + up) & 0xFF
            elif kind == 3:
                line[i] = (line[i] + (left + up) // 2) & 0xFF
            elif kind == 4:
                p = left + up - corner
                pa, pb, pc = abs(p - left), abs(p - up), abs(p - corner)
                pred = left if pa <= pb and pa <= pc else up if pb <= pc else corner
                line[i] = (line[i] + pred) & 0xFF
        for i in range(0, stride, channels * 7):  # a sample is plenty
            pixels.add(bytes(line[i : i + channels]))
        previous = line
    return width, height, pixels


@pytest.mark.slow
@pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's chromium at /usr/bin/chromium")
def test_chromium_draws_the_report(tmp_path: Path) -> None:
    page = tmp_path / "summary.html"
    result = mj(
        "summary", "--format", "html", "--today", "2026-11-21", "-o", str(page), cwd=SAMPLE
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    shot = tmp_path / "summary.png"
    subprocess.run(
        [
            str(CHROMIUM), "--headless", "--no-sandbox", "--disable-gpu",
            "--disable-background-networking", "--disable-component-update", "--disable-sync",
            "--no-first-run", f"--user-data-dir={tmp_path / 'profile'}",
            f"--screenshot={shot}", "--window-size=1200,1600", page.as_uri(),
        ],
        capture_output=True, timeout=120, check=False,
    )  # fmt: skip
    assert shot.exists(), "chromium wrote no screenshot"
    data = shot.read_bytes()
    width, height, pixels = _png_pixels(data)
    assert (width, height) == (1200, 1600)
    # A blank page has one colour and compresses to a few kB; charts have many.
    assert len(data) > 40_000
    assert len(pixels) > 50


def test_decisions_leave_out_task_items_of_every_state() -> None:
    from mentorjournal.reports.summary import decisions

    body = (
        "## Decisions\n\n- Move to monthly\n  after the review\n"
        "- [/] @ana an item in progress\n- [ ] @ana an open item\n- [x] done\n- [-] cancelled\n"
        "1. Keep the retro\n\n## Notes\n\n- not a decision\n"
    )
    assert decisions(body) == ("Move to monthly after the review", "Keep the retro")


def test_a_session_planned_after_today_is_not_held_in_a_later_window(
    fixture_journal: Path,
) -> None:
    """`mj new session --date` writes notes ahead: a window that reaches past today
    counts them as planned, not held (nor discussed, nor rated)."""
    asof_today = summary_json(fixture_journal)
    (fixture_journal / "sessions" / "2025-03-10.md").write_text(
        "---\ndate: 2025-03-10\nattendees: [ana, ben]\ngoals: [portfolio]\n"
        "ratings:\n  portfolio: 5\n---\n# Planned\n"
    )
    ahead = summary_json(fixture_journal, "--until", "2025-04-30")
    held = ("held", "longest_gap_days")
    assert [ahead["cadence"][key] for key in held] == [asof_today["cadence"][key] for key in held]  # type: ignore[index]
    for key in ("sessions", "last_discussed", "ratings"):
        assert ahead["goals"][0][key] == asof_today["goals"][0][key]  # type: ignore[index]


def test_an_agreement_that_starts_after_today_gives_an_empty_window_not_a_backwards_one(
    tmp_path: Path,
) -> None:
    root = tmp_path / "journal"
    shutil.copytree(SAMPLE, root)  # its agreement starts on 2026-05-04
    result = mj("summary", "--today", "2026-03-01", "--format", "json", cwd=root)
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["window"] == {"since": "2026-03-01", "until": "2026-03-01"}


def test_a_window_past_today_expects_only_the_meetings_due(fixture_journal: Path) -> None:
    # Found in session 13: --until a later day counted the meetings not due yet, so a pair
    # on time read as behind ("4 held of 9 expected"). Held and expected both stop today.
    now = summary_json(fixture_journal)["cadence"]
    later = summary_json(fixture_journal, "--until", "2025-05-01")["cadence"]
    assert isinstance(now, dict) and isinstance(later, dict)
    assert (later["held"], later["expected"]) == (now["held"], now["expected"]) == (4, 5)
    assert later["expected_dates"] == now["expected_dates"]
    assert later["days_since_last"] == 59  # still counted to the window's end, as before
