"""Recognising an exempt paper's text in another paper, whatever format either is in.

`meeting._exempt_papers_stay_exempt` knows a paper by its path, its inode, its bytes, what its
archive holds and, for Word, its exact text: a copy of an exempt paper under a public item is
refused. The same report exported to PDF, saved as RTF, printed to PDF again or merged into an
appendix bundle shares none of those, yet publishes every word of it. So each paper is also known
by its words: a sample of its five-word runs (`fingerprint`), read from the PDF the pack would
carry (a build, and `check`, compare the Word papers as LibreOffice converted them) or, without
their conversions, from a Word document's own text. A public paper holding most of an exempt
paper's runs (`SHARE`) publishes that paper, and is refused.

A public report that is a shorter version of an exempt one is not refused: what counts is how
much of the exempt paper the public one holds, not the other way round. A paper too short to be
told by its runs (`MIN_SAMPLES`, about 160 words) is looked for whole, word for word, and, a PDF
with such a little text (a scan), by its scanned pages too (`pdf.scan_pictures`: saved again by
another program, or merged into a bundle, it keeps them; scanned again, or printed to PDF again,
it does not). Two limits, said in the docs: an exempt
paper split between two public papers, each holding less than `SHARE` of it, is not found; and an
exempt paper made mostly of a template that a public paper shares (`SHARE` of its words) is
refused.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import html
import mmap
import os
import re
import resource
import shutil
import subprocess
import tempfile
import threading
import unicodedata
import zlib
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TypeGuard

from packbuilder.digests import has_mark, put_mark
from packbuilder.errors import InputError, PackError, Source
from packbuilder.model import AgendaItem, Paper, PaperKind, Withheld

SHINGLE = 5  # words to a run
SAMPLE = 4  # one run in SAMPLE is kept, chosen by its first word (the same runs in every paper)
MIN_SAMPLES = 40  # runs kept (about 160 words of its own): fewer, and a paper is found only whole
MIN_WORDS = 8  # words: a shorter paper (a title, "to follow") is not looked for in the others
SHARE = 0.9  # of an exempt paper's runs found in a public paper: it is published there
TEXT_TIMEOUT = 120  # seconds pdftotext may take over one paper
TEXT_MEMORY = 2 << 30  # bytes of address space pdftotext may use
TEXT_MAX_BYTES = 16 << 20  # of text in one paper (a 1,000-page report has 3 MB)

_WORD = re.compile(r"[^\W_]+")
_MASK = (1 << 61) - 1


_SEGMENT = "\u2029"  # (Unicode's paragraph separator) ends a paragraph or cell of Word's text


@dataclass(frozen=True)
class Words:
    """A paper's text as compared: its words (`words`, lower case, without punctuation, one
    space apart) in `segments` (a Word document's paragraphs and cells; a PDF's text whole), a
    sample of its runs of `SHINGLE` words within a segment (`runs`, each as a number), and its
    `lines` (a Word document's paragraphs, a PDF's lines), by which a short paper is found."""

    segments: tuple[str, ...]
    runs: frozenset[int]
    lines: tuple[str, ...]

    @property
    def words(self) -> str:
        return " ".join(s for s in self.segments if s)


def words_of(text: str, pdf: bool = False) -> Words:
    """A text's `Words` (`pdf`: pdftotext's, one segment in lines; else a Word document's, in
    paragraphs ended by `_SEGMENT`). Words are compared without case, folded as Unicode's
    compatibility forms fold them (a ligature "ﬁ" is "fi"), and without punctuation, so that a
    line broken or a table laid out differently changes only the runs across the break. A run
    never spans two paragraphs of a Word document's own text, whose order (body, notes,
    headers) and numbering ("1.", which the XML does not hold) a PDF of it need not share."""
    text = unicodedata.normalize("NFKC", text).casefold()
    lines = [" ".join(_WORD.findall(line)) for line in text.split("\n" if pdf else _SEGMENT)]
    return _words_in(lines, pdf)


def _words_in(lines: list[str], pdf: bool) -> Words:
    segments = [" ".join(line for line in lines if line)] if pdf else lines
    runs: set[int] = set()
    for segment in segments:
        runs |= _runs(segment.split())
    return Words(tuple(segments), frozenset(runs), tuple(line for line in lines if line))


def _runs(words: list[str]) -> frozenset[int]:
    codes: dict[str, int] = {}
    numbers = [codes.setdefault(w, zlib.crc32(w.encode())) for w in words]
    kept = set()
    for i in range(len(numbers) - SHINGLE + 1):
        if numbers[i] % SAMPLE:
            continue
        h = 0
        for n in numbers[i : i + SHINGLE]:
            h = (h * 1_000_003 + n) & _MASK
        kept.add(h)
    return frozenset(kept)


def published_share(exempt: Words, public: Words) -> float:
    """How much of an exempt paper's text a public paper holds, 0 to 1 (0 when it cannot be
    told): by its sampled runs, for a paper long enough to be told by them (`MIN_SAMPLES`). A
    shorter one (a one-paragraph note exported to PDF) is found whole: each of its lines or
    paragraphs of three words or more in the public paper's words, all of them but one (a
    footer's page number, a header laid out otherwise)."""
    if len(exempt.runs) >= MIN_SAMPLES:
        return len(exempt.runs & public.runs) / len(exempt.runs)
    units = short_units(exempt)
    if sum(u.count(" ") + 1 for u in units) < MIN_WORDS:
        return 0.0
    text = f" {public.words} "
    missing = sum(f" {unit} " not in text for unit in units)
    return 1.0 if missing <= 1 and (missing == 0 or len(units) > 2) else 0.0


