"""Publishing: public apart from private, versions that keep their published date, and builds that
never touch another meeting's packs. The packs are read back with pypdf and raw bytes."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner
from pypdf import PdfReader

from packbuilder.build import BuildResult, build
from packbuilder.cli import cli
from packbuilder.convert import CachingConverter, LibreOffice
from packbuilder.errors import PublishError
from packbuilder.meeting import load_meeting
from packbuilder.publish import manifest_path
from packbuilder.schedule import meeting_status
from tests.factory import make_meeting, write_pdf

pytestmark = pytest.mark.libreoffice

FEB26, MAR02, MAR03 = dt.date(2020, 2, 26), dt.date(2020, 3, 2), dt.date(2020, 3, 3)


@pytest.fixture(scope="module")
def converter() -> CachingConverter:
    return CachingConverter(LibreOffice())


def exempt_meeting(root: Path, venue: str = "Room 1", secret: str = "secret-deal") -> Path:
    return make_meeting(
        root,
        fields={"Venue": venue},
        items=[
            {"title": "Minutes", "papers": ["minutes.pdf"]},
            {"title": "Contract award", "papers": [f"{secret}.pdf"], "exempt paragraph": 3},
        ],
        papers={"minutes.pdf": 2, f"{secret}.pdf": 1},
    )


def lift_exemption(folder: Path) -> Path:
    """`exempt_meeting`'s contract award no longer exempt: one pack, not a public and private."""
    return make_meeting(
        folder,
        items=[
            {"title": "Minutes", "papers": ["minutes.pdf"]},
            {"title": "Contract award", "papers": ["secret-deal.pdf"]},
        ],
    )


def versions(result: BuildResult) -> dict[str, int]:
    """Each pack of a build by its label, and the version it is."""
    return {p.label: p.version for p in result.packs}


def says(pack: Path, text: str) -> bool:
    """Whether the pack's frontsheet says `text` (its words however the lines fall)."""
    return text in " ".join(front_text(pack).split())


def files(folder: Path) -> set[str]:
    return {str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file()}


def front_text(pack: Path) -> str:
    return PdfReader(pack).pages[0].extract_text()


def raw(pack: Path) -> bytes:
    """The PDF's objects uncompressed (qpdf), so that a name cannot hide in a compressed stream."""
    return subprocess.run(
        ["qpdf", "--qdf", "--object-streams=disable", str(pack), "-"],
        capture_output=True,
        check=True,
    ).stdout


def test_public_folder_holds_public_packs_only(tmp_path: Path, converter) -> None:
    folder = exempt_meeting(tmp_path / "m")
    out = tmp_path / "out"
    build(folder, out, converter=converter, today=FEB26)
    # the public pack and its HTML agenda; the private pack has no HTML agenda
    assert files(out / "public") == {"m-agenda-pack-public.pdf", "m-agenda-pack-public.html"}
    assert files(out / "private") == {"m-agenda-pack-PRIVATE-not-for-publication.pdf"}
    # the record names every input, the exempt paper too: it is never in the public folder
    assert "secret-deal.pdf" in manifest_path(out, "m").read_text()
    assert manifest_path(out, "m").parent == out
    for pack in (out / "public").iterdir():
        if pack.suffix == ".pdf":
            assert b"secret-deal" not in raw(pack)
        assert b"secret-deal" not in pack.read_bytes()


def test_rebuilding_an_unchanged_meeting_changes_no_byte_and_no_date(
    tmp_path: Path, converter
) -> None:
    folder = exempt_meeting(tmp_path / "m")
    out = tmp_path / "out"
    build(folder, out, converter=converter, today=FEB26)
    before = {f: (out / f).read_bytes() for f in files(out) if f.endswith(".pdf")}
    assert "Wednesday 26 February 2020" in front_text(out / "public" / "m-agenda-pack-public.pdf")
    build(folder, out, converter=converter, today=MAR02)  # a later day: nothing changed
    after = {f: (out / f).read_bytes() for f in files(out) if f.endswith(".pdf")}
    assert after == before
    assert not (out / "archive").exists()


def test_a_changed_pack_is_a_new_version_and_the_old_one_is_kept(tmp_path: Path, converter) -> None:
    folder = exempt_meeting(tmp_path / "m")
    out = tmp_path / "outputs" / "m"
    build(folder, out, converter=converter, today=FEB26)
    public = out / "public" / "m-agenda-pack-public.pdf"
    first = public.read_bytes()
    exempt_meeting(tmp_path / "m", venue="Warspite Room")  # the frontsheet changes
    build(folder, out, converter=converter, today=MAR02)
    text = front_text(public)
    assert "Warspite Room" in text
    assert "Monday 2 March 2020 (version 2, replacing the pack published on Wednesday 26" in text
    assert (out / "archive" / "m-agenda-pack-public.v1.pdf").read_bytes() == first
    record = json.loads(manifest_path(out, "m").read_text())
    pack = record["packs"]["m-agenda-pack-public.pdf"]
    assert pack["current"]["version"] == 2 and pack["current"]["published"] == "2020-03-02"
    assert [v["published"] for v in pack["history"]] == ["2020-02-26"]
    args = ["status", str(tmp_path), "--output-root", str(tmp_path / "outputs")]
    status = CliRunner().invoke(cli, args, env={"PACKBUILDER_TODAY": "2020-03-03"})
    assert "Agenda pack (public): version 2 published Monday 2 March 2020" in status.output
    assert "earlier: v1 Wednesday 26 February 2020" in status.output
    # (a new user's: "the frontsheet only" did not say what changed on it)
    assert pack["changes"] == ["frontsheet: 'Place: Room 1' is now 'Place: Warspite Room'"]


def test_a_new_version_says_what_changed(tmp_path: Path, converter) -> None:
    """DOMAIN.md: "a pack grows by 47 pages and nobody can tell what changed". A new version says
    which papers were added, replaced or taken out and how its numbered pages moved; the build
    prints it, and the record keeps it for the web page (an unchanged rebuild keeps it too)."""
    items = [
        {"title": "Minutes", "papers": ["minutes.pdf"]},
        {"title": "Budget", "papers": ["budget.pdf", "annex.pdf"]},
    ]
    folder = make_meeting(
        tmp_path / "m", items=items, papers={"minutes.pdf": 2, "budget.pdf": 3, "annex.pdf": 1}
    )
    out = tmp_path / "out"
    build(folder, out, converter=converter, today=FEB26)
    items[1]["papers"] = ["budget.pdf", "forecast.pdf"]
    items.append({"title": "Plan", "papers": ["plan.pdf"]})
    make_meeting(
        tmp_path / "m",
        items=items,
        papers={"minutes.pdf": 2, "budget.pdf": 5, "forecast.pdf": 1, "plan.pdf": 2},
    )
    result = build(folder, out, converter=converter, today=MAR02)
    [agenda] = [p for p in result.packs if p.public]
    assert agenda.version == 2
    assert agenda.changes == (
        "item 2, 'Budget': 'Budget' replaced (3 pages before, 5 pages now); 'Forecast' added "
        "(1 page); 'Annex' taken out",
        "item 3, 'Plan': added, with 'Plan' (2 pages)",
        "numbered pages: 6 before, 10 now (+4)",
    )
    lines = result.summary()
    at = lines.index("  changed since version 1:")
    assert lines[at + 1] == f"    {agenda.changes[0]}"
    again = build(folder, out, converter=converter, today=MAR03)  # nothing changed
    assert again.packs[0].unchanged and again.packs[0].changes == ()
    record = json.loads(manifest_path(out, "m").read_text())
    assert record["packs"][agenda.path.name]["changes"] == list(agenda.changes)


