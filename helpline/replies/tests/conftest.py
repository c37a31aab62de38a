"""Fixtures for canned messages and predefined answers."""

from __future__ import annotations

import pytest

from helpline.core.actors import Actor


@pytest.fixture
def department(account):
    from helpline.tenancy.selectors import list_departments

    return list_departments(account)[0]


@pytest.fixture
def owner_actor(owner):
    return Actor(user=owner)
