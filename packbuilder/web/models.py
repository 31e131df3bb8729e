"""What the web page keeps: accounts with a role, meetings, builds, versions and the audit log.

The meeting's files live on disk (`storage`); the database records who did what and which version
of each meeting is the published one.
"""

from __future__ import annotations

import re

from django.contrib.auth.models import AbstractUser
from django.db import models


class Role(models.TextChoices):
    NONE = "", "No role (public packs only)"
    ADVISOR = "advisor", "Advisor"
    PUBLISHER = "publisher", "Publisher"
    ADMIN = "admin", "Admin"


RANK = {Role.NONE: 0, Role.ADVISOR: 1, Role.PUBLISHER: 2, Role.ADMIN: 3}


class User(AbstractUser):
    """An account: advisors prepare and build meetings, publishers also publish, admins also
    manage accounts. A superuser counts as an admin."""

    role = models.CharField(max_length=16, choices=Role.choices, default=Role.ADVISOR, blank=True)

    def has_role(self, role: str) -> bool:
        if not self.is_active:
            return False
        if self.is_superuser:
            return True
        return RANK[Role(self.role)] >= RANK[Role(role)]

    def has_perm(self, perm, obj=None):  # type: ignore[no-untyped-def]
        # an admin manages accounts and subscribers in /admin/ without per-model permissions
        return (self.is_active and self.role == Role.ADMIN) or super().has_perm(perm, obj)

    def has_module_perms(self, app_label):  # type: ignore[no-untyped-def]
        return (self.is_active and self.role == Role.ADMIN) or super().has_module_perms(app_label)

    def save(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        if self.role == Role.ADMIN:
            self.is_staff = True  # the account admin (/admin/) is theirs
        super().save(*args, **kwargs)


class Meeting(models.Model):
    slug = models.SlugField(max_length=80, unique=True)
    created_by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-slug"]

    def __str__(self) -> str:
        return self.slug

    @property
    def last_published(self) -> Version | None:
        """The version published last, even if it was withdrawn since."""
        return self.versions.exclude(published_at=None).order_by("-published_at").first()

    @property
    def published(self) -> Version | None:
        """The version the public sees: the one published last, unless it was withdrawn (then
        none: whatever made a publisher take it down may be in the earlier ones too)."""
        last = self.last_published
        return last if last is not None and last.withdrawn_at is None else None

    @property
    def withdrawn(self) -> Version | None:
        """The version published last, if it was withdrawn (nothing is public meanwhile)."""
        last = self.last_published
        return last if last is not None and last.withdrawn_at is not None else None


class Build(models.Model):
    """One job of a meeting, from the page or the schedule: a build, whose success makes a
    Version, or publishing a version (`publishes`), which makes its packs again dated that day.
    Both take long (LibreOffice) and run in the job consumer, never inside a request."""

    class State(models.TextChoices):
        QUEUED = "queued", "Waiting to start"
        RUNNING = "running", "Building"
        DONE = "done", "Built"
        FAILED = "failed", "Failed"

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="builds")
    state = models.CharField(max_length=16, choices=State.choices, default=State.QUEUED)
    started_by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    scheduled = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True)
    problems = models.JSONField(default=list)  # one line each, when it failed
    # the worker running it (host:pid), when it last said it was alive, and how many times a
    # worker has started it: a build whose worker died is built again or reported as failed
    worker = models.CharField(max_length=200, blank=True)
    heartbeat = models.DateTimeField(null=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    # a build whose packs came out the same as a version's: no new version was made
    same_as = models.ForeignKey(
        "Version", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # a job publishing this version rather than building, and the fingerprint of what the
    # publisher was shown (`library.release_plan`): only that is published
    publishes = models.ForeignKey(
        "Version", null=True, blank=True, on_delete=models.CASCADE, related_name="publish_jobs"
    )
    shown = models.CharField(max_length=64, blank=True)

    class Meta:
        ordering = ["-created_at"]

    @property
    def finished(self) -> bool:
        return self.state in (self.State.DONE, self.State.FAILED)

    @property
    def name(self) -> str:
        """What the job is, as its page and the meeting's list call it."""
        if self.publishes_id is not None:
            return f"Publishing version {self.publishes.number}"  # type: ignore[union-attr]
        # counted in its meeting, as its versions are (its address has the site's number): a
        # meeting's first build is "Build 1", not the site's fourth
        return f"Build {self.number}"

    @property
    def number(self) -> int:
        """Its place among its meeting's builds (publishing jobs not counted), from 1."""
        if self.pk is None:
            return 0
        return Build.objects.filter(
            meeting_id=self.meeting_id, publishes=None, pk__lte=self.pk
        ).count()

    @property
    def reasons(self) -> list[str]:
        """Why it failed, a line each, as its page lists them under its heading ("Version N
        was not published"): a publishing job recorded before its lines were reasons alone
        began each with that heading's words, which are left out here."""
        said = re.compile(r"^Version \d+ was not published, and nothing was made public: ")
        return [said.sub("", p) for p in self.problems]

    def state_label(self, state: str | None = None) -> str:
        """Its state (or `state`) in words: a publishing job is "Publishing", not "Building"."""
        state = state or self.state
        if self.publishes_id is not None and state == self.State.RUNNING:
            return "Publishing"
        if self.publishes_id is not None and state == self.State.DONE:
            return "Published"
        return str(self.State(state).label)


class BuildEvent(models.Model):
    """A progress line of a build, as the library reports it (read by the progress stream)."""

    build = models.ForeignKey(Build, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(auto_now_add=True)
    text = models.TextField()

    class Meta:
        ordering = ["id"]


class Version(models.Model):
    """A successful build, kept immutable under versions/<meeting>/<number>/."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    build = models.OneToOneField(
        Build, null=True, on_delete=models.SET_NULL, related_name="version"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    packs = models.JSONField(default=list)  # [{"file", "label", "pages", "private"}]
    agenda = models.JSONField(default=dict)  # the meeting and its items, for the HTML agenda
    warnings = models.JSONField(default=list)
    published_at = models.DateTimeField(null=True)
    published_by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    # taken off the public site by a publisher (an exempt paper published by mistake, a wrong
    # version): the reason is for the audit log, never shown to the public
    withdrawn_at = models.DateTimeField(null=True)
    withdrawn_by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    withdrawn_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["-number"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "number"], name="one_number_per_meeting")
        ]

    def pack(self, file: str) -> dict | None:  # type: ignore[type-arg]
        return next((p for p in self.packs if p["file"] == file), None)

    @property
    def public_packs(self) -> list[dict]:  # type: ignore[type-arg]
        return [p for p in self.packs if not p["private"]]

    @property
    def drafts(self) -> bool:
        """Whether its packs were built as drafts to check (every build since packbuilder's web
        builds are drafts); a version built before says "Published" with the day it was built."""
        return bool(self.packs) and all(p.get("draft") for p in self.packs)


class AuditEntry(models.Model):
    class Action(models.TextChoices):
        CREATE = "create", "Created meeting"
        UPLOAD = "upload", "Uploaded"
        BUILD = "build", "Started build"
        BUILT = "built", "Built"
        PUBLISH = "publish", "Published"
        WITHDRAW = "withdraw", "Withdrew"
        REMOVE = "remove", "Removed file"
        DOWNLOAD_PRIVATE = "download-private", "Downloaded private file"
        EMAIL = "email", "E-mailed subscribers"

    at = models.DateTimeField(auto_now_add=True)
    user = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    who = models.CharField(max_length=150)  # kept when the account is deleted; "schedule" for jobs
    action = models.CharField(max_length=32, choices=Action.choices)
    meeting = models.CharField(max_length=80, blank=True)
    detail = models.TextField(blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name_plural = "audit entries"


class LoginFailure(models.Model):
    """A failed sign-in, for throttling (see views.SignInForm)."""

    at = models.DateTimeField(auto_now_add=True, db_index=True)
    username = models.CharField(max_length=150, db_index=True)
    address = models.CharField(max_length=64, db_index=True)


class Subscriber(models.Model):
    """Someone e-mailed when a pack is published (all meetings)."""

    email = models.EmailField(unique=True)
    name = models.CharField(max_length=150, blank=True)

    def __str__(self) -> str:
        return self.email
