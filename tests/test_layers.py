"""Layers switched off: a paper that hides part of itself when it is opened is refused.

Each paper is made here with pikepdf and checked as every PDF paper is (`paper_facts`); the
end-to-end test runs the real CLI and reads the pack with pypdf.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pikepdf
import pytest
from pikepdf import Array, Dictionary, Name
from pypdf import PdfReader

from packbuilder.errors import InputError
from packbuilder.pdf import paper_facts
from tests.factory import make_meeting, run_cli

SHOWN = "Shown to everyone"
SECRET = "Secret tender prices"


class _Paper:
    """A one-page PDF with two layers, L1 and L2, and a font."""

    def __init__(self) -> None:
        self.pdf = pikepdf.new()
        pdf = self.pdf
        self.l1 = pdf.make_indirect(Dictionary(Type=Name.OCG, Name="Prices"))
        self.l2 = pdf.make_indirect(Dictionary(Type=Name.OCG, Name="Notes"))
        self.font = pdf.make_indirect(
            Dictionary(Type=Name.Font, Subtype=Name.Type1, BaseFont=Name.Helvetica)
        )
        self.page = pdf.add_blank_page(page_size=(595, 842))
        self.properties = Dictionary(L1=self.l1, L2=self.l2)
        self.xobjects = Dictionary()
        self.page.obj.Resources = Dictionary(
            Font=Dictionary(F1=self.font), Properties=self.properties, XObject=self.xobjects
        )
        self.layers(OFF=Array([self.l1]))

    def layers(self, **config: pikepdf.Object) -> None:
        self.pdf.Root.OCProperties = Dictionary(
            OCGs=Array([self.l1, self.l2]), D=Dictionary(**config)
        )

    def draw(self, content: bytes) -> None:
        self.page.obj.Contents = self.pdf.make_stream(content)

    def form(self, content: bytes, **extra: pikepdf.Object) -> pikepdf.Stream:
        form = self.pdf.make_stream(content)
        form.Type, form.Subtype, form.BBox = Name.XObject, Name.Form, [0, 0, 595, 842]
        form.Resources = Dictionary(Font=Dictionary(F1=self.font), Properties=self.properties)
        for key, value in extra.items():
            form[f"/{key}"] = value
        return form


def _text(x: float, y: float, words: str) -> bytes:
    return b"BT /F1 12 Tf %d %d Td (%s) Tj ET " % (x, y, words.encode())


def _refused(paper: _Paper, tmp_path: Path) -> str:
    """The one line `paper_facts` (every check of a PDF paper) refuses the paper with."""
    paper.pdf.save(tmp_path / "paper.pdf")
    with pytest.raises(InputError) as caught:
        paper_facts(tmp_path / "paper.pdf")
    return str(caught.value)


def _accepted(paper: _Paper, tmp_path: Path) -> None:
    paper.pdf.save(tmp_path / "paper.pdf")
    assert paper_facts(tmp_path / "paper.pdf").pages == 1


def off_list(p: _Paper) -> None:
    p.draw(_text(72, 700, SHOWN) + b"/OC /L1 BDC " + _text(72, 600, SECRET) + b"EMC")


def base_state_off(p: _Paper) -> None:
    p.layers(BaseState=Name.OFF, ON=Array([p.l2]))
    p.draw(
        _text(72, 700, SHOWN)
        + b"/OC /L2 BDC "
        + _text(72, 650, "Notes everyone sees")
        + b"EMC /OC /L1 BDC "
        + _text(72, 600, SECRET)
        + b"EMC"
    )


def membership_all_off(p: _Paper) -> None:
    """Shown only while L2 is off; L2 is on."""
    p.layers()
    p.properties.M = p.pdf.make_indirect(
        Dictionary(Type=Name.OCMD, OCGs=Array([p.l2]), P=Name.AllOff)
    )
    p.draw(_text(72, 700, SHOWN) + b"/OC /M BDC " + _text(72, 600, SECRET) + b"EMC")


def expression_not(p: _Paper) -> None:
    p.layers()
    p.properties.M = p.pdf.make_indirect(
        Dictionary(Type=Name.OCMD, VE=Array([Name.Not, p.l2]), OCGs=p.l2)
    )
    p.draw(_text(72, 700, SHOWN) + b"/OC /M BDC " + _text(72, 600, SECRET) + b"EMC")


def nested_in_a_shown_section(p: _Paper) -> None:
    p.draw(
        b"/OC /L2 BDC "
        + _text(72, 700, SHOWN)
        + b"/OC /L1 BDC "
        + _text(72, 600, SECRET)
        + b"EMC EMC"
    )


def form_holding_a_hidden_section(p: _Paper) -> None:
    p.xobjects.Fm1 = p.form(_text(72, 600, SECRET).join([b"/OC /L1 BDC ", b"EMC"]))
    p.draw(_text(72, 700, SHOWN) + b"q /Fm1 Do Q")


def form_on_a_hidden_layer(p: _Paper) -> None:
    p.xobjects.Fm1 = p.form(_text(72, 600, SECRET), OC=p.l1)
    p.draw(_text(72, 700, SHOWN) + b"q /Fm1 Do Q")


def shown_by_one_of_its_layers(p: _Paper) -> None:
    """AnyOn over L1 and L2, both on: shown."""
    p.layers()
    p.properties.M = p.pdf.make_indirect(Dictionary(Type=Name.OCMD, OCGs=Array([p.l1, p.l2])))
    p.draw(_text(72, 700, SHOWN) + b"/OC /M BDC " + _text(72, 600, "Also shown") + b"EMC")


def expression_too_deep_to_follow(p: _Paper) -> None:
    """Every layer on, but 150 levels of /And: not followed, so counted as hidden."""
    p.layers()
    expression: pikepdf.Object = p.l2
    for _ in range(150):
        expression = Array([Name.And, expression])
    p.properties.M = p.pdf.make_indirect(Dictionary(Type=Name.OCMD, VE=expression))
    p.draw(_text(72, 700, SHOWN) + b"/OC /M BDC " + _text(72, 600, SECRET) + b"EMC")


def membership_given_in_place_on_an_annotation(p: _Paper) -> None:
    p.layers()
    note = Dictionary(
        Type=Name.Annot,
        Subtype=Name.Text,
        Rect=[0, 0, 20, 20],
        Contents=pikepdf.String(SECRET),
        OC=Dictionary(Type=Name.OCMD, OCGs=Array([p.l1, p.l2]), P=Name.AllOff),
    )
    p.page.obj.Annots = Array([p.pdf.make_indirect(note)])
    p.draw(_text(72, 700, SHOWN))


def hidden_on_screen_by_its_usage(p: _Paper) -> None:
    """Every layer on in /D, but L1's usage hides it on screen (pdf.js and PDFium honour it)."""
    p.layers()
    p.l1.Usage = Dictionary(View=Dictionary(ViewState=Name.OFF))
    off_list(p)


