"""Builds as jobs on a real queue: a real redis-server and a real PostgreSQL on loopback, two
worker processes (`packbuilder-web run_huey`) sharing a data folder and a conversion cache.

Two meetings built at once, the same meeting twice, a worker killed mid-build: the packs are read
back with pypdf and the job records straight from PostgreSQL (psycopg, not through Django).
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from pypdf import PdfReader

pytest.importorskip("django", reason="the web extra is not installed (make venv)")
psycopg = pytest.importorskip("psycopg", reason="the scale extra is not installed (make venv)")
redis = pytest.importorskip("redis", reason="the scale extra is not installed (make venv)")

from tests.factory import make_meeting  # noqa: E402
from tests.servers import free_port, redis_server, wait_for  # noqa: E402, F401

pytestmark = pytest.mark.libreoffice
STALE = 4  # seconds without a heartbeat before a build's worker is taken as dead


@pytest.fixture(scope="module")
def database_url() -> Iterator[str]:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    if not found:
        pytest.skip("Debian's postgresql is not installed (apt-get install postgresql)")
    bin_dir = Path(found[-1]).parent
    # PostgreSQL refuses to run as root: run it as Debian's postgres user then
    as_user: list[str] = []
    if os.geteuid() == 0:
        try:
            pwd.getpwnam("postgres")
        except KeyError:
            pytest.skip("running as root and there is no postgres user to run PostgreSQL as")
        as_user = ["runuser", "-u", "postgres", "--"]
    home = Path(tempfile.mkdtemp(prefix="packbuilder-pg-"))
    data, sockets = home / "data", home / "sockets"
    sockets.mkdir()
    if as_user:
        shutil.chown(home, "postgres")
        shutil.chown(sockets, "postgres")
    port = free_port()

    def run(*cmd: str) -> None:
        subprocess.run([*as_user, *cmd], check=True, capture_output=True, timeout=120)

    try:
        run(str(bin_dir / "initdb"), "-D", str(data), "-A", "trust", "-U", "packbuilder",
            "--no-sync", "-E", "UTF8")  # fmt: skip
        options = f"-p {port} -k {sockets} -c listen_addresses=127.0.0.1 -c fsync=off"
        run(str(bin_dir / "pg_ctl"), "-D", str(data), "-w", "-l", str(home / "log"), "-o",
            options, "start")  # fmt: skip
        admin = f"postgresql://packbuilder@127.0.0.1:{port}/postgres"
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute("CREATE DATABASE packs")
        yield f"postgresql://packbuilder@127.0.0.1:{port}/packs"
    finally:
        if data.exists():
            subprocess.run([*as_user, str(bin_dir / "pg_ctl"), "-D", str(data), "-m", "immediate",
                            "stop"], capture_output=True, timeout=60)  # fmt: skip
        shutil.rmtree(home, ignore_errors=True)


class Site:
    """The shared data folder and the environment every server and worker of the site runs in."""

    def __init__(self, root: Path, redis_url: str, database_url: str) -> None:
        self.data = root / "data"
        self.database_url = database_url
        self.env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "packbuilder.web.settings",
            "PACKBUILDER_WEB_DATA": str(self.data),
            "PACKBUILDER_WEB_SECRET_KEY": "test-only-not-secret",
            "PACKBUILDER_DATABASE_URL": database_url,
            "PACKBUILDER_REDIS_URL": redis_url,
            "PACKBUILDER_CACHE": str(root / "shared-cache"),
            "PACKBUILDER_WEB_SCHEDULE": "0",
            "PACKBUILDER_WEB_STALE_SECONDS": str(STALE),
        }
        self.workers: list[subprocess.Popen[bytes]] = []

    def manage(self, *args: str) -> str:
        done = subprocess.run(
            [sys.executable, "-m", "packbuilder.web", *args],
            env=self.env, capture_output=True, text=True, timeout=120,
        )  # fmt: skip
        assert done.returncode == 0, done.stderr
        return done.stdout

    def python(self, code: str) -> str:
        """What `code` prints last, run in Django's shell on the site's settings."""
        lines = self.manage("shell", "--no-imports", "-c", code).strip().splitlines()
        return lines[-1] if lines else ""

    def start_worker(self) -> subprocess.Popen[bytes]:
        proc = subprocess.Popen(
            [sys.executable, "-m", "packbuilder.web", "run_huey", "--workers", "1",
             "--no-periodic", "--quiet"],
            env=self.env, start_new_session=True,
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        self.workers.append(proc)
        return proc

    def stop_workers(self) -> None:
        for proc in self.workers:
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGINT)
        for proc in self.workers:
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
        self.workers.clear()

    def meeting(self, slug: str, papers: int = 3) -> None:
        """A meeting folder whose Word papers are its own (no cache hits from another meeting)."""
        names = [f"{slug}-report-{n}.docx" for n in range(papers)]
        make_meeting(
            self.data / "inputs" / slug,
            items=[{"title": f"Report {n}", "papers": [name]} for n, name in enumerate(names)],
            fields={"Body": f"Board {slug}"},
            papers={name: 4 for name in names},
        )
        self.python(
            f"from packbuilder.web.models import Meeting; Meeting.objects.create(slug={slug!r})"
        )

    def enqueue(self, slug: str) -> int:
        """A build of `slug` as the web page starts one: a record, then a job on the queue."""
        return int(
            self.python(
                "from packbuilder.web.models import Build, Meeting\n"
                "from packbuilder.web.tasks import build_task\n"
                f"b = Build.objects.create(meeting=Meeting.objects.get(slug={slug!r}))\n"
                "build_task(b.pk)\n"
                "print(b.pk)"
            )
        )

    def builds(self) -> dict[int, dict]:  # type: ignore[type-arg]
        """Every build record, read straight from PostgreSQL."""
        with psycopg.connect(self.database_url) as conn:
            rows = conn.execute(
                "SELECT b.id, m.slug, b.state, b.worker, b.attempts, b.problems "
                "FROM web_build b JOIN web_meeting m ON m.id = b.meeting_id"
            ).fetchall()
        keys = ("slug", "state", "worker", "attempts", "problems")
        return {row[0]: dict(zip(keys, row[1:], strict=True)) for row in rows}

    def versions(self, slug: str) -> int:
        with psycopg.connect(self.database_url) as conn:
            row = conn.execute(
                "SELECT count(*) FROM web_version v JOIN web_meeting m ON m.id = v.meeting_id "
                "WHERE m.slug = %s",
                (slug,),
            ).fetchone()
        return int(row[0]) if row else 0

    def finished(self, *ids: int) -> bool:
        builds = self.builds()
        return all(builds[i]["state"] in ("done", "failed") for i in ids)

    def check_pack(self, slug: str) -> None:
        """The meeting's public pack is whole and holds each of its Word papers."""
        [pack] = (self.data / "current" / slug / "public").glob("*.pdf")
        text = " ".join(page.extract_text() for page in PdfReader(pack).pages)
        for n in range(3):
            assert f"{slug}-report-{n} paragraph 1." in " ".join(text.split())


