"""The benchmark: packbuilder against the plain recipe a user would script, side by side, as the
meeting grows.

For each meeting size (1,000, 2,000 and 4,000 pages by default; a meeting with a Part II item, so
a public pack and a private one), these are run alternately, so that whatever else the machine is
doing affects them alike:

(a) ``packbuilder build`` cold: an empty conversion cache, no LibreOffice running;
(b) ``packbuilder build`` again after one frontsheet cell of meeting.xlsx changed (an item's
    purpose), with the cache of the previous builds;
(c) the plain recipe: ``soffice --headless --convert-to pdf`` once per Word file (a process each,
    as a shell loop would), then ``qpdf --empty --pages ... --`` twice: the public merge (papers of
    the items that are not exempt) and the private one (every paper). It has no frontsheet, no page
    stamps, no fillers and no bookmarks, so it is a lower bound on real work;
(wa) and (wb): (a) and (b) by a long-running caller holding a warm converter
    (`bench/warm_caller.py`, docs/warm-converter.md) instead of the command.

Each run's wall time and the peak memory of its whole process tree (the sum of the resident set
sizes of every process under it, LibreOffice included, sampled from /proc) are recorded; medians
and min-max go to ``bench/results.md``, and the growth to ``bench/growth.png``.

Run: ``make bench``. Settable by environment variables (or the same options on the command line):
``BENCH_PAGES`` (sizes, default ``1000,2000,4000``), ``BENCH_RUNS`` (runs of each, default 3;
the rebuilds (b) and (wb) are repeated `REBUILD_REPEATS` times in each run) and
``BENCH_QUICK=1`` (1,000 pages, one run, no stage timing: to check the harness in a few minutes).
"""

from __future__ import annotations

import argparse
import compileall
import contextlib
import datetime as dt
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from bench import generate

ROOT = Path(__file__).resolve().parent.parent
HERE = Path(__file__).resolve().parent
RESULTS = HERE / "results.md"
CHART = HERE / "growth.png"
PAGE = os.sysconf("SC_PAGE_SIZE")

TARGET_COLD = 0.30  # (a) / (c) at 1,000 pages
TARGET_REBUILD = 0.05  # (b) / (c) at 1,000 pages
TARGET_REBUILD_GROWTH = 1.5  # (b) at 4,000 pages / (b) at 1,000 pages
TARGET_MEMORY_MB = 600  # at 4,000 pages
TARGET_SIZE = 1.05  # each pack's bytes / its input PDFs' bytes

CONTENDERS = {
    "a": "(a) packbuilder, cold (command, empty cache)",
    "b": "(b) packbuilder, rebuild after one frontsheet cell (command)",
    "c": "(c) plain recipe: soffice per Word file + qpdf (public and private merges)",
    "wa": "(wa) as (a), by a long-running caller with the warm converter",
    "wb": "(wb) as (b), by a long-running caller with the warm converter",
}


# --- peak memory of a process tree ---------------------------------------------------------------


def _children_map() -> dict[int, list[int]]:
    kids: dict[int, list[int]] = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat", "rb") as fh:
                stat = fh.read()
        except OSError:
            continue
        # the command name may hold spaces and parentheses: fields resume after the last ')'
        ppid = int(stat[stat.rindex(b")") + 2 :].split()[1])
        kids.setdefault(ppid, []).append(int(entry.name))
    return kids


def tree_rss(root: int) -> int:
    """Bytes resident in `root` and all its descendants, now. A child caught between its fork
    and its exec shares its parent's memory (vfork, or pages not yet copied) and still has its
    parent's command line: it is not counted twice (sampled at that moment, a build starting
    pdftotext, or LibreOffice starting a helper, read as 200 to 300 MB more than the tree held)."""
    kids = _children_map()
    total, todo = 0, [(root, b"")]
    while todo:
        pid, parent_command = todo.pop()
        try:
            with open(f"/proc/{pid}/cmdline", "rb") as fh:
                command = fh.read()
            with open(f"/proc/{pid}/statm", "rb") as fh:
                resident = int(fh.read().split()[1]) * PAGE
        except (OSError, IndexError, ValueError):
            continue
        todo.extend((kid, command) for kid in kids.get(pid, []))
        if command != parent_command:  # (a child not yet running a program of its own)
            total += resident
    return total


