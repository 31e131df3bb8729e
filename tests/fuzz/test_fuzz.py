"""Hypothesis fuzzing of workbook contents and bytes, appendix (PDF, Word) bytes and cell text.

Run by `make fuzz` for FUZZ_SECONDS in all (shared between the tests here), never by `make test`.
The property is always the same: packbuilder either accepts the input or raises a `PackError` whose
every line names a place, and never lets another exception (a traceback for the user) escape. Each
example also has a time limit, so that a hang counts as a failure too.
"""

from __future__ import annotations

import collections
import datetime as dt
import html
import io
import os
import re
import shutil
import signal
import tempfile
import time
import zipfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

from packbuilder import frontsheet, plan, sheets
from packbuilder.errors import ErrorList, PackError
from packbuilder.layout import lay_out
from packbuilder.meeting import _check_word, load_meeting
from packbuilder.pdf import PackWriter, Stamp, check_readable
from packbuilder.render import render
from packbuilder.templates import find_template
from tests.factory import AGENDA_HEADER, make_meeting, write_docx, write_pdf

ROOT = Path(__file__).resolve().parent.parent.parent
TESTS = 6  # how many tests below share the time
BUDGET = float(os.environ.get("FUZZ_SECONDS", "0")) / TESTS
PER_EXAMPLE = 20  # seconds before an example counts as a hang

FUZZ = settings(
    max_examples=50,
    deadline=None,
    database=None,
    print_blob=True,
    suppress_health_check=list(HealthCheck),
)


TALLY: dict[str, dict] = collections.defaultdict(
    lambda: {"accepted": 0, "refused": 0, "kinds": set()}
)


class Hang(Exception):
    pass


@contextmanager
def time_limit(seconds: int) -> Iterator[None]:
    def alarm(_signum, _frame):  # type: ignore[no-untyped-def]
        raise Hang(f"no result after {seconds} s")

    old = signal.signal(signal.SIGALRM, alarm)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, old)


def for_the_budget(run: Callable[[], None]) -> None:
    """Run a @given test again and again (fresh random examples each time) until its time is up."""
    deadline = time.monotonic() + BUDGET
    rounds = 0
    while rounds == 0 or time.monotonic() < deadline:
        run()
        rounds += 1


def assert_clear(exc: PackError) -> None:
    """Every error a user sees is one line with a place."""
    errors = exc.errors if isinstance(exc, ErrorList) else [exc]
    assert errors
    for e in errors:
        assert e.source is not None, f"no place named: {e}"
        line = str(e)
        assert "\n" not in line and "Traceback" not in line, line
        assert line.strip(), "an empty message"


def accepts_or_explains(fn: Callable[[], object], tally: str) -> None:
    """The property: `fn` returns, or raises a clear PackError. Counted for the closing summary."""
    try:
        with time_limit(PER_EXAMPLE):
            fn()
    except PackError as exc:
        assert_clear(exc)
        TALLY[tally]["refused"] += 1
        TALLY[tally]["kinds"].add(
            exc.message.split(";")[0][:60] if not isinstance(exc, ErrorList) else "several problems"
        )
    else:
        TALLY[tally]["accepted"] += 1


# --- workbook contents ----------------------------------------------------------------------------