@pytest.fixture(scope="module")
def site(tmp_path_factory, redis_url, database_url) -> Iterator[Site]:  # type: ignore[no-untyped-def]
    s = Site(tmp_path_factory.mktemp("site"), redis_url, database_url)
    s.manage("migrate", "--noinput")
    try:
        yield s
    finally:
        s.stop_workers()


def test_two_workers_build_two_meetings_at_once(site: Site) -> None:
    site.meeting("north")
    site.meeting("south")
    site.start_worker()
    site.start_worker()
    north, south = site.enqueue("north"), site.enqueue("south")
    wait_for(lambda: site.finished(north, south), 150, "both builds")
    builds = site.builds()
    assert builds[north]["state"] == builds[south]["state"] == "done", builds
    assert builds[north]["worker"] != builds[south]["worker"]  # one each, side by side
    site.check_pack("north")
    site.check_pack("south")
    assert site.versions("north") == site.versions("south") == 1


def test_the_same_meeting_twice_at_once_builds_it_once_at_a_time(site: Site) -> None:
    first, second = site.enqueue("north"), site.enqueue("north")
    wait_for(lambda: site.finished(first, second), 150, "both builds")
    builds = site.builds()
    outcomes = sorted(builds[b]["state"] for b in (first, second))
    assert "done" in outcomes, builds
    for b in (first, second):
        if builds[b]["state"] == "failed":  # the other held the meeting's lock
            assert builds[b]["problems"] == [
                "This meeting is being built already; wait for that build to finish."
            ]
    # one version per successful build, and the pack is whole
    assert site.versions("north") == 1 + outcomes.count("done")
    site.check_pack("north")


def test_a_worker_killed_mid_build_leaves_no_broken_pack_and_the_build_runs_again(
    site: Site,
) -> None:
    site.stop_workers()
    site.meeting("east", papers=3)
    victim = site.start_worker()
    build = site.enqueue("east")
    wait_for(lambda: site.builds()[build]["state"] == "running", 60, "the build to start")
    time.sleep(1.5)  # into the conversions
    os.killpg(victim.pid, signal.SIGKILL)
    victim.wait()
    # nothing half written where the packs are published
    public = site.data / "current" / "east" / "public"
    assert not public.exists() or not list(public.glob("*.pdf"))
    record = site.builds()[build]
    assert record["state"] == "running" and record["attempts"] == 1
    dead = record["worker"]
    # the recovery every consumer runs each minute, once the heartbeat is stale
    time.sleep(STALE + 1)
    assert (
        site.python("from packbuilder.web.jobs import recover_stale; print(recover_stale())") == "1"
    )
    site.start_worker()
    wait_for(lambda: site.finished(build), 150, "the build to run again")
    record = site.builds()[build]
    assert record["state"] == "done" and record["attempts"] == 2, record
    assert record["worker"] != dead
    site.check_pack("east")
    assert site.versions("east") == 1