def test_a_late_supplement_never_redates_the_agenda_or_rewrites_an_earlier_supplement(
    tmp_path: Path, converter
) -> None:
    def meeting(arrived: list[str]) -> Path:
        return make_meeting(
            tmp_path / "m",
            items=[
                {"title": "Minutes", "papers": ["minutes.pdf"]},
                {"title": "Budget", "papers": ["budget.pdf"], "status": "to follow"},
                {
                    "title": "Plan",
                    "papers": ["plan.pdf"],
                    "status": "to follow",
                    "supplement": 2,
                },
            ],
            papers={"minutes.pdf": 2, **{name: 1 for name in arrived}},
        )

    out = tmp_path / "out"
    build(meeting([]), out, converter=converter, today=FEB26)  # papers to follow are missing ...
    agenda = (out / "public" / "m-agenda-pack.pdf").read_bytes()
    build(meeting(["budget.pdf"]), out, converter=converter, today=MAR02)
    supplement1 = (out / "public" / "m-supplement-1.pdf").read_bytes()
    build(meeting(["budget.pdf", "plan.pdf"]), out, converter=converter, today=MAR03)
    assert (out / "public" / "m-agenda-pack.pdf").read_bytes() == agenda
    assert (out / "public" / "m-supplement-1.pdf").read_bytes() == supplement1
    assert "Tuesday 3 March 2020" in front_text(out / "public" / "m-supplement-2.pdf")
    assert not (out / "archive").exists()


def _late_meeting(folder: Path, arrived: dict[str, int], venue: str = "Room 1") -> Path:
    """Item 2 to follow in Supplement 1 (budget.pdf), item 3 in Supplement 2 (plan.pdf); the
    meeting from 2 pm to 4 pm."""
    return make_meeting(
        folder,
        fields={"End time": dt.time(16, 0), "Venue": venue},
        items=[
            {"title": "Minutes", "papers": ["minutes.pdf"]},
            {"title": "Budget", "papers": ["budget.pdf"], "status": "to follow"},
            {"title": "Plan", "papers": ["plan.pdf"], "status": "to follow", "supplement": 2},
        ],
        papers={"minutes.pdf": 2, **arrived},
    )


def test_a_pack_published_in_this_releases_words_is_not_rendered_in_earlier_ones(
    tmp_path: Path, converter, monkeypatch
) -> None:
    """A rebuild after a change renders the frontsheet in the earlier release's words only for
    a pack whose record says its key was taken in them (`Version.words`): for every other it was
    two more renderings on a one-cell rebuild's way to LibreOffice, for nothing."""
    from packbuilder import frontsheet

    out = tmp_path / "out"
    folder = _late_meeting(tmp_path / "m", {"budget.pdf": 1})
    build(folder, out, converter=converter, today=FEB26)
    record = json.loads(manifest_path(out, "m").read_text())["packs"]
    assert {p["current"].get("words") for p in record.values()} == {2}
    wordings = []
    real = frontsheet.render_frontsheets

    def spying(*args, **kwargs):  # type: ignore[no-untyped-def]
        wordings.append(args[5] if len(args) > 5 else kwargs.get("wording"))
        return real(*args, **kwargs)

    monkeypatch.setattr(frontsheet, "render_frontsheets", spying)
    moved = build(
        _late_meeting(folder, {"budget.pdf": 1}, venue="Room 2"), out, converter=converter,
        today=MAR02,
    )  # fmt: skip
    assert versions(moved) == {"Agenda pack": 2, "Supplement 1": 2}
    assert frontsheet.EARLIER_WORDING not in wordings


def test_the_one_supplement_keeps_its_name_when_a_second_follows(tmp_path: Path, converter):
    """The meeting's only supplement is "SUPPLEMENTARY PACK", as councils name it (seed 001),
    not "SUPPLEMENTARY PACK 1". When a second follows, it is "SUPPLEMENTARY PACK 2" and the first
    keeps its name and file, byte for byte, and its date: links and e-mails sent name it, and
    renaming it would make a new version of a pack published. A new version of it for a change
    of its own, a new publication, is named as the meeting's supplements now are."""
    out = tmp_path / "out"
    folder = tmp_path / "m"
    first = out / "public" / "m-supplement-1.pdf"
    build(_late_meeting(folder, {"budget.pdf": 1}), out, converter=converter, today=FEB26)
    assert says(first, "SUPPLEMENTARY PACK Date:") and not says(first, "PACK 1")
    page = first.with_suffix(".html").read_text(encoding="utf-8")
    assert "<title>Supplementary pack: " in page and "pack 1" not in page
    assert PdfReader(first).metadata["/Subject"] == "Supplementary pack"
    sent = first.read_bytes()
    both = build(
        _late_meeting(folder, {"budget.pdf": 1, "plan.pdf": 1}), out, converter=converter,
        today=MAR02,
    )  # fmt: skip
    assert versions(both)["Supplement 1"] == 1 and first.read_bytes() == sent
    # its HTML agenda, and the agenda's link to it, still call it as its PDF does
    assert "<title>Supplementary pack: " in first.with_suffix(".html").read_text("utf-8")
    agenda = (out / "public" / "m-agenda-pack.html").read_text("utf-8")
    assert '<a href="m-supplement-1.pdf">supplementary pack (PDF)</a>' in agenda
    assert '<a href="m-supplement-2.pdf">supplementary pack 2 (PDF)</a>' in agenda
    second = out / "public" / "m-supplement-2.pdf"
    assert says(second, "SUPPLEMENTARY PACK 2")
    assert "<title>Supplementary pack 2: " in second.with_suffix(".html").read_text("utf-8")
    again = build(folder, out, converter=converter, today=MAR03)
    assert all(p.unchanged for p in again.packs) and first.read_bytes() == sent
    write_pdf(folder / "budget.pdf", 2)  # a corrected budget: a new version, the same name
    corrected = build(folder, out, converter=converter, today=MAR03)
    assert versions(corrected) == {"Agenda pack": 1, "Supplement 1": 2, "Supplement 2": 1}
    assert says(first, "SUPPLEMENTARY PACK 1")


def test_supplements_first_published_together_are_numbered(tmp_path: Path, converter) -> None:
    out = tmp_path / "out"
    folder = _late_meeting(tmp_path / "m", {"budget.pdf": 1, "plan.pdf": 1})
    build(folder, out, converter=converter, today=FEB26)
    assert says(out / "public" / "m-supplement-1.pdf", "SUPPLEMENTARY PACK 1")
    assert says(out / "public" / "m-supplement-2.pdf", "SUPPLEMENTARY PACK 2")
    again = build(folder, out, converter=converter, today=MAR02)
    assert all(p.unchanged for p in again.packs), again.packs


