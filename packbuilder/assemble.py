"""Assembling one pack: frontsheet, then each item's papers with stamps, fillers and bookmarks.

The frontsheet is unnumbered; when it has an odd number of pages an unnumbered filler follows it, so
that Page 1 falls on a right-hand page. Every later page is stamped "Page N"; the first page of each
item's papers is stamped "Agenda Item N"; in a private pack, every page of an exempt paper is marked
NOT FOR PUBLICATION with the law it is exempt under (`exclusion.stamp`: its paragraphs of
Schedule 12A).

The pack is tagged: a part per agenda item ("Agenda Item 4: title") holding each paper's own
structure. "Agenda Item N" and the marking on a paper's first page are real content, read before the
paper; the page numbers, fillers and the marking's repeats on later pages are artifacts. Each item
and each paper has a named destination (`destination`), which the HTML agenda links to.

The numbered pages are assembled first (`assemble_papers`) and the frontsheet put in front of them
afterwards (`finish_pack`): nothing about the numbered pages depends on the frontsheet, so the build
can convert the frontsheet while the papers are being stamped.
"""

from __future__ import annotations

import contextlib
import ctypes
import functools
import gc
import hashlib
import re
import shutil
import sys
import threading
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from packbuilder import exclusion
from packbuilder.convert.cache import TOUCHED, prune, store
from packbuilder.digests import bound, discard, kept_digest, regular, touch
from packbuilder.layout import Layout
from packbuilder.model import AgendaItem, Meeting, Paper, PaperKind
from packbuilder.pdf import (
    ENGINE,
    FILLER_TEXT,
    Bookmark,
    PackWriter,
    Stamp,
    WholePartNeeded,
    clean_by_key,
    content_key,
    destination_name,
    paper_headings,
)
from packbuilder.plan import PackSpec
from packbuilder.settings import settings


def destination(item_number: str, paper: int | None = None) -> str:
    """The named destination of an item's first page, or of its `paper`-th paper (from 1);
    given an annex's key (`AgendaItem.key`: "4#exempt"), the annex's ("item-4-exempt")."""
    name = f"item-{item_number}" + (f"-paper-{paper}" if paper is not None else "")
    return destination_name(name)


def one_line(text: str) -> str:
    """Text from a cell as a title or bookmark shows it: line breaks and runs of spaces as one
    space (a viewer's title bar and a screen reader's announcement are one line)."""
    return " ".join(text.split())


def part_title(item: AgendaItem) -> str:
    return one_line(f"Agenda Item {item.number}: {item.title}")


# on every page of a draft, beside the page number: a pagination artifact, as the number is (the
# frontsheet says it in words, for screen readers too)
DRAFT_MARK = Stamp("DRAFT - not published", "bottom-left", 9, bold=True)


def _marks(spec: PackSpec) -> tuple[Stamp, ...]:
    """What every page of the pack carries besides its own stamps: a draft's marking."""
    return (DRAFT_MARK,) if spec.draft else ()


def _stamps(
    item: AgendaItem,
    first_document: bool,
    first: int,
    pages: int,
    private: bool,
    marks: tuple[Stamp, ...] = (),
) -> list[list[Stamp]]:
    out = []
    for offset in range(pages):
        page = [Stamp(f"Page {first + offset}", "bottom-centre"), *marks]
        if first_document and offset == 0:
            page.append(
                Stamp(f"Agenda Item {item.number}", "top-right", 11, bold=True, tagged=True)
            )
        if private and item.exemption is not None:
            # read once, before the paper; its repeats on later pages are pagination artifacts
            page.append(
                Stamp("NOT FOR PUBLICATION", "top-centre", 11, bold=True, tagged=offset == 0)
            )
            page.append(
                Stamp(
                    exclusion.stamp(item.exemption),
                    "top-centre-2",
                    7,
                    tagged=offset == 0,
                )
            )
        out.append(page)
    return out


