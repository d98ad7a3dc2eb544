"""Copies of the repositories `mj program --repos FILE` lists: cloned once, fetched after.

Each repository (a local path or a URL git understands) is kept in the user's cache
folder, ``~/.cache/mentorjournal/program/<name>-<hash>``: ``git clone --quiet`` the
first time, ``git fetch`` of the remote's HEAD and a reset to it afterwards, unless
that history was rewritten (then the pair's row says so). The copies are mj's own,
never a user's work tree, so the reset loses nothing. git runs
with a timeout, no terminal prompt and no stdin, and ``ext::`` is refused, as for
``mj sync``; a repository that cannot be reached is reported with git's reason,
never raised. Several are fetched at once: the time is spent waiting on networks.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from mentorjournal.errors import MjError
from mentorjournal.git.gitrepo import _run, check_ref_value
from mentorjournal.git.remote import _safe_env
from mentorjournal.index.cachefile import user_cache_dir

TIMEOUT = 120.0  # seconds for one clone or fetch
AT_ONCE = 8
# An address git reads as a URL (scheme://, or scp-like user@host:path) and not a path.
_URL = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*://|[^/\\]+:")
_COMMENT = re.compile(r"(?:^|\s)#")


def read_list(path: Path) -> list[str]:
    """The repositories a list file names, one a line; ``#`` starts a comment. A
    relative local path is taken from the list file's folder."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise MjError(f"cannot read the list of repositories {path}: {exc}") from None
    entries = []
    for line in text.splitlines():
        entry = _COMMENT.split(line, 1)[0].strip()
        if entry:
            local = not _URL.match(entry)
            entries.append(str((path.parent / entry).resolve()) if local else entry)
    return list(dict.fromkeys(entries))  # twice in the list: one copy, one row


def mirror_all(entries: list[str], timeout: float = TIMEOUT) -> list[tuple[str, Path | str]]:
    """Each entry with its up-to-date copy, or why there is none."""
    cache = Path(user_cache_dir()) / "program"
    with ThreadPoolExecutor(max_workers=AT_ONCE) as pool:
        copies = list(pool.map(lambda entry: _mirror_or_why(entry, cache, timeout), entries))
    return list(zip(entries, copies, strict=True))


def _mirror_or_why(entry: str, cache: Path, timeout: float) -> Path | str:
    try:
        return mirror(entry, cache, timeout)
    except MjError as exc:  # where in mj's cache git ran is no business of the reader's
        return re.sub(rf" in {re.escape(str(cache))}\S*(?=:)", "", str(exc))


def mirror(entry: str, cache: Path, timeout: float = TIMEOUT) -> Path:
    """The copy of ``entry`` in ``cache``, cloned or brought up to date now."""
    check_ref_value(entry, "repository")
    name = re.sub(r"[^A-Za-z0-9._-]+", "-", entry.rstrip("/").removesuffix(".git"))[-40:]
    folder = cache / f"{name.strip('-.') or 'repo'}-{hashlib.sha1(entry.encode()).hexdigest()[:12]}"
    env = {**_safe_env(), "GIT_TERMINAL_PROMPT": "0"}
    env.setdefault("GIT_SSH_COMMAND", "ssh -o BatchMode=yes")
    if (folder / ".git").is_dir():
        fetch = ["fetch", "--quiet", "--no-recurse-submodules", "--", "origin", "HEAD"]
        _run(folder, fetch, stdin=b"", env=env, timeout=timeout)
        # A history that no longer holds what was fetched before was forced over: it can
        # hold sign-offs nobody made (a key swapped in at the start). The copy stays.
        kept = ["merge-base", "--is-ancestor", "HEAD", "FETCH_HEAD"]
        if _run(folder, kept, stdin=b"", ok_codes=(0, 1), timeout=timeout).returncode:
            raise MjError(
                f"its history was rewritten (a forced push) since mj last fetched it, so its "
                f"sign-offs cannot be trusted; ask the pair why. To take the new history as "
                f"it is, delete {folder} and run mj program again"
            )
        _run(folder, ["reset", "--quiet", "--hard", "FETCH_HEAD"], stdin=b"", timeout=timeout)
        return folder
    shutil.rmtree(folder, ignore_errors=True)  # a copy broken off half-way: cloned again
    cache.mkdir(parents=True, exist_ok=True)
    partial = folder.with_name(f"{folder.name}.{os.getpid()}.partial")
    try:
        clone = ["clone", "--quiet", "--no-recurse-submodules", "--", entry, str(partial)]
        _run(cache, clone, stdin=b"", env=env, timeout=timeout)
        if _run(partial, ["rev-parse", "-q", "--verify", "HEAD"], ok_codes=(0, 1)).returncode:
            # Not kept: a later run clones again, once HEAD names the journal's branch.
            listed = _run(partial, ["branch", "-r", "--format=%(refname:lstrip=3)"]).stdout
            names = [name for name in listed.decode().split() if name != "HEAD"]
            raise MjError(
                "its HEAD names no commit: "
                + (
                    f"its branches are {', '.join(names)}; ask the pair to make theirs the "
                    f"default (a bare repository: git symbolic-ref HEAD refs/heads/{names[0]})"
                    if names
                    else "it is empty; ask the pair to push their journal"
                )
            )
        os.replace(partial, folder)
    finally:
        shutil.rmtree(partial, ignore_errors=True)
    return folder
