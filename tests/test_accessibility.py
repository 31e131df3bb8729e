"""Accessible packs (issue 14): the papers' structure kept through the merge, stamps as artifacts
or tagged content, the stamp font embedded, PDF/UA claimed only when true; end to end, the example
meeting's packs pass the PDF/UA-1 validator with no failed rule.

Packs are read back with pypdf (an independent reader) where the question is what a reader sees,
and walked with pikepdf where the question is how the structure tree points at the pages.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from xml.etree import ElementTree

import pikepdf
import pytest
from pikepdf import Name
from pypdf import PdfReader

from packbuilder import pdf as pdfmod
from packbuilder.build import build
from packbuilder.errors import AssemblyError
from packbuilder.pdf import PackWriter, Stamp
from packbuilder.settings import settings
from packbuilder.tagged import (
    artifact_untagged_paths,
    check_structure,
    clean_converted,
    elements,
    figures_without_alt,
    regroup_stray_list_items,
    walk,
)
from tests.factory import write_pdf
from tests.tagged_factory import write_tagged_pdf

EXAMPLE = Path(__file__).resolve().parent.parent / "inputs" / "2020-03-05-safer-plymouth"


# --- reading packs back --------------------------------------------------------------------------


def marked_texts(path: Path) -> list[list[tuple[str, str]]]:
    """For every page, its text runs with how they are marked: ("artifact", text), ("mcid N",
    text) or ("untagged", text). Read by pypdf, not by the code under test."""
    out = []
    for page in PdfReader(path).pages:
        stack: list[tuple[str, int | None]] = []
        runs: list[tuple[str, str]] = []

        def before(op, args, cm, tm, stack=stack):  # type: ignore[no-untyped-def]
            if op in (b"BDC", b"BMC"):
                mcid = None
                if op == b"BDC" and len(args) > 1 and hasattr(args[1], "get"):
                    value = args[1].get("/MCID")
                    mcid = None if value is None else int(value)
                stack.append((str(args[0]), mcid))
            elif op == b"EMC" and stack:
                stack.pop()

        def text(t, cm, tm, fd, fs, stack=stack, runs=runs):  # type: ignore[no-untyped-def]
            if not t.strip():
                return
            if any(tag == "/Artifact" for tag, _ in stack):
                runs.append(("artifact", t.strip()))
            else:
                mcid = next((m for _, m in reversed(stack) if m is not None), None)
                runs.append((f"mcid {mcid}" if mcid is not None else "untagged", t.strip()))

        page.extract_text(visitor_operand_before=before, visitor_text=text)
        out.append(runs)
    return out


def struct_tree(path: Path) -> list[tuple[int, str, str]]:
    """The structure tree as (depth, type, title) rows, depth first."""
    rows: list[tuple[int, str, str]] = []

    def visit(e, depth):  # type: ignore[no-untyped-def]
        rows.append((depth, str(e.S), str(e.get("/T", ""))))
        for kid in elements(e.get("/K", pikepdf.Array())):
            visit(kid, depth + 1)

    with pikepdf.open(path) as pdf:
        for top in elements(pdf.Root.StructTreeRoot.K):
            visit(top, 0)
    return rows


def xmp(path: Path) -> str:
    with pikepdf.open(path) as pdf:
        return pdf.Root.Metadata.read_bytes().decode("utf-8") if "/Metadata" in pdf.Root else ""


PDFUAID = "{http://www.aiim.org/pdfua/ns/id/}part"


def claims_pdfua(path: Path) -> bool:
    """Whether the XMP metadata says PDF/UA-1 (as an element or as an attribute)."""
    meta = xmp(path)
    if not meta:
        return False
    root = ElementTree.fromstring(meta.split("?>", 1)[1].rsplit("<?xpacket", 1)[0])
    parts = [e.text for e in root.iter(PDFUAID)]
    parts += [d.get(PDFUAID) for d in root.iter() if d.get(PDFUAID) is not None]
    return parts == ["1"]


def _pack(tmp_path: Path, papers: list[tuple[str, Path]], stamp: bool = True) -> Path:
    """A two-item pack, the way assemble lays one out: a part per item, stamps on every page."""
    return finish_test_pack(pack_writer(papers, stamp), tmp_path / "pack.pdf")


def pack_writer(papers: list[tuple[str, Path]], stamp: bool = True) -> PackWriter:
    """`_pack`'s writer, its papers added and a filler after them, not yet finished (a caller may
    put a frontsheet in front)."""
    w = PackWriter()
    page = 1
    for n, (title, path) in enumerate(papers, start=1):
        w.begin_part(f"Agenda Item {n}: {title}")
        w.add_destination(f"item-{n}", w.pages)
        count = len(PdfReader(path).pages)
        stamps = [
            [Stamp(f"Page {page + i}", "bottom-centre")]
            + ([Stamp(f"Agenda Item {n}", "top-right", 11, True, tagged=True)] if i == 0 else [])
            for i in range(count)
        ]
        w.add_pdf(path, stamps if stamp else None, title=title)
        page += count
    w.add_blank([Stamp("This page is intentionally left blank", "middle", 11)])
    return w


def finish_test_pack(w: PackWriter, out: Path) -> Path:
    """Finish `w` into `out`, titled as the example's agenda pack."""
    w.finish(
        out,
        title="Board - 5 March 2020: Agenda",
        subject="s",
        author="a",
        bookmarks=[],
        unnumbered=0,
    )
    return out


