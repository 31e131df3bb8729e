"""A build reads each paper's bytes once (`packbuilder.snapshots`): a paper saved, swapped for a
link or overwritten after loading checked it reaches no pack unchecked (found by a review of the
build as an attacker who can write to the meeting folder while a build runs)."""

from __future__ import annotations

import os
import threading
import zipfile
from pathlib import Path

import pikepdf
import pytest
from pypdf import PdfReader

import packbuilder.build as build_module
from packbuilder import snapshots
from packbuilder.build import build
from packbuilder.errors import InputError, PackError, Source
from packbuilder.meeting import load_meeting
from packbuilder.schedule import State, build_state
from packbuilder.settings import settings
from tests.factory import make_meeting, write_docx, write_pdf
from tests.fakes import FakeConverter
from tests.test_network import linked_image_docx


@pytest.fixture(autouse=True)
def own_cache(tmp_path, monkeypatch):  # type: ignore[no-untyped-def]
    monkeypatch.setenv("PACKBUILDER_CACHE", str(tmp_path / "cache"))
    settings.cache_clear()
    yield
    monkeypatch.undo()
    settings.cache_clear()


def _text(pack: Path) -> str:
    return " ".join(" ".join(p.extract_text() or "" for p in PdfReader(pack).pages).split())


def _outline(pack: Path) -> list[str]:
    with pikepdf.open(pack) as pdf, pdf.open_outline() as outline:
        found: list[str] = []

        def walk(items):  # type: ignore[no-untyped-def]
            for item in items:
                found.append(str(item.title))
                walk(item.children)

        walk(outline.root)
        return found


def _meeting(tmp_path: Path) -> Path:
    folder = make_meeting(
        tmp_path / "2020-03-05-board",
        items=[
            {"title": "Report", "papers": ["pub.pdf"]},
            {"title": "Contract", "papers": ["tender.pdf"], "exempt paragraph": 3},
        ],
    )
    write_pdf(folder / "pub.pdf", 2, label="PUBLIC REPORT")
    write_pdf(folder / "tender.pdf", 2, label="EXEMPT TENDER")
    return folder


def _after_loading(monkeypatch, change):  # type: ignore[no-untyped-def]
    """Run `change` once the meeting is loaded (every paper checked), before the packs are made."""
    real = build_module.plan_packs

    def plan(meeting):  # type: ignore[no-untyped-def]
        change()
        return real(meeting)

    monkeypatch.setattr(build_module, "plan_packs", plan)


def _public(result) -> Path:  # type: ignore[no-untyped-def]
    return next(p.path for p in result.packs if p.public)


def test_a_paper_overwritten_with_an_exempt_paper_after_loading_stays_what_was_checked(
    tmp_path, monkeypatch
):
    folder = _meeting(tmp_path)

    def overwrite() -> None:
        with open(folder / "pub.pdf", "r+b") as fh:  # in place: same file, same name
            fh.write((folder / "tender.pdf").read_bytes())
            fh.truncate()

    _after_loading(monkeypatch, overwrite)
    result = build(folder, tmp_path / "out", converter=FakeConverter())
    text = _text(_public(result))
    assert "PUBLIC REPORT" in text and "EXEMPT TENDER" not in text
    assert not any("EXEMPT" in title for title in _outline(_public(result)))


def test_a_paper_swapped_for_a_link_outside_the_folder_after_loading_is_not_followed(
    tmp_path, monkeypatch
):
    folder = _meeting(tmp_path)
    outside = write_pdf(tmp_path / "outside.pdf", 2, label="OUTSIDE SECRET")

    def swap() -> None:
        (folder / "pub.pdf").unlink()
        (folder / "pub.pdf").symlink_to(outside)

    _after_loading(monkeypatch, swap)
    result = build(folder, tmp_path / "out", converter=FakeConverter())
    for pack in result.packs:
        assert "OUTSIDE SECRET" not in _text(pack.path)


def test_a_word_paper_saved_with_a_link_after_loading_never_reaches_the_converter(
    tmp_path, monkeypatch
):
    folder = make_meeting(
        tmp_path / "2020-03-05-board", items=[{"title": "Report", "papers": ["report.docx"]}]
    )
    write_docx(folder / "report.docx", 2)
    linked = linked_image_docx(tmp_path / "linked.docx", "file:///etc/hostname").read_bytes()
    seen: list[bool] = []

    class Watching(FakeConverter):
        def convert(self, documents, outdir, *, sources=None):  # type: ignore[no-untyped-def]
            for doc in documents:
                with zipfile.ZipFile(doc) as z:
                    rels = [z.read(n) for n in z.namelist() if n.endswith(".rels")]
                seen.append(any(b'TargetMode="External"' in r for r in rels))
            return super().convert(documents, outdir, sources=sources)

    _after_loading(monkeypatch, lambda: (folder / "report.docx").write_bytes(linked))
    build(folder, tmp_path / "out", converter=Watching())
    assert seen and not any(seen), "a Word paper reached LibreOffice unchecked"


