"""Faults outside the inputs: an output folder that cannot be written, a full disk, a build killed.

Whatever happens, each pack in the output folder is the last good one or a new complete one, never a
partial file; the manifest is replaced last, so a build stopped half-way is seen as out of date and
built again. (LibreOffice hanging or dying is tested with the converter.)
Tests run as root, for whom chmod does not stop a write: an unwritable output is a path inside a
regular file, and a full disk is an OSError(ENOSPC) injected where the pack is copied out.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import errno
import itertools
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

import pytest
from pypdf import PdfReader

from packbuilder import publish as publish_module
from packbuilder.build import build
from packbuilder.errors import PublishError
from packbuilder.meeting import load_meeting
from packbuilder.publish import STAGING, BuiltPack, current_versions
from packbuilder.versions import edition
from tests.factory import make_meeting, write_pdf

ROOT = Path(__file__).resolve().parent.parent
NAME = "meeting"
PACK = f"{NAME}-agenda-pack.pdf"
MANIFEST = f"packbuilder-{NAME}.json"

pytestmark = pytest.mark.libreoffice


def meeting(tmp_path: Path, venue: str = "Room 1, Council House") -> Path:
    return make_meeting(
        tmp_path / NAME,
        fields={"Venue": venue},
        items=[
            {"title": "Apologies"},
            {"title": "Performance report", "papers": ["report.pdf"]},
            {"title": "Budget", "papers": ["budget.pdf"]},
        ],
        papers={"report.pdf": 3, "budget.pdf": 2},
    )


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file of the output folder and its bytes; the (empty) build lock is not output."""
    return {
        str(p.relative_to(folder)): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and not p.name.endswith(".lock")
    }


