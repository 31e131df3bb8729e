"""Publishing a build made earlier (`packbuilder.release`): a pack goes public dated the day it
goes public, and names as earlier versions only packs that were published.

Each test builds into a drafts folder (as the web page's builds do) on one day and publishes
into a second folder on a later one; the packs are read back with pypdf."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from pypdf import PdfReader

from packbuilder.build import build
from packbuilder.convert import CachingConverter, LibreOffice
from packbuilder.errors import InputError, PublishError
from packbuilder.publish import manifest_path
from packbuilder.release import fingerprint, plan, release, withdraw
from tests.test_publish import exempt_meeting

pytestmark = pytest.mark.libreoffice

MON, TUE, THU, FRI = (dt.date(2020, 2, d) for d in (24, 25, 27, 28))
PUBLIC = "m-agenda-pack-public.pdf"
PRIVATE = "m-agenda-pack-PRIVATE-not-for-publication.pdf"


@pytest.fixture(scope="module")
def converter() -> CachingConverter:
    return CachingConverter(LibreOffice())


def front(pack: Path) -> str:
    """The frontsheet's words, however the lines fall."""
    return " ".join(PdfReader(pack).pages[0].extract_text().split())


def record(out: Path) -> dict:  # type: ignore[type-arg]
    return json.loads(manifest_path(out, "m").read_text())


def test_a_build_made_on_monday_and_published_on_thursday_says_thursday(
    tmp_path: Path, converter
) -> None:
    folder = exempt_meeting(tmp_path / "m")
    drafts, public = tmp_path / "drafts", tmp_path / "published"
    build(folder, drafts, converter=converter, today=MON)
    assert "Published Monday 24 February 2020" in front(drafts / "public" / PUBLIC)
    planned = {r.name: r for r in plan(drafts, public, "m", THU)}
    assert planned[PUBLIC].line == "Thursday 27 February 2020"
    assert planned[PUBLIC].public and not planned[PRIVATE].public
    result = release(folder, drafts, public, THU, converter=converter)
    pack = public / "public" / PUBLIC
    assert "Published Thursday 27 February 2020" in front(pack)
    assert "Monday" not in front(pack)
    html = (public / "public" / "m-agenda-pack-public.html").read_text()
    assert '<time datetime="2020-02-27">Thursday 27 February 2020</time>' in html
    current = record(public)["packs"][PUBLIC]["current"]
    assert (current["version"], current["published"]) == (1, "2020-02-27")
    assert {p.path.name: p.published for p in result.packs}[PUBLIC] == THU
    # the drafts are left as they were: they were looked at, never published
    assert "Published Monday 24 February 2020" in front(drafts / "public" / PUBLIC)


def test_builds_never_published_are_not_named_as_earlier_versions(
    tmp_path: Path, converter
) -> None:
    folder = exempt_meeting(tmp_path / "m")
    drafts, public = tmp_path / "drafts", tmp_path / "published"
    build(folder, drafts, converter=converter, today=MON)
    exempt_meeting(folder, venue="Warspite Room")  # a second build, a day later
    build(folder, drafts, converter=converter, today=TUE)
    assert "replacing the pack published on Monday" in front(drafts / "public" / PUBLIC)
    release(folder, drafts, public, THU, converter=converter)
    said = front(public / "public" / PUBLIC)
    assert "Published Thursday 27 February 2020" in said
    assert "replacing" not in said  # Monday's build never went public


