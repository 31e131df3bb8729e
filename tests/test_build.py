"""End to end: meeting folders built with the real LibreOffice, packs read back with pypdf."""

from __future__ import annotations

import threading
import time
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader, PdfWriter

from packbuilder import pdf as pdfmod
from packbuilder.build import build
from packbuilder.errors import ConversionError
from tests.factory import make_meeting
from tests.fakes import FakeConverter
from tests.packreader import FILLER, Pack

pytestmark = pytest.mark.libreoffice


def assert_conventions(pack: Pack, with_papers: list[str]) -> None:
    """What a democratic advisor checks first, derived from the PDF alone."""
    front = pack.front_pages  # the physical pages before the first "Page N" stamp
    assert front >= 1 and front % 2 == 0, "Page 1 must fall on a right-hand page"
    numbers = [pack.stamp(i) for i in range(front, pack.page_count)]
    assert numbers == list(range(1, len(numbers) + 1)), "Page N must be continuous from 1"
    starts = pack.item_starts()
    assert list(starts) == with_papers, "Agenda Item stamps: one per item with papers, in order"
    assert all(p % 2 == 1 for p in starts.values()), f"items must start on odd pages: {starts}"
    ranges = pack.real_ranges()
    assert pack.frontsheet_ranges() == [ranges[n] for n in with_papers]
    # A filler is a page of its own, right before an item's first page. With the odd starts above
    # that is the whole rule: a missing filler, a needless one, a second one or one after the last
    # item would each put an item on an even page or leave a filler not followed by an item.
    for filler in pack.fillers():
        assert (filler + 1) in starts.values(), f"filler on page {filler} not followed by an item"
        assert pack.texts[pack.physical(filler)].split() == [*FILLER.split(), "Page", str(filler)]
    # bookmarks: the item's entry points at its stamped page
    marks = {title.split(":")[0]: page for depth, title, page in pack.bookmarks() if depth == 0}
    for number, first in starts.items():
        assert marks[f"Item {number}"] == pack.physical(first)


def test_mixed_meeting(tmp_path, libreoffice):
    folder = make_meeting(
        tmp_path / "2020-03-05-board",
        items=[
            {
                "title": "Minutes of the last meeting",
                "papers": ["minutes.pdf"],
            },  # 3 pages -> filler
            {"title": "Apologies"},  # no papers
            {"title": "YOT Governance update", "status": "verbal"},
            {"title": "One-pager", "papers": ["one.pdf"]},  # 1 page -> filler
            {"title": "Report with appendix", "papers": ["report.docx", "appendix.pdf"]},
            {"title": "Long appendix", "papers": ["long.pdf"]},  # 25 pages, even start
            {"title": "Even item", "papers": ["even.pdf"]},  # 2 pages, last
        ],
        papers={
            "minutes.pdf": 3,
            "one.pdf": 1,
            "report.docx": 4,
            "appendix.pdf": 2,
            "long.pdf": 25,
            "even.pdf": 2,
        },
    )
    result = build(folder, tmp_path / "out", converter=libreoffice)
    assert [p.path.name for p in result.packs] == ["2020-03-05-board-agenda-pack.pdf"]
    pack = Pack.read(result.packs[0].path)
    assert_conventions(pack, ["1", "4", "5", "6", "7"])
    starts = pack.item_starts()
    # hand-worked: minutes 1-3 + filler 4; one-pager 5 + filler 6; item 7 starts at 7
    assert starts["1"] == 1 and starts["4"] == 5 and starts["5"] == 7
    assert pack.fillers()[:2] == [4, 6]
    # every page of every paper is there, in order
    for i in range(1, 26):
        assert len(pack.find_line(f"long page {i}")) == 1
    assert (
        pack.find("minutes page 1")[0]
        < pack.find("one page 1")[0]
        < pack.find("appendix page 1")[0]
    )
    # a verbal item and an item without papers are listed but take no pages
    front = pack.frontsheet_text()
    assert "Verbal update" in front and "Apologies" in front
    # nested bookmarks: one per document under its item
    marks = pack.bookmarks()
    assert (1, "Report", pack.physical(starts["5"])) in marks
    assert any(depth == 1 and title == "Appendix" for depth, title, _ in marks)
    meta = pack.reader.metadata
    assert meta.title and "Test Partnership Board" in meta.title
    assert meta.subject == "Agenda and reports"
    assert pack.reader.trailer["/Root"]["/Lang"] == "en-GB"
    # viewers show the same numbers as the stamps
    assert pack.reader.page_labels[pack.front_pages] == "1"