def short_units(exempt: Words) -> list[str]:
    """The lines or paragraphs of three words or more by which a short paper is found
    (`published_share`), each once: a form's lines, or a scan's, repeated on every page are
    looked for once (12,000 lines of a 300-page scan, looked for in every public paper, took
    25 s of a build)."""
    return list(dict.fromkeys(line for line in exempt.lines if line.count(" ") >= 2))


class TextUnreadable(PackError):
    """pdftotext failed on a paper that every other check passed."""


class TextToolMissing(TextUnreadable):
    """pdftotext is not there, or will not start: said once, not for every paper."""


def _below_hard(kind: int, wanted: int) -> int:
    """`wanted`, or the process's own hard limit of `kind` if lower (`prlimit` cannot raise
    it: asked to, it fails, and every paper would be unreadable)."""
    try:
        hard = resource.getrlimit(kind)[1]
    except (ValueError, OSError):
        return wanted
    return wanted if hard == resource.RLIM_INFINITY else min(wanted, hard)


def tool(name: str = "pdftotext") -> str:
    """Which pdftotext reads the text (or which other program `name`): its path, size and time,
    so that what was remembered from another one is read again."""
    program = shutil.which(name) or ""
    try:
        st = os.stat(program)
    except OSError:
        return program
    return f"{os.path.realpath(program)}|{st.st_size}|{st.st_mtime_ns}"


def pdf_text(path: Path, source: Source | None = None, *, reading: bool = False) -> str:
    """The text of a PDF, as poppler's pdftotext reads it (in a process of its own, bounded in
    time and memory: the PDF may be anyone's): in the order it is drawn, or (`reading`) in the
    reading order pdftotext works out from where it lies on the page."""
    with _all_layers_shown(path) as shown:
        try:
            # -raw: in the order the text is drawn, which is the order it was written in; the
            # reading order pdftotext works out from the layout interleaves the lines of a
            # table's cells, differently for each layout of the same table
            return run_pdftotext(shown, ["-nopgbrk"] if reading else ["-raw", "-nopgbrk"])
        except TextToolMissing as exc:
            raise TextToolMissing(
                f"{exc}, so the public papers cannot be checked for an exempt paper's text; run "
                "`make setup` (or apt-get install poppler-utils)"
            ) from None
        except TextTooLong:
            raise TextUnreadable(
                f"it holds more than {TEXT_MAX_BYTES >> 20} MB of text, too much to compare with "
                "the exempt papers; split it into smaller files",
                source or Source(path),
            ) from None
        except TextTimeout:
            raise TextUnreadable(
                f"its text could not be read to compare it with the exempt papers (it took over "
                f"{TEXT_TIMEOUT // 60} minutes); save it again as PDF, or ask IT support",
                source or Source(path),
            ) from None
        except TextToolFailed:
            raise TextUnreadable(
                "its text could not be read to compare it with the exempt papers; save it again "
                "as PDF from its source (if every paper says so, ask IT support to check that "
                "poppler-utils is installed)",
                source or Source(path),
            ) from None