SAFE_TEXT = st.text(st.characters(exclude_categories=("Cs", "Cc")), max_size=40)
CELL = st.one_of(
    st.none(),
    SAFE_TEXT,
    st.sampled_from(
        [
            "05/03/2020",
            "5 March 2020",
            "2pm",
            "14:00",
            "12.30 p.m.",
            "25:00",
            "31/02/2020",
            "verbal",
            "to follow",
            "TF",
            "para 3",
            "8",
            "15 mins",
            "£25,000",
            "-5",
            "#REF!",
            "=1+1",
            "=DATE(2020,3,5)",
            "{{ 7*7 }}",
            "{% for %}",
            "a.pdf",
            "  ",
            "\n\n",
            "- a\n- b",
        ]
    ),
    st.integers(min_value=-(10**12), max_value=10**12),
    st.floats(allow_nan=False, allow_infinity=False),
    st.booleans(),
    st.dates(min_value=dt.date(1900, 3, 1), max_value=dt.date(9999, 12, 31)),
    st.datetimes(min_value=dt.datetime(1900, 3, 1), max_value=dt.datetime(9999, 12, 31)),
    st.times(),
)
PAPERS = st.one_of(
    st.none(),
    st.lists(
        st.sampled_from(
            [
                "a.pdf",
                "b.docx",
                "bad.pdf",
                "missing.pdf",
                "../a.pdf",
                "/etc/passwd",
                "C:\\x.pdf",
                "sub",
                "sub/",
                "a.pdf ",
                "A.PDF",
                "link.pdf",
                "bad.doc",
                "x.txt",
                ".",
                "..",
            ]
        ),
        max_size=3,
    ).map("\n".join),
    SAFE_TEXT,
)
FIELD_NAMES = [
    "Body",
    "Date",
    "Start time",
    "Venue",
    "End time",
    "Chair",
    "Contact name",
    "Deadline rule",
    "Pack title",
    "Committee",
    "Time",
]
HEADERS = [*AGENDA_HEADER, "No.", "Subject", "Minutes", "Paper", "Exempt", "Notes"]


GOOD_FIELDS = [
    ["Field", "Value"],
    ["Body", "Test Board"],
    ["Date", dt.datetime(2020, 3, 5)],
    ["Start time", dt.time(14)],
    ["Venue", "Room 1"],
    ["Chair", "Cllr A"],
]
GOOD_AGENDA = [
    AGENDA_HEADER,
    [1, "Apologies"],
    [2, "Report", "A Officer", "To note", 15, "a.pdf\nb.docx"],
    [3, "Late report", None, None, None, "missing.pdf", "to follow", None, 1],
    [4, "Exempt", None, None, None, "a.pdf", None, 3],
    [5, "Verbal update", None, None, 10, None, "verbal"],
]


@st.composite
def meeting_workbooks(draw: st.DrawFn) -> Workbook:
    """A good meeting workbook spoilt in a few places (so that deep paths are reached), or one made
    up from scratch."""
    if draw(st.booleans()):
        fields = [list(r) for r in GOOD_FIELDS]
        agenda = [list(r) for r in GOOD_AGENDA]
    else:
        fields = [
            [name, draw(CELL)] for name in draw(st.lists(st.sampled_from(FIELD_NAMES), max_size=12))
        ]
        header = draw(st.lists(st.sampled_from(HEADERS), max_size=10))
        agenda = [header] + [[draw(CELL) for _ in header] for _ in range(draw(st.integers(0, 4)))]
    for _ in range(draw(st.integers(0, 4))):
        rows = draw(st.sampled_from([fields, agenda]))
        if not rows or not rows[0]:
            continue
        r = draw(st.integers(0, len(rows) - 1))
        action = draw(st.sampled_from(["cell", "cell", "papers", "delete row", "header"]))
        if action == "delete row":
            del rows[r]
        elif action == "header" and rows is agenda and agenda[0]:
            agenda[0][draw(st.integers(0, len(agenda[0]) - 1))] = draw(st.sampled_from(HEADERS))
        else:
            width = max(len(rows[r]), 1)
            c = draw(st.integers(0, width + 1))
            rows[r].extend([None] * (c + 1 - len(rows[r])))
            rows[r][c] = draw(PAPERS if action == "papers" else CELL)
    wb = Workbook()
    ws = wb.active
    ws.title = draw(st.sampled_from(["Meeting", "Meeting", "meeting", " Meeting ", "Meetings"]))
    for row in fields:
        ws.append(row)
    ag = wb.create_sheet(draw(st.sampled_from(["Agenda", "Agenda", "AGENDA", "Agneda"])))
    for row in agenda:
        ag.append(row)
    if ag.max_row > 1 and draw(st.integers(0, 4)) == 0:
        r = draw(st.integers(1, ag.max_row))
        c = draw(st.integers(1, ag.max_column))
        ag.merge_cells(
            start_row=r, start_column=c, end_row=min(ag.max_row, r + 1), end_column=c + 1
        )
    return wb


