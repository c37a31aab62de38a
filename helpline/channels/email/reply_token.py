"""Signed reply tokens: proof that a mail answers one Helpline sent about a ticket on behalf of one agent.

Every outgoing Message-ID carries the ticket's public id; a message written by an agent also carries that
agent's public id and an HMAC (keyed from SECRET_KEY) over both::

    <hl1.{nonce}.{ticket public id}.{agent public id}.{mac}@{domain}>   agent reply
    <hl1.{nonce}.{ticket public id}@{domain}>                             Helpline's own mail (no token)

Mail clients quote the Message-ID in In-Reply-To and References, so an agent answering from their own mail
client brings the token back without knowing it. An agent reply is accepted only when the From address is an
agent of the account AND a token in those headers (or an ``X-Helpline-Reply-Token`` header) verifies for that
agent and a ticket of the account. A forged Message-ID fails the HMAC; a copied one only speaks for the agent
and the ticket it was made for.
"""

from __future__ import annotations

import base64
import hmac
import re
from dataclasses import dataclass

from django.utils.crypto import salted_hmac

from helpline.core.ids import new_public_id

PREFIX = "hl1"
HEADER = "X-Helpline-Reply-Token"
_SALT = "helpline.channels.email.reply_token"
_TOKEN = re.compile(r"(?:^|[<.])hl1\.[0-9a-z]{1,32}\.([0-9a-z]{16})\.([0-9a-z]{16})\.([0-9a-z]{26})(?:@|>|$)")


@dataclass(frozen=True)
class ReplyToken:
    ticket_public_id: str
    agent_public_id: str


def _mac(ticket_public_id: str, agent_public_id: str) -> str:
    digest = salted_hmac(_SALT, f"{ticket_public_id}.{agent_public_id}", algorithm="sha256").digest()
    return base64.b32encode(digest[:16]).decode().rstrip("=").lower()


def token(ticket_public_id: str, agent_public_id: str, nonce: str = "") -> str:
    """The bare token, e.g. for the X-Helpline-Reply-Token header of a notification."""
    mac = _mac(ticket_public_id, agent_public_id)
    return f"{PREFIX}.{nonce or new_public_id(10)}.{ticket_public_id}.{agent_public_id}.{mac}"


def message_id(*, ticket_public_id: str, domain: str, agent_public_id: str = "", nonce: str = "") -> str:
    """A Message-ID for mail about this ticket, signed for the agent when one wrote it.

    ``nonce`` (e.g. the message's public id) makes it stable, so a retried send repeats the same Message-ID.
    """
    if agent_public_id:
        return f"<{token(ticket_public_id, agent_public_id, nonce)}@{domain}>"
    return f"<{PREFIX}.{nonce or new_public_id(10)}.{ticket_public_id}@{domain}>"


def verify(value: str) -> ReplyToken | None:
    """The token in a Message-ID or header value, if its HMAC is right; None otherwise."""
    match = _TOKEN.search((value or "").strip().lower())
    if not match:
        return None
    ticket_public_id, agent_public_id, mac = match.groups()
    if not hmac.compare_digest(mac, _mac(ticket_public_id, agent_public_id)):
        return None
    return ReplyToken(ticket_public_id=ticket_public_id, agent_public_id=agent_public_id)


def verified_tokens(values: list[str]) -> list[ReplyToken]:
    """Every valid token among these Message-IDs / header values, in order."""
    found = []
    for value in values[:100]:
        result = verify(value)
        if result and result not in found:
            found.append(result)
    return found
