"""The warm converter, with the real LibreOffice: same output as the cold path, restarts, hangs,
crashes, and no LibreOffice left behind a killed caller.

Hangs and crashes are made by stopping (SIGSTOP) or killing (SIGKILL) the real ``soffice.bin``
in the middle of a conversion: LibreOffice then behaves as it does on a document that hangs it
or crashes it, without a document that does so on every version.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import signal
import subprocess
import sys
import time
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader

from packbuilder.build import build
from packbuilder.convert import (
    CachingConverter,
    LibreOffice,
    WarmLibreOffice,
    on_handover,
    on_ready,
    open_converter,
)
from packbuilder.convert import warm as warm_module
from packbuilder.errors import ConversionError, Source
from packbuilder.settings import Settings
from tests.factory import make_meeting, write_docx
from tests.procs import environ_of, gone, group_alive, members, soffice_bins

pytestmark = pytest.mark.libreoffice


def _pages(pdf: Path) -> list[str]:
    return [re.sub(r"\s+", " ", p.extract_text()).strip() for p in PdfReader(pdf).pages]


@pytest.fixture
def warm(tmp_path: Path) -> Iterator[WarmLibreOffice]:
    w = WarmLibreOffice(settings=Settings(cache_dir=tmp_path / "cache"), timeout=20)
    yield w
    w.close()


@pytest.fixture
def papers(tmp_path: Path) -> list[Path]:
    (tmp_path / "in").mkdir()
    return [
        write_docx(tmp_path / "in" / "Rapport d'activité – été.docx", 2, label="Rapport ete"),
        write_docx(tmp_path / "in" / "Plan.docx", 40, label="Commissioning plan"),
        write_docx(tmp_path / "in" / "Minutes.docx", 3, label="Minutes of the board"),
    ]


def test_the_warm_converter_gives_the_cold_paths_pages_and_text(
    warm: WarmLibreOffice, libreoffice: LibreOffice, papers: list[Path], tmp_path: Path
) -> None:
    import tempfile

    left = set(Path(tempfile.gettempdir()).glob("*warm-up-*"))
    cold = libreoffice.convert(papers, tmp_path / "cold")
    hot = warm.convert(papers, tmp_path / "warm")
    # the helper's warm-up document is made in the scratch folder it is given, not in /tmp
    assert set(Path(tempfile.gettempdir()).glob("*warm-up-*")) == left
    assert [p.parent for p in hot] == [tmp_path / "warm"] * 3
    for c, h in zip(cold, hot, strict=True):
        assert _pages(h) == _pages(c)
    assert len(_pages(hot[1])) > 1, "the 40-paragraph paper should run over a page"
    assert _pages(hot[0])[0].startswith("Rapport ete")
    assert warm.version() == libreoffice.version()  # one cache serves both


def _reviewed_docx(path: Path, comment: bool = True) -> Path:
    """A report with a tracked insertion, a tracked deletion and (unless not `comment`) a
    reviewer's comment."""
    import zipfile

    write_docx(path, 1, label="VISIBLE report")
    w = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
    by = 'w:author="Officer" w:date="2020-01-01T00:00:00Z"'
    changes = (
        f'<w:p><w:ins w:id="1" {by}><w:r><w:t>INSERTED sentence</w:t></w:r></w:ins></w:p>'
        f'<w:p><w:del w:id="2" {by}><w:r><w:delText>DELETED bidder prices</w:delText></w:r>'
        "</w:del></w:p>"
    )
    if comment:
        changes += (
            '<w:p><w:commentRangeStart w:id="0"/><w:r><w:t>commented</w:t></w:r>'
            '<w:commentRangeEnd w:id="0"/><w:r><w:commentReference w:id="0"/></w:r></w:p>'
        )
    comments = (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:comments {w}>'
        f'<w:comment w:id="0" {by}><w:p><w:r><w:t>COMMENT keep this out</w:t></w:r></w:p>'
        "</w:comment></w:comments>"
    )
    tmp = path.with_suffix(".tmp")
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(tmp, "w") as dst:
        for info in src.infolist():
            data = src.read(info)
            if info.filename == "word/document.xml":
                data = data.replace(b"<w:sectPr", changes.encode() + b"<w:sectPr", 1)
            elif info.filename == "word/_rels/document.xml.rels" and comment:
                data = data.replace(
                    b"</Relationships>",
                    b'<Relationship Id="rIdC1" Type="http://schemas.openxmlformats.org/'
                    b'officeDocument/2006/relationships/comments" Target="comments.xml"/>'
                    b"</Relationships>",
                )
            elif info.filename == "[Content_Types].xml" and comment:
                data = data.replace(
                    b"</Types>",
                    b'<Override PartName="/word/comments.xml" ContentType="application/vnd.'
                    b'openxmlformats-officedocument.wordprocessingml.comments+xml"/></Types>',
                )
            dst.writestr(info, data)
        if comment:
            dst.writestr("word/comments.xml", comments)
    tmp.replace(path)
    return path


