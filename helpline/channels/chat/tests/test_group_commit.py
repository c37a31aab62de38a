"""Group commit of visitor lines (actions.post_visitor_messages, writer.LineWriter): lines of several chats stored in
one transaction keep their own sequence numbers, dedupe, refusals and raw sources; lines that arrive together on
the sockets are stored as one group."""

import asyncio
import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from helpline.channels.chat.actions import end_chat
from helpline.channels.chat.actions.messages import VisitorLine, post_visitor_messages
from helpline.channels.chat.models import ChatLine
from helpline.channels.chat.tests.conftest import VISITOR, make_available, receive_until, start, visitor_socket
from helpline.core.errors import DomainError
from helpline.ingest.models import InboundRecord
from helpline.ingest.raw import read_raw

OTHER_VISITOR = "visitor-fedcba9876543210"


@pytest.fixture
def two_chats(db, button, account, agent):
    make_available(account, agent)  # else a new chat ends at once: nobody to ring
    return start(button, name="Vera"), start(button, visitor=OTHER_VISITOR, name="Otto")


def test_lines_of_two_chats_are_stored_in_one_group_each_numbered_in_its_chat(
    two_chats, django_capture_on_commit_callbacks
):
    vera, otto = two_chats
    with django_capture_on_commit_callbacks(execute=True):
        results = post_visitor_messages(
            [
                VisitorLine(vera, "v-1", "one"),
                VisitorLine(otto, "o-1", "uno"),
                VisitorLine(vera, "v-2", "two"),
                VisitorLine(vera, "v-1", "one again"),  # a resend inside the group: the same line
                VisitorLine(otto, "bad cid!", "x"),  # refused alone
                VisitorLine(otto, "o-2", "   "),  # refused alone
            ]
        )
    assert [(r.session_id, r.seq, r.cid) for r in results[:4]] == [
        (vera.pk, 1, "v-1"),
        (otto.pk, 1, "o-1"),
        (vera.pk, 2, "v-2"),
        (vera.pk, 1, "v-1"),
    ]
    assert results[3] is results[0]
    assert [type(r) for r in results[4:]] == [DomainError, DomainError]
    assert str(results[5].message) == "The message is empty."
    assert list(ChatLine.objects.filter(session=vera).order_by("seq").values_list("seq", "message__body_text")) == [
        (1, "one"),
        (2, "two"),
    ]
    assert list(ChatLine.objects.filter(session=otto).values_list("seq", "message__body_text")) == [(1, "uno")]
    vera.refresh_from_db()
    otto.refresh_from_db()
    assert (vera.last_seq, otto.last_seq) == (2, 1)
    records = list(InboundRecord.objects.filter(channel="chat").order_by("id"))
    assert [(r.external_id, r.state, r.message_id) for r in records] == [
        (f"chat:{vera.public_id}:visitor:v-1", "processed", results[0].message_id),
        (f"chat:{otto.public_id}:visitor:o-1", "processed", results[1].message_id),
        (f"chat:{vera.public_id}:visitor:v-2", "processed", results[2].message_id),
    ]
    assert len({r.raw_key for r in records}) == 1  # one raw file for the group, one JSON line per message
    raw = [json.loads(row) for row in read_raw(records[0].raw_key).decode().splitlines()]
    assert [(row["session"], row["cid"], row["text"]) for row in raw] == [
        (vera.public_id, "v-1", "one"),
        (otto.public_id, "o-1", "uno"),
        (vera.public_id, "v-2", "two"),
        (vera.public_id, "v-1", "one again"),  # written before the dedupe decided
    ]


def test_a_resend_of_a_stored_line_returns_it_and_stores_nothing(two_chats):
    vera, _otto = two_chats
    (first,) = post_visitor_messages([VisitorLine(vera, "v-1", "one")])
    (again, new) = post_visitor_messages([VisitorLine(vera, "v-1", "one"), VisitorLine(vera, "v-2", "two")])
    assert (again.pk, again.seq, new.seq) == (first.pk, 1, 2)
    assert ChatLine.objects.filter(session=vera).count() == 2
    assert InboundRecord.objects.filter(channel="chat").count() == 2


def test_a_line_for_an_ended_chat_is_refused_and_its_neighbours_are_stored(two_chats):
    vera, otto = two_chats
    end_chat(session=otto, ended_by="visitor")
    stored, refused = post_visitor_messages([VisitorLine(vera, "v-1", "one"), VisitorLine(otto, "o-1", "late")])
    assert stored.seq == 1
    assert (refused.code, str(refused.message)) == ("chat_ended", "The chat has ended.")
    assert not ChatLine.objects.filter(session=otto, side="visitor").exists()
    assert not InboundRecord.objects.filter(external_id__startswith=f"chat:{otto.public_id}").exists()


