"""The Gotenberg converter against a local stand-in that speaks Gotenberg's documented API and
converts with the real LibreOffice (tests/gotenberg_standin.py)."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from pathlib import Path

import pikepdf
import pytest
from pypdf import PdfReader

pytest.importorskip("httpx", reason="the scale extra is not installed (make venv)")

from packbuilder.build import build  # noqa: E402
from packbuilder.convert import CachingConverter, on_handover, open_converter  # noqa: E402
from packbuilder.convert.gotenberg import Gotenberg  # noqa: E402
from packbuilder.errors import ConversionError, Source  # noqa: E402
from packbuilder.settings import Settings  # noqa: E402
from packbuilder.tagged import CLEANED_MARK  # noqa: E402
from tests.factory import make_meeting, write_docx  # noqa: E402
from tests.gotenberg_standin import HANG, GotenbergStandIn  # noqa: E402
from tests.packreader import Pack  # noqa: E402

pytestmark = pytest.mark.libreoffice


@pytest.fixture
def service() -> Iterator[GotenbergStandIn]:
    with GotenbergStandIn(hang_seconds=30) as s:
        yield s


def settings_for(url: str, tmp_path: Path, **changes: object) -> Settings:
    return dataclasses.replace(
        Settings.from_env({}), gotenberg_url=url, cache_dir=tmp_path / "cache", **changes
    )


def recorder() -> tuple[list[float], object]:
    pauses: list[float] = []
    return pauses, pauses.append


def test_a_document_is_converted_as_tagged_pdfua_and_repaired(service, tmp_path):
    doc = write_docx(tmp_path / "report.docx", paragraphs=2, label="Quarterly report")
    with Gotenberg(service.url, settings=settings_for(service.url, tmp_path)) as conv:
        [pdf] = conv.convert([doc], tmp_path / "out")
        assert conv.stats().converted == 1
        assert conv.version().startswith("gotenberg:8.20.1-standin|")
    assert pdf.parent == tmp_path / "out"
    text = " ".join(PdfReader(pdf).pages[0].extract_text().split())
    assert "Quarterly report paragraph 1." in text
    # the documented form: one file named with its extension, PDF/UA asked for
    [request] = service.requests
    assert request.fields == {"pdfua": "true"}
    assert request.files == ["d0000.docx"]
    with pikepdf.open(pdf) as p:
        assert "/StructTreeRoot" in p.Root  # tagged
        assert CLEANED_MARK in p.trailer.Info  # the same repair pass as a local conversion


def test_the_batch_is_said_handed_over_before_any_request(service, tmp_path):
    """A build parses its PDF papers once told (`on_handover`): Gotenberg's work is the
    service's from the start."""
    doc = write_docx(tmp_path / "report.docx", paragraphs=2, label="Quarterly report")
    told: list[int] = []
    conv = Gotenberg(service.url, settings=settings_for(service.url, tmp_path))
    with conv, on_handover(lambda: told.append(len(service.requests))):
        conv.convert([doc], tmp_path / "out")
    assert told == [0]


def test_a_busy_service_is_asked_again_with_growing_pauses(service, tmp_path):
    doc = write_docx(tmp_path / "a.docx", 1)
    service.script = [429, 503, 503]
    pauses: list[float] = []
    conv = Gotenberg(
        service.url, settings=settings_for(service.url, tmp_path), backoff=0.5, sleep=pauses.append
    )
    [pdf] = conv.convert([doc], tmp_path / "out")
    assert PdfReader(pdf).pages
    assert [r.answered for r in service.requests] == [429, 503, 503, 200]
    assert pauses == [0.5, 1.0, 2.0]


def test_a_service_that_stays_busy_is_an_error_naming_the_users_file(service, tmp_path):
    doc = write_docx(tmp_path / "a.docx", 1)
    service.script = [503] * 3
    conv = Gotenberg(
        service.url, settings=settings_for(service.url, tmp_path), retries=2, sleep=lambda s: None
    )
    source = Source(Path("inputs/m/meeting.xlsx"), "Agenda", "F4")
    with pytest.raises(ConversionError) as caught:
        conv.convert([doc], tmp_path / "out", sources=[source])
    message = str(caught.value)
    assert message.startswith("inputs/m/meeting.xlsx, sheet Agenda, cell F4: ")
    assert service.url in message and "503" in message and "3 attempts" in message
    assert "\n" not in message
    assert len(service.requests) == 3
    assert not list((tmp_path / "out").iterdir())  # nothing half written


def test_a_document_libreoffice_cannot_read_is_refused_at_once(service, tmp_path):
    good = write_docx(tmp_path / "good.docx", 1)
    bad = tmp_path / "broken.docx"
    bad.write_bytes(b"PK\x03\x04 this is no zip")
    settings = settings_for(service.url, tmp_path)
    conv = Gotenberg(service.url, settings=settings, sleep=lambda s: None)
    with pytest.raises(ConversionError) as caught:
        conv.convert([good, bad], tmp_path / "out", sources=[Source(good), Source(bad)])
    message = str(caught.value)
    assert message.startswith(f"{bad}: the conversion service at {service.url} could not convert")
    assert "400" in message
    assert sorted(r.answered for r in service.requests) == [200, 400]  # no retry of a 400


