"""Webhook test fixtures: the recording server and the admin setting that lets webhooks reach it."""

from __future__ import annotations

import pytest

from helpline.testing.recording_server import recording_server


@pytest.fixture
def recorder():
    with recording_server() as server:
        yield server


@pytest.fixture
def allow_loopback(account):
    """The admin setting that lets webhooks reach the test server on loopback."""
    from helpline.webhooks.actions import set_allowed_ranges

    set_allowed_ranges(account=account, ranges=["127.0.0.0/8"])
