"""The documentation stays true: CLI reference, README commands, CI script."""

from __future__ import annotations

import importlib.util
import re
import shlex
from pathlib import Path

import click
import pytest
from click.testing import CliRunner
from conftest import ROOT, mj
from gitutil import MENTOR, configure, fill_template
from sshutil import make_key

from mentorjournal.cli.app import main


def _load_generator() -> object:
    spec = importlib.util.spec_from_file_location(
        "cli_reference", ROOT / "docs" / "cli_reference.py"
    )
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_cli_reference_is_up_to_date() -> None:
    generator = _load_generator()
    expected = generator.reference()  # type: ignore[attr-defined]
    actual = (ROOT / "docs" / "cli.md").read_text(encoding="utf-8")
    assert actual == expected, "docs/cli.md drifted: run python docs/cli_reference.py"


def test_help_module_matches_click() -> None:
    generator = _load_generator()
    expected = generator.help_module()  # type: ignore[attr-defined]
    actual = (ROOT / "mentorjournal" / "cli" / "_help.py").read_text(encoding="utf-8")
    assert actual == expected, (
        "mentorjournal/cli/_help.py drifted: run python docs/cli_reference.py"
    )


def test_every_command_has_help() -> None:
    generator = _load_generator()
    for path in generator.commands(main, []):  # type: ignore[attr-defined]
        command: click.Command = main
        for name in path:
            assert isinstance(command, click.Group)
            found = command.get_command(click.Context(command), name)
            assert found is not None
            command = found
        assert command.help, f"mj {' '.join(path)} has no help text"


def test_command_lists_are_not_cut_short() -> None:
    """Every listing of commands (`mj --help`, `mj new --help`, `mj hook --help`) shows
    each one's whole line at 80 columns: click ends a longer one with "..."."""
    generator = _load_generator()
    for path in generator.commands(main, []):  # type: ignore[attr-defined]
        said = CliRunner().invoke(main, [*path, "--help"], terminal_width=78).output
        listed = said.partition("\nCommands:\n")[2]
        assert "..." not in listed, f"mj {' '.join(path)} --help cuts a line short:\n{listed}"


def test_readme_starts_with_the_two_commands_and_ci_runs_the_test_one() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```(?:sh|bash|console)?\n(.*?)```", readme, re.S)
    run_command, test_command = blocks[0].strip(), blocks[1].strip()
    assert "sample-journal" in run_command and "mj" in run_command
    assert "pytest" in test_command
    assert test_command in (ROOT / ".ci" / "run").read_text(encoding="utf-8")


def _block(text: str, opening: str) -> str:
    """The body of the first fenced block in ``text`` that opens with ``opening`` (its
    fence line, and perhaps the start of its body)."""
    start = text.index("\n", text.index(opening)) + 1
    return text[start : text.index("```", start)]


def test_the_walkthrough_prints_what_it_shows(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """docs/walkthrough.md, replayed on its own days: init, the goal, the kickoff with the
    items it shows, both keys and signatures; then section 5's `mj status` must print
    exactly what the page says it prints (a newcomer found it had drifted)."""
    page = (ROOT / "docs" / "walkthrough.md").read_text(encoding="utf-8")

    def ok(*args: str, cwd: Path) -> str:
        result = mj(*args, cwd=cwd)
        assert result.exit_code == 0, result.output
        return result.output

    monkeypatch.setenv("MJ_TODAY", "2026-01-12")
    names = ("--mentor-name", "Ben Okafor", "--mentee-name", "Ana Lima")
    ok("init", "our-mentorship", "--mentor", "ben", "--mentee", "ana", *names, cwd=tmp_path)
    root = tmp_path / "our-mentorship"
    configure(root, MENTOR)
    goal = _block(page, "```sh\nmj new goal portfolio").replace("\\\n", " ")
    ok(*shlex.split(goal)[1:], cwd=root)
    ok("new", "session", "--kind", "kickoff", cwd=root)
    with (root / "sessions" / "2026-01-12.md").open("a", encoding="utf-8") as note:
        note.write("\n" + _block(page, "```markdown"))
    fill_template(root)
    for person in ("ana", "ben"):
        key = make_key(tmp_path / "keys", person)
        ok("key", "--as", person, "--file", f"{key}.pub", "--yes", cwd=root)
    for person in ("ana", "ben"):
        ok("sign", "--as", person, "--key", str(tmp_path / "keys" / person), cwd=root)

    monkeypatch.setenv("MJ_TODAY", "2026-01-20")
    shown = _block(page, "```text\n$ mj status").removeprefix("$ mj status\n")
    assert ok("status", cwd=root) == shown
