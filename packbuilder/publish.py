"""Writing packs into a meeting's output folder: atomically, by version, public apart from
private.

The output folder of a meeting (default ``output/<meeting>``) is laid out so that publishing a
folder can never publish a private pack or name an exempt paper:

    public/     the current public packs: the one folder to put on the council's website
    private/    the current private packs (NOT FOR PUBLICATION): for members only
    archive/    every earlier published version of every pack, ``<pack>.v<N>.pdf``: not for the
                website either (a version may have been withdrawn for a reason)
    packbuilder-<meeting>.json   the record: inputs and their hashes, every pack's versions

Packs are staged in a hidden folder inside the output folder (the same file system, so a rename is
atomic), then each is renamed over its old version, after that version has been linked into the
archive. A build that fails before this point leaves the last good packs exactly where they were; a
reader of the output folder sees an old pack or a new one, never a partial file. A pack whose
content has not changed (`packbuilder.versions`) is not written at all. A build removes nothing but
its own meeting's packs, and those it moves to the archive.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import errno
import json
import os
import re
import shutil
import threading
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

from packbuilder.dates import long_date
from packbuilder.digests import file_digest, kept_digest, written
from packbuilder.errors import PublishError, Source
from packbuilder.model import Meeting
from packbuilder.plan import PRIVATE_SUFFIX
from packbuilder.scratch import process_alive
from packbuilder.versions import WORDS, Compared, Edition, Version, archive_name, edition

STAGING = ".staging-"
PUBLIC, PRIVATE, ARCHIVE = "public", "private", "archive"
LEGACY_MANIFEST = "packbuilder-build.json"  # packbuilder 0.1 kept packs and record side by side


@dataclass(frozen=True)
class BuiltPack:
    """A pack of this build, ready to publish: made in the scratch folder, or unchanged."""

    name: str  # its file name
    label: str
    public: bool
    pages: int  # physical pages, frontsheet included
    numbered: int  # "Page N" pages
    items: int  # agenda items whose papers are in it (an item's exempt minutes are no item)
    content: str  # its content key
    edition: Edition
    path: Path | None  # the new file (`publish` moves it); None when the pack is unchanged
    agenda_html: Path | None = None  # a public pack's HTML agenda, published beside it
    summary: dict[str, Any] | None = None  # `versions.pack_summary`, kept in the record
    changes: tuple[str, ...] = ()  # what a new version changed (`versions.changes`)
    # a draft's: what it changes against the version published and the draft before it
    compared: tuple[Compared, ...] = ()
    members_only: str = ""  # what a private pack holds for members only (`PackSpec.members_only`)
    # a draft's keys in an earlier packbuilder's words, kept in its record for `release.plan`
    earlier: tuple[str, ...] = ()

    @property
    def folder(self) -> str:
        return PUBLIC if self.public else PRIVATE


def html_name(pack: str) -> str:
    """The HTML agenda published beside a pack."""
    return f"{pack[:-4] if pack.lower().endswith('.pdf') else pack}.html"


def manifest_path(outdir: Path, meeting: str) -> Path:
    return outdir / f"packbuilder-{meeting}.json"


def file_hash(path: Path) -> str:
    """The sha256 of a file's bytes, read now."""
    return file_digest(path)


def input_hash(meeting: Meeting) -> dict[str, str]:
    """sha256 of every input file, by path relative to the meeting folder: of the bytes the
    build read (a paper's copy, `snapshots`; the workbook as it was before it was read), so that a
    file saved while a build ran leaves its packs stale, never current."""
    files = {p.path: p.file for item in meeting.items for p in item.papers}
    hashes = {path: file_hash(read) for path, read in files.items()}
    hashes[meeting.workbook] = meeting.workbook_digest or file_hash(meeting.workbook)
    return {str(p.relative_to(meeting.folder)): h for p, h in sorted(hashes.items())}


