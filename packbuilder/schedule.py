"""Scheduled builds: which meetings need a pack now, and building them without collisions.

Advisors publish each pack by its statutory deadline (`packbuilder.deadline`) and rebuild it when a
late paper arrives. `status` answers "where is every meeting?", and `build_due` is what cron runs
every morning:

- a meeting is **due** from `window` working days before its deadline until the day of the meeting
  itself. After the deadline its papers can still change (a late report, a "to follow" item arriving
  for a supplement), so it is still rebuilt, with a note that late items need the chair's
  agreement that they are urgent (LGA 1972 s100B(4)(b)); after the meeting day the published pack
  is the record and is never rebuilt by a schedule.
- a due meeting is **built** only if its inputs changed since its last build. Every build records a
  sha256 of each input file in the manifest beside the packs (`publish.MANIFEST`); a meeting whose
  inputs hash the same, and whose packs are all still there, is current.
- each meeting is built under its **lock** (`packbuilder.lock`), the same one every build takes. A
  second run at the same time skips the meeting rather than waiting for it, and a run that gets the
  lock checks the hashes again, so two runs build a meeting once.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Callable
from contextlib import ExitStack, closing
from dataclasses import dataclass, field
from pathlib import Path

from packbuilder import deadline
from packbuilder.build import DRAFT, build, default_output
from packbuilder.convert import Converter, open_converter
from packbuilder.dates import long_date
from packbuilder.errors import (
    BuildLockedError,
    ErrorList,
    InputError,
    MissingPaperError,
    PackError,
    one_line,
)
from packbuilder.lock import building, meeting_lock, remove_if_only_lock
from packbuilder.meeting import WORKBOOK_NAME, load_meeting, near_miss, read_date_and_rule
from packbuilder.model import Meeting, Status
from packbuilder.plan import PRIVATE_SUFFIX, pack_order
from packbuilder.publish import current_versions, input_hash, read_manifest, withdrawn_lines
from packbuilder.versions import history_line

DEFAULT_WINDOW = 10  # working days before the deadline
late_note = deadline.late_note


class State(enum.Enum):
    CURRENT = "built and current"
    STALE = "built but stale (inputs changed since)"
    NOT_BUILT = "not built"
    PAPERS_MISSING = "papers missing"
    BROKEN = "cannot build"


@dataclass
class MeetingStatus:
    """Where one meeting stands today."""

    folder: Path
    outdir: Path
    state: State
    date: dt.date | None = None
    rule: str = "england"
    deadline: dt.date | None = None
    days_left: int | None = None  # working days from today to the deadline; negative once passed
    to_follow: tuple[str, ...] = ()
    problem: str = ""  # the first problem, when the meeting cannot be built
    problems: int = 0
    built_at: str = ""
    history: tuple[str, ...] = ()  # one line per pack: its versions and when each was published
    building: bool = False  # a build of it is running now
    draft: str = ""  # the draft to check in the output folder's draft/, if any (`draft_line`)
    # that draft's state: CURRENT (made from the inputs as they are), STALE or NOT_BUILT (none)
    draft_state: State = State.NOT_BUILT
    draft_built_at: str = ""

    @property
    def name(self) -> str:
        """The meeting folder's name as its line starts: a line break in it (refused, with the
        folder named) must not split the line."""
        return one_line(self.folder.name)

    def held(self, today: dt.date) -> bool:
        return self.date is not None and self.date < today

    def deadline_passed(self, today: dt.date) -> bool:
        return self.deadline is not None and self.deadline < today

    def line(self, today: dt.date) -> str:
        """One line for `packbuilder status`."""
        if self.date is None or self.deadline is None or self.days_left is None:
            return f"{self.name}: {self.state.value}: {self.problem}"
        parts = [f"{self.name}: meeting {_short(self.date)}, deadline {_short(self.deadline)}"]
        if self.held(today):
            parts.append("meeting held")
        elif self.days_left > 0:
            parts.append(f"{_plural(self.days_left, 'working day')} left")
        elif self.deadline == today:
            parts.append("deadline today")
        else:
            ago = _plural(-self.days_left, "working day")
            parts.append(f"deadline passed {ago} ago: {late_note(self.rule)}")
        state = self.state.value
        if self.built_at and self.state in (State.CURRENT, State.STALE):
            state += f", built {_stamp(self.built_at)}"
        parts.append(state)
        if self.building:
            parts.append("building now")
        if self.to_follow:
            parts.append(f"items still to follow: {', '.join(self.to_follow)}")
        if self.problem:
            parts.append(self.problem + _more(self.problems))
        return "; ".join(parts)


def _more(problems: int) -> str:
    return f" (and {problems - 1} more; run packbuilder check)" if problems > 1 else ""


def _stamp(at: str) -> str:
    """A build's time as its record keeps it (ISO), as status says dates: "Sat 5 Dec 2026 at
    13:08"; as kept if it cannot be read."""
    try:
        when = dt.datetime.fromisoformat(at)
    except ValueError:
        return at
    return f"{_short(when.date())} at {when:%H:%M}"


