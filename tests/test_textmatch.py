"""Recognising an exempt paper's text in another paper (`packbuilder.textmatch`): the unit
tests. The end-to-end ones, with real exports by LibreOffice, are in test_safety.py."""

from __future__ import annotations

import contextlib
import zipfile
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from packbuilder import textmatch
from packbuilder.textmatch import (
    MIN_SAMPLES,
    TextToolMissing,
    TextUnreadable,
    document_text,
    published_share,
    short_units,
)
from packbuilder.textmatch import words_of as w

if TYPE_CHECKING:
    import pikepdf

_VOCABULARY = (  # noqa: SIM905 - a sentence is easier to read than a list of 49 strings
    "the partnership board council budget service contract review chair tender safety city "
    "police health housing youth offending domestic abuse violence plan quarter funding grant "
    "reserve risk legal advice panel score quality price bidder award standstill period team "
    "manager report officer member decision meeting minutes agenda item appendix figure table"
).split()


def _report(seed: int, words: int = 400) -> str:
    """Text no other paper shares: a seeded sequence of council words, in sentences."""
    import random

    pick = random.Random(seed)
    out = [pick.choice(_VOCABULARY) + ("." if pick.random() < 0.08 else "") for _ in range(words)]
    return " ".join(out).capitalize() + "."


REPORT = _report(1)


def test_words_fold_case_punctuation_ligatures_and_line_breaks() -> None:
    assert w("The ﬁnal Report — Q&A:\n“Page” 3.5%").words == "the final report q a page 3 5"
    assert w("commis-\nsioning").words == w("commissioning").words[:6] + " sioning"  # (a split)
    assert w("A  B\tC").runs == w("a b c").runs


def test_a_report_is_long_enough_to_be_told_by_its_runs() -> None:
    assert len(w(REPORT).runs) >= MIN_SAMPLES


def test_a_public_paper_holding_the_exempt_paper_publishes_it() -> None:
    exempt = w(REPORT)
    assert published_share(exempt, w(REPORT)) == 1.0
    assert published_share(exempt, w("Cover page. " + REPORT + " Appendix: other text.")) == 1.0
    assert published_share(exempt, w(REPORT.upper().replace(".", ";"))) == 1.0


def test_a_shorter_public_version_or_an_unrelated_paper_does_not() -> None:
    exempt = w(REPORT)
    half = " ".join(REPORT.split()[:200])
    assert published_share(exempt, w(half)) < 0.6
    assert published_share(exempt, w("Minutes of the last meeting. " * 50)) == 0.0
    # the other way round: the exempt paper holds all of the public one, which is fine
    assert published_share(w(half), exempt) == 1.0  # (what a caller must not ask)


def test_a_short_paper_is_found_only_whole() -> None:
    note = w("Confidential: the preferred bidder's chair asked not to be named yet.")
    assert len(note.runs) < MIN_SAMPLES
    assert published_share(note, w("Update. " + note.words + " End.")) == 1.0
    half = w("Confidential: the preferred bidder's chair asked")
    assert published_share(note, half) < 0.5
    assert published_share(w("To follow"), w("To follow")) == 0.0  # too short to tell


def test_a_paper_of_the_same_few_lines_over_and_over_is_looked_for_by_each_line_once() -> None:
    """A scanned form: the same lines on each of 300 pages, too few words of its own to be told
    by its runs. Each line is looked for once, and the paper is still found whole, and only
    whole."""
    page = "Tenancy referral form\nName of applicant withheld here\nReason for referral given\n"
    scan = textmatch.words_of(page * 300, pdf=True)
    assert len(scan.runs) < MIN_SAMPLES
    assert short_units(scan) == [
        "tenancy referral form", "name of applicant withheld here", "reason for referral given"
    ]
    assert published_share(scan, w("Cover. " + page.replace("\n", " ") + " End.")) == 1.0
    assert published_share(scan, w("Tenancy referral form. Name of applicant")) == 0.0


