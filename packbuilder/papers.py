"""Every paper of a meeting's packs as a PDF, with its page count.

PDF appendices go in as they are. Data papers (workbooks of a kind: minutes, plans, returns) are
rendered from their Word templates, and Word papers and rendered documents are converted to PDF in
one batch, since LibreOffice costs a second to start and a fraction of one per document. A paper
named by two items is rendered and converted once. Template mistakes are collected, one per
template, so that `check` and `build` report them all at once.
"""

from __future__ import annotations

import contextlib
import dataclasses
import shutil
import tempfile
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from packbuilder.convert import (
    Converter,
    abort_conversions,
    converted_before,
    on_handover,
    share_machine,
)
from packbuilder.digests import copied, copy_hashed
from packbuilder.errors import (
    Collector,
    ConversionError,
    InputError,
    PackError,
    Source,
    TemplateError,
)
from packbuilder.headstart import check_elsewhere
from packbuilder.model import Paper, PaperKind
from packbuilder.pdf import checked, content_key, page_count
from packbuilder.render import render
from packbuilder.scratch import scratch_prefix
from packbuilder.templates import find_template

HANDOVER_WAIT = 2.0  # seconds the PDF checks wait, at most, for the Word papers to be handed over


@dataclass(frozen=True)
class PaperPdfs:
    """Each paper's PDF and page count, by the paper's path in the meeting folder."""

    pdfs: dict[Path, Path]
    pages: dict[Path, int]
    rendered: dict[Path, Path] = dataclasses.field(default_factory=dict)  # a data paper's .docx

    def pdf_of(self, paper: Paper) -> Path | None:
        """The PDF `paper` goes into the packs as (None: a paper not made one)."""
        return self.pdfs.get(paper.path)


def render_data_papers(
    papers: Sequence[Paper], folder: Path, out: Path, say: Callable[[str], None]
) -> dict[Path, Path]:
    """Render every data paper into a Word document in `out`; returns paper path -> .docx.

    Raises:
        ErrorList: every template that failed, once each.
    """
    rendered: dict[Path, Path] = {}
    failed: dict[Path, PackError] = {}
    out.mkdir(parents=True, exist_ok=True)
    for i, paper in enumerate(papers):
        if paper.kind is not PaperKind.DATA or paper.path in rendered:
            continue
        template = find_template(paper.template or "", folder)
        if template is None:  # checked when loading; a template removed since
            raise InputError(
                f"template {paper.template}.docx not found; restore it in templates/ and build "
                "again",
                paper.source,
            )
        if template in failed:
            continue
        say(f"rendering {paper.path.name}")
        try:
            rendered[paper.path] = render(
                template, paper.data, out / f"{i:03d}-{paper.template}.docx"
            )
        except TemplateError as exc:
            failed[template] = exc
    errors = Collector()
    for error in failed.values():
        errors.add(error)
    errors.raise_if_any()
    return rendered