@dataclass(frozen=True)
class _Step:
    """One thing done to assemble a pack's numbered part (see `_steps`)."""

    kind: str  # "part", "destination", "paper" or "filler"
    text: str = ""  # the part's title, the destination's name or the paper's title
    pdf: Path | None = None
    stamps: tuple[tuple[Stamp, ...], ...] = ()


def _steps(
    spec: PackSpec, layout: Layout, pdfs: dict[Path, Path], stamped: bool = True
) -> list[_Step]:
    """The numbered part of a pack as a list of steps: every included item's papers, stamped,
    with fillers. The same steps on the same files make the same pages, so the steps (with the
    files' contents) are the key under which the part is kept for reuse. Not `stamped`: the
    papers' steps without their stamps (`_titles`: a stamp a page, 0.03 s at 4,000 pages)."""
    steps = []
    for item, placed in zip(spec.included, layout.items, strict=True):
        steps.append(_Step("part", part_title(item)))
        steps.append(_Step("destination", destination(item.key)))
        for d_index, (paper, doc) in enumerate(zip(item.papers, placed.documents, strict=True)):
            steps.append(_Step("destination", destination(item.key, d_index + 1)))
            stamps = (
                _stamps(item, d_index == 0, doc.first, doc.pages, bool(spec.private), _marks(spec))
                if stamped
                else []
            )
            steps.append(
                _Step("paper", one_line(paper.title), pdfs[paper.path], tuple(map(tuple, stamps)))
            )
        if placed.filler_after:
            filler = (
                Stamp(FILLER_TEXT, "middle", 11),
                Stamp(f"Page {placed.last}", "bottom-centre"),
                *_marks(spec),
            )
            steps.append(_Step("filler", stamps=(filler,)))
    return steps


SLICE_BYTES = 8 << 20  # PDF bytes of papers assembled at a time, unless one item has more


def assemble_papers(
    spec: PackSpec, layout: Layout, pdfs: dict[Path, Path], out: Path, done: int = 0
) -> list[tuple[Path, str]]:
    """Write the numbered part of a pack to `out`: every included item's papers, stamped, with
    fillers; or, given `done`, go on from the part in `out`, which holds this pack's first
    `done` steps (`_steps`) already. Returns each source read, with its content key.

    The items are assembled a few at a time (`SLICE_BYTES` of papers, `_slices`): each slice
    after the first is appended to the part as an update, through the part's skeleton, and its
    sources let go of. A pack's memory is then bounded by its largest slice, not its size:
    qpdf holds every object of a source it copies from, and of the pack, until it is written
    (a 4,000-page tagged pack has 960,000)."""
    keys: list[tuple[Path, str]] = []
    steps = _steps(spec, layout, pdfs)[done:]
    with _collecting_young():
        for n, piece in enumerate(_slices(steps)):
            keys += _assemble_slice(spec, piece, out, body=out if done or n else None)
            _give_back_memory()
    return keys


def _assemble_slice(
    spec: PackSpec, piece: list[_Step], out: Path, body: Path | None
) -> list[tuple[Path, str]]:
    """One slice of `assemble_papers` written to `out` (going on from `body`, if given)."""
    w = PackWriter(public=not spec.private, body=body)
    try:
        try:
            _replay(w, piece)
            w.save_body(out)
        except WholePartNeeded:  # rare: the skeleton holds what adding papers changes
            w = w.whole()
            _replay(w, piece)
            w.save_body(out)
    except BaseException:
        w.close()  # its sources let go of, the error told by the caller
        raise
    return w.source_keys


_frozen = 0  # assemblies under way that asked the collector to leave older objects alone
_frozen_lock = threading.Lock()


@contextlib.contextmanager
def _collecting_young() -> Iterator[None]:
    """While slices are assembled, the collection after each (`_give_back_memory`) looks only at
    the objects made since assembling began (`gc.freeze`): what a slice let go of is among them,
    and the rest of the process (the meeting, the modules, caches) was walked at every slice
    for nothing, a twentieth of a second each time."""
    global _frozen
    with _frozen_lock:
        if _frozen == 0:
            gc.freeze()
        _frozen += 1
    try:
        yield
    finally:
        with _frozen_lock:
            _frozen -= 1
            if _frozen == 0:
                gc.unfreeze()