# --- the structure check ------------------------------------------------------------------------


def test_the_check_fails_on_an_untagged_pack_as_todays_packs_are(tmp_path):
    path = write_pdf(tmp_path / "old-pack.pdf", 2)
    assert check_structure(path) == ["no structure tree (the PDF is not tagged)"]


def test_the_check_passes_a_sound_tagged_pdf(tmp_path):
    assert check_structure(write_tagged_pdf(tmp_path / "a.pdf", 3, link=True)) == []


def test_the_check_finds_a_parent_tree_entry_naming_another_element(tmp_path):
    path = write_tagged_pdf(tmp_path / "a.pdf", 2)
    with pikepdf.open(path, allow_overwriting_input=True) as pdf:
        nums = pdf.Root.StructTreeRoot.ParentTree.Nums
        nums[1], nums[3] = nums[3], nums[1]  # page 1's MCID 0 now "belongs" to page 2's element
        pdf.save(path)
    problems = check_structure(path)
    assert "page 1 MCID 0: the parent tree names another element" in problems
    assert "page 2 MCID 0: the parent tree names another element" in problems


def test_the_check_finds_an_element_claiming_content_that_is_not_there(tmp_path):
    path = write_tagged_pdf(tmp_path / "a.pdf", 1)
    with pikepdf.open(path, allow_overwriting_input=True) as pdf:
        pdf.Root.StructTreeRoot.K[0].K[0].K = 7
        pdf.save(path)
    assert "page 1: an element claims MCID 7, which is not on the page" in check_structure(path)


# --- the merge ----------------------------------------------------------------------------------


def test_a_merged_pack_keeps_each_papers_structure_under_its_item(tmp_path):
    a = write_tagged_pdf(tmp_path / "a.pdf", 2, label="Alpha", lang="en-GB", link=True)
    b = write_tagged_pdf(tmp_path / "b.pdf", 3, label="Beta", lang="cy")
    pack = _pack(tmp_path, [("Minutes", a), ("Welsh report", b)])
    assert check_structure(pack) == []
    assert struct_tree(pack) == [
        (0, "/Document", ""),
        (1, "/Part", "Agenda Item 1: Minutes"),
        (2, "/P", ""),  # "Agenda Item 1", read before the paper
        (2, "/Art", "Minutes"),
        *[(3, "/P", "")] * 2,
        (3, "/Link", ""),
        (1, "/Part", "Agenda Item 2: Welsh report"),
        (2, "/P", ""),
        (2, "/Art", "Welsh report"),
        *[(3, "/P", "")] * 3,
    ]
    with pikepdf.open(pack) as pdf:
        arts = [e for e in walk(pdf.Root.StructTreeRoot.K[0]) if str(e.S) == "/Art"]
        assert [str(e.Lang) for e in arts] == ["en-GB", "cy"]  # each paper's own language
        pages = [p.obj.objgen for p in pdf.pages]
        # every element of the second paper points at the pack's pages 3 to 5, in order
        owned = [e.Pg.objgen for e in elements(arts[1].K)]
        assert owned == pages[2:5]


