"""The merge driver: what a mentor and a mentee do on the same day merges by itself.

git hands every journal file that both sides changed to this driver (the
`.gitattributes` line `*.md merge=mentorjournal` that `mj init` writes, and the
`merge.mentorjournal.driver` setting that `mj init`, `mj clone` and `mj hook install`
put in each clone's config). The driver:

1. takes git's own merge (`git merge-file`) when it is clean;
2. else merges line by line, accepting what git calls a conflict only where both
   sides touched *action items*: ticking, cancelling or re-dating different items
   of one list, or both appending items at the same place (ours first, then theirs;
   blank lines that come with them, as `mj add` writes before a list's first item);
3. in agreement.md, merges the `signatures` lists by person, so two people signing
   on their own machines both count;
4. anything else is a conflict for a person, marked (`yours`, `theirs`) around only
   what clashes: the rest of the note (other ticks, other paragraphs) merges as above.

Nothing here guesses about prose: two edits of the same paragraph, or of one item's
line, stay a conflict for a person to decide.
"""

from __future__ import annotations

import re
import shlex
import sys
from collections.abc import Sequence
from difflib import SequenceMatcher
from pathlib import Path
from typing import Any

from mentorjournal.errors import MjError
from mentorjournal.git import gitrepo
from mentorjournal.git.hook import ENTRY

NAME = "mentorjournal"
ATTRIBUTE = f"*.md merge={NAME}"
_LINE = re.compile(rb"[^\n]*\n|[^\n]+$")
# A task item line of any dialect: `- [ ]`, `* [x]`, `1. [-]`, `+ [/]`.
_ITEM = re.compile(rb"[ \t]*(?:[-*+]|\d{1,9}[.)])[ \t]+\[[^\]\n]\]")

# (first base line, end base line, new lines, side): base[i1:i2] becomes the lines.
Chunk = tuple[int, int, tuple[bytes, ...], int]


def driver_command(python: str = sys.executable) -> str:
    """The `merge.mentorjournal.driver` value: this Python when it still exists, else
    git's own merge, so a removed virtual environment costs the smart merge only."""
    fallback = "git merge-file -L yours -L base -L theirs --marker-size=%L %A %O %B"
    py = shlex.quote(python)
    return (
        f"if [ -x {py} ]; then exec {py} -P -c {shlex.quote(ENTRY)} merge-driver %O %A %B %L %P; "
        f"else {fallback}; fi"
    )


def configure(repo: Path) -> None:
    """Set this clone's config so that git runs the driver for journal files (every
    caller has made or found the repository: git config finds it from any folder)."""
    gitrepo._run(repo, ["config", f"merge.{NAME}.name", "mentorjournal: items and signatures"])
    gitrepo._run(repo, ["config", f"merge.{NAME}.driver", driver_command()])


def add_attribute(journal_root: Path) -> bool:
    """Add the driver's line to the journal's `.gitattributes` through the one writer;
    True when it was written."""
    from mentorjournal.edit.writer import add_line

    line = ATTRIBUTE.encode()
    path = journal_root / ".gitattributes"
    return add_line(journal_root, path, line + b"\n", lambda data: line in data.splitlines())


# --------------------------------------------------------------------------- merging


# Lines compared pairwise at most, past the lines both ends share: SequenceMatcher is
# quadratic, and a note of 12,000 equal lines changed at both ends took minutes.
# Beyond, a person decides (git's own merge has already found a conflict).
_MOST_PAIRS = 4_000_000


def _chunks(base: list[bytes], side: list[bytes], which: int) -> list[Chunk] | None:
    """The changes from base to side; a replacement of n lines by n lines is n changes,
    so that ticks of neighbouring items stay apart. None when too long to compare."""
    start, shortest = 0, min(len(base), len(side))
    while start < shortest and base[start] == side[start]:
        start += 1
    end = 0
    while end < shortest - start and base[-1 - end] == side[-1 - end]:
        end += 1
    old, new = base[start : len(base) - end], side[start : len(side) - end]
    if len(old) * len(new) > _MOST_PAIRS:
        return None
    chunks: list[Chunk] = []
    for tag, i1, i2, j1, j2 in SequenceMatcher(None, old, new, autojunk=False).get_opcodes():
        if tag == "equal":
            continue
        i1, i2 = i1 + start, i2 + start
        if tag == "replace" and i2 - i1 == j2 - j1:
            chunks += [(i1 + k, i1 + k + 1, (new[j1 + k],), which) for k in range(i2 - i1)]
        else:
            chunks.append((i1, i2, tuple(new[j1:j2]), which))
    return chunks


