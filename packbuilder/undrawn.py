"""Words written in a PDF's drawing instructions that nothing draws.

A page's instructions may hold text that no viewer shows and no text reader (pdftotext, which
the exempt-text check uses) reads, yet that a public pack would carry for anyone to read with a
text editor: a string given to an operator no viewer knows (``(the report) xyz``), strings
before the one a text operator draws (``(the report) (x) Tj``: poppler draws the last), words
written bare (``The council will award``: each an unknown operator), names made of words
(``/The BMC EMC /council BMC EMC``), and the same inside a compatibility section (BX ... EX).
The exempt-text check counts these words as a public paper's (`PaperFacts.carried`), as it does
the strings written in the instructions' dictionaries (`carried.content_strings`).

Reading every instruction as qpdf does (Python objects for each) would double a cold build's
checks. So a piece of instructions is first matched whole against what PDF writers write
(`_plain`, one pass of a regular expression: 20 MB in about 0.3 s): known operators; strings
and hex strings only where a text operator draws them (one before Tj or ', any in an array
before TJ) or inside a dictionary (a property list, read by `content_strings`); names a writer
gives its resources and marks (`/F1`, `/TT0`, `/Im12`, `/C2_0`, `/P`, `/Span`, `/Artifact`,
...); numbers, arrays, dictionaries, comments (taken out of public packs,
`sanitize._uncommented`) and inline pictures. What LibreOffice, pdfTeX, cairo, Chromium,
Ghostscript and matplotlib write is all plain (tests/test_undrawn.py tries the first two).
Instructions that are not plain are read for their words (`words_in`): every string and hex
string, every name that is not one a writer gives, every word that is not a known operator, in
order, however they are used. So a writer's rarer ways (the " operator, an array of strings
given to another operator) cost a reading and add the strings a text operator draws, which
pdftotext reads anyway: they only add runs of words that are already there.

Not read: text given as the glyph names of a font's encoding, or inside a font program; and
an exempt paper's words each parted by a word of the same kind (``(the) (x) (report) (x)``),
which no run of five words survives (as with invisible words drawn between visible ones).
"""

from __future__ import annotations

import functools
import re

# where a word of instructions ends: white space or a delimiter
_END = rb"(?=[\s()<>\[\]{}/%])"
_STRING = rb"\((?:[^()\\]++|\\.|\((?:[^()\\]++|\\.)*+\))*+\)"
_HEX = rb"<[0-9A-Fa-f\s]*+>"
_TEXT = rb"(?:" + _STRING + rb"|" + _HEX + rb")"
_NUMBER = rb"[-+]?(?:\d++\.?\d*+|\.\d++)" + _END
# The names writers give: structure types and marks, the keys of property lists and inline
# pictures, colour spaces and rendering intents ...
KNOWN_NAMES = frozenset(
    """P H H1 H2 H3 H4 H5 H6 Span Figure Table TR TH TD THead TBody TFoot L LI Lbl LBody
    Artifact Link Note Reference Sect Div Art Part Document NonStruct Private Quote BlockQuote
    Caption TOC TOCI Index Formula Form Annot Ruby RB RT RP Warichu WT WP BibEntry Code Title
    FENote Sub Em Strong Aside DocumentFragment Textbox Standard Normal Footnote Endnote Header
    Footer Watermark Pagination Layout Page Background Top Bottom Left Right MCID ActualText Alt
    E Lang Type Subtype Attached BBox O OC Tx DeviceGray DeviceRGB DeviceCMYK Pattern Indexed
    Separation DeviceN ICCBased CalRGB CalGray Lab Perceptual RelativeColorimetric Saturation
    AbsoluteColorimetric W H BPC CS F DP IM D I G RGB CMYK AHx A85 LZW Fl RL CCF DCT Width
    Height ColorSpace BitsPerComponent ImageMask Interpolate Decode DecodeParms Filter K Columns
    Rows BlackIs1 Predictor Colors EncodedByteAlign ASCIIHexDecode ASCII85Decode FlateDecode
    LZWDecode RunLengthDecode CCITTFaxDecode DCTDecode""".split()  # noqa: SIM905
)
# ... and the names of resources: a few letters, then numbers ("F1", "TT0", "C2_0", "f-0-0")
_RESOURCE_NAME = rb"[A-Za-z]{0,12}[-_.]?\d++(?:[-_.]\d++)*+"
_NAME = (
    rb"/(?:"
    + _RESOURCE_NAME
    + rb"|"
    + b"|".join(n.encode() for n in sorted(KNOWN_NAMES, key=len, reverse=True))
    + rb")"
    + _END
)
OPERATORS = frozenset(
    """b B b* B* BDC BI BMC BT BX c cm CS cs d d0 d1 Do DP EI EMC ET EX f F f* G g gs h i ID j J
    K k l m M MP n q Q re RG rg ri s S SC sc SCN scn sh T* Tc Td TD Tf TJ Tj TL Tm Tr Ts Tw Tz v
    w W W* y ' \"""".split()  # noqa: SIM905
)
_DRAWING = [o for o in OPERATORS if o not in {"BI", "ID", "EI", "Tj", "TJ", "'", '"'}]
_OPERATOR = (
    rb"(?:" + b"|".join(re.escape(o.encode()) for o in sorted(_DRAWING, key=len, reverse=True))
    + rb")" + _END
)  # fmt: skip
_KEYWORD = rb"(?:true|false|null)" + _END
# an operand array (a dash pattern, a colour): numbers and names; in a dictionary, strings too
# (an array of strings before TJ draws them: another array of strings is not plain)
_ARRAY = rb"\[(?:\s++|" + _NUMBER + rb"|" + _NAME + rb"|" + _KEYWORD + rb")*+\]"
_VALUE = rb"(?:\s++|" + _NUMBER + rb"|" + _NAME + rb"|" + _TEXT + rb"|" + _KEYWORD + rb")"
_LIST = rb"\[" + _VALUE + rb"*+\]"


