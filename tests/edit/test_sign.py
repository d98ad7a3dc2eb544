"""`mj sign`: who may sign, what a signature covers, and that no other byte changes."""

from __future__ import annotations

import json
from pathlib import Path

from conftest import mj

from mentorjournal.checks.signatures import agreement_digest
from mentorjournal.format.document import parse_document


def _signatures(journal: Path) -> dict[str, list[str]]:
    result = mj("status", "--json", "--today", "2025-08-05", cwd=journal)
    assert result.exit_code == 0, result.output
    found: dict[str, list[str]] = json.loads(result.stdout)["signatures"]
    return found


def _sign(journal: Path, handle: str, day: str = "2025-07-20") -> str:
    result = mj("sign", "--as", handle, "--today", day, cwd=journal)
    assert result.exit_code == 0, result.output
    return result.output


def _codes(journal: Path) -> list[str]:
    result = mj("validate", "--json", cwd=journal)
    return [f["code"] for f in json.loads(result.stdout)["findings"]]


def test_sign_appends_a_block_and_changes_nothing_else(journal: Path) -> None:
    path = journal / "agreement.md"
    original = path.read_bytes()
    _sign(journal, "ana")
    data = path.read_bytes()
    digest = agreement_digest(parse_document("agreement.md", original))
    head, _, body = original.partition(b"phase: 1\n")
    assert data == head + (
        b"phase: 1\nsignatures:\n- by: ana\n  date: 2025-07-20\n  digest: "
        + digest.encode()
        + b"\n"
        + body
    )
    assert _signatures(journal) == {"valid": ["ana"], "stale": [], "missing": ["ben"]}


def test_sign_edit_stale_resign_valid(journal: Path) -> None:
    _sign(journal, "ana")
    _sign(journal, "ben", "2025-07-21")
    assert _signatures(journal) == {"valid": ["ana", "ben"], "stale": [], "missing": []}
    assert "stale-signature" not in _codes(journal)

    path = journal / "agreement.md"
    path.write_text(path.read_text().replace("every: biweekly", "every: monthly"))
    assert _signatures(journal) == {"valid": [], "stale": ["ana", "ben"], "missing": []}
    assert "stale-signature" in _codes(journal)
    assert mj("validate", cwd=journal).exit_code == 0  # stale is a warning

    assert "re-signed" in _sign(journal, "ana", "2025-08-01")
    assert _signatures(journal) == {"valid": ["ana"], "stale": ["ben"], "missing": []}
    _sign(journal, "ben", "2025-08-02")
    assert _signatures(journal) == {"valid": ["ana", "ben"], "stale": [], "missing": []}
    assert "stale-signature" not in _codes(journal)
    # One entry per person, in the order they first signed.
    meta = parse_document("agreement.md", path.read_bytes()).meta
    assert [(s["by"], s["date"]) for s in meta["signatures"]] == [
        ("ana", "2025-08-01"),
        ("ben", "2025-08-02"),
    ]


def test_a_body_edit_makes_signatures_stale(journal: Path) -> None:
    _sign(journal, "ana")
    path = journal / "agreement.md"
    path.write_text(path.read_text() + "\nWe meet on Tuesdays.\n")
    assert _signatures(journal)["stale"] == ["ana"]


def test_reordering_yaml_keys_keeps_signatures_valid(journal: Path) -> None:
    _sign(journal, "ana")
    path = journal / "agreement.md"
    text = path.read_text()
    mentor_block = "mentor:\n  handle: ben\n  name: Ben Okafor\n"
    assert mentor_block in text
    reordered = text.replace(mentor_block, "").replace("phase: 1\n", "phase: 1\n" + mentor_block)
    reordered = reordered.replace(
        "cadence:\n  every: biweekly\n  length: 45\n  mode: video\n",
        ("cadence: {mode: video, length: 45, every: biweekly}  # flow style now\n"),
    )
    assert reordered != text
    path.write_text(reordered)
    assert _signatures(journal) == {"valid": ["ana"], "stale": [], "missing": ["ben"]}


def test_resigning_replaces_a_block_in_the_middle_keeping_crlf_and_comments(
    journal: Path,
) -> None:
    path = journal / "agreement.md"
    text = path.read_text()
    text = text.replace(
        "phase: 1\n",
        "signatures:\n  - {by: ana, date: 2025-07-01, digest: 'sha256:old'}\n"
        "# kept: a comment before the next key\nphase: 1  # still phase one\n",
    )
    crlf = ("\ufeff" + text).replace("\n", "\r\n").encode()
    path.write_bytes(crlf)

    _sign(journal, "ana")

    data = path.read_bytes()
    assert b"\n" not in data.replace(b"\r\n", b"")  # CRLF everywhere, no bare LF
    assert data.startswith(b"\xef\xbb\xbf---\r\n")
    before, _, after = crlf.partition(b"signatures:")
    assert data.startswith(before)
    tail = after.partition(b"# kept")[2]
    assert data.endswith(b"# kept" + tail)
    assert b"sha256:old" not in data
    assert _signatures(journal)["valid"] == ["ana"]


def test_others_may_sign_and_strangers_may_not(journal: Path) -> None:
    path = journal / "agreement.md"
    original = path.read_bytes()
    result = mj("sign", "--as", "zed", cwd=journal)
    assert result.exit_code == 1
    assert "ben (mentor), ana (mentee), carla (manager)" in result.output
    assert path.read_bytes() == original
    _sign(journal, "carla")
    assert "carla" in _signatures(journal)["valid"]


def test_signing_twice_the_same_day_changes_nothing(journal: Path) -> None:
    _sign(journal, "ana")
    path = journal / "agreement.md"
    stat = path.stat()
    assert "already signed" in _sign(journal, "ana")
    assert path.stat().st_mtime_ns == stat.st_mtime_ns


def test_an_unreadable_agreement_is_refused(journal: Path) -> None:
    path = journal / "agreement.md"
    path.write_text("---\nmentor: [unclosed\n---\n")
    result = mj("sign", "--as", "ana", cwd=journal)
    assert result.exit_code == 1
    assert "mj validate" in result.output
    assert path.read_text() == "---\nmentor: [unclosed\n---\n"
