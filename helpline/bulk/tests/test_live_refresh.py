"""A bulk job refreshes agents' browsers once per chunk, not once per ticket: the agent websocket through the real
ASGI stack and channel layer, with real commits (the job runs as its task once it commits)."""

from __future__ import annotations

import asyncio

import pytest
from channels.db import database_sync_to_async

from helpline.bulk import actions
from helpline.bulk.actions import jobs
from helpline.realtime.tests.test_agent_socket import connect, session_cookie

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("close_thread_connections")]


def test_one_tickets_changed_message_per_chunk(client, account, make_ticket, agent, monkeypatch):
    tickets = [make_ticket(account, subject=f"Ticket {n}") for n in range(5)]
    monkeypatch.setattr(jobs, "CHUNK", 3)
    cookie = session_cookie(client, agent)
    ids = [t.public_id for t in tickets]

    async def scenario():
        communicator, connected, _ = await connect(cookie)
        assert connected
        assert (await communicator.receive_json_from(timeout=5))["event"] == "hello"
        job = await database_sync_to_async(actions.start_bulk_job)(account=account, action="resolve", ticket_ids=ids)
        first = await communicator.receive_json_from(timeout=5)
        second = await communicator.receive_json_from(timeout=5)
        assert await communicator.receive_nothing(timeout=0.5)
        await communicator.disconnect()
        return job, [first, second]

    job, received = asyncio.run(scenario())
    assert received == [
        {"event": "tickets.changed", "tickets": sorted(ids[:3])},
        {"event": "tickets.changed", "tickets": sorted(ids[3:])},
    ]
    job.refresh_from_db()
    assert (job.state, job.done) == ("finished", 5)
