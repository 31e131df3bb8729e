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

import dataclasses
import datetime as dt
import difflib
import hashlib
import html
import json
import re
import zipfile
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

from packbuilder import exclusion, frontsheet
from packbuilder.dates import long_date
from packbuilder.layout import Layout
from packbuilder.model import Meeting, Paper
from packbuilder.plan import PackSpec
from packbuilder.render import rendered_key
from packbuilder.templates import SHIPPED, find_template

# The words packbuilder writes on a frontsheet (`frontsheet.WORDING`), as a number a record
# keeps with each version's content key (`Version.words`): 1, the release before
# (`frontsheet.EARLIER_WORDING`) and packbuilder 0.2's; 2, this release's.
WORDS = 2


@dataclass(frozen=True)
class Version:
    """One published version of a pack, as the output folder's record keeps it."""

    number: int
    published: dt.date
    content: str  # the content key
    sha256: str  # of the file as published
    file: str  # where it is now, relative to the meeting's output folder
    # in whose words its content key was taken (`WORDS`): a key taken in this release's words
    # needs no rendering of the frontsheet in an earlier release's (`build._earlier_keys`)
    words: int = 1

    def as_record(self) -> dict[str, Any]:
        record: dict[str, Any] = {
            "version": self.number,
            "published": self.published.isoformat(),
            "content": self.content,
            "sha256": self.sha256,
            "file": self.file,
        }
        if self.words != 1:
            record["words"] = self.words
        return record

    @classmethod
    def from_record(cls, data: Mapping[str, Any]) -> Version:
        """Raises ValueError for a record that is not one packbuilder wrote: among others, a
        file outside the output folder (a record edited or copied from elsewhere must not
        make a build archive, replace or withdraw a file anywhere else)."""
        file = str(data["file"])
        parts = PurePosixPath(file).parts
        if not parts or parts[0] == "/" or ".." in parts or "\\" in file or ":" in parts[0]:
            raise ValueError(f"not a file of the output folder: {file!r}")
        return cls(
            int(data["version"]),
            dt.date.fromisoformat(str(data["published"])),
            str(data["content"]),
            str(data["sha256"]),
            file,
            _words(data.get("words")),
        )


def _words(value: object) -> int:
    """A record's `Version.words`: 1 (an earlier release's) when it says none, or nothing sane."""
    return value if isinstance(value, int) and not isinstance(value, bool) and value >= 1 else 1


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
    draft: bool = False  # a draft to check (`build(draft=True)`): published by no one

    @property
    def published_line(self) -> str:
        """The frontsheet's "Published" text."""
        if self.draft:
            return f"not yet: this is a DRAFT to check, made {long_date(self.published)}"
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


def edition(  # noqa: PLR0913
    current: Version | None,
    key: str,
    today: dt.date,
    intact: bool,
    withdrawn: Sequence[Version] = (),
    history: Sequence[Version] = (),
    legacy: str | Sequence[str] | None = None,
) -> Edition:
    """This build's edition of a pack whose current version is `current`.

    Args:
        key: the content key of the pack this build would make.
        intact: the current version's file is still in place, unaltered.
        withdrawn: for a pack with no current version, the versions it goes on from
            (`publish.earlier_versions`): it is the next version after them, published today.
        history: the versions before the current one.
        legacy: the content key as an earlier packbuilder took it (`legacy_pack_content`), or
            took it in its own words (`frontsheet.EARLIER_WORDING`), or several: the current
            version recorded by it, with such a key, is the same pack.
    """
    earlier_keys = (legacy,) if isinstance(legacy, str) else tuple(legacy or ())
    if current is None and withdrawn:
        last = max(withdrawn, key=lambda v: (v.published, v.number))
        return Edition(max(v.number for v in withdrawn) + 1, today, last, unchanged=False)
    if current is None:
        return Edition(1, today, None, unchanged=False)
    if current.content == key or current.content in earlier_keys:
        # same content: same version and date; written again only if its file went missing
        replaced = history[-1] if history and current.number > 1 else None
        return Edition(current.number, current.published, None, intact, replaced)
    return Edition(current.number + 1, today, current, unchanged=False)


