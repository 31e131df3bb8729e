"""Safe to publish (issue 12): nothing exempt, nothing from outside the meeting folder and no
active content reaches a public pack, by any route.

Absence is proved with readers independent of the code under test: the raw bytes of the pack as
qpdf writes them uncompressed (``qpdf --qdf --object-streams=disable``), and pypdf.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from pypdf import PdfReader
from pypdf.generic import IndirectObject

from tests.factory import make_meeting, write_docx
from tests.test_bad_inputs import CORPUS, run_cli

NAME = "meeting"
ATTACHED_TEXT = b"ATTACHED-SECRET-SPREADSHEET"  # inside pdf-active-content.pdf (make_corpus.py)
# names that only active content uses; "/JS" must not match "/JSomething"
ACTIVE = re.compile(
    rb"/(JavaScript|JS|Launch|EmbeddedFiles?|SubmitForm|ImportData|GoToR|GoToE|Rendition|"
    rb"RichMedia\w*|Movie|Sound|Screen|3D|XFA|AA)(?![A-Za-z0-9])|javascript:|file:///"
)


def raw(pack: Path, tmp_path: Path) -> bytes:
    """The pack's bytes as qpdf writes them: every stream decompressed, no object streams."""
    out = tmp_path / f"{pack.stem}.qdf.pdf"
    subprocess.run(
        ["qpdf", "--qdf", "--object-streams=disable", str(pack), str(out)],
        check=True,
        capture_output=True,
    )
    return out.read_bytes()


def _resolve(obj):  # type: ignore[no-untyped-def]
    return obj.get_object() if isinstance(obj, IndirectObject) else obj


def pypdf_active(pack: Path) -> list[str]:
    """Active content as pypdf finds it: catalog actions and trees, page and annotation actions."""
    reader = PdfReader(pack)
    root = reader.trailer["/Root"]
    found = []
    for key in ("/OpenAction", "/AA"):
        action = _resolve(root.get(key))
        if isinstance(action, dict) and action.get("/S") != "/GoTo":
            found.append(f"catalog {key}")
    names = _resolve(root.get("/Names")) or {}
    found += [f"names {k}" for k in ("/JavaScript", "/EmbeddedFiles") if k in names]
    if "/XFA" in (_resolve(root.get("/AcroForm")) or {}):
        found.append("XFA")
    for number, page in enumerate(reader.pages, start=1):
        if "/AA" in page:
            found.append(f"page {number} /AA")
        for annot in page.get("/Annots") or []:
            annot = _resolve(annot)
            subtype = annot.get("/Subtype")
            if subtype in ("/FileAttachment", "/Screen", "/RichMedia", "/3D", "/Movie", "/Sound"):
                found.append(f"page {number} {subtype}")
            if "/AA" in annot:
                found.append(f"page {number} annotation /AA")
            action = _resolve(annot.get("/A"))
            while isinstance(action, dict):
                kind = action.get("/S")
                uri = str(action.get("/URI", ""))
                if kind not in ("/GoTo", "/URI", "/Named") or (
                    kind == "/URI" and not uri.startswith("https://")
                ):
                    found.append(f"page {number} action {kind} {uri}")
                action = _resolve(action.get("/Next"))
                if isinstance(action, list):
                    action = _resolve(action[0]) if action else None
    return found


@pytest.fixture(scope="module")
def active_packs(tmp_path_factory: pytest.TempPathFactory, libreoffice) -> tuple[Path, str]:  # noqa: ARG001
    """A meeting whose public item carries the active appendix, beside an exempt item (so that
    there is a public and a private pack), built by the real CLI."""
    work = tmp_path_factory.mktemp("active")
    folder = make_meeting(
        work / NAME,
        items=[
            {"title": "Grants", "papers": ["pdf-active-content.pdf"]},
            {"title": "Contract", "papers": ["contract.pdf"], "exempt paragraph": 3},
        ],
        papers={"contract.pdf": 1},
    )
    shutil.copyfile(CORPUS / "pdf-active-content.pdf", folder / "pdf-active-content.pdf")
    result = run_cli("build", NAME, "--output", "out", cwd=work)
    assert result.returncode == 0, result.stderr
    return work / "out", result.stderr


def _pack(out: Path, private: bool) -> Path:
    packs = [
        p for p in out.rglob("*.pdf") if ("PRIVATE" in p.name) == private and "agenda" in p.name
    ]
    assert len(packs) == 1, packs
    return packs[0]


def test_public_pack_carries_no_active_content(active_packs, tmp_path: Path) -> None:
    out, _ = active_packs
    pack = _pack(out, private=False)
    data = raw(pack, tmp_path)
    assert ACTIVE.findall(data) == []
    assert ATTACHED_TEXT not in data
    assert pypdf_active(pack) == []
    # what is harmless stays: the appendix's pages and its plain web link
    assert b"https://www.plymouth.gov.uk/" in data
    text = " ".join(p.extract_text() for p in PdfReader(pack).pages)
    assert "Active page 1" in text and "Active page 2" in text


def test_private_pack_keeps_attached_files_but_no_scripts(active_packs, tmp_path: Path) -> None:
    out, _ = active_packs
    pack = _pack(out, private=True)
    data = raw(pack, tmp_path)
    found = {m.decode() for m in ACTIVE.findall(data)}
    assert found <= {"EmbeddedFile"}, found  # the attached file's stream type, nothing else
    assert ATTACHED_TEXT in data
    assert [f for f in pypdf_active(pack) if "FileAttachment" not in f] == []


def test_advisor_is_told_what_was_removed(active_packs) -> None:
    _, stderr = active_packs
    warnings = [line for line in stderr.splitlines() if line.startswith("warning: ")]
    assert any("pdf-active-content.pdf" in w and "JavaScript" in w for w in warnings), stderr
    assert any("pdf-active-content.pdf" in w and "attached files" in w for w in warnings), stderr


# --- 1. an exempt paper reaches no other item, by any route ---------------------------------------


def _docx(path: Path, runs: list[tuple[str, bool]], author: str = "Officer") -> None:
    from docx import Document

    doc = Document()
    doc.core_properties.author = author
    p = doc.add_paragraph()
    for text, bold in runs:
        p.add_run(text).bold = bold
    doc.save(path)


SECRET_TEXT = "Tender prices from the three bidders: Alpha £412,000, Beta £398,500, Gamma £455,250."


def _rezip(src: Path, dst: Path) -> None:
    """The same archive members, zipped again with another compression level and order."""
    import zipfile

    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_STORED) as zout:
        for info in reversed(zin.infolist()):
            zout.writestr(info.filename, zin.read(info.filename))


def _route(folder: Path, route: str) -> tuple[str, str]:
    """Make the exempt paper and the public item's route to it; returns (exempt, public) names."""
    from tests.factory import write_pdf

    pdf = write_pdf(folder / "secret.pdf", 2, "Exempt tender")
    if route == "same name":
        return "secret.pdf", "secret.pdf"
    if route == "dot slash":
        return "secret.pdf", "./secret.pdf"
    if route == "other relative path":
        (folder / "papers").mkdir()
        return "secret.pdf", "papers/../secret.pdf"
    if route == "symlink":
        (folder / "alias.pdf").symlink_to(pdf)
        return "secret.pdf", "alias.pdf"
    if route == "symlink to folder":
        (folder / "public").symlink_to(folder)
        return "secret.pdf", "public/secret.pdf"
    if route == "hard link":
        (folder / "hard.pdf").hardlink_to(pdf)
        return "secret.pdf", "hard.pdf"
    if route == "copy":
        shutil.copyfile(pdf, folder / "Copy of secret.pdf")
        return "secret.pdf", "Copy of secret.pdf"
    if route == "pdf saved again with other metadata":
        import pikepdf

        with pikepdf.open(pdf) as copy:
            copy.docinfo["/Title"] = "Procurement summary"
            copy.save(folder / "summary.pdf", object_stream_mode=pikepdf.ObjectStreamMode.generate)
        assert (folder / "summary.pdf").read_bytes() != pdf.read_bytes()
        return "secret.pdf", "summary.pdf"
    if route == "word copy re-zipped":
        _docx(folder / "tender.docx", [(SECRET_TEXT, False)])
        _rezip(folder / "tender.docx", folder / "tender-v2.docx")
        return "tender.docx", "tender-v2.docx"
    if route == "word same text, other formatting and author":
        _docx(folder / "tender.docx", [(SECRET_TEXT, False)])
        half = len(SECRET_TEXT) // 2
        _docx(
            folder / "summary.docx",
            [(SECRET_TEXT[:half], True), (SECRET_TEXT[half:], False)],
            author="Someone else",
        )
        return "tender.docx", "summary.docx"
    if route == "data workbook saved again":
        from openpyxl import load_workbook

        example = Path(__file__).resolve().parents[1] / "inputs" / "2020-03-05-safer-plymouth"
        shutil.copyfile(example / "commissioning-plan-2020-21.xlsx", folder / "plan.xlsx")
        wb = load_workbook(folder / "plan.xlsx")
        wb.properties.creator = "Someone else"
        wb.save(folder / "plan-copy.xlsx")
        return "plan.xlsx", "plan-copy.xlsx"
    raise AssertionError(route)


ROUTES = [
    "same name",
    "dot slash",
    "other relative path",
    "symlink",
    "symlink to folder",
    "hard link",
    "copy",
    "pdf saved again with other metadata",
    "word copy re-zipped",
    "word same text, other formatting and author",
    "data workbook saved again",
]


