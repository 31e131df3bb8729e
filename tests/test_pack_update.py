"""A pack is its kept numbered part's bytes with the frontsheet, outline and metadata appended as
an incremental update (`pdf._write_update`): what is appended must be everything finishing
changed, and the pack must read exactly as one written whole."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path

import pikepdf
import pytest
from pypdf import PdfReader

import packbuilder.pdf as pdfmod
from packbuilder.pdf import Bookmark, PackWriter, Stamp
from packbuilder.skeleton import SkeletonFile, objects_in
from packbuilder.tagged import check_structure
from tests.factory import write_pdf
from tests.tagged_factory import write_tagged_pdf


def _object_bytes(obj: pikepdf.Object) -> bytes:
    if isinstance(obj, pikepdf.Stream):
        return obj.stream_dict.unparse(resolved=True) + obj.read_raw_bytes()
    return obj.unparse(resolved=True)


_STAND_IN = re.compile(
    rb"<< >>|<< /MediaBox \[ 0 0 1 1 \] /Parent \d+ \d+ R /Resources << >> /Type /Page >>"
)


def _changed_originals(pdf: pikepdf.Pdf, base: Path, base_size: int) -> set[tuple[int, int]]:
    """The objects of the saved part whose content differs, in memory, from the file's. `pdf`
    is the part's skeleton (`pdf._skeleton`): an object it leaves out is absent or an empty
    stand-in, and finishing cannot have changed it there."""
    changed = set()
    with pikepdf.open(base) as fresh:
        for number in range(1, base_size):
            before = fresh.get_object((number, 0))
            after = pdf.get_object((number, 0))
            if before is None or after is None:
                continue
            if _STAND_IN.fullmatch(_object_bytes(after)) and _object_bytes(after) != _object_bytes(
                before
            ):
                continue  # a stand-in (`skeleton`)
            if _object_bytes(before) != _object_bytes(after):
                changed.add((number, 0))
    return changed


def _every_object(path: Path) -> dict[int, bytes]:
    with pikepdf.open(path) as pdf:
        return {
            n: _object_bytes(o)
            for n in range(1, int(pdf.trailer.Size))
            if isinstance(o := pdf.get_object((n, 0)), pikepdf.Object)
        }


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


def _finish(
    part: Path, front: Path, out: Path, whole: bool = False, skeleton_at: Path | None = None
) -> None:
    w = PackWriter(body=part, whole=whole, skeleton_at=skeleton_at)
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

    def checked(pdf, base, base_size, touched, out, outline=None):  # type: ignore[no-untyped-def]
        changed = _changed_originals(pdf, base, base_size)
        seen.append(changed - {o.objgen for o in touched})
        return real(pdf, base, base_size, touched, out, outline)

    monkeypatch.setattr(pdfmod, "_write_update", checked)
    updated = tmp_path / "updated.pdf"
    _finish(part, front, updated)
    assert seen == [set()], "finishing changed objects of the part that the update leaves out"

    # the same pack written whole, as qpdf writes it (appending nothing to what it wrote)
    monkeypatch.setattr(
        pdfmod,
        "_write_update",
        lambda pdf, base, size, touched, out, outline=None: pdfmod._save(pdf, out) or b"",
    )
    whole = tmp_path / "whole.pdf"
    _finish(part, front, whole, whole=True)
    assert _read(updated) == _read(whole)
    # object for object (the metadata's timestamps aside), the pack finished from the part's
    # skeleton is the pack finished from the whole part as qpdf reads it
    monkeypatch.setattr(pdfmod, "_write_update", real)
    via_whole = tmp_path / "via-whole.pdf"
    _finish(part, front, via_whole, whole=True)
    objects, expected = _every_object(updated), _every_object(via_whole)
    with pikepdf.open(via_whole) as pdf:
        metadata = pdf.Root.Metadata.objgen[0]
    assert len(objects) > 10
    assert {n: b for n, b in objects.items() if n != metadata} == {
        n: b for n, b in expected.items() if n != metadata
    }
    assert check_structure(updated) == check_structure(whole) == []
    with pikepdf.open(updated) as a, pikepdf.open(whole) as b:
        assert (
            len(a.pages)
            == len(b.pages)
            == front_pages + front_pages % 2 + len(PdfReader(part).pages)
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
        w.finish(
            tmp_path / "out.pdf", title="t", subject="s", author="a", bookmarks=[], unnumbered=2
        )


def test_a_large_part_is_finished_from_its_skeleton(tmp_path):
    """What makes a rebuild cost what changed: finishing reads a few objects of the part, not
    the structure of every page (qpdf would read them all at the first object added)."""
    part = _part(tmp_path, [write_tagged_pdf(tmp_path / "long.pdf", 300, link=True)])
    w = PackWriter(body=part)
    try:
        assert w._skeleton

        def elements(pdf: pikepdf.Pdf) -> int:
            return sum(
                1
                for o in pdf.objects
                if isinstance(o, pikepdf.Dictionary) and o.get("/Type") == pikepdf.Name.StructElem
            )

        with pikepdf.open(part) as whole:
            assert elements(whole) > 300
        # the /Document, which takes the frontsheet's part (the item's and the paper's titles
        # are objects of their own: `PackWriter.retitle`)
        assert elements(w.pdf) == 1
    finally:
        w.close()


def test_a_skeleton_numbered_wrongly_is_not_used(tmp_path, monkeypatch):
    """Should qpdf number new objects among the part's (the skeleton's padding not enough for
    a qpdf to come), the part is read whole: the pack is the same."""
    part = _part(tmp_path, PAPERS["small tagged papers with links, roles and ids"](tmp_path))
    front = write_tagged_pdf(tmp_path / "front.pdf", 1, label="Frontsheet")
    expected = tmp_path / "expected.pdf"
    _finish(part, front, expected)
    empty = pikepdf.new()
    empty.save(tmp_path / "empty.pdf")
    monkeypatch.setattr(
        pdfmod, "skeleton", lambda part, also: (tmp_path / "empty.pdf").read_bytes()
    )
    w = PackWriter(body=part)
    assert not w._skeleton
    w.close()
    got = tmp_path / "got.pdf"
    _finish(part, front, got)
    assert _read(got) == _read(expected)
    assert check_structure(got) == []


def test_a_part_without_pages_takes_its_frontsheet(tmp_path):
    """A public supplement of exempt papers only has a numbered part with no pages."""
    w = PackWriter()
    part = tmp_path / "part.pdf"
    w.save_body(part)
    front = write_tagged_pdf(tmp_path / "front.pdf", 1, label="Frontsheet")
    out = tmp_path / "out.pdf"
    w = PackWriter(body=part)
    assert w._skeleton
    n = w.insert_front(front, Stamp("blank", "middle", 11), "Supplement 2", pad=False)
    w.finish(
        out,
        title="t",
        subject="s",
        author="a",
        bookmarks=[Bookmark("Supplement 2", 0)],
        unnumbered=n,
    )
    assert [p.extract_text() for p in PdfReader(out, strict=True).pages] == ["Frontsheet page 1"]
    assert check_structure(out) == []


def test_a_destination_added_after_the_part_was_saved_goes_into_its_name_tree(tmp_path):
    """The skeleton holds the part's destinations (their name tree): one added afterwards (an
    item's papers appended to a part, a frontsheet's) is written in the update with them."""
    part = _part(tmp_path, PAPERS["small tagged papers with links, roles and ids"](tmp_path))
    front = write_tagged_pdf(tmp_path / "front.pdf", 1, label="Frontsheet")
    out = tmp_path / "out.pdf"
    w = PackWriter(body=part)
    assert w._skeleton
    n = w.insert_front(front, Stamp("blank", "middle", 11))
    w.add_destination("late", n)
    w.finish(out, title="t", subject="s", author="a", bookmarks=[], unnumbered=n)
    assert out.read_bytes().startswith(part.read_bytes())
    r = PdfReader(out, strict=True)
    assert {"late", "item-1", "item-2"} <= set(r.named_destinations)
    assert r.get_destination_page_number(r.named_destinations["late"]) == n
    assert r.get_destination_page_number(r.named_destinations["item-2"]) == n + 2
    assert check_structure(out) == []


def test_what_the_skeleton_cannot_take_is_finished_from_the_whole_part(tmp_path):
    """A change to an object of the part the skeleton leaves out (here a page of the part,
    which the skeleton holds as a stand-in) cannot be written over the part's: finishing says
    so before writing anything, and the whole part takes it."""
    part = _part(tmp_path, PAPERS["small tagged papers with links, roles and ids"](tmp_path))
    front = write_tagged_pdf(tmp_path / "front.pdf", 1, label="Frontsheet")
    out = tmp_path / "out.pdf"

    def finish(w: PackWriter) -> None:
        n = w.insert_front(front, Stamp("blank", "middle", 11))
        w.pdf.pages[n].obj.Rotate = 90
        w.finish(out, title="t", subject="s", author="a", bookmarks=[], unnumbered=n)

    w = PackWriter(body=part)
    with pytest.raises(pdfmod.WholePartNeeded):
        finish(w)
    assert not out.exists()
    finish(w.whole())
    r = PdfReader(out, strict=True)
    assert r.pages[2].rotation == 90
    assert "Page 1" in r.pages[2].extract_text()
    assert check_structure(out) == []


def test_a_kept_parts_skeleton_is_kept_and_read_instead_of_the_part(tmp_path, monkeypatch):
    part = _part(tmp_path, PAPERS["small tagged papers with links, roles and ids"](tmp_path))
    front = write_tagged_pdf(tmp_path / "front.pdf", 2, label="Frontsheet")
    kept = tmp_path / "part.skeleton"
    _finish(part, front, tmp_path / "first.pdf", skeleton_at=kept)
    assert kept.is_file()
    _finish(part, front, tmp_path / "unkept.pdf")  # as before: the part read by qpdf

    # its table of objects kept with it, as its bytes say (reading it took 20 ms a pack at
    # 4,000 pages)
    back = SkeletonFile.read(kept)
    assert back is not None and back.objects is not None
    assert back.objects == objects_in(kept.read_bytes()) and len(back.objects[1]) > 3
    back.pdf.close()

    def not_read(*_a, **_k):  # type: ignore[no-untyped-def]
        raise AssertionError("the part, or the skeleton's table of objects, was read")

    with monkeypatch.context() as mp:
        mp.setattr(pdfmod, "skeleton", not_read)
        mp.setattr(PackWriter, "_from_part", not_read)
        mp.setattr(pdfmod, "objects_in", not_read)
        _finish(part, front, tmp_path / "again.pdf", skeleton_at=kept)
    assert (tmp_path / "again.pdf").read_bytes() == (tmp_path / "unkept.pdf").read_bytes()
    assert (tmp_path / "first.pdf").read_bytes() == (tmp_path / "unkept.pdf").read_bytes()
    assert check_structure(tmp_path / "again.pdf") == []


@pytest.mark.parametrize(
    "damage",
    ["cut short", "a byte changed", "another part's", "no head", "objects changed", "renamed"],
)
def test_a_skeleton_file_that_does_not_fit_is_not_believed(tmp_path, damage):
    part = _part(tmp_path, PAPERS["small tagged papers with links, roles and ids"](tmp_path))
    front = write_tagged_pdf(tmp_path / "front.pdf", 1, label="Frontsheet")
    kept = tmp_path / "part.skeleton"
    _finish(part, front, tmp_path / "right.pdf", skeleton_at=kept)
    data = kept.read_bytes()
    if damage == "cut short":
        kept.write_bytes(data[: len(data) - 40])
        assert SkeletonFile.read(kept) is None
    elif damage == "a byte changed":
        kept.write_bytes(data[:-10] + bytes([data[-10] ^ 1]) + data[-9:])
        assert SkeletonFile.read(kept) is None
    elif damage == "another part's":
        other = tmp_path / "other"
        other.mkdir()
        other_part = _part(other, PAPERS["a parent tree with leaves (over a hundred keys)"](other))
        _finish(other_part, front, other / "pack.pdf", skeleton_at=kept)
    elif damage == "renamed":  # (a skeleton is matched to its part by its name, then length)
        renamed = kept.with_name("another part of that length.skeleton")
        renamed.write_bytes(data)
        assert SkeletonFile.read(renamed) is None
        found = SkeletonFile.read(kept)
        assert found is not None
        found.pdf.close()
        return
    elif damage == "objects changed":  # a stand-in taken for an object held, the file whole
        head = _kept_head(data)
        rows = head["objects"]["stand_ins"]
        head["objects"]["held"] += rows[:2]
        head["objects"]["stand_ins"] = rows[3:]
        _with_head(kept, head)
        assert SkeletonFile.read(kept) is None
    else:  # the head's length, which ends it, gone
        at = _xref_at(data) - 1
        kept.write_bytes(data[: at - 11] + b" " * 11 + data[at:])
        assert SkeletonFile.read(kept) is None
    _finish(part, front, tmp_path / "again.pdf", skeleton_at=kept)
    assert (tmp_path / "again.pdf").read_bytes() == (tmp_path / "right.pdf").read_bytes()


def test_a_kept_part_gone_since_its_skeleton_was_kept_is_one_clear_error(tmp_path):
    part = _part(tmp_path, PAPERS["small tagged papers with links, roles and ids"](tmp_path))
    front = write_tagged_pdf(tmp_path / "front.pdf", 1, label="Frontsheet")
    kept = tmp_path / "part.skeleton"
    _finish(part, front, tmp_path / "first.pdf", skeleton_at=kept)
    part.unlink()  # (pruned by another worker, say)
    with pytest.raises(pdfmod.AssemblyError):
        PackWriter(body=part, skeleton_at=kept)


def _xref_at(data: bytes) -> int:
    found = re.search(rb"startxref\n(\d+)\n%%EOF\n$", data)
    assert found is not None
    return int(found[1])


def _kept_head(data: bytes) -> dict:
    """The head of a skeleton's file (`SkeletonFile`), read as this test reads the layout: its
    JSON ends the room, followed by "|" and its length in ten digits."""
    end = _xref_at(data) - 1 - 11
    assert data[end : end + 1] == b"|"
    return json.loads(data[end - int(data[end + 1 : end + 11]) : end])


def _with_head(kept: Path, head: dict) -> None:
    """Write `head` over the head of the skeleton's file at `kept`, in the same room."""
    data = kept.read_bytes()
    end = _xref_at(data) - 1
    old_start = end - 11 - int(data[end - 10 : end])
    text = json.dumps(head).encode()
    text += b"|%010d" % len(text)
    new_start = end - len(text)
    first = min(old_start, new_start)
    kept.write_bytes(data[:first] + b" " * (new_start - first) + text + data[end:])


