"""Every call the web page makes into the packbuilder library, in one place.

The pages hold no rule of their own: deadlines, states, checks, builds and the scheduled-build rule
are the library's. This adapter turns the library's answers into plain values for templates, so
that when the library changes shape (it is taking the per-meeting lock, the converter lifecycle and
published versions into itself) only this module moves.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from collections.abc import Callable, Iterable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from packbuilder import deadline as deadlines
from packbuilder import frontsheet, plan, schedule
from packbuilder import release as releases
from packbuilder.build import DRAFT
from packbuilder.build import build as library_build
from packbuilder.check import check_report
from packbuilder.dates import clock
from packbuilder.errors import BuildLockedError, ErrorList, PackError, Source
from packbuilder.html_agenda import main_of
from packbuilder.lock import meeting_lock as library_lock
from packbuilder.meeting import WORKBOOK_NAME, read_heading, safe_path
from packbuilder.model import Meeting, Status
from packbuilder.publish import html_name, manifest_path, read_manifest, recorded_comparisons
from packbuilder.settings import settings

__all__ = ["WORKBOOK_NAME", "PackError", "html_name"]


def today() -> dt.date:
    """Today, or the day PACKBUILDER_TODAY names (as the command line allows, for tests)."""
    return settings().today or dt.date.today()


def upload_path(folder: Path, name: str) -> Path:
    """Where an uploaded file named `name` goes in the meeting folder; PackError if that would
    leave the folder (the same rule as paper names in meeting.xlsx)."""
    return safe_path(folder, name, Source(folder / name))


# ---- status ---------------------------------------------------------------------------------


@dataclass
class MeetingState:
    """One meeting as `packbuilder status` sees it, in words for the page."""

    date: dt.date | None
    deadline: dt.date | None
    days_left: int | None
    state: str  # built, stale, not built, papers missing, cannot build
    tag: str  # GOV.UK tag colour
    timing: str  # "4 working days left", "deadline today", "deadline passed 2 working days ago"
    late_note: str
    to_follow: tuple[str, ...]
    problem: str
    problems: int
    built_at: str
    rule: str = (
        ""  # "Wednesday 26 February 2020: 5 clear working days before Thursday 5 March 2020"
    )


_STATES = {
    schedule.State.CURRENT: ("Built", "green"),
    schedule.State.STALE: ("Stale: papers changed since the build", "yellow"),
    schedule.State.NOT_BUILT: ("Not built", "grey"),
    schedule.State.PAPERS_MISSING: ("Papers missing", "orange"),
    schedule.State.BROKEN: ("Cannot build", "red"),
}


def _has_files(folder: Path) -> bool:
    try:
        return any(p.is_file() and not p.name.startswith(".") for p in folder.iterdir())
    except OSError:
        return False


# a meeting built and published as the library's status sees it in the meeting's output folder
# (`schedule.meeting_status`): its draft, made from the inputs as they are or not, and its
# published packs
_DRAFT_CURRENT = ("Draft built, not published", "blue")
# a draft made after a publication, of changed papers: the meeting is published all the same
_DRAFT_AFTER = ("Published; a newer draft built, not published", "blue")
_DRAFT_STALE = ("Draft stale: papers changed since the draft", "yellow")
_PUBLISHED = {
    schedule.State.CURRENT: ("Published", "green"),
    schedule.State.STALE: ("Published, papers changed since", "yellow"),
}
# a meeting whose last build was made by the web page before its builds were drafts
# (current/<meeting>): its packs say "Published" with the day built
_LEGACY = ("Built before drafts: build again", "yellow")


def _state_words(s: schedule.MeetingStatus, legacy: schedule.State | None) -> tuple[str, str]:
    """The words and tag of a meeting's state: the draft's when it is current, else the
    published packs', else the draft's (stale), else the state of a build made before drafts."""
    if s.state not in (schedule.State.CURRENT, schedule.State.STALE, schedule.State.NOT_BUILT):
        return _STATES[s.state]
    if s.draft_state is schedule.State.CURRENT:
        return _DRAFT_AFTER if s.state in _PUBLISHED else _DRAFT_CURRENT
    if s.state in _PUBLISHED:
        return _PUBLISHED[s.state]
    if s.draft_state is schedule.State.STALE:
        return _DRAFT_STALE
    if legacy in (schedule.State.CURRENT, schedule.State.STALE):
        return _LEGACY
    return _STATES[s.state]


def meeting_state(
    folder: Path, root: Path, on: dt.date | None = None, legacy_root: Path | None = None
) -> MeetingState:
    """Deadline, working days left and state of the meeting in `folder`, whose output folder
    (its draft and its published packs) is `root`/<folder name>; `legacy_root`/<folder name>
    is where the web page built it before its builds were drafts."""
    on = on or today()
    s = schedule.meeting_status(folder, on, root)
    legacy = None
    if legacy_root is not None and s.draft_state is s.state is schedule.State.NOT_BUILT:
        legacy = schedule.meeting_status(folder, on, legacy_root).state
    state, tag = _state_words(s, legacy)
    if s.state is schedule.State.BROKEN and not _has_files(folder):
        state, tag = "Waiting for files", "grey"  # a new meeting: nothing uploaded yet
    timing = late = ""
    if s.date is not None and s.deadline is not None and s.days_left is not None:
        if s.held(on):
            timing = "Meeting held"
        elif s.days_left > 0:
            timing = f"{s.days_left} working day{'' if s.days_left == 1 else 's'} left"
        elif s.deadline == on:
            timing = "Deadline today"
        else:
            ago = -s.days_left
            timing = f"Deadline passed {ago} working day{'' if ago == 1 else 's'} ago"
            late = schedule.late_note(s.rule)
    return MeetingState(
        s.date,
        s.deadline,
        s.days_left,
        state,
        tag,
        timing,
        late,
        s.to_follow,
        local(s.problem, folder),
        s.problems,
        _when(s.draft_built_at if s.draft_state is not schedule.State.NOT_BUILT else s.built_at),
        deadlines.explain(s.date, s.rule) if s.date is not None else "",
    )


def meeting_heading(folder: Path) -> str:
    """The meeting in `folder` as its workbook names it, to head its page: "Safer Plymouth
    Partnership Board, Thursday 5 March 2020" (the body, or the date, alone when only that can
    be read); "" when the workbook says neither (none yet, or not readable)."""
    body, date = read_heading(folder)
    return ", ".join(said for said in (body, deadlines.long_date(date) if date else "") if said)


def _when(stamp: str) -> str:
    """The record's build time (2026-12-04T12:29:18) as an advisor reads it: "4 December 2026,
    12:29"."""
    try:
        at = dt.datetime.fromisoformat(stamp)
    except (TypeError, ValueError):
        return stamp
    return f"{at.day} {at:%B %Y}, {at:%H:%M}"