def shown_only_at_some_zoom(p: _Paper) -> None:
    p.layers()
    p.l1.Usage = Dictionary(Zoom=Dictionary(min=4))
    off_list(p)


def off_in_another_configuration(p: _Paper) -> None:
    p.layers()
    p.pdf.Root.OCProperties.Configs = Array([Dictionary(Name="Print", OFF=Array([p.l1]))])
    off_list(p)


def membership_typed_by_reference(p: _Paper) -> None:
    """Its /Type an indirect name: the word OCMD is nowhere in its text."""
    p.layers()
    kind = p.pdf.make_indirect(Name.OCMD)
    p.properties.M = p.pdf.make_indirect(Dictionary(Type=kind, OCGs=Array([p.l2]), P=Name.AllOff))
    p.draw(_text(72, 700, SHOWN) + b"/OC /M BDC " + _text(72, 600, SECRET) + b"EMC")


def malformed_expression(p: _Paper) -> None:
    p.layers()
    p.properties.M = p.pdf.make_indirect(
        Dictionary(Type=Name.OCMD, VE=Array([Name.Or, Array([Name.Not, p.l2]), Name.junk]))
    )
    p.draw(_text(72, 700, SHOWN) + b"/OC /M BDC " + _text(72, 600, SECRET) + b"EMC")