class PeakSampler(threading.Thread):
    """Samples a process tree's total RSS every `interval` seconds until stopped; keeps the peak.

    Sampling the tree, rather than taking each child's own maximum, finds the simultaneous peak of
    processes that run side by side (two LibreOffice processes, or LibreOffice and Python).
    """

    def __init__(self, pid: int, interval: float = 0.05) -> None:
        super().__init__(daemon=True)
        self.pid, self.interval, self.peak = pid, interval, 0
        self._stop_event = threading.Event()

    def run(self) -> None:
        while not self._stop_event.is_set():
            self.peak = max(self.peak, tree_rss(self.pid))
            self._stop_event.wait(self.interval)

    def stop(self) -> int:
        self._stop_event.set()
        self.join()
        return self.peak


def settle() -> None:
    """Before a timed command: the disk has written what the commands before it left (`sync`).
    Otherwise the next contender pays for the last one's writing: a cold build's caches and its
    cache folder deleted after it (hundreds of megabytes) were written back while the rebuild
    after it ran, which took 0.80-1.19 s against 0.75-0.81 s after a sync (1,000 pages, 3 runs
    of each). Every contender is timed the same way; what a command writes itself is still
    written back after its clock stops, as before."""
    os.sync()


@dataclass
class Run:
    seconds: float
    peak_bytes: int


def measure(cmd: list[str], env: dict[str, str] | None = None, cwd: Path | None = None) -> Run:
    """Run `cmd` to completion; its wall time and the peak RSS of its process tree."""
    settle()
    started = time.perf_counter()
    proc = subprocess.Popen(
        cmd,
        env=env,
        cwd=cwd,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    sampler = PeakSampler(proc.pid)
    sampler.start()
    _, err = proc.communicate()
    seconds = time.perf_counter() - started
    peak = sampler.stop()
    if proc.returncode:
        raise SystemExit(
            f"benchmark command failed ({proc.returncode}): {' '.join(cmd)}\n"
            f"{err.decode(errors='replace')}"
        )
    return Run(seconds, peak)


# --- the contenders ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Paper:
    path: Path
    exempt: bool


def agenda_order(meeting: Path) -> list[Paper]:
    """Every paper in the order the packs print them, and whether its item is exempt."""
    from openpyxl import load_workbook

    ws = load_workbook(meeting / "meeting.xlsx", read_only=True)["Agenda"]
    rows = list(ws.iter_rows(values_only=True))
    heads = [str(h).lower() for h in rows[0]]
    col, ex = heads.index("papers"), heads.index("exempt paragraph")
    return [
        Paper(meeting / name.strip(), bool(row[ex]))
        for row in rows[1:]
        if row[col]
        for name in str(row[col]).splitlines()
        if name.strip()
    ]


RECIPE = r"""
set -e
conv="$1"; public="$2"; private="$3"; profile="$4"; shift 4
# one LibreOffice per Word file, as a shell loop over *.docx would; each argument is P:path (a
# public paper) or X:path (an exempt one)
for a in "$@"; do
  f="${a#?:}"
  case "$f" in *.docx) soffice -env:UserInstallation="$profile" --headless --convert-to pdf \
                         --outdir "$conv" "$f" >/dev/null 2>&1 ;; esac
done
all=(); pub=()
for a in "$@"; do
  f="${a#?:}"
  case "$f" in *.docx) b="${f##*/}"; f="$conv/${b%.docx}.pdf" ;; esac
  all+=("$f")
  case "$a" in P:*) pub+=("$f") ;; esac
done
qpdf --empty --pages "${pub[@]}" -- "$public"
qpdf --empty --pages "${all[@]}" -- "$private"
"""


class WarmCaller:
    """`bench/warm_caller.py` in a process of its own: one warm converter for every request."""

    def __init__(self, work: Path) -> None:
        # its LibreOffice profile in the benchmark's folder, not the user's cache
        env = dict(os.environ, PACKBUILDER_CACHE=str(work / "warm-caller"))
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "bench.warm_caller"],
            cwd=ROOT,
            env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        self._answer()

    def _answer(self) -> dict[str, float]:
        assert self.proc.stdout is not None
        line = self.proc.stdout.readline()
        if not line:
            raise SystemExit("the warm caller (bench/warm_caller.py) died; run it alone to see why")
        return json.loads(line)  # type: ignore[no-any-return]

    def build(self, meeting: Path, out: Path, cache: Path, *, empty: bool = False) -> Run:
        """A build by the caller, timed from request to answer; `empty`: with nothing remembered
        in its cache folder (checks, repairs, parts), as a cold build (a) has."""
        assert self.proc.stdin is not None
        request = {"meeting": str(meeting), "out": str(out), "cache": str(cache)}
        if empty:  # emptied before the clock starts
            self.proc.stdin.write(json.dumps({"forget": True}) + "\n")
            self.proc.stdin.flush()
            self._answer()
        sampler = PeakSampler(self.proc.pid)
        settle()
        started = time.perf_counter()
        sampler.start()
        self.proc.stdin.write(json.dumps(request) + "\n")
        self.proc.stdin.flush()
        self._answer()
        seconds = time.perf_counter() - started
        return Run(seconds, sampler.stop())

    def close(self) -> None:
        if self.proc.stdin is not None:
            self.proc.stdin.close()
        self.proc.wait(timeout=60)
        if self.proc.stdout is not None:
            self.proc.stdout.close()