def test_packs_published_in_the_earlier_words_are_not_published_again(
    tmp_path: Path, converter, monkeypatch
) -> None:
    """A release that changes packbuilder's own words on the frontsheet ("2 pm - 4 pm" now
    "2 pm \u2013 4 pm", "SUPPLEMENTARY PACK 1" now "SUPPLEMENTARY PACK" for the only one) would
    make every pack published a new version, dated the day of the rebuild, as if the agenda had
    been published late. A pack published in the earlier words stays as it is, byte for byte,
    with its date; a change of its own makes a new version in the current words."""
    from packbuilder import frontsheet
    from packbuilder import publish as publish_module

    out = tmp_path / "out"
    folder = _late_meeting(tmp_path / "m", {"budget.pdf": 1})
    agenda, supplement = out / "public" / "m-agenda-pack.pdf", out / "public" / "m-supplement-1.pdf"
    with monkeypatch.context() as earlier:
        earlier.setattr(frontsheet, "WORDING", frontsheet.EARLIER_WORDING)
        # (and recorded as the release before recorded keys: in no words of its own)
        earlier.setattr(publish_module, "WORDS", 1)
        build(folder, out, converter=converter, today=FEB26)
    assert says(agenda, "Time: 2 pm - 4 pm") and says(supplement, "SUPPLEMENTARY PACK 1")
    published = {p: p.read_bytes() for p in (agenda, supplement)}
    # a draft to check after the upgrade says what publishing it would do: nothing
    draft = build(folder, out, converter=converter, today=MAR02, draft=True)
    for p in draft.packs:
        (against,) = [c for c in p.compared if "published" in c.against]
        assert against.lines == (
            "nothing but packbuilder's own words on the frontsheet, which the pack published "
            "keeps: publishing it makes no new version",
        ), (p.label, against)
    upgraded = build(folder, out, converter=converter, today=MAR02)
    assert all(p.unchanged and p.published == FEB26 for p in upgraded.packs), upgraded.packs
    assert {p: p.read_bytes() for p in published} == published
    assert not (out / "archive").exists()
    moved = build(
        _late_meeting(folder, {"budget.pdf": 1}, venue="Room 2"), out, converter=converter,
        today=MAR03,
    )  # fmt: skip
    assert versions(moved) == {"Agenda pack": 2, "Supplement 1": 2}
    assert says(agenda, "Time: 2 pm \u2013 4 pm") and says(supplement, "Time: 2 pm \u2013 4 pm")
    # (the meeting's only supplement, made again for a change of its own: as councils name it)
    assert says(supplement, "SUPPLEMENTARY PACK Date:")


@pytest.mark.parametrize("gone", ["renamed", "deleted"])
def test_a_published_supplement_is_not_withdrawn_because_its_paper_went_missing(
    tmp_path: Path, converter, gone: str
) -> None:
    """Supplement 1 went out with item 2's budget. The file is then renamed (a capital changed
    by a copy from another computer) or deleted: item 2 reads as still "to follow", but a build,
    perhaps a scheduled one at night, must not take the published supplement off the website
    for it. It is refused, at the Papers cell, with what to do, nothing in the output folder
    touched; clearing the Papers cell withdraws it on purpose."""

    def meeting(papers: list[str] | None = None) -> Path:
        return make_meeting(
            tmp_path / "m",
            items=[
                {"title": "Minutes", "papers": ["minutes.pdf"]},
                {"title": "Budget", "papers": papers, "status": "to follow"},
            ],
            papers={"minutes.pdf": 2},
        )

    out = tmp_path / "out"
    folder = meeting(["budget.pdf"])
    write_pdf(folder / "budget.pdf", 1)
    build(folder, out, converter=converter, today=FEB26)
    assert (out / "public" / "m-supplement-1.pdf").is_file()
    before = {f: (out / f).read_bytes() for f in files(out) if not f.startswith(".packbuilder")}
    if gone == "renamed":
        (folder / "budget.pdf").rename(folder / "Budget.pdf")
    else:
        (folder / "budget.pdf").unlink()
    result = CliRunner().invoke(cli, ["build", str(folder), "--output", str(out)])
    assert result.exit_code == 1, result.output
    hint = " (did you mean 'Budget.pdf'?)" if gone == "renamed" else ""
    assert result.stderr.splitlines() == [
        f"error: {folder / 'meeting.xlsx'}, sheet Agenda, cell F3: paper 'budget.pdf' of item 2 "
        "is not in the meeting folder, but Supplement 1 carrying it was published on Wednesday "
        "26 February 2020, and a build without it would withdraw it; put the file back"
        f"{hint}, or, to withdraw "
        "Supplement 1, clear the item's Papers cell"
    ]
    assert {f: (out / f).read_bytes() for f in files(out) if not f.startswith(".packbuilder")} == (
        before
    )
    # on purpose: the item's Papers cell cleared, the supplement is withdrawn
    withdrawn = build(meeting(None), out, converter=converter, today=MAR02)
    assert [w for w in withdrawn.summary() if w.startswith("withdrawn: public/m-supplement-1.pdf")]
    assert not (out / "public" / "m-supplement-1.pdf").exists()


def test_a_clock_set_back_never_dates_a_version_before_the_one_it_replaces(
    tmp_path: Path, converter
) -> None:
    """Version 1 published on 26 February; the computer's clock then reads 20 February (or
    PACKBUILDER_TODAY was left set): a changed pack would be "Published 20 February (version 2,
    replacing the pack published on 26 February)", and a late pack would look on time. Refused,
    nothing touched; an unchanged rebuild is dated nothing, and is fine."""
    folder = exempt_meeting(tmp_path / "m")
    out = tmp_path / "out"
    build(folder, out, converter=converter, today=FEB26)
    feb20 = dt.date(2020, 2, 20)
    assert versions(build(folder, out, converter=converter, today=feb20)) == {
        "Agenda pack (public)": 1,
        "Agenda pack (private)": 1,
    }
    before = {f: (out / f).read_bytes() for f in files(out) if not f.startswith(".packbuilder")}
    exempt_meeting(folder, venue="Room 2")
    with pytest.raises(PublishError) as caught:
        build(folder, out, converter=converter, today=feb20)
    assert str(caught.value) == (
        f"{out}: today is Thursday 20 February 2020 by this computer's clock, but the version a "
        "new one would replace was published on Wednesday 26 February 2020, so the new version "
        "would be dated before it; correct the computer's date (or PACKBUILDER_TODAY, if it is "
        "set) and build again"
    )
    assert {f: (out / f).read_bytes() for f in files(out) if not f.startswith(".packbuilder")} == (
        before
    )
    assert versions(build(folder, out, converter=converter, today=MAR02)) == {
        "Agenda pack (public)": 2,
        "Agenda pack (private)": 2,
    }


@pytest.mark.parametrize("file", ["../victim.txt", "/VICTIM", "public/../../victim.txt"])
def test_a_record_naming_a_file_outside_the_output_folder_never_moves_it(
    tmp_path: Path, converter, file: str
) -> None:
    """The record (packbuilder-<meeting>.json) is a file anyone with the output folder can edit
    or copy from elsewhere. A pack it says was published at '../victim.txt', which no build
    makes now, would be 'withdrawn': the file outside the output folder moved into the archive.
    Such an entry is not one packbuilder wrote, and is treated as unpublished."""
    folder = make_meeting(
        tmp_path / "m", items=[{"title": "Minutes", "papers": ["minutes.pdf"]}],
        papers={"minutes.pdf": 2},
    )  # fmt: skip
    out = tmp_path / "out"
    build(folder, out, converter=converter, today=FEB26)
    victim = tmp_path / "victim.txt"
    victim.write_text("not a pack")
    if file == "/VICTIM":
        file = str(victim)
    record = json.loads(manifest_path(out, "m").read_text())
    record["packs"]["m-supplement-9.pdf"] = {
        "current": {
            "version": 1,
            "published": "2020-02-01",
            "content": "x",
            "sha256": hashlib.sha256(victim.read_bytes()).hexdigest(),
            "file": file,
        },
        "history": [],
    }
    manifest_path(out, "m").write_text(json.dumps(record))
    result = build(folder, out, converter=converter, today=MAR02)
    assert victim.read_text() == "not a pack"
    assert not [line for line in result.summary() if line.startswith("withdrawn: ")]


