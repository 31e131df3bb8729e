"""The pages. Each view checks the role, calls `library` or `storage`, and renders one template.

Every page works without JavaScript: forms post and redirect, the build page shows the state as
it is at each reload; htmx and server-sent events only make it live.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import re
import unicodedata
from functools import wraps
from pathlib import Path

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, TooManyFilesSent
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_GET, require_POST

from packbuilder.dates import long_date
from packbuilder.web import jobs, library, storage
from packbuilder.web.models import (
    AuditEntry,
    Build,
    BuildEvent,
    LoginFailure,
    Meeting,
    Version,
)

PRIVATE = "private, no-store"


def site(request: HttpRequest) -> dict:  # type: ignore[type-arg]
    """Template context for every page: the user's role."""
    user = request.user
    can = {r: user.is_authenticated and user.has_role(r) for r in ("advisor", "publisher", "admin")}  # type: ignore[union-attr]
    return {"can": can}


def role_required(role: str):  # type: ignore[no-untyped-def]
    def decorate(view):  # type: ignore[no-untyped-def]
        @wraps(view)
        def wrapper(request, *args, **kwargs):  # type: ignore[no-untyped-def]
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not request.user.has_role(role):
                raise PermissionDenied(f"this needs the {role} role")
            response = view(request, *args, **kwargs)
            response.headers.setdefault("Cache-Control", PRIVATE)
            return response

        return wrapper

    return decorate


# ---- signing in -----------------------------------------------------------------------------


def _address(request: HttpRequest) -> str:
    return request.META.get("REMOTE_ADDR", "")[:64]


