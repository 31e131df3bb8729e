"""Reading papers: the page count the layout uses is the one the assembler copies."""

from __future__ import annotations

import re

import pypdf
import pytest

from packbuilder.errors import AssemblyError, InputError
from packbuilder.pdf import PackWriter, Stamp, check_readable, page_count
from tests.factory import write_pdf


def _checked_then_packed(path, pages):  # type: ignore[no-untyped-def]
    """Check a paper, put it in a pack stamped page by page, and read the pack back with pypdf:
    the page count checked must be the one assembled."""
    counted = check_readable(path)
    assert counted == page_count(path) == pages
    w = PackWriter()
    w.add_pdf(path, [[Stamp(f"Page {i + 1}", "bottom-centre")] for i in range(counted)])
    out = path.with_name("pack.pdf")
    w.finish(out, title="t", subject="s", author="a", bookmarks=[], unnumbered=0)
    return [page.extract_text() for page in pypdf.PdfReader(out).pages]


def test_a_mangled_page_type_is_counted_as_the_assembler_copies_it(tmp_path):
    # found by `make fuzz`: a page whose /Type is mangled was skipped by pypdf and kept by qpdf,
    # which put every later stamp and page reference out by a page. The build now reads papers
    # with qpdf alone, so the layout's count is the assembler's; pypdf, reading the pack
    # independently, finds every page stamped in order.
    path = write_pdf(tmp_path / "paper.pdf", 2)
    data = re.sub(rb"/Type /Page(?=\s)", b"/Type .Page", path.read_bytes(), count=1)
    path.write_bytes(data)
    texts = _checked_then_packed(path, pages=2)
    assert len(texts) == 2
    assert [t.split()[-2:] for t in texts] == [["Page", "1"], ["Page", "2"]]


def test_a_page_whose_content_is_a_missing_object_is_refused(tmp_path):
    # qpdf reads a reference to an object the file does not hold as nothing: the page would
    # come out blank, so the file's own text is looked at for a page without content
    path = write_pdf(tmp_path / "paper.pdf", 2)
    data = path.read_bytes()
    ref = re.search(rb"/Contents (\d+) 0 R", data)
    assert ref is not None
    path.write_bytes(data.replace(ref.group(0), b"/Contents 9999 0 R", 1))
    with pytest.raises(InputError, match="content is missing") as caught:
        check_readable(path)
    assert str(caught.value).startswith(f"{path}, page 1: ")


def test_a_page_size_that_is_not_numbers_is_refused(tmp_path):
    path = write_pdf(tmp_path / "paper.pdf", 2)
    data = path.read_bytes()
    box = b"/MediaBox [ 0.0 0.0 595.276 841.89 ]"
    assert data.count(box) == 2
    # the same length, so that the file's table of object offsets stays right
    at = data.rindex(box)
    path.write_bytes(data[:at] + b"/MediaBox [ 0.0 (w) 595.276 841.89 ]" + data[at + len(box) :])
    with pytest.raises(InputError, match="page size is not four numbers") as caught:
        check_readable(path)
    assert str(caught.value).startswith(f"{path}, page 2: ")


def test_counts_agree_on_a_sound_pdf(tmp_path):
    path = write_pdf(tmp_path / "paper.pdf", 3)
    assert check_readable(path) == page_count(path) == 3


def test_a_paper_changed_during_the_build_is_an_error_not_a_wrong_pack(tmp_path):
    # the layout was made for 2 pages; the file now has 3
    path = write_pdf(tmp_path / "paper.pdf", 3)
    writer = PackWriter()
    with pytest.raises(AssemblyError) as caught:
        writer.add_pdf(path, [[Stamp("Page 1", "bottom-centre")]] * 2)
    writer.close()  # (the build's writer lets go of its sources, as here, when it fails)
    message = str(caught.value)
    assert message.startswith(f"{path}: ")  # names the paper
    assert "now has 3 pages, not the 2 counted when the build began" in message
    assert "Build again" in message


def test_a_wrong_page_count_in_the_page_tree_is_read_as_the_assembler_reads_it(tmp_path):
    # found by `make fuzz`: pypdf called page 1 damaged where qpdf repairs the file and reads both
    # pages (qpdf may also raise a RuntimeError, not a PdfError, on such a page tree). With one
    # engine, the check and the assembly agree: both pages go in, stamped, and nothing escapes.
    path = write_pdf(tmp_path / "paper.pdf", 2)
    data = path.read_bytes().replace(b"%PDF", b"$PDF", 1).replace(b"/Count 2", b".Count 2", 1)
    path.write_bytes(data.replace(b"/Font <<\n/F1", b"/Font <<>\n/F1", 1))
    texts = _checked_then_packed(path, pages=2)
    assert len(texts) == 2
    assert "paper page 1" in texts[0] and "Page 1" in texts[0] and "Page 2" in texts[1]


