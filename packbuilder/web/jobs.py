"""The work behind the queue: a build from the page, scheduled builds, e-mail on publish.

Huey runs these (`tasks`); they record progress, versions and the audit log, and leave every rule
about packs to the library (through `library`).

Several workers, on one machine or several sharing a Redis queue, may take builds: a worker claims
a queued build in one conditional update (a build delivered twice runs once), names itself on it
and says it is alive every few seconds while it builds. A worker killed mid-build leaves the last
good packs where they were (the library publishes by renaming) and a build whose heartbeat stops:
`recover_interrupted`, run by every consumer each minute, queues it again, once, or reports it
failed. Never lost, never stuck on "building".
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import os
import re
import socket
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import close_old_connections, connection, transaction
from django.db.models import F, Max, Q
from django.urls import reverse
from django.utils import timezone

from packbuilder.web import library, storage
from packbuilder.web.models import AuditEntry, Build, BuildEvent, Meeting, Subscriber, Version

log = logging.getLogger(__name__)
SCHEDULE = "schedule"


def worker_name() -> str:
    """This worker, as a build records it: host and process."""
    return f"{socket.gethostname()}:{os.getpid()}"


def audit(user, action: str, meeting: str = "", detail: str = "") -> None:  # type: ignore[no-untyped-def]
    assert action in AuditEntry.Action.values, action
    who = user.get_username() if user is not None and user.is_authenticated else SCHEDULE
    AuditEntry.objects.create(
        user=user if user is not None and user.is_authenticated else None,
        who=who,
        action=action,
        meeting=meeting,
        detail=detail,
    )


def _new_version(meeting: Meeting, built: library.Built, build: Build | None) -> Version:
    """Keep the draft now in published/<meeting>/draft as the meeting's next version (under its
    lock)."""
    with transaction.atomic():
        number = (meeting.versions.aggregate(n=Max("number"))["n"] or 0) + 1
        storage.snapshot(meeting.slug, number)
        return Version.objects.create(
            meeting=meeting,
            number=number,
            build=build,
            packs=built.packs,
            agenda=built.agenda,
            warnings=built.warnings,
        )


def run_build(build_id: int) -> None:
    me = worker_name()
    # claim the build: only a queued build starts, so a job delivered twice builds once
    claimed = Build.objects.filter(pk=build_id, state=Build.State.QUEUED).update(
        state=Build.State.RUNNING, worker=me, heartbeat=timezone.now(), attempts=F("attempts") + 1
    )
    if not claimed:
        log.info("build %s is not waiting to start (taken or finished); skipped", build_id)
        return
    build = Build.objects.select_related("meeting", "started_by").get(pk=build_id)
    slug = build.meeting.slug
    folder = storage.meeting_folder(slug)
    with _heartbeat(build_id, me):
        _run_claimed(build, folder)


@contextlib.contextmanager
def _heartbeat(build_id: int, me: str) -> Iterator[None]:
    """Say every BUILD_HEARTBEAT_SECONDS that this worker is still building `build_id`."""
    stop = threading.Event()

    def beat() -> None:
        try:
            while not stop.wait(settings.BUILD_HEARTBEAT_SECONDS):
                Build.objects.filter(pk=build_id, worker=me, state=Build.State.RUNNING).update(
                    heartbeat=timezone.now()
                )
        except Exception:  # noqa: BLE001 - a missed beat at worst makes the build run again
            log.exception("heartbeat of build %s", build_id)
        finally:
            connection.close()  # this thread's own connection

    thread = threading.Thread(target=beat, daemon=True, name=f"heartbeat-{build_id}")
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join()


def _run_claimed(build: Build, folder) -> None:  # type: ignore[no-untyped-def]
    build_id, slug = build.pk, build.meeting.slug

    def progress(message: str) -> None:
        BuildEvent.objects.create(build=build, text=library.local(message, folder))

    if build.publishes_id is not None:
        _run_publish(build, folder, progress)
        return
    try:
        # the meeting's one lock: publishing it takes the same (`publish_version`)
        with library.meeting_lock(storage.published_folder(slug)) as locked:
            if not locked:
                raise Busy()
            built = library.build(folder, storage.published_folder(slug), progress)
            same = _same_as_latest(build.meeting)
            version = same or _new_version(build.meeting, built, build)
    except Busy:
        _fail(
            build,
            ["This meeting is being built or published already; wait for that to finish, "
             "then build again."],
        )  # fmt: skip
        return
    except library.PackError as exc:
        _fail(build, library.problems_of(exc, folder))
        return
    except Exception as exc:  # noqa: BLE001 - the page must say the build failed, not spin forever
        log.exception("build %s of %s failed", build_id, slug)
        _fail(build, [f"Unexpected {type(exc).__name__}: this is a bug in packbuilder; report it."])
        return
    pages = ", ".join(f"{p['label']}: {_pages(p['pages'])}" for p in built.packs)
    if same is not None:
        progress(f"nothing changed since version {same.number}: no new version made ({pages})")
    else:
        progress(f"built version {version.number} in {built.seconds:.1f} s ({pages})")
    build.state = Build.State.DONE
    build.finished_at = timezone.now()
    build.same_as = same
    build.save(update_fields=["state", "finished_at", "same_as"])
    made = f"same as version {version.number}" if same else f"version {version.number}"
    audit(build.started_by, "built", slug, f"{made}: {pages}")


def _same_as_latest(meeting: Meeting) -> Version | None:
    """The meeting's latest version, if the draft now in published/<meeting>/draft holds the
    very same packs (their content keys, `library.same_packs`: a draft made again says the day
    it was made): a rebuild of unchanged inputs then makes no new version to preview and
    publish again. Not a version built before builds were drafts: its packs say "Published"
    with the day built, and the draft is the one to check and share."""
    latest = meeting.versions.order_by("-number").first()
    if latest is None or not latest.drafts:
        return None
    drafts = library.drafts(storage.published_folder(meeting.slug))
    kept = storage.version_folder(meeting.slug, latest.number)
    return latest if library.same_packs(drafts, kept, meeting.slug) else None


def _run_publish(build: Build, folder, progress: Callable[[str], None]) -> None:  # type: ignore[no-untyped-def]
    """The publishing job: `publish_version` with progress, then subscribers e-mailed. A
    failure (the files changed since the draft, what would print changed since it was shown,
    LibreOffice missing) is the job's problem, one line, and nothing is published."""
    version = Version.objects.select_related("meeting").get(pk=build.publishes_id)
    number = version.number
    if version == version.meeting.published:  # (two posts of one form, the first done)
        progress(f"version {number} is the published version already: nothing to do")
        _done(build)
        return
    # (the job's page heads these "Version N was not published": each line is a reason)
    try:
        public = publish_version(version, build.started_by, build.shown, progress)
    except Busy:
        _fail(
            build,
            ["This meeting is being built, published or withdrawn now; look at what goes "
             "public again in a moment"],
        )  # fmt: skip
        return
    except library.PackError as exc:
        published = storage.published_folder(version.meeting.slug)
        # (the meeting's folder or its published one as a whole: nothing to name on this page)
        said = [library.local(p, published, "") for p in library.problems_of(exc, folder)]
        _fail(build, [p.removeprefix("meeting folder: ") for p in said])
        return
    except Exception as exc:  # noqa: BLE001 - the page must say it failed, not spin forever
        log.exception("publishing version %s of %s failed", number, version.meeting.slug)
        _fail(
            build,
            [f"Unexpected {type(exc).__name__} while publishing, a bug in packbuilder; report "
             "it. If the packs were made before it, publishing again puts them out as made."],
        )  # fmt: skip
        return
    pages = ", ".join(f"{p['label']}: {_pages(p['pages'])}" for p in public) or "no public pack"
    progress(f"published version {number} ({pages})")
    _done(build)
    from packbuilder.web.tasks import notify_task

    notify_task(version.pk)


