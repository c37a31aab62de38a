"""Each write of the people package publishes its typed event after commit."""

from __future__ import annotations

from helpline.core.actors import Actor
from helpline.events import bus
from helpline.people import actions


def test_each_action_publishes_its_typed_event(account, agent, monkeypatch, django_capture_on_commit_callbacks):
    seen = []
    monkeypatch.setattr(bus, "dispatch", lambda event, skip=frozenset(): seen.append(event.name))
    actor = Actor(user=agent)
    with django_capture_on_commit_callbacks(execute=True):
        company = actions.create_company(account=account, name="Acme", actor=actor)
        actions.update_company(company=company, domain="acme.example", actor=actor)
        a = actions.create_contact(account=account, name="A", email="a@example.com", actor=actor)
        b = actions.create_contact(account=account, name="B", email="b@example.com", actor=actor)
        note = actions.add_contact_note(contact=a, body="n", actor=actor)
        actions.delete_contact_note(note=note, actor=actor)
        group = actions.create_group(account=account, name="G", actor=actor)
        actions.set_group_members(group=group, add=[a], actor=actor)
        actions.merge_contacts(survivor=a, duplicate=b, actor=actor)
        actions.delete_group(group=group, actor=actor)
        actions.delete_company(company=company, actor=actor)

    assert seen == [
        "company.created", "company.changed", "contact.created", "contact.created", "contact.note_added",
        "contact.note_deleted", "contact_group.changed", "contact_group.changed", "contact.merged",
        "contact_group.changed", "company.deleted",
    ]  # fmt: skip
