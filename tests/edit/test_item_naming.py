"""`mj done NAME` names the item the whole journal names, whether the status snapshot
answers or not (found by the adversarial trial of session 8: the snapshot looked among
open items only, with their goal links dropped)."""

from __future__ import annotations

import io
import shutil
from pathlib import Path

import pytest
from conftest import mj
from gitutil import git

from mentorjournal.cli import fastpath

TODAY = "2026-11-21"


def _fast(root: Path, *args: str) -> tuple[int | None, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = fastpath.run(["-C", str(root), *args], out, err)
    return code, out.getvalue(), err.getvalue()


def _twins(sample_repo: Path, tmp_path: Path, lines: str) -> Path:
    """``lines`` appended to a session of the sample and committed; a snapshot built;
    the twin copy (to be run under MJ_NO_CACHE) returned."""
    note = sample_repo / "sessions" / "2026-11-19.md"
    if not note.exists():
        note = sorted((sample_repo / "sessions").glob("*.md"))[-1]
    note.write_text(note.read_text(encoding="utf-8") + lines, encoding="utf-8")
    git(sample_repo, "add", "-A")
    git(sample_repo, "-c", "core.hooksPath=/dev/null", "commit", "-q", "-m", "items")
    assert mj("status", "--today", TODAY, cwd=sample_repo).exit_code == 0  # the snapshot
    twin = tmp_path / "twin"
    shutil.copytree(sample_repo, twin, symlinks=True)
    return twin


@pytest.mark.parametrize(
    ("lines", "wanted"),
    [
        # The exact text of a done item, and an open item whose text contains it.
        (
            "\n- [x] @ana Write intro done:2026-11-01\n- [ ] @ana Write intro for chapter\n",
            "write intro",
        ),
        # The whole explicit id of a done item, which is a prefix of an open item's id.
        ("\n- [x] @ana One [id:: beef1] done:2026-11-01\n- [ ] @ana Two [id:: beef12]\n", "beef1"),
        # Text that equals an open item's text only once its goal link is dropped (as
        # status shows it): the whole journal finds it in two items, and refuses.
        ("\n- [ ] @ana Plan zq #portfolio\n- [ ] @ana Plan zq the talk\n", "plan zq"),
    ],
)
@pytest.mark.parametrize("command", ["done", "cancel"])
def test_item_named_as_without_the_snapshot(
    sample_repo: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    lines: str,
    wanted: str,
    command: str,
) -> None:
    """`mj done NAME` names the item the whole journal names: with the snapshot it looks
    among the open items only, and ticks another item than the one named (which is
    done: without the snapshot mj refuses, "already done")."""
    twin = _twins(sample_repo, tmp_path, lines)
    code, out, err = _fast(sample_repo, command, wanted, "--today", TODAY)
    monkeypatch.setenv("MJ_NO_CACHE", "1")
    plain = mj(command, wanted, "--today", TODAY, cwd=twin)
    assert (code, out) == (plain.exit_code, plain.stdout), (out, err, plain.stderr)