@pytest.mark.parametrize("public_first", [False, True], ids=["exempt-first", "public-first"])
@pytest.mark.parametrize("route", ROUTES)
def test_exempt_paper_is_refused_through_another_item(
    route: str, public_first: bool, tmp_path: Path
) -> None:
    folder = tmp_path / NAME
    folder.mkdir()
    exempt_name, public_name = _route(folder, route)
    exempt = {"title": "Tender award", "papers": [exempt_name], "exempt paragraph": 3}
    public = {"title": "Procurement update", "papers": [public_name]}
    items = [{"title": "Apologies"}, *([public, exempt] if public_first else [exempt, public])]
    make_meeting(folder, items=items)
    result = run_cli("build", NAME, "--output", "out", cwd=tmp_path)
    assert "Traceback" not in result.stderr
    assert result.returncode == 1, result.stderr
    lines = result.stderr.splitlines()
    public_row, exempt_row = (3, 4) if public_first else (4, 3)
    if route == "hard link":  # refused as a hard link, under either name, before anything else
        assert f"sheet Agenda, cell F{public_row}: paper 'hard.pdf' is a hard link" in (
            result.stderr
        )
        assert not (tmp_path / "out").exists() or not list((tmp_path / "out").rglob("*.pdf"))
        return
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith(f"error: {NAME}/meeting.xlsx, sheet Agenda, cell F{public_row}: ")
    assert f"exempt item {exempt_row - 1} (cell F{exempt_row})" in lines[0]
    assert not (tmp_path / "out").exists() or not list((tmp_path / "out").rglob("*.pdf"))


EXEMPT_REPORT = [
    "Domestic Homicide Review: award of the independent chair contract.",
    "Three bidders responded to the invitation to tender issued on 6 January. Alpha Reviews "
    "Limited offered a fixed fee of 412,000 pounds over three years with two named chairs. Beta "
    "Consulting offered 398,500 pounds but could name only one chair with homicide review "
    "experience. Gamma Associates offered 455,250 pounds and the shortest timetable.",
    "The evaluation panel scored quality at sixty per cent and price at forty per cent. Alpha "
    "scored highest on quality because both chairs have completed reviews for neighbouring "
    "partnerships and neither has worked for the police or the council in the last five years.",
    "Beta's single chair is currently subject to a complaint to her professional body, which the "
    "panel was told about in confidence and which has not been decided.",
    "The panel recommends that the contract is awarded to Alpha Reviews Limited, and that Beta and "
    "Gamma are told the outcome only after the standstill period of ten days has ended.",
    "Legal advice: the procurement followed the council's contract standing orders. An "
    "unsuccessful bidder may challenge the award within thirty days of being told; the legal team "
    "judges the risk of a challenge from Gamma to be moderate, because its timetable was the "
    "shortest offered.",
    "Financial implications: the fee is met from the domestic abuse grant for the next two years "
    "and from the partnership reserve in the third; the reserve then falls to 61,000 pounds.",
]
EXEMPT_NOTE = (
    "Confidential: the preferred bidder's chair has asked that her name is not disclosed until "
    "the contract is signed."
)
PUBLIC_REPORT = [
    "Safer Plymouth partnership: progress on community safety priorities this quarter.",
    "Reports of antisocial behaviour in the city centre fell by eleven per cent after the new "
    "street marshal scheme began, and the night time economy group has asked for it to continue "
    "through the summer months.",
    "The youth offending service has recruited two new case workers and the waiting list for "
    "restorative justice conferences has halved since the autumn.",
]


def _soffice(source: Path, to: str, outdir: Path) -> Path:
    """`source` saved in another format by LibreOffice itself, as an officer would export it."""
    home = outdir / ".lo-home"
    subprocess.run(
        ["soffice", f"-env:UserInstallation={(home / 'profile').as_uri()}", "--headless",
         "--norestore", "--convert-to", to, "--outdir", str(outdir), str(source)],
        check=True, capture_output=True, timeout=180, env={**os.environ, "HOME": str(home)},
    )  # fmt: skip
    return outdir / f"{source.stem}.{to}"


def _paragraphs(path: Path, paragraphs: list[str]) -> Path:
    from docx import Document

    doc = Document()
    for text in paragraphs:
        doc.add_paragraph(text)
    doc.save(path)
    return path


def _text_route(folder: Path, route: str, tmp: Path) -> tuple[str, str]:
    """An exempt report and a public paper holding its text in another form: (exempt, public)."""
    tmp.mkdir()
    _paragraphs(folder / "award.docx", EXEMPT_REPORT)
    if route == "word exported to pdf":
        shutil.copyfile(_soffice(folder / "award.docx", "pdf", tmp), folder / "award.pdf")
        return "award.docx", "award.pdf"
    if route == "word saved as rtf":
        shutil.copyfile(_soffice(folder / "award.docx", "rtf", tmp), folder / "award.rtf")
        return "award.docx", "award.rtf"
    if route == "word edited copy":  # a sentence reworded, a paragraph added: not the same text
        edited = [*EXEMPT_REPORT[:3], "Beta's chair has an unresolved professional complaint."]
        _paragraphs(folder / "briefing.docx", [*edited, *EXEMPT_REPORT[4:], *PUBLIC_REPORT[1:]])
        return "award.docx", "briefing.docx"
    if route == "short note exported to pdf":  # too short for its runs: found whole
        _paragraphs(folder / "note.docx", [EXEMPT_NOTE])
        shutil.copyfile(_soffice(folder / "note.docx", "pdf", tmp), folder / "note.pdf")
        return "note.docx", "note.pdf"
    if route == "table laid out again":  # the same table, landscape with narrow margins
        from docx import Document
        from docx.enum.section import WD_ORIENT
        from docx.shared import Mm

        def tabled(path: Path, landscape: bool) -> Path:
            doc = Document()
            doc.add_paragraph(EXEMPT_REPORT[0])
            table = doc.add_table(rows=0, cols=3)
            for n in range(0, len(EXEMPT_REPORT) - 1, 3):
                cells = table.add_row().cells
                for cell, text in zip(cells, EXEMPT_REPORT[1 + n : 4 + n], strict=False):
                    cell.text = text
            if landscape:
                section = doc.sections[0]
                section.orientation = WD_ORIENT.LANDSCAPE
                section.page_width, section.page_height = Mm(297), Mm(210)
                for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
                    setattr(section, side, Mm(10))
            doc.save(path)
            return path

        tabled(folder / "award.docx", landscape=False)
        wide = _soffice(tabled(tmp / "wide.docx", landscape=True), "pdf", tmp)
        shutil.copyfile(wide, folder / "award-wide.pdf")
        return "award.docx", "award-wide.pdf"
    if route == "pdf inside a public bundle":
        import pikepdf

        exempt = _soffice(folder / "award.docx", "pdf", tmp)
        shutil.copyfile(exempt, folder / "award.pdf")
        public = _soffice(_paragraphs(tmp / "update.docx", PUBLIC_REPORT * 2), "pdf", tmp)
        with pikepdf.open(public) as bundle, pikepdf.open(exempt) as inside:
            bundle.pages.extend(inside.pages)
            bundle.save(folder / "bundle.pdf")
        return "award.pdf", "bundle.pdf"
    raise AssertionError(route)


TEXT_ROUTES = [
    "word exported to pdf",
    "word saved as rtf",
    "word edited copy",
    "short note exported to pdf",
    "table laid out again",
    "pdf inside a public bundle",
]


@pytest.mark.parametrize("route", TEXT_ROUTES)
def test_exempt_text_is_refused_in_any_format(route: str, tmp_path: Path) -> None:
    """The same report in another format (or edited, or merged into a bundle) shares no bytes
    with the exempt paper: it is recognised by its words."""
    folder = tmp_path / NAME
    folder.mkdir()
    exempt_name, public_name = _text_route(folder, route, tmp_path / "made")
    items = [
        {"title": "Apologies"},
        {"title": "Chair contract", "papers": [exempt_name], "exempt paragraph": 3},
        {"title": "Partnership update", "papers": [public_name]},
    ]
    make_meeting(folder, items=items)
    result = run_cli("build", NAME, "--output", "out", cwd=tmp_path)
    assert "Traceback" not in result.stderr
    assert result.returncode == 1, result.stderr
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith(f"error: {NAME}/meeting.xlsx, sheet Agenda, cell F4: "), lines[0]
    assert f"paper {public_name!r} of item 3 holds" in lines[0]
    assert f"of the text of {exempt_name!r}, a paper of exempt item 2 (cell F3)" in lines[0]
    assert not (tmp_path / "out").exists() or not list((tmp_path / "out").rglob("*.pdf"))
    # `check` says the same line (an RTF too: it converts the papers as a build does)
    checked = run_cli("check", NAME, cwd=tmp_path)
    assert checked.returncode == 1, checked.stdout
    assert f"  {lines[0]}" in checked.stderr.splitlines(), checked.stderr
    if route == "word exported to pdf":  # the meeting's warnings come with the problem
        assert "warning: award.docx: is set for US Letter paper" in checked.stderr


def test_exempt_text_under_two_public_items_is_refused_under_both(tmp_path: Path) -> None:
    """Listing the exported report twice (or a bundle holding it beside the export) does not
    make its text look like a template the public papers share."""
    folder = tmp_path / NAME
    folder.mkdir()
    exempt_name, public_name = _text_route(folder, "word exported to pdf", tmp_path / "made")
    shutil.copyfile(folder / public_name, folder / "copy.pdf")
    items = [
        {"title": "Chair contract", "papers": [exempt_name], "exempt paragraph": 3},
        {"title": "Partnership update", "papers": [public_name]},
        {"title": "Any other business", "papers": ["copy.pdf"]},
    ]
    make_meeting(folder, items=items)
    result = run_cli("build", NAME, "--output", "out", cwd=tmp_path)
    assert result.returncode == 1, result.stderr
    assert "cell F3: paper 'award.pdf' of item 2 holds" in result.stderr
    assert "cell F4: paper 'copy.pdf' of item 3 holds" in result.stderr


