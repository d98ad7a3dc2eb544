"""An unsaved buffer's findings are `mj validate`'s for that file once it is saved:
every file of the sample journal, edited to break each kind of rule, own and
cross-file (people, goals, ids used twice, the agreement's own rules)."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import SAMPLE

from mentorjournal.checks.validate import validate
from mentorjournal.index.store import load_cached
from mentorjournal.lsp.buffer import buffer_findings, journal_path, open_buffer

EDITS: dict[str, Callable[[str], str]] = {
    "as saved": lambda text: text,
    "an unknown person": lambda text: text.replace("@ana", "@anna", 1).replace("- ana", "- bob"),
    "an unknown goal": lambda text: text.replace("portfolio", "portfolioo"),
    "a private goal": lambda text: text.replace("portfolio", "side-plan"),
    "an id used twice": lambda text: text + "\n- [ ] @ana A 🆔 abc123\n- [ ] @ben B 🆔 abc123\n",
    "broken front matter": lambda text: text.replace(":", "", 1),
    "typo, bad date": lambda text: text.replace("---\n", "---\natendees: 2025-02-30\n", 1),
    "dates out of order": lambda text: text.replace("review: ", "review: 1999-01-01\nold: "),
}  # fmt: skip


@pytest.mark.parametrize("edit", list(EDITS))
def test_buffer_findings_are_what_validate_reports(tmp_path: Path, edit: str) -> None:
    root = tmp_path / "journal"
    shutil.copytree(SAMPLE, root)
    # A goal of one person's: a shared note naming it names what the other never gets.
    (root / "private" / "goals").mkdir(parents=True)
    shutil.copy(root / "goals" / "portfolio.md", root / "private" / "goals" / "side-plan.md")
    paths = ["agreement.md", *(f"{d}/{p.name}" for d in ("goals", "sessions")
                               for p in sorted((root / d).iterdir()))]  # fmt: skip
    on_disk = load_cached(root)
    compared = 0
    for path in paths:
        text = EDITS[edit]((root / path).read_text(encoding="utf-8"))
        buffer = open_buffer(path, text, on_disk)
        assert buffer is not None
        live = buffer_findings(buffer)
        saved = root / path
        before = saved.read_bytes()
        saved.write_text(text, encoding="utf-8")
        try:
            expected = validate(load_cached(root), only=[path])
        finally:
            saved.write_bytes(before)
        assert live == expected, path
        compared += len(expected)
    assert compared > 0 or edit == "as saved"


def test_which_files_are_journal_files(tmp_path: Path) -> None:
    root = tmp_path / "journal"
    shutil.copytree(SAMPLE, root)
    (root / "node_modules" / "x").mkdir(parents=True)
    real = str(root.resolve())
    assert journal_path(str(root / "sessions" / "2026-05-11.md")) == (
        real,
        "sessions/2026-05-11.md",
    )
    assert journal_path(str(root / "sessions" / "2027-01-01-new.md")) == (
        real,
        "sessions/2027-01-01-new.md",
    )  # not saved yet
    assert journal_path(str(root / "node_modules" / "x" / "a.md")) is None
    assert journal_path(str(root / "agreement.txt")) is None
    assert journal_path(str(tmp_path / "elsewhere.md")) is None
    on_disk = load_cached(root)
    assert open_buffer("README.md", (root / "README.md").read_text(), on_disk) is None