def test_a_skeleton_file_is_the_skeleton_with_its_room_a_hole(tmp_path):
    """The skeleton's room (8 bytes for every object number of the part: megabytes of spaces
    for a long pack) is a hole in its file, which holds the skeleton's head at the room's end:
    the file takes little disk, qpdf reads the same objects from it as from the skeleton's bytes
    and numbers new objects the same; told another room, it is not believed."""
    part = _part(tmp_path, [write_tagged_pdf(tmp_path / "long.pdf", 3)])
    with pikepdf.open(part) as opened:
        data = pdfmod.skeleton(opened, [])
    # a short part's skeleton needs no room; a 4,000-page part's has 7 MB of it, as here
    room = 7 << 20
    assert data.count(b"\n%\nxref\n") == 1
    data = data.replace(b"\n%\nxref\n", b"\n%" + b" " * room + b"\nxref\n")
    xref = _xref_at(data)
    data = data.replace(b"startxref\n%d\n" % xref, b"startxref\n%d\n" % (xref + room))
    objects = objects_in(data)
    assert objects is not None
    kept = tmp_path / "part.skeleton"
    SkeletonFile(data, {}, 960_000, part.stat().st_size, objects).write(kept)
    assert kept.stat().st_size == len(data)  # the room is there ...
    assert kept.stat().st_blocks * 512 < 64 << 10  # ... and takes no disk
    back = SkeletonFile.read(kept)
    assert back is not None and back.objects == objects
    with back.pdf, pikepdf.open(io.BytesIO(data)) as from_bytes:
        for objgen in objects[0]:
            assert _object_bytes(back.pdf.get_object(objgen)) == _object_bytes(
                from_bytes.get_object(objgen)
            )
        new = back.pdf.make_indirect(pikepdf.Stream(back.pdf, b"q\n")).objgen
        assert new == from_bytes.make_indirect(pikepdf.Stream(from_bytes, b"q\n")).objgen
    head = _kept_head(kept.read_bytes())
    head["room"][1] += 1
    _with_head(kept, head)
    assert SkeletonFile.read(kept) is None


