"""Tagged PDF: keeping every paper's structure in the pack, and checking that it holds together.

A tagged PDF carries, beside what is drawn, a *structure tree*: headings, paragraphs, lists, tables
and figures (with their alternative text) in reading order. Screen readers and reflow read that
tree, not the drawing. The drawing and the tree are tied together in two directions:

- on a page, each piece of real content is a marked-content sequence with a number, its MCID
  (``/P <</MCID 3>> BDC ... EMC``); MCIDs are per page;
- each structure element names the page (``/Pg``) and the MCIDs it owns (``/K``);
- the document's *parent tree* maps a page's ``/StructParents`` key to an array whose entry n is the
  element that owns MCID n on that page (and an annotation's ``/StructParent`` key to its element).

Content that is not part of the reading (page numbers, fillers, repeated markings, decorative
rules) is marked as an *artifact* instead, and belongs to no element.

qpdf, and therefore pikepdf's page copying, keeps the structure of no input (qpdf issue 490). A
merge that keeps it does what PDFBox's PDFMergerUtility does, per source: copy the pages; copy the
source's StructTreeRoot through the same foreign-object map, so that its ``/Pg`` and ``/Obj``
references land on the copied pages and annotations; add an offset (the pack's next free parent-tree
key) to the pages' ``/StructParents`` and the annotations' and form XObjects' ``/StructParent(s)``
and to the source's parent-tree keys (MCIDs never change); hang the source's elements under one
``/Document``, in a ``/Part`` per agenda item; and merge the role map, class map and ID tree,
renaming what clashes.

`check_structure` is the independent test of all that: every MCID on every page maps through the
parent tree to an element that claims it back on that page, and the reverse.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, cast

import pikepdf
from pikepdf import Array, Dictionary, Name, NumberTree, Pdf, String

from packbuilder.pdfopen import open_pdf

# Set in the document information of a converted PDF once `clean_converted` has run on it, so that
# a cached conversion is never cleaned twice.
CLEANED_MARK = Name("/PackbuilderTagsCleaned")
# ... with the level of its first heading once its gaps are closed (`level_headings`; 0: none), so
# that a pack knows it has a heading before its papers' (the frontsheet's title) without a walk.
HEADINGS_MARK = Name("/PackbuilderFirstHeading")
# ... with how many figures it has without alternative text, so that a build need not walk its
# structure tree again to know whether the pack may claim PDF/UA.
FIGURES_MARK = Name("/PackbuilderFiguresWithoutAlt")
# What `clean_converted` does, in the converters' versions (so in the conversion cache's keys): a
# conversion cached before it did more is converted and cleaned again ("h": heading levels).
CLEANING = ":h"
# How many sources a saved tree was merged from (so that a resumed merge renames clashes apart).
_SOURCES = Name("/PackbuilderSources")
# ... and the level of its papers' first heading (`StructureMerger.first_heading`).
_FIRST_HEADING = Name("/PackbuilderPapersFirstHeading")
_MCID = re.compile(rb"/MCID\s+(\d+)")

_PAINT = frozenset({"S", "s", "f", "F", "f*", "B", "B*", "b", "b*", "sh"})
_NOT_A_PATH = frozenset({"Tj", "TJ", "'", '"', "Do", "BI", "INLINE IMAGE", "BT", "ET", "q", "Q"})


# --- LibreOffice's untagged rules ----------------------------------------------------------------


def artifact_untagged_paths(pdf: Pdf, page: pikepdf.Page) -> int:
    """Mark each run of path painting outside any marked content as an ``/Artifact``.

    LibreOffice 7.4 draws paragraph borders and table rules outside marked content, which PDF/UA
    forbids (content must be tagged or an artifact). Rules and borders are decoration, so they
    become artifacts. Text and images outside marked content are left alone: hiding real content
    from a screen reader would be worse than failing the check. Returns how many runs it wrapped.
    """
    ops = pikepdf.parse_content_stream(page)
    # which runs to wrap, by where they are in `ops`: the instructions are read once each and
    # written back as they are (a 5-page frontsheet of 5,600 instructions took 30-90 ms when
    # each was taken apart and put together again)
    wraps: list[tuple[int, int]] = []
    depth, in_text, start = 0, False, -1
    for k, name in enumerate([str(instruction.operator) for instruction in ops]):
        if name in ("BDC", "BMC"):
            depth, start = depth + 1, -1
        elif name == "EMC":
            depth, start = max(depth - 1, 0), -1
        elif depth == 0 and not in_text and name not in _NOT_A_PATH:
            # path construction and painting, with the graphics state set up for it
            if start < 0:
                start = k
            if name in _PAINT:
                wraps.append((start, k))
            if name in _PAINT or name == "n":
                start = -1
        else:
            start = -1
            if name == "BT":
                in_text = True
            elif name == "ET":
                in_text = False
    if wraps:
        out: list[Any] = []
        done = 0
        for first, last in wraps:
            out += ops[done:first]
            out.append(([Name.Artifact], pikepdf.Operator("BMC")))
            out += ops[first : last + 1]
            out.append(([], pikepdf.Operator("EMC")))
            done = last + 1
        out += ops[done:]
        page.obj.Contents = pdf.make_stream(pikepdf.unparse_content_stream(out))
    return len(wraps)


def regroup_stray_list_items(pdf: Pdf) -> int:
    """Put each list item (LI) that is not in a list (L) back into the list just before it.

    LibreOffice 7.4 tags a list in a table cell that breaks across pages as an L holding the items
    on the first page, followed by the items of the next page loose in the cell (PDF/UA: an LI's
    parent must be an L). The MCIDs stay with their elements, so the parent tree is unchanged.
    Returns how many items it moved.
    """
    moved = 0
    tree = pdf.Root.get("/StructTreeRoot", Dictionary())
    for top in list(elements(tree.get("/K", Array()))):
        for e in list(walk(top)):
            if "/K" not in e or not isinstance(e.K, pikepdf.Array):
                continue
            kids = list(e.K)
            if not any(_is(k, "/LI") for k in kids) or str(e.S) == "/L":
                continue
            regrouped: list[pikepdf.Object] = []
            for kid in kids:
                if _is(kid, "/LI"):
                    if not (regrouped and _is(regrouped[-1], "/L")):
                        new = pdf.make_indirect(
                            Dictionary(Type=Name.StructElem, S=Name.L, P=e, K=Array())
                        )
                        regrouped.append(new)
                    lst = regrouped[-1]
                    if not isinstance(lst.K, pikepdf.Array):
                        lst.K = Array([lst.K])
                    lst.K.append(kid)
                    kid.P = lst
                    moved += 1
                else:
                    regrouped.append(kid)
            e.K = Array(regrouped)
    return moved


def _is(obj: object, role: str) -> bool:
    return isinstance(obj, pikepdf.Dictionary) and str(obj.get("/S")) == role


def clean_converted(path: Path) -> int:
    """Make a PDF that LibreOffice exported as tagged pass PDF/UA where LibreOffice 7.4 does not:
    untagged rules and borders become artifacts, stray list items go back into their lists, gaps
    in its heading levels are closed (`level_headings`, as a paper of a pack).

    The expensive part of making a pack accessible (every page's content is parsed), so it is
    meant to run once per converted document, before the conversion is cached; a PDF already
    cleaned is left as it is. The file is replaced atomically. Returns how many repairs it made.
    """
    with open_pdf(path) as pdf:
        tree = pdf.Root.get("/StructTreeRoot")
        if CLEANED_MARK in pdf.trailer.get("/Info", {}) or not isinstance(tree, Dictionary):
            return 0
        wrapped = sum(artifact_untagged_paths(pdf, page) for page in pdf.pages)
        wrapped += regroup_stray_list_items(pdf)
        pdf.docinfo[CLEANED_MARK] = True
        pdf.docinfo[FIGURES_MARK] = figures_without_alt(tree)
        first, closed = level_headings(headings_in(tree))
        pdf.docinfo[HEADINGS_MARK] = first
        wrapped += closed
        tmp = path.with_name(f".{path.name}.{os.getpid()}.clean")
        pdf.save(tmp)
    os.replace(tmp, path)
    return wrapped


# --- the structure of a pack ---------------------------------------------------------------------


def figures_without_alt(tree: pikepdf.Dictionary, top: pikepdf.Object | None = None) -> int:
    """How many figures (including types role-mapped to /Figure) under `top` (default: the whole
    tree) have neither /Alt nor /ActualText: images a screen reader cannot describe."""
    figures = _figure_kinds(tree)
    count = 0
    for start in elements(tree.get("/K", Array()) if top is None else top):
        for e in walk(start):
            if str(e.get("/S")) in figures and "/Alt" not in e and "/ActualText" not in e:
                count += 1
    return count


_NAME_END = rb"(?=[\s()<>\[\]{}/%]|$)"


def figures_without_alt_in(pdf: Pdf, texts: list[bytes]) -> int:
    """`figures_without_alt` of the whole of `pdf`'s structure tree, with `texts` (every object's
    text as qpdf writes it, `sanitize.object_texts`) searched first: a paper none of whose
    elements is a figure, or a type role-mapped to one, is not walked (the walk of a tagged
    table appendix's 70,000 elements costs a fifth of a second)."""
    tree = pdf.Root.get("/StructTreeRoot")
    if not isinstance(tree, pikepdf.Dictionary):
        return 0
    kinds = b"|".join(re.escape(Name(f).unparse()) for f in sorted(_figure_kinds(tree)))
    # an element's type as written; or given by reference, which is not followed here
    maybe = re.compile(rb"/S\s*(?:" + kinds + rb")" + _NAME_END + rb"|/S\s+\d+\s+\d+\s+R")
    if not maybe.search(b"\n".join(texts)):
        return 0
    return figures_without_alt(tree)


def _figure_kinds(tree: pikepdf.Dictionary) -> set[str]:
    """/Figure and the types the tree's role map maps to it, directly or through other types
    (/Chart -> /Graphic -> /Figure)."""
    roles = tree.get("/RoleMap")
    mapped = {k: str(v) for k, v in roles.items()} if isinstance(roles, pikepdf.Dictionary) else {}
    figures = {"/Figure"}
    while True:
        more = {k for k, v in mapped.items() if v in figures} - figures
        if not more:
            return figures
        figures |= more


# --- heading levels ------------------------------------------------------------------------------
#
# PDF/UA-1 (and the validator's PDFUA1-HEADING-NESTING-001) reads the numbered headings (/H1 to
# /H6) in the structure's order and refuses one more than a level deeper than the heading before
# it: a Heading 3 straight after a Heading 1, or a document that begins with a Heading 2. Officers'
# papers do that often (a heading style chosen for its look), and a screen reader's list of
# headings then has holes. A pack closes them (`level_headings`): a heading goes at most one level
# below the heading it comes under, so "1, 3, 5, 3" is read as "1, 2, 3, 2"; a paper whose levels
# have no gap keeps them as they are. What is printed does not change.


# the standard structure types of PDF 1.7 (ISO 32000-1, 14.8.4), which a role map may not remap
_STANDARD = """
Document Part Art Sect Div BlockQuote Caption TOC TOCI Index NonStruct Private P H H1 H2 H3 H4 H5
H6 L LI Lbl LBody Table TR TH TD THead TBody TFoot Span Quote Note Reference BibEntry Code Link
Annot Ruby RB RT RP Warichu WT WP Figure Formula Form
"""
STANDARD_TYPES = frozenset("/" + t for t in _STANDARD.split())


def heading_kinds(tree: pikepdf.Dictionary) -> dict[str, int]:
    """The structure types of `tree` that are headings, with their level: /H1 to /H6 and the
    types its role map maps to one (directly or through others: /Title2 -> /Sub -> /H2); /H, the
    heading whose level is its section's depth, and the types mapped to it, as level 0. A
    standard type is never remapped (PDF/UA forbids it), so /H2 in a role map is ignored."""
    kinds = {f"/H{n}": n for n in range(1, 7)} | {"/H": 0}
    roles = tree.get("/RoleMap")
    if not isinstance(roles, pikepdf.Dictionary):
        return kinds
    mapped = {str(k): str(v) for k, v in roles.items() if isinstance(v, Name)}
    for key in mapped:
        if key in kinds or key in STANDARD_TYPES:
            continue
        seen, kind = {key}, mapped[key]
        while kind in mapped and kind not in kinds and kind not in seen:
            seen.add(kind)
            kind = mapped[kind]
        if kind in kinds:
            kinds[key] = kinds[kind]
    return kinds


def _section_kinds(tree: pikepdf.Dictionary) -> set[str]:
    """/Sect and the types `tree`'s role map maps to it."""
    roles = tree.get("/RoleMap")
    mapped = {str(k): str(v) for k, v in roles.items()} if isinstance(roles, Dictionary) else {}
    kinds = {"/Sect"}
    while more := {k for k, v in mapped.items() if v in kinds} - kinds - STANDARD_TYPES:
        kinds |= more
    return kinds


def headings_in(
    tree: pikepdf.Dictionary, top: pikepdf.Object | None = None
) -> Iterator[tuple[pikepdf.Dictionary, int, bool]]:
    """The headings under `top` (default: the whole of `tree`), in reading order, each with its
    level and whether it is numbered: a heading /H (a "strongly structured" document's) takes the
    depth of the sections it is in as its level (at least 1)."""
    kinds = heading_kinds(tree)
    sections = _section_kinds(tree)
    seen: set[tuple[int, int]] = set()

    def visit(e: pikepdf.Dictionary, depth: int) -> Iterator[tuple[pikepdf.Dictionary, int, bool]]:
        if e.is_indirect:
            if e.objgen in seen:
                return
            seen.add(e.objgen)
        kind = str(e.get("/S"))
        level = kinds.get(kind)
        if level is not None:
            yield e, level or min(6, max(1, depth)), level > 0
        if "/K" in e:
            for kid in elements(e.K):
                yield from visit(kid, depth + (kind in sections))

    for start in elements(tree.get("/K", Array()) if top is None else top):
        yield from visit(start, 0)


def level_headings(
    headings: Iterable[tuple[pikepdf.Dictionary, int, bool]], entering: int = 1, fix: bool = True
) -> tuple[int, bool]:
    """Close the gaps in a run of headings (`headings_in`) that follows a heading of level
    `entering` (1: a paper, which follows the frontsheet's title; 0: a document of its own): each
    goes at most one level below the heading it comes under, and siblings stay siblings. A run
    without a gap is left as it is; but a heading /H becomes the numbered heading of its level
    (PDF/UA does not let /H and /H1-/H6 meet in one document, and the frontsheet's are numbered).
    With `fix` False, nothing is changed, only counted.

    Returns the level of the first heading once closed up (0: none) and whether any heading was
    (or would be) changed."""
    under: list[tuple[int, int]] = []  # the headings the next one may come under: (was, is)
    first, changed = 0, False
    for element, level, numbered in headings:
        while under and under[-1][0] >= level:
            under.pop()
        closed = under[-1][1] + 1 if under else min(level, entering + 1)
        if closed != level or not numbered:
            changed = True
            if fix:
                element.S = Name(f"/H{closed}")
        first = first or closed
        under.append((level, closed))
    return first, changed


def _summary(headings: str) -> tuple[int, bool]:
    """`headings_summary`'s words read back: (first level, gaps to close); unknown ("", or not
    as written): a gap assumed, so that the headings are walked."""
    try:
        first, gaps = (int(x) for x in headings.split())
    except ValueError:
        return 0, True
    return first, bool(gaps)


def headings_summary(pdf: Pdf, texts: list[bytes] | None = None) -> str:
    """What a paper's headings need, as `PaperFacts.headings` keeps it: "<first level> <1 if a
    gap must be closed, else 0>" as a paper of a pack (after the frontsheet's title), "0 0"
    when it has no numbered heading. `texts` (every object's text, `sanitize.object_texts`)
    are searched first, as `figures_without_alt_in` does, so that a tree without headings is not
    walked."""
    tree = pdf.Root.get("/StructTreeRoot")
    if not isinstance(tree, pikepdf.Dictionary):
        return "0 0"
    if texts is not None:
        # the heading types as elements name them: a paper whose headings are all of levels 1
        # and 2 has no gap to close, in whatever order they come (the walk of a tagged table
        # appendix's 70,000 elements costs a third of a second)
        kinds = heading_kinds(tree)
        names = b"|".join(
            re.escape(Name(k).unparse()) for k in sorted(kinds, key=len, reverse=True)
        )
        found = re.findall(
            rb"/S\s*(" + names + rb")" + _NAME_END + rb"|/S\s+\d+\s+\d+\s+R", b"\n".join(texts)
        )
        levels = {kinds.get(n.decode("latin-1")) for n in found}
        if not levels:
            return "0 0"
        if levels <= {1, 2}:  # (first: 2 if it may be, which asks no more of the frontsheet)
            return f"{2 if 2 in levels else 1} 0"
    first, gaps = level_headings(headings_in(tree), fix=False)
    return f"{first} {int(gaps)}"


def elements(k: pikepdf.Object) -> Iterator[pikepdf.Dictionary]:
    """The structure elements in a /K value (not its MCIDs, marked-content or object refs)."""
    if isinstance(k, pikepdf.Array):
        for x in k:
            yield from elements(x)
    elif isinstance(k, pikepdf.Dictionary) and "/S" in k:
        yield k


def walk(elem: pikepdf.Dictionary, seen: set | None = None) -> Iterator[pikepdf.Dictionary]:
    """Every structure element at or below `elem`, depth first (each once)."""
    seen = set() if seen is None else seen
    if elem.is_indirect:
        if elem.objgen in seen:
            return
        seen.add(elem.objgen)
    yield elem
    if "/K" in elem:
        for kid in elements(elem.K):
            yield from walk(kid, seen)


def page_mcids(page: pikepdf.Page) -> list[int]:
    """The MCIDs of the marked-content sequences in a page's own content, in order."""
    properties = page.obj.get("/Resources", Dictionary()).get("/Properties")
    out = []
    for instruction in pikepdf.parse_content_stream(page, "BDC"):
        operands = instruction.operands
        if len(operands) < 2:
            continue
        props: object = operands[1]
        if isinstance(props, Name) and properties is not None:
            props = properties.get(props)
        if isinstance(props, pikepdf.Dictionary) and "/MCID" in props:
            out.append(int(props.MCID))
    return out


def _max_mcid(page: pikepdf.Page) -> int:
    """The highest MCID in a page's content (-1 if none): a quick scan of the bytes, not a parse,
    since it runs on the first page of every paper of every build. A match inside a string can only
    make it higher, which is harmless."""
    contents = page.obj.get("/Contents")
    streams = list(contents) if isinstance(contents, pikepdf.Array) else [contents]
    found = [-1]
    for stream in streams:
        if isinstance(stream, pikepdf.Stream):
            found += [int(m) for m in _MCID.findall(stream.read_bytes())]
    properties = page.obj.get("/Resources", Dictionary()).get("/Properties")
    if isinstance(properties, pikepdf.Dictionary):
        for _, props in properties.items():
            if isinstance(props, pikepdf.Dictionary) and "/MCID" in props:
                found.append(int(props.MCID))
    return max(found)


def _form_xobjects(resources: pikepdf.Object | None, seen: set) -> Iterator[pikepdf.Object]:
    if not isinstance(resources, pikepdf.Dictionary):
        return
    for _, xo in resources.get("/XObject", Dictionary()).items():
        if not xo.is_indirect or xo.objgen in seen:
            continue
        seen.add(xo.objgen)
        yield xo
        if xo.get("/Subtype") == Name.Form:
            yield from _form_xobjects(xo.get("/Resources"), seen)


@dataclass
class _Names:
    """A name-keyed map merged across sources (role map, class map): a key another source already
    uses for something else is renamed for this source."""

    merged: dict[str, pikepdf.Object] = field(default_factory=dict)

    def add(self, source: pikepdf.Object | None, suffix: str) -> dict[str, str]:
        renames: dict[str, str] = {}
        if not isinstance(source, pikepdf.Dictionary):
            return renames
        for key, value in source.items():
            if key not in self.merged:
                self.merged[key] = value
            elif repr(self.merged[key]) != repr(value):
                new = f"{key}_{suffix}"
                renames[key] = new
                self.merged[new] = value
        return renames


class StructureMerger:
    """The structure tree of a pack being assembled: one /Document, a /Part per agenda item, each
    paper's own structure inside its part.

    Args:
        pdf: the pack. Pages are copied into it by the caller; `adopt` is called right after, with
            the same open source, so that qpdf's object map for that source is the one in use.
    """

    def __init__(self, pdf: Pdf, language: str) -> None:
        self.pdf = pdf
        self.root = pdf.make_indirect(Dictionary(Type=Name.StructTreeRoot))
        self.document = pdf.make_indirect(
            Dictionary(
                Type=Name.StructElem, S=Name.Document, P=self.root, K=Array(), Lang=String(language)
            )
        )
        self.root.K = Array([self.document])
        self.parents: dict[int, pikepdf.Object] = {}  # the parent tree, flattened
        self._kept: NumberTree | None = None  # a resumed pack's saved parent tree
        self._kept_below: int | None = None  # and the key all its keys are below
        self.next_key = 0
        self.untagged: list[Path] = []
        self.figures_without_alt: list[Path] = []
        self.first_heading = 0  # the level of the papers' first heading (0: none so far)
        self.heading_gap = False  # a frontsheet without a heading before a Heading 2
        self._roles = _Names()
        self._classes = _Names()
        self._ids: dict[bytes, pikepdf.Object] = {}
        self._sources = 0
        # whether `finish` changed nothing of a resumed tree in place but its root and /Document
        self.appended_only = True

    @classmethod
    def resume(cls, pdf: Pdf, language: str) -> StructureMerger:
        """The merger of a pack whose tree was written by `finish` and saved (a pack's numbered
        part, kept to be reused): further sources are adopted into it as into a new one. What
        made the saved part unable to claim PDF/UA is not known here: the caller keeps that."""
        merger = cls.__new__(cls)
        merger.pdf = pdf
        merger.root = cast(pikepdf.Dictionary, pdf.Root.StructTreeRoot)
        merger.document = next(elements(merger.root.K))
        # the saved parent tree is kept as it is (reading a 4,000-page pack's into a dict and
        # writing it back cost half a second): only the keys added from now on are held here
        merger.parents = {}
        merger._kept = NumberTree(merger.root.ParentTree)
        merger.next_key = int(merger.root.ParentTreeNextKey)
        merger._kept_below = merger.next_key  # every key of the saved tree is below this
        merger.untagged = []
        merger.figures_without_alt = []
        merger.first_heading = int(merger.root.get(_FIRST_HEADING, 0))
        merger.heading_gap = False
        merger._roles = _Names(dict(merger.root.get("/RoleMap", Dictionary()).items()))
        merger._classes = _Names(dict(merger.root.get("/ClassMap", Dictionary()).items()))
        ids = merger.root.get("/IDTree")
        merger._ids = (
            {k.encode("latin-1"): v for k, v in pikepdf.NameTree(ids).items()}
            if isinstance(ids, Dictionary)
            else {}
        )
        merger._sources = int(merger.root.get(_SOURCES, 0))
        merger.appended_only = True
        merger.document.Lang = String(language)
        return merger

    def part(self, title: str, first: bool = False) -> pikepdf.Dictionary:
        """A new /Part under the /Document (an agenda item, or the frontsheet when `first`)."""
        part = self.pdf.make_indirect(
            Dictionary(Type=Name.StructElem, S=Name.Part, P=self.document, K=Array())
        )
        part.T = self.title(title)
        if first:
            self.document.K.insert(0, part)
        else:
            self.document.K.append(part)
        return part

    def title(self, text: str) -> pikepdf.Object:
        """An element's title, as an object of its own: a pack gone on from a kept part may be
        retitled by rewriting it alone (`pdf.PackWriter.retitle`), not the element, which may
        list thousands of kids."""
        return self.pdf.make_indirect(String(text))

    def adopt(
        self,
        src: Pdf,
        pages: list[pikepdf.Page],
        title: str,
        part: pikepdf.Dictionary,
        path: Path,
        figures: int | None = None,
        headings: str = "",
        entering: int = 1,
    ) -> pikepdf.Dictionary | None:
        """Hang the structure of `src`, whose pages were just copied as `pages`, under `part`.
        `figures`: its figures without alternative text, if known (counted by the checks);
        `headings`: what its headings need, if known (`headings_summary`). Gaps in its heading
        levels are closed (`level_headings`) as they follow a heading of level `entering`: 1 for
        a paper (the frontsheet's title comes first), 0 for the frontsheet.

        Returns the element that holds the paper (an /Art titled after it), or None when the
        source is untagged (it is then listed in `untagged`).
        """
        self._sources += 1
        tree = src.Root.get("/StructTreeRoot")
        if (
            not isinstance(tree, pikepdf.Dictionary)
            or "/ParentTree" not in tree
            or "/K" not in tree
        ):
            self.untagged.append(path)
            for page in pages:  # keys into a tree that is not coming along would point elsewhere
                if "/StructParents" in page.obj:
                    del page.obj["/StructParents"]
                for annot in page.obj.get("/Annots", Array()):
                    if isinstance(annot, pikepdf.Dictionary) and "/StructParent" in annot:
                        del annot["/StructParent"]
            return None
        tree = cast(pikepdf.Dictionary, self.pdf.copy_foreign(tree))
        offset = self.next_key
        self._renumber(pages, offset)
        for key, value in NumberTree(tree.ParentTree).items():
            self.parents[int(key) + offset] = value
            self.next_key = max(self.next_key, int(key) + offset + 1)
        self.next_key = max(self.next_key, offset + int(tree.get("/ParentTreeNextKey", 0)))
        suffix = str(self._sources)
        roles = self._roles.add(tree.get("/RoleMap"), suffix)
        classes = self._classes.add(tree.get("/ClassMap"), suffix)
        id_prefix = self._merge_ids(tree.get("/IDTree"), suffix)
        info = src.trailer.get("/Info")
        known = info.get(FIGURES_MARK) if isinstance(info, pikepdf.Dictionary) else None
        # counted once when a converted document was cleaned, or an appendix checked
        if known is not None:
            figures = int(known)
        silent = figures if figures is not None else figures_without_alt(tree)
        if silent:
            self.figures_without_alt.append(path)
        paper = self._paper_element(tree, title, part, src.Root.get("/Lang"))
        self._close_headings(tree, paper, info, headings, entering)
        if roles or classes or id_prefix:
            for e in walk(paper):
                _rename(e, roles, classes, id_prefix)
        return paper

    def _close_headings(
        self,
        tree: pikepdf.Dictionary,
        paper: pikepdf.Dictionary,
        info: object,
        headings: str,
        entering: int,
    ) -> None:
        """Close the gaps in the heading levels of a paper just adopted (`level_headings`),
        walking its elements only when they need it: a converted document's were closed up as a
        paper's when it was cleaned (`HEADINGS_MARK`), an appendix's checks say (`headings`)."""
        mark = info.get(HEADINGS_MARK) if isinstance(info, pikepdf.Dictionary) else None
        first, gaps = (int(mark), False) if mark is not None else _summary(headings)
        if gaps or first > entering + 1:
            first, _ = level_headings(headings_in(tree, paper), entering)
        if entering == 0 and not first and self.first_heading > 1:
            self.heading_gap = True  # no heading before the papers' first, a Heading 2
        elif entering and not self.first_heading:
            self.first_heading = first

    def _renumber(self, pages: list[pikepdf.Page], offset: int) -> None:
        seen: set = set()
        for page in pages:
            if "/StructParents" in page.obj:
                page.obj.StructParents = int(page.obj.StructParents) + offset
            annots = page.obj.get("/Annots")
            if isinstance(annots, pikepdf.Array) and len(annots):
                page.obj.Tabs = Name.S  # tab through links in structure order (PDF/UA 7.18.3)
                for annot in annots:
                    if isinstance(annot, pikepdf.Dictionary) and "/StructParent" in annot:
                        annot.StructParent = int(annot.StructParent) + offset
            for xo in _form_xobjects(page.obj.get("/Resources"), seen):
                for key in ("/StructParent", "/StructParents"):
                    if key in xo:
                        xo[key] = int(xo[key]) + offset

    def _merge_ids(self, idtree: pikepdf.Object | None, suffix: str) -> bytes:
        if not isinstance(idtree, pikepdf.Dictionary):
            return b""
        ids = {k.encode("latin-1"): v for k, v in pikepdf.NameTree(idtree).items()}
        prefix = f"s{suffix}-".encode() if any(k in self._ids for k in ids) else b""
        for k, v in ids.items():
            self._ids[prefix + k] = v
        return prefix

    def _paper_element(
        self, tree: pikepdf.Dictionary, title: str, part: pikepdf.Dictionary, lang: object
    ) -> pikepdf.Dictionary:
        """One /Art for the paper: its own /Document renamed, or a new /Art around its elements."""
        top = list(elements(tree.K))
        if len(top) == 1 and str(top[0].S) == "/Document":
            paper = top[0]
            paper.S = Name.Art
        else:
            paper = self.pdf.make_indirect(Dictionary(Type=Name.StructElem, S=Name.Art, K=Array()))
            for kid in top:
                kid.P = paper
                paper.K.append(kid)
        paper.T = self.title(title)
        if isinstance(lang, String) and "/Lang" not in paper:
            paper.Lang = lang  # the paper's own language: a Welsh paper is read in Welsh
        paper.P = part
        part.K.append(paper)
        return paper

    def tag(self, page: pikepdf.Page, part: pikepdf.Dictionary, before: object | None) -> int:
        """A /P element for one piece of stamped real content on `page`, placed in `part` just
        before the element `before` (the paper's own, so it is read first) or at the end.
        Returns the MCID the stamp's content must carry."""
        if "/StructParents" not in page.obj:  # an untagged page, or a page of no content
            page.obj.StructParents = self.next_key
            self.parents[self.next_key] = Array()
            self.next_key += 1
        key = int(page.obj.StructParents)
        parents = self.parents.get(key)
        if (
            parents is None
            and self._kept is not None
            and self._kept_below is not None
            and key < self._kept_below  # (a key of the saved tree: a page of the saved part)
            and key in self._kept
        ):
            parents = self._kept[key]
        known: list[object] = list(parents) if isinstance(parents, pikepdf.Array) else []
        mcid = max(len(known) - 1, _max_mcid(page)) + 1
        elem = self.pdf.make_indirect(
            Dictionary(Type=Name.StructElem, S=Name.P, P=part, Pg=page.obj, K=mcid)
        )
        known += [None] * (mcid - len(known)) + [elem]
        self.parents[key] = Array(known)
        kids = list(part.K)
        at = len(kids)
        if before is not None:
            target = before.objgen  # type: ignore[attr-defined]
            at = next((i for i, k in enumerate(kids) if k.is_indirect and k.objgen == target), at)
        part.K.insert(at, elem)
        return mcid

    def finish(self, resumable: bool = False) -> None:
        """Write the merged tree into the pack's catalog; a `resumable` tree (a pack's numbered
        part, kept to be reused) also notes what `resume` needs."""
        pdf = self.pdf
        if self._kept is not None and _append_numbers(
            pdf, self._kept.obj, self.parents, self._kept_below
        ):
            tree = self._kept
        else:
            tree = self._kept if self._kept is not None else NumberTree.new(pdf)
            for key in sorted(self.parents):
                tree[key] = self.parents[key]
            self.appended_only = self._kept is None or not self.parents
        self.root.ParentTree = tree.obj if tree.obj.is_indirect else pdf.make_indirect(tree.obj)
        if resumable and isinstance(tree.obj.get("/Nums"), Array) and len(tree.obj.Nums):
            # the keys go down into one leaf: the pack made from this part adds its frontsheet's
            # keys as another leaf and rewrites only this root, not every page's entry
            nums = tree.obj.Nums
            leaf = Dictionary(Limits=Array([nums[0], nums[len(nums) - 2]]), Nums=nums)
            tree.obj.Kids = Array([pdf.make_indirect(leaf)])
            del tree.obj["/Nums"]
        self.root.ParentTreeNextKey = self.next_key
        if self._roles.merged:
            self.root.RoleMap = Dictionary(self._roles.merged)
        if self._classes.merged:
            self.root.ClassMap = Dictionary(self._classes.merged)
        if self._ids:
            ids = pikepdf.NameTree.new(pdf)
            for k, v in sorted(self._ids.items()):
                ids[k.decode("latin-1")] = v
            self.root.IDTree = ids.obj
        for mark, number in ((_SOURCES, self._sources), (_FIRST_HEADING, self.first_heading)):
            if resumable:
                self.root[mark] = number  # read back by `resume`
            elif mark in self.root:
                del self.root[mark]
        pdf.Root.StructTreeRoot = self.root
        pdf.Root.MarkInfo = Dictionary(Marked=True)


def _append_numbers(
    pdf: Pdf, root: pikepdf.Object, items: dict[int, pikepdf.Object], below: int | None = None
) -> bool:
    """Add `items` to the number tree at `root` as one new leaf (or at the end of a tree with no
    leaves), if every key comes after the tree's: no node of the tree but its root changes, so
    a pack gone on from a saved part rewrites nothing of that part's tree but its root (see
    `PackWriter`). Returns False, adding nothing, when the keys do not come after.

    Every key of the tree is `below` this, when given (the saved tree's ParentTreeNextKey): the
    tree's nodes are then not read (a 4,000-page part's last leaf shares an object stream with
    others holding the keys of every page)."""
    if not items:
        return True
    keys = sorted(items)
    node: object = root
    last: int | None = None
    if below is not None and keys[0] >= below:
        node = None  # (the loops below read nothing)
    while isinstance(node, Dictionary) and isinstance(node.get("/Kids"), Array) and node.Kids:
        limits = node.Kids[-1].get("/Limits")
        if isinstance(limits, Array) and len(limits) == 2:
            last = int(limits[1])
            break
        node = node.Kids[-1]
    else:
        nums = node.get("/Nums") if isinstance(node, Dictionary) else None
        if isinstance(nums, Array) and len(nums) >= 2:
            last = int(nums[len(nums) - 2])
    if last is not None and keys[0] <= last:
        return False
    pairs: list[object] = []
    for key in keys:
        pairs += [key, items[key]]
    if isinstance(root.get("/Kids"), Array):
        leaf = pdf.make_indirect(Dictionary(Limits=Array([keys[0], keys[-1]]), Nums=Array(pairs)))
        root.Kids.append(leaf)
    else:
        root.Nums = Array([*root.get("/Nums", Array()), *pairs])
    return True


def _rename(
    e: pikepdf.Dictionary, roles: dict[str, str], classes: dict[str, str], id_prefix: bytes
) -> None:
    if roles and str(e.S) in roles:
        e.S = Name(roles[str(e.S)])
    if classes and "/C" in e:
        c = e.C
        if isinstance(c, Name) and str(c) in classes:
            e.C = Name(classes[str(c)])
        elif isinstance(c, pikepdf.Array):
            e.C = Array(Name(classes.get(str(n), str(n))) if isinstance(n, Name) else n for n in c)
    if id_prefix:
        if "/ID" in e:
            e.ID = String(id_prefix + bytes(e.ID))
        # table cells name their header cells by ID
        attrs = e.get("/A")
        for a in attrs if isinstance(attrs, pikepdf.Array) else [attrs]:
            if isinstance(a, pikepdf.Dictionary) and isinstance(a.get("/Headers"), pikepdf.Array):
                a.Headers = Array(String(id_prefix + bytes(h)) for h in a.Headers)


# --- checking ------------------------------------------------------------------------------------


def check_structure(path: Path) -> list[str]:
    """Problems with how a PDF's content and its structure tree point at each other.

    Every MCID on every page must map through the parent tree to an element that claims it back on
    that page; every MCID an element claims must be on its page; every element must reach the root;
    parent-tree keys must be unique and below ParentTreeNextKey. An empty list means sound.
    """
    with open_pdf(path) as pdf:
        tree = pdf.Root.get("/StructTreeRoot")
        if not isinstance(tree, pikepdf.Dictionary) or "/ParentTree" not in tree:
            return ["no structure tree (the PDF is not tagged)"]
        pages: dict[tuple[int, int], int] = {p.obj.objgen: i for i, p in enumerate(pdf.pages)}
        claimed, problems = _claims(tree, pages)
        parents = NumberTree(tree.ParentTree)
        on_pages: set[tuple[int, int]] = set()
        for i, page in enumerate(pdf.pages):
            mcids = page_mcids(page)
            if len(mcids) != len(set(mcids)):
                problems.append(f"page {i + 1}: an MCID is used twice")
            if not mcids:
                continue
            if "/StructParents" not in page.obj:
                problems.append(f"page {i + 1}: marked content but no /StructParents")
                continue
            entry = parents.get(int(page.obj.StructParents))
            if not isinstance(entry, pikepdf.Array):
                problems.append(f"page {i + 1}: its /StructParents is not in the parent tree")
                continue
            for m in mcids:
                on_pages.add((i, m))
                owner = entry[m] if m < len(entry) else None
                if not isinstance(owner, pikepdf.Dictionary):
                    problems.append(f"page {i + 1} MCID {m}: no element in the parent tree")
                elif claimed.get((i, m)) != owner.objgen:
                    problems.append(f"page {i + 1} MCID {m}: the parent tree names another element")
        problems += [
            f"page {i + 1}: an element claims MCID {m}, which is not on the page"
            for (i, m) in sorted(set(claimed) - on_pages)
        ]
        keys = [int(k) for k, _ in parents.items()]
        if len(keys) != len(set(keys)):
            problems.append("the parent tree has a key twice")
        if "/ParentTreeNextKey" in tree and int(tree.ParentTreeNextKey) <= max(keys, default=-1):
            problems.append("ParentTreeNextKey is not above every parent-tree key")
    return problems


def _claims(
    tree: pikepdf.Dictionary, pages: dict[tuple[int, int], int]
) -> tuple[dict[tuple[int, int], tuple[int, int]], list[str]]:
    """(page index, MCID) -> the element claiming it; and the problems found on the way."""
    claimed: dict[tuple[int, int], tuple[int, int]] = {}
    problems: list[str] = []
    seen: set = set()
    for top in elements(tree.get("/K", Array())):
        for e in walk(top, seen):
            parent, hops = e, 0
            while isinstance(parent.get("/P"), pikepdf.Dictionary) and hops < 1000:
                if parent.P.get("/Type") == Name.StructTreeRoot:
                    break
                parent, hops = cast(pikepdf.Dictionary, parent.P), hops + 1
            if parent.get("/P") is None or parent.P.objgen != tree.objgen:
                problems.append(f"element {e.objgen} ({e.get('/S')}) does not reach the root")
            k = e.get("/K")
            for item in k if isinstance(k, pikepdf.Array) else ([] if k is None else [k]):
                page, mcid = None, None
                if isinstance(item, int):
                    page, mcid = e.get("/Pg"), int(item)
                elif isinstance(item, pikepdf.Dictionary) and item.get("/Type") == Name.MCR:
                    if "/Stm" in item:
                        continue  # marked content in a form XObject: keyed by the XObject
                    page, mcid = item.get("/Pg", e.get("/Pg")), int(item.MCID)
                if mcid is None:
                    continue
                if page is None or page.objgen not in pages:
                    problems.append(f"element {e.objgen} MCID {mcid}: /Pg is not a page of the PDF")
                    continue
                claimed[(pages[page.objgen], mcid)] = e.objgen
    return claimed, problems
