"""Status and scheduled builds: what is due, staleness from input hashes, and the per-meeting lock.

Most tests use a fast fake converter (a one-page PDF per document) because they are about *which*
meetings get built; one end-to-end test runs `packbuilder build-due` with the real LibreOffice and
reads the pack back.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import signal
import subprocess
import sys
import textwrap
import threading
import time
from collections.abc import Sequence
from pathlib import Path

import pytest
from click.testing import CliRunner
from pypdf import PdfReader

from packbuilder.build import build
from packbuilder.cli import cli
from packbuilder.errors import BuildLockedError
from packbuilder.lock import lock_path, meeting_lock
from packbuilder.publish import read_manifest
from packbuilder.schedule import Outcome, State, build_due, meeting_status, statuses
from tests.factory import make_meeting, write_pdf
from tests.fakes import FakeConverter

REPO = Path(__file__).resolve().parent.parent

# Meetings on Thursday 5 March 2020 have the deadline Wednesday 26 February 2020 (england).
MEETING = dt.datetime(2020, 3, 5)
# Thursday 20 Feb: the deadline is 4 working days away (Fri 21, Mon 24, Tue 25, Wed 26)
TODAY = dt.date(2020, 2, 20)


def _meeting(
    inputs: Path, name: str, date: dt.datetime = MEETING, pages: int = 2, **fields: object
) -> Path:
    return make_meeting(
        inputs / name,
        items=[{"papers": [f"{name}-report.pdf"]}],
        fields={"Date": date, **fields},
        papers={f"{name}-report.pdf": pages},
    )


def _pack_text(outdir: Path) -> str:
    packs = sorted((outdir / "public").glob("*.pdf"))
    assert packs, f"no pack in {outdir}"
    return "\n".join(page.extract_text() for page in PdfReader(packs[0]).pages)


def _run(
    inputs: Path, output: Path, conv: FakeConverter, today: dt.date = TODAY, window: int = 10
) -> dict[str, Outcome]:
    outcomes = build_due(inputs, today, window=window, output_root=output, converter=lambda: conv)
    return {o.name: o for o in outcomes}


def test_second_run_builds_nothing(tmp_path: Path) -> None:
    inputs, output = tmp_path / "inputs", tmp_path / "output"
    _meeting(inputs, "a")
    _meeting(inputs, "b")
    conv = FakeConverter()
    first = _run(inputs, output, conv)
    assert {n: o.action for n, o in first.items()} == {"a": "built", "b": "built"}
    assert len(conv.calls) == 2  # one frontsheet batch per meeting
    stamps = {n: read_manifest(output / n, n)["built_at"] for n in ("a", "b")}  # type: ignore[index]
    second = _run(inputs, output, conv)
    assert {n: o.action for n, o in second.items()} == {"a": "skipped", "b": "skipped"}
    assert all("up to date" in o.message for o in second.values())
    assert len(conv.calls) == 2
    assert {n: read_manifest(output / n, n)["built_at"] for n in ("a", "b")} == stamps  # type: ignore[index]


def test_changed_paper_makes_its_meeting_stale_and_rebuilt(tmp_path: Path) -> None:
    inputs, output = tmp_path / "inputs", tmp_path / "output"
    _meeting(inputs, "a")
    _meeting(inputs, "b")
    conv = FakeConverter()
    _run(inputs, output, conv)
    assert "a-report page 3" not in _pack_text(output / "a")
    assert {s.name: s.state for s in statuses(inputs, TODAY, output)} == {
        "a": State.CURRENT,
        "b": State.CURRENT,
    }

    write_pdf(inputs / "a" / "a-report.pdf", 3)  # a late revision of a's report
    assert {s.name: s.state for s in statuses(inputs, TODAY, output)} == {
        "a": State.STALE,
        "b": State.CURRENT,
    }

    again = _run(inputs, output, conv)
    assert again["a"].action == "built" and again["b"].action == "skipped"
    assert "a-report page 3" in _pack_text(output / "a")
    assert meeting_status(inputs / "a", TODAY, output).state is State.CURRENT


def test_status_says_when_a_build_is_running(tmp_path: Path) -> None:
    """A first build takes a while on a large meeting: `status` says it is under way rather than
    only "not built"; once it is over, it says nothing of it."""
    from packbuilder.lock import meeting_lock

    inputs, output = tmp_path / "inputs", tmp_path / "output"
    _meeting(inputs, "a")
    assert "building now" not in meeting_status(inputs / "a", TODAY, output).line(TODAY)
    assert not (output / "a").exists()  # (asking created nothing)
    with meeting_lock(output / "a", "a"):
        line = meeting_status(inputs / "a", TODAY, output).line(TODAY)
        assert "not built; building now" in line
    assert "building now" not in meeting_status(inputs / "a", TODAY, output).line(TODAY)


def test_removed_pack_counts_as_not_built(tmp_path: Path) -> None:
    inputs, output = tmp_path / "inputs", tmp_path / "output"
    _meeting(inputs, "a")
    conv = FakeConverter()
    _run(inputs, output, conv)
    for pack in (output / "a" / "public").glob("*.pdf"):
        pack.unlink()
    assert meeting_status(inputs / "a", TODAY, output).state is State.NOT_BUILT
    assert _run(inputs, output, conv)["a"].action == "built"


@pytest.mark.parametrize(
    ("today", "action", "why"),
    [
        # deadline Wed 26 Feb; window 3: Thu 20 Feb leaves 4 working days -> outside
        (dt.date(2020, 2, 20), "skipped", "4 working days away (window 3)"),
        # Fri 21 Feb leaves Mon 24, Tue 25, Wed 26: 3 working days -> due
        (dt.date(2020, 2, 21), "built", ""),
        # after the deadline but before the meeting: still built, with the s100B(4)(b) note
        (dt.date(2020, 3, 2), "built", "s100B(4)(b)"),
        # the day of the meeting: still built (a paper tabled on the day)
        (dt.date(2020, 3, 5), "built", "s100B(4)(b)"),
        # the day after the meeting: the published pack is the record
        (dt.date(2020, 3, 6), "skipped", "meeting held"),
    ],
)
def test_window(tmp_path: Path, today: dt.date, action: str, why: str) -> None:
    inputs, output = tmp_path / "inputs", tmp_path / "output"
    _meeting(inputs, "a")
    outcome = _run(inputs, output, FakeConverter(), today=today, window=3)["a"]
    assert outcome.action == action, outcome.line()
    assert why in outcome.message


def test_a_broken_meeting_fails_alone(tmp_path: Path) -> None:
    inputs, output = tmp_path / "inputs", tmp_path / "output"
    _meeting(inputs, "a")
    _meeting(inputs, "b")
    (inputs / "a" / "a-report.pdf").unlink()
    outcomes = _run(inputs, output, FakeConverter())
    assert outcomes["a"].failed
    assert "a-report.pdf" in outcomes["a"].message
    assert "not in the meeting folder" in outcomes["a"].message
    assert "\n" not in outcomes["a"].line()
    assert outcomes["b"].action == "built"
    assert read_manifest(output / "b", "b") is not None
    # a meeting never built leaves no output folder holding only its lock (as `build` leaves none)
    assert not (output / "a").exists()


def test_an_unexpected_error_in_one_meeting_does_not_stop_the_others(tmp_path: Path) -> None:
    inputs, output = tmp_path / "inputs", tmp_path / "output"
    _meeting(inputs, "a")
    _meeting(inputs, "b")

    class Exploding(FakeConverter):
        def convert(
            self, documents: Sequence[Path], outdir: Path, *, sources: object = None
        ) -> list[Path]:
            if not self.calls:
                self.calls.append([])
                raise RuntimeError("boom")
            return super().convert(documents, outdir)

    outcomes = _run(inputs, output, Exploding())
    assert outcomes["a"].failed and "RuntimeError: boom" in outcomes["a"].message
    assert outcomes["b"].action == "built"


def test_status_states(tmp_path: Path) -> None:
    inputs, output = tmp_path / "inputs", tmp_path / "output"
    _meeting(inputs, "built")
    _meeting(inputs, "missing")
    (inputs / "missing" / "missing-report.pdf").unlink()
    make_meeting(
        inputs / "follow",
        fields={"Date": MEETING},
        items=[{"papers": ["r.pdf"]}, {"papers": ["late.pdf"], "status": "to follow"}],
        papers={"r.pdf": 1},
    )
    _meeting(inputs, "parish", date=dt.datetime(2020, 3, 12), **{"Deadline rule": "parish"})
    (inputs / "not-a-meeting").mkdir()
    _run(inputs, output, FakeConverter())
    _meeting(inputs, "unbuilt")  # arrives after the run
    found = {s.name: s for s in statuses(inputs, TODAY, output)}
    assert set(found) == {"built", "missing", "follow", "parish", "unbuilt"}
    assert found["built"].state is State.CURRENT
    assert found["unbuilt"].state is State.NOT_BUILT
    assert found["missing"].state is State.PAPERS_MISSING
    assert "missing-report.pdf" in found["missing"].problem
    assert found["follow"].to_follow == ("2",)
    # parish, Thu 12 Mar 2020: Wed 11, Tue 10, Mon 9 clear; Sun 8 does not count -> Sat 7 Mar
    assert found["parish"].deadline == dt.date(2020, 3, 7)
    line = found["follow"].line(TODAY)
    assert "Thu 5 Mar 2020" in line and "Wed 26 Feb 2020" in line
    assert "4 working days left" in line and "items still to follow: 2" in line


def test_status_says_a_private_pack_is_dated_not_published_and_when_it_was_built(
    tmp_path: Path,
) -> None:
    """A new user's review: "Agenda pack (private): published ..." read as if it had gone on the
    website, and the build's time was ISO ("built 2026-12-05T13:08:44")."""
    inputs, output = tmp_path / "inputs", tmp_path / "output"
    make_meeting(
        inputs / "m",
        fields={"Date": MEETING},
        items=[{"papers": ["r.pdf"]}, {"papers": ["x.pdf"], "exempt paragraph": 3}],
        papers={"r.pdf": 1, "x.pdf": 1},
    )
    _run(inputs, output, FakeConverter())
    (status,) = statuses(inputs, TODAY, output)
    line = status.line(TODAY)
    assert re.search(r"built and current, built \w{3} \d{1,2} \w{3} \d{4} at \d\d:\d\d", line)
    public = [h for h in status.history if "(public)" in h]
    private = [h for h in status.history if "(private)" in h]
    assert public and public[0].startswith("Agenda pack (public): published ")
    assert private and private[0].startswith("Agenda pack (private): dated ")
    assert "never for the website" in private[0] and "published" not in private[0]