def test_a_new_publication_names_the_one_it_replaces_and_the_same_pack_keeps_its_date(
    tmp_path: Path, converter
) -> None:
    folder = exempt_meeting(tmp_path / "m")
    drafts, public = tmp_path / "drafts", tmp_path / "published"
    build(folder, drafts, converter=converter, today=MON)
    release(folder, drafts, public, TUE, converter=converter)  # published Tuesday
    first = (public / "public" / PUBLIC).read_bytes()
    # built again unchanged and published again on Thursday: the same pack, public since Tuesday
    build(folder, drafts, converter=converter, today=THU)
    (same,) = [r for r in plan(drafts, public, "m", THU) if r.name == PUBLIC]
    assert same.unchanged and same.published == TUE
    release(folder, drafts, public, THU, converter=converter)
    assert (public / "public" / PUBLIC).read_bytes() == first
    # changed, built Thursday, published Friday: version 2, replacing Tuesday's
    exempt_meeting(folder, venue="Warspite Room")
    build(folder, drafts, converter=converter, today=THU)
    release(folder, drafts, public, FRI, converter=converter)
    assert (
        "Published Friday 28 February 2020 (version 2, replacing the pack published on Tuesday "
        "25 February 2020)" in front(public / "public" / PUBLIC)
    )
    assert (public / "archive" / "m-agenda-pack-public.v1.pdf").read_bytes() == first


def test_published_again_after_a_withdrawal_is_dated_the_day_it_goes_back(
    tmp_path: Path, converter
) -> None:
    folder = exempt_meeting(tmp_path / "m")
    drafts, public = tmp_path / "drafts", tmp_path / "published"
    build(folder, drafts, converter=converter, today=MON)
    release(folder, drafts, public, MON, converter=converter)
    assert sorted(withdraw(public, "m", TUE)) == [PRIVATE, PUBLIC]
    assert not (public / "public" / PUBLIC).exists()
    assert not (public / "public" / "m-agenda-pack-public.html").exists()
    assert (public / "archive" / "m-agenda-pack-public.v1.pdf").is_file()
    assert record(public)["withdrawn"][PUBLIC]["withdrawn"] == "2020-02-25"
    assert withdraw(public, "m", TUE) == []  # nothing current: nothing to do
    # the very same build, published again on Thursday: not Monday's date, which it lost
    (again,) = [r for r in plan(drafts, public, "m", THU) if r.name == PUBLIC]
    assert (again.version, again.published, again.unchanged) == (2, THU, False)
    release(folder, drafts, public, THU, converter=converter)
    assert (
        "Published Thursday 27 February 2020 (version 2, replacing the pack published on Monday "
        "24 February 2020)" in front(public / "public" / PUBLIC)
    )


def test_after_withdrawal_withdraws_a_publication_still_current(tmp_path: Path, converter) -> None:
    """A caller whose withdrawal could not reach the folder (it was busy) says so at the next
    publication: the pack is then a new version all the same."""
    folder = exempt_meeting(tmp_path / "m")
    drafts, public = tmp_path / "drafts", tmp_path / "published"
    build(folder, drafts, converter=converter, today=MON)
    release(folder, drafts, public, MON, converter=converter)
    release(folder, drafts, public, THU, after_withdrawal=True, converter=converter)
    assert record(public)["packs"][PUBLIC]["current"]["published"] == "2020-02-27"


def test_files_changed_since_the_build_publish_nothing(tmp_path: Path, converter) -> None:
    folder = exempt_meeting(tmp_path / "m")
    drafts, public = tmp_path / "drafts", tmp_path / "published"
    build(folder, drafts, converter=converter, today=MON)
    release(folder, drafts, public, MON, converter=converter)
    before = {p: p.read_bytes() for p in public.rglob("*") if p.is_file()}
    exempt_meeting(folder, venue="Warspite Room")  # changed after the build was looked at
    with pytest.raises(InputError) as caught:
        release(folder, drafts, public, THU, converter=converter)
    message = str(caught.value)
    assert "no longer those of the build being published" in message
    assert "Agenda pack (public) would not be the same" in message
    assert {p: p.read_bytes() for p in public.rglob("*") if p.is_file()} == before


def test_the_plan_shown_is_checked_when_publishing(tmp_path: Path, converter) -> None:
    folder = exempt_meeting(tmp_path / "m")
    drafts, public = tmp_path / "drafts", tmp_path / "published"
    build(folder, drafts, converter=converter, today=MON)
    shown = fingerprint(plan(drafts, public, "m", THU))
    assert shown != fingerprint(plan(drafts, public, "m", FRI))  # the day is part of it
    with pytest.raises(PublishError, match="changed since it was shown"):
        release(folder, drafts, public, FRI, expect_plan=shown, converter=converter)
    assert not manifest_path(public, "m").exists()
    release(folder, drafts, public, THU, expect_plan=shown, converter=converter)
    assert "Published Thursday" in front(public / "public" / PUBLIC)