def test_page_and_annotation_keys_are_renumbered_so_they_never_collide(tmp_path):
    a = write_tagged_pdf(tmp_path / "a.pdf", 2, link=True)  # keys 0, 1 (pages) and 2 (link)
    b = write_tagged_pdf(tmp_path / "b.pdf", 2, link=True)
    pack = _pack(tmp_path, [("A", a), ("B", b)], stamp=False)
    with pikepdf.open(pack) as pdf:
        keys = [int(p.obj.StructParents) for p in pdf.pages if "/StructParents" in p.obj]
        annots = [p.obj.Annots[0] for p in pdf.pages if "/Annots" in p.obj]
        assert len(set(keys)) == 4
        assert len({int(x.StructParent) for x in annots}) == 2
        assert all(p.obj.get("/Tabs") == Name.S for p in pdf.pages if "/Annots" in p.obj)
        tree = pikepdf.NumberTree(pdf.Root.StructTreeRoot.ParentTree)
        for annot in annots:
            link = tree[int(annot.StructParent)]
            assert str(link.S) == "/Link"
            assert link.K[0].Obj.objgen == annot.objgen  # the OBJR names the pack's annotation
        assert int(pdf.Root.StructTreeRoot.ParentTreeNextKey) > max(k for k, _ in tree.items())
    assert check_structure(pack) == []


def test_role_maps_and_ids_that_clash_are_renamed_for_the_later_paper(tmp_path):
    a = write_tagged_pdf(tmp_path / "a.pdf", 1, role=("/Para", "/P"), id_prefix="x")
    b = write_tagged_pdf(tmp_path / "b.pdf", 1, role=("/Para", "/H1"), id_prefix="x")
    pack = _pack(tmp_path, [("A", a), ("B", b)], stamp=False)
    with pikepdf.open(pack) as pdf:
        root = pdf.Root.StructTreeRoot
        roles = {k: str(v) for k, v in root.RoleMap.items()}
        arts = [e for e in walk(root.K[0]) if str(e.S) == "/Art"]
        types = [str(next(elements(art.K)).S) for art in arts]
        assert roles[types[0]] == "/P" and roles[types[1]] == "/H1" and types[0] != types[1]
        ids = dict(pikepdf.NameTree(root.IDTree).items())
        assert len(ids) == 2
        for art in arts:
            elem = next(elements(art.K))
            assert ids[bytes(elem.ID).decode()].objgen == elem.objgen
    assert check_structure(pack) == []


# --- stamps -------------------------------------------------------------------------------------


def test_page_numbers_and_fillers_are_artifacts_and_the_item_stamp_is_tagged(tmp_path):
    a = write_tagged_pdf(tmp_path / "a.pdf", 2, label="Alpha")
    pack = _pack(tmp_path, [("Minutes", a)])
    pages = marked_texts(pack)
    assert ("artifact", "Page 1") in pages[0]
    assert ("artifact", "Page 2") in pages[1]
    assert pages[2] == [("artifact", "This page is intentionally left blank")]
    assert ("mcid 0", "Alpha page 1") in pages[0]  # the paper's own content keeps its MCID
    assert ("mcid 1", "Agenda Item 1") in pages[0]  # a fresh MCID on the page
    assert not [r for page in pages for r in page if r[0] == "untagged"]
    with pikepdf.open(pack) as pdf:
        part = pdf.Root.StructTreeRoot.K[0].K[0]
        first = part.K[0]  # read before the paper
        assert first.S == Name.P and int(first.K) == 1 and first.Pg.objgen == pdf.pages[0].objgen


def test_a_private_marking_is_tagged_on_a_papers_first_page_only(tmp_path):
    a = write_tagged_pdf(tmp_path / "a.pdf", 2, label="Alpha")
    w = PackWriter()
    w.begin_part("Agenda Item 6: Contract")
    mark = [Stamp("NOT FOR PUBLICATION", "top-centre", 11, True, tagged=True)]
    again = [Stamp("NOT FOR PUBLICATION", "top-centre", 11, True)]
    w.add_pdf(a, [mark, again], title="Contract award")
    out = tmp_path / "private.pdf"
    w.finish(out, title="t", subject="s", author="a", bookmarks=[], unnumbered=0)
    pages = marked_texts(out)
    assert ("mcid 1", "NOT FOR PUBLICATION") in pages[0]
    assert ("artifact", "NOT FOR PUBLICATION") in pages[1]
    assert check_structure(out) == []


def test_a_tagged_stamp_on_an_untagged_paper_still_belongs_to_the_structure(tmp_path):
    plain = write_pdf(tmp_path / "plain.pdf", 1)
    pack = _pack(tmp_path, [("Appendix", plain)])
    assert check_structure(pack) == []
    assert ("mcid 0", "Agenda Item 1") in marked_texts(pack)[0]


