"""Strings written in the dictionaries of drawing instructions (`carried.content_strings`), as
the paper check reads them a megabyte at a time (`pdf._unpacked_size`)."""

from __future__ import annotations

import zlib

import pikepdf

from packbuilder.carried import content_strings
from packbuilder.pdf import _unpacked_size


def test_strings_in_property_lists_and_inline_pictures_are_read_nested_to_any_depth() -> None:
    data = (
        b"/P <</MCID 3>> BDC (shown) Tj EMC "
        b"/Span <</ActualText (secret (a (b (c))) words) /K <414243>>> BDC EMC "
        b"/Q <</A <</B (nested)>> /C (after a dictionary)>> DP "
        b"q BI /W 1 /H 1 /BPC 8 /CS /G /X (inline secret) ID \x00 EI Q"
    )
    assert content_strings(data) == (
        ["secret (a (b (c))) words", "ABC", "nested", "after a dictionary", "inline secret"],
        None,
    )


def test_a_dictionary_the_instructions_end_in_is_said() -> None:
    assert content_strings(b"q Q /Span <</E (not yet ended") == ([], 10)


def test_a_long_string_across_the_pieces_the_check_unpacks_is_read() -> None:
    """A third review's: 900 KB of instructions, then a dictionary whose string of 150 KB
    crosses the first megabyte: read whole."""
    secret = b"Kestrel Safeguarding Associates tendered forty eight thousand pounds"
    data = b"q Q\n" * 225_000 + b"/Span <</E (" + b" " * 150_000 + secret + b")>> BDC EMC\n"
    with pikepdf.new() as pdf:
        stream = pdf.make_stream(zlib.compress(data), Filter=pikepdf.Name.FlateDecode)
        strings: list[str] = []
        assert _unpacked_size(stream, strings) == len(data)
    assert [s.strip() for s in strings] == [secret.decode()]