def read_manifest(outdir: Path, meeting: str) -> dict[str, Any] | None:
    """The record of the meeting's last build into `outdir`, or None."""
    try:
        data = json.loads(manifest_path(outdir, meeting).read_text())
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def current_versions(outdir: Path, meeting: str) -> dict[str, tuple[Version, list[Version]]]:
    """Each pack's current version and its earlier ones, from the record."""
    out: dict[str, tuple[Version, list[Version]]] = {}
    for name, pack in ((read_manifest(outdir, meeting) or {}).get("packs") or {}).items():
        try:
            current = Version.from_record(pack["current"])
            history = [Version.from_record(v) for v in pack.get("history", [])]
        except (KeyError, TypeError, ValueError):
            continue  # a record from another version of packbuilder: treated as unpublished
        out[name] = (current, history)
    return out


def withdrawn_versions(outdir: Path, meeting: str) -> dict[str, list[Version]]:
    """Each withdrawn pack's versions (all in the archive), from the record: a pack that comes
    back (an exemption set again) goes on from them."""
    out: dict[str, list[Version]] = {}
    for name, entry in _read_withdrawn(outdir, meeting).items():
        try:
            out[name] = [Version.from_record(v) for v in entry.get("history", [])]
        except (AttributeError, KeyError, TypeError, ValueError):
            continue  # a record from another version of packbuilder: treated as unpublished
    return out


def earlier_versions(outdir: Path, meeting: str, name: str) -> list[Version]:
    """The versions that pack `name`, when it has no current version, goes on from (oldest
    first): its own, withdrawn (an exemption lifted, then set again), and those of the public pack
    it takes over from: a meeting's one pack becomes its public pack when an item is made exempt,
    and the other way round when the exemption is lifted. The public must be able to see that
    the agenda was published before, and when. A version current now (the pack this build
    withdraws) is given where it is archived."""
    withdrawn = withdrawn_versions(outdir, meeting)
    found = list(withdrawn.get(name, []))
    sibling = public_sibling(name)
    if sibling is not None:
        found += withdrawn.get(sibling, [])
        current, history = current_versions(outdir, meeting).get(sibling, (None, []))
        if current is not None:
            if (outdir / current.file).is_file() and not current.file.startswith(ARCHIVE + "/"):
                current = dataclasses.replace(current, file=_archived(sibling, current, outdir))
            found += [*history, current]
    unique = {(v.file, v.number, v.published): v for v in found}
    return sorted(unique.values(), key=lambda v: (v.published, v.number))


def public_sibling(name: str) -> str | None:
    """The other name of a meeting's public pack: ``<base>.pdf`` (no exempt papers) and
    ``<base>-public.pdf`` (beside a private pack); None for a private pack."""
    if name.endswith(f"-{PRIVATE_SUFFIX}.pdf"):
        return None
    if name.endswith("-public.pdf"):
        return name[: -len("-public.pdf")] + ".pdf"
    return name[: -len(".pdf")] + "-public.pdf" if name.endswith(".pdf") else None


def intact(outdir: Path, version: Version) -> bool:
    """Whether a version's file is where the record says, as it was published."""
    path = outdir / version.file
    try:
        # a pack is packbuilder's own file: its digest is remembered until it is written to
        return path.is_file() and kept_digest(path) == version.sha256
    except OSError:
        return False


def next_edition(  # noqa: PLR0913
    outdir: Path,
    meeting: str,
    name: str,
    key: str,
    today: dt.date,
    published: dict[str, tuple[Version, list[Version]]] | None = None,
    legacy: Callable[[], str | Sequence[str]] | None = None,
) -> Edition:
    """What a build into `outdir` dated `today` makes of pack `name` whose content key is `key`
    (`versions.edition`, from the output folder's record): the published version unchanged, or
    a new one. The one rule for a build (`build`) and for saying beforehand what publishing a
    build will print (`release.plan`).

    Args:
        published: `current_versions(outdir, meeting)`, if read already.
        legacy: the content keys as an earlier packbuilder took them, worked out only when the
            pack has a current version that `key` is not (`versions.legacy_pack_content`, and
            the pack in the earlier release's words, `frontsheet.EARLIER_WORDING`).
    """
    if published is None:
        published = current_versions(outdir, meeting)
    current, history = published.get(name, (None, []))
    ok = current is not None and intact(outdir, current)
    earlier = earlier_versions(outdir, meeting, name) if current is None else []
    old = legacy() if current is not None and current.content != key and legacy else None
    return edition(current, key, today, ok, earlier, history, old)