def _give_back_memory() -> None:
    """Hand the memory of a slice's sources, let go of, back to the system: glibc keeps freed
    memory for the process otherwise, and a 4,000-page pack's slices would add up."""
    gc.collect()
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None).malloc_trim(0)


def _slices(steps: list[_Step]) -> list[list[_Step]]:
    """`steps` cut where items begin, into slices of at most `SLICE_BYTES` of papers (or one
    item, when it alone has more)."""
    items: list[tuple[list[_Step], int]] = []
    for step in steps:
        if step.kind == "part" or not items:
            items.append(([], 0))
        taken, size = items[-1]
        taken.append(step)
        if step.pdf is not None:
            with contextlib.suppress(OSError):  # (an error told when it is opened)
                items[-1] = (taken, size + step.pdf.stat().st_size)
    slices: list[list[_Step]] = [[]]
    size = 0
    for taken, weight in items:
        if slices[-1] and size + weight > SLICE_BYTES:
            slices.append([])
            size = 0
        slices[-1].extend(taken)
        size += weight
    return slices


def _replay(w: PackWriter, steps: list[_Step]) -> None:
    for step in steps:
        if step.kind == "part":
            w.begin_part(step.text)
        elif step.kind == "destination":
            w.add_destination(step.text, w.pages)
        elif step.kind == "paper":
            assert step.pdf is not None
            w.add_pdf(step.pdf, [list(s) for s in step.stamps], title=step.text)
        else:
            w.add_blank(list(step.stamps[0]))


@dataclass(frozen=True)
class MadePart:
    """A numbered part made (or found kept) by this build, which another pack's may begin with."""

    steps: tuple[_Step, ...]
    contents: tuple[tuple[Path, str], ...]
    path: Path
    public: bool


PARTS = "parts"  # the folder of kept numbered parts, in the cache folder
PARTS_MAX_BYTES = 1 << 30  # kept numbered parts, at most, unless PACKBUILDER_CACHE_MAX_MB says


def numbered_part(
    spec: PackSpec,
    layout: Layout,
    pdfs: dict[Path, Path],
    work: Path,
    made: list[MadePart] | None = None,
) -> Path:
    """The numbered part of a pack as a file (see `PackWriter.save_body`), reused from the cache
    folder when the same papers (by content) were assembled with the same stamps, parts and
    destinations before: a rebuild that changed only the frontsheet assembles nothing again.

    The key is every step of the assembly with each paper's content, the pack's kind (a public
    part is cleaned of attached files) and the code that assembles, so a kept part can never
    stand for other pages: a paper written to while it was being assembled (its bytes no longer
    those of the key) makes a part that serves this build only. A part is written aside and
    linked into place, so a killed build never leaves half a part; its name carries a hash of
    its key and its bytes, so a part damaged since, or renamed from another key, is assembled
    again (`_kept`).

    `made` lists the parts this build made before (this one is added): a private pack whose
    first pages are a public pack's (its exempt items come last) goes on from the public part,
    adding only the exempt papers, when cleaning the public part's papers for the public
    removed nothing (so that the private pack would hold the very same objects).
    """
    steps = _steps(spec, layout, pdfs)
    contents = {s.pdf: content_key(s.pdf) for s in steps if s.pdf is not None}
    key = _key(steps, contents, public=not spec.private)
    folder = settings().cache_dir / PARTS
    part = _kept(folder / key[:2], key)
    keyed = True  # the part holds the papers' contents of its key
    if part is None:
        part, keyed = _assemble_part(spec, layout, pdfs, steps, contents, key, work, made or [])
    if made is not None and keyed:
        made.append(MadePart(tuple(steps), tuple(contents.items()), part, not spec.private))
    return part


