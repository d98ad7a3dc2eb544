"""Output that cannot be written (a full disk) is a refusal, never a traceback."""

from __future__ import annotations

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