class TextTooLong(Exception):
    """pdftotext wrote more than `TEXT_MAX_BYTES`."""


class TextTimeout(Exception):
    """pdftotext took more than `TEXT_TIMEOUT` seconds."""


class TextToolFailed(Exception):
    """pdftotext ended with an error."""


def run_pdftotext(path: Path, options: Sequence[str], timeout: float = TEXT_TIMEOUT) -> str:
    """What poppler's pdftotext writes for the PDF at `path` with `options` (UTF-8), run in a
    process of its own, bounded in time (`timeout` seconds), memory and output: the PDF may be
    anyone's.

    Raises:
        TextToolMissing: pdftotext is not installed or cannot be started (its message says
            which, for the caller to go on).
        TextTooLong, TextTimeout, TextToolFailed: it could not read the PDF within bounds.
    """
    out = run_poppler(
        ["pdftotext", "-q", "-enc", "UTF-8", *options, str(path), "-"], timeout, TEXT_MAX_BYTES
    )
    return out.decode("utf-8", "replace")


def run_poppler(command: Sequence[str], timeout: float, max_bytes: int) -> bytes:
    """What poppler's `command` (pdftotext, pdftoppm) writes to its output, run in a process of
    its own, bounded in time (`timeout` seconds), memory and the size of every file it writes
    (`max_bytes`, its output included). Raises as `run_pdftotext`."""
    name = command[0]
    program = shutil.which(name)
    if program is None:
        raise TextToolMissing(f"{name} is not installed")
    limit = shutil.which("prlimit")  # (not preexec_fn: the build runs threads meanwhile)
    bounds = (
        (limit, f"--as={_below_hard(resource.RLIMIT_AS, TEXT_MEMORY)}",
         f"--fsize={_below_hard(resource.RLIMIT_FSIZE, max_bytes + 1)}")
        if limit else ()
    )  # fmt: skip
    # the output goes to a file, bounded in size: a PDF drawing gigabytes fills no memory
    with tempfile.TemporaryFile() as out:
        try:
            process = subprocess.Popen(
                [*bounds, program, *command[1:]],
                stdout=out,
                stderr=subprocess.DEVNULL,
                stdin=subprocess.DEVNULL,
            )
        except OSError as exc:
            raise TextToolMissing(f"{name} could not be started ({exc.strerror})") from None
        # waited for as it ends, killed when its time is up (`subprocess.run`'s timeout looks
        # every few hundredths of a second, which a build reading a hundred papers waited for)
        late = threading.Event()

        def stop() -> None:
            late.set()
            process.kill()

        timer = threading.Timer(max(timeout, 0.001), stop)
        timer.start()
        try:
            returncode = process.wait()
        finally:
            timer.cancel()
        if out.seek(0, 2) > max_bytes:
            raise TextTooLong
        if late.is_set():
            raise TextTimeout
        if returncode != 0:
            raise TextToolFailed
        out.seek(0)
        return out.read()


@contextlib.contextmanager
def _all_layers_shown(path: Path) -> Iterator[Path]:
    """`path`, or, for a PDF with layers (optional content, which a viewer may hide), a copy
    without them: pdftotext leaves out a layer switched off, which the pack would hold. (A
    paper with hidden layers is refused by its checks (`layers`); `check` may read one first.)
    Files without the word are not opened (object streams may hide it: those are)."""
    try:
        with open(path, "rb") as fh:
            data = mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ)
            try:
                maybe = data.find(b"/OCProperties") >= 0 or data.find(b"/ObjStm") >= 0
            finally:
                data.close()
    except (OSError, ValueError):
        maybe = False
    if not maybe:
        yield path
        return
    import pikepdf

    with tempfile.TemporaryDirectory() as tmp:
        try:
            with pikepdf.open(path) as pdf:
                if "/OCProperties" not in pdf.Root:
                    raise LookupError
                del pdf.Root["/OCProperties"]
                pdf.save(Path(tmp) / "shown.pdf")
        except (LookupError, pikepdf.PdfError, RuntimeError, OSError, ValueError):
            yield path
            return
        yield Path(tmp) / "shown.pdf"


