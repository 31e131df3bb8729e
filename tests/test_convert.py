"""The converter: robustness (with a fake ``soffice``), the real LibreOffice, and the cache.

The fake soffice is a small Python script taking LibreOffice's command line. It turns each input
(a text file standing in for a Word document) into a one-page PDF reading the input's first line,
and misbehaves on inputs whose text asks it to: HANG (sleeps, with a child process, as soffice.bin
under oosplash), CRASH (writes half a PDF and dies), FLAKY (crashes the first time only). It logs
every start (profile, inputs, pid, environment) so tests can see restarts and parallel processes.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import select
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import zipfile
from pathlib import Path
from urllib.parse import unquote, urlparse

import pikepdf
import pytest
from pypdf import PdfReader

from packbuilder.convert import (
    PARALLEL_MIN_DOCUMENTS,
    CachingConverter,
    ConversionStats,
    Converter,
    LibreOffice,
    content_digest,
    kept_profile,
    listener,
    on_handover,
    on_ready,
    open_converter,
)
from packbuilder.convert import libreoffice as libreoffice_module
from packbuilder.convert.cache import aside as cache_aside
from packbuilder.convert.process import launcher
from packbuilder.errors import ConversionError, Source
from packbuilder.settings import Settings, settings
from tests.factory import write_docx
from tests.procs import describe, gone, group_alive, members, soffice_bins

FAKE = r"""#!{python}
import json, os, subprocess, sys, time
from pathlib import Path
from urllib.parse import unquote, urlparse
from pypdf import PdfWriter
from pypdf.generic import DecodedStreamObject, DictionaryObject, NameObject

state = Path(os.environ["FAKE_SOFFICE_STATE"])
args = sys.argv[1:]
outdir = Path(args[args.index("--outdir") + 1])
profile = next(a for a in args if a.startswith("-env:UserInstallation="))
Path(unquote(urlparse(profile.split("=", 1)[1]).path)).mkdir(parents=True, exist_ok=True)
inputs = [a for a in args[args.index("--outdir") + 2:]]
with open(state / "log.jsonl", "a") as log:
    log.write(json.dumps({{"pid": os.getpid(), "profile": profile, "inputs": inputs,
                          "tunables": os.environ.get("GLIBC_TUNABLES", "")}}) + "\n")


def pdf(path, text):
    w = PdfWriter()
    font = w._add_object(DictionaryObject({{
        NameObject("/Type"): NameObject("/Font"), NameObject("/Subtype"): NameObject("/Type1"),
        NameObject("/BaseFont"): NameObject("/Helvetica")}}))
    page = w.add_blank_page(595, 842)
    stream = DecodedStreamObject()
    stream.set_data(f"BT /F1 12 Tf 72 700 Td ({{text}}) Tj ET".encode())
    page[NameObject("/Contents")] = w._add_object(stream)
    page[NameObject("/Resources")] = DictionaryObject(
        {{NameObject("/Font"): DictionaryObject({{NameObject("/F1"): font}})}})
    with open(path, "wb") as fh:
        w.write(fh)


time.sleep(float(os.environ.get("FAKE_SOFFICE_START_DELAY", "0")))
for name in inputs:
    text = Path(name).read_text(encoding="utf-8").splitlines()[0]
    out = outdir / (Path(name).stem + ".pdf")
    if "HANG" in text:
        child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(600)"])
        (state / "child.pid").write_text(str(child.pid))
        time.sleep(600)
    flaky_done = state / ("flaky-" + Path(name).name)
    if "CRASH" in text or ("FLAKY" in text and not flaky_done.exists()):
        flaky_done.touch()
        out.write_bytes(b"%PDF-1.7\n1 0 obj")  # half a PDF, as a crash mid-write leaves
        os._exit(139)
    pdf(out, text)
    time.sleep(float(os.environ.get("FAKE_SOFFICE_DELAY", "0")))
"""


@pytest.fixture
def fake_soffice(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    state = tmp_path / "fake-state"
    state.mkdir()
    script = tmp_path / "soffice"
    script.write_text(FAKE.format(python=sys.executable))
    script.chmod(0o755)
    monkeypatch.setenv("FAKE_SOFFICE_STATE", str(state))
    return script


def starts(fake: Path) -> list[dict]:  # type: ignore[type-arg]
    log = fake.parent / "fake-state" / "log.jsonl"
    return [json.loads(line) for line in log.read_text().splitlines()] if log.exists() else []


def docs(folder: Path, *texts: str) -> list[Path]:
    folder.mkdir(exist_ok=True)
    out = []
    for i, text in enumerate(texts):
        path = folder / f"paper {i}.docx"
        path.write_text(text + "\n", encoding="utf-8")
        out.append(path)
    return out


def first_text(pdf: Path) -> str:
    return PdfReader(pdf).pages[0].extract_text().strip()


# --- robustness, with the fake ------------------------------------------------------------------


@pytest.mark.parametrize("count", [1, 3, PARALLEL_MIN_DOCUMENTS, 9])
@pytest.mark.parametrize("processes", [1, 2])
def test_every_document_comes_back_in_order(
    fake_soffice: Path, tmp_path: Path, count: int, processes: int
) -> None:
    texts = [f"document {i}" for i in range(count)]
    lo = LibreOffice(soffice=str(fake_soffice), timeout=10, processes=processes)
    pdfs = lo.convert(docs(tmp_path / "in", *texts), tmp_path / "out")
    assert [first_text(p) for p in pdfs] == texts
    assert all(p.parent == tmp_path / "out" for p in pdfs)
    runs = starts(fake_soffice)
    expected = processes if count >= PARALLEL_MIN_DOCUMENTS else 1
    assert len(runs) == expected
    assert len({r["profile"] for r in runs}) == expected  # a user profile per process
    assert sorted(len(r["inputs"]) for r in runs) == sorted(
        [count // expected + (1 if i < count % expected else 0) for i in range(expected)]
    )


@pytest.mark.parametrize("processes", [1, 2])
def test_libreoffice_says_when_the_batch_is_in_its_hands(
    fake_soffice: Path, tmp_path: Path, processes: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Whoever asked (`on_handover`) is told as each LibreOffice starts on its documents: every
    document staged, no result back yet; from the threads of a batch shared between processes
    too."""
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "tmp"))  # where the batch is staged
    (tmp_path / "tmp").mkdir()
    monkeypatch.setenv("FAKE_SOFFICE_START_DELAY", "0.5")  # LibreOffice's start
    lo = LibreOffice(soffice=str(fake_soffice), timeout=10, processes=processes)
    told: list[tuple[int, int]] = []

    def said() -> None:
        work = tmp_path / "tmp"
        told.append((len(list(work.glob("*/in/*.docx"))), len(list(work.glob("*/out/*.pdf")))))

    texts = [f"document {i}" for i in range(PARALLEL_MIN_DOCUMENTS)]
    with on_handover(said):
        pdfs = lo.convert(docs(tmp_path / "in", *texts), tmp_path / "out")
    # one word per LibreOffice, every document staged, none converted yet
    assert told == [(len(texts), 0)] * processes
    assert len(pdfs) == len(texts)
    lo.convert(docs(tmp_path / "in2", "again"), tmp_path / "out2")  # asked by no one
    assert len(told) == processes