def test_even_pages_need_no_fillers(tmp_path, libreoffice):
    folder = make_meeting(
        tmp_path / "m",
        items=[{"papers": ["a.pdf"]}, {"papers": ["b.pdf"]}, {"papers": ["c.pdf"]}],
        papers={"a.pdf": 2, "b.pdf": 4, "c.pdf": 6},
    )
    messages: list[str] = []
    result = build(folder, tmp_path / "out", converter=libreoffice, progress=messages.append)
    pack = Pack.read(result.packs[0].path)
    assert_conventions(pack, ["1", "2", "3"])
    assert pack.fillers() == []
    # a terminal shows the stages, with counts
    assert messages[0] == "checking inputs"
    assert "assembling Agenda pack: 3 items with papers, 12 numbered pages" in messages
    assert messages[-1] == "publishing"
    assert pack.frontsheet_ranges() == [(1, 2), (3, 6), (7, 12)]
    assert pack.page_count == pack.front_pages + 12


def test_long_frontsheet_keeps_references_exact(tmp_path, libreoffice):
    # 30 items: the frontsheet runs over several pages; references must not move
    items = [
        {
            "title": f"Item number {n} with a long title " * 2,
            "purpose": "To note. " * 8,
            "papers": [f"p{n}.pdf"],
        }
        for n in range(1, 31)
    ]
    papers = {f"p{n}.pdf": (n % 4) + 1 for n in range(1, 31)}
    folder = make_meeting(tmp_path / "m", items=items, papers=papers)
    pack = Pack.read(build(folder, tmp_path / "out", converter=libreoffice).packs[0].path)
    assert pack.front_pages >= 2
    assert_conventions(pack, [str(n) for n in range(1, 31)])


def test_text_is_data_not_markup(tmp_path, libreoffice):
    tricky = 'Fish & Chips <b>bold</b> "quoted" it\'s {{ 7*7 }} {% if x %}'
    folder = make_meeting(
        tmp_path / "m",
        items=[{"title": tricky, "purpose": tricky, "papers": ["a.pdf"]}],
        fields={"Body": "Board & Co <Ltd>"},
        papers={"a.pdf": 1},
    )
    pack = Pack.read(build(folder, tmp_path / "out", converter=libreoffice).packs[0].path)
    front = " ".join(pack.frontsheet_text().split())
    assert tricky in front
    assert "Board & Co <Ltd>" in front
    assert "49" not in front


EXAMPLE = "2020-03-05-safer-plymouth"
# the example's agenda: items 1, 2, 4, 6 and 7 have papers, 9 is exempt (paragraph 3, last, under
# a Part II heading), 5 is to follow (its paper has arrived, supplement 1), 3 is verbal and 8 has
# none
EXAMPLE_PACKS = {
    f"{EXAMPLE}-agenda-pack-public.pdf": ["1", "2", "4", "6", "7"],
    f"{EXAMPLE}-agenda-pack-PRIVATE-not-for-publication.pdf": ["1", "2", "4", "6", "7", "9"],
    f"{EXAMPLE}-supplement-1.pdf": ["5"],
}


def test_example_meeting_builds(tmp_path, libreoffice):
    from pathlib import Path

    example = Path(__file__).resolve().parent.parent / "inputs" / EXAMPLE
    result = build(example, tmp_path / "out", converter=libreoffice)
    assert [p.path.name for p in result.packs] == list(EXAMPLE_PACKS)
    packs = {p.path.name: Pack.read(p.path) for p in result.packs}
    for name, pack in packs.items():
        assert_conventions(pack, EXAMPLE_PACKS[name])
    public = packs[f"{EXAMPLE}-agenda-pack-public.pdf"]
    private = packs[f"{EXAMPLE}-agenda-pack-PRIVATE-not-for-publication.pdf"]
    # item 9's report (a heading of its own) is in the private pack only
    assert private.find_line("Tenders received") and not public.find_line("Tenders received")
    front = " ".join(public.frontsheet_text().split())
    assert "To follow" in front
    assert (
        "Not for publication by virtue of paragraph 3 of Part 1 of Schedule 12A to the Local "
        "Government Act 1972"
    ) in front


