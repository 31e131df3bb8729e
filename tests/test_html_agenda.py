"""The HTML agenda (issue 14): its structure read back with html.parser, its links followed into a
pack assembled from the same layout.

A check in a real browser with axe-core belongs beside the web tests (the lead adds it with the web
helper's browser fixture).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

import pytest
from pypdf import PdfReader

from packbuilder import plan
from packbuilder.assemble import finish_pack, numbered_part, open_part
from packbuilder.html_agenda import html_agenda, write_html_agenda
from packbuilder.layout import lay_out
from packbuilder.meeting import load_meeting
from tests.factory import AGENDA_HEADER, make_meeting, write_pdf

HOSTILE = "Budget <script>alert(1)</script> & {{ total }}"
PUBLISHED = dt.date(2020, 2, 26)


@dataclass
class Node:
    tag: str
    attrs: dict[str, str]
    children: list[Node] = field(default_factory=list)
    parts: list[Node | str] = field(default_factory=list)  # text and elements, in order

    def all(self, tag: str) -> list[Node]:
        found = [self] if self.tag == tag else []
        for c in self.children:
            found += c.all(tag)
        return found

    def one(self, tag: str) -> Node:
        found = self.all(tag)
        assert len(found) == 1, f"{len(found)} <{tag}>"
        return found[0]

    def words(self) -> str:
        text = " ".join(p if isinstance(p, str) else p.words() for p in self.parts)
        return " ".join(text.split())


VOID = {"meta", "link", "br", "img", "input", "hr"}


class Tree(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Node("#document", {})
        self.stack = [self.root]

    def handle_starttag(self, tag, attrs):  # type: ignore[no-untyped-def]
        node = Node(tag, {k: v or "" for k, v in attrs})
        self.stack[-1].children.append(node)
        self.stack[-1].parts.append(node)
        if tag not in VOID:
            self.stack.append(node)

    def handle_endtag(self, tag):  # type: ignore[no-untyped-def]
        assert self.stack[-1].tag == tag, f"</{tag}> closes <{self.stack[-1].tag}>"
        self.stack.pop()

    def handle_data(self, data):  # type: ignore[no-untyped-def]
        self.stack[-1].parts.append(data)


def parse(text: str) -> Node:
    tree = Tree()
    tree.feed(text)
    tree.close()
    assert tree.stack == [tree.root], "unclosed elements"
    return tree.root


@pytest.fixture
def meeting(tmp_path):  # type: ignore[no-untyped-def]
    folder = make_meeting(
        tmp_path / "2020-03-05-board",
        items=[
            {
                "title": "Minutes",
                "lead": "Chair",
                "purpose": "To agree the minutes.",
                "time allowed": 10,
                "papers": ["minutes.pdf", "annex.pdf"],
            },
            {"title": "YOT update", "lead": "JK", "status": "verbal", "time allowed": 15},
            {"title": "Restructure", "lead": "AM", "papers": ["late.pdf"], "status": "to follow"},
            {
                "title": "Contract award",
                "lead": "AM",
                "papers": ["tender.pdf"],
                "exempt paragraph": 3,
            },
            {"title": HOSTILE, "purpose": HOSTILE, "lead": "<b>LG</b>", "papers": ["plan.pdf"]},
        ],
        fields={"End time": dt.time(16, 0), "Contact email": "a&b@example.org"},
        papers={"minutes.pdf": 3, "annex.pdf": 2, "tender.pdf": 1, "plan.pdf": 2},
    )
    return load_meeting(folder)


def _spec(meeting, private):  # type: ignore[no-untyped-def]
    return next(s for s in plan.plan_packs(meeting) if not s.is_supplement and s.private is private)


def _layout(spec):  # type: ignore[no-untyped-def]
    return lay_out([(i.number, [p.pages for p in i.papers]) for i in spec.included])


def _rows(doc: Node) -> list[Node]:
    """Every entry of the agenda's list: items, headings, breaks, exclusion resolutions."""
    (items,) = [ul for ul in doc.all("ul") if ul.attrs.get("class") == "items"]
    return [li for li in items.children if li.tag == "li"]


