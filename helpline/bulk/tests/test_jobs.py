import pytest

from helpline.bulk import actions
from helpline.bulk.actions import jobs
from helpline.bulk.models import BulkJob
from helpline.bulk.operations import InvalidParam
from helpline.conversations import actions as conversations
from helpline.conversations.models import Ticket
from helpline.conversations.selectors import TicketFilter
from helpline.conversations.statuses import Priority, Status
from helpline.core.actors import Actor
from helpline.core.errors import DomainError
from helpline.security.models import AuditEntry
from helpline.tenancy.actions import create_department


@pytest.fixture
def tickets(account, make_ticket):
    return [make_ticket(account, subject=f"Ticket {n}") for n in range(4)]


def statuses(tickets):
    return [Ticket.objects.get(pk=t.pk).status for t in tickets]


def audit_actions(ticket, action):
    return list(
        AuditEntry.objects.filter(subject_type="ticket", subject_id=ticket.public_id, action=action).values_list(
            "actor_user", "data"
        )
    )


def run(job):
    return actions.run_bulk_job(job_id=job.pk)


def test_bulk_resolve_changes_every_ticket_through_its_own_action(account, tickets, agent):
    job = actions.start_bulk_job(
        account=account, action="resolve", ticket_ids=[t.public_id for t in tickets], actor=Actor(user=agent)
    )
    assert (job.state, job.total, job.position, job.done) == ("queued", 4, 0, 0)
    assert statuses(tickets) == ["new"] * 4  # nothing happens before the task runs

    job = run(job)

    assert (job.state, job.total, job.position, job.done, job.failed, job.failures) == ("finished", 4, 4, 4, 0, [])
    assert job.percent == 100
    assert statuses(tickets) == ["resolved"] * 4
    for ticket in tickets:
        assert audit_actions(ticket, "ticket.status_changed") == [(agent.pk, {"from": "new", "to": "resolved"})]
    started = AuditEntry.objects.get(action="bulk.started")
    assert (started.subject_type, started.subject_id, started.actor_user_id) == ("bulkjob", job.public_id, agent.pk)
    assert started.data == {"action": "resolve", "params": {}, "total": 4}


def test_partial_failure_reports_each_refused_ticket_and_does_the_others(
    account, other_account, tickets, make_ticket, agent
):
    live, deleted, merged, fine = tickets
    foreign = make_ticket(other_account)
    Ticket.objects.filter(pk=live.pk).update(status=Status.CHATTING)
    conversations.merge_tickets(target=fine, sources=[merged])
    ids = [t.public_id for t in (live, deleted, merged, fine, foreign)]
    job = actions.start_bulk_job(account=account, action="resolve", ticket_ids=ids, actor=Actor(user=agent))
    Ticket.objects.filter(pk=deleted.pk).delete()  # deleted meanwhile

    job = run(job)

    assert (job.total, job.done, job.failed) == (5, 1, 4)
    missing = "No such ticket: it was deleted, or belongs to another account."
    assert job.failures == [
        {"ticket": live.public_id, "code": live.code, "reason": f"Ticket #{live.code} is a live chat or call; "
         "wait until it has ended."},
        {"ticket": deleted.public_id, "code": "", "reason": missing},
        {"ticket": merged.public_id, "code": merged.code, "reason": f"Ticket #{merged.code} was merged into another "
         "ticket; change that one instead."},
        {"ticket": foreign.public_id, "code": "", "reason": missing},
    ]  # fmt: skip
    assert statuses([live, fine, foreign]) == ["chatting", "resolved", "new"]
    assert audit_actions(live, "ticket.status_changed") == []
    assert audit_actions(foreign, "ticket.status_changed") == []


