"""Helpers for the scripts that generate the shipped Word templates (python-docx).

The templates in packbuilder/templates/ are the product: users open and restyle them in Word.
These scripts only make the first version reproducible; re-running one overwrites the template
it makes.
"""

from __future__ import annotations

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor

FONT = "Arial"  # LibreOffice renders it with the metric-compatible Liberation Sans


def new_document(landscape: bool = False):  # type: ignore[no-untyped-def]
    doc = Document()
    section = doc.sections[0]
    section.page_height, section.page_width = Cm(29.7), Cm(21.0)
    if landscape:
        section.orientation = WD_ORIENT.LANDSCAPE
        section.page_width, section.page_height = Cm(29.7), Cm(21.0)
    for side in ("left_margin", "right_margin"):
        setattr(section, side, Cm(2.0))
    section.top_margin = Cm(2.0)
    section.bottom_margin = Cm(2.0)
    section.footer_distance = Cm(1.0)
    styles = doc.styles
    normal = styles["Normal"]
    normal.font.name = FONT
    normal.font.size = Pt(11)
    normal.element.rPr.rFonts.set(qn("w:eastAsia"), FONT)
    normal.paragraph_format.space_after = Pt(6)
    for name, size in (("Title", 22), ("Heading 1", 16), ("Heading 2", 13), ("Heading 3", 11)):
        st = styles[name]
        st.font.name = FONT
        st.font.size = Pt(size)
        st.font.bold = True
        st.font.color.rgb = RGBColor(0, 0, 0)  # packs are printed in black and white
        rpr = st.element.get_or_add_rPr()
        fonts = rpr.find(qn("w:rFonts"))
        if fonts is None:
            fonts = OxmlElement("w:rFonts")
            rpr.append(fonts)
        for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
            fonts.set(qn(attr), FONT)
        for theme_attr in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
            if fonts.get(qn(theme_attr)) is not None:
                del fonts.attrib[qn(theme_attr)]
        p_pr = st.element.get_or_add_pPr()
        for border in p_pr.findall(qn("w:pBdr")):  # python-docx's Title has a blue rule under it
            p_pr.remove(border)
        st.paragraph_format.space_before = Pt(12 if name != "Title" else 0)
        st.paragraph_format.space_after = Pt(6)
    for name in ("List Bullet", "List Number"):
        styles[name].font.name = FONT
        styles[name].paragraph_format.space_after = Pt(3)
    _accessible(doc)
    return doc


LANGUAGE = "en-GB"


def _accessible(doc) -> None:  # type: ignore[no-untyped-def]
    """What a tagged PDF export needs from the document itself: its language (British English, so
    screen readers pronounce it so), and the Title style as the first heading level, so that the
    headings below it (Heading 2, 3) nest without a gap."""
    defaults = doc.styles.element.find(qn("w:docDefaults"))
    rpr = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr"))
    lang = rpr.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        rpr.append(lang)
    for attr in ("w:val", "w:eastAsia", "w:bidi"):
        lang.set(qn(attr), LANGUAGE)
    title = doc.styles["Title"].element.get_or_add_pPr()
    level = OxmlElement("w:outlineLvl")
    level.set(qn("w:val"), "0")
    title.append(level)


def para(
    container,
    text: str = "",
    style: str | None = None,
    bold: bool = False,  # type: ignore[no-untyped-def]
    size: int | None = None,
    align: str | None = None,
    italic: bool = False,
):
    p = container.add_paragraph(style=style)
    if text:
        run = p.add_run(text)
        run.bold = bold or None
        run.italic = italic or None
        if size:
            run.font.size = Pt(size)
    if align == "center":
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    elif align == "right":
        p.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    return p


def cell_paragraphs(cell, lines: list[tuple[str, dict]]) -> None:  # type: ignore[type-arg, no-untyped-def]
    """Fill a table cell with paragraphs: (text, options for `para`)."""
    first = cell.paragraphs[0]
    for i, (text, opts) in enumerate(lines):
        if i == 0:
            if text:
                run = first.add_run(text)
                run.bold = opts.get("bold") or None
                run.italic = opts.get("italic") or None
                if opts.get("size"):
                    run.font.size = Pt(opts["size"])
            if opts.get("style"):
                first.style = cell.part.document.styles[opts["style"]]
        else:
            para(cell, text, **opts)


def repeat_header(row) -> None:  # type: ignore[no-untyped-def]
    tr_pr = row._tr.get_or_add_trPr()
    el = OxmlElement("w:tblHeader")
    el.set(qn("w:val"), "true")
    tr_pr.append(el)


def cant_split(row) -> None:  # type: ignore[no-untyped-def]
    tr_pr = row._tr.get_or_add_trPr()
    el = OxmlElement("w:cantSplit")
    el.set(qn("w:val"), "true")
    tr_pr.append(el)


