"""Words written in drawing instructions that nothing draws (`undrawn`): read from what is
not plain, and nothing from what PDF writers write."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pikepdf
import pytest

from packbuilder.undrawn import Reader, cmap_words

ROOT = Path(__file__).resolve().parent.parent


def _words(data: bytes, piece: int | None = None) -> str:
    reader = Reader()
    piece = piece or max(len(data), 1)
    for start in range(0, max(len(data), 1), piece):
        reader.feed(data[start : start + piece], last=start + piece >= len(data))
    return reader.words


PLAIN = (
    b"/Artifact BMC q 0 0 595 842 re W* n EMC /P <</MCID 0>> BDC q 0 0 0 rg BT 56.8 774.4 Td "
    b"/F3 11 Tf[<02>6<03>-7<1216>]TJ ET Q EMC /Span <</ActualText (fi)>> BDC EMC "
    b"BT /TT0 1 Tf 12 0 0 12 72 700 Tm (Hello, world) Tj T* (again) ' ET "
    b"/GS0 gs /C2_0 12 Tf /Im12 Do /Fm-1 Do [3 2] 0 d /CS0 cs 0.5 0.2 0.1 scn /OC /oc1 BDC EMC "
    b"q BI /W 2 /H 1 /BPC 8 /CS /G ID \x00(\xff/Evil EI Q % a comment\n0 g true false null"
)


def test_what_pdf_writers_write_holds_no_undrawn_words() -> None:
    assert _words(PLAIN) == ""


@pytest.mark.parametrize("piece", [1, 2, 3, 5, 7, 64])
def test_instructions_read_a_piece_at_a_time_are_read_as_whole(piece: int) -> None:
    """A check unpacks instructions a megabyte at a time: a word, a string or an array cut by
    a piece's end is read with the next piece, not taken for something else."""
    assert _words(PLAIN, piece) == ""
    hidden = PLAIN + b"\n(the tender was won) xyz /Kestrel BMC EMC"
    assert _words(hidden, piece).split("\n")[0].endswith("the tender was won")


@pytest.mark.parametrize(
    ("data", "words"),
    [
        (b"(the report) xyz", "the report\nxyz"),  # a string given to an unknown operator
        (b"BT (the report) (x) Tj ET", "the report x"),  # a string too many: the last is drawn
        (b"(the report) 0 0 m", "the report"),  # a string a line does not take
        (b"The council will award", "The council will award"),  # bare words
        (b"/The BMC EMC /council BMC EMC", "The council"),  # names
        (b"/The#20council BMC EMC", "The council"),  # a name's #xx codes
        (b"BX (hidden) zz EX", "hidden\nzz"),  # a compatibility section
        (b"<feff00540068006500200072> yy", "The r\nyy"),  # UTF-16 in a hex string
        (b"(a\\(b\\) \\101) 1 2 m", "a(b) A"),  # escapes
        (b"(the) xyz (council) xyz", "the council\nxyz xyz"),  # kinds do not part each other
        (b"BT 1 2 (the report) \" ET", "the report"),  # a rarer way to draw: read, to be sure
    ],
)
def test_what_is_not_plain_is_read_for_its_words(data: bytes, words: str) -> None:
    assert _words(data) == words


def test_a_unicode_map_gives_its_comments_and_the_sentences_it_maps_codes_to() -> None:
    cmap = (
        b"%!PS-Adobe-3.0 Resource-CMap\n% the tender was won\n/CIDInit /ProcSet findresource begin "
        b"begincmap 2 beginbfchar <01> <0041> <02> <"
        + "Kestrel Associates".encode("utf-16-be").hex().encode()
        + b"> endbfchar endcmap"
    )
    words = cmap_words(cmap)
    assert "the tender was won" in words and "Kestrel Associates" in words
    assert "A" not in words.split()  # (a code's one letter: not read)


def _instruction_streams(path: Path) -> list[bytes]:
    with pikepdf.open(path) as pdf:
        streams: list[pikepdf.Object] = []
        for page in pdf.pages:
            contents = page.obj.Contents
            streams += list(contents) if isinstance(contents, pikepdf.Array) else [contents]
        streams += [
            o
            for o in pdf.objects
            if isinstance(o, pikepdf.Stream) and o.stream_dict.get("/Subtype") == "/Form"
        ]
        return [s.read_bytes() for s in streams]


def test_libreoffice_and_cairo_pdfs_hold_no_undrawn_words(tmp_path: Path) -> None:
    """The example meetings' appendices (made by LibreOffice) and the same printed again by
    cairo (pdftocairo, as a "print to PDF" would): every page plain, nothing read."""
    papers = sorted((ROOT / "inputs").glob("*/*.pdf"))
    assert papers
    if shutil.which("pdftocairo"):
        for n, paper in enumerate(list(papers)):
            again = tmp_path / f"cairo-{n}.pdf"
            subprocess.run(["pdftocairo", "-pdf", str(paper), str(again)], check=True)
            papers.append(again)
    for paper in papers:
        for data in _instruction_streams(paper):
            assert _words(data) == "", paper.name


@pytest.mark.parametrize(
    "data",
    [
        b"BI /W 1 ID \n" * 100_000,  # pictures begun, never ended
        b"BI " * 100_000 + b" ID x",  # a hundred thousand starts, one picture
        b"(a" * 100_000,  # strings never closed
        b"[(a)" * 100_000,  # arrays never closed
        b"<<" * 100_000,  # dictionaries never closed
    ],
    ids=["unended pictures", "many starts", "open strings", "open arrays", "open dictionaries"],
)
def test_instructions_made_to_be_slow_are_read_in_one_pass(data: bytes) -> None:
    """A reviewer's kind of file: each picture start read to the end of the instructions made a
    page of a million bytes take hours to check (a build that never ends). Every reading of a
    page's instructions goes on from where the last stopped. (Read in a process of its own, and
    given a minute: a single pass takes about a second on a busy machine.)"""
    code = (
        "import sys\n"
        "from packbuilder.carried import content_strings\n"
        "from packbuilder.undrawn import Reader, cmap_words\n"
        "data = sys.stdin.buffer.read()\n"
        "content_strings(data); cmap_words(data)\n"
        "r = Reader(); r.feed(data, last=True); r.words\n"
    )
    subprocess.run([sys.executable, "-c", code], input=data, check=True, timeout=60)