@pytest.mark.parametrize(
    "action, params, check",
    [
        ("postpone", {}, lambda t, ctx: t.status == Status.POSTPONED),
        ("open", {}, lambda t, ctx: t.status == Status.OPEN),
        ("spam", {}, lambda t, ctx: t.status == Status.SPAM),
        ("delete", {}, lambda t, ctx: t.status == Status.DELETED),
        ("priority", {"priority": "urgent"}, lambda t, ctx: t.priority == Priority.URGENT),
        ("tag", {"tags": ["billing", "vip"]}, lambda t, ctx: sorted(t.tags.values_list("name", flat=True)) == [
            "billing", "vip"]),
        ("assign", {"assignee": "AGENT"}, lambda t, ctx: t.assignee == ctx["agent"]),
        ("transfer", {"department": "DEPT", "assignee": "AGENT"},
         lambda t, ctx: (t.department, t.assignee) == (ctx["department"], ctx["agent"])),
    ],
)  # fmt: skip
def test_each_bulk_action(action, params, check, account, tickets, agent):
    department = create_department(account=account, name="Billing")
    names = {"AGENT": agent.public_id, "DEPT": department.public_id}
    params = {key: names.get(value, value) if isinstance(value, str) else value for key, value in params.items()}
    job = run(actions.start_bulk_job(account=account, action=action, params=params, ticket_ids=[tickets[0].public_id]))
    assert (job.done, job.failed) == (1, 0)
    assert check(Ticket.objects.get(pk=tickets[0].pk), {"agent": agent, "department": department})
    assert statuses(tickets[1:]) == ["new"] * 3


def test_untag_and_unassign(account, tickets, agent):
    conversations.tag_ticket(ticket=tickets[0], names=["billing", "vip"])
    conversations.assign_ticket(ticket=tickets[0], assignee=agent)
    ids = [tickets[0].public_id]
    run(actions.start_bulk_job(account=account, action="untag", params={"tags": "VIP, nothing"}, ticket_ids=ids))
    run(actions.start_bulk_job(account=account, action="assign", params={"assignee": ""}, ticket_ids=ids))
    ticket = Ticket.objects.get(pk=tickets[0].pk)
    assert (list(ticket.tags.values_list("name", flat=True)), ticket.assignee) == (["billing"], None)


def test_a_filter_selects_every_matching_ticket(account, tickets):
    conversations.change_priority(ticket=tickets[1], priority=Priority.HIGH)
    conversations.change_priority(ticket=tickets[3], priority=Priority.HIGH)
    job = actions.start_bulk_job(
        account=account, action="resolve", ticket_filter=TicketFilter(status="new", priority="high")
    )
    assert sorted(job.ticket_ids) == sorted([tickets[1].public_id, tickets[3].public_id])
    run(job)
    assert statuses(tickets) == ["new", "resolved", "new", "resolved"]


@pytest.mark.parametrize(
    "action, params, field, message",
    [
        ("launch", {}, "action", "Unknown bulk action launch."),
        ("assign", {"assignee": "nobody"}, "assignee", "No agent with id nobody in this account."),
        ("transfer", {}, "department", "Choose a department of this account."),
        ("tag", {"tags": []}, "tags", "Name at least one tag."),
        ("priority", {"priority": "asap"}, "priority", "Choose a priority: low, normal, high or urgent."),
        ("merge", {"into": "nothing"}, "into", "No ticket with id nothing in this account."),
    ],
)
def test_invalid_arguments_start_no_job(action, params, field, message, account, tickets):
    with pytest.raises(InvalidParam) as caught:
        actions.start_bulk_job(account=account, action=action, params=params, ticket_ids=[tickets[0].public_id])
    assert (caught.value.field, caught.value.message) == (field, message)
    assert BulkJob.objects.count() == 0
    assert AuditEntry.objects.filter(action="bulk.started").count() == 0


