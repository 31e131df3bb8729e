"""A numbered part's skeleton: what finishing a pack reads of it, under the same numbers.

qpdf reads every object of a file the first time an object is added to it (to number the new
one), and finishing a pack adds some (the frontsheet, the outline, the structure's new leaf): a
4,000-page tagged part has 960,000 objects, and reading them cost seconds of every rebuild,
growing with the pack. A skeleton holds a few thousand; finishing works on it, and what it adds,
numbered from the part's /Size on as in the part, is appended to the part's bytes as an
incremental update (`pdf._write_update`). Should finishing need more of the part, it goes on
from the whole part instead (`pdf.WholePartNeeded`).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import stat
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NamedTuple

import pikepdf
from pikepdf import Array, Dictionary, Pdf, Stream

from packbuilder.digests import discard, regular

_REFERENCE = re.compile(rb"(?<![\d.])(\d+) (\d+) R\b")
_PAGE_STAND_IN = b"<< /MediaBox [ 0 0 1 1 ] /Parent %d %d R /Resources << >> /Type /Page >>"
# A stand-in's text, as qpdf writes it back: an object the skeleton leaves out, which must never
# be written over the part's (a real object that reads so is taken for one: only slower).
STAND_INS = re.compile(rb"<< >>|" + re.escape(_PAGE_STAND_IN).replace(rb"%d", rb"\d+"))
# A part's document information lists, under this key, the titles of its items' and papers'
# structure elements (each an object of its own), which finishing may rewrite
# (`pdf.PackWriter.retitle`).
TITLED = "/PackbuilderTitled"


class _Kept:
    """The objects a skeleton holds, by number."""

    def __init__(self) -> None:
        self.objects: dict[tuple[int, int], pikepdf.Object] = {}

    def __call__(self, obj: object, depth: int = 0) -> None:
        """`obj` if indirect, and up to `depth` levels of what it holds or refers to."""
        if not isinstance(obj, pikepdf.Object):
            return
        if obj.is_indirect:
            if obj.objgen in self.objects:
                return
            self.objects[obj.objgen] = obj
        if depth <= 0:
            return
        if isinstance(obj, Dictionary):
            for value in obj.values():
                self(value, depth - 1)
        elif isinstance(obj, Array):
            for value in obj:
                self(value, depth - 1)


def skeleton(part: Pdf, also: Iterable[pikepdf.Object] = ()) -> bytes:
    """A PDF holding, under the numbers they have in `part`, only the objects finishing a pack
    or appending papers to a part reads or changes (the catalog, the document information, the
    page tree's root, the destinations' name tree, of the structure tree its root, its
    /Document, its parent tree's root, its role and class maps and its ID tree, the titles of
    its items and papers (`TITLED`)) and those in
    `also` (the stamp fonts); each page a stand-in (`STAND_INS`); with `part`'s /Size and /ID."""
    keep = _Kept()
    root = part.Root
    keep(root)
    info = part.trailer.get("/Info")
    keep(info)
    if isinstance(info, Dictionary):
        keep(info.get(TITLED), 1)  # the titles of the titled elements, each an object of its own
    keep(root.get("/MarkInfo"))
    keep(root.get("/Metadata"))
    keep(root.get("/Pages"))  # (a part may have no pages: a supplement of exempt papers only)
    pages = flat_pages(root.get("/Pages"))
    if pages is None:  # not as packbuilder writes a part: every page, as it is
        for page in part.pages:
            node: object = page.obj
            while isinstance(node, Dictionary) and node.is_indirect:
                if node.objgen in keep.objects:
                    break
                keep(node)  # the page, and the page tree's nodes above it
                node = node.get("/Parent")
    tree = root.get("/StructTreeRoot")
    if isinstance(tree, Dictionary):
        _keep_structure(tree, keep)
    names = root.get("/Names")
    keep(names)
    form = root.get("/AcroForm")  # a paper's form fields join the part's, by name
    keep(form, 1)
    if isinstance(form, Dictionary):
        _keep_fields(form.get("/Fields"), keep)
    if isinstance(names, Dictionary):
        _keep_name_tree(names.get("/Dests"), keep)  # destinations added after the part's
    for obj in also:
        keep(obj)
    return _written(keep.objects, part, pages or [])