@functools.cache
def _plain() -> re.Pattern[bytes]:
    """The pattern of plain instructions, compiled when a paper is first read: compiling it takes
    10 ms, which a rebuild whose papers are all remembered (`pdf.remembered`) need not pay."""
    return re.compile(
        rb"\s*+(?:(?:"
        + b"|".join(
            [  # (the most frequent first; white space read with each word, the fastest found)
                _NUMBER,
                _OPERATOR,
                _NAME,
                rb"\[(?:\s++|" + _TEXT + rb"|" + _NUMBER + rb")*+\]\s*+TJ" + _END,  # strings drawn
                _TEXT + rb"\s*+(?:Tj|')" + _END,  # a string drawn
                # a dictionary (a property list, before BDC or DP), one within it at most
                rb"<<(?:" + _VALUE + rb"|" + _LIST + rb"|<<(?:" + _VALUE + rb"|" + _LIST
                + rb")*+>>)*+>>",
                _ARRAY,
                # an inline picture: its keys, its data to the first EI after white space
                rb"BI(?:\s++|" + _NAME + rb"|" + _NUMBER + rb"|" + _ARRAY + rb")*+ID\s.*?(?<=\s)EI"
                + _END,
                rb"%[^\r\n]*+[\r\n]",  # a comment
                _KEYWORD,
            ]
        )
        + rb")\s*+)*+",
        re.S,
    )  # fmt: skip


CARRY = 4 << 20  # bytes of an unfinished last word of a piece, at most, read again with the next

# every word of instructions, for `words_in`: a comment, a string, a hex string, a name, a bare
# word; and where an inline picture starts, its data starts and it ends (`_outside_pictures`)
_WORD = re.compile(
    rb"%([^\r\n]*)|(" + _STRING + rb")|(" + _HEX + rb")|/([^\s()<>\[\]{}/%]*)"
    + rb"|([^\s()<>\[\]{}/%]+)"
)  # fmt: skip
_PICTURE_STARTS = re.compile(rb"(?<![^\s\]>)}])BI(?=[\s/])")
_PICTURE_DATA = re.compile(rb"\sID\s")
_PICTURE_ENDS = re.compile(rb"(?<=\s)EI" + _END + rb"|(?<=\s)EI\Z")
_ORDINARY_NAME = re.compile(_RESOURCE_NAME)
_BARE_NUMBER = re.compile(rb"[-+]?(?:\d+\.?\d*|\.\d+)")
_ESCAPE = re.compile(rb"\\([0-7]{1,3}|.)", re.S)
_CODE = re.compile(rb"#([0-9A-Fa-f]{2})")
_ESCAPES = {b"n": b"\n", b"r": b"\r", b"t": b"\t", b"b": b"\b", b"f": b"\f"}


class Reader:
    """The undrawn words of one stream of drawing instructions, read a piece at a time (as a
    check unpacks it): `feed` each piece, the last with ``last=True``; then `words`."""

    def __init__(self) -> None:
        self._held = b""  # the end of the last piece, an unfinished word
        self._plain = True
        self._words: list[list[str]] = [[], [], [], []]

    def feed(self, piece: bytes, last: bool) -> None:
        data = self._held + piece + (b"\n" if last else b"")
        self._held = b""
        if self._plain:
            plain = _plain().match(data)
            end = plain.end() if plain else 0
            if last and end == len(data):
                return
            if not last and len(data) - end <= CARRY:
                self._held = data[end:]  # (read again with the next piece)
                return
            self._plain = False
        # (a word a piece ends in is read in two: its halves still count)
        for kept, found in zip(self._words, words_in(data), strict=True):
            kept += found

    @property
    def words(self) -> str:
        """The words read (none from plain instructions): the strings, one space apart, then
        on lines of their own the comments, the names and the bare words."""
        return "\n".join(" ".join(kind) for kind in self._words if kind)