def test_an_exempt_paper_held_until_the_rest_arrive_is_compared_too(tmp_path: Path) -> None:
    """An exempt item "to follow" holds back the papers that have come until all have: an RTF
    among them is converted for the comparison all the same."""
    folder = tmp_path / NAME
    folder.mkdir()
    _paragraphs(folder / "award.docx", EXEMPT_REPORT)
    shutil.copyfile(_soffice(folder / "award.docx", "rtf", tmp_path), folder / "award.rtf")
    shutil.copyfile(_soffice(folder / "award.docx", "pdf", tmp_path), folder / "report.pdf")
    (folder / "award.docx").unlink()
    items = [
        {"title": "Chair contract", "papers": ["award.rtf", "appendix.pdf"],
         "exempt paragraph": 3, "status": "to follow"},
        {"title": "Partnership update", "papers": ["report.pdf"]},
    ]  # fmt: skip
    make_meeting(folder, items=items)
    result = run_cli("build", NAME, "--output", "out", cwd=tmp_path)
    assert result.returncode == 1, result.stderr
    assert "cell F3: paper 'report.pdf' of item 2 holds all of the text of 'award.rtf'" in (
        result.stderr
    )
    checked = run_cli("check", NAME, cwd=tmp_path)  # (named, though held: not "unnamed")
    assert "award.rtf is in the meeting folder but no agenda item names it" not in (
        checked.stdout + checked.stderr
    )
    # held, the RTF is converted by `check` as by a build, and compared: the same line
    assert checked.returncode == 1, checked.stdout
    (said,) = [x for x in result.stderr.splitlines() if x.startswith("error")]
    assert f"  {said}" in checked.stderr.splitlines(), checked.stderr


def test_reports_on_the_same_council_template_are_not_the_same_report(tmp_path: Path) -> None:
    """A council's report template (its header block, implications, equality duty and sign-off)
    is most of a short Part II report: the public report on the same template does not publish
    what the Part II one says of its own. (A Part II paper that is nine tenths template would
    be refused: the docs say to cut the template from it.)"""
    template = [
        "PLYMOUTH CITY COUNCIL. Committee: Safer Plymouth Partnership Board, 5 March 2020.",
        "Cabinet Member: Councillor Sue Dann, Cabinet Member for Customer Focus and Community "
        "Safety. Author: Anna Moss, Community Safety Partnership Manager. Contact details: "
        "01752 304570, democratic.support@plymouth.gov.uk.",
        "Corporate Plan: this report supports the Council's values of being democratic, "
        "responsible, fair and partners, and its objectives of a caring council that keeps "
        "children, adults and communities safe, promotes a healthy city and focuses on "
        "prevention and early intervention.",
        "Implications for the Medium Term Financial Plan and Resource Implications: there are no "
        "additional resource implications arising from this report beyond those already "
        "contained within existing budgets.",
        "Equality and Diversity: the Council has a general duty under section 149 of the "
        "Equality Act 2010 to have due regard to the need to eliminate unlawful discrimination, "
        "harassment and victimisation, to advance equality of opportunity and to foster good "
        "relations between people who share a protected characteristic and those who do not.",
        "Sign off: finance, legal, monitoring officer, human resources, assets, IT and strategic "
        "procurement have seen this report. The Cabinet Member has agreed its contents.",
    ]
    folder = tmp_path / NAME
    folder.mkdir()
    own = EXEMPT_REPORT[3:5]  # what the Part II report says of its own: a fifth of it
    _paragraphs(folder / "part2.docx", [*template[:2], *own, *template[2:]])
    _paragraphs(folder / "update.docx", [*template[:2], *PUBLIC_REPORT, *template[2:]])
    items = [
        {"title": "Partnership update", "papers": ["update.docx"]},
        {"title": "Chair contract", "papers": ["part2.docx"], "exempt paragraph": 3},
    ]
    make_meeting(folder, items=items)
    result = run_cli("build", NAME, "--output", "out", cwd=tmp_path)
    assert result.returncode == 0, result.stderr