class Prefetch:
    """Word papers converted while the rest of the meeting is checked.

    Loading a meeting parses every page of every PDF appendix, which keeps Python busy while
    LibreOffice, in processes of its own, would sit idle. So a build hands the Word papers the
    agenda names (`load_meeting`'s `prefetch`) to a thread, which copies each one, checks the
    copy as loading would (`check_word_paper`: nothing from outside the meeting folder may reach
    LibreOffice) and converts the copies. `paper_pdfs` takes a conversion only if the paper's
    content is still the copy's; any other paper, or one that failed here, is converted there, so
    that its error is reported as usual. A build that fails before it needs them stops the
    conversion (`abort_conversions`) rather than wait for it.

    The last steps of the thread's way to LibreOffice, after the Word papers' checks (done in a
    process of their own), are Python work (keys, copies), and the checks of a PDF paper hold
    the interpreter in qpdf for up to a third of a second at a time: on a cold 1,000-page
    meeting LibreOffice started 1.1 s late, and the build took 11% longer. So the build's PDF
    checks pause while the thread takes those steps (`wait_for_handover`).
    """

    def __init__(self, converter: Converter) -> None:
        self.converter = converter
        self._thread: threading.Thread | None = None
        self._converted: dict[Path, tuple[Path, str]] = {}
        self._lock = threading.Lock()
        self._folder: Path | None = None  # its own scratch folder, never the build's
        self._closed = threading.Event()
        self._checks_over = False  # (`checks_done`)
        self._staging = threading.Event()  # on its last steps to the converter (Python's)
        self._handed_over = threading.Event()  # the conversion is LibreOffice's now, or over
        self._waited = False

    def start(self, documents: list[Path], pdfs: Sequence[Path] = ()) -> None:
        """Convert `documents` (Word papers) in a thread. While PDF papers not checked before
        are among `pdfs`, the build will be parsing their pages meanwhile: the converter is told
        so (`share_machine`) until the checks are over (`checks_done`). That is found in the
        thread, where hashing the PDFs does not hold up the checks (a rebuild checks nothing)."""
        if documents and self._thread is None and not self._closed.is_set():
            self._folder = Path(tempfile.mkdtemp(prefix=scratch_prefix("pre")))
            self._thread = threading.Thread(
                target=self._run, args=(documents, list(pdfs)), daemon=True
            )
            self._thread.start()

    def wait_for_handover(self) -> None:
        """Called by the build as it parses PDF papers (before each paper, between its pages):
        while the thread takes its last steps to the converter, returns once the Word papers are
        in the converter's hands (it says so: `convert.handed_over`), the conversion is over or
        not needed, or after `HANDOVER_WAIT` seconds; once a build. At once at any other time:
        while the Word papers are checked in a process of their own, the build checks its PDF
        papers beside it."""
        if self._waited or not self._staging.is_set():
            return
        self._waited = True
        self._handed_over.wait(HANDOVER_WAIT)

    def checks_done(self) -> None:
        """The build has checked its papers: the converter may have the whole machine."""
        with self._lock:
            self._checks_over = True
        share_machine(self.converter, False)

    def _share_while_checking(self, pdfs: list[Path]) -> bool:
        """Tell the converter whether the build is busy checking PDF papers; whether it is."""
        busy = any(not checked(p) for p in pdfs)  # (a paper that cannot be read: not checked)
        with self._lock:
            busy = busy and not self._checks_over
            if busy:
                share_machine(self.converter, True)
        return busy

    def _run(self, documents: list[Path], pdfs: list[Path]) -> None:
        assert self._folder is not None
        try:
            copies = self._copies(documents)
            staged = [copy for _, copy in copies]
            # working out whether the build is busy checking hashes every PDF paper: not worth
            # it for a batch the cache holds already (a rebuild's), which converts nothing
            sources = [Source(doc) for doc, _ in copies]  # (a field may print the paper's name)
            before = converted_before(self.converter, staged, sources)
            if not before and self._share_while_checking(pdfs):
                check_elsewhere(staged)  # the checks below, ahead, on the other core
            self._staging.set()  # Python's work from here to the converter: the PDF checks pause
            passed = self._checked(copies)
            if passed and not self._closed.is_set():
                with on_handover(self._handed_over.set):
                    made = self.converter.convert(
                        [c for _, c, _ in passed],
                        self._folder / "out",
                        sources=[Source(doc) for doc, _, _ in passed],
                    )
                self._converted = {
                    doc: (pdf, key) for (doc, _, key), pdf in zip(passed, made, strict=True)
                }
        except Exception:  # noqa: BLE001 - converted again, and reported, by paper_pdfs
            pass
        finally:
            self._handed_over.set()
            with self._lock:
                if self._closed.is_set():  # the build is over and did not wait
                    shutil.rmtree(self._folder, ignore_errors=True)

    def _copies(self, documents: list[Path]) -> list[tuple[Path, Path]]:
        assert self._folder is not None
        (self._folder / "in").mkdir()
        copies = []
        for i, doc in enumerate(documents):
            copy = self._folder / "in" / f"{i:04d}{doc.suffix.lower()}"
            with contextlib.suppress(OSError):  # loading reports it; nothing of it converted here
                with open(doc, "rb") as fh, open(copy, "x+b") as out:
                    digest = copy_hashed(fh, out).hexdigest()
                copied(copy, digest)  # ours alone: its conversion key may be remembered by it
                copies.append((doc, copy))
        return copies

    def _checked(self, copies: list[tuple[Path, Path]]) -> list[tuple[Path, Path, str]]:
        """The copies that pass the checks (the very bytes LibreOffice will be given), with
        their content keys."""
        from packbuilder.meeting import check_word_paper

        passed = []
        for doc, copy in copies:
            try:
                check_word_paper(copy)
                passed.append((doc, copy, content_key(copy)))
            except (PackError, OSError):
                continue  # loading reports it; the build converts nothing of it here
        return passed

    def converted(self) -> dict[Path, tuple[Path, str]]:
        """Each Word paper converted (by its path): the PDF and the content key of the copy it
        was converted from; once the conversion is done."""
        if self._thread is not None:
            self._thread.join()
        return self._converted

    def close(self) -> None:
        """At the end of the build: stop a conversion still running (a failed build), and remove
        the conversions (now, or when the thread ends)."""
        self._closed.set()
        self._handed_over.set()
        thread = self._thread
        if thread is not None and thread.is_alive() and abort_conversions(self.converter):
            thread.join(timeout=60)
        with self._lock:
            if self._folder is not None and not (thread and thread.is_alive()):
                shutil.rmtree(self._folder, ignore_errors=True)


