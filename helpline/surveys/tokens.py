"""The survey link's token: the account's and the ticket's public ids, signed (django.core.signing) with a
salt of its own, valid for ``MAX_AGE``. Nothing else is needed to rate: no login."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.core import signing

SALT = "helpline.surveys.rating"
MAX_AGE = 30 * 24 * 3600  # seconds: a month to answer


class Expired(Exception):
    pass


class Invalid(Exception):
    pass


@dataclass(frozen=True)
class SurveyToken:
    account_public_id: str
    ticket_public_id: str


def make_token(ticket) -> str:
    return signing.dumps({"a": ticket.account.public_id, "t": ticket.public_id}, salt=SALT, compress=True)


def survey_url(ticket) -> str:
    return f"{settings.BASE_URL}/survey/{make_token(ticket)}/"


def read_token(token: str) -> SurveyToken:
    try:
        data = signing.loads(token, salt=SALT, max_age=MAX_AGE)
    except signing.SignatureExpired as exc:
        raise Expired from exc
    except (signing.BadSignature, ValueError, UnicodeError) as exc:
        raise Invalid from exc
    if not isinstance(data, dict) or not isinstance(data.get("a"), str) or not isinstance(data.get("t"), str):
        raise Invalid
    return SurveyToken(data["a"], data["t"])