def test_a_short_parts_skeleton_file_is_given_room_for_its_head(tmp_path):
    """A skeleton with no room (a short part's) is given room for its head: the file is still
    the skeleton, its table of objects moved on, and read back the same."""
    part = _part(tmp_path, PAPERS["small tagged papers with links, roles and ids"](tmp_path))
    with pikepdf.open(part) as opened:
        data = pdfmod.skeleton(opened, pdfmod._stamp_fonts(opened).values())
    assert b"\n%\nxref\n" in data  # no room at all
    objects = objects_in(data)
    assert objects is not None
    kept = tmp_path / "part.skeleton"
    SkeletonFile(data, {}, 10, part.stat().st_size, objects).write(kept)
    back = SkeletonFile.read(kept)
    assert back is not None and back.objects == objects and back.size == 10
    with back.pdf, pikepdf.open(io.BytesIO(data)) as from_bytes:
        assert len(back.pdf.pages) == len(from_bytes.pages)
        for objgen in objects[0]:
            assert _object_bytes(back.pdf.get_object(objgen)) == _object_bytes(
                from_bytes.get_object(objgen)
            )
    assert objects_in(kept.read_bytes()) == objects  # laid out as a skeleton still


def test_the_skeletons_objects_are_told_apart_from_its_bytes_as_qpdf_reads_them(tmp_path):
    """`objects_in` reads which objects a skeleton holds and which are stand-ins from its own
    table of objects: the same answer as asking qpdf for every object's text."""
    from packbuilder.skeleton import STAND_INS, object_body, objects_in

    part = _part(tmp_path, PAPERS["small tagged papers with links, roles and ids"](tmp_path))
    with pikepdf.open(part) as opened:
        data = pdfmod.skeleton(opened, pdfmod._stamp_fonts(opened).values())
    laid_out = objects_in(data)
    assert laid_out is not None
    held, stand_ins = laid_out
    with pikepdf.open(io.BytesIO(data)) as skel:
        texts = {o.objgen: object_body(o) for o in skel.objects if isinstance(o, pikepdf.Object)}
    expected = {og: t for og, t in texts.items() if STAND_INS.fullmatch(t)}
    assert stand_ins == expected and len(expected) > 3  # every page, and what the held refer to
    assert sorted(held) == sorted(set(texts) - set(expected))
    with pikepdf.open(io.BytesIO(data)) as skel:  # the fallback, asking qpdf, agrees
        read_held, read_stand_ins = pdfmod._objects_read(skel)
    assert read_stand_ins == stand_ins and sorted(read_held) == sorted(held)
    assert objects_in(data.replace(b"xref\n0 1\n", b"xref\n0 2\n")) is None  # not as written


