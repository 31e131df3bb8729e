"""`packbuilder-web serve`: set up the database and start the server and the job consumer."""

from __future__ import annotations

import signal
import subprocess
import sys

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Migrate the database, then serve the web page (uvicorn) with a job consumer (Huey)."

    def add_arguments(self, parser):  # type: ignore[no-untyped-def]
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--no-consumer", action="store_true", help="jobs run elsewhere")

    def handle(self, *args, host: str, port: int, no_consumer: bool, **options):  # type: ignore[no-untyped-def]
        import uvicorn

        from packbuilder.web.models import User

        call_command("migrate", interactive=False, verbosity=0)
        consumer = None
        if not no_consumer and not settings.HUEY.get("immediate"):
            from packbuilder.web.jobs import recover_interrupted, recover_stale

            if settings.REDIS_URL:
                recover_stale()  # workers elsewhere may be building: only the silent ones
            else:
                recover_interrupted()  # this consumer is the only one: its builds died with it
            consumer = subprocess.Popen(
                [sys.executable, "-m", "packbuilder.web", "run_huey", "--quiet"]
            )
        self.stdout.write(f"packbuilder web page: http://{host}:{port}/ (data in {settings.DATA})")
        if not User.objects.filter(is_superuser=True).exists():
            self.stdout.write(
                "No admin yet. Create the first one (it can then add accounts at /admin/):\n"
                f"    {sys.executable.rsplit('/', 1)[0]}/packbuilder-web createsuperuser"
            )
        # uvicorn stops on SIGTERM (systemd, docker, kill) and then raises it again with the
        # handler it found in place: the default one ended the process there, before the
        # consumer below was stopped, which went on running orphaned. Ended as Ctrl-C ends it.
        previous = signal.signal(signal.SIGTERM, _exit)
        try:
            uvicorn.run(
                "packbuilder.web.asgi:application",
                host=host,
                port=port,
                log_level="warning",
                timeout_graceful_shutdown=2,
            )
        finally:
            signal.signal(signal.SIGTERM, previous)
            if consumer is not None:
                consumer.send_signal(signal.SIGINT)
                try:
                    consumer.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    consumer.kill()


def _exit(signum: int, frame: object) -> None:
    raise SystemExit(128 + signum)
