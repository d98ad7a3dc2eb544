"""An exact, import-light block scanner for the Markdown a session note is made of.

``items.extract_items`` only needs to know which list items open with a paragraph,
where that paragraph is and what it says. markdown-it-py answers that, but at a cost
two targets cannot bear (see "Why this twin stays" below). This module
re-implements the part of markdown-it-py's block parser (commonmark preset, the
configuration in ``items._parser``) that real notes use, line for line after its
``rules_block`` modules, and answers None ("not sure") as soon as the body holds
anything outside that part, so the caller falls back to markdown-it.

Handled exactly: ATX and setext headings, paragraphs (with lazy continuation lines),
blank lines, bullet and ordered lists at any indentation (the content column rule,
when a list may interrupt a paragraph, empty items), thematic breaks, indented code,
fenced code and ``<!-- -->`` HTML comments.

Answered None: tabs, carriage returns, NUL, the Unicode whitespace markdown-it trims
(U+00A0, U+2000..U+200A, ...) or Python's ``str.split`` splits on (U+001C..U+001F,
U+0085), a byte order mark, block quotes, every HTML block other than a comment,
anything that could be a link reference definition (the body holds ``]:``), and
lists nested more than ``_MAX_DEPTH`` items deep.

Nothing is imported here (not even ``re``): this runs on the fast paths.

Why this twin stays (measured 2026-12-01 with benchmarks/bench.py on 10,000
generated sessions, 2 cores, markdown-it-py 4.3.0, against the same code with
markdown-it for every body):

- cold ``mj validate``: 0.33x check-jsonschema through markdown-it, 0.22x with this
  scanner; the target is 0.25x. markdown-it's block parse takes ~196 us for a
  session body, this scanner ~35 us, and a cold run parses every body (CPU for the
  whole run: 4.6 s against 2.8 s).
- ``mj validate --staged`` with one changed note: 8.8x ``python -c pass`` against
  6.8x (6.3x before PyYAML replaced quickyaml); the target is "as before or
  close". Importing markdown-it costs ~30 ms; the check itself ~60 ms.
- ``mj status --json`` after an edit: 2.7x ``rg -n`` against 1.6x, within its
  3x target either way.

Remove it when markdown-it-py gets that much cheaper (re-run bench.py without it).
"""

from __future__ import annotations

# Characters whose handling differs between markdown-it (tabs expand to columns,
# CR and NUL are normalized, mdTrim strips a Unicode set) and this scanner, or
# between markdown-it and ``str.split``. A body with any of them is not ours.
# (Plain ``in`` tests: compiling the equivalent regex costs more at import than
# the tests cost on a whole session note.)
_ASCII_UNSURE = "\t\r\0\x0b\x0c\x1c\x1d\x1e\x1f"
_OTHER_UNSURE = (
    "\x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a"
    "\u2028\u2029\u202f\u205f\u3000\ufeff"
)
_MAX_DEPTH = 10


class _Unsure(Exception):
    """Raised when the body leaves the subset handled here."""


