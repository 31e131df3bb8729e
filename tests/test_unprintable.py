"""Characters no installed font has are pointed out, naming the paper or the cell.

This machine's fonts (DejaVu, Liberation, OpenSymbol) have no Chinese, Japanese or Korean and no
emoji: LibreOffice prints those as empty boxes (seen in a pack drawn by pdftoppm), while the
PDF's text still holds them. The check asks fontconfig, as LibreOffice finds its fonts through
it; the first test says that what the others stand on holds here.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import docx
import pytest

from packbuilder import unprintable
from packbuilder.meeting import load_meeting
from tests.factory import make_meeting, run_cli

CJK = "会议纪要"
KOREAN = "회의록"
EMOJI = "\U0001f3e0"  # a house
DRAWN = "✓ café – “quoted” € ŵ"  # a tick DejaVu has; Latin, punctuation, Welsh


def _installed(text: str) -> bool:
    out = subprocess.run(
        ["fc-list", f":charset={ord(text[0]):x}"], capture_output=True, text=True, check=True
    )
    return bool(out.stdout.strip())


def report(path: Path, *lines: str) -> Path:
    d = docx.Document()
    for line in lines:
        d.add_paragraph(line)
    d.save(path)
    return path


def test_this_machine_has_no_font_for_the_characters_used_here() -> None:
    # what the tests below stand on: if a CJK font is ever installed here, they mean nothing
    assert not _installed(CJK) and not _installed(EMOJI) and _installed("✓")


@pytest.mark.parametrize(
    ("text", "found"),
    [
        (f"Summary: {CJK} and {KOREAN}", CJK + KOREAN),
        (f"Home {EMOJI}", EMOJI),
        (DRAWN, ""),
        ("zero\u200bwidth space, no-break\u00a0space", ""),  # invisible: nothing to draw
    ],
)
def test_the_characters_no_font_has_are_found(text: str, found: str) -> None:
    assert unprintable.unprintable(unprintable.unusual(text)) == found


def test_warning_lists_the_characters_and_the_package(tmp_path: Path) -> None:
    said = unprintable.described(CJK + EMOJI)
    assert said.startswith(
        f"has characters no font on this server has, which the pack prints as empty boxes: "
        f"会, 议, 纪, 要, {EMOJI} (Chinese, Japanese or Korean and emoji); "
    )
    assert said.endswith(
        "font packages fonts-noto-cjk and fonts-noto-color-emoji installed on the server"
    )
    many = unprintable.described("一二三四五六七八九十百千")
    assert "九, 十 and 2 more (" in many and "package fonts-noto-cjk installed" in many


@pytest.mark.libreoffice
def test_build_and_check_warn_of_a_word_paper_whose_characters_print_as_boxes(
    tmp_path: Path,
) -> None:
    folder = make_meeting(
        tmp_path / "m",
        items=[{"title": "Community languages", "papers": ["Translations.docx"]}],
        papers={},
    )
    report(folder / "Translations.docx", f"Summary in Chinese: {CJK}.", DRAWN, f"Home {EMOJI}")
    result = run_cli("build", str(folder), "--output", str(tmp_path / "out"), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    said = " ".join(result.stderr.split())
    assert (
        f"warning: Translations.docx: has characters no font on this server has, which the pack "
        f"prints as empty boxes: 会, 议, 纪, 要, {EMOJI} (Chinese, Japanese or Korean and emoji)"
    ) in said
    assert "✓" not in said.split("empty boxes:")[1].split("(")[0]
    checked = run_cli("check", str(folder), cwd=tmp_path)
    assert "Translations.docx: has characters no font on this server has" in " ".join(
        (checked.stdout + checked.stderr).split()
    )


def test_a_papers_characters_are_read_once_per_content(tmp_path: Path, monkeypatch) -> None:
    from packbuilder import meeting

    paper = report(tmp_path / "Translations.docx", f"Summary: {CJK}")
    first = meeting.word_checks(paper)
    assert first.unusual == CJK
    monkeypatch.setattr(meeting, "paper_characters", lambda _p: pytest.fail("read again"))
    assert meeting.word_checks(paper).unusual == CJK  # remembered with its other checks


def test_a_paper_with_its_fonts_embedded_is_not_pointed_out(tmp_path: Path) -> None:
    import zipfile

    paper = report(tmp_path / "Embedded.docx", f"Summary: {CJK}")
    with zipfile.ZipFile(paper, "a") as zf:
        zf.writestr("word/fonts/font1.odttf", b"\0" * 64)
    assert unprintable.paper_characters(paper) == ""


def test_a_workbook_cell_whose_characters_print_as_boxes_is_named(tmp_path: Path) -> None:
    folder = make_meeting(
        tmp_path / "m",
        items=[{"title": "Apologies"}, {"title": f"Welcome to our {KOREAN} guests"}],
    )
    notices = [n for n in load_meeting(folder).notices if "empty boxes" in n]
    assert notices == [
        f"{folder / 'meeting.xlsx'}, sheet Agenda, cell B3: {unprintable.described(KOREAN)}"
    ]


def test_nothing_is_said_once_the_fonts_are_installed(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(unprintable, "_fonts_key", lambda chars: f"installed-{chars}")
    monkeypatch.setattr(unprintable, "_covered", lambda _fonts: [(0, 0x10FFFF)])
    assert unprintable.unprintable(CJK) == ""


def test_a_font_installed_since_converts_the_papers_again(tmp_path: Path, monkeypatch) -> None:
    """A paper converted with boxes is in the conversion cache: once the font package is
    installed (a font folder changes), it is converted again, and shows its characters."""
    from packbuilder.convert.cache import CachingConverter
    from tests.fakes import FakeConverter

    paper = report(tmp_path / "Translations.docx", f"Summary: {CJK}")
    inner = FakeConverter()
    cache = CachingConverter(inner, tmp_path / "cache")
    cache.convert([paper], tmp_path / "a")
    cache.convert([paper], tmp_path / "b")
    assert len(inner.calls) == 1
    fonts = tmp_path / "fonts"
    (fonts / "truetype").mkdir(parents=True)
    monkeypatch.setattr(unprintable, "FONT_FOLDERS", (fonts,))
    monkeypatch.setattr(unprintable, "_SIGNATURE", [])
    cache.convert([paper], tmp_path / "c")
    assert len(inner.calls) == 2  # (the fonts read anew: another signature)
    (fonts / "truetype" / "noto").mkdir()  # a font package installed
    monkeypatch.setattr(unprintable, "_SIGNATURE", [])
    cache.convert([paper], tmp_path / "d")
    cache.convert([paper], tmp_path / "e")
    assert len(inner.calls) == 3


def test_a_long_running_caller_sees_a_font_installed_since(tmp_path: Path, monkeypatch) -> None:
    """The web page's process lives for weeks: fontconfig is asked again once a font folder
    changes, not only once per process."""
    fonts = tmp_path / "fonts"
    (fonts / "truetype").mkdir(parents=True)
    monkeypatch.setattr(unprintable, "FONT_FOLDERS", (fonts,))
    monkeypatch.setattr(unprintable, "_SIGNATURE", [])
    assert unprintable.unprintable(CJK) == CJK
    real = subprocess.run

    def with_cjk(args, **kwargs):  # type: ignore[no-untyped-def]
        done = real(args, **kwargs)
        return subprocess.CompletedProcess(args, 0, done.stdout + "4e00-9fff\n", "")

    monkeypatch.setattr(unprintable.subprocess, "run", with_cjk)
    (fonts / "truetype" / "noto").mkdir()  # fonts-noto-cjk installed
    monkeypatch.setattr(unprintable, "_SIGNATURE", [])
    assert unprintable.unprintable(CJK) == ""
