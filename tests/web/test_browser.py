"""The whole flow in a real browser: Debian's Chromium, driven by Playwright, against the server
`make serve` runs (uvicorn and the Huey consumer, in their own processes, on 127.0.0.1).

Sign in, create a meeting, upload the example's files with a broken workbook, see the located
problem, fix it, build with live progress, preview, download, publish (an e-mail reaches a local
SMTP server), and read the public page signed out. axe-core checks every page at WCAG 2.2 A and
AA. The packs built from the page are compared with `packbuilder build`'s, page by page.

Screenshots go to a temporary folder, or to PACKBUILDER_WEB_SCREENSHOTS (docs/img for the README).
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import openpyxl
import pytest

from packbuilder.dates import long_date
from tests.browser import CHROMIUM, axe_violations, launch

ROOT = Path(__file__).parents[2]
EXAMPLE = ROOT / "inputs" / "2020-03-05-safer-plymouth"
SLUG = EXAMPLE.name
BIN = Path(sys.executable).parent
PASSWORD = "a long pass phrase for pat"

pytestmark = [
    pytest.mark.libreoffice,
    pytest.mark.skipif(
        not CHROMIUM.exists(),
        reason="Debian's chromium is not installed (make test installs it: apt install chromium)",
    ),
]
sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Mailbox:
    """A local SMTP server (aiosmtpd) on loopback that keeps what it receives."""

    def __init__(self) -> None:
        from aiosmtpd.controller import Controller

        self.messages: list[tuple[list[str], str]] = []
        self.port = free_port()
        self.controller = Controller(self, hostname="127.0.0.1", port=self.port)

    async def handle_DATA(self, server, session, envelope):  # type: ignore[no-untyped-def]  # noqa: N802
        self.messages.append((list(envelope.rcpt_tos), envelope.content.decode("utf-8", "replace")))
        return "250 OK"


@pytest.fixture(scope="module")
def mailbox():  # type: ignore[no-untyped-def]
    box = Mailbox()
    box.controller.start()
    yield box
    box.controller.stop()


SERVER_ENV: dict[str, str] = {}


@pytest.fixture(scope="module")
def server(tmp_path_factory, mailbox):  # type: ignore[no-untyped-def]
    """`packbuilder-web serve` with a fresh data folder, a publisher account and a subscriber."""
    tmp = tmp_path_factory.mktemp("web")
    port = free_port()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "packbuilder.web.settings",
        "PACKBUILDER_WEB_DATA": str(tmp / "data"),
        "PACKBUILDER_WEB_SCHEDULE": "0",
        "PACKBUILDER_WEB_URL": f"http://127.0.0.1:{port}",
        "PACKBUILDER_CACHE": str(tmp / "cache"),
        "PACKBUILDER_SMTP_HOST": "127.0.0.1",
        "PACKBUILDER_SMTP_PORT": str(mailbox.port),
        "DJANGO_SUPERUSER_PASSWORD": "an admin pass phrase",
    }
    env.pop("PACKBUILDER_WEB_IMMEDIATE", None)
    web = [str(BIN / "packbuilder-web")]
    subprocess.run([*web, "migrate", "-v0"], env=env, check=True)
    subprocess.run(
        [*web, "createsuperuser", "--noinput", "--username", "admin", "--email", "a@example.org"],
        env=env, check=True, capture_output=True,
    )  # fmt: skip
    subprocess.run(
        [*web, "shell", "-c",
         "from packbuilder.web.models import User, Subscriber; "
         f"User.objects.create_user('pat', password='{PASSWORD}', role='publisher'); "
         "Subscriber.objects.create(email='members@example.org')"],
        env=env, check=True,
    )  # fmt: skip
    SERVER_ENV.clear()
    SERVER_ENV.update(env)  # (for a test to change the database as an admin's shell would)
    log = (tmp / "serve.log").open("w")
    proc = subprocess.Popen(
        [*web, "serve", "--port", str(port)], env=env, stdout=log, stderr=subprocess.STDOUT
    )
    url = f"http://127.0.0.1:{port}"
    for _ in range(100):
        try:
            urllib.request.urlopen(url + "/accounts/login/", timeout=2).close()
            break
        except OSError:
            if proc.poll() is not None:
                pytest.fail(f"the server stopped: {(tmp / 'serve.log').read_text()}")
            time.sleep(0.2)
    yield url, tmp
    proc.send_signal(signal.SIGINT)
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
    log.close()


@pytest.fixture(scope="module")
def browser():  # type: ignore[no-untyped-def]
    yield from launch()


@pytest.fixture(scope="module")
def shots(tmp_path_factory) -> Path:  # type: ignore[no-untyped-def]
    where = os.environ.get("PACKBUILDER_WEB_SCREENSHOTS")
    folder = Path(where) if where else tmp_path_factory.mktemp("screenshots")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


CHECKED: list[str] = []


def axe(page) -> None:  # type: ignore[no-untyped-def]
    """No axe-core violation on the page at WCAG 2.2 A and AA."""
    found = axe_violations(page)
    assert found == [], page.url
    CHECKED.append(page.url)


def sign_in(page, url: str) -> None:  # type: ignore[no-untyped-def]
    page.goto(url + "/meetings/")
    assert "/accounts/login/" in page.url
    page.fill("#id_username", "pat")
    page.fill("#id_password", PASSWORD)
    page.click("button:has-text('Sign in')")
    page.wait_for_url("**/meetings/")


def read_pdf(path: Path) -> list[str]:
    from pypdf import PdfReader

    return [p.extract_text() or "" for p in PdfReader(path).pages]


def test_from_an_empty_page_to_a_published_pack(server, browser, mailbox, shots, tmp_path):  # type: ignore[no-untyped-def]
    url, _ = server
    context = browser.new_context(accept_downloads=True, viewport={"width": 1100, "height": 900})
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))

    # sign in
    page.goto(url + "/meetings/")
    axe(page)
    page.screenshot(path=shots / "web-sign-in.png")
    page.click("button:has-text('Sign in')")  # nothing typed: each field says what it needs
    summary = page.locator(".govuk-error-summary").inner_text()
    assert "Enter your user name" in summary and "Enter your password" in summary
    axe(page)
    page.screenshot(path=shots / "web-sign-in-empty.png")
    sign_in(page, url)
    axe(page)

    # create a meeting
    page.click("text=Create a meeting")
    axe(page)
    page.click("button:has-text('Create meeting')")  # empty: an error, located
    assert page.locator(".govuk-error-summary").inner_text().count("Enter a name") == 1
    axe(page)
    page.fill("#id_name", SLUG)
    page.click("button:has-text('Create meeting')")
    page.wait_for_url(f"**/meetings/{SLUG}/")
    axe(page)

    # upload the example's files, with a broken workbook
    broken = tmp_path / "broken" / "meeting.xlsx"
    broken.parent.mkdir()
    wb = openpyxl.load_workbook(EXAMPLE / "meeting.xlsx")
    wb["Agenda"]["E2"] = "ten"
    wb.save(broken)
    papers = [p for p in sorted(EXAMPLE.iterdir()) if p.name != "meeting.xlsx"]
    page.set_input_files("#files", [broken, *papers])
    page.click("button:has-text('Upload')")
    # the check runs beside the page (LibreOffice, cold): the page shows it when it is made
    assert page.locator("#checking").is_visible()
    page.wait_for_selector("#problems", timeout=120_000)
    problems = page.locator("#problems")
    assert "meeting.xlsx, sheet Agenda, cell E2" in problems.inner_text()
    axe(page)
    page.screenshot(path=shots / "web-problem.png", full_page=True)
    problems.locator("a", has_text="cell E2").first.click()
    assert page.url.endswith("#file-meetingxlsx")
    assert page.locator("#file-meetingxlsx").is_visible()

    # fix it: upload the right workbook over it
    page.set_input_files("#files", [EXAMPLE / "meeting.xlsx"])
    page.click("button:has-text('Upload')")
    page.wait_for_selector("#check-ok", timeout=120_000)
    assert "No problems found" in page.locator("#check-ok").inner_text()
    assert page.locator("tr[id^=file-]").count() >= len(papers) + 1
    axe(page)
    page.screenshot(path=shots / "web-meeting.png", full_page=True)

    # build, with progress arriving live (no reload of the page)
    page.click("button:has-text('Build the packs')")
    page.wait_for_url("**/builds/*/")
    build_url = page.url
    navigations: list[str] = []
    page.on("framenavigated", lambda f: navigations.append(f.url))
    progress = page.locator("#progress")
    assert progress.get_attribute("aria-live") == "polite"
    page.wait_for_selector("#progress li:has-text('converting')", timeout=120_000)
    page.wait_for_selector(".govuk-panel--confirmation", timeout=180_000)
    assert navigations == [], "the page reloaded instead of updating in place"
    steps = progress.locator("li").all_inner_texts()
    assert steps[0] == "checking inputs"
    assert any(s.startswith("assembling Agenda pack (private)") for s in steps)
    assert steps[-1].startswith("built version 1")
    assert len(steps) == len(set(steps)), "a progress line arrived twice"
    axe(page)
    page.screenshot(path=shots / "web-build.png", full_page=True)
    # a reload shows the same state and steps
    page.reload()
    assert page.locator("#progress li").all_inner_texts() == steps

    # preview and download
    page.click("text=Preview, download and publish version 1")
    page.wait_for_url("**/versions/1/")
    axe(page)
    # what a version made later shows: what changed; and that its packs are drafts to check
    subprocess.run(
        [str(BIN / "packbuilder-web"), "shell", "-c",
         "from packbuilder.web.models import Version; v = Version.objects.get(number=1); "
         "p = v.packs[0]; saved = dict(p); "
         "p.update(changes=[\"item 2, 'Budget & <Plan>': 'Annex' added (3 pages)\", "
         "'numbered pages: 24 before, 27 now (+3)']); v.save(); "
         "open('saved.json', 'w').write(__import__('json').dumps(saved))"],
        env=SERVER_ENV, check=True, cwd=tmp_path,
    )  # fmt: skip
    page.reload()
    assert page.locator("text=what changed since its last version").count() == 1
    assert "drafts to check" in page.locator("main").inner_text()
    assert page.locator("strong.govuk-tag:has-text('Draft')").count() == 3
    axe(page)
    page.screenshot(path=shots / "web-version-changed.png", full_page=True)
    subprocess.run(
        [str(BIN / "packbuilder-web"), "shell", "-c",
         "import json; from packbuilder.web.models import Version; "
         "v = Version.objects.get(number=1); v.packs[0] = json.load(open('saved.json')); v.save()"],
        env=SERVER_ENV, check=True, cwd=tmp_path,
    )  # fmt: skip
    page.reload()
    page.click("a:has-text('Preview'):has-text('Agenda pack (public)')")
    page.wait_for_selector(".app-preview img")
    first = page.locator(".app-preview img").first
    first.scroll_into_view_if_needed()
    page.wait_for_function("document.querySelector('.app-preview img').naturalWidth > 0")
    assert first.get_attribute("alt").startswith("Agenda page 1 of ")  # as a reader calls it
    axe(page)
    page.screenshot(path=shots / "web-preview.png")
    page.go_back()
    downloaded = tmp_path / "web"
    downloaded.mkdir()
    links = page.locator("a[download]")
    for i in range(links.count()):
        with page.expect_download() as got:
            links.nth(i).click()
        got.value.save_as(downloaded / got.value.suggested_filename)

    # the same packs as the command line builds as drafts, saved under names that say so
    cli = tmp_path / "cli"
    for more in (["--draft"], []):  # (a draft, then the packs published: below)
        subprocess.run(
            [str(BIN / "packbuilder"), "build", str(EXAMPLE), "--output", str(cli), "--quiet",
             *more],
            check=True, capture_output=True, env={**os.environ, "PACKBUILDER_CACHE": str(tmp_path)},
        )  # fmt: skip
        if more:  # (read before the build that publishes removes the draft)
            cli_texts = {p.name: read_pdf(p) for p in (cli / "draft").rglob("*.pdf")}
    # (the command line names a draft's files as the page names its downloads: one rule)
    cli_packs = sorted(cli_texts)
    assert sorted(p.name for p in downloaded.glob("*.pdf")) == cli_packs
    assert len(cli_packs) == 3 and all(name.endswith("-DRAFT.pdf") for name in cli_packs)
    for name in cli_packs:
        web_text = read_pdf(downloaded / name)
        cli_text = cli_texts[name]
        assert len(web_text) == len(cli_text), name
        assert web_text == cli_text, name
        assert all("DRAFT - not published" in t for t in web_text), name

    # publish, after seeing what goes public and the date each public pack will say (made
    # again as it is published, dated that day); subscribers get an e-mail with the stable address
    page.click("a:has-text('Publish version 1')")
    page.wait_for_url("**/versions/1/publish")
    assert page.locator("h1").inner_text().endswith("Publish version 1?")
    today = long_date(dt.date.today())
    goes = page.locator("table", has_text="What goes public").inner_text()
    assert "Agenda pack (public)" in goes and "Supplement 1" in goes
    assert f"Published {today}" in goes and "HTML agenda" in goes
    assert "PRIVATE" not in goes and "Agenda pack (private)" not in goes
    held = page.locator("main").inner_text().split("Held back")[1]
    assert "Not for publication by virtue of paragraph 3" in held
    assert "Agenda pack (private)" in held and "is not published" in held
    axe(page)
    page.screenshot(path=shots / "web-publish-confirm.png", full_page=True)
    # the packs are made again in the job consumer, as a build is: the page of that job shows
    # each step live, then what went public (the request does not wait for LibreOffice)
    page.click("button:has-text('Publish version 1')")
    page.wait_for_url("**/builds/*/")
    publishing_url = page.url
    navigations.clear()
    assert page.locator("h1").inner_text().endswith("Publishing version 1")
    page.wait_for_selector("#progress li", timeout=120_000)
    page.screenshot(path=shots / "web-publishing.png", full_page=True)
    page.wait_for_selector(".govuk-panel--confirmation", timeout=180_000)
    assert navigations == [], "the page reloaded instead of updating in place"
    assert "Version 1 is public" in page.locator(".govuk-panel").inner_text()
    steps = page.locator("#progress li").all_inner_texts()
    assert any(s.startswith("assembling Agenda pack (public)") for s in steps), steps
    assert steps[-1].startswith("published version 1 (Agenda pack (public): ")
    assert len(steps) == len(set(steps)), "a progress line arrived twice"
    axe(page)
    page.screenshot(path=shots / "web-published.png", full_page=True)
    page.reload()
    assert page.locator("#progress li").all_inner_texts() == steps
    for _ in range(100):
        if mailbox.messages:
            break
        time.sleep(0.1)
    ((to, message),) = mailbox.messages
    assert to == ["members@example.org"]
    assert f"{url}/public/{SLUG}/" in message
    assert "PRIVATE" not in message
    # the pack the public is served says the day it was published, as the confirmation said
    published_pack = tmp_path / "published.pdf"
    published_pack.write_bytes(page.request.get(url + f"/public/{SLUG}/pack.pdf").body())
    assert f"Published {today}" in " ".join(read_pdf(published_pack)[0].split())

    # the meetings list and the audit log
    page.goto(url + "/meetings/")
    row = page.locator("tr", has_text=SLUG)
    assert "Published" in row.inner_text() and "Version 1" in row.inner_text()
    axe(page)
    page.screenshot(path=shots / "web-meetings.png", full_page=True)
    page.goto(url + "/audit/")
    audit = page.locator("table").inner_text()
    for what in ["Created meeting", "Uploaded", "Started build", "Built", "Published",
                 "Downloaded private file", "E-mailed subscribers"]:  # fmt: skip
        assert what in audit, what
    axe(page)

    # signed out: the public page and pack, never the private one
    page.click("button:has-text('Sign out')")
    page.wait_for_url("**/accounts/login/")
    page.goto(url + f"/public/{SLUG}/")
    agenda = page.locator("main").inner_text()
    assert "Safer Plymouth Partnership Board" in agenda
    assert "Not for publication by virtue of paragraph 3" in agenda
    # the library's HTML agenda itself (one renderer): Part II, times, page ranges
    assert "Part II: items not for publication" in agenda
    assert "(PDF, pages 1 to 4)" in agenda and "3.30 pm" in agenda
    axe(page)
    page.screenshot(path=shots / "web-public.png", full_page=True)
    # the library's HTML agenda, linked from the public page: its paper links open the packs here
    agenda_url = page.locator("a:has-text('This agenda as a page of its own')").get_attribute(
        "href"
    )
    served = page.request.get(url + agenda_url)
    assert "script-src" not in served.headers["content-security-policy"]  # (no script at all)
    # axe-core is a script: the page's own policy refuses it, so this look bypasses the policy
    looking = browser.new_context(bypass_csp=True, viewport={"width": 1100, "height": 900})
    agenda_page = looking.new_page()
    agenda_page.goto(url + agenda_url)
    assert agenda_page.locator("h1").inner_text().startswith("Agenda: ")
    assert "Exclusion of the press and public" in agenda_page.locator("main").inner_text()
    # the public page says the same, word for word
    assert " ".join(agenda_page.locator("main").inner_text().split()) in " ".join(agenda.split())
    axe(agenda_page)
    agenda_page.screenshot(path=shots / "web-public-agenda.png", full_page=True)
    paper = agenda_page.locator("a[href*='#nameddest=']").first.get_attribute("href")
    assert paper and page.request.get(url + f"/public/{SLUG}/" + paper.split("#")[0]).status == 200
    looking.close()
    public = page.request.get(url + f"/public/{SLUG}/pack.pdf")
    assert public.status == 200 and public.body().startswith(b"%PDF")
    # made again as it was published (the same day here): the draft's pages without their
    # marks, as the command line publishes them
    assert read_pdf(published_pack) == read_pdf(cli / "public" / f"{SLUG}-agenda-pack-public.pdf")
    assert public.body() == published_pack.read_bytes()
    private = f"{SLUG}-agenda-pack-PRIVATE-not-for-publication.pdf"
    assert page.request.get(url + f"/public/{SLUG}/{private}").status == 404
    page.goto(url + f"/meetings/{SLUG}/versions/1/{private}")
    assert "/accounts/login/" in page.url
    for job in (build_url, publishing_url):
        page.goto(job)
        assert "/accounts/login/" in page.url
    page.goto(url + "/public/")
    axe(page)
    page.goto(url + "/public/no-such-meeting/")
    assert "Page not found" in page.locator("h1").inner_text()
    axe(page)

    # a late change, built: the new version (a draft) says what it changes in what is public
    sign_in(page, url)
    moved = tmp_path / "moved" / "meeting.xlsx"
    moved.parent.mkdir()
    wb = openpyxl.load_workbook(EXAMPLE / "meeting.xlsx")
    wb["Meeting"]["B6"] = "Council Chamber, Council House, Plymouth"
    wb.save(moved)
    page.goto(url + f"/meetings/{SLUG}/")
    page.set_input_files("#files", [moved])
    page.click("button:has-text('Upload')")
    page.wait_for_selector("#check-ok")
    page.click("button:has-text('Build the packs')")
    page.wait_for_selector(".govuk-panel--confirmation", timeout=180_000)
    page.click("text=Preview, download and publish version 2")
    page.wait_for_url("**/versions/2/")
    since = f"Agenda pack (public): what changed since the pack published on {today}"
    said = page.locator("h2", has_text=since)
    assert said.count() == 1
    lines = said.locator("xpath=following-sibling::ul[1]").inner_text()
    assert "frontsheet: " in lines and "Council Chamber, Council House" in lines, lines
    axe(page)
    page.screenshot(path=shots / "web-version-draft-changes.png", full_page=True)

    # a publisher withdraws the published version: the public address says so, serves no pack
    page.goto(url + f"/meetings/{SLUG}/versions/1/")
    page.click("a:has-text('Withdraw version 1')")
    page.click("button:has-text('Withdraw version 1')")  # no reason given: an error, located
    assert "Say why" in page.locator(".govuk-error-summary").inner_text()
    axe(page)
    page.fill("#id_reason", "The appendix to item 5 names a tenderer")
    page.click("button:has-text('Withdraw version 1')")
    page.wait_for_selector(".govuk-notification-banner--success")
    assert "Withdrawn" in page.locator("main").inner_text()
    axe(page)
    page.screenshot(path=shots / "web-withdrawn.png", full_page=True)
    assert page.request.get(url + f"/public/{SLUG}/pack.pdf").status == 404
    page.goto(url + f"/public/{SLUG}/")
    assert "were withdrawn on" in page.locator("main").inner_text()
    assert "tenderer" not in page.content()
    axe(page)
    page.screenshot(path=shots / "web-public-withdrawn.png", full_page=True)
    # an advisor removes a file uploaded by mistake, after confirming
    page.goto(url + f"/meetings/{SLUG}/")
    name = "Draft notes.pdf"
    shutil.copy(EXAMPLE / "Appendix A - Welcoming City charter.pdf", tmp_path / name)
    page.set_input_files("#files", [tmp_path / name])
    page.click("button:has-text('Upload')")
    page.wait_for_selector(f"tr:has-text('{name}')")
    page.click(f"a:has-text('Remove'):has-text('{name}')")
    assert page.locator("h1").inner_text().endswith(f"Remove {name}?")
    axe(page)
    page.screenshot(path=shots / "web-remove.png")
    page.click("button:has-text('Remove the file')")
    page.wait_for_selector(".govuk-notification-banner--success")
    assert f"Removed {name}" in page.locator(".govuk-notification-banner").inner_text()
    assert name not in page.locator("#inputs + div table").inner_text()
    assert errors == []
    context.close()
    kinds = ["/accounts/login/", "/meetings/", "/meetings/new", f"/meetings/{SLUG}/", "/builds/"]
    kinds += ["/versions/1/", "/preview/", "/audit/", f"/public/{SLUG}/", "/public/", "/no-such"]
    kinds += ["/withdraw", "/remove", "/publish"]
    assert [k for k in kinds if not any(k in u for u in CHECKED)] == []


def test_every_page_works_without_javascript(server, browser):  # type: ignore[no-untyped-def]
    url, _ = server
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    sign_in(page, url)
    page.click(f"text={SLUG}")
    page.click("button:has-text('Build the packs')")
    page.wait_for_url("**/builds/*/")
    for _ in range(600):
        if page.locator(".govuk-panel--confirmation, .govuk-error-summary").count():
            break
        assert "Refresh the page" in page.locator("main").inner_text()
        time.sleep(0.5)
        page.reload()
    assert page.locator(".govuk-panel--confirmation").count() == 1
    assert page.locator("#progress li").count() >= 5
    # nothing changed since version 2 (the test before built it after publishing version 1,
    # then withdrew version 1): no new version; version 2 can be published, ending that
    assert "Nothing changed since version 2" in page.locator("main").inner_text()
    page.click("text=Preview, download and publish version")
    page.click("a:has-text('Publish version 2')")
    assert "ends the withdrawal of version 1" in page.locator("main").inner_text()
    page.click("button:has-text('Publish version 2')")  # a form's post, no script
    page.wait_for_url("**/builds/*/")
    assert page.locator("h1").inner_text().endswith("Publishing version 2")
    for _ in range(600):  # the job's page, reloaded as a reader would
        if page.locator(".govuk-panel--confirmation, .govuk-error-summary").count():
            break
        assert "Refresh the page" in page.locator("main").inner_text()
        time.sleep(0.5)
        page.reload()
    assert "Version 2 is public" in page.locator(".govuk-panel").inner_text()
    assert page.locator("#progress li").last.inner_text().startswith("published version 2")
    page.click("text=Version 2 as published")
    assert page.url.endswith("/versions/2/")
    context.close()


def test_pages_fit_a_phone_s_screen(server, browser, shots):  # type: ignore[no-untyped-def]
    """At 320 CSS pixels (WCAG 1.4.10, reflow) no page scrolls sideways as a whole: the
    meetings list was 500 pixels wide at 360, a version's file names widened its table past
    the screen. A table wider than the screen scrolls by itself, and takes the focus to."""
    url, _ = server
    context = browser.new_context(viewport={"width": 320, "height": 700})
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    sign_in(page, url)
    for path in ["/meetings/", f"/meetings/{SLUG}/", f"/meetings/{SLUG}/versions/2/",
                 f"/meetings/{SLUG}/versions/1/", f"/public/{SLUG}/", "/audit/"]:  # fmt: skip
        page.goto(url + path)
        wide = page.evaluate("document.documentElement.scrollWidth")
        past = page.evaluate(
            "[...document.querySelectorAll('main *')]"
            ".filter(e => e.getBoundingClientRect().right > 321)"
            ".slice(0, 5).map(e => e.tagName + ': ' + (e.innerText || '').slice(0, 60))"
        )
        assert wide <= 320, (path, wide, past)
        axe(page)
    # a version's packs: each download on the screen as it is, not scrolled off to the right
    # of a table wider than the phone with nothing to say it is there
    page.goto(url + f"/meetings/{SLUG}/versions/2/")
    downloads = page.locator("#packs a[download]")
    assert downloads.count() == 3
    # (and the meeting's versions: whether each is published, the last column)
    page2 = context.new_page()
    page2.goto(url + f"/meetings/{SLUG}/")
    published = page2.locator("#versions td:last-child")
    assert published.count() == 2
    for cell in [*(downloads.nth(n) for n in range(3)), *(published.nth(n) for n in range(2))]:
        box = cell.bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 320, box
    page2.close()
    # a table that does scroll shows that more of it is to the right (a shadow at its edge)
    page.goto(url + f"/meetings/{SLUG}/")
    hint = page.evaluate(
        "getComputedStyle(document.querySelector('.app-table-scroll')).backgroundImage"
    )
    assert "gradient" in hint
    for path, shot in [(f"/meetings/{SLUG}/versions/2/", "web-version-phone.png"),
                       (f"/meetings/{SLUG}/", "web-meeting-phone.png")]:  # fmt: skip
        page.goto(url + path)
        page.screenshot(path=shots / shot, full_page=True)
    page.goto(url + "/meetings/")
    page.screenshot(path=shots / "web-meetings-phone.png", full_page=True)
    assert errors == []  # (nor a resource not found: the icon the browser asks for)
    context.close()
