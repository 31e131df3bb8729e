"""What a build keeps by content must be about the very bytes it used (found by a review of the
rebuild caches): a paper changed on disk between two steps, or a damaged cache entry, never puts
stale, unchecked or active content into a pack."""

from __future__ import annotations

import os
import shutil
import threading
from pathlib import Path

import pikepdf
import pytest
from pypdf import PdfReader

import packbuilder.pdf as pdfmod
from packbuilder import assemble, papers, snapshots
from packbuilder.build import build
from packbuilder.convert import CachingConverter
from packbuilder.errors import PackError
from packbuilder.settings import settings
from tests.factory import make_meeting, write_docx, write_pdf
from tests.fakes import FakeConverter
from tests.packreader import Pack
from tests.test_network import linked_image_docx


def _text(pack: Path) -> str:
    return " ".join(" ".join(p.extract_text() or "" for p in PdfReader(pack).pages).split())


def test_a_word_paper_that_fails_its_checks_never_reaches_libreoffice(tmp_path):
    # the prefetch converts copies that passed the Word checks, never the paper as it is
    folder = make_meeting(
        tmp_path / "2020-03-05-board",
        items=[{"title": "Report", "papers": ["report.docx", "appendix.pdf"]}],
        papers={"appendix.pdf": 2},
    )
    linked_image_docx(folder / "report.docx", "file:///etc/hostname")
    converter = FakeConverter()
    with pytest.raises(PackError, match="report.docx"):
        build(folder, tmp_path / "out", converter=converter)
    assert converter.calls == [], "a paper refused by the checks was handed to LibreOffice"


def test_a_word_paper_saved_again_after_its_early_conversion_is_converted_again(
    tmp_path, monkeypatch
):
    folder = make_meeting(
        tmp_path / "2020-03-05-board",
        items=[{"title": "Report", "papers": ["report.docx", "appendix.pdf"]}],
        papers={"report.docx": 2, "appendix.pdf": 2},
    )
    converter = FakeConverter()
    real = converter.convert
    saved = threading.Event()

    def convert(documents, outdir, *, sources=None):  # type: ignore[no-untyped-def]
        out = real(documents, outdir, sources=sources)
        if any(d.name == "0000.docx" for d in documents):  # the early conversion is done
            write_docx(folder / "report.docx", 5, label="saved again")  # an officer saves it
            saved.set()
        return out

    real_copy = snapshots._copy

    def copy(path, into, folder):  # type: ignore[no-untyped-def]
        if path.name == "report.docx":
            saved.wait(30)  # the save comes before loading takes its copy of the paper
        return real_copy(path, into, folder)

    monkeypatch.setattr(snapshots, "_copy", copy)
    converter.convert = convert  # type: ignore[method-assign]
    result = build(folder, tmp_path / "out", converter=converter)
    given = [d.name for batch in converter.calls for d in batch]
    assert given[:1] == ["0000.docx"]  # the early conversion, of the copy that was checked
    assert "report.docx" in given  # converted again, from the paper as loading read it
    text = _text(result.packs[0].path)
    assert "converted report" in text and "converted 0000" not in text


def test_a_paper_changed_while_it_is_examined_leaves_nothing_remembered(tmp_path, monkeypatch):
    # the key is the hash of the bytes examined: a file replaced mid-check is not remembered
    # under either content (so a JavaScript version can never inherit a clean copy's "clean")
    path = write_pdf(tmp_path / "a.pdf", 2, label=f"first {tmp_path.name}")
    other = write_pdf(tmp_path / "b.pdf", 2, label=f"second {tmp_path.name}")
    real = pdfmod._examine

    def examine(p, *args):  # type: ignore[no-untyped-def]
        facts = real(p, *args)
        path.write_bytes(other.read_bytes())  # written in place while being read
        return facts

    monkeypatch.setattr(pdfmod, "_examine", examine)
    original = path.read_bytes()
    pdfmod.check_readable(path)
    assert not pdfmod.checked(path)
    path.write_bytes(original)
    assert not pdfmod.checked(path)


