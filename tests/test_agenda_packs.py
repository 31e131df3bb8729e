"""Agendas as real boards write them, end to end (issue 13): the real LibreOffice renders the
frontsheet and pypdf reads it back. Headings unnumbered and never stamped, a break with its time,
notes and carried actions under items, page ranges in both conventions."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest

from packbuilder.build import build
from tests.factory import AGENDA_HEADER, make_meeting
from tests.packreader import ITEM_STAMP, Pack

pytestmark = pytest.mark.libreoffice

ROOT = Path(__file__).resolve().parent.parent
HEADINGS = ("Agenda Items for Discussion:", "Part II: items not for publication")


def _flat(text: str) -> str:
    return " ".join(text.split())


def _meeting(folder: Path, fields: dict) -> Path:  # type: ignore[type-arg]
    return make_meeting(
        folder,
        items=[
            {
                "item": 1,
                "title": "Minutes of the last meeting",
                "papers": ["minutes.pdf"],
                "time allowed": "10.00-10.10",
                "notes": "Actions to be carried forward:\n- Further paper on development",
            },
            {"item": None, "title": HEADINGS[0]},
            {
                "item": 2,
                "title": "Safer Plymouth development",
                "papers": ["dev.pdf"],
                "time allowed": "10.10-12.30",
                "purpose": "Discuss and agree new framework.",
            },
            {"item": None, "title": "BREAK – if required"},
            {
                "item": 3,
                "title": "Organised crime",
                "time allowed": "12.30 – 1pm",
                "status": "verbal",
            },
            {"item": None, "title": HEADINGS[1]},
            {"item": 4, "title": "Contract award", "papers": ["tender.pdf"], "exempt paragraph": 3},
        ],
        fields={"Start time": dt.time(10, 0), "End time": dt.time(13, 0), **fields},
        papers={"minutes.pdf": 3, "dev.pdf": 2, "tender.pdf": 1},
        header=[*AGENDA_HEADER, "Notes"],
    )


@pytest.fixture(scope="module")
def packs(tmp_path_factory, libreoffice):  # type: ignore[no-untyped-def]
    tmp = tmp_path_factory.mktemp("agenda")
    out = {}
    for style, fields in (
        ("table", {"Agenda style": "table", "Page ranges": "papers only", **DETAILS}),
        ("list", DETAILS),
    ):
        folder = _meeting(tmp / style, fields)
        result = build(folder, tmp / f"out-{style}", converter=libreoffice)
        out[style] = {p.label: Pack.read(p.path) for p in result.packs}
        public = next(p.path for p in result.packs if p.public and "agenda" in p.path.name)
        out[f"{style}-html"] = public.with_suffix(".html").read_text(encoding="utf-8")
    return out


# fields of the Meeting sheet packbuilder has no name for: printed under the chair, as typed
DETAILS = {
    "Members": "Cllr Ann Smith (Chair)\nCllr Bob Jones",
    "Apologies": "Cllr <Carol> & {{ Dee }}",
    "Quorum": "   ",  # nothing typed: no line
}


@pytest.mark.parametrize("style", ["table", "list"])
def test_other_meeting_fields_are_printed_as_typed(packs, style):
    for pack in packs[style].values():
        front = pack.frontsheet_text()
        assert "Members: Cllr Ann Smith (Chair)" in front and "Cllr Bob Jones" in front
        assert "Apologies: Cllr <Carol> & {{ Dee }}" in front  # text, never markup or code
        assert "Quorum" not in front
    html = packs[f"{style}-html"]
    assert "<dt>Members</dt><dd>Cllr Ann Smith (Chair)<br>Cllr Bob Jones</dd>" in html
    assert "<dt>Apologies</dt><dd>Cllr &lt;Carol&gt; &amp; {{ Dee }}</dd>" in html
    assert "Quorum" not in html


@pytest.mark.parametrize("style", ["table", "list"])
def test_headings_are_shown_unnumbered_and_never_stamped(packs, style):
    for pack in packs[style].values():
        front = pack.frontsheet_text()
        for heading in HEADINGS:
            assert heading in _flat(front)
            # no number before it on its line, as items have ("2.")
            line = next(x for x in front.splitlines() if heading.split(":")[0] in x)
            assert not re.match(r"\s*\d+\.", line), line
        stamps = [n for t in pack.texts[pack.front_pages :] for n in ITEM_STAMP.findall(t)]
        assert set(stamps) <= {"1", "2", "4"}
        assert all(
            h.split(":")[0] not in title for _d, title, _p in pack.bookmarks() for h in HEADINGS
        )


def test_the_table_style(packs):
    pack = packs["table"]["Agenda pack (public)"]
    front = _flat(pack.frontsheet_text())
    # the five columns of the May 2016 agenda, and its paperwork marker
    for heading in ("Item", "Subject", "Who", "Decision required", "Time (approx.)"):
        assert heading in front
    assert "* indicates paperwork included" in front
    assert "Minutes of the last meeting *" in front
    assert "BREAK – if required" in front
    # times as ranges: typed ranges shown as ranges
    for time in ("10.00–10.10 am", "10.10 am–12.30 pm", "12.30–1 pm"):
        assert time in front
    # notes under the item, the bullet's text on its own
    assert "Actions to be carried forward:" in front
    assert "Further paper on development" in front
    # papers only: minutes are pages 1-3, page 4 is the filler, the paper starts on page 5
    assert "(Pages 1 - 3)" in front and "(Pages 5 - 6)" in front
    assert "(Pages 1 - 4)" not in front
    assert pack.fillers() == [4]
    assert pack.item_starts() == {"1": 1, "2": 5}


def test_the_list_style_keeps_the_modern_gov_ranges(packs):
    pack = packs["list"]["Agenda pack (public)"]
    front = _flat(pack.frontsheet_text())
    assert "(Pages 1 - 4)" in front and "(Pages 5 - 6)" in front
    assert "Discuss and agree new framework." in front  # the purpose under the title
    assert "* indicates paperwork included" not in front
    assert "BREAK – if required" in front
    assert "10.00–10.10 am" in front
    assert "Further paper on development" in front


def test_the_second_example_builds(tmp_path, libreoffice):
    result = build(
        ROOT / "inputs" / "2016-05-26-safer-plymouth", tmp_path / "out", converter=libreoffice
    )
    assert [p.label for p in result.packs] == ["Agenda pack", "Supplement 1"]
    assert result.warnings == ()
    pack = Pack.read(result.packs[0].path)
    front = _flat(pack.frontsheet_text())
    assert "Agenda Items for Discussion:" in front
    assert "BRIEFINGS (DISCUSS BY EXCEPTION ONLY):" in front
    # the minutes' one open action is carried; the two done ones are not
    assert "Actions to be carried forward:" in front
    assert "Further paper on the development of Safer Plymouth Partnership" in front
    assert "Circulate the new local PCSB action plan" not in front
    assert pack.item_starts() == {"3": 1, "4": 3}  # minutes of 2 pages, no filler needed
    assert "(Pages 1 - 2)" in front and "(Pages 3 - 5)" in front
    supplement = Pack.read(result.packs[1].path)
    assert "relating to agenda item 5." in _flat(supplement.frontsheet_text())
    assert supplement.item_starts() == {"5": 1}


def test_a_heading_carries_notes_as_supporting_documents(tmp_path, libreoffice):  # type: ignore[no-untyped-def]
    """Seed 000 ends its agenda with "Supporting Documents:" and the documents' names: a heading
    with Notes under it, on the frontsheet and the HTML agenda."""
    folder = make_meeting(
        tmp_path / "m",
        items=[
            {"item": 1, "title": "Minutes", "papers": ["minutes.pdf"]},
            {
                "item": None,
                "title": "Supporting Documents:",
                "notes": "- Safer Plymouth Scorecard\n- Draft OPCC plan",
            },
        ],
        papers={"minutes.pdf": 1},
        header=[*AGENDA_HEADER, "Notes"],
    )
    result = build(folder, tmp_path / "out", converter=libreoffice)
    (pack,) = result.packs
    front = _flat(Pack.read(pack.path).frontsheet_text())
    at = front.index("Supporting Documents:")
    assert front.index("Safer Plymouth Scorecard") > at and front.index("Draft OPCC plan") > at
    html = pack.path.with_suffix(".html").read_text(encoding="utf-8")
    assert '<ul class="notes"><li>Safer Plymouth Scorecard</li><li>Draft OPCC plan</li></ul>' in (
        html
    )