def test_a_paper_that_passed_is_not_checked_again_until_its_content_changes(
    tmp_path, monkeypatch
):
    import packbuilder.pdf as pdfmod

    # content of its own: the session's cache may have seen the factory's usual pages
    path = write_pdf(tmp_path / "a.pdf", 3, label=f"unique to {tmp_path.name}")
    calls = []
    real = pdfmod._examine
    monkeypatch.setattr(pdfmod, "_examine", lambda p, *a: calls.append(p) or real(p, *a))
    found: list[str] = []
    assert check_readable(path, found) == 3 and check_readable(path, found) == 3
    assert len(calls) == 1, "the unchanged paper was checked twice"
    copy = tmp_path / "copy of a.pdf"  # the same content under another name: its warnings name it
    copy.write_bytes(path.read_bytes())
    assert check_readable(copy) == 3 and len(calls) == 1
    write_pdf(path, 4, label=f"unique to {tmp_path.name}")  # changed content: checked again
    assert check_readable(path) == 4 and len(calls) == 2
    from packbuilder.settings import settings

    for entry in (settings().cache_dir / "checks").rglob("*.json"):
        entry.write_text("not json")  # a damaged cache entry is only a miss
    assert check_readable(path) == 4 and len(calls) == 3


def test_a_failed_check_is_never_remembered(tmp_path):
    path = tmp_path / "bad.pdf"
    path.write_bytes(b"%PDF-1.7 not really")
    for _ in range(2):
        with pytest.raises(InputError):
            check_readable(path)


def test_a_papers_bookmarks_lead_to_pages_by_any_kind_of_destination(tmp_path):
    # a page reference, a named destination (old /Dests and the name tree), a GoTo action, a
    # bookmark leading outside the file (dropped, its children kept) and a loop (stopped)
    import pikepdf
    from pikepdf import Array, Dictionary, Name, String

    from packbuilder.pdf import Bookmark, paper_headings

    path = write_pdf(tmp_path / "paper.pdf", 4)
    with pikepdf.Pdf.open(path, allow_overwriting_input=True) as pdf:
        pages = [p.obj for p in pdf.pages]
        pdf.Root.Dests = pdf.make_indirect(Dictionary(old=Array([pages[1], Name.Fit])))
        tree = pikepdf.NameTree.new(pdf)
        tree["new"] = Dictionary(D=Array([pages[2], Name.Fit]))
        pdf.Root.Names = Dictionary(Dests=tree.obj)
        items = [
            Dictionary(Title=String("By page"), Dest=Array([pages[0], Name.Fit])),
            Dictionary(Title=String("By old name"), Dest=Name("/old")),
            Dictionary(Title=String("By name tree"), Dest=String("new")),
            Dictionary(
                Title=String("By action"),
                A=Dictionary(S=Name.GoTo, D=Array([pages[3], Name.Fit])),
            ),
            Dictionary(Title=String("Elsewhere"), Dest=Array([7, Name.Fit])),
        ]
        items = [pdf.make_indirect(i) for i in items]
        child = pdf.make_indirect(Dictionary(Title=String("Child"), Dest=Array([pages[3]])))
        items[4].First = child
        for a, b in zip(items, items[1:], strict=False):
            a.Next = b
        child.Next = child  # a loop
        pdf.Root.Outlines = pdf.make_indirect(Dictionary(First=items[0], Last=items[-1]))
        pdf.save(path)
    assert paper_headings(path) == (
        Bookmark("By page", 0),
        Bookmark("By old name", 1),
        Bookmark("By name tree", 2),
        Bookmark("By action", 3),
        Bookmark("Child", 3),
    )


def test_what_older_checks_learnt_is_not_trusted_by_newer_code(tmp_path, monkeypatch):
    # a packbuilder that looks for more active content must clean a paper an older one found
    # clean: the facts and clean marks are kept under keys that change with the checking code
    import packbuilder.pdf as pdfmod

    path = write_pdf(tmp_path / "a.pdf", 2, label=f"unique to {tmp_path.name}")
    assert check_readable(path) == 2
    assert pdfmod.known_clean(path) and pdfmod.checked(path)
    monkeypatch.setattr(pdfmod, "_checks_code", lambda: "a newer sanitize")
    assert not pdfmod.known_clean(path) and not pdfmod.checked(path)


