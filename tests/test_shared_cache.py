"""One conversion cache shared by several worker processes: writers of the same entry at once,
readers while it is written, and the size bound."""

from __future__ import annotations

import multiprocessing
import os
import time
from pathlib import Path

from pypdf import PdfReader

from packbuilder.convert import CachingConverter, ConversionStats, Converter
from packbuilder.convert import cache as cache_module
from packbuilder.convert.cache import RECENT, prune
from tests.factory import write_pdf

WORKERS = 4


class Slow(Converter):
    """Takes a while and signs its PDF with its worker's name, so a test can tell whose it is."""

    def __init__(self, name: str) -> None:
        self.name = name

    def version(self) -> str:
        return "v1"

    def stats(self) -> ConversionStats:
        return ConversionStats()

    def close(self) -> None:
        pass

    def convert(self, documents, outdir, *, sources=None):  # type: ignore[no-untyped-def]
        outdir.mkdir(parents=True, exist_ok=True)
        time.sleep(0.3)  # every worker misses the key before any has stored it
        return [write_pdf(outdir / f"{i}.pdf", 40, label=self.name) for i in range(len(documents))]


def _worker(name: str, document: str, cache: str, out: str, start, results) -> None:  # type: ignore[no-untyped-def]
    start.wait()
    converter = CachingConverter(Slow(name), Path(cache))
    for round_ in range(3):
        [pdf] = converter.convert([Path(document)], Path(out) / str(round_))
        # what the worker was handed is whole, and it is what the cache holds
        results.put(
            (name, str(pdf), len(PdfReader(pdf).pages), PdfReader(pdf).pages[0].extract_text())
        )


def test_workers_storing_the_same_entry_at_once_keep_one_whole_copy(tmp_path: Path) -> None:
    document = tmp_path / "paper.docx"
    document.write_text("the same paper for every worker\n")
    cache = tmp_path / "shared-cache"
    context = multiprocessing.get_context("spawn")
    start = context.Barrier(WORKERS)
    results = context.Queue()
    processes = [
        context.Process(
            target=_worker,
            args=(f"w{n}", str(document), str(cache), str(tmp_path / f"out{n}"), start, results),
        )
        for n in range(WORKERS)
    ]
    for p in processes:
        p.start()
    got = [results.get(timeout=120) for _ in range(WORKERS * 3)]
    for p in processes:
        p.join(timeout=30)
        assert p.exitcode == 0
    entries = list(cache.glob("??/*.pdf"))
    assert len(entries) == 1, entries
    # no aside file left, and the voucher of the bytes that won alone (`cache.vouched`)
    (voucher,) = set(cache.glob("??/*")) - set(entries)
    assert voucher.name.endswith(".sum") and cache_module.vouched(entries[0])
    winner = PdfReader(entries[0]).pages[0].extract_text()
    for name, pdf, pages, text in got:
        assert pages == 40
        if Path(pdf) == entries[0]:
            assert text == winner  # the entry was never replaced under a reader
        else:  # the cache folder could not be used: the worker's own conversion, whole
            assert text.startswith(f"{name} page 1"), (name, pdf)
    # every later round was a hit on the one entry
    assert sum(1 for _, pdf, _, _ in got if Path(pdf) == entries[0]) >= WORKERS * 2


def test_prune_drops_the_entries_used_longest_ago(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    now = time.time()
    ages = {"old": 5 * RECENT, "older": 9 * RECENT, "recent": 2 * RECENT, "just used": 10}
    for name, age in ages.items():
        path = cache / "ab" / f"{name}.pdf"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"x" * 1000)
        os.utime(path, (now - age, now - age))
    left_by_a_killed_writer = cache / "ab" / "x.host.1.2.tmp"
    left_by_a_killed_writer.write_bytes(b"half")
    os.utime(left_by_a_killed_writer, (now - 2 * RECENT, now - 2 * RECENT))
    assert prune(cache, max_bytes=2500, now=now) == 3
    assert sorted(p.name for p in cache.glob("ab/*")) == ["just used.pdf", "recent.pdf"]
    # an entry used within the hour stays even over the bound
    assert prune(cache, max_bytes=0, now=now) == 1
    assert [p.name for p in cache.glob("ab/*")] == ["just used.pdf"]


def test_an_entry_a_hit_did_not_touch_is_kept_for_as_long(tmp_path: Path) -> None:
    """A hit moves an entry's time only once it is TOUCHED old: an entry touched nearly that
    long ago and handed to a build now must still outlive RECENT from now."""
    from packbuilder.convert.cache import TOUCHED

    cache = tmp_path / "cache"
    now = time.time()
    kept = _aged(cache / "ab" / "used now.pdf", RECENT + TOUCHED - 5, now)
    dropped = _aged(cache / "ab" / "unused.pdf", RECENT + TOUCHED + 5, now)
    assert prune(cache, max_bytes=0, now=now) == 1
    assert kept.exists() and not dropped.exists()


def test_what_is_kept_beside_an_entry_goes_with_it(tmp_path: Path) -> None:
    # a kept part's skeleton (`SkeletonFile`) is named after its part, with another suffix
    cache = tmp_path / "cache"
    now = time.time()
    ages = {"old": 5 * RECENT, "recent": 2 * RECENT, "orphan": 3 * RECENT, "new orphan": 10}
    for name, age in ages.items():
        for suffix in (".pdf", ".skeleton"):
            path = cache / "ab" / f"{name}{suffix}"
            path.parent.mkdir(parents=True, exist_ok=True)
            if suffix == ".pdf" and "orphan" in name:
                continue  # its part was deleted (damaged, or by another worker)
            path.write_bytes(b"x" * 1000)
            os.utime(path, (now - age, now - age))
    someone_elses = cache / "ab" / "notes.txt"  # a cache folder shared with other files
    someone_elses.write_bytes(b"kept")
    os.utime(someone_elses, (now - 9 * RECENT, now - 9 * RECENT))
    assert prune(cache, max_bytes=1500, now=now) == 3
    assert sorted(p.name for p in cache.glob("ab/*")) == [
        "new orphan.skeleton",  # made a moment ago: its part may be on its way
        "notes.txt",
        "recent.pdf",
        "recent.skeleton",
    ]


