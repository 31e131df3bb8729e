"""`packbuilder-web`: Django's manage.py for packbuilder's web page (`packbuilder-web serve`)."""

from __future__ import annotations

import os
import sys

LOOPBACK = ("127.0.0.1", "localhost", "::1")


def main(argv: list[str] | None = None) -> None:
    argv = list(sys.argv if argv is None else argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "packbuilder.web.settings")
    if len(argv) > 1 and argv[1] == "serve":
        host = argv[argv.index("--host") + 1] if "--host" in argv[:-1] else "127.0.0.1"
        if host in LOOPBACK:
            # plain http on this machine only: browsers would not send back Secure cookies
            os.environ.setdefault("PACKBUILDER_WEB_HTTPS", "0")
    from django.core.management import execute_from_command_line

    execute_from_command_line(argv)


if __name__ == "__main__":
    main()
