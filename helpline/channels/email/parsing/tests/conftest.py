"""The parser is pure: these tests need neither Django settings nor a database.

The project-wide autouse fixtures (root conftest.py) reach for Django settings and the cache; they are
overridden here by no-ops, so ``pytest helpline/channels/email/parsing -p no:django`` works as well.
"""

import pytest


@pytest.fixture(autouse=True)
def _fast_password_hashing():
    return None


@pytest.fixture(autouse=True)
def _fresh_cache():
    return None