def test_a_conversions_voucher_goes_with_it(tmp_path: Path) -> None:
    # named by the conversion's key and the digest of its bytes (`cache.vouched`)
    cache = tmp_path / "cache"
    now = time.time()
    for name, age in {"old": 5 * RECENT, "recent": 2 * RECENT}.items():
        for file in (f"{name}.pdf", f"{name}.{'0' * 32}.sum", f"{name}.{'1' * 32}.sum"):
            path = cache / "ab" / file
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(b"x" * 1000 if file.endswith(".pdf") else b"")
            os.utime(path, (now - age, now - age))
    assert prune(cache, max_bytes=1500, now=now) == 3
    assert sorted(p.name for p in cache.glob("ab/*")) == [
        "recent.00000000000000000000000000000000.sum",
        "recent.11111111111111111111111111111111.sum",
        "recent.pdf",
    ]


def test_a_hit_makes_an_entry_recent_and_close_prunes(tmp_path: Path) -> None:
    document = tmp_path / "paper.docx"
    document.write_text("a paper\n")
    converter = CachingConverter(Slow("w"), tmp_path / "cache", max_bytes=1)
    [entry] = converter.convert([document], tmp_path / "o1")
    long_ago = time.time() - 5 * RECENT
    os.utime(entry, (long_ago, long_ago))
    converter.convert([document], tmp_path / "o2")
    assert time.time() - entry.stat().st_mtime < 60  # the hit refreshed it
    converter.close()
    assert entry.exists()  # over the bound, but just used
    os.utime(entry, (long_ago, long_ago))
    converter.close()
    assert not entry.exists()


def _aged(path: Path, seconds: float, now: float) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("entry")
    os.utime(path, (now - seconds, now - seconds))
    return path


def test_small_entries_are_swept_once_a_day_by_age(tmp_path):
    from packbuilder.convert.cache import SMALL_ENTRIES, tidy

    now = time.time()
    day = 86400
    old_digest = _aged(tmp_path / "digests" / "ab" / "ab12", 31 * day, now)
    new_digest = _aged(tmp_path / "digests" / "ab" / "ab34", 2 * day, now)
    old_check = _aged(tmp_path / "checks" / "cd" / "cd12.json", 181 * day, now)
    month_check = _aged(tmp_path / "checks" / "cd" / "cd34.json", 31 * day, now)
    killed = _aged(tmp_path / "checks" / "cd" / ".cd56.json.123.456.tmp", 2 * 3600, now)
    writing = _aged(tmp_path / "clean" / "ef" / ".ef12.public.123.456.tmp", 60, now)
    other = _aged(tmp_path / "parts" / "ab" / "ab12.pdf", 400 * day, now)  # pruned by size
    old_code = _aged(tmp_path / "templates" / "01" / "0123.code", 31 * day, now)
    new_code = _aged(tmp_path / "templates" / "01" / "0145.patched", 2 * day, now)
    old_render = _aged(tmp_path / "rendered" / "02" / "0234.docx", 31 * day, now)
    new_render = _aged(tmp_path / "rendered" / "02" / "0256.docx", 2 * day, now)
    old_patterns = _aged(tmp_path / "patterns" / "03" / "0345.patterns", 31 * day, now)
    assert set(SMALL_ENTRIES) == {
        "checks",
        "clean",
        "digests",
        "templates",
        "rendered",
        "patterns",
        "holidays",
    }
    assert tidy(tmp_path, now) == 6
    assert not old_digest.exists() and not old_check.exists() and not killed.exists()
    assert new_digest.exists() and month_check.exists() and writing.exists() and other.exists()
    assert not old_code.exists() and new_code.exists()
    assert not old_render.exists() and new_render.exists() and not old_patterns.exists()
    # not again the same day, whatever has aged meanwhile
    _aged(old_digest, 31 * day, now)
    assert tidy(tmp_path, now + 3600) == 0 and old_digest.exists()
    # a day on, the aside file that was being written is a killed writer's too
    assert tidy(tmp_path, now + day + 1) == 2 and not old_digest.exists() and not writing.exists()


def test_a_cache_that_cannot_be_written_is_not_swept(tmp_path):
    from packbuilder.convert.cache import tidy

    blocker = tmp_path / "cache"
    blocker.write_text("a file where the cache folder should be")
    assert tidy(blocker) == 0


def test_a_build_sweeps_its_cache_folder(tmp_path, monkeypatch):
    from packbuilder.build import build
    from packbuilder.settings import settings
    from tests.factory import make_meeting
    from tests.fakes import FakeConverter

    cache = tmp_path / "cache"
    monkeypatch.setenv("PACKBUILDER_CACHE", str(cache))
    settings.cache_clear()
    stale = _aged(cache / "digests" / "ab" / "ab12", 60 * 86400, time.time())
    folder = make_meeting(
        tmp_path / "2020-03-05-board",
        items=[{"title": "Appendix", "papers": ["appendix.pdf"]}],
        papers={"appendix.pdf": 2},
    )
    build(folder, tmp_path / "out", converter=FakeConverter())
    assert not stale.exists() and (cache / ".swept").is_file()
    monkeypatch.undo()
    settings.cache_clear()