def test_a_paper_saved_during_a_build_leaves_its_packs_stale(tmp_path, monkeypatch):
    # the record of the inputs is of what the build read: the next scheduled run builds again
    folder = _meeting(tmp_path)
    _after_loading(monkeypatch, lambda: write_pdf(folder / "pub.pdf", 2, label="CORRECTED REPORT"))
    result = build(folder, tmp_path / "out", converter=FakeConverter())
    assert "PUBLIC REPORT" in _text(_public(result))
    monkeypatch.undo()
    state, _ = build_state(load_meeting(folder), tmp_path / "out")
    assert state is State.STALE


@pytest.mark.parametrize("ahead", [False, True], ids=["taken", "begun ahead"])
def test_a_copy_is_taken_of_the_file_opened_not_of_where_its_name_points(tmp_path, ahead):
    folder = tmp_path / "meeting"
    folder.mkdir()
    outside = write_pdf(tmp_path / "outside.pdf", 1, label="OUTSIDE")
    (folder / "link.pdf").symlink_to(outside)
    inside = write_pdf(folder / "inside.pdf", 1, label="INSIDE")
    (folder / "inner-link.pdf").symlink_to(inside)
    taken = snapshots.Snapshots(folder, tmp_path / "copies")
    if ahead:  # as a build does: copied in the background, told against the cell when taken
        taken.ahead([folder / "link.pdf", folder / "inner-link.pdf"])
    cell = Source(folder / "meeting.xlsx", "Agenda", "F2")
    with pytest.raises(InputError) as caught:
        taken.take(folder / "link.pdf", cell)
    assert "points outside the meeting folder" in str(caught.value)
    assert caught.value.source == cell
    copy = taken.take(folder / "inner-link.pdf", cell)  # a link inside the folder is fine
    assert copy.read_bytes() == inside.read_bytes() and copy.name == "inner-link.pdf"
    assert taken.take(folder / "inner-link.pdf", cell) == copy  # once per paper
    taken.close()
    assert not list((tmp_path / "copies").rglob("link.pdf"))  # nothing of outside was copied


def test_a_build_copies_each_paper_once_and_ahead_of_its_checks(tmp_path, monkeypatch):
    folder = _meeting(tmp_path)
    copies: list[tuple[str, str]] = []
    real = snapshots._copy

    def spy(path, copy, where):  # type: ignore[no-untyped-def]
        copies.append((path.name, threading.current_thread().name))
        return real(path, copy, where)

    monkeypatch.setattr(snapshots, "_copy", spy)
    result = build(folder, tmp_path / "out", converter=FakeConverter())
    assert sorted(name for name, _ in copies) == ["pub.pdf", "tender.pdf"]
    assert all(thread.startswith("snapshot") for _, thread in copies), copies
    assert "PUBLIC REPORT" in _text(_public(result))


@pytest.mark.parametrize("ahead", [False, True], ids=["taken", "begun ahead"])
def test_a_named_pipe_in_a_papers_place_is_refused_without_waiting(tmp_path, ahead):
    folder = tmp_path / "meeting"
    folder.mkdir()
    os.mkfifo(folder / "pipe.pdf")
    taken = snapshots.Snapshots(folder, tmp_path / "copies")
    if ahead:
        taken.ahead([folder / "pipe.pdf"])
    with pytest.raises(InputError, match="is not a file"):
        taken.take(folder / "pipe.pdf", Source(folder / "meeting.xlsx", "Agenda", "F2"))


