"""Routes, roles, CSRF, uploads and the audit log of the web page, with Django's test client.

A real build runs once here (test_build_publish_and_public_addresses); the other tests make a
version's files by hand, which is all the page's rules need.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import re
import shutil
from pathlib import Path

import openpyxl
import pytest
from asgiref.sync import async_to_sync
from django.test import Client
from django.urls import reverse
from pypdf import PdfReader

from packbuilder.dates import long_date
from packbuilder.settings import settings as settings_
from packbuilder.web import storage
from packbuilder.web.models import AuditEntry, Build, LoginFailure, Meeting, Version

EXAMPLE = Path(__file__).parents[2] / "inputs" / "2020-03-05-safer-plymouth"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PRIVATE = "m-agenda-pack-PRIVATE-not-for-publication.pdf"
PUBLIC = "m-agenda-pack-public.pdf"


def signed_in(user) -> Client:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(user)
    return client


def fetch(client, url):  # type: ignore[no-untyped-def]
    """GET `url`, closing a file response (an unread one would leave its file open)."""
    response = client.get(url)
    response.close()
    return response


def file(name: str, content: bytes) -> io.BytesIO:
    f = io.BytesIO(content)
    f.name = name
    return f


@pytest.fixture
def meeting(data, make_user):  # type: ignore[no-untyped-def]
    m = Meeting.objects.create(slug="m")
    storage.meeting_folder("m").mkdir(parents=True)
    return m


def publish(client: Client, number: int, slug: str = "m"):  # type: ignore[no-untyped-def]
    """Publish a version as a publisher does: the confirmation page, then its form's post."""
    url = f"/meetings/{slug}/versions/{number}/publish"
    page = client.get(url).content.decode()
    shown = re.search(r'name="shown" value="([^"]+)"', page)
    assert shown, page
    return client.post(url, {"shown": shown[1]})


@pytest.fixture
def fake_release(monkeypatch):  # type: ignore[no-untyped-def]
    """The library's publishing (`library.release`) for hand-made versions, which have no build
    record to make again: each public pack published as it is, dated today. The real one runs in
    test_build_publish_and_public_addresses and in tests/test_release.py. Returns the calls."""
    from packbuilder.web import library

    calls: list[dict] = []  # type: ignore[type-arg]

    def plan(built: Path, published: Path):  # type: ignore[no-untyped-def]
        today = library.today()
        return [
            library.Planned(
                library.published_name(f.name), f.stem, "PRIVATE" in f.name, 1, today,
                long_date(today), False,
            )  # fmt: skip
            for f in sorted(built.glob("*.pdf"))
        ], f"shown-{library.today().isoformat()}"

    def release(folder, built, published, shown, after_withdrawal, progress=None):  # type: ignore[no-untyped-def]
        calls.append({"built": built, "shown": shown, "after_withdrawal": after_withdrawal})
        if progress is not None:
            progress("assembling Agenda pack (public)")
        if shown != plan(built, published)[1]:
            raise library.PackError("what publishing would print has changed since it was shown")
        (published / "public").mkdir(parents=True, exist_ok=True)
        out = []
        for f in sorted(built.glob("*.pdf")):
            if "PRIVATE" in f.name:
                continue
            copy = published / "public" / library.published_name(f.name)  # (no -DRAFT)
            shutil.copyfile(f, copy.with_suffix(".tmp"))  # renamed, as the library does
            copy.with_suffix(".tmp").replace(copy)
            day = library.today()
            out.append(
                {"file": copy.name, "label": f.stem, "private": False, "pages": 1, "numbered": 0,
                 "published": day.isoformat(), "line": long_date(day), "paths": [copy]}
            )  # fmt: skip
        return out

    monkeypatch.setattr(library, "release_plan", plan)
    monkeypatch.setattr(library, "release", release)
    monkeypatch.setattr(library, "withdraw", lambda published: None)
    return calls


@pytest.fixture
def version(meeting, fake_release):  # type: ignore[no-untyped-def]
    """Version 1 of meeting m: a public and a private pack."""
    folder = storage.version_folder("m", 1)
    folder.mkdir(parents=True)
    (folder / PUBLIC).write_bytes(PDF + b"public")
    (folder / PRIVATE).write_bytes(PDF + b"private")
    return Version.objects.create(
        meeting=meeting,
        number=1,
        packs=[
            {"file": PUBLIC, "label": "Agenda pack (public)", "pages": 1, "private": False,
             "draft": True},
            {"file": PRIVATE, "label": "Agenda pack (private)", "pages": 1, "private": True,
             "draft": True},
        ],  # fmt: skip
        agenda={"title": "Board - 5 March 2020", "items": []},
    )


# ---- signing in, roles ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "/meetings/",
        "/meetings/new",
        "/meetings/m/",
        "/meetings/m/inputs/meeting.xlsx",
        "/meetings/m/versions/1/",
        f"/meetings/m/versions/1/{PUBLIC}",
        f"/meetings/m/versions/1/{PRIVATE}",
        f"/meetings/m/versions/1/preview/{PUBLIC}/",
        "/audit/",
    ],
)
def test_pages_need_signing_in(client, version, url):  # type: ignore[no-untyped-def]
    response = fetch(client, url)
    assert response.status_code == 302
    assert response.url.startswith("/accounts/login/?next=")


@pytest.mark.parametrize(
    "url",
    ["/meetings/", "/meetings/m/", f"/meetings/m/versions/1/{PRIVATE}", "/meetings/m/inputs/x.pdf"],
)
def test_an_account_without_a_role_sees_no_meeting_nor_private_pack(make_user, version, url):  # type: ignore[no-untyped-def]
    (storage.meeting_folder("m") / "x.pdf").write_bytes(PDF)
    response = fetch(signed_in(make_user("guest", role="")), url)
    assert response.status_code == 403
    assert b"does not have the role" in response.content


def test_private_pack_served_to_advisor_never_cached_and_audited(make_user, version):  # type: ignore[no-untyped-def]
    response = signed_in(make_user("ann")).get(f"/meetings/m/versions/1/{PRIVATE}")
    assert response.status_code == 200
    assert b"".join(response.streaming_content).endswith(b"private")
    assert response["Cache-Control"] == "private, no-store"
    entry = AuditEntry.objects.get(action="download-private")
    assert (entry.who, entry.meeting) == ("ann", "m")
    assert PRIVATE in entry.detail


def test_inputs_may_be_exempt_papers_so_they_are_private(make_user, meeting):  # type: ignore[no-untyped-def]
    (storage.meeting_folder("m") / "Exempt report.pdf").write_bytes(PDF)
    response = fetch(signed_in(make_user("ann")), "/meetings/m/inputs/Exempt report.pdf")
    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-store"
    assert AuditEntry.objects.filter(action="download-private", detail__contains="Exempt").exists()


def test_publishing_says_the_exempt_minutes_are_held_back(make_user, version, fake_release):  # type: ignore[no-untyped-def]
    """With no exempt item but minutes recording Part II business, the page said "No item is
    exempt: every paper on the agenda is in the public pack" (a new user's review: the exempt
    minutes are held back): it says where they go."""
    version.agenda["items"] = [
        {"number": "1", "title": "Minutes of the last meeting", "exempt": False, "note": "",
         "exempt_minutes": True},
        {"number": "2", "title": "Strategic assessment", "exempt": False, "note": ""},
    ]  # fmt: skip
    version.save()
    publisher = signed_in(make_user("pat", role="publisher"))
    held = publisher.get("/meetings/m/versions/1/publish").content.decode().split("Held back")[1]
    assert (
        "Item 1, Minutes of the last meeting: the exempt minutes of the last meeting are in the "
        "private pack only"
    ) in held
    assert "No item is exempt" not in held and "Strategic assessment" not in held


def test_only_a_publisher_publishes(make_user, version):  # type: ignore[no-untyped-def]
    url = "/meetings/m/versions/1/publish"
    ann = signed_in(make_user("ann"))
    assert ann.get(url).status_code == 403
    assert ann.post(url, {"shown": "x"}).status_code == 403
    assert Meeting.objects.get(slug="m").published is None
    response = publish(signed_in(make_user("pat", role="publisher")), 1)
    assert response.status_code == 302
    assert Meeting.objects.get(slug="m").published == version
    assert AuditEntry.objects.filter(action="publish", who="pat").exists()


def test_publishing_asks_first_showing_what_goes_public(make_user, version, fake_release):  # type: ignore[no-untyped-def]
    version.agenda["items"] = [
        {"number": "7", "title": "Contract award", "exempt": True,
         "note": "Not for publication by virtue of paragraph 3 of Part 1 of Schedule 12A"},
        {"number": "2", "title": "Minutes", "exempt": False, "note": ""},
    ]  # fmt: skip
    version.save()
    publisher = signed_in(make_user("pat", role="publisher"))
    # the version's page leads to the question; it publishes nothing itself
    shown = publisher.get("/meetings/m/versions/1/").content.decode()
    assert 'href="/meetings/m/versions/1/publish"' in shown
    assert 'action="/meetings/m/versions/1/publish"' not in shown
    url = "/meetings/m/versions/1/publish"
    page = publisher.get(url).content.decode()
    today = long_date(dt.date.today())
    assert "Publish version 1?" in page
    assert f"Published {today}" in page  # the date each public pack will say
    assert "Item 7, Contract award: Not for publication by virtue of paragraph 3" in page
    assert "Minutes" not in page.split("Held back")[1]
    assert "Agenda pack (private)" in page and "is not published" in page
    assert 'name="shown"' in page and "Cancel" in page
    assert Meeting.objects.get(slug="m").published is None
    # a post without what was shown (a form from before, a crafted post) only asks again
    asked = publisher.post(url)
    assert asked.status_code == 200 and "Publish version 1?" in asked.content.decode()
    assert Meeting.objects.get(slug="m").published is None and not fake_release
    # what was shown no longer holds (midnight passed, another publication): the publishing
    # job fails, saying so on its page in one line, and nothing is published
    refused = publisher.post(url, {"shown": "shown-1999-01-01"})
    job = Build.objects.get()
    assert refused.url == f"/meetings/m/builds/{job.pk}/"
    assert job.publishes == version and job.state == "failed"
    said = publisher.get(refused.url).content.decode()
    assert "<title>Error: Publishing version 1 of m" in said
    assert "Version 1 was not published</h2>" in said
    (line,) = job.problems
    # said once, in the heading; the line under it is the reason, without a server's path
    assert said.count("was not published") == 1
    assert line.startswith("what publishing would print has changed since it was shown")
    assert line in said.replace("&#x27;", "'") and str(storage.data()) not in said
    assert f'href="{url}"' in said  # back to what goes public, as it is now
    assert Meeting.objects.get(slug="m").published is None
    assert not AuditEntry.objects.filter(action="publish").exists()
    assert "Publishing version 1</a>" in publisher.get("/meetings/m/").content.decode()
    done = publish(publisher, 1)
    job = Build.objects.order_by("-pk").first()
    assert done.url == f"/meetings/m/builds/{job.pk}/" and job.state == "done"
    assert [e.text for e in job.events.all()] == [
        "assembling Agenda pack (public)", "published version 1 (m-agenda-pack-public: 1 page)"
    ]  # fmt: skip
    page = publisher.get(done.url).content.decode()
    assert "Published</h2>" in page and "Version 1 is public" in page
    assert 'href="/meetings/m/versions/1/"' in page and 'href="/public/m/"' in page
    v = Version.objects.get(number=1)
    assert v.published_at is not None
    assert v.packs[0]["published"] == dt.date.today().isoformat()
    entry = AuditEntry.objects.get(action="publish")
    assert f"Published {today}" in entry.detail
    # published: asking again says so
    again = publisher.get(url, follow=True).content.decode()
    assert "Version 1 is the published version already" in again


