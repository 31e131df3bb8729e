"""Building a meeting's packs: the whole pipeline, in order, on one screen.

    load and check every input -> render data papers (docx) -> convert Word to PDF (one batch)
    -> lay out each pack from page counts -> render and convert the frontsheets (one batch)
    -> assemble each pack (stamps, fillers, bookmarks) -> publish atomically

Everything is read and checked before anything is written, and nothing reaches the output folder
until every pack of the build is complete.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from packbuilder import frontsheet, plan
from packbuilder.assemble import assemble_papers, finish_pack
from packbuilder.convert import CachingConverter, Converter, LibreOffice
from packbuilder.errors import ConversionError, InputError
from packbuilder.layout import Layout, lay_out
from packbuilder.meeting import load_meeting
from packbuilder.model import Meeting, Paper, PaperKind
from packbuilder.pdf import page_count
from packbuilder.publish import publish
from packbuilder.render import render
from packbuilder.scratch import clear_stale_scratch, scratch_prefix
from packbuilder.tagged import clean_converted
from packbuilder.templates import find_template

Progress = Callable[[str], None]


@dataclass
class PackResult:
    path: Path
    label: str
    pages: int  # physical pages, frontsheet included
    numbered: int  # "Page N" pages
    items: int


@dataclass
class BuildResult:
    meeting: Meeting
    packs: list[PackResult]
    seconds: float
    warnings: list[str] = field(default_factory=list)
    conversions: int = 0
    cache_hits: int = 0

    def summary(self) -> list[str]:
        lines = []
        for p in self.packs:
            items = "1 item" if p.items == 1 else f"{p.items} items"
            lines.append(
                f"{p.label}: {items} with papers, {p.pages} pages "
                f"({p.numbered} numbered) -> {p.path}"
            )
        lines.extend(f"warning: {w}" for w in self.warnings)
        lines.append(
            f"built {self.meeting.name} in {self.seconds:.1f} s "
            f"({self.conversions} converted, {self.cache_hits} from cache)"
        )
        return lines


def default_output(folder: Path) -> Path:
    return Path("output") / Path(folder).resolve().name


def input_hash(meeting: Meeting) -> dict[str, str]:
    """sha256 of every input file, by path relative to the meeting folder."""
    out = {}
    for path in meeting.input_files():
        out[str(path.relative_to(meeting.folder))] = hashlib.sha256(path.read_bytes()).hexdigest()
    return out


def default_converter(cache: bool = True) -> Converter:
    lo = LibreOffice()
    return CachingConverter(lo) if cache else lo


def build(
    folder: Path,
    output: Path | None = None,
    *,
    converter: Converter | None = None,
    progress: Progress | None = None,
    today: dt.date | None = None,
) -> BuildResult:
    """Build every pack the meeting needs into `output` (default output/<meeting folder name>).

    Raises:
        PackError: the first problem, or an ErrorList of every input problem found.
    """
    started = time.monotonic()
    say = progress or (lambda _msg: None)
    folder = Path(folder)
    outdir = Path(output) if output else default_output(folder)
    say("checking inputs")
    meeting = load_meeting(folder)
    specs = plan.plan_packs(meeting)
    converter = converter or default_converter()
    hits_before = getattr(converter, "hits", 0)
    misses_before = getattr(converter, "misses", 0)
    clear_stale_scratch()
    with tempfile.TemporaryDirectory(prefix=scratch_prefix()) as tmp:
        work = Path(tmp)
        papers = [p for spec in specs for item in spec.included for p in item.papers]
        pdfs, counts = _paper_pdfs(meeting, papers, converter, work, say)
        layouts = [_layout(spec, counts) for spec in specs]
        say("rendering frontsheets")
        front_docs = _frontsheets(meeting, specs, layouts, work, today or dt.date.today())
        # The frontsheets depend only on page counts, so LibreOffice converts them while the
        # numbered pages are assembled; they go in front of each pack when both are ready.
        with ThreadPoolExecutor(max_workers=1) as pool:
            fronts_job = pool.submit(_convert, converter, front_docs, work / "frontsheets-pdf")
            bodies = []
            for spec, layout in zip(specs, layouts, strict=True):
                say(
                    f"assembling {spec.label}: {len(spec.included)} items with papers, "
                    f"{layout.total} numbered pages"
                )
                bodies.append(assemble_papers(spec, layout, pdfs))
            fronts = fronts_job.result()
        built: dict[str, Path] = {}
        results = []
        for spec, layout, body, front in zip(specs, layouts, bodies, fronts, strict=True):
            name = spec.filename(meeting)
            pages = finish_pack(body, meeting, spec, layout, front, work / name)
            built[name] = work / name
            results.append(PackResult(Path(), spec.label, pages, layout.total, len(spec.included)))
        say("publishing")
        manifest = {
            "meeting": meeting.name,
            "built_at": dt.datetime.now().isoformat(timespec="seconds"),
            "inputs": input_hash(meeting),
            "packs": {
                name: {"label": r.label, "pages": r.pages}
                for name, r in zip(built, results, strict=True)
            },
        }
        written = publish(built, outdir, manifest)
    for result, path in zip(results, written, strict=True):
        result.path = path
    warnings = [w for item in meeting.items for p in item.papers for w in p.warnings]
    warnings += [
        f"item {i.number} is 'to follow' and its papers have not arrived; it shows 'To follow'"
        for i in meeting.items
        if i.status.value == "to follow" and not i.papers
    ]
    hits = getattr(converter, "hits", 0) - hits_before
    misses = getattr(converter, "misses", 0) - misses_before
    return BuildResult(
        meeting, results, time.monotonic() - started, warnings, conversions=misses, cache_hits=hits
    )


def _paper_pdfs(
    meeting: Meeting, papers: list[Paper], converter: Converter, work: Path, say: Progress
) -> tuple[dict[Path, Path], dict[Path, int]]:
    """A PDF and a page count for every paper: PDFs as they are, data papers rendered, Word files
    converted in one batch."""
    pdfs: dict[Path, Path] = {}
    to_convert: dict[Path, Path] = {}  # paper path -> Word file to convert
    rendered = work / "rendered"
    rendered.mkdir()
    for i, paper in enumerate({p.path: p for p in papers}.values()):
        if paper.kind is PaperKind.PDF:
            pdfs[paper.path] = paper.path
        elif paper.kind is PaperKind.WORD:
            to_convert[paper.path] = paper.path
        else:
            template = find_template(paper.template or "", meeting.folder)
            if template is None:  # checked when loading; a template removed since
                raise InputError(f"template {paper.template}.docx not found", paper.source)
            say(f"rendering {paper.path.name}")
            out = rendered / f"{i:03d}-{paper.template}.docx"
            render(template, paper.context, out)
            to_convert[paper.path] = out
    if to_convert:
        say(f"converting {len(to_convert)} Word documents")
        converted = _convert(converter, list(to_convert.values()), work / "converted")
        pdfs.update(zip(to_convert, converted, strict=True))
    counts: dict[Path, int] = {}
    for paper in papers:
        if paper.path in counts:
            continue
        counts[paper.path] = paper.pages if paper.pages else page_count(pdfs[paper.path])
        if counts[paper.path] < 1:
            raise ConversionError(
                "LibreOffice turned this document into a PDF with no pages; open it "
                "and check it has content",
                paper.source,
            )
    return pdfs, counts


def _convert(converter: Converter, documents: list[Path], outdir: Path) -> list[Path]:
    """Convert, then clean LibreOffice's tagged output once per document (a cleaned PDF, cached or
    not, is not cleaned again). TODO(lead): move the cleaning into the converter, before caching."""
    pdfs = converter.convert(documents, outdir)
    for pdf in pdfs:
        clean_converted(pdf)
    return pdfs


def _layout(spec: plan.PackSpec, counts: dict[Path, int]) -> Layout:
    return lay_out([(item.number, [counts[p.path] for p in item.papers]) for item in spec.included])


def _frontsheets(
    meeting: Meeting, specs: list[plan.PackSpec], layouts: list[Layout], work: Path, today: dt.date
) -> list[Path]:
    """Render (not convert) each pack's frontsheet from its layout."""
    docs = []
    fronts = work / "frontsheets"
    fronts.mkdir()
    for n, (spec, layout) in enumerate(zip(specs, layouts, strict=True)):
        name = "supplement" if spec.is_supplement else "agenda"
        template = find_template(name, meeting.folder)
        if template is None:
            raise InputError(
                f"template {name}.docx not found; restore it in templates/", meeting.folder
            )
        out = fronts / f"{n:02d}-{name}.docx"
        render(template, frontsheet.context(meeting, spec, layout, today), out)
        docs.append(out)
    return docs