def _items(doc: Node) -> list[Node]:
    """The agenda items' entries (an item's has an id, for links to it)."""
    return [li for li in _rows(doc) if "id" in li.attrs]


def test_the_page_is_a_standalone_document_with_one_h1_and_a_skip_link(meeting):
    spec = _spec(meeting, False)
    doc = parse(html_agenda(meeting, spec, _layout(spec), PUBLISHED, "pack.pdf"))
    assert doc.one("html").attrs["lang"] == "en-GB"
    h1 = doc.one("h1").words()
    assert h1 == "Agenda: Test Partnership Board - 5 March 2020"
    assert doc.one("title").words() == h1
    skip = doc.all("a")[0]
    assert skip.attrs["href"] == "#items"
    assert [n for n in doc.all("h2") if n.attrs.get("id") == "items"]
    # headings in order, no level skipped: h1, h2, then an h3 per item
    order = [n.tag for n in _walk(doc) if n.tag in ("h1", "h2", "h3", "h4")]
    assert order == ["h1", "h2"] + ["h3"] * 5
    assert not doc.all("script") and not doc.all("link")  # standalone, nothing to load


def _walk(node: Node) -> list[Node]:
    out = [node]
    for c in node.children:
        out += _walk(c)
    return out


def test_meeting_details_are_a_description_list_with_machine_readable_times(meeting):
    spec = _spec(meeting, False)
    doc = parse(html_agenda(meeting, spec, _layout(spec), PUBLISHED, "pack.pdf"))
    details = doc.all("dl")[0]
    terms = [n.words() for n in details.children if n.tag == "dt"]
    values = [n for n in details.children if n.tag == "dd"]
    assert terms[:3] == ["Date", "Time", "Place"]
    assert [t.attrs["datetime"] for t in values[0].all("time")] == ["2020-03-05"]
    assert [t.attrs["datetime"] for t in values[1].all("time")] == ["14:00", "16:00"]
    assert values[2].words() == "Room 1, Council House"
    mail = [a for a in doc.all("a") if a.attrs["href"].startswith("mailto:")]
    assert (
        mail[0].attrs["href"] == "mailto:a&b@example.org" and mail[0].words() == "a&b@example.org"
    )
    published = doc.all("time")[-1]
    assert published.attrs["datetime"] == "2020-02-26"
    assert published.words() == "Wednesday 26 February 2020"


def test_each_item_has_its_heading_purpose_lead_time_and_paper_links(meeting):
    spec = _spec(meeting, False)
    doc = parse(html_agenda(meeting, spec, _layout(spec), PUBLISHED, "board pack.pdf"))
    items = _items(doc)
    assert [li.one("h3").words() for li in items] == [
        "1. Minutes",
        "2. YOT update",
        "3. Restructure",
        "4. Contract award",
        f"5. {HOSTILE}",
    ]
    minutes = items[0]
    assert "To agree the minutes." in minutes.words()
    assert "Lead Chair" in minutes.words() and "Time 2 pm, 10 mins" in minutes.words()
    links = [(a.attrs["href"], a.words()) for a in minutes.all("a")]
    assert links == [
        ("board%20pack.pdf#nameddest=item-1-paper-1", "Minutes"),
        ("board%20pack.pdf#nameddest=item-1-paper-2", "Annex"),
    ]
    # minutes 3 pages (1-3), annex 2 (4-5): the printed page numbers of the pack
    assert "Minutes (PDF, pages 1 to 3)" in minutes.words()
    assert "Annex (PDF, pages 4 to 5)" in minutes.words()