def test_a_replaced_paper_is_read_as_the_bytes_that_were_hashed(tmp_path, monkeypatch):
    # a paper replaced (saved under the same name) just after it was hashed: the checks read the
    # bytes that were hashed, so what is remembered is true of that content
    path = write_pdf(tmp_path / "a.pdf", 2, label=f"two pages {tmp_path.name}")
    three = write_pdf(tmp_path / "c.pdf", 3, label=f"three pages {tmp_path.name}")
    real = pdfmod.path_key
    swapped = []

    def key_then_swap(p, fh):  # type: ignore[no-untyped-def]
        k = real(p, fh)
        if not swapped:
            swapped.append(True)
            three.replace(path)  # a new file under the name: the handle still reads the old one
        return k

    monkeypatch.setattr(pdfmod, "path_key", key_then_swap)
    assert pdfmod.check_readable(path) == 2


def _meeting(tmp_path: Path) -> Path:
    return make_meeting(
        tmp_path / "2020-03-05-board",
        items=[{"title": "Appendix", "papers": ["appendix.pdf"]}],
        papers={"appendix.pdf": 3},
    )


def test_a_paper_written_to_during_assembly_makes_no_kept_part(tmp_path, monkeypatch):
    folder = _meeting(tmp_path)
    write_pdf(folder / "appendix.pdf", 3, label=f"version one {tmp_path.name}")
    monkeypatch.setenv("PACKBUILDER_CACHE", str(tmp_path / "cache"))
    settings.cache_clear()
    # the key is made from what the paper held then; assembly reads other bytes
    monkeypatch.setattr(assemble, "content_key", lambda p: "the bytes seen when keyed")
    result = build(folder, tmp_path / "out", converter=FakeConverter())
    assert f"version one {tmp_path.name} page 3" in _text(result.packs[0].path)
    assert not list((tmp_path / "cache" / assemble.PARTS).rglob("*.pdf")), (
        "a part was kept although its paper was not the one keyed"
    )
    monkeypatch.undo()
    settings.cache_clear()


