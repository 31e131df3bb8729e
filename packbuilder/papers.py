"""Every paper of a meeting's packs as a PDF, with its page count.

PDF appendices go in as they are. Data papers (workbooks of a kind: minutes, plans, returns) are
rendered from their Word templates, and Word papers and rendered documents are converted to PDF in
one batch, since LibreOffice costs a second to start and a fraction of one per document. A paper
named by two items is rendered and converted once. Template mistakes are collected, one per
template, so that `check` and `build` report them all at once.
"""

from __future__ import annotations

import shutil
import tempfile
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from packbuilder.convert import Converter, share_machine
from packbuilder.errors import (
    Collector,
    ConversionError,
    InputError,
    PackError,
    Source,
    TemplateError,
)
from packbuilder.model import Paper, PaperKind
from packbuilder.pdf import checked, page_count
from packbuilder.render import render
from packbuilder.scratch import scratch_prefix
from packbuilder.templates import find_template


@dataclass(frozen=True)
class PaperPdfs:
    """Each paper's PDF and page count, by the paper's path in the meeting folder."""

    pdfs: dict[Path, Path]
    pages: dict[Path, int]


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
    agenda names (`load_meeting`'s `prefetch`) to the converter at once, in a thread, and
    `paper_pdfs` takes what it converted. A document that failed here is converted again there,
    so that its error is reported as usual. A build that fails before it needs them does not
    wait: the thread is a daemon, its LibreOffice dies with the build, and its scratch folder
    goes with the build's (or with the next build's clean-up).
    """

    def __init__(self, converter: Converter) -> None:
        self.converter = converter
        self._thread: threading.Thread | None = None
        self._converted: dict[Path, Path] = {}
        self._lock = threading.Lock()
        self._folder: Path | None = None  # its own scratch folder, never the build's
        self._closed = False

    def start(self, documents: list[Path], pdfs: Sequence[Path] = ()) -> None:
        """Convert `documents` (Word papers) in a thread. While PDF papers not checked before
        are among `pdfs`, the build will be parsing their pages meanwhile: the converter is told
        so (`share_machine`) until the caller says otherwise."""
        if any(not checked(p) for p in pdfs):
            share_machine(self.converter, True)
        if documents and self._thread is None and not self._closed:
            self._folder = Path(tempfile.mkdtemp(prefix=scratch_prefix("pre")))
            self._thread = threading.Thread(target=self._run, args=(documents,), daemon=True)
            self._thread.start()

    def _run(self, documents: list[Path]) -> None:
        assert self._folder is not None
        try:
            pdfs = self.converter.convert(documents, self._folder)
            self._converted = dict(zip(documents, pdfs, strict=True))
        except Exception:  # noqa: BLE001 - converted again, and reported, by paper_pdfs
            pass
        finally:
            with self._lock:
                if self._closed:  # the build is over and did not wait
                    shutil.rmtree(self._folder, ignore_errors=True)

    def converted(self) -> dict[Path, Path]:
        """Each Word paper converted (by its path), once the conversion is done."""
        if self._thread is not None:
            self._thread.join()
        return self._converted

    def close(self) -> None:
        """At the end of the build: remove the conversions (now, or when the thread ends)."""
        with self._lock:
            self._closed = True
            if self._folder is not None and not (self._thread and self._thread.is_alive()):
                shutil.rmtree(self._folder, ignore_errors=True)


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
        if paper.kind is PaperKind.PDF:
            pdfs[paper.path] = paper.path
        elif paper.kind is PaperKind.WORD and paper.path in done:
            pdfs[paper.path] = done[paper.path]
        else:
            to_convert[paper.path] = rendered.get(paper.path, paper.path)
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
    return PaperPdfs(pdfs, pages)