def layer_given_in_place(p: _Paper) -> None:
    """/OC with a dictionary in the drawing itself (pdf.js honours it)."""
    p.layers()
    p.draw(
        _text(72, 700, SHOWN)
        + b"/OC <</Type /OCMD /VE [/Not [/Or]]>> BDC "
        + _text(72, 600, SECRET)
        + b"EMC"
    )


HIDING = {
    off_list: "'Prices'",
    base_state_off: "'Prices'",
    membership_all_off: "'Notes'",
    expression_not: "'Notes'",
    nested_in_a_shown_section: "'Prices'",
    form_holding_a_hidden_section: "'Prices'",
    form_on_a_hidden_layer: "'Prices'",
    expression_too_deep_to_follow: "'unnamed'",
    membership_given_in_place_on_an_annotation: "'Prices', 'Notes'",
    hidden_on_screen_by_its_usage: "'Prices'",
    shown_only_at_some_zoom: "'Prices'",
    off_in_another_configuration: "'Prices'",
    membership_typed_by_reference: "'Notes'",
    malformed_expression: "'unnamed'",
    layer_given_in_place: "given in its drawing",
}


@pytest.mark.parametrize("make", list(HIDING), ids=lambda f: f.__name__)
def test_a_paper_with_a_layer_switched_off_is_refused_naming_it(
    make: Callable[[_Paper], None], tmp_path: Path
) -> None:
    paper = _Paper()
    make(paper)
    said = _refused(paper, tmp_path)
    assert f"this PDF hides part of itself when it is opened (layers {HIDING[make]})" in said, said
    assert "print it to a new PDF, which holds only what shows" in said
    assert "\n" not in said


def test_a_paper_whose_layers_all_show_is_accepted(tmp_path: Path) -> None:
    paper = _Paper()
    shown_by_one_of_its_layers(paper)
    _accepted(paper, tmp_path)


def test_a_file_without_a_list_of_layers_shows_them_all(tmp_path: Path) -> None:
    """A viewer ignores /OC sections of a file with no /OCProperties: so does the pack."""
    paper = _Paper()
    off_list(paper)
    del paper.pdf.Root["/OCProperties"]
    _accepted(paper, tmp_path)


def test_a_layer_switched_off_but_not_listed_is_shown_as_viewers_show_it(tmp_path: Path) -> None:
    paper = _Paper()
    off_list(paper)
    paper.pdf.Root.OCProperties.OCGs = Array([paper.l2])  # L1 is off, but not listed
    _accepted(paper, tmp_path)


def test_many_layers_are_named_briefly(tmp_path: Path) -> None:
    paper = _Paper()
    more = [paper.pdf.make_indirect(Dictionary(Type=Name.OCG, Name=f"Layer {n}")) for n in range(5)]
    paper.pdf.Root.OCProperties = Dictionary(
        OCGs=Array([paper.l1, *more]), D=Dictionary(BaseState=Name.OFF)
    )
    paper.draw(_text(72, 700, SHOWN))
    said = _refused(paper, tmp_path)
    assert "(layers 'Prices', 'Layer 0', 'Layer 1' and 3 more)" in said, said


def tender_meeting(tmp_path: Path, paper: str) -> Path:
    """A meeting whose public item has `paper` (to be written) and whose exempt item has one."""
    return make_meeting(
        tmp_path / "board",
        items=[
            {"title": "Tender award", "papers": [paper]},
            {"title": "Contract", "papers": ["contract.pdf"], "exempt paragraph": 3},
        ],
        papers={"contract.pdf": 1},
    )