def _outline_of(path: Path) -> list[tuple[object, ...]]:
    """Every entry of a pack's outline, read by pikepdf from its dictionaries: depth, title, the
    page its destination leads to, /Count, and that its neighbours and parent point back."""
    entries: list[tuple[object, ...]] = []
    with pikepdf.open(path) as pdf:
        pages = {p.obj.objgen: i for i, p in enumerate(pdf.pages)}

        def walk(parent: pikepdf.Dictionary, depth: int) -> None:
            item, before = parent.get("/First"), None
            while item is not None:
                assert item.Parent.objgen == parent.objgen
                assert (item.get("/Prev").objgen if "/Prev" in item else None) == before
                entries.append(
                    (
                        depth,
                        str(item.Title),
                        pages[item.Dest[0].objgen],
                        str(item.Dest[1]),
                        int(item.get("/Count", 0)),
                    )
                )
                walk(item, depth + 1)
                if "/Next" not in item:
                    assert parent.Last.objgen == item.objgen
                before, item = item.objgen, item.get("/Next")

        root = pdf.Root.Outlines
        entries.append((0, "root", int(root.Count)))
        walk(root, 1)
    return entries


def test_a_prepared_outline_written_as_text_is_the_outline_qpdf_would_write(tmp_path):
    """A pack going on from its part's skeleton writes its prepared outline as text with the
    update (`pdf._RawOutline`): the same entries, pages, nesting and counts as the outline made
    of qpdf objects when the pack is finished from the whole part, and its first entry leads to
    the frontsheet's first page."""
    part = _part(tmp_path, PAPERS["small tagged papers with links, roles and ids"](tmp_path))
    front = write_tagged_pdf(tmp_path / "front.pdf", 3, label="Frontsheet")
    marks = [
        Bookmark("Agenda", 0),
        Bookmark(
            "Item 1: a & <b> (c) \u00e9t\u00e9 \u2013 \u201cd\u201d",
            0,
            (Bookmark("Paper one", 0), Bookmark("Paper two", 1, (Bookmark("Deep", 2),))),
        ),
        Bookmark("Item 2", 2),
        Bookmark("Item 3", 4, (Bookmark("Last paper", 4),)),
    ]
    outs = {}
    for whole in (False, True):
        w = PackWriter(body=part, whole=whole)
        w.prepare_outline(marks)
        assert isinstance(w._outline, pdfmod._RawOutline) is not whole
        n = w.insert_front(front, Stamp("This page is intentionally left blank", "middle", 11))
        out = outs[whole] = tmp_path / f"{whole}.pdf"
        w.finish(out, title="t", subject="s", author="a", bookmarks=None, unnumbered=n)
    raw = _outline_of(outs[False])
    assert raw == _outline_of(outs[True])
    assert raw[0] == (0, "root", 8) and raw[1][1:3] == ("Agenda", 0)  # the frontsheet's page
    assert raw[2][1].startswith("Item 1: a & <b> (c) \u00e9t\u00e9 \u2013") and raw[2][2] == 4
    assert raw[2][4] == 3 and raw[4][4] == 1  # every entry open: what lies below it
    r = PdfReader(outs[False], strict=True)  # and as another reader reads it
    assert [o.title for o in r.outline if not isinstance(o, list)] == [
        "Agenda",
        marks[1].title,
        "Item 2",
        "Item 3",
    ]
    assert check_structure(outs[False]) == []