def test_a_group_shares_its_lookups(two_chats):
    """The statements that do not depend on the number of lines are paid once per group."""
    vera, otto = two_chats

    def statements(count):
        lines = [VisitorLine((vera, otto)[n % 2], f"c-{count}-{n}", f"line {n}") for n in range(count)]
        with CaptureQueriesContext(connection) as captured:
            results = post_visitor_messages(lines)
        assert all(isinstance(r, ChatLine) for r in results)
        return len(captured.captured_queries)

    one, ten = statements(1), statements(10)
    per_line = (ten - one) / 9
    assert per_line <= 8  # receive_message's own statements (savepoint, ticket lock, message, ticket, tags, audit)
    assert one - per_line >= 5  # lock of the sessions, known cids, session numbers, lines, raw records …


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("close_thread_connections")
def test_lines_sent_together_on_sockets_are_stored_as_one_group(button, account, agent, monkeypatch):
    from helpline.channels.chat import writer as writer_module

    make_available(account, agent)
    vera, otto = start(button, name="Vera"), start(button, visitor=OTHER_VISITOR, name="Otto")
    groups = []
    real = writer_module.post_visitor_messages

    def recording(lines):
        groups.append([line.cid for line in lines])
        return real(lines)

    monkeypatch.setattr(writer_module, "post_visitor_messages", recording)

    async def scenario():
        sockets = []
        for visitor in (VISITOR, OTHER_VISITOR):
            ws, connected, _ = await visitor_socket(button.key)
            assert connected
            await ws.send_json_to({"type": "hello", "visitor": visitor, "last_seq": 0})
            await receive_until(ws, lambda m: m.get("type") == "welcome")
            sockets.append(ws)
        try:
            writer = await _a_writer()
            writer.running = True  # the database thread is busy with a group: the next lines wait together
            for n in range(3):
                for ws in sockets:
                    await ws.send_json_to({"type": "message", "cid": f"c-{n}", "text": f"line {n}"})
            await asyncio.sleep(0.3)
            assert len(writer.waiting) == 2  # a socket waits for its line's ack before it reads its next frame
            writer.running = False
            await writer._drain()
            acks = [[await receive_until(ws, lambda m: m.get("type") == "ack") for _n in range(3)] for ws in sockets]
        finally:
            for ws in sockets:
                await ws.disconnect()
        return acks

    async def _a_writer():
        return writer_module.writer()

    acks = asyncio.run(scenario())
    assert groups[0] == ["c-0", "c-0"]
    assert sorted(cid for group in groups for cid in group) == ["c-0", "c-0", "c-1", "c-1", "c-2", "c-2"]
    assert [[(a["cid"], a["seq"]) for a in side] for side in acks] == [
        [("c-0", 1), ("c-1", 2), ("c-2", 3)],
        [("c-0", 1), ("c-1", 2), ("c-2", 3)],
    ]
    assert list(ChatLine.objects.filter(session=vera).order_by("seq").values_list("cid", flat=True)) == [
        "c-0",
        "c-1",
        "c-2",
    ]
    assert ChatLine.objects.filter(session=otto).count() == 3


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("close_thread_connections")
def test_a_failing_group_is_stored_again_line_by_line(button, account, agent, monkeypatch):
    from helpline.channels.chat import writer as writer_module

    make_available(account, agent)
    vera = start(button, name="Vera")
    real = writer_module.post_visitor_messages
    calls = []

    def flaky(lines):
        calls.append(len(lines))
        if len(lines) > 1:
            raise RuntimeError("database hiccup")
        return real(lines)

    monkeypatch.setattr(writer_module, "post_visitor_messages", flaky)

    async def scenario():
        writer = writer_module.LineWriter()
        return await asyncio.gather(
            writer.post(VisitorLine(vera, "a", "first")), writer.post(VisitorLine(vera, "b", "second"))
        )

    first, second = asyncio.run(scenario())
    assert calls == [1, 2, 1, 1] or calls == [2, 1, 1]
    assert sorted([(first.cid, first.seq), (second.cid, second.seq)]) == [("a", 1), ("b", 2)]


def test_a_group_of_lines_schedules_one_reindex_for_its_tickets_without_one_pending(
    db, button, account, agent, monkeypatch, django_capture_on_commit_callbacks
):
    """With a task queue (not immediate): one delayed task per group, for the tickets that have none pending; the
    task clears their marks and writes their documents."""
    from django.core.cache import cache
    from huey.contrib.djhuey import HUEY

    from helpline.channels.chat import tasks
    from helpline.events.decisions import once_per_batch
    from helpline.search.index import search_ticket_ids

    make_available(account, agent)
    with django_capture_on_commit_callbacks(execute=True):  # the chats' own after-commit work done and gone
        vera, otto = start(button, name="Vera"), start(button, visitor=OTHER_VISITOR, name="Otto")
    cache.delete_many([tasks.reindex_chat_tickets.pending_key(s.ticket_id) for s in (vera, otto)])
    scheduled = []
    monkeypatch.setattr(HUEY, "immediate", False)
    monkeypatch.setattr(tasks.reindex_chat_tickets, "schedule", lambda args, delay: scheduled.append((args, delay)))

    def group(*lines):  # the hooks run inside the group's batch, as when its transaction really commits
        with once_per_batch(), django_capture_on_commit_callbacks(execute=True):
            post_visitor_messages(list(lines))

    group(VisitorLine(vera, "v-1", "zanzibar"), VisitorLine(otto, "o-1", "one"), VisitorLine(vera, "v-2", "two"))
    assert scheduled == [((sorted([vera.ticket_id, otto.ticket_id]),), 5)]
    group(VisitorLine(vera, "v-3", "three"))  # vera's ticket has a task pending
    assert len(scheduled) == 1
    assert search_ticket_ids(vera.account, "zanzibar") == []  # not indexed on the socket's path

    tasks.reindex_chat_tickets.call_local(list(scheduled[0][0][0]))
    assert search_ticket_ids(vera.account, "zanzibar") == [vera.ticket_id]
    group(VisitorLine(otto, "o-2", "again"))
    assert scheduled[1:] == [(([otto.ticket_id],), 5)]