def test_an_untagged_papers_stale_structure_keys_are_dropped(tmp_path):
    # a PDF whose structure tree was stripped but whose pages and links still carry their keys
    path = write_tagged_pdf(tmp_path / "stripped.pdf", 2, link=True)
    with pikepdf.open(path, allow_overwriting_input=True) as pdf:
        del pdf.Root["/StructTreeRoot"]
        pdf.save(path)
    other = write_tagged_pdf(tmp_path / "a.pdf", 1, link=True)
    pack = _pack(tmp_path, [("Tagged", other), ("Stripped", path)], stamp=False)
    with pikepdf.open(pack) as pdf:
        stripped = pdf.pages[1:3]
        assert all("/StructParents" not in p.obj for p in stripped)
        assert "/StructParent" not in stripped[0].obj.Annots[0]
    # its orphaned marked content is reported, not hidden: the pack does not claim PDF/UA
    assert check_structure(pack) == [
        "page 2: marked content but no /StructParents",
        "page 3: marked content but no /StructParents",
    ]
    assert not claims_pdfua(pack)


def test_the_stamp_font_is_embedded_with_a_unicode_map(tmp_path):
    pack = _pack(tmp_path, [("A", write_tagged_pdf(tmp_path / "a.pdf", 1))])
    with pikepdf.open(pack) as pdf:
        fonts = pdf.pages[0].Resources.Font
        for name in ("/PBH", "/PBHB"):
            font = fonts[name]
            assert "/FontFile2" in font.FontDescriptor and "/ToUnicode" in font
            assert re.fullmatch(r"/[A-Z]{6}\+LiberationSans(-Bold)?", str(font.BaseFont))
    assert "Page 1" in PdfReader(pack).pages[0].extract_text()


def test_a_missing_stamp_font_is_one_clear_error(tmp_path, monkeypatch):
    monkeypatch.setattr(pdfmod, "FONT_DIRS", (tmp_path / "nowhere",))
    pdfmod._font_program.cache_clear()
    try:
        with pytest.raises(AssemblyError, match="Liberation Sans.*is not installed"):
            PackWriter()
    finally:
        pdfmod._font_program.cache_clear()


def test_the_font_subset_is_made_once_and_then_read_from_the_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("PACKBUILDER_CACHE", str(tmp_path / "cache"))
    settings.cache_clear()
    pdfmod._font_program.cache_clear()
    made = []
    subset = pdfmod._subset_font
    monkeypatch.setattr(pdfmod, "_subset_font", lambda path: made.append(path) or subset(path))
    try:
        first = pdfmod._font_program("LiberationSans-Regular.ttf")
        pdfmod._font_program.cache_clear()  # as in a new process
        again = pdfmod._font_program("LiberationSans-Regular.ttf")
    finally:
        pdfmod._font_program.cache_clear()
    assert len(made) == 1 and again == first
    assert len(list((tmp_path / "cache" / "fonts").iterdir())) == 1


# --- what the pack claims -----------------------------------------------------------------------


def test_a_pack_of_tagged_papers_claims_pdfua_with_title_and_language(tmp_path):
    pack = _pack(tmp_path, [("A", write_tagged_pdf(tmp_path / "a.pdf", 1))])
    assert claims_pdfua(pack)
    assert "Board - 5 March 2020: Agenda" in xmp(pack)
    with pikepdf.open(pack) as pdf:
        assert str(pdf.Root.Lang) == "en-GB"
        assert bool(pdf.Root.MarkInfo.Marked) is True
        assert bool(pdf.Root.ViewerPreferences.DisplayDocTitle) is True


def test_a_pack_with_an_untagged_paper_does_not_claim_pdfua(tmp_path):
    plain = write_pdf(tmp_path / "plain.pdf", 1)
    w = PackWriter()
    w.begin_part("Agenda Item 1: A")
    w.add_pdf(write_tagged_pdf(tmp_path / "a.pdf", 1), title="A")
    w.add_pdf(plain, title="Appendix")
    assert w.untagged == [plain]
    out = tmp_path / "pack.pdf"
    w.finish(out, title="t", subject="s", author="a", bookmarks=[], unnumbered=0)
    assert not claims_pdfua(out)
    assert "<dc:title>" in xmp(out) or "dc:title" in xmp(out)


def test_is_tagged_tells_tagged_from_untagged(tmp_path):
    assert pdfmod.is_tagged(write_tagged_pdf(tmp_path / "a.pdf", 1))
    assert not pdfmod.is_tagged(write_pdf(tmp_path / "b.pdf", 1))


