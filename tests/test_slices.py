"""A numbered part is assembled a few items at a time, each slice appended to the part as an
update through its skeleton (`assemble.assemble_papers`), and a private pack's part goes on from
the public pack's when its exempt items come last (`assemble.numbered_part`). Either way the part
must read exactly as one assembled at once, and never hold a page of other content."""

from __future__ import annotations

from pathlib import Path

import pikepdf
import pytest
from pypdf import PdfReader

from packbuilder import assemble, plan
from packbuilder.layout import lay_out
from packbuilder.meeting import load_meeting
from packbuilder.tagged import check_structure, elements, walk
from tests.factory import make_meeting
from tests.tagged_factory import write_tagged_pdf

# Each paper: (pages, tagged?, options of `write_tagged_pdf`)
PAPERS = {
    "minutes.pdf": (3, True, {"link": True, "role": ("/Para", "/P"), "id_prefix": "x"}),
    "annex.pdf": (2, False, {}),
    "long.pdf": (120, True, {"link": True}),
    "tender.pdf": (2, True, {"id_prefix": "x", "role": ("/Para", "/H1")}),
    "plan.pdf": (1, True, {}),
}


def _meeting(folder: Path, exempt_last: bool):  # type: ignore[no-untyped-def]
    items = [
        {"title": "Minutes", "lead": "Chair", "papers": ["minutes.pdf", "annex.pdf"]},
        {"title": "Plan", "lead": "AM", "papers": ["long.pdf"]},
        {"title": "Verbal", "lead": "JK", "status": "verbal"},
        {"title": "Vote", "lead": "AM", "papers": ["plan.pdf"]},
    ]
    exempt = {"title": "Contract award", "lead": "AM", "papers": ["tender.pdf"]}
    exempt["exempt paragraph"] = 3
    items.insert(len(items) if exempt_last else 1, exempt)
    folder = make_meeting(folder, items=items, papers={n: p for n, (p, _, _) in PAPERS.items()})
    for name, (pages, tagged, options) in PAPERS.items():
        if tagged:
            write_tagged_pdf(folder / name, pages, **options)
    return load_meeting(folder)


def _parts(meeting):  # type: ignore[no-untyped-def]
    specs = plan.plan_packs(meeting)
    pdfs = {p.path: p.path for s in specs for i in s.included for p in i.papers}
    layouts = [
        lay_out([(i.number, [p.pages for p in i.papers]) for i in s.included]) for s in specs
    ]
    return specs, layouts, pdfs


def _facts(part: Path) -> tuple[object, ...]:
    """What a reader gets from a part: every page's text and size, where each destination
    goes, the structure (each element's type and title, in reading order), whether it may claim
    PDF/UA; and it must be sound (`check_structure`)."""
    assert check_structure(part) == []
    r = PdfReader(part, strict=True)
    dests = {k: r.get_destination_page_number(v) for k, v in r.named_destinations.items()}
    with pikepdf.open(part) as pdf:
        tree = pdf.Root.StructTreeRoot
        kinds = [
            (str(e.get("/S")), str(e.get("/T", "")), str(e.get("/ID", "")))
            for top in elements(tree.K)
            for e in walk(top)
        ]
        conforms = bool(pdf.docinfo.get("/PackbuilderBodyConforms"))
        roles = sorted((str(k), str(v)) for k, v in tree.get("/RoleMap", {}).items())
    pages = [(p.extract_text(), [float(v) for v in p.mediabox]) for p in r.pages]
    return pages, dests, kinds, conforms, roles


@pytest.fixture(params=[True, False], ids=["exempt last", "exempt in the middle"])
def meeting(request, tmp_path):  # type: ignore[no-untyped-def]
    return _meeting(tmp_path / "2020-03-05-board", request.param)


def test_a_part_assembled_in_slices_reads_as_one_assembled_at_once(
    meeting, tmp_path, monkeypatch
):
    specs, layouts, pdfs = _parts(meeting)
    assert [s.private for s in specs] == [False, True]
    for n, (spec, layout) in enumerate(zip(specs, layouts, strict=True)):
        monkeypatch.setattr(assemble, "SLICE_BYTES", 1 << 40)
        whole = tmp_path / f"whole-{n}.pdf"
        assemble.assemble_papers(spec, layout, pdfs, whole)
        monkeypatch.setattr(assemble, "SLICE_BYTES", 1)  # every item a slice of its own
        sliced = tmp_path / f"sliced-{n}.pdf"
        read = assemble.assemble_papers(spec, layout, pdfs, sliced)
        assert sorted(p.name for p, _ in read) == sorted(
            p.path.name for i in spec.included for p in i.papers
        )
        # one update per slice after the first
        assert sliced.read_bytes().count(b"startxref") == len(spec.included)
        assert _facts(sliced) == _facts(whole)