def run_cli(
    *args: str, cwd: Path, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    env = dict(env or os.environ, PYTHONPATH=str(ROOT))
    return subprocess.run(
        [sys.executable, "-m", "packbuilder", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        env=env,
        timeout=300,
    )


def test_output_inside_a_file_is_one_clear_line(tmp_path: Path, libreoffice) -> None:
    meeting(tmp_path)
    (tmp_path / "notes.txt").write_text("a file, not a folder")
    result = run_cli("build", NAME, "--output", "notes.txt/packs", cwd=tmp_path)
    assert "Traceback" not in result.stderr
    assert result.returncode == 1
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("error: notes.txt/packs: ")
    assert "output" in lines[0]  # says to look at the output folder
    assert (tmp_path / "notes.txt").read_text() == "a file, not a folder"


@pytest.mark.parametrize("when", ["copying the pack", "flushing the manifest"])
def test_disk_full_keeps_the_previous_pack(
    when: str, tmp_path: Path, monkeypatch, libreoffice
) -> None:
    folder = meeting(tmp_path)
    out = tmp_path / "out"
    build(folder, out, converter=libreoffice)
    before = snapshot(out)
    meeting(tmp_path, venue="Warspite Room, Council House")  # a new version to publish

    def full(*_args, **_kwargs):  # type: ignore[no-untyped-def]
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    if when == "copying the pack":
        real_copy = shutil.copyfile

        def copyfile(src, dst, *args, **kwargs):  # type: ignore[no-untyped-def]
            if ".staging-" in str(dst):
                full()
            return real_copy(src, dst, *args, **kwargs)

        real_rename = os.rename

        def no_move(src, dst, *args, **kwargs):  # type: ignore[no-untyped-def]
            # the scratch folder on another file system: the pack is copied, not moved
            if ".staging-" in str(dst):
                raise OSError(errno.EXDEV, os.strerror(errno.EXDEV))
            return real_rename(src, dst, *args, **kwargs)

        monkeypatch.setattr(publish_module.shutil, "copyfile", copyfile)
        monkeypatch.setattr(publish_module.os, "rename", no_move)
    else:  # a full disk often shows only when the data is flushed
        real_fsync = publish_module._fsync

        def fsync(path: Path) -> None:
            if path.name == "manifest.json":  # the record, written aside before its rename
                full()
            real_fsync(path)

        monkeypatch.setattr(publish_module, "_fsync", fsync)
    with pytest.raises(PublishError) as caught:
        build(folder, out, converter=libreoffice)
    message = str(caught.value)
    assert "disk is full" in message and "previous pack is untouched" in message
    assert "\n" not in message
    assert snapshot(out) == before  # no staging folder left behind either


def test_disk_full_while_assembling_is_one_clear_line(
    tmp_path: Path, monkeypatch, libreoffice
) -> None:
    """The scratch folder can fill up too (a big appendix); that is not a bug in packbuilder."""
    from click.testing import CliRunner

    from packbuilder import cli, pdf

    folder = meeting(tmp_path)
    out = tmp_path / "out"
    build(folder, out, converter=libreoffice)
    before = snapshot(out)
    meeting(tmp_path, venue="Warspite Room, Council House")  # a new version to publish

    def full(*_args, **_kwargs):  # type: ignore[no-untyped-def]
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(pdf.PackWriter, "finish", full)
    result = CliRunner().invoke(cli.cli, ["build", str(folder), "--output", str(out)])
    assert snapshot(out) == before
    assert result.exit_code == 1, result.output
    assert len(result.output.splitlines()) == 1, result.output
    assert result.output.startswith("error: "), result.output
    assert "the disk is full" in result.output and "previous pack is untouched" in result.output


@pytest.mark.parametrize("where", ["rendering a frontsheet", "reading a paper's pages"])
def test_a_full_scratch_disk_is_said_as_such_wherever_it_fills(
    where: str, tmp_path: Path, monkeypatch, libreoffice
) -> None:
    """The scratch folder (TMPDIR) filling up while a template is rendered, or while a paper's
    pages are drawn to look for text they hide, was "a tag in the template failed (OSError:
    [Errno 28] ...); check the tags" of a template the advisor never touched, or "its pages
    could not be read ...; save it again as PDF". It is the disk, said as LibreOffice's full
    disk is: where, and what to do."""
    from click.testing import CliRunner

    from packbuilder import cli, headstart, unseen

    folder = meeting(tmp_path)
    out = tmp_path / "out"
    build(folder, out, converter=libreoffice)
    before = snapshot(out)
    # a new version to publish, with a paper not checked before (its checks are remembered)
    meeting(tmp_path, venue="Warspite Room, Council House")
    write_pdf(folder / "report.pdf", 5, label=f"Report {uuid.uuid4()}")

    if where == "rendering a frontsheet":
        import docxtpl

        def full(*_args, **_kwargs):  # type: ignore[no-untyped-def]
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

        monkeypatch.setattr(docxtpl.DocxTemplate, "save", full)
    else:  # pdftoppm's drawing cut short: only the free space tells why

        def unreadable(*_args, **_kwargs):  # type: ignore[no-untyped-def]
            raise unseen.Unreadable

        monkeypatch.setattr(unseen, "hidden_words", unreadable)
        monkeypatch.setattr(unseen, "free_bytes", lambda _folder: 1024, raising=False)
        # (read here, not first in a process of its own, which the patches do not reach)
        monkeypatch.setattr(headstart, "unseen_elsewhere", lambda *_args: None)
    result = CliRunner().invoke(cli.cli, ["build", str(folder), "--output", str(out)])
    assert result.exit_code == 1, result.output
    lines = result.output.splitlines()
    assert len(lines) == 1, result.output
    assert "the disk holding the scratch folder is full" in lines[0], lines[0]
    assert "template" not in lines[0] and "Errno" not in lines[0]
    assert snapshot(out) == before


def test_stale_staging_of_a_killed_build_is_cleared(tmp_path: Path, libreoffice) -> None:
    folder = meeting(tmp_path)
    out = tmp_path / "out"
    out.mkdir()
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    stale = out / f".staging-{dead.pid}-deadbeef"
    stale.mkdir()
    (stale / PACK).write_bytes(b"%PDF-1.7 half a pack")
    live = out / f".staging-{os.getpid()}-cafecafe"  # a build still running: left alone
    live.mkdir()
    build(folder, out, converter=libreoffice)
    assert not stale.exists()
    assert live.exists()
    assert {p.name for p in out.iterdir() if not p.name.startswith(".")} == {"public", MANIFEST}
    assert [p.name for p in (out / "public").glob("*.pdf")] == [PACK]


class Killed(BaseException):
    """Stands for SIGKILL: not an Exception, so no `except Exception` in the code can swallow it."""


def test_publish_stopped_at_every_step_leaves_old_or_new_packs(  # noqa: C901 - one story
    tmp_path: Path, monkeypatch
) -> None:
    """Stop `publish` at each of its file operations in turn: every pack is old or new, whole."""
    names = [f"{NAME}-agenda-pack-public.pdf", f"{NAME}-agenda-pack-private.pdf"]
    folders = {names[0]: "public", names[1]: "private"}
    old = {n: f"%PDF old {n} ".encode() * 500 for n in names}
    new = {n: f"%PDF new {n} ".encode() * 700 for n in names}
    for version, content in ((1, old), (2, new)):
        (tmp_path / f"v{version}").mkdir()
        for n in names:
            (tmp_path / f"v{version}" / n).write_bytes(content[n])
    meeting = load_meeting(make_meeting(tmp_path / NAME, items=[{"title": "Apologies"}]))
    day = dt.date(2020, 2, 26)

    def packs(version: int, out: Path) -> list[BuiltPack]:
        current = current_versions(out, NAME)
        made = []
        scratch = tmp_path / f"scratch-{out.name}"  # publish moves the packs it is given
        scratch.mkdir()
        for n in names:
            ed = edition(current[n][0] if n in current else None, f"key{version}", day, True)
            path = scratch / n
            path.write_bytes((tmp_path / f"v{version}" / n).read_bytes())
            made.append(BuiltPack(n, n, "public" in n, 1, 0, 0, f"key{version}", ed, path))
        return made

    first = tmp_path / "first"
    publish_module.publish(meeting, packs(1, first), first)
    for n in range(1, 40):  # copied before shutil is patched below
        shutil.copytree(first, tmp_path / f"out{n}")
    steps = {
        "copyfile": publish_module.shutil.copyfile,
        "_fsync": publish_module._fsync,
        "replace": publish_module.os.replace,
        "_fsync_dir": publish_module._fsync_dir,
        "link": publish_module.os.link,
        "rename": publish_module.os.rename,
    }
    calls = 0
    stop_at = 0

    def step(fn, half_copy: bool = False):  # type: ignore[no-untyped-def]
        def wrapped(*args, **kwargs):  # type: ignore[no-untyped-def]
            nonlocal calls
            calls += 1
            if calls == stop_at:
                if half_copy:  # killed in the middle of writing the copy
                    data = Path(args[0]).read_bytes()
                    Path(args[1]).write_bytes(data[: len(data) // 2])
                raise Killed
            return fn(*args, **kwargs)

        return wrapped

    monkeypatch.setattr(publish_module.shutil, "copyfile", step(steps["copyfile"], half_copy=True))
    monkeypatch.setattr(publish_module, "_fsync", step(steps["_fsync"]))
    monkeypatch.setattr(publish_module.os, "replace", step(steps["replace"]))
    monkeypatch.setattr(publish_module, "_fsync_dir", step(steps["_fsync_dir"]))
    monkeypatch.setattr(publish_module.os, "link", step(steps["link"]))
    monkeypatch.setattr(publish_module.os, "rename", step(steps["rename"]))
    for stop_at in itertools.count(1):
        out = tmp_path / f"out{stop_at}"
        calls = 0
        try:
            publish_module.publish(meeting, packs(2, out), out)
        except Killed:
            stopped = True
        else:
            stopped = False
        for n in names:
            assert (out / folders[n] / n).read_bytes() in (old[n], new[n]), f"step {stop_at}"
        visible = {p.name for p in out.iterdir() if not p.name.startswith(".")}
        assert visible <= {"public", "private", "archive", MANIFEST}
        if not stopped:
            break
    assert stop_at > 8  # every step was tried: two copies, their fsyncs, archive links, renames
    for n in names:  # the finished publish kept the first version in the archive
        archived = out / "archive" / n.replace(".pdf", ".v1.pdf")
        assert archived.read_bytes() == old[n]


def _page_texts(path: Path) -> list[str]:
    """The pack's text, without the frontsheet's "Published" line: every finished build of a
    changed meeting is a new version, dated and numbered, so the venue tells the builds apart."""
    texts = [p.extract_text() for p in PdfReader(path).pages]
    texts[0] = re.sub(r"Published .*?(?=Item Subject)", "", texts[0], flags=re.S)
    return texts


def _pids_mentioning(marker: str) -> list[int]:
    """Processes whose command line holds `marker` (our LibreOffice children, left by a kill)."""
    pids = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        if marker in cmdline:
            pids.append(int(entry.name))
    return pids


def _reap_orphans(marker: str, grace: float = 10.0) -> None:
    """LibreOffice runs in a session of its own, so killing the build leaves it to finish alone;
    wait for it, then kill what is left by process id (only processes of this test)."""
    deadline = time.monotonic() + grace
    while _pids_mentioning(marker) and time.monotonic() < deadline:
        time.sleep(0.2)
    for pid in _pids_mentioning(marker):
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)


VENUES = ["Room 1, Council House", "Warspite Room, Council House"]


PUBLISH_STEPS = ["staging made", "manifest staged", "pack replaced"]


def _identity(path: Path) -> tuple[int, int, int] | None:
    try:
        st = path.stat()
    except FileNotFoundError:
        return None
    return (st.st_ino, st.st_size, st.st_mtime_ns)


@dataclass
class KillRig:
    """A meeting whose two venues give two different complete packs, and builds to kill.

    `complete[v]` is the page text of a complete pack of venue v; `current` is the venue of the
    pack in the output folder; `span` follows how long a build takes on this machine now.
    """

    work: Path
    env: dict[str, str]
    complete: list[list[str]]
    span: float
    current: int = 1
    kills: int = 0
    finished: int = 0
    seen: int = 0  # builds killed after the file they were waiting for appeared

    @property
    def out(self) -> Path:
        return self.work / "out"

    @classmethod
    def start(cls, work: Path) -> KillRig:
        tmp = work / "tmp-kill"  # the builds' TMPDIR: its path marks their LibreOffice processes
        tmp.mkdir()
        env = dict(os.environ, TMPDIR=str(tmp), PYTHONPATH=str(ROOT))
        complete = []
        # the first build of each venue converts its frontsheet; the third, timed, is what the
        # builds to kill will be like: both frontsheets are in the conversion cache by then
        for venue in [*VENUES, VENUES[0]]:
            meeting(work, venue)
            started = time.monotonic()
            result = run_cli("build", NAME, "--output", "out", cwd=work, env=env)
            assert result.returncode == 0, result.stderr
            complete.append(_page_texts(work / "out" / "public" / PACK))
        assert complete[0] != complete[1] and complete[2] == complete[0]
        return cls(work, env, complete[:2], span=time.monotonic() - started, current=0)

    def build_and_kill(self, after: float, once: str | None = None) -> None:
        """Start a build that would change the pack, SIGKILL it `after` seconds in (or `after`
        seconds once it has reached a step of publishing, one of PUBLISH_STEPS) unless it has
        finished by then, and check that the output folder holds a whole pack of one build or the
        other.
        """
        meeting(self.work, VENUES[1 - self.current])
        before = _identity(self.out / "public" / PACK)
        proc = subprocess.Popen(
            [sys.executable, "-m", "packbuilder", "build", NAME, "--output", "out"],
            cwd=self.work,
            env=self.env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        launched = time.monotonic()
        if once:
            give_up = launched + 10 * self.span
            while not self._reached(once, proc.pid, before):
                if proc.poll() is not None or time.monotonic() > give_up:
                    break
                time.sleep(0.0002)
            else:
                self.seen += 1
        time.sleep(after)
        if proc.poll() is None:
            proc.send_signal(signal.SIGKILL)
            self.kills += 1
        proc.wait()
        if proc.returncode == 0:
            self.finished += 1
            # builds slow down and speed up with the machine's load: follow them
            self.span = 0.5 * self.span + 0.5 * (time.monotonic() - launched)
        _reap_orphans(self.env["TMPDIR"])
        where = f"killed {after:.2f} s in"
        visible = {p.name for p in self.out.iterdir() if not p.name.startswith(".")}
        assert visible <= {"public", "archive", MANIFEST}, f"{where}: {visible}"
        assert [p.name for p in (self.out / "public").glob("*.pdf")] == [PACK], where
        texts = _page_texts(self.out / "public" / PACK)
        assert texts in self.complete, f"{where}: the pack is not a complete pack of either build"
        self.current = self.complete.index(texts)
        manifest = json.loads((self.out / MANIFEST).read_text())
        assert set(manifest["packs"]) == {PACK}, where

    def _reached(self, step: str, pid: int, before: tuple[int, int, int] | None) -> bool:
        if step == "staging made":  # the packs are being copied into the build's staging folder
            return any(self.out.glob(f"{STAGING}{pid}-*"))
        if step == "manifest staged":  # the packs are copied; next come the renames into place
            return any(self.out.glob(f"{STAGING}{pid}-*/manifest.json"))
        assert step == "pack replaced", step  # the pack in the output folder is not the old one
        return _identity(self.out / "public" / PACK) != before

    def finish(self) -> None:
        """A build after the kills succeeds and clears every killed build's staging folder."""
        final = run_cli("build", NAME, "--output", "out", cwd=self.work, env=self.env)
        assert final.returncode == 0, final.stderr
        assert not list(self.out.glob(".staging-*")), "a killed build's staging folder was left"


# Fixed kill moments: fractions of a build's time (reading, converting, assembling), then each
# step of publishing, which takes a few milliseconds: killed the moment a build reaches it. A
# publish that wrote the pack in place, or renamed it before it was whole, fails here. `make fuzz`
# kills at random moments for longer (tests/fuzz/test_sigkill.py).
KILL_FRACTIONS = [0.1, 0.5, 0.85]


def test_sigkill_at_fixed_moments_never_leaves_a_broken_pack(tmp_path: Path, libreoffice) -> None:
    rig = KillRig.start(tmp_path)
    for fraction in KILL_FRACTIONS:
        rig.build_and_kill(fraction * rig.span)
    for step in PUBLISH_STEPS:
        # a publishing step lasts milliseconds: a build may pass it between two looks, and is
        # then tried again (a few times), so that each step is seen and killed at least once
        for _attempt in range(5):
            seen = rig.seen
            rig.build_and_kill(0.0, once=step)
            if rig.seen > seen:
                break
    print(
        f"sigkill: span {rig.span:.2f} s, {rig.kills} kills ({rig.seen} in publish), "
        f"{rig.finished} finished",
        file=sys.stderr,
    )
    assert rig.kills >= 3, f"builds finished before most kills ({rig.finished} finished)"
    assert rig.seen == len(PUBLISH_STEPS), "a build finished before it was seen publishing"
    rig.finish()


def test_a_pack_that_cannot_be_cleaned_is_not_published(
    tmp_path: Path, monkeypatch, libreoffice
) -> None:
    """If removing active content fails, the build stops and the last good pack stays (issue 12):
    a pack is never published unchecked."""
    from packbuilder import pdf as pdf_module
    from packbuilder.errors import AssemblyError

    folder = meeting(tmp_path)
    out = tmp_path / "out"
    build(folder, out, converter=libreoffice)
    before = snapshot(out)
    meeting(tmp_path, venue="Warspite Room, Council House")  # a new version to publish

    def broken(*_args, **_kwargs):  # type: ignore[no-untyped-def]
        raise RecursionError("too deep")

    monkeypatch.setattr(pdf_module, "sanitize", broken)
    monkeypatch.setattr(pdf_module, "_trial_sanitize", lambda *_a: [])
    with pytest.raises(AssemblyError, match="could not check this PDF for scripts"):
        build(folder, out, converter=libreoffice)
    assert snapshot(out) == before


KILLED_AT_THE_RECORD = """
import datetime as dt, os, sys
from packbuilder import publish
from packbuilder.build import build

real = os.replace
def replace(src, dst, *a, **k):  # killed just before the record goes into place
    if str(dst).endswith(".json") and "packbuilder-" in str(dst):
        os._exit(9)
    return real(src, dst, *a, **k)
publish.os.replace = replace
build(sys.argv[1], sys.argv[2], today=dt.date(2020, 2, 27))
"""


def test_a_build_killed_before_its_record_is_finished_by_the_next(
    tmp_path: Path, libreoffice
) -> None:
    """Killed after its packs were put in place but before its record: the next build puts the
    killed build's record in place (everything it says holds), so the packs keep the version and
    date they went out with, and nothing is archived as a file nobody recorded."""
    folder = meeting(tmp_path)
    out = tmp_path / "out"
    build(folder, out, converter=libreoffice, today=dt.date(2020, 2, 20))
    first = (out / "public" / PACK).read_bytes()
    meeting(tmp_path, venue="Warspite Room")  # version 2, published by the killed build
    killed = subprocess.run(
        [sys.executable, "-c", KILLED_AT_THE_RECORD, str(folder), str(out)],
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert killed.returncode == 9, killed.stderr
    second = (out / "public" / PACK).read_bytes()
    assert second != first and list(out.glob(f"{STAGING}*"))  # in place, its record not
    again = build(folder, out, converter=libreoffice, today=dt.date(2020, 3, 2))
    (pack,) = again.packs
    assert (pack.version, pack.published, pack.unchanged) == (2, dt.date(2020, 2, 27), True)
    assert (out / "public" / PACK).read_bytes() == second
    assert sorted(p.name for p in (out / "archive").iterdir()) == [
        f"{NAME}-agenda-pack.v1.html",
        f"{NAME}-agenda-pack.v1.pdf",
    ]
    record = json.loads((out / MANIFEST).read_text())["packs"][PACK]
    assert [v["file"] for v in record["history"]] == [f"archive/{NAME}-agenda-pack.v1.pdf"]
    assert not list(out.glob(f"{STAGING}*"))


KILLED_WRITING_THE_ARCHIVED_AGENDA = """
import datetime as dt, os, sys
from packbuilder import publish
from packbuilder.build import build

real = os.replace
def replace(src, dst, *a, **k):  # killed as the archived HTML agenda was about to be renamed
    if str(dst).endswith(".v1.html"):
        os._exit(9)
    return real(src, dst, *a, **k)
publish.os.replace = replace
build(sys.argv[1], sys.argv[2], today=dt.date(2020, 2, 27))
"""


def _scratch_files(out: Path) -> list[str]:
    """Files under `out` that are nobody's pack: half-written pages and their like, outside the
    staging folders (which are a build's own, removed by the next); the lock is the meeting's."""
    return sorted(
        str(p.relative_to(out))
        for p in out.rglob("*")
        if p.is_file()
        and not p.relative_to(out).parts[0].startswith(STAGING)
        and (p.suffix == ".tmp" or (p.name.startswith(".") and p.parent != out))
    )


def test_a_build_killed_writing_an_archived_agenda_leaves_no_temporary_file(
    tmp_path: Path, libreoffice
) -> None:
    """The archived copy of an HTML agenda is written aside and renamed: killed between the two,
    the half-written copy is in the build's staging folder, never in archive/ (a folder that
    is listed and may be copied to a website), and the next build removes it."""
    folder = meeting(tmp_path)
    out = tmp_path / "out"
    build(folder, out, converter=libreoffice, today=dt.date(2020, 2, 20))
    meeting(tmp_path, venue="Warspite Room")  # version 2: version 1's agenda is archived
    killed = subprocess.run(
        [sys.executable, "-c", KILLED_WRITING_THE_ARCHIVED_AGENDA, str(folder), str(out)],
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert killed.returncode == 9, killed.stderr
    assert _scratch_files(out) == []
    # one left by an earlier release, which wrote it in archive/ itself: cleared too
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    (out / "archive").mkdir(exist_ok=True)
    (out / "archive" / f".packbuilder-{dead.pid}-1.tmp").write_text("<html>half")
    build(folder, out, converter=libreoffice, today=dt.date(2020, 2, 27))
    assert _scratch_files(out) == []
    assert not list(out.glob(f"{STAGING}*"))
    assert sorted(p.name for p in (out / "archive").iterdir()) == [
        f"{NAME}-agenda-pack.v1.html",
        f"{NAME}-agenda-pack.v1.pdf",
    ]