# A rebuild takes one or two seconds, where the machine's noise moves a run by a few tenths:
# each round runs the rebuilds (b) and (wb) this many times, so that their medians (and the
# growth target, a ratio of two of them) rest on more runs than the cold builds' do.
REBUILD_REPEATS = 3
REBUILDS = ("b", "wb")
# The growth target compares the rebuilds (b) of two meetings, which the runs above measure
# twenty minutes apart: a shared host that slows down in between moves the ratio by a quarter
# (1.63 and 1.82 for the same code an hour apart). So after every size has run, the smallest and
# the largest meeting's rebuilds are run this many times more, alternately, and the growth is
# the ratio of those medians: measured in the same minutes, as the other targets are.
GROWTH_PAIRS = 9


@dataclass
class Bench:
    pages: int
    meeting: Path
    work: Path
    runs: int
    caller: WarmCaller
    results: dict[str, list[Run]] = field(default_factory=lambda: {k: [] for k in CONTENDERS})

    def packbuilder(self, cache: Path, out: Path) -> Run:
        env = dict(os.environ, PACKBUILDER_CACHE=str(cache))
        cmd = [sys.executable, "-m", "packbuilder", "build", str(self.meeting)]
        return measure([*cmd, "--output", str(out), "--quiet"], env=env, cwd=ROOT)

    def _fresh(self, name: str) -> Path:
        cache = self.work / name
        shutil.rmtree(cache, ignore_errors=True)
        cache.mkdir()
        return cache

    def cold(self, n: int) -> Run:
        cache = self._fresh("cache-cold")
        shutil.rmtree(self.work / "out-cold", ignore_errors=True)
        try:
            return self.packbuilder(cache, self.work / "out-cold")
        finally:
            shutil.rmtree(cache, ignore_errors=True)

    def rebuild(self, n: int) -> Run:
        # a new value each time: an unchanged pack is not rewritten
        generate.set_changed_cell(self.meeting, f"To agree the assessment (revision {n}).")
        return self.packbuilder(self.work / "cache-rebuild", self.work / "out-rebuild")

    def warm_cold(self, n: int) -> Run:
        # the caller's cache folder and its conversions emptied: (wb), next, rebuilds on them
        cache = self._fresh("cache-warm")
        shutil.rmtree(self.work / "out-warm-cold", ignore_errors=True)
        return self.caller.build(self.meeting, self.work / "out-warm-cold", cache, empty=True)

    def warm_rebuild(self, n: int) -> Run:
        generate.set_changed_cell(self.meeting, f"To agree the assessment (warm revision {n}).")
        return self.caller.build(self.meeting, self.work / "out-warm", self.work / "cache-warm")

    def recipe(self, n: int) -> Run:
        conv = self.work / "recipe-pdfs"
        shutil.rmtree(conv, ignore_errors=True)
        conv.mkdir()
        # a user's LibreOffice profile exists already; the warm-up run made this one
        profile = (self.work / "recipe-profile").as_uri()
        papers = [f"{'X' if p.exempt else 'P'}:{p.path}" for p in agenda_order(self.meeting)]
        public, private = self.work / "recipe-public.pdf", self.work / "recipe-private.pdf"
        return measure(
            ["bash", "-c", RECIPE, "recipe", str(conv), str(public), str(private), profile, *papers]
        )

    def warm_up(self) -> None:
        """One untimed run of the recipe and of each rebuild: disk caches, the recipe's profile,
        the rebuild caches."""
        for name in ("cache-rebuild", "cache-warm"):
            self._fresh(name)
        self.recipe(0)
        self.packbuilder(self.work / "cache-rebuild", self.work / "out-rebuild")
        self.caller.build(self.meeting, self.work / "out-warm", self.work / "cache-warm")

    def run(self, say) -> None:  # type: ignore[no-untyped-def]
        self.warm_up()
        steps = {
            "a": self.cold,
            "b": self.rebuild,
            "c": self.recipe,
            "wa": self.warm_cold,
            "wb": self.warm_rebuild,
        }
        for n in range(1, self.runs + 1):
            for key, fn in steps.items():
                for k in range(REBUILD_REPEATS if key in REBUILDS else 1):
                    r = fn(n * REBUILD_REPEATS + k)  # (a new cell value each rebuild)
                    self.results[key].append(r)
                    say(
                        f"{self.pages} pages, run {n} ({key}): {r.seconds:.2f} s, "
                        f"peak {r.peak_bytes / 2**20:.0f} MB"
                    )

    def median(self, key: str) -> float:
        return statistics.median(r.seconds for r in self.results[key])

    def peak(self, key: str) -> float:
        return statistics.median(r.peak_bytes for r in self.results[key]) / 2**20


