"""Huey discovers tasks in ``<app>.tasks``; the email channel's live in ``transports/tasks.py``."""

from helpline.channels.email.transports.tasks import fetch_mailbox, poll_mailboxes

__all__ = ["fetch_mailbox", "poll_mailboxes"]
