"""Process groups seen from /proc, for the tests of LibreOffice's supervision."""

from __future__ import annotations

import contextlib
import os
import time
from pathlib import Path


def soffice_bins(pgid: int) -> list[int]:
    """soffice.bin processes of the group `pgid`."""
    out = []
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        with contextlib.suppress(OSError):
            stat = Path(f"/proc/{entry.name}/stat").read_bytes()
            comm = stat[stat.index(b"(") + 1 : stat.rindex(b")")]
            if int(stat[stat.rindex(b")") + 2 :].split()[2]) == pgid and comm == b"soffice.bin":
                out.append(int(entry.name))
    return out


def members(pgid: int) -> list[int]:
    """Live processes of group `pgid` (zombies waiting to be reaped count as gone)."""
    return _live(2, pgid)


def children(pid: int) -> list[int]:
    """Live processes whose parent is `pid`."""
    return _live(1, pid)


def _live(field: int, value: int) -> list[int]:
    """Live processes whose /proc stat field `field` after the name (0 the state, 1 the parent,
    2 the group) is `value`."""
    out = []
    for entry in os.scandir("/proc"):
        if entry.name.isdigit():
            with contextlib.suppress(OSError):
                stat = Path(f"/proc/{entry.name}/stat").read_bytes()
                fields = stat[stat.rindex(b")") + 2 :].split()
                if int(fields[field]) == value and fields[0] != b"Z":
                    out.append(int(entry.name))
    return out


def group_alive(pgid: int) -> bool:
    return bool(members(pgid))


def gone(pgid: int, within: float = 10.0) -> bool:
    """Whether a killed process group is gone within a few seconds (reaping takes a moment on a
    loaded machine)."""
    deadline = time.monotonic() + within
    while group_alive(pgid) and time.monotonic() < deadline:
        time.sleep(0.1)
    return not group_alive(pgid)


def describe(pgid: int) -> str:
    """The live processes of group `pgid`, one "pid command" each, for a failure's message."""
    lines = []
    for pid in members(pgid):
        with contextlib.suppress(OSError):
            cmd = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ")
            lines.append(f"{pid} {cmd.decode(errors='replace')[:120]}")
    return "; ".join(lines) or "none"


def environ_of(pid: int) -> dict[str, str]:
    """The environment process `pid` was started with."""
    pairs = Path(f"/proc/{pid}/environ").read_bytes().split(b"\0")
    return dict(p.decode().split("=", 1) for p in pairs if b"=" in p)
