"""Is this clone set up for mj (its pre-commit hook, its merge driver)? Asked after
every command that writes, so it reads files only: no git process, no heavy import.

A clone made with plain `git clone` has neither; one line then says how to fix it.
"""

from __future__ import annotations

import os

from mentorjournal.index import gitstate

TYPE_CHECKING = False  # not typing.TYPE_CHECKING: this runs on the fast path
if TYPE_CHECKING:
    from pathlib import Path

# The line that makes a hook mj's; never change it, or older installs become "foreign".
MARKER = "# mj-hook: installed by mentorjournal (mj hook install)"
DRIVER_SECTION = '[merge "mentorjournal"]'
# How an older mj's hook and merge driver started it (``hook.ENTRY`` says why no
# longer): `mj hook install` writes both afresh.
_UNSAFE_HOOK = "-m mentorjournal hook-run"
_UNSAFE_DRIVER = "-m mentorjournal merge-driver"


def _text(path: str) -> str:
    try:
        with open(path, encoding="utf-8", errors="replace") as handle:
            return handle.read(1 << 20)
    except OSError:
        return ""


def _global_configs() -> list[str]:
    home = os.path.expanduser("~")
    xdg = os.environ.get("XDG_CONFIG_HOME") or os.path.join(home, ".config")
    if explicit := os.environ.get("GIT_CONFIG_GLOBAL"):
        return [explicit]
    return [os.path.join(home, ".gitconfig"), os.path.join(xdg, "git", "config")]


def missing_setup(root: Path) -> str | None:
    """One line for a clone that lacks mj's hook or merge driver, saying how to fix it;
    None when set up, when hooks live elsewhere (core.hooksPath), or outside git."""
    location = gitstate.git_location(str(root))
    if location is None:
        return None
    common = location[0]
    configs = [_text(os.path.join(common, "config")), *map(_text, _global_configs())]
    if any("hookspath" in text.lower() for text in configs):
        return None  # the hooks are the user's arrangement: `mj hook install` says more
    lacking = []
    hooks = [
        _text(os.path.join(common, "hooks", name)) for name in ("pre-commit", "pre-commit.legacy")
    ]
    mine = [text for text in hooks if MARKER in text.splitlines()]  # mj's carries its marker
    if not mine:
        lacking.append("pre-commit hook")
    if not any(DRIVER_SECTION in text for text in configs):
        lacking.append("merge driver")
    if not lacking:
        # The driver git runs: this clone's, else the user's (configs in that order).
        driver = next(text for text in configs if DRIVER_SECTION in text)
        if any(_UNSAFE_HOOK in text for text in mine) or _UNSAFE_DRIVER in driver:
            return (
                "note: this clone's mj hook or merge driver is an older mj's, which let a "
                "file in the journal's folder (a yaml.py) stand in for a library: run "
                "`mj hook install` again"
            )
        return None
    return (
        f"note: this clone has no mj {' and no '.join(lacking)}: run `mj hook install` once "
        "so that commits are checked and both people's edits merge"
    )