def archive_name(pack: str, version: int) -> str:
    stem = pack[:-4] if pack.lower().endswith(".pdf") else pack
    return f"{stem}.v{version}.pdf"


def history_line(
    label: str, history: Sequence[Version], current: Version, private: bool = False
) -> str:
    """One line of a pack's history for `status`: "Agenda pack: version 2 published ..."; a
    private pack is dated, never published (a new user's review: "published" read as if it
    had gone on the website)."""
    verb = "dated" if private else "published"
    tail = " (for members only; never for the website)" if private else ""
    if not history:
        return f"{label}: {verb} {long_date(current.published)}{tail}"
    earlier = ", ".join(f"v{v.number} {long_date(v.published)}" for v in history)
    return (
        f"{label}: version {current.number} {verb} {long_date(current.published)} "
        f"(earlier: {earlier}){tail}"
    )


def pack_content(
    meeting: Meeting,
    spec: PackSpec,
    layout: Layout,
    hashes: Callable[[Path], str],
    front: Path,
    rendered: Mapping[Path, Path],
) -> str:
    """The content key of the pack `spec` lays out: what its frontsheet shows (the document
    rendered with the published line left out, `frontsheet.PUBLISHED_PLACEHOLDER`), and everything
    its numbered pages are made of: each item with papers (number, title, exempt paragraph: its
    parts, stamps and markings), each paper under its item (its title, which its bookmark and
    structure show, its bytes, and for a data paper the document it fills: `rendered`), where
    each lands (pages, fillers), and the document's title and author. A paper renamed, or moved
    to another item with the page ranges unchanged, is a new version.

    What a document shows is taken from the rendered document, not from the data and template
    that make it: a packbuilder upgrade that saves its templates again, or gives them a value
    this meeting does not use, makes the same documents, and so no new version of a published
    pack (whose date is a legal fact).

    A draft's marks (DRAFT on every page and in its title, its "Published not yet" line) are not
    part of it: a draft and the pack built to publish from the same files have the same key, so
    publishing a draft that was checked (`release`) makes the pack checked, and refuses one
    whose files changed since."""

    def paper(p: Paper) -> list[str | None]:
        return [
            p.title,
            hashes(p.file),
            rendered_key(rendered[p.path]) if p.path in rendered else None,
        ]

    return content_key(
        {"frontsheet": rendered_key(front), **_numbered(meeting, spec, layout, paper)}
    )


def _numbered(
    meeting: Meeting, spec: PackSpec, layout: Layout, paper: Callable[[Paper], list[str | None]]
) -> dict[str, Any]:
    """The parts of a content key that decide the numbered pages and the document's metadata: each
    item with papers, each paper as `paper` gives it, where each lands."""
    return {
        "label": spec.label,
        "private": spec.private,
        "document": [meeting.pack_title, meeting.body],
        "items": [
            {
                "number": item.number,
                "title": item.title,
                "exempt": exclusion.key(item.exemption),
                "papers": [paper(p) for p in item.papers],
                "placed": [[d.first, d.pages] for d in placed.documents],
                "filler": placed.filler_after,
            }
            for item, placed in zip(spec.included, layout.items, strict=True)
        ],
    }


def pack_summary(
    spec: PackSpec,
    layout: Layout,
    hashes: Callable[[Path], str],
    rendered: Mapping[Path, Path],
    front: Path | None = None,
) -> dict[str, Any]:
    """What a reader of a new version wants told (`changes`): the pack's numbered pages, each
    item with papers, each paper by its title with its pages and a hash of what it is made of,
    and the text of its frontsheet (`front`, as rendered without its published line), a line a
    paragraph. Kept in the output folder's record beside the version."""
    return {
        "front": frontsheet_lines(front) if front is not None else None,
        "pages": layout.total,
        "items": [
            {
                "number": item.number,
                "title": item.title,
                "papers": [
                    [
                        p.title,
                        rendered_key(rendered[p.path]) if p.path in rendered else hashes(p.file),
                        d.pages,
                    ]
                    for p, d in zip(item.papers, placed.documents, strict=False)
                ],
            }
            for item, placed in zip(spec.included, layout.items, strict=True)
        ],
    }