def refused_after_a_build(
    tmp_path: Path, paper: str, good: Callable[[Path], object], bad: Callable[[Path], object]
) -> str:
    """Build the `tender_meeting` with `good` writing its paper, then write it with `bad`: the
    one error line `check` and `build` each give (the same), with the public pack built first
    left as it was, and nothing of `SECRET` in it."""
    folder = tender_meeting(tmp_path, paper)
    good(folder / paper)
    first = run_cli("build", "board", "--output", "out", cwd=tmp_path)
    assert first.returncode == 0, first.stderr
    (public,) = (tmp_path / "out").rglob("*agenda-pack-public.pdf")
    before = public.read_bytes()
    bad(folder / paper)
    said = []
    for command in (["check", "board"], ["build", "board", "--output", "out"]):
        result = run_cli(*command, cwd=tmp_path)
        assert result.returncode != 0, command
        errors = [x for x in result.stderr.splitlines() if x.strip().startswith("error")]
        assert len(errors) == 1, result.stderr
        assert "Traceback" not in result.stderr
        said.append(errors[0].strip())
    assert said[0] == said[1], said
    assert public.read_bytes() == before
    assert SECRET not in " ".join(page.extract_text() for page in PdfReader(public).pages)
    return said[0]


def test_a_layered_paper_is_refused_by_check_and_build_and_the_last_pack_stays(
    tmp_path: Path,
    libreoffice,  # noqa: ARG001
) -> None:
    """An officer's "public version": the prices on a layer switched off. `check` and `build`
    refuse it in one line naming the paper; the pack published before stays as it was."""
    plain, layered = _Paper(), _Paper()
    plain.draw(_text(72, 700, SHOWN))
    del plain.pdf.Root["/OCProperties"]
    off_list(layered)
    said = refused_after_a_build(
        tmp_path, "tender-public-version.pdf", plain.pdf.save, layered.pdf.save
    )
    assert "tender-public-version.pdf" in said
    assert "hides part of itself when it is opened (layers 'Prices')" in said


def test_an_expression_sharing_its_parts_is_evaluated_in_a_few_steps(tmp_path: Path) -> None:
    """40 levels, each naming the level below twice: 2**40 terms read as a tree."""
    paper = _Paper()
    paper.layers()
    expression: pikepdf.Object = paper.l2
    for _ in range(40):
        expression = paper.pdf.make_indirect(Array([Name.And, expression, expression]))
    paper.properties.M = paper.pdf.make_indirect(Dictionary(Type=Name.OCMD, VE=expression))
    paper.draw(_text(72, 700, SHOWN) + b"/OC /M BDC " + _text(72, 600, SECRET) + b"EMC")
    _accepted(paper, tmp_path)  # every layer on: shown, and found so at once


def test_a_file_too_large_to_check_is_refused_as_too_unusual(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from packbuilder import layers

    paper = _Paper()
    expression_not(paper)
    monkeypatch.setattr(layers, "MAX_STEPS", 1)
    said = _refused(paper, tmp_path)
    assert "structure is too unusual to check for hidden layers" in said, said


def test_a_membership_naming_no_layer_has_no_effect(tmp_path: Path) -> None:
    paper = _Paper()
    paper.layers()
    paper.properties.M = paper.pdf.make_indirect(Dictionary(Type=Name.OCMD, OCGs=7))
    paper.draw(_text(72, 700, SHOWN) + b"/OC /M BDC " + _text(72, 600, "Also shown") + b"EMC")
    _accepted(paper, tmp_path)


def test_a_layer_name_is_told_on_one_line(tmp_path: Path) -> None:
    paper = _Paper()
    paper.l1.Name = pikepdf.String("Tender\n  prices")
    off_list(paper)
    said = _refused(paper, tmp_path)
    assert "(layers 'Tender prices')" in said, said