def _items_only(chunk: Chunk, base: list[bytes]) -> bool:
    """Whether a change touches task items only (appended items may come with blank
    lines: `mj add` opens an empty list with one)."""
    i1, i2, new, _ = chunk
    added = [line for line in new if line.strip()] if i1 == i2 else new
    return all(_ITEM.match(line) for line in (*base[i1:i2], *added))


def _resolve(cluster: list[Chunk], base: list[bytes]) -> list[Chunk] | None:
    """The changes to apply for a group of touching changes, or None (a real conflict)."""
    if len({chunk[3] for chunk in cluster}) == 1:
        return cluster
    common = {c[:3] for c in cluster if c[3] == 0} & {c[:3] for c in cluster if c[3] == 1}
    single = [c for c in cluster if c[:3] not in common]
    for i1, i2, new, side in single:
        if not _items_only((i1, i2, new, side), base):
            return None
        if any(o[3] != side and i1 < o[1] and o[0] < i2 for o in single):
            return None  # both changed the same line
    result: list[Chunk] = [c for c in cluster if c[:3] in common and c[3] == 0]
    appended: dict[int, tuple[bytes, ...]] = {}  # ours, where theirs append at one place
    for i1, i2, new, side in sorted(single, key=lambda c: c[3]):
        if i1 != i2 or i1 not in appended:
            result.append((i1, i2, new, side))
            if i1 == i2:
                appended[i1] = new
            continue
        # Both appended here: as blocks (an item with its sub-items, a blank line), the
        # blocks both begin and end with once, ours first, then theirs that ours has not
        # (the same item written by both stays one). An item's sub-items stay under it.
        mine = appended[i1]
        ours, others = _blocks(mine), _blocks(new)
        if _indent(mine) != _indent(new):
            return None  # sub-items of the item above beside new items
        lead = _shared(ours, others)
        trail = _shared(ours[lead:][::-1], others[lead:][::-1])
        theirs = [block for block in others[lead : len(others) - trail] if block not in ours]
        if {block[0] for block in theirs if block[0].strip()} & {block[0] for block in ours}:
            return None  # the same item written by both, with other sub-items
        joined = [*ours[: len(ours) - trail], *theirs, *ours[len(ours) - trail :]]
        merged = tuple(line for block in joined for line in block)
        result[result.index((i1, i2, mine, 0))] = (i1, i2, merged, 0)
    return result


def _indent(lines: tuple[bytes, ...]) -> int:
    """The least indentation of the lines that are not blank."""
    return min((len(line) - len(line.lstrip(b" \t")) for line in lines if line.strip()), default=0)


def _blocks(lines: tuple[bytes, ...]) -> list[tuple[bytes, ...]]:
    """Appended lines as blocks: a line indented least with the lines below it indented
    deeper (an item and its sub-items), a blank line on its own."""
    least, blocks = _indent(lines), list[tuple[bytes, ...]]()
    for line in lines:
        if blocks and blocks[-1][0].strip() and line.strip() and _indent((line,)) > least:
            blocks[-1] += (line,)
        else:
            blocks.append((line,))
    return blocks


def _shared(one: Sequence[object], other: Sequence[object]) -> int:
    """How many elements ``one`` and ``other`` begin with alike."""
    count = 0
    while count < min(len(one), len(other)) and one[count] == other[count]:
        count += 1
    return count


def merge_lines(base: list[bytes], ours: list[bytes], theirs: list[bytes]) -> list[bytes] | None:
    """The line-by-line merge described in the module docstring, or None."""
    merged = _merge(base, ours, theirs, markers=0)
    return None if merged is None else merged[0]