def test_withdrawing_a_supplement_is_not_refused_for_an_item_it_never_carried(
    tmp_path: Path, converter
) -> None:
    """Supplement 1 went out with item 2's budget; item 3 is still "to follow", its paper not
    arrived, its Supplement cell blank (so 1). The advisor withdraws Supplement 1 on purpose,
    clearing item 2's Papers cell, as the refusal above says: it was refused for item 3's
    paper, "Supplement 1 carrying it was published", which Supplement 1 never carried."""

    def meeting(papers: list[str] | None) -> Path:
        return make_meeting(
            tmp_path / "m",
            items=[
                {"title": "Minutes", "papers": ["minutes.pdf"]},
                {"title": "Budget", "papers": papers, "status": "to follow"},
                {"title": "Survey", "papers": ["survey.pdf"], "status": "to follow"},
            ],
            papers={"minutes.pdf": 2},
        )

    out = tmp_path / "out"
    folder = meeting(["budget.pdf"])
    write_pdf(folder / "budget.pdf", 1)
    build(folder, out, converter=converter, today=FEB26)
    assert (out / "public" / "m-supplement-1.pdf").is_file()
    withdrawn = build(meeting(None), out, converter=converter, today=MAR02)
    assert [w for w in withdrawn.summary() if w.startswith("withdrawn: public/m-supplement-1.pdf")]
    assert not (out / "public" / "m-supplement-1.pdf").exists()


def test_a_published_supplement_given_another_item_says_so(tmp_path: Path, converter) -> None:
    """Supplement 1 went out with item 2; item 3's paper arrives with its Supplement cell blank
    (so 1). Rebuilding the supplement before it is sent is usual, so it is not refused, but the
    advisor is told, naming the cell, what to do if it has been sent; and again when an item
    leaves it. The same supplement rebuilt with the same items says nothing."""

    def meeting(arrived: list[str], third: int | None = None) -> Path:
        return make_meeting(
            tmp_path / "m",
            items=[
                {"title": "Minutes", "papers": ["minutes.pdf"]},
                {"title": "Budget", "papers": ["budget.pdf"], "status": "to follow"},
                {"title": "Plan", "papers": ["plan.pdf"], "status": "to follow",
                 "supplement": third},
            ],
            papers={"minutes.pdf": 2, **{name: 1 for name in arrived}},
        )  # fmt: skip

    def said(result: BuildResult) -> list[str]:
        return [w for w in result.warnings if w.startswith("Supplement 1 was published")]

    out = tmp_path / "out"
    build(meeting([]), out, converter=converter, today=FEB26)
    first = build(meeting(["budget.pdf"]), out, converter=converter, today=FEB26)
    assert not said(first)
    write_pdf(tmp_path / "m" / "budget.pdf", 2)  # a corrected budget: the same items
    assert not said(build(meeting(["budget.pdf"]), out, converter=converter, today=FEB26))
    grown = build(meeting(["budget.pdf", "plan.pdf"]), out, converter=converter, today=MAR02)
    n = next(p.version for p in grown.packs if p.label == "Supplement 1")
    assert said(grown) == [
        f"Supplement 1 was published on Wednesday 26 February 2020 (version {n - 1}, with item "
        "2); item 3 is added to it (its Supplement cell, I4, is blank, which means Supplement 1), "
        f"so this build makes a new version {n} of it. If Supplement 1 has already been sent out, "
        "give item 3 the next supplement number, 2, in its Supplement cell and build again, so "
        "that it stays as it was sent"
    ]
    moved = build(meeting(["budget.pdf", "plan.pdf"], 2), out, converter=converter, today=MAR02)
    [shrunk] = said(moved)
    assert f"item 3 is taken out of it, so this build makes a new version {n + 1}" in shrunk
    assert "send this version too, saying that it replaces the one sent" in shrunk


def test_two_meetings_share_an_output_folder_without_touching_each_other(
    tmp_path: Path, converter
) -> None:
    out = tmp_path / "out"
    first = exempt_meeting(tmp_path / "a", secret="a-secret")
    second = make_meeting(
        tmp_path / "b", items=[{"title": "Report", "papers": ["r.pdf"]}], papers={"r.pdf": 1}
    )
    build(first, out, converter=converter, today=FEB26)
    a_files = {f: (out / f).read_bytes() for f in files(out) if f.startswith(("public", "priv"))}
    build(second, out, converter=converter, today=FEB26)
    build(second, out, converter=converter, today=MAR02)
    for f, data in a_files.items():
        assert (out / f).read_bytes() == data
    assert (out / "public" / "b-agenda-pack.pdf").is_file()


def test_lifting_an_exemption_withdraws_the_pair_into_the_archive(
    tmp_path: Path, converter
) -> None:
    folder = exempt_meeting(tmp_path / "m")
    out = tmp_path / "out"
    build(folder, out, converter=converter, today=FEB26)
    lift_exemption(folder)
    result = build(folder, out, converter=converter, today=MAR02)
    assert files(out / "public") == {"m-agenda-pack.pdf", "m-agenda-pack.html"}
    # the build says so: a clerk who copies packs to the website must take the old one down
    # (a reviewer's: only `status` said)
    said = [line for line in result.summary() if line.startswith("withdrawn: ")]
    assert said == [
        "withdrawn: public/m-agenda-pack-public.pdf (version 1, published Wednesday 26 February "
        "2020) is withdrawn: no pack of this build replaces it; it was moved to "
        "archive/m-agenda-pack-public.v1.pdf; take it off the website too",
        "withdrawn: private/m-agenda-pack-PRIVATE-not-for-publication.pdf (version 1, published "
        "Wednesday 26 February 2020) is withdrawn: no pack of this build replaces it; it was "
        "moved to archive/m-agenda-pack-PRIVATE-not-for-publication.v1.pdf; tell members not to "
        "use it",
    ]
    assert not list((out / "private").iterdir())
    assert files(out / "archive") == {
        "m-agenda-pack-public.v1.pdf",
        "m-agenda-pack-public.v1.html",  # the withdrawn public pack's HTML agenda with it
        "m-agenda-pack-PRIVATE-not-for-publication.v1.pdf",
    }
    record = json.loads(manifest_path(out, "m").read_text())
    assert set(record["withdrawn"]) == {
        "m-agenda-pack-public.pdf",
        "m-agenda-pack-PRIVATE-not-for-publication.pdf",
    }


def test_packs_of_a_version_0_1_build_move_to_the_archive(tmp_path: Path, converter) -> None:
    folder = make_meeting(
        tmp_path / "m", items=[{"title": "Report", "papers": ["r.pdf"]}], papers={"r.pdf": 1}
    )
    out = tmp_path / "out"
    out.mkdir()
    (out / "m-agenda-pack.pdf").write_bytes(b"%PDF-1.7 an old pack")
    (out / "other-agenda-pack.pdf").write_bytes(b"%PDF-1.7 not ours")
    (out / "packbuilder-build.json").write_text(
        json.dumps({"meeting": "m", "packs": {"m-agenda-pack.pdf": {"pages": 1}}})
    )
    build(folder, out, converter=converter, today=FEB26)
    assert (out / "archive" / "m-agenda-pack.v0.pdf").read_bytes() == b"%PDF-1.7 an old pack"
    assert (out / "other-agenda-pack.pdf").is_file()
    assert not (out / "m-agenda-pack.pdf").exists()


def test_a_rebuild_reads_no_pack_again_to_record_or_check_it(
    tmp_path: Path, converter, monkeypatch
) -> None:
    """The pack a build writes is hashed as it is written, and the published pack's digest is
    remembered under its final stamp: a rebuild reads neither to record or check it (0.13 s of a
    4,000-page rebuild), and the record's digests are still the files' own."""
    from packbuilder import digests

    folder = exempt_meeting(tmp_path / "m")
    out = tmp_path / "out"
    build(folder, out, converter=converter, today=FEB26)
    exempt_meeting(tmp_path / "m", venue="Warspite Room")
    build(folder, out, converter=converter, today=MAR02)
    read: list[str] = []
    real = digests.handle_digest
    monkeypatch.setattr(digests, "handle_digest", lambda fh: read.append(fh.name) or real(fh))
    exempt_meeting(tmp_path / "m", venue="Drake Room")
    build(folder, out, converter=converter, today=MAR03)
    names = {"m-agenda-pack-public.pdf", "m-agenda-pack-PRIVATE-not-for-publication.pdf"}
    assert not [r for r in read if Path(r).name in names]
    assert "Drake Room" in front_text(out / "public" / "m-agenda-pack-public.pdf")
    record = json.loads(manifest_path(out, "m").read_text())
    for name, pack in record["packs"].items():
        data = (out / pack["current"]["file"]).read_bytes()
        assert pack["current"]["sha256"] == hashlib.sha256(data).hexdigest(), name
        assert pack["current"]["version"] == 3