def test_both_converters_export_tagged_pdf_as_the_author_sees_the_paper(
    warm: WarmLibreOffice, libreoffice: LibreOffice, tmp_path: Path
) -> None:
    # the warm converter once exported untagged PDFs (no PDF/UA options) into the shared cache;
    # LibreOffice prints tracked deletions struck through and comments as notes on the page
    import pikepdf

    from packbuilder.convert.final import has_tracked_changes
    from packbuilder.tagged import CLEANED_MARK

    paper = _reviewed_docx(tmp_path / "report.docx")
    assert has_tracked_changes(paper)
    before = paper.read_bytes()
    for pdf in (
        *libreoffice.convert([paper], tmp_path / "cold"),
        *warm.convert([paper], tmp_path / "warm"),
    ):
        text = " ".join(_pages(pdf))
        assert "VISIBLE report" in text and "INSERTED sentence" in text
        assert "DELETED" not in text and "COMMENT" not in text, pdf
        with pikepdf.open(pdf) as doc:
            assert "/StructTreeRoot" in doc.Root and doc.Root.MarkInfo.Marked, pdf
            assert not [a for page in doc.pages for a in page.get("/Annots", [])], pdf
            # the warm converter once cached LibreOffice's output unrepaired, under the key that
            # says the PDF is repaired: the cold path then took it from the cache as it was
            assert CLEANED_MARK in doc.trailer.Info, pdf
    assert paper.read_bytes() == before  # the paper itself is never changed


def test_an_opendocument_paper_is_converted_with_its_changes_accepted(
    warm: WarmLibreOffice, libreoffice: LibreOffice, tmp_path: Path
) -> None:
    """By both converters; its reviewer's comment is not shown (the warm converter's
    LibreOffice crashed opening an .odt with one, until the converter's copy lost it)."""
    import subprocess

    from packbuilder.convert.final import has_tracked_changes

    docx = _reviewed_docx(tmp_path / "report.docx")
    subprocess.run(
        [
            "soffice",
            f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}",
            "--headless",
            "--convert-to",
            "odt",
            "--outdir",
            str(tmp_path / "odt"),
            str(docx),
        ],
        check=True,
        capture_output=True,
        timeout=120,
    )
    paper = tmp_path / "odt" / "report.odt"
    assert has_tracked_changes(paper)
    with zipfile.ZipFile(paper) as odt:
        assert b"<office:annotation" in odt.read("content.xml")
    for pdf in (
        libreoffice.convert([paper], tmp_path / "pdf")[0],
        warm.convert([paper], tmp_path / "warm")[0],
    ):
        text = " ".join(_pages(pdf))
        assert "INSERTED sentence" in text and "DELETED" not in text and "COMMENT" not in text


def _saved_as(docx: Path, suffix: str, tmp_path: Path) -> Path:
    """`docx` saved by LibreOffice in another Word format (its tracked changes kept)."""
    subprocess.run(
        [
            "soffice",
            f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}",
            "--headless",
            "--convert-to",
            suffix,
            "--outdir",
            str(tmp_path / suffix),
            str(docx),
        ],
        check=True,
        capture_output=True,
        timeout=120,
    )
    return tmp_path / suffix / f"{docx.stem}.{suffix}"