def flat_pages(tree: object) -> list[tuple[int, int]] | None:
    """The pages of a page tree whose root lists them all (as qpdf writes a part), by number, read
    from the root's text without reading a page; None for any other tree."""
    if not isinstance(tree, Dictionary) or not tree.is_indirect:
        return None
    kids = tree.get("/Kids")
    if not isinstance(kids, Array) or kids.is_indirect:
        return None
    pages = [(int(m[1]), int(m[2])) for m in _REFERENCE.finditer(kids.unparse())]
    if len(pages) != len(kids) or tree.get("/Count") != len(pages):
        return None
    for end in {0, len(pages) - 1} if pages else ():  # a page, not a node of pages
        kid = kids[end]
        if not isinstance(kid, Dictionary) or kid.get("/Type") != "/Page" or "/Kids" in kid:
            return None
    return pages


def _keep_structure(tree: Dictionary, keep: _Kept) -> None:
    keep(tree)
    kids = tree.get("/K")
    keep(kids, 1)  # the /Document (and an indirect array holding it)
    for top in kids if isinstance(kids, Array) else [kids]:
        if isinstance(top, Dictionary):
            keep(top.get("/K"))  # its kids as an indirect array
    # of the parent tree only its root, which takes the frontsheet's keys as a new leaf after
    # the others (its nodes, and the leaves sharing their object streams, hold every page's)
    keep(tree.get("/ParentTree"))
    keep(tree.get("/RoleMap"), 1)
    keep(tree.get("/ClassMap"), 3)  # attribute objects, and arrays of them
    _keep_name_tree(tree.get("/IDTree"), keep)  # and the element each ID names


def _keep_fields(fields: object, keep: _Kept) -> None:
    """Every form field of the part, and its kids (a paper's fields copied in are named apart
    from them, and added to them)."""
    _keep_nodes(list(fields) if isinstance(fields, Array) else [], keep)


def _keep_name_tree(top: object, keep: _Kept) -> None:
    """Every node of a name tree, and the objects its names refer to (an ID's element, a
    destination's array); not what those refer to (a destination's page is a stand-in)."""
    _keep_nodes([top], keep, values="/Names")


def _keep_nodes(nodes: list[object], keep: _Kept, values: str | None = None) -> None:
    """Each node of a tree from `nodes` down its /Kids, with each node's /Kids array and, given
    `values`, what the node holds under that key (and the objects in it)."""
    while nodes:
        node = nodes.pop()
        if not isinstance(node, Dictionary) or (node.is_indirect and node.objgen in keep.objects):
            continue
        keep(node)
        kids = node.get("/Kids")
        keep(kids)
        if values is not None:
            keep(node.get(values), 1)
        if isinstance(kids, Array):
            nodes.extend(kids)


def _written(
    objects: dict[tuple[int, int], pikepdf.Object], part: Pdf, pages: list[tuple[int, int]]
) -> bytes:
    """The skeleton's file: `objects`, stand-ins (`pages` as pages of the root's), room, a
    cross-reference table, a trailer."""
    size = int(part.trailer.Size)
    bodies = {og: object_body(obj) for og, obj in objects.items()}
    # What these objects refer to and the skeleton leaves out is there as an empty dictionary:
    # qpdf reads a reference to an object a file lacks as null, and writes null for it (a key
    # with a null value it drops), so the catalog written back would lose its /Names, the
    # /Document its kids. Only numbers below /Size (a string may read like a reference).
    held = {num for num, _ in objects}
    stand_ins = {
        int(m[1])
        for body in bodies.values()
        for m in _REFERENCE.finditer(body)
        if int(m[1]) < size and int(m[1]) not in held
    }
    stand_ins.add(size - 1)  # new objects are numbered after the highest one qpdf holds
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets: dict[int, tuple[int, int]] = {}
    for (num, gen), body in sorted(bodies.items()):
        offsets[num] = (len(out), gen)
        out += b"%d %d obj\n" % (num, gen) + body + b"\nendobj\n"
    if pages:  # each a page of the tree's root and no more: finishing reads none of them (with
        # the keys a page must have, or qpdf adds them when pages are inserted)
        page = _PAGE_STAND_IN % part.Root.Pages.objgen
        for num, gen in pages:
            if num not in offsets:
                offsets[num] = (len(out), gen)
                out += b"%d %d obj\n%s\nendobj\n" % (num, gen, page)
    for num in sorted(stand_ins - set(offsets)):
        offsets[num] = (len(out), 0)
        out += b"%d 0 obj\n<< >>\nendobj\n" % num
    # qpdf 12 takes a file to hold no more objects than a few per byte: numbers beyond that
    # are ignored as damage, and new objects would reuse the part's. Padding (a comment) makes
    # room; `PackWriter` checks the number the first new object gets all the same.
    out += b"%" + b" " * max(0, 8 * size - len(out)) + b"\n"
    xref = len(out)
    out += b"xref\n0 1\n0000000000 65535 f \n"
    run: list[int] = []
    for num in [*sorted(offsets), -1]:
        if run and num != run[-1] + 1:
            out += b"%d %d\n" % (run[0], len(run))
            out += b"".join(b"%010d %05d n \n" % offsets[n] for n in run)
            run = []
        run.append(num)
    trailer = Dictionary(Size=size, Root=part.Root)
    for key in ("/Info", "/ID"):
        if key in part.trailer:
            trailer[key] = part.trailer[key]
    out += b"trailer\n" + trailer.unparse() + b"\nstartxref\n%d\n%%%%EOF\n" % xref
    return bytes(out)