@pytest.mark.parametrize(
    ("column", "fields", "label"),
    [
        ("Presented by", {}, "Presented by"),
        ("Lead officer", {}, "Lead officer"),
        ("Report author", {}, "Report author"),
        ("Lead", {}, "Lead"),
        ("Lead", {"Agenda style": "table"}, "Who"),
        ("Presented by", {"Lead heading": "Officer"}, "Officer"),
    ],
)
def test_an_items_lead_is_labelled_as_the_frontsheet_heads_it(tmp_path, column, fields, label):
    """The HTML agenda labelled every item's lead "Lead", whatever the frontsheet's column said
    ("Who", the Meeting sheet's Lead heading) or the Agenda sheet's column was headed: both now
    take the words from one place (`frontsheet.lead_heading`)."""
    from packbuilder import frontsheet
    from tests.factory import AGENDA_HEADER

    header = [column if h == "Lead" else h for h in AGENDA_HEADER]
    folder = make_meeting(
        tmp_path / "m",
        items=[{"title": "Minutes", column.lower(): "JK", "papers": ["minutes.pdf"]}],
        fields=fields,
        papers={"minutes.pdf": 1},
        header=header,
    )
    m = load_meeting(folder)
    (spec,) = plan.plan_packs(m)
    layout = _layout(spec)
    assert frontsheet.context(m, spec, layout, "")["lead_heading"] == label
    (entry,) = _items(parse(html_agenda(m, spec, layout, PUBLISHED, "pack.pdf")))
    assert f"{label} JK" in entry.words()
    assert [dt_.words() for dt_ in entry.all("dt")][0] == label


def test_exempt_to_follow_and_verbal_items_say_so_without_links(meeting):
    spec = _spec(meeting, False)
    doc = parse(html_agenda(meeting, spec, _layout(spec), PUBLISHED, "pack.pdf"))
    _, verbal, to_follow, exempt, _ = _items(doc)
    assert "Verbal update" in verbal.words() and not verbal.all("a")
    assert "To follow" in to_follow.words() and not to_follow.all("a")
    assert (
        "Not for publication by virtue of paragraph 3 of Part 1 of Schedule 12A to the Local "
        "Government Act 1972" in exempt.words()
    )
    assert not exempt.all("a")
    assert "Tender" not in exempt.words()


@pytest.mark.parametrize("private", [False, True])
def test_the_exclusion_resolution_is_an_entry_of_its_own_before_the_exempt_item(meeting, private):
    """As on the frontsheet: the resolution is not part of item 4, whose entry starts with its
    own number and title."""
    spec = _spec(meeting, private)
    doc = parse(html_agenda(meeting, spec, _layout(spec), PUBLISHED, "pack.pdf"))
    rows = _rows(doc)
    at = next(i for i, li in enumerate(rows) if "Exclusion of the press and public" in li.words())
    resolution, item = rows[at], rows[at + 1]
    assert resolution.attrs == {"class": "exclusion"} and not resolution.all("h3")
    assert "paragraph 3 of Part 1 of Schedule 12A" in resolution.words()
    assert item.one("h3").words() == "4. Contract award"
    assert "Exclusion" not in item.words()


def test_the_private_agenda_links_the_exempt_papers(meeting):
    spec = _spec(meeting, True)
    doc = parse(html_agenda(meeting, spec, _layout(spec), PUBLISHED, "pack.pdf"))
    exempt = _items(doc)[3]
    assert [a.words() for a in exempt.all("a")] == ["Tender"]
    assert "Private: not for publication" in doc.words()
    # what it holds for members only, in the frontsheet's words (`PackSpec.members_only`)
    assert "belongs with the pack that includes exempt papers, for members only" in doc.words()


def test_cell_text_is_text_never_markup(meeting):
    spec = _spec(meeting, False)
    text = html_agenda(meeting, spec, _layout(spec), PUBLISHED, "pack.pdf")
    doc = parse(text)
    item = _items(doc)[4]
    assert item.one("h3").words() == f"5. {HOSTILE}"
    assert HOSTILE in item.words() and "Lead <b>LG</b>" in item.words()
    assert not doc.all("script") and not doc.all("b")


