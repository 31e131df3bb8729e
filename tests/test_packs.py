"""Supplementary packs, exempt items, public and private packs (issue 5), end to end."""

from __future__ import annotations

import pikepdf
import pytest
from pypdf import PdfReader, PdfWriter

from packbuilder.build import build
from tests.factory import make_meeting, write_pdf
from tests.packreader import Pack
from tests.test_build import assert_conventions

pytestmark = pytest.mark.libreoffice

SECRET = "SECRETTENDER"
NOTICE = (
    "Not for publication by virtue of paragraph 3 of Part 1 of Schedule 12A to the Local "
    "Government Act 1972"
)


def _flat(text: str) -> str:
    return " ".join(text.split())


def add_form_field(path, name: str, value: str) -> None:
    """Give the PDF's first page a filled-in text field (an AcroForm widget)."""
    with pikepdf.Pdf.open(path, allow_overwriting_input=True) as pdf:
        field = pdf.make_indirect(
            pikepdf.Dictionary(
                Type=pikepdf.Name.Annot,
                Subtype=pikepdf.Name.Widget,
                FT=pikepdf.Name.Tx,
                T=pikepdf.String(name),
                V=pikepdf.String(value),
                Rect=[72, 700, 300, 720],
                P=pdf.pages[0].obj,
            )
        )
        pdf.pages[0].obj.Annots = pdf.make_indirect(pikepdf.Array([field]))
        pdf.Root.AcroForm = pikepdf.Dictionary(Fields=pikepdf.Array([field]))
        pdf.save(path)


@pytest.fixture(scope="module")
def built(tmp_path_factory, libreoffice):  # type: ignore[no-untyped-def]
    tmp = tmp_path_factory.mktemp("packs")
    folder = make_meeting(
        tmp / "2020-03-05-board",
        items=[
            {"title": "Minutes", "papers": ["minutes.pdf"]},
            {"title": "Contract award", "papers": ["tender.pdf"], "exempt paragraph": 3},
            {"title": "Restructure update", "papers": ["late.pdf"], "status": "to follow"},
            {"title": "Not yet arrived", "papers": ["missing.pdf"], "status": "to follow"},
            {"title": "Performance", "papers": ["perf.pdf"]},
            {
                "title": "Late and exempt",
                "papers": ["late-secret.pdf"],
                "status": "to follow",
                "exempt paragraph": "para 1",
                "supplement": 2,
            },
        ],
        papers={"minutes.pdf": 3, "late.pdf": 3, "perf.pdf": 2},
    )
    # exempt papers: text, an attachment and a form field that must never reach a public pack
    for name, label in (("tender.pdf", SECRET), ("late-secret.pdf", SECRET + "LATE")):
        write_pdf(folder / name, 3, label=label)
        w = PdfWriter(clone_from=folder / name)
        w.add_attachment(f"{SECRET}-prices.txt", f"{SECRET} prices".encode())
        w.add_metadata({"/Title": f"{SECRET} title", "/Author": SECRET})
        w.write(folder / name)
        add_form_field(folder / name, f"{SECRET}-bid", f"{SECRET} 125,000")
    result = build(folder, tmp / "out", converter=libreoffice)
    return {p.path.name.replace("2020-03-05-board-", ""): p.path for p in result.packs}


def test_one_build_makes_every_pack_due(built):
    assert sorted(built) == [
        "agenda-pack-PRIVATE-not-for-publication.pdf",
        "agenda-pack-public.pdf",
        "supplement-1.pdf",
        "supplement-2-PRIVATE-not-for-publication.pdf",
        "supplement-2-public.pdf",
    ]


def test_public_pack_lists_exempt_item_but_leaves_its_papers_out(built):
    pack = Pack.read(built["agenda-pack-public.pdf"])
    assert_conventions(pack, ["1", "5"])
    front = _flat(pack.frontsheet_text())
    assert "Contract award" in front
    assert NOTICE in front
    assert "exclude the press and public" in front
    # "to follow" items show it instead of a range, whether or not their papers have arrived;
    # an exempt one shows, in public, only that it is not for publication
    assert front.count("To follow") == 2
    assert "Not for publication by virtue of paragraph 1 of" in front
    assert "paragraphs 1 and 3 of Part 1 of Schedule 12A" in front


@pytest.mark.parametrize(
    "name", ["agenda-pack-public.pdf", "supplement-1.pdf", "supplement-2-public.pdf"]
)
def test_nothing_of_an_exempt_paper_leaks_into_a_public_pack(built, name):
    raw = built[name].read_bytes()
    assert SECRET.encode() not in raw  # text, metadata, bookmarks, attachments: nothing at all
    reader = PdfReader(built[name])
    assert all(SECRET not in (p.extract_text() or "") for p in reader.pages)
    assert "/EmbeddedFiles" not in str(reader.trailer["/Root"].get("/Names", {}))
    assert "/AcroForm" not in reader.trailer["/Root"]
    assert "PRIVATE" not in (reader.metadata.title or "")


