"""Office files are zip archives: check one before any of its XML is read.

A damaged archive, a zip bomb and a zip that holds no Office document at all are each refused with
one line saying what to do, the same way for workbooks and Word files.

A zip bomb is an archive that unpacks to far more than any real workbook or report. Its central
directory may declare the true size (easy to refuse) or lie about it: the sizes in a zip are only
claims, and a library that trusts them inflates gigabytes. So every member is inflated here, in
chunks, counting the bytes that actually come out, and the count stops at a cap: checking costs at
most the cap in time (a second or two) and one chunk in memory, whatever the archive says.
"""

from __future__ import annotations

import hashlib
import re
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO

from packbuilder.errors import InputError, Source

MAX_UNZIPPED_BYTES = 500 * 1024 * 1024
# the XML that the readers (openpyxl, LibreOffice) turn into objects costs far more memory than
# its size: a real meeting workbook or report holds well under 1 MB of it
MAX_XML_BYTES = 60 * 1024 * 1024
# openpyxl holds every cell of a workbook as an object (loaded twice: values and formulas), so its
# XML is capped lower: 20 MB is some 300,000 cells, far beyond a meeting's workbooks
MAX_WORKBOOK_XML_BYTES = 20 * 1024 * 1024
# openpyxl makes an object for every cell of a merged range: one range over a whole sheet would be
# 17 billion of them
MAX_MERGED_CELLS = 100_000
# and every cell costs openpyxl time and memory twice over: 100,000 is hundreds of times a real
# meeting workbook, and reads in seconds
MAX_CELLS = 100_000
CHUNK = 1024 * 1024
_CELL = re.compile(rb"<(?:\w+:)?c[\s>/]")
_MERGE = re.compile(rb'<(?:\w+:)?mergeCell\s+ref="([A-Z]{1,3})(\d{1,7}):([A-Z]{1,3})(\d{1,7})"')


class TooBig(Exception):
    """The archive unpacks to more than a cap allows."""


def check_office_zip(
    path: Path, src: Source, *, what: str, member: str, damaged: str, not_office: str
) -> None:
    """Refuse `path` unless it is a readable zip of sane size holding `member`.

    Args:
        what: the file as the user knows it ("workbook", "Word file").
        member: the archive member every such document has (e.g. ``xl/workbook.xml``).
        damaged, not_office: the messages for a damaged archive and for a zip without `member`.
    """
    try:
        with zipfile.ZipFile(path) as zf:
            infos = zf.infolist()
            names = {i.filename for i in infos}
            if member not in names:
                renamed = _renamed(zf, names, path)
                if renamed is not None:
                    raise InputError(renamed, src)
                raise InputError(not_office, src)
            declared = sum(i.file_size for i in infos)
            if declared > MAX_UNZIPPED_BYTES:
                raise TooBig
            workbook = member == "xl/workbook.xml"
            _inflate_all(zf, infos, MAX_WORKBOOK_XML_BYTES if workbook else MAX_XML_BYTES, src)
    except InputError:
        raise
    except TooBig:
        text_cap = MAX_WORKBOOK_XML_BYTES if member == "xl/workbook.xml" else MAX_XML_BYTES
        raise InputError(
            f"this {what} unpacks to more than a real one ever holds (more than 500 MB, or more "
            f"than {text_cap // 2**20} MB of text; a 'zip bomb'?); refusing it as unsafe: ask "
            "for the file again",
            src,
        ) from None
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError, KeyError):
        raise InputError(damaged, src) from None
    except Exception:  # noqa: BLE001 - zlib and zipfile raise odd things on hostile archives
        raise InputError(damaged, src) from None


# what an office file really is: by the part only that kind has, or OpenDocument's mimetype
_PARTS = {
    "word/document.xml": "a Word document (.docx)",
    "xl/workbook.xml": "an Excel workbook (.xlsx)",
    "ppt/presentation.xml": "a PowerPoint presentation (.pptx)",
}
_OPENDOCUMENT = {
    b"application/vnd.oasis.opendocument.text": "an OpenDocument text (.odt)",
    b"application/vnd.oasis.opendocument.spreadsheet": "an OpenDocument spreadsheet (.ods)",
    b"application/vnd.oasis.opendocument.presentation": "an OpenDocument presentation (.odp)",
}