@pytest.mark.parametrize("suffix", ["doc", "rtf"])
def test_a_doc_or_rtf_paper_is_converted_with_its_changes_accepted(
    warm: WarmLibreOffice, libreoffice: LibreOffice, tmp_path: Path, suffix: str
) -> None:
    """A .doc's tracked deletion was published (LibreOffice prints it struck through, and has no
    setting a converter can give a .doc or .rtf to hide it): both converters hide it now. With a
    reviewer's comment, which the warm converter's LibreOffice crashed opening through UNO: such
    a paper is saved as an .odt by a LibreOffice of its own, the comment taken out of that."""
    reviewed = _reviewed_docx(tmp_path / "report.docx")
    paper = _saved_as(reviewed, suffix, tmp_path)
    assert b"DELETED" in paper.read_bytes() or suffix == "doc"  # (a .doc keeps it as UTF-16)
    before = paper.read_bytes()
    for pdf in (
        *libreoffice.convert([paper], tmp_path / "cold"),
        *warm.convert([paper], tmp_path / "warm"),
    ):
        text = " ".join(_pages(pdf))
        assert "VISIBLE report" in text and "INSERTED sentence" in text, pdf
        assert "DELETED" not in text and "COMMENT" not in text, pdf
    assert paper.read_bytes() == before


def test_a_word_paper_without_settings_is_converted_with_its_changes_accepted(
    libreoffice: LibreOffice, tmp_path: Path
) -> None:
    import re
    import zipfile

    reviewed = _reviewed_docx(tmp_path / "reviewed.docx")
    paper = tmp_path / "report.docx"
    with zipfile.ZipFile(reviewed) as src, zipfile.ZipFile(paper, "w") as dst:
        for info in src.infolist():
            if info.filename == "word/settings.xml":
                continue
            data = src.read(info)
            if info.filename == "word/_rels/document.xml.rels":
                data = re.sub(rb"<Relationship [^>]*settings.xml\"/>", b"", data)
            dst.writestr(info, data)
    text = " ".join(_pages(libreoffice.convert([paper], tmp_path / "pdf")[0]))
    assert "INSERTED sentence" in text and "DELETED" not in text


def test_it_stays_running_between_conversions(
    warm: WarmLibreOffice, papers: list[Path], tmp_path: Path
) -> None:
    warm.convert(papers[:1], tmp_path / "a")
    pid = warm.pid()
    (pdf,) = warm.convert(papers[2:], tmp_path / "b")
    assert warm.pid() == pid and warm.starts == 1
    assert _pages(pdf)[0].startswith("Minutes of the board")
    assert warm.stats().converted == 2



