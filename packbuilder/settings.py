"""Settings from the environment: read once, in one place, into one frozen object.

No other module reads ``os.environ``. The library takes a `Settings` where a caller may want its
own (a test, a web app serving several councils); otherwise `settings()` builds one from the
process environment the first time it is asked and keeps it.
"""

from __future__ import annotations

import datetime as dt
import functools
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import platformdirs

from packbuilder.errors import PackError

DEFAULT_CONVERT_TIMEOUT = 120.0
# The warm converter's LibreOffice is restarted after this many documents (unoserver users report
# LibreOffice dying after ~400) or once its process tree holds more than this many MB.
DEFAULT_WARM_MAX_CONVERSIONS = 200
DEFAULT_WARM_MAX_MEMORY_MB = 800
DEFAULT_GOTENBERG_CONCURRENCY = 4
DEFAULT_REDIS_LOCK_SECONDS = 30.0


def default_convert_processes() -> int:
    """2 LibreOffice processes per batch with 2 cores or more, else 1 (bench/results.md, a/a1)."""
    return min(2, os.cpu_count() or 1)


def default_cache_dir() -> Path:
    """The user's cache folder for packbuilder (``~/.cache/packbuilder`` on Linux, honouring
    XDG_CACHE_HOME; the platform's own elsewhere)."""
    return platformdirs.user_cache_path("packbuilder")


@dataclass(frozen=True)
class Settings:
    """Everything packbuilder takes from the environment.

    Environment variables (all optional):

    ``PACKBUILDER_CONVERT_TIMEOUT``
        Seconds a LibreOffice process may go without producing a PDF before it is deemed hung,
        killed and restarted once (default 120). Must be a positive number.
    ``PACKBUILDER_CONVERT_PROCESSES``
        Most LibreOffice processes converting one batch side by side (default 2 with two cores
        or more, else 1). Anything but a positive whole number means the default.
    ``PACKBUILDER_CONVERT_NETWORK``
        ``allow`` lets LibreOffice reach the network while converting; anything else (the
        default) runs it in an empty network namespace where the system allows one.
    ``PACKBUILDER_CACHE``
        Folder of the conversion cache and the kept LibreOffice profiles (default: the user's
        cache folder, see `default_cache_dir`; platformdirs reads ``XDG_CACHE_HOME`` itself).
    ``PACKBUILDER_TEMPLATES``
        A folder of Word templates searched after a meeting folder's own ``templates/`` and before
        the shipped ones (default: none).
    ``PACKBUILDER_TODAY``
        Pretend today is this date (YYYY-MM-DD), for tests and for asking what tomorrow's
        scheduled run would do (the command line's ``--today``; the web page's clock).
    ``PACKBUILDER_WARM_MAX_CONVERSIONS``
        The warm converter (docs/warm-converter.md) restarts its LibreOffice after this many
        documents (default 200). Anything but a positive whole number means the default.
    ``PACKBUILDER_WARM_MAX_MEMORY_MB``
        ... or as soon as LibreOffice's processes hold more than this many MB (default 800).
        Anything but a positive whole number means the default.
    ``PACKBUILDER_CACHE_MAX_MB``
        Size bound of the conversion cache in megabytes: after each build the entries used longest
        ago are deleted down to it (default: no bound).
    ``PACKBUILDER_GOTENBERG_URL``
        The address of a Gotenberg conversion service (e.g. ``http://gotenberg:3000``): documents
        are converted there instead of by a local LibreOffice, the cache still in front (default:
        none, local LibreOffice). See docs/scaling.md.
    ``PACKBUILDER_GOTENBERG_CONCURRENCY``
        Most documents of one build sent to Gotenberg at once (default 4). Anything but a
        positive whole number means the default.
    ``PACKBUILDER_REDIS_URL``
        A Redis server (``redis://host:6379/0``) that several machines share: the meeting build
        lock is then taken there as well as on the output folder, and the web page's jobs queue
        there (default: none, both local).
    ``PACKBUILDER_REDIS_LOCK_SECONDS``
        How long the Redis build lock of a worker that died outlives it (default 30): its holder
        renews it every third of that while it builds.
    """

    convert_timeout: float = DEFAULT_CONVERT_TIMEOUT
    convert_processes: int = field(default_factory=default_convert_processes)
    network_allowed: bool = False
    cache_dir: Path = field(default_factory=default_cache_dir)
    templates_dir: Path | None = None
    today: dt.date | None = None
    warm_max_conversions: int = DEFAULT_WARM_MAX_CONVERSIONS
    warm_max_memory_mb: int = DEFAULT_WARM_MAX_MEMORY_MB
    cache_max_mb: int | None = None
    gotenberg_url: str | None = None
    gotenberg_concurrency: int = DEFAULT_GOTENBERG_CONCURRENCY
    redis_url: str | None = None
    redis_lock_seconds: float = DEFAULT_REDIS_LOCK_SECONDS

    @classmethod
    def from_env(cls, environ: Mapping[str, str]) -> Settings:
        """Settings from `environ` (normally ``os.environ``).

        Raises:
            PackError: a variable that cannot mean anything (a timeout that is not a number).
        """
        processes = environ.get("PACKBUILDER_CONVERT_PROCESSES", "")
        cache = environ.get("PACKBUILDER_CACHE")
        templates = environ.get("PACKBUILDER_TEMPLATES")
        concurrency = environ.get("PACKBUILDER_GOTENBERG_CONCURRENCY", "")
        max_mb = environ.get("PACKBUILDER_CACHE_MAX_MB", "").strip()
        lock_seconds = environ.get("PACKBUILDER_REDIS_LOCK_SECONDS", "").strip()
        return cls(
            convert_timeout=_timeout(environ.get("PACKBUILDER_CONVERT_TIMEOUT")),
            convert_processes=(
                int(processes)
                if processes.isdigit() and int(processes) > 0
                else default_convert_processes()
            ),
            network_allowed=environ.get("PACKBUILDER_CONVERT_NETWORK") == "allow",
            cache_dir=Path(cache) if cache else default_cache_dir(),
            templates_dir=Path(templates) if templates else None,
            today=_day(environ.get("PACKBUILDER_TODAY")),
            warm_max_conversions=_count(
                environ.get("PACKBUILDER_WARM_MAX_CONVERSIONS"), DEFAULT_WARM_MAX_CONVERSIONS
            ),
            warm_max_memory_mb=_count(
                environ.get("PACKBUILDER_WARM_MAX_MEMORY_MB"), DEFAULT_WARM_MAX_MEMORY_MB
            ),
            cache_max_mb=int(max_mb) if max_mb.isdigit() and int(max_mb) > 0 else None,
            gotenberg_url=environ.get("PACKBUILDER_GOTENBERG_URL", "").strip().rstrip("/") or None,
            gotenberg_concurrency=(
                int(concurrency)
                if concurrency.isdigit() and int(concurrency) > 0
                else DEFAULT_GOTENBERG_CONCURRENCY
            ),
            redis_url=environ.get("PACKBUILDER_REDIS_URL", "").strip() or None,
            redis_lock_seconds=(
                float(lock_seconds)
                if lock_seconds.isdigit() and int(lock_seconds) > 0
                else DEFAULT_REDIS_LOCK_SECONDS
            ),
        )