_STAND_IN_BODY = re.compile(rb"(\d+) (\d+) obj\n(" + STAND_INS.pattern + rb")\nendobj\n")
_XREF_HEAD = re.compile(rb"(\d+) (\d+)\n")
_XREF_ROW = re.compile(rb"(\d{10}) (\d{5}) n \n")


# the objects a skeleton holds, and its stand-ins with their text (`objects_in`)
Objects = tuple[list[tuple[int, int]], dict[tuple[int, int], bytes]]


def objects_in(data: bytes) -> Objects | None:
    """The objects of a skeleton (`_written`), read from its own table of objects and not by
    qpdf: those it holds, and its stand-ins with their text. None for bytes not laid out as
    `_written` lays them out.

    A 4,000-page part's skeleton has a stand-in for every page: asking qpdf for each object's
    text, to tell them apart, cost a tenth of a second of each rebuild."""
    found = re.search(rb"startxref\n(\d+)\n%%EOF\n$", data)
    if found is None or not data.startswith(b"xref\n0 1\n0000000000 65535 f \n", int(found[1])):
        return None
    at = int(found[1]) + len(b"xref\n0 1\n0000000000 65535 f \n")
    held: list[tuple[int, int]] = []
    stand_ins: dict[tuple[int, int], bytes] = {}
    while not data.startswith(b"trailer\n", at):
        head = _XREF_HEAD.match(data, at)
        if head is None:
            return None
        at = head.end()
        for num in range(int(head[1]), int(head[1]) + int(head[2])):
            row = _XREF_ROW.match(data, at)
            if row is None:
                return None
            at = row.end()
            offset, objgen = int(row[1]), (num, int(row[2]))
            if not data.startswith(b"%d %d obj\n" % objgen, offset):
                return None
            body = _STAND_IN_BODY.match(data, offset)
            if body is not None:
                stand_ins[objgen] = body[3]
            else:
                held.append(objgen)
    return held, stand_ins