def _fail(exc: OSError, where: Path) -> PublishError:
    if exc.errno == errno.ENOSPC:
        what = "the disk is full; free some space and build again (the previous pack is untouched)"
    elif exc.errno in (errno.ENOTDIR, errno.EEXIST):
        what = (
            "the output path is a file, or inside one, not a folder; choose another --output "
            "folder (the previous pack is untouched)"
        )
    elif exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        what = (
            "cannot write here (permission denied); choose another --output folder (the previous "
            "pack is untouched)"
        )
    else:
        what = (
            f"cannot write the pack ({exc.strerror or exc}); check the output folder and build "
            "again (the previous pack is untouched)"
        )
    return PublishError(what, Source(where))


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _fsync_dir(path: Path) -> None:
    """Make the renames themselves durable (a power cut must not bring back the old names)."""
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return  # some file systems do not open directories; the renames are still atomic
    try:
        with contextlib.suppress(OSError):
            os.fsync(fd)
    finally:
        os.close(fd)


def finish_interrupted(outdir: Path, meeting: str) -> bool:
    """Finish the publishing of a build of `meeting` killed after every pack was put in place
    but before its record was: the record it had written (in its staging folder) is put in place
    when everything it says holds (each current pack in place as recorded, each HTML agenda
    there, each withdrawn pack gone from public/ and private/). Else nothing is done, and the
    next publishing keeps whatever it finds (`_keep_unrecorded`). Returns whether it finished one.

    Without this, a build killed in that moment left the new packs published under the old
    record: `status` named the old version, and the next build archived the very packs it would
    have made again as files nobody recorded, dating them that day."""
    try:
        entries = sorted(outdir.glob(f"{STAGING}*"))
    except OSError:
        return False
    for entry in entries:
        pid = entry.name[len(STAGING) :].split("-", 1)[0]
        if pid.isdigit() and process_alive(int(pid)):
            continue
        staged = entry / "manifest.json"
        try:
            record = json.loads(staged.read_text())
        except (OSError, ValueError):
            continue
        if not isinstance(record, dict) or record.get("meeting") != meeting:
            continue
        if _record_holds(outdir, record):
            with contextlib.suppress(OSError):
                os.replace(staged, manifest_path(outdir, meeting))
                return True
    return False


def _record_holds(outdir: Path, record: dict[str, Any]) -> bool:
    try:
        packs = record["packs"]
        for pack in packs.values():
            if not intact(outdir, Version.from_record(pack["current"])):
                return False
            if pack.get("html") and not (outdir / pack["html"]).is_file():
                return False
        for name in record.get("withdrawn") or {}:
            if any((outdir / folder / name).exists() for folder in (PUBLIC, PRIVATE)):
                return False
    except (KeyError, TypeError, ValueError, AttributeError, OSError):
        return False
    return True


def _remove_stale_staging(outdir: Path) -> None:
    """Remove staging folders left by builds that were killed (their process no longer exists).

    A killed build never damages a pack, but it leaves its half-written staging folder behind; the
    next build clears it. A staging folder of a build still running is left alone.
    """
    for entry in outdir.glob(f"{STAGING}*"):
        pid = entry.name[len(STAGING) :].split("-", 1)[0]
        if not pid.isdigit() or not process_alive(int(pid)):
            shutil.rmtree(entry, ignore_errors=True)
    # earlier packbuilders wrote an archived HTML agenda aside in the archive itself
    # (``.packbuilder-<pid>-<thread>.tmp``): one a killed build left there goes too
    for folder in (ARCHIVE, PUBLIC, PRIVATE):
        for entry in (outdir / folder).glob(".packbuilder-*.tmp"):
            pid = entry.name[len(".packbuilder-") :].split("-", 1)[0]
            if not pid.isdigit() or not process_alive(int(pid)):
                with contextlib.suppress(OSError):
                    entry.unlink()


def _stage(pack: Path, dest: Path) -> None:
    """A finished pack into the staging folder: moved when the scratch folder is on the same file
    system (a 4,000-page pack is not copied again), else copied.

    Moved, not linked: a second name left in the scratch folder would change the published file's
    status-change time when the scratch folder goes, after publishing remembered its digest under
    its stamp (`written`), so the next build would read the whole pack again to check it. The
    digest recorded is the scratch pack's (worked out as it was written): a copy made here, to
    another file system, is taken to hold the same bytes, as a rename would."""
    try:
        os.rename(pack, dest)
    except OSError:
        shutil.copyfile(pack, dest)