def _short(day: dt.date) -> str:
    return f"{day:%a} {day.day} {day:%b %Y}"


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def find_meetings(inputs: Path) -> list[Path]:
    """The meeting folders under `inputs`: its subfolders holding a meeting.xlsx (or a file meant
    to be it, `near_miss`: the meeting is then listed as failing, not left out unseen), by name."""
    if not inputs.is_dir():
        raise InputError(
            "inputs folder not found; give the folder that holds the meeting folders", inputs
        )
    return sorted(
        p
        for p in inputs.iterdir()
        if p.is_dir() and ((p / WORKBOOK_NAME).is_file() or near_miss(p) is not None)
    )


def output_for(folder: Path, output_root: Path | None = None) -> Path:
    return output_root / folder.resolve().name if output_root else default_output(folder)


def build_state(meeting: Meeting, outdir: Path) -> tuple[State, str]:
    """Whether the packs in `outdir` were built from the meeting's inputs as they are now."""
    manifest = read_manifest(outdir, meeting.name)
    if not manifest:
        return State.NOT_BUILT, ""
    versions = current_versions(outdir, meeting.name)
    if not versions or not all((outdir / v.file).is_file() for v, _ in versions.values()):
        return State.NOT_BUILT, ""  # someone removed a pack: the folder no longer holds a build
    built_at = str(manifest.get("built_at", ""))
    if manifest.get("inputs") != input_hash(meeting):
        return State.STALE, built_at
    return State.CURRENT, built_at


def _errors(exc: PackError) -> list[PackError]:
    return list(exc.errors) if isinstance(exc, ErrorList) else [exc]


def _missing_paper(error: PackError) -> bool:
    return isinstance(error, MissingPaperError)


def meeting_status(folder: Path, today: dt.date, output_root: Path | None = None) -> MeetingStatus:
    """Read one meeting folder and its output folder; never raises for a broken meeting."""
    outdir = output_for(folder, output_root)
    try:
        date, rule = read_date_and_rule(folder)
    except PackError as exc:
        errors = _errors(exc)
        return MeetingStatus(
            folder, outdir, State.BROKEN, problem=str(errors[0]), problems=len(errors)
        )
    except OSError as exc:  # a folder we may not read: report it and go on with the others
        return MeetingStatus(folder, outdir, State.BROKEN, problem=_unreadable(folder, exc))
    due = deadline.deadline(date, rule)
    status = MeetingStatus(
        folder, outdir, State.NOT_BUILT, date, rule, due, deadline.days_left(today, due, rule)
    )
    try:
        meeting = load_meeting(folder)
    except OSError as exc:
        status.state, status.problem = State.BROKEN, _unreadable(folder, exc)
        return status
    except PackError as exc:
        errors = _errors(exc)
        missing = [e for e in errors if _missing_paper(e)]
        status.state = State.PAPERS_MISSING if missing else State.BROKEN
        status.problem = str((missing or errors)[0])
        status.problems = len(errors)
        return status
    status.state, status.built_at = build_state(meeting, outdir)
    status.building = building(outdir, meeting.name)
    packs = (read_manifest(outdir, meeting.name) or {}).get("packs") or {}
    labels = {name: pack.get("label", name) for name, pack in packs.items()}
    status.history = tuple(
        history_line(labels.get(name, name), earlier, current, PRIVATE_SUFFIX in name)
        for name, (current, earlier) in sorted(
            current_versions(outdir, meeting.name).items(), key=lambda kv: pack_order(kv[0])
        )
    ) + tuple(withdrawn_lines(outdir, meeting.name))
    status.to_follow = tuple(
        i.number for i in meeting.items if i.status is Status.TO_FOLLOW and not i.papers
    )
    status.draft = draft_line(meeting, outdir)
    status.draft_state, status.draft_built_at = build_state(meeting, outdir / DRAFT)
    return status


def draft_line(meeting: Meeting, outdir: Path) -> str:
    """What `status` says of the draft to check that `build --draft` made in `outdir`'s draft/
    folder: that it is there, the day it says it was made, that it is not published, and
    whether the inputs changed since; "" when there is none. A draft is no version, so the
    meeting's state and history are the published packs' alone."""
    drafts = outdir / DRAFT
    versions = current_versions(drafts, meeting.name)
    if not versions:
        return ""
    made = max(v.published for v, _ in versions.values())
    manifest = read_manifest(drafts, meeting.name) or {}
    at = str(manifest.get("built_at", ""))
    clock = f" at {at[11:16]}" if len(at) >= 16 else ""  # (the record's time: 2020-02-20T10:03:00)
    stale = manifest.get("inputs") != input_hash(meeting)
    return (
        f"draft: made {long_date(made)}{clock}, not published (a draft to check, in {drafts}; "
        f"never for the website){'; inputs changed since' if stale else ''}"
    )


def statuses(inputs: Path, today: dt.date, output_root: Path | None = None) -> list[MeetingStatus]:
    return [meeting_status(folder, today, output_root) for folder in find_meetings(inputs)]


def _unreadable(folder: Path, exc: OSError) -> str:
    return f"{folder}: cannot be read ({exc.strerror or exc}); check the folder's permissions"


