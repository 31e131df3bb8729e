"""The HTML agenda published beside a public pack, in a real browser: axe-core finds no WCAG 2.2
A or AA violation, every paper link names a destination the PDF has, and a screenshot is taken to
look at (PACKBUILDER_WEB_SCREENSHOTS keeps it)."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pikepdf
import pytest

from packbuilder.build import build
from packbuilder.convert import CachingConverter, LibreOffice
from tests.browser import NEEDS_CHROMIUM, axe_violations, launch

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "inputs" / "2020-03-05-safer-plymouth"

pytestmark = [pytest.mark.libreoffice, NEEDS_CHROMIUM]


@pytest.fixture(scope="module")
def browser():  # type: ignore[no-untyped-def]
    yield from launch()


def test_the_example_html_agenda_passes_axe_and_links_into_its_pack(tmp_path, browser):  # type: ignore[no-untyped-def]
    result = build(EXAMPLE, tmp_path / "out", converter=CachingConverter(LibreOffice()))
    public = next(p.path for p in result.packs if p.path.name.endswith("public.pdf"))
    html = public.with_suffix(".html")
    assert html.is_file()
    page = browser.new_page()
    page.goto(html.as_uri())
    assert page.title().startswith("Agenda: ")
    assert page.locator("h1").count() == 1
    assert axe_violations(page) == []
    shots = Path(os.environ.get("PACKBUILDER_WEB_SCREENSHOTS") or tmp_path)
    shots.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=shots / "html-agenda.png", full_page=True)
    hrefs = page.locator("a[href*='#nameddest=']").evaluate_all("as => as.map(a => a.href)")
    assert hrefs, "no paper links into the pack"

    def names(pack: Path) -> set[str]:
        with pikepdf.open(pack) as pdf:
            return {str(k) for k, _ in pikepdf.NameTree(pdf.Root.Names.Dests).items()}

    into = {}
    for href in hrefs:
        target = re.search(r"/([^/#]+)#nameddest=(.+)$", href)
        assert target, href
        into.setdefault(target.group(1), []).append(target.group(2))
    # the pack's own papers, and item 5's paper "to follow", published since in supplement 1
    supplement = public.parent / "2020-03-05-safer-plymouth-supplement-1.pdf"
    assert set(into) == {public.name, supplement.name}
    assert into[supplement.name] == ["item-5-paper-1"]
    for pack, wanted in into.items():
        assert set(wanted) <= names(public.parent / pack), pack
    # exempt item 9: listed with its note, and nothing of its paper
    text = page.locator("main").inner_text()
    assert "Not for publication by virtue of paragraph" in text
    assert "DHR chair contract award" not in text
    # as the frontsheet prints them: the notice bold, the exclusion resolution in italics
    notice = page.get_by_text("Not for publication by virtue of paragraph")
    assert int(notice.evaluate("e => getComputedStyle(e).fontWeight")) >= 600
    assert notice.evaluate("e => getComputedStyle(e).fontStyle") == "normal"
    resolution = page.get_by_text("To consider passing a resolution")
    assert resolution.evaluate("e => getComputedStyle(e).fontStyle") == "italic"
    # reflow (WCAG 1.4.10): on a 320 px wide screen nothing needs scrolling sideways
    narrow = browser.new_page(viewport={"width": 320, "height": 640})
    narrow.goto(html.as_uri())
    wide = narrow.evaluate("document.documentElement.scrollWidth")
    assert wide <= 320, f"the page is {wide} px wide on a 320 px screen"
    assert axe_violations(narrow) == []
    narrow.screenshot(path=shots / "html-agenda-320.png", full_page=True)


def test_a_table_style_html_agenda_passes_axe(tmp_path, browser):  # type: ignore[no-untyped-def]
    """The table style labels each item's purpose and time as its columns are headed (a list of
    paragraphs inside a description list): still no violation, on a wide and a narrow screen."""
    import datetime as dt

    from packbuilder import plan
    from packbuilder.html_agenda import write_html_agenda
    from packbuilder.layout import lay_out
    from packbuilder.meeting import load_meeting
    from tests.factory import make_meeting

    folder = make_meeting(
        tmp_path / "m",
        items=[
            {
                "title": "Commissioning plan",
                "lead": "JK",
                "purpose": "To agree:\n- the plan\n- the budget",
                "time allowed": 20,
                "papers": ["plan.pdf"],
            },
            {"title": "Update", "lead": "AM", "purpose": "To note.", "status": "verbal"},
        ],
        fields={"Agenda style": "table", "Decision heading": "Action sought"},
        papers={"plan.pdf": 2},
    )
    meeting = load_meeting(folder)
    (spec,) = plan.plan_packs(meeting)
    layout = lay_out([(i.number, [p.pages for p in i.papers]) for i in spec.included])
    html = write_html_agenda(
        meeting, spec, layout, dt.date(2020, 2, 26), "pack.pdf", tmp_path / "agenda.html"
    )
    shots = Path(os.environ.get("PACKBUILDER_WEB_SCREENSHOTS") or tmp_path)
    shots.mkdir(parents=True, exist_ok=True)
    for width in (1024, 320):
        page = browser.new_page(viewport={"width": width, "height": 800})
        page.goto(html.as_uri())
        assert axe_violations(page) == []
        labels = page.locator("li[id] dt").all_inner_texts()
        assert labels[:3] == ["Who", "Action sought", "Time (approx.)"]
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        page.screenshot(path=shots / f"html-agenda-table-{width}.png", full_page=True)