def _day(value: str | None) -> dt.date | None:
    if value is None or not value.strip():
        return None
    try:
        return dt.date.fromisoformat(value.strip())
    except ValueError:
        pass
    from packbuilder.errors import Source
    from packbuilder.sheets import Cell, date

    try:  # as an advisor writes a date, and as `--today` takes it: 05/03/2020, 5 March 2020
        return date(Cell(value.strip(), Source(Path("PACKBUILDER_TODAY"))))
    except PackError:
        raise PackError(
            f"PACKBUILDER_TODAY must be a date (05/03/2020, 5 March 2020 or YYYY-MM-DD), not "
            f"{value!r}; correct it or unset it"
        ) from None


def _count(value: str | None, default: int) -> int:
    """A positive whole number, or `default` for anything else."""
    value = (value or "").strip()
    return int(value) if value.isdigit() and int(value) > 0 else default


def _timeout(value: str | None) -> float:
    if value is None or not value.strip():
        return DEFAULT_CONVERT_TIMEOUT
    try:
        seconds = float(value)
    except ValueError:
        seconds = float("nan")
    if not seconds > 0 or seconds == float("inf"):
        raise PackError(
            f"PACKBUILDER_CONVERT_TIMEOUT must be a number of seconds above 0, not {value!r}; "
            "set it to e.g. 120 or unset it"
        )
    return seconds


@functools.cache
def settings() -> Settings:
    """The process's settings, built from ``os.environ`` on first use and kept."""
    return Settings.from_env(os.environ)