@dataclass(frozen=True)
class SkeletonFile:
    """A kept part's skeleton, kept beside it, so that the next build need not read the part
    (qpdf reads a part's whole table of objects to open it: 960,000 entries at 4,000 pages).

    The file is the skeleton itself, a PDF qpdf opens by its name, with what it needs to be
    trusted (a head: `_HEAD_END`) written into the comment that is its room. The room's spaces are
    not written: the file has a hole there (read as zero bytes, blanks to a PDF reader), so a
    4,000-page part's 7 MB of room take no disk and no memory. Opened from bytes in memory
    instead, as it was kept before, the room was made again at every rebuild: 25 ms of each
    4,000-page pack, most of it the system handing the process 7 MB of fresh memory.

    Attributes:
        data: the skeleton's bytes (`skeleton`).
        fonts: the stamp fonts' numbers in it, by resource name.
        size: the part's /Size (what new objects are numbered from).
        part_bytes: the part's length: a skeleton is only used with a part of that length, whose
            name (`assemble`) carries the hash of its bytes.
        objects: `objects_in` of `data`, kept with it (reading a 4,000-page skeleton's table of
            objects again took 20 ms of each pack's rebuild).
    """

    data: bytes
    fonts: dict[str, tuple[int, int]]
    size: int
    part_bytes: int
    objects: Objects

    def write(self, at: Path) -> None:
        """Keep it at `at` (written aside, then renamed into place); a cache that cannot be
        written is only slower."""
        kept, at_byte, room = _without_room(self.data)
        if at_byte == 0:  # (not laid out as `_written` lays a skeleton out: never)
            return
        head: dict[str, Any] = {
            "version": _VERSION,
            "fonts": {k: list(v) for k, v in self.fonts.items()},
            "size": self.size,
            "part_bytes": self.part_bytes,
            "name": at.name,  # (one renamed from another part's is not this part's)
            "objects": _objects_kept(self.objects),
        }
        head["objects_sha256"] = _objects_hash(head["objects"])  # (trusted as the bytes are)
        while True:
            head["room"] = [at_byte, room]
            head["sha256"] = _hash(kept, at_byte, room)
            text = json.dumps(head).encode()  # (one line: JSON writes a newline as \n)
            text += b"|%010d" % len(text)
            if len(text) <= room:
                break
            # a short part's skeleton has less room than its head: it is given more (and some
            # over, for the room's own number growing by a digit)
            kept, room = _more_room(kept, at_byte, room, len(text) + 16)
        _write_file(at, kept, at_byte, room, text)

    @classmethod
    def read(cls, at: Path) -> KeptSkeleton | None:
        """The skeleton kept at `at`, opened; None if there is none, or it is not whole."""
        try:
            # (a FIFO in its place: never waited on; no effect on a file)
            fd = os.open(at, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
        except OSError:
            return None
        if not stat.S_ISREG(os.fstat(fd).st_mode):  # (a folder opens too)
            os.close(fd)
            discard(at)
            return None
        try:
            head = _trusted_head(fd)
            if head is None or head.get("name") != at.name:
                return None
            fonts = {str(k): (int(v[0]), int(v[1])) for k, v in head["fonts"].items()}
            objects = _objects_read_back(head["objects"])
            # qpdf opens the very file checked (Linux: the open file itself, by the kernel's name
            # for it); elsewhere it is opened again by its name (a file of the cache folder,
            # only ever replaced whole by one with the same bytes)
            name = f"/proc/self/fd/{fd}"
            pdf = Pdf.open(name if os.path.exists(name) else at, inherit_page_attributes=False)
            return KeptSkeleton(pdf, fonts, int(head["size"]), int(head["part_bytes"]), objects)
        except (OSError, ValueError, KeyError, TypeError, IndexError, pikepdf.PdfError):
            return None
        finally:
            os.close(fd)


class KeptSkeleton(NamedTuple):
    """A skeleton read from its file (`SkeletonFile.read`): opened (the caller closes it), and
    what its file says of it (see `SkeletonFile`)."""

    pdf: Pdf
    fonts: dict[str, tuple[int, int]]
    size: int
    part_bytes: int
    objects: Objects


# The head ends the room, where the cross-reference table begins: its JSON, then "|" and the
# JSON's length in ten digits (read from the end: `_trusted_head`).
_HEAD_END = 11


def _write_file(at: Path, kept: bytes, at_byte: int, room: int, text: bytes) -> None:
    """Write a skeleton's file (`SkeletonFile`): `kept`, its `room` at `at_byte` a hole but for
    the head's `text` at its end."""
    tmp = at.with_name(f".{at.name}.{os.getpid()}.{threading.get_ident()}.tmp")
    if os.path.lexists(at) and not regular(at):  # (a folder in its place: never replaced)
        discard(at)
    try:
        with open(tmp, "wb") as fh:
            fh.write(kept[:at_byte])
            fh.seek(room - len(text), os.SEEK_CUR)  # a hole: no bytes written, none stored
            fh.write(text)
            fh.write(kept[at_byte:])
        os.replace(tmp, at)
    except OSError:
        with contextlib.suppress(OSError):
            tmp.unlink()


def _trusted_head(fd: int) -> dict[str, Any] | None:
    """The head of the skeleton's file open as `fd`, if the file is whole: written by this
    version of this module, its bytes and table of objects those the head's hashes were made of.
    Raises OSError, ValueError ... for a file not laid out so."""
    size = os.fstat(fd).st_size
    end = os.pread(fd, 64, max(0, size - 64))
    found = re.search(rb"startxref\n(\d+)\n%%EOF\n$", end)
    if found is None:
        return None
    xref = int(found[1])  # the room ends a byte before, with a newline
    marker = os.pread(fd, _HEAD_END, xref - 1 - _HEAD_END)
    if len(marker) != _HEAD_END or marker[:1] != b"|" or not marker[1:].isdigit():
        return None
    length = int(marker[1:])
    start = xref - 1 - _HEAD_END - length
    head = json.loads(os.pread(fd, length, start))
    at_byte, room = (int(n) for n in head["room"])
    if head["version"] != _VERSION or not 0 < at_byte <= start or at_byte + room != xref - 1:
        return None
    kept = os.pread(fd, at_byte, 0) + os.pread(fd, size - xref + 1, xref - 1)
    if len(kept) != size - room or _hash(kept, at_byte, room) != head["sha256"]:
        return None
    if _objects_hash(head["objects"]) != head["objects_sha256"]:
        return None
    return head


def _more_room(kept: bytes, at_byte: int, room: int, need: int) -> tuple[bytes, int]:
    """`kept` with `need` bytes of room at `at_byte` instead of `room`: the cross-reference
    table, after it, is that much further on (the objects, before it, stay where they are)."""
    tail = kept[at_byte:]
    found = re.search(rb"startxref\n(\d+)\n%%EOF\n$", tail)
    if found is None:
        raise ValueError("not a skeleton")
    moved = b"startxref\n%d\n%%%%EOF\n" % (int(found[1]) + need - room)
    return kept[:at_byte] + tail[: found.start()] + moved, need


def _objects_kept(objects: Objects) -> dict[str, list[Any]]:
    """`SkeletonFile.objects` as JSON holds it: numbers in flat lists, each stand-in's text once
    (a 4,000-page skeleton's stand-ins have two texts between them)."""
    held, stand_ins = objects
    texts: dict[bytes, int] = {}
    rows: list[int] = []
    for (num, gen), text in stand_ins.items():
        rows += (num, gen, texts.setdefault(text, len(texts)))
    return {
        "held": [n for objgen in held for n in objgen],
        "texts": [text.decode("latin-1") for text in texts],
        "stand_ins": rows,
    }


def _objects_hash(kept: object) -> str:
    return hashlib.sha256(json.dumps(kept, sort_keys=True).encode()).hexdigest()


def _objects_read_back(kept: dict[str, list[Any]]) -> Objects:
    """`_objects_kept`, read back."""
    held, rows = kept["held"], kept["stand_ins"]
    texts = [str(text).encode("latin-1") for text in kept["texts"]]
    return (
        [(int(held[i]), int(held[i + 1])) for i in range(0, len(held), 2)],
        {(int(rows[i]), int(rows[i + 1])): texts[rows[i + 2]] for i in range(0, len(rows), 3)},
    )


def _without_room(data: bytes) -> tuple[bytes, int, int]:
    """A skeleton's bytes without the spaces of its room (`_written`: 8 bytes for every object
    number of the part, 7 MB at 4,000 pages, which took longer to unpack and hash than the rest
    of the skeleton): the bytes kept, where the room was in them and how long it was."""
    xref = data.rfind(b"\nxref\n")
    start = data.rfind(b"\n%", 0, xref) + 2 if xref > 0 else -1
    if start < 2 or data[start:xref].strip(b" "):
        return data, 0, 0
    return data[:start] + data[xref:], start, xref - start


def _hash(kept: bytes, at_byte: int, room: int) -> str:
    return hashlib.sha256(kept + b"|%d|%d" % (at_byte, room)).hexdigest()


# a skeleton kept by another version of this module is not used (`SkeletonFile`)
_VERSION = hashlib.sha256(Path(__file__).read_bytes()).hexdigest()[:16]


def object_body(obj: Any) -> bytes:
    """An indirect object as written between ``N G obj`` and ``endobj``."""
    if not isinstance(obj, pikepdf.Object):  # a number or a boolean
        return Array([obj]).unparse()[1:-1].strip()
    if isinstance(obj, Stream):
        raw = obj.read_raw_bytes()
        obj.stream_dict.Length = len(raw)
        return obj.stream_dict.unparse(resolved=True) + b"\nstream\n" + raw + b"\nendstream"
    return obj.unparse(resolved=True)
