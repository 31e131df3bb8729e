"""Office files are zip archives: check one before any of its XML is read.

A damaged archive, a zip bomb (an archive declaring far more unpacked bytes than any real workbook
or report) and a zip that holds no Office document at all are each refused with one line saying what
to do, the same way for workbooks and Word files.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

from packbuilder.errors import InputError, Source

MAX_UNZIPPED_BYTES = 500 * 1024 * 1024


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
            total = sum(i.file_size for i in zf.infolist())
            names = set(zf.namelist())
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        raise InputError(damaged, src) from None
    if total > MAX_UNZIPPED_BYTES:
        raise InputError(
            f"this {what} declares more than 500 MB when unpacked (a 'zip bomb'?); refusing it as "
            "unsafe: ask for the file again",
            src,
        )
    if member not in names:
        raise InputError(not_office, src)
