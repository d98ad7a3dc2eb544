"""The agreement's commands, thin (``app.py``): sign, key, history, agreement."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import TYPE_CHECKING

import click

from mentorjournal.cli.app import (
    _echo,
    _notice,
    _print_or_write,
    _state,
    format_option,
    main,
    output_option,
    palette,
    refusals,
    today_option,
)

if TYPE_CHECKING:
    import datetime as dt


@main.command(short_help="Sign the current agreement text as H, with H's SSH key.")
@click.option("--as", "handle", required=True, metavar="H", help="Your handle.")
@click.option("--key", metavar="FILE", help="Your SSH key (default: git's user.signingKey).")
@click.option("--confirm-key", is_flag=True, help="Confirm H's new key, signing with the earlier.")
@today_option
@click.pass_context
@refusals
def sign(
    ctx: click.Context, handle: str, key: str | None, confirm_key: bool, today: dt.date
) -> None:
    """Sign the current agreement text as H with H's SSH key, as git signs commits.

    Adds {by, date, digest, sig} under `signatures` (`ssh-keygen -Y sign`), changing no
    other byte of agreement.md. The key is --key FILE (a private key, or a public key
    whose private half is in ssh-agent), else git's user.signingKey, else
    ~/.ssh/id_ed25519; it must be H's `key` in the agreement (see `mj key`). Any later
    edit makes the signature stale; sign again then. After H's key changed, H signs
    once with the earlier key and --confirm-key; until then H's signature does not count.
    """
    from mentorjournal.edit.signing import sign_agreement

    root = _state(ctx).root()
    result = sign_agreement(root, handle, today, key, confirm_key)
    if result.unchanged:
        _echo(f"{handle} already signed this version of the agreement ({result.date})")
        return
    verb = "re-signed" if result.replaced else "signed"
    _echo(f"{handle} {verb} the agreement on {result.date} with key {result.fingerprint}")
    _echo("Record it with `mj commit`.")
    if waiting := _keyless(root):  # their key, when added, changes what was signed
        who = " and ".join(waiting)
        _echo(
            f"Note: {who} {'has' if len(waiting) == 1 else 'have'} no key in the agreement "
            "yet: adding it changes the agreement, and this signature then goes stale (sign "
            "again once every key is in)."
        )
    _notice(root)


@main.command(short_help="Put your SSH public key in the agreement, to sign with it.")
@click.option("--as", "handle", metavar="H", help="Whose key (default: git's user.email's).")
@click.option("--file", "key_file", type=click.Path(path_type=Path), help="Key to add.")
@click.option("--generate", is_flag=True, help="Make a new ed25519 key without asking.")
@click.option("--replace", is_flag=True, help="Replace a different key H already has.")
@click.option("--yes", is_flag=True, help="H is someone else, who gave you this key.")
@click.pass_context
@refusals
def key(
    ctx: click.Context,
    handle: str | None,
    key_file: Path | None,
    generate: bool,
    replace: bool,
    yes: bool,
) -> None:
    """Put your SSH public key in the agreement, so that your signature can be checked.

    The key is --file (a public key, or a private one with its .pub beside it), else
    git's user.signingKey, else ~/.ssh/id_ed25519.pub. With none, mj offers to make a
    new ed25519 key there (--generate: without asking; with --file, at FILE). Only
    H's `key` line is written; then `mj commit` and `mj sign --as H`. A key another
    person holds is refused; H's first key is trusted, so when git says you are not H,
    mj asks first (--yes: H gave you this key).
    """
    import sys

    from mentorjournal import sshkeys
    from mentorjournal.edit import signing
    from mentorjournal.errors import MjError

    root = _state(ctx).root()
    handle = handle or signing.own_handle(root)
    them = True if yes else signing.is_them(root, handle)
    if them is False:
        _echo(
            f"Git's user.email says you are not {handle}: this puts a key in the agreement "
            f"as {handle}'s, and whoever holds that key can sign as {handle}.",
            err=True,
        )
        if not (sys.stdin.isatty() and click.confirm(f"Is it the key {handle} gave you?")):
            raise MjError(
                f"nothing was written: {handle} adds {handle}'s own key (`mj key` on their "
                f"computer). If {handle} gave you this public key, run again with --yes."
            )
    found = None if generate else sshkeys.find_public_key(root, key_file)
    if found is None:
        target = key_file or Path.home() / ".ssh" / "id_ed25519"
        try:
            asked = sys.stdin.isatty()  # no one to answer a prompt: ask nothing
            yes = generate or (asked and click.confirm(f"No SSH key found. Make one at {target}?"))
        except click.Abort:
            yes = False
        if not yes:
            raise MjError("no key was made: `mj key --generate` makes one, --file uses yours")
        found = sshkeys.generate(target, f"{handle}@mentorjournal"), str(target)
        _echo(f"made {target} (no passphrase; add one: ssh-keygen -p -f {target})")
    result = signing.set_key(root, handle, found[0], replace)
    if result.unchanged:
        _echo(f"{handle}'s key {result.fingerprint} is already in the agreement")
        return
    _echo(f"{handle}'s key {result.fingerprint} ({found[1]}) is now in agreement.md")
    if result.replaced is None and them is None:
        _echo(f"A first key counts as {handle}'s: it must be {handle}'s own key.")
    if result.replaced:
        confirm = (
            ": sign once with that earlier key to confirm the change (`mj sign --as "
            f"{handle} --key EARLIER-KEY --confirm-key`), or your signature will not count."
        )
        _echo(f"It replaces {result.replaced}" + ("." if result.trusted else confirm))
    usual = found[1] in (sshkeys.configured_key(root), "git's user.signingKey")
    sign = f"`mj sign --as {handle}{'' if usual else ' --key ' + found[1]}`"
    waiting = _keyless(root)
    if waiting:  # a key added later changes the agreement, and a signature made now
        first = waiting[0]
        _echo(
            f"Next: `mj commit` and `mj sync`. {' and '.join(waiting)} "
            f"{'has' if len(waiting) == 1 else 'have'} no key yet "
            f"(`mj key --as {first}`, on {first}'s computer): once every key is in, "
            f"{sign}, or the signature goes stale when the key is added."
        )
    else:
        _echo(f"Next: `mj commit`, then {sign}.")
    _notice(root)


def _keyless(root: Path) -> list[str]:
    """The mentor and mentee (whose signatures the agreement needs) who have no key in it."""
    from mentorjournal.checks.signatures import people_of
    from mentorjournal.format.document import parse_document
    from mentorjournal.format.layout import AGREEMENT

    agreement = parse_document(AGREEMENT, (root / AGREEMENT).read_bytes())
    people = people_of(agreement.meta).items()
    return [who for who, (path, key) in people if len(path) == 1 and key is None]


@main.command(short_help="The agreement's versions and goal status changes.")
@click.option("--json", "as_json", is_flag=True, help="Print the history as JSON.")
@click.pass_context
@refusals
def history(ctx: click.Context, as_json: bool) -> None:
    """The agreement's versions (who changed which field, when) and goal status changes."""
    from mentorjournal.render.history import history_json, history_text
    from mentorjournal.reports.history import journal_history

    result = journal_history(_state(ctx).root())
    _echo(history_json(result) if as_json else history_text(result, palette()))


@main.command("agreement")
@format_option(
    "text", "md", "html", "pdf", help="Output format; pdf is printed by Chromium and needs -o."
)
@output_option
@click.pass_context
@refusals
def agreement(ctx: click.Context, output_format: str, output: Path | None) -> None:
    """The agreement as a readable document of one or two pages.

    Purpose, roles, goals with their success criteria, cadence and preparation,
    boundaries, confidentiality and consent, the review date, and who has signed
    this text. Prompts of the template not written yet are marked as such.
    """
    from mentorjournal.index import views
    from mentorjournal.render import agreement as render
    from mentorjournal.reports.agreement import agreement_document

    if output_format == "pdf" and output is None:
        raise click.UsageError("a PDF goes to a file: add -o FILE (e.g. -o agreement.pdf)")
    document = agreement_document(views.journal(_state(ctx).root()))
    if output_format == "text":
        width = min(shutil.get_terminal_size().columns, 100) if output is None else 80
        text = render.agreement_text(document, width)
    elif output_format == "md":
        text = render.agreement_markdown(document)
    else:
        text = render.agreement_html(document)
    pdf = render.print_pdf(text) if output_format == "pdf" else None  # a PDF has its -o FILE
    _print_or_write(_state(ctx).directory, output, text, pdf)
