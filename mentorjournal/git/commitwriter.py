"""Writing the commit `mj commit` has checked: `git commit`, or, when git commit would
do nothing more, `git commit-tree` and `git update-ref` (~25 ms less in a journal of
10,000 notes: no index rewritten, no hook started only to skip its check).

What git commit does beyond writing the commit, and when mj lets it:
- hooks: prepare-commit-msg, commit-msg, post-commit, post-index-change, a hook that
  mj's pre-commit hook runs first, a hooks folder of another tool (core.hooksPath);
- settings: a signature (commit.gpgSign), another message cleanup (commit.cleanup),
  another encoding (i18n.commitEncoding);
- an unfinished squash merge or sequence: it removes SQUASH_MSG and MERGE_MSG,
  applies MERGE_AUTOSTASH (the user's own stashed edits), records rerere's
  resolutions (MERGE_RR), continues a cherry-pick sequence.
With any of them present, git commits. Left to later commands: `git maintenance run
--auto` (the next fetch, merge or git commit runs it) and COMMIT_EDITMSG, which only
an editor-based commit reads.
"""

from __future__ import annotations

import os
from pathlib import Path

from mentorjournal.errors import MjError
from mentorjournal.git.gitrepo import _run, answer, head_commit
from mentorjournal.git.writes import ensure_can_commit
from mentorjournal.index import gitstate

__all__ = ["commit", "commit_settings", "stripspace"]

_COMMIT_HOOKS = ("prepare-commit-msg", "commit-msg", "post-commit", "post-index-change")
_UNFINISHED = ("SQUASH_MSG", "MERGE_MSG", "MERGE_AUTOSTASH", "MERGE_MODE", "MERGE_RR", "sequencer")


def commit(
    repo: Path,
    message: str,
    *,
    located: tuple[Path, Path] | None = None,
    checked: str | None = None,
    settings: gitstate.Git | None = None,
) -> str:
    """Commit the index, which the caller has found to hold a change, with `message`
    (hooks run); return the new commit's sha.

    ``located``: the repository's (top level, git directory), when known.
    ``checked``: "TREE HEAD" that mj's own check has just passed; mj's hook skips its
    check when the commit records exactly that tree on that HEAD (``hook.render_script``).
    ``settings``: ``commit_settings`` started earlier.
    """
    ensure_can_commit(repo, located)
    if checked and _only_mj_hooks(repo, settings):
        tree, _, parent = checked.partition(" ")
        return _commit_tree(repo, message, tree, parent or None)
    if settings is not None:
        settings.output()  # not needed after all: waited for, not left behind
    env = {"MJ_CHECKED": checked or ""}  # never one mj did not compute: an export, an outer run
    _run(repo, ["commit", "--quiet", "-m", message], env=env)
    sha = head_commit(repo)
    if sha is None:
        raise MjError(f"git commit left no commit in {repo}")
    return sha


def commit_settings(repo: Path) -> gitstate.Git:
    """The settings that make git commit do more than commit-tree, asked in the
    background: the answer is read when committing."""
    return gitstate.Git(str(repo), gitstate.COMMIT_SETTINGS)


def _only_mj_hooks(repo: Path, settings: gitstate.Git | None) -> bool:
    """Whether `git commit` of a tree mj has just checked would do only what
    `commit-tree` and `update-ref` do (the module's docstring lists the rest)."""
    from mentorjournal.git.hook import HOOK_NAME, KEPT, is_ours

    location = None if gitstate.located_elsewhere() else gitstate.git_location(str(repo))
    if location is None:
        return False
    common, own, _ = location
    if any((Path(own) / name).exists() for name in _UNFINISHED):
        return False
    asked = settings or commit_settings(repo)
    said = answer(asked, repo, gitstate.COMMIT_SETTINGS, ok=(0, 1))  # 1: none set
    for entry in said.split(b"\0"):
        key, equals, value = entry.partition(b"\n")
        off = equals and value.strip().lower() in (b"false", b"no", b"off", b"0", b"")
        if key and not (key == b"commit.gpgsign" and off):
            return False
    hooks = Path(common) / "hooks"
    pre_commit = hooks / HOOK_NAME
    if _runs(pre_commit) and not is_ours(pre_commit):
        return False
    return not any(_runs(hooks / name) for name in (*_COMMIT_HOOKS, KEPT))


def _runs(hook: Path) -> bool:
    """Whether git would run ``hook`` (an executable file; git skips any other)."""
    return hook.is_file() and os.access(hook, os.X_OK)


def _commit_tree(repo: Path, message: str, tree: str, parent: str | None) -> str:
    """Commit ``tree`` on ``parent`` as `git commit -m` would (its message cleaned up
    the same way, its reflog entries worded the same), moving HEAD's branch only if
    it is still at ``parent``."""
    text = stripspace(message)
    data = text.encode("utf-8", "surrogateescape")
    args = ["commit-tree", tree, *(["-p", parent] if parent else [])]
    sha = answer(gitstate.Git(str(repo), args, data), repo, args, stdin=data).decode().strip()
    reflog = f"commit{'' if parent else ' (initial)'}: {text.split(chr(10), 1)[0]}"
    moving = gitstate.Git(
        str(repo), ["update-ref", "-m", reflog, "HEAD", sha, parent or ""], said=True
    )
    said = moving.output(ok=tuple(range(256)))  # once only: a second try could succeed
    if moving.code != 0:
        words = (said or b"").decode("utf-8", "replace").strip()
        raise MjError(
            f"not committed: git could not move HEAD to the new commit ({words}); the "
            "changes stay staged: run `mj commit` again"
        )
    return sha


def stripspace(message: str) -> str:
    """``message`` as `git commit -m` cleans it (`git stripspace`, cleanup mode
    "whitespace"): trailing whitespace off every line, blank lines at either end
    dropped, runs of blank lines made one, and a final newline."""
    lines: list[str] = []
    gap = False
    for raw in message.split("\n"):
        line = raw.rstrip(" \t\r")
        if not line:
            gap = bool(lines)
            continue
        if gap:
            lines.append("")
            gap = False
        lines.append(line)
    return "".join(line + "\n" for line in lines)
