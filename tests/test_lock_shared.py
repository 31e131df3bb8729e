"""The build lock across machines: with PACKBUILDER_REDIS_URL the meeting's lock is also a Redis
key, renewed while held and expiring when its holder dies. Another machine is played by another
process that takes only the Redis lock: on a shared folder without working flock, that is all a
worker elsewhere would see of our build."""

from __future__ import annotations

import dataclasses
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from packbuilder.errors import BuildLockedError, PublishError
from packbuilder.lock import meeting_lock, shared_key
from packbuilder.settings import Settings
from tests.servers import redis, redis_server, wait_for  # noqa: F401

TTL = 2.0

ELSEWHERE = """
import sys, time
from pathlib import Path
from packbuilder.lock import shared_lock
with shared_lock(Path(sys.argv[1]), "m", sys.argv[2], ttl={ttl}):
    print("held", flush=True)
    time.sleep(60)
"""


def with_redis(url: str) -> Settings:
    return dataclasses.replace(Settings.from_env({}), redis_url=url, redis_lock_seconds=TTL)


def test_a_build_on_another_machine_holds_the_meeting_until_it_dies(redis_url, tmp_path):  # type: ignore[no-untyped-def]
    out = tmp_path / "shared" / "out"
    other = subprocess.Popen(
        [sys.executable, "-c", ELSEWHERE.format(ttl=TTL), str(out), redis_url],
        stdout=subprocess.PIPE, text=True, start_new_session=True,
    )  # fmt: skip
    try:
        assert other.stdout is not None and other.stdout.readline().strip() == "held"
        with (
            pytest.raises(BuildLockedError) as caught,
            meeting_lock(out, "m", with_redis(redis_url)),
        ):
            pass
        assert "another machine" in str(caught.value) and "\n" not in str(caught.value)
        time.sleep(2 * TTL)  # past the key's time to live: its holder renews it
        with pytest.raises(BuildLockedError), meeting_lock(out, "m", with_redis(redis_url)):
            pass
        # another meeting in the same folder is free
        with meeting_lock(out, "other-meeting", with_redis(redis_url)):
            pass
    finally:
        os.killpg(other.pid, signal.SIGKILL)  # the machine dies: nobody releases the key
        other.wait()
        assert other.stdout is not None
        other.stdout.close()

    def free() -> bool:
        try:
            with meeting_lock(out, "m", with_redis(redis_url)):
                return True
        except BuildLockedError:
            return False

    started = time.monotonic()
    wait_for(free, 3 * TTL, "the dead holder's lock to expire")
    assert time.monotonic() - started <= TTL + 1


def test_the_lock_is_taken_again_by_its_holder_and_let_go_after(redis_url, tmp_path):  # type: ignore[no-untyped-def]
    out = tmp_path / "out"
    client = redis.Redis.from_url(redis_url)
    settings = with_redis(redis_url)
    with meeting_lock(out, "m", settings):  # the web job takes it, then build() inside
        with meeting_lock(out, "m", settings):
            assert client.exists(shared_key(out, "m"))
        assert client.exists(shared_key(out, "m"))
    assert not client.exists(shared_key(out, "m"))
    client.close()


def test_an_unreachable_redis_is_one_line_naming_the_setting(tmp_path: Path) -> None:
    unreachable = with_redis("redis://127.0.0.1:1/0")
    with pytest.raises(PublishError) as caught, meeting_lock(tmp_path / "out", "m", unreachable):
        pass
    message = str(caught.value)
    assert "PACKBUILDER_REDIS_URL" in message and "\n" not in message
