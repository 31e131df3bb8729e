"""The checks that refuse a Word paper referring to a file outside itself (`external`).

An RTF field's instruction is read as an RTF reader reads it: LibreOffice ignores line breaks,
decodes escapes and skips ignorable groups before it looks at the field's name, so a name padded
or spelt that way must be found all the same (an INCLUDEPICTURE after 400 line breaks once put a
file from outside the meeting folder into a public pack).
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from packbuilder.errors import InputError
from packbuilder.external import FILE_FIELDS, check_external

TARGET = '"/tmp/outside/secret.png"'


def _rtf(tmp_path: Path, body: str, name: str = "report.rtf") -> Path:
    path = tmp_path / name
    path.write_bytes(
        b"{\\rtf1\\ansi\\deff0{\\fonttbl{\\f0 Arial;}}\\f0 Before. "
        + body.encode("latin-1")
        + b" After.\\par}\n"
    )
    return path


def _field(instruction: str) -> str:
    return "{\\field{\\*\\fldinst" + instruction + "}{\\fldrslt cached}}"


@pytest.mark.parametrize(
    "instruction",
    [
        " INCLUDEPICTURE " + TARGET,  # the plain field, refused before too
        "\r\n" * 400 + " INCLUDEPICTURE " + TARGET + " \\\\d",  # the attack: 400 line breaks
        " " * 5000 + "INCLUDEPICTURE " + TARGET,
        "{\\*\\padding " + "x" * 2000 + "} INCLUDEPICTURE " + TARGET,  # an ignorable group
        "{\\*\\a{\\*\\b INCLUDETEXT}} INCLUDEPICTURE " + TARGET,  # nested ignorable groups
        " INCLUDE\r\nPICTURE " + TARGET,  # a line break inside the name
        " \\'49NCLUDEPICTURE " + TARGET,  # a hex escape: \'49 is I
        " \\u73?NCLUDEPICTURE " + TARGET,  # a Unicode escape and its fallback character
        " {\\uc2\\u73 xyNCLUDEPICTURE " + TARGET + "}",  # two fallback characters skipped
        " \\uc0\\u73 NCLUDEPICTURE " + TARGET,  # none
        " IN\\b\\b0 CLUDE\\i0 PICTURE " + TARGET,  # control words splitting the name
        " {IN}{CLU}{{DE}PICTURE} " + TARGET,  # plain groups splitting it
        " \\bin3 xyz INCLUDEPICTURE " + TARGET,  # binary data skipped, as a reader skips it
        ' "INCLUDEPICTURE" ' + TARGET,  # a quoted name
        " INCLUDEPICTURE" + TARGET,  # no space before the argument
        " includepicture " + TARGET,  # field names are not case-sensitive
        " LINK Excel.Sheet.8 " + TARGET,
        " DDEAUTO Excel " + TARGET,
        " IMPORT " + TARGET,
        " INCLUDETEXT " + TARGET,
    ],
)
def test_an_rtf_field_reading_a_file_is_refused_however_it_is_written(
    tmp_path: Path, instruction: str
) -> None:
    paper = _rtf(tmp_path, _field(instruction))
    with pytest.raises(InputError, match=r"has a field [A-Z]+ that reads another file") as e:
        check_external(paper)
    assert str(paper) in str(e.value) or paper.name in str(e.value)


def test_an_rtf_field_far_into_a_large_file_is_found_in_bounded_time(tmp_path: Path) -> None:
    """A picture's hex data (60 MB) before the field: the reader walks the whole file, in
    seconds, without holding its text."""
    picture = "{\\pict\\pngblip " + ("89504e47" * 16 + "\r\n") * 450_000 + "}"
    paper = _rtf(tmp_path, picture + _field("\r\n" * 1000 + " INCLUDEPICTURE " + TARGET))
    started = time.monotonic()
    with pytest.raises(InputError, match="INCLUDEPICTURE"):
        check_external(paper)
    assert time.monotonic() - started < 20


@pytest.mark.parametrize(
    "body",
    [
        _field(" PAGE "),
        _field(' HYPERLINK "https://www.plymouth.gov.uk/" '),
        _field(" DATE \\\\@ \"d MMMM yyyy\" "),
        _field(' REF link_to_appendix \\\\h '),  # a word containing "link" is not a LINK field
        _field(" {\\*\\bkmkstart x}PAGE "),
        "{\\pict\\pngblip 89504e47}",
        "The text mentions INCLUDEPICTURE and \\\\fldinst but has no field.",
    ],
)
def test_rtf_fields_that_read_no_file_pass(tmp_path: Path, body: str) -> None:
    check_external(_rtf(tmp_path, body))


@pytest.mark.parametrize(
    "body, says",
    [
        ("{\\object\\objlink\\objw100{\\*\\objclass Excel.Sheet.8}}", "links to an object"),
        (
            # an OLE 1 object whose header says "linked" (format 1), not "embedded" (2)
            "{\\object\\objemb{\\*\\objclass Excel.Sheet.8}{\\*\\objdata 01050000\r\n01000000"
            "0c000000}}",
            "links to an object",
        ),
        ("{\\*\\template C:\\\\templates\\\\council.dot}", "template"),
    ],
)
def test_rtf_objects_and_templates_linked_to_files_are_refused(
    tmp_path: Path, body: str, says: str
) -> None:
    with pytest.raises(InputError, match=says):
        check_external(_rtf(tmp_path, body))


def test_an_embedded_rtf_object_passes(tmp_path: Path) -> None:
    body = "{\\object\\objemb{\\*\\objclass Excel.Sheet.8}{\\*\\objdata 0105000002000000}}"
    check_external(_rtf(tmp_path, body))


def test_the_field_names_are_the_ones_docx_fields_are_checked_for() -> None:
    """One list for every format: a name added for .docx is refused in .rtf and .doc too."""
    assert {"INCLUDEPICTURE", "INCLUDETEXT", "LINK", "DDE", "DDEAUTO", "IMPORT"} <= FILE_FIELDS


def _doc(tmp_path: Path, text: bytes) -> Path:
    path = tmp_path / "report.doc"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504 + text + b"\x00" * 512)
    return path


@pytest.mark.parametrize(
    "text",
    [
        b"\x13 INCLUDETEXT \"/etc/passwd\" \x14x\x15",
        b"\x13" + b"\r\n" * 400 + b" INCLUDEPICTURE \"/etc/x.png\" \x14x\x15",
        b'\x13 "INCLUDEPICTURE" x\x14x\x15',
        " \x13\r\n\t INCLUDEPICTURE x\x14x\x15".encode("utf-16-le"),
    ],
)
def test_a_doc_field_reading_a_file_is_refused_however_it_is_padded(
    tmp_path: Path, text: bytes
) -> None:
    with pytest.raises(InputError, match="that reads another file"):
        check_external(_doc(tmp_path, text))