@dataclass
class Sizes:
    """What one size made: pages and bytes of each pack, and of the inputs each was made from."""

    pages: dict[str, int]
    bytes: dict[str, int]

    def ratio(self, pack: str) -> float:
        return self.bytes[pack] / self.bytes[f"{pack} inputs"]


def measure_sizes(b: Bench) -> Sizes:
    papers = agenda_order(b.meeting)
    converted = {p.stem: p for p in (b.work / "recipe-pdfs").glob("*.pdf")}

    def pdf_of(paper: Paper) -> Path:
        return converted[paper.path.stem] if paper.path.suffix == ".docx" else paper.path

    public = next((b.work / "out-cold" / "public").glob("*.pdf"))
    private = next((b.work / "out-cold" / "private").glob("*.pdf"))
    size = {
        "public": public.stat().st_size,
        "private": private.stat().st_size,
        "public inputs": sum(pdf_of(p).stat().st_size for p in papers if not p.exempt),
        "private inputs": sum(pdf_of(p).stat().st_size for p in papers),
        "recipe public": (b.work / "recipe-public.pdf").stat().st_size,
        "recipe private": (b.work / "recipe-private.pdf").stat().st_size,
    }
    pages = {
        "public": pdf_pages(public),
        "private": pdf_pages(private),
        "recipe private": pdf_pages(b.work / "recipe-private.pdf"),
        "word reports": sum(1 for p in papers if p.path.suffix == ".docx"),
        "appendices": sum(1 for p in papers if p.path.suffix == ".pdf"),
    }
    return Sizes(pages, size)


# --- sizes, machine, stages ---------------------------------------------------------------------


def pdf_pages(path: Path) -> int:
    from pypdf import PdfReader

    return len(PdfReader(path).pages)


def machine() -> dict[str, str]:
    mem = next(
        line
        for line in Path("/proc/meminfo").read_text().splitlines()
        if line.startswith("MemTotal")
    )
    cpuinfo = Path("/proc/cpuinfo").read_text().splitlines()
    cpu = next(
        (line.split(":", 1)[1].strip() for line in cpuinfo if line.startswith("model name")),
        platform.processor() or "unknown",
    )
    lo = subprocess.run(["soffice", "--version"], capture_output=True, text=True).stdout.strip()
    qpdf = subprocess.run(["qpdf", "--version"], capture_output=True, text=True).stdout
    qpdf = qpdf.splitlines()[0]
    return {
        "cores": str(os.cpu_count()),
        "cpu": cpu,
        "memory": f"{int(mem.split()[1]) / 2**20:.1f} GB",
        "os": platform.platform(),
        "python": platform.python_version(),
        "LibreOffice": lo,
        "qpdf": qpdf,
    }


