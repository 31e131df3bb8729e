"""A data paper is rendered once for what it is made from (issue 16: a rebuild costs what changed).

A rebuild of the example meeting rendered its four data papers again every time, drawing the
performance report's charts with matplotlib: a second of every rebuild. A rendered data paper is
now kept in the cache folder (``rendered/``) by all it is made from: the template's bytes, the
paper's model, packbuilder's code and the installed distributions, and the fonts. These tests
change each of those in turn and check the paper is rendered again, and that what is served
from the cache is what a render makes.
"""

from __future__ import annotations

import shutil
import zipfile
from pathlib import Path

import docx
import openpyxl
import pytest

from packbuilder import render as render_module
from packbuilder.documents import load_data_paper
from packbuilder.errors import Source, TemplateError
from packbuilder.model import Paper
from packbuilder.render import code_digest, render, rendered_key
from packbuilder.settings import settings
from packbuilder.templates import find_template

EXAMPLE = Path(__file__).resolve().parent.parent / "inputs" / "2020-03-05-safer-plymouth"
REPORT = "performance-report-2016-17.xlsx"


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv("PACKBUILDER_CACHE", str(folder))
    settings.cache_clear()
    yield folder
    settings.cache_clear()


@pytest.fixture
def renders(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    """Every document really rendered (not served from the cache), in order."""
    made: list[Path] = []
    original = render_module._filled

    def filled(template, data, context, out):  # type: ignore[no-untyped-def]
        made.append(out)
        return original(template, data, context, out)

    monkeypatch.setattr(render_module, "_filled", filled)
    return made


def _meeting(folder: Path) -> Path:
    folder.mkdir(parents=True)
    shutil.copy(EXAMPLE / REPORT, folder / REPORT)
    return folder


def _paper(folder: Path) -> Paper:
    path = folder / REPORT
    return load_data_paper(path, Source(path), folder)


def _render(paper: Paper, folder: Path, out: Path) -> Path:
    template = find_template(paper.template or "", folder)
    assert template is not None
    return render(template, paper.data, out)


def _text(document: Path) -> str:
    return " ".join(p.text for p in docx.Document(str(document)).paragraphs) + " ".join(
        cell.text
        for table in docx.Document(str(document)).tables
        for row in table.rows
        for cell in row.cells
    )


def test_a_data_paper_rendered_before_is_served_as_it_was_rendered(
    tmp_path: Path, cache: Path, renders: list[Path]
) -> None:
    folder = _meeting(tmp_path / "meeting")
    first = _render(_paper(folder), folder, tmp_path / "first.docx")
    assert renders == [first]
    assert list((cache / "rendered").rglob("*.docx")), "nothing was kept"

    again = _render(_paper(folder), folder, tmp_path / "again.docx")
    assert renders == [first], "the same paper was rendered again"
    assert again.read_bytes() == first.read_bytes()
    with zipfile.ZipFile(again) as zf:
        assert zf.testzip() is None
        assert [n for n in zf.namelist() if n.startswith("word/media/")], "its charts"

    # a build reads its own copy of the workbook, in a folder of its own: the same paper
    copy = _meeting(tmp_path / "build-copy" / "meeting")
    _render(_paper(copy), copy, tmp_path / "copy.docx")
    assert renders == [first], "a copy of the same workbook elsewhere was rendered again"


def _figure(folder: Path) -> None:
    wb = openpyxl.load_workbook(folder / REPORT)
    ws = wb["Monthly figures"]
    row = next(r for r in ws.iter_rows(min_row=2) if isinstance(r[2].value, int | float))
    row[2].value = row[2].value + 1234
    wb.save(folder / REPORT)


def _template(folder: Path) -> None:
    builtin = find_template("performance-report", folder)
    assert builtin is not None
    (folder / "templates").mkdir()
    document = docx.Document(str(builtin))
    document.add_paragraph("Template revised by the advisor.")
    document.save(str(folder / "templates" / "performance-report.docx"))


def _renamed(folder: Path) -> None:
    # a template that prints a whole record shows the workbook's name (`Source.__repr__`)
    (folder / REPORT).rename(folder / "performance-report-2016-17 (revised).xlsx")


@pytest.mark.parametrize(
    "change",
    [_figure, _template, _renamed],
    ids=["a figure of the workbook", "the template", "the workbook's name"],
)
def test_a_change_to_what_it_is_made_from_renders_it_again(
    tmp_path: Path, cache: Path, renders: list[Path], change
) -> None:
    folder = _meeting(tmp_path / "meeting")
    first = _render(_paper(folder), folder, tmp_path / "first.docx")
    change(folder)
    path = next(folder.glob("*.xlsx"))
    paper = load_data_paper(path, Source(path), folder)
    again = _render(paper, folder, tmp_path / "again.docx")
    assert renders == [first, again]

    # what a render with no cache at all makes
    fresh_cache = tmp_path / "fresh-cache"
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("PACKBUILDER_CACHE", str(fresh_cache))
        settings.cache_clear()
        fresh = _render(paper, folder, tmp_path / "fresh.docx")
    settings.cache_clear()
    assert rendered_key(again) == rendered_key(fresh)
    if change is not _renamed:  # (the example's template prints no record whole)
        assert rendered_key(again) != rendered_key(first)
    if change is _template:
        assert "Template revised by the advisor." in _text(again)


def test_new_code_or_new_fonts_render_it_again(
    tmp_path: Path, cache: Path, renders: list[Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = _meeting(tmp_path / "meeting")
    _render(_paper(folder), folder, tmp_path / "a.docx")
    monkeypatch.setattr(render_module, "_render_code", lambda: b"another packbuilder")
    _render(_paper(folder), folder, tmp_path / "b.docx")
    monkeypatch.setattr(render_module, "fonts_signature", lambda: b"a font installed since")
    _render(_paper(folder), folder, tmp_path / "c.docx")
    _render(_paper(folder), folder, tmp_path / "d.docx")
    assert [p.name for p in renders] == ["a.docx", "b.docx", "c.docx"]


def test_the_code_digest_covers_every_module_and_installed_distribution(tmp_path: Path) -> None:
    package = tmp_path / "pkg"
    (package / "kinds").mkdir(parents=True)
    (package / "kinds" / "report.py").write_text("WIDTH = 1\n")
    (package / "charts.py").write_text("DPI = 200\n")
    site = tmp_path / "site"
    (site / "matplotlib-3.9.0.dist-info").mkdir(parents=True)
    before = code_digest(package, [str(site)])
    assert code_digest(package, [str(site)]) == before

    (package / "kinds" / "report.py").write_text("WIDTH = 2\n")
    after_module = code_digest(package, [str(site)])
    assert after_module != before
    (site / "matplotlib-3.9.0.dist-info").rename(site / "matplotlib-3.10.1.dist-info")
    after_upgrade = code_digest(package, [str(site)])
    assert after_upgrade != after_module
    (package / "new.py").write_text("")
    assert code_digest(package, [str(site)]) != after_upgrade


def test_a_damaged_entry_is_rendered_again(
    tmp_path: Path, cache: Path, renders: list[Path]
) -> None:
    folder = _meeting(tmp_path / "meeting")
    first = _render(_paper(folder), folder, tmp_path / "first.docx")
    (entry,) = (cache / "rendered").rglob("*.docx")
    damaged = bytearray(entry.read_bytes())
    damaged[len(damaged) // 2] ^= 0xFF
    entry.write_bytes(bytes(damaged))
    again = _render(_paper(folder), folder, tmp_path / "again.docx")
    assert renders == [first, again]
    assert rendered_key(again) == rendered_key(first)


def test_a_failed_render_is_not_kept(tmp_path: Path, cache: Path, renders: list[Path]) -> None:
    folder = _meeting(tmp_path / "meeting")
    (folder / "templates").mkdir()
    document = docx.Document()
    document.add_paragraph("{{ no_such_value }}")
    document.save(str(folder / "templates" / "performance-report.docx"))
    for name in ("a.docx", "b.docx"):
        with pytest.raises(TemplateError, match="no_such_value"):
            _render(_paper(folder), folder, tmp_path / name)
    assert len(renders) == 2
    assert not list((cache / "rendered").rglob("*.docx"))


def test_a_model_that_cannot_be_pickled_is_rendered_every_time(
    tmp_path: Path, cache: Path, renders: list[Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    def refuse(self, obj):  # type: ignore[no-untyped-def]
        raise TypeError("cannot pickle this")

    monkeypatch.setattr(render_module._Pickler, "dump", refuse)
    folder = _meeting(tmp_path / "meeting")
    _render(_paper(folder), folder, tmp_path / "a.docx")
    _render(_paper(folder), folder, tmp_path / "b.docx")
    assert len(renders) == 2
    assert not (cache / "rendered").exists()