def _conflict(
    cluster: list[Chunk], base: list[bytes], size: int, with_base: bool
) -> tuple[bytes, ...]:
    """The lines a group of changes touches, as each side left them, between git's
    conflict markers (`size` long, labelled as git's own merge labels them); with the
    base's lines too where merge.conflictStyle asks for them (diff3, zdiff3)."""
    start, stop = min(c[0] for c in cluster), max(c[1] for c in cluster)
    near = [*base[max(start - 1, 0) : stop + 1], *(line for c in cluster for line in c[2])]
    eol = b"\r\n" if any(line.endswith(b"\r\n") for line in near) else b"\n"  # as git does
    sides: list[list[bytes]] = []
    for which in (0, 1):
        lines, position = [], start
        for i1, i2, new, _ in sorted(c for c in cluster if c[3] == which):
            lines += [*base[position:i1], *new]
            position = max(position, i2)
        lines += base[position:stop]
        sides.append([line if line.endswith(b"\n") else line + eol for line in lines])
    if sides[0] == sides[1]:
        return tuple(sides[0])
    marks = (b"<" * size + b" yours" + eol, b"=" * size + eol, b">" * size + b" theirs" + eol)
    old = [line if line.endswith(b"\n") else line + eol for line in base[start:stop]]
    middle = (b"|" * size + b" base" + eol, *old) if with_base else ()
    return (marks[0], *sides[0], *middle, marks[1], *sides[1], marks[2])


def _peeled(cluster: list[Chunk], base: list[bytes]) -> tuple[list[Chunk], list[Chunk]]:
    """A group that cannot be merged, split in two: the item changes of one side that
    share no line with a change of the other (a tick beside a clash), which merge as
    usual, and the clash, which keeps any of them that falls among its lines."""

    def apart(c: Chunk) -> bool:
        return _items_only(c, base) and not any(o[3] != c[3] and _meet(c, o) for o in cluster)

    clash = [c for c in cluster if not apart(c)] or cluster
    while True:  # a change among the clash's lines joins it
        span = (min(c[0] for c in clash), max(c[1] for c in clash), (), 0)
        if not (grown := [c for c in cluster if c not in clash and _meet(c, span)]):
            return [c for c in cluster if c not in clash], clash
        clash += grown


def _meet(one: Chunk, other: Chunk) -> bool:
    """Whether two changes touch the same base lines (or insert at one place)."""
    if one[0] == one[1]:
        return other[0] <= one[0] <= other[1]
    if other[0] == other[1]:
        return one[0] <= other[0] <= one[1]
    return one[0] < other[1] and other[0] < one[1]


def _merge(
    base: list[bytes],
    ours: list[bytes],
    theirs: list[bytes],
    *,
    markers: int,
    with_base: bool = False,
) -> tuple[list[bytes], int] | None:
    """The merged lines and how many groups of changes conflict. With ``markers`` (their
    length), each group that cannot be merged is left between conflict markers (see
    ``_conflict``) and the rest is merged; without, such a group makes the merge None."""
    mine, yours = _chunks(base, ours, 0), _chunks(base, theirs, 1)
    if mine is None or yours is None:
        return None
    conflicts = 0
    chunks = sorted(mine + yours, key=lambda c: (c[0], c[1], c[3]))
    applied: list[Chunk] = []
    cluster: list[Chunk] = []
    end = -1
    for chunk in [*chunks, None]:
        if chunk is not None and cluster and chunk[0] <= end:
            cluster.append(chunk)
            end = max(end, chunk[1])
            continue
        if cluster:
            resolved = _resolve(cluster, base)
            if resolved is None:
                if not markers:
                    return None
                conflicts += 1
                resolved, clash = _peeled(cluster, base)
                marked = _conflict(clash, base, markers, with_base)
                resolved.append((min(c[0] for c in clash), max(c[1] for c in clash), marked, 0))
            applied += resolved
        if chunk is not None:
            cluster, end = [chunk], chunk[1]
    out: list[bytes] = []
    position = 0
    # Insertions before replacements at the same line; ours before theirs.
    for i1, i2, new, _ in sorted(applied, key=lambda c: (c[0], c[1] > c[0], c[3])):
        out += base[position:i1]
        out += new
        position = max(position, i2)
    out += base[position:]
    # A side's last line without its newline, followed by more: two lines would be one.
    return None if any(not line.endswith(b"\n") for line in out[:-1]) else (out, conflicts)