class Told:
    """What a caller listening (`on_ready`) is told, when, and whether the batch was over."""

    def __init__(self) -> None:
        self.told: list[tuple[int, Path, float]] = []
        self.texts: dict[int, str] = {}
        self.lock = threading.Lock()

    def __call__(self, index: int, pdf: Path) -> None:
        text = first_text(pdf)  # readable, whole, the moment it is told of
        with self.lock:
            self.told.append((index, pdf, time.monotonic()))
            self.texts[index] = text


@pytest.mark.parametrize(("processes", "count"), [(1, 3), (2, PARALLEL_MIN_DOCUMENTS)])
def test_each_document_is_told_of_as_soon_as_it_is_written(
    fake_soffice: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    processes: int,
    count: int,
) -> None:
    """A caller listening (`on_ready`) gets each document as LibreOffice writes it, not when
    the batch is over: the very file the batch returns, in its place, whole; from the threads of
    a batch shared between processes too. Asked by no one, nothing is told."""
    monkeypatch.setenv("FAKE_SOFFICE_DELAY", "0.6")  # after each document
    lo = LibreOffice(soffice=str(fake_soffice), timeout=10, processes=processes)
    texts = [f"document {i}" for i in range(count)]
    told = Told()
    with on_ready(told):
        pdfs = lo.convert(docs(tmp_path / "in", *texts), tmp_path / "out")
    over = time.monotonic()
    assert sorted(i for i, _, _ in told.told) == list(range(count))
    assert {i: p for i, p, _ in told.told} == dict(enumerate(pdfs))
    assert told.texts == dict(enumerate(texts))
    first = min(t for i, _, t in told.told if i == 0)
    assert over - first > 0.5  # told of while its batch went on
    assert [first_text(p) for p in pdfs] == texts
    lo.convert(docs(tmp_path / "in2", "again"), tmp_path / "out2")  # asked by no one
    assert len(told.told) == count