def stage_times(meeting: Path, cache: Path | None) -> list[tuple[str, float]]:
    """Seconds per stage of one in-process build (the stages are build()'s progress messages)."""
    from packbuilder.settings import settings

    if cache:  # a rebuild converts the frontsheet again, as it would after an advisor's edit
        generate.set_changed_cell(meeting, f"To agree the assessment (timed {time.time()}).")
    marks: list[tuple[str, float]] = []
    with contextlib.ExitStack() as stack:
        # cold: an empty cache folder (no conversions, checks or kept parts); a rebuild: `cache`
        folder = cache or Path(stack.enter_context(tempfile.TemporaryDirectory()))
        old = os.environ.get("PACKBUILDER_CACHE")
        os.environ["PACKBUILDER_CACHE"] = str(folder)
        settings.cache_clear()
        stack.callback(settings.cache_clear)
        if old is None:
            stack.callback(os.environ.pop, "PACKBUILDER_CACHE", None)
        else:
            stack.callback(os.environ.__setitem__, "PACKBUILDER_CACHE", old)
        return _timed_build(meeting, cache, marks)


def _timed_build(
    meeting: Path, cache: Path | None, marks: list[tuple[str, float]]
) -> list[tuple[str, float]]:
    from packbuilder.build import build
    from packbuilder.convert import CachingConverter, LibreOffice

    lo = LibreOffice()
    converter = CachingConverter(lo, cache) if cache else lo
    with tempfile.TemporaryDirectory() as out:
        start = time.perf_counter()
        build(
            meeting,
            Path(out),
            converter=converter,
            progress=lambda msg: marks.append((msg, time.perf_counter())),
        )
        end = time.perf_counter()
    stages = []
    times = [start] + [t for _, t in marks] + [end]
    names = ["start up"] + [m for m, _ in marks]
    for name, t0, t1 in zip(names, times, times[1:], strict=False):
        stages.append((name, t1 - t0))
    return stages


# --- the report ----------------------------------------------------------------------------------