def _signatures_merged(base: bytes, ours: bytes, theirs: bytes) -> bytes | None:
    """agreement.md: merge the rest of the file with both sides' signatures set aside,
    then put back the signature lists merged person by person."""
    from mentorjournal.edit.signing import with_signature
    from mentorjournal.format.document import parse_document
    from mentorjournal.format.layout import AGREEMENT

    docs = [parse_document(AGREEMENT, data) for data in (base, ours, theirs)]
    if not all(doc.parsed for doc in docs):
        return None
    lists = [doc.meta.get("signatures") or [] for doc in docs]
    if not all(isinstance(entries, list) for entries in lists):
        return None
    if lists[1] == lists[0] or lists[2] == lists[0] or lists[1] == lists[2]:
        return None  # at most one side signed: the plain merge decides

    b, o, t = ({str(e.get("by")): e for e in entries if isinstance(e, dict)} for entries in lists)
    merged: dict[str, Any] = {}
    for handle in [*o, *(h for h in t if h not in o), *(h for h in b if h not in o and h not in t)]:
        mine, yours, old = o.get(handle), t.get(handle), b.get(handle)
        if mine == yours or yours == old:
            choice = mine
        elif mine == old:
            choice = yours
        else:
            return None  # one person signed differently on each side
        if choice is not None:
            merged[handle] = choice
    base_text = base if lists[0] else with_signature(base, docs[0], [])
    ours_text = with_signature(ours, docs[1], lists[0])
    theirs_text = with_signature(theirs, docs[2], lists[0])
    body = _merge_text(base_text, ours_text, theirs_text)
    if body is None:
        return None
    result = parse_document(AGREEMENT, body)
    if not result.parsed:
        return None
    return with_signature(body, result, list(merged.values()))


def _merge_text(base: bytes, ours: bytes, theirs: bytes) -> bytes | None:
    clean = _git_merge_file(base, ours, theirs, marker_size=7)
    if clean[0] == 0:
        return clean[1]
    merged = merge_lines(*(_LINE.findall(data) for data in (base, ours, theirs)))
    return None if merged is None else b"".join(merged)


def merge_bytes(base: bytes, ours: bytes, theirs: bytes, *, name: str) -> bytes | None:
    """The merged file, or None when a person has to decide."""
    if Path(name).name == "agreement.md":
        signed = _signatures_merged(base, ours, theirs)
        if signed is not None:
            return signed
    merged = _merge_text(base, ours, theirs)
    if merged is None or merged == ours:
        return merged
    from mentorjournal.format.document import parse_document

    # Item-only merges never touch front matter; if it no longer parses, a person decides.
    before = parse_document(name, ours)
    return merged if parse_document(name, merged).parsed or not before.parsed else None


def _git_merge_file(
    base: bytes, ours: bytes, theirs: bytes, *, marker_size: int
) -> tuple[int, bytes]:
    """(conflict count, result) of git's own three-way merge of the three texts."""
    import tempfile

    with tempfile.TemporaryDirectory(prefix="mj-merge-") as folder:
        paths = [str(Path(folder, name)) for name in ("ours", "base", "theirs")]
        for path, data in zip(paths, (ours, base, theirs), strict=True):
            Path(path).write_bytes(data)
        labels = ["-L", "yours", "-L", "base", "-L", "theirs"]
        args = ["merge-file", "-p", f"--marker-size={marker_size}", *labels, *paths]
        # Its exit code counts the conflicts, up to 127; above, git failed.
        proc = gitrepo._run(Path(), args, ok_codes=range(128))
    return proc.returncode, proc.stdout


def run_driver(argv: list[str]) -> int:
    """`merge-driver BASE OURS THEIRS MARKER_SIZE PATH`, as git calls it: the result
    goes into OURS; 0 when merged, 1 when conflict markers were left for a person."""
    if len(argv) != 5:
        print("usage: mj merge-driver BASE OURS THEIRS MARKER_SIZE PATH", file=sys.stderr)
        return 2
    base_path, ours_path, theirs_path, size, name = argv
    base, ours, theirs = (Path(p).read_bytes() for p in (base_path, ours_path, theirs_path))
    try:
        merged = merge_bytes(base, ours, theirs, name=name)
    except MjError:
        merged = None
    if merged is not None:
        Path(ours_path).write_bytes(merged)
        return 0
    # A person decides only what clashes: the rest is merged around the markers.
    lines = (_LINE.findall(data) for data in (base, ours, theirs))
    style = gitrepo._run(Path(), ["config", "--get", "merge.conflictStyle"], ok_codes=range(256))
    with_base = style.stdout.strip() in (b"diff3", b"zdiff3")
    marked = _merge(*lines, markers=int(size or 7), with_base=with_base)
    if marked is not None and marked[1]:
        Path(ours_path).write_bytes(b"".join(marked[0]))
        return 1
    count, text = _git_merge_file(base, ours, theirs, marker_size=int(size or 7))
    Path(ours_path).write_bytes(text)
    return 1 if count else 0