def test_every_paper_link_lands_on_the_papers_first_page_of_the_pack(meeting, tmp_path):
    spec = _spec(meeting, True)
    layout = _layout(spec)
    pdfs = {p.path: p.path for i in spec.included for p in i.papers}
    w = open_part(numbered_part(spec, layout, pdfs, tmp_path), spec)
    pack = tmp_path / "pack.pdf"
    finish_pack(w, meeting, spec, layout, write_pdf(tmp_path / "front.pdf", 1), pack, pdfs)
    out = write_html_agenda(meeting, spec, layout, PUBLISHED, pack.name, tmp_path / "a.html")
    doc = parse(out.read_text(encoding="utf-8"))
    reader = PdfReader(pack)
    dests = reader.named_destinations
    links = [a for li in _items(doc) for a in li.all("a")]
    assert len(links) == 4  # minutes, annex, the exempt tender (a private pack), the plan
    for a in links:
        name = a.attrs["href"].split("#nameddest=")[1]
        page = reader.get_destination_page_number(dests[name])
        # the factory's papers read "<file stem> page <i>" on page i
        assert f"{a.words().lower()} page 1" in reader.pages[page].extract_text()


def test_writing_leaves_no_temporary_file(meeting, tmp_path):
    spec = _spec(meeting, False)
    out = write_html_agenda(meeting, spec, _layout(spec), PUBLISHED, "p.pdf", tmp_path / "a.html")
    assert sorted(p.name for p in Path(tmp_path).iterdir() if p.suffix != ".pdf") == [
        "2020-03-05-board",
        "a.html",
    ]
    assert out.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")