def test_publishing_a_busy_meeting_publishes_nothing(make_user, version):  # type: ignore[no-untyped-def]
    """Another publisher (or a withdrawal) holds the meeting's published folder."""
    import threading

    from packbuilder.lock import meeting_lock

    publisher = signed_in(make_user("pat", role="publisher"))
    url = "/meetings/m/versions/1/publish"
    shown = re.search(r'name="shown" value="([^"]+)"', publisher.get(url).content.decode())[1]
    held, done = threading.Event(), threading.Event()
    folder = storage.published_folder("m")
    folder.mkdir(parents=True)

    def hold() -> None:
        with meeting_lock(folder, "m"):
            held.set()
            done.wait(10)

    thread = threading.Thread(target=hold)
    thread.start()
    try:
        held.wait(10)
        said = publisher.post(url, {"shown": shown}, follow=True).content.decode()
    finally:
        done.set()
        thread.join()
    assert "This meeting is being built, published or withdrawn now" in said
    assert said.count("was not published") == 1  # (the heading; its line is the reason)
    assert Meeting.objects.get(slug="m").published is None
    assert publish(publisher, 1).status_code == 302


def test_publishing_runs_as_a_job_and_one_at_a_time(make_user, version, fake_release, monkeypatch):  # type: ignore[no-untyped-def]
    """The post only starts the job (the packs are made again by LibreOffice, which takes
    long: a request would wait, and a proxy cut it); a second post, or a build, while it waits
    or runs is sent to it and starts nothing."""
    from packbuilder.web import jobs, tasks

    queued: list[int] = []
    monkeypatch.setattr(tasks, "build_task", queued.append)  # (no consumer takes it here)
    publisher = signed_in(make_user("pat", role="publisher"))
    url = "/meetings/m/versions/1/publish"
    shown = re.search(r'name="shown" value="([^"]+)"', publisher.get(url).content.decode())[1]
    first = publisher.post(url, {"shown": shown})
    job = Build.objects.get()
    assert first.url == f"/meetings/m/builds/{job.pk}/"
    assert job.state == "queued" and job.publishes == version and job.shown == shown
    assert not fake_release and Meeting.objects.get(slug="m").published is None
    page = publisher.get(first.url).content.decode()
    assert "<h1" in page and "Publishing version 1</h1>" in page
    assert "Waiting to start" in page and "Nothing is public until every one is made" in page
    again = publisher.post(url, {"shown": shown}, follow=True)
    assert again.redirect_chain[-1][0] == first.url and Build.objects.count() == 1
    assert "being built or published now" in again.content.decode()
    built = publisher.post("/meetings/m/build", follow=True)
    assert built.redirect_chain[-1][0] == first.url and Build.objects.count() == 1
    assert "being built or published already" in built.content.decode()
    Build.objects.filter(pk=job.pk).update(state=Build.State.RUNNING)
    assert "Publishing</strong>" in publisher.get(first.url).content.decode()
    Build.objects.filter(pk=job.pk).update(state=Build.State.QUEUED)
    assert queued == [job.pk]
    jobs.run_build(job.pk)  # the consumer takes it
    job.refresh_from_db()
    assert job.state == "done" and Meeting.objects.get(slug="m").published == version
    assert len(fake_release) == 1 and fake_release[0]["shown"] == shown
    # the same form posted again, after: published already, nothing made again
    Build.objects.filter(pk=job.pk).update(state=Build.State.QUEUED)
    jobs.run_build(job.pk)
    job.refresh_from_db()
    # (done, not failed: a failed job's page says "Version 1 was not published", untrue here)
    assert job.state == "done" and job.problems == []
    assert job.events.last().text == "version 1 is the published version already: nothing to do"
    assert len(fake_release) == 1


def test_a_version_without_its_build_record_cannot_be_published(make_user, meeting):  # type: ignore[no-untyped-def]
    """The real library: a version kept without the record of its build cannot be made again."""
    storage.version_folder("m", 1).mkdir(parents=True)
    (storage.version_folder("m", 1) / PUBLIC).write_bytes(PDF)
    Version.objects.create(
        meeting=meeting, number=1, agenda={},
        packs=[{"file": PUBLIC, "label": "Agenda pack", "pages": 1, "private": False}],
    )  # fmt: skip
    publisher = signed_in(make_user("pat", role="publisher"))
    page = publisher.get("/meetings/m/versions/1/publish").content.decode()
    assert "Version 1 cannot be published" in page and "no record of its packs" in page
    assert 'name="shown"' not in page
    publisher.post("/meetings/m/versions/1/publish", {"shown": "x"})
    assert Meeting.objects.get(slug="m").published is None


def test_publishing_a_later_version_keeps_the_earlier_listed(make_user, version, client):  # type: ignore[no-untyped-def]
    publisher = signed_in(make_user("pat", role="publisher"))
    publish(publisher, 1)
    second = storage.version_folder("m", 2)
    shutil.copytree(storage.version_folder("m", 1), second)
    (second / PUBLIC).write_bytes(PDF + b"second")
    Version.objects.create(meeting=version.meeting, number=2, packs=version.packs, agenda={})
    publish(publisher, 2)
    page = client.get("/public/m/").content.decode()
    assert "Earlier published versions" in page and "Version 1, published" in page
    latest = client.get("/public/m/pack.pdf")
    assert b"".join(latest.streaming_content).endswith(b"second")
    # an earlier version is on record, not on the website (it may have been replaced because
    # something in it should not have been public): for signed-in advisors, audited
    assert f"/public/m/v1/{PUBLIC}" not in page
    anonymous = client.get(f"/public/m/v1/{PUBLIC}")
    assert anonymous.status_code == 302 and "/accounts/login/" in anonymous["Location"]
    earlier = signed_in(make_user("ann")).get(f"/public/m/v1/{PUBLIC}")
    assert earlier.status_code == 200 and earlier["Cache-Control"] == "private, no-store"
    assert b"".join(earlier.streaming_content).endswith(b"public")
    earlier.close()
    logged = AuditEntry.objects.filter(action="download-private", who="ann")
    assert [e.detail for e in logged] == [f"earlier version 1: {PUBLIC}"]


def test_public_addresses_never_serve_private_packs(client, make_user, version):  # type: ignore[no-untyped-def]
    assert client.get("/public/m/").status_code == 404  # not published yet
    assert client.get("/public/m/pack.pdf").status_code == 404
    publish(signed_in(make_user("pat", role="publisher")), 1)
    assert client.get("/public/m/").status_code == 200
    pack = client.get("/public/m/pack.pdf")
    assert pack.status_code == 200
    assert b"".join(pack.streaming_content).endswith(b"public")
    assert fetch(client, f"/public/m/{PUBLIC}").status_code == 200
    assert client.get(f"/public/m/{PRIVATE}").status_code == 404
    assert client.get(f"/public/m/v1/{PRIVATE}").status_code == 302  # (to sign in)
    assert signed_in(make_user("ann")).get(f"/public/m/v1/{PRIVATE}").status_code == 404
    assert PRIVATE not in client.get("/public/m/").content.decode()


def test_a_publisher_withdraws_the_published_version_and_nothing_takes_its_place(
    client, make_user, version, fake_release
):  # type: ignore[no-untyped-def]
    publisher = signed_in(make_user("pat", role="publisher"))
    publish(publisher, 1)
    second = storage.version_folder("m", 2)
    shutil.copytree(storage.version_folder("m", 1), second)
    Version.objects.create(
        meeting=version.meeting, number=2, packs=version.packs,
        agenda={"title": "Board - 5 March 2020", "items": []},
    )  # fmt: skip
    publish(publisher, 2)
    url = "/meetings/m/versions/2/withdraw"
    # an advisor cannot; a publisher must say why; only the published version can be
    assert signed_in(make_user("ann")).post(url, {"reason": "x"}).status_code == 403
    refused = publisher.post(url, {"reason": "  "})
    assert refused.status_code == 200 and "Say why the version is being withdrawn" in (
        refused.content.decode()
    )
    assert publisher.post("/meetings/m/versions/1/withdraw", {"reason": "x"}).status_code == 302
    assert Version.objects.get(number=1).withdrawn_at is None
    assert fetch(client, "/public/m/pack.pdf").status_code == 200
    reason = "Item 7's appendix names a tenderer: exempt, paragraph 3"
    assert publisher.post(url, {"reason": reason}).status_code == 302
    # the public address says the papers were withdrawn, and when, not why; no pack is served,
    # neither version 2's nor the one published before it
    gone = client.get("/public/m/")
    page = gone.content.decode()
    assert gone.status_code == 410 and "were withdrawn on" in page
    assert "Board - 5 March 2020" in page
    assert "tenderer" not in page and PUBLIC not in page
    for file in ("pack.pdf", PUBLIC, "m-agenda-pack-public.html"):
        assert fetch(client, f"/public/m/{file}").status_code == 404, file
    assert "/public/m/" not in client.get("/public/").content.decode()
    entry = AuditEntry.objects.get(action="withdraw")
    assert entry.who == "pat" and reason in entry.detail
    shown = publisher.get("/meetings/m/").content.decode()
    assert "Withdrawn" in shown and "nothing is public until a version is published again" in shown
    assert "Withdrawn" in publisher.get("/meetings/").content.decode()
    assert "names a tenderer" in publisher.get("/meetings/m/versions/2/").content.decode()
    # publishing (this version again, or another) ends it: made again as a publication after a
    # withdrawal (dated that day, never the day of the publication withdrawn)
    assert not fake_release[-1]["after_withdrawal"]
    publish(publisher, 1)
    assert fake_release[-1]["after_withdrawal"]
    assert Meeting.objects.get(slug="m").published.number == 1
    assert fetch(client, "/public/m/pack.pdf").status_code == 200
    publish(publisher, 2)
    v2 = Version.objects.get(number=2)
    assert v2.withdrawn_at is None and v2.withdrawn_reason == ""
    assert client.get("/public/m/").status_code == 200


