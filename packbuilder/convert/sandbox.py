"""The network sandbox: LibreOffice converts with no network at all, where the system allows it.

A Word file can link images or data from the web, and LibreOffice would fetch them while
converting: a hostile paper could make the build call out, or leak that the pack is being built.
An empty network namespace (util-linux ``unshare``; as root, or through an unprivileged user
namespace) makes every such fetch fail at once. Where neither is allowed, LibreOffice runs as is.
``PACKBUILDER_CONVERT_NETWORK=allow`` (`Settings.network_allowed`) turns the sandbox off.
"""

from __future__ import annotations

import functools
import shutil

from packbuilder.convert.process import succeeds
from packbuilder.settings import Settings


def command_prefix(settings: Settings) -> tuple[str, ...]:
    """What to put before LibreOffice's command line under these settings."""
    return () if settings.network_allowed else no_network_prefix()


@functools.cache
def no_network_prefix() -> tuple[str, ...]:
    """A command prefix that runs a program in an empty network namespace; () where the system
    allows none. Probed once per process."""
    unshare = shutil.which("unshare")
    if not unshare:
        return ()
    for flags in (("-n",), ("-r", "-n")):
        if succeeds([unshare, *flags, "true"], timeout=10):
            return (unshare, *flags)
    return ()
