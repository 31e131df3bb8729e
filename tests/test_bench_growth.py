"""The benchmark's growth target (`bench.run`): judged on rebuilds run alternately, when there are
such runs, not on two sizes measured half an hour apart."""

from __future__ import annotations

from pathlib import Path

from bench.run import CONTENDERS, Bench, Growth, Run, Sizes, targets


def _bench(pages: int, rebuild: float) -> Bench:
    b = Bench(pages, Path("meeting"), Path("work"), 1, caller=None)  # type: ignore[arg-type]
    for key in CONTENDERS:
        b.results[key] = [Run(rebuild if key in ("b", "wb") else 10.0, 100 << 20)]
    return b


def _row(rows: list[str]) -> str:
    return next(r for r in rows if r.startswith("| rebuild (b) at 4,000"))


def test_the_growth_is_the_ratio_of_the_alternate_rebuilds_when_there_are_any():
    benches = [_bench(1000, 1.0), _bench(4000, 1.8)]  # measured apart: 1.8, a miss
    sizes = {
        p: Sizes({}, {"public": 1, "public inputs": 1, "private": 1, "private inputs": 1})
        for p in (1000, 4000)
    }
    assert "| 1.80 | **missed** |" in _row(targets(benches, sizes))

    growth = Growth([Run(s, 0) for s in (1.2, 1.0, 1.1)], [Run(s, 0) for s in (1.6, 1.5, 2.5)])
    row = _row(targets(benches, sizes, growth))
    assert "alternately" in row and "| 1.45 | **met** |" in row  # 1.6 / 1.1