# ---- check ----------------------------------------------------------------------------------


@dataclass
class FileProblems:
    file: str  # a name in the meeting folder, or "" for the folder itself
    problems: list[str]


@dataclass
class Note:
    """A warning, with the file of the meeting folder it begins by naming ("" if none)."""

    file: str
    text: str

    @property
    def rest(self) -> str:
        """The warning after the file's name."""
        return self.text[len(self.file) :] if self.file else self.text


@dataclass
class CheckResult:
    problems: list[FileProblems] = field(default_factory=list)
    overview: str = ""  # a line on the meeting, when it can be built
    packs: list[str] = field(default_factory=list)  # the packs a build would make
    warnings: list[Note] = field(default_factory=list)
    # the check itself could not be made (an unexpected error: "unexpected RuntimeError"); it
    # says nothing of the files then
    failed: str = ""

    @property
    def ok(self) -> bool:
        return not self.problems

    def as_record(self) -> dict[str, Any]:
        """As JSON keeps it (`storage.keep_check`)."""
        return dataclasses.asdict(self)

    @classmethod
    def from_record(cls, data: Any) -> CheckResult | None:
        """The result a record keeps; None if it is not one (kept by another packbuilder)."""
        try:
            return cls(
                [FileProblems(str(g["file"]), [str(p) for p in g["problems"]])
                 for g in data["problems"]],
                str(data["overview"]),
                [str(n) for n in data["packs"]],
                [Note(str(w["file"]), str(w["text"])) for w in data["warnings"]],
                str(data.get("failed") or ""),
            )  # fmt: skip
        except (AttributeError, KeyError, TypeError):
            return None


