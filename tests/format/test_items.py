"""Action item extraction, driven by fixture files: tests/data/items/<case>.md -> .json."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import DATA

from mentorjournal.format.document import parse_document
from mentorjournal.format.items import extract_items

CASES = sorted((DATA / "items").glob("*.md"))


@pytest.mark.parametrize("case", CASES, ids=[case.stem for case in CASES])
def test_items_match_fixture(case: Path) -> None:
    doc = parse_document("sessions/2025-07-18.md", case.read_bytes())
    got = [
        {
            "line": item.line,
            "state": item.state,
            "text": item.text,
            "owners": list(item.owners),
            "due": item.due,
            "done": item.done,
            "hashtags": list(item.hashtags),
            "depth": item.depth,
        }
        for item in doc.items
    ]
    assert got == json.loads(case.with_suffix(".json").read_text(encoding="utf-8"))


def test_crlf_gives_the_same_items_and_ids_as_lf() -> None:
    lf = parse_document("sessions/a.md", (DATA / "items" / "syntaxes.md").read_bytes())
    crlf = parse_document("sessions/a.md", (DATA / "items" / "syntaxes-crlf.md").read_bytes())
    assert [(i.id, i.line, i.text) for i in lf.items] == [
        (i.id, i.line, i.text) for i in crlf.items
    ]


def _ids(body: str) -> list[str]:
    items, _ = extract_items("sessions/x.md", body, 1, body.split("\n"))
    return [item.id for item in items]


def test_id_is_stable_when_ticked_redated_or_moved() -> None:
    before = _ids("- [ ] @ana Draft case study due:2025-08-01\n- [ ] @ben Other\n")
    ticked = _ids("- [x] @ana Draft case study due:2025-08-03 done:2025-08-02\n- [ ] @ben Other\n")
    moved = _ids("- [ ] @ben Other\n\ntext\n\n- [ ] @ana Draft case study 📅 2025-09-01\n")
    assert before[0] == ticked[0] == moved[1]
    assert len(before[0]) == 6 and all(c in "0123456789abcdef" for c in before[0])


def test_identical_items_in_one_file_get_different_ids() -> None:
    ids = _ids("- [ ] @ana Read a chapter\n- [ ] @ana Read a chapter\n")
    assert len(set(ids)) == 2


def test_explicit_ids_are_kept() -> None:
    body = "- [ ] @ana Obsidian id 🆔 abc123ef\n- [ ] @ana Dataview id [id:: 00ff00]\n"
    items, _ = extract_items("sessions/x.md", body, 1, body.split("\n"))
    assert [(i.id, i.explicit_id, i.text) for i in items] == [
        ("abc123ef", True, "Obsidian id"),
        ("00ff00", True, "Dataview id"),
    ]


def test_impossible_and_malformed_dates_are_errors_at_the_line() -> None:
    body = "text\n\n- [ ] @ana A due:2025-02-30\n- [ ] @ana B due:tomorrow\n"
    items, findings = extract_items("sessions/x.md", body, 5, body.split("\n"))
    assert [(f.line, f.code) for f in findings] == [(7, "invalid-date"), (8, "invalid-date")]
    assert "not a real date" in findings[0].message
    assert items[0].due is None


def test_pathological_inline_input_is_fast() -> None:
    import time

    body = "- [ ] @ana " + "*" * 100_000 + "\n<!--\n" + "- [ ] @ana hidden\n" * 1000
    start = time.perf_counter()
    items, _ = extract_items("sessions/x.md", body, 1, body.split("\n"))
    assert time.perf_counter() - start < 1.0
    assert len(items) == 1  # everything after the unclosed comment is an HTML block