def _same(path: Path, converted: tuple[Path, str] | None) -> bool:
    """Whether a paper's content is still that of the copy converted while it was checked."""
    try:
        return converted is not None and content_key(path) == converted[1]
    except OSError:
        return False


def paper_pdfs(
    papers: Sequence[Paper],
    folder: Path,
    converter: Converter,
    work: Path,
    say: Callable[[str], None],
    prefetch: Prefetch | None = None,
) -> PaperPdfs:
    """A PDF and a page count for every paper (each distinct paper once), taking the Word papers
    that `prefetch` converted already."""
    unique = list({p.path: p for p in papers}.values())
    rendered = render_data_papers(unique, folder, work / "rendered", say)
    documents = [p for p in unique if p.kind is not PaperKind.PDF]
    if documents:
        say(f"converting {len(documents)} Word documents")
    done = prefetch.converted() if prefetch is not None else {}
    pdfs: dict[Path, Path] = {}
    to_convert: dict[Path, Path] = {}  # paper path -> Word document to convert
    for paper in unique:
        # a paper's bytes are read from its copy, as loading checked them (`snapshots`)
        if paper.kind is PaperKind.PDF:
            pdfs[paper.path] = paper.file
        elif paper.kind is PaperKind.WORD and _same(paper.file, done.get(paper.path)):
            pdfs[paper.path] = done[paper.path][0]
        else:
            to_convert[paper.path] = rendered.get(paper.path, paper.file)
    if to_convert:
        sources = [Source(p.path) for p in unique if p.path in to_convert]
        converted = converter.convert(
            list(to_convert.values()), work / "converted", sources=sources
        )
        pdfs.update(zip(to_convert, converted, strict=True))
    pages: dict[Path, int] = {}
    for paper in unique:
        pages[paper.path] = paper.pages or page_count(pdfs[paper.path])
        if pages[paper.path] < 1:
            raise ConversionError(
                "LibreOffice turned this document into a PDF with no pages; open it and check it "
                "has content",
                paper.source,
            )
    return PaperPdfs(pdfs, pages, rendered)
