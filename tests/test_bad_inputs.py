"""Every bad input of the corpus in tests/bad_inputs/, run through the command line as a user would.

Each bad build must exit 1 with one line on stderr naming the place (file, sheet and cell, or the
paper's file) and no traceback, print nothing on stdout, and leave the pack already in the output
folder byte for byte as it was. Some "odd" inputs are not errors at all (an owner-password-only PDF,
A3 and rotated pages, a tag split by Word's formatting, template syntax typed into a cell): those
must build, and the pack is read back to show they came out right.
"""

from __future__ import annotations

import re
import shutil
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import docx
import pytest
from pypdf import PdfReader

from packbuilder.settings import settings
from tests.factory import CliResult, make_meeting, run_cli, write_pdf

CORPUS = Path(__file__).resolve().parent / "bad_inputs"
ROOT = Path(__file__).resolve().parent.parent
NAME = "meeting"  # every meeting folder has this name, so every build writes the same pack file
PACK = f"{NAME}-agenda-pack.pdf"
BASE_ITEMS = [{"title": "Apologies"}, {"title": "Performance report", "papers": ["report.pdf"]}]

pytestmark = pytest.mark.libreoffice


def base_meeting(folder: Path, extra_items: list[dict] | None = None) -> Path:
    return make_meeting(folder, items=BASE_ITEMS + (extra_items or []), papers={"report.pdf": 2})


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file under `folder` (hidden ones too) and its bytes."""
    return {
        str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()
    }


@pytest.fixture(scope="module")
def good_pack(tmp_path_factory: pytest.TempPathFactory, libreoffice) -> Path:  # noqa: ARG001
    """An output folder holding a good pack of the base meeting, built once by the real CLI."""
    work = tmp_path_factory.mktemp("good")
    base_meeting(work / NAME)
    result = run_cli("build", NAME, "--output", "out", cwd=work)
    assert result.returncode == 0, result.stderr
    assert len(PdfReader(work / "out" / "public" / PACK).pages) > 2
    return work / "out"


@dataclass(frozen=True)
class Case:
    file: str  # in tests/bad_inputs/
    where: str  # "workbook" (meeting.xlsx), "paper" (item 3's paper), "template" (agenda.docx)
    place: str  # the place the error line must name, after "error: "
    says: str  # words the message must contain (what is wrong)

    @property
    def id(self) -> str:
        return self.file.rsplit(".", 1)[0]


WB = f"{NAME}/meeting.xlsx"
CASES = [
    # workbooks
    Case("wb-renamed-agenda-sheet.xlsx", "workbook", WB, "no sheet named 'Agenda'"),
    Case("wb-missing-meeting-sheet.xlsx", "workbook", WB, "no sheet named 'Meeting'"),
    Case(
        "wb-renamed-papers-column.xlsx",
        "workbook",
        f"{WB}, sheet Agenda, cell A1",
        "no column 'Papers'",
    ),
    Case(
        "wb-line-break-in-heading.xlsx",
        "workbook",
        f"{WB}, sheet Agenda, cell A1",
        "Papers (file names), Status",
    ),
    Case("wb-missing-date-row.xlsx", "workbook", f"{WB}, sheet Meeting", "no row for 'Date'"),
    Case("wb-empty-agenda.xlsx", "workbook", f"{WB}, sheet Agenda", "the agenda has no items"),
    Case(
        "wb-repeated-item-number.xlsx",
        "workbook",
        f"{WB}, sheet Agenda, cell A4",
        "item number 2 is used twice (first at A3)",
    ),
    Case("wb-date-not-a-date.xlsx", "workbook", f"{WB}, sheet Meeting, cell B3", "'next Thursday'"),
    Case("wb-date-impossible.xlsx", "workbook", f"{WB}, sheet Meeting, cell B3", "'31/02/2020'"),
    Case("wb-time-not-a-time.xlsx", "workbook", f"{WB}, sheet Meeting, cell B4", "'after lunch'"),
    Case("wb-time-impossible.xlsx", "workbook", f"{WB}, sheet Meeting, cell B4", "'25:00'"),
    Case(
        "wb-minutes-not-a-number.xlsx",
        "workbook",
        f"{WB}, sheet Agenda, cell E3",
        "'a quarter of an hour'",
    ),
    Case("wb-merged-cells.xlsx", "workbook", f"{WB}, sheet Agenda, cell C3", "C2:C3 are merged"),
    Case(
        "wb-formula-without-value.xlsx",
        "workbook",
        f"{WB}, sheet Meeting, cell B3",
        "=DATE(2020,3,5) has no saved value",
    ),
    Case("wb-password-protected.xlsx", "workbook", WB, "password-protected"),
    Case("wb-csv-renamed.xlsx", "workbook", WB, "perhaps a CSV"),
    Case("wb-not-a-zip.xlsx", "workbook", WB, "not an Excel workbook"),
    Case("wb-truncated.xlsx", "workbook", WB, "damaged or incomplete"),
    Case("wb-zip-not-a-workbook.xlsx", "workbook", WB, "zip file but not an Excel workbook"),
    Case("wb-xml-entity-bomb.xlsx", "workbook", WB, "damaged"),
    # bounded resources (issue 12): refused in seconds, see also tests/test_safety.py
    Case("wb-merged-whole-sheet.xlsx", "workbook", WB, "C20:XFD1048576"),
    Case("wb-zip-bomb-sheet-xml.xlsx", "workbook", WB, "zip bomb"),
    Case("wb-too-many-cells.xlsx", "workbook", WB, "more than 100,000 filled cells"),
    # papers
    Case(
        "pdf-truncated.pdf", "paper", f"{NAME}/pdf-truncated.pdf, page 2", "ask for the file again"
    ),
    Case("pdf-corrupt.pdf", "paper", f"{NAME}/pdf-corrupt.pdf", "damaged"),
    Case("pdf-not-a-pdf.pdf", "paper", f"{NAME}/pdf-not-a-pdf.pdf", "not a PDF but a web page"),
    Case(
        "pdf-really-a-docx.pdf",
        "paper",
        f"{NAME}/pdf-really-a-docx.pdf",
        "not a PDF but a Word or Excel file (.docx, .xlsx) named .pdf",
    ),
    Case("pdf-empty.pdf", "paper", f"{NAME}/pdf-empty.pdf", "this file is empty (0 bytes)"),
    Case("docx-empty.docx", "paper", f"{NAME}/docx-empty.docx", "this file is empty (0 bytes)"),
    Case(
        "pdf-encrypted-open-password.pdf",
        "paper",
        f"{NAME}/pdf-encrypted-open-password.pdf",
        "needs a password",
    ),
    Case("pdf-zero-pages.pdf", "paper", f"{NAME}/pdf-zero-pages.pdf", "has no pages"),
    Case("pdf-damaged-page.pdf", "paper", f"{NAME}/pdf-damaged-page.pdf, page 2", "damaged"),
    # a page whose drawing instructions are corrupt would come out blank (issue 12)
    *(
        Case(
            f"pdf-page-{n}-{what}.pdf",
            "paper",
            f"{NAME}/pdf-page-{n}-{what}.pdf, page {n}",
            f"page {n} cannot be read",
        )
        for n, what in (
            (3, "bad-compression"),
            (2, "truncated-content"),
            (2, "bad-form"),
            (2, "missing-content"),
        )
    ),
    Case("docx-not-a-zip.docx", "paper", f"{NAME}/docx-not-a-zip.docx", "damaged"),
    Case(
        "docx-zip-not-word.docx", "paper", f"{NAME}/docx-zip-not-word.docx", "not a Word document"
    ),
    Case("docx-encrypted.docx", "paper", f"{NAME}/docx-encrypted.docx", "password-protected"),
    Case("docx-zip-bomb.docx", "paper", f"{NAME}/docx-zip-bomb.docx", "more than 500 MB"),
    Case("pdf-page-flate-bomb.pdf", "paper", f"{NAME}/pdf-page-flate-bomb.pdf, page 2", "200 MB"),
    Case("docx-zip-bomb-xml.docx", "paper", f"{NAME}/docx-zip-bomb-xml.docx", "zip bomb"),
    Case(
        "docx-zip-bomb-lying-size.docx", "paper", f"{NAME}/docx-zip-bomb-lying-size.docx", "damaged"
    ),
    # references to files outside the meeting folder (issue 12)
    Case(
        "docx-linked-image.docx",
        "paper",
        f"{NAME}/docx-linked-image.docx",
        "links to an image outside the meeting folder (file:///etc/packbuilder-outside/secret.png)"
        "; remove the link: embed the image instead",
    ),
    Case(
        "docx-includepicture-field.docx",
        "paper",
        f"{NAME}/docx-includepicture-field.docx",
        'INCLUDEPICTURE that reads another file ("file:///etc/packbuilder-outside/logo.png"',
    ),
    Case(
        "docx-includetext-simple-field.docx",
        "paper",
        f"{NAME}/docx-includetext-simple-field.docx",
        'INCLUDETEXT that reads another file ("/etc/passwd")',
    ),
    Case("docx-ddeauto-field.docx", "paper", f"{NAME}/docx-ddeauto-field.docx", "DDEAUTO"),
    Case(
        "docx-linked-object.docx",
        "paper",
        f"{NAME}/docx-linked-object.docx",
        "links to an object in another file (file:///C:/Finance/budget.xlsx)",
    ),
    Case(
        "docx-attached-template.docx",
        "paper",
        f"{NAME}/docx-attached-template.docx",
        "attached to a template outside the meeting folder",
    ),
    Case(
        "docx-subdocument.docx",
        "paper",
        f"{NAME}/docx-subdocument.docx",
        "subdocument from another file (../confidential/part2.docx)",
    ),
    Case(
        "docx-external-font.docx",
        "paper",
        f"{NAME}/docx-external-font.docx",
        "loads a font from another file",
    ),
    Case(
        "odt-linked-image.odt",
        "paper",
        f"{NAME}/odt-linked-image.odt",
        "links to an image outside the meeting folder (file:///etc/packbuilder-outside/secret.png)",
    ),
    Case(
        "docx-vml-linked-picture.docx",
        "paper",
        f"{NAME}/docx-vml-linked-picture.docx",
        "refers to a file outside the meeting folder (file:///etc/packbuilder-outside/vml.png)",
    ),
    Case(
        "odt-linked-section.odt",
        "paper",
        f"{NAME}/odt-linked-section.odt",
        "refers to a file outside the meeting folder (other-report.odt)",
    ),
    Case(
        "doc-includetext-field.doc",
        "paper",
        f"{NAME}/doc-includetext-field.doc",
        'INCLUDETEXT that reads another file ("/etc/passwd")',
    ),
    Case(
        "rtf-includepicture-field.rtf",
        "paper",
        f"{NAME}/rtf-includepicture-field.rtf",
        'INCLUDEPICTURE that reads another file ("file:///etc/packbuilder-outside/x.png")',
    ),
    Case("rtf-linked-object.rtf", "paper", f"{NAME}/rtf-linked-object.rtf", "links to an object"),
    Case("doc-not-a-doc.doc", "paper", f"{NAME}/doc-not-a-doc.doc", "not a Word document"),
    Case(
        "money-text-in-amount.xlsx",
        "paper",
        f"{NAME}/money-text-in-amount.xlsx, sheet Projects, cell D3",
        "'about twenty-five thousand'",
    ),
    # templates (a meeting's own templates/ override)
    Case(
        "tpl-syntax-error.docx",
        "template",
        f"{NAME}/templates/agenda.docx",
        'in the paragraph "Agenda of {{ body }"',
    ),
    Case("tpl-unclosed-block.docx", "template", f"{NAME}/templates/agenda.docx", "'endif'"),
    Case(
        "tpl-undefined-variable.docx",
        "template",
        f"{NAME}/templates/agenda.docx",
        "uses 'chairman'",
    ),
    Case("tpl-unsafe.docx", "template", f"{NAME}/templates/agenda.docx", "unsafe"),
    Case(
        "tpl-memory-bomb.docx",
        "template",
        f"{NAME}/templates/agenda.docx",
        "a repetition makes more than 100,000 items",
    ),
]


def place(case: Case, work: Path) -> None:
    """Make the meeting folder `work/meeting` with the bad file where it does harm."""
    folder = work / NAME
    src = CORPUS / case.file
    if case.where == "workbook":
        base_meeting(folder)
        shutil.copyfile(src, folder / "meeting.xlsx")
    elif case.where == "paper":
        base_meeting(folder, [{"title": "Bad paper", "papers": [case.file]}])
        shutil.copyfile(src, folder / case.file)
    else:
        base_meeting(folder)
        (folder / "templates").mkdir()
        shutil.copyfile(src, folder / "templates" / "agenda.docx")


def assert_one_clear_line(result: CliResult, place_: str, says: str) -> None:
    assert "Traceback" not in result.stderr
    assert result.returncode == 1, result.stderr
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith(f"error: {place_}: "), lines[0]
    assert says in lines[0], lines[0]


def test_corpus_has_a_case_for_every_file() -> None:
    """A file added to the corpus without a test would prove nothing."""
    tested = {c.file for c in CASES} | set(BUILDS)
    files = {p.name for p in CORPUS.iterdir() if p.is_file() and not p.name.endswith(".py")}
    assert files == tested


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_bad_input_one_line_and_old_pack_kept(case: Case, tmp_path: Path, good_pack: Path) -> None:
    place(case, tmp_path)
    out = tmp_path / "out"
    shutil.copytree(good_pack, out)
    before = snapshot(out)
    result = run_cli("build", NAME, "--output", "out", cwd=tmp_path)
    assert_one_clear_line(result, case.place, case.says)
    assert snapshot(out) == before


@pytest.mark.parametrize(
    "where, paper, says",
    [
        ("missing", "missing.pdf", "is not in the meeting folder"),
        ("parent", "../outside.pdf", "points outside the meeting folder"),
        ("absolute", "ABSOLUTE", "is an absolute path"),
        ("windows", "C:\\Papers\\report.pdf", "is an absolute path"),
        ("symlink", "linked.pdf", "points outside the meeting folder"),
    ],
)
def test_paper_paths_stay_in_the_folder(
    where: str, paper: str, says: str, tmp_path: Path, good_pack: Path
) -> None:
    outside = write_pdf(tmp_path / "outside.pdf", 1)
    if paper == "ABSOLUTE":
        paper = str(outside)
    base_meeting(tmp_path / NAME, [{"title": "Bad paper", "papers": [paper]}])
    if where == "symlink":
        (tmp_path / NAME / "linked.pdf").symlink_to(outside)
    out = tmp_path / "out"
    shutil.copytree(good_pack, out)
    before = snapshot(out)
    result = run_cli("build", NAME, "--output", "out", cwd=tmp_path)
    # the agenda row's Papers cell (column F) of item 3 (row 4) is the place to fix
    assert_one_clear_line(result, f"{NAME}/meeting.xlsx, sheet Agenda, cell F4", says)
    assert paper in result.stderr or repr(paper) in result.stderr
    assert snapshot(out) == before


def _as_strict(path: Path) -> None:
    """Rewrite an .xlsx as Excel's "Strict Open XML Spreadsheet" saves it: the same parts, in
    the ISO namespaces."""
    swaps = {
        b"http://schemas.openxmlformats.org/spreadsheetml/2006/main": (
            b"http://purl.oclc.org/ooxml/spreadsheetml/main"
        ),
        b"http://schemas.openxmlformats.org/officeDocument/2006/relationships": (
            b"http://purl.oclc.org/ooxml/officeDocument/relationships"
        ),
    }
    with zipfile.ZipFile(path) as zin:
        parts = [(i, zin.read(i.filename)) for i in zin.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zout:
        for info, data in parts:
            for old, new in swaps.items():
                data = data.replace(old, new)
            zout.writestr(info, data)


def test_a_strict_open_xml_workbook_is_named_as_such(tmp_path: Path, good_pack: Path) -> None:
    """Excel's Save As offers "Strict Open XML Spreadsheet (.xlsx)": openpyxl finds no sheet in
    it, and "no sheet named 'Meeting' (sheets: )" would send the advisor looking for a sheet
    that is there."""
    base_meeting(tmp_path / NAME)
    _as_strict(tmp_path / NAME / "meeting.xlsx")
    out = tmp_path / "out"
    shutil.copytree(good_pack, out)
    before = snapshot(out)
    result = run_cli("build", NAME, "--output", "out", cwd=tmp_path)
    assert_one_clear_line(result, WB, "saved as Strict Open XML")
    assert "Save As > Excel Workbook (.xlsx)" in result.stderr
    assert snapshot(out) == before


def _office_file(path: Path, kind: str) -> None:
    """A real office file of `kind` at `path`, whatever its name says."""
    if kind == "odt":
        with zipfile.ZipFile(path, "w") as z:
            z.writestr("mimetype", "application/vnd.oasis.opendocument.text")
            z.writestr("content.xml", "<office:document-content/>")
    elif kind == "docx":
        import docx

        docx.Document().save(str(path))
    else:
        import openpyxl

        openpyxl.Workbook().save(str(path))


@pytest.mark.parametrize(
    "name, kind, says",
    [
        ("report.docx", "odt", "this .docx file is really an OpenDocument text (.odt), renamed"),
        ("report.docx", "xlsx", "this .docx file is really an Excel workbook (.xlsx), renamed"),
        ("meeting.xlsx", "docx", "this .xlsx file is really a Word document (.docx), renamed"),
    ],
)
def test_an_office_file_renamed_is_said_to_be_what_it_is(
    name: str, kind: str, says: str, tmp_path: Path, good_pack: Path
) -> None:
    """An .odt saved as 'report.docx' (Word opens it, so nobody notices), a workbook given a
    paper's name: not only "not a Word document (no word/document.xml)", but what it is."""
    if name == "meeting.xlsx":
        base_meeting(tmp_path / NAME)
    else:
        base_meeting(tmp_path / NAME, [{"title": "Renamed", "papers": [name]}])
    _office_file(tmp_path / NAME / name, kind)
    out = tmp_path / "out"
    shutil.copytree(good_pack, out)
    before = snapshot(out)
    result = run_cli("build", NAME, "--output", "out", cwd=tmp_path)
    assert_one_clear_line(result, f"{NAME}/{name}", says)
    assert "put the right file in its place" in result.stderr
    assert snapshot(out) == before


