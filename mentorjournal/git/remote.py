"""Talking to a remote: clone, fetch and push, through ``gitrepo``'s one runner.

The network commands run with ``ext::`` forbidden (whatever a user's config allows) and
no stdin; their failures become `MjError` with git's own reason and what to do next.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from mentorjournal.errors import MjError
from mentorjournal.git.gitrepo import (
    _git_env,
    _out,
    _run,
    _summarise,
    check_ref_value,
    head_commit,
    other_journals,
)

__all__ = ["choose_remote", "clone", "fetch", "next_step", "push"]


def _safe_env() -> dict[str, str]:
    """Config for network commands: forbid ext:: (it runs a command) and fd:: (it waits on
    a file descriptor mj never gives), even if a user config allows them."""
    env = _git_env()
    given = env.get("GIT_CONFIG_COUNT") or "0"
    if not given.isdigit():
        return env  # git refuses to run at all with it, and says why
    count = int(given)
    for at, transport in enumerate(("ext", "fd"), start=count):
        env[f"GIT_CONFIG_KEY_{at}"] = f"protocol.{transport}.allow"
        env[f"GIT_CONFIG_VALUE_{at}"] = "never"
    env["GIT_CONFIG_COUNT"] = str(count + 2)
    return env


def _network(cwd: Path, args: list[str]) -> str | None:
    """Run a network command; None when it worked, else what git said, summarised."""
    proc = _run(cwd, args, stdin=b"", ok_codes=range(256), env=_safe_env())
    if proc.returncode == 0:
        return None
    return _summarise((proc.stderr.strip() or proc.stdout.strip()).decode("utf-8", "replace"))


def choose_remote(repo: Path) -> str:
    """The remote a branch without an upstream syncs with: origin, or the only one."""
    remotes = _out(repo, "remote").split()
    if not remotes:
        raise MjError(
            "no remote to sync with: add the shared repository with "
            "`git remote add origin <url>`, then run `mj sync` again"
        )
    if "origin" in remotes:
        return "origin"
    if len(remotes) == 1:
        return check_ref_value(remotes[0], "remote")
    raise MjError(
        f"several remotes ({', '.join(remotes)}) and no upstream for this branch: choose one "
        "with `git push -u <remote> <branch>`, then run `mj sync` again"
    )


def clone(url: str, directory: Path | None, cwd: Path) -> tuple[Path, Path | str]:
    """`git clone URL [DIR]`, then set the clone up as `mj init` does: the pre-commit hook
    and the merge driver. Returns the new working tree and the hook (or why it is
    not installed, as for `mj init`)."""
    from mentorjournal.git import hook, mergedriver

    check_ref_value(url, "address")
    if directory is None:
        name = url.rstrip("/").removesuffix(".git").rstrip("/")
        directory = Path(re.split(r"[/:\\]", name)[-1] or "journal")
    target = directory if directory.is_absolute() else cwd / directory
    if os.path.lexists(target) and (not target.is_dir() or any(target.iterdir())):
        raise MjError(f"{target} already exists and is not an empty folder: choose another")
    said = _network(cwd, ["clone", "--quiet", "--", url, str(target)])
    if said is not None:
        raise MjError(f"could not clone {url}: {said}. Check the address and your access.")
    mergedriver.configure(target)
    if head_commit(target) is not None:  # else a checkout to come would trip on the file
        mergedriver.add_attribute(target)  # a journal started before mj had the driver
    return target, hook.install_or_say_why(target)


def next_step(clone: Path) -> str:
    """What to do first in a new clone: the journal's status, or why it has none."""
    if (clone / "agreement.md").is_file():
        return f"cd {clone} && mj status"
    if head_commit(clone) is None:
        listed = _out(clone, "for-each-ref", "--format=%(refname:lstrip=3)", "refs/remotes/")
        if branches := [name for name in listed.split("\n") if name and name != "HEAD"]:
            return (
                "nothing checked out: the repository's HEAD names a branch it does not have."
                f" Its branches: {', '.join(branches)}; `git -C {clone} switch {branches[0]}`"
            )
        return (
            f"the repository is empty: start the journal with `mj init {clone} --mentor H"
            " --mentee H`, then `mj commit` and `mj sync`"
        )
    if other_journals(clone):
        return f"its journals are in folders: `mj program {clone}` rolls them up"
    return f"no agreement.md at its top, so it is no journal: check the address ({clone})"


def fetch(repo: Path, remote: str) -> None:
    """Update the remote-tracking refs of `remote`; local branches and files are untouched."""
    check_ref_value(remote, "remote")
    said = _network(repo, ["fetch", "--quiet", "--no-recurse-submodules", "--", remote])
    if said is not None:
        raise MjError(
            f"could not fetch from remote '{remote}': {said}. "
            "Nothing was changed; your commits are intact. Check the network and the "
            "remote's address (`git remote -v`), then run `mj sync` again."
        )


def push(
    repo: Path,
    remote: str,
    branch: str,
    *,
    remote_branch: str | None = None,
    set_upstream: bool = False,
) -> None:
    """Push `branch` to `remote` (as `remote_branch`), optionally recording it as upstream."""
    check_ref_value(remote, "remote")
    check_ref_value(branch, "branch")
    target = check_ref_value(remote_branch or branch, "branch")
    upstream = ["--set-upstream"] if set_upstream else []
    refspec = f"refs/heads/{branch}:refs/heads/{target}"
    said = _network(repo, ["push", "--quiet", *upstream, "--", remote, refspec])
    if said is None:
        return
    if "remote rejected" in said:  # a hook or a rule of the server's, not a race
        advice = (
            "The remote's own rules refused it (a hook, a protected branch): its reason is "
            "above; ask whoever runs it."
        )
    elif "rejected" in said or "non-fast-forward" in said or "fetch first" in said:
        advice = "The remote has work you do not have yet: run `mj sync` again."
    else:
        advice = "Check the network and your access to the remote, then run `mj sync` again."
    raise MjError(
        f"push to '{remote}' was refused or failed: {said}. Your local commits are intact. {advice}"
    )