def local(message: str, folder: Path, called: str = "meeting folder: ") -> str:
    """A library message with the meeting folder's path taken off the file names it starts with:
    advisors know their files by name, not by where the server keeps them. The folder itself
    is `called` so (a meeting's published folder is nothing an advisor handles: "")."""
    for prefix in {str(Source(folder)), str(folder), str(folder.resolve())}:
        message = message.replace(prefix + "/", "").replace(prefix + ": ", called)
    return message


def check(folder: Path) -> CheckResult:
    report = check_report(folder)
    result = CheckResult(
        overview=local(report.overview, folder),
        packs=report.packs,
        warnings=[_note(local(w, folder), folder) for w in report.warnings],
    )
    for file, problems in report.problems.items():
        path = Path(file)
        name = path.name if path.resolve().parent == folder.resolve() else ""
        result.problems.append(FileProblems(name, [local(p, folder) for p in problems]))
    return result


def _note(warning: str, folder: Path) -> Note:
    """A warning with the file it begins by naming ("ASB review.docx: ...", "meeting.xlsx, sheet
    Agenda, cell A11: ..."), if that is a file of the meeting folder."""
    name = re.split(r":|, sheet ", warning, maxsplit=1)[0]
    try:
        named = "/" not in name and (folder / name).is_file()
    except (OSError, ValueError):
        named = False
    return Note(name if named else "", warning)


def problems_of(exc: PackError, folder: Path) -> list[str]:
    """The one-line messages of a library error, one per problem."""
    errors = exc.errors if isinstance(exc, ErrorList) else [exc]
    return [local(str(e), folder) for e in errors]


# ---- build ----------------------------------------------------------------------------------


@dataclass
class Built:
    packs: list[dict[str, Any]]  # file, label, pages, numbered, items, private
    agenda: dict[str, Any]
    warnings: list[str]
    seconds: float


def is_private(file: str) -> bool:
    return plan.PRIVATE_SUFFIX in file


def draft_name(file: str) -> str:
    """The name a draft of the pack `file` is saved under (the library's one rule:
    `plan.draft_name`; a draft's own name as it is)."""
    return plan.draft_name(file)


def published_name(file: str) -> str:
    """The name of the pack that publishing the draft `file` makes (`plan.published_name`)."""
    return plan.published_name(file)


@contextmanager
def meeting_lock(outdir: Path) -> Iterator[bool]:
    """Hold the library's build lock of the meeting built into `outdir` (named as its folder);
    yields False if another build holds it. The lock is re-entrant in its own thread, so the
    library's build() can take it again inside."""
    with ExitStack() as stack:
        try:
            stack.enter_context(library_lock(outdir, outdir.name))
        except BuildLockedError:
            yield False
            return
        yield True


def drafts(outdir: Path) -> Path:
    """Where a build of the meeting whose output folder is `outdir` leaves its drafts."""
    return outdir / DRAFT


def build(folder: Path, outdir: Path, progress: Callable[[str], None]) -> Built:
    """Build every pack of the meeting in `folder` as a draft to check (the library's draft:
    DRAFT on every page, "Published not yet" on its frontsheet), into `drafts(outdir)`; it is
    published later (`release`), dated that day. Raises PackError."""
    result = library_build(folder, outdir, progress=progress, today=today(), draft=True)
    packs = [
        {
            "file": p.path.name,
            "label": p.label,
            "pages": p.pages,
            "numbered": p.numbered,
            "items": p.items,
            "private": not p.public,
            "changes": list(p.changes),
            # a draft's: what it changes since the pack published and the draft made before
            "compared": [c.as_record() for c in p.compared],
            "published": p.published.isoformat(),  # the day its frontsheet says
            "draft": result.draft,  # its frontsheet says "Published not yet", its pages DRAFT
        }
        for p in result.packs
    ]
    return Built(
        packs,
        agenda_of(result.meeting),
        [local(w, folder) for w in result.warnings],
        result.seconds,
    )


