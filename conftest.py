"""Fixtures shared by every test package: accounts, agents, contacts, tickets, API keys."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """Argon2 costs ~0.5 s per user; tests that check the production hasher set it back themselves."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _fresh_cache():
    from django.core.cache import cache

    cache.clear()
    yield


@pytest.fixture
def make_account(db):
    from helpline.tenancy.actions import create_account

    counter = {"n": 0}

    def make(slug: str | None = None, plan: str = "enterprise", **kwargs):
        counter["n"] += 1
        slug = slug or f"acct-{counter['n']}"
        account, owner, _password = create_account(
            slug=slug,
            name=slug.title(),
            owner_email=f"owner@{slug}.test",
            plan=plan,
            password="correct-horse-battery",  # noqa: S106 - test fixture
            **kwargs,
        )
        account.owner = owner
        return account

    return make


@pytest.fixture
def account(make_account):
    return make_account("acme")


@pytest.fixture
def other_account(make_account):
    return make_account("globex")


@pytest.fixture
def owner(account):
    return account.owner


@pytest.fixture
def make_agent(db):
    from helpline.tenancy.actions import add_member
    from helpline.tenancy.models import User

    def make(account, email: str, name: str = "", role: str = "agent"):
        user = User.objects.filter(email=email).first() or User.objects.create_user(
            email, "correct-horse-battery", name=name or email.split("@")[0].title()
        )
        add_member(account=account, user=user, role=role)
        return user

    return make


@pytest.fixture
def agent(account, make_agent):
    return make_agent(account, "agent@acme.test", "Alice Agent")


@pytest.fixture
def make_ticket(db):
    from helpline.conversations.actions import create_ticket, receive_message
    from helpline.people.actions import find_or_create_contact

    def make(
        account,
        subject: str = "Printer on fire",
        body: str = "Please help, it is burning.",
        email: str = "customer@example.com",
        channel: str = "web",
        **kwargs,
    ):
        contact, _ = find_or_create_contact(account=account, kind="email", value=email, name="Carla Customer")
        ticket = create_ticket(account=account, contact=contact, subject=subject, channel=channel, **kwargs)
        receive_message(ticket=ticket, contact=contact, kind="web" if channel != "email" else "email", text=body)
        ticket.refresh_from_db()
        return ticket

    return make


@pytest.fixture
def ticket(account, make_ticket, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return make_ticket(account)


@pytest.fixture
def api_key(account):
    from helpline.security.actions import create_api_key

    _key, raw = create_api_key(account=account, name="tests")
    return raw


@pytest.fixture
def other_api_key(other_account):
    from helpline.security.actions import create_api_key

    _key, raw = create_api_key(account=other_account, name="tests")
    return raw


@pytest.fixture
def close_thread_connections():
    """ASGI worker threads keep their own database connections; end them so the test database can drop."""
    yield
    import asyncio

    from channels.db import database_sync_to_async
    from django.db import connection, connections

    # Consumers run their queries in asgiref's shared worker thread: close its connection there first, so the
    # next test does not find it terminated under its feet.
    asyncio.run(database_sync_to_async(connections.close_all)())
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