def test_a_public_report_sharing_some_text_with_an_exempt_one_is_published(
    tmp_path: Path,
) -> None:
    """A public version of an exempt report (its background and recommendation, without the
    confidential detail), and a report quoting a paragraph of it, are not the exempt paper."""
    folder = tmp_path / NAME
    folder.mkdir()
    _paragraphs(folder / "award.docx", EXEMPT_REPORT + PUBLIC_REPORT)
    _paragraphs(folder / "cover.docx", [EXEMPT_REPORT[0], EXEMPT_REPORT[4]])
    _paragraphs(folder / "update.docx", [*PUBLIC_REPORT, EXEMPT_REPORT[2]])
    items = [
        {"title": "Chair contract (public report)", "papers": ["cover.docx"]},
        {"title": "Chair contract", "papers": ["award.docx"], "exempt paragraph": 3},
        {"title": "Partnership update", "papers": ["update.docx"]},
    ]
    make_meeting(folder, items=items)
    result = run_cli("build", NAME, "--output", "out", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert list((tmp_path / "out" / "public").glob("*.pdf"))


def test_two_exempt_items_may_share_a_paper(tmp_path: Path) -> None:
    """Only publication is refused: a paper under two exempt items stays in the private pack."""
    folder = make_meeting(
        tmp_path / NAME,
        items=[
            {"title": "Tender", "papers": ["secret.pdf"], "exempt paragraph": 3},
            {"title": "Tender appeal", "papers": ["secret.pdf"], "exempt paragraph": 3},
            {"title": "Report", "papers": ["report.pdf"]},
        ],
        papers={"secret.pdf": 1, "report.pdf": 1},
    )
    assert folder.is_dir()
    result = run_cli("check", NAME, cwd=tmp_path)
    assert result.returncode == 0, result.stderr


# --- bounded resources ----------------------------------------------------------------------------

MEASURE = """
import resource, subprocess, sys, time
started = time.monotonic()
r = subprocess.run(sys.argv[1:], capture_output=True, text=True, timeout=600)
peak_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
print(r.returncode, round(time.monotonic() - started, 1), peak_kb)
sys.stderr.write(r.stderr)
"""


@pytest.mark.parametrize(
    "file, where, code",
    [
        ("wb-stray-cell-far-down.xlsx", "workbook", 0),
        ("wb-merged-whole-sheet.xlsx", "workbook", 1),
        ("wb-zip-bomb-sheet-xml.xlsx", "workbook", 1),
        ("wb-too-many-cells.xlsx", "workbook", 1),
        ("docx-zip-bomb-xml.docx", "paper", 1),
        ("docx-zip-bomb-lying-size.docx", "paper", 1),
        ("pdf-page-flate-bomb.pdf", "paper", 1),
    ],
)
def test_hostile_sizes_are_checked_in_seconds_and_bounded_memory(
    file: str, where: str, code: int, tmp_path: Path
) -> None:
    """Measured generously (shared, noisy machines): under 30 s and 1 GB, or a clear refusal."""
    import os
    import sys

    from tests.test_bad_inputs import ROOT, base_meeting

    folder = base_meeting(
        tmp_path / NAME, [{"title": "Bad", "papers": [file]}] if where == "paper" else None
    )
    shutil.copyfile(CORPUS / file, folder / ("meeting.xlsx" if where == "workbook" else file))
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    cmd = [sys.executable, "-m", "packbuilder", "check", NAME]
    result = subprocess.run(
        [sys.executable, "-c", MEASURE, *cmd],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=env,
        timeout=300,
    )
    returncode, seconds, peak_kb = result.stdout.split()
    assert "Traceback" not in result.stderr
    assert int(returncode) == code, result.stderr
    assert float(seconds) < 30
    assert int(peak_kb) < 1024 * 1024
    if code:
        assert f"{NAME}/" in result.stderr and "error:" in result.stderr


# --- 2. nothing outside the meeting folder is read into a pack ------------------------------------


def _images_in(pack: Path) -> int:
    return sum(len(page.images) for page in PdfReader(pack).pages)


def test_linked_image_outside_the_folder_never_reaches_the_pack(tmp_path: Path) -> None:
    """Real LibreOffice loads a picture "linked to file" from anywhere on the build machine; the
    paper is refused before it gets the chance."""
    from tests.bad_inputs.make_corpus import linked_image_docx

    outside, folder = _picture_outside_and_meeting(tmp_path, "report.docx")
    (folder / "report.docx").write_bytes(linked_image_docx(outside.as_uri()))
    _refused_for_its_link(tmp_path, "report.docx", outside)


def _picture_outside_and_meeting(tmp_path: Path, paper: str) -> tuple[Path, Path]:
    """A picture outside the meeting folder, and a meeting whose item 2 has `paper` (to write)."""
    from tests.bad_inputs.make_corpus import _png

    outside = tmp_path / "elsewhere" / "secret.png"
    outside.parent.mkdir()
    outside.write_bytes(_png())
    folder = make_meeting(
        tmp_path / NAME,
        items=[{"title": "Apologies"}, {"title": "Report", "papers": [paper]}],
    )
    return outside, folder


def _refused_for_its_link(tmp_path: Path, shown: str, outside: Path) -> None:
    """`build` refuses the meeting in one line, naming `shown` and the file it links to, and
    writes no pack."""
    result = run_cli("build", NAME, "--output", "out", cwd=tmp_path)
    assert "Traceback" not in result.stderr
    assert result.returncode == 1, result.stderr
    assert result.stderr.splitlines() == [
        f"error: {NAME}/{shown}: links to an image outside the meeting folder "
        f"({outside.as_uri()}); remove the link: embed the image instead"
    ]
    packs = list((tmp_path / "out").rglob("*.pdf")) if (tmp_path / "out").exists() else []
    assert packs == []


def test_an_rtf_field_padded_with_line_breaks_never_reaches_the_pack(tmp_path: Path) -> None:
    """400 line breaks before INCLUDEPICTURE once put a picture from outside the meeting folder
    into a public pack: LibreOffice reads past them, and so must the check."""
    outside, folder = _picture_outside_and_meeting(tmp_path, "note.rtf")
    (folder / "note.rtf").write_bytes(
        b"{\\rtf1\\ansi Before. {\\field{\\*\\fldinst"
        + b"\r\n" * 400
        + b' INCLUDEPICTURE "'
        + str(outside).encode()
        + b'" \\\\d}{\\fldrslt x}} After.\\par}'
    )
    result = run_cli("build", NAME, "--output", "out", cwd=tmp_path)
    assert result.returncode == 1, result.stderr
    assert result.stderr.splitlines() == [
        f'error: {NAME}/note.rtf: has a field INCLUDEPICTURE that reads another file ("{outside}" '
        "\\d); in Word, select the field and press Ctrl+Shift+F9 to turn it into ordinary "
        "content, or paste the content in"
    ]
    assert not (tmp_path / "out").exists() or not list((tmp_path / "out").rglob("*.pdf"))


@pytest.mark.parametrize("template", ["agenda", "minutes"])
def test_a_meetings_own_template_linking_outside_the_folder_is_refused(
    tmp_path: Path, template: str
) -> None:
    """A frontsheet or document template is filled and given to LibreOffice like a paper: a
    picture "linked to file" in it would be read into the pack from anywhere on the machine."""
    from tests.bad_inputs.make_corpus import _png, linked_image_docx
    from tests.test_bad_inputs import ROOT

    outside = tmp_path / "elsewhere" / "secret.png"
    outside.parent.mkdir()
    outside.write_bytes(_png())
    papers = ["minutes.xlsx"] if template == "minutes" else []
    folder = make_meeting(tmp_path / NAME, items=[{"title": "Minutes", "papers": papers}])
    if papers:
        example = ROOT / "inputs" / "2016-05-26-safer-plymouth" / "minutes-2016-04-07.xlsx"
        shutil.copyfile(example, folder / "minutes.xlsx")
    (folder / "templates").mkdir()
    (folder / "templates" / f"{template}.docx").write_bytes(linked_image_docx(outside.as_uri()))
    _refused_for_its_link(tmp_path, f"templates/{template}.docx", outside)


@pytest.mark.parametrize(
    "tag",
    [
        "{{ record.source.file.read_text() }}",  # a Source leads to a pathlib.Path
        "{{ record.source }}",
        "{{ image.tpl }}",  # a picture leads to the whole DocxTemplate
        "{{ record.title.__class__ }}",
    ],
)
def test_a_template_reaches_nothing_but_its_data(tmp_path: Path, tag: str) -> None:
    """Jinja's sandbox lets a template call any public method of what it is given; a template
    (the meeting's own) must not read or write files through a record's path."""
    from docx import Document

    from packbuilder.errors import Source, TemplateError
    from packbuilder.kinds.minutes import Person
    from packbuilder.render import Picture, render
    from tests.bad_inputs.make_corpus import _png

    template = tmp_path / "t.docx"
    doc = Document()
    doc.add_paragraph(f"Present: {{{{ record.name }}}} {tag}")
    doc.save(template)
    person = Person(name="Cllr Smith", source=Source(tmp_path / "minutes.xlsx", "Present", "A2"))
    context = {"record": person, "image": Picture(_png(), 20, "a chart")}
    with pytest.raises(TemplateError, match="unsafe"):
        render(template, context, tmp_path / "out.docx")
    doc = Document()
    doc.add_paragraph("Present: {{ record.name | upper }} {{ record.name.split()[1] }}")
    doc.add_paragraph(
        "{% set ns = namespace(n=0) %}{% set c = cycler('odd', 'even') %}"
        "{% for p in [record, record] %}{{ loop.index }}{{ c.next() }}{% set ns.n = ns.n + 1 %}"
        "{% endfor %} {{ ns.n }}"
    )
    doc.save(template)
    render(template, context, tmp_path / "out.docx")  # what templates do use still works
    text = "\n".join(p.text for p in Document(tmp_path / "out.docx").paragraphs)
    assert "CLLR SMITH Smith" in text
    assert "1odd2even 2" in text  # Jinja's own helpers: loop, namespace, cycler
    doc = Document()
    doc.add_paragraph("{{ record | string }} {{ record | pprint }}")
    doc.save(template)
    render(template, context, tmp_path / "out.docx")  # a whole record, printed: no path in it
    text = "\n".join(p.text for p in Document(tmp_path / "out.docx").paragraphs)
    assert "minutes.xlsx" in text and str(tmp_path) not in text


@pytest.mark.parametrize(
    "linked", ["the template", "its folder", "to a paper", "its folder to the meeting", "hard"]
)
def test_a_template_linked_to_another_file_is_refused(tmp_path: Path, linked: str) -> None:
    """A meeting's own template that is a link to a Word file elsewhere (another meeting's exempt
    paper, or an exempt paper of this one) would be filled and published: a plain .docx renders
    as it is."""
    from docx import Document

    from packbuilder.build import build
    from packbuilder.errors import InputError
    from tests.fakes import FakeConverter

    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    doc = Document()
    doc.add_paragraph("EXEMPT TENDER PRICES of another meeting")
    doc.save(elsewhere / "agenda.docx")
    folder = make_meeting(tmp_path / NAME, items=[{"title": "Apologies"}])
    paper = folder / "agenda.docx"  # as an exempt paper of this meeting would be
    paper.write_bytes((elsewhere / "agenda.docx").read_bytes())
    if linked == "its folder":
        (folder / "templates").symlink_to(elsewhere)
    elif linked == "its folder to the meeting":
        (folder / "templates").symlink_to(folder)
    else:
        (folder / "templates").mkdir()
        template = folder / "templates" / "agenda.docx"
        if linked == "the template":
            template.symlink_to(elsewhere / "agenda.docx")
        elif linked == "to a paper":
            template.symlink_to(Path("..") / "agenda.docx")
        else:
            os.link(paper, template)
    with pytest.raises(InputError) as caught:
        build(folder, tmp_path / "out", converter=FakeConverter())
    assert "template agenda.docx is a link to another file" in str(caught.value)
    assert not (tmp_path / "out").exists() or not list((tmp_path / "out").rglob("*.pdf"))


def test_a_document_inside_a_word_paper_is_refused(tmp_path: Path) -> None:
    """An "alternative format chunk" is a whole document inside the paper, which LibreOffice
    imports with its own links (a picture linked to a file outside the folder) unchecked."""
    import zipfile

    from docx import Document

    from packbuilder.errors import InputError
    from packbuilder.external import check_external

    plain = tmp_path / "plain.docx"
    doc = Document()
    doc.add_paragraph("HOST")
    doc.add_paragraph("CHUNK")
    doc.save(plain)
    paper = tmp_path / "report.docx"
    rel = (
        b'<Relationship Id="rIdAlt1" Target="afchunk.docx" Type="http://schemas.openxmlformats'
        b'.org/officeDocument/2006/relationships/aFChunk"/></Relationships>'
    )
    with zipfile.ZipFile(plain) as src, zipfile.ZipFile(paper, "w") as dst:
        for info in src.infolist():
            data = src.read(info)
            if info.filename == "word/document.xml":
                data = data.replace(
                    b"<w:p><w:r><w:t>CHUNK</w:t></w:r></w:p>", b'<w:altChunk r:id="rIdAlt1"/>'
                )
            elif info.filename == "word/_rels/document.xml.rels":
                data = data.replace(b"</Relationships>", rel)
            dst.writestr(info, data)
        dst.writestr("word/afchunk.docx", plain.read_bytes())
    check_external(plain)  # the same paper without the chunk is fine
    with pytest.raises(InputError, match="holds another document inside it"):
        check_external(paper)


def test_the_advisor_is_told_of_a_paper_with_tracked_changes(tmp_path: Path) -> None:
    from packbuilder.build import build
    from tests.fakes import FakeConverter
    from tests.test_warm import _reviewed_docx

    folder = make_meeting(tmp_path / NAME, items=[{"title": "Report", "papers": ["report.docx"]}])
    _reviewed_docx(folder / "report.docx")
    result = build(folder, tmp_path / "out", converter=FakeConverter())
    assert any(
        w.startswith(
            "report.docx: has tracked changes; the pack shows it with every change accepted"
        )
        for w in result.warnings
    ), result.warnings


def test_tracked_changes_are_remembered_with_the_word_checks(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A rebuild does not unzip every Word paper again to look for tracked changes: what the
    checks found is remembered with them, by the paper's content, and the warning still comes."""
    from packbuilder import meeting
    from tests.test_warm import _reviewed_docx

    monkeypatch.setenv("PACKBUILDER_CACHE", str(tmp_path / "cache"))
    reviewed = _reviewed_docx(tmp_path / "reviewed.docx")
    plain = write_docx(tmp_path / "plain.docx", 2)
    os.utime(reviewed, (1e9, 1e9))  # settled files: their digests are remembered too
    os.utime(plain, (1e9, 1e9))
    looked: list[str] = []
    real = meeting.has_tracked_changes

    def looking(path: Path) -> bool:
        looked.append(path.name)
        return real(path)

    monkeypatch.setattr(meeting, "has_tracked_changes", looking)
    first = [meeting.word_checks(p).tracked for p in (reviewed, plain)]
    again = [meeting.word_checks(p).tracked for p in (reviewed, plain)]
    assert first == again == [True, False]
    assert looked == ["reviewed.docx", "plain.docx"]  # once each


def test_office_identities_are_remembered_by_content_and_still_tell_a_copy(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A rebuild does not unzip every Word paper again to know it by what it holds and by its
    text: those identities are remembered by the paper's bytes, and a copy zipped again is still
    recognised from what was remembered."""
    from packbuilder import meeting

    monkeypatch.setenv("PACKBUILDER_CACHE", str(tmp_path / "cache"))
    tender = tmp_path / "tender.docx"
    _docx(tender, [(SECRET_TEXT, False)])
    _rezip(tender, tmp_path / "tender-v2.docx")
    copy = tmp_path / "tender-v2.docx"
    assert copy.read_bytes() != tender.read_bytes()
    unzipped: list[str] = []
    real = meeting._office_identities_of

    def unzipping(path: Path) -> tuple[set[tuple[object, ...]], bool]:
        unzipped.append(path.name)
        return real(path)

    monkeypatch.setattr(meeting, "_office_identities_of", unzipping)
    first = [meeting._office_identities(p) for p in (tender, copy)]
    again = [meeting._office_identities(p) for p in (tender, copy)]
    assert first == again
    assert {kind for kind, _ in first[0]} == {"archive", "text"}
    assert first[0] == first[1]  # the copy holds the same members and text
    assert unzipped == ["tender.docx", "tender-v2.docx"]  # once each
    # what the cache says is believed only if it has the shape the code writes
    from packbuilder import pdf

    with pdf.pinned(tender) as (key, _same, _fh):
        entry = pdf.remembered_by_key(key, "office-ids", meeting._word_checks_version())
    for planted in ([], [["text", "x"]], [["archive", "x"], ["other", "y"]]):
        entry.write_text(json.dumps(planted))
        assert meeting._office_identities(tender) == first[0]


def test_the_link_checks_read_word_files_as_a_parser_does(tmp_path: Path) -> None:
    """XML allows `>` inside an attribute and any prefix for a namespace: a link written so
    once slipped past the checks' patterns, and LibreOffice read the file into the pack."""
    import zipfile

    from docx import Document

    from packbuilder.errors import InputError
    from packbuilder.external import check_external

    plain = tmp_path / "plain.docx"
    Document().save(plain)

    def docx_with(name: str, part: str, edit) -> Path:  # type: ignore[no-untyped-def]
        out = tmp_path / name
        with zipfile.ZipFile(plain) as src, zipfile.ZipFile(out, "w") as dst:
            for info in src.infolist():
                data = src.read(info)
                dst.writestr(info, edit(data) if info.filename == part else data)
        return out

    hidden = docx_with(
        "gt.docx",
        "word/_rels/document.xml.rels",
        lambda d: d.replace(
            b"</Relationships>",
            b'<Relationship Target="file:///no>such/../etc/secret.png" TargetMode="External" '
            b'Id="rIdX" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
            b'relationships/image"/></Relationships>',
        ),
    )
    with pytest.raises(InputError, match="links to an image outside the meeting folder"):
        check_external(hidden)
    broken = docx_with("broken.docx", "word/document.xml", lambda d: d[: len(d) // 2])
    with pytest.raises(InputError, match="damaged"):
        check_external(broken)
    odt = tmp_path / "renamed.odt"
    with zipfile.ZipFile(odt, "w") as z:
        z.writestr("mimetype", "application/vnd.oasis.opendocument.text")
        z.writestr(
            "content.xml",
            '<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:'
            'office:1.0" xmlns:draw="urn:oasis:names:tc:opendocument:xmlns:drawing:1.0" '
            'xmlns:xl="http://www.w3.org/1999/xlink"><office:body><draw:frame><draw:image '
            'xl:href="file:///etc/secret.png"/></draw:frame></office:body>'
            "</office:document-content>",
        )
    with pytest.raises(InputError, match="outside the meeting folder"):
        check_external(odt)


def test_a_large_part_that_passed_is_not_parsed_again_but_a_link_added_to_it_is_found(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A large part of a .docx that passed (a frontsheet template's styles) is remembered by its
    bytes, for the next process; the same part with a link in it is other bytes, refused, and
    never remembered."""
    import zipfile

    from docx import Document

    from packbuilder import external
    from packbuilder.errors import InputError

    monkeypatch.setenv("PACKBUILDER_CACHE", str(tmp_path / "cache"))
    plain = tmp_path / "plain.docx"
    Document().save(plain)
    padding = b"<!--" + b"x" * external.KEPT_BYTES + b"-->"
    link = (
        b'<w:style w:type="paragraph" w:styleId="L"><w:name w:val="L"/></w:style>'
        b'<v:imagedata xmlns:v="urn:schemas-microsoft-com:vml" src="file:///etc/secret.png"/>'
    )

    def with_styles(name: str, extra: bytes) -> Path:
        out = tmp_path / name
        with zipfile.ZipFile(plain) as src, zipfile.ZipFile(out, "w") as dst:
            for info in src.infolist():
                data = src.read(info)
                if info.filename == "word/styles.xml":
                    data = data.replace(b"</w:styles>", padding + extra + b"</w:styles>")
                dst.writestr(info, data)
        return out

    clean, linked = with_styles("clean.docx", b""), with_styles("linked.docx", link)
    parsed: list[str] = []
    real = external._normalised

    def counting(data: bytes, name: str) -> str:
        parsed.append(name)
        return real(data, name)

    monkeypatch.setattr(external, "_normalised", counting)
    styles_parsed = []
    for _process in range(2):
        external._remembered.cache_clear()  # what a new process starts with
        parsed.clear()
        external.check_external(clean)
        for _ in range(2):
            with pytest.raises(InputError, match=r"outside the meeting folder.*secret\.png"):
                external.check_external(linked)
        styles_parsed.append(parsed.count("word/styles.xml"))
        assert "word/document.xml" in parsed  # small parts are parsed as before
    # the first process parses both styles parts; the next, only the one that failed
    assert styles_parsed == [2, 1]


def test_an_rtf_paper_with_changes_far_into_it_is_warned_of_as_accepted(tmp_path: Path) -> None:
    """An .rtf's changes are hidden like a .docx's (saved as an .odt first), so the advisor is
    told what a .docx's author is told; the mark is looked for in the whole file."""
    from packbuilder.build import build
    from tests.fakes import FakeConverter

    folder = make_meeting(tmp_path / NAME, items=[{"title": "Report", "papers": ["report.rtf"]}])
    (folder / "report.rtf").write_text(
        r"{\rtf1\ansi Kept text. " + "Padding. " * 8_000_000 + r"{\deleted Deleted text.}}"
    )
    result = build(folder, tmp_path / "out", converter=FakeConverter())
    assert any(
        w.startswith("report.rtf: has tracked changes; the pack shows it with every change")
        for w in result.warnings
    ), result.warnings


def test_plain_hyperlinks_are_fine(tmp_path: Path, libreoffice) -> None:  # noqa: ARG001
    """A hyperlink loads nothing: the report is not refused and builds."""
    from docx import Document

    from tests.bad_inputs.make_corpus import R_NS, _docx_edit

    doc = Document()
    doc.add_paragraph("Report with a link")
    import io

    buf = io.BytesIO()
    doc.save(buf)
    link = (
        '<w:p><w:hyperlink r:id="rIdOutside"><w:r><w:t>Council website</w:t></w:r>'
        "</w:hyperlink></w:p>"
    )
    data = _docx_edit(
        buf.getvalue(),
        {"word/document.xml": lambda x: x.replace(b"<w:sectPr", link.encode() + b"<w:sectPr", 1)},
        rels={
            "word/_rels/document.xml.rels": (f"{R_NS}/hyperlink", "https://www.plymouth.gov.uk/")
        },
    )
    folder = make_meeting(
        tmp_path / NAME,
        items=[{"title": "Apologies"}, {"title": "Report", "papers": ["report.docx"]}],
    )
    (folder / "report.docx").write_bytes(data)
    result = run_cli("build", NAME, "--output", "out", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    (pack,) = (tmp_path / "out").rglob("*.pdf")
    assert "Council website" in " ".join(p.extract_text() for p in PdfReader(pack).pages)


# --- 4. every value is checked ------------------------------------------------------------------

HOSTILE_VALUES: list[object] = [
    10**30,
    -5,
    0,
    -(10**20),
    1e308,
    -1e-300,
    3.5,
    True,
    False,
    dt.datetime(1, 1, 1),
    dt.datetime(9999, 12, 31, 23, 59),
    dt.time(23, 59, 59, 999999),
    dt.timedelta(days=10**6),
    dt.timedelta(seconds=-5),
    dt.date(1900, 1, 1),
    "#REF!",
    "#SPILL!",
    "#N/A",
    "#CALC!",
    "x" * 40_000,
    "\u202e\u2028",
    "para 99",
    "1e400",
    "99999999999999999999999",
    "-1",
    "0",
    "24:00",
    "13pm",
    "31/12/9999",
    "01/01/0001",
    "../../etc/passwd",
    "{{ 7*7 }}",
]
FIELDS = [
    "Body",
    "Date",
    "Start time",
    "Venue",
    "End time",
    "Chair",
    "Pack title",
    "Contact name",
    "Contact phone",
    "Contact email",
    "Deadline rule",
]
COLUMNS = [
    "item",
    "title",
    "lead",
    "purpose",
    "time allowed",
    "papers",
    "status",
    "exempt paragraph",
    "supplement",
]


def _hostile_meeting(folder: Path, shift: int) -> None:
    """Every cell the loader reads gets a hostile value; `shift` rotates which gets which, so that
    over all shifts every cell meets every value."""
    n = len(HOSTILE_VALUES)
    fields = {f: HOSTILE_VALUES[(i + shift) % n] for i, f in enumerate(FIELDS)}
    item = {c: HOSTILE_VALUES[(len(FIELDS) + i + shift) % n] for i, c in enumerate(COLUMNS)}
    make_meeting(
        folder,
        items=[{"title": "Apologies"}, item, {"title": "Report", "papers": ["report.pdf"]}],
        fields=fields,
        papers={"report.pdf": 1},
    )


@pytest.mark.parametrize("shift", range(len(HOSTILE_VALUES)))
def test_hostile_values_are_located_errors_never_bugs(shift: int, tmp_path: Path) -> None:
    from packbuilder.errors import ErrorList, PackError
    from packbuilder.meeting import load_meeting

    folder = tmp_path / NAME
    _hostile_meeting(folder, shift)
    try:
        load_meeting(folder)
    except PackError as exc:  # anything else is the "this is a bug" line
        errors = exc.errors if isinstance(exc, ErrorList) else [exc]
        for e in errors:
            assert e.source is not None and e.source.cell, str(e)
            assert "\n" not in str(e) and len(str(e)) < 1000, str(e)[:200]


@pytest.mark.parametrize("shift", [0, 7, 19, 26])
def test_hostile_values_through_the_cli(shift: int, tmp_path: Path) -> None:
    _hostile_meeting(tmp_path / NAME, shift)
    result = run_cli("check", NAME, cwd=tmp_path)
    assert "Traceback" not in result.stderr and "this is a bug" not in result.stderr
    assert result.returncode == 1, result.stderr
    errors = [line for line in result.stderr.splitlines() if line.startswith("  error: ")]
    assert errors
    for line in errors:
        assert re.match(rf"  error: {NAME}/meeting\.xlsx, sheet \w+, cell [A-Z]+\d+: ", line), line


DATA_WORKBOOKS = [
    "minutes-2019-09-30.xlsx",
    "commissioning-plan-2020-21.xlsx",
    "evaluation-return-2018-19.xlsx",
]


@pytest.mark.parametrize("workbook", DATA_WORKBOOKS)
def test_hostile_values_in_data_workbooks_are_located_errors(workbook: str, tmp_path: Path) -> None:
    """A seeded sample: each of 40 cells of the example workbook gets one hostile value."""
    import random

    from openpyxl import load_workbook

    from packbuilder.documents import load_data_paper
    from packbuilder.errors import ErrorList, PackError, Source

    example = Path(__file__).resolve().parents[1] / "inputs" / "2020-03-05-safer-plymouth"
    cells = [
        (ws.title, c.coordinate)
        for ws in load_workbook(example / workbook).worksheets
        for row in ws.iter_rows()
        for c in row
        if c.value is not None
    ]
    rnd = random.Random(workbook)
    cases = [(sheet, cell, rnd.choice(HOSTILE_VALUES)) for sheet, cell in rnd.sample(cells, 40)]
    # values that once reached the "this is a bug" line: a kind too long for a file name, an
    # amount too large for pence
    cases += [("Document", "B2", "x" * 40_000)]
    if "Projects" in {s for s, _ in cells}:
        cases += [("Projects", "D2", 1e308), ("Projects", "D2", "£" + "9" * 30)]
    for sheet, coordinate, value in cases:
        wb = load_workbook(example / workbook)
        wb[sheet][coordinate].value = value
        path = tmp_path / workbook
        wb.save(path)
        try:
            load_data_paper(path, Source(path), example)
        except PackError as exc:
            for e in exc.errors if isinstance(exc, ErrorList) else [exc]:
                assert e.source is not None and Path(e.source.file) == path, str(e)
                assert "\n" not in str(e) and len(str(e)) <= 1100
        except Exception as exc:  # noqa: BLE001 - the test's point
            pytest.fail(f"{sheet}!{coordinate} = {value!r:.40}: {type(exc).__name__}: {exc}")


def _picture_naming(kind: str, target: str, attribute: str = "r:link", mode: str = "External"):  # type: ignore[no-untyped-def]
    """A Word report whose picture names relationship rIdOutside by `attribute`, a relationship
    of type `kind` to `target`: the ways a picture can name something the package does not hold."""
    import io

    from docx import Document

    from tests.bad_inputs.make_corpus import _docx_edit, _png

    doc = Document()
    doc.add_paragraph("Report with a picture")
    doc.add_picture(io.BytesIO(_png()))
    buf = io.BytesIO()
    doc.save(buf)
    rel = (
        f'<Relationship Id="rIdOutside" Type="{kind}" Target="{target}"'
        + (f' TargetMode="{mode}"' if mode else "")
        + "/>"
    ).encode()
    return _docx_edit(
        buf.getvalue(),
        {
            "word/document.xml": lambda x: re.sub(
                rb'r:embed="rId\d+"', f'{attribute}="rIdOutside"'.encode(), x
            ),
            "word/_rels/document.xml.rels": lambda x: x.replace(
                b"</Relationships>", rel + b"</Relationships>"
            ),
        },
    )


R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


@pytest.mark.parametrize(
    ("kind", "target", "attribute", "mode", "said"),
    [
        # a "hyperlink" relationship is only a target: a picture naming one is loaded from it
        (
            f"{R}/hyperlink",
            "file:///etc/packbuilder-outside/secret.png",
            "r:link",
            "External",
            "links to a file rather than a web page (file:///etc/packbuilder-outside/secret.png)",
        ),
        (
            f"{R}/hyperlink",
            "file:///etc/packbuilder-outside/secret.png",
            "r:embed",
            "External",
            "links to a file rather than a web page",
        ),
        (
            f"{R}/hyperlink",
            "\\\\server\\share\\secret.png",
            "r:link",
            "External",
            "links to a file rather than a web page",
        ),
        (
            f"{R}/hyperlink",
            "https://example.org/secret.png",
            "r:link",
            "External",
            "shows a picture or object from a link (https://example.org/secret.png)",
        ),
        (
            f"{R}/hyperlink",
            "https://example.org/secret.png",
            "r:embed",
            "External",
            "shows a picture or object from a link",
        ),
        # a picture inside the package whose path climbs out of it
        (
            f"{R}/image",
            "../../../../etc/packbuilder-outside/secret.png",
            "r:embed",
            "",
            "refers to a file outside the meeting folder (../../../../etc/packbuilder-outside",
        ),
        (  # the same, its dots written as a URI escapes them
            f"{R}/image",
            "%2E%2E/%2E%2E/%2E%2E/etc/packbuilder-outside/secret.png",
            "r:embed",
            "",
            "refers to a file outside the meeting folder",
        ),
    ],
)
def test_a_picture_naming_a_link_or_a_path_out_of_the_file_is_refused(  # noqa: PLR0913
    tmp_path: Path, kind: str, target: str, attribute: str, mode: str, said: str
) -> None:
    from packbuilder.errors import InputError
    from packbuilder.external import check_external

    paper = tmp_path / "report.docx"
    paper.write_bytes(_picture_naming(kind, target, attribute, mode))
    with pytest.raises(InputError) as caught:
        check_external(paper)
    assert said in str(caught.value) and "report.docx" in str(caught.value)


def test_a_hyperlink_to_a_file_is_refused_but_one_to_a_web_page_is_not(tmp_path: Path) -> None:
    import io

    from docx import Document

    from packbuilder.errors import InputError
    from packbuilder.external import check_external
    from tests.bad_inputs.make_corpus import _docx_edit

    def linked(target: str) -> Path:
        doc = Document()
        doc.add_paragraph("Report")
        buf = io.BytesIO()
        doc.save(buf)
        link = '<w:p><w:hyperlink r:id="rIdOutside"><w:r><w:t>see</w:t></w:r></w:hyperlink></w:p>'
        out = tmp_path / f"report-{len(list(tmp_path.iterdir()))}.docx"
        out.write_bytes(
            _docx_edit(
                buf.getvalue(),
                {
                    "word/document.xml": lambda x: x.replace(
                        b"<w:sectPr", link.encode() + b"<w:sectPr", 1
                    )
                },
                rels={"word/_rels/document.xml.rels": (f"{R}/hyperlink", target)},
            )
        )
        return out

    for fine in ("https://www.plymouth.gov.uk/", "mailto:a@example.org", "tel:+441752000000"):
        check_external(linked(fine))
    for refused in (
        "file:///S:/Reports/budget.docx",
        "\\\\council\\share\\budget.docx",
        "budget.docx",
    ):
        with pytest.raises(InputError, match="links to a file rather than a web page"):
            check_external(linked(refused))


def test_a_picture_linked_through_a_hyperlink_never_reaches_the_pack(
    tmp_path: Path,
    libreoffice,  # noqa: ARG001
) -> None:
    """The route found by a review: a picture ``r:link``ed to a "hyperlink" relationship naming
    a file on the build machine. The build refuses the paper, naming it; nothing is published."""
    secret = tmp_path / "secret-page.png"
    from tests.bad_inputs.make_corpus import _png

    secret.write_bytes(_png())
    folder = make_meeting(
        tmp_path / NAME,
        items=[{"title": "Apologies"}, {"title": "Report", "papers": ["report.docx"]}],
    )
    (folder / "report.docx").write_bytes(
        _picture_naming(f"{R}/hyperlink", secret.as_uri(), "r:link", "External")
    )
    result = run_cli("build", NAME, "--output", "out", cwd=tmp_path)
    assert result.returncode != 0
    assert (
        "report.docx" in result.stderr and "links to a file rather than a web page" in result.stderr
    )
    assert "Traceback" not in result.stderr
    assert not list((tmp_path / "out").rglob("*.pdf"))


# ---- packages that are not what their names say, pictures that load files --------------------

ODT_CONTENT = (
    '<?xml version="1.0" encoding="UTF-8"?><office:document-content xmlns:office="urn:oasis:'
    'names:tc:opendocument:xmlns:office:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:'
    'text:1.0" xmlns:draw="urn:oasis:names:tc:opendocument:xmlns:drawing:1.0" xmlns:xlink="http:'
    '//www.w3.org/1999/xlink"><office:body><office:text><text:p>Report</text:p>{body}'
    "</office:text></office:body></office:document-content>"
)


def _odt(
    members: dict[str, bytes | str] | None = None,
    body: str = "",
    mimetype: str = "application/vnd.oasis.opendocument.text",
) -> bytes:
    """A minimal OpenDocument text, as LibreOffice lays one out, with `members` added."""
    import io
    import zipfile

    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("mimetype", mimetype, zipfile.ZIP_STORED)
        z.writestr("content.xml", ODT_CONTENT.format(body=body), zipfile.ZIP_DEFLATED)
        z.writestr(
            "META-INF/manifest.xml",
            '<?xml version="1.0" encoding="UTF-8"?><manifest:manifest xmlns:manifest="urn:oasis:'
            'names:tc:opendocument:xmlns:manifest:1.0"/>',
        )
        for name, data in (members or {}).items():
            z.writestr(name, data, zipfile.ZIP_DEFLATED)
    return out.getvalue()


def _plain_docx(members: dict[str, bytes | str] | None = None, edits=None) -> bytes:  # type: ignore[no-untyped-def]
    import io
    import zipfile

    from docx import Document

    from tests.bad_inputs.make_corpus import _docx_edit

    doc = Document()
    doc.add_paragraph("Report")
    buf = io.BytesIO()
    doc.save(buf)
    data = _docx_edit(buf.getvalue(), edits or {})
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as zin, zipfile.ZipFile(out, "w") as zout:
        for name in zin.namelist():
            zout.writestr(name, zin.read(name), zipfile.ZIP_DEFLATED)
        for name, extra in (members or {}).items():
            zout.writestr(name, extra, zipfile.ZIP_DEFLATED)
    return out.getvalue()


SVG_LOADING = {
    "xlink:href": '<image width="60" height="12" xlink:href="file:///etc/packbuilder-outside/s.png"/>',
    "href": '<image width="60" height="12" href="file:///etc/packbuilder-outside/s.png"/>',
    "entity-escaped": '<image xlink:href="&#102;ile:///etc/packbuilder-outside/s.png"/>',
    "style url": '<rect style="fill:url(file:///etc/packbuilder-outside/s.svg#p)"/>',
    "css import": "<style>@import url(other.css);</style>",
}


def _svg(inside: str) -> bytes:
    return (
        '<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3'
        f'.org/1999/xlink" width="60" height="12">{inside}</svg>'
    ).encode()


@pytest.mark.parametrize(
    ("name", "make", "said"),
    [
        (  # an OOXML package (its picture linked to a file) named .odt, with a content.xml
            "report.odt",
            lambda: _plain_docx({"content.xml": ODT_CONTENT.format(body="")}),
            "this .odt file also holds a Word (.docx) document",
        ),
        (  # an OpenDocument named .docx, with a word/document.xml to pass for one
            "report.docx",
            lambda: _odt(
                {
                    "word/document.xml": '<w:document xmlns:w="http://schemas.openxmlformats.org/'
                    'wordprocessingml/2006/main"/>'
                }
            ),
            "this .docx file also holds an OpenDocument (.odt) document",
        ),
        (  # the main document moved out of word/, where every check reads
            "report.docx",
            lambda: _plain_docx(
                {"content/main.xml": b"<x/>"},
                {"_rels/.rels": lambda x: x.replace(b"word/document.xml", b"content/main.xml")},
            ),
            "keeps its document in an unusual place (content/main.xml, not word/document.xml)",
        ),
        (  # an .odt whose mimetype says something else
            "report.odt",
            lambda: _odt(mimetype="application/vnd.oasis.opendocument.graphics"),
            "this .odt file is not an OpenDocument text",
        ),
    ],
)
def test_a_word_package_must_be_what_its_name_says(  # type: ignore[no-untyped-def]
    tmp_path: Path, name: str, make, said: str
) -> None:
    """LibreOffice opens a file by what it holds, not by its name; the checks read the parts of
    the format the name says: a package holding the other format (or laid out unlike its format)
    would be opened with its links never looked at."""
    from packbuilder.errors import InputError
    from packbuilder.external import check_external

    paper = tmp_path / name
    paper.write_bytes(make())
    with pytest.raises(InputError) as caught:
        check_external(paper)
    assert said in str(caught.value) and name in str(caught.value)


def test_plain_word_packages_pass_the_package_checks(tmp_path: Path) -> None:
    from packbuilder.external import check_external

    (tmp_path / "a.docx").write_bytes(_plain_docx())
    (tmp_path / "b.odt").write_bytes(_odt())
    for paper in ("a.docx", "b.odt"):
        check_external(tmp_path / paper)  # no error


@pytest.mark.parametrize("how", sorted(SVG_LOADING))
@pytest.mark.parametrize("where", ["docx", "docx as .png", "docx svgz", "odt"])
def test_an_svg_picture_that_loads_a_file_is_refused(tmp_path: Path, how: str, where: str) -> None:
    """LibreOffice's SVG import follows an <image> href (or a url() in a style) to a file of
    the build machine, which would be drawn into the pack."""
    import gzip

    from packbuilder.errors import InputError
    from packbuilder.external import check_external

    svg = _svg(SVG_LOADING[how])
    if where == "odt":
        paper = tmp_path / "report.odt"
        paper.write_bytes(_odt({"Pictures/p.svg": svg}))
        part = "Pictures/p.svg"
    else:
        part = {"docx": "word/media/x.svg", "docx as .png": "word/media/image9.png"}.get(
            where, "word/media/x.svgz"
        )
        paper = tmp_path / "report.docx"
        paper.write_bytes(_plain_docx({part: gzip.compress(svg) if part.endswith("z") else svg}))
    with pytest.raises(InputError) as caught:
        check_external(paper)
    message = str(caught.value)
    assert f"shows a picture ({part}) that loads another file (" in message, message
    assert "insert the picture as PNG or JPEG instead" in message


def test_an_svg_picture_of_its_own_parts_is_fine(tmp_path: Path) -> None:
    from packbuilder.external import check_external

    own = _svg(
        '<defs><linearGradient id="g"/></defs><rect style="fill:url(#g)"/><use xlink:href="#g"/>'
        '<image xlink:href="data:image/png;base64,iVBORw0KGgo="/>'
    )
    paper = tmp_path / "report.docx"
    paper.write_bytes(_plain_docx({"word/media/x.svg": own}))
    check_external(paper)  # no error


# a picture as LibreOffice writes it, with the description a screen reader reads
DESCRIBED_PICTURE = (
    '<draw:frame><draw:image xlink:href="Pictures/p.png" xlink:type="simple"/>'
    '<svg:title xmlns:svg="urn:oasis:names:tc:opendocument:xmlns:svg-compatible:1.0">Chart'
    '</svg:title><svg:desc xmlns:svg="urn:oasis:names:tc:opendocument:xmlns:svg-compatible:1.0">'
    "Scores by criterion</svg:desc></draw:frame>"
)


def test_an_odt_picture_with_a_description_is_fine(tmp_path: Path) -> None:
    """A reviewer's: every .odt whose picture had alternative text was refused as "a picture
    that loads another file": its text (content.xml) holds "<svg:desc", and was read as an SVG
    picture loading its own Pictures/ part."""
    from packbuilder.external import check_external

    paper = tmp_path / "report.odt"
    paper.write_bytes(_odt({"Pictures/p.png": b"\x89PNG\r\n\x1a\n"}, body=DESCRIBED_PICTURE))
    check_external(paper)  # no error


def test_an_odt_picture_that_is_one_of_its_own_parts_is_refused(tmp_path: Path) -> None:
    """What LibreOffice would load as a picture is never the document's own text: read as one
    (an SVG, by its "<svg:" elements), it could load what its links name."""
    from packbuilder.errors import InputError
    from packbuilder.external import check_external

    paper = tmp_path / "report.odt"
    paper.write_bytes(_odt(body=DESCRIBED_PICTURE.replace("Pictures/p.png", "./content.xml")))
    with pytest.raises(InputError) as caught:
        check_external(paper)
    assert "shows one of its own parts (./content.xml) as a picture" in str(caught.value)


def test_a_hard_link_to_a_file_outside_the_folder_is_refused(tmp_path: Path) -> None:
    """A hard link is the same file under another name, here another meeting's exempt paper."""
    from tests.factory import write_pdf

    (tmp_path / "other-meeting").mkdir()
    other = write_pdf(tmp_path / "other-meeting" / "exempt.pdf", 1, "Other meeting's exempt")
    folder = make_meeting(
        tmp_path / NAME,
        items=[{"title": "Apologies"}, {"title": "Report", "papers": ["report.pdf"]}],
        papers={},
    )
    (folder / "report.pdf").hardlink_to(other)
    for command in ("check", "build"):
        result = run_cli(command, NAME, *(["--output", "out"] if command == "build" else []),
                         cwd=tmp_path)  # fmt: skip
        assert result.returncode == 1 and "Traceback" not in result.stderr, result.stderr
        assert "paper 'report.pdf' is a hard link" in result.stderr
    assert not (tmp_path / "out").exists() or not list((tmp_path / "out").rglob("*.pdf"))


def test_an_exempt_papers_held_until_the_rest_arrive_stay_exempt(tmp_path: Path) -> None:
    """An exempt item "to follow" whose first paper has arrived holds it back until the rest
    come: held, it is still that item's paper, and a public item listing it is refused."""
    from tests.factory import write_pdf

    folder = tmp_path / NAME
    folder.mkdir()
    write_pdf(folder / "secret.pdf", 1, "Exempt tender")
    items = [
        {"title": "Procurement update", "papers": ["secret.pdf"]},
        {
            "title": "Tender award",
            "papers": ["secret.pdf", "appendix.pdf"],
            "status": "to follow",
            "exempt paragraph": 3,
        },
    ]
    make_meeting(folder, items=items)
    result = run_cli("check", NAME, cwd=tmp_path)
    assert result.returncode == 1, result.stderr
    assert "a paper of exempt item 2" in result.stderr


@pytest.mark.parametrize(
    ("part", "before"),
    [
        ("word/media/image1.png", '<?xml-stylesheet type="text/css" href="#s"?>'),
        ("word/media/image1.png", "<!DOCTYPE x>"),
        ("pics/image1.xml", ""),  # an .xml part outside word/
        ("word/media/image1.png", "<!-- " + "x" * 20000 + " -->"),
    ],
)
def test_an_svg_picture_is_found_however_it_starts_and_wherever_it_lies(
    tmp_path: Path, part: str, before: str
) -> None:
    """LibreOffice takes a part for an SVG when "<svg" comes near its start, whatever comes
    before it and whatever the part is called: so does the check."""
    from packbuilder.errors import InputError
    from packbuilder.external import check_external

    svg = _svg(SVG_LOADING["xlink:href"]).replace(b"?><svg", f"?>{before}<svg".encode())
    paper = tmp_path / "report.docx"
    paper.write_bytes(_plain_docx({part: svg}))
    with pytest.raises(InputError, match="that loads another file"):
        check_external(paper)


def test_an_svg_picture_too_large_to_read_is_refused_not_passed(tmp_path: Path) -> None:
    from packbuilder.errors import InputError
    from packbuilder.external import check_external
    from packbuilder.safezip import MAX_XML_BYTES

    svg = _svg(SVG_LOADING["xlink:href"] + "<!--" + "x" * (MAX_XML_BYTES + 10) + "-->")
    paper = tmp_path / "report.docx"
    paper.write_bytes(_plain_docx({"word/media/image1.svg": svg}))
    with pytest.raises(InputError, match="holds a picture that cannot be checked"):
        check_external(paper)


HIDDEN = "Kestrel Associates bid 48k"


def _hidden_heading(path: Path, how: str) -> Path:
    """A Word report whose second heading holds hidden text (Word's Font > Hidden), written on
    the run itself or given by a character style."""
    from docx import Document
    from docx.enum.style import WD_STYLE_TYPE
    from docx.shared import Mm

    doc = Document()
    doc.sections[0].page_width, doc.sections[0].page_height = Mm(210), Mm(297)
    doc.add_heading("Contract award", 1)
    doc.add_paragraph("The board is asked to note the award. " * 10)
    heading = doc.add_heading("Evaluation of the tenders ", 1)
    if how == "style":
        style = doc.styles.add_style("Reviewer note", WD_STYLE_TYPE.CHARACTER)
        style.font.hidden = True
        heading.add_run(HIDDEN, style="Reviewer note")
    else:
        heading.add_run(HIDDEN).font.hidden = True
    doc.add_paragraph("Three tenders were received and evaluated. " * 10)
    doc.save(path)
    return path


@pytest.mark.parametrize("how", ["run", "style"])
def test_hidden_text_in_a_heading_never_reaches_a_bookmark(tmp_path: Path, how: str) -> None:
    """LibreOffice titles a heading's bookmark with the paragraph's whole text, hidden text
    included, and the pack nests a Word paper's bookmarks under the paper's entry: an officer's
    hidden note in a heading was published in the public pack's bookmarks, where no check of
    the pages sees it. A bookmark says what its heading shows (real LibreOffice, read back by
    pypdf and in qpdf's uncompressed output)."""
    from tests.packreader import Pack

    folder = make_meeting(tmp_path / NAME, items=[{"title": "Award", "papers": ["report.docx"]}])
    _hidden_heading(folder / "report.docx", how)
    result = run_cli("build", NAME, "--output", "out", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    pack = next((tmp_path / "out" / "public").glob("*.pdf"))
    titles = [title for _, title, _ in Pack.read(pack).bookmarks()]
    assert "Evaluation of the tenders" in titles, titles
    assert not [t for t in titles if "Kestrel" in t or "48k" in t], titles
    raw = subprocess.run(
        ["qpdf", "--qdf", "--object-streams=disable", str(pack), "-"],
        check=True,
        capture_output=True,
    ).stdout
    assert b"Kestrel" not in raw
    assert "Kestrel" not in " ".join(Pack.read(pack).texts)


_NOTES = {
    "word/footnotes.xml": (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<w:footnotes xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
        '<w:footnote w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p>'
        "</w:footnote>"
        '<w:footnote w:type="continuationSeparator" w:id="0"><w:p><w:r>'
        "<w:continuationSeparator/></w:r></w:p></w:footnote>"
        '<w:footnote w:id="1"><w:p><w:r><w:rPr><w:vertAlign w:val="superscript"/></w:rPr>'
        "<w:footnoteRef/></w:r><w:r><w:t xml:space=\"preserve\"> Census 2011.</w:t></w:r></w:p>"
        "</w:footnote></w:footnotes>"
    ),
}


def _footnoted_headings(path: Path) -> Path:
    """A Word report as officers write them: a footnote on a heading's word ("Background
    information¹"), a heading whose letters are spaced out, as a title's style does, and one
    in a narrow table cell, its words broken over the cell's lines."""
    import zipfile

    from docx import Document
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Mm, Pt

    doc = Document()
    doc.sections[0].page_width, doc.sections[0].page_height = Mm(210), Mm(297)
    heading = doc.add_heading("Background information", 1)
    run = OxmlElement("w:r")
    props = OxmlElement("w:rPr")
    align = OxmlElement("w:vertAlign")
    align.set(qn("w:val"), "superscript")
    props.append(align)
    run.append(props)
    note = OxmlElement("w:footnoteReference")
    note.set(qn("w:id"), "1")
    run.append(note)
    heading._p.append(run)
    doc.add_paragraph("The city's population grew by a tenth. " * 10)
    spaced = doc.add_heading(level=1).add_run("Spaced out")
    spaced.font.size = Pt(16)
    spacing = OxmlElement("w:spacing")
    spacing.set(qn("w:val"), "200")  # Font > Advanced > Spacing: expanded by 10 pt
    spaced._element.get_or_add_rPr().append(spacing)
    doc.add_paragraph("Next steps are set out below. " * 10)
    table = doc.add_table(rows=1, cols=2)  # a heading in a narrow cell, broken over its lines
    table.autofit = False
    for column, width in zip(table.columns, (Mm(22), Mm(120)), strict=True):
        column.width = table.cell(0, column._index).width = width
    cell = table.cell(0, 0).paragraphs[0]
    cell.style = doc.styles["Heading 2"]
    cell.add_run("Interdepartmental telecommunications")
    table.cell(0, 1).text = "The services to be brought together under one contract. " * 3
    doc.save(path)
    with zipfile.ZipFile(path) as zf:
        parts = {n: zf.read(n) for n in zf.namelist()}
    parts["[Content_Types].xml"] = parts["[Content_Types].xml"].replace(
        b"</Types>",
        b'<Override PartName="/word/footnotes.xml" ContentType="application/'
        b'vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml"/></Types>',
    )
    parts["word/_rels/document.xml.rels"] = parts["word/_rels/document.xml.rels"].replace(
        b"</Relationships>",
        b'<Relationship Id="rIdNotes" Type="http://schemas.openxmlformats.org/officeDocument/'
        b'2006/relationships/footnotes" Target="footnotes.xml"/></Relationships>',
    )
    parts.update({k: v.encode() for k, v in _NOTES.items()})
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in parts.items():
            zf.writestr(name, data)
    return path


def test_a_headings_footnote_or_spaced_letters_keep_its_words_in_the_bookmark(
    tmp_path: Path,
) -> None:
    """A bookmark keeps the words its heading shows (above): pdftotext reads a footnote's
    number into the word it follows ("information1"), a heading's spaced letters one by one
    ("S p a c e d"), and a word broken over a narrow cell's lines in pieces between the other
    cell's lines ("Interde", "partme", "ntal"), and those words were dropped as not shown:
    "Background information" was bookmarked "Background", "Spaced out" and the cell's heading
    not at all (real LibreOffice, read back by pypdf)."""
    from tests.packreader import Pack

    folder = make_meeting(tmp_path / NAME, items=[{"title": "Award", "papers": ["report.docx"]}])
    _footnoted_headings(folder / "report.docx")
    result = run_cli("build", NAME, "--output", "out", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    pack = next((tmp_path / "out").glob("**/*.pdf"))
    titles = [title for _, title, _ in Pack.read(pack).bookmarks()]
    assert "Background information" in titles, titles
    assert "Spaced out" in titles, titles
    assert "Interdepartmental telecommunications" in titles, titles