def test_status_cli_after_the_deadline(tmp_path: Path) -> None:
    inputs, output = tmp_path / "inputs", tmp_path / "output"
    _meeting(inputs, "a")
    result = CliRunner().invoke(
        cli,
        ["status", str(inputs), "--output-root", str(output)],
        env={"PACKBUILDER_TODAY": "2020-02-28"},
    )
    assert result.exit_code == 0, result.output
    (line,) = result.output.splitlines()
    # deadline Wed 26; on Fri 28 it passed Wed 26 and Thu 27: 2 working days ago
    assert line.startswith("a: meeting Thu 5 Mar 2020, deadline Wed 26 Feb 2020")
    assert "deadline passed 2 working days ago" in line
    assert "chair" in line and "s100B(4)(b)" in line
    assert "not built" in line


def test_parish_late_note_does_not_cite_s100b(tmp_path: Path) -> None:
    inputs = tmp_path / "inputs"
    _meeting(inputs, "p", date=dt.datetime(2020, 3, 12), **{"Deadline rule": "parish"})
    # deadline Sat 7 Mar 2020; on Mon 9 Mar it passed 1 day ago (Sat 7; Sun 8 does not count)
    monday = dt.date(2020, 3, 9)
    line = meeting_status(inputs / "p", monday, tmp_path / "out").line(monday)
    assert "deadline passed 1 working day ago" in line
    assert "Schedule 12" in line and "s100B" not in line


