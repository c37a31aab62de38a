"""Signed-in clients for the workspace tests."""

from __future__ import annotations

import pytest
from django.test import Client


def signed_in(user, account=None) -> Client:
    client = Client()
    client.force_login(user)
    if account is not None:
        session = client.session
        session["account"] = account.public_id
        session.save()
    return client


@pytest.fixture
def owner_client(owner, account):
    return signed_in(owner, account)


@pytest.fixture
def agent_client(agent, account):
    return signed_in(agent, account)


HTMX = {"HTTP_HX_REQUEST": "true"}


def htmx_target(element_id: str) -> dict:
    return {**HTMX, "HTTP_HX_TARGET": element_id}
