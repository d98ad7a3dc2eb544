"""The git pre-commit hook: install, uninstall, and which journals a commit touches.

The installed script is POSIX sh and runs `mj validate --staged` (as the hidden
`hook-run` command) through the Python that installed it, so it works from a GUI
client or with the virtual environment inactive. It is recognised by a marker line.

It shares the hook with whatever was there. A hook of another tool is kept as
`pre-commit.before-mj` and run first; `uninstall` puts it back where mj stood. When
the pre-commit framework (pre-commit.com) owns `pre-commit`, mj installs itself as
the framework's `pre-commit.legacy`, which the framework runs before its own hooks;
`pre-commit install` after mj moves mj there itself. Either order thus ends in the
same layout, and no chain can loop: the script exports MJ_HOOK_DEPTH and a nested
start of it does nothing, and it never starts the framework that started it.

`mj commit` has checked its commit already: it passes ``MJ_CHECKED`` ("TREE HEAD" of
what it checked), and the script skips the check when `git write-tree` and `git
rev-parse HEAD` give exactly those (``commitwriter.commit``).
"""

from __future__ import annotations

import os
import shlex
import sys
from pathlib import Path

from mentorjournal.errors import MjError
from mentorjournal.git import gitrepo
from mentorjournal.git.setupcheck import FRAMEWORK_MARK, MARKER

# How the hook and the merge driver start mj: ``python -P -c ENTRY ARGS``. Git runs
# both in the work tree, and ``python -m mentorjournal`` put that folder first on
# sys.path: a yaml.py in the journal, which the other person can push, would run in
# its place. -P (Python 3.11) leaves it off; -c also skips runpy (~1.3 ms).
ENTRY = 'import sys; sys.argv[0] = "mj"; from mentorjournal.cli.fastpath import main; main()'

__all__ = [
    "MARKER",
    "hook_run_targets",
    "install",
    "install_or_say_why",
    "is_ours",
    "render_script",
    "uninstall",
]

HOOK_NAME = "pre-commit"
# Where the pre-commit framework keeps the hook it replaced, and runs it from.
LEGACY = HOOK_NAME + ".legacy"
# Where mj keeps the hook it replaced (not `.legacy`: the framework would overwrite it).
KEPT = HOOK_NAME + ".before-mj"

_SCRIPT = """\
#!/bin/sh
{marker}
# Checks what is about to be committed with `mj validate --staged`.
# Remove with `mj hook uninstall`; a hook that was here before is kept as
# {kept}, runs first, and is put back on uninstall.
MJ_PYTHON={python}

if [ -n "${{MJ_HOOK_DEPTH:-}}" ]; then
    # A hook this one started has started it again: the outer run checks the commit.
    echo "mj hook: $0 was started again from inside mj's hook; skipping the nested run." >&2
    exit 0
fi
MJ_HOOK_DEPTH=1
export MJ_HOOK_DEPTH

case "$0" in
    */*) kept="${{0%/*}}/{kept}" ;;
    *) kept="./{kept}" ;;
esac
if [ -x "$kept" ]; then
    if [ -n "${{PRE_COMMIT_RUNNING_LEGACY:-}}" ] && grep -qF '{framework}' "$kept"; then
        echo "mj hook: not running $kept: the pre-commit framework is running already." >&2
    else
        "$kept" "$@" || exit $?
    fi
fi

if [ -n "${{MJ_CHECKED:-}}" ] &&
    [ "$(git write-tree 2>/dev/null) $(git rev-parse -q --verify HEAD)" = "$MJ_CHECKED" ]; then
    exit 0  # `mj commit` has just checked exactly this tree on this history
fi
if [ -x "$MJ_PYTHON" ]; then
    exec "$MJ_PYTHON" -P -c {entry} hook-run "$@"
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
    return _SCRIPT.format(
        marker=MARKER,
        kept=KEPT,
        framework=FRAMEWORK_MARK,
        python=shlex.quote(python),
        entry=shlex.quote(ENTRY),
    )


def _has_line(path: Path, line: str) -> bool:
    try:
        with path.open("rb") as handle:
            head = handle.read(4096)
    except OSError:
        return False
    return line.encode() in head.splitlines()


def is_ours(path: Path) -> bool:
    """True if `path` is a hook mj installed (it carries the marker line)."""
    return _has_line(path, MARKER)


def _is_framework(path: Path) -> bool:
    """True if `path` is the pre-commit framework's hook script."""
    return _has_line(path, FRAMEWORK_MARK)


def _toplevel(repo_root: Path) -> Path:
    top = gitrepo.repo_toplevel(repo_root)
    if top is None:
        raise MjError(
            f"{repo_root} is not inside a git repository: run `git init` (or `mj init`) first"
        )
    return top