def test_a_problem_found_in_the_copy_names_the_paper(tmp_path):
    folder = _meeting(tmp_path)
    data = (folder / "pub.pdf").read_bytes()
    (folder / "pub.pdf").write_bytes(data[: len(data) // 3])  # cut short
    with pytest.raises(PackError) as caught:
        build(folder, tmp_path / "out", converter=FakeConverter())
    message = str(caught.value)
    assert "pub.pdf" in message and "papers" + os.sep not in message, message
    assert str(tmp_path / "out") not in message


@pytest.mark.parametrize("how", ["in place", "saved under its name"])
def test_word_checks_are_remembered_only_of_the_bytes_they_read(tmp_path, monkeypatch, how):
    # `check` reads papers where they are: a paper changed between its hash and its checks must
    # not have the checks of other bytes remembered under its hash
    from packbuilder import meeting

    paper = linked_image_docx(tmp_path / "report.docx", "file:///etc/hostname")
    linked = paper.read_bytes()
    clean = write_docx(tmp_path / "clean.docx", 2).read_bytes()
    real = meeting._check_word

    def check(path):  # type: ignore[no-untyped-def]
        if how == "in place":
            path.write_bytes(clean)
        else:
            (tmp_path / "new.docx").write_bytes(clean)
            (tmp_path / "new.docx").replace(path)
        return real(path)

    monkeypatch.setattr(meeting, "_check_word", check)
    meeting.check_word_paper(paper)  # the clean bytes were checked
    monkeypatch.setattr(meeting, "_check_word", real)
    paper.write_bytes(linked)
    with pytest.raises(InputError, match="outside the meeting folder"):
        meeting.check_word_paper(paper)


@pytest.mark.parametrize("kind", ["folder", "named pipe"])
def test_a_paper_that_is_not_a_file_is_refused_by_check_and_build(tmp_path, kind):
    import subprocess
    import sys

    folder = make_meeting(
        tmp_path / "2020-03-05-board", items=[{"title": "R", "papers": ["x.pdf"]}]
    )
    if kind == "folder":
        (folder / "x.pdf").mkdir()
    else:
        os.mkfifo(folder / "x.pdf")
    for command in ("check", "build"):
        done = subprocess.run(
            [
                sys.executable,
                "-m",
                "packbuilder",
                command,
                str(folder),
                *(["-o", str(tmp_path / "out")] if command == "build" else []),
            ],
            capture_output=True,
            text=True,
            timeout=120,  # a named pipe once made `check` wait for ever
            cwd=Path(__file__).resolve().parent.parent,
        )
        assert done.returncode == 1, done.stderr
        assert "cell F2: paper 'x.pdf' is not a file" in done.stderr, done.stderr
        assert "Traceback" not in done.stderr


@pytest.mark.parametrize("ahead", [False, True], ids=["taken", "begun ahead"])
def test_a_folder_in_a_papers_place_is_not_copied(tmp_path, ahead):
    folder = tmp_path / "meeting"
    (folder / "dir.pdf").mkdir(parents=True)
    taken = snapshots.Snapshots(folder, tmp_path / "copies")
    if ahead:
        taken.ahead([folder / "dir.pdf"])
    with pytest.raises(InputError, match="is not a file"):
        taken.take(folder / "dir.pdf", Source(folder / "meeting.xlsx", "Agenda", "F2"))


def _kept(tmp_path: Path) -> list[Path]:
    return sorted((tmp_path / "cache" / snapshots.PAPERS).rglob("*.pdf"))


def _taker(folder: Path, scratch: Path, paper: Path):  # type: ignore[no-untyped-def]
    """Take `paper` as a build of its own would: `take("first")` copies it into `scratch/first`."""
    cell = Source(folder / "meeting.xlsx", "Agenda", "F2")

    def take(into: str) -> Path:
        taken = snapshots.Snapshots(folder, scratch / into)
        try:
            return taken.take(paper, cell)
        finally:
            taken.close()

    return take


def test_a_rebuild_links_an_unchanged_pdf_to_its_kept_copy_and_copies_a_changed_one(tmp_path):
    """A build keeps its copy of each PDF paper in the cache folder, named by the sha256 of its
    bytes; the next build reads the paper, and an unchanged one becomes that kept copy (no
    bytes copied again), a changed one is copied and kept in its turn."""
    import hashlib

    folder = tmp_path / "meeting"
    folder.mkdir()
    paper = write_pdf(folder / "report.pdf", 2, label="FIRST VERSION")
    take = _taker(folder, tmp_path, paper)
    first = take("first")
    first_sha = hashlib.sha256(paper.read_bytes()).hexdigest()
    (kept,) = _kept(tmp_path)
    assert kept.name == f"{first_sha}.pdf"
    assert kept.stat().st_ino == first.stat().st_ino  # linked, not copied
    second = take("second")
    assert second.stat().st_ino == kept.stat().st_ino
    assert hashlib.sha256(second.read_bytes()).hexdigest() == first_sha
    assert build_module.file_hash(second) == first_sha
    write_pdf(paper, 3, label="SECOND VERSION")  # saved in place
    third = take("third")
    assert third.stat().st_ino != kept.stat().st_ino
    assert third.read_bytes() == paper.read_bytes()
    third_sha = hashlib.sha256(paper.read_bytes()).hexdigest()
    assert build_module.file_hash(third) == third_sha
    assert [p.name for p in _kept(tmp_path)] == sorted([f"{first_sha}.pdf", f"{third_sha}.pdf"])
    assert "SECOND VERSION" in _text(third) and "FIRST VERSION" in _text(second)


def test_an_unchanged_paper_is_compared_with_its_kept_copy_not_hashed(tmp_path, monkeypatch):
    """A rebuild finds the kept copy a paper's bytes were last hashed into (as they were copied,
    or read) by the paper's times (`digests.paper_hint`) and compares the two byte for byte
    instead of hashing the paper; a paper whose hint is wrong (written since, its times as they
    were, or the hint itself damaged) is hashed, and becomes the copy of what it holds now."""
    import hashlib

    from packbuilder import digests

    folder = tmp_path / "meeting"
    folder.mkdir()
    paper = write_pdf(folder / "report.pdf", 2, label="FIRST VERSION")
    take = _taker(folder, tmp_path, paper)
    hashed: list[int] = []
    real = snapshots._read_digest

    def counted(fh):  # type: ignore[no-untyped-def]
        hashed.append(1)
        return real(fh)

    monkeypatch.setattr(snapshots, "_read_digest", counted)

    first = take("first")  # copied (hashed as it is copied) and kept, its digest noted
    first_sha = hashlib.sha256(paper.read_bytes()).hexdigest()
    digests._known.clear()  # (as a new process finds it: in the cache folder)
    second = take("second")
    third = take("third")
    assert hashed == [], "an unchanged paper was hashed again"
    assert first.stat().st_ino == second.stat().st_ino == third.stat().st_ino  # the kept copy
    assert build_module.file_hash(third) == first_sha

    # rewritten in place, same length, times put back as they were: the hint is now wrong
    st = paper.stat()
    data = bytearray(paper.read_bytes())
    at = data.index(b"FIRST")
    data[at : at + 5] = b"FRIST"
    with open(paper, "r+b") as fh:
        fh.write(data)
    os.utime(paper, ns=(st.st_atime_ns, st.st_mtime_ns))
    fourth = take("fourth")  # (its status-change time moved: no hint)
    assert len(hashed) == 1
    assert fourth.read_bytes() == bytes(data)
    # a hint that names the first version's kept copy, as long as the paper now: compared,
    # found different, hashed; and the kept copy of the bytes hashed, linked and hashed too (a
    # kept copy is never taken on its name alone: `_holds`)
    hint = ("paper", *digests.stamp(paper.stat()))
    digests._remember(hint, first_sha)
    fifth = take("fifth")
    assert len(hashed) == 3
    assert fifth.stat().st_ino == fourth.stat().st_ino
    assert fifth.read_bytes() == bytes(data)
    assert build_module.file_hash(fifth) == hashlib.sha256(data).hexdigest()
    assert "FRIST VERSION" in _text(fifth)
    # a hint naming a kept copy that is not there (pruned)
    digests._remember(hint, "0" * 64)
    take("sixth")
    assert len(hashed) == 5  # (the paper hashed, then the kept copy of its bytes, linked)


def test_where_the_cache_cannot_be_linked_to_papers_are_copied(tmp_path, monkeypatch):
    """A cache folder on another file system than the build's scratch folder: nothing is
    kept, and a paper kept before cannot be linked to either: every paper is copied."""
    import errno

    folder = _meeting(tmp_path)
    build(folder, tmp_path / "out", converter=FakeConverter())
    assert len(_kept(tmp_path)) == 2
    links: list[object] = []

    def cannot(*args):  # type: ignore[no-untyped-def]
        links.append(args)
        raise OSError(errno.EXDEV, "Invalid cross-device link")

    monkeypatch.setattr(snapshots.os, "link", cannot)
    write_pdf(folder / "pub.pdf", 3, label="PUBLIC REPORT REVISED")
    result = build(folder, tmp_path / "out", converter=FakeConverter())
    assert "PUBLIC REPORT REVISED" in _text(_public(result))
    assert links  # (tried, for the unchanged exempt paper)
    assert len(_kept(tmp_path)) == 2  # the revised paper could not be kept


def test_two_papers_with_the_same_bytes_keep_their_digests_known(tmp_path):
    """Two papers with the same bytes are two links to one kept copy: each link moves the
    copy's status-change time, and the digest of the other name stays known (it is not hashed
    again by every later step of the build)."""
    from packbuilder import digests

    folder = tmp_path / "meeting"
    folder.mkdir()
    first = write_pdf(folder / "first.pdf", 2, label="SAME")
    (folder / "second.pdf").write_bytes(first.read_bytes())
    cell = Source(folder / "meeting.xlsx", "Agenda", "F2")
    for build_number in range(2):  # the first keeps the copy, the second links to it
        taken = snapshots.Snapshots(folder, tmp_path / f"copies{build_number}")
        taken.ahead([folder / "first.pdf", folder / "second.pdf"])
        copies = [taken.take(folder / name, cell) for name in ("first.pdf", "second.pdf")]
        taken.close()
        for copy in copies:
            with open(copy, "rb") as fh:
                assert digests.copy_digest(copy, fh) is not None, (build_number, copy.name)
    assert copies[0].stat().st_ino == copies[1].stat().st_ino