def test_it_says_the_batch_is_handed_over_once_every_document_is_staged(
    warm: WarmLibreOffice, papers: list[Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A build parses its PDF papers once told (`on_handover`): every copy and rewrite of the
    batch (Python work) is done before, only LibreOffice's conversions after."""
    events: list[str] = []
    real_final, real_one = warm_module.show_final, WarmLibreOffice._convert_one

    def final(path: Path, name: str | None = None) -> None:
        events.append("staged")
        real_final(path, name)

    def one(self: WarmLibreOffice, *args: Any) -> None:
        events.append("converted")
        real_one(self, *args)

    monkeypatch.setattr(warm_module, "show_final", final)
    monkeypatch.setattr(WarmLibreOffice, "_convert_one", one)
    with on_handover(lambda: events.append("handed over")):
        warm.convert(papers, tmp_path / "out")
    assert events == ["staged"] * 3 + ["handed over"] + ["converted"] * 3


def test_it_tells_of_each_pdf_repaired_before_converting_the_next(
    warm: WarmLibreOffice, papers: list[Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A caller listening (`on_ready`) gets each document's PDF, repaired, before LibreOffice
    converts the next one: the very file the batch returns; the last one with the batch."""
    events: list[str] = []
    real_one = WarmLibreOffice._convert_one

    def one(self: WarmLibreOffice, *args: Any) -> None:
        events.append("converting")
        real_one(self, *args)

    def tell(index: int, pdf: Path) -> None:
        info = PdfReader(pdf).trailer["/Info"]
        events.append(f"told {index} {bool(info.get('/PackbuilderTagsCleaned'))}")
        told[index] = pdf

    told: dict[int, Path] = {}
    monkeypatch.setattr(WarmLibreOffice, "_convert_one", one)
    with on_ready(tell):
        pdfs = warm.convert(papers, tmp_path / "out")
    assert events == ["converting", "told 0 True", "converting", "told 1 True", "converting"]
    assert told == {0: pdfs[0], 1: pdfs[1]}
    assert _pages(pdfs[0])[0].startswith("Rapport ete")
    assert PdfReader(pdfs[2]).trailer["/Info"].get("/PackbuilderTagsCleaned")


def test_its_libreoffice_runs_no_program_from_the_callers_path(
    path_spies: Path, papers: list[Path], tmp_path: Path
) -> None:
    """As the cold path's (test_convert): no gpgconf, gpg or gpgsm forked from the office."""
    w = WarmLibreOffice(settings=Settings(cache_dir=tmp_path / "cache"), timeout=20)
    try:
        (pdf,) = w.convert(papers[2:], tmp_path / "out")
    finally:
        w.close()
    assert _pages(pdf)[0].startswith("Minutes of the board")
    assert not path_spies.exists(), f"LibreOffice ran: {path_spies.read_text()}"


def test_only_libreoffice_gets_its_own_path_the_helper_keeps_ours(
    path_spies: Path, papers: list[Path], tmp_path: Path
) -> None:
    """LibreOffice's own Python (the helper, where a package has one) may be a script that needs
    the usual PATH: the short PATH is LibreOffice's alone."""
    w = WarmLibreOffice(settings=Settings(cache_dir=tmp_path / "cache"), timeout=20)
    try:
        w.convert(papers[2:], tmp_path / "out")
        pgid = w.pid()
        assert pgid is not None
        helper = environ_of(pgid)
        office = environ_of(soffice_bins(pgid)[0])
    finally:
        w.close()
    assert helper["PATH"] == os.environ["PATH"]
    assert office["PATH"] == os.path.dirname(os.path.realpath(shutil.which("soffice") or ""))



def test_it_restarts_after_n_conversions(papers: list[Path], tmp_path: Path) -> None:
    with WarmLibreOffice(settings=Settings(cache_dir=tmp_path / "cache"), max_conversions=2) as w:
        pdfs = w.convert([papers[0], papers[2], papers[0]], tmp_path / "out")
        # recycled after the 2nd document: the 3rd ran on a new LibreOffice, which is kept
        assert w.starts == 2
        assert [_pages(p)[0].split(" ")[0] for p in pdfs] == ["Rapport", "Minutes", "Rapport"]


def test_it_restarts_when_its_memory_grows(papers: list[Path], tmp_path: Path) -> None:
    with WarmLibreOffice(settings=Settings(cache_dir=tmp_path / "cache"), max_memory_mb=1) as w:
        w.start()
        first = w.pid()
        w.convert(papers[:1], tmp_path / "a")
        assert w.starts == 2 and w.pid() != first  # LibreOffice holds far more than 1 MB
        (pdf,) = w.convert(papers[2:], tmp_path / "b")
        assert _pages(pdf)[0].startswith("Minutes of the board")
    assert first is not None and gone(first)


def _sabotage(
    monkeypatch: pytest.MonkeyPatch, sig: int, times: int, index: int | None = None
) -> list[int]:
    """Send `sig` to soffice.bin as each of the next `times` documents (or only the `index`th
    of the batch) is handed over; the process groups hit."""
    hit: list[int] = []
    original = warm_module._Server.convert

    def convert(self, staged, output, seconds):  # type: ignore[no-untyped-def]
        if len(hit) < times and (index is None or staged.stem == f"d{index:04d}"):
            for pid in soffice_bins(self.proc.pid):
                os.kill(pid, sig)
            hit.append(self.proc.pid)
        return original(self, staged, output, seconds)

    monkeypatch.setattr(warm_module._Server, "convert", convert)
    return hit


def test_a_hung_libreoffice_is_killed_and_the_document_retried_once(
    papers: list[Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with WarmLibreOffice(settings=Settings(cache_dir=tmp_path / "cache"), timeout=3) as w:
        w.start()
        w._ready_server()
        hung = _sabotage(monkeypatch, signal.SIGSTOP, times=1)
        (pdf,) = w.convert(papers[2:], tmp_path / "out")
        assert _pages(pdf)[0].startswith("Minutes of the board")
        assert w.starts == 2
        assert gone(hung[0]), "the hung LibreOffice was left running"


def test_a_document_that_hangs_twice_is_named(
    papers: list[Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = Source(Path("inputs/meeting/Minutes.docx"))
    with WarmLibreOffice(settings=Settings(cache_dir=tmp_path / "cache"), timeout=3) as w:
        hung = _sabotage(monkeypatch, signal.SIGSTOP, times=2, index=1)
        w.start()
        w._ready_server()
        started = time.monotonic()
        with pytest.raises(ConversionError) as err:
            w.convert([papers[0], papers[2]], tmp_path / "out", sources=[Source(papers[0]), source])
        assert time.monotonic() - started < 30
    assert "Minutes.docx" in str(err.value) and "hung" in str(err.value)
    assert "d0001" not in str(err.value)  # the source, not the scratch copy
    assert len(hung) == 2 and all(gone(g) for g in hung)
    assert not (tmp_path / "out").exists() or list((tmp_path / "out").iterdir()) == []


def test_a_crash_is_recovered_and_a_document_that_always_crashes_is_named(
    papers: list[Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with WarmLibreOffice(settings=Settings(cache_dir=tmp_path / "cache"), timeout=20) as w:
        w.start()
        w._ready_server()
        _sabotage(monkeypatch, signal.SIGKILL, times=1)
        (pdf,) = w.convert(papers[:1], tmp_path / "a")
        assert _pages(pdf)[0].startswith("Rapport ete") and w.starts == 2

        _sabotage(monkeypatch, signal.SIGKILL, times=2)
        with pytest.raises(ConversionError) as err:
            w.convert(papers[2:], tmp_path / "b", sources=[Source(Path("meeting.xlsx"), "Minutes")])
        assert "meeting.xlsx" in str(err.value) and "crashed" in str(err.value)
        # and it is still usable afterwards
        monkeypatch.undo()
        (pdf,) = w.convert(papers[2:], tmp_path / "c")
        assert _pages(pdf)[0].startswith("Minutes of the board")


def test_a_missing_uno_bridge_is_one_clear_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(warm_module, "uno_python", lambda soffice: None)
    with pytest.raises(ConversionError, match="python3-uno"):
        WarmLibreOffice(settings=Settings(cache_dir=tmp_path / "cache"))


def test_a_killed_caller_leaves_no_libreoffice_behind(tmp_path: Path, papers: list[Path]) -> None:
    """SIGKILL of a long-running caller holding a warm LibreOffice: all of it dies in seconds."""
    code = (
        "import sys, time\nfrom pathlib import Path\nfrom packbuilder.convert import "
        "WarmLibreOffice\nfrom packbuilder.settings import Settings\n"
        f"w = WarmLibreOffice(settings=Settings(cache_dir=Path({str(tmp_path / 'cache')!r})))\n"
        f"w.convert([Path({str(papers[2])!r})], Path({str(tmp_path / 'out')!r}))\n"
        "print(w.pid(), flush=True)\ntime.sleep(120)\n"
    )
    caller = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
    try:
        assert caller.stdout is not None
        pgid = int(caller.stdout.readline())
        assert soffice_bins(pgid), "no LibreOffice running for the caller"
    finally:
        caller.send_signal(signal.SIGKILL)
        caller.wait()
        if caller.stdout is not None:
            caller.stdout.close()
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline and group_alive(pgid):
        time.sleep(0.1)
    survivors = members(pgid)
    with contextlib.suppress(ProcessLookupError):
        os.killpg(pgid, signal.SIGKILL)  # clean up after a failure, then fail
    assert survivors == [], "LibreOffice outlived the caller that started it"


def test_open_converter_warm_serves_builds_without_restarting(tmp_path: Path) -> None:
    folder = make_meeting(
        tmp_path / "2020-03-05-board",
        items=[{"title": "Report", "papers": ["report.docx"]}],
        papers={"report.docx": 4},
    )
    settings = Settings(cache_dir=tmp_path / "cache")
    with open_converter(warm=True, prestart=True, settings=settings) as conv:
        assert isinstance(conv, CachingConverter) and isinstance(conv.inner, WarmLibreOffice)
        first = build(folder, tmp_path / "out1", converter=conv)
        second = build(folder, tmp_path / "out2", converter=conv)  # left open by build()
        assert conv.inner.starts == 1
        pgid = conv.inner.pid()
    assert pgid is not None and gone(pgid)
    for result in (first, second):
        pack = result.packs[0].path
        assert "Report" in " ".join(_pages(pack))


def test_settings_read_the_warm_limits() -> None:
    s = Settings.from_env(
        {"PACKBUILDER_WARM_MAX_CONVERSIONS": "50", "PACKBUILDER_WARM_MAX_MEMORY_MB": "x"}
    )
    assert (s.warm_max_conversions, s.warm_max_memory_mb) == (50, 800)