def test_named_destinations_point_at_each_items_first_page(tmp_path):
    a = write_tagged_pdf(tmp_path / "a.pdf", 2)
    b = write_tagged_pdf(tmp_path / "b.pdf", 1)
    reader = PdfReader(_pack(tmp_path, [("A", a), ("B", b)]))
    dests = reader.named_destinations
    assert reader.get_destination_page_number(dests["item-1"]) == 0
    assert reader.get_destination_page_number(dests["item-2"]) == 2


# --- cleaning LibreOffice's output ---------------------------------------------------------------


def _with_content(tmp_path: Path, content: bytes) -> Path:
    path = write_tagged_pdf(tmp_path / "lo.pdf", 1)
    with pikepdf.open(path, allow_overwriting_input=True) as pdf:
        page = pdf.pages[0]
        page.obj.Contents = pdf.make_stream(page.obj.Contents.read_bytes() + b"\n" + content)
        pdf.save(path)
    return path


def test_untagged_rules_become_artifacts_but_untagged_text_does_not(tmp_path):
    path = _with_content(
        tmp_path, b"0 0 1 RG 2 w 72 380 m 500 380 l S BT /F1 9 Tf 72 300 Td (loose) Tj ET"
    )
    with pikepdf.open(path) as pdf:
        assert artifact_untagged_paths(pdf, pdf.pages[0]) == 1
        ops = [str(i.operator) for i in pikepdf.parse_content_stream(pdf.pages[0])]
    start = ops.index("BMC", ops.index("EMC"))  # after the paper's own sequence
    assert ops[start : start + 7] == ["BMC", "RG", "w", "m", "l", "S", "EMC"]
    assert ops[-5:] == ["BT", "Tf", "Td", "Tj", "ET"]  # text is left untagged, never hidden


def test_only_painted_runs_of_paths_outside_marked_content_and_text_become_artifacts():
    """Which runs of instructions are wrapped, and that all else is written back as it was: a
    run ends where it is painted (wrapped) or used as a clip (`n`, left alone), and marked
    content, text, saved graphics states and images break it."""
    content = (
        b"1 0 0 RG 10 10 m 20 20 l S\n"  # painted at the top level: wrapped
        b"/P <</MCID 0>> BDC 30 30 m 40 40 l S EMC\n"  # inside marked content: tagged already
        b"50 50 m 60 60 l W n\n"  # a clip, not painted
        b"q 2 w 70 70 m Q 80 80 m 90 90 l f\n"  # q and Q break the run: from 80 80 m on
        b"BT /F1 9 Tf (x) Tj ET\n"
        b"0 g 1 1 5 5 re f"  # the last: wrapped
    )
    pdf = pikepdf.new()
    pdf.add_blank_page()
    page = pdf.pages[0]
    page.obj.Contents = pdf.make_stream(content)
    assert artifact_untagged_paths(pdf, page) == 3
    ops = [str(i.operator) for i in pikepdf.parse_content_stream(page)]
    assert ops == [
        "BMC", "RG", "m", "l", "S", "EMC",
        "BDC", "m", "l", "S", "EMC",
        "m", "l", "W", "n",
        "q", "w", "m", "Q", "BMC", "m", "l", "f", "EMC",
        "BT", "Tf", "Tj", "ET",
        "BMC", "g", "re", "f", "EMC",
    ]  # fmt: skip
    unchanged = pikepdf.new()
    unchanged.add_blank_page()
    unchanged.pages[0].obj.Contents = unchanged.make_stream(b"BT /F1 9 Tf (x) Tj ET")
    assert artifact_untagged_paths(unchanged, unchanged.pages[0]) == 0
    assert unchanged.pages[0].obj.Contents.read_bytes() == b"BT /F1 9 Tf (x) Tj ET"


def test_cleaning_a_converted_pdf_happens_once(tmp_path):
    path = _with_content(tmp_path, b"72 380 m 500 380 l S")
    assert clean_converted(path) == 1
    before = path.read_bytes()
    assert clean_converted(path) == 0
    assert path.read_bytes() == before
    assert check_structure(path) == []