def _assemble_part(
    spec: PackSpec,
    layout: Layout,
    pdfs: dict[Path, Path],
    steps: list[_Step],
    contents: dict[Path, str],
    key: str,
    work: Path,
    made: list[MadePart],
) -> tuple[Path, bool]:
    """The part assembled (see `numbered_part`), and whether it was kept under `key`."""
    out = work / f"part-{key}.pdf"
    start = _beginning(steps, contents, not spec.private, made)
    if start is not None:
        shutil.copyfile(start.path, out)
        read = list(start.contents)
        read += assemble_papers(spec, layout, pdfs, out, done=len(start.steps))
    else:
        read = assemble_papers(spec, layout, pdfs, out)
    # a paper written to while the part was assembled: the part serves this build only
    if not all(contents.get(path) == k for path, k in read):
        return out, False
    folder = settings().cache_dir / PARTS
    entry = folder / key[:2] / f"{key}.{_file_hash(key, out)}.pdf"
    stored = store(out, entry)
    bound = settings().cache_max_mb
    with contextlib.suppress(OSError):
        prune(folder, bound * 2**20 if bound else PARTS_MAX_BYTES)
    return stored, True


def _beginning(
    steps: list[_Step], contents: dict[Path, str], public: bool, made: list[MadePart]
) -> MadePart | None:
    """The longest part made before whose steps, on the same contents, begin `steps`, and whose
    papers hold the same objects in a pack of this kind (the same kind, or a public part none
    of whose papers had anything removed for the public)."""
    best = None
    for part in made:
        n = len(part.steps)
        if not n or n > len(steps) or tuple(steps[:n]) != part.steps:
            continue
        if any(contents.get(path) != k for path, k in part.contents):
            continue
        if part.public != public and not (
            part.public and all(clean_by_key(k, public=True) for _, k in part.contents)
        ):
            continue
        if best is None or n > len(best.steps):
            best = part
    return best


def _kept(folder: Path, key: str) -> Path | None:
    """The kept part of `key`, if there is one whose bytes are still those it was stored with
    for this key (its name carries a hash of the key and their digest, which `digests`
    remembers while the file is not written to: a damaged or rewritten part, a part renamed from
    another key, or one that cannot be read as a file, is removed and assembled again)."""
    for entry in sorted(folder.glob(f"{key}.*.pdf")):
        try:
            intact = regular(entry) and entry.name.split(".")[1] == _file_hash(key, entry)
        except OSError:
            intact = False
        if not intact:
            discard(entry)
            continue
        with contextlib.suppress(OSError):
            # used now: the last one `prune` drops (its digest kept for its new stamp: `touch`)
            if time.time() - entry.stat().st_mtime > TOUCHED:
                touch(entry)
        return entry
    return None


def _file_hash(key: str, path: Path) -> str:
    """What a kept part's name carries after its key: a hash of the key and of its bytes."""
    return bound(key, kept_digest(path))


def _key(steps: list[_Step], contents: dict[Path, str], public: bool) -> str:
    """The key of a numbered part: every step with each paper's content, but not the titles of
    items and papers, which finishing gives the part's structure (`_titles`)."""
    h = hashlib.sha256(f"{_code_version()}|{int(public)}|".encode())
    for step in steps:
        content = contents[step.pdf] if step.pdf is not None else ""
        text = "" if step.kind in _TITLED else step.text
        # each stamp as the plain tuple of its fields (a repr naming them took 0.02 s at 4,000
        # pages)
        stamps = tuple(tuple(map(tuple, page)) for page in step.stamps)
        h.update(repr((step.kind, text, content, stamps)).encode() + b"\0")
    return h.hexdigest()


_TITLED = ("part", "paper")  # the steps whose text is a title (`PackWriter.retitle`)