_WORD_XML = {".docx": "word/document.xml", ".odt": "content.xml"}
# what is never shown: deleted text of tracked changes and field codes (either may be written as
# an empty element; their text holds no "<", so each is found without looking further)
_HIDDEN = re.compile(r"<w:(?:delText|instrText)\b(?:[^>]*/>|[^>]*>[^<]*</w:(?:delText|instrText)>)")
# ends of paragraphs and cells end a segment; tabs, breaks and ODF's spaces part words; other
# tags sit inside words
_ENDS = re.compile(r"</w:p>|</w:tc>|</text:p>|</text:h>")
_SPACES = re.compile(
    r"<w:tab\b[^>]*/>|<w:br\b[^>]*/>|<w:cr\b[^>]*/>"
    r"|<text:s\b[^>]*/>|<text:tab\b[^>]*/>|<text:line-break\b[^>]*/>"
)
_ODF_CHANGES = ("<text:tracked-changes", "</text:tracked-changes>")
# a Word document's parts that hold text shown on its pages: the body first, then its notes,
# headers and footers (a public paper may carry an exempt one's text in any of them)
_DOCX_TEXT = re.compile(r"word/(document|footnotes|endnotes|header\d*|footer\d*)\.xml")


def document_text(path: Path, suffix: str | None = None) -> str | None:
    """The text of a .docx (body, notes, headers, footers) or .odt (body) as its own XML holds
    it, paragraphs and cells ended by `_SEGMENT` (None for other formats, or an archive that
    cannot be read: its checks have said so)."""
    import zipfile

    from packbuilder.safezip import read_member

    suffix = (suffix or path.suffix).lower()  # (`path` may be a handle's: /proc/N/fd/M)
    if suffix not in _WORD_XML:
        return None
    try:
        if suffix == ".docx":
            with zipfile.ZipFile(path) as zf:
                names = [n for n in zf.namelist() if _DOCX_TEXT.fullmatch(n)]
            names.sort(key=lambda n: (n != _WORD_XML[".docx"], n))
        else:
            names = [_WORD_XML[suffix]]
        parts = [read_member(path, name) for name in names]
    except Exception:  # noqa: BLE001 - checked already; without text it is known otherwise
        return None
    if not parts or parts[0] is None:
        return None
    xml = _SEGMENT.join(_without_odf_changes(p.decode("utf-8", "replace")) for p in parts if p)
    text = _SPACES.sub(" ", _ENDS.sub(_SEGMENT, _HIDDEN.sub(" ", xml)))
    return html.unescape(re.sub(r"<[^>]*>", "", text))


def _without_odf_changes(xml: str) -> str:
    """An ODF body without its record of tracked changes (which holds deleted text)."""
    start = xml.find(_ODF_CHANGES[0])
    if start < 0:
        return xml
    end = xml.find(_ODF_CHANGES[1], start)
    if end < 0:
        return xml[:start]
    return xml[:start] + xml[end + len(_ODF_CHANGES[1]) :]


def fingerprint(path: Path, source: Source, *, as_pdf: bool, reading: bool = False) -> Words | None:
    """The `Words` of a file: of its text as a PDF (`as_pdf`; in its reading order, `reading`,
    else as drawn), else as a Word document's XML (None for a format whose text cannot be read
    without converting it). The file is opened once and read through that handle; what was
    read is remembered by the content hashed, in the cache folder beside the checks, only if
    the file was not written to meanwhile."""
    from packbuilder import pdf

    kind = ("words.read" if reading else "words.pdf") if as_pdf else "words.xml"
    try:
        with pdf.pinned(path) as (key, same, fh):
            entry = pdf.remembered_by_key(key, kind, _code())
            known = _read_words(entry, as_pdf)
            if known is not None:
                return known
            # (a program of its own opens this process's handle by the process's number)
            handle = Path(str(same).replace("/proc/self/", f"/proc/{os.getpid()}/", 1))
            found = _read(handle, as_pdf, source, path.suffix, reading)
            if found is not None and pdf.path_key(path, fh) == key:
                pdf.remember(entry, list(found.lines))
            return found
    except OSError:
        # (says what is wrong, if anything)
        return _read(path, as_pdf, source, path.suffix, reading)