def test_status_of_a_meeting_whose_date_cannot_be_read(tmp_path: Path) -> None:
    inputs = tmp_path / "inputs"
    _meeting(inputs, "a", date="next Thursday")  # type: ignore[arg-type]
    (s,) = statuses(inputs, TODAY, tmp_path / "output")
    assert s.state is State.BROKEN and s.date is None
    assert "cell B3" in s.line(TODAY) and "next Thursday" in s.line(TODAY)
    outcome = _run(inputs, tmp_path / "output", FakeConverter())["a"]
    assert outcome.failed and "cell B3" in outcome.message


def test_missing_inputs_folder_is_one_line(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["build-due", str(tmp_path / "nowhere")])
    assert result.exit_code == 1
    assert result.output.count("\n") == 1 and "inputs folder not found" in result.output


def test_lock_skips_the_meeting_while_held(tmp_path: Path) -> None:
    inputs, output = tmp_path / "inputs", tmp_path / "output"
    _meeting(inputs, "a")
    conv = FakeConverter()
    # held by another thread, as a web worker would: the lock is re-entrant only in its own thread
    holding, release = threading.Event(), threading.Event()

    def hold() -> None:
        with meeting_lock(output / "a", "a"):
            holding.set()
            release.wait(30)

    holder = threading.Thread(target=hold)
    holder.start()
    try:
        assert holding.wait(30)
        outcome = _run(inputs, output, conv)["a"]
    finally:
        release.set()
        holder.join()
    assert outcome.action == "skipped" and "another run" in outcome.message
    assert conv.calls == []
    assert _run(inputs, output, conv)["a"].action == "built"


