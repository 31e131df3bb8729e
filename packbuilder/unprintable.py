"""Characters no installed font can draw: printed as empty boxes.

LibreOffice draws each character with the font the paper asks for, or, when that font lacks
it, with any installed font that has it. When none has it (Chinese, Japanese or Korean text on a
server with only Latin fonts, an emoji, a rare symbol) it draws an empty box: the pack shows
"□□□□" where the officer wrote 会议纪要, and nothing tells anyone until a reader does. The
PDF's text still holds the characters, so a check of the text alone would find nothing wrong.

So the characters a paper (or a workbook cell) holds beyond the Latin alphabets and common
punctuation, which every font packbuilder's servers have covers, are looked up in what the
installed fonts cover, as fontconfig (the library LibreOffice finds fonts with) reports it:
``fc-list --format %{charset}``, read once and remembered in the cache folder until a font
folder changes (a font package installed). A paper's characters are read once per content,
with its other checks (`meeting.word_checks`); the fonts are asked only when a paper has such
characters, so a rebuild of an ordinary meeting asks nothing. Without fontconfig nothing is
said: what is covered cannot be told.

What to do is the officer's (embed the fonts in the Word file, or send a PDF with its fonts)
or the server's (install the font package named): packbuilder installs no fonts.
"""

from __future__ import annotations

import bisect
import functools
import hashlib
import html
import os
import re
import shutil
import subprocess
import time
import unicodedata
import zipfile
from pathlib import Path

# what any font a server has covers: Latin (with its extensions A and B), and the punctuation
# Word puts in (dashes, quotes, bullets, ellipsis), the euro and trade mark signs
BASIC = r"\x00-\u024f\u2010-\u2027\u2030-\u203a\u20ac\u2122"
UNUSUAL = re.compile(f"[^{BASIC}]")
MOST = 10  # characters listed in a warning; the rest counted
FONT_FOLDERS = (
    Path("/usr/share/fonts"),
    Path("/usr/local/share/fonts"),
    Path.home() / ".fonts",
    Path.home() / ".local/share/fonts",
)
SIGNATURE_FOR = 30.0  # seconds a long-running caller trusts the font folders' times it read
VERSION = "1"  # of what is remembered


def unusual(text: str) -> str:
    """The distinct characters of `text` beyond `BASIC` that print (not spaces, controls or
    invisible format characters), in order of first appearance."""
    found = dict.fromkeys(UNUSUAL.findall(text))
    return "".join(c for c in found if unicodedata.category(c)[0] not in "CZ")


def unprintable(chars: str) -> str:
    """Those of `chars` (from `unusual`) no installed font has ("" when fontconfig cannot be
    asked)."""
    if not chars:
        return ""
    from packbuilder import pdf  # (the cache folder's memory: `pdf.remember`)

    entry = pdf.remembered_by_key(_fonts_key(chars), "unprintable", VERSION)
    known = pdf.recall(entry)
    if isinstance(known, str):
        return known
    covered = _covered(fonts_signature())
    if covered is None:
        return ""
    starts = [lo for lo, _hi in covered]
    missing = "".join(c for c in chars if not _has(covered, starts, ord(c)))
    pdf.remember(entry, missing)
    return missing


def _has(covered: list[tuple[int, int]], starts: list[int], code: int) -> bool:
    at = bisect.bisect_right(starts, code) - 1
    return at >= 0 and covered[at][0] <= code <= covered[at][1]


def _fonts_key(chars: str) -> str:
    """A key of `chars` and of the installed fonts (`fonts_signature`)."""
    return hashlib.sha256(chars.encode("utf-8", "surrogatepass") + fonts_signature()).hexdigest()


_SIGNATURE: list[tuple[float, bytes]] = []  # (when it was read, what it was)


def fonts_signature() -> bytes:
    """The installed fonts, as the times of their folders say (installing or removing a font
    package changes a folder): part of the key of every conversion too, so that a paper
    converted with boxes is converted again once its font is installed. A few folders' times,
    read again after `SIGNATURE_FOR` seconds."""
    now = time.monotonic()
    if _SIGNATURE and now - _SIGNATURE[0][0] < SIGNATURE_FOR:
        return _SIGNATURE[0][1]
    h = hashlib.sha256()
    for top in FONT_FOLDERS:
        for folder, _dirs, _files in os.walk(top):
            try:
                h.update(f"{folder}\0{os.stat(folder).st_mtime_ns}\0".encode())
            except OSError:
                continue
    _SIGNATURE[:] = [(now, h.digest())]
    return h.digest()


