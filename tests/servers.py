"""Real servers for tests, on loopback: a redis-server (skipped with the reason where Debian's
package is not installed). Import `redis_server` into a test module to use the `redis_url`
fixture."""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
from collections.abc import Iterator

import pytest

redis = pytest.importorskip("redis", reason="the scale extra is not installed (make venv)")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_for(check, seconds: float, what: str):  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError(f"timed out after {seconds:g} s waiting for {what}")


@pytest.fixture(scope="module", name="redis_url")
def redis_server(tmp_path_factory) -> Iterator[str]:  # type: ignore[no-untyped-def]
    server = shutil.which("redis-server")
    if server is None:
        pytest.skip("Debian's redis-server is not installed (apt-get install redis-server)")
    port = free_port()
    folder = tmp_path_factory.mktemp("redis")
    proc = subprocess.Popen(
        [server, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
         "--dir", str(folder)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    url = f"redis://127.0.0.1:{port}/0"
    client = redis.Redis.from_url(url)
    try:
        wait_for(lambda: _pings(client), 20, "redis-server to answer")
        yield url
    finally:
        client.close()
        proc.terminate()
        proc.wait(timeout=10)


def _pings(client) -> bool:  # type: ignore[no-untyped-def]
    try:
        return bool(client.ping())
    except redis.ConnectionError:
        return False