def words_in(data: bytes) -> tuple[list[str], list[str], list[str], list[str]]:
    """The text of every string and hex string of drawing instructions `data`, of every comment,
    of every name but those writers give (`KNOWN_NAMES`, `_RESOURCE_NAME`) and every bare word
    that is not an operator or a number; each kind in order (an inline picture's data skipped).
    Kinds apart: a word of another kind between two strings (``(the) xyz (report) xyz``) does
    not part them."""
    strings: list[str] = []
    comments: list[str] = []
    names: list[str] = []
    bare_words: list[str] = []
    found_words = (m for part in _outside_pictures(data) for m in _WORD.finditer(part))
    for found in found_words:
        comment, string, hexed, name, bare = found.groups()
        if string is not None:
            strings.append(_decoded(_ESCAPE.sub(_unescaped, string[1:-1])))
        elif hexed is not None:
            digits = re.sub(rb"\s", b"", hexed[1:-1])
            strings.append(_decoded(bytes.fromhex((digits + b"0" * (len(digits) % 2)).decode())))
        elif comment is not None:
            comments.append(_decoded(comment))
        elif name is not None:
            plain = _CODE.sub(lambda m: bytes([int(m[1], 16)]), name).decode("latin-1")
            if plain not in KNOWN_NAMES and not _ORDINARY_NAME.fullmatch(name):
                names.append(plain)
        elif (
            bare is not None
            and bare.decode("latin-1") not in OPERATORS
            and bare not in (b"true", b"false", b"null")
            and not _BARE_NUMBER.fullmatch(bare)
        ):
            bare_words.append(_decoded(bare))
    kinds = [[t for t in kind if t.strip()] for kind in (strings, comments, names, bare_words)]
    return kinds[0], kinds[1], kinds[2], kinds[3]


def _outside_pictures(data: bytes) -> list[bytes]:
    """`data` in the pieces between its inline pictures (BI, its keys, ID, its data, EI): each
    search goes on from the last, so instructions of a million "BI"s are read once. What
    starts a picture that never ends is read as words to the end."""
    parts: list[bytes] = []
    pos = 0
    for start in _PICTURE_STARTS.finditer(data):
        if start.start() < pos:
            continue
        begins = _PICTURE_DATA.search(data, start.end())
        ends = _PICTURE_ENDS.search(data, begins.end()) if begins else None
        if begins is None or ends is None:  # (not a picture: read on as words)
            parts.append(data[pos:])
            return parts
        parts.append(data[pos : start.start()])
        parts.append(data[start.end() : begins.start()])  # (the picture's keys: words too)
        pos = ends.end()
    parts.append(data[pos:])
    return parts


def _unescaped(found: re.Match[bytes]) -> bytes:
    code = found[1]
    if code[:1].isdigit():
        return bytes([int(code, 8) & 0xFF])
    return _ESCAPES.get(code, b"" if code in b"\r\n" else code)


def _decoded(data: bytes) -> str:
    """Text as a PDF string holds it: UTF-16 after its byte-order mark, else one byte a letter."""
    if data.startswith(b"\xfe\xff"):
        return data[2:].decode("utf-16-be", "replace")
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", "replace")
    return data.decode("latin-1")


# A Unicode map's keywords and names (its own words are noise, harmless: they are compared)
_CMAP_WORDS = frozenset(
    """begincmap endcmap begincodespacerange endcodespacerange beginbfchar endbfchar beginbfrange
    endbfrange begincidchar endcidchar begincidrange endcidrange beginnotdefchar endnotdefchar
    beginnotdefrange endnotdefrange usecmap findresource defineresource begin end def dict
    currentdict pop CIDInit ProcSet CIDSystemInfo Registry Ordering Supplement CMapName CMapType
    CMap CMapVersion WMode UIDOffset XUID""".split()  # noqa: SIM905
)
_CMAP_TOKEN = re.compile(
    rb"%([^\r\n]*)|(" + _STRING + rb")|<([0-9A-Fa-f\s]*)>|/([^\s()<>\[\]{}/%]*)"
    + rb"|([^\s()<>\[\]{}/%]+)"
)  # fmt: skip


def cmap_words(data: bytes) -> str:
    """What a font's Unicode map (ToUnicode) holds besides its keywords: its comments, strings,
    names and other words, and the text it maps codes to (UTF-16), in order, one space apart.
    A code maps to a letter or two; a map may give an undrawn code a sentence, or hold a
    comment, which the pack would carry and no text reader reads."""
    out: list[str] = []
    for found in _CMAP_TOKEN.finditer(data):
        comment, string, hexed, name, bare = found.groups()
        if hexed is not None:
            digits = re.sub(rb"\s", b"", hexed)
            if len(digits) < 8 or len(digits) % 4:  # a code, or a letter (one UTF-16 unit)
                continue
            text = bytes.fromhex(digits.decode()).decode("utf-16-be", "replace")
        elif comment is not None:
            text = _decoded(comment)
        elif string is not None:
            text = _decoded(_ESCAPE.sub(_unescaped, string[1:-1]))
        else:
            word = (name if name is not None else bare).decode("latin-1")
            text = "" if word in _CMAP_WORDS or _BARE_NUMBER.fullmatch(word.encode()) else word
        if text.strip():
            out.append(text)
    return " ".join(out)