def _titles(spec: PackSpec, layout: Layout, pdfs: dict[Path, Path]) -> list[str]:
    """The titles of a pack's items and papers, as its numbered part's structure gives them."""
    return [step.text for step in _steps(spec, layout, pdfs, stamped=False) if step.kind in _TITLED]


@functools.cache
def _code_version() -> str:
    """The code that assembles a numbered part: another version never reuses this one's parts."""
    from packbuilder import pdf, sanitize, tagged

    h = hashlib.sha256(ENGINE.encode())
    for module in (pdf, sanitize, tagged, sys.modules[__name__]):
        h.update(Path(module.__file__ or "").read_bytes())
    return h.hexdigest()


def _shifted(marks: tuple[Bookmark, ...], by: int) -> tuple[Bookmark, ...]:
    return tuple(Bookmark(m.title, m.page_index + by, _shifted(m.children, by)) for m in marks)


def open_part(body: Path, spec: PackSpec, out: Path | None = None) -> PackWriter:
    """A pack going on from its numbered part (`numbered_part`), read in and ready for its
    frontsheet (reading a 4,000-page part in takes a few tenths of a second, which a build can
    spend while its frontsheets are converted); given `out`, where the pack will be written, the
    part's bytes are copied there meanwhile. A kept part's skeleton is kept beside it
    (`SkeletonFile`), so that the next build reads that instead."""
    return PackWriter(public=not spec.private, body=body, out=out, skeleton_at=_skeleton_at(body))


def _skeleton_at(part: Path) -> Path | None:
    """Where a kept part's skeleton is kept: beside it, named after it (pruned with it); None
    for a part that is not kept (this build's own)."""
    if part.parent.parent != settings().cache_dir / PARTS:
        return None
    return part.with_suffix(".skeleton")


def finish_pack(
    w: PackWriter,
    meeting: Meeting,
    spec: PackSpec,
    layout: Layout,
    frontsheet: Path,
    out: Path,
    pdfs: dict[Path, Path],
    headings: dict[Path, tuple[Bookmark, ...]] | None = None,
) -> int:
    """Put the frontsheet in front of a pack's numbered part (`open_part`), add bookmarks and
    metadata, write `out`; returns its page count. `headings`: each paper's own bookmarks
    (`pack_headings`), if read already.

    The outline: the frontsheet ("Agenda" or "Supplement N"), then one entry per item, each with
    its papers nested, and each paper's own bookmarks (its headings) nested under the paper.
    Nothing of a paper reaches the top level, and a paper not in this pack (an exempt paper in a
    public pack) adds nothing."""
    front_title = _front_title(spec)
    subject = spec.name if spec.is_supplement else "Agenda and reports"
    if spec.private:
        subject += " - PRIVATE: not for publication"
    elif spec.private is False:
        subject += " - public version"

    def finish(w: PackWriter) -> int:
        # the part may have been kept from a build that called its items or papers otherwise
        w.retitle(_titles(spec, layout, pdfs))
        # a pack without numbered pages (a public supplement of exempt papers only) ends with
        # its frontsheet: a filler after it would be followed by nothing
        unnumbered = w.insert_front(
            frontsheet,
            Stamp(FILLER_TEXT, "middle", 11),
            front_title,
            pad=bool(layout.items),
            marks=_marks(spec),
        )
        w.finish(
            out,
            title=pack_title(meeting, spec, subject),
            subject=subject,
            author=one_line(meeting.body),
            bookmarks=None
            if w.outline_prepared
            else _outline(front_title, spec, layout, unnumbered, headings or {}, pdfs),
            unnumbered=unnumbered,
        )
        return w.pages

    try:
        return finish(w)
    except WholePartNeeded:  # rare: finished again from the whole part, as qpdf reads it
        return finish(w.whole())


def pack_title(meeting: Meeting, spec: PackSpec, subject: str) -> str:
    """The pack's title (document information and XMP dc:title: a viewer's title bar), which
    begins "DRAFT - " for a draft."""
    return one_line(f"{'DRAFT - ' if spec.draft else ''}{meeting.pack_title}: {subject}")


