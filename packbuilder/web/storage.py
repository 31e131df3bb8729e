"""Where a meeting's files live under the data folder, and the checks on uploaded files.

<data>/inputs/<meeting>/          the meeting folder: meeting.xlsx and the papers
<data>/published/<meeting>/       the library's output folder of the meeting: what went public
                                  (`release`; its record names only versions that were
                                  published) and, in draft/, the latest build, a draft to check
                                  (status and scheduled builds compare the inputs against both)
<data>/versions/<meeting>/<n>/    every build, kept as it was (hard links to the drafts)
<data>/previews/<meeting>/<n>/    page images of a version's packs, made when first shown
<data>/released/<meeting>/<n>/    version n's packs as published (hard links into published/):
                                  the public packs and HTML agendas the public is served, and the
                                  private packs members get, made with them
<data>/checks/<meeting>.json      the last check of the meeting's files, and what it was made of
<data>/current/<meeting>/         where packbuilder before drafts built (ordinary builds, saying
                                  "Published" with the day built); read only to say so
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from django.conf import settings

from packbuilder.web import library

# What an upload must start with, by its extension: a name is never trusted for the content.
ZIP = b"PK\x03\x04"
OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
SIGNATURES = {
    ".xlsx": (ZIP,),
    ".xlsm": (ZIP,),
    ".docx": (ZIP,),
    ".odt": (ZIP,),
    ".doc": (OLE,),
    ".rtf": (b"{\\rtf",),
}
KINDS = "PDF, Word (.docx, .doc, .odt, .rtf) or Excel (.xlsx, .xlsm)"


def data() -> Path:
    return Path(settings.DATA)


def inputs_root() -> Path:
    return data() / "inputs"


def current_root() -> Path:
    """Where the web page built before its builds were drafts (`LEGACY`)."""
    return data() / "current"


def published_root() -> Path:
    """The output root of every meeting: each meeting's drafts and what went public."""
    return data() / "published"


def meeting_folder(slug: str) -> Path:
    return inputs_root() / slug


def current_folder(slug: str) -> Path:
    return current_root() / slug


def version_folder(slug: str, number: int) -> Path:
    return data() / "versions" / slug / str(number)


def preview_folder(slug: str, number: int) -> Path:
    return data() / "previews" / slug / str(number)


def published_folder(slug: str) -> Path:
    """The meeting's output folder (`published_root`): what went public, and its draft."""
    return published_root() / slug


def released_folder(slug: str, number: int) -> Path:
    return data() / "released" / slug / str(number)


def served(slug: str, number: int, file: str) -> Path:
    """Where version `number`'s file `file` is read from: as it was published (a public pack
    made again dated the day it went public, `keep_released`), else as it was built."""
    released = released_folder(slug, number) / file
    return released if released.is_file() else version_folder(slug, number) / file


def keep_released(slug: str, number: int, files: list[Path]) -> None:
    """Keep `files` (packs and HTML agendas in published/<meeting>, as a publication made them)
    as version `number`'s, replacing those of an earlier publication of it: hard links, as
    the library replaces files by renaming. Its page images are made again from them."""
    dest = released_folder(slug, number)
    dest.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(dir=dest.parent, prefix=f".{number}-"))
    try:
        for path in files:
            try:
                os.link(path, tmp / path.name)
            except OSError:
                shutil.copy2(path, tmp / path.name)
        if dest.exists():
            old = dest.with_name(f".{number}-old-{os.getpid()}")
            dest.rename(old)
            shutil.rmtree(old, ignore_errors=True)
        tmp.rename(dest)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    for path in files:
        shutil.rmtree(preview_folder(slug, number) / path.name, ignore_errors=True)


def inputs(slug: str) -> list[Path]:
    folder = meeting_folder(slug)
    if not folder.is_dir():
        return []
    return sorted(
        (p for p in folder.iterdir() if p.is_file() and not p.name.startswith((".", "~$"))),
        key=lambda p: (p.name != library.WORKBOOK_NAME, p.name.lower()),
    )


def inputs_key(slug: str) -> str:
    """What a check of the meeting's files depends on: each file's name, size, times of change
    and inode, the day (a check says when publishing would be late) and packbuilder's version.
    The inode and the status change time (ctime, which nothing can set back) tell apart a file
    put back with its old modification time (a sync, `cp -p`): same name, size and mtime, other
    content. Uploads replace a file by renaming a new one onto it: a new inode."""
    from packbuilder import __version__

    said = [__version__, library.today().isoformat()]
    for path in inputs(slug):
        try:
            st = path.stat()
        except OSError:
            continue  # (removed meanwhile: the next look sees it gone)
        said.append(f"{path.name}|{st.st_size}|{st.st_mtime_ns}|{st.st_ctime_ns}|{st.st_ino}")
    return hashlib.sha256("\n".join(said).encode()).hexdigest()