def test_a_build_without_its_record_cannot_be_published(tmp_path: Path) -> None:
    (tmp_path / "drafts").mkdir()
    with pytest.raises(PublishError, match="no record of its packs"):
        plan(tmp_path / "drafts", tmp_path / "published", "m", THU)


def test_a_draft_is_published_as_the_pack_it_was_checked_as(tmp_path: Path, converter) -> None:
    """The web page's builds are drafts (every page marked DRAFT, "Published not yet" on the
    frontsheet). What the advisor checked is the content, not the marks: a draft's content keys
    are those of the pack built for publishing from the same files, so publishing the draft
    makes that pack, unmarked, dated the day it goes public; and a file changed since the draft
    still publishes nothing."""
    folder = exempt_meeting(tmp_path / "m")
    out, plain, public = tmp_path / "out", tmp_path / "plain", tmp_path / "published"
    build(folder, out, converter=converter, today=MON, draft=True)
    drafts = out / "draft"
    # its files are named as drafts; publishing makes the packs of the names a build gives
    made = drafts / "public" / "m-agenda-pack-public-DRAFT.pdf"
    assert "DRAFT to check, made Monday 24 February 2020" in front(made)
    assert sorted(record(drafts)["packs"]) == [
        "m-agenda-pack-PRIVATE-not-for-publication-DRAFT.pdf",
        "m-agenda-pack-public-DRAFT.pdf",
    ]
    assert sorted(plan(drafts, public, "m", THU), key=lambda r: r.name)[0].name == PRIVATE
    build(folder, plain, converter=converter, today=TUE)
    keys = {
        n.replace("-DRAFT", ""): p["current"]["content"] for n, p in record(drafts)["packs"].items()
    }
    assert keys == {n: p["current"]["content"] for n, p in record(plain)["packs"].items()}
    release(folder, drafts, public, THU, converter=converter)
    for name in (PUBLIC, PRIVATE):
        pack = PdfReader(public / ("private" if name == PRIVATE else "public") / name)
        said = " ".join(pack.pages[0].extract_text().split())
        assert "Published Thursday 27 February 2020" in said, name
        assert not any("DRAFT" in p.extract_text() for p in pack.pages), name
        assert not str(pack.metadata.title).startswith("DRAFT")
    exempt_meeting(folder, venue="Warspite Room")
    build(folder, out, converter=converter, today=THU, draft=True)  # a second draft
    exempt_meeting(folder, venue="Drake Room")  # changed after it was looked at
    with pytest.raises(InputError, match="no longer those of the build being published"):
        release(folder, drafts, public, FRI, converter=converter)


def test_a_publication_done_today_is_found_done(tmp_path: Path, converter) -> None:
    """`released`: the packs of a build that `release` put out today, as the record has them, so
    that a caller stopped before recording the publication records it (publishing again would
    find every pack unchanged, and what it prints no longer what was shown). Not a publication
    of an earlier day, nor of other packs."""
    from packbuilder.release import released

    folder = exempt_meeting(tmp_path / "m")
    drafts, public = tmp_path / "drafts", tmp_path / "published"
    build(folder, drafts, converter=converter, today=MON)
    assert released(drafts, public, "m", THU) is None  # nothing published yet
    release(folder, drafts, public, THU, converter=converter)
    found = {r.path.name: r for r in released(drafts, public, "m", THU) or []}
    assert sorted(found) == sorted([PUBLIC, PRIVATE])
    pack = found[PUBLIC]
    assert pack.path == public / "public" / PUBLIC and pack.release.unchanged
    assert pack.release.line == "Thursday 27 February 2020" and pack.agenda_html is not None
    assert pack.pages == len(PdfReader(pack.path).pages) and pack.numbered == 2
    assert found[PRIVATE].agenda_html is None and not found[PRIVATE].release.public
    # a day later it is no publication of that day; a build of other packs was not published
    assert released(drafts, public, "m", FRI) is None
    exempt_meeting(folder, venue="Warspite Room")
    build(folder, drafts, converter=converter, today=THU)
    assert released(drafts, public, "m", THU) is None