def record_name(outdir: Path, meeting: str | None = None) -> str:
    """The file name of the build record of `meeting` (default: `outdir`'s name) in `outdir`
    (one of `pack_files`)."""
    return manifest_path(outdir, meeting or outdir.name).name


def same_packs(built: Path, kept: Path, meeting: str) -> bool:
    """Whether the build whose record is in `built` made the very packs of the one in `kept`:
    the same pack files, each with the same content key (`release.contents`). A draft and the
    pack published from it differ in their marks only, so a draft is compared by what it holds,
    never by its bytes (its frontsheet says the day it was made)."""
    try:
        ours, theirs = releases.contents(built, meeting), releases.contents(kept, meeting)
    except PackError:
        return False
    return {n: k for n, (_, k) in ours.items()} == {n: k for n, (_, k) in theirs.items()}


def items_naming(folder: Path, name: str) -> list[str]:
    """The agenda items whose papers include the file `name` (see `meeting.items_naming`)."""
    from packbuilder.meeting import items_naming as named

    return named(folder, name)


def pack_files(outdir: Path, meeting: str | None = None) -> list[str]:
    """The pack files of the build of `meeting` (default: `outdir`'s name) in `outdir` (paths
    relative to it: public/..., private/...), with the public packs' HTML agendas, from its
    record, and the record itself."""
    meeting = meeting or outdir.name
    packs = (read_manifest(outdir, meeting) or {}).get("packs") or {}
    files = sorted(str(p["current"]["file"]) for p in packs.values())
    # each public pack's HTML agenda, beside it (`html_agenda`): what the public page shows
    pages = sorted(str(p["html"]) for p in packs.values() if p.get("html"))
    return [*files, *pages, record_name(outdir, meeting)]


def agenda_content(path: Path) -> str | None:
    """What the HTML agenda at `path` (the library's page, beside its pack) shows, as HTML to
    put in a page of the site (`html_agenda.main_of`): the public page shows the agenda from
    the library's one renderer. None if there is no such file, or it is not one."""
    try:
        page = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None
    return main_of(page)


def agenda_of(meeting: Meeting) -> dict[str, Any]:
    """The meeting and its items as plain values, for the HTML agenda of a version."""
    items = []
    for i in meeting.items:
        if i.exemption is not None:
            note = frontsheet.exempt_note(i.exemption)
        elif i.status is Status.TO_FOLLOW and not i.papers:
            note = "To follow"
        elif i.status.spoken:
            note = i.status.words
        else:
            note = ""
        items.append(
            {
                "number": i.number,
                "title": i.title,
                "lead": i.lead,
                "purpose": i.purpose,
                "minutes": i.minutes,
                "exempt": i.exempt,
                # the minutes of the last meeting with Part II business: their exempt minutes
                # go to members only, in the private pack (`plan.annex`)
                "exempt_minutes": i.has_papers and any(p.members_data for p in i.papers),
                "note": note,
                "papers": [p.title for p in i.papers] if i.has_papers and not i.exempt else [],
            }
        )
    return {
        "title": meeting.pack_title,
        "body": meeting.body,
        "date": meeting.date.isoformat(),
        "when": f"{deadlines.long_date(meeting.date)}, {clock(meeting.start_time)}",
        "venue": meeting.venue,
        "chair": meeting.chair,
        "items": items,
    }


# ---- publishing ----------------------------------------------------------------------------


@dataclass
class Planned:
    """What publishing a version makes of one of its packs (`release.plan`), for the page."""

    file: str
    label: str
    private: bool
    version: int  # its version among the packs published
    published: dt.date  # the day its frontsheet will say
    line: str  # the frontsheet's "Published" text
    unchanged: bool  # public already, the same pack: it keeps its date


def release_plan(built: Path, published: Path) -> tuple[list[Planned], str]:
    """What publishing the build kept in `built` into `published` today would print on each
    pack, and its fingerprint (given back to `release`). Raises PackError (no record)."""
    planned = releases.plan(built, published, published.name, today())
    return (
        [
            Planned(r.name, r.label, not r.public, r.version, r.published, r.line, r.unchanged)
            for r in planned
        ],
        releases.fingerprint(planned),
    )


