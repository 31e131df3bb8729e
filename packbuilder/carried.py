"""The text a PDF shows or holds besides what its pages draw: its bookmarks' titles, its
annotations' descriptions, tooltips, captions and form fields' values (a viewer shows them all;
pdftotext reads none), its structure's texts (alternative descriptions, replacement texts,
expansions, titles: a screen reader reads them, and a pack keeps a paper's structure), and
every other string its objects hold (a made-up key of a link, a choice list, a layer's name).
The exempt-text check (`textmatch`) counts it as a public paper's words: an exempt paper's text
kept there is published as surely as on a page.

A PDF paper's is read when the paper is checked (`pdf.PaperFacts.carried`), from the same
opening and its objects' texts (`sanitize.object_texts`), which also say whether the structure
holds any text: the structure of a 400-page table appendix (34,000 elements, 0.3 s) is walked,
for its reading order, only when it does. Strings written in drawing instructions inside a
dictionary (a marked-content property list's /ActualText or made-up key, an inline picture's
keys) are read as the check unpacks each page's instructions (`content_strings`), with the words
written there that nothing draws and what fonts' Unicode maps hold (`undrawn`).
"""

from __future__ import annotations

import re
import zlib
from pathlib import Path

import pikepdf

from packbuilder.sanitize import object_texts

MAX_CARRIED = 100_000  # texts read from one paper besides its pages, at most (`TooMuchCarried`)


class TooMuchCarried(Exception):
    """A PDF carries more than `MAX_CARRIED` texts besides its pages: too many to compare, so
    the exempt-text check cannot vouch for it (a way to hide text past the count)."""


class _Texts(list[str]):
    """The texts read, each that is not blank; past `MAX_CARRIED`, `TooMuchCarried`."""

    def add(self, text: str) -> None:
        if text.strip():
            self.append(text)
            if len(self) > MAX_CARRIED:
                raise TooMuchCarried


def carried_text(path: Path) -> str:
    """The text `path` shows besides what its pages draw (`carried_in`), a line each. Empty for
    a file that cannot be read (its checks say so); what was read before `MAX_CARRIED`, for one
    that carries more (a PDF paper with that many is refused when checked, `pdf._examine`)."""
    from packbuilder.pdf import instruction_strings  # noqa: PLC0415 - (pdf imports this module)

    found = _Texts()
    try:
        # (no page takes /Annots from the page tree: qpdf need not push attributes down)
        with pikepdf.open(path, inherit_page_attributes=False) as pdf:
            indirect: list[bytes] = []
            texts = object_texts(pdf, indirect)
            _carried(pdf, texts[1] + indirect, found)
            for text in dict.fromkeys(instruction_strings(pdf, texts)):
                found.add(text)
    except TooMuchCarried:
        pass
    except (
        pikepdf.PdfError, RuntimeError, OSError, ValueError, TypeError, AttributeError, zlib.error
    ):  # fmt: skip
        return ""
    return "\n".join(found)


def carried_in(pdf: pikepdf.Pdf, texts: list[bytes], more: list[str] | None = None) -> str:
    """The text an opened PDF shows or holds besides what its pages draw, a line each. `texts`:
    its objects' texts (`sanitize.object_texts`): every string is read from them, and the
    structure is walked (for its reading order) only if one of them could hold text
    (`_structure_holds_text`). `more`: strings the caller read in its drawing instructions
    (`content_strings`), counted with the rest.

    Raises:
        TooMuchCarried: it carries more than `MAX_CARRIED` texts that are not blank.
    """
    found = _Texts()
    _carried(pdf, texts, found)
    for text in more or ():
        found.add(text)
    return "\n".join(found)


def _carried(pdf: pikepdf.Pdf, texts: list[bytes], found: _Texts) -> None:
    _outline_titles(pdf.Root.get("/Outlines"), found)
    joined = b"\n".join(texts)
    strings = list(_STRING.finditer(joined))
    if _structure_holds_text(joined, strings):
        _structure_texts(pdf.Root.get("/StructTreeRoot"), found)
    for page in pdf.pages:
        annots = page.obj.get("/Annots")
        for annot in annots if isinstance(annots, pikepdf.Array) else ():
            _annotation_texts(annot, found)
    _object_strings(strings, found)


# a string as qpdf writes an object: literal (its brackets within escaped or balanced) or hex
_STRING = re.compile(rb"\((?:[^()\\]|\\.|\((?:[^()\\]|\\.)*\))*\)|<[0-9A-Fa-f\s]*>", re.S)


