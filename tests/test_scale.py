"""Builds as jobs on a real queue: a real redis-server and a real PostgreSQL on loopback, two
worker processes (`packbuilder-web run_huey`) sharing a data folder and a conversion cache.

Two meetings built at once, the same meeting twice, a worker killed mid-build: the packs are read
back with pypdf and the job records straight from PostgreSQL (psycopg, not through Django).
"""

from __future__ import annotations

import os
import signal
import time
from collections.abc import Iterator

import pytest

pytest.importorskip("django", reason="the web extra is not installed (make venv)")

from tests.servers import Site, postgres_server, redis_server, wait_for  # noqa: E402, F401

pytestmark = pytest.mark.libreoffice
STALE = 4  # seconds without a heartbeat before a build's worker is taken as dead


@pytest.fixture(scope="module")
def site(tmp_path_factory, redis_url, database_url) -> Iterator[Site]:  # type: ignore[no-untyped-def]
    s = Site(tmp_path_factory.mktemp("site"), redis_url, database_url, stale=STALE)
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
    # north was built once before, and nothing changed since: a successful build makes no new
    # version (it is the same as version 1), and the pack is whole
    assert site.versions("north") == 1
    site.check_pack("north")


def test_a_worker_killed_mid_build_leaves_no_broken_pack_and_the_build_runs_again(
    site: Site,
) -> None:
    site.stop_workers()
    site.meeting("east", papers=8)
    victim = site.start_worker()
    build = site.enqueue("east")

    def converting() -> bool:
        return any(e.startswith("converting") for e in site.events(build))

    wait_for(converting, 60, "the build to start converting")
    os.killpg(victim.pid, signal.SIGKILL)  # LibreOffice is at work: mid-build
    victim.wait()
    # nothing half written where the packs are published
    public = site.data / "published" / "east" / "draft" / "public"
    assert not public.exists() or not list(public.glob("*.pdf")), list(public.glob("*.pdf"))
    record = site.builds()[build]
    assert record["state"] == "running" and record["attempts"] == 1, record
    dead = record["worker"]
    # the recovery every consumer runs each minute, once the heartbeat is stale
    time.sleep(STALE + 1)
    assert (
        site.python("from packbuilder.web.jobs import recover_stale; print(recover_stale())") == "1"
    )
    site.start_worker()
    wait_for(lambda: site.finished(build), 150, "the build to run again")
    record = site.builds()[build]
    assert record["state"] == "done" and record["attempts"] == 2, record["problems"]
    assert record["worker"] != dead
    site.check_pack("east")
    assert site.versions("east") == 1


def test_a_build_whose_job_was_lost_is_queued_again(site: Site) -> None:
    """A worker that died between taking the job off the queue and claiming the build."""
    site.stop_workers()
    site.meeting("west")
    build = int(
        site.python(
            "import datetime as dt\n"
            "from django.utils import timezone\n"
            "from packbuilder.web.models import Build, Meeting\n"
            "b = Build.objects.create(meeting=Meeting.objects.get(slug='west'))\n"
            f"ago = timezone.now() - dt.timedelta(seconds={STALE + 1})\n"
            "Build.objects.filter(pk=b.pk).update(created_at=ago)\n"
            "print(b.pk)"
        )
    )
    assert (
        site.python("from packbuilder.web.jobs import recover_stale; print(recover_stale())") == "1"
    )
    # on the queue now: a second recovery does not queue it twice
    assert (
        site.python("from packbuilder.web.jobs import recover_stale; print(recover_stale())") == "0"
    )
    site.start_worker()
    wait_for(lambda: site.finished(build), 150, "the build to run")
    assert site.builds()[build]["state"] == "done"
    site.check_pack("west")
