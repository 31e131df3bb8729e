"""LibreOffice driven through its UNO bridge by a small helper (`uno_worker`), one document per
request: the warm converter's LibreOffice (`warm`), kept between builds.

A build's prestarted LibreOffice (`libreoffice`) is not driven this way: measured on the
benchmark's 34 Word papers, LibreOffice converting them through the bridge held 100 MB more and
took 30% longer than the same LibreOffice given them by ``soffice --convert-to``.

The helper is run by a Python that has LibreOffice's bridge (Debian's ``python3-uno``), in the
network sandbox, as the leader of a process group its LibreOffice belongs to (`process`): killing
the group stops both. It answers one JSON line per request; `Server` reads the answers with a time
limit, so that a LibreOffice that hangs or dies is seen as such (`Dead`).
"""

from __future__ import annotations

import contextlib
import functools
import json
import os
import select
import shutil
import threading
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

from packbuilder.convert.process import Launcher, Process, succeeds

WORKER = Path(__file__).with_name("uno_worker.py")
START_TIMEOUT = 120.0  # seconds LibreOffice may take to start and accept the helper
PAGE = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096


@functools.cache
def uno_python(soffice: str) -> str | None:
    """A Python that can ``import uno``: LibreOffice's own, else the system's; None if none."""
    program = Path(os.path.realpath(soffice)).parent
    candidates = [str(program / "python"), "/usr/bin/python3", shutil.which("python3")]
    for python in dict.fromkeys(c for c in candidates if c):
        if os.access(python, os.X_OK) and succeeds([python, "-c", "import uno"], timeout=30):
            return python
    return None


def group_rss(pgid: int) -> int:
    """Bytes resident in every process of group `pgid`, summed (shared pages count twice)."""
    total = 0
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat", "rb") as fh:
                stat = fh.read()
            if int(stat[stat.rindex(b")") + 2 :].split()[2]) != pgid:
                continue
            with open(f"/proc/{entry.name}/statm", "rb") as fh:
                total += int(fh.read().split()[1]) * PAGE
        except (OSError, ValueError, IndexError):
            continue
    return total


class Dead(Exception):
    """The helper or its LibreOffice ended, or did not answer in time (`hung`)."""

    def __init__(self, hung: bool) -> None:
        super().__init__("hung" if hung else "ended")
        self.hung = hung


@dataclass
class Server:
    """One helper and its LibreOffice, the kept profile they hold, and what they have done."""

    proc: Process
    stack: contextlib.ExitStack
    profile: Path
    ready: bool = False
    conversions: int = 0
    _buffer: bytes = field(default=b"", repr=False)

    def readline(self, seconds: float, cancel: threading.Event | None = None) -> dict[str, object]:
        """The helper's next answer; raises Dead if it ends or says nothing for `seconds` (or
        `cancel` is set meanwhile: not hung)."""
        assert self.proc.popen.stdout is not None
        fd = self.proc.popen.stdout.fileno()
        deadline = time.monotonic() + seconds
        while b"\n" not in self._buffer:
            left = deadline - time.monotonic()
            if left <= 0:
                raise Dead(hung=True)
            if cancel is not None and cancel.is_set():
                raise Dead(hung=False)
            readable, _, _ = select.select([fd], [], [], left if cancel is None else min(left, 0.1))
            if not readable:
                continue
            chunk = os.read(fd, 65536)
            if not chunk:
                raise Dead(hung=False)
            self._buffer += chunk
        line, self._buffer = self._buffer.split(b"\n", 1)
        try:
            answer = json.loads(line)
        except ValueError:
            raise Dead(hung=False) from None
        return answer if isinstance(answer, dict) else {}

    def wait_ready(self, seconds: float, cancel: threading.Event | None = None) -> None:
        if not self.ready:
            self.readline(seconds, cancel)
            self.ready = True

    def convert(
        self, staged: Path, output: Path, seconds: float, cancel: threading.Event | None = None
    ) -> str | None:
        """Convert one document; None when done, else LibreOffice's own complaint."""
        assert self.proc.popen.stdin is not None
        try:
            self.proc.popen.stdin.write(
                (json.dumps({"in": str(staged), "out": str(output)}) + "\n").encode()
            )
            self.proc.popen.stdin.flush()
        except OSError:
            raise Dead(hung=False) from None
        answer = self.readline(seconds, cancel)
        self.conversions += 1
        return None if answer.get("ok") else str(answer.get("error") or "no answer")

    def memory(self) -> int:
        return group_rss(self.proc.pid)

    def stop(self, grace: float = 0, wipe: bool = False) -> None:
        """Ask the helper to stop LibreOffice (it does when its input closes), wait up to `grace`
        seconds, then kill the group; wipe the profile if asked (before letting it go)."""
        if grace > 0 and self.proc.popen.stdin is not None:
            with contextlib.suppress(OSError):
                self.proc.popen.stdin.close()
        self.proc.stop(grace)
        if wipe:
            shutil.rmtree(self.profile, ignore_errors=True)
        self.stack.close()


def helper_command(
    python: str, launch: Launcher, profile: Path, options: dict[str, bool], scratch: Path
) -> list[str]:
    """The command that runs the helper on `profile`, exporting with `options` (the PDF filter's
    FilterData), on a pipe of its own, with `scratch` for its own files (its warm-up). The
    helper starts `launch.program` with what `launch` sets in its environment; the helper itself
    keeps ours (LibreOffice's own Python may be a script that needs the usual PATH)."""
    pipe = f"packbuilder-{os.getpid()}-{uuid.uuid4().hex[:12]}"
    env = shutil.which("env") or "/usr/bin/env"
    settings = [f"{name}={value}" for name, value in launch.environment]
    return [
        python,
        str(WORKER),
        launch.program,
        profile.as_uri(),
        pipe,
        json.dumps(options),
        str(scratch),
        json.dumps([env, *settings] if settings else []),
    ]
