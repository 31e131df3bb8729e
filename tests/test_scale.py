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
    assert record["state"] == "done" and record["attempts"] == 2, record["problems"]
    assert record["worker"] != dead
    site.check_pack("east")
    assert site.versions("east") == 1
