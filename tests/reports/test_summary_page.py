"""The HTML summary as a pair reads it: who it is about, what is open, readable months,
and a layout that holds on a phone (checked in headless Chromium at 400 px)."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from html import escape
from pathlib import Path

import pytest
from conftest import DATA, SAMPLE, mj

from mentorjournal.render.agreement import browser

CHROMIUM = browser()


@pytest.fixture
def fixture_journal(tmp_path: Path) -> Path:
    root = tmp_path / "journal"
    shutil.copytree(DATA / "summary-journal", root)
    return root


def _html(root: Path, *args: str) -> str:
    result = mj("summary", "--format", "html", "--today", "2025-03-03", *args, cwd=root)
    assert result.exit_code == 0, result.output
    return result.output


def _section(html: str, heading: str) -> str:
    start = html.index(f"<h2>{heading}")
    return html[start : html.index("<h2>", start + 4)]


def test_the_page_names_the_pair(fixture_journal: Path) -> None:
    html = _html(fixture_journal)
    assert "<h1>Mentorship summary: Ana Mentee and Ben Mentor</h1>" in html
    assert "Ana Mentee (mentee), Ben Mentor (mentor)" in html
    assert "<title>Mentorship summary: Ana Mentee and Ben Mentor, 2025-01-06 to 2025-03-03" in html


def test_months_carry_their_year(fixture_journal: Path) -> None:
    html = _html(fixture_journal)
    labels = re.findall(r">((?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) [^<]*)<", html)
    assert labels and set(labels) <= {"Jan 2025", "Feb 2025", "Mar 2025"}, labels


def test_the_pair_view_lists_open_and_overdue_actions(fixture_journal: Path) -> None:
    opened = _section(_html(fixture_journal), "Open actions")
    data = json.loads(mj("summary", "--format", "json", "--today", "2025-03-03",
                         cwd=fixture_journal).output)["actions"]  # fmt: skip
    listed = [*data["overdue_items"], *data["open_items"]]
    assert f"Open actions ({len(listed)}, {data['overdue']} overdue)" in opened
    for item in listed:
        assert item["id"] in opened
    assert "Publish site" in opened and "Confirm the learning budget" in opened
    # Overdue first, marked; the open ones after, by due date.
    rows = re.findall(r"<tr><td( class=\"overdue\")?>", opened)
    assert rows == [' class="overdue"'] * len(data["overdue_items"]) + [""] * len(
        data["open_items"]
    )
    assert "SECRETCANARY" not in opened  # a confidential session's item is never quoted


def test_the_sponsor_view_lists_no_action(fixture_journal: Path) -> None:
    html = _html(fixture_journal, "--audience", "sponsor")
    assert "<h2>Open actions" not in html
    for text in ("Publish site", "Confirm the learning budget", "ITEMCANARY"):
        assert text not in html
    data = json.loads(mj("summary", "--format", "json", "--audience", "sponsor", "--today",
                         "2025-03-03", cwd=fixture_journal).output)  # fmt: skip
    assert data["actions"]["open_items"] == [] and data["actions"]["overdue_items"] == []


# The page laid out in a frame of the width asked (a headless window is never narrower
# than 500 px): how far the page overflows sideways, and its smallest text in px.
MEASURE = """<script>
const frame = document.getElementById("page");
frame.addEventListener("load", () => {
  const page = frame.contentDocument;
  const sizes = [...page.querySelectorAll("svg text, td, .card span, .goal span")]
    .filter(e => e.getClientRects().length)
    .map(e => e.tagName === "text" ? e.getBoundingClientRect().height
                                    : parseFloat(getComputedStyle(e).fontSize));
  const overflow = page.documentElement.scrollWidth - page.documentElement.clientWidth;
  document.body.insertAdjacentHTML("beforeend",
    `<pre id="measured">${overflow} ${Math.min(...sizes)}</pre>`);
});
</script>"""


def _laid_out(page: Path, tmp_path: Path, width: int) -> tuple[int, float]:
    """(sideways overflow, smallest text in px) as Chromium lays ``page`` out at ``width``."""
    measured = tmp_path / f"measured-{width}.html"
    frame = (
        f'<iframe id="page" style="width:{width}px;height:900px;border:0" '
        f'srcdoc="{escape(page.read_text())}"></iframe>'
    )
    measured.write_text(
        f'<!DOCTYPE html><html><body style="margin:0">{frame}{MEASURE}</body></html>'
    )
    assert CHROMIUM is not None
    run = subprocess.run(
        [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         f"--user-data-dir={tmp_path / 'profile'}", "--window-size=1400,1000",
         "--virtual-time-budget=5000", "--dump-dom", measured.as_uri()],
        capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    found = re.search(r'<pre id="measured">(\d+) ([\d.]+)</pre>', run.stdout)
    assert found, run.stderr[-2000:]
    return int(found.group(1)), float(found.group(2))


@pytest.mark.slow
@pytest.mark.skipif(CHROMIUM is None, reason="needs Chromium")
def test_readable_on_a_phone_and_on_a_desktop(tmp_path: Path) -> None:
    page = tmp_path / "summary.html"
    result = mj("summary", "--format", "html", "--today", "2026-11-21", "-o", str(page),
                cwd=SAMPLE)  # fmt: skip
    assert result.exit_code == 0, result.output
    overflow, smallest = _laid_out(page, tmp_path, 400)
    assert overflow == 0  # nothing pushes the page sideways: wide charts scroll in their panel
    assert smallest >= 9.5, smallest
    overflow, smallest = _laid_out(page, tmp_path, 1200)
    assert overflow == 0 and smallest >= 11, smallest