def _with_outline(path: Path, entries: list[tuple[int, str, int]]) -> Path:
    """Give a PDF its own outline: (depth, title, page index) in order."""
    w = PdfWriter(clone_from=path)
    parents: list[Any] = []
    for depth, title, page in entries:
        parent = parents[depth - 1] if depth else None
        parents[depth:] = [w.add_outline_item(title=title, page_number=page, parent=parent)]
    w.write(path)
    return path


@pytest.mark.parametrize("written", ["while the frontsheet converts", "when finished"])
def test_outline_nests_every_paper_under_its_item(tmp_path, libreoffice, monkeypatch, written):
    """The outline is the frontsheet, then the items; each paper under its item and each paper's
    own bookmarks under the paper; nothing of a paper at the top, nothing of an exempt paper in
    the public pack. The same whether it was written while the frontsheet was converted (the
    frontsheet's entry pointed at it afterwards) or when the pack was finished."""
    import packbuilder.build as build_module

    prepared: list[object] = []
    real = build_module.prepare_outline

    def prepare(*args):  # type: ignore[no-untyped-def]
        prepared.append(args)
        if written == "while the frontsheet converts":
            real(*args)

    monkeypatch.setattr(build_module, "prepare_outline", prepare)
    folder = make_meeting(
        tmp_path / "2020-03-05-board",
        items=[
            {"title": "Report", "papers": ["report.docx"]},
            {"title": "Appendix", "papers": ["appendix.pdf"]},
            {"title": "Contract", "papers": ["tender.pdf"], "exempt paragraph": 3},
        ],
        papers={"report.docx": 3, "appendix.pdf": 3, "tender.pdf": 2},
    )
    _with_outline(folder / "appendix.pdf", [(0, "Part A", 0), (1, "A.1", 1), (0, "Part B", 2)])
    _with_outline(folder / "tender.pdf", [(0, "SECRET prices", 1)])
    result = build(folder, tmp_path / "out", converter=libreoffice)
    packs = {p.path.name.split("agenda-pack-")[1]: Pack.read(p.path) for p in result.packs}
    public, private = packs["public.pdf"], packs["PRIVATE-not-for-publication.pdf"]
    start = {n: public.physical(p) for n, p in public.item_starts().items()}
    assert public.bookmarks() == [
        (0, "Agenda", 0),
        (0, "Item 1: Report", start["1"]),
        # (the Word report's own heading, "report" from LibreOffice's export, says its title
        # again: left out, `assemble._below_title`)
        (1, "Report", start["1"]),
        (0, "Item 2: Appendix", start["2"]),
        (1, "Appendix", start["2"]),
        (2, "Part A", start["2"]),
        (3, "A.1", start["2"] + 1),
        (2, "Part B", start["2"] + 2),
    ]
    third = private.physical(private.item_starts()["3"])
    assert private.bookmarks()[-3:] == [
        (0, "Item 3: Contract", third),
        (1, "Tender", third),
        (2, "SECRET prices", third + 1),
    ]
    assert not [t for _, t, _ in public.bookmarks() if "SECRET" in t]
    assert len(prepared) == 2  # (the parts were read while LibreOffice converted)


def _public_and_private(tmp_path: Path) -> Path:
    """A meeting of two packs: a public one and a private one with an exempt paper."""
    return make_meeting(
        tmp_path / "2020-03-05-board",
        items=[
            {"title": "Appendix", "papers": ["appendix.pdf"]},
            {"title": "Contract", "papers": ["tender.pdf"], "exempt paragraph": 3},
        ],
        papers={"appendix.pdf": 2, "tender.pdf": 2},
    )


