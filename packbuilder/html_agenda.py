"""The HTML agenda: a web page published beside a pack, for people who do not want a PDF.

A PDF pack, even a well tagged one, is heavy on a phone and awkward for some assistive technology; a
council's website is expected to give the agenda as a web page too (WCAG 2.1 AA, the Public Sector
Bodies Accessibility Regulations 2018). The page says what the frontsheet says, from the same data
(`frontsheet.context`, and the layout the frontsheet's page references come from), so the two
cannot disagree: the meeting's details, then every item with its purpose, notes, lead and time,
and for each paper a link into the pack.

The links use named destinations (``pack.pdf#nameddest=item-4-paper-1``, written into the pack by
`assemble`) rather than page numbers: a page number in a link is a physical page, which moves
whenever the frontsheet grows by a page; a named destination moves with the paper. Exempt items
appear with their exempt note (`exclusion.note`) and no papers, items to follow and verbal items
say so.

Standalone: one file, no script, no external style sheet or font, so it works wherever it is put.
"""

from __future__ import annotations

import datetime as dt
import itertools
import os
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from html import escape
from pathlib import Path
from typing import Any, NamedTuple
from urllib.parse import quote

from packbuilder import frontsheet
from packbuilder.assemble import destination
from packbuilder.dates import long_date
from packbuilder.layout import Layout, PlacedItem
from packbuilder.model import AgendaItem, Meeting
from packbuilder.plan import ANNEX_WORDS, PackSpec
from packbuilder.richtext import Block

STYLE = """
body { font-family: Arial, "Liberation Sans", sans-serif; font-size: 1.1875rem; line-height: 1.5;
  color: #0b0c0c; background: #fff; margin: 0; }
main { max-width: 48rem; margin: 0 auto; padding: 1rem 1.25rem 3rem; overflow-wrap: anywhere; }
a { color: #1d4f91; text-decoration: underline; }
a:visited { color: #4c2c92; }
a:focus { outline: 3px solid #fd0; background: #fd0; color: #0b0c0c; text-decoration: none; }
.skip-link { position: absolute; left: -9999px; top: 0; padding: 0.5rem 1rem; }
.skip-link:focus { left: 0; }
h1 { font-size: 2rem; line-height: 1.2; margin: 1rem 0 0.5rem; }
h2 { font-size: 1.5rem; margin: 2rem 0 0.5rem; }
h3 { font-size: 1.25rem; margin: 0 0 0.25rem; }
dl.details { display: grid; grid-template-columns: max-content minmax(0, 1fr); gap: 0.25rem 1rem; }
dl.details dt { font-weight: bold; }
dl.details dd { margin: 0; min-width: 0; }
dl.details dd p, dl.details dd ul.notes, dl.details dd ol.points { margin: 0.25rem 0 0; }
dl.details dd > :first-child { margin-top: 0; }
@media (max-width: 30em) {
  dl.details { grid-template-columns: minmax(0, 1fr); }
  dl.details dd { margin-bottom: 0.5rem; }
}
ul.items { list-style: none; padding: 0; }
ul.items > li { border-top: 1px solid #505a5f; padding: 1rem 0; }
.note { font-weight: bold; }
.papers-label { margin-bottom: 0; }
ul.papers { margin-top: 0.25rem; }
.exclusion p { font-style: italic; }
.exempt { font-weight: bold; }
ul.notes, ol.points { margin: 0.5rem 0 1rem; }
ul.notes { list-style: disc; }
ol.points { list-style: none; padding-left: 1.5rem; }
h3.section { font-size: 1.375rem; margin-top: 1rem; }
ul.items > li.section { border-top: none; padding-bottom: 0; }
ul.items > li.break p { margin: 0; }
ul.items > li.exclusion { padding-bottom: 0; }
"""


def _e(value: object) -> str:
    return escape(str(value), quote=True)


def _lines(value: object) -> str:
    """A cell's text with its line breaks kept (as the frontsheet keeps them)."""
    return "<br>".join(_e(line) for line in str(value).splitlines())


def _field(field: dict[str, Any]) -> str:
    """A cell of free text as the frontsheet lays it out (`frontsheet.field`): a Meeting-sheet
    value, or an item's lead, in its <dd>: its first lines, then its further paragraphs, bullets
    and numbered points (`_blocks`)."""
    first = [_lines(field["first"])] if field["first"] else []
    return "".join(first + _blocks(field["more"]))


def _blocks(blocks: Sequence[Block]) -> list[str]:
    """Paragraphs (line breaks kept), bullets as a list, numbered points as a list keeping their
    typed numbers: the one way cell text is written on this page (an item's purpose and notes, a
    heading's notes, the Meeting sheet's values), as the frontsheet prints it."""
    out: list[str] = []
    for kind, group in itertools.groupby(blocks, key=lambda b: b.kind):
        if kind == "paragraph":
            out += [f"<p>{_lines(b.text)}</p>" for b in group]
        else:
            tag = 'ul class="notes"' if kind == "bullet" else 'ol class="points"'
            rows = "".join(f"<li>{_lines(b.text)}</li>" for b in group)
            out.append(f"<{tag}>{rows}</{tag.split()[0]}>")
    return out