def publish(
    meeting: Meeting, packs: Sequence[BuiltPack], outdir: Path, today: dt.date | None = None
) -> list[Path]:
    """Put this build's packs in place in `outdir` (a new pack's file is moved there); returns
    the path of each pack, in order. `today`: the build's date (a pack withdrawn is recorded as
    withdrawn that day); by default the real one.

    Raises:
        PublishError: the output folder cannot be written; the previous packs are untouched.
    """
    staging = outdir / f"{STAGING}{os.getpid()}-{uuid.uuid4().hex[:8]}"
    new = [p for p in packs if p.path is not None]
    try:
        outdir.mkdir(parents=True, exist_ok=True)
        _remove_stale_staging(outdir)
        staging.mkdir()
        staged: dict[str, Path] = {}
        shas: dict[str, str] = {}
        for pack in new:
            dest = staging / pack.name
            # (known without reading it when the build wrote it: `digests.copied`)
            shas[pack.name] = file_hash(pack.path)  # type: ignore[arg-type]
            _stage(pack.path, dest)  # type: ignore[arg-type]
            _fsync(dest)
            staged[pack.name] = dest
        for pack in packs:
            if pack.agenda_html is not None:
                dest = staging / html_name(pack.name)
                shutil.copyfile(pack.agenda_html, dest)
                staged[dest.name] = dest
    except OSError as exc:
        shutil.rmtree(staging, ignore_errors=True)
        raise _fail(exc, outdir) from None
    old = current_versions(outdir, meeting.name)
    try:
        record, moves = _plan(meeting, packs, staged, shas, old, outdir, today)

        def remember_written() -> None:
            for pack in new:
                sha = record["packs"][pack.name]["current"]["sha256"]
                written(outdir / pack.folder / pack.name, sha)

        _record_and_move(outdir, meeting.name, staging, record, moves, remember_written)
    except OSError as exc:
        raise _fail(exc, outdir) from None
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    _retire_legacy(meeting, outdir)
    return [outdir / p.folder / p.name for p in packs]


def _record_and_move(
    outdir: Path,
    meeting: str,
    staging: Path,
    record: dict[str, Any],
    moves: Sequence[_Move],
    after_moves: Callable[[], None] | None = None,
) -> None:
    """Publishing's last step, for a build and a withdrawal alike: the record written and
    flushed in `staging` before anything moves (a full disk stops it there), the `moves` made,
    then the record put in place and every folder flushed.

    Raises:
        OSError: the output folder cannot be written.
    """
    tmp = staging / "manifest.json"
    tmp.write_text(json.dumps(record, indent=2, sort_keys=True))
    _fsync(tmp)
    for move in moves:
        move.apply(outdir, staging)
    if after_moves is not None:
        after_moves()
    os.replace(tmp, manifest_path(outdir, meeting))
    for folder in (outdir / PUBLIC, outdir / PRIVATE, outdir / ARCHIVE, outdir):
        _fsync_dir(folder)


@dataclass(frozen=True)
class _Move:
    """One file operation of publishing, in order: archive a copy, put a new pack in, withdraw."""

    what: str  # "archive", "archive-html", "replace" or "withdraw"
    source: Path
    target: str  # relative to the output folder ("" for withdraw)

    def apply(self, outdir: Path, staging: Path) -> None:
        if self.what == "archive":
            _archive(self.source, outdir / self.target)
        elif self.what == "archive-html":
            _archive_html(self.source, outdir / self.target, staging)
        elif self.what == "replace":
            (outdir / self.target).parent.mkdir(exist_ok=True)
            os.replace(self.source, outdir / self.target)
        else:
            with contextlib.suppress(FileNotFoundError):
                self.source.unlink()


def _archive(current: Path, target: Path) -> None:
    """Link the published file into the archive (it stays published until replaced)."""
    target.parent.mkdir(exist_ok=True)
    with contextlib.suppress(FileNotFoundError):
        target.unlink()  # a killed build's half-done archive
    try:
        os.link(current, target)
    except OSError:
        shutil.copyfile(current, target)