class Busy(Exception):
    pass


def _done(build: Build) -> None:
    build.state = Build.State.DONE
    build.finished_at = timezone.now()
    build.save(update_fields=["state", "finished_at"])


def _fail(build: Build, problems: list[str]) -> None:
    failed = "publishing failed" if build.publishes_id is not None else "build failed"
    BuildEvent.objects.create(build=build, text=failed)
    build.state = Build.State.FAILED
    build.problems = problems
    build.finished_at = timezone.now()
    build.save(update_fields=["state", "problems", "finished_at"])


def recover_interrupted(stale_seconds: float = 0, retry: bool = False) -> int:
    """Builds whose worker stopped (a restart, a crash, a killed process) and has not been heard
    of for `stale_seconds`: with `retry`, each is queued again until it has been started
    BUILD_ATTEMPTS times, then fails with a reason; without, it fails at once. So nobody waits on
    a page that can never finish. Safe with several workers recovering at once: each build is
    taken by one conditional update. Returns how many builds were recovered.

    A single consumer calls it before it starts, with no wait (every running build is its own,
    dead); consumers sharing a queue call it each minute with BUILD_STALE_SECONDS and `retry`.
    """
    cutoff = timezone.now() - dt.timedelta(seconds=stale_seconds)
    stuck = Build.objects.filter(state=Build.State.RUNNING).filter(
        Q(heartbeat__lt=cutoff) | Q(heartbeat=None)
    )
    recovered = 0
    for build in stuck:
        mine = Build.objects.filter(
            pk=build.pk, state=Build.State.RUNNING, heartbeat=build.heartbeat
        )
        who = f" ({build.worker})" if build.worker else ""
        doing = "publishing" if build.publishes_id is not None else "building"
        if (retry and build.attempts < settings.BUILD_ATTEMPTS) or _put_out(build):
            if not mine.update(state=Build.State.QUEUED, worker=""):
                continue  # another worker recovered it, or its own came back to life
            BuildEvent.objects.create(
                build=build, text=f"the worker {doing} this stopped{who}; {doing} again"
            )
            from packbuilder.web.tasks import build_task

            build_task(build.pk)
        else:
            if not mine.update(state=Build.State.FAILED):
                continue
            publishing = build.publishes_id is not None
            stopped = (
                f"The worker {doing} this stopped{who} {build.attempts} times"
                if retry
                else f"The {doing if publishing else 'build'} was interrupted when the server "
                "stopped"
            )
            again = "publish it again from its version's page" if publishing else "build again"
            _fail(build, [f"{stopped}; {again}."])
        recovered += 1
    return recovered


