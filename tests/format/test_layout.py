"""Path rules: editor files are never journal files; unreadable notes are findings."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from conftest import mj

from mentorjournal.format.layout import is_editor_temp, list_journal, write_refusal

EDITOR_FILES = [".#2025-07-18.md", "#2025-07-18.md#", ".2025-07-18.md.swp"]
EDITOR_FILES += [".2025-07-18.md.swo", "2025-07-18.md~", "4913"]


@pytest.mark.parametrize("name", EDITOR_FILES)
def test_editor_files_are_recognised(name: str) -> None:
    assert is_editor_temp(name)


@pytest.mark.parametrize("name", ["2025-07-18.md", "portfolio.md", ".gitkeep", "a#b.md"])
def test_notes_are_not_editor_files(name: str) -> None:
    assert not is_editor_temp(name)


def test_editor_files_are_not_read_and_not_blamed(journal: Path) -> None:
    """Emacs keeps a lock symlink `.#name.md` (pointing at user@host.pid) while a note
    is being edited: validating then must not fail."""
    (journal / "sessions" / ".#2025-07-18.md").symlink_to("ana@laptop.4242:1700000000")
    (journal / "sessions" / "#2025-07-18.md#").write_text("autosave\n")
    assert ".#2025-07-18.md" not in " ".join(list_journal(str(journal)).paths)
    result = mj("validate", "--json", cwd=journal)
    assert (result.exit_code, json.loads(result.stdout)["findings"]) == (0, [])


def unreadable(journal: Path, how: str) -> str:
    """A session file that cannot be read, made ``how``; its journal-relative path."""
    note = journal / "sessions" / "2025-07-30.md"
    if how == "folder":
        note.mkdir()
        (note / "inside.md").write_text("---\ndate: x\n---\n")
    elif how == "broken-symlink":
        note.symlink_to("2025-07-31.md")
    elif how == "pipe":
        os.mkfifo(note)
    else:
        note.write_text("---\ndate: 2025-07-30\nattendees: [ana]\n---\n")
        note.chmod(0)
        try:
            note.read_bytes()
        except PermissionError:
            pass
        else:
            pytest.skip("this user (root?) reads files without permission")
    return "sessions/2025-07-30.md"


@pytest.mark.parametrize("how", ["folder", "broken-symlink", "pipe", "no-permission"])
def test_an_unreadable_note_is_a_finding(journal: Path, how: str) -> None:
    path = unreadable(journal, how)
    result = mj("validate", "--json", cwd=journal)
    found = json.loads(result.stdout)["findings"]
    assert result.exit_code == 1
    assert [(f["path"], f["line"], f["code"]) for f in found] == [(path, 1, "unreadable")]
    assert "cannot be read" in found[0]["message"]
    for command in (["status"], ["summary"], ["validate"]):
        result = mj(*command, cwd=journal)
        assert result.exit_code in (0, 1) and "Traceback" not in result.output, command


def test_writes_stay_inside_the_journal(tmp_path: Path) -> None:
    root = tmp_path / "journal"
    (root / "sessions").mkdir(parents=True)
    (root / "goals").symlink_to(tmp_path)
    assert write_refusal(str(root), str(root / "sessions" / "new" / "x.md")) is None
    assert "outside the journal" in (write_refusal(str(root), str(tmp_path / "x.md")) or "")
    assert "outside the journal" in (write_refusal(str(root), str(root / ".." / "x.md")) or "")
    assert "goals is a symlink" in (write_refusal(str(root), str(root / "goals" / "x.md")) or "")