def test_cleaning_counts_figures_without_alt_text_once_for_every_later_build(tmp_path):
    path = write_tagged_pdf(tmp_path / "a.pdf", 2)
    with pikepdf.open(path, allow_overwriting_input=True) as pdf:
        pdf.Root.StructTreeRoot.K[0].K[0].S = Name.Figure
        pdf.Root.StructTreeRoot.K[0].K[1].S = Name.Figure
        pdf.Root.StructTreeRoot.K[0].K[1].Alt = pikepdf.String("A chart")
        pdf.save(path)
    clean_converted(path)
    with pikepdf.open(path) as pdf:
        assert int(pdf.docinfo["/PackbuilderFiguresWithoutAlt"]) == 1
    w = PackWriter()
    w.begin_part("Agenda Item 1: A")
    w.add_pdf(path, title="A")
    assert not w.conforms


def test_list_items_left_outside_their_list_are_put_back(tmp_path):
    path = write_tagged_pdf(tmp_path / "a.pdf", 2)
    with pikepdf.open(path, allow_overwriting_input=True) as pdf:
        doc = pdf.Root.StructTreeRoot.K[0]
        p1, p2 = doc.K[0], doc.K[1]
        lst = pdf.make_indirect(pikepdf.Dictionary(Type=Name.StructElem, S=Name.L, P=doc))
        li1 = pdf.make_indirect(pikepdf.Dictionary(Type=Name.StructElem, S=Name.LI, P=lst, K=p1))
        li2 = pdf.make_indirect(pikepdf.Dictionary(Type=Name.StructElem, S=Name.LI, P=doc, K=p2))
        p1.P, p2.P = li1, li2
        lst.K = pikepdf.Array([li1])
        doc.K = pikepdf.Array([lst, li2])  # as LibreOffice tags a list split across pages
        assert regroup_stray_list_items(pdf) == 1
        assert [str(k.S) for k in doc.K] == ["/L"]
        assert [k.objgen for k in doc.K[0].K] == [li1.objgen, li2.objgen]
        assert li2.P.objgen == lst.objgen
        pdf.save(path)
    assert check_structure(path) == []


# --- end to end: the example meeting, real LibreOffice, the PDF/UA-1 validator ------------------


@pytest.fixture(scope="module")
def example_packs(tmp_path_factory, libreoffice):  # type: ignore[no-untyped-def]
    tmp = tmp_path_factory.mktemp("a11y")
    folder = tmp / EXAMPLE.name
    shutil.copytree(EXAMPLE, folder)
    result = build(folder, tmp / "out", converter=libreoffice)
    return result


def _validate(path: Path) -> list[str]:
    page = pytest.importorskip("page", reason="page-validation is in the dev extra")
    report = page.validate_pdf(str(path), profile="ua1")
    return [f"{f.rule_id}: {f.message}" for f in report.failures]


@pytest.mark.libreoffice
def test_the_example_packs_pass_pdfua1_with_no_failed_rule(example_packs):
    assert len(example_packs.packs) == 3
    for pack in example_packs.packs:
        assert check_structure(pack.path) == [], pack.path.name
        assert _validate(pack.path) == [], pack.path.name
        assert claims_pdfua(pack.path)
    assert not [w for w in example_packs.warnings if "untagged" in w]


@pytest.mark.libreoffice
def test_a_drafts_marking_on_every_page_is_an_artifact_and_the_packs_pass_pdfua1(
    tmp_path, libreoffice
):
    """A reviewer's: a draft said DRAFT on its frontsheet only, so a draft forwarded or printed
    could be taken for the published pack. Every page of a draft (frontsheet, papers, fillers)
    carries "DRAFT - not published" beside its page number, a pagination artifact as the page
    number is (the frontsheet says it in words for screen readers); its title begins "DRAFT - "
    in the document information and the XMP; and the packs still pass PDF/UA-1."""
    folder = tmp_path / EXAMPLE.name
    shutil.copytree(EXAMPLE, folder)
    result = build(folder, tmp_path / "out", converter=libreoffice, draft=True)
    assert len(result.packs) == 3
    for pack in result.packs:
        pages = marked_texts(pack.path)
        for n, runs in enumerate(pages):
            marks = [kind for kind, text in runs if text == "DRAFT - not published"]
            assert marks == ["artifact"], (pack.path.name, n)
        reader = PdfReader(pack.path)
        assert reader.metadata.title.startswith("DRAFT - "), pack.path.name
        assert '<rdf:li xml:lang="x-default">DRAFT - ' in xmp(pack.path)
        assert check_structure(pack.path) == [], pack.path.name
        assert _validate(pack.path) == [], pack.path.name
        assert claims_pdfua(pack.path)


