import pytest

from helpline.conversations import actions
from helpline.events import bus, subscribers
from helpline.events import types as ev


def test_every_event_type_has_a_name_and_a_subscriber_entry():
    names = [event.name for event in ev.ALL_EVENTS]
    assert len(names) == len(set(names))
    table = subscribers.table()
    assert set(table) == set(ev.ALL_EVENTS)
    for event_type in ev.ALL_EVENTS:
        assert table[event_type], event_type.name


def test_events_are_published_only_after_commit(ticket, agent, monkeypatch, django_capture_on_commit_callbacks):
    seen = []
    monkeypatch.setattr(bus, "dispatch", lambda event, skip=frozenset(): seen.append(event))
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        actions.assign_ticket(ticket=ticket, assignee=agent)
    assert seen == []
    for callback in callbacks:
        callback()
    assert seen == [
        ev.TicketAssigned(
            account_id=ticket.account_id,
            actor_user_id=None,
            ticket_id=ticket.pk,
            from_user_id=None,
            to_user_id=agent.pk,
        )
    ]


def test_each_action_publishes_its_typed_event(ticket, agent, monkeypatch, django_capture_on_commit_callbacks):
    seen = []
    monkeypatch.setattr(bus, "dispatch", lambda event, skip=frozenset(): seen.append(event.name))
    with django_capture_on_commit_callbacks(execute=True):
        actions.add_note(ticket=ticket, author=agent, text="n")
        actions.send_reply(ticket=ticket, author=agent, text="r")
        actions.receive_message(ticket=ticket, contact=ticket.contact, kind="web", text="c")
        actions.change_priority(ticket=ticket, priority=3)
        actions.tag_ticket(ticket=ticket, names=["a"])
        actions.untag_ticket(ticket=ticket, names=["a"])
    assert seen == [
        "note.added",
        "reply.queued",
        "ticket.status_changed",
        "message.received",
        "ticket.status_changed",
        "ticket.priority_changed",
        "ticket.tagged",
        "ticket.untagged",
    ]


def test_a_failing_subscriber_does_not_stop_the_others(monkeypatch):
    calls = []

    def broken(event):
        raise RuntimeError("boom")

    monkeypatch.setattr(subscribers, "subscribers_for", lambda t: (broken, calls.append))
    event = ev.ContactCreated(account_id=1, contact_id=2)
    bus.dispatch(event)
    assert calls == [event]


def test_event_as_dict_carries_its_name():
    event = ev.TicketTagged(account_id=1, ticket_id=2, tags=("x",))
    assert event.as_dict() == {
        "event": "ticket.tagged",
        "account_id": 1,
        "actor_user_id": None,
        "causation": (),
        "ticket_id": 2,
        "tags": ("x",),
    }


@pytest.mark.parametrize("event_type", ev.ALL_EVENTS)
def test_events_are_immutable(event_type):
    assert event_type.__dataclass_params__.frozen


@pytest.mark.django_db
def test_a_coalescing_subscriber_runs_once_per_key_per_commit(monkeypatch, django_capture_on_commit_callbacks):
    from django.db import transaction

    per_ticket, every = [], []
    once_per_ticket = bus.coalesce_by(lambda event: event.ticket_id)(lambda event: per_ticket.append(event.name))
    monkeypatch.setattr(subscribers, "subscribers_for", lambda t: (once_per_ticket, every.append))
    created = ev.TicketCreated(account_id=1, actor_user_id=None, ticket_id=7, channel="email")
    received = ev.MessageReceived(account_id=1, actor_user_id=None, ticket_id=7, message_id=3)
    other = ev.TicketCreated(account_id=1, actor_user_id=None, ticket_id=8, channel="email")
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        for event in (created, received, other):
            bus.publish_on_commit(event)
    assert per_ticket == ["ticket.created", "ticket.created"]  # ticket 7 once, ticket 8 once
    assert every == [created, received, other]
    with django_capture_on_commit_callbacks(execute=True):
        bus.publish_on_commit(received)  # a later commit indexes ticket 7 again
    assert per_ticket == ["ticket.created", "ticket.created", "message.received"]


@pytest.mark.django_db
def test_a_rolled_back_savepoint_owns_nothing(monkeypatch, django_capture_on_commit_callbacks):
    from django.db import transaction

    per_ticket = []
    once_per_ticket = bus.coalesce_by(lambda event: event.ticket_id)(lambda event: per_ticket.append(event.name))
    monkeypatch.setattr(subscribers, "subscribers_for", lambda t: (once_per_ticket,))
    created = ev.TicketCreated(account_id=1, actor_user_id=None, ticket_id=7, channel="email")
    received = ev.MessageReceived(account_id=1, actor_user_id=None, ticket_id=7, message_id=3)
    with django_capture_on_commit_callbacks(execute=True):
        try:
            with transaction.atomic():
                bus.publish_on_commit(created)
                raise RuntimeError("rolled back")
        except RuntimeError:
            pass
        bus.publish_on_commit(received)
    assert per_ticket == ["message.received"]