def _renamed(zf: zipfile.ZipFile, names: set[str], path: Path) -> str | None:
    """The message for an office file of another kind given this file's name (an .odt or a
    .pptx renamed .docx, a .docx renamed .xlsx): what it really is, not only what it is not."""
    kind = next((k for part, k in _PARTS.items() if part in names), None)
    if kind is None and "mimetype" in names and zf.getinfo("mimetype").file_size < 100:
        kind = _OPENDOCUMENT.get(zf.read("mimetype").strip())
    if kind is None:
        return None
    suffix = path.suffix.lower()
    return (
        f"this {suffix} file is really {kind}, renamed; put the right file in its place, or "
        f"open this one and save it as {suffix}"
    )


def _inflate_all(
    zf: zipfile.ZipFile, infos: list[zipfile.ZipInfo], max_xml: int, src: Source
) -> None:
    """Inflate every member, counting what comes out; stop at the caps."""
    total = xml = cells = 0
    for info in infos:
        sheet = info.filename.startswith("xl/worksheets/")
        tail = b""
        with zf.open(info) as fh:
            for chunk in _chunks(fh):
                total += len(chunk)
                if _is_xml(info.filename):
                    xml += len(chunk)
                if total > MAX_UNZIPPED_BYTES or xml > max_xml:
                    raise TooBig
                if sheet:
                    cells += len(_CELL.findall(chunk))
                    if cells > MAX_CELLS:
                        raise InputError(
                            f"this workbook has more than {MAX_CELLS:,} filled cells (a meeting's "
                            "workbook has hundreds); is it the right file? Delete what the meeting "
                            "does not need and save it again",
                            src,
                        )
                    tail = _check_merges(tail + chunk, src)


def _check_merges(data: bytes, src: Source) -> bytes:
    """Refuse a merged range of more cells than any table; returns the tail to carry over."""
    for m in _MERGE.finditer(data):
        c1, r1, c2, r2 = m.groups()
        cells = (abs(_col(c2) - _col(c1)) + 1) * (abs(int(r2) - int(r1)) + 1)
        if cells > MAX_MERGED_CELLS:
            raise InputError(
                f"cells {c1.decode()}{r1.decode()}:{c2.decode()}{r2.decode()} of a sheet are "
                f"merged into one ({cells:,} cells); unmerge them and save the workbook again",
                src,
            )
    return data[-200:]


def _col(letters: bytes) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ch - 64
    return n


def _is_xml(name: str) -> bool:
    return name.lower().endswith((".xml", ".rels", ".vml"))


def _chunks(fh: IO[bytes]) -> Iterator[bytes]:
    """An opened member's bytes in chunks; the caller's `with` closes it, even when it stops
    early at a cap."""
    while chunk := fh.read(CHUNK):
        yield chunk


def read_member(path: Path, name: str, cap: int = MAX_XML_BYTES) -> bytes | None:
    """One member of an archive already passed by `check_office_zip`, or None if absent.

    Raises:
        TooBig: it unpacks to more than `cap` (whatever the archive declares).
    """
    with zipfile.ZipFile(path) as zf:
        try:
            info = zf.getinfo(name)
        except KeyError:
            return None
        out = bytearray()
        with zf.open(info) as fh:
            for chunk in _chunks(fh):
                out += chunk
                if len(out) > cap:
                    raise TooBig
        return bytes(out)


def member_names(path: Path) -> list[str]:
    with zipfile.ZipFile(path) as zf:
        return zf.namelist()


def content_digest(path: Path, skip: tuple[str, ...] = ()) -> str:
    """A hash of what an archive holds (names and unpacked bytes), not of how it was zipped.

    Two copies of one document zipped again (other dates, compression or member order) get the
    same digest; members whose names start with one of `skip` (metadata) are left out.
    """
    h = hashlib.sha256()
    with zipfile.ZipFile(path) as zf:
        for info in sorted(zf.infolist(), key=lambda i: i.filename):
            if info.filename.startswith(skip) or info.is_dir():
                continue
            h.update(info.filename.encode() + b"\0")
            with zf.open(info) as fh:
                for chunk in _chunks(fh):
                    h.update(chunk)
            h.update(b"\0")
    return h.hexdigest()
