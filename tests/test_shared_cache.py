"""One conversion cache shared by several worker processes: writers of the same entry at once,
readers while it is written, and the size bound."""

from __future__ import annotations

import multiprocessing
import os
import time
from pathlib import Path

from pypdf import PdfReader

from packbuilder.convert import CachingConverter, ConversionStats, Converter
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
    entries = list(cache.glob("??/*"))
    assert len(entries) == 1 and entries[0].suffix == ".pdf", entries  # no aside file left
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