def _put_out(build: Build) -> bool:
    """Whether `build` publishes a version whose packs the library has put out today already
    (`library.released`): its worker stopped before recording it. Run again, the job records
    them (`publish_version`), so the site serves what the library published."""
    if build.publishes_id is None:
        return False
    version = Version.objects.select_related("meeting").get(pk=build.publishes_id)
    slug = version.meeting.slug
    published = storage.published_folder(slug)
    return (
        version != version.meeting.published
        and library.released(
            storage.version_folder(slug, version.number), published, _serving(version.meeting)
        )
        is not None
    )


def _serving(meeting: Meeting) -> list[Path]:
    """The packs the site serves as the meeting's publication now: a pack the library kept
    public since an earlier day is of the publication being recorded only if it is one of
    these (`library.released`)."""
    now = meeting.published
    if now is None or meeting.withdrawn is not None:
        return []
    return [storage.served(meeting.slug, now.number, p["file"]) for p in now.packs]


def requeue_lost(stale_seconds: float) -> int:
    """Builds waiting to start for `stale_seconds` whose job is not on the queue (a worker died
    between taking the job and claiming the build; a queue that was emptied) go back on it.
    A job queued twice is harmless: only one worker can claim the build. Returns how many."""
    from huey.contrib.djhuey import HUEY

    from packbuilder.web.tasks import build_task

    cutoff = timezone.now() - dt.timedelta(seconds=stale_seconds)
    waiting = set(
        Build.objects.filter(state=Build.State.QUEUED, created_at__lt=cutoff).values_list(
            "pk", flat=True
        )
    )
    if not waiting:
        return 0
    queued = {t.args[0] for t in HUEY.pending() if t.name.endswith("build_task") and t.args}
    lost = sorted(waiting - queued)
    for pk in lost:
        log.warning("build %s was not on the queue; queued again", pk)
        build_task(pk)
    return len(lost)


def recover_stale() -> int:
    """The recovery consumers sharing a queue run each minute: builds whose worker died are built
    again or failed (`recover_interrupted`), lost jobs queued again (`requeue_lost`)."""
    close_old_connections()
    stale = settings.BUILD_STALE_SECONDS
    return recover_interrupted(stale, retry=True) + requeue_lost(stale)


# the meetings whose files a thread of this process is checking (`meeting_check`): one check
# of a meeting at a time, however many looks and uploads come meanwhile
_CHECKING: set[str] = set()
_CHECKING_LOCK = threading.Lock()
# a check made and not kept (the data folder could not be written): by meeting, with its key
_UNKEPT: dict[str, tuple[str, library.CheckResult]] = {}
CHECK_ROUNDS = 5  # checks of a meeting in a row while its files keep changing under them
# checks running at once in this process, each perhaps with its LibreOffice (hundreds of MB);
# the others wait their turn, their pages saying "Checking"
CHECKS_AT_ONCE = 2
_CHECK_TURNS = threading.BoundedSemaphore(CHECKS_AT_ONCE)


