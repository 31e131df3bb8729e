"""`packbuilder check` refuses what `build` refuses, in the same words (`check`).

An advisor runs `check` the day before the deadline and is told all is well; `build` must not then
refuse the meeting on the day. Each test here writes a paper that only a converted Word paper
shows to be wrong (text it holds but does not show, an exempt paper's text in an RTF), and asserts
that `check` and `build` each refuse it with the same one line, naming the paper and its page.
Word papers are made with python-docx and converted by the real LibreOffice.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from docx import Document
from docx.enum.text import WD_COLOR_INDEX
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor
from docx.text.run import Run

from tests.factory import make_meeting, run_cli
from tests.test_layers import SECRET, SHOWN, refused_after_a_build

NAVY = RGBColor(0x1F, 0x38, 0x64)
EXAMPLE = Path(__file__).parents[1] / "inputs" / "2020-03-05-safer-plymouth"


def _shade(element: object, fill: str) -> None:
    """Word's shading (w:shd) of a run's or a cell's properties, in `fill`."""
    shd = OxmlElement("w:shd")
    shd.set(qn("w:val"), "clear")
    shd.set(qn("w:color"), "auto")
    shd.set(qn("w:fill"), fill)
    element.append(shd)  # type: ignore[attr-defined]


def _black_on_black(run: Run) -> None:
    run.font.color.rgb = RGBColor(0, 0, 0)
    run.font.highlight_color = WD_COLOR_INDEX.BLACK


def _black_shading(run: Run) -> None:
    run.font.color.rgb = RGBColor(0, 0, 0)
    _shade(run._r.get_or_add_rPr(), "000000")


def _white(run: Run) -> None:
    run.font.color.rgb = RGBColor(0xFF, 0xFF, 0xFF)


def _near_white(run: Run) -> None:
    run.font.color.rgb = RGBColor(0xFA, 0xFA, 0xFA)


def _tiny(run: Run) -> None:
    run.font.size = Pt(1)


def _black_highlight(run: Run) -> None:  # the text's colour left as Word's "automatic"
    run.font.highlight_color = WD_COLOR_INDEX.BLACK


# how an officer "hides" a name in Word, each run given `SECRET`
HIDINGS: dict[str, Callable[[Run], None]] = {
    "white text": _white,
    "near-white text": _near_white,
    "black highlighting over black text": _black_on_black,
    "black highlighting, automatic colour": _black_highlight,
    "black shading behind black text": _black_shading,
    "text too small to read": _tiny,
}


def _word_paper(path: Path, hide: Callable[[Run], None] | None = None) -> None:
    """An A4 Word paper: a page that shows, then a page with `SECRET` hidden by `hide` (without
    `hide`, the paper as it was before: no `SECRET`)."""
    doc = Document()
    doc.sections[0].page_width, doc.sections[0].page_height = Mm(210), Mm(297)
    doc.add_paragraph(SHOWN)
    doc.add_page_break()
    paragraph = doc.add_paragraph("The winning bid was from ")
    run = paragraph.add_run(SECRET if hide else "a local firm")
    if hide is not None:
        hide(run)
    paragraph.add_run(" and it was accepted.")
    doc.save(path)


@pytest.mark.parametrize("hiding", list(HIDINGS))
def test_a_word_paper_hiding_text_is_refused_by_check_as_by_build(
    hiding: str,
    tmp_path: Path,
    libreoffice,  # noqa: ARG001
) -> None:
    """White, near-white, black-on-black or tiny text in a Word paper: the converted page holds
    words it does not show. `check` converts the paper as `build` does and says the same line:
    the paper, its page, the words and what to do."""
    said = refused_after_a_build(
        tmp_path, "tender.docx", _word_paper, lambda p: _word_paper(p, HIDINGS[hiding])
    )
    assert said.startswith("error: board/tender.docx, page 2: this page holds text it does not")
    assert "Secret" in said
    assert "delete that text in the paper's source" in said


def test_text_coloured_as_its_table_cell_is_refused_by_check_as_by_build(
    tmp_path: Path,
    libreoffice,  # noqa: ARG001
) -> None:
    """Navy text in a navy-shaded cell shows nothing (green on blue of one grey is not this:
    `test_unseen`)."""

    def shaded(path: Path) -> None:
        doc = Document()
        doc.sections[0].page_width, doc.sections[0].page_height = Mm(210), Mm(297)
        doc.add_paragraph(SHOWN)
        table = doc.add_table(rows=1, cols=2)
        table.cell(0, 0).text = "Winning bidder"
        cell = table.cell(0, 1)
        _shade(cell._tc.get_or_add_tcPr(), "1F3864")
        run = cell.paragraphs[0].add_run(SECRET)
        run.font.color.rgb = NAVY
        doc.save(path)

    said = refused_after_a_build(tmp_path, "tender.docx", _word_paper, shaded)
    assert said.startswith("error: board/tender.docx, page 1: this page holds text it does not")
    assert "Secret" in said