def test_an_empty_or_too_large_selection_starts_no_job(account, tickets, monkeypatch):
    with pytest.raises(DomainError) as caught:
        actions.start_bulk_job(account=account, action="resolve", ticket_filter=TicketFilter(status="spam"))
    assert caught.value.message == "Choose at least one ticket."
    monkeypatch.setattr(jobs, "MAX_TICKETS", 3)
    with pytest.raises(DomainError) as caught:
        actions.start_bulk_job(account=account, action="resolve", ticket_filter=TicketFilter())
    assert caught.value.message == "A bulk action takes at most 3 tickets; narrow the selection."
    assert BulkJob.objects.count() == 0


def test_bulk_merge_merges_into_the_oldest_and_reports_the_ones_it_cannot(account, tickets):
    Ticket.objects.filter(pk=tickets[2].pk).update(status=Status.CALLING)
    job = run(actions.start_bulk_job(account=account, action="merge", ticket_ids=[t.public_id for t in tickets]))
    assert (job.done, job.failed) == (3, 1)
    assert job.failures == [
        {
            "ticket": tickets[2].public_id,
            "code": tickets[2].code,
            "reason": f"Ticket #{tickets[2].code} is a live chat or call; wait until it has ended.",
        }
    ]
    merged_into = dict(Ticket.objects.filter(pk__in=[t.pk for t in tickets]).values_list("pk", "merged_into"))
    assert merged_into == {
        tickets[0].pk: None,
        tickets[1].pk: tickets[0].pk,
        tickets[2].pk: None,
        tickets[3].pk: tickets[0].pk,
    }
    assert Ticket.objects.get(pk=tickets[0].pk).message_count == 3


def test_bulk_merge_into_a_chosen_ticket(account, tickets):
    into = tickets[3].public_id
    ids = [t.public_id for t in tickets[:2]]
    job = run(actions.start_bulk_job(account=account, action="merge", params={"into": into}, ticket_ids=ids))
    assert (job.done, job.failed) == (2, 0)
    assert Ticket.objects.get(pk=tickets[3].pk).message_count == 3


def test_a_finished_job_runs_once_and_an_interrupted_one_resumes(account, tickets, monkeypatch):
    monkeypatch.setattr(jobs, "CHUNK", 2)
    job = actions.start_bulk_job(account=account, action="resolve", ticket_ids=[t.public_id for t in tickets])
    BulkJob.objects.filter(pk=job.pk).update(position=2, done=2, state="running")  # two committed before a crash
    job = run(job)
    assert (job.position, job.done, job.failed) == (4, 4, 0)
    assert statuses(tickets) == ["new", "new", "resolved", "resolved"]
    assert run(job).done == 4
    assert AuditEntry.objects.filter(action="ticket.status_changed").count() == 2


def test_the_task_runs_once_the_job_commits(account, tickets, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        job = actions.start_bulk_job(account=account, action="resolve", ticket_ids=[tickets[0].public_id])
    job.refresh_from_db()
    assert (job.state, job.done) == ("finished", 1)
    assert job.started_at is not None and job.finished_at is not None


def test_tickets_outside_a_restricted_agents_departments_are_reported_not_changed(account, tickets, agent):
    from helpline.tenancy.actions import change_role, create_role, set_department_members
    from helpline.tenancy.models import Membership

    role = create_role(account=account, name="Billing desk", permission_keys=["tickets.work"])
    change_role(membership=Membership.objects.get(account=account, user=agent), role="custom", custom_role=role)
    billing = create_department(account=account, name="Billing")
    set_department_members(department=billing, users=[agent])
    conversations.transfer_ticket(ticket=tickets[0], department=billing)
    conversations.assign_ticket(ticket=tickets[1], assignee=agent)
    ids = [t.public_id for t in tickets[:3]]

    job = run(actions.start_bulk_job(account=account, action="resolve", ticket_ids=ids, actor=Actor(user=agent)))

    assert (job.done, job.failed) == (2, 1)
    code = tickets[2].code
    assert job.failures == [
        {
            "ticket": tickets[2].public_id,
            "code": code,
            "reason": f"Ticket #{code} is outside the departments you work in.",
        }
    ]
    assert statuses(tickets[:3]) == ["resolved", "resolved", "new"]
