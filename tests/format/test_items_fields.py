"""Item fields in every dialect, driven by fixture files: tests/data/fields/read.json (a
line in, its text and fields out) and write.json (a line in, the line after `mj done`,
`cancel`, `reopen` and `due` out)."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from conftest import DATA

from mentorjournal.edit.actions import edit_line
from mentorjournal.format.fields import item_fields, trailing_fields
from mentorjournal.format.items import extract_items
from mentorjournal.model import ActionItem

READ = json.loads((DATA / "fields" / "read.json").read_text("utf-8"))
WRITE = json.loads((DATA / "fields" / "write.json").read_text("utf-8"))
DAY, DUE = dt.date(2025, 8, 5), dt.date(2025, 9, 1)
DAYS = {"done": DAY, "cancel": DAY, "reopen": None, "due": DUE}


def parse(line: str) -> tuple[ActionItem, list[str]]:
    items, findings = extract_items("sessions/x.md", line + "\n", 1, [line])
    assert len(items) == 1, line
    return items[0], [finding.message for finding in findings]


def after_checkbox(line: str) -> str:
    return line.split("] ", 1)[1]


@pytest.mark.parametrize("case", READ, ids=[c["line"][6:40] for c in READ])
def test_a_line_gives_its_text_and_fields(case: dict[str, Any]) -> None:
    item, findings = parse(case["line"])
    assert item.text == case["text"]
    assert list(item.owners) == case["owners"]
    assert (item.due, item.done) == (case["due"], case["done"])
    assert (item.id if item.explicit_id else None) == case["id"]
    fields = item_fields(after_checkbox(case["line"]))
    assert [[name, value, kind] for name, value, kind, *_ in fields] == case["fields"]
    assert findings == case["findings"]


CHANGES = [(case, command) for case in WRITE for command in DAYS if command in case]


@pytest.mark.parametrize(
    ("case", "command"), CHANGES, ids=[f"{c['line'][6:36]}-{cmd}" for c, cmd in CHANGES]
)
def test_a_line_after_each_command(case: dict[str, Any], command: str) -> None:
    item, _ = parse(case["line"])
    after = edit_line(case["line"], command, DAYS[command], item)
    assert after == case[command]
    changed, _ = parse(after)
    assert changed.key == item.key  # the same item, with the same id
    # Obsidian Tasks still reads every field it read from the end of the line.
    read_before = {f[0] for f in trailing_fields(after_checkbox(case["line"]))}
    read_after = {f[0] for f in trailing_fields(after_checkbox(after))}
    assert read_before - {"done", "cancelled"} <= read_after
    if command == "done" and item.done is None:
        assert changed.done == DAY.isoformat()
        emoji = any(f[2] == "emoji" for f in item_fields(after_checkbox(case["line"])))
        assert "done" in read_after or not emoji
    if command == "due":
        assert changed.due == DUE.isoformat()


@pytest.mark.parametrize("case", [c for c in WRITE if "done" in c], ids=lambda c: c["line"][6:36])
def test_done_or_cancel_then_reopen_gives_the_line_back(case: dict[str, Any]) -> None:
    item, _ = parse(case["line"])
    for command in ("done", "cancel"):
        closed = edit_line(case["line"], command, DAY, item)
        reopened = edit_line(closed, "reopen", None, parse(closed)[0])
        assert reopened == case["line"].replace("[/]", "[ ]")


def ids(*lines: str) -> list[str]:
    body = "".join(line + "\n" for line in lines)
    items, _ = extract_items("sessions/x.md", body, 1, body.split("\n"))
    return [item.id for item in items]


def test_ids_stay_under_priority_recurrence_dates_and_emphasis_style() -> None:
    variants = [
        "- [ ] @ana Draft *the* __case__ study",
        "- [ ] @ana Draft _the_ **case** study ⏫",
        "- [x] @ana Draft *the* **case** study 🔽 🔁 every week ➕ 2025-07-01 ✅ 2025-08-02",
        "- [/] @ana Draft _the_ __case__ study [priority:: high] (due:: 2025-09-01) ^b1",
        "- [-] @ana Draft *the* __case__ study 🛫 2025-07-02 ⏳ 2025-07-03 ❌ 2025-08-01",
    ]
    assert len({ids(line)[0] for line in variants}) == 1
    # Two items alike but for emphasis style are still two items.
    assert len(set(ids(variants[0], variants[1]))) == 2


def test_in_progress_is_open_and_other_statuses_are_not_items() -> None:
    body = "- [/] @ana Started\n- [>] @ana Forwarded\n- [?] @ana Question\n"
    items, _ = extract_items("sessions/x.md", body, 1, body.split("\n"))
    assert [(i.text, i.state) for i in items] == [("Started", "open")]


def test_impossible_dates_of_any_field_are_errors_and_words_after_a_sign_are_text() -> None:
    line = "- [ ] @ana Plan ❌ 2025-02-30 🛫 2025-13-01 ➕ soon [created:: 2025-02-31]"
    item, findings = parse(line)
    assert findings == [
        "cancelled date '2025-02-30' is not a real date",
        "start date '2025-13-01' is not a real date",
        "created date '2025-02-31' is not a real date",
    ]
    assert item.text == "Plan ➕ soon"
    _, findings = parse("- [ ] @ana Plan 📆 next-week (due:: friday)")
    assert findings == [
        "due date 'next-week' is not a date YYYY-MM-DD",
        "due date 'friday' is not a date YYYY-MM-DD",
    ]
