"""Building a meeting's packs: the whole pipeline, in order, on one screen.

    lock the meeting -> load and check every input -> plan the packs -> every paper as a PDF
    -> lay out each pack from page counts -> render the frontsheets -> assemble each pack
    (converting the frontsheets meanwhile) -> publish atomically

Everything is read and checked before anything is written, and nothing reaches the output folder
until every pack of the build is complete. `build()` is the one entry point: the command line, the
scheduler and the web page all call it, and it takes the meeting's lock and starts and stops
LibreOffice itself, so every caller gets the same safety.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import logging
import re
import shutil
import tempfile
import threading
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import ExitStack, closing, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from packbuilder import frontsheet
from packbuilder.assemble import (
    MadePart,
    finish_pack,
    numbered_part,
    open_part,
    pack_headings,
    prepare_outline,
)
from packbuilder.convert import (
    ConversionStats,
    Converter,
    abort_conversions,
    on_handover,
    on_ready,
    open_converter,
)
from packbuilder.convert.cache import tidy
from packbuilder.dates import long_date
from packbuilder.deadline import publishing_late
from packbuilder.errors import (
    Collector,
    InputError,
    MissingPaperError,
    PackError,
    PublishError,
    Source,
)
from packbuilder.frontsheet import PUBLISHED_PLACEHOLDER
from packbuilder.html_agenda import Later, later_papers, write_html_agenda
from packbuilder.layout import Layout, lay_out
from packbuilder.lock import meeting_lock, remove_if_only_lock
from packbuilder.meeting import (
    did_you_mean,
    find_workbook,
    load_meeting,
    named_folder,
    shown_paper,
)
from packbuilder.model import Meeting, Paper, Status
from packbuilder.papers import HANDOVER_WAIT, PaperPdfs, Prefetch, paper_pdfs
from packbuilder.pdf import PackWriter, examining_after
from packbuilder.plan import PackSpec, plan_packs, published_name
from packbuilder.publish import (
    ARCHIVE,
    PRIVATE,
    PUBLIC,
    BuiltPack,
    current_versions,
    file_hash,
    finish_interrupted,
    html_name,
    manifest_path,
    next_edition,
    public_sibling,
    publish,
    read_manifest,
    recorded_summary,
    withdrawn_versions,
)
from packbuilder.scratch import clear_stale_scratch, scratch_prefix
from packbuilder.settings import settings
from packbuilder.textmatch import exempt_text_problems
from packbuilder.unseen import hidden_text_problems
from packbuilder.versions import (
    WORDS,
    Compared,
    Earlier,
    Edition,
    Version,
    changes,
    draft_changes,
    legacy_pack_content,
    members_pack,
    pack_content,
    pack_summary,
    supplement_regrouped,
)

Progress = Callable[[str], None]
log = logging.getLogger("packbuilder")


@dataclass(frozen=True)
class PackResult:
    path: Path
    label: str
    pages: int  # physical pages, frontsheet included
    numbered: int  # "Page N" pages
    items: int  # agenda items whose papers are in the pack (exempt minutes are no item)
    public: bool  # in public/, for the website; else private/, for members only
    version: int  # its published version (packbuilder.versions)
    published: dt.date  # the date its content was first published
    unchanged: bool  # the same as the version already published: not written again
    changes: tuple[str, ...] = ()  # what this new version changed (`versions.changes`)
    # a draft's: what it changes against the version published and the draft made before it
    compared: tuple[Compared, ...] = ()
    members_only: str = ""  # what a private pack holds for members only (`PackSpec.members_only`)


@dataclass(frozen=True)
class BuildResult:
    meeting: Meeting
    packs: tuple[PackResult, ...]
    seconds: float
    warnings: tuple[str, ...]
    conversions: ConversionStats  # papers and frontsheets
    frontsheets: ConversionStats = ConversionStats()  # of those, the frontsheets
    withdrawn: tuple[str, ...] = ()  # a line for each pack withdrawn (`_withdrawn`)
    draft: bool = False  # drafts to check, published by no one (`build(draft=True)`)
    superseded: Path | None = None  # the draft folder this build published over, removed

    def summary(self, paths: bool = True) -> list[str]:
        """What the build did, a line a pack, its warnings, and the time and conversions it took.

        Args:
            paths: each pack's and HTML agenda's path after its line; False when the caller has
                printed the packs' paths where the reader sees these lines (the command line's
                standard output, sent to the same place as its standard error).
        """
        lines = []
        for p in self.packs:
            items = "1 item" if p.items == 1 else f"{p.items} items"
            pages = "1 page" if p.pages == 1 else f"{p.pages} pages"
            state = "unchanged" if p.unchanged else f"version {p.version}"
            state = "a draft, not published" if self.draft else state
            held = f" ({p.members_only} for members only)" if p.members_only else ""
            lines.append(
                f"{p.label}: {items} with papers{held}, {pages} ({p.numbered} numbered), {state}"
                + (f" -> {p.path}" if paths else "")
            )
            if p.changes:
                lines.append(f"  changed since version {p.version - 1}:")
                lines.extend(f"    {line}" for line in p.changes)
            for c in p.compared:
                lines.append(f"  changed since {c.against}:")
                lines.extend(f"    {line}" for line in c.lines)
            agenda = p.path.with_name(html_name(p.path.name))
            if p.public and agenda.is_file():
                use = "a draft too" if self.draft else "for the website"
                lines.append(f"  its HTML agenda, {use} -> {agenda}")
        lines.extend(f"withdrawn: {w}" for w in self.withdrawn)
        if self.superseded is not None:
            lines.append(f"the draft in {self.superseded} was removed: these packs replace it")
        lines.extend(f"warning: {w}" for w in self.warnings)
        lines.append(f"built {self.meeting.name} in {self.seconds:.1f} s ({self._conversions()})")
        return lines

    def _conversions(self) -> str:
        """ "2 papers converted, 4 from the cache; 3 frontsheets made": what LibreOffice did,
        the papers apart from the frontsheets (which a changed cell alone makes again)."""
        fronts = self.frontsheets.converted + self.frontsheets.cached
        converted = self.conversions.converted - self.frontsheets.converted
        cached = self.conversions.cached - self.frontsheets.cached
        said = f"{_count(converted, 'paper')} converted, {cached} from the cache"
        if converted + cached == 0:
            said = "no paper to convert"
        if fronts:
            said += f"; {_count(fronts, 'frontsheet')} made"
        return said


def default_output(folder: Path) -> Path:
    return Path("output") / Path(folder).resolve().name


def build(
    folder: Path,
    output: Path | None = None,
    *,
    converter: Converter | None = None,
    cache: bool = True,
    progress: Progress | None = None,
    today: dt.date | None = None,
    expect: Mapping[str, str] | None = None,
    draft: bool = False,
) -> BuildResult:
    """Build every pack the meeting needs into `output` (default output/<meeting folder name>).

    Args:
        converter: converts Word to PDF; by default LibreOffice (behind the conversion cache unless
            `cache` is False), started at once so that its start overlaps the input checks, and
            stopped at the end. A converter passed in is used and left open.
        progress: called with a line for each stage (also logged to the "packbuilder" logger).
        today: the day a new version is dated; by default PACKBUILDER_TODAY, if set (as `status`
            and `build-due` take it), else today.
        expect: the content key of each pack the build must make, by file name (a build made
            earlier, published now: `release`). A pack that would be different, or one more or
            fewer, stops the build before anything is written.
        draft: a draft to check before publishing: made in `DRAFT` inside the output folder
            (the drafts made before it removed), its frontsheets saying "DRAFT, not published",
            every page marked DRAFT and its title beginning "DRAFT - " (`PackSpec.draft`); the
            published packs and their versions are not touched. Its papers' conversions and
            checks are kept by content as a build's are, so the build that publishes it after
            converts nothing again (its numbered pages, unmarked, are assembled again).

    Raises:
        BuildLockedError: another build of this meeting into `output` is running.
        PackError: the first problem, or an ErrorList of every input problem found; nothing has
            been written and the last good packs are where they were.
    """
    started = time.monotonic()
    # the day the packs are dated: PACKBUILDER_TODAY, if set, for every caller (as `status` and
    # `build-due` read it)
    today = today or settings().today or dt.date.today()
    folder = named_folder(folder)
    find_workbook(folder)  # a wrong folder must not leave an empty output folder behind
    root = Path(output) if output else default_output(folder)
    _refuse_inside_packs(root)
    _refuse_inside_meeting(root, folder)
    outdir = root / DRAFT if draft else root
    say = _reporter(progress)
    with ExitStack() as stack:
        if not root.exists():  # a first build that fails leaves no output folder behind
            stack.callback(remove_if_only_lock, root, folder.name)
        # the meeting's one lock, a draft's too: a build that publishes removes the draft
        # (`_superseded`), and a draft is never made while the packs are being published
        stack.enter_context(meeting_lock(root, folder.name))
        finish_interrupted(outdir, folder.name)  # a build killed as it published: its record
        previous = None
        if draft:  # (what the draft made before held: the new one says what it changes)
            previous = read_manifest(outdir, folder.name)
            _forget_drafts(outdir, folder.name)
        if converter is None:
            converter = stack.enter_context(closing(open_converter(cache=cache, prestart=True)))
        before = converter.stats()
        work = stack.enter_context(scratch_folder())
        say("checking inputs")
        # each paper is read from a copy of its own (`snapshots`)
        meeting, prefetch = load_converting(folder, converter, stack, work / "papers")
        specs = plan_packs(meeting)
        if not draft:  # (a draft withdraws nothing)
            _published_supplements_kept(meeting, specs, outdir)
        if draft:  # (each page and the title say so)
            specs = [dataclasses.replace(spec, draft=True) for spec in specs]
        papers = paper_pdfs(
            papers_to_convert(meeting, specs), meeting.folder, converter, work, say, prefetch
        )
        converted = converter.stats()  # (the rest: frontsheets)
        # text a public paper holds but does not show (`unseen`), and an exempt paper's text in
        # a public paper, in any format, are looked for while the packs are assembled (poppler
        # runs in processes of its own): found, nothing is published
        stop_text_check = threading.Event()
        fronts_done = threading.Event()  # (`hidden_text` waits for it)
        checker = stack.enter_context(ThreadPoolExecutor(2))
        text_checks = [
            checker.submit(hidden_text, meeting, papers, stop_text_check, fronts_done),
            checker.submit(exempt_text, meeting, papers, stop_text_check),
        ]
        stack.callback(stop_text_check.set)  # a build failing meanwhile does not wait for it all
        layouts = [layout_of(spec, papers) for spec in specs]
        say("rendering frontsheets")
        # rendered before the published line is known: what a frontsheet shows is part of its
        # pack's content key, which decides whether the pack is a new version (`_editions`)
        drafts = frontsheet.render_frontsheets(
            meeting, specs, layouts, [PUBLISHED_PLACEHOLDER] * len(specs), work / "drafts"
        )
        editions = _editions(
            meeting, specs, layouts, outdir, today, drafts, papers.rendered, work / "earlier"
        )
        if draft:
            hashes = functools.cache(file_hash)
            editions = _as_drafts(
                meeting, specs, editions, root, previous,
                # (every earlier key: the draft may be published into a folder whose packs an
                # earlier release made, the web page's, whatever this output folder holds)
                lambda n: _earlier_keys(
                    meeting, specs[n], layouts[n], hashes, papers.rendered,
                    work / "earlier-published" / str(n), 1,
                ),
            )  # fmt: skip
        else:
            _not_dated_before(editions, today, outdir)
        if expect is not None:
            _check_expected(meeting, specs, editions, expect)
        # (a supplement kept under the name it was published with is called so beside it)
        specs = [
            dataclasses.replace(s, alone=not s.alone) if e.renamed else s
            for s, e in zip(specs, editions, strict=True)
        ]
        changed = [n for n, e in enumerate(editions) if not e.edition.unchanged]
        fronts = [
            frontsheet.fill_published(
                drafts[n], editions[n].edition.published_line, work / "frontsheets" / drafts[n].name
            )
            or frontsheet.render_frontsheets(
                meeting, [specs[n]], [layouts[n]], [editions[n].edition.published_line],
                work / "frontsheets" / str(n),
            )[0]
            for n in changed
        ]  # fmt: skip
        try:
            made = _assemble(
                meeting, specs, layouts, changed, papers, fronts, converter, work, say,
                fronts_done,
            )  # fmt: skip
        finally:
            fronts_done.set()
        found = Collector()
        for check in text_checks:
            for problem in check.result():
                found.add(problem)
        found.raise_if_any()
        built = [
            _pack(
                meeting,
                specs[n],
                layouts[n],
                editions[n],
                made.get(n),
                outdir,
                work,
                later_papers(meeting, specs[n], specs, layouts),
            )
            for n in range(len(specs))
        ]
        # (a draft is put in place as packs are, and published by no one: not "publishing")
        say("putting the drafts in place, not published" if draft else "publishing")
        was = current_versions(outdir, meeting.name)
        written = publish(meeting, built, outdir, today)
        withdrawn = _withdrawn(outdir, meeting.name, was)
        superseded = None if draft else _superseded(outdir)
        after = converter.stats()
        tidy(settings().cache_dir)
    packs = tuple(
        PackResult(
            path,
            b.label,
            b.pages,
            b.numbered,
            b.items,
            b.public,
            b.edition.version,
            b.edition.published,
            b.edition.unchanged,
            b.changes,
            b.compared,
            b.members_only,
        )
        for b, path in zip(built, written, strict=True)
    )
    stats = ConversionStats(after.converted - before.converted, after.cached - before.cached)
    made_fronts = ConversionStats(
        after.converted - converted.converted, after.cached - converted.cached
    )
    regrouped = [e.warning for e in editions if e.warning]
    late = [] if draft else _late(meeting, packs, today)  # (a draft is published by no one)
    warnings = [*regrouped, *late, *meeting.warnings()]
    return BuildResult(
        meeting,
        packs,
        time.monotonic() - started,
        tuple(warnings),
        stats,
        frontsheets=made_fronts,
        withdrawn=withdrawn,
        draft=draft,
        superseded=superseded,
    )


DRAFT = "draft"  # the folder, inside the output folder, of the drafts to check (`build`)


def _refuse_inside_packs(outdir: Path) -> None:
    """Refuse an output folder that is, or is inside, the public/, private/ or archive/ folder
    of a meeting's output folder (one that holds a build's record): the private pack would be
    written into what goes on the website (a reviewer's: `--output output/<meeting>/public`).

    Raises:
        PublishError: naming the folder and the output folder to give instead.
    """
    resolved = outdir.resolve()
    for inside in (resolved, *resolved.parents):
        if inside.name in (PUBLIC, PRIVATE, ARCHIVE) and any(
            inside.parent.glob("packbuilder-*.json")
        ):
            raise PublishError(
                f"the output folder {outdir} is inside {inside.name}/ of the output folder "
                f"{inside.parent}: the packs would be written into what goes on the website (or "
                f"to members); give the meeting's output folder itself ({inside.parent})"
            )


def _refuse_inside_meeting(outdir: Path, folder: Path) -> None:
    """Refuse an output folder inside the meeting folder (`packbuilder build .` run there makes
    the default output/<meeting> one): the private pack would lie among the papers, in a folder
    officers share, and the next build would find the packs among its inputs.

    Raises:
        PublishError: naming both folders and what to do.
    """
    if outdir.resolve().is_relative_to(folder.resolve()):
        raise PublishError(
            f"the output folder {outdir} is inside the meeting folder {folder}, where its packs "
            "(the private ones too) would lie among the papers; give --output a folder outside "
            "it, or run packbuilder from the folder that holds the meeting folder"
        )


def _forget_drafts(outdir: Path, meeting: str) -> None:
    """The drafts made before, and their record, gone: a draft is to look at, not a version."""
    for name in (PUBLIC, PRIVATE, ARCHIVE):
        shutil.rmtree(outdir / name, ignore_errors=True)
    manifest_path(outdir, meeting).unlink(missing_ok=True)


def _superseded(outdir: Path) -> Path | None:
    """The meeting's draft folder removed by the build that has just published (under its
    lock): the draft was made to be checked before publishing, and is older than these packs;
    left, `status` would go on listing it as the draft to check. Its path, if there was one."""
    drafts = outdir / DRAFT
    if not drafts.is_dir():
        return None
    shutil.rmtree(drafts, ignore_errors=True)
    return drafts


def _not_dated_before(editions: Sequence[_Edition], today: dt.date, outdir: Path) -> None:
    """Refuse to date a new version before the version it replaces: a clock set back (a server's
    wrong date, PACKBUILDER_TODAY left set) would print "Published 20 February (version 2,
    replacing the pack published on 25 February)", and a pack published late would read as on
    time.

    Raises:
        PublishError: naming both dates.
    """
    for e in editions:
        earlier = e.edition.revises
        if earlier is not None and not e.edition.unchanged and earlier.published > today:
            raise PublishError(
                f"today is {long_date(today)} by this computer's clock, but the version a new "
                f"one would replace was published on {long_date(earlier.published)}, so the "
                "new version would be dated before it; correct the computer's date (or "
                "PACKBUILDER_TODAY, if it is set) and build again",
                Source(outdir),
            )


def _published_supplements_kept(meeting: Meeting, specs: Sequence[PackSpec], outdir: Path) -> None:
    """Refuse to withdraw a published supplement because papers it carried are missing now.

    A "to follow" item whose papers have not arrived is usual, and waits for them; but once its
    supplement is published, a build without them would take it off the website: a file renamed
    (a capital changed by a copy from another computer), moved or deleted by a sync, met by a
    scheduled build at night. That is refused as a missing paper of the agenda pack is; the
    advisor who means to withdraw the supplement clears the item's Papers cell.

    Raises:
        MissingPaperError: at the Papers cell of the first such item.
    """
    planned = {spec.filename(meeting) for spec in specs}
    for name, (current, _) in sorted(current_versions(outdir, meeting.name).items()):
        found = re.fullmatch(r"-supplement-(\d+)\b.*", name[len(meeting.name) :])
        if name in planned or not found:
            continue
        number = int(found[1])
        carried = _carried_items(outdir, meeting.name, name)
        for item in meeting.items:
            if item.status is not Status.TO_FOLLOW or (item.supplement or 1) != number:
                continue
            if carried is not None and str(item.number) not in carried:
                continue  # (still to follow: the supplement published never carried it)
            for paper in item.waiting[:1]:
                raise MissingPaperError(
                    f"paper {paper!r} of item {item.number} is not in the meeting folder, but "
                    f"Supplement {number} carrying it was published on "
                    f"{long_date(current.published)}, and a build without it would withdraw it; "
                    f"put the file back{did_you_mean(meeting.folder, paper)}, or, to withdraw "
                    f"Supplement {number}, clear the item's Papers cell",
                    item.papers_cell or item.source,
                )


def _carried_items(outdir: Path, meeting: str, name: str) -> set[str] | None:
    """The numbers of the items the current version of pack `name` carried, as its record's
    summary says; None when the record keeps no summary (an earlier packbuilder's)."""
    recorded = recorded_summary(outdir, meeting, name)
    try:
        return {str(item["number"]) for item in (recorded or {})["items"]}
    except (KeyError, TypeError):
        return None


def _withdrawn(
    outdir: Path, meeting: str, before: Mapping[str, tuple[Version, list[Version]]]
) -> tuple[str, ...]:
    """A line for each pack this build withdrew (its items made exempt, or none left with papers):
    moved to the archive, it must come off the website, or members' inboxes, too."""
    now = current_versions(outdir, meeting)
    lines = []
    public_first = sorted(before.items(), key=lambda v: not v[1][0].file.startswith(PUBLIC))
    for name, (current, _) in public_first:
        if name in now:
            continue
        archived = (withdrawn_versions(outdir, meeting).get(name) or [current])[-1].file
        where = (
            "take it off the website too"
            if current.file.startswith(f"{PUBLIC}/")
            else "tell members not to use it"
        )
        lines.append(
            f"{current.file} (version {current.number}, published "
            f"{long_date(current.published)}) is withdrawn: no pack of this build replaces it; "
            f"it was moved to {archived}; {where}"
        )
    return tuple(lines)


def _late(meeting: Meeting, packs: Sequence[PackResult], today: dt.date) -> list[str]:
    """A warning when this build publishes a pack (a new version, dated today) after the
    meeting's publication deadline, or on or after the day of the meeting."""
    new = [p.label for p in packs if not p.unchanged and p.published == today]
    if not new:
        return []
    named = new[0] if len(new) == 1 else f"{', '.join(new[:-1])} and {new[-1]}"
    what = f"{named} {'is' if len(new) == 1 else 'are'} dated"
    said = publishing_late(meeting.date, today, meeting.deadline_rule, what)
    return [said] if said else []


def load_converting(
    folder: Path, converter: Converter, stack: ExitStack, snapshots: Path | None = None
) -> tuple[Meeting, Prefetch]:
    """`load_meeting`, its Word papers converted meanwhile (`Prefetch`, closed with `stack`): the
    PDF papers' checks pause while the Word papers take their last steps to LibreOffice
    (`Prefetch.wait_for_handover`). Give the prefetch to `paper_pdfs`."""
    prefetch = Prefetch(converter)
    stack.callback(prefetch.close)
    try:
        with examining_after(prefetch.wait_for_handover):
            meeting = load_meeting(folder, prefetch=prefetch.start, snapshots=snapshots)
    finally:
        prefetch.checks_done()  # both cores for LibreOffice
    return meeting, prefetch


def papers_to_convert(meeting: Meeting, specs: Sequence[PackSpec]) -> list[Paper]:
    """Every paper the packs carry and, when an item is exempt, the papers held back until
    their item's others arrive: the exempt text check compares every paper as a pack would
    carry it. (`check` converts the same papers: what a build refuses, it refuses.)"""
    exempt = any(i.exempt for i in meeting.items)
    held = [p for i in meeting.items for p in i.held_papers] if exempt else []
    return [*_papers_of(specs), *held]


def hidden_text(
    meeting: Meeting,
    papers: PaperPdfs,
    stop: threading.Event | None = None,
    after: threading.Event | None = None,
) -> list[PackError]:
    """`unseen.hidden_text_problems` of the papers as the packs carry them (Word and data papers
    as LibreOffice converted them: it decides what their pages show).

    Args:
        stop: set by a build that failed meanwhile.
        after: a build's: set once LibreOffice has converted the frontsheets. The papers not
            known to show their text are then read, in a process of their own: the two side by
            side with the assembly were the build's peak of memory (LibreOffice's 250 MB, the
            reading's 60 MB, beside the pack's), over 600 MB at 4,000 pages. Which papers are
            known is looked up at once: the 60 lookups of a 4,000-page rebuild, made after the
            frontsheets, held the interpreter while the packs were finished.
    """

    def wait() -> None:
        while after is not None and not after.wait(0.1):
            if stop is not None and stop.is_set():
                return

    return hidden_text_problems(
        meeting.items, papers.pdf_of, stop, elsewhere=after is not None, before_reading=wait
    )


def exempt_text(
    meeting: Meeting, papers: PaperPdfs, stop: threading.Event | None = None
) -> list[PackError]:
    """`textmatch.exempt_text_problems` of the papers as the packs carry them."""
    return exempt_text_problems(
        meeting.items,
        papers.pdf_of,
        functools.partial(shown_paper, folder=meeting.folder),
        stop=stop,
    )


def _count(n: int, what: str) -> str:
    """ "1 item", "3 items"."""
    return f"{n} {what}" if n == 1 else f"{n} {what}s"


def _reporter(progress: Progress | None) -> Progress:
    def say(message: str) -> None:
        log.info(message)
        if progress is not None:
            progress(message)

    return say


@contextmanager
def scratch_folder(what: str = "") -> Iterator[Path]:
    """A private scratch folder for one build, removed afterwards (or by the next build, if this
    one is killed: the folders of builds killed before are removed beside this one's work, by
    the time it ends; reading a busy TMPDIR took milliseconds of a rebuild)."""
    clearing = threading.Thread(target=clear_stale_scratch, name="stale scratch", daemon=True)
    clearing.start()
    try:
        with tempfile.TemporaryDirectory(prefix=scratch_prefix(what)) as tmp:
            yield Path(tmp)
    finally:
        clearing.join()


def _papers_of(specs: Sequence[PackSpec]) -> list[Paper]:
    return [p for spec in specs for item in spec.included for p in item.papers]


def layout_of(spec: PackSpec, papers: PaperPdfs) -> Layout:
    """Where each of the pack's documents starts, from the papers' page counts."""
    return lay_out(
        [(item.key, [papers.pages[p.path] for p in item.papers]) for item in spec.included]
    )


@dataclass(frozen=True)
class _Edition:
    """What this build makes of a pack: its edition, content key, summary and what it changed
    (`versions.changes`: for a new version of a pack published before)."""

    edition: Edition
    key: str
    summary: dict[str, Any]
    changes: tuple[str, ...]
    warning: str = ""  # a published supplement given items, or losing some (`supplement_regrouped`)
    supplement: int | None = None  # (one warning a supplement, not one for each of its packs)
    compared: tuple[Compared, ...] = ()  # a draft's (`versions.draft_changes`)
    # a draft's: its keys in an earlier packbuilder's words (`_earlier_keys`), which publishing
    # it compares the published packs with (`release.plan`), as a build does
    earlier: tuple[str, ...] = ()
    renamed: bool = False  # kept as published under the supplement's other name (`_editions`)


def _editions(  # noqa: PLR0913
    meeting: Meeting,
    specs: Sequence[PackSpec],
    layouts: Sequence[Layout],
    outdir: Path,
    today: dt.date,
    fronts: Sequence[Path],
    rendered: Mapping[Path, Path],
    scratch: Path,
) -> list[_Edition]:
    """Each pack's edition (new version, or the published one unchanged) and content key, from
    its frontsheet as rendered (`fronts`) and its data papers' documents (`rendered`).

    A published pack whose key is not this build's is the same pack when its content is what
    an earlier packbuilder made of this meeting (`_earlier_keys`): an upgrade alone publishes
    nothing again."""
    hashes = functools.cache(file_hash)
    published = current_versions(outdir, meeting.name)
    out: list[_Edition] = []
    for n, (spec, layout, front) in enumerate(zip(specs, layouts, fronts, strict=True)):
        key = pack_content(meeting, spec, layout, hashes, front, rendered)
        name = spec.filename(meeting)
        current = published.get(name, (None, []))[0]
        earlier = functools.cache(
            functools.partial(
                _earlier_keys, meeting, spec, layout, hashes, rendered, scratch / str(n),
                current.words if current is not None else WORDS,
            )
        )  # fmt: skip
        made = next_edition(outdir, meeting.name, name, key, today, published, earlier)
        summary = pack_summary(spec, layout, hashes, rendered, front)
        # a first supplement kept as published under its other name (`_earlier_keys`' last):
        # its HTML agenda, and the links to it, call it so too
        renamed = (
            spec.supplement == 1
            and made.unchanged
            and current is not None
            and current.content != key
            and current.content == earlier()[-1]
        )
        said: list[str] = []
        warning = ""
        if made.revises is not None and not made.unchanged:
            recorded = recorded_summary(outdir, meeting.name, name)
            said = changes(recorded, summary)
            if current is not None and not any(
                e.warning for e in out if e.supplement == spec.supplement
            ):
                warning = supplement_regrouped(spec, current, recorded, summary)
        out.append(
            _Edition(made, key, summary, tuple(said), warning, spec.supplement, renamed=renamed)
        )
    return out


def _earlier_keys(  # noqa: PLR0913
    meeting: Meeting,
    spec: PackSpec,
    layout: Layout,
    hashes: Callable[[Path], str],
    rendered: Mapping[Path, Path],
    scratch: Path,
    words: int,
) -> tuple[str, ...]:
    """The pack's content key as earlier packbuilders took it: packbuilder 0.2's
    (`legacy_pack_content`), and this one's with its frontsheet in the words of the release
    before (`frontsheet.EARLIER_WORDING`: "10 am - 1 pm", every supplement numbered); for the
    first supplement, also under its other name (`PackSpec.alone`): "Supplementary pack" while it
    was the meeting's only one, "Supplementary pack 1" beside another, so that a second
    supplement coming, or going, leaves the first as it was published. Rendered only for a pack
    published whose key is not this build's, and for a draft (`release.plan`); the earlier
    words only when the published key was taken in them (`words`, `Version.words`: each
    rendering is on a rebuild's way to LibreOffice)."""
    fronts = [] if words >= WORDS else [(spec, frontsheet.EARLIER_WORDING)]
    if spec.supplement == 1:
        fronts.append((dataclasses.replace(spec, alone=not spec.alone), frontsheet.WORDING))
    keys = [] if words >= WORDS else [legacy_pack_content(meeting, spec, layout, hashes)]
    for n, (other, wording) in enumerate(fronts):
        (front,) = frontsheet.render_frontsheets(
            meeting, [other], [layout], [PUBLISHED_PLACEHOLDER], scratch / str(n), wording
        )
        keys.append(pack_content(meeting, other, layout, hashes, front, rendered))
    return tuple(keys)


def _as_drafts(
    meeting: Meeting,
    specs: Sequence[PackSpec],
    editions: Sequence[_Edition],
    root: Path,
    previous: Mapping[str, Any] | None,
    earlier_keys: Callable[[int], tuple[str, ...]] | None = None,
) -> list[_Edition]:
    """Each pack of a draft build as a draft: no version, and what it changes against the
    version of it published in `root` and the draft made before it, whose record was
    `previous` (`versions.draft_changes`). A published pack that is this draft in an earlier
    release's words (`earlier_keys`, of the n-th pack: `_earlier_keys`) is said to be what
    publishing it leaves as it is."""
    published = current_versions(root, meeting.name)
    earlier = (previous or {}).get("packs")
    earlier = earlier if isinstance(earlier, dict) else {}
    made = _made_words(previous)
    out = []
    for n, (spec, e) in enumerate(zip(specs, editions, strict=True)):
        name = spec.filename(meeting)
        goes_out = published_name(name)  # (what publishing the draft makes)
        public = goes_out if goes_out in published else public_sibling(goes_out)
        current = published.get(public or goes_out, (None, []))[0]
        private = spec.private is True  # (made for members when published, never published)
        now = None
        if current is not None and public is not None:
            now = Earlier(
                members_pack(current.published)
                if private
                else f"the pack published on {long_date(current.published)}",
                current.content,
                recorded_summary(root, meeting.name, public),
            )
        # (the pack published, in the words of the release before: publishing keeps it)
        keys = earlier_keys(n) if earlier_keys is not None else ()
        reworded = current is not None and current.content != e.key and current.content in keys
        before = None
        kept = earlier.get(name) or earlier.get(goes_out)  # (drafts were once named as packs)
        if isinstance(kept, dict) and isinstance(kept.get("current"), dict):
            summary = kept.get("contents")
            before = Earlier(
                f"the draft made before it{made}",
                str(kept["current"].get("content")),
                summary if isinstance(summary, dict) else None,
            )
        out.append(
            dataclasses.replace(
                e,
                edition=dataclasses.replace(e.edition, draft=True),
                changes=(),
                compared=draft_changes(
                    e.key, e.summary, now, before, private=private, reworded=reworded
                ),
                earlier=keys,
            )
        )
    return out


def _made_words(record: Mapping[str, Any] | None) -> str:
    """When the build whose record is `record` was made: ", on Thursday 20 February 2020 at
    10:03" ("" if the record does not say)."""
    try:
        made = dt.datetime.fromisoformat(str((record or {}).get("built_at")))
    except ValueError:
        return ""
    return f", on {long_date(made.date())} at {made:%H:%M}"


def _check_expected(
    meeting: Meeting,
    specs: Sequence[PackSpec],
    editions: Sequence[_Edition],
    expect: Mapping[str, str],
) -> None:
    """Refuse a build whose packs are not the ones `expect` names by content key: publishing a
    build made earlier must publish what was looked at, nothing else."""
    made = {
        spec.filename(meeting): (spec.label, e.key) for spec, e in zip(specs, editions, strict=True)
    }
    what = [
        f"{label} would not be the same"
        for name, (label, key) in made.items()
        if name in expect and expect[name] != key
    ]
    what += [
        f"it would make {label} as well" for name, (label, _) in made.items() if name not in expect
    ]
    what += [f"it would not make {name}" for name in expect if name not in made]
    if what:
        raise InputError(
            f"the meeting's files are no longer those of the build being published "
            f"({', '.join(what)}); build again, check the new build and publish that",
            Source(meeting.folder),
        )


def _pack(  # noqa: PLR0913
    meeting: Meeting,
    spec: PackSpec,
    layout: Layout,
    made_of: _Edition,
    made: tuple[Path, int] | None,
    outdir: Path,
    work: Path,
    later: dict[str, Later] | None = None,
) -> BuiltPack:
    """A pack ready to publish, with the HTML agenda of a public pack (`later`: where its papers
    "to follow" were published since)."""
    name = spec.filename(meeting)
    edition = made_of.edition
    if made is not None:
        path, pages = made
    else:  # unchanged: the published file stands
        path, pages = None, _published_pages(outdir, meeting.name, name)
    html = None
    if not spec.private:
        html = work / "html" / html_name(name)
        html.parent.mkdir(exist_ok=True)
        write_html_agenda(
            meeting, spec, layout, edition.published, name, html, edition.published_line, later
        )
    return BuiltPack(
        name,
        spec.label,
        not spec.private,
        pages,
        layout.total,
        sum(1 for i in spec.included if not i.annex),  # (the exempt minutes are no item)
        made_of.key,
        edition,
        path,
        html,
        made_of.summary,
        made_of.changes,
        made_of.compared,
        spec.members_only,
        made_of.earlier,
    )


def _convert_fronts(
    converter: Converter,
    documents: Sequence[Path],
    work: Path,
    handed: threading.Event,
    fronts: _Fronts,
) -> list[Path]:
    """The frontsheets converted (in a thread of the pool); `handed` is set once LibreOffice
    has them, or the conversion is over; `fronts` is told of each as it is ready."""
    with on_handover(handed.set), on_ready(fronts.ready):
        try:
            return converter.convert(documents, work / "frontsheets-pdf")
        finally:
            handed.set()


class _Fronts:
    """The frontsheets' PDFs, each as soon as the converter says it is ready (`on_ready`:
    LibreOffice converts them one after the other, and the public pack is finished while it
    converts the private pack's), or when the whole conversion is over (a converter that does
    not say)."""

    def __init__(self) -> None:
        self._ready: dict[int, Path] = {}
        self._changed = threading.Condition()

    def ready(self, index: int, pdf: Path) -> None:
        with self._changed:
            self._ready.setdefault(index, pdf)
            self._changed.notify_all()

    def over(self, _job: object = None) -> None:
        with self._changed:
            self._changed.notify_all()

    def wait(self, index: int, job: Future[list[Path]]) -> Path:
        """The `index`th frontsheet's PDF.

        Raises:
            PackError: the conversion failed before this frontsheet was ready (its own error).
        """
        with self._changed:
            self._changed.wait_for(lambda: index in self._ready or job.done())
            early = self._ready.get(index)
        return early if early is not None else job.result()[index]


def _published_pages(outdir: Path, meeting: str, name: str) -> int:
    pack = ((read_manifest(outdir, meeting) or {}).get("packs") or {}).get(name) or {}
    return int(pack.get("pages", 0))


def _assemble(
    meeting: Meeting,
    specs: Sequence[PackSpec],
    layouts: Sequence[Layout],
    which: Sequence[int],
    papers: PaperPdfs,
    front_docs: Sequence[Path],
    converter: Converter,
    work: Path,
    say: Progress,
    fronts_done: threading.Event | None = None,
) -> dict[int, tuple[Path, int]]:
    """Packs `which` (indexes into specs), complete, in the scratch folder: path and page count.

    The frontsheets depend only on page counts, so LibreOffice converts them while the numbered
    pages are assembled; they go in front of each pack when both are ready.
    """
    with ThreadPoolExecutor(max_workers=1) as pool:
        handed = threading.Event()
        fronts = _Fronts()
        fronts_job = pool.submit(_convert_fronts, converter, front_docs, work, handed, fronts)
        fronts_job.add_done_callback(fronts.over)
        if fronts_done is not None:
            fronts_job.add_done_callback(lambda _: fronts_done.set())
        # the conversion's own steps to LibreOffice are Python's, and the parts' would hold the
        # interpreter meanwhile: LibreOffice started 0.04 s later at 4,000 pages, on a rebuild's
        # critical path (`convert.on_handover`)
        handed.wait(HANDOVER_WAIT)
        bodies = []
        parts: list[MadePart] = []  # a private pack's part goes on from the public's
        for n in which:
            spec, layout = specs[n], layouts[n]
            say(
                f"assembling {spec.label}: "
                f"{_count(sum(1 for i in spec.included if not i.annex), 'item')} with papers, "
                f"{_count(layout.total, 'numbered page')}"
            )
            bodies.append(numbered_part(spec, layout, papers.pdfs, work, parts))
        ready: dict[int, PackWriter] = {}
        headings = None
        if not fronts_job.done():  # nothing else to do meanwhile: read the parts in
            ready = {
                n: open_part(body, specs[n], work / specs[n].filename(meeting))
                for n, body in zip(which, bodies, strict=True)
            }
        made = {}
        try:
            if ready:  # the outlines too, while waiting
                headings = pack_headings([specs[n] for n in which], papers.pdfs)
                for n, opened in ready.items():
                    prepare_outline(opened, specs[n], layouts[n], papers.pdfs, headings)
            # each pack finished as soon as its frontsheet is ready: the first while
            # LibreOffice converts the next
            for k, (n, body) in enumerate(zip(which, bodies, strict=True)):
                front = fronts.wait(k, fronts_job)
                out = work / specs[n].filename(meeting)
                w = ready.pop(n, None) or open_part(body, specs[n], out)
                pages = finish_pack(
                    w, meeting, specs[n], layouts[n], front, out, papers.pdfs, headings
                )
                made[n] = (out, pages)
            fronts_job.result()  # (its error, should it fail after every frontsheet was ready)
        except BaseException:  # a pack that failed does not wait for the next frontsheet
            abort_conversions(converter)
            raise
        finally:
            for unread in ready.values():  # a pack that failed leaves the others' parts unread
                unread.close()
    return made