def test_a_publication_keeping_a_pack_public_since_an_earlier_day_is_found_done(
    tmp_path: Path, converter
) -> None:
    """A version that changes only the members' pack keeps the public pack published on an
    earlier day (it has been public since). Put out and not recorded by the caller, it was not
    found done, as its public pack was not made today: the job run again then failed, "what
    publishing would print has changed since it was shown". The caller says which packs it
    serves: a pack of an earlier day counts when it is the very pack the caller serves, never
    one it was not served (a publication lost on an earlier day)."""
    import shutil

    from packbuilder.release import released
    from tests.factory import write_pdf

    folder = exempt_meeting(tmp_path / "m")
    first, second = tmp_path / "first", tmp_path / "second"
    public = tmp_path / "published"
    build(folder, first, converter=converter, today=MON)
    release(folder, first, public, THU, converter=converter)
    served = tmp_path / "served"  # (the caller's copies of what it serves: the web page's links)
    served.mkdir()
    shutil.copy(public / "public" / PUBLIC, served / PUBLIC)
    shutil.copy(public / "private" / PRIVATE, served / PRIVATE)
    write_pdf(folder / "secret-deal.pdf", 3)  # only the members' pack changes
    build(folder, second, converter=converter, today=FRI)
    release(folder, second, public, FRI, converter=converter)
    assert record(public)["packs"][PUBLIC]["current"]["published"] == THU.isoformat()
    found = released(second, public, "m", FRI, served=[served / PUBLIC, served / PRIVATE])
    assert found is not None and sorted(r.path.name for r in found) == sorted([PUBLIC, PRIVATE])
    # without saying what it serves, a pack of an earlier day is no publication of today
    assert released(second, public, "m", FRI) is None
    # nor is a pack of that name that is not the one served
    shutil.copy(public / "private" / PRIVATE, served / PUBLIC)
    assert released(second, public, "m", FRI, served=[served / PUBLIC]) is None


def test_a_pack_published_in_the_earlier_words_is_kept_when_a_draft_is_published(
    tmp_path: Path, converter, monkeypatch
) -> None:
    """After an upgrade that changed packbuilder's own words on the frontsheet, a draft of a
    meeting whose packs went public in the earlier words, published unchanged, publishes
    nothing again: the plan shown says the packs keep their date (as the build then does: it
    said "version 2" and published nothing new), and the packs are the bytes that went out."""
    from packbuilder import frontsheet
    from packbuilder import publish as publish_module
    from tests.test_publish import _late_meeting

    folder = _late_meeting(tmp_path / "m", {"budget.pdf": 1})
    out, public = tmp_path / "out", tmp_path / "published"
    with monkeypatch.context() as earlier:
        earlier.setattr(frontsheet, "WORDING", frontsheet.EARLIER_WORDING)
        # (and recorded as the release before recorded keys: in no words of its own)
        earlier.setattr(publish_module, "WORDS", 1)
        build(folder, out, converter=converter, today=MON, draft=True)
        release(folder, out / "draft", public, TUE, converter=converter)
    packs = [public / "public" / "m-agenda-pack.pdf", public / "public" / "m-supplement-1.pdf"]
    assert "Time: 2 pm - 4 pm" in front(packs[0])
    sent = {p: p.read_bytes() for p in packs}
    build(folder, out, converter=converter, today=THU, draft=True)
    planned = plan(out / "draft", public, "m", THU)
    assert [(r.unchanged, r.version, r.published) for r in planned] == [(True, 1, TUE)] * 2
    result = release(
        folder, out / "draft", public, THU, expect_plan=fingerprint(planned), converter=converter
    )
    assert all(p.unchanged and p.published == TUE for p in result.packs), result.packs
    assert {p: p.read_bytes() for p in packs} == sent
