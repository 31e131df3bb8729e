"""Build throughput from one worker to two: the docs/scaling.md figure, measured on this machine.

A real redis-server and PostgreSQL on loopback (tests/servers.py), the web page's workers
(`packbuilder-web run_huey`) sharing one data folder; MEETINGS distinct meetings (three Word
papers each, so every build converts) queued at once, timed from the queue to the last build done.
Each round starts from an empty conversion cache. Rounds alternate 1, 2, 1, 2 workers so that a
change in the machine's load falls on both.

    .venv/bin/python -m tools.measure_scale [rounds]
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

from tests.servers import Site, running_postgres, running_redis, wait_for

MEETINGS = 6


def measure(site: Site, workers: int, tag: str) -> float:
    slugs = [f"{tag}-{n}" for n in range(MEETINGS)]
    for slug in slugs:
        site.meeting(slug)
    for _ in range(workers):
        site.start_worker()
    time.sleep(5)  # the workers are up and waiting on the queue
    started = time.monotonic()
    ids = [
        int(i)
        for i in site.python(
            "from packbuilder.web.models import Build, Meeting\n"
            "from packbuilder.web.tasks import build_task\n"
            "ids = []\n"
            f"for slug in {slugs!r}:\n"
            "    b = Build.objects.create(meeting=Meeting.objects.get(slug=slug))\n"
            "    build_task(b.pk)\n"
            "    ids.append(b.pk)\n"
            "print(*ids)"
        ).split()
    ]
    wait_for(lambda: site.finished(*ids), 900, "every build")
    elapsed = time.monotonic() - started
    site.stop_workers()
    builds = site.builds()
    assert all(builds[i]["state"] == "done" for i in ids), [builds[i] for i in ids]
    for slug in slugs:
        site.check_pack(slug)
    return elapsed


def main() -> None:
    rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 2
    results: dict[int, list[float]] = {1: [], 2: []}
    with tempfile.TemporaryDirectory(prefix="measure-scale-") as tmp:
        root = Path(tmp)
        with running_redis(root / "redis") as redis_url, running_postgres() as database_url:
            for r in range(rounds):
                for workers in (1, 2):
                    site = Site(root / f"site-{r}-{workers}", redis_url, database_url)
                    site.manage("migrate", "--noinput")
                    seconds = measure(site, workers, f"r{r}w{workers}")
                    results[workers].append(seconds)
                    per_minute = MEETINGS / seconds * 60
                    print(
                        f"round {r + 1}, {workers} worker(s): {MEETINGS} builds in {seconds:.1f} s "
                        f"({per_minute:.1f} builds a minute)",
                        flush=True,
                    )
    one, two = (sum(results[w]) / len(results[w]) for w in (1, 2))
    print(
        f"mean: 1 worker {MEETINGS / one * 60:.1f} builds/min, 2 workers {MEETINGS / two * 60:.1f} "
        f"builds/min: x{one / two:.2f}"
    )


if __name__ == "__main__":
    main()
