"""The interface every channel adapter implements."""

from __future__ import annotations

from dataclasses import dataclass


class TemporaryFailure(Exception):
    """Sending failed in a way that may pass: the task retries with backoff."""


class PermanentFailure(Exception):
    """Sending can never succeed (bad address, rejected): shown on the message."""


@dataclass(frozen=True)
class SendResult:
    external_id: str = ""


class ChannelAdapter:
    kind: str = ""
    label: str = ""
    message_kind: str = "web"
    sends_to_addresses: bool = False  # can deliver to explicit To/CC/BCC addresses (a forward from any ticket)

    def send(self, message) -> SendResult:  # pragma: no cover - interface
        raise NotImplementedError