def keep_with_next(row) -> None:  # type: ignore[no-untyped-def]
    """Keep the row on the page of the row after it: Word and LibreOffice keep a table row with
    the next when every paragraph in it is "keep with next"."""
    for cell in row.cells:
        for p in cell.paragraphs:
            p.paragraph_format.keep_with_next = True


def shade(cell, fill: str = "D9D9D9") -> None:  # type: ignore[no-untyped-def]
    tc_pr = cell._tc.get_or_add_tcPr()
    shd = OxmlElement("w:shd")
    shd.set(qn("w:val"), "clear")
    shd.set(qn("w:color"), "auto")
    shd.set(qn("w:fill"), fill)
    tc_pr.append(shd)


def table(doc, cols: int, widths_cm: list[float], style: str = "Table Grid"):  # type: ignore[no-untyped-def]
    t = doc.add_table(rows=0, cols=cols)
    t.style = doc.styles[style]
    t.alignment = WD_TABLE_ALIGNMENT.CENTER
    t.autofit = False
    for col, w in zip(t.columns, widths_cm, strict=True):
        col.width = Cm(w)
    return t


def set_widths(row, widths_cm: list[float]) -> None:  # type: ignore[no-untyped-def]
    for cell, w in zip(row.cells, widths_cm, strict=True):
        cell.width = Cm(w)


def page_x_of_y_footer(section, prefix: str = "") -> None:  # type: ignore[no-untyped-def]
    """A footer reading '<prefix>Page X of Y' with real PAGE and NUMPAGES fields."""
    p = section.footer.paragraphs[0]
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    # LibreOffice draws a field's result in the paragraph's size, not the run's: size the style
    p.style.font.size = Pt(8)
    if prefix:
        p.add_run(prefix)
    p.add_run("Page ")
    _field(p, "PAGE")
    p.add_run(" of ")
    _field(p, "NUMPAGES")
    for run in p.runs:
        run.font.size = Pt(8)


def _field(p, code: str, size: int = 8) -> None:  # type: ignore[no-untyped-def]
    run = p.add_run()
    run.font.size = Pt(size)  # the field's result takes the run's size, as the words around it do
    begin = OxmlElement("w:fldChar")
    begin.set(qn("w:fldCharType"), "begin")
    instr = OxmlElement("w:instrText")
    instr.set(qn("xml:space"), "preserve")
    instr.text = f" {code} "
    sep = OxmlElement("w:fldChar")
    sep.set(qn("w:fldCharType"), "separate")
    text = OxmlElement("w:t")
    text.text = "1"
    end = OxmlElement("w:fldChar")
    end.set(qn("w:fldCharType"), "end")
    for el in (begin, instr, sep, text, end):
        run._r.append(el)


# --- helpers added for the minutes template ------------------------------------------------------


def paragraph_style(
    doc,
    name: str,
    base: str = "Normal",
    bold: bool = False,  # type: ignore[no-untyped-def]
    size: int | None = None,
    keep_with_next: bool = False,
    space_before: int | None = None,
    space_after: int | None = None,
    left_cm: float | None = None,
):
    """A named paragraph style (created, or updated when it exists), so users restyle it in Word."""
    from docx.enum.style import WD_STYLE_TYPE

    styles = doc.styles
    names = {s.name for s in styles}
    st = styles[name] if name in names else styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
    st.base_style = styles[base]
    st.quick_style = True
    if bold:
        st.font.bold = True
    if size:
        st.font.size = Pt(size)
    pf = st.paragraph_format
    if keep_with_next:
        pf.keep_with_next = True
    if space_before is not None:
        pf.space_before = Pt(space_before)
    if space_after is not None:
        pf.space_after = Pt(space_after)
    if left_cm is not None:
        pf.left_indent = Cm(left_cm)
    return st


def left_border(style, points: float = 2.25, space: int = 6) -> None:  # type: ignore[no-untyped-def]
    """A rule down the left of every paragraph of a style (adjacent paragraphs share one rule)."""
    ppr = style.element.get_or_add_pPr()
    bdr = OxmlElement("w:pBdr")
    left = OxmlElement("w:left")
    left.set(qn("w:val"), "single")
    left.set(qn("w:sz"), str(int(points * 8)))
    left.set(qn("w:space"), str(space))
    left.set(qn("w:color"), "000000")
    bdr.append(left)
    # schema order: pBdr comes after keepNext/keepLines/pageBreakBefore/framePr/widowControl/numPr
    anchor = None
    for tag in (
        "w:shd",
        "w:tabs",
        "w:suppressAutoHyphens",
        "w:spacing",
        "w:ind",
        "w:contextualSpacing",
        "w:jc",
        "w:outlineLvl",
        "w:rPr",
    ):
        anchor = ppr.find(qn(tag))
        if anchor is not None:
            break
    if anchor is not None:
        anchor.addprevious(bdr)
    else:
        ppr.append(bdr)