def test_an_advisor_removes_an_input_after_confirming(make_user, meeting):  # type: ignore[no-untyped-def]
    folder = storage.meeting_folder("m")
    (folder / "Wrong paper.pdf").write_bytes(PDF)
    (folder / "Right paper.pdf").write_bytes(PDF)
    ann = signed_in(make_user("ann"))
    listed = ann.get("/meetings/m/").content.decode()
    assert 'href="/meetings/m/inputs/Wrong%20paper.pdf/remove"' in listed
    confirm = ann.get("/meetings/m/inputs/Wrong paper.pdf/remove")
    assert confirm.status_code == 200 and "Remove Wrong paper.pdf?" in confirm.content.decode()
    assert (folder / "Wrong paper.pdf").is_file()  # asking removes nothing
    # not while the meeting is being built: the build is reading its files
    running = Build.objects.create(meeting=meeting, state=Build.State.RUNNING)
    busy = ann.post("/meetings/m/inputs/Wrong paper.pdf/remove", follow=True)
    assert "the meeting is being built" in busy.content.decode()
    assert (folder / "Wrong paper.pdf").is_file()
    running.state = Build.State.DONE
    running.save()
    done = ann.post("/meetings/m/inputs/Wrong paper.pdf/remove", follow=True)
    assert "Removed Wrong paper.pdf" in done.content.decode()
    assert sorted(p.name for p in folder.iterdir()) == ["Right paper.pdf"]
    assert AuditEntry.objects.get(action="remove").detail == "Wrong paper.pdf"
    # only a file of the meeting's, by its listed name; never for a role below advisor
    for name in ("Wrong paper.pdf", "..%2Fm%2FRight paper.pdf", ".hidden.pdf"):
        assert ann.post(f"/meetings/m/inputs/{name}/remove").status_code == 404, name
    guest = signed_in(make_user("guest", role=""))
    assert guest.post("/meetings/m/inputs/Right paper.pdf/remove").status_code == 403
    assert (folder / "Right paper.pdf").is_file()


def test_a_failed_scheduled_build_shows_on_the_meeting_page_once(make_user, meeting, monkeypatch):  # type: ignore[no-untyped-def]
    from packbuilder.web import jobs, library

    failure = library.Scheduled("m", "failed", "meeting.xlsx, sheet Meeting, cell B2: not a date")
    monkeypatch.setattr(library, "build_due", lambda *a, **k: [failure])
    jobs.run_schedule()
    jobs.run_schedule()  # the schedule tries again at each run: recorded once
    build = Build.objects.get()
    assert build.scheduled and build.state == "failed"
    assert build.problems[0] == failure.message
    page = signed_in(make_user("ann")).get("/meetings/m/").content.decode()
    assert "The last build (scheduled)" in page and "failed" in page
    assert f'href="/meetings/m/builds/{build.pk}/"' in page
    shown = signed_in(make_user("bob")).get(f"/meetings/m/builds/{build.pk}/").content.decode()
    assert "cell B2: not a date" in shown
    # something else happened since (a build from the page): the same failure is told again
    Build.objects.create(meeting=meeting, state=Build.State.DONE)
    jobs.run_schedule()
    assert Build.objects.filter(scheduled=True, state="failed").count() == 2


def test_audit_log_is_for_publishers(make_user, meeting):  # type: ignore[no-untyped-def]
    assert signed_in(make_user("ann")).get("/audit/").status_code == 403
    assert signed_in(make_user("pat", role="publisher")).get("/audit/").status_code == 200


def test_admin_role_reaches_the_account_admin(make_user, db):  # type: ignore[no-untyped-def]
    assert signed_in(make_user("ann")).get("/admin/").status_code == 302  # to admin login
    assert signed_in(make_user("ada", role="admin")).get("/admin/web/user/").status_code == 200


# ---- CSRF, sign-in throttling, settings ----------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "/accounts/login/",
        "/meetings/new",
        "/meetings/m/upload",
        "/meetings/m/build",
        "/meetings/m/versions/1/publish",
        "/meetings/m/versions/1/withdraw",
        "/meetings/m/inputs/x.pdf/remove",
        "/accounts/logout/",
    ],
)
def test_every_form_refuses_a_post_without_its_csrf_token(make_user, version, url):  # type: ignore[no-untyped-def]
    (storage.meeting_folder("m") / "x.pdf").write_bytes(PDF)
    client = Client(enforce_csrf_checks=True)
    client.force_login(make_user("pat", role="publisher"))
    response = client.post(url, {"name": "x", "username": "pat", "password": "p"})
    assert response.status_code == 403
    assert b"The form had expired" in response.content
    assert Version.objects.get(number=1).published_at is None
    assert not Build.objects.exists()
    assert (storage.meeting_folder("m") / "x.pdf").is_file()


def test_forms_carry_a_csrf_token(make_user, version):  # type: ignore[no-untyped-def]
    client = signed_in(make_user("pat", role="publisher"))
    (storage.meeting_folder("m") / "x.pdf").write_bytes(PDF)
    publish(signed_in(make_user("paul", role="publisher")), 1)
    for url in [
        "/meetings/new", "/meetings/m/", "/meetings/m/versions/1/",
        "/meetings/m/versions/1/withdraw", "/meetings/m/inputs/x.pdf/remove",
    ]:  # fmt: skip
        page = client.get(url).content.decode()
        assert page.count("<form") == page.count('name="csrfmiddlewaretoken"'), url


def test_sign_in_and_throttling(make_user, client):  # type: ignore[no-untyped-def]
    make_user("ann", password="the right pass phrase")
    for _ in range(5):
        response = client.post("/accounts/login/", {"username": "ann", "password": "wrong"})
        assert b"Enter a correct user name and password" in response.content
    assert LoginFailure.objects.count() == 5
    # the sixth try is refused even with the right password
    response = client.post(
        "/accounts/login/", {"username": "ann", "password": "the right pass phrase"}
    )
    assert response.status_code == 200
    assert b"Too many failed attempts" in response.content
    assert "_auth_user_id" not in client.session
    other = Client()
    response = other.post("/accounts/login/", {"username": "bob", "password": "x"})
    assert b"Too many" not in response.content  # another user name is not locked out
    # nor is the name spelt another way that signs in as the same account (NFKC, case)
    for look_alike in ("\uff41nn", "ANN", " ann"):
        response = Client().post(
            "/accounts/login/", {"username": look_alike, "password": "the right pass phrase"}
        )
        assert b"Too many failed attempts" in response.content, look_alike


def test_signing_in_with_empty_fields_says_what_is_missing(db, client):  # type: ignore[no-untyped-def]  # noqa: ARG001
    page = client.post("/accounts/login/", {"username": "", "password": ""}).content.decode()
    assert "There is a problem" in page
    assert '<a href="#id_username">Enter your user name</a>' in page
    assert '<a href="#id_password">Enter your password</a>' in page
    assert 'aria-describedby="username-error"' in page
    page = client.post("/accounts/login/", {"username": "ann", "password": ""}).content.decode()
    assert "Enter your password" in page and "Enter your user name" not in page


def test_too_many_files_at_once_are_refused_with_a_message(make_user, meeting):  # type: ignore[no-untyped-def]
    from django.conf import settings

    ann = signed_in(make_user("ann"))
    many = [file(f"p{i}.pdf", PDF) for i in range(settings.DATA_UPLOAD_MAX_NUMBER_FILES + 1)]
    response = ann.post("/meetings/m/upload", {"files": many}, follow=True)
    assert response.status_code == 200
    limit = settings.DATA_UPLOAD_MAX_NUMBER_FILES
    assert f"choose at most {limit} files" in response.content.decode()


def test_sign_in_works(make_user, client):  # type: ignore[no-untyped-def]
    make_user("ann", password="the right pass phrase")
    response = client.post(
        "/accounts/login/", {"username": "ann", "password": "the right pass phrase"}
    )
    assert response.status_code == 302
    assert response.url == reverse("meetings")


def test_default_settings_hash_with_argon2_and_send_cookies_secure_only(monkeypatch):  # type: ignore[no-untyped-def]
    import importlib

    import packbuilder.web.settings as real

    monkeypatch.delenv("PACKBUILDER_WEB_HTTPS", raising=False)
    real = importlib.reload(real)
    assert real.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")
    assert real.SESSION_COOKIE_SECURE and real.CSRF_COOKIE_SECURE
    assert real.SESSION_COOKIE_HTTPONLY
    assert real.SECURE_HSTS_SECONDS > 0
    monkeypatch.setenv("PACKBUILDER_WEB_HTTPS", "0")
    assert not importlib.reload(real).SESSION_COOKIE_SECURE


def test_argon2_hashes_a_password():  # type: ignore[no-untyped-def]
    from django.contrib.auth.hashers import Argon2PasswordHasher

    hashed = Argon2PasswordHasher().encode("a long pass phrase", "saltsaltsalt")
    assert hashed.startswith("argon2$argon2id$")


# ---- creating meetings and uploading --------------------------------------------------------


def test_create_a_meeting(make_user, data):  # type: ignore[no-untyped-def]
    client = signed_in(make_user("ann"))
    response = client.post("/meetings/new", {"name": "2020-03-05-board"})
    assert response.status_code == 302
    assert (data / "inputs" / "2020-03-05-board").is_dir()
    assert client.post("/meetings/new", {"name": "../etc"}).status_code == 200
    assert not (data / "etc").exists()
    page = client.post("/meetings/new", {"name": "2020-03-05-board"}).content
    assert b"exists already" in page


def test_upload_several_files_and_download_them_again(make_user, meeting):  # type: ignore[no-untyped-def]
    client = signed_in(make_user("ann"))
    wb = (EXAMPLE / "meeting.xlsx").read_bytes()
    response = client.post(
        "/meetings/m/upload",
        {"files": [file("meeting.xlsx", wb), file("Appendix.pdf", PDF)]},
    )
    assert response.status_code == 302
    folder = storage.meeting_folder("m")
    assert (folder / "meeting.xlsx").read_bytes() == wb
    assert (folder / "Appendix.pdf").read_bytes() == PDF
    assert AuditEntry.objects.filter(action="upload").count() == 2
    got = client.get("/meetings/m/inputs/meeting.xlsx")
    assert b"".join(got.streaming_content) == wb
    # a replacement replaces
    client.post("/meetings/m/upload", {"files": [file("Appendix.pdf", PDF + b"2")]})
    assert (folder / "Appendix.pdf").read_bytes() == PDF + b"2"