class SignInForm(AuthenticationForm):
    """Django's sign-in form, refusing to try once a name or an address has failed too often."""

    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": "Enter a correct user name and password",
        "throttled": "Too many failed attempts: wait %(minutes)s minutes and try again",
    }

    def __init__(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        self.fields["username"].error_messages["required"] = "Enter your user name"
        self.fields["password"].error_messages["required"] = "Enter your password"

    def clean(self):  # type: ignore[no-untyped-def]
        # failures are counted against the name as Django signs in with it: NFKC-normalised
        # (a full-width "ｎobody" is "nobody"), and in any case, or each look-alike spelling
        # of a name would have tries of its own
        typed = (self.data.get("username") or "").strip()
        username = unicodedata.normalize("NFKC", typed).casefold()[:150]
        since = timezone.now() - dt.timedelta(minutes=settings.LOGIN_LOCKOUT_MINUTES)
        recent = LoginFailure.objects.filter(at__gte=since)
        address = _address(self.request) if self.request else ""
        if (
            recent.filter(username__iexact=username).count() >= settings.LOGIN_FAILURES
            or recent.filter(address=address).count() >= settings.LOGIN_FAILURES * 4
        ):
            raise forms.ValidationError(
                self.error_messages["throttled"],
                code="throttled",
                params={"minutes": settings.LOGIN_LOCKOUT_MINUTES},
            )
        try:
            return super().clean()
        except forms.ValidationError:
            LoginFailure.objects.create(username=username, address=address)
            raise


class SignIn(auth_views.LoginView):
    form_class = SignInForm
    template_name = "web/login.html"
    redirect_authenticated_user = True


# ---- meetings -------------------------------------------------------------------------------


@role_required("advisor")
@require_GET
def meetings(request: HttpRequest) -> HttpResponse:
    rows = []
    for m in Meeting.objects.all():
        state = _state(m.slug)
        rows.append(
            {"meeting": m, "state": state, "published": m.published, "withdrawn": m.withdrawn}
        )
    rows.sort(key=lambda r: (r["state"].date or dt.date.min, r["meeting"].slug), reverse=True)
    return render(request, "web/meetings.html", {"rows": rows})


SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{0,78}[a-z0-9]$")


class NewMeetingForm(forms.Form):
    name = forms.CharField(
        label="Meeting folder name",
        help_text="Lower-case letters, numbers and hyphens, for example 2020-03-05-safer-plymouth",
        max_length=80,
        error_messages={"required": "Enter a name for the meeting"},
    )

    def clean_name(self) -> str:
        name = self.cleaned_data["name"].strip().lower()
        if not SLUG.match(name):
            raise forms.ValidationError(
                "Use only lower-case letters, numbers and hyphens, for example "
                "2020-03-05-safer-plymouth"
            )
        if Meeting.objects.filter(slug=name).exists():
            raise forms.ValidationError("A meeting with that name exists already")
        return name


@role_required("advisor")
def new_meeting(request: HttpRequest) -> HttpResponse:
    form = NewMeetingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        slug = form.cleaned_data["name"]
        storage.meeting_folder(slug).mkdir(parents=True, exist_ok=True)
        Meeting.objects.create(slug=slug, created_by=request.user)
        jobs.audit(request.user, "create", slug)
        messages.success(request, f"Meeting {slug} created: upload meeting.xlsx and the papers")
        return redirect("meeting", slug)
    return render(request, "web/new_meeting.html", {"form": form})


def _state(slug: str) -> library.MeetingState:
    """The meeting's state as the library's status reads its output folder (its draft and what
    went public), or the build made before the web page's builds were drafts."""
    return library.meeting_state(
        storage.meeting_folder(slug), storage.published_root(), legacy_root=storage.current_root()
    )


@role_required("advisor")
@require_GET
def meeting(request: HttpRequest, slug: str) -> HttpResponse:
    m = get_object_or_404(Meeting, slug=slug)
    files = storage.inputs(slug)
    # the check kept for these files, or the last one while the files are checked again; a
    # check that could not be made is made again when the reader reloads the page, never when
    # the page asks again by itself (htmx, while it says "Checking")
    again = request.headers.get("HX-Request") != "true"
    checked, checking = jobs.meeting_check(slug, again=again) if files else (None, False)
    state = _state(slug)
    published = m.published
    return render(
        request,
        "web/meeting.html",
        {
            "meeting": m,
            # as the advisor knows the meeting (the folder's name, its address, above it)
            "heading": library.meeting_heading(storage.meeting_folder(slug)) if files else "",
            "state": state,
            "files": [{"name": f.name, "size": f.stat().st_size} for f in files],
            "checked": checked,
            "checking": checking,
            "builds": m.builds.all()[:5],
            "versions": m.versions.all(),
            "published": published,
            "withdrawn": m.withdrawn,
            "max_mb": settings.MAX_UPLOAD_BYTES // (1024 * 1024),
            "max_files": settings.DATA_UPLOAD_MAX_NUMBER_FILES,
        },
    )


@role_required("advisor")
@require_POST
def upload(request: HttpRequest, slug: str) -> HttpResponse:
    get_object_or_404(Meeting, slug=slug)
    try:
        files = request.FILES.getlist("files")
    except TooManyFilesSent:
        messages.error(
            request,
            f"Not uploaded: choose at most {settings.DATA_UPLOAD_MAX_NUMBER_FILES} files at a "
            "time, then upload the rest",
        )
        return redirect("meeting", slug)
    limit = filesizeformat(settings.MAX_UPLOAD_BYTES)
    too_large = [
        f"{name}: the file is larger than {limit}" for name in getattr(request, "too_large", [])
    ]
    for r in too_large:
        messages.error(request, f"Not uploaded: {r}")
    if not files and too_large:
        return redirect("meeting", slug)
    if not files:
        messages.error(request, "Choose one or more files to upload")
        return redirect("meeting", slug)
    kept, refused = [], []
    for f in files:
        name = f.name or ""
        try:
            if f.size > settings.MAX_UPLOAD_BYTES:
                raise storage.UploadRefused(f"{name}: the file is larger than {limit}")
            storage.save_upload(slug, name, f.chunks())
        except storage.UploadRefused as exc:
            refused.append(str(exc))
            continue
        kept.append(name)
        jobs.audit(request.user, "upload", slug, f"{name} ({f.size} bytes)")
    if kept:
        messages.success(request, "Uploaded " + ", ".join(kept))
    for r in refused:
        messages.error(request, f"Not uploaded: {r}")
    return redirect("meeting", slug)


@role_required("advisor")
@require_GET
def input_file(request: HttpRequest, slug: str, name: str) -> HttpResponse:
    """An input again; inputs may be exempt papers, so they are never cached and always audited."""
    get_object_or_404(Meeting, slug=slug)
    path = next((p for p in storage.inputs(slug) if p.name == name), None)
    if path is None:
        raise Http404("no such file in this meeting")
    jobs.audit(request.user, "download-private", slug, f"input {name}")
    return _file(path, PRIVATE)


@role_required("advisor")
def remove_input(request: HttpRequest, slug: str, name: str) -> HttpResponse:
    """Remove an input from the meeting folder, after asking (a file uploaded by mistake, a paper
    withdrawn from the agenda). Versions built already keep their packs; the next check and build
    go without it. Not while the meeting is being built: the build is reading its files."""
    m = get_object_or_404(Meeting, slug=slug)
    path = next((p for p in storage.inputs(slug) if p.name == name), None)
    if path is None:
        raise Http404("no such file in this meeting")
    if request.method == "POST":
        if m.builds.filter(state__in=[Build.State.QUEUED, Build.State.RUNNING]).exists():
            messages.error(
                request,
                f"Not removed: {name}: the meeting is being built; wait for the build to "
                "finish, then remove it",
            )
            return redirect("meeting", slug)
        storage.remove_input(slug, name)
        jobs.audit(request.user, "remove", slug, name)
        messages.success(request, f"Removed {name}")
        return redirect("meeting", slug)
    return render(
        request,
        "web/remove.html",
        {
            "meeting": m,
            "name": name,
            "size": path.stat().st_size,
            "items": library.items_naming(storage.meeting_folder(slug), name),
        },
    )


class BlockFileResponse(FileResponse):
    """A file sent a block at a time by the ASGI server too: Django's FileResponse hands an
    ASGI server a synchronous iterator, which Django reads whole into memory first (with a
    warning), so a few people downloading a 4,000-page pack at once held it in memory each."""

    async def __aiter__(self):  # type: ignore[no-untyped-def, override]
        f = self.file_to_stream
        if f is None:  # (content given as bytes: Django's own way)
            async for part in super().__aiter__():
                yield part
            return
        while True:
            block = await asyncio.to_thread(f.read, self.block_size)
            if not block:
                return
            yield block


def _file(path: Path, cache: str, inline: bool = False, name: str = "") -> FileResponse:
    response = BlockFileResponse(
        path.open("rb"), as_attachment=not inline, filename=name or path.name
    )
    response.headers["Cache-Control"] = cache
    return response


# ---- builds ---------------------------------------------------------------------------------


@role_required("advisor")
@require_POST
def start_build(request: HttpRequest, slug: str) -> HttpResponse:
    from packbuilder.web.tasks import build_task

    m = get_object_or_404(Meeting, slug=slug)
    running = m.builds.filter(state__in=[Build.State.QUEUED, Build.State.RUNNING]).first()
    if running:
        messages.info(request, "This meeting is being built or published already")
        return redirect("build", slug, running.pk)
    b = Build.objects.create(meeting=m, started_by=request.user)
    jobs.audit(request.user, "build", slug, f"build {b.number}")
    build_task(b.pk)
    return redirect("build", slug, b.pk)


@role_required("advisor")
@require_GET
def build(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    b = get_object_or_404(Build, meeting__slug=slug, pk=pk)
    events = list(b.events.all())
    return render(
        request,
        "web/build.html",
        {
            "meeting": b.meeting,
            "build": b,
            "events": events,
            "last_event": events[-1].pk if events else 0,
            "version": b.publishes or Version.objects.filter(build=b).first() or b.same_as,
            "unchanged": b.same_as is not None,
            "public_url": request.build_absolute_uri(reverse("public", args=[slug])),
        },
    )


async def build_events(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """The build's progress as server-sent events: each line as it happens, then `done`."""
    user = await request.auser()  # type: ignore[attr-defined]
    if not user.is_authenticated or not user.has_role("advisor"):
        raise PermissionDenied("this needs the advisor role")
    try:
        b = await Build.objects.select_related("meeting").aget(meeting__slug=slug, pk=pk)
    except Build.DoesNotExist:
        raise Http404("no such build") from None
    try:  # the page holds the events up to `after`; a reconnecting browser says what it has seen
        last = max(
            int(request.GET.get("after") or 0), int(request.headers.get("Last-Event-ID") or 0)
        )
    except ValueError:
        last = 0

    async def stream():  # type: ignore[no-untyped-def]
        nonlocal last
        shown = b.state
        for _ in range(60 * 60 * 2):  # a build may take long; a client may reconnect after
            async for e in BuildEvent.objects.filter(build_id=b.pk, id__gt=last):
                last = e.id
                yield f"id: {e.id}\nevent: message\ndata: <li>{escape(e.text)}</li>\n\n"
            state = await Build.objects.filter(pk=b.pk).values_list("state", flat=True).aget()
            if state != shown:  # "Waiting to start" becomes "Building" when a worker takes it
                shown = state
                yield f"event: state\ndata: {escape(b.state_label(state))}\n\n"
            if state in (Build.State.DONE, Build.State.FAILED):
                yield f"event: done\ndata: {state}\n\n"
                return
            yield ": waiting\n\n"
            await asyncio.sleep(0.5)

    response = StreamingHttpResponse(stream(), content_type="text/event-stream")
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-Accel-Buffering"] = "no"  # nginx: pass each event on at once
    return response


# ---- versions, preview, publish -------------------------------------------------------------


def _html_agendas(v: Version) -> None:
    """Each public pack of `v` given its HTML agenda's file name (`html`), when it has one."""
    for p in v.packs:
        name = library.html_name(p["file"])
        found = not p["private"] and storage.served(v.meeting.slug, v.number, name).is_file()
        p["html"] = name if found else ""


def _marks(v: Version) -> None:
    """Each pack of `v` told apart by what it says it is: `as_draft`, a draft to check (every
    page says DRAFT, its frontsheet "Published not yet"); `before_drafts`, built before the web
    page's builds were drafts and never published, so its frontsheet says "Published" with the
    day built: a false claim, so it is not offered for download. A pack made again when the
    version was published (`storage.keep_released`) is neither: it is what went out."""
    for p in v.packs:
        released = (storage.released_folder(v.meeting.slug, v.number) / p["file"]).is_file()
        p["as_draft"] = bool(p.get("draft")) and not released
        p["before_drafts"] = not p.get("draft") and not released and v.published_at is None


def _download_name(pack: dict) -> str:  # type: ignore[type-arg]
    """The name a pack is saved under: a draft's says so, as its title and pages do (the
    library's rule; a draft built before its file was named so is named by it here)."""
    name = str(pack["file"])
    return library.draft_name(name) if pack.get("as_draft") else name


def _published_as(v: Version, file: str) -> str | None:
    """What an old link to the draft `file` of version `v` leads to once `v` was published:
    publishing made its packs (and HTML agendas) again without the draft's marks, under the
    pack's own name (`library.published_name`), and the version's page lists those. None if
    `file` is no draft of one of them."""
    now = library.published_name(file)
    if now == file or v.published_at is None:
        return None
    names = {p["file"] for p in v.packs} | {library.html_name(p["file"]) for p in v.public_packs}
    return now if now in names else None


def _draft_was_published(request: HttpRequest, v: Version, file: str, now: str) -> None:
    """Say, on the page an old link to a draft leads to, what became of that draft."""
    messages.info(
        request,
        f"{file} was a draft to check: version {v.number} was published on "
        f"{long_date(timezone.localtime(v.published_at).date())}, and its packs were made again "
        f"without the DRAFT marks: this one is now {now}",
    )


def _version(slug: str, number: int) -> Version:
    return get_object_or_404(
        Version.objects.select_related("meeting"), meeting__slug=slug, number=number
    )


@role_required("advisor")
@require_GET
def version(request: HttpRequest, slug: str, number: int) -> HttpResponse:
    v = _version(slug, number)
    _html_agendas(v)
    _marks(v)
    for p in v.packs:
        p["download"] = _download_name(p)
    # the day a version built before drafts says it was published: the day it was built
    # (publishing makes it again, dated the day it goes public: `publish`)
    today = library.today().isoformat()
    earlier = [
        (p["label"], long_date(dt.date.fromisoformat(p["published"])))
        for p in v.packs
        if p["before_drafts"]
        and not p["private"]
        and p.get("published")
        and p["published"] != today
    ]
    return render(
        request,
        "web/version.html",
        {
            "meeting": v.meeting,
            "version": v,
            "printed_earlier": earlier,
            "drafts": any(p["as_draft"] for p in v.packs),
            "before_drafts": any(p["before_drafts"] for p in v.packs),
            "published": v.meeting.published,
            "public_url": request.build_absolute_uri(reverse("public", args=[slug])),
            "pack_url": request.build_absolute_uri(reverse("public-file", args=[slug, "pack.pdf"])),
        },
    )


@role_required("advisor")
@require_GET
def preview(request: HttpRequest, slug: str, number: int, file: str) -> HttpResponse:
    v = _version(slug, number)
    pack = v.pack(file)
    now = _published_as(v, file) if pack is None else None
    if now is not None and v.pack(now) is not None:  # (a pack's: an HTML agenda has no preview)
        _draft_was_published(request, v, file, now)
        return redirect("preview", slug, number, now)
    if pack is None:
        raise Http404("no such pack")
    return render(
        request,
        "web/preview.html",
        {"meeting": v.meeting, "version": v, "pack": pack, "pages": _page_names(pack)},
    )


def _page_names(pack: dict) -> list[tuple[int, str]]:  # type: ignore[type-arg]
    """Each page of a pack and what a reader calls it: the frontsheet's pages by their place in
    the agenda, the rest by the number stamped on them ("Page 1" is the first paper's page)."""
    total = int(pack["pages"])
    numbered = pack.get("numbered")
    front = total - int(numbered) if isinstance(numbered, int) else 0
    return [
        (n, f"Agenda page {n} of {front}" if n <= front else f"Page {n - front}")
        if front
        else (n, f"Page {n} of {total}")
        for n in range(1, total + 1)
    ]


@role_required("advisor")
@require_GET
def page_image(request: HttpRequest, slug: str, number: int, file: str, page: int) -> HttpResponse:
    v = _version(slug, number)
    pack = v.pack(file)
    now = _published_as(v, file) if pack is None else None
    if now is not None and v.pack(now) is not None:
        return redirect("page-image", slug, number, now, page)
    if pack is None:
        raise Http404("no such pack")
    image = storage.page_image(slug, number, file, page)
    if image is None:
        raise Http404("no such page")
    if pack["private"]:  # reading a private pack page by page is reading it: in the log, once
        _audit_once(request, slug, f"version {number}: {file} (pages viewed)")
    return _file(image, PRIVATE, inline=True)


AUDIT_AGAIN = dt.timedelta(minutes=30)  # a private pack's preview is logged once in this time


def _audit_once(request: HttpRequest, slug: str, detail: str) -> None:
    """A private file seen in the preview, in the audit log: once per person and pack in
    `AUDIT_AGAIN` (a preview asks for each page image on its own)."""
    recent = AuditEntry.objects.filter(
        who=request.user.get_username(),
        action=AuditEntry.Action.DOWNLOAD_PRIVATE,
        meeting=slug,
        detail=detail,
        at__gte=timezone.now() - AUDIT_AGAIN,
    )
    if not recent.exists():
        jobs.audit(request.user, "download-private", slug, detail)


@role_required("advisor")
@require_GET
def version_file(request: HttpRequest, slug: str, number: int, file: str) -> HttpResponse:
    v = _version(slug, number)
    now = _published_as(v, file)
    if now is not None:
        # an old link to a draft (an e-mail asking for it to be checked): the version's page,
        # where its packs are now as published, says what became of it
        _draft_was_published(request, v, file, now)
        return redirect("version", slug, number)
    if file.endswith(".html"):  # a public pack's HTML agenda, to look at before publishing
        return _agenda_file(v, file, PRIVATE)
    pack = v.pack(file)
    if pack is None:
        raise Http404("no such pack")
    _marks(v)
    if pack["before_drafts"]:
        messages.error(
            request,
            f"{file} was not downloaded: version {number} was built before builds were drafts, "
            "so its frontsheet says it was published the day it was built, which it was not; "
            "build again and download the draft, or publish this version",
        )
        return redirect("version", slug, number)
    if pack["private"]:
        jobs.audit(request.user, "download-private", slug, f"version {number}: {file}")
    return _file(storage.served(slug, number, file), PRIVATE, name=_download_name(pack))


@role_required("publisher")
def publish(request: HttpRequest, slug: str, number: int) -> HttpResponse:
    """Publishing, after the publisher has seen what goes public: each public pack with its
    pages and the "Published" line it will carry (the library makes it again, dated today:
    `library.release`), its HTML agenda, the exempt items held back and the private packs kept
    back. Only the confirming post publishes, and only what it was shown: it starts the
    publishing job (`jobs.run_build`) and shows its page."""
    from packbuilder.web.tasks import build_task

    v = _version(slug, number)
    m = v.meeting
    if v == m.published:
        messages.info(request, f"Version {number} is the published version already")
        return redirect("version", slug, number)
    problem = ""
    try:
        planned, shown = library.release_plan(
            storage.version_folder(slug, number), storage.published_folder(slug)
        )
    except library.PackError as exc:
        planned, shown = [], ""
        problem = " ".join(library.problems_of(exc, storage.meeting_folder(slug)))
    if request.method == "POST" and shown and request.POST.get("shown"):
        # made again by LibreOffice, which takes long: a job, as a build is (`jobs.run_build`),
        # whose page shows its progress; one at a time per meeting
        running = m.builds.filter(state__in=[Build.State.QUEUED, Build.State.RUNNING]).first()
        if running:
            messages.info(
                request,
                f"Version {number} was not published: this meeting is being built or published "
                "now; look at what goes public again when that has finished",
            )
            return redirect("build", slug, running.pk)
        job = Build.objects.create(
            meeting=m, started_by=request.user, publishes=v, shown=request.POST["shown"][:64]
        )
        build_task(job.pk)
        return redirect("build", slug, job.pk)
    _html_agendas(v)
    pages = {library.published_name(p["file"]): p for p in v.packs}
    return render(
        request,
        "web/publish.html",
        {
            "meeting": m,
            "version": v,
            "public": [(r, pages.get(r.file, {})) for r in planned if not r.private],
            "private": [p for p in v.packs if p["private"]],
            "exempt": [i for i in v.agenda.get("items", []) if i.get("exempt")],
            "exempt_minutes": [i for i in v.agenda.get("items", []) if i.get("exempt_minutes")],
            "shown": shown,
            "problem": problem,
            "published": m.published,
            "withdrawn": m.withdrawn,
            "public_url": request.build_absolute_uri(reverse("public", args=[slug])),
        },
    )


class WithdrawForm(forms.Form):
    reason = forms.CharField(
        label="Why is it being withdrawn?",
        help_text="For the audit log; the public page says only that the papers were withdrawn",
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3, "class": "govuk-textarea"}),
        error_messages={"required": "Say why the version is being withdrawn"},
    )


@role_required("publisher")
def withdraw(request: HttpRequest, slug: str, number: int) -> HttpResponse:
    """Take the published version off the public site (an exempt paper published by mistake, the
    wrong version): its public packs and HTML agenda are no longer served, and no earlier version
    takes its place, as the same mistake may be in those. Publishing a version again ends it."""
    v = _version(slug, number)
    if v != v.meeting.published:
        messages.error(request, f"Version {number} is not the published version")
        return redirect("version", slug, number)
    form = WithdrawForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        reason = form.cleaned_data["reason"].strip()
        v.withdrawn_at = timezone.now()
        v.withdrawn_by = request.user
        v.withdrawn_reason = reason
        v.save(update_fields=["withdrawn_at", "withdrawn_by", "withdrawn_reason"])
        jobs.audit(request.user, "withdraw", slug, f"version {number}: {reason}")
        jobs.withdraw_published(v.meeting)
        messages.success(
            request,
            f"Version {number} is withdrawn: nothing of this meeting is public until a version "
            "is published again",
        )
        return redirect("version", slug, number)
    return render(request, "web/withdraw.html", {"meeting": v.meeting, "version": v, "form": form})


# ---- what the public sees -------------------------------------------------------------------


PUBLIC_CACHE = "public, max-age=60"


def _withdrawn_page(request: HttpRequest, m: Meeting) -> HttpResponse | None:
    """What the public address of a meeting whose published version was withdrawn shows: that
    the papers were withdrawn, and when (410 Gone); None if it was not withdrawn."""
    v = m.withdrawn
    if v is None:
        return None
    response = render(request, "web/withdrawn.html", {"meeting": m, "version": v}, status=410)
    response.headers["Cache-Control"] = PUBLIC_CACHE
    return response


@require_GET
def public_index(request: HttpRequest) -> HttpResponse:
    rows = [(m, m.published) for m in Meeting.objects.all()]
    rows = [(m, v) for m, v in rows if v is not None]
    response = render(request, "web/public_index.html", {"rows": rows})
    response.headers["Cache-Control"] = PUBLIC_CACHE
    return response


def _published(slug: str) -> tuple[Meeting, Version]:
    m = get_object_or_404(Meeting, slug=slug)
    v = m.published
    if v is None:
        raise Http404("this meeting has not been published")
    return m, v


@require_GET
def public(request: HttpRequest, slug: str) -> HttpResponse:
    """The HTML agenda of the published version, with its public packs (a stable address)."""
    m = get_object_or_404(Meeting, slug=slug)
    gone = _withdrawn_page(request, m)
    if gone is not None:
        return gone
    m, v = _published(slug)
    earlier = m.versions.exclude(published_at=None).exclude(pk=v.pk).order_by("-published_at")
    page = _agenda_page(slug, v)
    # the agenda as the library's HTML agenda shows it (its one renderer: the same items, times,
    # page ranges, Part II heading and notes); its links are relative, and the packs are served
    # beside this page as beside that one
    content = library.agenda_content(storage.served(slug, v.number, page)) if page else None
    response = render(
        request,
        "web/public.html",
        {
            "meeting": m,
            "version": v,
            "agenda": v.agenda,
            "earlier": earlier,
            "agenda_page": page,
            # (the library escapes every text from a workbook: `html_agenda`)
            "agenda_content": mark_safe(content) if content else None,
        },
    )
    response.headers["Cache-Control"] = PUBLIC_CACHE
    return response


# the library's HTML agenda holds no script, no form and nothing from elsewhere: nor may it
AGENDA_POLICY = (
    "default-src 'none'; style-src 'unsafe-inline'; img-src 'self'; base-uri 'none'; "
    "form-action 'none'; frame-ancestors 'none'"
)


def _agenda_page(slug: str, v: Version) -> str | None:
    """The file name of the published version's HTML agenda (the library's, beside its public
    agenda pack, `html_agenda`), if the version has one."""
    packs = v.public_packs
    if not packs:
        return None
    name = library.html_name(packs[0]["file"])
    return name if storage.served(slug, v.number, name).is_file() else None


@require_GET
def public_file(request: HttpRequest, slug: str, file: str) -> HttpResponse:
    """A public pack of the published version (`pack.pdf` is its agenda pack), or a public
    pack's HTML agenda: the library's page, whose links open the packs beside it here."""
    _, v = _published(slug)
    if file.endswith(".html"):
        return _agenda_file(v, file, PUBLIC_CACHE)
    packs = v.public_packs
    pack = packs[0] if file == "pack.pdf" and packs else v.pack(file)
    if pack is None or pack["private"]:
        raise Http404("no such public pack")
    return _file(storage.served(slug, v.number, pack["file"]), PUBLIC_CACHE, inline=True)


def _agenda_file(v: Version, file: str, cache: str) -> HttpResponse:
    """The HTML agenda `file` of one of version `v`'s public packs (the library's page), under a
    policy that lets it run nothing and load nothing from elsewhere."""
    if file not in {library.html_name(p["file"]) for p in v.public_packs}:
        raise Http404("no such agenda")
    path = storage.served(v.meeting.slug, v.number, file)
    if not path.is_file():
        raise Http404("no such agenda")
    response = BlockFileResponse(path.open("rb"), content_type="text/html; charset=utf-8")
    response.headers["Cache-Control"] = cache
    response.headers["Content-Security-Policy"] = AGENDA_POLICY
    return response


@role_required("advisor")
@require_GET
def public_version_file(request: HttpRequest, slug: str, number: int, file: str) -> HttpResponse:
    """A public pack of an earlier published version: for signed-in advisors, as the library's
    archive is not for the website. A version is replaced for a reason, and the reason may be
    that something in it should not have been public (an item made exempt since): the public
    page lists when earlier versions were published, and serves only the current one."""
    v = _version(slug, number)
    pack = v.pack(file)
    if v.published_at is None or pack is None or pack["private"]:
        raise Http404("no such public pack")
    jobs.audit(request.user, "download-private", slug, f"earlier version {number}: {file}")
    return _file(storage.served(slug, number, file), PRIVATE)


# ---- audit ----------------------------------------------------------------------------------


@role_required("publisher")
@require_GET
def audit(request: HttpRequest) -> HttpResponse:
    entries = AuditEntry.objects.all()
    meeting = request.GET.get("meeting", "")
    if meeting:
        entries = entries.filter(meeting=meeting)
    return render(request, "web/audit.html", {"entries": entries[:500], "meeting": meeting})


def home(request: HttpRequest) -> HttpResponse:
    return redirect("meetings" if request.user.is_authenticated else "login")


def forbidden(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "web/403.html", status=403)


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "web/404.html", status=404)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    return render(request, "web/403_csrf.html", status=403)
