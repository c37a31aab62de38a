"""Reactions to changes of departments and calendars: forget the cached response times and hours."""

from __future__ import annotations

from helpline.events.types import BusinessCalendarChanged, DepartmentChanged
from helpline.tosolve.deadlines import forget_policies


def forget_work_policies(event: BusinessCalendarChanged | DepartmentChanged) -> None:
    forget_policies(event.account_id)