@pytest.mark.parametrize(
    ("name", "content", "why"),
    [
        ("report.pdf", b"<html>not a pdf</html>", "not a PDF"),
        ("meeting.xlsx", b"Item,Title\n1,Minutes\n", "not a .xlsx"),
        ("report.docx", PDF, "not a .docx"),
        ("report.doc", b"PK\x03\x04", "not a .doc"),
        ("script.sh", b"#!/bin/sh\n", "must be PDF, Word"),
        ("page.html", b"<script>", "must be PDF, Word"),
    ],
)
def test_uploads_are_sniffed(make_user, meeting, name, content, why):  # type: ignore[no-untyped-def]
    client = signed_in(make_user("ann"))
    response = client.post("/meetings/m/upload", {"files": [file(name, content)]}, follow=True)
    assert why in response.content.decode()
    assert list(storage.meeting_folder("m").iterdir()) == []
    assert not AuditEntry.objects.filter(action="upload").exists()


@pytest.mark.parametrize(
    "name", ["../escape.pdf", "..\\..\\escape.pdf", "/tmp/escape.pdf", "..", "sub/../../x.pdf"]
)
def test_upload_names_never_leave_the_meeting_folder(make_user, meeting, data, name):  # type: ignore[no-untyped-def]
    client = signed_in(make_user("ann"))
    boundary = "XyZ"
    body = (
        (
            f'--{boundary}\r\nContent-Disposition: form-data; name="files"; filename="{name}"\r\n'
            f"Content-Type: application/pdf\r\n\r\n"
        ).encode()
        + PDF
        + f"\r\n--{boundary}--\r\n".encode()
    )
    response = client.generic(
        "POST", "/meetings/m/upload", body, content_type=f"multipart/form-data; boundary={boundary}"
    )
    assert response.status_code == 302
    written = sorted(p.relative_to(data) for p in data.rglob("*") if p.is_file())
    assert all(p.parts[:2] == ("inputs", "m") and len(p.parts) == 3 for p in written), written


@pytest.mark.parametrize("name", ["../escape.pdf", "a/../../escape.pdf", "/etc/x.pdf", ".x.pdf"])
def test_save_upload_refuses_names_outside_the_folder(data, name):  # type: ignore[no-untyped-def]
    with pytest.raises(storage.UploadRefused):
        storage.save_upload("m", name, [PDF])
    assert not list(data.rglob("*.pdf"))


@pytest.mark.parametrize("in_memory", [True, False])
def test_uploads_over_the_size_limit_are_refused(make_user, meeting, settings, in_memory):  # type: ignore[no-untyped-def]
    assert settings.MAX_UPLOAD_BYTES == 100 * 1024 * 1024
    settings.MAX_UPLOAD_BYTES = 100_000
    if not in_memory:  # large requests stream to disk, and are stopped at the limit
        settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 0
    client = signed_in(make_user("ann"))
    big = file("big.pdf", PDF + b"x" * 100_000)
    small = file("small.pdf", PDF)
    response = client.post("/meetings/m/upload", {"files": [big, small]}, follow=True)
    page = response.content.decode()
    assert "Not uploaded: big.pdf: the file is larger than 97.7\xa0KB" in page
    assert not (storage.meeting_folder("m") / "big.pdf").exists()
    assert (storage.meeting_folder("m") / "small.pdf").read_bytes() == PDF


# ---- check, status ------------------------------------------------------------------------


def test_meeting_page_lists_problems_by_file_sheet_and_cell(make_user, meeting, tmp_path):  # type: ignore[no-untyped-def]
    folder = storage.meeting_folder("m")
    for f in EXAMPLE.iterdir():
        shutil.copy(f, folder)
    wb = openpyxl.load_workbook(folder / "meeting.xlsx")
    wb["Agenda"]["E2"] = "ten"
    wb.save(folder / "meeting.xlsx")
    page = signed_in(make_user("ann")).get("/meetings/m/").content.decode()
    assert "Fix these problems before building" in page
    assert "meeting.xlsx, sheet Agenda, cell E2" in page
    assert str(folder) not in page  # the server's folders are not the advisor's business
    assert 'href="#file-meetingxlsx"' in page
    assert 'id="file-meetingxlsx"' in page
    # what else the check found, which would otherwise come as a surprise once E2 is fixed
    warnings = page.split('id="check-warnings"', 1)[1].split("</div>", 1)[0]
    assert "the commissioning plan is a draft" in warnings


def test_a_meeting_that_passes_shows_its_packs_and_warnings_linked_to_their_files(  # type: ignore[no-untyped-def]
    make_user, meeting
):
    """No command-line lines ("will build ...", "warning: ..."): the packs a build will make as
    a list, and each warning under its own heading, its file a link to the file's row."""
    folder = storage.meeting_folder("m")
    for f in EXAMPLE.iterdir():
        shutil.copy(f, folder)
    page = signed_in(make_user("ann")).get("/meetings/m/").content.decode()
    ok = page.split('id="check-ok"', 1)[1].split("</div>", 1)[0]
    assert "No problems found" in ok and "all inputs look right" in ok
    packs = ok.split('id="check-packs"', 1)[1].split("</ul>", 1)[0]
    assert "<li>m-agenda-pack-public.pdf</li>" in packs
    assert "will build" not in page and "warning:" not in page
    warnings = page.split('id="check-warnings"', 1)[1].split("</div>", 1)[0]
    assert (
        '<a class="govuk-link" href="#file-commissioning-plan-2020-21xlsx">'
        "commissioning-plan-2020-21.xlsx</a>: the commissioning plan is a draft"
    ) in warnings
    assert 'id="file-commissioning-plan-2020-21xlsx"' in page


def test_meeting_page_refuses_an_appendix_with_hidden_layers_naming_them(make_user, meeting):  # type: ignore[no-untyped-def]
    """The web page's check is the library's: an appendix that hides part of itself with layers
    is a problem under its file, with what to do."""
    from tests.test_layers import _Paper, off_list

    folder = storage.meeting_folder("m")
    for f in EXAMPLE.iterdir():
        shutil.copy(f, folder)
    layered = _Paper()
    off_list(layered)
    layered.pdf.save(folder / "Appendix A - Welcoming City charter.pdf")
    page = signed_in(make_user("ann")).get("/meetings/m/").content.decode()
    assert "Fix these problems before building" in page
    assert "this PDF hides part of itself when it is opened (layers &#x27;Prices&#x27;)" in page
    assert "print it to a new PDF, which holds only what shows" in page


def test_meeting_page_refuses_an_appendix_cropped_to_hide_text_naming_the_page(make_user, meeting):  # type: ignore[no-untyped-def]
    """As for layers: an appendix whose page is cropped to hide text is a problem under its
    file, naming the page, the words and what to do."""
    from tests.test_cropped import SHOWN, _paper, _text

    folder = storage.meeting_folder("m")
    for f in EXAMPLE.iterdir():
        shutil.copy(f, folder)
    _paper(
        (_text(72, 700, SHOWN) + _text(72, 100, "Bidder names"), {"CropBox": [0, 400, 595, 842]})
    ).save(folder / "Appendix A - Welcoming City charter.pdf")
    page = signed_in(make_user("ann")).get("/meetings/m/").content.decode()
    assert "Fix these problems before building" in page
    assert "this page is cropped to hide text (&#x27;Bidder names&#x27;)" in page
    assert "page 1" in page


def test_meeting_page_refuses_an_appendix_hiding_text_under_a_box(make_user, meeting):  # type: ignore[no-untyped-def]
    """As for a crop: an appendix whose page holds text under a black box (a failed redaction)
    is a problem under its file, naming the page, the words and what to do."""
    from tests.test_unseen import BLACK_BOX, _line, _paper, _shown

    folder = storage.meeting_folder("m")
    for f in EXAMPLE.iterdir():
        shutil.copy(f, folder)
    _paper(_shown(), _shown() + _line("Bidder names") + BLACK_BOX).save(
        folder / "Appendix A - Welcoming City charter.pdf"
    )
    page = signed_in(make_user("ann")).get("/meetings/m/").content.decode()
    assert "Fix these problems before building" in page
    assert "this page holds text it does not show (&#x27;Bidder names&#x27;)" in page
    assert "page 2" in page
    assert "Redact, then Apply" in page


def test_meeting_page_refuses_a_word_paper_hiding_white_text(make_user, meeting, libreoffice):  # type: ignore[no-untyped-def]  # noqa: ARG001
    """A Word paper's white text shows only once LibreOffice has converted it: the page's check
    converts it as a build does, and names the paper, the page and the words, as `build` would
    refuse it."""
    from tests.test_check import _white, _word_paper

    folder = storage.meeting_folder("m")
    for f in EXAMPLE.iterdir():
        shutil.copy(f, folder)
    _word_paper(folder / "Restructure update.docx", _white)
    page = signed_in(make_user("ann")).get("/meetings/m/").content.decode()
    assert "Fix these problems before building" in page
    assert "page 2: this page holds text it does not show (&#x27;Secret tender prices" in page
    assert "Redact, then Apply" in page


def test_meetings_list_shows_deadline_days_left_and_status(make_user, meeting, monkeypatch):  # type: ignore[no-untyped-def]
    monkeypatch.setenv("PACKBUILDER_TODAY", "2020-02-24")
    settings_.cache_clear()
    for f in EXAMPLE.iterdir():
        shutil.copy(f, storage.meeting_folder("m"))
    page = signed_in(make_user("ann")).get("/meetings/").content.decode()
    # 5 March 2020 (England): publish by Wednesday 26 February, two working days after Monday 24th
    assert "Wed 26 February 2020" in page
    assert "2 working days left" in page
    assert "Not built" in page


# ---- a real build --------------------------------------------------------------------------