@pytest.fixture(scope="module")
def papers_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The papers a fuzzed workbook may name: good ones, broken ones, a folder and a link."""
    d = tmp_path_factory.mktemp("papers")
    write_pdf(d / "a.pdf", 2)
    write_docx(d / "b.docx", 1)
    (d / "bad.pdf").write_bytes(b"%PDF-1.4\nnot really\n%%EOF")
    (d / "bad.doc").write_text("plain text")
    (d / "x.txt").write_text("notes")
    (d / "sub").mkdir()
    (d / "link.pdf").symlink_to(d / "a.pdf")
    return d


def _folder_with(papers_dir: Path) -> Path:
    folder = Path(tempfile.mkdtemp(prefix="fuzz-"))
    for p in papers_dir.iterdir():
        if p.is_symlink():
            (folder / p.name).symlink_to(folder / "a.pdf")
        elif p.is_dir():
            (folder / p.name).mkdir()
        else:
            shutil.copyfile(p, folder / p.name)
    return folder


def test_workbook_contents(papers_dir: Path) -> None:
    @FUZZ
    @given(meeting_workbooks())
    def one(wb: Workbook) -> None:
        folder = _folder_with(papers_dir)
        try:
            try:
                wb.save(folder / "meeting.xlsx")
            except (ValueError, TypeError):  # openpyxl refuses a value: not a workbook anyone has
                return
            accepts_or_explains(lambda: load_meeting(folder), "workbook contents")
            from packbuilder.check import check_meeting

            with time_limit(PER_EXAMPLE):
                problems, summary = check_meeting(folder)
            assert bool(problems) != bool(summary)
        finally:
            shutil.rmtree(folder, ignore_errors=True)

    for_the_budget(one)


# --- bytes of files -------------------------------------------------------------------------------


@st.composite
def mutated(draw: st.DrawFn, seeds: list[bytes]) -> bytes:
    data = bytearray(draw(st.sampled_from(seeds)))
    for _ in range(draw(st.integers(1, 8))):
        if not data:
            break
        at = draw(st.integers(0, len(data) - 1))
        op = draw(st.sampled_from(["flip", "delete", "insert", "truncate", "duplicate", "digits"]))
        if op == "flip":
            data[at] ^= 1 << draw(st.integers(0, 7))
        elif op == "delete":
            del data[at : at + draw(st.integers(1, 64))]
        elif op == "insert":
            data[at:at] = draw(st.binary(min_size=1, max_size=32))
        elif op == "truncate":
            del data[at:]
        elif op == "duplicate":
            n = draw(st.integers(1, 256))
            data[at:at] = data[at : at + n]
        else:  # numbers steer PDF objects: lengths, offsets, counts, references
            m = re.search(rb"\d+", bytes(data[at : at + 200]))
            if m:
                start = at + m.start()
                data[start : at + m.end()] = str(
                    draw(st.sampled_from([0, 1, -1, 2**31, 10**12, draw(st.integers(0, 100000))]))
                ).encode()
    return bytes(data)


def _pdf_seeds() -> list[bytes]:
    with tempfile.TemporaryDirectory() as tmp:
        seeds = [
            write_pdf(Path(tmp) / "s.pdf", 2).read_bytes(),
            write_pdf(Path(tmp) / "r.pdf", 1, rotate=90, size=(842, 595)).read_bytes(),
        ]
    example = (
        ROOT / "inputs" / "2020-03-05-safer-plymouth" / "Appendix A - Welcoming City charter.pdf"
    )
    if example.is_file():  # a real LibreOffice PDF: fonts, streams, an xref stream
        seeds.append(example.read_bytes())
    return seeds


def test_appendix_pdf_bytes(tmp_path: Path) -> None:
    seeds = _pdf_seeds()

    @FUZZ
    @given(mutated(seeds))
    def one(data: bytes) -> None:
        path = tmp_path / "paper.pdf"
        path.write_bytes(data)

        def into_a_pack() -> None:
            pages = check_readable(path)
            w = PackWriter()
            w.add_pdf(path, [[Stamp(f"Page {i + 1}", "bottom-centre")] for i in range(pages)])
            w.finish(
                tmp_path / "pack.pdf",
                title="t",
                subject="s",
                author="a",
                bookmarks=[],
                unnumbered=0,
            )

        accepts_or_explains(into_a_pack, "PDF bytes")

    for_the_budget(one)


def test_word_bytes(tmp_path: Path) -> None:
    buf = io.BytesIO()
    from docx import Document

    doc = Document()
    doc.add_paragraph("A report")
    doc.save(buf)
    seeds = [buf.getvalue()]

    @FUZZ
    @given(mutated(seeds), st.sampled_from([".docx", ".doc", ".odt", ".rtf"]))
    def one(data: bytes, suffix: str) -> None:
        path = tmp_path / f"paper{suffix}"
        path.write_bytes(data)
        accepts_or_explains(lambda: _check_word(path), "Word bytes")

    for_the_budget(one)


def test_workbook_bytes(tmp_path: Path) -> None:
    folder = make_meeting(
        tmp_path / "m",
        items=[{"title": "Apologies"}, {"title": "Report", "papers": ["r.pdf"]}],
        papers={"r.pdf": 1},
    )
    seeds = [(folder / "meeting.xlsx").read_bytes()]
    # a workbook stored without compression exposes its XML to the mutations
    with zipfile.ZipFile(io.BytesIO(seeds[0])) as src:
        plain = io.BytesIO()
        with zipfile.ZipFile(plain, "w", zipfile.ZIP_STORED) as dst:
            for info in src.infolist():
                dst.writestr(info.filename, src.read(info.filename))
    seeds.append(plain.getvalue())

    @FUZZ
    @given(mutated(seeds))
    def one(data: bytes) -> None:
        (folder / "meeting.xlsx").write_bytes(data)

        def read_all() -> None:
            wb = sheets.Workbook(folder / "meeting.xlsx")
            for name in wb.sheet_names:
                list(wb.rows(name))
            load_meeting(folder)

        accepts_or_explains(read_all, "workbook bytes")

    for_the_budget(one)


def test_workbook_that_is_a_zip_of_anything(tmp_path: Path) -> None:
    """A zip whose members are named like a workbook's but hold anything at all."""
    names = [
        "[Content_Types].xml",
        "xl/workbook.xml",
        "xl/_rels/workbook.xml.rels",
        "xl/worksheets/sheet1.xml",
        "xl/sharedStrings.xml",
        "xl/styles.xml",
        "_rels/.rels",
    ]

    @FUZZ
    @given(
        st.dictionaries(
            st.sampled_from(names),
            st.binary(max_size=300)
            | st.sampled_from([b"<x/>", b"<?xml version='1.0'?><workbook/>", b"", b"<" * 100]),
            max_size=len(names),
        )
    )
    def one(members: dict[str, bytes]) -> None:
        path = tmp_path / "meeting.xlsx"
        with zipfile.ZipFile(path, "w") as zf:
            for name, data in members.items():
                zf.writestr(name, data)
        accepts_or_explains(lambda: sheets.Workbook(path), "zip members")

    for_the_budget(one)