def test_a_hung_conversion_times_out_and_is_tried_again(service, tmp_path):
    doc = write_docx(tmp_path / "a.docx", 1)
    service.script = [HANG]
    # long enough for a real conversion on a loaded machine, far shorter than the hang
    settings = settings_for(service.url, tmp_path, convert_timeout=8.0)
    conv = Gotenberg(service.url, settings=settings, sleep=lambda s: None)
    [pdf] = conv.convert([doc], tmp_path / "out")
    assert PdfReader(pdf).pages
    assert len(service.requests) == 2


def test_an_unreachable_service_is_one_line_naming_the_setting(tmp_path):
    with GotenbergStandIn() as gone:
        url = gone.url  # a port that was ours and is closed again
    conv = Gotenberg(url, settings=settings_for(url, tmp_path), retries=1, sleep=lambda s: None)
    with pytest.raises(ConversionError) as caught:
        conv.version()
    message = str(caught.value)
    assert url in message and "PACKBUILDER_GOTENBERG_URL" in message and "\n" not in message


def test_the_setting_selects_gotenberg_behind_the_cache(service, tmp_path):
    doc = write_docx(tmp_path / "a.docx", 1)
    settings = Settings.from_env(
        {"PACKBUILDER_GOTENBERG_URL": service.url + "/", "PACKBUILDER_CACHE": str(tmp_path / "c")}
    )
    with open_converter(settings=settings) as conv:
        assert isinstance(conv, CachingConverter) and isinstance(conv.inner, Gotenberg)
        assert conv.inner.url == service.url
        first = conv.convert([doc], tmp_path / "out1")
        again = conv.convert([doc], tmp_path / "out2")
        assert conv.stats().converted == 1 and conv.stats().cached == 1
    assert first == again and len(service.requests) == 1  # the cache answered the second time


def test_a_whole_build_through_gotenberg(service, tmp_path):
    folder = make_meeting(
        tmp_path / "2020-03-05-board",
        items=[
            {"title": "Report", "papers": ["report.docx"]},
            {"title": "Appendix", "papers": ["appendix.pdf"]},
        ],
        papers={"report.docx": 2, "appendix.pdf": 3},
    )
    settings = settings_for(service.url, tmp_path)
    with open_converter(settings=settings) as conv:
        result = build(folder, tmp_path / "out", converter=conv)
    pack = Pack.read(result.packs[0].path)
    assert result.packs[0].path.parent == tmp_path / "out" / "public"
    assert pack.find("report paragraph 1.")  # the Word paper, converted by the service
    assert pack.find("appendix page 3")
    # the report and the frontsheet went to the service; the PDF appendix did not
    assert len(service.requests) >= 2
    assert all(r.fields == {"pdfua": "true"} for r in service.requests)


@pytest.mark.parametrize(
    "name, body",
    [
        ("note.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 1024),
        ("note.rtf", rb"{\rtf1\ansi Kept. " + b" " * 100_000 + rb"{\deleted Deleted.}}"),
    ],
)
def test_a_paper_whose_changes_the_service_would_print_is_refused(service, tmp_path, name, body):
    """Gotenberg answers only PDF, and its LibreOffice prints a .doc's or an .rtf's tracked
    deletions struck through: such a paper is not sent."""
    paper = tmp_path / name
    paper.write_bytes(body)
    conv = Gotenberg(service.url, settings=settings_for(service.url, tmp_path))
    with pytest.raises(ConversionError) as caught:
        conv.convert([paper], tmp_path / "out", sources=[Source(paper)])
    assert str(caught.value).startswith(f"{paper}: ")
    assert "save it as .docx" in str(caught.value)
    assert service.requests == []


def test_an_rtf_paper_without_changes_is_sent(service, tmp_path):
    paper = tmp_path / "note.rtf"
    paper.write_bytes(rb"{\rtf1\ansi Plain note.\par}")
    with Gotenberg(service.url, settings=settings_for(service.url, tmp_path)) as conv:
        [pdf] = conv.convert([paper], tmp_path / "out")
    assert "Plain note." in PdfReader(pdf).pages[0].extract_text()


def test_a_papers_own_name_is_printed_through_the_service_too(service, tmp_path):
    """Gotenberg's LibreOffice would print its own scratch path for a FILENAME field: a .docx
    is sent with the field written as the paper's name; an .rtf, which cannot be, is refused."""
    from tests.test_final import fields_paper

    paper = fields_paper(tmp_path / "Budget report.docx")
    with Gotenberg(service.url, settings=settings_for(service.url, tmp_path)) as conv:
        [pdf] = conv.convert([paper], tmp_path / "out", sources=[Source(paper)])
    text = "\n".join(p.extract_text() for p in PdfReader(pdf).pages)
    assert "Path: Budget report.docx" in text and "Footer: Budget report.docx" in text
    assert "/tmp" not in text and "d0000" not in text
    rtf = tmp_path / "note.rtf"
    rtf.write_bytes(rb"{\rtf1\ansi Footer: {\field{\*\fldinst FILENAME \\p}{\fldrslt x}}\par}")
    with pytest.raises(ConversionError, match="FILENAME field names its file") as caught:
        Gotenberg(service.url, settings=settings_for(service.url, tmp_path)).convert(
            [rtf], tmp_path / "out2", sources=[Source(rtf)]
        )
    assert str(caught.value).startswith(f"{rtf}: ") and "save it as .docx" in str(caught.value)