def numbering_restarted_by(
    doc,
    list_style: str,
    heading_style: str,  # type: ignore[no-untyped-def]
    text: str = "(%2)",
    indent_cm: float = 1.0,
) -> None:
    """Make `list_style` a numbered list that restarts at 1 after each `heading_style` paragraph.

    Word numbers every paragraph of a list style as one list through the whole document, so the
    resolutions of a second minute would carry on from the first (5, 6, ...). Here both styles share
    one list: the heading is its level 1 with no visible number, the list items its level 2, and
    Word (and LibreOffice) restart a level after each paragraph of the level above. It lives in the
    styles, so the behaviour survives users restyling the template in Word.
    """
    numbering = doc.part.numbering_part.element
    abstracts = numbering.findall(qn("w:abstractNum"))
    abstract_ids = [int(a.get(qn("w:abstractNumId"))) for a in abstracts]
    num_ids = [int(n.get(qn("w:numId"))) for n in numbering.findall(qn("w:num"))]
    abstract_id, num_id = max(abstract_ids, default=0) + 1, max(num_ids, default=0) + 1

    def el(tag: str, **attrs: str):  # type: ignore[no-untyped-def]
        e = OxmlElement(tag)
        for k, v in attrs.items():
            e.set(qn(f"w:{k}"), v)
        return e

    abstract = el("w:abstractNum", abstractNumId=str(abstract_id))
    abstract.append(el("w:multiLevelType", val="multilevel"))
    twips = str(int(indent_cm * 567))
    for style_name in (heading_style, list_style):  # unlink the styles from their old lists
        style_id = doc.styles[style_name].style_id
        for old in numbering.xpath(f'./w:abstractNum/w:lvl/w:pStyle[@w:val="{style_id}"]'):
            old.getparent().remove(old)
    levels = ((0, heading_style, "none", "", "0"), (1, list_style, "decimal", text, twips))
    for ilvl, style_name, fmt, lvl_text, indent in levels:
        lvl = el("w:lvl", ilvl=str(ilvl))
        lvl.append(el("w:start", val="1"))
        lvl.append(el("w:numFmt", val=fmt))
        # Word links a style to a list level both ways: the level names its style too
        lvl.append(el("w:pStyle", val=doc.styles[style_name].style_id))
        lvl.append(el("w:suff", val="nothing" if ilvl == 0 else "tab"))
        lvl.append(el("w:lvlText", val=lvl_text))
        lvl.append(el("w:lvlJc", val="left"))
        ppr = el("w:pPr")
        ppr.append(el("w:ind", left=indent, hanging=indent))
        lvl.append(ppr)
        abstract.append(lvl)
    # abstractNum elements must precede every num element
    first_num = numbering.find(qn("w:num"))
    if first_num is not None:
        first_num.addprevious(abstract)
    else:
        numbering.append(abstract)
    num = el("w:num", numId=str(num_id))
    num.append(el("w:abstractNumId", val=str(abstract_id)))
    numbering.append(num)
    for style_name, ilvl in ((heading_style, 0), (list_style, 1)):
        ppr = doc.styles[style_name].element.get_or_add_pPr()
        ppr._remove_numPr()
        num_pr = el("w:numPr")
        num_pr.append(el("w:ilvl", val=str(ilvl)))
        num_pr.append(el("w:numId", val=str(num_id)))
        ppr._insert_numPr(num_pr)  # python-docx keeps the schema's element order


def runs(p, parts: list[tuple[str, dict]]) -> None:  # type: ignore[type-arg, no-untyped-def]
    """Add runs to a paragraph: (text, {"bold": True, "italic": True, "size": 9})."""
    for text, opts in parts:
        run = p.add_run(text)
        run.bold = opts.get("bold") or None
        run.italic = opts.get("italic") or None
        if opts.get("size"):
            run.font.size = Pt(opts["size"])


# w:pPr's children that come before w:framePr (the schema's order, which Word enforces)
_BEFORE_FRAME = ("w:pStyle", "w:keepNext", "w:keepLines", "w:pageBreakBefore")


def frame(p, width) -> None:  # type: ignore[no-untyped-def]
    """Make `p` a frame `width` wide at the left margin, level with the top of the paragraph
    after it, the text beside it flowing round it (Word's positioned paragraph, w:framePr)."""
    ppr = p._p.get_or_add_pPr()
    el = OxmlElement("w:framePr")
    attrs = {"w:w": str(width.twips), "w:hSpace": "0", "w:wrap": "around", "w:vAnchor": "text",
             "w:hAnchor": "margin", "w:x": "0", "w:y": "0"}  # fmt: skip
    for k, v in attrs.items():
        el.set(qn(k), v)
    before = [c for c in ppr if c.tag in {qn(t) for t in _BEFORE_FRAME}]
    if before:
        before[-1].addnext(el)
    else:
        ppr.insert(0, el)
