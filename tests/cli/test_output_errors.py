"""Output that cannot be written (a full disk) is a refusal, never a traceback; an ASCII
locale does not garble UTF-8 names and arguments."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import mj

TODAY = "2026-11-21"


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full")
@pytest.mark.parametrize("no_cache", ["", "1"])
def test_a_full_disk_on_stdout_is_no_traceback(sample_repo: Path, no_cache: str) -> None:
    """stdout on a full disk (`mj status > /dev/full`): one line that says so and exit
    1, on the fast path and through click alike, never a traceback."""
    env = {**os.environ, "MJ_TODAY": TODAY, "MJ_NO_CACHE": no_cache}
    for _ in range(2):  # the first run writes the snapshot, the second answers from it
        with Path("/dev/full").open("w") as full:
            done = subprocess.run(
                [sys.executable, "-m", "mentorjournal", "-C", str(sample_repo), "status"],
                stdout=full,
                stderr=subprocess.PIPE,
                env=env,
                timeout=60,
                check=False,
            )
        assert b"Traceback" not in done.stderr, done.stderr.decode()[-400:]
        assert done.returncode == 1
        assert b"the output could not be written: No space left on device" in done.stderr


def test_a_directory_option_that_is_no_folder_is_refused(tmp_path: Path) -> None:
    for args in (["status"], ["sync"], ["commit"]):
        result = mj("-C", str(tmp_path / "nowhere"), *args)
        assert result.exit_code == 2
        assert f"Invalid value for -C: {tmp_path / 'nowhere'} is not a directory" in result.output


def test_an_ascii_locale_still_reads_names_and_arguments_as_utf8(sample_repo: Path) -> None:
    """LC_ALL=C with UTF-8 mode turned off has Python read file names and arguments as
    ASCII: mj runs itself again in UTF-8 mode, so a note's name and an item's text mean
    what they say (it gave a traceback in mj commit, and `mj done` found no item)."""
    (sample_repo / "sessions" / "2026-11-20.md").write_text(
        "---\ndate: 2026-11-20\nattendees: [ben, ana]\n---\n- [ ] @ana relire le résumé\n",
        encoding="utf-8",
    )
    named = sample_repo / "sessions" / "2026-11-21-café.md"  # not a valid name: an error
    named.write_text("---\ndate: 2026-11-21\nattendees: [ben, ana]\n---\n", encoding="utf-8")
    env = {**os.environ, "LC_ALL": "C", "LANG": "C", "PYTHONUTF8": "0", "MJ_TODAY": TODAY}
    env.pop("PYTHONIOENCODING", None)

    def run(*args: str) -> subprocess.CompletedProcess[bytes]:
        command = [sys.executable, "-m", "mentorjournal", "-C", str(sample_repo), *args]
        done = subprocess.run(command, capture_output=True, env=env, timeout=60, check=False)
        assert b"Traceback" not in done.stderr, done.stderr.decode()[-400:]
        return done

    committed = run("commit")
    assert committed.returncode == 1
    assert "sessions/2026-11-21-café.md:1:1: error[invalid-file-name]".encode() in committed.stdout
    named.unlink()
    listed = json.loads(run("status", "--json").stdout)
    assert [i["text"] for i in listed["open"] if i["path"] == "sessions/2026-11-20.md"] == [
        "relire le résumé"
    ]
    closed = run("done", "relire le résumé")
    assert closed.returncode == 0, closed.stderr.decode()
    assert "- [x] @ana relire le résumé" in (sample_repo / "sessions" / "2026-11-20.md").read_text(
        encoding="utf-8"
    )