@pytest.mark.libreoffice
def test_the_example_pack_reads_agenda_item_first_then_the_paper(example_packs):
    public = next(p.path for p in example_packs.packs if p.path.name.endswith("public.pdf"))
    tree = struct_tree(public)
    parts = [title for depth, kind, title in tree if depth == 1]
    assert parts == [
        "Agenda",
        "Agenda Item 1: Minutes of the last meeting",
        "Agenda Item 2: Equality Objectives and Welcoming City",
        "Agenda Item 4: Safer Plymouth OPCC Commissioning Plan 2020/21",
        "Agenda Item 6: DHR Training",
        "Agenda Item 7: Performance update",
    ]
    texts = marked_texts(public)
    # the frontsheet is 2 pages (with its filler); item 1 starts on the third page
    first = texts[2]
    assert ("artifact", "Page 1") in first
    item = [t for t in first if t[1] == "Agenda Item 1"]
    assert item and item[0][0].startswith("mcid")
    assert not [r for page in texts for r in page if r[0] == "untagged"]


@pytest.mark.libreoffice
def test_an_untagged_appendix_is_named_in_a_warning_and_the_pack_claims_nothing(
    tmp_path, libreoffice
):
    folder = tmp_path / EXAMPLE.name
    shutil.copytree(EXAMPLE, folder)
    appendix = folder / "Appendix A - Welcoming City charter.pdf"
    write_pdf(appendix, 3)  # untagged, as a scanner or an old export makes it
    result = build(folder, tmp_path / "out", converter=libreoffice)
    assert any(
        w.startswith("Appendix A - Welcoming City charter.pdf: this PDF is untagged")
        for w in result.warnings
    )
    public = next(p.path for p in result.packs if p.path.name.endswith("public.pdf"))
    assert not claims_pdfua(public)
    assert check_structure(public) == []  # what is tagged is still sound
    supplement = next(p.path for p in result.packs if "supplement" in p.path.name)
    assert claims_pdfua(supplement)  # its papers are all tagged


# --- officers' images and their alternative text -----------------------------------------------


def _png(path: Path) -> Path:
    """A small grey PNG, made without an imaging library."""
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    rows = b"".join(b"\x00" + bytes([128] * 16) for _ in range(16))
    path.write_bytes(
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", struct.pack(">IIBBBBB", 16, 16, 8, 0, 0, 0, 0))
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )
    return path


def write_docx_with_image(path: Path, alt: str | None, decorative: bool = False) -> Path:
    from docx import Document
    from docx.oxml import parse_xml
    from docx.shared import Cm

    doc = Document()
    doc.add_heading(path.stem, 1)
    doc.add_paragraph("Reported hate crime by year.")
    doc.add_picture(str(_png(path.with_suffix(".png"))), width=Cm(4))
    doc_pr = doc.inline_shapes[0]._inline.docPr
    doc_pr.set("descr", alt or "")
    if decorative:
        doc_pr.append(
            parse_xml(
                '<a:extLst xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main">'
                '<a:ext uri="{C183D7F6-B498-43B3-948B-1728B52AA6E4}">'
                '<adec:decorative xmlns:adec="http://schemas.microsoft.com/office/drawing/2017/'
                'decorative" val="1"/></a:ext></a:extLst>'
            )
        )
    doc.save(path)
    return path


@pytest.mark.parametrize(
    ("alt", "decorative", "missing"),
    [(None, False, 1), ("A bar chart of hate crime", False, 0), (None, True, 0)],
)
def test_images_without_alternative_text_are_counted(tmp_path, alt, decorative, missing):
    from packbuilder.meeting import images_without_alt_text

    path = write_docx_with_image(tmp_path / "report.docx", alt, decorative)
    assert images_without_alt_text(path) == missing


@pytest.mark.libreoffice
def test_a_word_papers_alt_text_reaches_the_pack_and_a_missing_one_is_a_warning(
    tmp_path, libreoffice
):
    from tests.factory import make_meeting

    folder = make_meeting(
        tmp_path / "2020-03-05-board",
        items=[{"title": "Hate crime", "papers": ["described.docx", "silent.docx"]}],
    )
    write_docx_with_image(folder / "described.docx", "A bar chart of hate crime, 2018 to 2019")
    write_docx_with_image(folder / "silent.docx", None)
    result = build(folder, tmp_path / "out", converter=libreoffice)
    assert [w for w in result.warnings if "alternative text" in w] == [
        "silent.docx: 1 image without alternative text, which screen readers cannot describe; "
        "ask its author to add alt text in Word (right-click the image, View Alt Text) or mark it "
        "as decorative"
    ]
    pack = result.packs[0].path
    with pikepdf.open(pack) as pdf:
        figures = [
            e
            for top in elements(pdf.Root.StructTreeRoot.K)
            for e in walk(top)
            if str(e.S) == "/Figure"
        ]
        alts = [str(e.get("/Alt", "")) for e in figures]
    assert "A bar chart of hate crime, 2018 to 2019" in alts
    assert "" in alts  # the silent image: a figure a screen reader cannot describe
    assert not claims_pdfua(pack)
    assert check_structure(pack) == []