# --- cell text through a template -----------------------------------------------------------------


def test_cell_text_renders_literally(tmp_path: Path) -> None:
    """Whatever text is typed in a cell appears in the rendered frontsheet as it is, never run."""
    template = find_template("agenda")
    assert template is not None

    @FUZZ
    @given(
        SAFE_TEXT.filter(lambda s: s.strip() and "\n" not in s),
        SAFE_TEXT.filter(lambda s: s.strip()),
    )
    def one(title: str, venue: str) -> None:
        folder = make_meeting(tmp_path / "m", items=[{"title": title}], fields={"Venue": venue})
        try:
            meeting = load_meeting(folder)
        except PackError as exc:
            assert_clear(exc)
            TALLY["cell text"]["refused"] += 1
            return
        TALLY["cell text"]["accepted"] += 1
        spec = plan.plan_packs(meeting)[0]
        layout = lay_out([(i.number, []) for i in spec.included])
        out = tmp_path / "agenda.docx"
        with time_limit(PER_EXAMPLE):
            render(template, frontsheet.context(meeting, spec, layout, dt.date(2020, 3, 1)), out)
        with zipfile.ZipFile(out) as zf:
            xml = zf.read("word/document.xml").decode()
        text = html.unescape("".join(re.findall(r"<w:t(?: [^>]*)?>([^<]*)</w:t>", xml)))
        assert title.strip() in text

    for_the_budget(one)