def prepare_outline(
    w: PackWriter,
    spec: PackSpec,
    layout: Layout,
    pdfs: dict[Path, Path],
    headings: dict[Path, tuple[Bookmark, ...]],
) -> None:
    """The outline of a pack going on from its numbered part (`open_part`), written while its
    frontsheet is converted (`PackWriter.prepare_outline`): `finish_pack` then only points its
    first entry at the frontsheet."""
    if layout.items:  # (a pack of its frontsheet alone has no numbered page to point at)
        w.prepare_outline(_outline(_front_title(spec), spec, layout, 0, headings, pdfs))


def _front_title(spec: PackSpec) -> str:
    # ("Supplement" for the meeting's one supplement, as its frontsheet names it: `PackSpec.name`)
    if not spec.is_supplement:
        return "Agenda"
    return "Supplement" if spec.alone else f"Supplement {spec.supplement}"


def pack_headings(
    specs: Sequence[PackSpec], pdfs: dict[Path, Path]
) -> dict[Path, tuple[Bookmark, ...]]:
    """Each paper's own bookmarks (`paper_headings`), by paper, for the outlines of `specs`:
    read while the frontsheets are converted, rather than after."""
    headings: dict[Path, tuple[Bookmark, ...]] = {}
    for spec in specs:
        for item in spec.included:
            for paper in item.papers:
                if paper.path not in headings:  # (a private pack holds the public one's papers)
                    headings[paper.path] = _headings(paper, pdfs)
    return headings


def _headings(paper: Paper, pdfs: dict[Path, Path]) -> tuple[Bookmark, ...]:
    """A paper's own bookmarks; a converted one's (Word, data) titled only with what its pages
    show (`paper_headings`): LibreOffice puts a heading's hidden text in its bookmark."""
    return paper_headings(pdfs[paper.path], as_shown=paper.kind is not PaperKind.PDF)


def _below_title(title: str, marks: tuple[Bookmark, ...]) -> tuple[Bookmark, ...]:
    """A paper's own bookmarks as the pack nests them under the paper's entry (its title): a
    first bookmark saying the same as that title (or its end), or the one bookmark at the top of the
    paper's first page holding all the others (the document's title heading: "Safer Plymouth
    Partnership" over the minutes' items), gives way to what it holds (a new user's: the pack
    said the title twice, one level apart)."""
    if not marks:
        return marks
    first, words = marks[0], _words(marks[0].title)
    # (the same words, or the end of them: "Welcoming City charter" under "Appendix A -
    # Welcoming City charter")
    same = len(words) >= 2 and _words(title)[-len(words) :] == words or words == _words(title)
    whole = len(marks) == 1 and first.page_index == 0 and bool(first.children)
    return (*first.children, *marks[1:]) if same or whole else marks


def _words(text: str) -> list[str]:
    return re.findall(r"\w+", text.casefold())


def _outline(
    front_title: str,
    spec: PackSpec,
    layout: Layout,
    unnumbered: int,
    headings: dict[Path, tuple[Bookmark, ...]],
    pdfs: dict[Path, Path],
) -> list[Bookmark]:
    """The frontsheet's entry, then each item's, its papers and their headings nested under it."""
    bookmarks = [Bookmark(front_title, 0)]
    for item, placed in zip(spec.included, layout.items, strict=True):
        children = tuple(
            Bookmark(
                one_line(paper.title),
                unnumbered + doc.first - 1,
                _shifted(
                    _below_title(
                        paper.title,
                        headings[paper.path] if paper.path in headings else _headings(paper, pdfs),
                    ),
                    unnumbered + doc.first - 1,
                ),
            )
            for paper, doc in zip(item.papers, placed.documents, strict=True)
        )
        bookmarks.append(
            Bookmark(
                one_line(f"Item {item.number}: {item.title}"),
                unnumbered + placed.first - 1,
                children,
            )
        )
    return bookmarks
