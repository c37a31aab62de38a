"""Saved filters: saving the current filter, the per-agent plan limit, sharing, changing, deleting, counting."""

from __future__ import annotations

import pytest

from helpline.core.actors import Actor
from helpline.core.errors import Conflict, DomainError, LimitReached
from helpline.filters.actions import delete_filter, save_filter, update_filter
from helpline.filters.models import SavedFilter
from helpline.filters.params import FilterError
from helpline.filters.selectors import get_visible_filter, list_visible_filters, saved_filter_rows
from helpline.security.models import AuditEntry


def test_save_keeps_only_the_filters_in_use(account, owner):
    saved = save_filter(
        account=account, owner=owner, name=" Open VIP ", values={"status": "open", "tag": "", "q": " x ",
                                                                 "page": "2"},
        shared=True, actor=Actor(user=owner),
    )  # fmt: skip
    assert (saved.name, saved.query, saved.shared, saved.owner_id) == ("Open VIP", {"status": "open", "q": "x"},
                                                                       True, owner.pk)  # fmt: skip
    entry = AuditEntry.objects.get(account=account, action="ticket_filter.created")
    assert (entry.actor_user_id, entry.subject_id, entry.data) == (
        owner.pk, saved.public_id, {"name": "Open VIP", "shared": True, "query": {"status": "open", "q": "x"}},
    )  # fmt: skip


@pytest.mark.parametrize(
    ("name", "values", "error", "message"),
    [
        ("", {"status": "open"}, DomainError, "A filter needs a name."),
        ("x" * 101, {"status": "open"}, DomainError, "A filter name is at most 100 characters long."),
        ("Empty", {"status": ""}, DomainError, "Choose at least one filter before saving it."),
        ("Bad", {"status": "lost"}, FilterError, "Unknown status lost."),
        ("Gone", {"department": "zzzz"}, FilterError, "There is no such department in this account."),
    ],
)
def test_bad_filters_are_not_saved(account, owner, name, values, error, message):
    with pytest.raises(error) as caught:
        save_filter(account=account, owner=owner, name=name, values=values)
    assert str(caught.value.message) == message
    assert not SavedFilter.objects.exists()
    assert not AuditEntry.objects.filter(action="ticket_filter.created").exists()


def test_names_are_unique_per_agent(account, owner, agent):
    save_filter(account=account, owner=owner, name="Mine", values={"status": "open"})
    with pytest.raises(Conflict):
        save_filter(account=account, owner=owner, name="Mine", values={"status": "new"})
    save_filter(account=account, owner=agent, name="Mine", values={"status": "new"})
    assert SavedFilter.objects.filter(account=account).count() == 2


def test_the_plan_limits_filters_per_agent(make_account, make_agent):
    account = make_account("small", plan="small")  # one filter per agent
    owner, agent = account.owner, make_agent(account, "bo@small.test")
    save_filter(account=account, owner=owner, name="One", values={"status": "open"})
    with pytest.raises(LimitReached) as caught:
        save_filter(account=account, owner=owner, name="Two", values={"status": "new"})
    assert str(caught.value.message) == (
        "Your Small plan allows 1 ticket filters per agent; you have 1. Upgrade to add more."
    )
    save_filter(account=account, owner=agent, name="Two", values={"status": "new"})  # another agent's own one
    assert sorted(SavedFilter.objects.values_list("name", flat=True)) == ["One", "Two"]


def test_visible_filters_are_ones_own_and_the_shared_ones(account, other_account, owner, agent):
    mine = save_filter(account=account, owner=agent, name="Z mine", values={"status": "open"})
    shared = save_filter(account=account, owner=owner, name="A shared", values={"status": "new"}, shared=True)
    private = save_filter(account=account, owner=owner, name="B private", values={"status": "new"})
    foreign = save_filter(account=other_account, owner=other_account.owner, name="Theirs", values={"status": "new"},
                          shared=True)  # fmt: skip
    assert list_visible_filters(account, agent) == [mine, shared]
    assert list_visible_filters(account, owner) == [shared, private]
    assert get_visible_filter(account, agent, private.public_id) is None
    assert get_visible_filter(account, agent, foreign.public_id) is None
    assert get_visible_filter(account, agent, shared.public_id) == shared


def test_update_and_delete(account, owner):
    saved = save_filter(account=account, owner=owner, name="Open", values={"status": "open"})
    other = save_filter(account=account, owner=owner, name="New", values={"status": "new"})
    update_filter(saved=saved, name="Open ones", shared=True, values={"status": "open", "priority": "high"})
    saved.refresh_from_db()
    assert (saved.name, saved.shared, saved.query) == ("Open ones", True, {"status": "open", "priority": "high"})
    assert AuditEntry.objects.get(action="ticket_filter.updated").data == {
        "name": ["Open", "Open ones"], "shared": [False, True],
        "query": [{"status": "open"}, {"status": "open", "priority": "high"}],
    }  # fmt: skip
    with pytest.raises(Conflict):
        update_filter(saved=other, name="Open ones")
    with pytest.raises(FilterError):
        update_filter(saved=other, values={"sla": "whenever"})
    other.refresh_from_db()
    assert (other.name, other.query) == ("New", {"status": "new"})
    delete_filter(saved=saved)
    assert list(SavedFilter.objects.values_list("name", flat=True)) == ["New"]
    assert AuditEntry.objects.get(action="ticket_filter.deleted").data == {"name": "Open ones", "shared": True}


def test_rows_carry_bounded_counts_and_mark_broken_filters(account, owner, make_ticket, settings):
    from helpline.tenancy.actions import create_department
    from helpline.tenancy.models import Department

    for n in range(3):
        make_ticket(account, subject=f"T{n}", email=f"c{n}@example.com")
    department = create_department(account=account, name="Gone soon")
    save_filter(account=account, owner=owner, name="All new", values={"status": "new"})
    save_filter(account=account, owner=owner, name="Gone", values={"department": department.public_id})
    save_filter(account=account, owner=owner, name="Open", values={"status": "open"})
    Department.objects.filter(pk=department.pk).delete()
    rows = saved_filter_rows(account, owner)
    assert [(r.saved.name, r.count, r.capped, r.broken) for r in rows] == [
        ("All new", 3, False, False), ("Gone", 0, False, True), ("Open", 0, False, False),
    ]  # fmt: skip
    assert rows[0].url == "/agent/?status=new"


def test_counts_stop_at_the_cap(account, owner, make_ticket, monkeypatch):
    from helpline.conversations import selectors

    monkeypatch.setattr(selectors, "COUNT_CAP", 2)
    for n in range(3):
        make_ticket(account, subject=f"T{n}", email=f"c{n}@example.com")
    save_filter(account=account, owner=owner, name="All new", values={"status": "new"})
    [row] = saved_filter_rows(account, owner)
    assert (row.count, row.capped) == (2, True)


def test_saving_publishes_a_typed_event(account, owner, monkeypatch, django_capture_on_commit_callbacks):
    from helpline.events import bus

    seen = []
    monkeypatch.setattr(bus, "dispatch", lambda event, skip=frozenset(): seen.append(event))
    with django_capture_on_commit_callbacks(execute=True):
        saved = save_filter(account=account, owner=owner, name="Open", values={"status": "open"})
        delete_filter(saved=saved)
    assert [(e.name, e.change, e.owner_user_id) for e in seen] == [
        ("ticket_filter.changed", "created", owner.pk), ("ticket_filter.changed", "deleted", owner.pk),
    ]  # fmt: skip