def test_symlink_inside_the_folder_is_fine(tmp_path: Path) -> None:
    folder = base_meeting(tmp_path / NAME)
    (folder / "papers").mkdir()
    write_pdf(folder / "papers" / "real.pdf", 1, "Linked paper")
    (folder / "alias.pdf").symlink_to(folder / "papers" / "real.pdf")
    base_meeting(folder, [{"title": "Linked", "papers": ["alias.pdf"]}])
    result = run_cli("check", NAME, cwd=tmp_path)
    assert result.returncode == 0, result.stderr


# --- odd inputs that must build ------------------------------------------------------------------


def build_with_paper(tmp_path: Path, paper: str) -> PdfReader:
    base_meeting(tmp_path / NAME, [{"title": "Odd paper", "papers": [paper]}])
    shutil.copyfile(CORPUS / paper, tmp_path / NAME / paper)
    result = run_cli("build", NAME, "--output", "out", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().endswith(PACK)
    return PdfReader(tmp_path / "out" / "public" / PACK)


def test_owner_password_only_pdf_is_built(tmp_path: Path) -> None:
    """Restrictions without an open password are common on published PDFs; the paper goes in."""
    reader = build_with_paper(tmp_path, "pdf-encrypted-owner-only.pdf")
    texts = [p.extract_text() for p in reader.pages]
    assert not reader.is_encrypted
    assert any("Encrypted page 2" in t for t in texts)


def test_odd_page_sizes_and_rotation_are_kept(tmp_path: Path) -> None:
    reader = build_with_paper(tmp_path, "pdf-odd-sizes-and-rotations.pdf")
    source = PdfReader(CORPUS / "pdf-odd-sizes-and-rotations.pdf")
    pack_pages = {}
    for page in reader.pages:
        text = page.extract_text()
        m = re.search(r"(Odd \w+) page 1", text)
        if m:
            pack_pages[m.group(1)] = (page, text)
    assert set(pack_pages) == {"Odd A3", "Odd landscape", "Odd rotated"}
    for original in source.pages:
        label = re.search(r"Odd \w+", original.extract_text()).group(0)
        page, text = pack_pages[label]
        size = [round(float(v)) for v in page.mediabox]
        assert size == [round(float(v)) for v in original.mediabox]
        assert page.rotation == original.rotation
        assert re.search(r"\bPage \d+\b", text), text  # the stamp is real, extractable text
    assert pack_pages["Odd rotated"][0].rotation == 90
    assert "Agenda Item 3" in pack_pages["Odd A3"][1]


def test_tag_split_by_word_formatting_renders(tmp_path: Path) -> None:
    """Word splits "{{ body }}" into runs when part of it is bold; docxtpl joins them again."""
    base_meeting(tmp_path / NAME)
    (tmp_path / NAME / "templates").mkdir()
    shutil.copyfile(CORPUS / "tpl-split-tag.docx", tmp_path / NAME / "templates" / "agenda.docx")
    result = run_cli("build", NAME, "--output", "out", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    first = PdfReader(tmp_path / "out" / "public" / PACK).pages[0].extract_text()
    assert "Agenda of Test Partnership Board" in first
    assert "2. Performance report" in first
    assert "{{" not in first and "}}" not in first


def test_template_syntax_in_cells_is_text(tmp_path: Path) -> None:
    """Spreadsheet text is data: tags typed into cells come out literally, never evaluated."""
    make_meeting(
        tmp_path / NAME,
        items=[
            {"title": "Apologies {{ 7*7 }}", "lead": "{% for x in range(3) %}loop{% endfor %}"},
            {"title": 'Tom & Jerry <b>bold</b> "quoted"', "papers": ["report.pdf"]},
        ],
        papers={"report.pdf": 2},
        fields={"Venue": "{{ body.__class__.__mro__ }}"},
    )
    result = run_cli("build", NAME, "--output", "out", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    text = " ".join(PdfReader(tmp_path / "out" / "public" / PACK).pages[0].extract_text().split())
    assert "Apologies {{ 7*7 }}" in text
    assert "49" not in text
    assert "{% for x in" in text and "loop{%" in text and "looploop" not in text.replace(" ", "")
    assert 'Tom & Jerry <b>bold</b> "quoted"' in text
    assert "{{ body.__class__.__mro__ }}" in text


def test_jinja_environment_is_sandboxed() -> None:
    from jinja2.exceptions import SecurityError
    from jinja2.sandbox import SandboxedEnvironment

    from packbuilder.render import environment

    env = environment()
    assert isinstance(env, SandboxedEnvironment)
    assert env.autoescape
    with pytest.raises(SecurityError):
        env.from_string("{{ x.__class__.__mro__ }}").render(x="")
    assert env.from_string("{{ x }}").render(x="<b>&") == "&lt;b&gt;&amp;"


def _compiled_sources(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The template texts Jinja compiles from now on, in order."""
    from jinja2.sandbox import SandboxedEnvironment

    compiled: list[str] = []
    real = SandboxedEnvironment.compile

    def counting(self, source, *args, **kwargs):  # type: ignore[no-untyped-def]
        compiled.append(source if isinstance(source, str) else "<nodes>")
        return real(self, source, *args, **kwargs)

    monkeypatch.setattr(SandboxedEnvironment, "compile", counting)
    return compiled


def test_a_compiled_template_is_reused_and_stays_sandboxed(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """A template's text is compiled once a process (the public and private frontsheets share
    one template); a new environment rendering it again runs the same code, still sandboxed and
    escaping, and another text is compiled for itself."""
    from jinja2.exceptions import SecurityError

    from packbuilder import render

    monkeypatch.setenv("PACKBUILDER_CACHE", str(tmp_path / "cache"))  # (none kept from before)
    settings.cache_clear()

    compiled = _compiled_sources(monkeypatch)
    monkeypatch.setattr(render, "_COMPILED", type(render._COMPILED)())
    text = "<p>{{ x }} {{ x.__class__ if unsafe else '' }}</p>"
    first = render.environment().from_string(text).render(x="<b>&", unsafe=False)
    again = render.environment().from_string(text).render(x="Tom & Jerry", unsafe=False)
    assert (first, again) == ("<p>&lt;b&gt;&amp; </p>", "<p>Tom &amp; Jerry </p>")
    assert compiled == [text]
    with pytest.raises(SecurityError):
        render.environment().from_string(text).render(x="", unsafe=True)
    assert render.environment().from_string("{{ y }}").render(y=1) == "1"
    assert compiled == [text, "{{ y }}"]


def test_compiled_code_kept_in_the_cache_folder_is_trusted_only_intact(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """The next process (the next command) runs a template's code as compiled and kept by the one
    before, still sandboxed and escaping; an entry damaged on disk is compiled again, never run;
    filters that Jinja passes something else compile apart."""
    import jinja2
    from jinja2.exceptions import SecurityError

    from packbuilder import render

    monkeypatch.setenv("PACKBUILDER_CACHE", str(tmp_path / "cache"))
    settings.cache_clear()
    compiled = _compiled_sources(monkeypatch)
    text = "<p>{{ x | upper }} {{ x.__class__ if unsafe else '' }}</p>"

    def next_process() -> Any:  # (what this process compiled, forgotten)
        monkeypatch.setattr(render, "_COMPILED", type(render._COMPILED)())
        return render.environment()

    assert next_process().from_string(text).render(x="<b>&", unsafe=False) == (
        "<p>&lt;B&gt;&amp; </p>"
    )
    assert next_process().from_string(text).render(x="a & b", unsafe=False) == "<p>A &amp; B </p>"
    assert compiled == [text]  # the second process read it from the cache folder
    with pytest.raises(SecurityError):
        next_process().from_string(text).render(x="", unsafe=True)
    entries = list((tmp_path / "cache" / render.KEPT).glob("??/*.code"))
    assert len(entries) == 1
    data = bytearray(entries[0].read_bytes())
    data[-5] ^= 0xFF  # a bit gone wrong on disk
    entries[0].write_bytes(bytes(data))
    assert next_process().from_string(text).render(x="c", unsafe=False) == "<p>C </p>"
    assert compiled == [text, text]
    env = next_process()
    env.filters["upper"] = jinja2.pass_context(lambda ctx, v: str(v).lower())
    assert env.from_string(text).render(x="D", unsafe=False) == "<p>d </p>"
    assert compiled == [text, text, text]


def test_docxtpl_clean_up_of_a_template_is_kept_and_renders_the_same(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """docxtpl's clean-up of a template's XML, kept in the cache folder by the next render, gives
    the same document; a damaged entry is made again."""
    import docxtpl

    from packbuilder import render

    monkeypatch.setenv("PACKBUILDER_CACHE", str(tmp_path / "cache"))
    settings.cache_clear()
    cleaned: list[int] = []
    real = docxtpl.DocxTemplate.patch_xml

    def counting(self, src_xml):  # type: ignore[no-untyped-def]
        cleaned.append(len(src_xml))
        return real(self, src_xml)

    monkeypatch.setattr(docxtpl.DocxTemplate, "patch_xml", counting)
    template = tmp_path / "t.docx"
    doc = docx.Document()
    doc.add_paragraph("Item: {{ title }} & {{ note }}")
    doc.save(template)
    texts = []
    for n in range(3):
        out = render.render(
            template, {"title": "<Budget>", "note": "{{ x }}"}, tmp_path / f"{n}.docx"
        )
        texts.append("\n".join(p.text for p in docx.Document(out).paragraphs))
        if n == 1:
            for entry in (tmp_path / "cache" / render.KEPT).glob("??/*.patched"):
                entry.write_bytes(entry.read_bytes()[:-3])
    assert texts == ["Item: <Budget> & {{ x }}"] * 3
    assert len(cleaned) == 2  # the first render, and the one after the entry was damaged


BUILDS = {
    "pdf-encrypted-owner-only.pdf",
    "pdf-odd-sizes-and-rotations.pdf",
    "tpl-split-tag.docx",
    "pdf-active-content.pdf",  # tests/test_safety.py
    "wb-stray-cell-far-down.xlsx",  # tests/test_safety.py
}


# --- check: every problem at once, grouped by file ------------------------------------------------


def test_check_reports_every_problem_grouped_by_file(tmp_path: Path) -> None:
    folder = make_meeting(
        tmp_path / NAME,
        items=[
            {"title": "Apologies"},
            {"title": "Report", "papers": ["report.pdf", "missing.pdf"]},
            {"title": "Corrupt", "papers": ["pdf-corrupt.pdf"], "time allowed": "ages"},
            {"title": "Word", "papers": ["docx-not-a-zip.docx", "../escape.pdf"]},
        ],
        papers={"report.pdf": 2},
        fields={"Date": "next Thursday", "Start time": "after lunch"},
    )
    for name in ("pdf-corrupt.pdf", "docx-not-a-zip.docx"):
        shutil.copyfile(CORPUS / name, folder / name)
    result = run_cli("check", NAME, cwd=tmp_path)
    assert "Traceback" not in result.stderr
    assert result.returncode == 1
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert lines[0] == "7 problems found:"
    groups: dict[str, list[str]] = {}
    current = None
    warnings = [line for line in lines if line.startswith("warning: ")]
    # what the papers read so far warn about comes after the problems
    assert lines[-len(warnings) :] == warnings
    assert any(w.startswith("warning: report.pdf: this PDF is untagged") for w in warnings)
    for line in lines[1 : -len(warnings)]:
        if line.startswith("  error: "):
            assert current is not None
            groups[current].append(line[len("  error: ") :])
        else:
            current = line.rstrip(":")
            assert current not in groups, "a file is listed twice"
            groups[current] = []
    wb, corrupt, word = (
        f"{NAME}/meeting.xlsx",
        f"{NAME}/pdf-corrupt.pdf",
        f"{NAME}/docx-not-a-zip.docx",
    )
    by_file = {Path(k).as_posix().split(f"{tmp_path.name}/")[-1]: v for k, v in groups.items()}
    assert set(by_file) == {wb, corrupt, word}
    places = sorted(e.split(": ")[0] for e in by_file[wb])
    assert places == sorted(
        [
            f"{wb}, sheet Meeting, cell B3",
            f"{wb}, sheet Meeting, cell B4",
            f"{wb}, sheet Agenda, cell E4",
            f"{wb}, sheet Agenda, cell F3",
            f"{wb}, sheet Agenda, cell F5",
        ]
    )
    assert len(by_file[corrupt]) == 1 and by_file[corrupt][0].startswith(f"{corrupt}: ")
    assert len(by_file[word]) == 1 and by_file[word][0].startswith(f"{word}: ")


@pytest.mark.parametrize("case", [c for c in CASES if c.where == "template"], ids=lambda c: c.id)
def test_check_finds_template_mistakes_without_building(case: Case, tmp_path: Path) -> None:
    """`check` renders the templates on trial, so a bad tag shows before anyone builds."""
    place(case, tmp_path)
    result = run_cli("check", NAME, cwd=tmp_path)
    assert "Traceback" not in result.stderr
    assert result.returncode == 1
    assert result.stdout == ""
    # (the meeting's warnings follow the problem: the factory's PDFs are untagged)
    lines = [line for line in result.stderr.splitlines() if not line.startswith("warning: ")]
    assert len(lines) == 3, result.stderr
    assert lines[0] == "1 problem found:"
    assert lines[1] == f"{case.place}:"
    assert lines[2].startswith(f"  error: {case.place}: "), lines[2]
    assert case.says in lines[2], lines[2]


def test_a_meeting_workbook_linked_from_outside_the_folder_is_refused(
    tmp_path: Path, good_pack: Path
) -> None:
    """Papers and templates may not be links to files elsewhere; nor may the agenda itself: a
    meeting.xlsx that is a shortcut to another meeting's (or another folder's) workbook would
    publish that agenda under this meeting, and the folder would no longer record it."""
    elsewhere = base_meeting(tmp_path / "other-meeting")
    folder = base_meeting(tmp_path / NAME)
    (folder / "meeting.xlsx").unlink()
    (folder / "meeting.xlsx").symlink_to(elsewhere / "meeting.xlsx")
    out = tmp_path / "out"
    shutil.copytree(good_pack, out)
    before = snapshot(out)
    result = run_cli("build", NAME, "--output", "out", cwd=tmp_path)
    assert_one_clear_line(
        result, NAME, "meeting.xlsx is a link to a file outside the meeting folder"
    )
    assert snapshot(out) == before
    # a link inside the folder (a name kept for the current version) is fine
    (folder / "meeting.xlsx").unlink()
    shutil.copyfile(elsewhere / "meeting.xlsx", folder / "agenda-v2.xlsx")
    (folder / "meeting.xlsx").symlink_to(folder / "agenda-v2.xlsx")
    assert run_cli("check", NAME, cwd=tmp_path).returncode == 0