def _docx(path: Path, body: str) -> Path:
    with zipfile.ZipFile(path, "w") as z:
        z.writestr(
            "word/document.xml",
            '<w:document xmlns:w="w"><w:body>' + body + "</w:body></w:document>",
        )
    return path


def test_word_text_joins_runs_parts_paragraphs_and_leaves_out_deleted_text(
    tmp_path: Path,
) -> None:
    doc = _docx(
        tmp_path / "a.docx",
        "<w:p><w:r><w:t>Commis</w:t></w:r><w:r><w:t>sioning plan</w:t></w:r></w:p>"
        "<w:p><w:del><w:r><w:delText>secret words</w:delText></w:r></w:del>"
        "<w:r><w:t>Tom &amp; Jerry</w:t></w:r><w:r><w:tab/><w:t>end</w:t></w:r></w:p>",
    )
    assert w(document_text(doc) or "").words == "commissioning plan tom jerry end"
    assert document_text(tmp_path / "a.rtf") is None


def test_without_pdftotext_the_check_says_what_to_install(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(textmatch.shutil, "which", lambda _name: None)
    with pytest.raises(TextToolMissing, match=r"pdftotext is not installed.*make setup"):
        textmatch.pdf_text(tmp_path / "any.pdf")


def test_without_pdftotext_a_meeting_gets_one_line_not_one_a_paper(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from packbuilder.meeting import load_meeting
    from tests.factory import make_meeting

    folder = make_meeting(
        tmp_path / "m",
        items=[
            {"title": "Contract", "papers": ["a.pdf"], "exempt paragraph": 3},
            {"title": "Update", "papers": ["b.pdf", "c.pdf"]},
        ],
        papers={"a.pdf": 1, "b.pdf": 1, "c.pdf": 1},
    )
    meeting = load_meeting(folder)
    monkeypatch.setattr(textmatch.shutil, "which", lambda _name: None)
    with pytest.raises(TextToolMissing):  # raised, not listed for each paper
        textmatch.exempt_text_problems(meeting.items)


def test_pdftotext_is_bounded_below_the_process_own_hard_limit() -> None:
    """prlimit cannot raise a hard limit the build runs under (ulimit -v): asked to, it fails."""
    import resource

    hard = resource.getrlimit(resource.RLIMIT_AS)[1]
    got = textmatch._below_hard(resource.RLIMIT_AS, 1 << 40)
    assert got == (1 << 40 if hard == resource.RLIM_INFINITY else min(1 << 40, hard))
    assert textmatch._below_hard(resource.RLIMIT_AS, 1000) <= 1000


def test_a_pdftotext_limited_below_its_bound_still_reads(tmp_path: Path) -> None:
    import subprocess
    import sys

    from tests.factory import write_pdf

    paper = write_pdf(tmp_path / "p.pdf", 1, "Hello from a limited process")
    code = (
        "import resource, sys; from pathlib import Path;"
        "resource.setrlimit(resource.RLIMIT_AS, (1900 << 20, 1900 << 20));"
        "from packbuilder.textmatch import pdf_text;"
        f"print(pdf_text(Path({str(paper)!r})))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert "Hello from a limited process" in done.stdout, done.stderr


def test_a_pdf_whose_text_cannot_be_read_is_named(tmp_path: Path) -> None:
    bad = tmp_path / "bad.pdf"
    bad.write_bytes(b"%PDF-1.4\nnot really\n")
    with pytest.raises(TextUnreadable, match="its text could not be read to compare") as caught:
        textmatch.pdf_text(bad)
    assert caught.value.source is not None and caught.value.source.file == bad


def test_a_pdf_with_too_much_text_is_refused_without_reading_it_all(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tests.factory import write_pdf

    paper = write_pdf(tmp_path / "long.pdf", 40, "A line of text on every page of a long paper")
    assert "page 40" in textmatch.pdf_text(paper)
    monkeypatch.setattr(textmatch, "TEXT_MAX_BYTES", 300)
    with pytest.raises(TextUnreadable, match="more than 0 MB of text, too much to compare"):
        textmatch.pdf_text(paper)


def test_a_short_paper_is_found_whatever_order_its_header_comes_in() -> None:
    """Word's XML holds a header after the body, a PDF of it before: a short paper's runs are
    looked for one by one, never across a paragraph."""
    body = "the preferred bidder's chair has asked that her name is not disclosed yet"
    exempt = w(f"{body}\u2029CONFIDENTIAL DRAFT")  # (as document_text gives it)
    assert published_share(exempt, w(f"CONFIDENTIAL DRAFT\n{body}\nPage 1")) == 1.0
    numbered = w("First point made here.\u2029Second point made here too.")
    assert (
        published_share(numbered, w("1. First point made here. 2. Second point made here too."))
        == 1.0
    )


def test_an_empty_deleted_text_element_hides_no_visible_text(tmp_path: Path) -> None:
    """<w:delText/> is valid XML: it must not swallow the words up to the next deleted text,
    nor take time that grows with the square of the document."""
    import time

    doc = _docx(
        tmp_path / "a.docx",
        "<w:p><w:r><w:delText/></w:r><w:r><w:t>visible words here</w:t></w:r></w:p>"
        "<w:p><w:del><w:r><w:delText>gone</w:delText></w:r></w:del></w:p>",
    )
    assert w(document_text(doc) or "").words == "visible words here"
    big = _docx(tmp_path / "b.docx", "<w:p><w:r><w:delText/><w:t>x</w:t></w:r></w:p>" * 60_000)
    started = time.monotonic()
    assert (document_text(big) or "").count("x") == 60_000
    assert time.monotonic() - started < 20  # (was minutes: a generous bound, not a timing test)


def test_text_on_a_layer_switched_off_is_read_as_the_pack_shows_it(tmp_path: Path) -> None:
    """A viewer hides a layer switched off; the pack, which carries no layers, shows it: the
    comparison reads it too."""
    import pikepdf

    pdf = pikepdf.new()
    layer = pdf.make_indirect(pikepdf.Dictionary(Type=pikepdf.Name.OCG, Name="Hidden"))
    font = pdf.make_indirect(
        pikepdf.Dictionary(
            Type=pikepdf.Name.Font, Subtype=pikepdf.Name.Type1, BaseFont=pikepdf.Name.Helvetica
        )
    )
    page = pdf.add_blank_page(page_size=(595, 842))
    page.obj.Resources = pikepdf.Dictionary(
        Font=pikepdf.Dictionary(F1=font), Properties=pikepdf.Dictionary(L1=layer)
    )
    page.obj.Contents = pdf.make_stream(
        b"BT /F1 12 Tf 72 700 Td (Shown to everyone) Tj ET "
        b"/OC /L1 BDC BT /F1 12 Tf 72 600 Td (Secret tender prices) Tj ET EMC"
    )
    pdf.Root.OCProperties = pikepdf.Dictionary(
        OCGs=pikepdf.Array([layer]), D=pikepdf.Dictionary(OFF=pikepdf.Array([layer]))
    )
    pdf.save(tmp_path / "layers.pdf")
    text = textmatch.pdf_text(tmp_path / "layers.pdf")
    assert "Shown to everyone" in text and "Secret tender prices" in text


def test_words_are_remembered_only_for_the_content_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A paper saved over while its text is read (as `check` reads papers where they are): what
    was read is not kept under the hash of what was there before."""
    from packbuilder import pdf
    from packbuilder.errors import Source
    from tests.factory import write_pdf

    paper = write_pdf(tmp_path / "p.pdf", 2, "The first version of this paper")
    before = pdf.content_key(paper)
    real = textmatch.pdf_text

    def saved_over_meanwhile(
        path: Path, source: Source | None = None, reading: bool = False
    ) -> str:
        with open(paper, "r+b") as fh:  # written to in place, as an editor saving does
            fh.write(b"%PDF-1.4\n% a different file now")
        return real(path, source, reading=reading)

    monkeypatch.setattr(textmatch, "pdf_text", saved_over_meanwhile)
    with contextlib.suppress(TextUnreadable):
        textmatch.fingerprint(paper, Source(paper), as_pdf=True)
    entry = pdf.remembered_by_key(before, "words.pdf", textmatch._code())
    assert textmatch._read_words(entry, as_pdf=True) is None


def test_a_build_that_failed_stops_the_comparison(tmp_path: Path) -> None:
    import threading

    import pikepdf

    from packbuilder.meeting import load_meeting
    from tests.factory import make_meeting, write_pdf

    folder = make_meeting(
        tmp_path / "m",
        items=[
            {"title": "Contract", "papers": ["a.pdf"], "exempt paragraph": 3},
            {"title": "Update", "papers": ["bundle.pdf"]},
        ],
    )
    write_pdf(folder / "a.pdf", 12, "Secret tender assessment for the chair contract")
    write_pdf(folder / "update.pdf", 2, "Partnership update for the quarter")
    with pikepdf.open(folder / "update.pdf") as bundle, pikepdf.open(folder / "a.pdf") as a:
        bundle.pages.extend(a.pages)
        bundle.save(folder / "bundle.pdf")
    (folder / "update.pdf").unlink()
    meeting = load_meeting(folder)
    stop = threading.Event()
    stop.set()
    assert textmatch.exempt_text_problems(meeting.items, stop=stop) == []
    # nothing was remembered: compared in full, the bundle is found
    (found,) = textmatch.exempt_text_problems(meeting.items)
    assert "paper 'bundle.pdf' of item 2 holds all of the text of 'a.pdf'" in str(found)


def test_a_short_paper_of_shared_filler_with_its_own_headings_is_not_published_by_another() -> None:
    """The example meeting's papers: one paragraph of filler repeated under headings of their
    own. What the exempt paper says of its own (its headings) is not in the public paper."""
    filler = "The partnership has continued to develop its approach to community safety."
    exempt = w(
        "\u2029".join(
            ["Award of the independent chair contract (exempt)", "Report of the commissioning"]
            + [filler] * 5
            + ["Evaluation and prices"]
            + [filler] * 5
        )
    )
    public = w("\u2029".join(["Equality objectives brief", "Background"] + [filler] * 10))
    assert published_share(exempt, public) == 0.0
    assert published_share(exempt, w(exempt.words)) == 1.0


@pytest.mark.parametrize(
    "store",
    [
        "bookmarks",
        "link descriptions",
        "form field values",
        "/Alt",
        "/ActualText",
        "/E",
        "/T",
        "/Lang",
        "/Summary",  # an attribute of a table element
        "/PrivateNote",  # a key of no standard meaning
        "parent tree",  # an element only the page content reaches
        "empty bookmarks",  # 100,005 blank bookmarks first: they do not count to the limit
        "choices",  # a choice field's list, shown when it is opened
        "made-up key",  # of a link: any string the file holds counts
        "a string a word",  # of a made-up key: repeated words are words all the same
        "indirect strings",  # each string an object of its own
        "marked content",  # /ActualText of nothing, in the page's drawing instructions
        "inline picture",  # a made-up key of a picture written in the instructions
        # written in the drawing instructions where nothing draws it (`undrawn`)
        "unknown operator",  # (text) xyz
        "operand too many",  # (text) 0 0 m: a string a line does not take
        "text operand too many",  # (text) (x) Tj: poppler draws the last
        "bare words",  # each an unknown operator
        "names",  # /word BMC EMC
        "compatibility section",  # BX ... EX
        "form within a form",  # drawn by a drawing the page draws
        "annotation look",  # a link's appearance
        "unicode map",  # a font's ToUnicode: comments, and a sentence for a code not drawn
    ],
)
def test_an_exempt_paper_in_what_a_public_pdf_shows_besides_its_pages_is_refused(
    tmp_path: Path, store: str
) -> None:
    """A viewer shows a PDF's bookmarks, link descriptions and form fields' values, a screen
    reader its structure's alternative descriptions, replacement texts, expansions and titles;
    pdftotext reads none of them. An exempt paper's text kept there, under a page that shows
    nothing of it, publishes it as surely as the page would: `check` (and so `build`) refuses
    it."""
    import pikepdf
    from pikepdf import Dictionary, Name

    from packbuilder.meeting import load_meeting
    from tests.factory import write_pdf

    exempt = _report(7)
    folder = _leaflet_and_award(tmp_path)
    pieces = [exempt[i : i + 80] for i in range(0, len(exempt), 80)]
    with pikepdf.new() as award:  # the exempt paper: its text on a page, a line a piece
        award.add_blank_page(page_size=(595, 842))
        lines = b" ".join(b"(" + p.encode() + b") '" for p in pieces) + b" ET"
        award.pages[0].obj.Contents = award.make_stream(b"BT /F1 9 Tf 20 830 Td 11 TL " + lines)
        award.pages[0].obj.Resources = Dictionary(
            Font=Dictionary(
                F1=Dictionary(Type=Name.Font, Subtype=Name.Type1, BaseFont=Name.Helvetica)
            )
        )
        award.save(folder / "award.pdf")
    write_pdf(folder / "leaflet.pdf", 1, "Drop-in sessions every Tuesday")
    with pikepdf.open(folder / "leaflet.pdf", allow_overwriting_input=True) as pdf:
        _hide_in(pdf, pdf.pages[0].obj, store, pieces)
        pdf.save(folder / "leaflet.pdf")
    problems = textmatch.exempt_text_problems(load_meeting(folder).items)
    assert len(problems) == 1, problems
    assert "leaflet.pdf" in str(problems[0]) and "award.pdf" in str(problems[0])
    # read once when the paper is checked, and the same when read again (no check remembered)
    from packbuilder.carried import carried_text
    from packbuilder.pdf import remembered_facts

    facts = remembered_facts(folder / "leaflet.pdf")
    assert facts is not None and facts.carried == carried_text(folder / "leaflet.pdf")
    assert pieces[3] in facts.carried or store in ("a string a word", "bare words", "names")


def test_a_pdf_carrying_more_texts_than_can_be_compared_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Past the limit (100,000; 5 here) the exempt-text check could not vouch for the rest, which
    is where text would be hidden: the paper is refused when checked, naming it."""
    import pikepdf

    from packbuilder import carried
    from packbuilder.errors import InputError
    from packbuilder.pdf import check_readable
    from tests.factory import write_pdf

    monkeypatch.setattr(carried, "MAX_CARRIED", 5)
    write_pdf(tmp_path / "leaflet.pdf", 1, "Drop-in sessions every Tuesday")
    with pikepdf.open(tmp_path / "leaflet.pdf", allow_overwriting_input=True) as pdf:
        with pdf.open_outline() as outline:
            outline.root.extend(pikepdf.OutlineItem(f"Section {n}", 0) for n in range(6))
        pdf.save(tmp_path / "leaflet.pdf")
    with pytest.raises(InputError) as caught:
        check_readable(tmp_path / "leaflet.pdf")
    assert "leaflet.pdf" in str(caught.value)
    assert "too many to check for an exempt paper's text" in str(caught.value)


def _hide_in(pdf: pikepdf.Pdf, page: pikepdf.Dictionary, store: str, pieces: list[str]) -> None:
    """Put `pieces` where `store` says, in a public leaflet that shows none of them."""
    import pikepdf

    if store == "bookmarks":
        with pdf.open_outline() as outline:
            outline.root.extend(pikepdf.OutlineItem(p, 0) for p in pieces)
    elif store.startswith("/") or store in ("parent tree", "empty bookmarks"):
        _in_structure(pdf, store, pieces)
    elif store in ("marked content", "inline picture"):
        _in_drawing(pdf, page, store, pieces)
    elif store in _UNDRAWN or store in ("form within a form", "annotation look", "unicode map"):
        _undrawn(pdf, page, store, pieces)
    else:
        _in_annotations(pdf, page, store, pieces)


def _in_structure(pdf: pikepdf.Pdf, store: str, pieces: list[str]) -> None:
    """A tagged leaflet: a figure element for each piece."""
    import pikepdf
    from pikepdf import Array, Dictionary, Name, String

    root = pdf.make_indirect(Dictionary(Type=Name.StructTreeRoot))
    key = store if store.startswith("/") else "/Alt"
    kids = [pdf.make_indirect(Dictionary({"/S": Name.Figure, "/P": root})) for _ in pieces]
    for kid, piece in zip(kids, pieces, strict=True):
        if key == "/Summary":
            kid.A = Dictionary(O=Name.Table, Summary=String(piece))
        else:
            kid[key] = String(piece)
    document = pdf.make_indirect(Dictionary(S=Name.Document, P=root, K=Array()))
    if store == "parent tree":
        root.ParentTree = Dictionary(Nums=Array([0, Array(kids)]))
    else:
        document.K = Array(kids)
    root.K = document
    pdf.Root.StructTreeRoot = root
    if store == "empty bookmarks":
        with pdf.open_outline() as outline:
            outline.root.extend(pikepdf.OutlineItem("", 0) for _ in range(100_005))


def _in_drawing(pdf: pikepdf.Pdf, page: pikepdf.Dictionary, store: str, pieces: list[str]) -> None:
    """Written in the page's drawing instructions, drawing nothing."""
    import zlib

    from pikepdf import Name

    if store == "marked content":
        hidden = b"".join(b"/Span <</ActualText (" + p.encode() + b")>> BDC EMC\n" for p in pieces)
    else:
        keys = b" ".join(b"/N%d (%s)" % (n, p.encode()) for n, p in enumerate(pieces))
        hidden = b"q 9 0 0 9 0 0 cm BI /W 1 /H 1 /BPC 8 /CS /G " + keys + b" ID \x00 EI Q\n"
    page.Contents = pdf.make_stream(
        zlib.compress(page.Contents.read_bytes() + b"\n" + hidden), Filter=Name.FlateDecode
    )


# drawing instructions that hold a piece of text and draw none of it
_UNDRAWN = {
    "unknown operator": lambda p: b"(%s) xyz" % p,
    "operand too many": lambda p: b"(%s) 0 0 m" % p,
    "text operand too many": lambda p: b"BT /F9 9 Tf (%s) () Tj ET" % p,
    "bare words": lambda p: b" ".join(w.strip(b".") for w in p.split()),
    "names": lambda p: b" ".join(b"/%s BMC EMC" % w.strip(b".") for w in p.split()),
    "compatibility section": lambda p: b"BX (%s) zz EX" % p,
}


def _undrawn(pdf: pikepdf.Pdf, page: pikepdf.Dictionary, store: str, pieces: list[str]) -> None:
    """Written in drawing instructions, or in a font's Unicode map, where nothing draws it."""
    from pikepdf import Array, Dictionary, Name

    if store == "unicode map":
        cmap = b"".join(b"%% %s\n" % p.encode() for p in pieces[:9]) + (
            b"1 beginbfchar <ff> <" + " ".join(pieces[9:]).encode("utf-16-be").hex().encode()
            + b"> endbfchar"
        )  # fmt: skip
        font = Dictionary(Type=Name.Font, Subtype=Name.Type1, BaseFont=Name.Helvetica)
        font.ToUnicode = pdf.make_stream(cmap)
        page.Resources = Dictionary(Font=Dictionary(F9=pdf.make_indirect(font)))
        page.Contents = pdf.make_stream(b"BT /F9 9 Tf 9 9 Td (a) Tj ET")
        return
    write = _UNDRAWN.get(store, _UNDRAWN["unknown operator"])
    hidden = b"\n".join(write(p.encode()) for p in pieces)
    if store == "annotation look":
        look = pdf.make_stream(hidden, Type=Name.XObject, Subtype=Name.Form, BBox=[0, 0, 9, 9])
        annot = Dictionary(Type=Name.Annot, Subtype=Name.Link, Rect=Array([0, 0, 9, 9]))
        annot.AP = Dictionary(N=look)
        page.Annots = Array([pdf.make_indirect(annot)])
        return
    if store == "form within a form":
        inner = pdf.make_stream(hidden, Type=Name.XObject, Subtype=Name.Form, BBox=[0, 0, 9, 9])
        outer = pdf.make_stream(b"/Fm2 Do", Type=Name.XObject, Subtype=Name.Form, BBox=[0, 0, 9, 9])
        outer.Resources = Dictionary(XObject=Dictionary(Fm2=inner))
        page.Resources.XObject = Dictionary(Fm1=outer)
        hidden = b"/Fm1 Do"
    page.Contents = pdf.make_stream(page.Contents.read_bytes() + b"\n" + hidden)


def _in_annotations(
    pdf: pikepdf.Pdf, page: pikepdf.Dictionary, store: str, pieces: list[str]
) -> None:
    from pikepdf import Array, Dictionary, Name, String

    if store in ("a string a word", "indirect strings"):
        if store == "a string a word":
            value = Array([String(w) for p in pieces for w in p.split()])
        else:
            value = Array([pdf.make_indirect(String(p)) for p in pieces])
        annot = Dictionary(Type=Name.Annot, Subtype=Name.Link, Rect=Array([0, 0, 9, 9]))
        annot.PrivateNote = value
        page.Annots = Array([pdf.make_indirect(annot)])
        return
    if store in ("choices", "made-up key"):
        annot = Dictionary(Type=Name.Annot, Rect=Array([0, 0, 9, 9]))
        if store == "choices":
            annot.Subtype, annot.FT, annot.T = Name.Widget, Name.Ch, String("pick")
            annot.Opt = Array([String(p) for p in pieces])
            pdf.Root.AcroForm = Dictionary(Fields=Array([pdf.make_indirect(annot)]))
        else:
            annot.Subtype, annot.PrivateNote = Name.Link, Array([String(p) for p in pieces])
        page.Annots = Array([pdf.make_indirect(annot)])
        return
    key = "/Contents" if store == "link descriptions" else "/V"
    kind = Name.Link if store == "link descriptions" else Name.Widget
    annots = []
    for piece in pieces:
        annot = Dictionary(Type=Name.Annot, Subtype=kind, Rect=Array([0, 0, 9, 9]))
        annot[key] = String(piece)
        if kind == Name.Widget:  # a text field of its own
            annot.FT, annot.T = Name.Tx, String(f"f{len(annots)}")
        annots.append(pdf.make_indirect(annot))
    page.Annots = Array(annots)
    if kind == Name.Widget:
        pdf.Root.AcroForm = Dictionary(Fields=Array(annots))


def test_an_exempt_paper_drawn_word_by_word_in_another_order_is_refused(tmp_path: Path) -> None:
    """A reviewer's: each word of the exempt paper drawn on its own, in a shuffled order, where
    it belongs on the page. The page reads as the exempt paper; pdftotext's drawn order (which
    the exempt papers are compared in) is word salad. A public paper's reading order counts."""
    import random

    import pikepdf
    from pikepdf import Dictionary, Name

    from packbuilder.meeting import load_meeting

    exempt = _report(7)
    folder = _leaflet_and_award(tmp_path)
    lines = [exempt[i : i + 80] for i in range(0, len(exempt), 80)]

    def paper(path: Path, shuffled: bool) -> None:
        draws = []  # (the words of each line, each at its place: Courier is 0.6 em a letter)
        for row, line in enumerate(lines):
            column = 0
            for word in line.split(" "):
                x, y = 20 + column * 5.4, 800 - 11 * row
                draws.append(b"BT /F1 9 Tf %g %g Td (%s) Tj ET" % (x, y, word.encode()))
                column += len(word) + 1
        if shuffled:
            random.Random(3).shuffle(draws)
        with pikepdf.new() as pdf:
            pdf.add_blank_page(page_size=(595, 842))
            pdf.pages[0].obj.Contents = pdf.make_stream(b"\n".join(draws))
            font = Dictionary(Type=Name.Font, Subtype=Name.Type1, BaseFont=Name.Courier)
            pdf.pages[0].obj.Resources = Dictionary(Font=Dictionary(F1=font))
            pdf.save(path)

    paper(folder / "award.pdf", shuffled=False)
    paper(folder / "leaflet.pdf", shuffled=True)
    problems = textmatch.exempt_text_problems(load_meeting(folder).items)
    assert len(problems) == 1, problems
    assert "leaflet.pdf" in str(problems[0]) and "award.pdf" in str(problems[0])


def _leaflet_and_award(tmp_path: Path) -> Path:
    """A meeting whose public item has leaflet.pdf and whose exempt item has award.pdf."""
    from tests.factory import make_meeting

    return make_meeting(
        tmp_path / "m",
        items=[
            {"title": "Leaflet", "papers": ["leaflet.pdf"]},
            {"title": "Contract", "papers": ["award.pdf"], "exempt paragraph": 3},
        ],
    )


def _scan(path: Path, pages: int, seed: int) -> Path:
    """An image-only PDF, as a scanner makes one: each page a picture of it (A4 at 72 dpi: 595
    by 842 dots, the page's shape, a scanner's size), no text."""
    import random
    import zlib

    import pikepdf
    from pikepdf import Dictionary, Name

    pick = random.Random(seed)
    with pikepdf.new() as pdf:
        for _ in range(pages):
            dots = bytes(pick.randrange(200, 256) for _ in range(595 * 842))
            picture = pdf.make_stream(
                zlib.compress(dots), Type=Name.XObject, Subtype=Name.Image, Width=595,
                Height=842, ColorSpace=Name.DeviceGray, BitsPerComponent=8,
                Filter=Name.FlateDecode,
            )  # fmt: skip
            pdf.add_blank_page(page_size=(595, 842))
            pdf.pages[-1].obj.Resources = Dictionary(XObject=Dictionary(Im0=picture))
            pdf.pages[-1].obj.Contents = pdf.make_stream(b"q 595 0 0 842 0 0 cm /Im0 Do Q")
        pdf.save(path)
    return path


@pytest.mark.parametrize("how", ["saved again", "in a bundle", "another scan"])
def test_an_exempt_scan_is_known_by_its_scanned_pages(tmp_path: Path, how: str) -> None:
    """A reviewer's: an exempt paper that is a scan (a signed report, a valuation) has no text
    to compare, so a copy saved again by a PDF program (new bytes, the same pictures) or merged
    into a public bundle published it. Its scanned pages know it; another scan does not."""
    import pikepdf

    from packbuilder.meeting import load_meeting
    from tests.factory import write_pdf

    folder = _leaflet_and_award(tmp_path)
    _scan(folder / "award.pdf", 3, seed=1)
    if how == "saved again":
        with pikepdf.open(folder / "award.pdf") as pdf:
            pdf.docinfo["/Title"] = "Appendix C"
            pdf.save(folder / "leaflet.pdf", object_stream_mode=pikepdf.ObjectStreamMode.generate)
    elif how == "in a bundle":
        write_pdf(tmp_path / "front.pdf", 2, "Drop-in sessions every Tuesday")
        front, award = pikepdf.open(tmp_path / "front.pdf"), pikepdf.open(folder / "award.pdf")
        with front as bundle, award:
            bundle.pages.extend(award.pages)
            bundle.save(folder / "leaflet.pdf")
    else:
        _scan(folder / "leaflet.pdf", 3, seed=2)
    problems = textmatch.exempt_text_problems(load_meeting(folder).items)
    if how == "another scan":
        assert problems == []
    else:
        assert len(problems) == 1, problems
        message = str(problems[0])
        assert "'leaflet.pdf' of item 1 holds all of the scanned pages of 'award.pdf'" in message