def test_a_document_told_of_is_not_converted_again_after_a_crash(
    fake_soffice: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """LibreOffice crashing after a document was told of (and moved out of its folder): the
    restart converts only what it had not written, and every result is the right one."""
    monkeypatch.setenv("FAKE_SOFFICE_DELAY", "0.3")  # (time to be seen before the crash)
    papers = docs(tmp_path / "in", "first", "FLAKY second", "third")
    told = Told()
    with on_ready(told):
        pdfs = LibreOffice(soffice=str(fake_soffice), timeout=10, processes=1).convert(
            papers, tmp_path / "out"
        )
    assert [first_text(p) for p in pdfs] == ["first", "FLAKY second", "third"]
    assert [len(r["inputs"]) for r in starts(fake_soffice)] == [3, 2]
    assert told.texts[0] == "first" and {i: p for i, p, _ in told.told}[0] == pdfs[0]


@pytest.mark.parametrize(
    ("cores", "env", "expected"),
    [(1, "", 1), (2, "", 2), (4, "", 2), (None, "", 1), (1, "2", 2), (8, "1", 1), (2, "zero", 2)],
)
def test_default_processes(
    monkeypatch: pytest.MonkeyPatch, cores: int | None, env: str, expected: int
) -> None:
    monkeypatch.setattr(os, "cpu_count", lambda: cores)
    chosen = Settings.from_env({"PACKBUILDER_CONVERT_PROCESSES": env}).convert_processes
    assert chosen == expected


def test_a_lone_process_starts_with_the_malloc_tuning(fake_soffice: Path, tmp_path: Path) -> None:
    LibreOffice(soffice=str(fake_soffice), processes=2).convert(
        docs(tmp_path / "a", "one"), tmp_path / "o1"
    )
    LibreOffice(soffice=str(fake_soffice), processes=2).convert(
        docs(tmp_path / "b", *["x"] * PARALLEL_MIN_DOCUMENTS), tmp_path / "o2"
    )
    lone, *pair = starts(fake_soffice)
    assert "mmap_threshold" in lone["tunables"]
    assert len(pair) == 2 and all("mmap_threshold" not in r["tunables"] for r in pair)


def test_a_hung_libreoffice_is_killed_restarted_once_then_named(
    fake_soffice: Path, tmp_path: Path
) -> None:
    papers = docs(tmp_path / "in", "fine", "HANG here", "never reached")
    lo = LibreOffice(soffice=str(fake_soffice), timeout=1, processes=1)
    started = time.monotonic()
    with pytest.raises(ConversionError) as caught:
        lo.convert(papers, tmp_path / "out")
    assert time.monotonic() - started < 8
    message = str(caught.value)
    assert "paper 1.docx" in message and "hung" in message and "twice" in message
    runs = starts(fake_soffice)
    assert len(runs) == 2
    assert len(runs[1]["inputs"]) == 2  # the restart is given only what was left
    assert runs[0]["profile"] != runs[1]["profile"]
    for run in runs:
        assert not _alive(run["pid"])
    # the hung process's own child (soffice.bin under oosplash) is killed with it
    child = int((fake_soffice.parent / "fake-state" / "child.pid").read_text())
    deadline = time.monotonic() + 5
    while _alive(child) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not _alive(child)


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def _profile_dir(run: dict) -> Path:  # type: ignore[type-arg]
    return Path(unquote(urlparse(run["profile"].split("=", 1)[1]).path))


def test_profiles_are_kept_between_builds_and_never_shared(
    fake_soffice: Path, tmp_path: Path
) -> None:
    lo = LibreOffice(soffice=str(fake_soffice), processes=1)
    lo.convert(docs(tmp_path / "a", "one"), tmp_path / "o1")
    lo.convert(docs(tmp_path / "b", "two"), tmp_path / "o2")
    first, second = starts(fake_soffice)
    assert first["profile"] == second["profile"]
    assert _profile_dir(first).is_relative_to(settings().cache_dir.resolve())
    with kept_profile() as held:  # another build is using that profile now
        assert held == _profile_dir(first)
        lo.convert(docs(tmp_path / "c", "three"), tmp_path / "o3")
    assert _profile_dir(starts(fake_soffice)[2]) not in (held, None)


def test_a_failure_discards_the_kept_profile(fake_soffice: Path, tmp_path: Path) -> None:
    with pytest.raises(ConversionError):
        LibreOffice(soffice=str(fake_soffice), processes=1).convert(
            docs(tmp_path / "in", "CRASH always"), tmp_path / "out"
        )
    kept, fresh = starts(fake_soffice)
    assert _profile_dir(kept).is_relative_to(settings().cache_dir.resolve())
    assert not _profile_dir(kept).exists()
    assert not _profile_dir(fresh).is_relative_to(settings().cache_dir.resolve())


def test_a_crash_is_retried_once_and_half_written_pdfs_are_redone(
    fake_soffice: Path, tmp_path: Path
) -> None:
    papers = docs(tmp_path / "in", "first", "FLAKY second", "third")
    lo = LibreOffice(soffice=str(fake_soffice), timeout=10, processes=1)
    pdfs = lo.convert(papers, tmp_path / "out")
    assert [first_text(p) for p in pdfs] == ["first", "FLAKY second", "third"]
    assert [len(r["inputs"]) for r in starts(fake_soffice)] == [3, 2]


def test_a_document_that_always_crashes_is_named(fake_soffice: Path, tmp_path: Path) -> None:
    papers = docs(tmp_path / "in", "first", "second", "CRASH third")
    with pytest.raises(ConversionError) as caught:
        LibreOffice(soffice=str(fake_soffice), timeout=10, processes=1).convert(
            papers, tmp_path / "o"
        )
    assert "paper 2.docx" in str(caught.value)
    assert "could not convert" in str(caught.value)
    assert len(starts(fake_soffice)) == 2


def test_a_failure_in_one_of_two_processes_names_its_document(
    fake_soffice: Path, tmp_path: Path
) -> None:
    texts = ["a", "b", "c", "d", "CRASH e", "f"]
    with pytest.raises(ConversionError) as caught:
        LibreOffice(soffice=str(fake_soffice), timeout=10, processes=2).convert(
            docs(tmp_path / "in", *texts), tmp_path / "o"
        )
    assert "paper 4.docx" in str(caught.value)


def test_non_ascii_and_clashing_names_are_staged(fake_soffice: Path, tmp_path: Path) -> None:
    a = tmp_path / "one" / "Rapport d'activité – été.docx"
    b = tmp_path / "two" / "Rapport d'activité – été.docx"
    for path, text in ((a, "from one"), (b, "from two")):
        path.parent.mkdir()
        path.write_text(text + "\n", encoding="utf-8")
    pdfs = LibreOffice(soffice=str(fake_soffice), processes=1).convert([a, b], tmp_path / "out")
    assert [first_text(p) for p in pdfs] == ["from one", "from two"]
    assert all(name.isascii() for run in starts(fake_soffice) for name in run["inputs"])


def test_a_missing_soffice_or_document_is_one_clear_error(
    fake_soffice: Path, tmp_path: Path
) -> None:
    with pytest.raises(ConversionError, match="cannot start LibreOffice"):
        LibreOffice(soffice=str(tmp_path / "no-such-soffice")).convert(
            docs(tmp_path / "in", "x"), tmp_path / "out"
        )
    with pytest.raises(ConversionError, match="gone.docx.*cannot read"):
        LibreOffice(soffice=str(fake_soffice)).convert([tmp_path / "gone.docx"], tmp_path / "out")


# --- the real LibreOffice -------------------------------------------------------------------------


@pytest.mark.libreoffice
def test_real_libreoffice_converts_a_batch_in_two_processes(tmp_path: Path) -> None:
    folders = [tmp_path / "a", tmp_path / "b"]
    for f in folders:
        f.mkdir()
    papers = [
        write_docx(folders[0] / "Rapport d'activité – été.docx", 2, label="Rapport ete"),
        write_docx(folders[0] / "Minutes.docx", 2, label="Minutes of the board"),
        write_docx(folders[1] / "Minutes.docx", 2, label="Minutes of the panel"),
        write_docx(folders[1] / "Plan.docx", 40, label="Commissioning plan"),
        write_docx(folders[1] / "Return.docx", 3, label="Evaluation return"),
    ]
    pdfs = LibreOffice(processes=2).convert(papers, tmp_path / "out")
    labels = [
        "Rapport ete",
        "Minutes of the board",
        "Minutes of the panel",
        "Commissioning plan",
        "Evaluation return",
    ]
    for pdf, label in zip(pdfs, labels, strict=True):
        reader = PdfReader(pdf)
        assert reader.pages[0].extract_text().startswith(label)
        assert f"{label} paragraph 2." in "".join(p.extract_text() for p in reader.pages)
    assert len(PdfReader(pdfs[3]).pages) > 1


@pytest.mark.libreoffice
def test_real_libreoffice_tells_of_each_pdf_repaired(tmp_path: Path) -> None:
    """What a caller listening is told of early is LibreOffice's PDF already repaired (the pass
    every conversion has: `tagged.clean_converted`), the very file the batch returns."""
    papers = [
        write_docx(tmp_path / "a.docx", 2, label="First report"),
        write_docx(tmp_path / "b.docx", 60, label="Long plan"),  # (LibreOffice busy after a)
    ]
    seen: dict[int, tuple[Path, object, str]] = {}

    def tell(index: int, pdf: Path) -> None:
        reader = PdfReader(pdf)
        info = reader.trailer["/Info"]
        seen[index] = (pdf, info.get("/PackbuilderTagsCleaned"), reader.pages[0].extract_text())

    with on_ready(tell):
        pdfs = LibreOffice(processes=1).convert(papers, tmp_path / "out")
    first, cleaned, text = seen[0]
    assert first == pdfs[0] and cleaned and text.startswith("First report")
    assert all(p == pdfs[i] for i, (p, _, _) in seen.items())
    assert PdfReader(pdfs[1]).trailer["/Info"].get("/PackbuilderTagsCleaned")


@pytest.mark.libreoffice
def test_real_libreoffice_converts_a_non_ascii_name_alone(
    libreoffice: LibreOffice, tmp_path: Path
) -> None:
    paper = write_docx(tmp_path / "Rapport d'activité – été.docx", 1, label="Été report")
    (pdf,) = libreoffice.convert([paper], tmp_path / "out")
    assert PdfReader(pdf).pages[0].extract_text().startswith("Été report")


@pytest.mark.libreoffice
@pytest.mark.parametrize("prestarted", [False, True])
def test_libreoffice_runs_no_program_from_the_callers_path(
    path_spies: Path, tmp_path: Path, prestarted: bool
) -> None:
    """LibreOffice's signature support runs gpgconf, gpg and gpgsm from PATH as the first document
    opens (a Word package: it looks for signatures in it): four forks of the whole office in every
    conversion, which needs none of them."""
    lo = LibreOffice(settings=Settings(cache_dir=tmp_path / "cache"), processes=1)
    if prestarted:
        lo.prestart()
    try:
        paper = write_docx(tmp_path / "Signed by nobody.docx", 1, label="Signed by nobody")
        (pdf,) = lo.convert([paper], tmp_path / "out")
    finally:
        lo.close()
    assert "Signed by nobody" in first_text(pdf)
    assert not path_spies.exists(), f"LibreOffice ran: {path_spies.read_text()}"


def test_a_stand_in_soffice_is_started_as_given_with_the_callers_path(
    fake_soffice: Path,
) -> None:
    """Only LibreOffice's own launcher is bypassed for oosplash with a PATH of its program folder;
    anything else (another launcher, a test's stand-in) keeps our PATH and is started as given."""
    assert launcher(str(fake_soffice)) == (str(fake_soffice), ())


@pytest.mark.libreoffice
@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the Linux packages' layout")
def test_the_linux_packages_soffice_is_started_as_its_oosplash() -> None:
    real = shutil.which("soffice")
    assert real is not None
    program = Path(os.path.realpath(real)).parent
    assert launcher(real) == (
        str(program / "oosplash"),
        (("SAL_ENABLE_FILE_LOCKING", "1"), ("PATH", str(program))),
    )


# --- the cache ----------------------------------------------------------------------------------


class Counting(Converter):
    """A converter recording what it is asked to convert; each PDF reads its document's text."""

    def __init__(self, version: str = "v1") -> None:
        self.batches: list[list[str]] = []
        self._version = version

    def version(self) -> str:
        return self._version

    def stats(self) -> ConversionStats:
        return ConversionStats(converted=sum(len(b) for b in self.batches))

    def close(self) -> None:
        self.closed = True

    def convert(self, documents, outdir, *, sources=None):  # type: ignore[no-untyped-def]
        from tests.factory import write_pdf

        self.sources = sources

        outdir.mkdir(parents=True, exist_ok=True)
        self.batches.append([d.name for d in documents])
        out = []
        for i, d in enumerate(documents):
            out.append(write_pdf(outdir / f"{i}.pdf", 1, label=d.read_bytes()[:20].hex()))
        return out


def test_the_cache_converts_the_same_bytes_once(tmp_path: Path) -> None:
    inner = Counting()
    cache = CachingConverter(inner, tmp_path / "cache")
    a, b = docs(tmp_path / "in", "alpha", "beta")
    first = cache.convert([a, b], tmp_path / "o1")
    second = cache.convert([a, b], tmp_path / "o2")
    assert inner.batches == [["paper 0.docx", "paper 1.docx"]]
    assert [first_text(p) for p in first] == [first_text(p) for p in second]
    assert cache.stats() == ConversionStats(converted=2, cached=2)
    b.write_text("beta, revised\n")
    cache.convert([a, b], tmp_path / "o3")
    assert inner.batches[1] == ["paper 1.docx"]
    # another LibreOffice (version) is another cache
    other = Counting("v2")
    CachingConverter(other, tmp_path / "cache").convert([a], tmp_path / "o4")
    assert other.batches == [["paper 0.docx"]]


def test_the_cache_converts_a_duplicate_once(tmp_path: Path) -> None:
    inner = Counting()
    a, b = docs(tmp_path / "in", "same", "same")
    pdfs = CachingConverter(inner, tmp_path / "cache").convert([a, b, a], tmp_path / "out")
    assert inner.batches == [["paper 0.docx"]]
    assert pdfs[0] == pdfs[1] == pdfs[2]


def test_the_cache_tells_of_each_document_by_its_place_in_the_batch(tmp_path: Path) -> None:
    """Through the cache, a caller listening (`on_ready`) is told of what is kept at once, before
    anything is converted, and of what is converted as the converter tells of it: each by its
    place in the caller's batch (a document given twice, at both), with the bytes returned."""
    events: list[str] = []

    class OneByOne(Counting):
        def convert(self, documents, outdir, *, sources=None):  # type: ignore[no-untyped-def]
            events.append("converting")
            pdfs = super().convert(documents, outdir, sources=sources)
            tell = listener()
            for i, pdf in enumerate(pdfs):
                if tell is not None:
                    tell(i, pdf)
            return pdfs

    cache = CachingConverter(OneByOne(), tmp_path / "cache")
    kept, new, other = docs(tmp_path / "in", "kept", "new", "other")
    cache.convert([kept], tmp_path / "o1")
    told: dict[int, str] = {}

    def tell(index: int, pdf: Path) -> None:
        events.append(f"told {index}")
        told[index] = first_text(pdf)

    events.clear()
    with on_ready(tell):
        pdfs = cache.convert([new, kept, other, new], tmp_path / "o2")
    assert events[:2] == ["told 1", "converting"]
    assert sorted(events[2:]) == ["told 0", "told 2", "told 3"]
    assert told == {i: first_text(p) for i, p in enumerate(pdfs)}
    assert len(set(told.values())) == 3


def test_the_cache_sees_through_docx_timestamps(tmp_path: Path) -> None:
    """A paper rendered again a second later is the same zip with other timestamps: a cache hit."""

    def docx(path: Path, when: tuple[int, ...], body: str) -> Path:
        with zipfile.ZipFile(path, "w") as z:
            for name, data in (("[Content_Types].xml", "<Types/>"), ("word/document.xml", body)):
                z.writestr(zipfile.ZipInfo(name, date_time=when), data)  # type: ignore[arg-type]
        return path

    (tmp_path / "in").mkdir()
    one = docx(tmp_path / "in" / "one.docx", (2020, 3, 5, 9, 0, 0), "<w:body>minutes</w:body>")
    two = docx(tmp_path / "in" / "two.docx", (2020, 3, 5, 9, 0, 2), "<w:body>minutes</w:body>")
    three = docx(tmp_path / "in" / "three.docx", (2020, 3, 5, 9, 0, 2), "<w:body>Minutes</w:body>")
    assert one.read_bytes() != two.read_bytes()
    inner = Counting()
    cache = CachingConverter(inner, tmp_path / "cache")
    cache.convert([one], tmp_path / "o1")
    cache.convert([two], tmp_path / "o2")
    cache.convert([three], tmp_path / "o3")
    assert inner.batches == [["one.docx"], ["three.docx"]]


def _zip_digest_by_hand(entries: dict[str, str]) -> bytes:
    """`content_digest` of a zip holding `entries`, worked out here: each name and the sha256 of
    its content, in name order."""
    h = hashlib.sha256()
    for name in sorted(entries):
        h.update(name.encode() + b"\0" + hashlib.sha256(entries[name].encode()).digest())
    return b"zip:" + h.digest()


def test_a_zips_digest_is_remembered_by_its_bytes_alone(tmp_path: Path, monkeypatch) -> None:
    """Unpacking every Word paper for its key cost a rebuild 0.3 s: the digest of a build's own
    copy of a paper is remembered by the hash of its bytes (also for the next process, in the
    cache folder), never believed for other bytes or from a damaged entry, and never remembered
    for a file someone else may write between the hash and the unpacking."""
    from packbuilder import digests
    from packbuilder.convert import cache as cache_module

    def docx(name: str, body: str, copy: bool = True) -> tuple[Path, bytes]:
        entries = {"[Content_Types].xml": "<Types/>", "word/document.xml": body}
        path = tmp_path / name
        with zipfile.ZipFile(path, "w") as z:
            for entry, data in entries.items():
                z.writestr(entry, data)
        if copy:  # as a build copies a paper into its scratch folder
            digests.copied(path, hashlib.sha256(path.read_bytes()).hexdigest())
        return path, _zip_digest_by_hand(entries)

    unpacked: list[str] = []
    real = zipfile.ZipFile

    def spy(file, mode="r", *args, **kwargs):  # type: ignore[no-untyped-def]
        if mode == "r":
            unpacked.append(str(getattr(file, "name", file)))
        return real(file, mode, *args, **kwargs)

    monkeypatch.setattr(cache_module.zipfile, "ZipFile", spy)
    paper, expected = docx("paper.docx", "<w:body>minutes</w:body>")
    assert content_digest(paper) == expected and len(unpacked) == 1
    monkeypatch.setattr(cache_module, "_ZIPS", {})  # a new process: only the cache folder knows
    assert content_digest(paper) == expected and len(unpacked) == 1
    changed, other = docx("paper.docx", "<w:body>Minutes</w:body>")
    assert content_digest(changed) == other != expected and len(unpacked) == 2
    monkeypatch.setattr(cache_module, "_ZIPS", {})
    raw = hashlib.sha256(changed.read_bytes()).hexdigest()
    cache_module._zip_entry(raw).write_text("0" * 63 + "g")  # damaged: not a digest
    assert content_digest(changed) == other and len(unpacked) == 3
    # the same bytes in a file of the meeting folder: unpacked every time, nothing remembered
    theirs, same = docx("theirs.docx", "<w:body>agenda</w:body>", copy=False)
    assert content_digest(theirs) == content_digest(theirs) == same and len(unpacked) == 5
    raw = hashlib.sha256(theirs.read_bytes()).hexdigest()
    assert not cache_module._zip_entry(raw).exists() and raw not in cache_module._ZIPS


def test_the_cache_survives_a_missing_document_with_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(ConversionError, match="gone.docx.*cannot read"):
        CachingConverter(Counting(), tmp_path / "cache").convert(
            [tmp_path / "gone.docx"], tmp_path / "out"
        )


def test_version_follows_versionrc_without_starting_libreoffice(fake_soffice: Path) -> None:
    rc = fake_soffice.parent / "versionrc"
    rc.write_text("[Version]\nbuildid=1\n")
    before = LibreOffice(soffice=str(fake_soffice)).version()
    rc.write_text("[Version]\nbuildid=2\n")
    after = LibreOffice(soffice=str(fake_soffice)).version()
    assert before != after and "writer_pdf_Export" in after
    assert starts(fake_soffice) == []


# --- a LibreOffice started ahead of the build -----------------------------------------------------


def _soffice_running(profile_hint: str, settle: float = 0.0) -> list[str]:
    """LibreOffice's processes on a profile: its launcher (oosplash, or the soffice script) and
    soffice.bin; those still there after `settle` seconds (a process group killed with SIGKILL
    is gone a moment later, not at once: on a busy machine, after the kill returned)."""
    deadline = time.monotonic() + settle
    while True:
        pgrep = ["pgrep", "-af", "soffice|oosplash"]
        out = subprocess.run(pgrep, capture_output=True, text=True).stdout
        running = [line for line in out.splitlines() if profile_hint in line]
        if not running or time.monotonic() > deadline:
            return running
        time.sleep(0.1)


@pytest.mark.libreoffice
def test_prestarted_libreoffice_takes_the_first_conversion_and_is_gone_after(
    tmp_path: Path, monkeypatch
) -> None:
    lo = LibreOffice(settings=Settings(cache_dir=tmp_path / "cache"))
    lo.prestart()
    warm = lo._warm
    assert warm is not None and warm.proc.poll() is None, "prestart started no LibreOffice"
    sources = docs(tmp_path / "in", "first", "second")
    pdfs = lo.convert(sources, tmp_path / "out")
    assert lo._warm is None, "the conversion did not take the started LibreOffice"
    lo.close()
    for text, pdf in zip(("first", "second"), pdfs, strict=True):
        assert text in PdfReader(pdf).pages[0].extract_text()
    assert warm.proc.poll() is not None
    assert _soffice_running(str(tmp_path / "cache"), settle=10) == []


@pytest.mark.libreoffice
def test_prestarted_libreoffice_is_stopped_when_no_conversion_comes(
    tmp_path: Path, monkeypatch
) -> None:
    lo = LibreOffice(settings=Settings(cache_dir=tmp_path / "cache"))
    lo.prestart()
    warm = lo._warm
    assert warm is not None and warm.proc.poll() is None
    lo.close()
    assert warm.proc.poll() is not None
    assert _soffice_running(str(tmp_path / "cache"), settle=10) == []


@pytest.mark.libreoffice
def test_prestarted_libreoffice_does_not_outlive_its_limit(tmp_path: Path, monkeypatch) -> None:
    """A prestarted LibreOffice whose guard is gone too still ends: coreutils' timeout."""
    monkeypatch.setattr(libreoffice_module, "WARM_LIMIT", 3)
    lo = LibreOffice(settings=Settings(cache_dir=tmp_path / "cache"))
    lo.prestart()
    warm = lo._warm
    assert warm is not None
    assert _soffice_running(str(tmp_path / "cache")), "prestart started no LibreOffice"
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline and _soffice_running(str(tmp_path / "cache")):
        time.sleep(0.5)
    try:
        assert _soffice_running(str(tmp_path / "cache")) == [], "LibreOffice outlived its limit"
    finally:
        lo.close()


# --- errors name the user's file, or the disk -----------------------------------------------------


def test_a_hang_names_the_source_not_the_scratch_copy(fake_soffice: Path, tmp_path: Path) -> None:
    """A data paper is converted from a Word file rendered in a scratch folder: the error must
    name the user's workbook (the source), and say LibreOffice may be at fault."""
    rendered = docs(tmp_path / "scratch", "fine", "HANG rendered")
    workbook = Source(tmp_path / "Plan.xlsx", "Plan")
    sources = [Source(tmp_path / "fine.docx"), workbook]
    lo = LibreOffice(soffice=str(fake_soffice), timeout=1, processes=1)
    with pytest.raises(ConversionError) as caught:
        lo.convert(rendered, tmp_path / "out", sources=sources)
    message = str(caught.value)
    assert "Plan.xlsx, sheet Plan" in message and "hung" in message
    assert "LibreOffice itself may be at fault" in message
    assert "scratch" not in message and "paper 1" not in message


def test_a_crash_names_the_source(fake_soffice: Path, tmp_path: Path) -> None:
    rendered = docs(tmp_path / "scratch", "CRASH rendered")
    with pytest.raises(ConversionError) as caught:
        LibreOffice(soffice=str(fake_soffice), timeout=10, processes=1).convert(
            rendered, tmp_path / "out", sources=[Source(tmp_path / "Returns.xlsx")]
        )
    message = str(caught.value)
    assert message.startswith("Returns.xlsx: ") or "/Returns.xlsx: " in message
    assert "may be at fault" in message and "scratch" not in message


def test_the_cache_names_the_source_of_an_unreadable_document(tmp_path: Path) -> None:
    inner = Counting()
    with pytest.raises(ConversionError, match=r"Minutes\.xlsx.*cannot read"):
        CachingConverter(inner, tmp_path / "cache").convert(
            [tmp_path / "scratch-0001.docx"],
            tmp_path / "out",
            sources=[Source(tmp_path / "Minutes.xlsx")],
        )
    a, b = docs(tmp_path / "in", "one", "two")
    CachingConverter(inner, tmp_path / "cache").convert(
        [a, b], tmp_path / "o", sources=[Source(tmp_path / "A.xlsx"), Source(tmp_path / "B.xlsx")]
    )
    assert inner.sources == [Source(tmp_path / "A.xlsx"), Source(tmp_path / "B.xlsx")]


def _enospc(*_args, **_kwargs):  # type: ignore[no-untyped-def]
    raise OSError(28, "No space left on device")


def test_a_full_scratch_disk_while_staging_blames_the_disk(
    fake_soffice: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    papers = docs(tmp_path / "in", "one")
    monkeypatch.setattr(shutil, "copyfile", _enospc)
    with pytest.raises(ConversionError) as caught:
        LibreOffice(soffice=str(fake_soffice), processes=1).convert(papers, tmp_path / "out")
    message = str(caught.value)
    assert "disk" in message and "full" in message
    assert "paper 0" not in message and "cannot read" not in message


def test_libreoffice_failing_on_a_full_disk_blames_the_disk(
    fake_soffice: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """LibreOffice writes no PDF when the disk is full, just as for a bad document: with (almost)
    no space left, the disk is named, not the paper."""
    monkeypatch.setattr(libreoffice_module, "free_bytes", lambda _folder: 1024)
    with pytest.raises(ConversionError) as caught:
        LibreOffice(soffice=str(fake_soffice), timeout=10, processes=1).convert(
            docs(tmp_path / "in", "CRASH as on a full disk"), tmp_path / "out"
        )
    message = str(caught.value)
    assert "disk" in message and "full" in message and "paper 0" not in message


@pytest.mark.parametrize("broken", ["full", "not a folder"])
def test_a_cache_that_cannot_be_written_is_skipped(tmp_path: Path, broken: str) -> None:
    (tmp_path / "in").mkdir()
    a = tmp_path / "in" / "a.docx"
    a.write_text("alpha\n")
    inner = Counting()
    if broken == "full":
        cache = CachingConverter(inner, tmp_path / "cache")
        key = cache.key(a)
        target = tmp_path / "cache" / key[:2] / f"{key}.pdf"
        target.parent.mkdir(parents=True)
        # the entry is written aside first, under this name: make that write hit a full disk
        aside = cache_aside(target)
        aside.symlink_to("/dev/full")
    else:
        (tmp_path / "cache").write_text("a file where the cache folder should be")
        cache = CachingConverter(inner, tmp_path / "cache" / "sub")
    (pdf,) = cache.convert([a], tmp_path / "o1")
    assert first_text(pdf).startswith("616c7068610a")  # "alpha\n" in hex, as Counting writes
    if broken == "full":  # no entry, half-written or whole, and the aside file is gone
        assert not target.exists() and not aside.exists()
    (again,) = cache.convert([a], tmp_path / "o2")
    assert first_text(again) == first_text(pdf)
    assert len(inner.batches) == 2  # nothing was cached, so it is converted again


# --- the converter's life: statistics, closing, dying with the build -----------------------------


def test_open_converter_counts_and_closes(
    fake_soffice: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PATH", f"{fake_soffice.parent}{os.pathsep}{os.environ['PATH']}")
    a, b = docs(tmp_path / "in", "alpha", "beta")
    with open_converter(settings=Settings(cache_dir=tmp_path / "cache")) as conv:
        conv.convert([a, b], tmp_path / "o1")
        conv.convert([a, b, a], tmp_path / "o2")
        assert conv.stats() == ConversionStats(converted=2, cached=3)
    conv.close()  # idempotent
    with open_converter(cache=False, settings=Settings(cache_dir=tmp_path / "cache")) as plain:
        plain.convert([a], tmp_path / "o3")
        assert plain.stats() == ConversionStats(converted=1, cached=0)
    assert len(starts(fake_soffice)) == 2


def _dies_within(pids: list[int], seconds: float) -> list[int]:
    """The pids still alive after waiting up to `seconds` for them to die."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and any(_alive(p) for p in pids):
        time.sleep(0.1)
    return [p for p in pids if _alive(p)]


def test_a_killed_build_leaves_no_libreoffice_behind(fake_soffice: Path, tmp_path: Path) -> None:
    """SIGKILL of the build mid-conversion: LibreOffice and its child die within seconds."""
    (paper,) = docs(tmp_path / "in", "HANG for ever")
    code = (
        "import sys\nfrom pathlib import Path\nfrom packbuilder.convert import LibreOffice\n"
        "from packbuilder.settings import Settings\n"
        f"lo = LibreOffice(soffice={str(fake_soffice)!r}, timeout=600, processes=1,"
        f" settings=Settings(cache_dir=Path({str(tmp_path / 'cache')!r})))\n"
        f"lo.convert([Path({str(paper)!r})], Path({str(tmp_path / 'out')!r}))\n"
    )
    build = subprocess.Popen([sys.executable, "-c", code])
    child_pid = fake_soffice.parent / "fake-state" / "child.pid"
    try:
        deadline = time.monotonic() + 30
        while not child_pid.exists() and time.monotonic() < deadline:
            time.sleep(0.05)
        assert child_pid.exists(), "the fake LibreOffice never started"
    finally:
        build.send_signal(signal.SIGKILL)
        build.wait()
    pids = [starts(fake_soffice)[0]["pid"], int(child_pid.read_text())]
    survivors = _dies_within(pids, 5)
    for pid in survivors:  # clean up after a failure, then fail
        os.kill(pid, signal.SIGKILL)
    assert survivors == [], "LibreOffice outlived the build that started it"


@pytest.mark.libreoffice
def test_a_killed_build_leaves_no_prestarted_libreoffice_behind(tmp_path: Path) -> None:
    """The real LibreOffice, started ahead of the build (oosplash, then soffice.bin, in the network
    sandbox under timeout): all of it dies within seconds of the build's SIGKILL."""
    cache = tmp_path / "cache"
    code = (
        "import sys, time\nfrom pathlib import Path\nfrom packbuilder.convert import LibreOffice\n"
        "from packbuilder.settings import Settings\n"
        f"lo = LibreOffice(settings=Settings(cache_dir=Path({str(cache)!r})))\n"
        "lo.prestart()\n"
        "print(lo._warm.proc.pid if lo._warm else 'none', flush=True)\n"
        "time.sleep(120)\n"
    )
    build = subprocess.Popen(
        [sys.executable, "-c", code], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    try:
        assert build.stdout is not None
        if not select.select([build.stdout], [], [], 60)[0]:
            build.kill()
            pytest.fail(f"the build said nothing in 60 s: {build.communicate()[1]}")
        started = build.stdout.readline().strip()  # LibreOffice's process group
        if not started.isdigit():
            build.kill()
            pytest.fail(f"prestart started nothing ({started!r}): {build.communicate()[1]}")
        pgid = int(started)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and not soffice_bins(pgid) and group_alive(pgid):
            time.sleep(0.2)
        assert soffice_bins(pgid), f"no soffice.bin in LibreOffice's group: {describe(pgid)}"
    finally:
        if build.returncode is None:
            build.send_signal(signal.SIGKILL)
            build.communicate()  # (and closes the pipes)
    survivors = [] if gone(pgid) else members(pgid)
    for pid in survivors:  # clean up after a failure, then fail
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
    assert survivors == [], "LibreOffice outlived the build that started it"
    # by profile too: oosplash may have restarted soffice.bin
    assert _soffice_running(str(cache), settle=10) == []


def test_a_busy_caller_gets_one_libreoffice_fewer(tmp_path, monkeypatch):
    """While a build checks its PDF papers, its Word papers go to one LibreOffice, not two: on two
    cores the second only competed with the checks (measured: no faster, 200 MB more)."""
    asked: list[int] = []

    class Stop(Exception):
        pass

    def split(jobs, parts):  # type: ignore[no-untyped-def]
        asked.append(parts)
        raise Stop

    monkeypatch.setattr(libreoffice_module, "split", split)
    lo = LibreOffice(processes=2)
    docs = [write_docx(tmp_path / f"d{i}.docx", 1) for i in range(6)]
    for busy in (True, False):
        lo.share_machine(busy)
        with pytest.raises(Stop):
            lo.convert(docs, tmp_path / "out")
    assert asked == [1, 2]
    cached = CachingConverter(lo, tmp_path / "cache")
    cached.share_machine(True)  # the cache passes it on
    with pytest.raises(Stop):
        cached.convert(docs, tmp_path / "out2")
    assert asked[-1] == 1


def test_abort_stops_a_running_batch_at_once(fake_soffice: Path, tmp_path: Path) -> None:
    """A build that failed elsewhere stops the conversions it started (`abort`): the batch fails
    with one line and no LibreOffice is left running, long before the conversion would end."""
    import threading

    lo = LibreOffice(soffice=str(fake_soffice), timeout=60, processes=1)
    outcome: list[object] = []

    def convert() -> None:
        try:
            outcome.append(lo.convert(docs(tmp_path / "in", "HANG for a while"), tmp_path / "o"))
        except ConversionError as exc:
            outcome.append(exc)

    worker = threading.Thread(target=convert)
    worker.start()
    deadline = time.monotonic() + 30
    while not starts(fake_soffice) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert starts(fake_soffice), "the fake LibreOffice never started"
    assert lo.abort() is True
    worker.join(20)
    assert not worker.is_alive(), "the conversion went on after abort"
    assert isinstance(outcome[0], ConversionError)
    assert "stopped because the build stopped" in str(outcome[0])
    pid_file = tmp_path / "fake-state" / "child.pid"
    if pid_file.exists():  # the hung document's child process was stopped with its group
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                os.kill(int(pid_file.read_text()), 0)
            except ProcessLookupError:
                break
            time.sleep(0.1)
        else:
            pytest.fail("LibreOffice's child process outlived the abort")


@pytest.mark.libreoffice
def test_beside_a_busy_caller_the_repair_pass_runs_in_a_process_of_its_own(
    tmp_path: Path, monkeypatch
) -> None:
    """The repair of LibreOffice's tagged output is Python work: beside a build busy checking its
    PDF papers it runs in a child process, on the other core; the build's own pass then finds
    each PDF repaired already (and the PDFs are the same as repaired in the build's process)."""
    from packbuilder.tagged import CLEANED_MARK, clean_converted

    papers = [write_docx(tmp_path / f"{n}.docx", 3, label=f"Paper {n}") for n in "ab"]
    seen: list[bool] = []

    def own_pass(pdf: Path) -> int:
        with pikepdf.open(pdf) as opened:
            seen.append(CLEANED_MARK in opened.trailer.Info)
        return clean_converted(pdf)

    monkeypatch.setattr(libreoffice_module, "clean_converted", own_pass)
    monkeypatch.setattr(libreoffice_module, "REPAIR_ELSEWHERE_BYTES", 0)
    lo = LibreOffice(processes=1)
    lo.share_machine(True)
    busy = lo.convert(papers, tmp_path / "busy")
    assert seen == [True, True]
    seen.clear()
    lo.share_machine(False)
    idle = lo.convert(papers, tmp_path / "idle")
    assert seen == [False, False]  # not busy: repaired here, as before
    for a, b in zip(busy, idle, strict=True):
        assert [p.extract_text() for p in PdfReader(a).pages] == [
            p.extract_text() for p in PdfReader(b).pages
        ]
        with pikepdf.open(a) as x, pikepdf.open(b) as y:
            assert x.Root.StructTreeRoot.K.unparse() != b""  # both tagged
            assert int(x.trailer.Info["/PackbuilderFiguresWithoutAlt"]) == int(
                y.trailer.Info["/PackbuilderFiguresWithoutAlt"]
            )


def test_the_repair_process_leaves_what_it_cannot_read_to_the_build(tmp_path: Path) -> None:
    from packbuilder.headstart import repair_elsewhere

    damaged = tmp_path / "damaged.pdf"
    damaged.write_bytes(b"%PDF-1.7\nnot a pdf at all")
    repair_elsewhere([damaged])  # no exception: the build's own pass says what is wrong
    assert damaged.read_bytes() == b"%PDF-1.7\nnot a pdf at all"


def test_a_kept_conversion_is_read_once_while_it_is_not_written_to(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A conversion the cache hands back is packbuilder's own file: its digest is remembered by
    its stamp (each rebuild read every Word paper's PDF four times over), and its time is not
    moved by every build that uses it (which would make the next one read it again); changed,
    it is hashed again."""
    from packbuilder import digests

    monkeypatch.setattr(digests, "SETTLED_NS", -(10**12))  # as if long left alone
    monkeypatch.setattr(digests, "_known", {})
    monkeypatch.setattr(digests, "_own", set())
    monkeypatch.setenv("PACKBUILDER_CACHE", str(tmp_path / "cache"))
    settings.cache_clear()
    cache = CachingConverter(Counting(), tmp_path / "cache")
    (a,) = docs(tmp_path / "in", "alpha")
    (pdf,) = cache.convert([a], tmp_path / "o1")
    digest = digests.file_digest(pdf)
    (again,) = cache.convert([a], tmp_path / "o2")  # a rebuild
    assert again == pdf
    reads = []
    real = digests.handle_digest
    monkeypatch.setattr(digests, "handle_digest", lambda fh: reads.append(fh) or real(fh))
    assert digests.file_digest(pdf) == digest
    assert reads == []
    with pdf.open("r+b") as fh:  # damaged in the cache: its stamp moves
        fh.write(b"%PDF-9.9")
    assert digests.file_digest(pdf) == hashlib.sha256(pdf.read_bytes()).hexdigest() != digest
    assert len(reads) == 1
    # a paper, not handed back by the converter, is read every time
    paper = tmp_path / "in" / "paper.pdf"
    paper.write_bytes(b"%PDF-1.7 a paper")
    digests.file_digest(paper)
    digests.file_digest(paper)
    assert len(reads) == 3
    settings.cache_clear()


def test_a_kept_conversion_is_touched_for_pruning_only_once_in_a_while(tmp_path: Path) -> None:
    from packbuilder.convert.cache import TOUCHED

    cache = CachingConverter(Counting(), tmp_path / "cache")
    (a,) = docs(tmp_path / "in", "alpha")
    (pdf,) = cache.convert([a], tmp_path / "o1")
    recent = time.time() - TOUCHED / 2
    os.utime(pdf, (recent, recent))
    cache.convert([a], tmp_path / "o2")
    assert pdf.stat().st_mtime == pytest.approx(recent)  # left alone: its stamp holds
    old = time.time() - 2 * TOUCHED
    os.utime(pdf, (old, old))
    cache.convert([a], tmp_path / "o3")
    assert pdf.stat().st_mtime > time.time() - 60  # used now: the last one `prune` drops