def _html_moves(outdir: Path, name: str, archived_pdf: str) -> list[_Move]:
    """The HTML agenda of a public pack's version archived as `archived_pdf` is (in PUBLIC),
    archived beside it under the same name (``<pack>.v<N>.html``), if there is one."""
    current = outdir / PUBLIC / html_name(name)
    if not current.is_file():
        return []
    return [_Move("archive-html", current, f"{archived_pdf[: -len('.pdf')]}.html")]


def _archive_html(current: Path, target: Path, staging: Path) -> None:
    """Keep a copy of a published HTML agenda in the archive, its links to the pack made links
    to the pack's archived version beside it (the same name, ``.pdf``): the agenda as it was,
    opening the papers it was published with. Its links to other packs beside it (a supplement
    carrying a paper "to follow", `html_agenda.later_papers`) lead to where those are published,
    in PUBLIC. Written in the build's `staging` folder (on the same file system), then renamed:
    never half a page, and a build killed between the two leaves the half page there, where the
    next build removes it with the folder, never in the archive, which is listed and copied."""
    pack = f"{current.name[: -len('.html')]}.pdf"
    archived = quote(target.name[: -len(".html")] + ".pdf")
    text = current.read_text(encoding="utf-8")

    def relink(found: re.Match[str]) -> str:
        name = found[1]
        if name == quote(pack):
            return f'href="{archived}'
        return f'href="../{PUBLIC}/{name}'

    # a link to a file beside the page: no scheme, no folder, no page anchor alone
    text = re.sub(r'href="([^"/:#?]+\.pdf)(?=["#])', relink, text)
    target.parent.mkdir(exist_ok=True)
    # a name of its own, not the page's with more added: a name at the limit `plan` allows
    tmp = staging / f".packbuilder-{threading.get_ident()}.html.tmp"
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, target)


def _keep_unrecorded(outdir: Path, where: str, same: str | None = None) -> list[_Move]:
    """A file where a pack is about to be written that the record does not know as a published
    version (the record deleted by hand, the file edited since, a build killed before it wrote
    its record): archived under its fingerprint first, so that nothing published is lost. Not
    when it is the very pack about to be written (digest `same`: a build killed after putting it
    there, made again)."""
    path = outdir / where
    try:
        if not path.is_file():
            return []
        sha = kept_digest(path)
    except OSError:
        return []
    if sha == same:
        return []
    stem = Path(where).name[: -len(".pdf")] if where.endswith(".pdf") else Path(where).name
    target = f"{ARCHIVE}/{stem}.unrecorded-{sha[:12]}.pdf"
    return [] if (outdir / target).is_file() else [_Move("archive", path, target)]


def _found_archived(name: str, version: Version, outdir: Path) -> Version | None:
    """`version` as the archive holds it, if it does (under its usual name, as published)."""
    usual = f"{ARCHIVE}/{archive_name(name, version.number)}"
    found = dataclasses.replace(version, file=usual)
    return found if intact(outdir, found) else None


def _archived(name: str, version: Version, outdir: Path) -> str:
    """Where `version` of pack `name` is archived: ``<pack>.v<N>.pdf``, unless the archive holds
    another file by that name (a record deleted or from elsewhere): an archived version is never
    replaced, so this one then gets its fingerprint in its name as well. (The same file there
    already, from a build killed while archiving, is this version.)"""
    usual = f"{ARCHIVE}/{archive_name(name, version.number)}"
    there = outdir / usual
    try:
        taken = there.is_file() and kept_digest(there) != version.sha256
    except OSError:
        taken = True
    if not taken:
        return usual
    stem = archive_name(name, version.number)[: -len(".pdf")]
    return f"{ARCHIVE}/{stem}-{version.sha256[:12]}.pdf"


