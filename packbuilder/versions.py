"""Published versions of a pack: when a rebuild is the same pack, and when it is a new version.

Once a pack is published, the date on its frontsheet is a legal fact: an agenda published five
clear working days before the meeting must not look late because a supplement was added a week
later. So a pack is identified by its **content**: a hash of everything that decides what it shows
(the frontsheet's data apart from the published date, the bytes of every paper in it, the
templates). A rebuild whose content key matches the current version is the same pack: it is not
written again, so it stays byte for byte what was published. A pack whose content changed is a new
**version**, published on the day it was built, whose frontsheet says which version it revises; the
earlier version is kept in the archive. A supplement's key covers only its own items, so a later
supplement never rewrites an earlier one.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from packbuilder import frontsheet
from packbuilder.dates import long_date
from packbuilder.layout import Layout
from packbuilder.model import Meeting
from packbuilder.plan import PackSpec
from packbuilder.templates import find_template


@dataclass(frozen=True)
class Version:
    """One published version of a pack, as the output folder's record keeps it."""

    number: int
    published: dt.date
    content: str  # the content key
    sha256: str  # of the file as published
    file: str  # where it is now, relative to the meeting's output folder

    def as_record(self) -> dict[str, Any]:
        return {
            "version": self.number,
            "published": self.published.isoformat(),
            "content": self.content,
            "sha256": self.sha256,
            "file": self.file,
        }

    @classmethod
    def from_record(cls, data: Mapping[str, Any]) -> Version:
        return cls(
            int(data["version"]),
            dt.date.fromisoformat(str(data["published"])),
            str(data["content"]),
            str(data["sha256"]),
            str(data["file"]),
        )


@dataclass(frozen=True)
class Edition:
    """What this build makes of one pack: its version number and published date."""

    version: int
    published: dt.date
    revises: Version | None  # the current version this one replaces, if any
    unchanged: bool  # the same content as the current version: nothing to write
    # the version the current one replaced, when this is the current one again: its frontsheet
    # (made again if its file went missing) and HTML agenda say so, as when first published
    replaced: Version | None = None

    @property
    def published_line(self) -> str:
        """The frontsheet's "Published" text."""
        earlier = self.revises or self.replaced
        if earlier is None:
            return long_date(self.published)
        return (
            f"{long_date(self.published)} (version {self.version}, replacing the pack published "
            f"on {long_date(earlier.published)})"
        )


def content_key(parts: Mapping[str, Any]) -> str:
    """A stable hash of the parts that decide a pack's content (JSON-able values)."""
    text = json.dumps(parts, sort_keys=True, default=str, ensure_ascii=True)
    return hashlib.sha256(text.encode()).hexdigest()


def edition(
    current: Version | None,
    key: str,
    today: dt.date,
    intact: bool,
    withdrawn: Sequence[Version] = (),
    history: Sequence[Version] = (),
) -> Edition:
    """This build's edition of a pack whose current version is `current`.

    Args:
        key: the content key of the pack this build would make.
        intact: the current version's file is still in place, unaltered.
        withdrawn: for a pack with no current version, the versions it goes on from
            (`publish.earlier_versions`): it is the next version after them, published today.
        history: the versions before the current one.
    """
    if current is None and withdrawn:
        last = max(withdrawn, key=lambda v: (v.published, v.number))
        return Edition(max(v.number for v in withdrawn) + 1, today, last, unchanged=False)
    if current is None:
        return Edition(1, today, None, unchanged=False)
    if current.content == key:
        # same content: same version and date; written again only if its file went missing
        replaced = history[-1] if history and current.number > 1 else None
        return Edition(current.number, current.published, None, intact, replaced)
    return Edition(current.number + 1, today, current, unchanged=False)


def archive_name(pack: str, version: int) -> str:
    stem = pack[:-4] if pack.lower().endswith(".pdf") else pack
    return f"{stem}.v{version}.pdf"


def history_line(label: str, history: Sequence[Version], current: Version) -> str:
    """One line of a pack's history for `status`: "Agenda pack: version 2 published ..."."""
    if not history:
        return f"{label}: published {long_date(current.published)}"
    earlier = ", ".join(f"v{v.number} {long_date(v.published)}" for v in history)
    return (
        f"{label}: version {current.number} published {long_date(current.published)} "
        f"(earlier: {earlier})"
    )


def pack_content(
    meeting: Meeting, spec: PackSpec, layout: Layout, hashes: Callable[[Path], str]
) -> str:
    """The content key of the pack `spec` lays out: its frontsheet's data (not the published
    date), the templates that render its documents, and everything its numbered pages are made
    of: each item with papers (number, title, exempt paragraph: its parts, stamps and markings),
    each paper under its item (its title, which its bookmark and structure show, and its bytes),
    where each lands (pages, fillers), and the document's title and author. A paper renamed, or
    moved to another item with the page ranges unchanged, is a new version."""
    front = frontsheet.context(meeting, spec, layout, "")
    front.pop("published", None)
    templates = {frontsheet.template_name(spec)} | {
        p.template for item in spec.included for p in item.papers if p.template
    }
    found = {name: find_template(name, meeting.folder) for name in sorted(templates)}
    return content_key(
        {
            "frontsheet": front,
            "label": spec.label,
            "private": spec.private,
            "document": [meeting.pack_title, meeting.body],
            "items": [
                {
                    "number": item.number,
                    "title": item.title,
                    "exempt": item.exempt_paragraph,
                    "papers": [[p.title, hashes(p.file)] for p in item.papers],
                    "placed": [[d.first, d.pages] for d in placed.documents],
                    "filler": placed.filler_after,
                }
                for item, placed in zip(spec.included, layout.items, strict=True)
            ],
            "templates": {n: hashes(t) if t else None for n, t in found.items()},
        }
    )