def _check_file(slug: str) -> Path:
    return data() / "checks" / f"{slug}.json"


def kept_check(slug: str) -> tuple[str, library.CheckResult] | None:
    """The last check of the meeting kept (`keep_check`): the `inputs_key` it was made for,
    and what it found. None if there is none."""
    try:
        record = json.loads(_check_file(slug).read_text(encoding="utf-8"))
        result = library.CheckResult.from_record(record["result"])
        key = str(record["key"])
    except (OSError, ValueError, KeyError, TypeError):
        return None
    return (key, result) if result is not None else None


def keep_check(slug: str, key: str, result: library.CheckResult) -> None:
    """Keep a check of the meeting's files as they were (`inputs_key`), replacing the last."""
    path = _check_file(slug)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{slug}-")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            json.dump({"key": key, "result": result.as_record()}, out)
        os.replace(tmp, path)  # (a reader sees the last check or this one, never half of one)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


class UploadRefused(Exception):
    """An upload that is not kept; the message says why, naming the file."""


def sniff(name: str, head: bytes) -> None:
    """Refuse content that is not what its extension says (or a kind the library cannot read)."""
    suffix = Path(name).suffix.lower()
    if suffix == ".pdf":
        # readers accept %PDF- anywhere in the first kilobyte
        if b"%PDF-" not in head[:1024]:
            raise UploadRefused(f"{name}: this is not a PDF file; save it as PDF and try again")
        return
    if suffix not in SIGNATURES:
        raise UploadRefused(f"{name}: the file must be {KINDS}")
    if not head.startswith(SIGNATURES[suffix]):
        raise UploadRefused(
            f"{name}: the content is not a {suffix} file; open it in Word or Excel and save it "
            f"as {suffix} again"
        )


def save_upload(slug: str, name: str, chunks) -> Path:  # type: ignore[no-untyped-def]
    """Write an uploaded file into the meeting folder, replacing a file of the same name
    atomically. Refuses names that would leave the folder, and content of the wrong type."""
    folder = meeting_folder(slug)
    if name != Path(name).name or name in ("", ".", "..") or name.startswith((".", "~")):
        raise UploadRefused(f"{name!r}: give the file a plain name (no folders, no leading dot)")
    try:
        dest = library.upload_path(folder, name)
    except library.PackError as exc:
        raise UploadRefused(str(exc)) from None
    if dest.parent.resolve() != folder.resolve():
        raise UploadRefused(f"{name!r}: the file must go in the meeting folder itself")
    folder.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=".upload-")
    try:
        with os.fdopen(fd, "wb") as out:
            head = b""
            for chunk in chunks:
                if len(head) < 1024:
                    head += chunk[: 1024 - len(head)]
                out.write(chunk)
        sniff(name, head)
        os.replace(tmp, dest)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    return dest


def remove_input(slug: str, name: str) -> None:
    """Remove the input `name` (one `inputs` lists) from the meeting folder."""
    path = next((p for p in inputs(slug) if p.name == name), None)
    if path is None:
        raise FileNotFoundError(name)
    path.unlink()


def snapshot(slug: str, number: int) -> Path:
    """Keep the latest build (the draft in published/<meeting>/draft) as version `number`: hard
    links, as the library replaces packs by renaming, never by writing into them (and removes
    a draft, once published, by unlinking it)."""
    src = library.drafts(published_folder(slug))
    dest = version_folder(slug, number)
    dest.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(dir=dest.parent, prefix=f".{number}-"))
    try:
        for name in library.pack_files(src, slug):  # a version's files sit side by side
            flat = Path(name).name
            try:
                os.link(src / name, tmp / flat)
            except OSError:
                shutil.copy2(src / name, tmp / flat)
        tmp.rename(dest)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return dest


def page_image(slug: str, number: int, file: str, page: int) -> Path | None:
    """A PNG of one page of a version's pack (pdftoppm), made once; None past the last page."""
    out = preview_folder(slug, number) / file / f"{page}.png"
    if out.is_file():
        return out
    pdf = served(slug, number, file)
    if not pdf.is_file():
        return None
    out.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=out.parent) as tmp:
        subprocess.run(
            ["pdftoppm", "-png", "-r", "60", "-f", str(page), "-l", str(page), "-singlefile",
             str(pdf), f"{tmp}/page"],
            check=False, capture_output=True, timeout=60,
        )  # fmt: skip
        made = Path(tmp) / "page.png"
        if not made.is_file():
            return None
        os.replace(made, out)
    return out
