"""Word papers holding objects hidden in Word are refused (`packbuilder.concealed`).

Word's Selection Pane hides a picture, shape or text box without deleting it, and Word does not
print it; LibreOffice ignores the mark and draws it on the page. A box of bidders' prices hidden
that way was published in the public pack, in plain sight (read back with pypdf).
"""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from docx import Document
from docx.oxml import parse_xml
from docx.oxml.ns import qn
from docx.shared import Mm
from PIL import Image

from packbuilder.concealed import check_concealed
from packbuilder.errors import InputError
from tests.factory import make_meeting, run_cli

SECRET = "Kestrel Associates tendered 48,000"
W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
_DRAWING = (
    '<w:r {w} xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing" '
    'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" '
    'xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape">'
    '<w:drawing><wp:anchor distT="0" distB="0" distL="0" distR="0" simplePos="0" '
    'relativeHeight="1" behindDoc="0" locked="0" layoutInCell="1" allowOverlap="1">'
    '<wp:simplePos x="0" y="0"/><wp:positionH relativeFrom="page"><wp:posOffset>1000000'
    '</wp:posOffset></wp:positionH><wp:positionV relativeFrom="page"><wp:posOffset>5000000'
    '</wp:posOffset></wp:positionV><wp:extent cx="3000000" cy="500000"/>'
    '<wp:effectExtent l="0" t="0" r="0" b="0"/><wp:wrapNone/>'
    '<wp:docPr id="9" name="Prices box" {hidden}/><wp:cNvGraphicFramePr/><a:graphic>'
    '<a:graphicData uri="http://schemas.microsoft.com/office/word/2010/wordprocessingShape">'
    '<wps:wsp><wps:cNvSpPr txBox="1"/><wps:spPr><a:xfrm><a:off x="0" y="0"/>'
    '<a:ext cx="3000000" cy="500000"/></a:xfrm><a:prstGeom prst="rect"><a:avLst/>'
    "</a:prstGeom></wps:spPr><wps:txbx><w:txbxContent><w:p><w:r><w:t>{text}</w:t></w:r></w:p>"
    "</w:txbxContent></wps:txbx><wps:bodyPr/></wps:wsp></a:graphicData></a:graphic>"
    "</wp:anchor></w:drawing></w:r>"
)
_VML = (
    '<w:r {w} xmlns:v="urn:schemas-microsoft-com:vml"><w:pict><v:shape id="Prices" '
    'type="#_x0000_t202" style="position:absolute;margin-left:50pt;margin-top:100pt;'
    'width:300pt;height:40pt;z-index:1{style}"><v:textbox><w:txbxContent><w:p><w:r>'
    "<w:t>{text}</w:t></w:r></w:p></w:txbxContent></v:textbox></v:shape></w:pict></w:r>"
)


def _paper(path: Path, how: str, hidden: bool = True) -> Path:
    """A Word report holding an object, hidden in Word (`hidden`) or shown."""
    doc = Document()
    doc.sections[0].page_width, doc.sections[0].page_height = Mm(210), Mm(297)
    doc.add_heading("Contract award", 1)
    paragraph = doc.add_paragraph("The board is asked to note the award. " * 5)
    if how == "picture":
        picture = io.BytesIO()
        Image.new("RGB", (40, 40), "black").save(picture, "PNG")
        doc.add_picture(picture)
        for properties in doc.element.body.iter(qn("wp:docPr")):
            properties.set("hidden", "1" if hidden else "0")
            properties.set("descr", "A black square")
    elif how in ("text box", "header"):
        where = doc.sections[0].header.paragraphs[0] if how == "header" else paragraph
        flag = 'hidden="true"' if hidden else ""
        where._p.append(parse_xml(_DRAWING.format(w=W, hidden=flag, text=SECRET)))
    else:  # a VML shape of an older Word
        style = ";visibility:hidden" if hidden else ""
        paragraph._p.append(parse_xml(_VML.format(w=W, style=style, text=SECRET)))
    doc.save(path)
    return path


@pytest.mark.parametrize(
    "how, named",
    [
        ("picture", "'Picture 1'"),
        ("text box", "'Prices box'"),
        ("header", "'Prices box' in header1"),
        ("vml", "shape 'Prices'"),
    ],
)
def test_an_object_hidden_in_word_is_refused(tmp_path: Path, how: str, named: str) -> None:
    paper = _paper(tmp_path / "report.docx", how)
    with pytest.raises(InputError) as refused:
        check_concealed(paper)
    message = str(refused.value)
    assert f"holds an object hidden in Word ({named})" in message
    assert message.endswith("and save it again")
    check_concealed(_paper(tmp_path / "shown.docx", how, hidden=False))  # shown: fine


def test_a_hidden_text_box_never_reaches_a_pack(tmp_path: Path) -> None:
    """End to end (real LibreOffice): the build is refused in one line naming the paper, and
    writes nothing; the same paper with its box deleted builds."""
    folder = make_meeting(tmp_path / "board", items=[{"title": "Award", "papers": ["award.docx"]}])
    _paper(folder / "award.docx", "text box")
    result = run_cli("build", "board", "--output", "out", cwd=tmp_path)
    assert result.returncode == 1
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("error: board/award.docx: holds an object hidden in Word")
    assert not (tmp_path / "out" / "public").exists()


def _rtf(path: Path, hidden: str) -> Path:
    path.write_text(
        "{\\rtf1\\ansi\\deff0{\\fonttbl{\\f0 Arial;}}\n"
        "{\\pard Contract award, a short report.\\par}\n"
        "{\\pard {\\shp{\\*\\shpinst\\shpleft1000\\shptop1000\\shpright6000\\shpbottom2000"
        "{\\sp{\\sn shapeType}{\\sv 202}}{\\sp{\\sn fHidden}{\\sv " + hidden + "}}"
        "{\\shptxt \\pard " + SECRET + "\\par}}}\\par}\n}\n",
        encoding="latin-1",
    )
    return path


def test_a_shape_hidden_in_an_rtf_paper_is_refused(tmp_path: Path) -> None:
    """An .rtf keeps a shape's hidden mark among its properties; LibreOffice ignores it too."""
    with pytest.raises(InputError, match=r"holds an object hidden in Word \(a shape\)"):
        check_concealed(_rtf(tmp_path / "report.rtf", "1"))
    check_concealed(_rtf(tmp_path / "shown.rtf", "0"))


def test_an_object_hidden_in_a_meetings_own_template_is_refused(tmp_path: Path) -> None:
    """A restyled frontsheet template with a hidden text box (the advisor's note to self): Word
    does not print it, LibreOffice printed it on every frontsheet. The build names the template."""
    from packbuilder.templates import SHIPPED

    folder = make_meeting(tmp_path / "board", items=[{"title": "Verbal", "status": "verbal"}])
    (folder / "templates").mkdir()
    template = Document(str(SHIPPED / "agenda.docx"))
    note = template.add_paragraph("")
    note._p.append(parse_xml(_DRAWING.format(w=W, hidden='hidden="1"', text=SECRET)))
    template.save(str(folder / "templates" / "agenda.docx"))
    result = run_cli("build", "board", "--output", "out", cwd=tmp_path)
    assert result.returncode == 1
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith(
        "error: board/templates/agenda.docx: holds an object hidden in Word ('Prices box')"
    ), lines[0]
    assert not (tmp_path / "out" / "public").exists()