def test_a_pack_is_finished_while_the_next_frontsheet_is_converted(tmp_path: Path) -> None:
    """LibreOffice converts the frontsheets one after the other: the public pack is finished as
    soon as its frontsheet is ready (the converter says so: `on_ready`), while the private
    pack's is still being converted; a converter that does not say is waited for whole."""
    import packbuilder.build as build_module
    from packbuilder.convert import listener

    folder = _public_and_private(tmp_path)
    events: list[str] = []
    first_finished = threading.Event()

    class OneByOne(FakeConverter):
        def convert(self, documents, outdir, *, sources=None):  # type: ignore[no-untyped-def]
            pdfs = super().convert(documents, outdir, sources=sources)
            tell = listener()
            if tell is not None and len(documents) == 2:  # (the two frontsheets)
                tell(0, pdfs[0])
                events.append("converting the second")
                first_finished.wait(10)
                events.append("second converted")
            return pdfs

    real = build_module.finish_pack

    def finish(w, meeting, spec, *rest):  # type: ignore[no-untyped-def]
        pages = real(w, meeting, spec, *rest)
        events.append(f"finished {'private' if spec.private else 'public'}")
        first_finished.set()
        return pages

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(build_module, "finish_pack", finish)
        result = build(folder, tmp_path / "out", converter=OneByOne())
    assert events == [
        "converting the second",
        "finished public",
        "second converted",
        "finished private",
    ]
    # each pack with its own frontsheet, and nothing of the exempt paper in the public one
    public, private = (Pack.read(p.path) for p in result.packs)
    assert not result.packs[0].path.name.endswith("PRIVATE-not-for-publication.pdf")
    assert "converted 00-agenda" in public.texts[0] and "converted 01-agenda" in private.texts[0]
    assert len(private.texts) > len(public.texts)


def test_a_pack_that_fails_to_finish_stops_the_next_frontsheets_conversion(tmp_path: Path) -> None:
    """Finishing the public pack fails while LibreOffice still converts the private pack's
    frontsheet: the conversion is stopped (`abort_conversions`) and the error told at once, not
    after the conversion (found by a review: up to twice LibreOffice's timeout)."""
    import packbuilder.build as build_module
    from packbuilder.convert import listener
    from packbuilder.errors import AssemblyError

    folder = _public_and_private(tmp_path)
    stopped = threading.Event()

    class Slow(FakeConverter):
        def abort(self) -> bool:
            stopped.set()
            return True

        def convert(self, documents, outdir, *, sources=None):  # type: ignore[no-untyped-def]
            pdfs = super().convert(documents, outdir, sources=sources)
            tell = listener()
            if tell is not None and len(documents) == 2:  # (the two frontsheets)
                tell(0, pdfs[0])
                if stopped.wait(20):  # the second takes LibreOffice long
                    raise ConversionError("the conversion was stopped because the build stopped")
            return pdfs

    def finish(*_args):  # type: ignore[no-untyped-def]
        raise AssemblyError("cannot finish this pack")

    started = time.monotonic()
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(build_module, "finish_pack", finish)
        with pytest.raises(AssemblyError, match="cannot finish this pack"):
            build(folder, tmp_path / "out", converter=Slow())
    assert stopped.is_set()
    assert time.monotonic() - started < 15
    assert not (tmp_path / "out").exists() or not list((tmp_path / "out").rglob("*.pdf"))


def test_word_papers_are_converted_while_the_pdf_papers_are_checked(tmp_path):
    """The Word papers the agenda names go to the converter before the PDF papers are checked
    (LibreOffice would otherwise sit idle), each once, and the build uses those conversions."""
    from packbuilder import pdf as pdf_module

    folder = make_meeting(
        tmp_path / "2020-03-05-board",
        items=[
            {"title": "Appendix", "papers": ["appendix.pdf"]},
            {"title": "Report", "papers": ["report.docx", "second.docx"]},
            {"title": "Again", "papers": ["report.docx"]},
        ],
        papers={"appendix.pdf": 2, "report.docx": 3, "second.docx": 2},
    )
    import threading

    started = threading.Event()
    converter = FakeConverter()
    real_convert, real_facts = converter.convert, pdf_module.paper_facts

    def convert(documents, outdir, *, sources=None):  # type: ignore[no-untyped-def]
        started.set()
        return real_convert(documents, outdir, sources=sources)

    def facts(path):  # type: ignore[no-untyped-def]
        assert started.wait(10), "a PDF was checked before the Word papers went to the converter"
        return real_facts(path)

    converter.convert = convert  # type: ignore[method-assign]
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(pdf_module, "paper_facts", facts)
        result = build(folder, tmp_path / "out", converter=converter)
    word = [c for c in converter.calls if any(d.suffix == ".docx" for d in c)]
    # each once, in agenda order: the copies that were checked are what LibreOffice is given
    assert [d.name for d in word[0]] == ["0000.docx", "0001.docx"]
    assert all(not d.stem.startswith(("report", "second", "000")) for c in word[1:] for d in c)
    text = " ".join(p.extract_text() for p in PdfReader(result.packs[0].path).pages)
    assert "converted 0000" in text and "converted 0001" in text


