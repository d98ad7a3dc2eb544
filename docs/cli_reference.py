"""Write docs/cli.md from `mj --help` output, so the reference can never drift.

python docs/cli_reference.py          # rewrite docs/cli.md
python docs/cli_reference.py --check  # exit 1 if docs/cli.md is out of date
"""

from __future__ import annotations

import sys
from pathlib import Path

import click
from click.testing import CliRunner

from mentorjournal.cli import main

TARGET = Path(__file__).parent / "cli.md"


def commands(group: click.Group, prefix: list[str]) -> list[list[str]]:
    found = [prefix]
    context = click.Context(group)
    for name in group.list_commands(context):
        command = group.get_command(context, name)
        if command is None or command.hidden:
            continue
        if isinstance(command, click.Group):
            found.extend(commands(command, [*prefix, name]))
        else:
            found.append([*prefix, name])
    return found


def reference() -> str:
    runner = CliRunner()
    parts = [
        "# CLI reference\n",
        "Generated from `mj --help` by `python docs/cli_reference.py`; "
        "a test fails when it drifts.\n",
    ]
    for path in commands(main, []):
        result = runner.invoke(main, [*path, "--help"], terminal_width=88)
        title = " ".join(["mj", *path])
        parts.append(f"## `{title}`\n\n```text\n{result.output.rstrip()}\n```\n")
    return "\n".join(parts)


if __name__ == "__main__":
    text = reference()
    if "--check" in sys.argv:
        if not TARGET.exists() or TARGET.read_text(encoding="utf-8") != text:
            print("docs/cli.md is out of date: run python docs/cli_reference.py")
            sys.exit(1)
    else:
        TARGET.write_text(text, encoding="utf-8")