def test_lock_is_released_when_its_holder_dies(tmp_path: Path) -> None:
    outdir = tmp_path / "out"
    outdir.mkdir()
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            textwrap.dedent(f"""
        import fcntl, os, sys, time
        fd = os.open({str(lock_path(outdir, "m"))!r}, os.O_RDWR | os.O_CREAT)
        fcntl.flock(fd, fcntl.LOCK_EX)
        print("locked", flush=True)
        time.sleep(60)
    """),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "locked"
        with (
            pytest.raises(BuildLockedError, match="another build of this meeting"),
            meeting_lock(outdir, "m"),
        ):
            pass
    finally:
        os.kill(holder.pid, signal.SIGKILL)
        holder.communicate()
    with meeting_lock(outdir, "m"):
        assert lock_path(outdir, "m").is_file()


# a driver for `packbuilder build-due` in a separate process, with a slow fake converter that logs
# every batch: the two runs overlap, and the log counts the builds of both
DRIVER = """
import os, sys, time
from pathlib import Path
sys.path.insert(0, {repo!r})
from tests.factory import write_pdf
import packbuilder.schedule as schedule

class SlowFake:
    def version(self):
        return "fake-slow"

    def stats(self):
        from packbuilder.convert import ConversionStats
        return ConversionStats()

    def close(self):
        pass

    def convert(self, documents, outdir, *, sources=None):
        with open({log!r}, "a") as fh:
            fh.write(f"{{os.getpid()}} {{len(documents)}}\\n")
        time.sleep(0.6)
        outdir.mkdir(parents=True, exist_ok=True)
        return [write_pdf(outdir / f"{{i}}.pdf", 1) for i, _ in enumerate(documents)]

schedule.open_converter = SlowFake
from packbuilder.cli import main
sys.argv = ["packbuilder", "build-due", *sys.argv[1:]]
main()
"""