def test_a_private_part_goes_on_from_the_public_one_when_its_exempt_items_come_last(
    meeting, tmp_path, monkeypatch
):
    specs, layouts, pdfs = _parts(meeting)
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    made: list[assemble.MadePart] = []
    public = assemble.numbered_part(specs[0], layouts[0], pdfs, tmp_path / "a", made)
    private = assemble.numbered_part(specs[1], layouts[1], pdfs, tmp_path / "a", made)
    exempt_last = specs[1].included[-1].exempt
    assert private.read_bytes().startswith(public.read_bytes()) == exempt_last
    # the same as the private part assembled on its own
    monkeypatch.setattr(assemble, "_code_version", lambda: "another")  # (not the kept part)
    alone = assemble.numbered_part(specs[1], layouts[1], pdfs, tmp_path / "b")
    assert not alone.read_bytes().startswith(public.read_bytes())
    assert _facts(private) == _facts(alone)
    texts = [t for t, _ in _facts(private)[0]]  # type: ignore[index]
    assert any("tender page 1" in t and "NOT FOR PUBLICATION" in t for t in texts)


def test_a_public_part_whose_papers_lost_something_for_the_public_is_not_the_private_ones(
    tmp_path, monkeypatch
):
    """A paper cleaned of an attached file for the public holds less than it does in the
    private pack: the private part is then assembled on its own."""
    meeting = _meeting(tmp_path / "2020-03-05-board", exempt_last=True)
    specs, layouts, pdfs = _parts(meeting)
    monkeypatch.setattr(assemble, "clean_by_key", lambda key, public=True: False)
    made: list[assemble.MadePart] = []
    public = assemble.numbered_part(specs[0], layouts[0], pdfs, tmp_path, made)
    private = assemble.numbered_part(specs[1], layouts[1], pdfs, tmp_path, made)
    assert not private.read_bytes().startswith(public.read_bytes())


def test_a_paper_changed_after_the_public_part_was_made_is_never_served_stale(
    tmp_path, monkeypatch
):
    meeting = _meeting(tmp_path / "2020-03-05-board", exempt_last=True)
    specs, layouts, pdfs = _parts(meeting)
    made: list[assemble.MadePart] = []
    public = assemble.numbered_part(specs[0], layouts[0], pdfs, tmp_path, made)
    # the same number of pages, other words: the steps are the same, the content is not
    write_tagged_pdf(meeting.folder / "plan.pdf", 1, label="REWRITTEN")
    private = assemble.numbered_part(specs[1], layouts[1], pdfs, tmp_path, made)
    assert not private.read_bytes().startswith(public.read_bytes())
    texts = [t for t, _ in _facts(private)[0]]  # type: ignore[index]
    assert any("REWRITTEN" in t for t in texts)
    assert not any("plan page 1" in t for t in texts)


def test_a_slice_the_skeleton_cannot_take_is_added_to_the_whole_part(tmp_path, monkeypatch):
    """Should adding a slice need more of the part than its skeleton holds (`WholePartNeeded`,
    raised before anything is written), the slice is added to the whole part: the same part."""
    from packbuilder.pdf import PackWriter, WholePartNeeded

    meeting = _meeting(tmp_path / "2020-03-05-board", exempt_last=True)
    specs, layouts, pdfs = _parts(meeting)
    spec, layout = specs[1], layouts[1]
    monkeypatch.setattr(assemble, "SLICE_BYTES", 1 << 40)
    whole = tmp_path / "whole.pdf"
    assemble.assemble_papers(spec, layout, pdfs, whole)
    monkeypatch.setattr(assemble, "SLICE_BYTES", 1)
    real = PackWriter._touched
    refused = []

    def touched(self):  # type: ignore[no-untyped-def]
        if self._skeleton:
            refused.append(True)
            raise WholePartNeeded
        return real(self)

    monkeypatch.setattr(PackWriter, "_touched", touched)
    sliced = tmp_path / "sliced.pdf"
    assemble.assemble_papers(spec, layout, pdfs, sliced)
    assert len(refused) == len(spec.included) - 1
    assert _facts(sliced) == _facts(whole)


