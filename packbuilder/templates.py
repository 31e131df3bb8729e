"""Finding Word templates.

A meeting folder may carry its own ``templates/`` (a body's restyled house templates); otherwise the
folder named by ``PACKBUILDER_TEMPLATES``; otherwise the templates shipped inside the package, in
``packbuilder/templates/`` as package data, so that a wheel or ``pip install .`` carries them.
"""

from __future__ import annotations

import os
from pathlib import Path

from packbuilder.errors import InputError, Source
from packbuilder.settings import Settings, settings
from packbuilder.snapshots import inside, real_path

SHIPPED = Path(__file__).resolve().parent / "templates"


def template_dirs(
    meeting_folder: Path | None = None, settings_: Settings | None = None
) -> list[Path]:
    """Where templates are searched, first first (`settings_` default: the process's)."""
    dirs = []
    if meeting_folder is not None:
        dirs.append(meeting_folder / "templates")
    override = (settings_ or settings()).templates_dir
    if override is not None:
        dirs.append(override)
    dirs.append(SHIPPED)
    return dirs


def find_template(name: str, meeting_folder: Path | None = None) -> Path | None:
    if len(name) > 100 or "/" in name or "\\" in name or name.startswith("."):
        return None  # not a template's name (and no path may climb out of templates/)
    for d in template_dirs(meeting_folder):
        candidate = d / f"{name}.docx"
        try:
            if candidate.is_file():
                return candidate
        except OSError:  # a name the file system cannot take
            continue
    return None


def read_template(template: Path) -> bytes:
    """The bytes of a template `find_template` found, read from the file opened, which must
    really be where it was found. A meeting's own template (``<meeting>/templates/<name>.docx``)
    must be a file of that very folder: not a link to a Word file elsewhere on the machine, nor to
    a paper of the meeting (an exempt item's, say, which would be filled and published), whatever
    its name or its folder's name points to; a hard link (a file with another name too) is
    refused for the same reason.

    Raises:
        InputError: naming the template.
        OSError: it cannot be read.
    """
    with open(template, "rb") as fh:
        where = real_path(fh.fileno(), template)
        if not any(inside(where, d) for d in template_dirs()):
            own = template.parent.parent.resolve() / template.parent.name
            if where.parent != own or os.fstat(fh.fileno()).st_nlink > 1:
                raise InputError(
                    f"template {template.name} is a link to another file; put the template "
                    "itself (a copy, not a shortcut) in the meeting's templates folder",
                    Source(template),
                )
        return fh.read()
