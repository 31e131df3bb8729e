"""`sanitize` finds active content wherever a paper hides it.

The walk reads each object's text as qpdf writes it and visits only the objects whose text names
something to clean (issue 16: a tagged paper has tens of thousands of structure elements, and
visiting each from Python cost seconds). These cases are the ways an object can hold an action
without its text saying so plainly: an escaped name, an action given by reference, an action
type given by reference, an action nested in direct objects. Each pack is checked with qpdf's
uncompressed output, a reader independent of the code under test.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import pikepdf
import pytest
from pikepdf import Array, Dictionary, Name, Pdf, String

from packbuilder.sanitize import ATTACHED, SCRIPTS, sanitize
from tests.test_safety import ACTIVE


def _raw(pdf: Pdf, tmp_path: Path) -> bytes:
    saved = tmp_path / "saved.pdf"
    pdf.save(saved)
    out = tmp_path / "qdf.pdf"
    subprocess.run(
        ["qpdf", "--qdf", "--object-streams=disable", str(saved), str(out)],
        check=True,
        capture_output=True,
    )
    return out.read_bytes()


def _one_page() -> Pdf:
    pdf = pikepdf.new()
    pdf.add_blank_page(page_size=(200, 200))
    return pdf


def _link(pdf: Pdf, action: Dictionary | pikepdf.Object) -> None:
    annot = Dictionary(Type=Name.Annot, Subtype=Name.Link, Rect=[0, 0, 50, 50], A=action)
    pdf.pages[0].obj.Annots = pdf.make_indirect(Array([pdf.make_indirect(annot)]))


def _script() -> Dictionary:
    return Dictionary(S=Name.JavaScript, JS=String("app.alert(1)"))


def escaped_names(tmp_path: Path) -> Pdf:
    """/A#41 is /AA and /J#61vaScript is /JavaScript: written escaped in the file."""
    data = (
        b"%PDF-1.7\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n"
        b"2 0 obj << /Type /Pages /Kids [3 0 R] /Count 1 >> endobj\n"
        b"3 0 obj << /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] "
        b"/A#41 << /O << /S /J#61vaScript /J#53 (app.alert\\(1\\)) >> >> >> endobj\n"
        b"trailer << /Root 1 0 R /Size 4 >>\n%%EOF\n"
    )
    path = tmp_path / "escaped.pdf"
    path.write_bytes(data)
    return Pdf.open(path)


def action_by_reference(tmp_path: Path) -> Pdf:  # noqa: ARG001
    pdf = _one_page()
    _link(pdf, pdf.make_indirect(_script()))
    return pdf


def action_type_by_reference(tmp_path: Path) -> Pdf:  # noqa: ARG001
    """A launch action whose type is an object of its own, under a key of no meaning."""
    pdf = _one_page()
    kind = pdf.make_indirect(Name.Launch)
    pdf.Root.Extra = pdf.make_indirect(Dictionary(S=kind, F=String("calc.exe")))
    return pdf


def unknown_action_by_reference(tmp_path: Path) -> Pdf:  # noqa: ARG001
    """An action of a type no pack keeps, under a key that holds actions, given by reference:
    the object holding it must be cleaned, though neither object's text names anything risky."""
    pdf = _one_page()
    _link(pdf, pdf.make_indirect(Dictionary(S=Name("/ExecuteProgram"), F=String("calc.exe"))))
    return pdf


def unknown_action_written_in(tmp_path: Path) -> Pdf:  # noqa: ARG001
    pdf = _one_page()
    _link(pdf, Dictionary(S=Name("/ExecuteProgram"), F=String("calc.exe")))
    return pdf


def script_after_a_safe_action(tmp_path: Path) -> Pdf:  # noqa: ARG001
    pdf = _one_page()
    script = pdf.make_indirect(_script())
    goto = pdf.make_indirect(Dictionary(S=Name.GoTo, D=[pdf.pages[0].obj, Name.Fit], Next=script))
    pdf.Root.OpenAction = goto
    return pdf