def test_a_converted_papers_bookmarks_keep_only_the_words_their_pages_show(tmp_path):
    # LibreOffice titles a heading's bookmark with its hidden text too: a converted paper's
    # titles keep the words their page (or the next) shows, whatever their case, a word split
    # by a hyphen at the end of a line, or the number; a title left with no word goes, its own
    # bookmarks taken up a level. A PDF paper's own bookmarks are kept as they are.
    import pikepdf
    from pikepdf import Array, Dictionary, Name, String

    from packbuilder.pdf import Bookmark, paper_headings

    path = tmp_path / "converted.pdf"
    pdf = pikepdf.new()
    font = Dictionary(Type=Name.Font, Subtype=Name.Type1, BaseFont=Name.Helvetica)
    shown = [
        [b"1. CONTRACT AWARD", b"Evaluation and manage-", b"ment of the tenders"],
        [b"Next steps"],
        [b"Appendix: prices"],
    ]
    for lines in shown:
        page = pdf.add_blank_page(page_size=(595, 842))
        text = b" ".join(b"(%s) Tj 0 -20 Td" % line for line in lines)
        page.obj.Contents = pdf.make_stream(b"BT /F1 12 Tf 72 700 Td " + text + b" ET")
        page.obj.Resources = Dictionary(Font=Dictionary(F1=font))
    pages = [p.obj for p in pdf.pages]
    titles = [
        ("1. Contract award Kestrel Ltd 48k", 0),
        ("Evaluation and management of the tenders", 0),
        ("Kestrel Ltd", 1),  # wholly hidden: it goes, its child comes up
        ("Appendix: prices", 2),
    ]
    items = [
        pdf.make_indirect(Dictionary(Title=String(t), Dest=Array([pages[p], Name.Fit])))
        for t, p in titles
    ]
    child = pdf.make_indirect(Dictionary(Title=String("Next steps"), Dest=Array([pages[1]])))
    items[2].First = child
    for a, b in zip(items, items[1:], strict=False):
        a.Next = b
    pdf.Root.Outlines = pdf.make_indirect(Dictionary(First=items[0], Last=items[-1]))
    pdf.save(path)
    assert paper_headings(path, as_shown=True) == (
        Bookmark("1. Contract award", 0),
        Bookmark("Evaluation and management of the tenders", 0),
        Bookmark("Next steps", 1),
        Bookmark("Appendix: prices", 2),
    )
    assert [b.title for b in paper_headings(path)][0] == "1. Contract award Kestrel Ltd 48k"


def test_a_converted_papers_bookmark_reads_a_notes_number_and_spaced_letters(tmp_path):
    # pdftotext runs a footnote's number into the word it follows ("information1", an
    # endnote's "implicationsi"), reads spaced-out letters one by one and condensed words as
    # one: those words are shown and kept; a hidden word is still dropped
    import pikepdf
    from pikepdf import Array, Dictionary, Name, String

    from packbuilder.pdf import Bookmark, paper_headings

    path = tmp_path / "converted.pdf"
    pdf = pikepdf.new()
    font = Dictionary(Type=Name.Font, Subtype=Name.Type1, BaseFont=Name.Helvetica)
    lines = [b"Background information1", b"Financial implicationsii", b"S p a c e d o u t",
             b"Verycondensedheading", b"Award to the bidder"]  # fmt: skip
    page = pdf.add_blank_page(page_size=(595, 842))
    text = b" ".join(b"(%s) Tj 0 -20 Td" % line for line in lines)
    page.obj.Contents = pdf.make_stream(b"BT /F1 12 Tf 72 700 Td " + text + b" ET")
    page.obj.Resources = Dictionary(Font=Dictionary(F1=font))
    titles = ["Background information Kestrel", "Financial implications 48k", "Spaced out",
              "Very condensed heading", "Award to Kestrel"]  # fmt: skip
    items = [
        pdf.make_indirect(Dictionary(Title=String(t), Dest=Array([page.obj, Name.Fit])))
        for t in titles
    ]
    for a, b in zip(items, items[1:], strict=False):
        a.Next = b
    pdf.Root.Outlines = pdf.make_indirect(Dictionary(First=items[0], Last=items[-1]))
    pdf.save(path)
    assert paper_headings(path, as_shown=True) == (
        Bookmark("Background information", 0),
        Bookmark("Financial implications", 0),
        Bookmark("Spaced out", 0),
        Bookmark("Very condensed heading", 0),
        Bookmark("Award to", 0),
    )