def _read(
    path: Path, as_pdf: bool, source: Source, suffix: str, reading: bool = False
) -> Words | None:
    if as_pdf:
        return words_of(pdf_text(path, source, reading=reading), pdf=True)
    text = document_text(path, suffix)
    return words_of(text) if text is not None else None


def _read_words(entry: Path, as_pdf: bool) -> Words | None:
    """What `fingerprint` kept at `entry` (`pdf.remember`: its lines, as JSON), or None."""
    from packbuilder import pdf

    lines = pdf.recall(entry)
    if not isinstance(lines, list) or not all(isinstance(line, str) for line in lines):
        return None
    return _words_in(lines, as_pdf)


@dataclass(frozen=True)
class _Known:
    item: AgendaItem
    paper: Paper
    words: Words
    withheld: Withheld | None = None  # exempt text a paper holds for members only (below)


def withheld_texts(items: Sequence[AgendaItem]) -> list[tuple[AgendaItem, Paper, Withheld]]:
    """The exempt text members' papers hold, which their public papers leave out (the full text
    of each Part II minute of the last meeting's minutes, `Paper.members_data`): exempt as
    surely as an exempt item's paper, so no public paper may hold it, whatever item lists it
    (the public minutes themselves, by a Public summary copied from the narrative; an officer's
    report quoting it)."""
    return [
        (item, paper, withheld)
        for item in items
        for paper in item.papers
        if paper.members_data is not None
        for withheld in paper.members_data.withheld()
    ]


def exempt_text_problems(
    items: Sequence[AgendaItem],
    pdf_of: Callable[[Paper], Path | None] | None = None,
    shown: Callable[[Paper], str] = lambda p: p.path.name,
    rendered: Mapping[Path, Path] | None = None,
    stop: threading.Event | None = None,
) -> list[PackError]:
    """Every public paper that holds most of an exempt paper's text, as an error naming both.

    Args:
        pdf_of: the PDF each paper goes into the packs as (a build's, or `check`'s, converted
            Word and data papers); None: PDF papers are read as they are and Word papers' own
            text.
        shown: how a paper is named in an error.
        rendered: without `pdf_of`, each data paper's rendered Word document, by its path.
        stop: set by a build that failed meanwhile: no more papers are read (what was found so
            far is returned, and nothing is remembered).
    """
    exempt_papers = [(i, p) for i in items if i.exempt for p in (*i.papers, *i.held_papers)]
    if not exempt_papers and not withheld_texts(items):
        return []
    verdict = _verdict_entry(items, pdf_of, rendered or {})
    if verdict is not None and has_mark(verdict):
        return []  # these very files were compared before, and nothing was found
    stop = stop or threading.Event()
    problems = _compare(items, exempt_papers, pdf_of, shown, rendered or {}, stop)
    # remembered only for the very files compared: none written to meanwhile (`check` reads
    # papers where they are)
    same_files = verdict is not None and _verdict_entry(items, pdf_of, rendered or {}) == verdict
    if not problems and not stop.is_set() and verdict is not None and same_files:
        put_mark(verdict)
    return problems


def _verdict_entry(
    items: Sequence[AgendaItem],
    pdf_of: Callable[[Paper], Path | None] | None,
    rendered: Mapping[Path, Path],
) -> Path | None:
    """Where a comparison of these very files (by content, each in its role) that found nothing
    is remembered: a rebuild that changed no paper compares nothing. None if a file cannot be
    read (the comparison says what is wrong)."""
    from packbuilder import pdf

    h = hashlib.sha256(f"{_code()}|{pdf_of is None}".encode())
    try:
        for item in items:
            for paper in (*item.papers, *item.held_papers):
                converted = pdf_of(paper) if pdf_of is not None else rendered.get(paper.path)
                h.update(f"{item.exempt}|{paper.kind.name}|".encode())
                h.update(pdf.content_key(converted or paper.file).encode())
        # (an exempt minute's text changes with no public paper changing)
        for _, _, withheld in withheld_texts(items):
            h.update(f"|withheld|{withheld.text}".encode())
    except OSError:
        return None
    return pdf.remembered_by_key(h.hexdigest(), "words-compared")