# a dictionary in drawing instructions that may hold a string: a string, a hex string or a
# dictionary within it before any ">" (a marked-content id, <</MCID 3>>, has none: a tagged
# paper has one for every line, and none is read); an inline picture's keys (BI ... ID); and
# what the scan of one looks for: a dictionary in it, its end, a string
_MAY_HOLD = re.compile(rb"<<[^<>(]*[(<]")
_PICTURE = re.compile(rb"(?<![^\s\]>)}])BI(?=[\s/])")
_IN_DICT = re.compile(rb"<<|>>|\(|<[0-9A-Fa-f\s]*>")
_IN_STRING = re.compile(rb"[()\\]")
_PICTURE_END = re.compile(rb"\sID\s")


def content_strings(data: bytes) -> tuple[list[str], int | None]:
    """The strings written in the dictionaries of drawing instructions `data`: what a property
    list (BDC, DP) or an inline picture's keys hold, which no page draws; and where a
    dictionary begins that `data` ends before it does (None if none), for a caller reading the
    instructions a piece at a time to read again with the next piece. Strings are found as
    qpdf reads them, brackets nested to any depth."""
    out: list[str] = []
    pos = 0
    for found in _MAY_HOLD.finditer(data):
        if found.start() < pos:
            continue  # (within a dictionary read already)
        end = _dict_end(data, found.start(), out)
        if end is None:
            return out, found.start()
        pos = end
    pos = 0
    for found in _PICTURE.finditer(data) if b"BI" in data else ():
        if found.start() < pos:
            continue  # (within a picture's keys read already: each byte is read once)
        stop = _PICTURE_END.search(data, found.end())
        if stop is None:
            return out, found.start()
        _strings_in(data, found.end(), stop.start(), out)
        pos = stop.end()
    return out, None


def _dict_end(data: bytes, start: int, out: list[str]) -> int | None:
    """Where the dictionary opening at `start` ends, its strings added to `out`; None if `data`
    ends first."""
    depth, pos = 0, start
    while (found := _IN_DICT.search(data, pos)) is not None:
        token = found.group(0)
        if token == b"<<":
            depth, pos = depth + 1, found.end()
        elif token == b">>":
            depth, pos = depth - 1, found.end()
            if depth == 0:
                return pos
        elif token == b"(":
            end = _literal_end(data, found.start())
            if end is None:
                return None
            _add(data[found.start() : end], out)
            pos = end
        else:
            _add(token, out)
            pos = found.end()
    return None


def _strings_in(data: bytes, start: int, end: int, out: list[str]) -> None:
    """The strings between `start` and `end` (an inline picture's keys) added to `out`."""
    pos = start
    while (found := _IN_DICT.search(data, pos, end)) is not None:
        if found.group(0) == b"(":
            stop = _literal_end(data, found.start())
            if stop is None:
                return
            _add(data[found.start() : stop], out)
            pos = stop
        else:
            if found.group(0).startswith(b"<") and found.group(0) != b"<<":
                _add(found.group(0), out)
            pos = found.end()


def _literal_end(data: bytes, start: int) -> int | None:
    """Where the literal string opening at `start` ends (its brackets balanced, escapes read)."""
    depth, pos = 0, start
    while (found := _IN_STRING.search(data, pos)) is not None:
        char = found.group(0)
        if char == b"\\":
            pos = found.end() + 1
            continue
        depth += 1 if char == b"(" else -1
        pos = found.end()
        if depth == 0:
            return pos
    return None


def _add(token: bytes, out: list[str]) -> None:
    try:
        text = str(pikepdf.Object.parse(token))
    except (pikepdf.PdfError, RuntimeError, ValueError, TypeError, UnicodeDecodeError):
        return
    if text.strip():
        out.append(text)


def _structure_holds_text(joined: bytes, strings: list[re.Match[bytes]]) -> bool:
    """Whether an element of the structure may hold text (`_structure_holds_text`): a string in an
    object that is an element (its line names an /S), or a key of text given by reference."""
    for match in strings:
        start = joined.rfind(b"\n", 0, match.start()) + 1
        end = joined.find(b"\n", match.end())
        if _ELEMENT.search(joined, start, end if end >= 0 else len(joined)):
            return True
    return _TEXT_BY_REFERENCE.search(joined) is not None


def _object_strings(strings: list[re.Match[bytes]], found: _Texts) -> None:
    """Every other string any object of the file holds, in the order of the objects: a made-up
    key of a link, a font or a resource dictionary, a field's name or choices, a layer's name.
    A reader may be shown some (a choice list, the layers panel), anyone may read them all, and
    a pack carries those of what its pages lead to."""
    for match in strings:
        try:
            text = str(pikepdf.Object.parse(match.group(0)))
        except (pikepdf.PdfError, RuntimeError, ValueError, TypeError, UnicodeDecodeError):
            continue
        found.add(text)  # (each, repeated or not: a run of one-word strings is a run of words)