def _outline_titles(pack: Path) -> list[str]:
    def walk(entries: list) -> list[str]:
        titles: list[str] = []
        for e in entries:
            titles += walk(e) if isinstance(e, list) else [e.title]
        return titles

    return walk(PdfReader(pack).outline)


def test_a_paper_renamed_is_a_new_version_with_its_new_title(tmp_path: Path, converter) -> None:
    """The paper's title (its file name) is its bookmark and its structure element's title: a
    rename changes the pack, even with the same bytes in the same place."""
    items = [
        {"title": "Minutes", "papers": ["minutes.pdf"]},
        {"title": "Plan", "papers": ["w.pdf"]},
    ]
    folder = make_meeting(tmp_path / "m", items=items, papers={"minutes.pdf": 1, "w.pdf": 1})
    out = tmp_path / "out"
    build(folder, out, converter=converter, today=FEB26)
    pack = out / "public" / "m-agenda-pack.pdf"
    assert "W" in _outline_titles(pack)
    (folder / "w.pdf").rename(folder / "Plan on a page.pdf")
    items[1]["papers"] = ["Plan on a page.pdf"]
    make_meeting(folder, items=items)
    result = build(folder, out, converter=converter, today=MAR02)
    assert not result.packs[0].unchanged and result.packs[0].version == 2
    titles = _outline_titles(pack)
    assert "Plan on a page" in titles and "W" not in titles


def test_a_paper_moved_into_an_exempt_item_is_marked_though_no_page_number_moves(
    tmp_path: Path, converter
) -> None:
    """Item 1's second paper moves to exempt item 2: every page keeps its number (item 1 is then
    one page and a filler), but the moved paper is now exempt, and the private pack must mark
    it NOT FOR PUBLICATION and stamp "Agenda Item 2" on it."""
    papers = {"x.pdf": 1, "y-paper.pdf": 1, "z.pdf": 1, "w.pdf": 1}
    items = [
        {"title": "First", "papers": ["x.pdf", "y-paper.pdf"]},
        {"title": "Second", "papers": ["z.pdf"], "exempt paragraph": 3},
        {"title": "Third", "papers": ["w.pdf"]},
    ]
    folder = make_meeting(tmp_path / "m", items=items, papers=papers)
    out = tmp_path / "out"
    build(folder, out, converter=converter, today=FEB26)
    items[0]["papers"], items[1]["papers"] = ["x.pdf"], ["y-paper.pdf", "z.pdf"]
    make_meeting(folder, items=items)
    result = build(folder, out, converter=converter, today=MAR02)
    private = out / "private" / "m-agenda-pack-PRIVATE-not-for-publication.pdf"
    assert not [p for p in result.packs if p.unchanged]
    reader = PdfReader(private)
    moved = [p.extract_text() for p in reader.pages if "y-paper" in (p.extract_text() or "")]
    assert len(moved) == 1
    assert "NOT FOR PUBLICATION" in moved[0] and "Agenda Item 2" in moved[0]
    assert b"y-paper" not in raw(out / "public" / "m-agenda-pack-public.pdf")


def _digests(folder: Path) -> dict[str, str]:
    return {
        p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.glob("*.pdf"))
    }


def test_a_pack_withdrawn_and_made_again_goes_on_from_its_versions(
    tmp_path: Path, converter
) -> None:
    """Public and private packs published (v1), revised (v2), withdrawn when the exemption is
    lifted (the meeting's one pack takes the public's place as v3), and made again when it is set
    back: the private pack comes back as version 3 after its v1 and v2, the public as version 4
    after the one pack's v3; nothing is lost from their histories, and no archived file is ever
    replaced."""
    folder = exempt_meeting(tmp_path / "m")
    out = tmp_path / "out"
    build(folder, out, converter=converter, today=FEB26)
    exempt_meeting(folder, venue="Warspite Room")
    build(folder, out, converter=converter, today=MAR02)
    archived = _digests(out / "archive")
    assert len(archived) == 2  # each pack's v1
    lift_exemption(folder)
    result = build(folder, out, converter=converter, today=MAR02)  # both withdrawn, v2 archived
    assert [p.version for p in result.packs] == [3]  # the one pack, after the public's v2
    archived = _digests(out / "archive")
    assert len(archived) == 4
    exempt_meeting(folder, venue="Warspite Room")  # exempt again
    result = build(folder, out, converter=converter, today=MAR03)
    assert versions(result) == {
        "Agenda pack (public)": 4,
        "Agenda pack (private)": 3,
    }
    public = out / "public" / "m-agenda-pack-public.pdf"
    assert says(public, "(version 4, replacing the pack published on Monday 2 March 2020)")
    record = json.loads(manifest_path(out, "m").read_text())
    private = record["packs"]["m-agenda-pack-PRIVATE-not-for-publication.pdf"]
    assert [v["version"] for v in private["history"]] == [1, 2]
    assert [v["version"] for v in record["packs"]["m-agenda-pack-public.pdf"]["history"]] == [
        1,
        2,
        3,
    ]
    for name, pack in record["packs"].items():
        assert name not in record["withdrawn"]
        assert all((out / v["file"]).is_file() for v in pack["history"]), name
    exempt_meeting(folder, venue="Room 2")  # revised once more: v3, v4 archived beside v1, v2
    build(folder, out, converter=converter, today=MAR03)
    now = _digests(out / "archive")
    assert {k: now[k] for k in archived} == archived, "an archived version was replaced"
    assert {"m-agenda-pack-public.v4.pdf", "m-agenda-pack.v3.pdf"} <= set(now)


def test_an_archived_file_is_never_replaced_even_without_the_record(
    tmp_path: Path, converter
) -> None:
    """The record deleted, the meeting's packs start again at version 1; archiving that v1 finds
    the archive's v1 of before, which it keeps, giving this one its fingerprint in its name."""
    folder = exempt_meeting(tmp_path / "m")
    out = tmp_path / "out"
    build(folder, out, converter=converter, today=FEB26)
    exempt_meeting(folder, venue="Warspite Room")
    build(folder, out, converter=converter, today=MAR02)
    before = _digests(out / "archive")
    manifest_path(out, "m").unlink()
    exempt_meeting(folder, venue="Room 2")
    build(folder, out, converter=converter, today=MAR03)  # version 1 again, over nothing
    exempt_meeting(folder, venue="Room 3")
    build(folder, out, converter=converter, today=MAR03)  # archives that version 1
    after = _digests(out / "archive")
    assert {k: after[k] for k in before} == before
    # v1 of before, the v2 it replaced (kept unrecorded, `_keep_unrecorded`), the new v1
    assert len(after) == 6 and len([k for k in after if ".unrecorded-" in k]) == 2
    record = json.loads(manifest_path(out, "m").read_text())
    history = record["packs"]["m-agenda-pack-public.pdf"]["history"]
    assert (out / history[-1]["file"]).is_file()
    assert history[-1]["file"] != "archive/m-agenda-pack-public.v1.pdf"