def test_private_pack_marks_every_page_of_every_exempt_paper(built):
    pack = Pack.read(built["agenda-pack-PRIVATE-not-for-publication.pdf"])
    assert_conventions(pack, ["1", "2", "5"])
    front = _flat(pack.frontsheet_text())
    assert "PRIVATE PACK: NOT FOR PUBLICATION" in front
    secret_pages = pack.find(SECRET)
    assert len(secret_pages) == 3
    for i in secret_pages:
        assert "NOT FOR PUBLICATION" in pack.texts[i]
        assert "paragraph 3 of Part 1 of Schedule 12A" in _flat(pack.texts[i])
    others = [i for i in range(pack.front_pages, pack.page_count) if i not in secret_pages]
    assert all("NOT FOR PUBLICATION" not in pack.texts[i] for i in others)
    assert "PRIVATE" in pack.reader.metadata.subject
    # the exempt paper's form field came along into the private pack, so the public pack's check
    # for form fields above is looking for something that really travels with the paper
    fields = pack.reader.get_fields() or {}
    assert f"{SECRET}-bid" in fields
    assert fields[f"{SECRET}-bid"].get("/V") == f"{SECRET} 125,000"


def test_supplement_has_its_own_frontsheet_and_numbering(built):
    pack = Pack.read(built["supplement-1.pdf"])
    assert_conventions(pack, ["3"])
    front = _flat(pack.frontsheet_text())
    assert "SUPPLEMENTARY PACK 1" in front
    assert "additional information relating to agenda item 3." in front
    assert "Restructure update" in front and "(Pages 1 - 3)" in front
    assert "Minutes" not in front  # only the items it carries
    assert pack.stamp(pack.front_pages) == 1
    assert pack.reader.metadata.subject == "Supplementary pack 1"


def test_supplement_with_an_exempt_item_has_public_and_private_versions(built):
    public = Pack.read(built["supplement-2-public.pdf"])
    private = Pack.read(built["supplement-2-PRIVATE-not-for-publication.pdf"])
    front = _flat(public.frontsheet_text())
    assert "Not for publication by virtue of paragraph 1" in front
    assert "exclude the press and public" in front
    assert "paragraph 1 of Part 1 of Schedule 12A" in front
    assert public.item_starts() == {}
    # it says what the public is entitled to know, never "relating to agenda items ." (issue 13)
    assert "relating to agenda" not in front
    assert (
        "The papers for agenda item 6 have been sent to members only. They are not for "
        "publication because they contain exempt information, as shown below; this supplement "
        "has no papers for publication." in front
    )
    # and it ends with its frontsheet: no filler page that nothing follows
    assert not public.find("This page is intentionally left blank")
    assert public.page_count == public.front_pages
    assert_conventions(private, ["6"])
    late_pages = private.find(SECRET + "LATE")
    assert len(late_pages) == 3
    assert all("NOT FOR PUBLICATION" in private.texts[i] for i in late_pages)


def test_no_exempt_items_means_one_pack_and_the_pair_withdrawn(tmp_path, libreoffice):
    items = [{"papers": ["a.pdf"]}, {"papers": ["b.pdf"], "exempt paragraph": 7}]
    folder = make_meeting(tmp_path / "m", items=items, papers={"a.pdf": 1, "b.pdf": 1})
    out = tmp_path / "out"
    first = build(folder, out, converter=libreoffice)
    assert [p.path.name for p in first.packs] == [
        "m-agenda-pack-public.pdf",
        "m-agenda-pack-PRIVATE-not-for-publication.pdf",
    ]
    make_meeting(tmp_path / "m", items=[items[0], {"papers": ["b.pdf"]}])
    second = build(folder, out, converter=libreoffice)
    assert [p.path.name for p in second.packs] == ["m-agenda-pack.pdf"]
    assert sorted(p.name for p in out.rglob("*.pdf") if "archive" not in p.parts) == [
        "m-agenda-pack.pdf"
    ]


def test_two_supplements_never_overwrite_each_other(tmp_path, libreoffice):
    items = [
        {"papers": ["a.pdf"]},
        {"papers": ["b.pdf"], "status": "to follow", "supplement": 1},
        {"papers": ["c.pdf"], "status": "to follow", "supplement": 2},
    ]
    folder = make_meeting(tmp_path / "m", items=items, papers={"a.pdf": 1, "b.pdf": 2, "c.pdf": 5})
    result = build(folder, tmp_path / "out", converter=libreoffice)
    names = [p.path.name for p in result.packs]
    assert names == ["m-agenda-pack.pdf", "m-supplement-1.pdf", "m-supplement-2.pdf"]
    s1, s2 = (Pack.read(p.path) for p in result.packs[1:])
    assert s1.find_line("b page 1") and not s1.find_line("c page 1")
    assert s2.find_line("c page 5") and s2.stamp(s2.front_pages) == 1
    assert s2.frontsheet_ranges() == [(1, 5)]
