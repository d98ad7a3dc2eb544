"""The git pre-commit hook: install, uninstall, and which journals a commit touches.

The installed script is POSIX sh and runs `mj validate --staged` (as the hidden
`hook-run` command) through the Python that installed it, so it works from a GUI
client or with the virtual environment inactive. It is recognised by a marker
line; a hook that was already there (not ours) is kept as `pre-commit.legacy`,
run first, and restored by `uninstall`.
"""

from __future__ import annotations

import os
import shlex
import sys
import tempfile
from pathlib import Path

from mentorjournal.errors import MjError
from mentorjournal.git import gitrepo

__all__ = ["MARKER", "hook_run_targets", "install", "is_ours", "render_script", "uninstall"]

HOOK_NAME = "pre-commit"
LEGACY_SUFFIX = ".legacy"
# The line that makes a hook ours; never change it, or older installs become "foreign".
MARKER = "# mj-hook: installed by mentorjournal (mj hook install)"

_SCRIPT = """\
#!/bin/sh
{marker}
# Checks what is about to be committed with `mj validate --staged`.
# Remove with `mj hook uninstall`; a hook that was here before is kept as
# pre-commit.legacy, runs first, and is put back on uninstall.
MJ_PYTHON={python}

legacy="$(dirname -- "$0")/pre-commit.legacy"
if [ -x "$legacy" ]; then
    "$legacy" "$@" || exit $?
fi

if [ -x "$MJ_PYTHON" ]; then
    exec "$MJ_PYTHON" -m mentorjournal hook-run "$@"
fi
if command -v mj >/dev/null 2>&1; then
    echo "mj hook: $MJ_PYTHON is gone; using mj from PATH." \\
        "Run 'mj hook install' to make this permanent." >&2
    exec mj hook-run "$@"
fi
echo "mj hook: cannot check this commit: $MJ_PYTHON is gone and mj is not on PATH." >&2
echo "mj hook: reinstall mentorjournal and run 'mj hook install'," \\
    "or skip the check once with 'git commit --no-verify'." >&2
exit 1
"""


def render_script(python: str) -> str:
    """The hook script that runs mj through `python`."""
    return _SCRIPT.format(marker=MARKER, python=shlex.quote(python))


def is_ours(path: Path) -> bool:
    """True if `path` is a hook mj installed (it carries the marker line)."""
    try:
        with path.open("rb") as handle:
            head = handle.read(4096)
    except OSError:
        return False
    return MARKER.encode() in head.splitlines()


def _toplevel(repo_root: Path) -> Path:
    top = gitrepo.repo_toplevel(repo_root)
    if top is None:
        raise MjError(
            f"{repo_root} is not inside a git repository: run `git init` (or `mj init`) first"
        )
    return top


def _write_executable(path: Path, content: bytes) -> None:
    """Replace `path` atomically with `content`, mode 0755."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(content)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temp, 0o755)
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


def install(repo_root: Path, *, force_hooks_path: bool = False, python: str | None = None) -> Path:
    """Install mj's pre-commit hook and return its path; reinstalling changes nothing.

    `python` is the interpreter the hook runs (default: the one running now).
    """
    top = _toplevel(repo_root)
    hooks_path = gitrepo.core_hooks_path(top)
    if hooks_path and not force_hooks_path:
        raise MjError(
            f"core.hooksPath is set to {hooks_path!r}, so git runs hooks from there and "
            "another tool probably manages them. Either add `mj validate --staged` to that "
            "tool's pre-commit hook, or install mj's hook there anyway with "
            "`mj hook install --follow-hooks-path` (a hook already there is kept and run "
            "first), or `git config --unset core.hooksPath` and run `mj hook install` again."
        )
    hook = gitrepo.hooks_dir(top) / HOOK_NAME
    legacy = hook.with_name(HOOK_NAME + LEGACY_SUFFIX)
    content = render_script(python or sys.executable).encode()

    if os.path.lexists(hook) and not is_ours(hook):
        if os.path.lexists(legacy):
            raise MjError(
                f"both {hook} and {legacy} exist and neither is mj's: mj will not overwrite "
                f"either. Merge them into one {hook.name} or remove one, then run "
                "`mj hook install` again."
            )
        os.replace(hook, legacy)
    elif is_ours(hook) and hook.read_bytes() == content and os.access(hook, os.X_OK):
        return hook
    _write_executable(hook, content)
    return hook


def _candidate_hooks(top: Path) -> list[Path]:
    """Every place mj's hook may have been installed: core.hooksPath and .git/hooks."""
    places = [gitrepo.hooks_dir(top) / HOOK_NAME]
    common = gitrepo.common_git_dir(top)
    if common is not None:
        default = common / "hooks" / HOOK_NAME
        if default not in places:
            places.append(default)
    return places


def uninstall(repo_root: Path) -> bool:
    """Remove mj's hook and put back the one it replaced; False if mj's hook was not there."""
    top = _toplevel(repo_root)
    removed = False
    for hook in _candidate_hooks(top):
        if not is_ours(hook):
            continue
        hook.unlink()
        removed = True
        legacy = hook.with_name(HOOK_NAME + LEGACY_SUFFIX)
        if os.path.lexists(legacy):
            os.replace(legacy, hook)
    return removed


def hook_run_targets(repo_root: Path) -> list[Path]:
    """Journal roots (folders with agreement.md in the index) holding a staged change.

    A change belongs to the innermost journal containing it; changes outside every
    journal need no check. Paths are absolute, sorted.
    """
    top = _toplevel(repo_root)
    in_index = gitrepo.index_entries(top)
    roots = sorted(
        {path.rpartition("/")[0] for path in in_index if path.rpartition("/")[2] == "agreement.md"},
        key=len,
        reverse=True,
    )
    touched: set[str] = set()
    for changed in gitrepo.changed_in_index(top):
        for root in roots:  # innermost first
            if root == "" or changed.startswith(root + "/"):
                touched.add(root)
                break
    return sorted(top / root if root else top for root in touched)
