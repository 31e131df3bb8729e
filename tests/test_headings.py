"""Heading levels without gaps (issue 14): a paper whose headings skip a level ("Heading 1, then
Heading 3": a style chosen for its look) made a pack that claimed PDF/UA and failed the
validator's PDFUA1-HEADING-NESTING-001. A pack closes the gaps: a heading goes at most one level
below the heading it comes under, siblings stay siblings, and a paper without a gap keeps its
levels. What is printed does not change."""

from __future__ import annotations

import random
from pathlib import Path

import pikepdf
import pytest
from pikepdf import Dictionary, Name

from packbuilder.build import build
from packbuilder.check import check_report
from packbuilder.pdf import PackWriter, Stamp
from packbuilder.tagged import check_structure, heading_kinds, headings_in, level_headings
from tests.factory import make_meeting
from tests.tagged_factory import write_tagged_pdf
from tests.test_accessibility import (
    _validate,
    claims_pdfua,
    finish_test_pack,
    pack_writer,
    write_docx_with_image,
)

NESTING = "PDFUA1-HEADING-NESTING-001"


def _failed(path: Path) -> list[str]:
    """The validator's failed rules, but for the fonts of the hand-made papers (`write_tagged_pdf`
    draws with Helvetica, not embedded: PDFUA1-FONT-*), which are not what is tested here."""
    return [f for f in _validate(path) if not f.startswith("PDFUA1-FONT-")]


def _closed(levels: list[int], entering: int = 1) -> list[int]:
    elements = [Dictionary(S=Name(f"/H{n}")) for n in levels]
    level_headings(((e, n, True) for e, n in zip(elements, levels, strict=True)), entering)
    return [int(str(e.S)[2:]) for e in elements]


@pytest.mark.parametrize(
    ("levels", "entering", "closed"),
    [
        ([1, 3, 5, 3], 1, [1, 2, 3, 2]),  # the second Heading 3 is a sibling of the first
        ([1, 3, 4, 2, 3], 1, [1, 2, 3, 2, 3]),
        ([1, 3, 3, 1, 4], 1, [1, 2, 2, 1, 2]),
        ([3], 1, [2]),  # a paper that begins at Heading 3, under the frontsheet's title
        ([2, 3, 1, 2], 1, [2, 3, 1, 2]),  # no gap after the frontsheet's title: as it is
        ([2, 3], 0, [1, 2]),  # a document of its own (the frontsheet) begins at level 1
        ([1, 2, 3, 2, 1], 0, [1, 2, 3, 2, 1]),
        ([6, 6, 5], 1, [2, 2, 2]),
    ],
)
def test_gaps_are_closed_and_siblings_stay_siblings(levels, entering, closed):
    assert _closed(levels, entering) == closed


def test_levels_without_a_gap_are_never_changed_and_gaps_always_closed():
    rng = random.Random(14)
    for _ in range(2000):
        entering = rng.choice([0, 1])
        levels: list[int] = []
        level = entering
        for _ in range(rng.randint(1, 12)):
            level = rng.randint(1, min(6, level + 1))
            levels.append(level)
        assert _closed(levels, entering) == levels, levels
        ragged = [rng.randint(1, 6) for _ in range(rng.randint(1, 12))]
        closed = _closed(ragged, entering)
        before = entering
        for was, now in zip(ragged, closed, strict=True):
            assert 1 <= now <= was and now <= before + 1, (ragged, closed)
            before = now


def test_role_mapped_headings_are_headings_of_their_level():
    tree = Dictionary(
        RoleMap=Dictionary({"/Heading3": Name("/Sub3"), "/Sub3": Name("/H3"), "/H2": Name("/P")})
    )
    kinds = heading_kinds(tree)
    assert kinds["/Heading3"] == 3 and kinds["/Sub3"] == 3
    assert kinds["/H2"] == 2  # a standard type is never remapped


def test_a_heading_h_takes_its_sections_depth_and_becomes_numbered():
    """A "strongly structured" paper heads its sections with /H, whose level is how deep the
    section is; PDF/UA refuses /H beside /H1-/H6 (PDFUA1-HEADING-STRUCTURE-001), and the
    frontsheet's headings are numbered: each /H becomes the numbered heading of its level."""
    deep = Dictionary(S=Name("/Sect"), K=pikepdf.Array([Dictionary(S=Name.H)]))
    chapter = Dictionary(S=Name("/Chapter"), K=pikepdf.Array([Dictionary(S=Name.H), deep]))
    tree = Dictionary(
        RoleMap=Dictionary({"/Chapter": Name("/Sect"), "/Title": Name("/H")}),
        K=pikepdf.Array(
            [
                Dictionary(S=Name("/Title")),
                chapter,
                Dictionary(S=Name("/Sect"), K=Dictionary(S=Name.H)),
            ]
        ),
    )
    found = list(headings_in(tree))
    assert [(level, numbered) for _e, level, numbered in found] == [
        (1, False),  # (outside any section: level 1)
        (1, False),
        (2, False),
        (1, False),
    ]
    assert level_headings(found) == (1, True)
    assert [str(e.S) for e, _l, _n in found] == ["/H1", "/H1", "/H2", "/H1"]