def _code() -> str:
    """This module's code and the pdftotext it runs (asked each time: a long-running web page
    sees pdftotext installed or upgraded): what an earlier one found is found again."""
    return hashlib.sha256(f"{_module()}|{tool()}".encode()).hexdigest()


@functools.cache
def _module() -> str:
    return hashlib.sha256(Path(__file__).read_bytes()).hexdigest()


def _compare(
    items: Sequence[AgendaItem],
    exempt_papers: list[tuple[AgendaItem, Paper]],
    pdf_of: Callable[[Paper], Path | None] | None,
    shown: Callable[[Paper], str],
    rendered: Mapping[Path, Path],
    stop: threading.Event,
) -> list[PackError]:
    problems: list[PackError] = []
    failed: set[Path] = set()  # (each paper's failure told once)

    def words(paper: Paper) -> Words | None:
        if stop.is_set() or paper.path in failed:
            return None
        try:
            return _words(paper, pdf_of, rendered)
        except TextToolMissing:
            raise  # one line, not one a paper
        except PackError as exc:
            failed.add(paper.path)
            problems.append(exc)
            return None

    exempt = _known(items, exempt_papers, words)
    # an exempt paper with too little text to be told by its runs (a scan) is known by its
    # scanned pages too
    told = {id(k.paper) for k in exempt if len(k.words.runs) >= MIN_SAMPLES}
    scanned = [
        (i, p, shown_pages)
        for i, p in exempt_papers
        if id(p) not in told and (shown_pages := _scans(p, pdf_of))
    ]
    if not exempt and not scanned:
        return problems
    # the public papers one at a time, each let go of once compared: a 4,000-page meeting's
    # words all held at once weighed a hundred megabytes beside the pack being assembled
    for item in items:
        if item.exempt:
            continue
        for paper in (*item.papers, *item.held_papers):
            best, part = _closest(words(paper) if exempt else None, paper, exempt, pdf_of)
            if _withheld_match(best, part):
                problems.append(_withheld_published(paper, item, best, part, shown))
                continue
            what, of = "the text", (best.item, best.paper) if best else None
            if part < SHARE and scanned and (pictures := _scans(paper, pdf_of)):
                i, p, scans = max(scanned, key=lambda s: len(s[2] & pictures) / len(s[2]))
                part, what, of = len(scans & pictures) / len(scans), "the scanned pages", (i, p)
            if part < SHARE:
                continue
            assert of is not None  # (a share of nothing is 0)
            problems.append(
                InputError(
                    f"paper {shown(paper)!r} of item {item.number} holds {_percent(part)} of "
                    f"{what} of {shown(of[1])!r}, a paper of exempt item {of[0].number} "
                    f"(cell {of[1].source.cell}): an exempt paper must not be published "
                    f"through another item, in any format; remove it from item {item.number}, "
                    "or make that item exempt too",
                    paper.source,
                )
            )
    return problems


def _closest(
    found: Words | None,
    paper: Paper,
    exempt: list[_Known],
    pdf_of: Callable[[Paper], Path | None] | None,
) -> tuple[_Known | None, float]:
    """The exempt text a public paper's words (`found`) hold most of, and how much of it."""
    if found is None:
        return None, 0.0
    found = _with_carried(found, paper, pdf_of)
    return max(((e, published_share(e.words, found)) for e in exempt), key=_second)


def _known(
    items: Sequence[AgendaItem],
    exempt_papers: list[tuple[AgendaItem, Paper]],
    words: Callable[[Paper], Words | None],
) -> list[_Known]:
    """What no public paper may hold: each exempt paper's words, and the exempt text members'
    papers hold (`withheld_texts`), a paragraph a segment as a Word document's."""
    known = [_Known(i, p, w) for i, p in exempt_papers if (w := words(p))]
    return known + [
        _Known(i, p, words_of(w.text.replace("\n", _SEGMENT)), w)
        for i, p, w in withheld_texts(items)
    ]