@pytest.mark.libreoffice
def test_build_publish_and_public_addresses(make_user, meeting, client, monkeypatch):  # type: ignore[no-untyped-def]
    monkeypatch.setenv("PACKBUILDER_TODAY", "2020-02-24")  # built on a Monday
    settings_.cache_clear()
    for f in EXAMPLE.iterdir():
        shutil.copy(f, storage.meeting_folder("m"))
    ann = signed_in(make_user("ann"))
    response = ann.post("/meetings/m/build")  # Huey runs the job at once in these tests
    build = Build.objects.get()
    assert response.url == f"/meetings/m/builds/{build.pk}/"
    assert build.state == "done", build.problems
    events = [e.text for e in build.events.all()]
    assert events[0] == "checking inputs"
    assert any(e.startswith("converting") for e in events)
    assert events[-1].startswith("built version 1")
    # a draft is not published, nor said to be while it is built
    assert "publishing" not in events
    assert "putting the drafts in place, not published" in events
    page = ann.get(response.url).content.decode()
    assert "Version 1" in page and "checking inputs" in page
    v = Version.objects.get()
    labels = [p["label"] for p in v.packs]
    assert labels == ["Agenda pack (public)", "Agenda pack (private)", "Supplement 1"]
    assert [p["private"] for p in v.packs] == [False, True, False]
    folder = storage.version_folder("m", 1)
    assert sorted(p.name for p in folder.iterdir() if p.suffix == ".pdf") == sorted(
        p["file"] for p in v.packs
    )
    # the page shows the meeting's draft as built, then stale after a paper changes
    assert "Draft built, not published" in ann.get("/meetings/").content.decode()
    shown = ann.get("/meetings/m/").content.decode()  # when, as an advisor reads a time
    when = r">Draft built, not published</strong>\s*<span[^>]*>"
    when += r"on \d{1,2} [A-Z][a-z]+ 20\d\d, \d\d:\d\d<"
    assert re.search(when, shown)
    # a reviewer's: the packs of a build not (yet) published said "Published <the day built>"
    # and were offered for download, so one forwarded looked published. They are drafts now:
    # marked on the page, in the name they download under, and on every page and the title
    page = ann.get("/meetings/m/versions/1/").content.decode()
    assert "drafts to check" in page and ">Draft</strong>" in page
    download = ann.get(f"/meetings/m/versions/1/{v.packs[0]['file']}")
    assert v.packs[0]["file"] == "m-agenda-pack-public-DRAFT.pdf"  # (the library's name)
    assert download["Content-Disposition"].endswith('filename="m-agenda-pack-public-DRAFT.pdf"')
    drafted = PdfReader(io.BytesIO(b"".join(download.streaming_content)))
    assert all("DRAFT - not published" in p.extract_text() for p in drafted.pages)
    assert str(drafted.metadata.title).startswith("DRAFT - ")
    assert all(p["draft"] for p in v.packs)
    image = ann.get(f"/meetings/m/versions/1/preview/{v.packs[0]['file']}/1.png")
    assert b"".join(image.streaming_content).startswith(b"\x89PNG")
    assert not AuditEntry.objects.filter(action="download-private").exists()  # (a public pack)
    # the private pack read page by page is in the audit log, once, not once a page
    for n in (1, 2, 1):
        ann.get(f"/meetings/m/versions/1/preview/{v.packs[1]['file']}/{n}.png").close()
    viewed = AuditEntry.objects.filter(action="download-private", who="ann")
    assert [e.detail for e in viewed] == [f"version 1: {v.packs[1]['file']} (pages viewed)"]
    # published on the Thursday: the public pack and its HTML agenda are made again, dated
    # Thursday; the version as built (looked at on Monday) is Monday's draft
    monday = "Published not yet: this is a DRAFT to check, made Monday 24 February 2020"
    assert monday in _front(folder / v.packs[0]["file"])
    monkeypatch.setenv("PACKBUILDER_TODAY", "2020-02-27")
    settings_.cache_clear()
    pat = signed_in(make_user("pat", role="publisher"))
    asked = pat.get("/meetings/m/versions/1/publish").content.decode()
    assert "Published Thursday 27 February 2020" in asked and "Monday" not in asked
    assert "Item 7, DHR chair contract award" not in asked  # (its title is exempt too)
    assert "Not for publication by virtue of paragraph 3" in asked
    # publishing is a job, with its page: when it cannot be done (LibreOffice missing on the
    # worker; a file changed since the draft) that page says why in one line, and nothing is
    # made public
    from packbuilder.convert import libreoffice

    with monkeypatch.context() as patched:
        patched.setattr(libreoffice, "find_soffice", lambda: None)
        failed = publish(pat, 1)
    job = Build.objects.get(publishes=v)
    assert failed.url == f"/meetings/m/builds/{job.pk}/" and job.state == "failed"
    (line,) = job.problems
    assert "was not published" not in line  # (the heading says it)
    assert "LibreOffice is not installed; run `make setup`" in line
    assert "LibreOffice is not installed" in pat.get(failed.url).content.decode()
    workbook = storage.meeting_folder("m") / "meeting.xlsx"
    kept = workbook.read_bytes()
    wb = openpyxl.load_workbook(workbook)
    wb["Agenda"]["B2"] = "Minutes of the meeting before"
    wb.save(workbook)
    publish(pat, 1)
    job = Build.objects.filter(publishes=v).order_by("-pk").first()
    assert job.state == "failed", [e.text for e in job.events.all()]
    (line,) = job.problems
    assert line.startswith("the meeting's files are no longer those of the build being published")
    assert client.get("/public/m/").status_code == 404
    assert Version.objects.get(number=1).published_at is None
    assert not (storage.published_folder("m") / "public").exists()
    workbook.write_bytes(kept)
    done = publish(pat, 1)
    job = Build.objects.filter(publishes=v).order_by("-pk").first()
    assert job.state == "done", job.problems
    steps = [e.text for e in job.events.all()]
    assert "checking inputs" in steps and any(s.startswith("assembling") for s in steps)
    assert steps[-1].startswith("published version 1 (Agenda pack (public): ")
    page = pat.get(done.url).content.decode()
    assert "Publishing version 1</h1>" in page and "Version 1 is public" in page
    served = client.get("/public/m/pack.pdf")
    served_pack = b"".join(served.streaming_content)
    reader = PdfReader(io.BytesIO(served_pack))
    front = " ".join(reader.pages[0].extract_text().split())
    assert "Published Thursday 27 February 2020" in front and "Monday" not in front
    # (the commissioning plan in it is a draft plan, and says DRAFT: not the pack's mark)
    assert not any("DRAFT - not published" in p.extract_text() for p in reader.pages)
    assert not str(reader.metadata.title).startswith("DRAFT")
    assert monday in _front(folder / v.packs[0]["file"])
    published = Version.objects.get(number=1)
    assert published.packs[0]["published"] == "2020-02-27"
    assert published.packs[0]["built"] == "2020-02-24"
    # the private pack members get: made with the public one, unmarked, dated the same day
    assert published.packs[1]["published"] == "2020-02-27"
    # what went out is named as the pack, not as its draft
    assert [p["file"] for p in published.packs] == [PUBLIC, PRIVATE, "m-supplement-1.pdf"]
    members = ann.get(f"/meetings/m/versions/1/{PRIVATE}")
    assert members["Content-Disposition"].endswith(f'filename="{PRIVATE}"')
    reader = PdfReader(io.BytesIO(b"".join(members.streaming_content)))
    assert "Published Thursday 27 February 2020" in _front_of(reader)
    assert not any("DRAFT - not published" in p.extract_text() for p in reader.pages)
    # the meeting is published: the draft was superseded, as the library's status says
    assert ">Published</strong>" in ann.get("/meetings/m/").content.decode()
    assert not (storage.published_folder("m") / "draft").exists()
    record = json.loads((storage.published_folder("m") / "packbuilder-m.json").read_text())
    assert record["packs"][PUBLIC]["current"]["published"] == "2020-02-27"
    assert "Published Thursday 27 February 2020" in AuditEntry.objects.get(action="publish").detail
    shown = pat.get("/meetings/m/versions/1/").content.decode()
    assert "Agenda pack (public), as published, says “Published Thursday 27 February 2020”" in shown
    agenda = client.get("/public/m/").content.decode()
    assert "Safer Plymouth Partnership Board" in agenda
    assert "Not for publication by virtue of paragraph 3" in agenda
    assert "DHR chair contract award" not in agenda  # the exempt paper's title stays private
    # the library's HTML agenda, published beside the public pack; its links open the packs here
    page_url = f"/public/m/{PUBLIC[: -len('.pdf')]}.html"
    assert f'href="{page_url}"' in agenda
    page = client.get(page_url)
    assert page.status_code == 200 and page["Content-Type"] == "text/html; charset=utf-8"
    assert "script-src" not in page["Content-Security-Policy"]
    html = b"".join(page.streaming_content).decode()
    assert "Exclusion of the press and public" in html and "DHR chair contract award" not in html
    assert '<time datetime="2020-02-27">Thursday 27 February 2020</time>' in html
    links = re.findall(r'href="([^"#]+\.pdf)#nameddest=', html)
    assert links and all(fetch(client, f"/public/m/{name}").status_code == 200 for name in links)
    # a reviewer's: the public page was thinner than that agenda (no Part II heading, times or
    # page ranges). It shows the library's agenda itself, from the one renderer: what is inside
    # the HTML agenda's <main> is inside the public page, word for word
    main = html[html.index("<main>") + len("<main>") : html.index("</main>")].strip()
    assert main in agenda
    for said in ("Part II: items not for publication", "Exclusion of the press and public",
                 "(PDF, pages 1 to 4)", "#nameddest=item-1-paper-1"):  # fmt: skip
        assert said in agenda, said
    assert re.search(r"<dt>Time</dt><dd>1\spm,\s10\smins</dd>", agenda)  # (item 1's time)
    private_page = f"/public/m/{PRIVATE[: -len('.pdf')]}.html"
    assert client.get(private_page).status_code == 404
    assert fetch(client, "/public/m/pack.pdf")["Content-Type"] == "application/pdf"
    # a second build makes version 2; version 1's files stay as they were
    before = (folder / v.packs[0]["file"]).read_bytes()
    wb = openpyxl.load_workbook(storage.meeting_folder("m") / "meeting.xlsx")
    wb["Agenda"]["B2"] = "Minutes of the previous meeting"
    wb.save(storage.meeting_folder("m") / "meeting.xlsx")
    assert "Published, papers changed since" in ann.get("/meetings/").content.decode()
    ann.post("/meetings/m/build")
    assert Version.objects.count() == 2
    # published all the same: the list said only "Draft built, not published"
    assert "Published; a newer draft built, not published" in ann.get("/meetings/").content.decode()
    assert (folder / v.packs[0]["file"]).read_bytes() == before
    assert "Safer Plymouth" in client.get("/public/m/").content.decode()  # still version 1
    # built again with nothing changed: the same packs, so no version 3 to check and publish
    ann.post("/meetings/m/build")
    again = Build.objects.order_by("-pk").first()
    assert again.state == "done" and Version.objects.count() == 2
    assert again.same_as == Version.objects.get(number=2)
    said = ann.get(f"/meetings/m/builds/{again.pk}/").content.decode()
    assert "Nothing changed since version 2" in said
    assert again.events.last().text.startswith("nothing changed since version 2")
    # a draft says what it changes since what is published (the web page's versions, drafts
    # since, said nothing); and since the draft made before it, version 2
    shown = ann.get("/meetings/m/versions/2/").content.decode()
    since = "Agenda pack (public): what changed since the pack published on Thursday 27 "
    since += "February 2020"
    assert since in shown and "retitled (was " in shown
    assert "what changed since the draft made before it" not in shown  # (none: v1 went public)
    # the private pack is not published: it is compared with the members' pack made when the
    # public packs were, and called so
    members = "Agenda pack (private): what changed since the members&#x27; pack made when the "
    assert members + "papers were published on Thursday 27 February 2020" in shown
    assert "Agenda pack (private): what changed since the pack published" not in shown
    wb["Agenda"]["B2"] = "Minutes of the last meeting"
    wb.save(storage.meeting_folder("m") / "meeting.xlsx")
    ann.post("/meetings/m/build")
    shown = ann.get("/meetings/m/versions/3/").content.decode()
    assert since in shown
    assert "Agenda pack (public): what changed since the draft made before it, on " in shown
    retitled = "&#x27;Minutes of the last meeting&#x27;: retitled (was &#x27;Minutes of the"
    assert retitled in shown
    settings_.cache_clear()


