"""`packbuilder-web serve` (what `make serve` runs) as a service manager stops it."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from tests.procs import children
from tests.web.test_browser import free_port

BIN = Path(sys.executable).parent


def _alive(pid: int) -> bool:
    with contextlib.suppress(OSError):
        stat = Path(f"/proc/{pid}/stat").read_bytes()
        return stat[stat.rindex(b")") + 2 :].split()[0] != b"Z"
    return False


def test_stopped_by_sigterm_it_stops_its_job_consumer(tmp_path: Path) -> None:
    """systemd, docker and `kill` stop a service with SIGTERM. uvicorn, stopping, raises the
    signal again once its handler is put back, so the server died at once, without stopping the
    job consumer it started: that one went on running, orphaned, taking jobs (and a second one
    joined it at the next start). Ctrl-C (SIGINT) stopped both."""
    port = free_port()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "packbuilder.web.settings",
        "PACKBUILDER_WEB_DATA": str(tmp_path / "data"),
        "PACKBUILDER_WEB_SCHEDULE": "0",
        "PACKBUILDER_CACHE": str(tmp_path / "cache"),
    }
    env.pop("PACKBUILDER_WEB_IMMEDIATE", None)
    log = (tmp_path / "serve.log").open("w")
    proc = subprocess.Popen(
        [str(BIN / "packbuilder-web"), "serve", "--port", str(port)],
        env=env, stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    consumers: list[int] = []
    url = f"http://127.0.0.1:{port}/accounts/login/"
    try:
        for _ in range(150):
            with contextlib.suppress(OSError):
                urllib.request.urlopen(url, timeout=2).close()
                break
            assert proc.poll() is None, (tmp_path / "serve.log").read_text()
            time.sleep(0.2)
        consumers = children(proc.pid)
        assert consumers, "no job consumer started"
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=20)
        for _ in range(100):
            if not any(_alive(c) for c in consumers):
                break
            time.sleep(0.1)
        assert not any(_alive(c) for c in consumers), "the job consumer was left running"
    finally:
        for pid in [proc.pid, *consumers]:
            if _alive(pid):
                os.kill(pid, signal.SIGKILL)
        proc.wait()
        log.close()