def test_two_concurrent_runs_build_each_meeting_once(tmp_path: Path) -> None:
    inputs, output = tmp_path / "inputs", tmp_path / "output"
    names = ["m1", "m2", "m3", "m4"]
    for name in names:
        _meeting(inputs, name)
    log = tmp_path / "conversions.log"
    driver = tmp_path / "driver.py"
    driver.write_text(DRIVER.format(repo=str(REPO), log=str(log)))
    env = dict(os.environ, PACKBUILDER_TODAY=TODAY.isoformat())
    cmd = [sys.executable, str(driver), str(inputs), "--output-root", str(output)]
    runs = [
        subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
        for _ in range(2)
    ]
    outputs = [r.communicate(timeout=120) for r in runs]
    for run, (out, err) in zip(runs, outputs, strict=True):
        assert run.returncode == 0, out + err
    batches = log.read_text().splitlines()
    assert len(batches) == len(names), batches  # one frontsheet batch per build, across both runs
    assert len({line.split()[0] for line in batches}) == 2, "the runs did not share the work"
    lines = [line for out, _ in outputs for line in out.splitlines()]
    built = sorted(line.split()[1].rstrip(":") for line in lines if line.startswith("built "))
    assert built == names
    assert len(lines) == 2 * len(names)  # one line per meeting per run
    for name in names:
        assert read_manifest(output / name, name) is not None


@pytest.mark.libreoffice
def test_build_due_cli_with_libreoffice(tmp_path: Path, libreoffice: object) -> None:
    inputs, output = tmp_path / "inputs", tmp_path / "output"
    _meeting(inputs, "good", pages=3)
    _meeting(inputs, "broken")
    (inputs / "broken" / "broken-report.pdf").unlink()
    args = ["build-due", str(inputs), "--output-root", str(output)]
    env = {"PACKBUILDER_TODAY": TODAY.isoformat()}
    started = time.monotonic()
    first = CliRunner().invoke(cli, args, env=env)
    assert time.monotonic() - started < 120
    assert first.exit_code == 1, first.output  # the broken meeting fails ...
    lines = first.output.splitlines()
    assert len(lines) == 2
    assert lines[0].startswith("failed broken: ") and "broken-report.pdf" in lines[0]
    assert lines[1].startswith("built good: ")  # ... and the good one is still built
    (pack,) = (output / "good" / "public").glob("*.pdf")
    reader = PdfReader(pack)
    text = [p.extract_text() for p in reader.pages]
    assert "Test Partnership Board" in text[0]  # the frontsheet, from the real template
    assert any("good-report page 3" in t for t in text)
    assert any("Page 1" in t for t in text[1:])

    second = CliRunner().invoke(cli, args, env=env)
    assert second.exit_code == 1
    assert second.output.splitlines()[1].startswith("skipped good: up to date")
    assert PdfReader(pack).pages[0].extract_text() == text[0]

    status = CliRunner().invoke(cli, ["status", str(inputs), "--output-root", str(output)], env=env)
    assert status.exit_code == 0
    broken, good = [line for line in status.output.splitlines() if not line.startswith(" ")]
    assert "papers missing" in broken and "built and current" in good


def test_a_shared_converter_is_used_and_left_open(tmp_path: Path) -> None:
    """A long-running caller's converter (a warm LibreOffice) serves every run; no run closes it."""
    inputs, output = tmp_path / "inputs", tmp_path / "output"
    _meeting(inputs, "a")
    conv = FakeConverter()
    outcomes = build_due(
        inputs,
        TODAY,
        window=10,
        output_root=output,
        shared_converter=conv,
        converter=lambda: pytest.fail("a shared converter was replaced"),
    )
    assert [o.action for o in outcomes] == ["built"]
    assert len(conv.calls) == 1 and not conv.closed