def script_uri_by_reference(tmp_path: Path) -> Pdf:  # noqa: ARG001
    pdf = _one_page()
    _link(pdf, pdf.make_indirect(Dictionary(S=Name.URI, URI=String("javascript:alert(1)"))))
    return pdf


def nested_direct_objects(tmp_path: Path) -> Pdf:  # noqa: ARG001
    """An annotation written inside an array inside a dictionary, with a trigger on it."""
    pdf = _one_page()
    annot = Dictionary(
        Type=Name.Annot, Subtype=Name.Widget, Rect=[0, 0, 5, 5], AA=Dictionary(O=_script())
    )
    pdf.Root.Extra = pdf.make_indirect(Dictionary(Deep=Array([Array([annot])])))
    return pdf


def attached_file(tmp_path: Path) -> Pdf:  # noqa: ARG001
    pdf = _one_page()
    stream = pdf.make_stream(b"ATTACHED-SECRET", Type=Name.EmbeddedFile)
    spec = pdf.make_indirect(Dictionary(Type=Name.Filespec, F=String("a.xlsx"), EF={"/F": stream}))
    pdf.Root.Extra = spec
    return pdf


@pytest.mark.parametrize(
    ("make", "what"),
    [
        (escaped_names, SCRIPTS),
        (action_by_reference, SCRIPTS),
        (action_type_by_reference, SCRIPTS),
        (unknown_action_by_reference, SCRIPTS),
        (unknown_action_written_in, SCRIPTS),
        (script_after_a_safe_action, SCRIPTS),
        (script_uri_by_reference, SCRIPTS),
        (nested_direct_objects, SCRIPTS),
        (attached_file, ATTACHED),
    ],
)
def test_hidden_active_content_is_removed(make, what, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    pdf = make(tmp_path)
    assert what in sanitize(pdf, public=True)
    data = _raw(pdf, tmp_path)
    assert ACTIVE.findall(data) == []
    assert b"ATTACHED-SECRET" not in data
    assert b"calc.exe" not in data and b"ExecuteProgram" not in data


def test_what_only_looks_like_an_action_stays(tmp_path: Path) -> None:
    """A structure element's /A is its attributes, not an action; a link to the web and a
    string that merely reads /JS are kept as they are."""
    pdf = _one_page()
    attributes = pdf.make_indirect(Dictionary(O=Name.Layout, Placement=Name.Block))
    element = pdf.make_indirect(
        Dictionary(Type=Name.StructElem, S=Name.P, A=attributes, Alt=String("says /JS << >>"))
    )
    pdf.Root.StructTreeRoot = pdf.make_indirect(Dictionary(Type=Name.StructTreeRoot, K=element))
    _link(pdf, pdf.make_indirect(Dictionary(S=Name.URI, URI=String("https://example.org/"))))
    assert sanitize(pdf, public=True) == []
    data = _raw(pdf, tmp_path)
    assert b"/Placement /Block" in data
    assert b"https://example.org/" in data
    assert b"says /JS" in data


@pytest.mark.parametrize("where", [0, 1, 250, 498, 499])
@pytest.mark.parametrize("by_reference", [False, True])
def test_an_action_among_many_objects_is_found_wherever_it_is(tmp_path, where, by_reference):
    """The objects' texts are searched together: each match must be put down to its own object,
    the first, the last or any between (and an action referred to, to the object referring)."""
    pdf = _one_page()
    holders = [pdf.make_indirect(Dictionary(N=i, K=Array([i]))) for i in range(500)]
    # after every holder, so that the action's own object is not the one searched for
    script = pdf.make_indirect(_script()) if by_reference else _script()
    holders[where].A = script
    pdf.Root.Holders = Array(holders)
    assert sanitize(pdf, public=True) == [SCRIPTS]
    raw = _raw(pdf, tmp_path)
    assert b"app.alert" not in raw and b"/JavaScript" not in raw