def test_a_word_papers_hidden_text_is_named_on_the_meeting_page_too(
    tmp_path: Path,
    libreoffice,  # noqa: ARG001
) -> None:
    """The web page's check is the library's `check_report`: the same problem, under the file."""
    from packbuilder.check import check_report

    folder = make_meeting(
        tmp_path / "board", items=[{"title": "Tender award", "papers": ["tender.docx"]}]
    )
    _word_paper(folder / "tender.docx", _white)
    report = check_report(folder)
    ((file, (problem,)),) = report.problems.items()
    assert file.endswith("tender.docx")
    assert "page 2: this page holds text it does not show ('Secret" in problem


def test_text_marked_hidden_in_word_is_left_out_by_both(
    tmp_path: Path,
    libreoffice,  # noqa: ARG001
) -> None:
    """Word's hidden property (w:vanish): LibreOffice neither shows nor exports the text, so the
    pack does not hold it, and neither `check` nor `build` refuses the paper."""
    from pypdf import PdfReader

    folder = make_meeting(
        tmp_path / "board", items=[{"title": "Tender award", "papers": ["tender.docx"]}]
    )

    def vanish(run: Run) -> None:
        run.font.hidden = True

    _word_paper(folder / "tender.docx", vanish)
    checked = run_cli("check", "board", cwd=tmp_path)
    assert checked.returncode == 0, checked.stderr
    built = run_cli("build", "board", "--output", "out", cwd=tmp_path)
    assert built.returncode == 0, built.stderr
    (pack,) = (tmp_path / "out").rglob("*agenda-pack.pdf")
    assert SECRET not in " ".join(page.extract_text() for page in PdfReader(pack).pages)


def test_a_house_template_with_white_text_is_refused_by_check_as_by_build(
    tmp_path: Path,
    libreoffice,  # noqa: ARG001
) -> None:
    """A meeting's own minutes template with a white line: the minutes rendered from it hold
    words they do not show. `check` renders and converts them as `build` does."""
    import shutil

    from packbuilder.templates import SHIPPED

    folder = tmp_path / "board"
    shutil.copytree(EXAMPLE, folder)
    (folder / "templates").mkdir()
    doc = Document(str(SHIPPED / "minutes.docx"))
    _white(doc.add_paragraph("Complainant ").add_run("Jane Wilkinson of Mutley Plain"))
    doc.save(folder / "templates" / "minutes.docx")
    said = []
    for command in (["check", "board"], ["build", "board", "--output", "out"]):
        result = run_cli(*command, cwd=tmp_path)
        assert result.returncode == 1, result.stderr
        errors = [x.strip() for x in result.stderr.splitlines() if x.strip().startswith("error")]
        assert len(errors) == 1, result.stderr
        said.append(errors[0])
    assert said[0] == said[1], said
    assert said[0].startswith("error: board/minutes-2019-09-30.xlsx, page ")
    assert "this page holds text it does not show ('Jane Wilkinson" in said[0]
    assert not (tmp_path / "out").exists() or not list((tmp_path / "out").rglob("*.pdf"))


def test_without_libreoffice_check_says_so_as_build_does_after_the_inputs_problems(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`check` needs LibreOffice as `build` does; a meeting whose inputs are wrong is told of
    those first (installing LibreOffice would not fix them)."""
    import datetime as dt

    from packbuilder.convert import libreoffice

    monkeypatch.setattr(libreoffice, "find_soffice", lambda: None)
    folder = make_meeting(
        tmp_path / "board",
        items=[{"title": "Tender award", "papers": ["tender.docx"]}],
        fields={"Date": "next Thursday"},
    )
    _word_paper(folder / "tender.docx")
    wrong = run_cli("check", "board", cwd=tmp_path)
    assert wrong.returncode == 1
    assert "cell B3: expected the meeting date" in wrong.stderr
    assert "LibreOffice is not installed" not in wrong.stderr
    make_meeting(folder, items=[{"title": "Tender award", "papers": ["tender.docx"]}],
                 fields={"Date": dt.datetime(2020, 3, 5)})  # fmt: skip
    said = []
    for command in (["check", "board"], ["build", "board", "--output", "out"]):
        result = run_cli(*command, cwd=tmp_path)
        assert result.returncode == 1, result.stderr
        errors = [x.strip() for x in result.stderr.splitlines() if x.strip().startswith("error")]
        assert len(errors) == 1, result.stderr
        said.append(errors[0])
    assert said[0] == said[1]
    assert "LibreOffice is not installed; run `make setup`" in said[0]