def release(
    folder: Path,
    built: Path,
    published: Path,
    shown: str,
    after_withdrawal: bool,
    progress: Callable[[str], None] | None = None,
) -> list[dict[str, Any]]:
    """Publish the build kept in `built` (the library's `release`): the meeting in `folder` built
    again into `published`, dated today, provided what it prints is what was `shown`. Returns
    each pack as made: file, label, private, pages, numbered, published (the date), line (its
    "Published" text) and the paths of the pack and, for a public pack, its HTML agenda; a
    private pack is made too, unmarked and dated the same day, for members (not published).
    `progress` is told each step, as a build's is. Raises PackError; nothing is then
    published."""
    result = releases.release(
        folder, built, published, today(), after_withdrawal=after_withdrawal,
        expect_plan=shown, progress=progress,
    )  # fmt: skip
    # each pack's line as the record now has it (the same pack planned again keeps its line)
    lines = {r.name: r.line for r in releases.plan(built, published, published.name, today())}
    out = []
    for p in result.packs:
        agenda = p.path.with_name(html_name(p.path.name))
        out.append(
            {
                "file": p.path.name,
                "label": p.label,
                "private": not p.public,
                "pages": p.pages,
                "numbered": p.numbered,
                "published": p.published.isoformat(),
                "line": lines.get(p.path.name, ""),
                "paths": [p.path, *([agenda] if p.public and agenda.is_file() else [])],
            }
        )
    return out


def released(
    built: Path, published: Path, served: Iterable[Path] = ()
) -> list[dict[str, Any]] | None:
    """The packs of the build kept in `built` as `published` holds them, when the library has
    published it today already (`release.released`: a worker stopped after the library
    published and before the page recorded it), in `release`'s shape; else None (a build
    without its record too: `release` says what is wrong with it). `served`: the packs the
    site serves as published now; a pack kept public since an earlier day counts only if it
    is one of them."""
    try:
        found = releases.released(built, published, published.name, today(), served)
    except PackError:
        found = None
    if found is None:
        return None
    return [
        {
            "file": r.path.name,
            "label": r.release.label,
            "private": not r.release.public,
            "pages": r.pages,
            "numbered": r.numbered,
            "published": r.release.published.isoformat(),
            "line": r.release.line,
            "paths": [r.path, *([r.agenda_html] if r.agenda_html else [])],
        }
        for r in found
    ]


def withdraw(published: Path) -> None:
    """Take the publication in `published` back in the library's record (`release.withdraw`),
    so that publishing again is dated that day. Raises PackError (busy: publishing meanwhile)."""
    releases.withdraw(published, published.name, today())


# ---- scheduled builds -----------------------------------------------------------------------


@dataclass
class Scheduled:
    meeting: str  # the meeting folder's name
    action: str  # built, skipped, failed
    message: str


def build_due(
    inputs_root: Path, root: Path, window: int = schedule.DEFAULT_WINDOW
) -> list[Scheduled]:
    """The library's scheduled-build rule over every meeting: due and changed ones are built as
    drafts into `drafts(root/<meeting>)` (`build`)."""
    if not inputs_root.is_dir():
        return []
    outcomes = schedule.build_due(inputs_root, today(), window=window, output_root=root, draft=True)
    return [Scheduled(o.name, o.action, local(o.message, inputs_root / o.name)) for o in outcomes]


def describe(folder: Path, outdir: Path) -> Built:
    """The draft the schedule made in `drafts(outdir)`, described as `build` describes its own."""
    from packbuilder.meeting import load_meeting

    manifest = read_manifest(drafts(outdir), folder.name) or {}
    packs = [
        {
            "file": name,
            "label": info.get("label", name),
            "pages": info.get("pages", 0),
            "private": is_private(name),
            "draft": True,
            "compared": [
                c.as_record() for c in recorded_comparisons(drafts(outdir), folder.name, name)
            ],
        }
        for name, info in sorted((manifest.get("packs") or {}).items())
    ]
    try:
        agenda = agenda_of(load_meeting(folder))
    except PackError:
        agenda = {}  # the inputs changed again since; the packs themselves are what counts
    return Built(packs, agenda, [], 0.0)