def test_a_paper_headed_with_h_passes_in_a_pack(tmp_path):
    generic = write_tagged_pdf(tmp_path / "generic.pdf", 3, kinds=["/H", "/P", "/H"])
    front = write_tagged_pdf(tmp_path / "front.pdf", 1, kinds=["/H1"])
    w = _pack(tmp_path, [generic], front)
    pack = finish_test_pack(w, tmp_path / "pack.pdf")
    assert w.conforms and _failed(pack) == []
    assert _levels(pack) == [1, 1, 1]


def _levels(path: Path) -> list[int]:
    with pikepdf.open(path) as pdf:
        tree = pdf.Root.StructTreeRoot
        return [level for _e, level, _numbered in headings_in(tree)]


def _pack(tmp_path: Path, papers: list[Path], front: Path | None) -> PackWriter:
    """A pack of `papers` as `test_accessibility` assembles one, `front` put in front."""
    w = pack_writer([(p.stem, p) for p in papers])
    if front is not None:
        w.insert_front(front, Stamp("This page is intentionally left blank", "middle", 11))
    return w


def test_a_pack_of_papers_that_skip_levels_passes_pdfua1(tmp_path):
    skips = write_tagged_pdf(tmp_path / "skips.pdf", 3, kinds=["/H1", "/H3", "/H5"])
    mapped = write_tagged_pdf(
        tmp_path / "mapped.pdf", 3, role=("/Heading4", "/H4"), kinds=["/H2", "/Heading4"]
    )
    front = write_tagged_pdf(tmp_path / "front.pdf", 1, kinds=["/H1"])
    assert NESTING in " ".join(_failed(skips))  # the paper alone fails
    w = _pack(tmp_path, [skips, mapped], front)
    assert w.conforms
    pack = finish_test_pack(w, tmp_path / "pack.pdf")
    assert _failed(pack) == []
    assert claims_pdfua(pack)
    assert check_structure(pack) == []
    # the frontsheet's title, then paper 1 closed up, then paper 2 (H2, then its two Heading4s,
    # role-mapped to /H4, now /H3)
    assert _levels(pack) == [1, 1, 2, 3, 2, 3, 3]


def test_a_frontsheet_without_a_heading_before_a_heading_2_claims_nothing(tmp_path):
    """The papers are closed up as they follow the frontsheet's title; a frontsheet made from a
    template without a heading leaves a pack beginning at Heading 2, which must not claim."""
    paper = write_tagged_pdf(tmp_path / "paper.pdf", 3, kinds=["/H2", "/H3"])
    plain = write_tagged_pdf(tmp_path / "plain.pdf", 1)
    titled = write_tagged_pdf(tmp_path / "titled.pdf", 1, kinds=["/H2"])  # (closed to H1)
    w = _pack(tmp_path, [paper], plain)
    assert not w.conforms
    assert NESTING in " ".join(_failed(finish_test_pack(w, tmp_path / "plain-pack.pdf")))
    w = _pack(tmp_path, [paper], titled)
    assert w.conforms
    pack = finish_test_pack(w, tmp_path / "titled-pack.pdf")
    assert _failed(pack) == [] and _levels(pack) == [1, 2, 3]


def test_an_appendix_checked_before_is_closed_up_from_its_remembered_facts(tmp_path):
    """A build reads what a paper's headings need from its checks (`PaperFacts.headings`), kept
    in the cache folder: the second pack, made from the remembered facts, is closed up too."""
    from packbuilder.pdf import paper_facts

    skips = write_tagged_pdf(tmp_path / "skips.pdf", 3, kinds=["/H1", "/H4", "/H2"])
    assert paper_facts(skips).headings == "1 1"
    good = write_tagged_pdf(tmp_path / "good.pdf", 3, kinds=["/H2", "/H3"])
    assert paper_facts(good).headings == "2 0"
    assert paper_facts(write_tagged_pdf(tmp_path / "none.pdf", 1)).headings == "0 0"
    front = write_tagged_pdf(tmp_path / "front.pdf", 1, kinds=["/H1"])
    for n in range(2):
        pack = finish_test_pack(_pack(tmp_path, [skips, good], front), tmp_path / f"pack{n}.pdf")
        assert _levels(pack) == [1, 1, 2, 2, 2, 3]
        assert _failed(pack) == []


