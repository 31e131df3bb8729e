"""A long-running caller with a warm converter, for the benchmark's (w) rows.

Started once by `bench.run`; holds one `WarmLibreOffice` (docs/warm-converter.md) and builds a
meeting for each request, a JSON line ``{"meeting": ..., "out": ..., "cache": ...}`` on its
standard input, answering ``{"seconds": ...}`` when the build is done. A web worker or a scheduler
loop would do the same: the benchmark measures each build from request to answer, and the peak
memory of this process's tree (Python, the helper and LibreOffice) while it runs.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

from packbuilder.build import build
from packbuilder.convert import CachingConverter, WarmLibreOffice


def main() -> None:
    with WarmLibreOffice() as warm:
        warm.start()
        print(json.dumps({"ready": True}), flush=True)
        for line in sys.stdin:
            request = json.loads(line)
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
