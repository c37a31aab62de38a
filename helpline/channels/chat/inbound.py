"""What a chat line is to the rest of Helpline: its external id (the dedupe key of the message and of its raw-source
record) and the raw source kept for a visitor's line."""

from __future__ import annotations

import json

from helpline.channels.chat.models import ChatSession


def external_id(session: ChatSession, side: str, cid: str) -> str:
    return f"chat:{session.public_id}:{side}:{cid}"


def raw_source(session: ChatSession, *, cid: str, text: str) -> bytes:
    """The raw source of a visitor's text line, written to disk (ingest.raw) before the line is stored."""
    return json.dumps({"session": session.public_id, "cid": cid, "text": text}, ensure_ascii=False).encode()
