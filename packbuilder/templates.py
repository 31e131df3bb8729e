"""Finding Word templates.

A meeting folder may carry its own ``templates/`` (a body's restyled house templates); otherwise the
folder named by ``PACKBUILDER_TEMPLATES``; otherwise the templates shipped inside the package, in
``packbuilder/templates/`` as package data, so that a wheel or ``pip install .`` carries them.
"""

from __future__ import annotations

from pathlib import Path

from packbuilder.settings import Settings, settings

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