def meeting_check(slug: str, again: bool = False) -> tuple[library.CheckResult | None, bool]:
    """The library's check of the meeting's files as they are, for its page: the one kept, if
    it was made of these very files (`storage.inputs_key`); else the last one kept, or None,
    and whether a check of the files as they are now is under way (started here if not).

    A check converts the Word papers and renders the frontsheets, as a build would: on a cold
    cache (a paper just uploaded) LibreOffice takes seconds, so the page never waits for it.
    The check runs beside the request (a thread of the server, not the job consumer, where it
    would wait behind a build of another meeting), and the page shows the result when it
    comes; with CHECK_INLINE (tests) it runs inside the request, as it once always did.

    A check that could not be made (`CheckResult.failed`) is kept for those files as any
    result is, so that the page says so once instead of checking again at each of its looks
    (every second while it says "Checking"); `again` (the page reloaded by its reader, not
    asked again by the page itself) makes it again."""
    key = storage.inputs_key(slug)
    kept = storage.kept_check(slug)
    if kept is None or kept[0] != key:
        kept = _UNKEPT.get(slug, kept)
    last = kept[1] if kept is not None else None
    current = last if kept is not None and kept[0] == key else None
    if current is not None and not current.failed:
        return current, False
    if settings.CHECK_INLINE:
        if current is not None and not again:
            return current, False
        return _check_meeting(slug, rounds=1), False
    with _CHECKING_LOCK:
        running = slug in _CHECKING
        if current is not None and not again and not running:
            return current, False
        if not running:
            _CHECKING.add(slug)
            threading.Thread(
                target=_check_beside, args=(slug,), daemon=True, name=f"check-{slug}"
            ).start()
    return last, True


def _check_meeting(slug: str, rounds: int = CHECK_ROUNDS) -> library.CheckResult:
    """Check the meeting's files and keep the result for them. A check that ends after a file
    changed under it (an upload meanwhile) read some files before the change and some after:
    it is made again, of the files as they are, rather than kept as the check of either."""
    for attempt in range(1, rounds + 1):
        key = storage.inputs_key(slug)
        try:
            result = library.check(storage.meeting_folder(slug))
        except Exception as exc:  # noqa: BLE001 - the page says so, and a reload tries again
            log.exception("check of %s", slug)
            result = library.CheckResult(failed=f"unexpected {type(exc).__name__}")
        if storage.inputs_key(slug) == key or attempt == rounds:
            break
    try:
        storage.keep_check(slug, key, result)
        _UNKEPT.pop(slug, None)
    except OSError:
        log.exception("keeping the check of %s", slug)
        _UNKEPT[slug] = (key, result)
    return result


def _check_beside(slug: str) -> None:
    try:
        with _CHECK_TURNS:
            _check_meeting(slug)
    except Exception:  # noqa: BLE001 - a thread's error is only in its log: the page looks again
        log.exception("check of %s", slug)
    finally:
        with _CHECKING_LOCK:
            _CHECKING.discard(slug)
        connection.close()  # (this thread's own, if the library's settings opened one)


def run_schedule() -> list[library.Scheduled]:
    """The library's build-due rule over every meeting; each build becomes a version."""
    outcomes = library.build_due(storage.inputs_root(), storage.published_root())
    for o in outcomes:
        log.info("scheduled build: %s %s: %s", o.action, o.meeting, o.message)
        meeting = Meeting.objects.filter(slug=o.meeting).first()
        if meeting is not None and o.action == "failed":
            _scheduled_failure(meeting, o.message)
        if o.action != "built" or meeting is None:
            continue
        outdir = storage.published_folder(meeting.slug)
        with library.meeting_lock(outdir) as locked:
            if not locked:
                continue  # a build from the page has started since; it makes its own version
            built = library.describe(storage.meeting_folder(meeting.slug), outdir)
            build = Build.objects.create(
                meeting=meeting, scheduled=True, state=Build.State.DONE, finished_at=timezone.now()
            )
            # (the library says where it wrote the packs: the server's folder, not the advisor's)
            said = re.sub(r" -> .*? \(was ", " (was ", o.message)
            BuildEvent.objects.create(build=build, text=f"scheduled build: {said}")
            version = _new_version(meeting, built, build)
        audit(None, "built", meeting.slug, f"version {version.number} (scheduled)")
    return outcomes


def _scheduled_failure(meeting: Meeting, message: str) -> None:
    """A scheduled build that failed, recorded as a failed build of the meeting, so that its page
    says so (the advisor may be counting on the schedule to publish before the deadline). The
    schedule tries again at each run: the same failure is recorded once, until something else
    happens to the meeting's builds."""
    said = library.local(message, storage.meeting_folder(meeting.slug))
    problems = [said, "Fix it and build again, or wait for the next scheduled build."]
    last = meeting.builds.order_by("-created_at", "-pk").first()
    if last is not None and last.scheduled and last.problems == problems:
        return
    build = Build.objects.create(
        meeting=meeting, scheduled=True, state=Build.State.FAILED, finished_at=timezone.now(),
        problems=problems,
    )  # fmt: skip
    BuildEvent.objects.create(build=build, text="scheduled build failed")


