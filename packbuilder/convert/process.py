"""One LibreOffice process: started in a group of its own, tied to our life, stopped as a group.

``soffice`` is a shell script that runs ``oosplash``, which forks ``soffice.bin``, the program that
does the work; the network sandbox and a time limit may wrap them in ``unshare`` and ``timeout``.
All of them share one process group (the session `start` creates), so killing the group stops
every one of them, and nothing else.

A build killed with SIGKILL runs no clean-up of its own, and Linux's parent-death signal would
reach only the first of that chain (it is not inherited by ``soffice.bin``, which oosplash forks).
So each LibreOffice gets a guard: a tiny ``sh`` in a session of its own, reading a pipe whose
other end only this Python process holds. When we stop the group ourselves we tell the guard
(``done``) and it exits; when this process dies, by any signal, the kernel closes the pipe, the
guard reads end-of-file and kills the group at once. It ignores the signals a terminal or a
service manager sends to our own group, so it outlives us by the moment it needs.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path
from typing import NamedTuple

# LibreOffice maps, touches and unmaps a large block over and over while starting: ~300,000 page
# faults, half a second of system time. Keeping such blocks in the heap makes a start ~0.4 s faster
# for ~45 MB more resident memory, so it is used when one process converts the whole batch (two
# processes are already ~500 MB). glibc only; other C libraries ignore the variable.
GLIBC_TUNABLES = "glibc.malloc.mmap_threshold=268435456:glibc.malloc.trim_threshold=268435456"
OPTIONS = ("--headless", "--invisible", "--nologo", "--norestore", "--nolockcheck")

_GUARD = (
    'trap "" HUP INT TERM QUIT PIPE; '
    'while read -r line; do [ "$line" = done ] && exit 0; done; '
    'kill -9 "-$1" 2>/dev/null'  # dash's kill takes no "--"
)


def find_soffice() -> str | None:
    """The ``soffice`` program: on PATH, else where the usual packages put it; None if absent."""
    for name in ("soffice", "libreoffice"):
        found = shutil.which(name)
        if found:
            return found
    for path in (
        "/usr/bin/soffice",
        "/usr/lib/libreoffice/program/soffice",
        "/opt/libreoffice/program/soffice",
        "/Applications/LibreOffice.app/Contents/MacOS/soffice",
    ):
        if os.path.exists(path):
            return path
    return None


def succeeds(cmd: list[str], timeout: float) -> bool:
    """Whether `cmd` runs and exits 0 within `timeout` seconds (a probe of what this machine
    allows or has installed)."""
    try:
        return (
            subprocess.run(
                cmd, stdin=subprocess.DEVNULL, capture_output=True, timeout=timeout
            ).returncode
            == 0
        )
    except (OSError, subprocess.SubprocessError):
        return False


class Launcher(NamedTuple):
    program: str  # what to start
    environment: tuple[tuple[str, str], ...]  # what it needs set


def launcher(soffice: str) -> Launcher:
    """The program to start for LibreOffice's `soffice`, and what it sets in the environment.

    Where `soffice` is LibreOffice's launcher script with the program folder beside it (as the
    Linux packages install it), that folder's ``oosplash`` is started directly, with what the
    script sets for it (``SAL_ENABLE_FILE_LOCKING``) and a PATH of that folder alone, so that
    LibreOffice runs no program of the user's PATH. Its signature support otherwise runs
    ``gpgconf`` (twice), ``gpg`` and ``gpgsm`` as the first document opens: four forks of a
    250 MB process in the middle of every conversion (0.09 s, and the copies count in the
    process tree's memory while they last). A conversion needs none of them. Anything else (another
    launcher, a test's stand-in, a development build whose script reads ``ooenv``, other systems,
    where the script sets library paths) is started as given, with our PATH. Worked out at each
    start, not remembered: an upgrade may move LibreOffice under a long-running caller.

    With that PATH LibreOffice finds no Ghostscript either: an EPS picture without a preview
    (which Word does not make) shows as a placeholder rather than drawn.
    """
    program = Path(os.path.realpath(soffice)).parent
    splash = program / "oosplash"
    if (
        sys.platform.startswith("linux")
        and os.path.basename(os.path.realpath(soffice)) == "soffice"
        and os.access(splash, os.X_OK)
        and (program / "soffice.bin").is_file()
        and not (program / "ooenv").exists()
    ):
        return Launcher(str(splash), (("SAL_ENABLE_FILE_LOCKING", "1"), ("PATH", str(program))))
    return Launcher(soffice, ())


def environment(home: Path, alone: bool, launch: Launcher | None = None) -> dict[str, str]:
    """LibreOffice's environment: ours, with a HOME of its own, no display, what its `launcher`
    sets when `launch` is given, and the malloc tuning when it is the only process of its
    batch."""
    env = dict(os.environ, HOME=str(home), SAL_USE_VCLPLUGIN="svp")
    if launch is not None:
        env.update(launch.environment)
    if alone:
        tunables = [env.get("GLIBC_TUNABLES"), GLIBC_TUNABLES]
        env["GLIBC_TUNABLES"] = ":".join(t for t in tunables if t)
    return env


class Process:
    """A LibreOffice process group that dies with this Python process.

    With `pipes`, its standard input and output are pipes to us (`popen.stdin`, `popen.stdout`),
    as the warm converter's helper needs; else both are /dev/null.

    Raises:
        OSError: the program cannot be started.
    """

    def __init__(self, cmd: list[str], env: dict[str, str], pipes: bool = False) -> None:
        self.popen = subprocess.Popen(
            cmd,
            stdin=subprocess.PIPE if pipes else subprocess.DEVNULL,
            stdout=subprocess.PIPE if pipes else subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            env=env,
            start_new_session=True,
        )
        self._guard = _start_guard(self.popen.pid)
        self._stopped = False

    @property
    def pid(self) -> int:
        return self.popen.pid

    @property
    def returncode(self) -> int | None:
        return self.popen.returncode

    def poll(self) -> int | None:
        return self.popen.poll()

    def wait(self, timeout: float | None = None) -> int:
        """Raises subprocess.TimeoutExpired after `timeout` seconds."""
        return self.popen.wait(timeout=timeout)

    def stop(self, grace: float = 0) -> None:
        """Wait up to `grace` seconds for it to exit, then kill its whole group (helpers it left
        behind included) and dismiss the guard. Idempotent: once stopped, its group id may be
        another's."""
        if self._stopped:
            return
        self._stopped = True
        if grace > 0:
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.popen.wait(timeout=grace)
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(self.popen.pid, signal.SIGKILL)
        self.popen.wait()
        for pipe in (self.popen.stdin, self.popen.stdout):
            if pipe is not None:
                with contextlib.suppress(OSError):
                    pipe.close()
        guard, self._guard = self._guard, None
        if guard is not None and guard.stdin is not None:
            with contextlib.suppress(OSError):
                guard.stdin.write(b"done\n")
                guard.stdin.close()
            guard.wait()


def _start_guard(pgid: int) -> subprocess.Popen[bytes] | None:
    """The guard that kills group `pgid` if this process dies; None where there is no sh."""
    sh = "/bin/sh"
    if os.name != "posix" or not os.access(sh, os.X_OK):
        return None
    try:
        return subprocess.Popen(
            [sh, "-c", _GUARD, "packbuilder-guard", str(pgid)],
            stdin=subprocess.PIPE,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
    except OSError:
        return None
