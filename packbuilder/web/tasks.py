"""Huey tasks: builds and e-mails run in the consumer `packbuilder-web serve` starts, and the
scheduled build runs there too, so no cron is needed (cron with `packbuilder build-due` still works
on the same folders)."""

from __future__ import annotations

from django.conf import settings
from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from packbuilder.web import jobs


@db_task()
def build_task(build_id: int) -> None:
    jobs.run_build(build_id)


@db_task()
def notify_task(version_id: int) -> None:
    jobs.notify_subscribers(version_id)


@db_periodic_task(crontab(minute="*"))
def recover_stale_builds() -> None:
    """A build whose worker died (killed, its machine gone) is built again or reported failed."""
    jobs.recover_stale()


if settings.SCHEDULE_MINUTES > 0:
    minutes = min(settings.SCHEDULE_MINUTES, 60)

    @db_periodic_task(crontab(minute=f"*/{minutes}"))
    def scheduled_builds() -> None:
        jobs.run_schedule()
