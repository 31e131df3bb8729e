"""Builds killed with SIGKILL at random moments, for KILL_SECONDS (default 45): run by `make fuzz`.

Each kill must leave the output folder with a whole pack of one build or the other, never a partial
file. `make test` kills at a few fixed moments instead (tests/test_faults.py). KILL_SEED repeats a
run: the seed is printed at the end and in every failure.
"""

from __future__ import annotations

import os
import random
import sys
import time
from pathlib import Path

import pytest

from tests.test_faults import PUBLISH_STEPS, KillRig

pytestmark = pytest.mark.libreoffice


def test_sigkill_at_random_moments_never_leaves_a_broken_pack(tmp_path: Path, libreoffice) -> None:
    rig = KillRig.start(tmp_path)
    seed = int(os.environ.get("KILL_SEED", random.randrange(1 << 30)))
    rng = random.Random(seed)
    deadline = time.monotonic() + float(os.environ.get("KILL_SECONDS", "45"))
    seen = [0, 0]
    while time.monotonic() < deadline:
        # kill anywhere from the start to a little after a build would have finished; a third of
        # the kills near the end of a build, and a third in the milliseconds of publishing
        span = rig.span * 1.3
        once = None
        dice = rng.random()
        if dice < 1 / 3:
            after = rng.uniform(0.0, span)
        elif dice < 2 / 3:
            after = rng.uniform(0.6, 0.9) * span
        else:
            after, once = rng.uniform(0.0, 0.005), rng.choice(PUBLISH_STEPS)
        try:
            rig.build_and_kill(after, once)
        except AssertionError as exc:
            raise AssertionError(f"seed {seed}: {exc}") from None
        seen[rig.current] += 1
    print(
        f"sigkill loop: seed {seed}, span {rig.span:.1f} s, {rig.kills} kills "
        f"({rig.seen} in publish), {rig.finished} finished, packs seen {seen}",
        file=sys.stderr,
    )
    assert rig.kills >= 5
    rig.finish()
