"""`mj agreement`: the agreement as a document, in four formats, one or two A4 pages."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from conftest import SAMPLE, mj
from gitutil import fill_template
from sshutil import make_key

from mentorjournal.render.agreement import browser

CHROMIUM = browser()


def _run(root: Path, *args: str, code: int = 0) -> str:
    result = mj("agreement", *args, cwd=root)
    assert result.exit_code == code, result.output
    return result.output


def _pages(pdf: bytes) -> int:
    """Pages of a PDF: its page objects (`/Type /Page`, not `/Pages`)."""
    assert pdf.startswith(b"%PDF-")
    return len(re.findall(rb"/Type\s*/Page(?![s\w])", pdf))


@pytest.fixture
def pair(tmp_path: Path) -> Path:
    root = tmp_path / "pair"
    made = mj("init", str(root), "--mentor", "ben", "--mentee", "ana", "--mentor-name",
              "Ben Okafor", "--mentee-name", "Ana Lima", "--purpose",
              "Ana grows into a design lead who runs critiques.", "--cadence", "monthly",
              "--length", "60", "--review", "2026-06-30", "--consent", "cadence,goals",
              "--today", "2026-01-10")  # fmt: skip
    assert made.exit_code == 0, made.output
    made = mj("new", "goal", "critique", "--title", "Lead a critique", "--success",
              "Two critiques facilitated", "--target", "2026-05-01", "--today", "2026-01-10",
              cwd=root)  # fmt: skip
    assert made.exit_code == 0, made.output
    (root / "private" / "goals").mkdir(parents=True)
    (root / "private" / "goals" / "secret.md").write_text(
        "---\ntitle: Leave for a rival\nstatus: active\nopened: 2026-01-10\n"
        "success: An offer in hand\n---\n"
    )
    return root


def test_the_document_holds_every_part_of_the_agreement(pair: Path) -> None:
    text = _run(pair)
    flat = " ".join(text.split())  # wrapped to the terminal: compare the words
    for expected in (
        "MENTORSHIP AGREEMENT",
        "Ana Lima (mentee) and Ben Okafor (mentor)",
        "from 2026-01-10 · review 2026-06-30 · phase 1",
        "Ana grows into a design lead who runs critiques.",  # purpose
        "Mentor: Ben Okafor (@ben)",  # roles
        "Lead a critique (active). Success: Two critiques facilitated. Target 2026-05-01.",
        "We meet monthly, 60 minutes, video.",  # cadence and preparation
        "answered within 2 days",  # boundaries
        "A sponsor report may show: cadence, goals.",  # consent
        "Next review of this agreement: 2026-06-30.",
        "Ben Okafor (mentor, @ben): not signed yet",
    ):
        assert expected in flat, expected
    headings = re.findall(r"(?m)^(\S[^\n]*?)(?:  \[to write together\])?$", text)
    for section in ("Purpose", "Roles and responsibilities", "Goals", "Cadence and preparation",
                    "Communication boundaries", "Confidentiality and consent",
                    "Review and retrospectives", "Sign-off", "Signatures"):  # fmt: skip
        assert section in headings, section
    assert "Leave for a rival" not in text and "offer in hand" not in text  # private/
    # What the pair has still to write is marked, not hidden.
    assert "Escalation  [to write together]" in text
    assert "Sign-off  [to write together]" not in text
    assert all(len(line) <= 80 for line in text.split("\n"))


def test_signatures_show_their_state(pair: Path, tmp_path: Path) -> None:
    fill_template(pair)
    key = make_key(tmp_path / "ssh", "ana")
    assert mj("key", "--as", "ana", "--file", str(key), cwd=pair).exit_code == 0
    assert mj("commit", "-m", "Our agreement", cwd=pair).exit_code == 0
    signed = mj("sign", "--as", "ana", "--key", str(key), "--today", "2026-01-12", cwd=pair)
    assert signed.exit_code == 0, signed.output
    text = _run(pair)
    assert "Ana Lima (mentee, @ana): signed (2026-01-12)" in text
    assert "Ben Okafor (mentor, @ben): not signed yet" in text
    assert "[to write together]" not in text
    agreement = pair / "agreement.md"
    signed_text = agreement.read_text()
    agreement.write_text(signed_text.replace("Agreed together", "Agreed", 1))
    assert "Ana Lima (mentee, @ana): signed an earlier text: sign again" in _run(pair)
    # Her entry passed off as Ben's counts for nobody.
    agreement.write_text(signed_text.replace("- by: ana", "- by: ben"))
    flat = " ".join(_run(pair).split())
    assert "Ben Okafor (mentor, @ben): does not count (`mj validate` says why)" in flat
    assert "Ana Lima (mentee, @ana): not signed yet" in flat


def test_markdown_and_html(pair: Path) -> None:
    md = _run(pair, "--format", "md")
    assert md.startswith("# Mentorship agreement\n")
    assert "## Goals" in md and "- Lead a critique (active)." in md
    assert "| Ben Okafor (mentor, @ben) | not signed yet |  |" in md
    agreement = pair / "agreement.md"
    agreement.write_text(agreement.read_text().replace(
        "## Resources\n", "## Resources\n\n<script>alert(1)</script> & <b>bold</b>\n"))  # fmt: skip
    html = _run(pair, "--format", "html")
    assert html.startswith("<!DOCTYPE html>")
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert "<b>bold</b>" not in html
    assert 'class="todo"' in html  # unwritten sections are marked


def test_output_file_and_pdf_usage(pair: Path, tmp_path: Path) -> None:
    out = tmp_path / "agreement.md"
    result = mj("agreement", "--format", "md", "-o", str(out), cwd=pair)
    assert result.exit_code == 0 and out.read_text().startswith("# Mentorship agreement")
    result = mj("agreement", "--format", "pdf", cwd=pair)
    assert result.exit_code == 2 and "-o FILE" in result.output


def test_pdf_without_a_browser_is_a_clear_refusal(
    pair: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    only_git = tmp_path / "bin"
    only_git.mkdir()
    (only_git / "git").symlink_to(shutil.which("git") or "git")
    monkeypatch.setenv("PATH", str(only_git))
    monkeypatch.delenv("MJ_BROWSER", raising=False)
    result = mj("agreement", "--format", "pdf", "-o", str(tmp_path / "a.pdf"), cwd=pair)
    assert result.exit_code == 1
    assert "needs Chromium" in result.output and "apt install chromium" in result.output
    # A browser named in MJ_BROWSER that is not there is named, not "none is installed".
    monkeypatch.setenv("MJ_BROWSER", "no-such-browser-here")
    result = mj("agreement", "--format", "pdf", "-o", str(tmp_path / "a.pdf"), cwd=pair)
    assert result.exit_code == 1
    assert "MJ_BROWSER names 'no-such-browser-here', which is not a program" in result.output
    assert not (tmp_path / "a.pdf").exists()


@pytest.mark.slow
@pytest.mark.skipif(CHROMIUM is None, reason="needs Chromium to print")
@pytest.mark.parametrize("journal", ["new", "sample"])
def test_printed_it_fits_one_or_two_a4_pages(pair: Path, tmp_path: Path, journal: str) -> None:
    root = pair if journal == "new" else SAMPLE
    pdf = tmp_path / "agreement.pdf"
    result = mj("agreement", "--format", "pdf", "-o", str(pdf), cwd=root)
    assert result.exit_code == 0, result.output
    pages = _pages(pdf.read_bytes())
    assert pages == 1 if journal == "new" else 1 <= pages <= 2, pages
    assert pdf.stat().st_mode & 0o777 != 0o600


@pytest.mark.slow
@pytest.mark.skipif(CHROMIUM is None, reason="needs Chromium to print")
def test_printing_a_pushed_image_calls_no_server(pair: Path, tmp_path: Path) -> None:
    """The other person can push `![](http://...)` into the agreement: printing it (or
    opening the HTML) must not tell their server who printed it, and when."""
    import http.server
    import threading

    asked: list[str] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            asked.append(self.path)
            self.send_response(404)
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.HTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        agreement = pair / "agreement.md"
        url = f"http://127.0.0.1:{server.server_port}/beacon.png"
        agreement.write_text(
            agreement.read_text().replace("## Resources\n", f"## Resources\n\n![logo]({url})\n")
        )
        assert "Content-Security-Policy" in _run(pair, "--format", "html")
        _run(pair, "--format", "pdf", "-o", str(tmp_path / "a.pdf"))
    finally:
        server.shutdown()
    assert asked == []
