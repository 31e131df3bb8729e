"""A long-running caller with a warm converter, for the benchmark's (w) rows.

Started once by `bench.run`; holds one `WarmLibreOffice` (docs/warm-converter.md) and builds a
meeting for each request, a JSON line ``{"meeting": ..., "out": ..., "cache": ...}`` on its
standard input, answering ``{"seconds": ...}`` when the build is done; ``{"forget": true}``
empties its cache folder (`forget_but_profiles`), untimed, before a cold build. A web worker or a
scheduler loop would do the same: the benchmark measures each build from request to answer, and
the peak memory of this process's tree (Python, the helper and LibreOffice) while it runs.
"""

from __future__ import annotations

import json
import shutil
import sys
import time
from pathlib import Path

from packbuilder.build import build
from packbuilder.convert import CachingConverter, WarmLibreOffice
from packbuilder.convert.profiles import PROFILES
from packbuilder.settings import settings


def forget_but_profiles() -> None:
    """Empty this process's cache folder (what checks, repairs and assembly remember: a cold
    build, (wa), starts with none of it, as (a) does) but for the kept LibreOffice profiles, one
    of which the warm LibreOffice is running on."""
    folder = settings().cache_dir
    for entry in folder.iterdir() if folder.is_dir() else ():
        if entry.name != PROFILES:
            if entry.is_dir():
                shutil.rmtree(entry, ignore_errors=True)
            else:
                entry.unlink(missing_ok=True)


def main() -> None:
    with WarmLibreOffice() as warm:
        warm.start()
        print(json.dumps({"ready": True}), flush=True)
        for line in sys.stdin:
            request = json.loads(line)
            if request.get("forget"):  # before a cold build, untimed
                forget_but_profiles()
                print(json.dumps({"forgotten": True}), flush=True)
                continue
            started = time.perf_counter()
            build(
                Path(request["meeting"]),
                Path(request["out"]),
                converter=CachingConverter(warm, Path(request["cache"])),
            )
            seconds = time.perf_counter() - started
            print(json.dumps({"seconds": seconds, "starts": warm.starts}), flush=True)


if __name__ == "__main__":
    main()