@dataclass
class Outcome:
    """What `build_due` did with one meeting: built, skipped or failed, and why, in one line."""

    name: str
    action: str
    message: str
    warnings: list[str] = field(default_factory=list)

    @property
    def failed(self) -> bool:
        return self.action == "failed"

    def line(self) -> str:
        warned = "".join(f"; warning: {w}" for w in self.warnings)
        return f"{self.action} {self.name}: {self.message}{warned}"


def in_window(status: MeetingStatus, today: dt.date, window: int) -> str | None:
    """None if the meeting is due for building today, else why not."""
    assert status.date and status.deadline and status.days_left is not None
    if status.held(today):
        return f"meeting held on {_short(status.date)}; its packs are the record and stay as built"
    if status.days_left > window:
        return (
            f"deadline {_short(status.deadline)} is {status.days_left} working days away "
            f"(window {window})"
        )
    return None


def build_due(
    inputs: Path,
    today: dt.date,
    *,
    window: int = DEFAULT_WINDOW,
    output_root: Path | None = None,
    converter: Callable[[], Converter] | None = None,
    report: Callable[[Outcome], None] | None = None,
    shared_converter: Converter | None = None,
    draft: bool = False,
) -> list[Outcome]:
    """Build every meeting under `inputs` that is due and changed; one Outcome per meeting.

    With `draft`, each is built as a draft to check (`build(draft=True)`), for a caller that
    publishes later (the web page); a meeting is then due only if its inputs changed since its
    last draft and since its packs were last published: a draft of what is public already, or
    of what the draft there shows, is not made again.

    A broken meeting fails alone: the others are still built. One converter (and one LibreOffice
    cache) serves the whole run; it is made by `converter` (default `open_converter`) only if a
    meeting needs building, and closed at the end. A long-running caller passes its own instead as
    `shared_converter` (a warm converter, docs/warm-converter.md): used and left open.
    """
    outcomes = []
    with ExitStack() as stack:
        made: list[Converter] = [shared_converter] if shared_converter is not None else []

        def get_converter() -> Converter:
            if not made:
                conv = (converter or open_converter)()
                made.append(stack.enter_context(closing(conv)))
            return made[0]

        for folder in find_meetings(inputs):
            outcome = _build_one(folder, today, window, output_root, get_converter, draft)
            if report:
                report(outcome)
            outcomes.append(outcome)
    return outcomes


def _build_one(
    folder: Path,
    today: dt.date,
    window: int,
    output_root: Path | None,
    get_converter: Callable[[], Converter],
    draft: bool = False,
) -> Outcome:
    """`_build_due_one`; an output folder it made that holds only the lock (a first build that
    failed) is removed, as `build` removes its own."""
    outdir = output_for(folder, output_root)
    made = not outdir.exists()
    try:
        return _build_due_one(folder, today, window, outdir, get_converter, draft)
    finally:
        if made:
            remove_if_only_lock(outdir, folder.name)


def _build_due_one(
    folder: Path,
    today: dt.date,
    window: int,
    outdir: Path,
    get_converter: Callable[[], Converter],
    draft: bool = False,
) -> Outcome:
    name = one_line(folder.name)  # (as `MeetingStatus.name`)
    try:
        date, rule = read_date_and_rule(folder)
        due = deadline.deadline(date, rule)
        status = MeetingStatus(
            folder, outdir, State.NOT_BUILT, date, rule, due, deadline.days_left(today, due, rule)
        )
        why_not = in_window(status, today, window)
        if why_not:
            return Outcome(name, "skipped", why_not)
        with meeting_lock(outdir, folder.name):
            # checked under the lock: a run that has just finished this meeting leaves it current
            meeting = load_meeting(folder)
            state, built_at = build_state(meeting, outdir)
            if state is State.CURRENT:
                return Outcome(name, "skipped", f"up to date (built {built_at})")
            if draft:
                made, made_at = build_state(meeting, outdir / DRAFT)
                if made is State.CURRENT:
                    return Outcome(name, "skipped", f"up to date (draft made {made_at})")
            result = build(folder, outdir, converter=get_converter(), today=today, draft=draft)
    except BuildLockedError:
        return Outcome(name, "skipped", "being built by another run")
    except OSError as exc:
        return Outcome(name, "failed", _unreadable(folder, exc))
    except PackError as exc:
        errors = _errors(exc)
        return Outcome(name, "failed", f"{errors[0]}{_more(len(errors))}")
    except Exception as exc:  # noqa: BLE001 - a bug in one meeting must not stop the others' builds
        return Outcome(
            name,
            "failed",
            f"unexpected {type(exc).__name__}: {exc} (this is a bug in "
            "packbuilder; please report it with the meeting folder)",
        )
    pages = ", ".join(f"{p.label} {p.pages} pages" for p in result.packs)
    where = outdir / DRAFT if draft else outdir
    message = f"{'a draft: ' if draft else ''}{pages} -> {where} (was {state.value})"
    if status.deadline_passed(today):
        message += f"; deadline {_short(due)} has passed: {late_note(rule)}"
    return Outcome(name, "built", message, list(result.warnings))
