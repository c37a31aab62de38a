"""Every write to bulk jobs goes through these functions."""

from helpline.bulk.actions.jobs import run_bulk_job, start_bulk_job

__all__ = ["run_bulk_job", "start_bulk_job"]