# --- end to end: a Word paper and a tagged appendix that skip levels --------------------------


def _word_with_headings(path: Path, levels: list[int]) -> Path:
    from docx import Document

    doc = Document()
    for n in levels:
        doc.add_heading(f"A heading at level {n}", level=n)
        doc.add_paragraph("What the section says.")
    doc.save(path)
    return path


@pytest.mark.libreoffice
def test_packs_of_papers_that_skip_heading_levels_pass_pdfua1(tmp_path, libreoffice):
    folder = make_meeting(
        tmp_path / "2020-03-05-board",
        items=[
            {"title": "Skipping report", "papers": ["Skipping report.docx"]},
            {"title": "Strategy", "papers": ["Appendix A - Strategy.pdf", "Charts.pdf"]},
        ],
    )
    _word_with_headings(folder / "Skipping report.docx", [1, 3, 5, 3, 1])
    write_tagged_pdf(folder / "Appendix A - Strategy.pdf", 3, kinds=["/H3", "/P", "/H6"])
    write_tagged_pdf(folder / "Charts.pdf", 2, kinds=["/H1", "/H2"])
    result = build(folder, tmp_path / "out", converter=libreoffice)
    (pack,) = result.packs
    assert _failed(pack.path) == []  # (the hand-made appendices draw with Helvetica)
    assert claims_pdfua(pack.path)
    assert check_structure(pack.path) == []
    # frontsheet title (and its own headings), then the report 1,3,5,3,1 -> 1,2,3,2,1, the
    # appendix 3,6 -> 2,3, the charts as they were
    levels = _levels(pack.path)
    assert levels[-9:] == [1, 2, 3, 2, 1, 2, 3, 1, 2], levels
    assert not [w for w in result.warnings if "heading" in w.lower()]


@pytest.mark.libreoffice
def test_a_tagged_appendix_with_an_image_without_alt_text_is_named_in_a_warning(
    tmp_path, libreoffice
):
    """A Word paper's undescribed image was named in a warning; a tagged PDF's was not, and its
    pack quietly stopped claiming PDF/UA."""
    folder = make_meeting(
        tmp_path / "2020-03-05-board",
        items=[
            {"title": "Report", "papers": ["Report.docx", "Appendix F - Photographs.pdf"]},
        ],
    )
    write_docx_with_image(folder / "Report.docx", alt="A described photograph")
    write_tagged_pdf(folder / "Appendix F - Photographs.pdf", 2, kinds=["/H1", "/Figure"])
    report = check_report(folder)
    said = [w for w in report.warnings if "without alternative text" in w]
    assert said == [
        "Appendix F - Photographs.pdf: 1 image without alternative text, which screen readers "
        "cannot describe, so a pack that includes it will not claim PDF/UA; ask its author to "
        "add alt text to every image, chart and diagram (or mark it as decorative) and export "
        "it again as tagged PDF"
    ]
    result = build(folder, tmp_path / "out", converter=libreoffice)
    assert [w for w in result.warnings if "without alternative text" in w] == said
    (pack,) = result.packs
    assert not claims_pdfua(pack.path)


def test_headings_of_levels_1_and_2_alone_are_not_walked(tmp_path, monkeypatch):
    """A tagged table appendix has tens of thousands of elements (a third of a second to walk);
    headings of levels 1 and 2 alone can have no gap, in whatever order, so they are not walked.
    Other levels are."""
    from packbuilder import tagged
    from packbuilder.pdf import paper_facts

    walked = []
    real = tagged.headings_in
    monkeypatch.setattr(tagged, "headings_in", lambda *a: walked.append(a) or real(*a))
    assert (
        paper_facts(write_tagged_pdf(tmp_path / "a.pdf", 3, kinds=["/H2", "/H1", "/H2"])).headings
        == "2 0"
    )
    assert (
        paper_facts(write_tagged_pdf(tmp_path / "b.pdf", 2, kinds=["/H1", "/H1"])).headings == "1 0"
    )
    assert not walked
    assert (
        paper_facts(write_tagged_pdf(tmp_path / "c.pdf", 2, kinds=["/H1", "/H3"])).headings == "1 1"
    )
    assert len(walked) == 1
