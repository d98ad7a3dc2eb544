"""Sharing the journal, thin commands (``app.py``): commit, clone, sync, the hook."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from mentorjournal.cli.app import _echo, _notice, _show_findings, _state, main, palette, refusals


@main.command(short_help="Validate and commit the journal's files, saying what changed.")
@click.option("-m", "--message", metavar="MSG", help="Your words as the subject line.")
@click.pass_context
@refusals
def commit(ctx: click.Context, message: str | None) -> None:
    """Validate, stage only journal files, and commit with a message saying what changed.

    Stages agreement.md, goals/*.md, sessions/*.md (deletions too) and the files
    `mj init` wrote; never private/ or other untracked files. Refuses, changing
    nothing, on validation errors, mid-merge/rebase/cherry-pick/revert, on a
    detached HEAD, when index.lock exists, or when nothing changed. With -m your
    words are the subject and the generated summary the body.
    """
    from mentorjournal.cli import commands

    root = _state(ctx).root()
    said, refusal = commands.commit(root, message, palette())
    _echo(said)
    if refusal:
        raise click.ClickException(refusal)
    _notice(root)


@main.command(short_help="Clone a shared journal and set it up as `mj init` does.")
@click.argument("url")
@click.argument("directory", required=False, type=click.Path(path_type=Path))
@click.pass_context
@refusals
def clone(ctx: click.Context, url: str, directory: Path | None) -> None:
    """Clone a shared journal and set it up as `mj init` does (hook, merge driver).

    URL is what you would give `git clone` (https://, ssh, or a path); DIRECTORY
    defaults to the last part of URL.
    """
    from mentorjournal.git import remote

    target, hook_path = remote.clone(url, directory, _state(ctx).directory)
    _echo(f"cloned {url} into {target}")
    _echo(f"hook    {hook_path}")
    _echo("merge   driver set up: items and signatures edited on both sides merge by themselves")
    _echo(f"next    {remote.next_step(target)}")


@main.command()
@click.option(
    "--merge",
    "start_merge",
    is_flag=True,
    help="Merge the other side's work here even if it clashes, marking each clash in its "
    "file for you to resolve; then run `mj sync` again.",
)
@click.pass_context
@refusals
def sync(ctx: click.Context, start_merge: bool) -> None:
    """Bring the other side's commits in, then send yours out.

    On a conflict nothing is changed (your commits, files and branch stay as they
    were): the files are named, with how to see the other version and how to
    merge by hand if you want to.
    """
    from mentorjournal.git import exchange
    from mentorjournal.render.terminal import printable

    root = _state(ctx).root()
    if start_merge:
        left = exchange.start_merge(root)
        if not left:
            errors = [f for f in exchange.commit_findings(root, "HEAD") if f.severity == "error"]
            if not errors:
                _echo("merged; run `mj sync` to share it")
                return
            _echo("merged, but the journal now has errors:", err=True)
            _show_findings(errors)
            _echo("Fix them, `mj commit`, then `mj sync`.", err=True)
            ctx.exit(1)
        _echo("merged, but these files need you:")
        for path, kind in left.items():
            _echo(f"  {printable(path)}  ({exchange.KIND_WORDS[kind]})")
        said = []  # only what these files need
        if "both" in left.values():
            said.append(
                "Where you both changed lines, each clash is marked in the file: keep what "
                "you both want and delete the marker lines."
            )
        if set(left.values()) - {"both"}:
            said.append(
                "Where one of you deleted the file, keep it with `git add -- FILE` or delete "
                "it with `git rm -- FILE`."
            )
        said.append(
            "Then run `mj sync` (it checks the files and finishes the merge; no editor opens)."
        )
        _echo(" ".join(said))
        ctx.exit(1)
    result = exchange.sync(root)
    _notice(root)
    if result.finished:
        _echo(f"merge finished: {printable(', '.join(result.finished))}")
    if result.conflicts:
        _explain_conflicts(result, root)
        ctx.exit(1)
    if result.refused:
        _echo(
            "mj sync stopped before changing anything: the journal you would share has errors:",
            err=True,
        )
        _show_findings(result.findings)
        _echo(
            "\nNothing was pushed and nothing here changed. Fix those lines, `mj commit`, "
            "then `mj sync` again.\nIf the errors are in the other side's notes, tell them, "
            "or take their work in first with `mj sync --merge`, fix it, and `mj sync`.",
            err=True,
        )
        ctx.exit(1)
    from mentorjournal.render.terminal import plural

    if result.pulled:
        _echo(f"pulled {plural(result.pulled, 'commit')} from {result.upstream}")
    elif result.pushed_commits:  # (not "up to date": it was behind by what is pushed)
        if not result.set_upstream:  # (a first push: the remote had no such branch)
            _echo(f"nothing new on {result.upstream}")
    else:
        _echo(f"up to date with {result.upstream}")
    if result.pushed_commits:
        upstream = " (now its upstream)" if result.set_upstream else ""
        _echo(f"{plural(result.pushed_commits, 'commit')} pushed to {result.upstream}{upstream}")
    elif result.set_upstream:
        _echo(f"{result.upstream} is now this branch's upstream")
    else:
        _echo("nothing to push")
    if result.findings:
        _echo(f"\nthe work pulled from {result.upstream} has errors:", err=True)
        _show_findings(result.findings)
        _echo("fix them (or ask the other side to), `mj commit`, then `mj sync`.", err=True)
        ctx.exit(1)


def _explain_conflicts(result: Any, root: Path) -> None:
    """Say in plain words which files both people changed and how to go on."""
    from mentorjournal.git.exchange import KIND_WORDS
    from mentorjournal.git.setupcheck import missing_setup
    from mentorjournal.render.terminal import printable

    if "merge driver" in (missing_setup(root) or ""):
        _echo(
            "This clone has no mj merge driver, which combines ticks and items you both "
            "added by itself: run `mj hook install` once, then `mj sync` again. If it "
            "still stops, this is why:",
            err=True,
        )

    _echo(
        "mj sync stopped before changing anything: you and the other side changed the same "
        "files in ways mj cannot combine, and it cannot tell which version you both want:",
        err=True,
    )
    for path in result.conflicts:
        _echo(f"  {printable(path)}  ({KIND_WORDS[result.kinds.get(path, 'both')]})", err=True)
    first = printable(result.conflicts[0])
    _echo(
        "\nYour commits, your files and your branch are as they were; their version is "
        f"kept on {result.upstream}.\n"
        f"  see their version:   git show {result.upstream}:{first}\n"
        f"  see the difference:  git diff HEAD {result.upstream} -- {first}\n"
        "To combine the two:\n"
        "  1. mj sync --merge\n"
        "     (each clash is marked in the file: your lines after `<<<<<<< yours`,\n"
        "     theirs after `=======`, ending at `>>>>>>> theirs`; a file one of you\n"
        "     deleted is kept with `git add -- FILE` or deleted with `git rm -- FILE`)\n"
        "  2. edit each file: keep what you both want and delete the three marker lines\n"
        "  3. mj sync   (checks the files, finishes the merge without an editor, shares it;\n"
        "     `git merge --abort` gives up the merge instead)\n"
        "Or talk it through and let one of you make the change again.",
        err=True,
    )


@main.group("hook", short_help="The pre-commit hook that checks what is about to be committed.")
def hook_group() -> None:
    """The git pre-commit hook that checks what is about to be committed."""


@hook_group.command(
    "install", short_help="Install the pre-commit hook; one already there still runs."
)
@click.option(
    "--follow-hooks-path",
    is_flag=True,
    help="Install into core.hooksPath when it is set (a hook there is kept and run first).",
)
@click.pass_context
@refusals
def hook_install(ctx: click.Context, follow_hooks_path: bool) -> None:
    """Install the pre-commit hook; a hook already there is kept and still runs."""
    from mentorjournal.git import hook, mergedriver

    path = hook.install(_state(ctx).directory, force_hooks_path=follow_hooks_path)
    mergedriver.configure(_state(ctx).directory)
    from mentorjournal.errors import NoJournalError

    try:
        root = _state(ctx).root()
    except NoJournalError:
        from mentorjournal.git.gitrepo import repo_toplevel

        root = repo_toplevel(_state(ctx).directory) or _state(ctx).directory
    if mergedriver.add_attribute(root):
        _echo(f"added {root / '.gitattributes'}: record it with `mj commit`")
    beside = " (run by the pre-commit framework's hook)" if path.name == hook.LEGACY else ""
    _echo(f"hook installed: {path}{beside}")
    _echo("merge driver set up: items and signatures edited on both sides merge by themselves")


@hook_group.command("uninstall")
@click.pass_context
@refusals
def hook_uninstall(ctx: click.Context) -> None:
    """Remove mj's pre-commit hook and put back the one it replaced."""
    from mentorjournal.git import hook

    if hook.uninstall(_state(ctx).directory):
        _echo("hook removed")
    else:
        _echo("mj's hook is not installed here; nothing changed")


@main.command("hook-run", hidden=True)
@click.pass_context
@refusals
def hook_run(ctx: click.Context) -> None:
    """Run by the pre-commit hook: validate the staged version of each touched journal."""
    from mentorjournal.render.findings import findings_text
    from mentorjournal.reports.program import program_findings

    findings = (program_findings(_state(ctx).directory, staged=True) or ([], 0))[0]
    if findings:
        _echo(findings_text(findings, palette()))
    if any(f.code == "private-staged" for f in findings):  # skipping the check leaks it
        _echo(
            "mj: commit stopped: a private note is staged (above). Unstage it with `git "
            "restore --staged -- FILE` (before the first commit: `git rm --cached -- FILE`): "
            "private/ never leaves this computer.",
            err=True,
        )
        ctx.exit(1)
    if any(f.severity == "error" for f in findings):
        _echo(
            "mj: commit stopped: the staged journal files above have errors. Fix them and "
            "`git add` them (or skip the check once with `git commit --no-verify`).",
            err=True,
        )
        ctx.exit(1)