def _write_executable(path: Path, content: bytes) -> None:
    """Replace `path` atomically with `content`, mode 0755."""
    import tempfile  # here: `mj commit` imports this module for is_ours alone

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


def _keep(hook: Path, kept: Path) -> None:
    """Move a hook that is not mj's aside to `kept`, never overwriting one already there."""
    if os.path.lexists(kept):
        raise MjError(
            f"both {hook} and {kept} exist and neither is mj's: mj will not overwrite "
            f"either. Merge them into one {hook.name} or remove one, then run "
            "`mj hook install` again."
        )
    os.replace(hook, kept)


def _migrate(hook: Path) -> None:
    """Bring an install of an older mj (mj as `pre-commit`, the hook it replaced as
    `pre-commit.legacy`) into today's layout: the framework's hook goes back to
    `pre-commit` (mj then becomes its legacy hook), any other hook to `pre-commit.before-mj`."""
    legacy = hook.with_name(LEGACY)
    if not is_ours(hook) or not os.path.lexists(legacy) or is_ours(legacy):
        return
    if _is_framework(legacy):
        os.replace(legacy, hook)
    else:
        _keep(legacy, hook.with_name(KEPT))


class HooksPathSet(MjError):
    """core.hooksPath names where git runs hooks from: another tool's, most likely."""


def install(repo_root: Path, *, force_hooks_path: bool = False, python: str | None = None) -> Path:
    """Install mj's pre-commit hook and return its path; reinstalling changes nothing.

    `python` is the interpreter the hook runs (default: the one running now). When the
    pre-commit framework's hook is installed, mj's goes beside it as its legacy hook.
    """
    top = _toplevel(repo_root)
    hooks_path = gitrepo._config(top, "core.hooksPath")
    if hooks_path and not force_hooks_path:
        raise HooksPathSet(
            f"core.hooksPath is set to {hooks_path!r}, so git runs hooks from there and "
            "another tool probably manages them. Either add `mj validate --staged` to that "
            "tool's pre-commit hook, or install mj's hook there anyway with "
            "`mj hook install --follow-hooks-path` (a hook already there is kept and run "
            "first), or `git config --unset core.hooksPath` and run `mj hook install` again."
        )
    hook = gitrepo.hooks_dir(top) / HOOK_NAME
    try:
        _migrate(hook)
        target = hook.with_name(LEGACY) if _is_framework(hook) else hook
        content = render_script(python or sys.executable).encode()
        if is_ours(target):
            if target.read_bytes() == content and os.access(target, os.X_OK):
                return target
        elif os.path.lexists(target):
            _keep(target, hook.with_name(KEPT))
        _write_executable(target, content)
    except OSError as exc:  # .git/hooks a file, a read-only folder, a full disk
        folder = hook.parent.is_dir() or not os.path.lexists(hook.parent)
        raise MjError(
            f"could not write git's pre-commit hook in {hook.parent}: "
            f"{exc.strerror if folder else 'it is not a folder'}. "
            "Put that right, then run `mj hook install`."
        ) from None
    return target


def install_or_say_why(top: Path) -> Path | str:
    """For `mj init` and `mj clone`, which go on without the hook: where it went, or
    what to say instead of the path."""
    try:
        return install(top)
    except HooksPathSet:
        return "not installed (core.hooksPath is set); see `mj hook install --help`"
    except MjError as exc:
        return f"not installed: {exc}"


def _candidate_hooks(top: Path) -> list[Path]:
    """Every place mj's hook may have been installed: core.hooksPath and .git/hooks,
    each as `pre-commit` or as the framework's `pre-commit.legacy`."""
    places = [gitrepo.hooks_dir(top) / HOOK_NAME]
    common = gitrepo.common_git_dir(top)
    if common is not None:
        default = common / "hooks" / HOOK_NAME
        if default not in places:
            places.append(default)
    return [spot for hook in places for spot in (hook.with_name(LEGACY), hook)]


def uninstall(repo_root: Path) -> bool:
    """Remove mj's hook and put back the one it replaced; False if mj's hook was not there."""
    top = _toplevel(repo_root)
    removed = False
    for spot in _candidate_hooks(top):
        if not is_ours(spot):
            continue
        try:
            spot.unlink()
        except OSError as exc:  # a hooks folder that cannot be written
            raise MjError(
                f"could not remove mj's hook {spot}: {exc.strerror}. "
                "Put that right, then run `mj hook uninstall` again."
            ) from None
        removed = True
        hook = spot.with_name(HOOK_NAME)
        # Older mj kept the replaced hook as .legacy; today's keeps it as .before-mj.
        for kept in (spot.with_name(KEPT), hook.with_name(LEGACY)):
            if os.path.lexists(kept) and kept != spot:
                os.replace(kept, hook if not os.path.lexists(hook) else spot)
                break
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
