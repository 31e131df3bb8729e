"""Writing packs into the output folder atomically.

Packs are staged in a hidden folder inside the output folder (the same file system, so a rename is
atomic), then each is renamed over its old version. A build that fails before this point leaves the
last good packs exactly where they were; a reader of the output folder sees an old pack or a new
one, never a partial file. A manifest records what was written, with the hash of every input, for
`status` and scheduled builds.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import errno
import hashlib
import json
import os
import shutil
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from packbuilder.errors import PublishError, Source
from packbuilder.model import Meeting
from packbuilder.scratch import process_alive

MANIFEST = "packbuilder-build.json"
STAGING = ".staging-"


@dataclass(frozen=True)
class BuiltPack:
    """A complete pack in the scratch folder, ready to publish."""

    name: str  # its file name in the output folder
    path: Path
    label: str
    public: bool
    pages: int  # physical pages, frontsheet included
    numbered: int  # "Page N" pages
    items: int  # items whose papers are in it


def input_hash(meeting: Meeting) -> dict[str, str]:
    """sha256 of every input file, by path relative to the meeting folder."""
    out = {}
    for path in meeting.input_files():
        out[str(path.relative_to(meeting.folder))] = hashlib.sha256(path.read_bytes()).hexdigest()
    return out


def manifest(meeting: Meeting, packs: Sequence[BuiltPack]) -> dict[str, Any]:
    """What a build wrote and from what: `status` and scheduled builds compare the input hashes."""
    return {
        "meeting": meeting.name,
        "built_at": dt.datetime.now().isoformat(timespec="seconds"),
        "inputs": input_hash(meeting),
        "packs": {p.name: {"label": p.label, "pages": p.pages} for p in packs},
    }


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
        what = f"cannot write the pack ({exc.strerror or exc}); the previous pack is untouched"
    return PublishError(what, Source(where))


def read_manifest(outdir: Path) -> dict[str, Any] | None:
    try:
        return json.loads((outdir / MANIFEST).read_text())  # type: ignore[no-any-return]
    except (OSError, ValueError):
        return None


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


def _remove_stale_staging(outdir: Path) -> None:
    """Remove staging folders left by builds that were killed (their process no longer exists).

    A killed build never damages a pack, but it leaves its half-written staging folder behind; the
    next build clears it. A staging folder of a build still running is left alone.
    """
    for entry in outdir.glob(f"{STAGING}*"):
        pid = entry.name[len(STAGING) :].split("-", 1)[0]
        if not pid.isdigit() or not process_alive(int(pid)):
            shutil.rmtree(entry, ignore_errors=True)


def publish(meeting: Meeting, packs: Sequence[BuiltPack], outdir: Path) -> list[Path]:
    """Move built packs into `outdir`, replacing old versions atomically; returns their paths.

    Pack files that the previous build wrote and this one did not (say, a public/private pair when
    the exempt item has gone) are removed, so the folder never mixes two builds' packs.
    """
    staging = outdir / f"{STAGING}{os.getpid()}-{uuid.uuid4().hex[:8]}"
    try:
        outdir.mkdir(parents=True, exist_ok=True)
        _remove_stale_staging(outdir)
        staging.mkdir()
        staged: dict[str, Path] = {}
        files = {p.name: p.path for p in packs}
        for name, src in files.items():
            dest = staging / name
            shutil.copyfile(src, dest)
            _fsync(dest)
            staged[name] = dest
        record = manifest(meeting, packs)
        (staging / MANIFEST).write_text(json.dumps(record, indent=2, sort_keys=True))
        _fsync(staging / MANIFEST)
    except OSError as exc:
        shutil.rmtree(staging, ignore_errors=True)
        raise _fail(exc, outdir) from None
    old = read_manifest(outdir) or {}
    written = []
    try:
        for name, path in staged.items():
            os.replace(path, outdir / name)
            written.append(outdir / name)
        os.replace(staging / MANIFEST, outdir / MANIFEST)
        _fsync_dir(outdir)
    except OSError as exc:
        raise _fail(exc, outdir) from None
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    for name in old.get("packs", {}):
        if name not in files and "/" not in name and (outdir / name).is_file():
            # the new packs are published; an old extra pack left behind is harmless
            with contextlib.suppress(OSError):
                (outdir / name).unlink()
    return written