def _front_of(reader: PdfReader) -> str:
    return " ".join(reader.pages[0].extract_text().split())


def _front(pack: Path) -> str:
    """The words of a pack's frontsheet, however the lines fall."""
    return " ".join(PdfReader(pack).pages[0].extract_text().split())


def test_progress_stream_needs_the_advisor_role(client, make_user, meeting):  # type: ignore[no-untyped-def]
    build = Build.objects.create(meeting=meeting)
    url = f"/meetings/m/builds/{build.pk}/events"
    assert client.get(url).status_code == 403
    assert signed_in(make_user("guest", role="")).get(url).status_code == 403


async def read_all(chunks) -> bytes:  # type: ignore[no-untyped-def]
    return b"".join([c async for c in chunks])


def test_progress_stream_sends_each_line_once_then_done(make_user, meeting):  # type: ignore[no-untyped-def]
    from packbuilder.web.models import BuildEvent

    build = Build.objects.create(meeting=meeting, state=Build.State.DONE)
    first = BuildEvent.objects.create(build=build, text="checking inputs")
    BuildEvent.objects.create(build=build, text="converting <2> & more")
    response = signed_in(make_user("ann")).get(
        f"/meetings/m/builds/{build.pk}/events?after={first.pk}"
    )
    assert response["Content-Type"] == "text/event-stream"
    assert response["Cache-Control"] == "no-store"
    body = async_to_sync(read_all)(response.streaming_content).decode()
    assert "checking inputs" not in body  # the page has it already
    assert "data: <li>converting &lt;2&gt; &amp; more</li>" in body  # text, never markup
    assert body.rstrip().endswith("event: done\ndata: done")


def test_progress_stream_says_when_the_build_s_state_changes(make_user, meeting):  # type: ignore[no-untyped-def]
    build = Build.objects.create(meeting=meeting, state=Build.State.QUEUED)
    client = signed_in(make_user("ann"))
    page = client.get(f"/meetings/m/builds/{build.pk}/").content.decode()
    assert 'sse-swap="state">Waiting to start<' in page
    response = client.get(f"/meetings/m/builds/{build.pk}/events")
    Build.objects.filter(pk=build.pk).update(state=Build.State.DONE)  # taken, built, between polls
    body = async_to_sync(read_all)(response.streaming_content).decode()
    assert "event: state\ndata: Built\n\n" in body
    assert body.index("event: state") < body.index("event: done")