def _one_line(value: object) -> str:
    """A cell's text on one line, for a heading or the page's title."""
    return _e(" ".join(str(value).split()))


def _bdi(html: str) -> str:
    """Spreadsheet text set among words of the page's own ("Agenda: ", "4. ", " (PDF, pages 3
    to 5)"), isolated: a title in Arabic or Hebrew would otherwise draw the item's number or the
    page numbers beside it into its right-to-left run, and read them in the wrong order."""
    return f"<bdi>{html}</bdi>"


def _time(value: dt.date | dt.time | None, text: str) -> str:
    if value is None:
        return _e(text)
    iso = value.strftime("%H:%M") if isinstance(value, dt.time) else value.isoformat()
    return f'<time datetime="{iso}">{_e(text)}</time>'


def _pages(first: int, last: int) -> str:
    return f"page {first}" if first == last else f"pages {first} to {last}"


@dataclass(frozen=True)
class Later:
    """Where the papers of an item "to follow" on this agenda were published since: a public
    supplement beside it (its label, PDF and where the item lies in it)."""

    label: str
    pdf_name: str
    item: AgendaItem
    placed: PlacedItem


def later_papers(
    meeting: Meeting, spec: PackSpec, specs: Sequence[PackSpec], layouts: Sequence[Layout]
) -> dict[str, Later]:
    """For the public agenda pack `spec`, each item whose papers it lacks ("to follow") and a
    public supplement of the same build carries (`specs`, with their `layouts`), by number: its
    HTML agenda, a web page and not the published PDF, can then say where they are. Never a
    private supplement, so never an exempt paper."""
    if spec.is_supplement or spec.private:
        return {}
    here = {item.number for item in spec.included}
    out: dict[str, Later] = {}
    for other, layout in zip(specs, layouts, strict=True):
        if not other.is_supplement or other.private:
            continue
        for item in other.included:
            placed = layout.item(item.number)
            if item.number not in here and item.number not in out and placed is not None:
                label = frontsheet.supplement_name(other)
                out[item.number] = Later(label, other.filename(meeting), item, placed)
    return out


def html_agenda(
    meeting: Meeting,
    spec: PackSpec,
    layout: Layout,
    published: dt.date,
    pdf_name: str,
    published_line: str | None = None,
    later: dict[str, Later] | None = None,
) -> str:
    """The HTML agenda of a pack, whose PDF is `pdf_name` in the same folder; `published_line` is
    the frontsheet's "Published" text (by default the date); `later`, where papers "to follow"
    were published since (`later_papers`)."""
    ctx = frontsheet.context(meeting, spec, layout, published_line or long_date(published))
    href = quote(pdf_name)
    kind = ctx["supplement_name"] or "Agenda"  # ("Supplementary pack", as the frontsheet says)
    draft = "DRAFT - " if spec.draft else ""  # (as the pack's title begins)
    title = f"{draft}{kind}: {ctx['title']}"
    heading = f"{_e(draft)}{_e(kind)}: {_bdi(_one_line(ctx['title']))}"
    out = [
        "<!DOCTYPE html>",
        '<html lang="en-GB">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{_one_line(title)}</title>",
        f"<style>{STYLE}</style>",
        "</head>",
        "<body>",
        '<a class="skip-link" href="#items">Skip to the agenda items</a>',
        "<main>",
        f"<h1>{heading}</h1>",
    ]
    if spec.draft:
        out.append(
            f'<p class="note">DRAFT, not published: a draft to check, made '
            f"{_time(published, long_date(published))}. This is not the published agenda.</p>"
        )
    if ctx["private"]:
        out.append(
            '<p class="note">Private: not for publication. This agenda belongs with the pack that '
            f"includes {_e(spec.members_only)}, for members only.</p>"
        )
    out += _details(meeting, ctx)
    pages = layout.total
    out.append(
        f'<p>All the papers are in one PDF: <a href="{href}">{_e(_pack_words(kind))} '
        f"(PDF, {pages} numbered page{'s' if pages != 1 else ''})</a>. "
        "Page numbers below are the numbers printed on the pack's pages.</p>"
    )
    if ctx["supplement"]:
        out.append(
            f"<p>Additional information relating to agenda {_e(ctx['supplement_word'])} "
            f"{_e(ctx['supplement_items'])}.</p>"
        )
    out.append('<h2 id="items">Agenda items</h2>')
    out.append('<ul class="items">')
    papers = {item.number: item for item in spec.included if not item.annex}
    # a private pack's exempt minutes, after every public page (`plan.annex`)
    annexes = {item.number: item for item in spec.included if item.annex}
    for row in ctx["items"]:
        if row["kind"] != "item":  # a heading, a resolution or a break: no number, no id, no papers
            out += _section_row(row)
            continue
        number = row["number"]
        out += _item(
            row, papers.get(number), layout, href, (later or {}).get(number), annexes.get(number),
            Headings.of(ctx),
        )  # fmt: skip
    out.append("</ul>")
    if ctx["published"]:  # a draft's says it is not published: no date a machine reads as one
        said = _e(ctx["published"]) if spec.draft else _time(published, ctx["published"])
        out.append(f"<p>Published {said}.</p>")
    out += ["</main>", "</body>", "</html>", ""]
    return "\n".join(line for line in out if line)