def test_a_figure_without_alternative_text_stops_the_pdfua_claim(tmp_path):
    path = write_tagged_pdf(tmp_path / "a.pdf", 1)
    with pikepdf.open(path, allow_overwriting_input=True) as pdf:
        pdf.Root.StructTreeRoot.K[0].K[0].S = Name.Figure
        pdf.save(path)
    w = PackWriter()
    w.begin_part("Agenda Item 1: A")
    w.add_pdf(path, title="A")
    assert not w.conforms
    out = tmp_path / "pack.pdf"
    w.finish(out, title="t", subject="s", author="a", bookmarks=[], unnumbered=0)
    assert not claims_pdfua(out)


def _with_figures(path: Path, kinds: list[str], alt: list[bool], roles: dict | None = None) -> Path:
    """`path`'s page elements given the types `kinds` (alt text where `alt`), and a role map."""
    with pikepdf.open(path, allow_overwriting_input=True) as pdf:
        tree = pdf.Root.StructTreeRoot
        for elem, kind, described in zip(tree.K[0].K, kinds, alt, strict=True):
            elem.S = Name(kind)
            if described:
                elem.Alt = pikepdf.String("A chart of the year")
        if roles:
            tree.RoleMap = pikepdf.Dictionary({k: Name(v) for k, v in roles.items()})
        pdf.save(path)
    return path


@pytest.mark.parametrize(
    ("kinds", "alt", "roles", "silent"),
    [
        (["/P", "/P", "/P"], [False] * 3, None, 0),
        (["/Figure", "/P", "/Figure"], [False, False, True], None, 1),
        (["/Chart", "/Figure", "/P"], [False, False, False], {"/Chart": "/Figure"}, 2),
        (["/Chart", "/Pic", "/P"], [False, True, False], {"/Chart": "/P", "/Pic": "/Figure"}, 0),
        (["/Chart", "/P", "/P"], [False] * 3, {"/Chart": "/Graphic", "/Graphic": "/Figure"}, 1),
        (["/Loop", "/P", "/P"], [False] * 3, {"/Loop": "/Back", "/Back": "/Loop"}, 0),
    ],
)
def test_the_checks_count_figures_without_alt_text_as_the_walk_does(
    tmp_path, kinds, alt, roles, silent
):
    path = _with_figures(write_tagged_pdf(tmp_path / "a.pdf", 3), kinds, alt, roles)
    assert pdfmod.paper_facts(path).figures == silent
    with pikepdf.open(path) as pdf:  # the walk of every element, as assembling did
        assert figures_without_alt(pdf.Root.StructTreeRoot) == silent


def test_a_figure_typed_by_reference_is_counted(tmp_path):
    path = write_tagged_pdf(tmp_path / "a.pdf", 2)
    with pikepdf.open(path, allow_overwriting_input=True) as pdf:
        pdf.Root.StructTreeRoot.K[0].K[1].S = pdf.make_indirect(Name.Figure)
        pdf.save(path)
    assert pdfmod.paper_facts(path).figures == 1


def test_assembling_takes_the_checks_count_of_figures_without_walking_again(tmp_path, monkeypatch):
    silent = _with_figures(write_tagged_pdf(tmp_path / "a.pdf", 2), ["/Figure", "/P"], [False] * 2)
    plain = write_tagged_pdf(tmp_path / "b.pdf", 2)
    for path in (silent, plain):
        pdfmod.paper_facts(path)  # checked, as every paper is when the meeting is loaded

    def walked(*_a, **_k):
        raise AssertionError("the structure was walked again")

    monkeypatch.setattr("packbuilder.tagged.figures_without_alt", walked)
    for path, conforms in ((silent, False), (plain, True)):
        w = PackWriter()
        w.begin_part("Agenda Item 1: A")
        w.add_pdf(path, title="A")
        assert w.conforms is conforms
        w.close()