def _outline_titles(outlines: object, texts: _Texts) -> None:
    seen: set[tuple[int, int]] = set()
    stack = [outlines.get("/First")] if isinstance(outlines, pikepdf.Dictionary) else []
    while stack:
        entry = stack.pop()
        if not isinstance(entry, pikepdf.Dictionary) or entry.objgen in seen:
            continue
        if entry.is_indirect:
            seen.add(entry.objgen)
        texts.add(_string(entry.get("/Title")))
        stack += [entry.get("/Next"), entry.get("/First")]


def _structure_texts(root: object, texts: _Texts) -> None:
    """Every text of every element of a structure tree, in reading order: its alternative
    description, replacement text, expansion, title, language, identifier, any other key's
    text, and its attributes' (a table's /Summary). The elements reached from the page content
    (the parent tree) that the reading order does not reach come after: a pack keeps them too.
    (Each element's keys are asked for once: a 400-page table's 34,000 elements in 0.15 s.)"""
    if not isinstance(root, pikepdf.Dictionary):
        return
    seen: set[tuple[int, int]] = set()
    for start in (root.get("/K"), *_number_tree_values(root.get("/ParentTree"))):
        stack = [start]
        while stack:
            node = stack.pop()
            if isinstance(node, pikepdf.Array):
                stack += reversed(node)
                continue
            if not isinstance(node, pikepdf.Dictionary):
                continue
            objgen = node.objgen
            if objgen in seen:
                continue
            if objgen != (0, 0):
                seen.add(objgen)
            keys = node.keys()
            if "/S" not in keys:  # a marked-content or object reference: its page is read
                continue
            _element_texts(node, keys, texts)
            if "/K" in keys:
                stack.append(node.K)


def _element_texts(node: pikepdf.Dictionary, keys: set[str], texts: _Texts) -> None:
    for key in keys:
        if key in _STRUCTURE_LINKS:
            continue
        value = node.get(key)
        if key == "/A":
            _attribute_texts(value, texts)
        else:
            texts.add(_string(value))


# an element's keys that lead to other objects (walked, or read as pages), not to its text
_STRUCTURE_LINKS = frozenset({"/K", "/P", "/Pg", "/S", "/Type", "/C", "/R", "/NS", "/Ref"})


def _attribute_texts(value: object, texts: _Texts) -> None:
    """The texts of an element's attributes: a dictionary, or an array of them (each may be
    followed by a revision number)."""
    for attributes in value if isinstance(value, pikepdf.Array) else [value]:
        if isinstance(attributes, pikepdf.Dictionary):
            for key in attributes.keys():  # noqa: SIM118
                texts.add(_string(attributes.get(key)))


def _number_tree_values(tree: object) -> list[object]:
    """The values of a number tree (the parent tree), in order; 8 levels at most."""
    out: list[object] = []
    level = [tree]
    for _ in range(8):
        kids: list[object] = []
        for node in level:
            if not isinstance(node, pikepdf.Dictionary):
                continue
            nums = node.get("/Nums")
            if isinstance(nums, pikepdf.Array):
                out += [nums[i] for i in range(1, len(nums), 2)]
            more = node.get("/Kids")
            if isinstance(more, pikepdf.Array):
                kids += list(more)
        if not kids:
            break
        level = kids
    return out


# A text an element may hold, as qpdf writes an object: a string, or a key of text given by
# reference (an element's other references are to its parent, page, kids and attributes)
_ELEMENT = re.compile(rb"/S\s*/")
_TEXT_BY_REFERENCE = re.compile(rb"/(?:Alt|ActualText|E|T|Lang|ID|Summary)\s+\d+\s+\d+\s+R")


def _annotation_texts(annot: object, texts: _Texts) -> None:
    """What an annotation (and the form field it belongs to) shows: its description, tooltip,
    rich text, caption and value."""
    node, depth = annot, 0
    while isinstance(node, pikepdf.Dictionary) and depth < 8:
        for key in ("/Contents", "/TU", "/V", "/RC"):
            value = node.get(key)
            if key == "/RC" and isinstance(value, pikepdf.String):
                texts.add(re.sub(r"<[^>]*>", " ", _string(value)))
            elif isinstance(value, pikepdf.String):
                texts.add(_string(value))
        look = node.get("/MK")
        if isinstance(look, pikepdf.Dictionary):
            for key in ("/CA", "/RC", "/AC"):
                texts.add(_string(look.get(key)))
        node, depth = node.get("/Parent"), depth + 1


def _string(value: object) -> str:
    if isinstance(value, pikepdf.String):
        try:
            return str(value)
        except (ValueError, UnicodeDecodeError):
            return ""
    return ""