def _withheld_match(best: _Known | None, part: float) -> TypeGuard[_Known]:
    """Whether what a public paper holds most of is an exempt minute's text (`withheld_texts`),
    and enough of it to be published there."""
    return best is not None and best.withheld is not None and part >= SHARE


def _withheld_published(
    paper: Paper, item: AgendaItem, of: _Known, part: float, shown: Callable[[Paper], str]
) -> InputError:
    """The error for a public paper that holds an exempt minute's text (`withheld_texts`)."""
    assert of.withheld is not None
    return InputError(
        f"paper {shown(paper)!r} of item {item.number} holds {_percent(part)} of the text of "
        f"{of.withheld.what} of {shown(of.paper)!r} (cell {of.withheld.source.cell}), which "
        "is exempt (printed in full in the private pack only): the words of an exempt minute "
        "must not be published, in any format; remove them from this paper (from the minutes, "
        "by writing in the minute's Public summary only what may be published), or make item "
        f"{item.number} exempt if it is Part II business",
        paper.source,
    )


def _scans(paper: Paper, pdf_of: Callable[[Paper], Path | None] | None) -> frozenset[str]:
    """The scanned pages the PDF a paper goes into the packs as shows (`pdf.scan_pictures`):
    remembered with a PDF paper's checks, read from a converted one."""
    from packbuilder import pdf  # noqa: PLC0415 - (pikepdf, for PDFs only)
    from packbuilder.pdfopen import open_pdf  # noqa: PLC0415

    if paper.kind is PaperKind.PDF:
        facts = pdf.remembered_facts(paper.file)
        if facts is not None:
            return frozenset(facts.scans)
        path: Path | None = paper.file
    else:
        path = pdf_of(paper) if pdf_of is not None else None
    if path is None:
        return frozenset()
    try:
        with open_pdf(path) as opened:
            return frozenset(pdf.scan_pictures(opened))
    except Exception:  # noqa: BLE001 - what cannot be read is said by its own checks
        return frozenset()


def _with_carried(
    found: Words, paper: Paper, pdf_of: Callable[[Paper], Path | None] | None
) -> Words:
    """A public paper's words with its text in reading order and the text its PDF shows
    besides its pages' (`carried_text`). Its words as drawn are compared with the exempt
    papers' as drawn; but a copy whose words are drawn in another order, each where it
    belongs on the page (a reviewer drew them shuffled), reads in order all the same. And an
    exempt paper's text in a public appendix's bookmarks, link descriptions or form fields is
    published as surely as on its pages."""
    from packbuilder.carried import carried_text  # noqa: PLC0415 - (pikepdf, for PDFs only)
    from packbuilder.pdf import remembered_facts  # noqa: PLC0415

    # (a PDF paper's was read when it was checked, if that was remembered)
    facts = remembered_facts(paper.file) if paper.kind is PaperKind.PDF else None
    pdf = paper.file if paper.kind is PaperKind.PDF else (pdf_of(paper) if pdf_of else None)
    if pdf is None:
        return found
    extra = facts.carried if facts else carried_text(pdf)
    laid = fingerprint(pdf, Source(paper.path), as_pdf=True, reading=True)
    for more in (laid, words_of(extra, pdf=True) if extra else None):
        if more is not None:
            found = Words(
                found.segments + more.segments, found.runs | more.runs, found.lines + more.lines
            )
    return found


def _second(pair: tuple[_Known, float]) -> float:
    return pair[1]


def _percent(part: float) -> str:
    return "all" if part >= 0.995 else f"{int(part * 100)}%"


def _words(
    paper: Paper,
    pdf_of: Callable[[Paper], Path | None] | None,
    rendered: Mapping[Path, Path],
) -> Words | None:
    source = Source(paper.path)
    if paper.kind is PaperKind.PDF:
        return fingerprint(paper.file, source, as_pdf=True)
    if pdf_of is not None:
        converted = pdf_of(paper)
        if converted is not None:
            return fingerprint(converted, source, as_pdf=True)
    if paper.kind is PaperKind.WORD:
        return fingerprint(paper.file, source, as_pdf=False)
    document = rendered.get(paper.path)  # a data paper, rendered but not converted
    return fingerprint(document, source, as_pdf=False) if document is not None else None
