"""A department's business hours: weekly opening intervals, time zone, holidays and response time."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from ninja import Schema
from pydantic import Field, StringConstraints

from helpline.api.schemas.common import Input, text

HHMM = Annotated[str, StringConstraints(pattern=r"^([01]\d|2[0-3]):[0-5]\d$")]
Interval = Annotated[
    list[HHMM], Field(min_length=2, max_length=2, description='["from", "to"], e.g. ["09:00", "17:00"]')
]


class HolidayOut(Schema):
    id: str
    date: date
    name: str
    recurring: bool

    @staticmethod
    def resolve_id(obj):
        return obj.public_id


class BusinessHoursOut(Schema):
    own_hours: bool = Field(description="false: the department follows the account's default hours")
    timezone: str | None = None
    weekly: dict[str, list[list[str]]] = Field(
        default_factory=dict, description='{"mon": [["09:00", "17:00"]], …}; a missing day is closed'
    )
    holidays: list[HolidayOut] = Field(default_factory=list)
    response_minutes: int | None = Field(None, description="null: the account's default response time")


class BusinessHoursIn(Input):
    own_hours: bool
    timezone: text(64) = ""
    weekly: dict[str, Annotated[list[Interval], Field(max_length=6)]] = Field(default_factory=dict)
    response_minutes: int | None = Field(None, ge=1, le=366 * 24 * 60)


class HolidayIn(Input):
    date: date
    name: text(100) = ""
    recurring: bool = False
