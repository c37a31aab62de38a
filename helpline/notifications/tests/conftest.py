"""Fixtures of the notification tests: a team in two departments, a restricted agent, and a real SMTP server."""

from __future__ import annotations

import pytest

from helpline.channels.email.tests.mail import SmtpRecorder, free_port


@pytest.fixture
def team(account, owner, make_agent):
    """Support (Alice, Bob, Rita) and Billing (Carol, Rita's not in it). Rita sees only her departments' tickets."""
    from helpline.tenancy.actions import change_role, create_department, create_role, set_department_members
    from helpline.tenancy.models import Department, Membership

    support = Department.objects.get(account=account, name="Support")
    billing = create_department(account=account, name="Billing")
    alice = make_agent(account, "alice@acme.test", "Alice Agent")
    bob = make_agent(account, "bob@acme.test", "Bob Builder")
    carol = make_agent(account, "carol@acme.test", "Carol Clerk")
    rita = make_agent(account, "rita@acme.test", "Rita Restricted")
    set_department_members(department=support, users=[alice, bob, rita])
    set_department_members(department=billing, users=[carol])
    role = create_role(account=account, name="Own departments", permission_keys=["tickets.work"])
    change_role(membership=Membership.objects.get(account=account, user=rita), role="custom", custom_role=role)
    return {"support": support, "billing": billing, "alice": alice, "bob": bob, "carol": carol, "rita": rita,
            "owner": owner}  # fmt: skip


@pytest.fixture
def on_commit(django_capture_on_commit_callbacks):
    """Run the block's after-commit hooks (the event subscribers) when it ends."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


@pytest.fixture
def new_ticket(account, make_ticket, on_commit):
    def make(department=None, **kwargs):
        with on_commit():
            return make_ticket(account, department=department, **kwargs)

    return make


@pytest.fixture
def smtp_sink(settings):
    """A real SMTP server (aiosmtpd on loopback) that HELPLINE_SMTP_URL points at."""
    recorder = SmtpRecorder()
    controller = recorder.start(free_port())
    settings.EMAIL_BACKEND = "helpline.channels.email_backend.UrlEmailBackend"
    settings.EMAIL_URL = f"smtp://127.0.0.1:{controller.port}"
    yield recorder
    controller.stop()


@pytest.fixture
def notify_about(account, make_ticket):
    """``notify_about(user, n)``: n tickets in ``account`` (or ``in_account``), each assigned-to-``user`` notification
    made through the real action; returns the tickets, oldest first."""
    from helpline.notifications.actions import notify
    from helpline.tenancy.models import Membership

    def make(user, n: int = 1, *, in_account=None, kind: str = "assigned", subject: str = "Printer on fire"):
        where = in_account or account
        membership = Membership.objects.select_related("user").get(account=where, user=user)
        tickets = []
        for i in range(n):
            ticket = make_ticket(where, subject=f"{subject} {i + 1}" if n > 1 else subject, email=f"c{i}@example.com")
            notify(ticket=ticket, kind=kind, memberships=[membership])
            tickets.append(ticket)
        return tickets

    return make