def _details(meeting: Meeting, ctx: dict[str, Any]) -> list[str]:
    out = ['<dl class="details">']
    out.append(f"<dt>Date</dt><dd>{_time(meeting.date, ctx['date'])}</dd>")
    when = _time(meeting.start_time, ctx["start"])
    if meeting.end_time:
        when += f" to {_time(meeting.end_time, ctx['end'])}"
    out.append(f"<dt>Time</dt><dd>{when}</dd>")
    if ctx["venue"]:
        out.append(f"<dt>Place</dt><dd>{_field(ctx['venue_field'])}</dd>")
    if ctx["chair"]:
        out.append(f"<dt>Chair</dt><dd>{_field(ctx['chair_field'])}</dd>")
    for d in ctx["details"]:
        out.append(f"<dt>{_one_line(d['label'])}</dt><dd>{_field(d)}</dd>")
    contact = ctx["contact"]
    if contact["name"] or contact["email"] or contact["phone"]:
        parts = [_e(contact["name"])] if contact["name"] else []
        if contact["phone"]:
            tel = "".join(c for c in contact["phone"] if c.isdigit() or c == "+")
            parts.append(f'telephone <a href="tel:{_e(tel)}">{_e(contact["phone"])}</a>')
        if contact["email"]:
            mail = _e(contact["email"])
            parts.append(f'email <a href="mailto:{mail}">{mail}</a>')
        out.append(f"<dt>Contact</dt><dd>{', '.join(parts)}</dd>")
    out.append(f"<dt>Body</dt><dd>{_one_line(ctx['body'])}</dd>")
    out.append("</dl>")
    return out


def _pack_words(kind: str) -> str:
    """ "agenda pack", "supplementary pack": the pack, as the sentence linking it names it."""
    return kind.lower() if "pack" in kind.lower() else f"{kind.lower()} pack"


def _section_row(row: dict[str, Any]) -> list[str]:
    """A heading of the agenda ("Agenda Items for Discussion:"), as the frontsheet shows it, the
    resolution excluding the press and public before a run of exempt items, or a break with its
    time."""
    if row["kind"] == "exclusion":
        return [
            '<li class="exclusion"><p><strong>Exclusion of the press and public.'
            f"</strong> {_e(row['exclusion'])}</p></li>"
        ]
    title = _bdi(_one_line(row["title"]))
    if row["kind"] == "heading":
        heading = f'<li class="section"><h3 class="section">{title}</h3>'
        return [heading, *_blocks(row["notes"]), "</li>"]
    when = row["time"] or row["start"]
    return [f'<li class="break"><p><em>{title}</em>{f", {_e(when)}" if when else ""}</p></li>']


class Headings(NamedTuple):
    """The words the frontsheet heads its columns with, which label an item's facts here: the
    lead ("Presented by", "Who": `frontsheet.lead_heading`), the purpose (the table style's
    "Decision required" column, or what the Meeting sheet calls it; the list style prints the
    purpose under the title, unlabelled: "") and the time ("Time (approx.)" in the table style:
    `frontsheet.time_heading`)."""

    lead: str = "Lead"
    purpose: str = ""
    time: str = "Time"

    @classmethod
    def of(cls, ctx: dict[str, Any]) -> Headings:
        """As the frontsheet's context (`frontsheet.context`) gives them."""
        purpose = ctx["purpose_heading"] if ctx["table_style"] else ""
        return cls(ctx["lead_heading"], purpose, ctx["time_heading"])


