"""Publishing a build made earlier: a pack goes public dated the day it goes public.

A build publishes into its output folder as it builds (`versions`): a new version of a pack is
dated the day of the build, and its frontsheet says "Published" with that day. That is right for
a build whose `public/` folder is copied to the website at once. A caller that builds first and
publishes later (the web page: an advisor builds a version on Monday, a publisher publishes it on
Thursday) would otherwise put out a pack that says it was published on Monday: a false claim,
since the five clear days before the meeting (LGA 1972 s100B) are counted from publication.

So such a caller keeps a second output folder for the meeting, holding only what went public,
and publishes a build by **building the same meeting into it, dated the day of publishing**
(`release`). The library's own rules then hold there as they hold for the command line:

- the pack is dated the day it goes public, its frontsheet and HTML agenda alike;
- "version 2, replacing the pack published on ..." names only versions that were published:
  builds that were looked at and never published are not in that folder's record;
- a pack already public with the same content keeps its date (it has been public since);
- a publication taken back (`withdraw`) is archived as withdrawn: publishing again is a new
  version dated that day, never the date of the publication withdrawn.

Only the frontsheets are made again: the numbered pages, conversions and checks are found in the
cache. The build must make exactly the packs of the build being published (their content keys,
read from its record): when the meeting's files changed since, it stops before writing anything.
The build being published may be a draft (`build(draft=True)`, as the web page's builds are):
its content keys leave its marks out (`versions.pack_content`), so they are those of the pack
made here from the same files, and what was checked is what goes public, unmarked. A build here
publishes, so it removes the draft folder inside `published`, if any: that draft is superseded.
Private packs are made too, as a build makes them, dated the same day; they are not published.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from packbuilder.build import BuildResult, build
from packbuilder.convert import Converter
from packbuilder.digests import kept_digest
from packbuilder.errors import PublishError, Source
from packbuilder.lock import meeting_lock
from packbuilder.plan import PRIVATE_SUFFIX, published_name
from packbuilder.publish import (
    current_versions,
    finish_interrupted,
    intact,
    next_edition,
    read_manifest,
    withdraw_all,
)


@dataclass(frozen=True)
class Release:
    """What publishing a build makes of one of its packs, as its frontsheet will say it."""

    name: str  # the pack's file name
    label: str
    public: bool
    version: int  # its version among the packs published
    published: dt.date  # the day its frontsheet will say
    line: str  # the frontsheet's whole "Published" text
    unchanged: bool  # the same pack is public already: it keeps its date


def contents(built: Path, meeting: str) -> dict[str, tuple[str, str]]:
    """Each pack of the build whose record is in `built` (its output folder, or a copy of the
    record there), by the file name publishing it makes (a draft's `-DRAFT` left out:
    `plan.published_name`): its label and content key.

    Raises:
        PublishError: there is no record there, or it names no pack.
    """
    packs = (read_manifest(built, meeting) or {}).get("packs")
    found: dict[str, tuple[str, str]] = {}
    if isinstance(packs, dict):
        for name, pack in packs.items():
            try:
                found[published_name(str(name))] = (
                    str(pack.get("label") or name),
                    str(pack["current"]["content"]),
                )
            except (AttributeError, KeyError, TypeError):
                continue
    if not found:
        raise PublishError(
            "this build has no record of its packs (packbuilder-<meeting>.json), so they cannot "
            "be made again to publish; build again and publish the new build",
            Source(built),
        )
    return found


def earlier_keys(built: Path, meeting: str) -> dict[str, tuple[str, ...]]:
    """Each pack of the draft build in `built`, by the file name publishing it makes: its
    content keys in an earlier packbuilder's words (`build._earlier_keys`), as its record keeps
    them. A pack published in those words is the same pack: publishing keeps it, and its date."""
    packs = (read_manifest(built, meeting) or {}).get("packs")
    out: dict[str, tuple[str, ...]] = {}
    for name, pack in (packs or {}).items() if isinstance(packs, dict) else ():
        keys = pack.get("earlier") if isinstance(pack, dict) else None
        if isinstance(keys, list):
            out[published_name(str(name))] = tuple(str(k) for k in keys)
    return out


def plan(built: Path, published: Path, meeting: str, today: dt.date) -> list[Release]:
    """What `release` would make of each pack of the build in `built`, if published into
    `published` on `today`: the versions and "Published" lines its frontsheets would carry.

    Raises:
        PublishError: the build has no record (`contents`).
    """
    packs = contents(built, meeting)
    versions = current_versions(published, meeting)
    also = earlier_keys(built, meeting)
    out = []
    for name, (label, key) in sorted(packs.items(), key=lambda p: _order(p[0])):
        # (a pack published in an earlier packbuilder's words is kept, as the build keeps it)
        earlier: tuple[str, ...] = also.get(name, ())
        made = next_edition(
            published, meeting, name, key, today, versions, functools.partial(tuple, earlier)
        )
        out.append(
            Release(
                name,
                label,
                PRIVATE_SUFFIX not in name,
                made.version,
                made.published,
                made.published_line,
                made.unchanged,
            )
        )
    return out


def fingerprint(releases: list[Release]) -> str:
    """A short hash of what a `plan` says: a caller that showed a plan checks, when asked to
    go ahead, that the plan is still the same (another publication, or midnight, between)."""
    said = "\n".join(f"{r.name}|{r.version}|{r.line}|{r.unchanged}" for r in releases)
    return hashlib.sha256(said.encode()).hexdigest()[:16]


def release(  # noqa: PLR0913
    folder: Path,
    built: Path,
    published: Path,
    today: dt.date,
    *,
    after_withdrawal: bool = False,
    progress: Callable[[str], None] | None = None,
    expect_plan: str | None = None,
    converter: Converter | None = None,
) -> BuildResult:
    """Publish the build whose record is in `built`: build the meeting in `folder` again into
    `published`, the folder of what went public, dated `today`.

    Args:
        after_withdrawal: the last publication was taken back; its packs are withdrawn in
            `published` first, if they are still current there (`withdraw`).
        expect_plan: the `fingerprint` of the plan that was shown: checked under the lock, so that
            what is published is what was shown.
        converter: as `build`'s (by default LibreOffice, started and stopped here).

    Raises:
        BuildLockedError: the meeting is being published or withdrawn by someone else.
        PublishError: the build has no record; or the plan is no longer what was shown.
        PackError: the meeting's files are no longer those of the build (nothing is written), or
            any problem of a build; nothing new is then in `published`.
    """
    meeting = folder.name
    expect = {name: key for name, (_, key) in contents(built, meeting).items()}
    published.mkdir(parents=True, exist_ok=True)
    with meeting_lock(published, meeting):  # (re-entrant: the build takes it again)
        if after_withdrawal:
            withdraw_all(published, meeting, today)
        if expect_plan is not None and fingerprint(plan(built, published, meeting, today)) != (
            expect_plan
        ):
            raise PublishError(
                "what publishing would print has changed since it was shown (another version "
                "was published meanwhile, or the day changed); check it again and confirm",
                Source(published),
            )
        return build(
            folder, published, converter=converter, today=today, progress=progress, expect=expect
        )


@dataclass(frozen=True)
class Released:
    """A pack of a build that `published` holds already as its current version (`released`)."""

    release: Release  # as `plan` says it (unchanged: it keeps its date)
    path: Path  # the pack, as published
    agenda_html: Path | None  # a public pack's HTML agenda beside it
    pages: int  # physical pages, frontsheet included
    numbered: int  # "Page N" pages


def released(
    built: Path,
    published: Path,
    meeting: str,
    today: dt.date,
    served: Iterable[Path] = (),
) -> list[Released] | None:
    """The packs of the build in `built` as `published` holds them, if publishing it `today`
    is done already: every pack of the build is current there with the same content key, made
    `today` or one of the packs `served` (the files the caller serves as published now, named
    as the packs), each file as the record says, and no other pack is current. Else None.

    `release` writes the packs and their record together; a caller that keeps a record of its
    own (the web page's database) and was stopped between the two (a worker killed) finds here
    that the packs are out, and records them as they are. Publishing again would find every
    pack unchanged, so what it would print is no longer what was shown. Only packs made today:
    a pack says the day it went public, and one made on an earlier day that no one was served
    is no publication of that day (publish it again, seeing what it will say).

    Raises:
        PublishError: the build has no record (`contents`).
    """
    planned = plan(built, published, meeting, today)
    current = current_versions(published, meeting)
    if not planned or set(current) != {r.name for r in planned}:
        return None
    packs = (read_manifest(published, meeting) or {}).get("packs") or {}
    serving = {p.name: p for p in served}
    out = []
    for r in planned:
        version = current[r.name][0]
        if not r.unchanged or not intact(published, version):
            return None
        if version.published != today and not _same(serving.get(r.name), version.sha256):
            return None
        record = packs.get(r.name) or {}
        html = published / str(record["html"]) if r.public and record.get("html") else None
        try:
            pages = int(record.get("pages") or 0)
            numbered = int((record.get("contents") or {}).get("pages") or 0)
        except (AttributeError, TypeError, ValueError):
            return None
        out.append(
            Released(
                r, published / version.file, html if html and html.is_file() else None,
                pages, numbered,
            )
        )  # fmt: skip
    return out


def _same(path: Path | None, sha256: str) -> bool:
    """Whether the file at `path` is the pack whose digest is `sha256`."""
    try:
        return path is not None and path.is_file() and kept_digest(path) == sha256
    except OSError:
        return False


def withdraw(published: Path, meeting: str, today: dt.date) -> list[str]:
    """Take the current publication of `meeting` back in `published`: every pack archived and
    recorded as withdrawn `today` (`publish.withdraw_all`). Returns the packs' names.

    Raises:
        BuildLockedError: the meeting is being published meanwhile.
    """
    if not published.is_dir():
        return []
    with meeting_lock(published, meeting):
        finish_interrupted(published, meeting)
        return withdraw_all(published, meeting, today)


def _order(name: str) -> tuple[bool, bool, str]:
    """The agenda pack first, then the supplements; each public before private."""
    return ("supplement" in name, PRIVATE_SUFFIX in name, name)
