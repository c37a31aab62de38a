"""Presence per agent and channel, stored as intervals; idle, activity and disconnects."""

from __future__ import annotations

import pytest

from helpline.core.errors import DomainError
from helpline.routing.actions import agent_connected, agent_disconnected, mark_active, mark_idle, set_presence
from helpline.routing.models import AgentConnection, PresenceInterval
from helpline.routing.selectors import get_presence, list_presence_intervals, online_user_ids
from helpline.security.models import AuditEntry

pytestmark = pytest.mark.django_db


def rows(account, user, channel="chat"):
    return [
        (i.state, i.reason, i.started_at.strftime("%H:%M"), i.ended_at and i.ended_at.strftime("%H:%M"))
        for i in list_presence_intervals(account, user, channel=channel)
    ]


def test_presence_changes_are_stored_as_intervals(account, agent, clock):
    assert get_presence(account, agent) == "offline"
    set_presence(account=account, user=agent, state="online")
    clock.advance(600)
    set_presence(account=account, user=agent, state="away")
    clock.advance(300)
    set_presence(account=account, user=agent, state="offline")
    clock.advance(60)
    set_presence(account=account, user=agent, state="online")
    assert rows(account, agent) == [
        ("online", "manual", "09:00", "09:10"),
        ("away", "manual", "09:10", "09:15"),
        ("online", "manual", "09:16", None),
    ]
    assert get_presence(account, agent) == "online"
    assert AuditEntry.objects.filter(action="agent.presence_changed", subject_id=agent.public_id).count() == 4


def test_setting_the_same_state_again_changes_nothing(account, agent, clock):
    set_presence(account=account, user=agent, state="online")
    clock.advance(60)
    set_presence(account=account, user=agent, state="online")
    assert rows(account, agent) == [("online", "manual", "09:00", None)]
    assert AuditEntry.objects.filter(action="agent.presence_changed").count() == 1


def test_channels_are_independent(account, agent, clock):
    set_presence(account=account, user=agent, channel="calls", state="online")
    assert (get_presence(account, agent, "chat"), get_presence(account, agent, "calls")) == ("offline", "online")
    assert online_user_ids(account) == set()
    assert online_user_ids(account, "calls") == {agent.pk}


def test_presence_is_per_account(account, other_account, agent, clock):
    set_presence(account=account, user=agent, state="online")
    assert get_presence(other_account, agent) == "offline"
    with pytest.raises(DomainError):
        set_presence(account=other_account, user=agent, state="online")
    assert PresenceInterval.objects.filter(account=other_account).count() == 0


@pytest.mark.parametrize(("channel", "state"), [("voice", "online"), ("chat", "busy")])
def test_unknown_channels_and_states_are_refused(account, agent, channel, state):
    with pytest.raises(DomainError):
        set_presence(account=account, user=agent, channel=channel, state=state)
    assert PresenceInterval.objects.count() == 0


def test_idle_turns_online_channels_away_and_activity_brings_them_back(account, agent, clock):
    set_presence(account=account, user=agent, state="online")
    set_presence(account=account, user=agent, channel="calls", state="away")  # away by hand: stays away
    assert mark_idle(account=account, user=agent) == ["chat"]
    assert (get_presence(account, agent), get_presence(account, agent, "calls")) == ("away", "away")
    assert mark_active(account=account, user=agent) == ["chat"]
    assert (get_presence(account, agent), get_presence(account, agent, "calls")) == ("online", "away")
    assert rows(account, agent)[1][:2] == ("away", "idle")


def test_the_last_socket_closing_takes_the_agent_offline(account, agent, clock):
    set_presence(account=account, user=agent, state="online")
    set_presence(account=account, user=agent, channel="calls", state="online")
    agent_connected(account=account, user=agent, channel_name="tab-1")
    agent_connected(account=account, user=agent, channel_name="tab-2")
    assert agent_disconnected(channel_name="tab-1") is False
    assert get_presence(account, agent) == "online"
    assert agent_disconnected(channel_name="tab-2") is True
    assert (get_presence(account, agent), get_presence(account, agent, "calls")) == ("offline", "offline")
    assert rows(account, agent)[-1][1] == "manual"
    assert AgentConnection.objects.count() == 0
    assert agent_disconnected(channel_name="tab-2") is False  # unknown socket: nothing to do