def test_a_meeting_that_fails_its_checks_does_not_wait_for_its_word_papers(tmp_path):
    """A build refused at loading reports at once: it does not wait for the Word papers handed
    to the converter early, and publishes nothing."""
    import threading

    from packbuilder.errors import PackError

    folder = make_meeting(
        tmp_path / "2020-03-05-board",
        items=[{"title": "Report", "papers": ["report.docx", "missing.pdf"]}],
        papers={"report.docx": 3},
    )
    release, events = threading.Event(), []
    converter = FakeConverter()
    real_convert = converter.convert

    def slow(documents, outdir, *, sources=None):  # type: ignore[no-untyped-def]
        release.wait(60)
        events.append("converted")
        return real_convert(documents, outdir, sources=sources)

    converter.convert = slow  # type: ignore[method-assign]
    with pytest.raises(PackError, match="missing.pdf"):
        build(folder, tmp_path / "out", converter=converter)
    events.append("build failed")
    release.set()
    assert events[0] == "build failed"
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("with_pdf", [True, False])
def test_the_converter_is_told_when_the_build_is_busy_checking_pdf_papers(tmp_path, with_pdf):
    """One LibreOffice fewer only while PDF papers not checked before are being parsed: a
    meeting of Word papers alone keeps both."""
    papers = {"report.docx": 2, **({"appendix.pdf": 2} if with_pdf else {})}
    folder = make_meeting(
        tmp_path / "2020-03-05-board",
        items=[{"title": "Report", "papers": list(papers)}],
        papers=papers,
    )
    if with_pdf:  # content of its own: the session's cache may know the factory's usual pages
        from tests.factory import write_pdf

        write_pdf(folder / "appendix.pdf", 2, label=f"unique to {tmp_path.name}")
    told: list[bool] = []
    hinted = threading.Event()

    class Recording(FakeConverter):
        def share_machine(self, busy: bool) -> None:
            told.append(busy)
            hinted.set()

    # the hint is worked out in the conversion's thread: here the checks wait for it, as the
    # checks of a real appendix outlast it
    real = pdfmod.check_readable

    def slow_checks(*args, **kwargs):  # type: ignore[no-untyped-def]
        hinted.wait(10)
        return real(*args, **kwargs)

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(pdfmod, "check_readable", slow_checks)
        build(folder, tmp_path / "out", converter=Recording())
    assert told == ([True, False] if with_pdf else [False])
    told.clear()
    build(folder, tmp_path / "out2", converter=Recording())  # the PDF is known now
    assert told == [False]


def _meeting_with_new_pdf(tmp_path: Path) -> Path:
    from tests.factory import write_pdf

    papers = {"report.docx": 2, "appendix.pdf": 2, "annex.pdf": 1}
    folder = make_meeting(
        tmp_path / "2020-03-05-board",
        items=[{"title": "Report", "papers": list(papers)}],
        papers=papers,
    )
    for name in ("appendix.pdf", "annex.pdf"):  # never checked before, in the session's cache
        write_pdf(folder / name, 2, label=f"{name} unique to {tmp_path.name}")
    return folder


@pytest.fixture
def staging(monkeypatch: pytest.MonkeyPatch) -> threading.Event:
    """Set when the conversion's thread is past the Word papers' checks (a process of its own)
    and on its last, Python, steps to the converter; the build's PDF checks are held until then,
    so that they meet those steps."""
    from packbuilder import papers as papers_module

    staged = threading.Event()
    monkeypatch.setattr(papers_module, "check_elsewhere", lambda documents: staged.set())
    real = pdfmod.paper_facts

    def facts(path: Path) -> Any:
        staged.wait(10)
        return real(path)

    monkeypatch.setattr(pdfmod, "paper_facts", facts)
    return staged


def test_pdf_checks_pause_while_the_word_papers_go_to_the_converter(
    tmp_path: Path, staging: threading.Event
) -> None:
    """The thread taking the Word papers to LibreOffice is Python work once they are checked: the
    build parses no PDF paper's pages (qpdf, holding the interpreter) until the converter says it
    has them, and then parses while the converter works."""
    from packbuilder.convert import handed_over

    folder = _meeting_with_new_pdf(tmp_path)
    events: list[str] = []

    class Slow(FakeConverter):
        calls_seen = 0

        def convert(self, documents, outdir, *, sources=None):  # type: ignore[no-untyped-def]
            Slow.calls_seen += 1
            if Slow.calls_seen == 1:  # the Word papers (later: the frontsheets)
                time.sleep(0.3)  # its way to the program
                events.append("handed over")
                handed_over()
                time.sleep(1.0)  # the program's work
                events.append("converted")
            return super().convert(documents, outdir, sources=sources)

    real = pdfmod._parse_page

    def parse(pdf: Any, page: Any, path: Path, number: int, *rest: Any) -> Any:
        if number == 1:
            events.append(f"parsing {path.name}")
        return real(pdf, page, path, number, *rest)

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(pdfmod, "_parse_page", parse)
        build(folder, tmp_path / "out", converter=Slow())
    assert events == ["handed over", "parsing appendix.pdf", "parsing annex.pdf", "converted"]


