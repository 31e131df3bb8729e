"""Real servers for tests and measurements, on loopback: a redis-server and a PostgreSQL cluster
(tests skip, naming the Debian package, where one is not installed), and `Site`: a web site's
shared data folder with worker processes on them. Import `redis_server` and `postgres_server`
into a test module to use the `redis_url` and `database_url` fixtures."""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from pypdf import PdfReader

from tests.factory import make_meeting

redis = pytest.importorskip("redis", reason="the scale extra is not installed (make venv)")
psycopg = pytest.importorskip("psycopg", reason="the scale extra is not installed (make venv)")


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


@contextmanager
def running_redis(folder: Path) -> Iterator[str]:
    """A throwaway redis-server on loopback keeping its files in `folder`; yields its address."""
    server = shutil.which("redis-server")
    if server is None:
        raise Unavailable("Debian's redis-server is not installed (apt-get install redis-server)")
    port = free_port()
    folder.mkdir(parents=True, exist_ok=True)
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


@contextmanager
def running_postgres() -> Iterator[str]:
    """A throwaway PostgreSQL cluster on loopback; yields the address of its database `packs`."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    if not found:
        raise Unavailable("Debian's postgresql is not installed (apt-get install postgresql)")
    bin_dir = Path(found[-1]).parent
    # PostgreSQL refuses to run as root: run it as Debian's postgres user then
    as_user: list[str] = []
    if os.geteuid() == 0:
        try:
            pwd.getpwnam("postgres")
        except KeyError:
            raise Unavailable(
                "running as root and there is no postgres user to run PostgreSQL as"
            ) from None
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


class Unavailable(Exception):
    """A server whose package is not installed here: tests skip, naming it."""


@pytest.fixture(scope="module", name="redis_url")
def redis_server(tmp_path_factory) -> Iterator[str]:  # type: ignore[no-untyped-def]
    try:
        with running_redis(tmp_path_factory.mktemp("redis")) as url:
            yield url
    except Unavailable as exc:
        pytest.skip(str(exc))


@pytest.fixture(scope="module", name="database_url")
def postgres_server() -> Iterator[str]:
    try:
        with running_postgres() as url:
            yield url
    except Unavailable as exc:
        pytest.skip(str(exc))


class Site:
    """The shared data folder and the environment every server and worker of the site runs in."""

    def __init__(self, root: Path, redis_url: str, database_url: str, stale: int = 60) -> None:
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
            "PACKBUILDER_WEB_STALE_SECONDS": str(stale),
            "PACKBUILDER_REDIS_LOCK_SECONDS": str(max(1, stale // 2)),
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
        """A `run_huey` worker process; its output goes to worker-<n>.log beside the data."""
        log = (self.data.parent / f"worker-{len(self.workers) + 1}.log").open("ab")
        proc = subprocess.Popen(
            [sys.executable, "-m", "packbuilder.web", "run_huey", "--workers", "1",
             "--no-periodic", "--quiet"],
            env=self.env, start_new_session=True,
            stdout=log, stderr=subprocess.STDOUT,
        )  # fmt: skip
        log.close()  # the worker has its own copy
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

    def events(self, build: int) -> list[str]:
        """A build's progress lines, read straight from PostgreSQL."""
        with psycopg.connect(self.database_url) as conn:
            rows = conn.execute(
                "SELECT text FROM web_buildevent WHERE build_id = %s ORDER BY id", (build,)
            ).fetchall()
        return [str(r[0]) for r in rows]

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
        """The meeting's public pack, a draft, is whole and holds each of its Word papers."""
        [pack] = (self.data / "published" / slug / "draft" / "public").glob("*.pdf")
        text = " ".join(page.extract_text() for page in PdfReader(pack).pages)
        for n in range(3):
            assert f"{slug}-report-{n} paragraph 1." in " ".join(text.split())