def _plan(
    meeting: Meeting,
    packs: Sequence[BuiltPack],
    staged: dict[str, Path],
    shas: dict[str, str],
    old: dict[str, tuple[Version, list[Version]]],
    outdir: Path,
    today: dt.date | None = None,
) -> tuple[dict[str, Any], list[_Move]]:
    """The new record, and the file operations that make the output folder match it; `shas`
    are the staged packs' digests."""
    moves: list[_Move] = []
    record_packs: dict[str, Any] = {}
    for pack in packs:
        where = f"{pack.folder}/{pack.name}"
        # a pack new by this name goes on from the versions before it (`earlier_versions`)
        current, history = old.get(pack.name) or (
            None,
            earlier_versions(outdir, meeting.name, pack.name),
        )
        if pack.name in staged:
            published = current is not None and intact(outdir, current)
            if pack.edition.revises is not None and current is not None:
                kept = current
                if published:
                    kept = dataclasses.replace(current, file=_archived(pack.name, current, outdir))
                    moves.append(_Move("archive", outdir / current.file, kept.file))
                    if pack.public:
                        moves += _html_moves(outdir, pack.name, kept.file)
                else:  # archived already, by a build killed before it wrote its record?
                    kept = _found_archived(pack.name, current, outdir) or current
                history = [*history, kept]
            if not published:  # whatever is in its place that the record does not know
                moves += _keep_unrecorded(outdir, where, shas.get(pack.name))
            moves.append(_Move("replace", staged[pack.name], where))
            sha = shas[pack.name]
        else:
            sha = current.sha256 if current else kept_digest(outdir / where)
        version = Version(
            pack.edition.version, pack.edition.published, pack.content, sha, where, WORDS
        )
        record_packs[pack.name] = {
            "label": pack.label,
            "pages": pack.pages,
            "current": version.as_record(),
            "history": [v.as_record() for v in history],
        }
        record_packs[pack.name].update(_summary_record(outdir, meeting.name, pack))
        if pack.earlier:
            record_packs[pack.name]["earlier"] = list(pack.earlier)
        if pack.agenda_html is not None:
            html = html_name(pack.name)
            moves.append(_Move("replace", staged[html], f"{pack.folder}/{html}"))
            record_packs[pack.name]["html"] = f"{pack.folder}/{html}"
    # packs this meeting published before and this build does not make (an exemption lifted):
    # withdrawn from public/ and private/, kept in the archive
    withdrawn, gone = _withdrawing(outdir, meeting.name, old, set(record_packs), today)
    moves += gone
    record = {
        "meeting": meeting.name,
        "built_at": dt.datetime.now().isoformat(timespec="seconds"),
        "inputs": input_hash(meeting),
        "packs": record_packs,
        "withdrawn": withdrawn,
    }
    return record, moves


def _withdrawing(
    outdir: Path,
    meeting: str,
    old: dict[str, tuple[Version, list[Version]]],
    keep: set[str],
    today: dt.date | None,
) -> tuple[dict[str, Any], list[_Move]]:
    """The record's `withdrawn` once every pack of `old` not in `keep` is withdrawn (archived,
    and taken out of public/ and private/), and the file operations that do it."""
    moves: list[_Move] = []
    withdrawn = dict(_read_withdrawn(outdir, meeting))
    labels = {n: p.get("label") for n, p in _recorded_packs(outdir, meeting).items()}
    for name, (current, history) in old.items():
        if name in keep:
            continue
        kept = current
        if (outdir / current.file).is_file() and not current.file.startswith(ARCHIVE + "/"):
            kept = dataclasses.replace(current, file=_archived(name, current, outdir))
            moves.append(_Move("archive", outdir / current.file, kept.file))
            moves += _html_moves(outdir, name, kept.file)
            moves.append(_Move("withdraw", outdir / current.file, ""))
            moves.append(_Move("withdraw", outdir / PUBLIC / html_name(name), ""))
        withdrawn[name] = {
            "label": labels.get(name) or name,
            "withdrawn": (today or dt.date.today()).isoformat(),
            "history": [v.as_record() for v in [*history, kept]],
        }
    for name in keep:
        withdrawn.pop(name, None)
    return withdrawn, moves


def withdraw_all(outdir: Path, meeting: str, today: dt.date | None = None) -> list[str]:
    """Withdraw every current pack of `meeting` in `outdir` (a publication taken back): each is
    archived with its HTML agenda and recorded as withdrawn `today`, so that the next build goes
    on from its versions as a new version dated the day of that build, never as the pack
    published before. Returns the packs' names (none when nothing is current). The caller holds
    the meeting's lock.

    Raises:
        PublishError: the output folder cannot be written; the record is as it was.
    """
    finish_interrupted(outdir, meeting)
    record = read_manifest(outdir, meeting)
    old = current_versions(outdir, meeting)
    if record is None or not old:
        return []
    withdrawn, moves = _withdrawing(outdir, meeting, old, set(), today)
    record = {**record, "packs": {}, "withdrawn": withdrawn}
    staging = outdir / f"{STAGING}{os.getpid()}-{uuid.uuid4().hex[:8]}"
    try:
        staging.mkdir()
        _record_and_move(outdir, meeting, staging, record, moves)
    except OSError as exc:
        raise _fail(exc, outdir) from None
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return sorted(old)


