"""Faults outside the inputs: an output folder that cannot be written, a full disk, a build killed.

Whatever happens, each pack in the output folder is the last good one or a new complete one, never a
partial file; the manifest is replaced last, so a build stopped half-way is seen as out of date and
built again. (LibreOffice hanging or dying is tested with the converter.)
Tests run as root, for whom chmod does not stop a write: an unwritable output is a path inside a
regular file, and a full disk is an OSError(ENOSPC) injected where the pack is copied out.
"""

from __future__ import annotations

import contextlib
import errno
import itertools
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from pypdf import PdfReader

from packbuilder import publish as publish_module
from packbuilder.build import build
from packbuilder.errors import PublishError
from packbuilder.publish import MANIFEST
from tests.factory import make_meeting

ROOT = Path(__file__).resolve().parent.parent
NAME = "meeting"
PACK = f"{NAME}-agenda-pack.pdf"

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
        if p.is_file() and p.name != ".packbuilder.lock"
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

    def full(*_args, **_kwargs):  # type: ignore[no-untyped-def]
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    if when == "copying the pack":
        real_copy = shutil.copyfile

        def copyfile(src, dst, *args, **kwargs):  # type: ignore[no-untyped-def]
            if ".staging-" in str(dst):
                full()
            return real_copy(src, dst, *args, **kwargs)

        monkeypatch.setattr(publish_module.shutil, "copyfile", copyfile)
    else:  # a full disk often shows only when the data is flushed
        real_fsync = publish_module._fsync

        def fsync(path: Path) -> None:
            if path.name == MANIFEST:
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

    def full(*_args, **_kwargs):  # type: ignore[no-untyped-def]
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(pdf.PackWriter, "finish", full)
    result = CliRunner().invoke(cli.cli, ["build", str(folder), "--output", str(out)])
    assert snapshot(out) == before
    assert result.exit_code == 1, result.output
    assert len(result.output.splitlines()) == 1
    assert "No space left" in result.output or "disk is full" in result.output


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
    assert {p.name for p in out.iterdir() if not p.name.startswith(".")} == {PACK, MANIFEST}


class Killed(BaseException):
    """Stands for SIGKILL: not an Exception, so no `except Exception` in the code can swallow it."""


def test_publish_stopped_at_every_step_leaves_old_or_new_packs(tmp_path: Path, monkeypatch) -> None:
    """Stop `publish` at each of its file operations in turn: every pack is old or new, whole."""
    names = [f"{NAME}-agenda-pack-public.pdf", f"{NAME}-agenda-pack-private.pdf"]
    old = {n: f"%PDF old {n} ".encode() * 500 for n in names}
    new = {n: f"%PDF new {n} ".encode() * 700 for n in names}
    built = tmp_path / "built"
    built.mkdir()
    for n in names:
        (built / n).write_bytes(new[n])
    steps = {
        "copyfile": publish_module.shutil.copyfile,
        "_fsync": publish_module._fsync,
        "replace": publish_module.os.replace,
        "_fsync_dir": publish_module._fsync_dir,
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
    for stop_at in itertools.count(1):
        out = tmp_path / f"out{stop_at}"
        out.mkdir()
        for n in names:
            (out / n).write_bytes(old[n])
        calls = 0
        try:
            publish_module.publish({n: built / n for n in names}, out, {"packs": {}})
        except Killed:
            stopped = True
        else:
            stopped = False
        for n in names:
            assert (out / n).read_bytes() in (old[n], new[n]), f"stopped at step {stop_at}"
        visible = {p.name for p in out.iterdir() if not p.name.startswith(".")}
        assert visible <= {*names, MANIFEST}
        if not stopped:
            break
    assert stop_at > 6  # every step was tried: two copies, their fsyncs, the renames


def _page_texts(path: Path) -> list[str]:
    return [p.extract_text() for p in PdfReader(path).pages]


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


def test_sigkill_at_random_moments_never_leaves_a_broken_pack(tmp_path: Path, libreoffice) -> None:
    """Kill builds at random moments for ~45 s: the pack is always a complete one of some build.

    The meeting alternates between two venues, so that a new pack can be told from the old one.
    """
    venues = ["Room 1, Council House", "Warspite Room, Council House"]
    tmp = tmp_path / "tmp-kill"  # the builds' TMPDIR: its path marks their LibreOffice processes
    tmp.mkdir()
    env = dict(os.environ, TMPDIR=str(tmp), PYTHONPATH=str(ROOT))
    out = tmp_path / "out"
    complete = []  # the page texts of a complete pack of each venue
    started = time.monotonic()
    for venue in venues:
        meeting(tmp_path, venue)
        result = run_cli("build", NAME, "--output", "out", cwd=tmp_path, env=env)
        assert result.returncode == 0, result.stderr
        complete.append(_page_texts(out / PACK))
    assert complete[0] != complete[1]
    # kill anywhere from the start to a little after a build would have finished, so that some
    # kills land while the pack is being published
    span = (time.monotonic() - started) / 2 * 1.3
    seed = int(os.environ.get("KILL_SEED", random.randrange(1 << 30)))
    rng = random.Random(seed)
    deadline = time.monotonic() + float(os.environ.get("KILL_SECONDS", "45"))
    seen = [0, 0]
    current = 1  # the venue of the pack in the output folder
    kills = finished = 0
    while time.monotonic() < deadline:
        meeting(tmp_path, venues[1 - current])  # a build that finishes changes the pack
        proc = subprocess.Popen(
            [sys.executable, "-m", "packbuilder", "build", NAME, "--output", "out"],
            cwd=tmp_path,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        launched = time.monotonic()
        # half the kills anywhere, half near the end of a build, where the pack is published
        time.sleep(rng.uniform(0.0, span) if rng.random() < 0.5 else rng.uniform(0.6, 0.9) * span)
        if proc.poll() is None:
            proc.send_signal(signal.SIGKILL)
            kills += 1
        proc.wait()
        if proc.returncode == 0:
            finished += 1
            # builds slow down and speed up with the machine's load: follow them
            span = 0.5 * span + 0.5 * 1.3 * (time.monotonic() - launched)
        _reap_orphans(str(tmp))
        visible = {p.name for p in out.iterdir() if not p.name.startswith(".")}
        assert visible == {PACK, MANIFEST}, f"seed {seed}: {visible}"
        texts = _page_texts(out / PACK)
        assert texts in complete, f"seed {seed}: the pack is not a complete pack of either build"
        current = complete.index(texts)
        seen[current] += 1
        manifest = json.loads((out / MANIFEST).read_text())
        assert set(manifest["packs"]) == {PACK}, f"seed {seed}"
    print(
        f"sigkill loop: seed {seed}, span {span:.1f} s, {kills} kills, {finished} finished, "
        f"packs seen {seen}",
        file=sys.stderr,
    )
    assert kills >= 5
    final = run_cli("build", NAME, "--output", "out", cwd=tmp_path, env=env)
    assert final.returncode == 0, final.stderr
    assert not list(out.glob(".staging-*")), "a killed build's staging folder was not cleared"


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
    (folder / "report.pdf").write_bytes((folder / "budget.pdf").read_bytes())  # a changed input

    def broken(*_args, **_kwargs):  # type: ignore[no-untyped-def]
        raise RecursionError("too deep")

    monkeypatch.setattr(pdf_module, "sanitize", broken)
    monkeypatch.setattr(pdf_module, "_trial_sanitize", lambda *_a: [])
    with pytest.raises(AssemblyError, match="could not check the pack for scripts"):
        build(folder, out, converter=libreoffice)
    assert snapshot(out) == before
