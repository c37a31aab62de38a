"""Subscribers of the bulk package."""

from helpline.events.types import BulkJobStarted


def run_bulk_job_soon(event: BulkJobStarted) -> None:
    from helpline.bulk.tasks import run_bulk_job_task

    run_bulk_job_task(event.job_id)