def test_a_paper_being_parsed_pauses_between_pages(tmp_path: Path) -> None:
    """The Word papers' checks end while the build is parsing a PDF paper: it pauses at the next
    page until the converter has them, not at the end of the paper."""
    from packbuilder import papers as papers_module
    from packbuilder.convert import handed_over
    from tests.factory import write_pdf

    folder = _meeting_with_new_pdf(tmp_path)
    write_pdf(folder / "appendix.pdf", 6, label=f"six pages unique to {tmp_path.name}")
    events: list[str] = []
    at_three = threading.Event()

    def checks_elsewhere(documents: Any) -> None:
        at_three.wait(10)  # the Word papers' checks end as page 3 is parsed

    class Slow(FakeConverter):
        def convert(self, documents, outdir, *, sources=None):  # type: ignore[no-untyped-def]
            if not events or "handed over" not in events:
                time.sleep(0.3)
                events.append("handed over")
                handed_over()
            return super().convert(documents, outdir, sources=sources)

    real = pdfmod._parse_page

    def parse(pdf: Any, page: Any, path: Path, number: int, *rest: Any) -> Any:
        if path.name == "appendix.pdf":
            events.append(f"page {number}")
            if number == 3:
                at_three.set()
                time.sleep(0.1)  # the thread is on its last steps by now
        return real(pdf, page, path, number, *rest)

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(papers_module, "check_elsewhere", checks_elsewhere)
        mp.setattr(pdfmod, "_parse_page", parse)
        build(folder, tmp_path / "out", converter=Slow())
    assert events.index("page 3") < events.index("handed over") < events.index("page 4")


def test_a_converter_that_never_says_holds_the_checks_once_and_briefly(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, staging: threading.Event
) -> None:
    """A converter that does not say when it has the batch (one of the caller's own) is waited
    for at most `HANDOVER_WAIT`, once a build, not once a paper or a page."""
    from packbuilder import papers as papers_module

    monkeypatch.setattr(papers_module, "HANDOVER_WAIT", 0.05)
    folder = _meeting_with_new_pdf(tmp_path)
    release = threading.Event()  # set once both PDF papers are parsed

    class Silent(FakeConverter):
        def convert(self, documents, outdir, *, sources=None):  # type: ignore[no-untyped-def]
            release.wait(30)
            return super().convert(documents, outdir, sources=sources)

    waits: list[float | None] = []
    real_wait = threading.Event.wait

    def wait(self: threading.Event, timeout: float | None = None) -> bool:
        if timeout == 0.05:
            waits.append(timeout)
        return real_wait(self, timeout)

    parsed: list[Path] = []
    real = pdfmod._examine

    def examine(path: Path, *args: Any, **kwargs: Any) -> Any:
        parsed.append(path)
        try:
            return real(path, *args, **kwargs)
        finally:
            if len(parsed) == 2:
                release.set()

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(threading.Event, "wait", wait)
        mp.setattr(pdfmod, "_examine", examine)
        build(folder, tmp_path / "out", converter=Silent())
    assert len(parsed) == 2 and waits == [0.05]


def test_pdf_checks_go_on_beside_the_word_papers_checks(tmp_path: Path) -> None:
    """While the Word papers are checked in a process of their own (the thread holds no lock
    of the interpreter), the build checks its PDF papers beside them, without waiting."""
    from packbuilder import papers as papers_module

    folder = _meeting_with_new_pdf(tmp_path)
    events: list[str] = []
    parsed = threading.Event()

    def checks_elsewhere(documents: Any) -> None:
        events.append("word checks")
        # done once the build has parsed a PDF paper (a build holding its checks would not)
        events.append("word checks done" if parsed.wait(5) else "word checks gave up")

    real = pdfmod._examine

    def examine(*args: Any, **kwargs: Any) -> Any:
        events.append("parsing")
        try:
            return real(*args, **kwargs)
        finally:
            parsed.set()

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(papers_module, "HANDOVER_WAIT", 30)
        mp.setattr(papers_module, "check_elsewhere", checks_elsewhere)
        mp.setattr(pdfmod, "_examine", examine)
        build(folder, tmp_path / "out", converter=FakeConverter())
    assert "word checks done" in events