def test_a_pack_the_skeleton_cannot_finish_is_finished_from_the_whole_part(
    meeting, tmp_path, monkeypatch
):
    """`finish_pack` goes on from the whole part when finishing from the skeleton says it cannot
    (`WholePartNeeded`): the same pages, outline and destinations as from the skeleton."""
    from packbuilder import pdf as pdfmod

    spec = _spec(meeting, True)
    layout = _layout(spec)
    pdfs = {p.path: p.path for i in spec.included for p in i.papers}
    part = numbered_part(spec, layout, pdfs, tmp_path)
    front = write_pdf(tmp_path / "front.pdf", 1)

    def read(pack):  # type: ignore[no-untyped-def]
        r = PdfReader(pack, strict=True)
        outline = [o.title for o in r.outline if not isinstance(o, list)]
        return [p.extract_text() for p in r.pages], outline, sorted(r.named_destinations)

    expected = tmp_path / "expected.pdf"
    finish_pack(open_part(part, spec), meeting, spec, layout, front, expected, pdfs)
    real_finish = pdfmod.PackWriter.finish
    refused = []

    def finish(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        if self._skeleton:
            refused.append(True)
            raise pdfmod.WholePartNeeded
        return real_finish(self, *args, **kwargs)

    monkeypatch.setattr(pdfmod.PackWriter, "finish", finish)
    got = tmp_path / "got.pdf"
    pages = finish_pack(open_part(part, spec, got), meeting, spec, layout, front, got, pdfs)
    assert refused == [True]
    assert read(got) == read(expected)
    assert pages == len(PdfReader(got).pages)


def test_an_items_notes_show_as_on_the_frontsheet_with_lists_kept(tmp_path):
    """The Notes cell says what the frontsheet says under the subject: paragraphs, bullets as a
    list, numbered points as a list keeping the numbers typed; text, never markup."""
    folder = make_meeting(
        tmp_path / "2020-03-05-board",
        items=[
            {
                "title": "Budget",
                "notes": "Members asked for the <options> paper.\n- Option A & B\n- Option C\n"
                "(1) Agree the budget\n(2) Note the risks",
                "papers": ["budget.pdf"],
            },
            {"title": "Other"},
        ],
        header=[*AGENDA_HEADER, "Notes"],
        papers={"budget.pdf": 1},
    )
    meeting = load_meeting(folder)
    (spec,) = plan.plan_packs(meeting)  # no exempt item: the meeting's one pack
    doc = parse(html_agenda(meeting, spec, _layout(spec), PUBLISHED, "pack.pdf"))
    budget, other = _items(doc)
    assert [p.words() for p in budget.all("p")][:1] == ["Members asked for the <options> paper."]
    (bullets,) = budget.all("ul")[:1]
    assert [li.words() for li in bullets.children] == ["Option A & B", "Option C"]
    (points,) = budget.all("ol")
    assert [li.words() for li in points.children] == ["(1) Agree the budget", "(2) Note the risks"]
    assert not other.all("ol") and "Members" not in other.words()


def test_spreadsheet_text_beside_the_pages_own_words_is_isolated(meeting):
    """A title in a right-to-left script cannot draw the item's number or the page numbers into
    its run: every title set beside the page's own words is in a <bdi>."""
    spec = _spec(meeting, False)
    doc = parse(html_agenda(meeting, spec, _layout(spec), PUBLISHED, "pack.pdf"))
    assert doc.one("h1").one("bdi").words() == meeting.pack_title
    for li in _items(doc):
        assert li.one("h3").one("bdi").words() == li.one("h3").words().split(". ", 1)[1]
    links = [a for li in _items(doc) for a in li.all("a")]
    assert links and all(a.one("bdi").words() == a.words() for a in links)


@pytest.mark.libreoffice
def test_section_headings_and_breaks_have_no_number_no_id_and_say_their_words(  # type: ignore[no-untyped-def]
    tmp_path, libreoffice
):
    """The second example's headings and break, as its frontsheet shows them: no "item" id
    repeated (each id once on the page), no number, the break with its time."""
    import re

    from packbuilder.build import build

    out = tmp_path / "out"
    example = Path(__file__).parents[1] / "inputs" / "2016-05-26-safer-plymouth"
    result = build(example, out, converter=libreoffice)
    page = next(p.path for p in result.packs if "agenda" in p.path.name).with_suffix(".html")
    html = page.read_text(encoding="utf-8")
    ids = re.findall(r'\bid="([^"]+)"', html)
    assert len(ids) == len(set(ids)), sorted(i for i in ids if ids.count(i) > 1)
    heading = "<bdi>Agenda Items for Discussion:</bdi>"
    assert f'<li class="section"><h3 class="section">{heading}</h3>' in html
    assert '<li class="break"><p><em><bdi>BREAK – if required</bdi></em></p></li>' in html
    assert "<h3> " not in html
    supplement = next(p.path for p in result.packs if "supplement" in p.path.name)
    text = supplement.with_suffix(".html").read_text(encoding="utf-8")
    # (the meeting's one supplement: "Supplementary pack", never "pack 1" nor "pack pack")
    assert "supplementary pack (PDF," in text and "pack pack" not in text
    assert "<title>Supplementary pack: " in text


@pytest.mark.parametrize(
    ("fields", "labels"),
    [
        ({}, ["Lead", "Time"]),
        ({"Agenda style": "table"}, ["Who", "Decision required", "Time (approx.)"]),
        (
            {"Agenda style": "table", "Decision heading": "Action sought"},
            ["Who", "Action sought", "Time (approx.)"],
        ),
    ],
)
def test_an_items_purpose_and_time_are_labelled_as_the_frontsheet_heads_them(
    tmp_path, fields, labels
):
    """In the table style the purpose is a column of its own, headed "Decision required" (or the
    Meeting sheet's Decision heading), and the time column says "Time (approx.)": the HTML agenda
    labels them so. The list style prints the purpose under the title, as the frontsheet does."""
    folder = make_meeting(
        tmp_path / "m",
        items=[
            {
                "title": "Minutes",
                "lead": "JK",
                "purpose": "To agree <the> minutes & {{ x }}",
                "time allowed": 10,
                "papers": ["minutes.pdf"],
            }
        ],
        fields=fields,
        papers={"minutes.pdf": 1},
    )
    m = load_meeting(folder)
    (spec,) = plan.plan_packs(m)
    (entry,) = _items(parse(html_agenda(m, spec, _layout(spec), PUBLISHED, "pack.pdf")))
    assert [d.words() for d in entry.all("dt")] == labels
    values = [d.words() for d in entry.all("dd")]
    assert values[0] == "JK" and values[-1] == "2 pm, 10 mins"
    assert "To agree <the> minutes & {{ x }}" in entry.words()
    if len(labels) == 3:
        assert values[1] == "To agree <the> minutes & {{ x }}"
