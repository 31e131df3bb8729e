"""The meeting page's check of its files, made beside the request (`jobs.meeting_check`):
what the page says while it runs, when it fails, and when the files change under it. The
library's check is replaced by one that waits to be let go, so each moment can be looked at."""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path

import pytest
from django.test import Client

from packbuilder.web import jobs, library, storage
from packbuilder.web.models import Meeting


def _until(done, seconds: float = 20) -> None:  # type: ignore[no-untyped-def]
    for _ in range(int(seconds / 0.02)):
        if done():
            return
        time.sleep(0.02)
    raise AssertionError("timed out")


def _idle() -> bool:
    with jobs._CHECKING_LOCK:
        return not jobs._CHECKING


class FakeCheck:
    """library.check: says which meeting.xlsx it read; waits while `gate` is closed; raises
    `fail` if set."""

    def __init__(self) -> None:
        self.gate = threading.Event()
        self.gate.set()
        self.ran: list[str] = []
        self.fail: Exception | None = None

    def __call__(self, folder: Path) -> library.CheckResult:
        self.ran.append((folder / "meeting.xlsx").read_text())
        self.gate.wait(20)
        if self.fail is not None:
            raise self.fail
        seen = (folder / "meeting.xlsx").read_text()
        return library.CheckResult(overview=f"seen {seen}")


@pytest.fixture
def check(settings, monkeypatch, data, make_user):  # type: ignore[no-untyped-def]
    settings.CHECK_INLINE = False  # (as served)
    fake = FakeCheck()
    monkeypatch.setattr(library, "check", fake)
    Meeting.objects.create(slug="m")
    storage.meeting_folder("m").mkdir(parents=True)
    (storage.meeting_folder("m") / "meeting.xlsx").write_text("one")
    yield fake
    fake.gate.set()
    _until(_idle)


@pytest.fixture
def ann(make_user) -> Client:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(make_user("ann"))
    return client


def _poll(client: Client) -> str:
    """The page as htmx asks for it again while it says "Checking"."""
    return client.get("/meetings/m/", HTTP_HX_REQUEST="true").content.decode()


def test_a_check_that_fails_says_so_and_is_not_run_again_at_every_look(check, ann):  # type: ignore[no-untyped-def]
    """A check that raised left the page saying "Checking" for ever, asking again every second,
    and each ask started the check again (LibreOffice, seconds, each time)."""
    check.fail = RuntimeError("LibreOffice fell over")
    first = ann.get("/meetings/m/").content.decode()
    assert "being checked" in first
    _until(_idle)
    page = _poll(ann)
    assert "being checked" not in page and 'aria-busy="true"' not in page
    assert "hx-trigger" not in page.split('id="check-inner"')[1].split(">")[0]
    assert "could not be checked" in page and "RuntimeError" in page
    assert "LibreOffice fell over" not in page  # (a server's detail, in its log)
    button = page.split("Build the packs</button>")[0].rsplit("<button", 1)[1]
    assert "disabled" not in button  # a build checks the files first, and says what is wrong
    for _ in range(3):
        _poll(ann)
    assert len(check.ran) == 1
    # reloading the page is trying again; it works this time
    check.fail = None
    assert "being checked" in ann.get("/meetings/m/").content.decode()
    _until(_idle)
    assert len(check.ran) == 2
    done = ann.get("/meetings/m/").content.decode()
    assert "seen one" in done and "could not be checked" not in done


def test_one_check_of_a_meeting_at_a_time_and_the_last_is_of_the_files_as_they_are(check, ann):  # type: ignore[no-untyped-def]
    """Each upload leads back to the meeting page, whose files are then new: each started a
    check of its own beside those still running, and a check that ended after the files had
    changed was kept, as if of files no longer there."""
    check.gate.clear()
    assert "being checked" in ann.get("/meetings/m/").content.decode()
    _until(lambda: len(check.ran) == 1)
    (storage.meeting_folder("m") / "meeting.xlsx").write_text("two")  # uploaded meanwhile
    assert "being checked" in ann.get("/meetings/m/").content.decode()
    (storage.meeting_folder("m") / "meeting.xlsx").write_text("three")
    assert "being checked" in ann.get("/meetings/m/").content.decode()
    time.sleep(0.2)
    assert len(check.ran) == 1  # not a check for each look
    check.gate.set()
    _until(_idle)
    kept = storage.kept_check("m")
    assert kept is not None and kept[0] == storage.inputs_key("m")
    assert kept[1].overview == "seen three"
    page = ann.get("/meetings/m/").content.decode()
    assert "seen three" in page and "being checked" not in page


def test_a_file_put_back_with_its_old_date_is_checked_again(check, ann):  # type: ignore[no-untyped-def]
    """The files are known by name, size and time of change: a file copied back with its
    modification time kept (a sync, `cp -p`), of the same size but another content, was taken
    for the one checked before."""
    path = storage.meeting_folder("m") / "meeting.xlsx"
    ann.get("/meetings/m/")
    _until(_idle)
    assert "seen one" in ann.get("/meetings/m/").content.decode()
    before = path.stat()
    path.write_text("two")  # (same size)
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert "being checked" in ann.get("/meetings/m/").content.decode()
    _until(_idle)
    assert "seen two" in ann.get("/meetings/m/").content.decode()


def test_a_check_file_half_written_is_no_check(check, ann):  # type: ignore[no-untyped-def]
    """A record cut short (the disk full, the machine stopped) is read as no check: the files
    are checked again."""
    kept = storage.data() / "checks" / "m.json"
    kept.parent.mkdir(parents=True)
    kept.write_text('{"key": "')
    assert "being checked" in ann.get("/meetings/m/").content.decode()
    _until(_idle)
    assert "seen one" in ann.get("/meetings/m/").content.decode()


def test_checks_of_many_meetings_wait_their_turn(check, ann):  # type: ignore[no-untyped-def]
    """Each check may start LibreOffice (hundreds of MB): an advisor opening the pages of ten
    meetings started ten at once beside the server's requests. At most CHECKS_AT_ONCE run; the
    others' pages say "Checking" until their turn has come and gone."""
    check.gate.clear()
    slugs = [f"m{n}" for n in range(jobs.CHECKS_AT_ONCE + 2)]
    for slug in slugs:
        Meeting.objects.create(slug=slug)
        storage.meeting_folder(slug).mkdir(parents=True)
        (storage.meeting_folder(slug) / "meeting.xlsx").write_text(slug)
        assert "being checked" in ann.get(f"/meetings/{slug}/").content.decode()
    time.sleep(0.3)
    assert len(check.ran) == jobs.CHECKS_AT_ONCE
    check.gate.set()
    _until(_idle)
    assert sorted(check.ran) == slugs
    for slug in slugs:
        assert f"seen {slug}" in ann.get(f"/meetings/{slug}/").content.decode()