def test_files_reach_an_asgi_server_a_block_at_a_time(db, tmp_path, recwarn):  # type: ignore[no-untyped-def]  # noqa: ARG001
    from packbuilder.web.views import BlockFileResponse

    path = tmp_path / "pack.pdf"
    path.write_bytes(b"%PDF" + bytes(3 * 4096 * 16))
    response = BlockFileResponse(path.open("rb"))

    async def blocks() -> list[bytes]:
        return [part async for part in response]

    parts = async_to_sync(blocks)()
    response.close()
    assert b"".join(parts) == path.read_bytes()
    assert len(parts) == -(-path.stat().st_size // response.block_size) > 1
    assert not [w for w in recwarn if "synchronous iterators" in str(w.message)]


@pytest.mark.libreoffice
def test_scheduled_builds_follow_the_build_due_rule(meeting, monkeypatch):  # type: ignore[no-untyped-def]
    from huey.contrib.djhuey import HUEY

    from packbuilder.web import jobs, tasks

    for f in EXAMPLE.iterdir():
        shutil.copy(f, storage.meeting_folder("m"))
    monkeypatch.setenv("PACKBUILDER_TODAY", "2020-01-06")  # 35 working days before the deadline
    settings_.cache_clear()
    (skipped,) = jobs.run_schedule()
    assert skipped.action == "skipped" and "working days away" in skipped.message
    assert not Version.objects.exists()
    monkeypatch.setenv("PACKBUILDER_TODAY", "2020-02-24")  # two working days before it
    settings_.cache_clear()
    (built,) = jobs.run_schedule()
    assert built.action == "built", built.message
    version = Version.objects.get()
    assert version.build.scheduled and version.build.state == "done"
    labels = sorted(p["label"] for p in version.packs)
    assert labels == ["Agenda pack (private)", "Agenda pack (public)", "Supplement 1"]
    assert version.agenda["body"] == "Safer Plymouth Partnership Board"
    assert (storage.version_folder("m", 1) / version.packs[0]["file"]).is_file()
    assert AuditEntry.objects.filter(action="built", who="schedule").exists()
    said = version.build.events.get().text  # what was built, not where the server keeps it
    assert said.startswith("scheduled build: a draft: Agenda pack") and "(was " in said
    assert all(p["draft"] for p in version.packs)
    assert str(storage.data()) not in said and " -> " not in said
    (again,) = jobs.run_schedule()  # nothing changed: nothing built
    assert again.action == "skipped" and "up to date" in again.message
    assert Version.objects.count() == 1
    # and the consumer runs it on the hour (PACKBUILDER_WEB_SCHEDULE=60)
    due = HUEY.read_periodic(dt.datetime(2020, 2, 24, 9, 0))
    assert tasks.scheduled_builds.task_class in [type(t) for t in due]


def test_a_build_interrupted_by_a_restart_fails_with_a_reason(make_user, meeting):  # type: ignore[no-untyped-def]
    from packbuilder.web.jobs import recover_interrupted

    running = Build.objects.create(meeting=meeting, state=Build.State.RUNNING)
    queued = Build.objects.create(meeting=meeting)  # still in the queue: it will run
    assert recover_interrupted() == 1
    running.refresh_from_db()
    queued.refresh_from_db()
    assert running.state == "failed" and "interrupted" in running.problems[0]
    assert queued.state == "queued"
    page = signed_in(make_user("ann")).get(f"/meetings/m/builds/{running.pk}/").content.decode()
    assert "The build failed" in page and "build again" in page


def test_meeting_page_says_how_the_deadline_follows(make_user, meeting, monkeypatch):  # type: ignore[no-untyped-def]
    monkeypatch.setenv("PACKBUILDER_TODAY", "2020-02-28")
    settings_.cache_clear()
    for f in EXAMPLE.iterdir():
        shutil.copy(f, storage.meeting_folder("m"))
    page = signed_in(make_user("ann")).get("/meetings/m/").content.decode()
    assert "5 clear working days before Thursday 5 March 2020" in page
    assert "Deadline passed 2 working days ago" in page
    assert "chair&#x27;s agreement" in page  # what publishing late means (s100B(4)(b))


def test_recovery_leaves_a_live_worker_alone_and_fails_a_build_that_died_twice(meeting):  # type: ignore[no-untyped-def]
    import datetime as dt

    from django.utils import timezone

    from packbuilder.web.jobs import recover_interrupted

    live = Build.objects.create(
        meeting=meeting, state=Build.State.RUNNING, heartbeat=timezone.now(), attempts=1
    )
    long_ago = timezone.now() - dt.timedelta(minutes=5)
    twice = Build.objects.create(
        meeting=meeting, state=Build.State.RUNNING, heartbeat=long_ago, attempts=2, worker="w:2"
    )
    assert recover_interrupted(60, retry=True) == 1
    live.refresh_from_db()
    twice.refresh_from_db()
    assert live.state == "running"
    assert twice.state == "failed"
    assert twice.problems == ["The worker building this stopped (w:2) 2 times; build again."]


def test_recovery_says_a_publishing_job_is_publishing(meeting, version):  # type: ignore[no-untyped-def]
    import datetime as dt

    from django.utils import timezone

    from packbuilder.web.jobs import recover_interrupted

    long_ago = timezone.now() - dt.timedelta(minutes=5)
    twice = Build.objects.create(
        meeting=meeting, state=Build.State.RUNNING, heartbeat=long_ago, attempts=2, worker="w:2",
        publishes=version,
    )  # fmt: skip
    assert recover_interrupted(60, retry=True) == 1
    twice.refresh_from_db()
    assert twice.problems == [
        "The worker publishing this stopped (w:2) 2 times; publish it again from its version's "
        "page."
    ]


class Killed(BaseException):
    """A worker killed: nothing after it runs, not even the job's own error handling."""


@pytest.mark.libreoffice
@pytest.mark.parametrize("retry", [True, False])  # (workers sharing a queue; a lone consumer)
def test_a_publication_whose_worker_died_before_recording_it_is_recorded_when_run_again(
    make_user, meeting, monkeypatch, retry
):  # type: ignore[no-untyped-def]
    """The worker died after the library published the packs and before the database said
    so: run again, the job failed "what publishing would print has changed since it was shown"
    (every pack is out, so unchanged), while the packs were published and the site served none.
    It finds them out, made today, and records them."""
    import datetime as dt

    from django.utils import timezone

    from packbuilder.web.jobs import recover_interrupted
    from tests.test_publish import exempt_meeting

    exempt_meeting(storage.meeting_folder("m"))
    ann, pat = signed_in(make_user("ann")), signed_in(make_user("pat", role="publisher"))
    ann.post("/meetings/m/build")
    v = Version.objects.get()
    with monkeypatch.context() as dying:
        def killed(*args, **kwargs):  # type: ignore[no-untyped-def]
            raise Killed()

        dying.setattr(storage, "keep_released", killed)  # (just after the library published)
        with pytest.raises(Killed):
            publish(pat, 1)
    job = Build.objects.get(publishes=v)
    assert job.state == "running" and Meeting.objects.get(slug="m").published is None
    assert client_status(f"/public/m/{PUBLIC}") == 404  # out in the library, not on the site
    Build.objects.filter(pk=job.pk).update(heartbeat=timezone.now() - dt.timedelta(minutes=5))
    # queued again (run at once in these tests), even by a lone consumer starting, which fails
    # every other job its death interrupted
    assert recover_interrupted(60, retry=retry) == 1
    job.refresh_from_db()
    assert job.state == "done", job.problems
    assert "published already today: recorded" in job.events.order_by("-pk")[1].text
    assert Meeting.objects.get(slug="m").published == v
    served = Client().get(f"/public/m/{PUBLIC}")
    assert served.status_code == 200
    pack = b"".join(served.streaming_content)
    today = long_date(dt.date.today())
    front = PdfReader(io.BytesIO(pack)).pages[0].extract_text()
    assert f"Published {today}" in " ".join(front.split())
    v.refresh_from_db()
    assert [p["file"] for p in v.packs if not p["private"]] == [PUBLIC]
    assert "Version 1 is public" in pat.get(f"/meetings/m/builds/{job.pk}/").content.decode()


def client_status(url: str) -> int:
    response = Client().get(url)
    response.close()
    return response.status_code


@pytest.mark.libreoffice
def test_the_meeting_page_never_waits_for_the_check(make_user, meeting, settings, monkeypatch):  # type: ignore[no-untyped-def]
    """The check converts the Word papers with LibreOffice: on a cold cache (a paper just
    uploaded) the meeting page took seconds to load. The page shows the last check, saying the
    files are being checked, and the check of the files as they are now when it is made."""
    import threading
    import time

    from packbuilder.web import jobs, library

    settings.CHECK_INLINE = False  # (as served: the tests' settings check inside the request)
    for f in EXAMPLE.iterdir():
        shutil.copy(f, storage.meeting_folder("m"))
    real, gate, ran = library.check, threading.Event(), []

    def slow(folder):  # type: ignore[no-untyped-def]
        ran.append(folder)
        gate.wait(20)  # LibreOffice on a cold cache
        return real(folder)

    monkeypatch.setattr(library, "check", slow)
    opened = threading.Timer(10, gate.set)  # (the page waiting for it would be let go)
    opened.start()
    ann = signed_in(make_user("ann"))
    try:
        page = ann.get("/meetings/m/").content.decode()
        assert not gate.is_set(), "the page waited for the check"
    finally:
        opened.cancel()
    assert "being checked" in page and 'aria-busy="true"' in page and "#check-inner" in page
    assert 'id="check-ok"' not in page and 'id="problems"' not in page
    button = page.split("Build the packs</button>")[0].rsplit("<button", 1)[1]
    assert "disabled" not in button  # (a build checks the files itself, first)
    again = ann.get("/meetings/m/").content.decode()  # still checking: not checked twice
    assert "being checked" in again and len(ran) == 1
    gate.set()
    for _ in range(2400):  # (LibreOffice, cold: seconds)
        if storage.kept_check("m") is not None:
            break
        time.sleep(0.05)
    done = ann.get("/meetings/m/").content.decode()
    assert 'id="check-ok"' in done and "being checked" not in done and len(ran) == 1
    # a file changed: the last check is shown, saying that it is the last one, until the new one
    gate.clear()
    wb = openpyxl.load_workbook(EXAMPLE / "meeting.xlsx")
    wb["Agenda"]["E2"] = "ten"
    wb.save(storage.meeting_folder("m") / "meeting.xlsx")
    stale = ann.get("/meetings/m/").content.decode()
    assert 'id="check-ok"' in stale and "this is the last check" in stale
    gate.set()
    for _ in range(2400):  # (LibreOffice, cold: seconds)
        kept = storage.kept_check("m")
        if kept is not None and not kept[1].ok:
            break
        time.sleep(0.05)
    assert "cell E2" in ann.get("/meetings/m/").content.decode()
    assert not jobs._CHECKING


def test_a_one_page_pack_is_one_page_on_every_page(make_user, client, version):  # type: ignore[no-untyped-def]
    """"Agenda pack (public): 1 pages" on the meeting page (the progress line and the e-mail
    were mended, not the pages): every page says "1 page"."""
    pat = signed_in(make_user("pat", role="publisher"))
    urls = ["/meetings/m/", f"/meetings/m/versions/1/preview/{PUBLIC}/"]
    pages = [pat.get(u).content.decode() for u in [*urls, "/meetings/m/versions/1/publish"]]
    publish(pat, 1)
    pages.append(client.get("/public/m/").content.decode())
    assert all("1 pages" not in page for page in pages)
    assert "Agenda pack (public): 1 page<" in pages[0] and "1 page." in pages[1]
    assert "Agenda pack (private), 1 page, is not published" in pages[2]
    assert "(PDF, 1 page)" in pages[-1]


def test_builds_are_numbered_in_their_meeting(make_user, meeting):  # type: ignore[no-untyped-def]
    """A new user's first build of a second meeting was called "Build 4" (the site's count)
    beside its "Version 1": builds are counted in their meeting, publishing jobs aside."""
    other = Meeting.objects.create(slug="other")
    for m in (meeting, meeting, other):
        Build.objects.create(meeting=m)
    v = Version.objects.create(meeting=meeting, number=1, packs=[], agenda={})
    Build.objects.create(meeting=other, publishes=v)
    last = Build.objects.create(meeting=other)
    names = [b.name for b in Build.objects.order_by("pk")]
    assert names == ["Build 1", "Build 2", "Build 1", "Publishing version 1", "Build 2"]
    page = signed_in(make_user("ann")).get(f"/meetings/other/builds/{last.pk}/").content.decode()
    assert "Build 2</h1>" in page


def test_preview_names_pages_as_they_are_stamped(make_user, version):  # type: ignore[no-untyped-def]
    """The frontsheet's pages are the agenda's; "Page 1" is the first page stamped Page 1 (the
    PDF's own labels say the same), not the pack's first sheet."""
    version.packs[0].update(pages=5, numbered=3)
    version.save()
    page = signed_in(make_user("ann")).get(f"/meetings/m/versions/1/preview/{PUBLIC}/")
    alts = re.findall(r'alt="([^"]+)"', page.content.decode())
    assert alts == ["Agenda page 1 of 2", "Agenda page 2 of 2", "Page 1", "Page 2", "Page 3"]


def test_a_new_meeting_waits_for_files_and_a_meeting_with_problems_cannot_be_built(
    make_user, meeting, tmp_path
):  # type: ignore[no-untyped-def]
    ann = signed_in(make_user("ann"))
    assert "Waiting for files" in ann.get("/meetings/m/").content.decode()
    assert "Cannot build" not in ann.get("/meetings/").content.decode()
    wb = openpyxl.load_workbook(EXAMPLE / "meeting.xlsx")
    wb["Meeting"]["B3"] = "not a date"
    wb.save(storage.meeting_folder("m") / "meeting.xlsx")
    page = ann.get("/meetings/m/").content.decode()
    assert "Fix the problems listed above, then build." in page
    assert re.search(r"<button[^>]*disabled[^>]*>Build the packs</button>", page)


def test_an_advisor_reads_a_versions_html_agenda_before_publishing(client, make_user, version):  # type: ignore[no-untyped-def]
    page = "m-agenda-pack-public.html"
    (storage.version_folder("m", 1) / page).write_text("<h1>Agenda</h1>", encoding="utf-8")
    ann = signed_in(make_user("ann"))
    listed = ann.get("/meetings/m/versions/1/").content.decode()
    assert f'href="/meetings/m/versions/1/{page}"' in listed
    served = ann.get(f"/meetings/m/versions/1/{page}")
    assert served.status_code == 200 and served["Cache-Control"] == "private, no-store"
    assert "script-src" not in served["Content-Security-Policy"]
    assert b"".join(served.streaming_content) == b"<h1>Agenda</h1>"
    assert client.get(f"/meetings/m/versions/1/{page}").status_code == 302  # (to sign in)
    assert client.get(f"/public/m/{page}").status_code == 404  # not published
    private_page = PRIVATE[: -len(".pdf")] + ".html"
    assert ann.get(f"/meetings/m/versions/1/{private_page}").status_code == 404


def test_an_old_link_to_a_draft_leads_to_the_pack_as_published(make_user, meeting, fake_release):  # type: ignore[no-untyped-def]
    """A draft's links (a colleague asked by e-mail to check it) answered 404 once its version
    was published, as publishing names the packs as published: they lead to the version's
    packs as they are now, saying what became of the draft."""
    from packbuilder.web import library

    draft = library.draft_name(PUBLIC)
    folder = storage.version_folder("m", 1)
    folder.mkdir(parents=True)
    (folder / draft).write_bytes(PDF + b"draft")
    v = Version.objects.create(
        meeting=meeting, number=1, agenda={"title": "Board", "items": []},
        packs=[{"file": draft, "label": "Agenda pack (public)", "pages": 1, "private": False,
                "draft": True}],
    )  # fmt: skip
    ann = signed_in(make_user("ann"))
    for url in (f"/meetings/m/versions/1/{draft}", f"/meetings/m/versions/1/preview/{draft}/"):
        before = ann.get(url)
        assert before.status_code == 200, url  # (the draft, before it is published)
        before.close()
    publish(signed_in(make_user("pat", role="publisher")), 1)
    v.refresh_from_db()
    assert v.published_at is not None and v.packs[0]["file"] == PUBLIC
    asked = ann.get(f"/meetings/m/versions/1/{draft}")
    assert asked.status_code == 302 and asked.url == "/meetings/m/versions/1/"
    said = ann.get(asked.url).content.decode().replace("&#x27;", "'")
    assert f"{draft} was a draft to check: version 1 was published on " in said
    assert f"this one is now {PUBLIC}" in said and f'href="/meetings/m/versions/1/{PUBLIC}"' in said
    preview = ann.get(f"/meetings/m/versions/1/preview/{draft}/")
    assert preview.url == f"/meetings/m/versions/1/preview/{PUBLIC}/"
    image = ann.get(f"/meetings/m/versions/1/preview/{draft}/1.png")
    assert image.url == f"/meetings/m/versions/1/preview/{PUBLIC}/1.png"
    agenda = library.draft_name(library.html_name(PUBLIC))
    assert ann.get(f"/meetings/m/versions/1/{agenda}").url == "/meetings/m/versions/1/"
    # a name that is no draft of its packs is still not found
    assert ann.get(f"/meetings/m/versions/1/{library.draft_name(PRIVATE)}").status_code == 404


def test_an_old_link_to_a_draft_leads_nowhere_else(make_user, meeting, client, fake_release):  # type: ignore[no-untyped-def]
    """What an old draft link leads to, as an attacker would try it: never to a pack without
    signing in, never from a public address, never to a page that is not there (the preview of
    an HTML agenda's draft name led to a preview of the agenda, a 404), and only within its
    own meeting and version."""
    from packbuilder.web import library

    draft = library.draft_name(PUBLIC)
    for slug in ("m", "n"):
        other = Meeting.objects.get_or_create(slug=slug)[0]
        folder = storage.version_folder(slug, 1)
        folder.mkdir(parents=True)
        (folder / draft).write_bytes(PDF + b"draft")
        Version.objects.create(
            meeting=other, number=1, agenda={"title": "Board", "items": []},
            packs=[{"file": draft, "label": "Agenda pack (public)", "pages": 1,
                    "private": False, "draft": True}],
        )  # fmt: skip
    publish(signed_in(make_user("pat", role="publisher")), 1)  # (m's alone)
    # without signing in: the sign-in page, whatever the name
    for url in (f"/meetings/m/versions/1/{draft}", f"/meetings/m/versions/1/preview/{draft}/"):
        asked = client.get(url)
        assert asked.status_code == 302 and asked.url.startswith("/accounts/login/"), url
    # the public addresses serve what was published under its own name, nothing else
    agenda = library.draft_name(library.html_name(PUBLIC))
    for name in (draft, agenda):
        assert fetch(client, f"/public/m/{name}").status_code == 404
    assert fetch(client, f"/public/m/{PUBLIC}").status_code == 200
    ann = signed_in(make_user("ann"))
    # the preview shows packs: an agenda's draft name is no pack's
    assert ann.get(f"/meetings/m/versions/1/preview/{agenda}/").status_code == 404
    # meeting n's version 1 was not published: its draft is its draft, served as it is
    assert fetch(ann, f"/meetings/n/versions/1/{draft}").status_code == 200
    assert fetch(ann, f"/meetings/m/versions/1/{draft}").url == "/meetings/m/versions/1/"


def test_removing_a_paper_the_agenda_names_says_so_first(make_user, meeting):  # type: ignore[no-untyped-def]
    for f in EXAMPLE.iterdir():
        shutil.copy(f, storage.meeting_folder("m"))
    ann = signed_in(make_user("ann"))
    named = ann.get("/meetings/m/inputs/Restructure update.docx/remove").content.decode()
    assert "The agenda names this file as a paper of item 5: take it out of the Papers cell" in (
        named
    )
    (storage.meeting_folder("m") / "stray.pdf").write_bytes(PDF)
    stray = ann.get("/meetings/m/inputs/stray.pdf/remove").content.decode()
    assert "The agenda names this file" not in stray


def test_a_versions_page_says_what_each_pack_changed(make_user, version):  # type: ignore[no-untyped-def]
    """The library's `changes` of a new version, listed under its pack (text, escaped)."""
    version.packs[0]["changes"] = ["item 2, 'Budget & <Plan>': 'Annex' added (3 pages)"]
    version.save()
    client = signed_in(make_user("advisor"))
    html = client.get("/meetings/m/versions/1/").content.decode()
    assert "Agenda pack (public): what changed since its last version" in html
    said = "item 2, &#x27;Budget &amp; &lt;Plan&gt;&#x27;: &#x27;Annex&#x27; added (3 pages)"
    assert said in html
    assert "Agenda pack (private): what changed" not in html


def _before_drafts(version) -> None:  # type: ignore[no-untyped-def]
    """`version` as the web page built it before its builds were drafts."""
    for p in version.packs:
        p.pop("draft", None)
    version.save()


def test_the_publish_button_says_when_the_agenda_says_it_was_published(make_user, version):  # type: ignore[no-untyped-def]
    """A new user's: a version built on Monday and published on Wednesday still says "Published
    Monday" on its frontsheet; the publisher is told before publishing, not after. (A version
    built before drafts: a draft says "Published not yet".)"""
    from packbuilder.web import library

    _before_drafts(version)
    version.packs[0]["published"] = "2020-02-24"
    version.save()
    publisher = signed_in(make_user("pat", role="publisher"))
    html = publisher.get("/meetings/m/versions/1/").content.decode()
    assert (
        "The frontsheet of Agenda pack (public) here says “Published Monday 24 February 2020”: "
        "the day it was built. Publishing makes it again, dated the day it goes public" in html
    )
    version.packs[0]["published"] = library.today().isoformat()
    version.save()
    html = publisher.get("/meetings/m/versions/1/").content.decode()
    assert "here says" not in html


def test_a_version_built_before_drafts_is_not_offered_for_download_until_published(
    make_user, version, client
):  # type: ignore[no-untyped-def]
    """Versions of an existing deployment were built before the web page's builds were drafts:
    their frontsheets say "Published <the day built>". Their pages and previews stay, and a
    publisher can publish them (made again, dated that day); but their packs are not offered
    for download until then, since one forwarded would claim a publication that never was.
    A draft's downloads are named as drafts."""
    advisor = signed_in(make_user("ann"))
    page = advisor.get("/meetings/m/versions/1/").content.decode()
    assert f'download="{PUBLIC[:-4]}-DRAFT.pdf"' in page and "drafts to check" in page
    assert fetch(advisor, f"/meetings/m/versions/1/{PUBLIC}").status_code == 200
    _before_drafts(version)
    page = advisor.get("/meetings/m/versions/1/").content.decode()
    assert "built before builds were drafts" in page and "drafts to check" not in page
    assert f'href="/meetings/m/versions/1/{PUBLIC}"' not in page
    for name in (PUBLIC, PRIVATE):
        refused = advisor.get(f"/meetings/m/versions/1/{name}", follow=True)
        assert "was not downloaded: version 1 was built before builds were drafts" in (
            refused.content.decode()
        )
    assert not AuditEntry.objects.filter(action="download-private").exists()
    publish(signed_in(make_user("pat", role="publisher")), 1)
    assert fetch(advisor, f"/meetings/m/versions/1/{PUBLIC}").status_code == 200
    assert fetch(client, "/public/m/pack.pdf").status_code == 200


def test_the_meeting_state_is_the_library_status_of_its_draft_and_publication(make_user, meeting):  # type: ignore[no-untyped-def]
    """The state the page shows is what `packbuilder status` reads in the meeting's output
    folder: its draft and what went public. A meeting the page built before its builds were
    drafts (current/<meeting>) says so, until it is built again."""
    from packbuilder.build import build
    from tests.factory import make_meeting
    from tests.fakes import FakeConverter

    folder = make_meeting(
        storage.meeting_folder("m"), items=[{"papers": ["a.pdf"]}], papers={"a.pdf": 1}
    )
    ann = signed_in(make_user("ann"))
    assert "Not built" in ann.get("/meetings/").content.decode()
    build(folder, storage.current_folder("m"), converter=FakeConverter())  # (before drafts)
    assert "Built before drafts: build again" in ann.get("/meetings/").content.decode()
    build(folder, storage.published_folder("m"), converter=FakeConverter(), draft=True)
    assert "Draft built, not published" in ann.get("/meetings/").content.decode()
    build(folder, storage.published_folder("m"), converter=FakeConverter())  # (as release)
    assert ">Published</strong>" in ann.get("/meetings/").content.decode()
    # a late change, built: published still, with a draft of the change not published yet
    make_meeting(folder, fields={"Venue": "Room 2"}, items=[{"papers": ["a.pdf"]}])
    build(folder, storage.published_folder("m"), converter=FakeConverter(), draft=True)
    listed = ann.get("/meetings/").content.decode()
    assert ">Published; a newer draft built, not published</strong>" in listed


@pytest.mark.libreoffice
def test_a_publication_keeping_the_public_pack_of_an_earlier_day_is_recorded_when_run_again(
    make_user, meeting, monkeypatch
):  # type: ignore[no-untyped-def]
    """Version 2 changes only the members' pack: the public pack stays as published on
    Monday. Its worker died after the library published it on Tuesday: run again, the job was
    not found done (its public pack was not made that day) and failed "what publishing would
    print has changed since it was shown". The public pack is the one the site serves, so the
    publication is recorded."""
    from django.utils import timezone

    from packbuilder.web.jobs import recover_interrupted
    from tests.factory import write_pdf
    from tests.test_publish import exempt_meeting

    def on(day: str) -> None:
        monkeypatch.setenv("PACKBUILDER_TODAY", day)
        settings_.cache_clear()

    on("2020-02-24")
    exempt_meeting(storage.meeting_folder("m"))
    ann, pat = signed_in(make_user("ann")), signed_in(make_user("pat", role="publisher"))
    ann.post("/meetings/m/build")
    publish(pat, 1)
    on("2020-02-25")
    write_pdf(storage.meeting_folder("m") / "secret-deal.pdf", 3)  # only the members' pack
    ann.post("/meetings/m/build")
    v2 = Version.objects.get(number=2)
    with monkeypatch.context() as dying:
        def killed(*args, **kwargs):  # type: ignore[no-untyped-def]
            raise Killed()

        dying.setattr(storage, "keep_released", killed)  # (just after the library published)
        with pytest.raises(Killed):
            publish(pat, 2)
    job = Build.objects.get(publishes=v2)
    Build.objects.filter(pk=job.pk).update(heartbeat=timezone.now() - dt.timedelta(minutes=5))
    assert recover_interrupted(60, retry=True) == 1
    job.refresh_from_db()
    assert job.state == "done", job.problems
    assert Meeting.objects.get(slug="m").published == v2
    v2.refresh_from_db()
    lines = {p["file"]: p["line"] for p in v2.packs}
    assert lines[PUBLIC] == "Monday 24 February 2020" and "Tuesday 25" in lines[PRIVATE]
    settings_.cache_clear()


def test_the_meeting_page_is_headed_by_the_meeting_as_its_workbook_names_it(make_user, meeting):  # type: ignore[no-untyped-def]
    """The meeting page was headed by its folder's name ("2020-03-05-safer-plymouth"): it is
    headed by the body and the date meeting.xlsx gives, the folder's name above them, and by
    the folder's name alone when the workbook cannot say (none yet, or not a workbook)."""

    def heading(page: str) -> str:
        h1 = page.split("<h1", 1)[1].split("</h1>", 1)[0]
        return " ".join(re.sub(r"<[^>]+>", " ", h1.split(">", 1)[1]).split())

    ann = signed_in(make_user("ann"))
    assert heading(ann.get("/meetings/m/").content.decode()) == "Meeting m"
    (storage.meeting_folder("m") / "meeting.xlsx").write_bytes(b"PK\x03\x04 not really")
    assert heading(ann.get("/meetings/m/").content.decode()) == "Meeting m"
    shutil.copy(EXAMPLE / "meeting.xlsx", storage.meeting_folder("m"))
    page = ann.get("/meetings/m/").content.decode()
    said = "Safer Plymouth Partnership Board, Thursday 5 March 2020"
    assert heading(page) == f"Meeting m {said}"
    assert f"<title>{said}" in page
    # a workbook whose date cannot be read still names the body
    wb = openpyxl.load_workbook(EXAMPLE / "meeting.xlsx")
    wb["Meeting"]["B3"] = "next Thursday"
    wb.save(storage.meeting_folder("m") / "meeting.xlsx")
    assert heading(ann.get("/meetings/m/").content.decode()) == (
        "Meeting m Safer Plymouth Partnership Board"
    )