@functools.lru_cache(maxsize=2)
def _covered(_fonts: bytes) -> list[tuple[int, int]] | None:
    """The code points some installed font has, as sorted, merged ranges (None: no fontconfig),
    asked once for each set of installed fonts (`fonts_signature`: a long-running caller asks
    again once a font package is installed)."""
    tool = shutil.which("fc-list")
    if tool is None:
        return None
    try:
        done = subprocess.run(
            [tool, "--format", "%{charset}\n"],
            capture_output=True,
            text=True,
            timeout=30,
            check=False,
            stdin=subprocess.DEVNULL,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    if done.returncode != 0:
        return None
    ranges: list[tuple[int, int]] = []
    for part in done.stdout.split():
        first, _, last = part.partition("-")
        try:
            ranges.append((int(first, 16), int(last or first, 16)))
        except ValueError:
            continue
    merged: list[tuple[int, int]] = []
    for lo, hi in sorted(ranges):
        if merged and lo <= merged[-1][1] + 1:
            merged[-1] = (merged[-1][0], max(merged[-1][1], hi))
        else:
            merged.append((lo, hi))
    return merged


# the font packages (Debian and Ubuntu names) that draw a script, by its code points
_PACKAGES = (
    ((0x1100, 0x11FF), "fonts-noto-cjk", "Korean"),
    ((0x2E80, 0x9FFF), "fonts-noto-cjk", "Chinese, Japanese or Korean"),
    ((0xA960, 0xA97F), "fonts-noto-cjk", "Korean"),
    ((0xAC00, 0xD7FF), "fonts-noto-cjk", "Korean"),
    ((0xF900, 0xFAFF), "fonts-noto-cjk", "Chinese, Japanese or Korean"),
    ((0xFE30, 0xFE4F), "fonts-noto-cjk", "Chinese, Japanese or Korean"),
    ((0xFF00, 0xFFEF), "fonts-noto-cjk", "Chinese, Japanese or Korean"),
    ((0x20000, 0x3FFFF), "fonts-noto-cjk", "Chinese, Japanese or Korean"),
    ((0x1F000, 0x1FAFF), "fonts-noto-color-emoji", "emoji"),
)


def _package(char: str) -> tuple[str, str]:
    code = ord(char)
    for (lo, hi), package, what in _PACKAGES:
        if lo <= code <= hi:
            return package, what
    return "fonts-noto-core", "symbols" if unicodedata.category(char)[0] == "S" else "other scripts"


def described(missing: str) -> str:
    """The characters of `missing` as a warning lists them, what they are and the package to
    install: "会, 议 (Chinese, Japanese or Korean) ...; ... the font package fonts-noto-cjk"."""
    shown = ", ".join(missing[:MOST]) + (
        f" and {len(missing) - MOST} more" if len(missing) > MOST else ""
    )
    kinds = dict.fromkeys(_package(c) for c in missing)
    what = " and ".join(dict.fromkeys(w for _p, w in kinds))
    packages = " and ".join(dict.fromkeys(p for p, _w in kinds))
    many = "s" if " and " in packages else ""
    return (
        f"has characters no font on this server has, which the pack prints as empty boxes: "
        f"{shown} ({what}); ask for the fonts to be embedded in the file (Word: File > Options > "
        "Save > Embed fonts in the file) or for a PDF made with them, or have the font "
        f"package{many} {packages} installed on the server"
    )


# --- the characters of a Word paper --------------------------------------------------------------

_DOCX_TEXT = re.compile(rb"<w:t\b[^>]*>([^<]*)<")
_ODT_TAG = re.compile(rb"<[^>]*>")
_RTF_UNICODE = re.compile(rb"\\u(-?\d{1,5})")


def paper_characters(path: Path) -> str:
    """The `unusual` characters of a Word paper's text (.docx, .odt, .rtf; a .doc is not read:
    ""), or "" when its fonts are embedded in it (LibreOffice draws with those)."""
    suffix = path.suffix.lower()
    try:
        if suffix == ".rtf":
            data = path.read_bytes()
            codes = (int(m[1]) % 65536 for m in _RTF_UNICODE.finditer(data))
            return unusual("".join(chr(c) for c in codes if not 0xD800 <= c <= 0xDFFF))
        if suffix not in (".docx", ".odt"):
            return ""
        with zipfile.ZipFile(path) as zf:
            names = zf.namelist()
            if any(n.startswith("word/fonts/") for n in names):
                return ""  # (fonts embedded: Word's File > Options > Save)
            text = []
            for name in names:
                if suffix == ".docx" and name.startswith("word/") and name.endswith(".xml"):
                    xml = zf.read(name)
                    text += [m[1] for m in _DOCX_TEXT.finditer(xml)]
                elif suffix == ".odt" and name in ("content.xml", "styles.xml"):
                    text.append(_ODT_TAG.sub(b" ", zf.read(name)))
    except (OSError, zipfile.BadZipFile, RuntimeError, ValueError):
        return ""
    return unusual(html.unescape(b" ".join(text).decode("utf-8", "replace")))