def test_a_rebuild_whose_conversions_are_cached_does_not_hash_its_pdf_papers_for_the_hint(
    tmp_path: Path,
) -> None:
    """Whether the build is busy checking (the converter's hint) is worked out by hashing every
    PDF paper: a rebuild, whose Word papers the cache holds, converts nothing and skips it."""
    from packbuilder import papers as papers_module
    from packbuilder.convert import CachingConverter

    papers = {"report.docx": 2, "appendix.pdf": 2}
    folder = make_meeting(
        tmp_path / "2020-03-05-board",
        items=[{"title": "Report", "papers": list(papers)}],
        papers=papers,
    )
    converter = CachingConverter(FakeConverter(), tmp_path / "cache")
    looked: list[Path] = []
    real = papers_module.checked

    def looking(path: Path) -> bool:
        looked.append(path)
        return real(path)

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(papers_module, "checked", looking)
        build(folder, tmp_path / "out", converter=converter)
        assert [p.name for p in looked] == ["appendix.pdf"]  # a conversion to make: the hint
        looked.clear()
        (folder / "report.docx").touch()  # the same content
        converted = converter.stats().converted
        build(folder, tmp_path / "out2", converter=converter)
    assert looked == []
    assert converter.stats().converted == converted  # all of it from the cache


def test_a_papers_bookmark_saying_its_title_again_gives_way_to_what_it_holds():
    """A new user's: the pack's outline said a paper's title twice, one level apart (a plan's
    title, then its own title heading; the minutes, then "Safer Plymouth Partnership" over
    their items). A first bookmark saying the title (or its end, "Welcoming City charter"
    under "Appendix A - Welcoming City charter"), or the one bookmark of the first page holding
    all the others, gives way to what it holds; other outlines are kept as they are."""
    from packbuilder.assemble import _below_title
    from packbuilder.pdf import Bookmark

    items = (Bookmark("1. Welcome", 0), Bookmark("2. Budget", 1))
    assert _below_title("Minutes of the meeting", (Bookmark("Safer Plymouth", 0, items),)) == items
    plan = (Bookmark("Spending plan 2020/21", 0, (Bookmark("Priorities", 1),)),)
    assert _below_title("Spending plan 2020/21", plan) == (Bookmark("Priorities", 1),)
    charter = (Bookmark("Welcoming City charter", 0), Bookmark("Section 1", 1))
    assert _below_title("Appendix A - Welcoming City charter", charter) == charter[1:]
    kept = (Bookmark("Introduction", 0), Bookmark("Findings", 2))
    assert _below_title("Annual report", kept) == kept
    one_later = (Bookmark("Annex", 3, (Bookmark("Table 1", 3),)),)
    assert _below_title("Budget", one_later) == one_later  # (not on the first page)
    assert _below_title("Budget", (Bookmark("Budget", 0),)) == ()


@pytest.mark.parametrize("draft", [False, True])
def test_a_draft_and_a_build_of_one_meeting_take_the_same_lock(tmp_path: Path, draft: bool) -> None:
    """A build that publishes removes the meeting's draft folder: a draft being made meanwhile
    would be removed half made, or outlive the packs that replace it. So a draft takes the
    meeting's one lock (its output folder's), not one of the draft folder's own."""
    from packbuilder.errors import BuildLockedError
    from packbuilder.lock import meeting_lock

    folder = make_meeting(tmp_path / "m", items=[{"papers": ["a.pdf"]}], papers={"a.pdf": 1})
    out = tmp_path / "out"
    held, done = threading.Event(), threading.Event()

    def hold() -> None:  # (in a thread of its own: the lock is re-entrant in its thread)
        with meeting_lock(out, "m"):
            held.set()
            done.wait(30)

    holder = threading.Thread(target=hold)
    holder.start()
    try:
        assert held.wait(30)
        with pytest.raises(BuildLockedError):
            build(folder, out, converter=FakeConverter(), draft=draft)
    finally:
        done.set()
        holder.join()
