"""`mj agreement` as text, Markdown, HTML (one or two A4 pages) and PDF (printed by Chromium).

The HTML is self-contained (inline CSS, no script, every value escaped; the pair's
Markdown is rendered with raw HTML off), so it opens offline and prints as it shows.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import textwrap
from html import escape
from pathlib import Path

from mentorjournal.errors import MjError
from mentorjournal.reports.agreement import AgreementDocument, Section, Signature

BROWSERS = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "chrome")
STATE_WORDS = {
    "signed": "signed",
    "stale": "signed an earlier text: sign again",
    "invalid": "does not count (`mj validate` says why)",
    "not signed": "not signed yet",
}


def _dates(doc: AgreementDocument) -> str:
    said = [f"from {doc.start}" if doc.start else "", f"review {doc.review}" if doc.review else ""]
    said.append(f"phase {doc.phase}" if doc.phase is not None else "")
    return " · ".join(part for part in said if part)


def _signature_line(sig: Signature) -> tuple[str, str]:
    who = f"{sig.name} ({sig.role or 'other'}, @{sig.handle})"
    return who, STATE_WORDS[sig.state]


def agreement_text(doc: AgreementDocument, width: int = 80) -> str:
    """For the terminal: wrapped to ``width``, sections indented under their headings."""
    out = [doc.title.upper(), doc.pair, _dates(doc)]

    def para(text: str, indent: str = "  ") -> None:
        for block in text.split("\n\n"):
            lines = block.split("\n")
            bullet = [line.lstrip()[:1] in ("-", "*", "+") for line in lines if line.strip()]
            for line in lines if all(bullet) else [" ".join(lines)]:  # a list keeps its lines
                shown, more = (line.strip(), indent + "  ") if all(bullet) else (line, indent)
                out.extend(
                    textwrap.wrap(shown, width, initial_indent=indent, subsequent_indent=more)
                )

    for section in doc.sections:
        out.append("")
        if section.heading:
            out.append(section.heading + ("  [to write together]" if section.unwritten else ""))
        for fact in section.facts:
            out.extend(textwrap.wrap(fact, width, initial_indent="  • ", subsequent_indent="    "))
        if section.text:
            para(section.text)
    out += ["", "Signatures"]
    for sig in doc.signatures:
        who, state = _signature_line(sig)
        out.append(f"  {who}: {state}" + (f" ({sig.date})" if sig.date else ""))
    return "\n".join(line.rstrip() for line in out)


def agreement_markdown(doc: AgreementDocument) -> str:
    out = [f"# {doc.title}", "", f"**{doc.pair}**  ", _dates(doc)]
    for section in doc.sections:
        out.append("")
        if section.heading:
            out += [f"## {section.heading}", ""]
        out += [f"- {fact}" for fact in section.facts]
        if section.facts and section.text:
            out.append("")
        if section.text:
            out.append(section.text)
    out += ["", "## Signatures", "", "| Who | Signature | Date |", "| --- | --- | --- |"]
    for sig in doc.signatures:
        who, state = _signature_line(sig)
        out.append(f"| {who.replace('|', '/')} | {state} | {sig.date or ''} |")
    return "\n".join(out) + "\n"


CSS = """
@page{size:A4;margin:13mm 14mm}
body{font:9.5pt/1.34 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#111827;margin:0;
background:#fff}
main{max-width:780px;margin:0 auto;padding:16px}
h1{font-size:17pt;margin:0;line-height:1.2}.pair{font-size:11.5pt;margin:2px 0 0}
.dates{color:#6b7280;margin:2px 0 10px}
.sections{column-count:2;column-gap:20px}
section{margin:0 0 7px}
h2{font-size:10.5pt;margin:0 0 2px;color:#1e3a8a;border-bottom:1px solid #e5e7eb;
break-after:avoid}
p,ul{margin:2px 0}ul{padding-left:15px}li{break-inside:avoid}
ul.facts{list-style:none;padding:0}ul.facts li{background:#eff6ff;border-radius:4px;
padding:1px 6px;margin:2px 0}
.todo{color:#9a3412;font-style:italic}.todo::before{content:"✎ to write together";
font-weight:600}
.sign{break-inside:avoid;margin-top:8px}
table{border-collapse:collapse;width:100%}
th,td{text-align:left;padding:4px 8px;border-bottom:1px solid #e5e7eb;vertical-align:top}
.signed{color:#047857}.stale,.not-signed{color:#b45309}.invalid{color:#b91c1c}
@media (max-width:600px){.sections{column-count:1}main{padding:12px}}
"""


def _section_html(section: Section) -> str:
    out = ["<section>"]
    if section.heading:
        out.append(f"<h2>{escape(section.heading)}</h2>")
    if section.facts:
        out.append('<ul class="facts">')
        out += [f"<li>{escape(fact)}</li>" for fact in section.facts]
        out.append("</ul>")
    if section.text:
        from markdown_it import MarkdownIt

        css = ' class="todo"' if section.unwritten else ""
        html = MarkdownIt("commonmark", {"html": False}).render(section.text)
        out.append(f"<div{css}>{html}</div>")
    out.append("</section>")
    return "".join(out)


def agreement_html(doc: AgreementDocument) -> str:
    out = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        # A pushed agreement's ![](http://...) must not make the reader's browser (or
        # the Chromium that prints the PDF) call a server: local and inline only.
        '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; '
        "style-src 'unsafe-inline'; img-src data: file:\">",
        f"<title>{escape(doc.title)}: {escape(doc.pair)}</title>",
        f"<style>{CSS}</style></head><body><main>",
        f"<h1>{escape(doc.title)}</h1>",
        f'<p class="pair">{escape(doc.pair)}</p>',
        f'<p class="dates">{escape(_dates(doc))}</p>',
        '<div class="sections">',
        *(_section_html(section) for section in doc.sections),
        "</div>",
        '<div class="sign"><h2>Signatures</h2>',
        "<table><tr><th>Who</th><th>Signature</th><th>Date</th></tr>",
    ]
    for sig in doc.signatures:
        who, state = _signature_line(sig)
        css = sig.state.replace(" ", "-")
        out.append(
            f'<tr><td>{escape(who)}</td><td class="{css}">{escape(state)}</td>'
            f"<td>{escape(sig.date or '')}</td></tr>"
        )
    out.append("</table></div></main></body></html>")
    return "\n".join(out) + "\n"


def browser() -> str | None:
    """A Chromium-family browser on PATH (MJ_BROWSER names another)."""
    named = os.environ.get("MJ_BROWSER")
    if named:
        return shutil.which(named)
    return next((found for name in BROWSERS if (found := shutil.which(name))), None)


def print_pdf(html: str, timeout: float = 120) -> bytes:
    """``html`` printed to A4 PDF by headless Chromium; MjError naming what to install."""
    program = browser()
    if program is None and os.environ.get("MJ_BROWSER"):
        raise MjError(
            f"MJ_BROWSER names {os.environ['MJ_BROWSER']!r}, which is not a program on PATH: "
            "set it to a Chromium-family browser (a path or a name), or unset it"
        )
    if program is None:
        raise MjError(
            "a PDF needs Chromium (or Google Chrome) to print it, and none is installed: "
            "install `chromium` (Debian/Ubuntu: `sudo apt install chromium`), or write "
            "`--format html` and print that from any browser"
        )
    with tempfile.TemporaryDirectory(prefix="mj-agreement-") as folder:
        page, pdf = Path(folder) / "agreement.html", Path(folder) / "agreement.pdf"
        page.write_text(html, encoding="utf-8")
        command = [
            program, "--headless", "--disable-gpu", "--no-first-run", "--disable-sync",
            "--disable-background-networking", "--disable-component-update",
            f"--user-data-dir={Path(folder) / 'profile'}", "--no-pdf-header-footer",
            f"--print-to-pdf={pdf}", page.as_uri(),
        ]  # fmt: skip
        if os.geteuid() == 0:  # Chromium refuses to run as root with its sandbox
            command.insert(2, "--no-sandbox")
        try:
            subprocess.run(command, capture_output=True, timeout=timeout, check=False)
        except (OSError, subprocess.TimeoutExpired) as exc:
            raise MjError(f"{program} could not print the agreement: {exc}") from None
        if not pdf.is_file() or pdf.stat().st_size == 0:
            raise MjError(f"{program} printed no PDF; try `--format html` and print that")
        return pdf.read_bytes()