def test_a_damaged_kept_part_is_assembled_again(tmp_path, monkeypatch):
    folder = _meeting(tmp_path)
    write_pdf(folder / "appendix.pdf", 3, label=f"intact {tmp_path.name}")
    monkeypatch.setenv("PACKBUILDER_CACHE", str(tmp_path / "cache"))
    settings.cache_clear()
    build(folder, tmp_path / "out", converter=FakeConverter())
    (kept,) = (tmp_path / "cache" / assemble.PARTS).rglob("*.pdf")
    data = bytearray(kept.read_bytes())
    middle = len(data) // 3
    data[middle : middle + len(data) // 3] = bytes(len(data) // 3)  # same size, zeroed
    kept.write_bytes(bytes(data))
    again = build(folder, tmp_path / "clean", converter=FakeConverter())
    assert f"intact {tmp_path.name} page 3" in _text(again.packs[0].path)
    with pikepdf.open(again.packs[0].path) as pdf:
        assert not pdf.get_warnings()
    assert not kept.exists() or kept.read_bytes() != bytes(data)


@pytest.mark.parametrize("damage", ["halved", "emptied"])
def test_a_cached_conversion_cut_short_is_converted_again(tmp_path, monkeypatch, damage):
    """Found by a trial: a cached conversion cut short (a disk that filled, a restored backup)
    made every later build fail, blaming the Word paper ("its pages could not be read") or naming
    the cache file; it is now converted again."""
    folder = make_meeting(
        tmp_path / "2020-03-05-board",
        items=[{"title": "Report", "papers": ["report.docx", "appendix.pdf"]}],
        papers={"report.docx": 2, "appendix.pdf": 2},
    )
    monkeypatch.setenv("PACKBUILDER_CACHE", str(tmp_path / "cache"))
    settings.cache_clear()
    first = build(folder, tmp_path / "out", converter=CachingConverter(FakeConverter()))
    entries = {p: p.read_bytes() for p in (tmp_path / "cache").glob("??/*.pdf")}
    assert len(entries) == 2  # the report and the frontsheet
    for entry, data in entries.items():
        entry.write_bytes(data[: len(data) // 2] if damage == "halved" else b"")
    converter = FakeConverter()
    again = build(folder, tmp_path / "again", converter=CachingConverter(converter))
    assert sorted(d.suffix for batch in converter.calls for d in batch) == [".docx", ".docx"]
    assert _text(again.packs[0].path) == _text(first.packs[0].path)
    for entry, data in entries.items():
        assert entry.read_bytes() == data  # kept again, whole


def test_a_cached_conversion_edited_by_hand_is_converted_again(tmp_path, cache):
    """A conversion changed in the middle (a hand, a bad disk) keeps its end-of-file marker and
    reads as a PDF: only the digest its writer vouched for (`cache.vouched`) tells it from the
    paper's conversion."""
    folder = make_meeting(
        tmp_path / "2020-03-05-board",
        items=[{"title": "Report", "papers": ["report.docx"]}],
        papers={"report.docx": 2},
    )
    first = _cached_build(folder, tmp_path / "out")
    assert "converted 0000 page 1" in _text(first.packs[0].path)  # (the build's copy)
    (entry,) = (e for e in cache.glob("??/*.pdf") if b"0000 page 1" in e.read_bytes())
    entry.write_bytes(entry.read_bytes().replace(b"0000 page 1", b"0000 PAGE 9"))
    converter = FakeConverter()
    again = build(folder, tmp_path / "again", converter=CachingConverter(converter))
    assert [d.suffix for batch in converter.calls for d in batch] == [".docx"]
    assert _text(again.packs[0].path) == _text(first.packs[0].path)
    assert b"0000 page 1" in entry.read_bytes()  # kept again, as converted


def test_a_failed_build_stops_its_early_conversions(tmp_path):
    # with a converter that can abort (LibreOffice), the build does not leave its conversions
    # running after it has failed and let go of the meeting's lock
    import threading

    folder = make_meeting(
        tmp_path / "2020-03-05-board",
        items=[{"title": "Report", "papers": ["report.docx", "missing.pdf"]}],
        papers={"report.docx": 2},
    )
    stop, started = threading.Event(), threading.Event()
    events: list[str] = []

    class Abortable(FakeConverter):
        def convert(self, documents, outdir, *, sources=None):  # type: ignore[no-untyped-def]
            events.append("conversion started")
            started.set()
            stop.wait(30)
            events.append("conversion ended")
            return super().convert(documents, outdir, sources=sources)

        def abort(self) -> bool:
            events.append("aborted")
            stop.set()
            return True

    real_start = papers.Prefetch.start

    def start(self, documents, pdfs=()):  # type: ignore[no-untyped-def]
        real_start(self, documents, pdfs)
        assert started.wait(10), "the early conversion never started"

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(papers.Prefetch, "start", start)
        with pytest.raises(PackError, match="missing.pdf"):
            build(folder, tmp_path / "out", converter=Abortable())
    events.append("build returned")
    assert events == ["conversion started", "aborted", "conversion ended", "build returned"]


def _same_size_pair(tmp_path: Path) -> tuple[bytes, bytes]:
    """One page's PDF twice, the second with a script run when the page opens; padded to one
    length, so that one can be written over the other in place."""
    versions = []
    for script in (False, True):
        pdf = pikepdf.new()
        pdf.add_blank_page(page_size=(595, 842))
        if script:
            pdf.pages[0].obj.AA = pikepdf.Dictionary(
                O=pikepdf.Dictionary(S=pikepdf.Name.JavaScript, JS=pikepdf.String("app.alert(1)"))
            )
        out = tmp_path / f"v{int(script)}.pdf"
        pdf.save(out, compress_streams=False, object_stream_mode=pikepdf.ObjectStreamMode.disable)
        versions.append(out.read_bytes())
    n = max(len(v) for v in versions) + 8
    clean, active = (v + b"\n" * (n - len(v)) for v in versions)
    return clean, active


def _written_through_a_map(path: Path, data: bytes) -> None:
    import mmap
    import os

    fd = os.open(path, os.O_RDWR)
    try:
        with mmap.mmap(fd, 0) as m:
            m[:] = data
            m.flush()
    finally:
        os.close(fd)


def test_a_paper_rewritten_without_its_times_changing_is_checked_again(tmp_path, monkeypatch):
    # a write through a memory map can leave a file's size and times as they were, for a while;
    # a paper's "clean" is known by the hash of its bytes as they are now, never by its stamp
    from packbuilder import digests

    monkeypatch.setattr(digests, "SETTLED_NS", -(10**12))  # every file counts as long left alone
    monkeypatch.setenv("PACKBUILDER_CACHE", str(tmp_path / "cache"))
    settings.cache_clear()
    clean, active = _same_size_pair(tmp_path)
    path = tmp_path / "paper.pdf"
    path.write_bytes(clean)
    assert pdfmod.paper_facts(path).removed == ()
    assert pdfmod.known_clean(path)
    before = path.stat()
    _written_through_a_map(path, active)
    # whatever the file system did with its times, they are made to look untouched
    monkeypatch.setattr(digests, "stamp", lambda st: ("the stamp it was checked under",))
    assert path.stat().st_size == before.st_size
    assert not pdfmod.known_clean(path)
    w = pdfmod.PackWriter(public=True)
    w.begin_part("Item 1")
    w.add_pdf(path, [[pdfmod.Stamp("Page 1", "bottom-centre")]])
    w.save_body(tmp_path / "part.pdf")
    with pikepdf.open(tmp_path / "part.pdf") as part:
        assert "/AA" not in part.pages[0].obj, "the script reached a public pack"
    monkeypatch.undo()
    settings.cache_clear()


@pytest.fixture
def cache(tmp_path, monkeypatch):  # type: ignore[no-untyped-def]
    """A cache folder of the test's own, found as a new command finds it (`_next_process`)."""
    monkeypatch.setenv("PACKBUILDER_CACHE", str(tmp_path / "cache"))
    settings.cache_clear()
    _next_process()
    return tmp_path / "cache"


def _cached_build(folder: Path, out: Path):  # type: ignore[no-untyped-def]
    return build(folder, out, converter=CachingConverter(FakeConverter()))


def _outline(pack: Path) -> list[tuple[int, str, int]]:
    return Pack.read(pack).bookmarks()


def _sealed_entries(cache: Path) -> list[Path]:
    """The cache folder's small entries (`digests.seal`): all but conversions, kept parts and
    their skeletons, kept copies of papers and the empty "nothing to clean" marks."""
    return sorted(
        p
        for p in cache.rglob("*")
        if p.is_file()
        and not p.name.startswith(".")
        and p.relative_to(cache).parts[0] not in (assemble.PARTS, snapshots.PAPERS, "clean")
        and p.suffix != ".pdf"
    )


def _edited(data: bytes) -> bytes:
    """`data` edited as by hand, keeping its syntax: its last letter or digit changed to
    another of its kind (a page number, a title's letter, a digit of a hash)."""
    for at in range(len(data) - 1, -1, -1):
        for first, count in ((ord("0"), 10), (ord("a"), 26), (ord("A"), 26)):
            if first <= data[at] < first + count:
                moved = first + (data[at] - first + 1) % count
                return data[:at] + bytes([moved]) + data[at + 1 :]
    return data + b" "


def _next_process() -> None:
    """Forget what this process remembers of the cache folder's entries, as a new command
    would start."""
    from packbuilder import deadline, digests, render  # noqa: PLC0415
    from packbuilder.convert import cache  # noqa: PLC0415

    digests._known.clear()
    cache._ZIPS.clear()
    render._COMPILED.clear()
    pdfmod._font_program.cache_clear()
    deadline._holiday_names.cache_clear()
    deadline._bank_holidays.cache_clear()


def _meeting_with_outline(tmp_path: Path) -> Path:
    from tests.test_build import _with_outline  # noqa: PLC0415

    folder = make_meeting(
        tmp_path / "2020-03-05-board",
        items=[{"title": "Report", "papers": ["report.docx", "appendix.pdf"]}],
        papers={"report.docx": 2, "appendix.pdf": 3},
    )
    _with_outline(folder / "appendix.pdf", [(0, "Budget summary", 0), (0, "Risks", 2)])
    return folder


def test_a_remembered_bookmark_edited_by_hand_never_reaches_a_pack(tmp_path, cache):
    """Found by a trial: an appendix's bookmark title edited by hand in its ``checks/`` entry,
    still valid JSON, reached both packs. Every small cache entry is sealed by the hash of its
    bytes; one that does not match is worked out again from the paper."""
    folder = _meeting_with_outline(tmp_path)
    first = _cached_build(folder, tmp_path / "out")
    assert (2, "Budget summary", 3) in _outline(first.packs[0].path)
    edited = 0
    for entry in _sealed_entries(cache / "checks"):
        data = entry.read_bytes()
        if b"Budget summary" in data:
            entry.write_bytes(data.replace(b"Budget summary", b"Budget SUMMARY"))
            edited += 1
    assert edited >= 1
    again = build(folder, tmp_path / "again", converter=CachingConverter(FakeConverter()))
    assert _outline(again.packs[0].path) == _outline(first.packs[0].path)


def test_no_small_cache_entry_edited_by_hand_changes_a_pack(tmp_path, cache):
    """The class of the trial's finding: each small entry of every kind (a paper's checks, its
    headings and words, a Word paper's content digest, the digests of kept files, compiled
    templates and patterns, the stamp font, bank holidays) edited as by hand, keeping its
    syntax; the rebuild's packs are the first build's, page by page and bookmark by bookmark."""
    folder = _meeting_with_outline(tmp_path)
    first = _cached_build(folder, tmp_path / "out")
    entries = _sealed_entries(cache)
    kinds = {(e.relative_to(cache).parts[0], e.name.split(".", 1)[-1]) for e in entries}
    assert {k for k, _ in kinds} >= {"checks", "digests", "templates", "holidays", "fonts"}
    assert len(kinds) >= 12, sorted(kinds)
    for entry in entries:
        entry.write_bytes(_edited(entry.read_bytes()))
    _next_process()
    again = build(folder, tmp_path / "again", converter=CachingConverter(FakeConverter()))
    for before, after in zip(first.packs, again.packs, strict=True):
        assert _outline(after.path) == _outline(before.path)
        assert _text(after.path) == _text(before.path)


def _two_papers(tmp_path: Path) -> Path:
    return make_meeting(
        tmp_path / "2020-03-05-board",
        items=[
            {"title": "Report", "papers": ["report.docx"]},
            {"title": "Update", "papers": ["update.docx"]},
        ],
        papers={"report.docx": 2, "update.docx": 5},
    )


def test_a_conversion_copied_to_another_papers_key_is_converted_again(tmp_path, cache):
    """Found by a trial: a conversion copied over another paper's, with its voucher renamed to
    the other key, put the wrong paper's pages in the pack, silently. A voucher is named by a
    hash of the key with the bytes' digest: the copy has none under its new key."""
    folder = _two_papers(tmp_path)
    first = _cached_build(folder, tmp_path / "out")
    # (the fake's pages say "converted 0000 page 1", "converted 0001 page 1": the build's copies)
    report, update = (
        next(e for e in cache.glob("??/*.pdf") if copy in e.read_bytes())
        for copy in (b"0000 page", b"0001 page")
    )
    key = lambda e: e.name.split(".")[0]  # noqa: E731
    report.write_bytes(update.read_bytes())
    for voucher in update.parent.glob(f"{key(update)}.*.sum"):
        (report.parent / voucher.name.replace(key(update), key(report))).touch()
    converter = FakeConverter()
    again = build(folder, tmp_path / "again", converter=CachingConverter(converter))
    assert [d.suffix for batch in converter.calls for d in batch] == [".docx"]
    assert _text(again.packs[0].path) == _text(first.packs[0].path)


@pytest.mark.parametrize("kind", ["conversion", "part"])
def test_a_folder_in_place_of_a_cache_entry_only_makes_the_build_slower(tmp_path, cache, kind):
    """Found by a trial: a folder where a conversion or a kept part was made every later build
    fail ("Is a directory"). A damaged cache makes a build slower, never a failed one."""
    folder = _two_papers(tmp_path)
    first = _cached_build(folder, tmp_path / "out")
    where = cache / (assemble.PARTS if kind == "part" else "")
    entries = list(where.glob("??/*.pdf"))
    assert entries
    for entry in entries:
        entry.unlink()
        (entry / "inside").mkdir(parents=True)
    again = build(folder, tmp_path / "again", converter=CachingConverter(FakeConverter()))
    assert _text(again.packs[0].path) == _text(first.packs[0].path)
    third = build(folder, tmp_path / "third", converter=CachingConverter(FakeConverter()))
    assert _text(third.packs[0].path) == _text(first.packs[0].path)
    assert all(e.is_file() for e in entries if e.exists())  # kept again, as files


def test_a_kept_part_renamed_to_another_key_is_assembled_again(tmp_path, cache):
    """Found by a trial: the kept part of an appendix's earlier version, renamed to the key of
    its new version (its name's hash left as it was), put the old page in the pack, silently.
    The hash a part's name carries is of its key and its bytes."""
    folder = _meeting(tmp_path)
    parts = cache / assemble.PARTS
    write_pdf(folder / "appendix.pdf", 3, label=f"version one {tmp_path.name}")
    build(folder, tmp_path / "one", converter=FakeConverter())
    old = set(parts.rglob("*"))
    write_pdf(folder / "appendix.pdf", 3, label=f"version two {tmp_path.name}")
    second = build(folder, tmp_path / "two", converter=FakeConverter())
    assert f"version two {tmp_path.name} page 3" in _text(second.packs[0].path)
    (new,) = (p for p in set(parts.rglob("*.pdf")) - old)
    (was,) = (p for p in old if p.suffix == ".pdf")
    new_key, was_key = new.name.split(".")[0], was.name.split(".")[0]
    for path in list(parts.rglob(f"{new_key}.*")):
        path.unlink()
    for path in [p for p in old if p.is_file()]:
        path.rename(new.parent / path.name.replace(was_key, new_key))
    again = build(folder, tmp_path / "again", converter=FakeConverter())
    assert f"version two {tmp_path.name} page 3" in _text(again.packs[0].path)
    assert "version one" not in _text(again.packs[0].path)


@pytest.mark.parametrize("damage", ["link to a folder", "link to nothing", "edited"])
def test_a_damaged_kept_copy_of_a_paper_is_never_its_copy(tmp_path, cache, damage):
    """Found by a trial: a kept copy (``papers/``) replaced by a link to a folder, or to nothing,
    failed every build, blaming the paper. One edited since it was kept was linked as the
    paper's copy on the word of its name whenever the paper was hashed rather than compared."""
    folder = _meeting(tmp_path)
    write_pdf(folder / "appendix.pdf", 3, label=f"appendix {tmp_path.name}")
    first = build(folder, tmp_path / "out", converter=FakeConverter())
    (kept,) = (cache / snapshots.PAPERS).glob("??/*.pdf")
    data = kept.read_bytes()
    kept.unlink()
    if damage == "link to a folder":
        (tmp_path / "elsewhere").mkdir()
        kept.symlink_to(tmp_path / "elsewhere")
    elif damage == "link to nothing":
        kept.symlink_to(tmp_path / "nothing")
    else:
        kept.write_bytes(
            data.replace(
                f"appendix {tmp_path.name} page 2".encode(),
                f"appendix {tmp_path.name} PAGE 9".encode(),
            )
        )
    shutil.rmtree(cache / assemble.PARTS)  # (the part would hold the pages, not reading them)
    os.utime(folder / "appendix.pdf")  # (its times moved: hashed again, not compared)
    for n in (1, 2):
        again = build(folder, tmp_path / f"again{n}", converter=FakeConverter())
        assert _text(again.packs[0].path) == _text(first.packs[0].path)
        shutil.rmtree(cache / assemble.PARTS, ignore_errors=True)
    assert kept.is_file() and not kept.is_symlink() and kept.read_bytes() == data  # kept again


def _set_venue(folder: Path, venue: str) -> None:
    from openpyxl import load_workbook  # noqa: PLC0415

    wb = load_workbook(folder / "meeting.xlsx")
    for row in wb["Meeting"].iter_rows(min_row=2):
        if row[0].value == "Venue":
            row[1].value = venue
    wb.save(folder / "meeting.xlsx")


def test_a_fifo_in_place_of_a_parts_skeleton_is_never_waited_on(tmp_path, cache):
    """Found when the test below hung once in ten runs: a FIFO in place of a kept part's
    skeleton was opened to be read, and the rebuild waited without end. It is removed, and the
    part read whole."""
    folder = _meeting_with_outline(tmp_path)
    first = _cached_build(folder, tmp_path / "out")
    _set_venue(folder, "Room 2")
    _cached_build(folder, tmp_path / "out")  # (the part read in: its skeleton kept beside it)
    skeletons = list((cache / assemble.PARTS).rglob("*.skeleton"))
    assert skeletons
    for skeleton in skeletons:
        skeleton.unlink()
        os.mkfifo(skeleton)
    _next_process()
    _set_venue(folder, "Room 3")
    done: list[Path] = []
    builder = threading.Thread(
        target=lambda: done.append(_cached_build(folder, tmp_path / "again").packs[0].path),
        daemon=True,
    )
    builder.start()
    builder.join(timeout=120)
    assert done, "the build waited on a FIFO"
    assert _text(done[0]) == _text(first.packs[0].path)
    assert all(not s.exists() or s.is_file() for s in skeletons)


def test_a_fifo_in_place_of_a_cache_entry_is_never_waited_on(tmp_path, cache):
    """Found by a trial: a FIFO in place of a conversion made ``check`` wait without end. Every
    kind of entry is read only if it is a file (`digests.regular`)."""
    folder = _meeting_with_outline(tmp_path)
    first = _cached_build(folder, tmp_path / "out")
    entries = [p for p in cache.rglob("*") if p.is_file() and not p.name.startswith(".")]
    assert len({p.relative_to(cache).parts[0] for p in entries}) >= 6
    for entry in entries:
        entry.unlink()
        os.mkfifo(entry)
    _next_process()
    done: list[Path] = []
    builder = threading.Thread(
        target=lambda: done.append(
            build(folder, tmp_path / "again", converter=CachingConverter(FakeConverter()))
            .packs[0]
            .path
        ),
        daemon=True,
    )
    builder.start()
    builder.join(timeout=120)
    assert done, "the build waited on a FIFO"
    assert _text(done[0]) == _text(first.packs[0].path)