EXAMPLE_2016 = Path(__file__).resolve().parent.parent / "inputs" / "2016-05-26-safer-plymouth"


def test_a_late_exempt_paper_leaves_the_agenda_pack_as_published(tmp_path: Path, converter) -> None:
    """An exempt item "to follow" whose paper arrives: it goes into a supplement (public and
    private); the agenda pack, published before, is not touched, nor re-dated."""

    def meeting(arrived: bool) -> Path:
        late = {"title": "Contract award", "status": "to follow", "exempt paragraph": 3}
        return make_meeting(
            tmp_path / "m",
            items=[
                {"title": "Minutes", "papers": ["minutes.pdf"]},
                late | ({"papers": ["bid-secret.pdf"]} if arrived else {}),
            ],
            papers={"minutes.pdf": 2, **({"bid-secret.pdf": 1} if arrived else {})},
        )

    out = tmp_path / "out"
    build(meeting(False), out, converter=converter, today=FEB26)
    agenda = (out / "public" / "m-agenda-pack.pdf").read_bytes()
    result = build(meeting(True), out, converter=converter, today=MAR02)
    assert [p.unchanged for p in result.packs if p.label == "Agenda pack"] == [True]
    assert (out / "public" / "m-agenda-pack.pdf").read_bytes() == agenda
    assert (out / "private" / "m-supplement-1-PRIVATE-not-for-publication.pdf").is_file()
    assert b"bid-secret" not in raw(out / "public" / "m-supplement-1-public.pdf")


def test_late_minutes_carry_no_actions_onto_the_agenda_pack(tmp_path: Path, converter) -> None:
    """The last minutes "to follow" in supplement 2 arrive: the open actions they carry forward
    show on the supplement's frontsheet, and the agenda pack stays as published."""
    import shutil

    import openpyxl

    folder = tmp_path / EXAMPLE_2016.name
    shutil.copytree(EXAMPLE_2016, folder)

    def minutes_row(papers: str | None) -> None:
        wb = openpyxl.load_workbook(folder / "meeting.xlsx")
        ws = wb["Agenda"]
        ws["F4"], ws["G4"], ws["H4"] = papers, "to follow", 2
        wb.save(folder / "meeting.xlsx")

    out = tmp_path / "out"
    minutes_row(None)
    build(folder, out, converter=converter, today=dt.date(2016, 5, 16))
    agenda = out / "public" / f"{folder.name}-agenda-pack.pdf"
    before = agenda.read_bytes()
    assert "carried forward" not in front_text(agenda)
    minutes_row("minutes-2016-04-07.xlsx")
    result = build(folder, out, converter=converter, today=dt.date(2016, 5, 17))
    assert [p.unchanged for p in result.packs if p.label == "Agenda pack"] == [True]
    assert agenda.read_bytes() == before
    supplement = out / "public" / f"{folder.name}-supplement-2.pdf"
    assert "carried forward" in " ".join(PdfReader(supplement).pages[0].extract_text().split())


def test_the_current_version_says_what_it_replaced_when_made_again(
    tmp_path: Path, converter
) -> None:
    """Version 2, rebuilt unchanged (its HTML agenda written again) and made again after its file
    was deleted: both still say "version 2, replacing the pack published on ..."."""
    folder = exempt_meeting(tmp_path / "m")
    out = tmp_path / "out"
    build(folder, out, converter=converter, today=FEB26)
    exempt_meeting(folder, venue="Warspite Room")
    build(folder, out, converter=converter, today=MAR02)
    line = "(version 2, replacing the pack published on Wednesday 26 February 2020)"
    public = out / "public" / "m-agenda-pack-public.pdf"
    html = out / "public" / "m-agenda-pack-public.html"
    build(folder, out, converter=converter, today=MAR03)
    assert line in " ".join(html.read_text().split())
    public.unlink()
    result = build(folder, out, converter=converter, today=MAR03)
    assert {p.version for p in result.packs} == {2}
    assert says(public, line)
    assert line in " ".join(html.read_text().split())


def test_status_lists_a_withdrawn_pack_with_the_builds_date(tmp_path: Path, converter) -> None:
    folder = exempt_meeting(tmp_path / "m")
    out = tmp_path / "outputs" / "m"
    build(folder, out, converter=converter, today=FEB26)
    lift_exemption(folder)
    build(folder, out, converter=converter, today=MAR02)
    record = json.loads(manifest_path(out, "m").read_text())
    assert {e["withdrawn"] for e in record["withdrawn"].values()} == {"2020-03-02"}
    args = ["status", str(tmp_path), "--output-root", str(tmp_path / "outputs")]
    status = CliRunner().invoke(cli, args, env={"PACKBUILDER_TODAY": "2020-03-03"})
    assert (
        "Agenda pack (public): withdrawn Monday 2 March 2020 (published: v1 Wednesday 26 "
        "February 2020)" in status.output
    ), status.output
    assert "Agenda pack (private): withdrawn Monday 2 March 2020" in status.output


def test_line_breaks_in_cells_stay_lines_where_they_can_and_go_where_they_cannot(
    tmp_path: Path, converter
) -> None:
    """A purpose typed on two lines keeps them in the HTML agenda; a body or an item's title typed
    on two lines is one line in the PDF's title, its bookmarks and the HTML headings."""
    folder = make_meeting(
        tmp_path / "m",
        fields={"Body": "Safer Plymouth\nPartnership Board"},
        items=[
            {
                "title": "Minutes of the\nlast meeting",
                "purpose": "To agree the minutes.\nTo note the actions.",
                "papers": ["minutes.pdf"],
            }
        ],
        papers={"minutes.pdf": 1},
    )
    out = tmp_path / "out"
    build(folder, out, converter=converter, today=FEB26)
    pack = out / "public" / "m-agenda-pack.pdf"
    reader = PdfReader(pack)
    assert reader.metadata is not None and "\n" not in str(reader.metadata.title)
    assert "Safer Plymouth Partnership Board" in str(reader.metadata.title)
    assert "Item 1: Minutes of the last meeting" in _outline_titles(pack)
    assert not [t for t in _outline_titles(pack) if "\n" in t]
    html = (out / "public" / "m-agenda-pack.html").read_text()
    assert "To agree the minutes.<br>To note the actions." in html
    assert "1. <bdi>Minutes of the last meeting</bdi></h3>" in html
    assert "Safer Plymouth Partnership Board - " in html.split("<h1>")[1].split("</h1>")[0]


def test_the_public_pack_goes_on_from_the_meetings_one_pack_and_back(
    tmp_path: Path, converter
) -> None:
    """One pack published (nothing exempt); an item made exempt: the public pack that takes its
    place is version 2 and says it replaces the pack published before, so the public can see
    the agenda was out in time; the exemption lifted: the one pack is version 3."""

    def meeting(exempt: bool) -> Path:
        contract = {"title": "Contract award", "papers": ["deal.pdf"]}
        return make_meeting(
            tmp_path / "m",
            items=[
                {"title": "Minutes", "papers": ["minutes.pdf"]},
                contract | ({"exempt paragraph": 3} if exempt else {}),
            ],
            papers={"minutes.pdf": 2, "deal.pdf": 1},
        )

    out = tmp_path / "out"
    build(meeting(False), out, converter=converter, today=FEB26)
    result = build(meeting(True), out, converter=converter, today=MAR02)
    assert versions(result) == {
        "Agenda pack (public)": 2,
        "Agenda pack (private)": 1,
    }
    public = out / "public" / "m-agenda-pack-public.pdf"
    assert says(public, "(version 2, replacing the pack published on Wednesday 26 February 2020)")
    record = json.loads(manifest_path(out, "m").read_text())
    history = record["packs"]["m-agenda-pack-public.pdf"]["history"]
    assert [(v["version"], v["file"]) for v in history] == [(1, "archive/m-agenda-pack.v1.pdf")]
    assert (out / history[0]["file"]).is_file()
    result = build(meeting(False), out, converter=converter, today=MAR03)
    assert [p.version for p in result.packs] == [3]
    one = out / "public" / "m-agenda-pack.pdf"
    assert says(one, "(version 3, replacing the pack published on Monday 2 March 2020)")
    assert {"m-agenda-pack.v1.pdf", "m-agenda-pack-public.v2.pdf"} <= set(_digests(out / "archive"))