def _summary_record(outdir: Path, meeting: str, pack: BuiltPack) -> dict[str, Any]:
    """A pack's summary and what its current version changed, for the record: this build's, or
    for a pack unchanged, as recorded before (what the version changed when it was made)."""
    recorded = _recorded_packs(outdir, meeting).get(pack.name, {})
    out: dict[str, Any] = {}
    summary = pack.summary if pack.summary is not None else recorded.get("contents")
    if summary is not None:
        out["contents"] = summary
    said = recorded.get("changes") if pack.edition.unchanged else list(pack.changes)
    if said:
        out["changes"] = said
    if pack.compared:
        out["compared"] = [c.as_record() for c in pack.compared]
    return out


def recorded_changes(outdir: Path, meeting: str, name: str) -> list[str]:
    """What a pack's current version changed against the one before, as recorded."""
    found = _recorded_packs(outdir, meeting).get(name, {}).get("changes")
    return [str(line) for line in found] if isinstance(found, list) else []


def recorded_comparisons(outdir: Path, meeting: str, name: str) -> list[Compared]:
    """What a draft's pack changes, as its record keeps it (`versions.draft_changes`)."""
    found = _recorded_packs(outdir, meeting).get(name, {}).get("compared")
    said = [Compared.from_record(c) for c in found] if isinstance(found, list) else []
    return [c for c in said if c is not None]


def recorded_summary(outdir: Path, meeting: str, name: str) -> dict[str, Any] | None:
    """The summary of a pack's current version kept in the record (`versions.pack_summary`), if
    the record keeps one."""
    found = _recorded_packs(outdir, meeting).get(name, {}).get("contents")
    return found if isinstance(found, dict) else None


def _recorded_packs(outdir: Path, meeting: str) -> dict[str, Any]:
    found = (read_manifest(outdir, meeting) or {}).get("packs")
    return (
        {n: p for n, p in found.items() if isinstance(p, dict)} if isinstance(found, dict) else {}
    )


def withdrawn_lines(outdir: Path, meeting: str) -> list[str]:
    """For `status`: each pack published and since withdrawn (an exemption lifted, a late paper
    moved into the agenda pack), with its versions, all in the archive."""
    out = []
    every = withdrawn_versions(outdir, meeting)
    for name, entry in _read_withdrawn(outdir, meeting).items():
        versions = every.get(name) or []
        if not isinstance(entry, dict) or not versions:
            continue
        try:
            when = long_date(dt.date.fromisoformat(str(entry.get("withdrawn"))))
        except ValueError:
            when = "since"
        published = ", ".join(f"v{v.number} {long_date(v.published)}" for v in versions)
        out.append(f"{entry.get('label') or name}: withdrawn {when} (published: {published})")
    return out


def _read_withdrawn(outdir: Path, meeting: str) -> dict[str, Any]:
    found = (read_manifest(outdir, meeting) or {}).get("withdrawn")
    return found if isinstance(found, dict) else {}


def _retire_legacy(meeting: Meeting, outdir: Path) -> None:
    """Move the packs a packbuilder 0.1 build of this meeting left beside its record into the
    archive: the output folder's root held public and private packs together."""
    legacy = outdir / LEGACY_MANIFEST
    try:
        data = json.loads(legacy.read_text())
    except (OSError, ValueError):
        return
    if not isinstance(data, dict) or data.get("meeting") != meeting.name:
        return  # another meeting's: not ours to touch
    for name in data.get("packs") or {}:
        path = outdir / name
        if "/" not in name and path.is_file():
            with contextlib.suppress(OSError):
                _archive(path, outdir / ARCHIVE / archive_name(name, 0))
                path.unlink()
    with contextlib.suppress(OSError):
        legacy.unlink()
