"""Huey discovers tasks in ``<app>.tasks``: the task that works through a bulk job."""

from huey.contrib.djhuey import db_task


@db_task()
def run_bulk_job_task(job_id: int) -> str:
    """Idempotent: a finished job is left alone, an interrupted one resumes where its last chunk committed."""
    from helpline.bulk.actions import run_bulk_job

    job = run_bulk_job(job_id=job_id)
    return job.state if job is not None else "missing"
