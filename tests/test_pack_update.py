"""A pack is its kept numbered part's bytes with the frontsheet, outline and metadata appended as
an incremental update (`pdf._write_update`): what is appended must be everything finishing
changed, and the pack must read exactly as one written whole."""

from __future__ import annotations

from pathlib import Path

import pikepdf
import pytest
from pypdf import PdfReader

import packbuilder.pdf as pdfmod
from packbuilder.pdf import Bookmark, PackWriter, Stamp
from packbuilder.tagged import check_structure
from tests.factory import write_pdf
from tests.tagged_factory import write_tagged_pdf


def _object_bytes(obj: pikepdf.Object) -> bytes:
    if isinstance(obj, pikepdf.Stream):
        return obj.stream_dict.unparse(resolved=True) + obj.read_raw_bytes()
    return obj.unparse(resolved=True)


def _changed_originals(pdf: pikepdf.Pdf, base: Path, base_size: int) -> set[tuple[int, int]]:
    """The objects of the saved part whose content differs, in memory, from the file's."""
    changed = set()
    with pikepdf.open(base) as fresh:
        for number in range(1, base_size):
            before = fresh.get_object((number, 0))
            if before is None:
                continue
            if _object_bytes(before) != _object_bytes(pdf.get_object((number, 0))):
                changed.add((number, 0))
    return changed


def _part(tmp_path: Path, papers: list[Path], private: bool = False) -> Path:
    w = PackWriter(public=not private)
    page = 1
    for n, path in enumerate(papers, start=1):
        w.begin_part(f"Agenda Item {n}: {path.stem}")
        w.add_destination(f"item-{n}", w.pages)
        count = len(PdfReader(path).pages)
        stamps = []
        for i in range(count):
            s = [Stamp(f"Page {page + i}", "bottom-centre")]
            if i == 0:
                s.append(Stamp(f"Agenda Item {n}", "top-right", 11, True, tagged=True))
            if private:
                s.append(Stamp("NOT FOR PUBLICATION", "top-centre", 11, True, tagged=i == 0))
            stamps.append(s)
        w.add_pdf(path, stamps, title=path.stem)
        page += count
    w.add_blank([Stamp("This page is intentionally left blank", "middle", 11)])
    part = tmp_path / "part.pdf"
    w.save_body(part)
    return part


def _finish(part: Path, front: Path, out: Path) -> None:
    w = PackWriter(body=part)
    n = w.insert_front(front, Stamp("This page is intentionally left blank", "middle", 11))
    w.finish(
        out,
        title="Board - 5 March 2020: Agenda",
        subject="Agenda and reports",
        author="Board",
        bookmarks=[Bookmark("Agenda", 0), Bookmark("Item 1", n, (Bookmark("Paper", n),))],
        unnumbered=n,
    )


def _read(path: Path) -> tuple[object, ...]:
    r = PdfReader(path, strict=True)
    return (
        [p.extract_text() for p in r.pages],
        [(p.rotation, [float(v) for v in p.mediabox]) for p in r.pages],
        r.page_labels,
        [(o.title, r.get_destination_page_number(o)) for o in r.outline if not isinstance(o, list)],
        sorted(r.named_destinations),
        dict(r.metadata or {}),
        r.trailer["/Root"]["/Lang"],
    )


PAPERS = {
    "small tagged papers with links, roles and ids": lambda d: [
        write_tagged_pdf(d / "a.pdf", 2, link=True, role=("/Para", "/P"), id_prefix="x"),
        write_tagged_pdf(d / "b.pdf", 3, link=True, role=("/Para", "/H1"), id_prefix="x"),
    ],
    "a parent tree with leaves (over a hundred keys)": lambda d: [
        write_tagged_pdf(d / "long.pdf", 120, link=True),
        write_tagged_pdf(d / "short.pdf", 1),
    ],
    "an untagged paper beside a tagged one": lambda d: [
        write_pdf(d / "plain.pdf", 3),
        write_tagged_pdf(d / "t.pdf", 2),
    ],
}


@pytest.mark.parametrize("private", [False, True], ids=["public", "private"])
@pytest.mark.parametrize("front_pages", [1, 2])
@pytest.mark.parametrize("papers", list(PAPERS), ids=list(PAPERS))
def test_the_appended_update_holds_every_change_and_reads_as_a_whole_pack(
    tmp_path, monkeypatch, papers, front_pages, private
):
    part = _part(tmp_path, PAPERS[papers](tmp_path), private)
    front = write_tagged_pdf(tmp_path / "front.pdf", front_pages, label="Frontsheet")
    with pikepdf.open(front, allow_overwriting_input=True) as pdf:
        # objects that are plain numbers (LibreOffice writes stream lengths so): pikepdf hands
        # them back as Python values, and the update must still carry them
        pdf.pages[0].obj.Rotate = pdf.make_indirect(90)
        pdf.pages[0].obj.MediaBox = pikepdf.Array([0, 0, pdf.make_indirect(500), 700])
        pdf.save(front)
    real = pdfmod._write_update
    seen: list[set[tuple[int, int]]] = []

    def checked(pdf, base, base_size, touched, out):  # type: ignore[no-untyped-def]
        changed = _changed_originals(pdf, base, base_size)
        seen.append(changed - {o.objgen for o in touched})
        real(pdf, base, base_size, touched, out)

    monkeypatch.setattr(pdfmod, "_write_update", checked)
    updated = tmp_path / "updated.pdf"
    _finish(part, front, updated)
    assert seen == [set()], "finishing changed objects of the part that the update leaves out"

    # the same pack written whole, as qpdf writes it
    monkeypatch.setattr(
        pdfmod, "_write_update", lambda pdf, base, size, touched, out: pdfmod._save(pdf, out)
    )
    whole = tmp_path / "whole.pdf"
    _finish(part, front, whole)
    assert _read(updated) == _read(whole)
    assert check_structure(updated) == check_structure(whole) == []
    with pikepdf.open(updated) as a, pikepdf.open(whole) as b:
        assert len(a.pages) == len(b.pages) == front_pages + front_pages % 2 + len(
            PdfReader(part).pages
        )
        assert a.open_metadata().get("dc:title") == "Board - 5 March 2020: Agenda"
        assert str(a.open_metadata().get("pdfuaid:part")) == str(
            b.open_metadata().get("pdfuaid:part")
        )
    # the part's bytes come first, untouched; the update says where the part's table was
    assert updated.read_bytes().startswith(part.read_bytes())
    assert updated.stat().st_size - part.stat().st_size < 60_000


def test_a_damaged_kept_part_is_one_clear_error(tmp_path):
    part = _part(tmp_path, [write_tagged_pdf(tmp_path / "a.pdf", 2)])
    w = PackWriter(body=part)
    w.insert_front(write_tagged_pdf(tmp_path / "front.pdf", 2), Stamp("blank", "middle", 11))
    part.write_bytes(part.read_bytes()[:-40])  # its end cut off after it was read in
    with pytest.raises(pdfmod.AssemblyError, match="kept part of the pack is damaged"):
        w.finish(tmp_path / "out.pdf", title="t", subject="s", author="a", bookmarks=[],
                 unnumbered=2)
