"""Every paper of a meeting's packs as a PDF, with its page count.

PDF appendices go in as they are. Data papers (workbooks of a kind: minutes, plans, returns) are
rendered from their Word templates, and Word papers and rendered documents are converted to PDF in
one batch, since LibreOffice costs a second to start and a fraction of one per document. A paper
named by two items is rendered and converted once. Template mistakes are collected, one per
template, so that `check` and `build` report them all at once.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from packbuilder.convert import Converter
from packbuilder.errors import (
    Collector,
    ConversionError,
    InputError,
    PackError,
    Source,
    TemplateError,
)
from packbuilder.model import Paper, PaperKind
from packbuilder.pdf import page_count
from packbuilder.render import render
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


def paper_pdfs(
    papers: Sequence[Paper],
    folder: Path,
    converter: Converter,
    work: Path,
    say: Callable[[str], None],
) -> PaperPdfs:
    """A PDF and a page count for every paper (each distinct paper once)."""
    unique = list({p.path: p for p in papers}.values())
    rendered = render_data_papers(unique, folder, work / "rendered", say)
    pdfs: dict[Path, Path] = {}
    to_convert: dict[Path, Path] = {}  # paper path -> Word document to convert
    for paper in unique:
        if paper.kind is PaperKind.PDF:
            pdfs[paper.path] = paper.path
        else:
            to_convert[paper.path] = rendered.get(paper.path, paper.path)
    if to_convert:
        say(f"converting {len(to_convert)} Word documents")
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