def test_a_published_file_the_record_does_not_know_is_archived_not_lost(
    tmp_path: Path, converter
) -> None:
    """The record deleted by hand: the next build starts again at version 1, but the pack it
    replaces in public/ goes to the archive under its fingerprint first."""
    folder = exempt_meeting(tmp_path / "m")
    out = tmp_path / "out"
    build(folder, out, converter=converter, today=FEB26)
    public = out / "public" / "m-agenda-pack-public.pdf"
    published = public.read_bytes()
    manifest_path(out, "m").unlink()
    exempt_meeting(folder, venue="Warspite Room")
    build(folder, out, converter=converter, today=MAR02)
    sha = hashlib.sha256(published).hexdigest()
    kept = out / "archive" / f"m-agenda-pack-public.unrecorded-{sha[:12]}.pdf"
    assert kept.read_bytes() == published
    assert "Warspite Room" in front_text(public)
    build(folder, out, converter=converter, today=MAR02)  # unchanged: nothing archived again
    assert len(list((out / "archive").glob("*unrecorded*"))) == 2  # public and private


def test_a_replaced_versions_html_agenda_is_archived_opening_its_own_pack(
    tmp_path: Path, converter
) -> None:
    """The HTML agenda published with version 1 is kept beside version 1's PDF in the archive,
    its links opening that PDF's papers (the page as the public saw it), not the current pack."""
    folder = exempt_meeting(tmp_path / "m")
    out = tmp_path / "out"
    build(folder, out, converter=converter, today=FEB26)
    first = (out / "public" / "m-agenda-pack-public.html").read_text(encoding="utf-8")
    exempt_meeting(folder, venue="Warspite Room")
    build(folder, out, converter=converter, today=MAR02)
    archived = (out / "archive" / "m-agenda-pack-public.v1.html").read_text(encoding="utf-8")
    assert "Room 1" in archived and "Warspite Room" not in archived
    assert "Wednesday 26 February 2020" in archived
    assert archived == first.replace(
        'href="m-agenda-pack-public.pdf', 'href="m-agenda-pack-public.v1.pdf'
    )
    assert 'href="m-agenda-pack-public.v1.pdf#nameddest=item-1-paper-1"' in archived
    current = (out / "public" / "m-agenda-pack-public.html").read_text(encoding="utf-8")
    assert "Warspite Room" in current and 'href="m-agenda-pack-public.pdf#' in current
    build(folder, out, converter=converter, today=MAR03)  # unchanged: nothing more archived
    assert files(out / "archive") == {
        "m-agenda-pack-public.v1.pdf",
        "m-agenda-pack-public.v1.html",
        "m-agenda-pack-PRIVATE-not-for-publication.v1.pdf",  # (a private pack has no HTML)
    }


def test_the_agenda_web_page_links_papers_to_follow_to_the_supplement_that_carries_them(
    tmp_path: Path, converter
) -> None:
    """The agenda pack's PDF stays as published when a paper "to follow" arrives; its HTML
    agenda, a web page, says where the paper is now: linked into the public supplement, at the
    paper's first page. An exempt paper arriving is never linked from the public page."""

    def meeting(arrived: bool) -> Path:
        late = {"title": "Budget", "status": "to follow"}
        secret = {"title": "Contract award", "status": "to follow", "exempt paragraph": 3}
        return make_meeting(
            tmp_path / "m",
            items=[
                {"title": "Minutes", "papers": ["minutes.pdf"]},
                late | ({"papers": ["budget.pdf"]} if arrived else {}),
                secret | ({"papers": ["bid-secret.pdf"]} if arrived else {}),
            ],
            papers={"minutes.pdf": 2} | ({"budget.pdf": 3, "bid-secret.pdf": 1} if arrived else {}),
        )

    out = tmp_path / "out"
    build(meeting(False), out, converter=converter, today=FEB26)
    page = out / "public" / "m-agenda-pack.html"
    assert "supplement" not in page.read_text(encoding="utf-8").lower()
    agenda = (out / "public" / "m-agenda-pack.pdf").read_bytes()
    build(meeting(True), out, converter=converter, today=MAR02)
    assert (out / "public" / "m-agenda-pack.pdf").read_bytes() == agenda
    text = page.read_text(encoding="utf-8")
    link = 'href="m-supplement-1-public.pdf#nameddest=item-2-paper-1"'
    assert link in text and text.count("m-supplement-1-public.pdf") == 2  # the pack, the paper
    assert "bid-secret" not in text and "Bid secret" not in text
    supplement = PdfReader(out / "public" / "m-supplement-1-public.pdf")
    at = supplement.get_destination_page_number(supplement.named_destinations["item-2-paper-1"])
    assert "budget page 1" in supplement.pages[at].extract_text()
    assert "item-3-paper-1" not in supplement.named_destinations


def test_an_archived_html_agenda_opens_its_own_pack_and_the_supplements_where_published(
    tmp_path: Path,
) -> None:
    from packbuilder.publish import _archive_html

    current = tmp_path / "public" / "m-agenda-pack-public.html"
    current.parent.mkdir()
    current.write_text(
        '<a href="m-agenda-pack-public.pdf#nameddest=item-4">4</a>'
        '<a href="m-agenda-pack-public.pdf">pack</a>'
        '<a href="m-supplement-1.pdf#nameddest=item-5-paper-1">5</a>'
        '<a href="#item-6">6</a><a href="https://example.org/x.pdf">web</a>',
        encoding="utf-8",
    )
    target = tmp_path / "archive" / "m-agenda-pack-public.v1.html"
    _archive_html(current, target, tmp_path)
    assert target.read_text(encoding="utf-8") == (
        '<a href="m-agenda-pack-public.v1.pdf#nameddest=item-4">4</a>'
        '<a href="m-agenda-pack-public.v1.pdf">pack</a>'
        '<a href="../public/m-supplement-1.pdf#nameddest=item-5-paper-1">5</a>'
        '<a href="#item-6">6</a><a href="https://example.org/x.pdf">web</a>'
    )


def _own_agenda_template(folder: Path, extra: list[str], heading: str | None = None) -> None:
    """The shipped agenda template as the meeting's own, saved again by python-docx (new
    properties, another revision), with `extra` paragraphs at the end and its heading changed."""
    from docx import Document

    from packbuilder.templates import SHIPPED

    doc = Document(str(SHIPPED / "agenda.docx"))
    for text in extra:
        doc.add_paragraph(text)
    if heading is not None:
        for p in doc.paragraphs:
            if p.text == "AGENDA":
                p.runs[0].text = heading
    doc.core_properties.revision = 42
    doc.core_properties.author = "Someone who saved it again"
    (folder / "templates").mkdir(exist_ok=True)
    doc.save(str(folder / "templates" / "agenda.docx"))