def _sized(path, sizes, user_unit=None):  # type: ignore[no-untyped-def]
    """A PDF of one page per size in `sizes` (points), each reading its text."""
    import pikepdf

    write_pdf(path, len(sizes))
    with pikepdf.open(path, allow_overwriting_input=True) as pdf:
        for page, (w, h) in zip(pdf.pages, sizes, strict=True):
            page.obj.MediaBox = pikepdf.Array([0, 0, w, h])
            if user_unit is not None:
                page.obj.UserUnit = user_unit
        pdf.save(path)
    return path


A4, A5, A3, A0 = (595.28, 841.89), (419.53, 595.28), (841.89, 1190.55), (2383.94, 3370.39)
LETTER, LEGAL, TABLOID = (612, 792), (612, 1008), (792, 1224)


@pytest.mark.parametrize(
    "size",
    [A4, A5, A3, A0, LETTER, LEGAL, TABLOID, (252, 144)],  # (a business card's 3.5 x 2 in too)
)
@pytest.mark.parametrize("landscape", [False, True])
def test_ordinary_page_sizes_are_taken_without_a_word(tmp_path, size, landscape):
    w, h = size
    path = _sized(tmp_path / "paper.pdf", [A4, (h, w) if landscape else (w, h)])
    warnings: list[str] = []
    assert check_readable(path, warnings) == 2
    assert [w for w in warnings if "mm" in w] == []


@pytest.mark.parametrize("size", [(1, 1), (72, 72), (595, 10), (100, 842)])
def test_a_page_too_small_for_its_stamps_is_refused_naming_it(tmp_path, size):
    path = _sized(tmp_path / "paper.pdf", [A4, size, A4])
    with pytest.raises(InputError, match="smaller than any paper") as caught:
        check_readable(path)
    message = str(caught.value)
    assert message.startswith(f"{path}, page 2: page 2 is ")
    assert "; ask for the file again" in message


@pytest.mark.parametrize(
    ("sizes", "user_unit", "said"),
    [
        (
            [A4, (14400, 14400), A4, (14400, 14400)],
            None,
            "page 2 is 5080 x 5080 mm (and 1 more page)",
        ),
        ([A4, (A0[1], 4000)], None, "page 2 is 1189 x 1411 mm"),
        ([A4, (1440, 1440)], 10, "page 1 is 2100 x 2970 mm (and 1 more page)"),  # UserUnit 10
    ],
)
def test_a_page_larger_than_a0_is_pointed_out_naming_it(tmp_path, sizes, user_unit, said):
    path = _sized(tmp_path / "paper.pdf", sizes, user_unit)
    warnings: list[str] = []
    check_readable(path, warnings)
    (line,) = [w for w in warnings if " mm" in w]
    assert line.startswith(f"paper.pdf: {said}, larger than A0 (841 x 1189 mm)")
    assert "; ask its author" in line
    check_readable(path, again := [])  # remembered: said again on a rebuild, not read again
    assert line in again


def test_a_page_beyond_what_a_pdf_may_hold_is_refused(tmp_path):
    path = _sized(tmp_path / "paper.pdf", [A4, (20000, 842)])
    with pytest.raises(InputError, match="larger than a PDF page may be") as caught:
        check_readable(path)
    assert str(caught.value).startswith(f"{path}, page 2: ")


def _pages(path, n):  # type: ignore[no-untyped-def]
    import pikepdf

    write_pdf(path, 1)
    with pikepdf.open(path, allow_overwriting_input=True) as pdf:
        for _ in range(n - 1):
            pdf.pages.append(pdf.pages[0])
        pdf.save(path)
    return path


def test_a_very_long_paper_is_pointed_out_before_it_is_read(tmp_path, caplog):
    import logging

    path = _pages(tmp_path / "evidence base.pdf", 1001)
    warnings: list[str] = []
    with caplog.at_level(logging.INFO, logger="packbuilder"):
        assert check_readable(path, warnings) == 1001
    (line,) = [w for w in warnings if "pages" in w]
    assert line.startswith("evidence base.pdf: has 1,001 pages, more than a whole pack usually")
    assert "; check that it is the right file" in line
    # said as soon as the paper is opened, before its pages are read, at a terminal
    assert any("evidence base.pdf: 1,001 pages" in r.getMessage() for r in caplog.records)
    assert check_readable(path, again := []) == 1001 and line in again  # on a rebuild too


def test_a_paper_longer_than_any_pack_is_refused_at_once(tmp_path):
    import time

    path = _pages(tmp_path / "archive.pdf", 5001)
    started = time.monotonic()
    with pytest.raises(InputError, match="5,001 pages, more than the 5,000") as caught:
        check_readable(path)
    assert time.monotonic() - started < 10  # before its pages are read
    assert str(caught.value).startswith(f"{path}: ")
