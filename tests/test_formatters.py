"""What the guide says of Markdown formatters on a journal ("Formatters"), checked with
the real tools. They are not mj's dependencies: each test runs when its tool is on
PATH (`npm install prettier`, `pip install mdformat mdformat-frontmatter`) and is
skipped otherwise. Checked with prettier 3.10.1 and mdformat 1.0.0 (mdformat-frontmatter
2.2.0)."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from conftest import DATA, mj

NOTE = """\
---
date: 2025-07-18
attendees: [ana, ben]
---
## Notes

* [ ] @ana Draft the *intro* section of the long case study for the portfolio site with the design lead [due:: 2025-08-01] #portfolio
* [ ] @ben Send Ana the reviewers she could ask for feedback 📅 2025-08-03
"""  # noqa: E501 (long lines are the point: a wrapping formatter must break them)


def formatted(tmp_path: Path, *command: str) -> tuple[Path, Any]:
    """A journal holding NOTE after ``command`` ran on it, and `mj status` before."""
    tool = shutil.which(command[0])
    if tool is None:
        pytest.skip(f"{command[0]} is not installed")
    root = tmp_path / "journal"
    shutil.copytree(DATA / "base-journal", root)
    (root / "sessions" / "2025-07-18.md").write_text(NOTE)
    before = json.loads(mj("status", "--json", "--today", "2025-07-20", cwd=root).stdout)
    subprocess.run([tool, *command[1:]], cwd=root, check=True, capture_output=True, timeout=120)
    return root, before


def status(root: Path) -> Any:
    return json.loads(mj("status", "--json", "--today", "2025-07-20", cwd=root).stdout)


def unplaced(items: Any) -> list[dict[str, Any]]:
    """Open items without their line numbers (a formatter adds blank lines)."""
    return [{k: v for k, v in item.items() if k != "line"} for item in items]


def test_prettier_rewrites_emphasis_and_keeps_the_rest(tmp_path: Path) -> None:
    root, before = formatted(tmp_path, "prettier", "--write", "**/*.md")
    note = (root / "sessions" / "2025-07-18.md").read_text()
    assert "Draft the _intro_ section" in note  # *intro* -> _intro_, no setting to keep it
    assert mj("validate", cwd=root).exit_code == 0
    after = status(root)
    fields = ["owner", "due", "goals", "path"]  # a blank line after the front matter moves lines
    assert [[i[f] for f in fields] for i in after["open"]] == [
        [i[f] for f in fields] for i in before["open"]
    ]


def _mdformat_plugins() -> str:
    tool = shutil.which("mdformat")
    if tool is None:
        pytest.skip("mdformat is not installed")
    return subprocess.run([tool, "--version"], capture_output=True, text=True, check=True).stdout


def test_mdformat_needs_its_front_matter_plugin(tmp_path: Path) -> None:
    with_plugin = "mdformat_frontmatter" in _mdformat_plugins()
    root, before = formatted(tmp_path, "mdformat", ".")
    if with_plugin:  # the keep-wrapping default: every item as it was
        assert unplaced(status(root)["open"]) == unplaced(before["open"])
        assert mj("validate", cwd=root).exit_code == 0
    else:  # front matter becomes a rule and a heading: no file is a journal file any more
        codes = {
            f["code"] for f in json.loads(mj("validate", "--json", cwd=root).stdout)["findings"]
        }
        assert "no-front-matter" in codes


def test_mdformat_wrap_breaks_dataview_fields(tmp_path: Path) -> None:
    if "mdformat_frontmatter" not in _mdformat_plugins():
        pytest.skip("mdformat-frontmatter is not installed")
    root, _ = formatted(tmp_path, "mdformat", "--wrap", "60", ".")
    note = (root / "sessions" / "2025-07-18.md").read_text()
    assert "\\[due::\n" in note  # split over two lines, its bracket escaped
    result = json.loads(mj("validate", "--json", cwd=root).stdout)
    assert [f["code"] for f in result["findings"]] == ["invalid-date"]