_PARAGRAPH_END = re.compile(rb"</w:p>|<w:tc\b")
_RUN_TEXT = re.compile(rb"<w:t(?:\s[^>]*)?>([^<]*)</w:t>|<w:(?:tab|br)\b[^>]*/>")


def frontsheet_lines(front: Path) -> list[str]:
    """The text of a rendered frontsheet (.docx), a line a paragraph or table cell, blank ones
    left out (empty if it cannot be read)."""
    try:
        with zipfile.ZipFile(front) as z:
            xml = z.read("word/document.xml")
    except (OSError, KeyError, zipfile.BadZipFile):
        return []
    lines = []
    for part in _PARAGRAPH_END.split(xml):
        words = [m[1] if m[1] is not None else b" " for m in _RUN_TEXT.finditer(part)]
        line = " ".join(html.unescape(b"".join(words).decode("utf-8", "replace")).split())
        if line:
            lines.append(line)
    return lines


# a frontsheet line that is only an item's page range: told by the papers' changes, not again
_PAGE_RANGE = re.compile(r"\(?Pages? [\d\s\u2013-]+\)?")
_MOST = 6  # frontsheet lines told, at most


def _front_changes(before: object, after: object, items_moved: bool) -> list[str]:
    """The lines of the frontsheet that changed, as "'old' is now 'new'", "'new' added" or
    "'old' taken out" (page ranges apart); past `_MOST`, how many more. `items_moved`: items
    were added or taken out, and said so: lines only added or only taken out are theirs."""
    if not isinstance(before, list) or not isinstance(after, list) or before == after:
        return []
    said = []
    matcher = difflib.SequenceMatcher(a=before, b=after, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        old = [x for x in before[i1:i2] if not _PAGE_RANGE.fullmatch(str(x))]
        new = [x for x in after[j1:j2] if not _PAGE_RANGE.fullmatch(str(x))]
        if tag == "equal":
            continue
        said += [f"{a!r} is now {b!r}" for a, b in zip(old, new, strict=False)]
        if not items_moved:
            said += [f"{b!r} added" for b in new[len(old) :]]
            said += [f"{a!r} taken out" for a in old[len(new) :]]
    lines = [f"frontsheet: {line}" for line in said[:_MOST]]
    if len(said) > _MOST:
        lines.append(f"frontsheet: and {len(said) - _MOST} more lines changed")
    return lines


def changes(before: Mapping[str, Any] | None, after: Mapping[str, Any]) -> list[str]:
    """What a new version changed against the one it replaces, a line each, as an advisor would
    say it: items and papers added, taken out or replaced, the numbered pages' count, and the
    frontsheet's lines that changed; or that only the frontsheet changed, when its lines were
    not kept. Empty when the earlier version's summary is not known (a record written before
    summaries were kept)."""
    try:
        old = {str(i["number"]): i for i in before["items"]} if before else None
        new = {str(i["number"]): i for i in after["items"]}
        if old is None:
            return []
        out = [_item_change(n, old.get(n), new.get(n)) for n in dict.fromkeys([*old, *new])]
        lines = [line for line in out if line]
        was, now = int(before["pages"]), int(after["pages"])  # type: ignore[index]
    except (KeyError, TypeError, ValueError):
        return []
    if was != now:
        lines.append(f"numbered pages: {was} before, {now} now ({now - was:+d})")
    moved = set(old) != set(new)
    lines += _front_changes(before.get("front"), after.get("front"), moved)  # type: ignore[union-attr]
    return lines or ["the frontsheet only (the papers and their pages are as they were)"]


@dataclass(frozen=True)
class Compared:
    """What a draft changes against a pack it may replace (`draft_changes`): `against` names
    that pack in an advisor's words, after "what changed since" ("the pack published on
    Thursday 20 February 2020"), each line says one change (`changes`)."""

    against: str
    lines: tuple[str, ...]

    def as_record(self) -> dict[str, Any]:
        return {"against": self.against, "lines": list(self.lines)}

    @classmethod
    def from_record(cls, data: Any) -> Compared | None:
        """The comparison a record keeps, or None if it is not one."""
        try:
            return cls(str(data["against"]), tuple(str(line) for line in data["lines"]))
        except (KeyError, TypeError):
            return None


@dataclass(frozen=True)
class Earlier:
    """A pack a draft is compared with: its content key and summary (`pack_summary`; None when
    its record keeps none), and what it is, in words (`Compared.against`)."""

    against: str
    key: str
    summary: Mapping[str, Any] | None


NOTHING_PUBLISHED = "the last publication"  # (when no version of the pack is public now)
# a private pack is never published: members are given the one made when the public packs are
# published (`release`), so a draft of it is compared with that, and called so
NOTHING_FOR_MEMBERS = "the members' pack of the last publication"


def members_pack(published: dt.date) -> str:
    """What the private pack made when the papers were published on `published` is, in words
    (`Compared.against`): made for members, never published."""
    return f"the members' pack made when the papers were published on {long_date(published)}"


def draft_changes(
    key: str,
    summary: Mapping[str, Any],
    published: Earlier | None,
    previous: Earlier | None,
    *,
    private: bool = False,
    reworded: bool = False,
) -> tuple[Compared, ...]:
    """What a draft to check changes: against the version of the pack published now, which
    publishing the draft would replace (or that none is), and against the draft made before it,
    if there was one. A draft is no version, so a build's `changes` say nothing of it; an
    advisor checking a draft asks what it changes in what the public has, and in what was
    checked last. The same content key is "nothing"; the same words as a new version's.

    Args:
        key: the draft's content key (`pack_content`: its marks left out, so a draft of what is
            published has the published pack's key).
        summary: the draft's `pack_summary`.
        published: for a private pack (`private`), the members' pack made when the papers
            were last published: a private pack is not published, and is not called so.
        reworded: `published` is this draft in the words of the packbuilder that made it
            (`frontsheet.EARLIER_WORDING`): publishing the draft leaves it as it is.
    """
    out = []
    if published is None and private:
        none = "no members' pack has been made yet (one is made, not published, when the "
        none += "public packs are published): all of it would be new"
        out.append(Compared(NOTHING_FOR_MEMBERS, (none,)))
    elif published is None:
        none = "no version of this pack is published now: all of it would be new"
        out.append(Compared(NOTHING_PUBLISHED, (none,)))
    else:
        same = "nothing: it is the pack published, page for page (publishing it makes no "
        same += "new version)"
        if private:
            same = "nothing: it is the members' pack made then, page for page"
        if reworded:  # (the draft is in this release's words; what is published stays)
            same = (
                "nothing but packbuilder's own words on the frontsheet, which the pack "
                "published keeps: publishing it makes no new version"
            )
            published = dataclasses.replace(published, key=key)
        out.append(Compared(published.against, _compared(key, summary, published, same)))
    if previous is not None:
        same = "nothing: it is that draft again, page for page"
        out.append(Compared(previous.against, _compared(key, summary, previous, same)))
    return tuple(out)


def _compared(key: str, summary: Mapping[str, Any], earlier: Earlier, same: str) -> tuple[str, ...]:
    if key == earlier.key:
        return (same,)
    said = changes(earlier.summary, summary)
    return tuple(said) or ("its papers or frontsheet (what they were is not recorded)",)


def supplement_regrouped(
    spec: PackSpec, current: Version, before: Mapping[str, Any] | None, after: Mapping[str, Any]
) -> str:
    """The warning for a new version of a supplement already published whose items are not the
    same: a late paper given the number of a supplement that has perhaps been sent out (its
    Supplement cell left at 1) goes into a new version of it, where the clerk meant the next
    supplement. Not refused: a supplement built and not yet sent is rebuilt with the next paper
    as a matter of course; the record knows what was published, not what was sent. "" when the
    items are the same, or the version's summary is not known."""
    number = spec.supplement
    if number is None or before is None:
        return ""
    try:
        old = [str(i["number"]) for i in before["items"]]
        new = [str(i["number"]) for i in after["items"]]
    except (KeyError, TypeError):
        return ""
    added = [n for n in new if n not in old]
    gone = [n for n in old if n not in new]
    if not added and not gone:
        return ""
    said = []
    for item in spec.included:
        if item.number not in added:
            continue
        where = f", {item.supplement_cell.cell}," if item.supplement_cell else ""
        typed = "gives it" if item.supplement else "is blank, which means"
        said.append(
            f"item {item.number} is added to it (its Supplement cell{where} {typed} "
            f"Supplement {number})"
        )
    if gone:
        said.append(f"{_items(gone)} {'is' if len(gone) == 1 else 'are'} taken out of it")
    if added:
        cells = "its Supplement cell" if len(added) == 1 else "their Supplement cells"
        fix = (
            f"give {_items(added)} the next supplement number, {number + 1}, in {cells} and "
            "build again"
        )
    else:  # (perhaps moved to the next supplement, as the warning for an item added said)
        fix = "send this version too, saying that it replaces the one sent"
    return (
        f"Supplement {number} was published on {long_date(current.published)} (version "
        f"{current.number}, with {_items(old)}); {'; '.join(said)}, so this build makes a new "
        f"version {current.number + 1} of it. If Supplement {number} has already been sent out, "
        f"{fix}, so that it stays as it was sent"
    )


def _items(numbers: Sequence[str]) -> str:
    if len(numbers) == 1:
        return f"item {numbers[0]}"
    return f"items {', '.join(numbers[:-1])} and {numbers[-1]}"


def _item_change(number: str, old: Mapping[str, Any] | None, new: Mapping[str, Any] | None) -> str:
    if old is None and new is not None:
        return f"item {number}, {new['title']!r}: added, with {_papers(new['papers'])}"
    if new is None and old is not None:
        return f"item {number}, {old['title']!r}: its papers are no longer in this pack"
    assert old is not None and new is not None
    said = []
    if old["title"] != new["title"]:
        said.append(f"retitled (was {old['title']!r})")
    before = {p[0]: p for p in old["papers"]}
    after = {p[0]: p for p in new["papers"]}
    for title, paper in after.items():
        earlier = before.get(title)
        if earlier is None:
            said.append(f"{title!r} added ({_pages(paper[2])})")
        elif earlier[1] != paper[1]:
            said.append(f"{title!r} replaced ({_pages(earlier[2])} before, {_pages(paper[2])} now)")
    said += [f"{title!r} taken out" for title in before if title not in after]
    return f"item {number}, {new['title']!r}: {'; '.join(said)}" if said else ""


def _papers(papers: Sequence[Sequence[Any]]) -> str:
    names = ", ".join(f"{p[0]!r} ({_pages(p[2])})" for p in papers)
    return names or "no papers"


def _pages(n: object) -> str:
    return "1 page" if n == 1 else f"{n} pages"


# The shipped templates as packbuilder 0.2's first releases had them (sha256 of their bytes): the
# keys they recorded hashed these (`legacy_pack_content`).
LEGACY_TEMPLATES = {
    "agenda": "98b18c394566b0b36d6a2934eb7f59bc5c70b54d6771e8c8868e21511c5253d0",
    "supplement": "3b1401048e4b13da848febabfaaba346702baf914fc0d8c6a382668bbb02180a",
    "minutes": "abcce76e8c2f657909906adc141ff833c85b5a045a1c823382d1b174795e0278",
    "commissioning-plan": "edd0716d41c5d5a6af88c4dab929c982c106483cdfe30c9024be2822832ed498",
    "evaluation-return": "43d522313d73e641ee67a8e7549b3433829aebb28f62bd6a3320ad00c76963c8",
    "performance-report": "54d692247cfbd8fd80ae78eb2ec850d81630d9df80749b55b386cbc48ac0ac67",
}


# The frontsheet's values as packbuilder 0.2's first releases gave them (`frontsheet.context`).
LEGACY_CONTEXT = frozenset(
    [
        "body",
        "chair",
        "contact",
        "date",
        "end",
        "extra",
        "has_exempt",
        "items",
        "lead_heading",
        "paperwork_marker",
        "private",
        "published",
        "purpose_heading",
        "start",
        "style",
        "supplement",
        "supplement_items",
        "supplement_word",
        "table_style",
        "time",
        "title",
        "total_pages",
        "venue",
        "withheld_items",
        "withheld_word",
    ]
)


LEGACY_ROW = frozenset(
    [
        "exclusion",
        "exempt",
        "exempt_note",
        "kind",
        "lead",
        "minutes",
        "note",
        "notes",
        "number",
        "number_label",
        "pages",
        "purpose",
        "star",
        "start",
        "status",
        "time",
        "title",
    ]
)


TIMES = ("start", "time", "minutes")  # a frontsheet row's times


def _legacy_rows(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The frontsheet's rows as packbuilder 0.2's first releases gave them: the exclusion
    resolution, now a row of its own, was the `exclusion` of the item after it; times had
    ordinary spaces, where "am", "pm" and "mins" are now held to their number
    (`frontsheet.unbroken`)."""
    out: list[dict[str, Any]] = []
    resolution = ""
    for row in rows:
        if row["kind"] == "exclusion":
            resolution = row["exclusion"]
            continue
        row = {**row, **{k: row[k].replace("\u00a0", " ") for k in TIMES if k in row}}
        out.append({**row, "exclusion": resolution} if resolution else row)
        resolution = ""
    return out


def legacy_pack_content(
    meeting: Meeting, spec: PackSpec, layout: Layout, hashes: Callable[[Path], str]
) -> str:
    """The content key as packbuilder 0.2's first releases took it (from the frontsheet's data and
    the templates' bytes): a pack they published, rebuilt unchanged by this one, is known to be
    the same pack, not made a new version by the upgrade (`edition`'s `legacy`); the record then
    keeps the key `pack_content` takes. A meeting's own template is hashed as it is; a shipped
    one as it was then (`LEGACY_TEMPLATES`), and the frontsheet's data as it was then
    (`LEGACY_CONTEXT`)."""
    # (in the words packbuilder wrote then: `frontsheet.EARLIER_WORDING`)
    front = frontsheet.context(meeting, spec, layout, "", frontsheet.EARLIER_WORDING)
    # the frontsheet's data as it was then: values added since left out (`details` only when
    # empty: a meeting that has some shows them now, which is a change)
    front = {k: v for k, v in front.items() if k in LEGACY_CONTEXT or (k == "details" and v)}
    if "details" in front:  # (each as typed: its paragraphs and bullets came later)
        front["details"] = [{"label": d["label"], "value": d["value"]} for d in front["details"]]
    front.pop("published", None)
    front["items"] = [
        {k: v for k, v in row.items() if k in LEGACY_ROW} for row in _legacy_rows(front["items"])
    ]
    templates = {frontsheet.template_name(spec)} | {
        p.template for item in spec.included for p in item.papers if p.template
    }
    found = {name: find_template(name, meeting.folder) for name in sorted(templates)}

    def template_hash(name: str, path: Path | None) -> str | None:
        if path is None:
            return None
        if path.parent == SHIPPED and name in LEGACY_TEMPLATES:
            return LEGACY_TEMPLATES[name]
        return hashes(path)

    return content_key(
        {
            "frontsheet": front,
            **_numbered(meeting, spec, layout, lambda p: [p.title, hashes(p.file)]),
            "templates": {n: template_hash(n, t) for n, t in found.items()},
        }
    )
