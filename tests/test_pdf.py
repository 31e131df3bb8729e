"""Reading papers: the page count the layout uses is the one the assembler copies."""

from __future__ import annotations

import re

import pytest

from packbuilder.errors import AssemblyError, InputError
from packbuilder.pdf import PackWriter, Stamp, check_readable, page_count
from tests.factory import write_pdf


def test_a_page_tree_two_readers_count_differently_is_refused(tmp_path):
    # found by `make fuzz`: a page whose /Type is mangled is skipped by one reader and kept by the
    # other, which would put every later stamp and page reference out by a page
    path = write_pdf(tmp_path / "paper.pdf", 2)
    data = re.sub(rb"/Type /Page(?=\s)", b"/Type .Page", path.read_bytes(), count=1)
    path.write_bytes(data)
    with pytest.raises(InputError, match="list of pages is damaged") as caught:
        check_readable(path)
    assert str(caught.value).startswith(f"{path}: ")


def test_counts_agree_on_a_sound_pdf(tmp_path):
    path = write_pdf(tmp_path / "paper.pdf", 3)
    assert check_readable(path) == page_count(path) == 3


def test_a_paper_changed_during_the_build_is_an_error_not_a_wrong_pack(tmp_path):
    # the layout was made for 2 pages; the file now has 3
    path = write_pdf(tmp_path / "paper.pdf", 3)
    with pytest.raises(AssemblyError) as caught:
        PackWriter().add_pdf(path, [[Stamp("Page 1", "bottom-centre")]] * 2)
    message = str(caught.value)
    assert message.startswith(f"{path}: ")  # names the paper
    assert "now has 3 pages, not the 2 counted when the build began" in message
    assert "Build again" in message


def test_a_wrong_page_count_in_the_page_tree_is_one_clear_error(tmp_path):
    # found by `make fuzz` (qpdf may raise a RuntimeError, not a PdfError, on such a page tree)
    path = write_pdf(tmp_path / "paper.pdf", 2)
    data = path.read_bytes().replace(b"%PDF", b"$PDF", 1).replace(b"/Count 2", b".Count 2", 1)
    path.write_bytes(data.replace(b"/Font <<\n/F1", b"/Font <<>\n/F1", 1))
    with pytest.raises(InputError, match="damaged") as caught:
        check_readable(path)
    assert str(caught.value).startswith(f"{path}, page 1: ")
    assert "\n" not in str(caught.value)


def test_a_paper_that_passed_is_not_checked_again_until_its_content_changes(
    tmp_path, monkeypatch
):
    import packbuilder.pdf as pdfmod

    # content of its own: the session's cache may have seen the factory's usual pages
    path = write_pdf(tmp_path / "a.pdf", 3, label=f"unique to {tmp_path.name}")
    calls = []
    real = pdfmod._check_readable
    monkeypatch.setattr(pdfmod, "_check_readable", lambda p, r: calls.append(p) or real(p, r))
    found: list[str] = []
    assert check_readable(path, found) == 3 and check_readable(path, found) == 3
    assert len(calls) == 1, "the unchanged paper was checked twice"
    copy = tmp_path / "copy of a.pdf"  # the same content under another name: its warnings name it
    copy.write_bytes(path.read_bytes())
    assert check_readable(copy) == 3 and len(calls) == 1
    write_pdf(path, 4, label=f"unique to {tmp_path.name}")  # changed content: checked again
    assert check_readable(path) == 4 and len(calls) == 2
    from packbuilder.settings import settings

    for entry in (settings().cache_dir / "checks").rglob("*.json"):
        entry.write_text("not json")  # a damaged cache entry is only a miss
    assert check_readable(path) == 4 and len(calls) == 3


def test_a_failed_check_is_never_remembered(tmp_path):
    path = tmp_path / "bad.pdf"
    path.write_bytes(b"%PDF-1.7 not really")
    for _ in range(2):
        with pytest.raises(InputError):
            check_readable(path)