def chart(benches: list[Bench], path: Path) -> None:
    """Time and peak memory against pages, one line per contender: black, told apart by line style
    and marker so that it reads in black and white."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    styles = {
        "a": ("-", "o"),
        "b": ("--", "s"),
        "c": (":", "^"),
        "wa": ("-.", "D"),
        "wb": ((0, (5, 1, 1, 1, 1, 1)), "v"),
    }
    x = [b.pages for b in benches]
    fig, (left, right) = plt.subplots(1, 2, figsize=(11, 5))
    for key, (line, marker) in styles.items():
        label = CONTENDERS[key].split(" (command")[0].split(":")[0]
        left.plot(
            x,
            [b.median(key) for b in benches],
            color="black",
            linestyle=line,
            marker=marker,
            markerfacecolor="white",
            label=label,
        )
        right.plot(
            x,
            [b.peak(key) for b in benches],
            color="black",
            linestyle=line,
            marker=marker,
            markerfacecolor="white",
            label=label,
        )
    right.axhline(TARGET_MEMORY_MB, color="grey", linewidth=0.8)
    right.annotate(
        f"target {TARGET_MEMORY_MB} MB",
        (x[0], TARGET_MEMORY_MB),
        xytext=(0, 4),
        textcoords="offset points",
        fontsize=8,
        color="black",
    )
    for ax, title, unit in (
        (left, "Wall time (median)", "seconds"),
        (right, "Peak memory of the process tree (median)", "MB"),
    ):
        ax.set_title(title, fontsize=10)
        ax.set_xlabel("pages in the meeting (target size)")
        ax.set_ylabel(unit)
        ax.set_xticks(x)
        ax.set_ylim(bottom=0)
        ax.grid(True, color="0.85", linewidth=0.5)
    handles, labels = left.get_legend_handles_labels()
    fig.legend(handles, labels, loc="lower center", ncol=3, fontsize=8, frameon=False)
    fig.tight_layout(rect=(0, 0.12, 1, 1))
    fig.savefig(path, dpi=110)
    plt.close(fig)


def _fmt(runs: list[Run]) -> tuple[str, str]:
    s = [r.seconds for r in runs]
    m = [r.peak_bytes / 2**20 for r in runs]
    return (
        f"{statistics.median(s):.2f} s ({min(s):.2f}-{max(s):.2f})",
        f"{statistics.median(m):.0f} MB ({min(m):.0f}-{max(m):.0f})",
    )


def _mark(ok: bool) -> str:
    return "**met**" if ok else "**missed**"


@dataclass
class Growth:
    """The rebuilds (b) of the smallest and the largest meeting, run alternately (`GROWTH_PAIRS`)."""

    small: list[Run]
    large: list[Run]

    def ratio(self) -> float:
        return statistics.median(r.seconds for r in self.large) / statistics.median(
            r.seconds for r in self.small
        )


def growth_pairs(small: Bench, large: Bench, say) -> Growth:  # type: ignore[no-untyped-def]
    """Rebuild (b) the smallest and the largest meeting alternately, `GROWTH_PAIRS` times each,
    on the caches their runs left."""
    growth = Growth([], [])
    for n in range(GROWTH_PAIRS):
        for bench, runs in ((small, growth.small), (large, growth.large)):
            r = bench.rebuild(10_000 + n)  # (a cell value no run before gave)
            runs.append(r)
            say(f"growth, pair {n + 1} ({bench.pages} pages, b): {r.seconds:.2f} s")
    return growth


def targets(
    benches: list[Bench], sizes: dict[int, Sizes], growth: Growth | None = None
) -> list[str]:
    by = {b.pages: b for b in benches}
    small, large = min(by), max(by)
    s, big = by[small], by[large]
    ratio_a, ratio_b = s.median("a") / s.median("c"), s.median("b") / s.median("c")
    peak = max(r.peak_bytes for k in ("a", "b") for r in big.results[k]) / 2**20
    worst = max(
        (sz.ratio(pack), pages, pack)
        for pages, sz in sizes.items()
        for pack in ("public", "private")
    )
    rows = [
        "| target | measured | |",
        "|---|---|---|",
        f"| cold build (a) <= {TARGET_COLD} x recipe (c) at {small:,} pages | {ratio_a:.2f} | "
        f"{_mark(ratio_a <= TARGET_COLD)} |",
        f"| rebuild (b) <= {TARGET_REBUILD} x recipe (c) at {small:,} pages | {ratio_b:.3f} | "
        f"{_mark(ratio_b <= TARGET_REBUILD)} |",
    ]
    if large != small:
        # alternately measured, where there are such runs (`GROWTH_PAIRS`)
        ratio = growth.ratio() if growth else big.median("b") / s.median("b")
        how = f", alternately ({GROWTH_PAIRS} pairs)" if growth else ""
        rows.append(
            f"| rebuild (b) at {large:,} pages <= {TARGET_REBUILD_GROWTH} x at {small:,}{how} "
            f"| {ratio:.2f} | {_mark(ratio <= TARGET_REBUILD_GROWTH)} |"
        )
    rows += [
        f"| peak memory <= {TARGET_MEMORY_MB} MB at {large:,} pages (a and b, worst run) | "
        f"{peak:.0f} MB | {_mark(peak <= TARGET_MEMORY_MB)} |",
        f"| each pack <= {TARGET_SIZE} x its input PDFs (worst: {worst[2]} pack, "
        f"{worst[1]:,} pages) | {worst[0]:.3f} | {_mark(worst[0] <= TARGET_SIZE)} |",
    ]
    if 1000 not in by or 4000 not in by:
        rows.append("")
        rows.append(
            f"The targets are set at 1,000 and 4,000 pages; this run measured "
            f"{', '.join(f'{p:,}' for p in sorted(by))} pages, so they are shown at the "
            "smallest and largest sizes measured."
        )
    return rows


def report(
    benches: list[Bench],
    sizes: dict[int, Sizes],
    info: dict[str, str],
    load: tuple[str, str],
    stages: list[tuple[str, float, float]],
    quick: bool,
    growth: Growth | None = None,
) -> str:
    runs = benches[0].runs
    lines = [
        "# Benchmark: packbuilder against the plain soffice + qpdf recipe, as the meeting grows",
        "",
        f"Written by `make bench` (`python -m bench.run`) on {dt.datetime.now():%Y-%m-%d %H:%M}. "
        f"{runs} run{'s' if runs > 1 else ''} of each, alternating a, b, c, wa, wb "
        f"(the rebuilds b and wb {REBUILD_REPEATS} times in each run: "
        f"{runs * REBUILD_REPEATS} in all); median (min-max). Each timed command starts "
        "after `sync` (bench/README.md).",
        "",
    ]
    if quick:
        lines += [
            "**Quick mode** (`BENCH_QUICK=1`): one size, one run, to check the harness; not the "
            "numbers to judge the targets by. Run `make bench` for those.",
            "",
        ]
    lines += [
        "## Machine",
        "",
        *[f"- {k}: {v}" for k, v in info.items()],
        f"- load average (1 min) at start / end: {load[0]} / {load[1]} "
        "(the machine may be shared: ratios from the same run are what count)",
        "",
        "## The meetings",
        "",
        "`bench/generate.py`: officers' Word reports (2 to 30 pages) and appendix PDFs (text, "
        "tables, photographs, landscape tables), with one Part II item (exempt paragraph "
        f"{generate.EXEMPT_PARAGRAPH}) taken last: a public pack without its papers and a "
        "private pack with every paper.",
        "",
        "| target size | Word reports | appendix PDFs | public pack pages | private pack pages | "
        "recipe's private merge pages |",
        "|---|---|---|---|---|---|",
    ]
    for b in benches:
        p = sizes[b.pages].pages
        lines.append(
            f"| {b.pages:,} | {p['word reports']} | {p['appendices']} | {p['public']:,} "
            f"| {p['private']:,} | {p['recipe private']:,} |"
        )
    lines += ["", "## Results", ""]
    for b in benches:
        lines += [
            f"### {b.pages:,} pages",
            "",
            "| | wall time | peak memory (process tree) | x recipe (c) |",
            "|---|---|---|---|",
        ]
        for key, name in CONTENDERS.items():
            t, m = _fmt(b.results[key])
            lines.append(f"| {name} | {t} | {m} | {b.median(key) / b.median('c'):.3f} |")
        sz = sizes[b.pages].bytes
        lines += [
            "",
            f"Sizes: public pack {sz['public'] / 1e6:.2f} MB from {sz['public inputs'] / 1e6:.2f} MB "
            f"of input PDFs ({sizes[b.pages].ratio('public'):.3f}); private pack "
            f"{sz['private'] / 1e6:.2f} MB from {sz['private inputs'] / 1e6:.2f} MB "
            f"({sizes[b.pages].ratio('private'):.3f}); the recipe's merges "
            f"{sz['recipe public'] / 1e6:.2f} and {sz['recipe private'] / 1e6:.2f} MB. "
            "Input PDFs: the appendices and the Word reports as LibreOffice converts them.",
            "",
        ]
    lines += [
        "## Growth",
        "",
        "![Wall time and peak memory against the meeting's size](growth.png)",
        "",
        "| contender | " + " | ".join(f"{b.pages:,} pages" for b in benches) + " |",
        "|---|" + "---|" * len(benches),
    ]
    for key, name in CONTENDERS.items():
        lines.append(
            f"| {name} | "
            + " | ".join(f"{b.median(key):.2f} s, {b.peak(key):.0f} MB" for b in benches)
            + " |"
        )
    lines += ["", "## Targets (2-core machine)", "", *targets(benches, sizes, growth), ""]
    if growth:
        by = {b.pages: b for b in benches}
        small, large = min(by), max(by)
        apart = by[large].median("b") / by[small].median("b")
        lines += [
            f"The growth is measured by rebuilding (b) the {small:,}-page and the {large:,}-page "
            f"meeting alternately, {GROWTH_PAIRS} times each, after every size has run: "
            f"{_fmt(growth.small)[0]} and {_fmt(growth.large)[0]}, median (min-max). The "
            "sizes' own rebuilds, above, ran up to half an hour apart, which on a shared "
            f"machine moves their ratio ({apart:.2f} this time).",
            "",
        ]
    if stages:
        lines += [
            "## Where the time goes",
            "",
            f"Stages of an in-process build at {benches[0].pages:,} pages, cold (one run) and "
            "rebuild (median of three); seconds, a stage lasting until the next progress message:",
            "",
            "| stage | cold | rebuild |",
            "|---|---|---|",
            *[f"| {name} | {cold:.2f} | {warm:.2f} |" for name, cold, warm in stages],
            "",
        ]
    lines += [
        "## Reading it",
        "",
        "- (b) and (wb) change one cell that the frontsheet prints, so both packs' frontsheets are "
        "converted again and both packs written again; their numbered parts (every paper, "
        "stamped, with its structure) are reused from the cache folder, as are the papers' "
        "conversions and checks (docs/outputs.md). An unchanged pack is not rewritten, so a "
        "rebuild that changed nothing would be faster still and is not what is measured.",
        "- (wa) and (wb) are a caller that stays running (a web worker, a scheduler loop) with one "
        "LibreOffice kept warm between builds: no Python start-up or imports, no LibreOffice "
        "start. Their peak memory includes the caller's Python and the warm LibreOffice "
        "(docs/warm-converter.md). Before each (wa) run the caller's cache folder is emptied, "
        "as (a)'s is, but for the profile its LibreOffice runs on: nothing it checked, repaired "
        "or assembled before is found; (wb), run next, rebuilds on what (wa) left.",
        "- The recipe's LibreOffice profile exists before the timed runs (a user's would), and it "
        "starts one LibreOffice per Word file, as a shell loop would.",
        "",
    ]
    return "\n".join(lines)


def stage_table(meeting: Path, work: Path) -> list[tuple[str, float, float]]:
    cold = stage_times(meeting, None)
    cache = work / "cache-rebuild"
    rebuilds = [dict(stage_times(meeting, cache)) for _ in range(3)]
    return [
        (name, secs, statistics.median(r.get(name, float("nan")) for r in rebuilds))
        for name, secs in cold
        if name != "start up"
    ]


def _env_int(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    return int(value) if value.isdigit() and int(value) > 0 else default


def main(argv: list[str] | None = None) -> None:
    quick_env = os.environ.get("BENCH_QUICK", "") not in ("", "0")
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--quick",
        action="store_true",
        default=quick_env,
        help="1,000 pages, one run, no stage timing (BENCH_QUICK=1)",
    )
    parser.add_argument(
        "--pages",
        default=os.environ.get("BENCH_PAGES", ""),
        help="meeting sizes, comma-separated (BENCH_PAGES, default 1000,2000,4000)",
    )
    parser.add_argument(
        "--runs", type=int, default=0, help="runs of each contender (BENCH_RUNS, default 3)"
    )
    parser.add_argument("--output", type=Path, default=RESULTS, help="where to write the report")
    args = parser.parse_args(argv)
    sizes_text = args.pages or ("1000" if args.quick else "1000,2000,4000")
    pages_list = sorted({int(p) for p in sizes_text.split(",") if p.strip()})
    runs = args.runs or _env_int("BENCH_RUNS", 1 if args.quick else 3)
    for tool in ("soffice", "qpdf"):
        if not shutil.which(tool):
            raise SystemExit(f"{tool} is not installed: run `make setup`")

    def say(msg: str) -> None:
        print(msg, flush=True)

    # packbuilder's bytecode up to date, as an installed package's is (pip compiles it, and so
    # does `make setup`): where Python may not write it (PYTHONDONTWRITEBYTECODE, common in
    # containers), every timed command would otherwise compile the modules changed since
    compileall.compile_dir(str(ROOT / "packbuilder"), quiet=1)
    work = generate.WORK / "runs"
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    load_start = f"{os.getloadavg()[0]:.2f}"
    caller = WarmCaller(work)
    benches, sizes = [], {}
    try:
        for pages in pages_list:
            say(
                f"generating the {pages:,}-page meeting (appendices are converted once and cached "
                "in bench/work)"
            )
            meeting = generate.make_meeting(pages, folder=generate.WORK / f"meeting-{pages}")
            b = Bench(pages, meeting, work / str(pages), runs, caller)
            b.work.mkdir()
            b.run(say)
            benches.append(b)
            sizes[pages] = measure_sizes(b)
        growth = None
        if len(benches) > 1 and not args.quick:
            growth = growth_pairs(benches[0], benches[-1], say)
    finally:
        caller.close()
    load_end = f"{os.getloadavg()[0]:.2f}"
    stages = []
    if not args.quick:
        say("timing the stages of an in-process build")
        stages = stage_table(benches[0].meeting, benches[0].work)
    chart(benches, CHART)
    text = report(benches, sizes, machine(), (load_start, load_end), stages, args.quick, growth)
    args.output.write_text(text)
    say(f"wrote {args.output} and {CHART}")
    for line in text.splitlines():
        if "**m" in line:
            say(line)


if __name__ == "__main__":
    main()