def publish_version(  # type: ignore[no-untyped-def]
    version: Version, user, shown: str, progress: Callable[[str], None] | None = None
) -> list[dict]:  # type: ignore[type-arg]
    """Publish `version`: the library makes its packs again dated today, unmarked, in the
    meeting's published folder (`library.release`), provided what they print is what the
    publisher was `shown`; they are kept as the version's (the public ones served to the
    public, the private ones to advisors for members), and the version is marked published.
    Under the meeting's lock, so that two publishers, or a publisher and a build, cannot
    interleave. `progress` is told each step of making the packs. Returns the public packs as
    published.

    Raises:
        Busy: the meeting is being built, published or withdrawn by someone else now.
        library.PackError: nothing was published (the files changed since the build, ...).
    """
    meeting = version.meeting
    slug, number = meeting.slug, version.number
    published = storage.published_folder(slug)
    published.mkdir(parents=True, exist_ok=True)
    with library.meeting_lock(published) as locked:
        if not locked:
            raise Busy()
        built = storage.version_folder(slug, number)
        # published by the library already, and not recorded here (the worker stopped between
        # the two; this is the job run again): what was shown is no longer what publishing
        # would print, as every pack is out, so it is recorded as it is
        # (not after a withdrawal: what goes back is a new version, dated the day it does)
        made = (
            library.released(built, published, _serving(meeting))
            if meeting.withdrawn is None
            else None
        )
        if made is not None and progress is not None:
            progress(f"version {number}'s packs were published already today: recorded")
        if made is None:
            made = library.release(
                storage.meeting_folder(slug),
                built,
                published,
                shown,
                after_withdrawal=meeting.withdrawn is not None,
                progress=progress,
            )
        storage.keep_released(slug, number, [path for p in made for path in p["paths"]])
        by_file = {p["file"]: p for p in made}
        packs = []
        for pack in version.packs:
            # a draft's file is named as one (`library.draft_name`); what went out is not
            out = by_file.get(library.published_name(pack["file"]))
            if out is not None:
                pack = {**pack, "built": pack.get("built") or pack.get("published")}
                pack.update({k: out[k] for k in ("file", "pages", "numbered", "published", "line")})
            packs.append(pack)
        version.packs = packs
        version.published_at = timezone.now()
        version.published_by = user
        version.withdrawn_at, version.withdrawn_by, version.withdrawn_reason = None, None, ""
        version.save(
            update_fields=[
                "packs", "published_at", "published_by", "withdrawn_at", "withdrawn_by",
                "withdrawn_reason",
            ]
        )  # fmt: skip
    said = "; ".join(
        f"{p['label']}, {_pages(p['pages'])}, Published {p['line']}"
        for p in made
        if not p["private"]
    )
    audit(user, "publish", slug, f"version {number}: {said or 'no public pack'}")
    return [p for p in made if not p["private"]]


def withdraw_published(meeting: Meeting) -> None:
    """The library's record of what went public told of a withdrawal (`library.withdraw`), so
    that publishing again is dated that day. If the folder is busy, publishing does it first
    (`after_withdrawal`): the withdrawal itself, in the database, has happened already."""
    try:
        library.withdraw(storage.published_folder(meeting.slug))
    except library.PackError:
        log.warning("withdrawal of %s: published folder busy; the next publish withdraws", meeting)


def notify_subscribers(version_id: int) -> int:
    """E-mail every subscriber that a pack was published; returns how many were sent to."""
    if not settings.EMAIL_HOST:
        return 0
    version = Version.objects.select_related("meeting").get(pk=version_id)
    to = list(Subscriber.objects.values_list("email", flat=True))
    if not to:
        return 0
    title = version.agenda.get("title") or version.meeting.slug
    link = settings.SITE_URL + reverse("public", args=[version.meeting.slug])
    body = [f"The pack for {title} has been published.", "", f"Agenda and papers: {link}"]
    for p in version.public_packs:
        url = reverse("public-file", args=[version.meeting.slug, p["file"]])
        body.append(f"{p['label']} ({_pages(p['pages'])}): {settings.SITE_URL}{url}")
    EmailMessage(subject=f"Published: {title}", body="\n".join(body) + "\n", bcc=to).send(
        fail_silently=False
    )
    audit(version.published_by, "email", version.meeting.slug, f"{len(to)} subscribers")
    return len(to)


def _pages(n: object) -> str:
    return "1 page" if n == 1 else f"{n} pages"