def test_an_output_folder_is_not_removed_while_a_build_holds_its_lock(tmp_path: Path) -> None:
    """The clean-up of a first build that failed (a folder holding only its lock) must not take
    the folder, and the lock, from under a build that has just started there."""
    import subprocess
    import sys

    from packbuilder.lock import lock_path, remove_if_only_lock

    outdir = tmp_path / "out" / "m"
    outdir.mkdir(parents=True)
    lock = lock_path(outdir, "m")
    holder = subprocess.Popen(
        [sys.executable, "-c",
         "import filelock, sys, time; l = filelock.FileLock(sys.argv[1]); l.acquire(); "
         "print('held', flush=True); time.sleep(30)", str(lock)],
        stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        remove_if_only_lock(outdir, "m")
        assert lock.exists() and outdir.is_dir()
    finally:
        holder.kill()
        holder.wait()
        holder.stdout.close()  # type: ignore[union-attr]
    remove_if_only_lock(outdir, "m")  # no one holds it now: a folder with only the lock goes
    assert not outdir.exists()


def test_scheduled_drafts_for_a_caller_that_publishes_later(tmp_path: Path) -> None:
    """The web page publishes later what a scheduled build made, so its scheduled builds are
    drafts (`build_due(draft=True)`). A draft is due when the inputs changed since the last
    draft and since the last publication: neither of what the draft there shows, nor of what
    went public already. `status` tells the draft's state apart from the published packs'."""
    inputs, output = tmp_path / "inputs", tmp_path / "output"
    folder = _meeting(inputs, "a")
    conv = FakeConverter()

    def run() -> Outcome:
        (outcome,) = build_due(
            inputs, TODAY, output_root=output, converter=lambda: conv, draft=True
        )
        return outcome

    made = run()
    assert made.action == "built", made.message
    assert "a draft: " in made.message and str(output / "a" / "draft") in made.message
    assert not (output / "a" / "public").exists()
    assert "DRAFT - not published" in _pack_text(output / "a" / "draft")
    status = meeting_status(folder, TODAY, output)
    assert (status.state, status.draft_state) == (State.NOT_BUILT, State.CURRENT)
    again = run()
    assert again.action == "skipped" and "up to date (draft made " in again.message
    write_pdf(folder / "a-report.pdf", 3)
    status = meeting_status(folder, TODAY, output)
    assert (status.state, status.draft_state) == (State.NOT_BUILT, State.STALE)
    assert run().action == "built"
    # published (a build that publishes removes the draft): nothing to draft until a change
    build(folder, output / "a", converter=conv, today=TODAY)
    status = meeting_status(folder, TODAY, output)
    assert (status.state, status.draft_state) == (State.CURRENT, State.NOT_BUILT)
    assert not status.draft
    skipped = run()
    assert skipped.action == "skipped" and "up to date (built " in skipped.message
    write_pdf(folder / "a-report.pdf", 4)
    assert run().action == "built"
    status = meeting_status(folder, TODAY, output)
    assert (status.state, status.draft_state) == (State.STALE, State.CURRENT)


def test_build_due_cli_makes_drafts_when_asked(tmp_path: Path) -> None:
    inputs, output = tmp_path / "inputs", tmp_path / "output"
    _meeting(inputs, "a")
    args = ["build-due", str(inputs), "--output-root", str(output), "--draft"]
    result = CliRunner().invoke(cli, [*args, "--today", "2020-02-20"])
    assert result.exit_code == 0, result.output
    assert "built a: a draft: " in result.output
    assert (output / "a" / "draft" / "public").is_dir() and not (output / "a" / "public").exists()
    made = [p.name for p in (output / "a" / "draft").rglob("*") if p.is_file()]
    packs = [n for n in made if n.endswith((".pdf", ".html"))]
    assert packs and all(n.endswith(("-DRAFT.pdf", "-DRAFT.html")) for n in packs), made
