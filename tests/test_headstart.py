"""Work done ahead in a process of its own beside a busy build (`headstart`): only ever a head
start. The build finds what the child did (a passed check remembered by content, a repaired PDF
marked) and does the rest itself; what the child could not do, the build reports as before."""

from __future__ import annotations

from pathlib import Path

import pytest

from packbuilder import pdf as pdfmod
from packbuilder.errors import InputError
from packbuilder.headstart import check_elsewhere, unseen_elsewhere
from packbuilder.meeting import _word_checks_version, check_word_paper
from tests.factory import write_docx
from tests.test_network import linked_image_docx

NOTHING_FOUND = {"alt": 0, "tracked": False, "paper": "", "cropped": 0, "unusual": ""}


def _remembered(path: Path) -> object:
    key = pdfmod.content_key(path)
    return pdfmod.recall(pdfmod.remembered_by_key(key, "word", _word_checks_version()))


def test_a_word_paper_checked_ahead_is_not_checked_again(tmp_path, monkeypatch):
    paper = write_docx(tmp_path / f"report {tmp_path.name}.docx", 3)
    assert _remembered(paper) is None
    check_elsewhere([paper])
    # by the child, in the same cache
    assert _remembered(paper) == NOTHING_FOUND

    def checked_again(*_a, **_k):  # type: ignore[no-untyped-def]
        raise AssertionError("checked again")

    monkeypatch.setattr("packbuilder.meeting._check_word", checked_again)
    assert check_word_paper(paper) == 0


def test_a_word_paper_that_fails_ahead_is_refused_by_the_build_itself(tmp_path):
    paper = linked_image_docx(tmp_path / "linked.docx", "http://127.0.0.1:9/picture.png")
    check_elsewhere([paper])
    assert _remembered(paper) is None  # a failure is never remembered
    with pytest.raises(InputError) as caught:
        check_word_paper(paper)
    assert "linked.docx" in str(caught.value.source)


def test_the_build_checks_its_word_papers_ahead_only_while_it_checks_pdf_papers(
    tmp_path, monkeypatch
):
    from packbuilder.build import build
    from tests.factory import make_meeting, write_pdf
    from tests.fakes import FakeConverter

    papers = {"report.docx": 2, "appendix.pdf": 2}
    folder = make_meeting(
        tmp_path / "2020-03-05-board",
        items=[{"title": "Report", "papers": list(papers)}],
        papers=papers,
    )
    write_pdf(folder / "appendix.pdf", 2, label=f"unique to {tmp_path.name}")
    ahead: list[list[str]] = []
    monkeypatch.setattr(
        "packbuilder.papers.check_elsewhere", lambda docs: ahead.append([p.name for p in docs])
    )
    build(folder, tmp_path / "out", converter=FakeConverter())
    assert ahead == [["0000.docx"]]  # the copy LibreOffice is given
    build(folder, tmp_path / "out2", converter=FakeConverter())  # the PDF is known now
    assert ahead == [["0000.docx"]]


def test_the_child_runs_this_packbuilder_not_one_in_the_current_folder(tmp_path, monkeypatch):
    # `python -m` would put the current folder first: a checkout of another version there
    # would repair (and mark repaired) the build's PDFs with its own code
    impostor = tmp_path / "packbuilder"
    impostor.mkdir()
    (impostor / "__init__.py").write_text("")
    (impostor / "headstart.py").write_text(
        "import sys, pathlib\\nfor a in sys.argv[2:]: pathlib.Path(a).write_text('impostor')\\n"
    )
    paper = write_docx(tmp_path / f"paper {tmp_path.name}.docx", 2)
    before = paper.read_bytes()
    monkeypatch.chdir(tmp_path)
    check_elsewhere([paper])
    assert paper.read_bytes() == before
    # checked by the real one
    assert _remembered(paper) == NOTHING_FOUND


@pytest.mark.parametrize("module", ["tagged", "carried", "undrawn"])
def test_checks_are_keyed_by_the_code_that_learns_the_facts(module: str):
    """What a paper's checks learn is kept with them (the figures' count; the text it carries,
    compared with the exempt papers): learnt by other code, the paper is checked again."""
    import importlib

    changed = Path(importlib.import_module(f"packbuilder.{module}").__file__ or "")
    key = pdfmod._checks_code()
    real = Path.read_bytes

    def other_code(self: Path) -> bytes:
        data = real(self)
        return data + b"# changed" if self == changed else data

    pdfmod._checks_code.cache_clear()
    try:
        with pytest.MonkeyPatch.context() as mp:
            mp.setattr(Path, "read_bytes", other_code)
            assert pdfmod._checks_code() != key
    finally:
        pdfmod._checks_code.cache_clear()


def test_a_pdf_read_ahead_for_hidden_text_is_remembered_there(tmp_path):
    """`unseen_elsewhere`: the child remembers a paper whose words all show; the build's own
    check then finds it so (and one hiding text is left to the build, which refuses it)."""
    from packbuilder import unseen
    from tests.test_unseen import BLACK_BOX, _line, _paper

    good, bad = tmp_path / "good.pdf", tmp_path / "bad.pdf"
    _paper(_line(f"Read ahead {tmp_path.name}")).save(good)
    _paper(_line(f"Hidden ahead {tmp_path.name}") + BLACK_BOX).save(bad)
    unseen_elsewhere([good, bad])
    assert unseen._known_to_show(good)
    assert not unseen._known_to_show(bad)


def test_a_child_stopped_by_a_failed_build_is_killed_with_what_it_runs(tmp_path, monkeypatch):
    """A build that fails stops the child at once, and the programs it started (poppler's) with
    it: none is left running with its scratch folder removed under it."""
    import os
    import sys
    import threading
    import time

    grandchild = tmp_path / "grandchild.pid"
    fake = tmp_path / "python"  # stands for the interpreter: starts a long program, and waits
    fake.write_text(f"#!/bin/sh\nsleep 60 &\necho $! > {grandchild}\nwait\n")
    fake.chmod(0o755)
    monkeypatch.setattr(sys, "executable", str(fake))
    stop = threading.Event()
    threading.Timer(0.5, stop.set).start()
    started = time.monotonic()
    unseen_elsewhere([tmp_path / "paper.pdf"], stop)
    assert time.monotonic() - started < 5
    pid = int(grandchild.read_text())
    for _ in range(50):  # (reaped by init once killed)
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            break
        time.sleep(0.1)
    else:
        os.kill(pid, 9)
        raise AssertionError("the child's own program was left running")