def _item(  # noqa: PLR0913
    row: dict[str, Any],
    item: Any,
    layout: Layout,
    href: str,
    later: Later | None = None,
    annex: AgendaItem | None = None,
    headings: Headings | None = None,
) -> list[str]:
    """An item's entry; its facts labelled as the frontsheet heads its columns (`Headings`)."""
    headings = headings or Headings()
    number = row["number"]
    out = [f'<li id="{_e(destination(number))}">']
    out.append(f"<h3>{_e(row['number_label'])} {_bdi(_one_line(row['title']))}</h3>")
    purpose = _purpose(row)
    if purpose and not headings.purpose:  # (the list style: under the title, unlabelled)
        out.append(purpose)
    out += _blocks(row["notes"])
    out += _facts(row, headings, purpose if headings.purpose else "")
    placed = layout.item(number) if item is not None else None
    if row["exempt"] and placed is None:
        out.append(f'<p class="exempt">{_e(row["note"])}</p>')
    elif placed is not None and item is not None:
        if row["exempt"] and row["exempt_note"]:
            out.append(f'<p class="exempt">{_e(row["exempt_note"])}</p>')
        out.append('<p class="papers-label">Papers:</p>')
        out += _paper_links(item, placed, href, "Papers")
        extra = layout.item(annex.key) if annex is not None else None
        if annex is not None and extra is not None:  # (a private pack's: `plan.annex`)
            words = ANNEX_WORDS.capitalize()
            out.append(f'<p class="papers-label">{words}, not for publication:</p>')
            out += _paper_links(annex, extra, href, words)
    elif row["note"]:
        out.append(f'<p class="note">{_e(row["note"])}</p>')
    if later is not None:  # an item to follow whose papers a supplement carries since
        out.append(
            f'<p class="papers-label">Published since in the <a href="{quote(later.pdf_name)}">'
            f"{_e(later.label.lower())} (PDF)</a>:</p>"
        )
        out += _paper_links(
            later.item, later.placed, quote(later.pdf_name), "Papers published since"
        )
    out.append("</li>")
    return out


def _purpose(row: dict[str, Any]) -> str:
    """An item's purpose: its lines and bullets, or as typed when it has no bullets (as it always
    was)."""
    if row["purpose_field"]["bullets"]:
        return "".join(_blocks(row["purpose_field"]["blocks"]))
    return f"<p>{_lines(row['purpose'])}</p>" if row["purpose"] else ""


def _facts(row: dict[str, Any], headings: Headings, purpose: str) -> list[str]:
    """An item's lead, `purpose` (the table style's column) and time, labelled as the frontsheet
    heads their columns."""
    facts = []
    if row["lead"]:
        lead = _field(row["lead_field"]) if row["lead_field"]["bullets"] else _lines(row["lead"])
        facts.append(f"<dt>{_one_line(headings.lead)}</dt><dd>{lead}</dd>")
    if purpose:
        facts.append(f"<dt>{_one_line(headings.purpose)}</dt><dd>{purpose}</dd>")
    if row["start"] or row["minutes"]:
        when = ", ".join(x for x in (row["start"], row["minutes"]) if x)
        facts.append(f"<dt>{_one_line(headings.time)}</dt><dd>{_e(when)}</dd>")
    return ['<dl class="details">' + "".join(facts) + "</dl>"] if facts else []


def _paper_links(item: AgendaItem, placed: PlacedItem, href: str, label: str) -> list[str]:
    """An item's papers, each linked to its first page in the pack `href` (a named destination),
    with the pages it takes there."""
    out = [f'<ul class="papers" aria-label="{_e(label)}">']
    for k, (paper, doc) in enumerate(zip(item.papers, placed.documents, strict=True), 1):
        out.append(
            f'<li><a href="{href}#nameddest={_e(destination(item.key, k))}">'
            f"{_bdi(_one_line(paper.title))}</a> (PDF, {_pages(doc.first, doc.last)})</li>"
        )
    out.append("</ul>")
    return out


def main_of(page: str) -> str | None:
    """What an HTML agenda (`html_agenda`, as written beside its pack) shows inside its <main>:
    the meeting's details, every item, the page ranges and links, the Part II heading and
    exempt notes, the published line. The web page's public agenda shows this, so that the two
    say the same, from one renderer. Its links are relative to the page's folder, where the
    packs are. None when `page` is not one (no single <main>)."""
    start, end = page.find("<main>"), page.rfind("</main>")
    # (every text from a workbook is escaped, so neither tag can come from one)
    if start < 0 or end < start or page.count("<main>") != 1:
        return None
    return page[start + len("<main>") : end].strip("\n")


def write_html_agenda(
    meeting: Meeting,
    spec: PackSpec,
    layout: Layout,
    published: dt.date,
    pdf_name: str,
    out: Path,
    published_line: str | None = None,
    later: dict[str, Later] | None = None,
) -> Path:
    """Write the HTML agenda of a pack to `out` (written aside, then renamed); returns `out`."""
    text = html_agenda(meeting, spec, layout, published, pdf_name, published_line, later)
    # a name of its own, not the page's with more added: a name at the limit `plan` allows
    tmp = out.with_name(f".packbuilder-{os.getpid()}-{threading.get_ident()}.tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, out)
    return out