def test_a_slice_holds_at_most_slice_bytes_of_papers_or_one_item(tmp_path, monkeypatch):
    """What bounds a build's memory: no slice holds more than `SLICE_BYTES` of papers, unless
    one item alone has more; and slices are cut only where an item begins."""
    monkeypatch.setattr(assemble, "SLICE_BYTES", 100)
    sizes = {"a": 60, "b": 30, "c": 20, "d": 250, "e": 10, "f": 90}
    steps = []
    for name, size in sizes.items():
        (tmp_path / f"{name}.pdf").write_bytes(b"x" * size)
        steps += [
            assemble._Step("part", f"Agenda Item {name}"),
            assemble._Step("destination", f"item-{name}"),
            assemble._Step("paper", name, tmp_path / f"{name}.pdf"),
        ]
    slices = assemble._slices(steps)
    assert [[s.text for s in piece if s.kind == "paper"] for piece in slices] == [
        ["a", "b"],
        ["c"],
        ["d"],
        ["e", "f"],
    ]
    assert [s for piece in slices for s in piece] == steps
    assert all(piece[0].kind == "part" for piece in slices)


def _form_pdf(path: Path, value: str) -> Path:
    """One page with a text field named "name" (every paper's field has that name)."""
    pdf = pikepdf.new()
    pdf.add_blank_page(page_size=(595, 842))
    page = pdf.pages[0]
    font = pikepdf.Dictionary(
        Type=pikepdf.Name.Font, Subtype=pikepdf.Name.Type1, BaseFont=pikepdf.Name.Helvetica
    )
    page.obj.Resources = pikepdf.Dictionary(Font=pikepdf.Dictionary(F1=font))
    page.obj.Contents = pdf.make_stream(b"BT /F1 12 Tf 72 720 Td (%s) Tj ET" % value.encode())
    field = pdf.make_indirect(
        pikepdf.Dictionary(
            Type=pikepdf.Name.Annot,
            Subtype=pikepdf.Name.Widget,
            FT=pikepdf.Name.Tx,
            T=pikepdf.String("name"),
            V=pikepdf.String(value),
            Rect=pikepdf.Array([72, 600, 300, 620]),
            P=page.obj,
            F=4,
        )
    )
    page.obj.Annots = pikepdf.Array([field])
    page.obj.Rotate = pdf.make_indirect(0)  # an indirect number (LibreOffice writes lengths so)
    pdf.Root.AcroForm = pikepdf.Dictionary(
        Fields=pikepdf.Array([field]), DA=pikepdf.String("/Helv 0 Tf 0 g")
    )
    pdf.save(path)
    return path


@pytest.mark.parametrize("whole_part", [False, True], ids=["skeleton", "whole part"])
def test_papers_with_form_fields_keep_them_apart_in_slices(tmp_path, monkeypatch, whole_part):
    """A paper's form fields join the part's form, named apart from fields already there: the
    skeleton holds the part's form, so a later slice sees the fields of the earlier ones (and
    the whole part, should a slice need it, takes them the same: its indirect numbers too)."""
    from packbuilder.pdf import PackWriter, WholePartNeeded

    names = ["first.pdf", "second.pdf", "third.pdf"]
    folder = make_meeting(
        tmp_path / "2020-03-05-board",
        items=[{"title": f"Form {n}", "lead": "AM", "papers": [n]} for n in names],
        papers={n: 1 for n in names},
    )
    for n in names:
        _form_pdf(folder / n, n.removesuffix(".pdf"))
    specs, layouts, pdfs = _parts(load_meeting(folder))
    (spec,), (layout,) = specs, layouts
    monkeypatch.setattr(assemble, "SLICE_BYTES", 1 << 40)
    whole = tmp_path / "whole.pdf"
    assemble.assemble_papers(spec, layout, pdfs, whole)
    monkeypatch.setattr(assemble, "SLICE_BYTES", 1)
    real_touched, real_whole = PackWriter._touched, PackWriter.whole
    wholes = []

    def touched(self):  # type: ignore[no-untyped-def]
        if whole_part and self._skeleton:
            raise WholePartNeeded
        return real_touched(self)

    def whole_part_read(self):  # type: ignore[no-untyped-def]
        wholes.append(True)
        return real_whole(self)

    monkeypatch.setattr(PackWriter, "_touched", touched)
    monkeypatch.setattr(PackWriter, "whole", whole_part_read)
    sliced = tmp_path / "sliced.pdf"
    assemble.assemble_papers(spec, layout, pdfs, sliced)
    assert sliced.read_bytes().count(b"startxref") == 3
    assert len(wholes) == (2 if whole_part else 0)

    def fields(path: Path) -> dict[str, object]:
        found = PdfReader(path, strict=True).get_fields() or {}
        return {k: v.get("/V") for k, v in found.items()}

    assert len(fields(whole)) == 3
    assert fields(sliced) == fields(whole)
    assert _facts(sliced) == _facts(whole)