class _Scanner:
    """markdown-it-py's ``StateBlock`` for a tab-free body, with the rules as methods.

    Without tabs ``sCount`` (columns) and ``tShift`` (characters) are the same
    number, so one list ``ind`` holds both; ``lines`` has no line breaks and ends
    with the fake empty line markdown-it appends. A rule is only tried at a line that
    is not blank, indented less than 4 past ``blk`` and opening with its marker (the
    callers check), so the rules skip markdown-it's own checks of those.
    """

    __slots__ = ("after_item", "blk", "depth", "ind", "line", "lines", "list_indent", "n", "out")

    def __init__(self, lines: list[str], ind: list[int]) -> None:
        self.lines = lines
        self.ind = ind
        self.n = len(lines) - 1  # lineMax: the fake last line does not count
        self.blk = 0  # blkIndent
        self.list_indent = -1  # listIndent
        self.line = 0
        self.depth = 0  # open list items
        self.after_item = False  # the last token pushed was list_item_open
        self.out: list[tuple[int, int, str]] = []

    # -- parser_block.tokenize -------------------------------------------------

    def tokenize(self, line: int, end: int) -> None:
        lines, ind, n = self.lines, self.ind, self.n
        while line < end:
            while line < n and ind[line] >= len(lines[line]):
                line += 1
            self.line = line
            if line >= end or ind[line] < self.blk:
                break
            self.block(line, end)
            line = self.line
            if line < end and ind[line] >= len(lines[line]):
                line += 1
                self.line = line

    def block(self, line: int, end: int) -> None:
        """Try the block rules in the commonmark preset's order at a non-empty line."""
        text, pos = self.lines[line], self.ind[line]
        if pos - self.blk >= 4:
            self.code(line, end)
            return
        char = text[pos]
        if char in "`~" and self.fence(line, end, False):
            return
        if char == ">":
            raise _Unsure  # blockquote
        if char in "*-_" and self.hr(line, False):
            return
        if self.list_block(line, end):
            return
        # reference: cannot match, the body holds no "]:" (checked up front)
        if char == "<" and self.html_block(line, end, False):
            return
        if char == "#" and self.heading(line, False):
            return
        self.lheading_or_paragraph(line)

    # -- rules_block -----------------------------------------------------------

    def code(self, line: int, end: int) -> None:
        lines, ind = self.lines, self.ind
        last = following = line + 1
        while following < end:
            blank = ind[following] >= len(lines[following])
            if not blank and ind[following] - self.blk < 4:
                break
            following += 1
            if not blank:
                last = following
        self.line = last
        self.after_item = False

    def fence(self, line: int, end: int, silent: bool) -> bool:
        text, pos = self.lines[line], self.ind[line]
        marker = text[pos]
        rest = text[pos:].lstrip(marker)
        length = len(text) - pos - len(rest)
        if length < 3 or (marker == "`" and "`" in rest):
            return False
        if silent:
            return True
        lines, ind = self.lines, self.ind
        following = line + 1
        while following < end:
            other, start = lines[following], ind[following]
            if start < len(other) and start < self.blk:
                break
            if start < len(other) and other[start] == marker and start - self.blk < 4:
                after = other[start:].lstrip(marker)
                if len(other) - start - len(after) >= length and not after.strip(" "):
                    following += 1  # the closing fence belongs to the block
                    break
            following += 1
        self.line = following
        self.after_item = False
        return True

    def hr(self, line: int, silent: bool) -> bool:
        text, pos = self.lines[line], self.ind[line]
        marker = text[pos]
        count = 0
        for char in text[pos:]:  # every bullet comes here first: stop at its text
            if char == marker:
                count += 1
            elif char != " ":
                return False
        if count < 3:
            return False
        if not silent:
            self.line = line + 1
            self.after_item = False
        return True

    def html_block(self, line: int, end: int, silent: bool) -> bool:
        text, pos = self.lines[line], self.ind[line]
        if not text.startswith("<!--", pos):
            # Other HTML blocks (and "<" lines that are none) need markdown-it's regexes.
            raise _Unsure
        if silent:
            return True  # a comment may interrupt a paragraph
        lines, ind = self.lines, self.ind
        following = line + 1
        if "-->" not in text[pos:]:
            while following < end:
                other, start = lines[following], ind[following]
                # A comment ends only at "-->"; an outdented non-blank line ends it early.
                if start < self.blk and start < len(other):
                    break
                following += 1
                if "-->" in other[start:]:
                    break
        self.line = following
        self.after_item = False
        return True

    def heading(self, line: int, silent: bool) -> bool:
        text = self.lines[line]
        pos = self.ind[line] + 1
        maximum = len(text)
        level = 1
        while pos < maximum and text[pos] == "#" and level <= 6:
            level += 1
            pos += 1
        if level > 6 or (pos < maximum and text[pos] != " "):
            return False
        if not silent:
            self.line = line + 1
            self.after_item = False
        return True

    def ends_list(self, line: int) -> bool:
        """``getRules("list")``: fence, blockquote, hr."""
        char = self.lines[line][self.ind[line]]
        if char in "`~" and self.fence(line, 0, True):
            return True
        if char == ">":
            raise _Unsure
        return char in "*-_" and self.hr(line, True)

    def terminates_paragraph(self, line: int) -> bool:
        """``getRules("paragraph")``: fence, blockquote, hr, list, html_block, heading."""
        if self.ends_list(line) or self.list_interrupts(line):
            return True
        char = self.lines[line][self.ind[line]]
        if char == "<" and self.html_block(line, 0, True):
            return True
        return char == "#" and self.heading(line, True)

    def lheading_or_paragraph(self, line: int) -> None:
        """lheading, then paragraph: both scan the same lines, lheading also for an underline."""
        lines, ind, blk = self.lines, self.ind, self.blk
        n = self.n  # paragraph runs to lineMax; lheading to endLine, the same here
        following = line + 1
        while following < n:
            text, start = lines[following], ind[following]
            if start >= len(text):
                break
            if start - blk > 3:
                following += 1
                continue
            if start >= blk:
                marker = text[start]
                if marker in "-=" and not text[start:].rstrip(" ").strip(marker):
                    self.line = following + 1  # a setext heading, not a paragraph
                    self.after_item = False
                    return
            if self.terminates_paragraph(following):
                break
            following += 1
        if self.after_item:
            # getLines(line, following, blkIndent): each line loses up to blkIndent columns
            # of indentation (for an item's first line, the marker counts as indentation).
            if following == line + 1:
                content = lines[line][min(blk, ind[line]) :]
            else:
                content = "\n".join(
                    [lines[index][min(blk, ind[index]) :] for index in range(line, following)]
                )
            self.out.append((line, self.depth - 1, content.strip(" \n")))
            self.after_item = False
        self.line = following

    # -- rules_block/list.py ---------------------------------------------------

    @staticmethod
    def skip_bullet(text: str, pos: int) -> int:
        if pos >= len(text) or text[pos] not in "*-+" or text[pos + 1 : pos + 2] not in ("", " "):
            return -1
        return pos + 1

    @staticmethod
    def skip_ordered(text: str, pos: int) -> int:
        """After the delimiter of 1 to 9 digits and ``.`` or ``)``, followed by a space
        or the end of the line; else -1."""
        digits = pos
        while digits < len(text) and "0" <= text[digits] <= "9":
            digits += 1
        if not 0 < digits - pos < 10 or digits >= len(text) or text[digits] not in ").":
            return -1
        after = digits + 1
        return after if after >= len(text) or text[after] == " " else -1

    def list_interrupts(self, line: int) -> bool:
        """list_block in validation mode, called with parentType == "paragraph"."""
        text, pos = self.lines[line], self.ind[line]
        if self.list_indent >= 0 and pos - self.list_indent >= 4 and pos < self.blk:
            return False
        terminating = pos >= self.blk
        after = self.skip_ordered(text, pos)
        if after >= 0:
            if terminating and int(text[pos : after - 1]) != 1:
                return False
        else:
            after = self.skip_bullet(text, pos)
            if after < 0:
                return False
        return not (terminating and not text[after:].strip(" "))

    def list_block(self, start_line: int, end: int) -> bool:
        lines, ind = self.lines, self.ind
        text, pos = lines[start_line], ind[start_line]
        if self.list_indent >= 0 and pos - self.list_indent >= 4 and pos < self.blk:
            return False
        after = self.skip_ordered(text, pos)
        ordered = after >= 0
        if not ordered:
            after = self.skip_bullet(text, pos)
            if after < 0:
                return False
        marker_char = text[after - 1]
        self.after_item = False  # bullet_list_open / ordered_list_open

        following = start_line
        while following < end:
            text = lines[following]
            maximum = len(text)
            content_start = after  # no tabs: the column right after the marker
            while content_start < maximum and text[content_start] == " ":
                content_start += 1
            gap = content_start - after  # indent_after_marker, 1 when blank or over 4
            indent = after + (gap if content_start < maximum and gap <= 4 else 1)

            # list_item_open
            self.depth += 1
            if self.depth > _MAX_DEPTH:
                raise _Unsure
            self.after_item = True
            old_shift = ind[start_line]
            old_list_indent = self.list_indent
            self.list_indent = self.blk
            self.blk = indent
            ind[start_line] = content_start
            if content_start >= maximum and ind[start_line + 1] >= len(lines[start_line + 1]):
                # an empty item followed by a blank line: the item ends there
                self.line = min(self.line + 2, end)
            else:
                self.tokenize(start_line, end)
            self.blk = self.list_indent
            self.list_indent = old_list_indent
            ind[start_line] = old_shift
            # list_item_close
            self.depth -= 1
            self.after_item = False

            following = start_line = self.line
            if following >= end:
                break
            text, pos = lines[following], ind[following]
            if pos < self.blk or pos - self.blk >= 4:
                break
            if pos < len(text) and self.ends_list(following):
                break
            after = self.skip_ordered(text, pos) if ordered else self.skip_bullet(text, pos)
            if after < 0 or text[after - 1] != marker_char:
                break

        self.line = following  # list close
        self.after_item = False
        return True


def item_paragraphs(body: str) -> list[tuple[int, int, str]] | None:
    """What markdown-it reports for each list item that opens with a paragraph, or None.

    For every ``list_item_open`` token followed by ``paragraph_open``, in document
    order: the paragraph's first line (0-based, ``paragraph.map[0]``), the number of
    enclosing list items minus one, and the paragraph's inline content, exactly as
    markdown-it-py's commonmark preset (``maxNesting`` 100, inline rules off) gives
    them. None means the body uses Markdown this scanner does not handle exactly;
    the caller must then ask markdown-it.
    """
    if "]:" in body:
        return None
    for char in _ASCII_UNSURE:
        if char in body:
            return None
    if not body.isascii():
        for char in _OTHER_UNSURE:
            if char in body:
                return None
    lines = body.split("\n")
    if body.endswith("\n") or not lines[-1].strip(" "):
        # No line after a final newline; a final line of only spaces gets none either.
        lines.pop()
    ind = [len(text) - len(text.lstrip(" ")) for text in lines]
    lines.append("")
    ind.append(0)
    scanner = _Scanner(lines, ind)
    try:
        scanner.tokenize(0, scanner.n)
    except _Unsure:
        return None
    return scanner.out