def test_a_template_saved_again_or_given_an_unused_tag_makes_no_new_version(
    tmp_path: Path, converter
) -> None:
    """What a frontsheet shows is its pack's content, not the bytes of its template: a template
    saved again, or given a tag this meeting does not use (as a packbuilder upgrade may ship),
    makes the same frontsheet, so the published pack keeps its version and date. A template that
    changes what the frontsheet says makes a new version."""
    folder = exempt_meeting(tmp_path / "m")
    out = tmp_path / "out"
    build(folder, out, converter=converter, today=FEB26)
    before = {f: (out / f).read_bytes() for f in files(out) if f.endswith(".pdf")}
    _own_agenda_template(folder, ["{%p if false %}", "Never shown", "{%p endif %}"])
    again = build(folder, out, converter=converter, today=MAR02)
    assert all(p.unchanged and p.version == 1 for p in again.packs), again.packs
    assert {f: (out / f).read_bytes() for f in files(out) if f.endswith(".pdf")} == before
    _own_agenda_template(folder, [], heading="AGENDA AND REPORTS")
    changed = build(folder, out, converter=converter, today=MAR03)
    assert versions(changed) == {"Agenda pack (public)": 2, "Agenda pack (private)": 2}
    assert "AGENDA AND REPORTS" in front_text(out / "public" / "m-agenda-pack-public.pdf")


def test_a_pack_recorded_with_the_earlier_key_is_the_same_pack(
    tmp_path: Path, converter, monkeypatch
) -> None:
    """A pack published by a packbuilder that took its content key from the frontsheet's data and
    the templates' bytes (`legacy_pack_content`) is known as the same pack after the upgrade: no
    new version, no new date; the record then keeps the new key."""
    from packbuilder import build as build_module
    from packbuilder import publish as publish_module
    from packbuilder import versions as versions_module

    def as_before(meeting, spec, layout, hashes, front, rendered):  # type: ignore[no-untyped-def]  # noqa: ARG001
        return versions_module.legacy_pack_content(meeting, spec, layout, hashes)

    folder = exempt_meeting(tmp_path / "m")
    out = tmp_path / "out"
    with monkeypatch.context() as patched:
        patched.setattr(build_module, "pack_content", as_before)
        patched.setattr(publish_module, "WORDS", 1)  # (its record said no words)
        build(folder, out, converter=converter, today=FEB26)
    recorded = json.loads(manifest_path(out, "m").read_text())["packs"]
    again = build(folder, out, converter=converter, today=MAR02)
    assert all(p.unchanged and p.published == FEB26 for p in again.packs), again.packs
    now = json.loads(manifest_path(out, "m").read_text())["packs"]
    for name, pack in now.items():
        assert pack["current"]["content"] != recorded[name]["current"]["content"]
        assert pack["current"]["sha256"] == recorded[name]["current"]["sha256"]
    assert not (out / "archive").exists()


def test_an_item_to_follow_waits_for_all_its_papers(tmp_path: Path, converter) -> None:
    """An item "to follow" with two papers, one arrived: nothing of it is sent (a supplement with
    half an item, then a version 2 when the rest came, is what an advisor does not expect); it
    stays "to follow" for `status`, and the warning says what has come and what has not."""

    def meeting(arrived: list[str]) -> Path:
        return make_meeting(
            tmp_path / "m",
            items=[
                {"title": "Minutes", "papers": ["minutes.pdf"]},
                {
                    "title": "Late business",
                    "papers": ["report.pdf", "annex.pdf"],
                    "status": "to follow",
                },
            ],
            papers={"minutes.pdf": 2, **{name: 1 for name in arrived}},
        )

    out = tmp_path / "out"
    build(meeting([]), out, converter=converter, today=FEB26)
    half = build(meeting(["report.pdf"]), out, converter=converter, today=MAR02)
    assert [p.label for p in half.packs] == ["Agenda pack"]  # no supplement yet
    assert not (out / "public" / "m-supplement-1.pdf").exists()
    (said,) = [w for w in half.warnings if "item 2 is to follow" in w]
    assert "'report.pdf' has arrived but 'annex.pdf' has not" in said
    loaded = load_meeting(tmp_path / "m")
    assert loaded.items[1].papers == () and meeting_status(tmp_path / "m", MAR02).to_follow == (
        "2",
    )
    whole = build(meeting(["report.pdf", "annex.pdf"]), out, converter=converter, today=MAR03)
    assert versions(whole) == {"Agenda pack": 1, "Supplement 1": 1}
    assert not [w for w in whole.warnings if "item 2" in w]


def test_the_earlier_key_ignores_values_the_frontsheet_gained_since(monkeypatch) -> None:
    """`legacy_pack_content` must keep giving the key the earlier packbuilder recorded, whatever
    the frontsheet's context gains later (a value a new template uses, a row's new field)."""
    from packbuilder import frontsheet as frontsheet_module
    from packbuilder import versions as versions_module
    from packbuilder.layout import lay_out
    from packbuilder.plan import PackSpec
    from tests.models import item, meeting

    m = meeting(item(1))
    spec = PackSpec(None, None, m.items, ())
    layout = lay_out([])
    before = versions_module.legacy_pack_content(m, spec, layout, lambda _p: "hash")
    real = frontsheet_module.context

    def grown(*args, **kwargs):  # type: ignore[no-untyped-def]
        ctx = real(*args, **kwargs)
        ctx["a_new_value"] = "shown by a new template"
        ctx["items"] = [{**row, "a_new_field": "x"} for row in ctx["items"]]
        return ctx

    monkeypatch.setattr(frontsheet_module, "context", grown)
    assert versions_module.legacy_pack_content(m, spec, layout, lambda _p: "hash") == before


@pytest.mark.parametrize(
    ("private", "key"),
    [
        (False, "2c0e0a4b0b980010e33d9e63adb31667d556d9371b3015f7ad7691bb2820ea0a"),
        (True, "1069ddefce1f3492e630ebd3913975cbace44d9535c06160406734ff6f0fddf2"),
    ],
)
def test_the_earlier_key_of_a_pack_with_exempt_items_is_the_one_recorded(private, key) -> None:
    """The exclusion resolution is now a row of its own, where the earlier packbuilder gave it to
    the first exempt item's row: `legacy_pack_content` still reads the rows as they were, so a
    pack with exempt items it published is the same pack after the upgrade (the keys are those
    it recorded)."""
    from packbuilder import versions as versions_module
    from packbuilder.layout import lay_out
    from packbuilder.plan import PackSpec
    from tests.models import VERBAL, item, meeting

    items = (item(1, "a.pdf"), item(2, "s.pdf", exempt=3), item(3, status=VERBAL, exempt=1))
    m = meeting(*items)
    included = items[:2] if private else items[:1]
    layout = lay_out([("1", [2]), ("2", [1])] if private else [("1", [2])])
    spec = PackSpec(None, private, items, included)
    assert versions_module.legacy_pack_content(m, spec, layout, lambda _p: "hash") == key


def test_a_template_that_changes_the_published_line_gets_the_real_line(
    tmp_path: Path, converter
) -> None:
    """Frontsheets are first rendered with a placeholder for the "Published" line; a meeting's
    own template that filters it (`|lower`, `|upper`) gets it rendered from the real line, never
    the placeholder."""
    from docx import Document

    from packbuilder.templates import SHIPPED

    folder = exempt_meeting(tmp_path / "m")
    doc = Document(str(SHIPPED / "agenda.docx"))
    for p in doc.paragraphs:
        if p.text == "Published {{ published }}":
            p.runs[0].text = "Published {{ published|upper }}"
            for r in p.runs[1:]:
                r.text = ""
    (folder / "templates").mkdir()
    doc.save(str(folder / "templates" / "agenda.docx"))
    build(folder, tmp_path / "out", converter=converter, today=FEB26)
    text = front_text(tmp_path / "out" / "public" / "m-agenda-pack-public.pdf")
    assert "Published WEDNESDAY 26 FEBRUARY 2020" in text
    assert "PUBLISHED-LINE" not in text.upper().replace("PUBLISHED WEDNESDAY", "")
