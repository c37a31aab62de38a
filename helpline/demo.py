"""``helpline demo``: an idempotent demo account with agents, departments, contacts and ~50 tickets."""

from __future__ import annotations

import os
import random
from dataclasses import dataclass

from django.db import transaction

from helpline.conversations import actions as conv
from helpline.conversations.statuses import Priority, Status
from helpline.core.actors import Actor
from helpline.people.actions import find_or_create_contact
from helpline.people.models import ContactIdentity
from helpline.tenancy import actions as tenancy
from helpline.tenancy.models import Account, Department, Membership, User

SLUG = "demo"
OWNER_EMAIL = "owner@demo.helpline.test"
MAILBOX = "support@demo.helpline.test"
DEFAULT_PASSWORD = "helpline-demo"  # noqa: S105 - the documented demo login
AGENTS = [
    ("Ada Lovelace", "ada@demo.helpline.test"),
    ("Grace Hopper", "grace@demo.helpline.test"),
    ("Alan Turing", "alan@demo.helpline.test"),
]
DEPARTMENTS = ["Support", "Billing", "Sales"]
CUSTOMERS = [
    ("Maria Garcia", "maria@example.com"),
    ("Wei Zhang", "wei@example.org"),
    ("Olivia Smith", "olivia@example.net"),
    ("Lukas Müller", "lukas@example.de"),
    ("Aiko Tanaka", "aiko@example.jp"),
    ("Noah Johnson", "noah@example.com"),
    ("Fatima Khan", "fatima@example.com"),
    ("João Silva", "joao@example.com.br"),
    ("Emma Dubois", "emma@example.fr"),
    ("Liam O'Brien", "liam@example.ie"),
]
TOPICS = [
    ("Cannot log in after password reset", "I reset my password but the login page still says it is wrong."),
    ("Invoice shows the wrong VAT number", "Our VAT number changed last month; the new invoice has the old one."),
    ("Refund for duplicate order", "I was charged twice for order 4471. Could you refund one of them?"),
    ("How do I export my data?", "We need a CSV export of all our records for an audit."),
    ("Feature request: dark mode", "Your app is great, but a dark mode would help us on night shifts."),
    ("Shipping delayed", "My parcel has not moved for five days. Tracking number 1Z999AA10123456784."),
    ("Upgrade to the annual plan", "We would like to switch to yearly billing. What discount do you offer?"),
    ("API returns 429", "Our integration gets HTTP 429 since this morning. What are the limits?"),
    ("Wrong size delivered", "I ordered a medium and received a large. How can I exchange it?"),
    ("Question about the warranty", "Does the two-year warranty cover accidental damage?"),
]
CHANNELS = ["email", "email", "email", "web", "api"]
REPLIES = [
    "Thanks for reaching out! I have looked into this and fixed it on our side. Could you try again?",
    "I am sorry for the trouble. I have forwarded this to our billing team, you will hear back today.",
    "Good question: you will find it under Settings → Export. Let me know if anything is missing.",
]


@dataclass
class DemoResult:
    account: Account
    owner_email: str
    owner_password: str
    chat_snippet: str = ""  # the demo chat button's one-line embed snippet


def create_demo() -> DemoResult:
    password = os.environ.get("HELPLINE_DEMO_PASSWORD", DEFAULT_PASSWORD)
    account = Account.objects.filter(slug=SLUG).first()
    if account is None:
        with transaction.atomic():
            account = _build(password)
    _ensure_mailbox(account)
    snippet = _ensure_chat_button(account)
    return DemoResult(account=account, owner_email=OWNER_EMAIL, owner_password=password, chat_snippet=snippet)


def _ensure_chat_button(account) -> str:
    """The demo chat button (department Support, when it exists); returns its embed snippet."""
    from helpline.channels.chat.actions import create_chat_button
    from helpline.channels.chat.models import ChatButton
    from helpline.channels.chat.views import embed_snippet

    button = ChatButton.objects.filter(account=account).order_by("id").first()
    if button is None:
        button = create_chat_button(
            account=account,
            name="Website chat",
            department=Department.objects.filter(account=account, name="Support").first(),
            welcome_message="Hi! Ask us anything; we usually answer within a minute.",
        )
    return embed_snippet(button)


def _ensure_mailbox(account) -> None:
    """The demo mailbox, which `helpline smtpd` and `helpline ingest-email` accept."""
    from helpline.channels.email.models import Mailbox

    Mailbox.objects.get_or_create(
        account=account, address=MAILBOX, defaults={"name": "Demo support", "inbound": Mailbox.FORWARD}
    )


def _build(password: str) -> Account:
    rng = random.Random(42)  # noqa: S311 - demo data only
    account, owner, _pw = tenancy.create_account(
        slug=SLUG, name="Demo Company", owner_email=OWNER_EMAIL, owner_name="Olga Owner", password=password
    )
    if _pw is None:  # the owner existed already (e.g. from another account): leave their password alone
        pass
    actor = Actor(user=owner)
    agents = [owner]
    for name, email in AGENTS:
        user = User.objects.filter(email=email).first() or User.objects.create_user(email, password, name=name)
        tenancy.add_member(account=account, user=user, role=Membership.AGENT, actor=actor)
        agents.append(user)
    departments = list(Department.objects.filter(account=account))
    for name in DEPARTMENTS:
        if not any(d.name == name for d in departments):
            departments.append(tenancy.create_department(account=account, name=name, actor=actor))
    for i, department in enumerate(departments):
        tenancy.set_department_members(department=department, users=agents[i % 2 :: 1], actor=actor)
    contacts = [
        find_or_create_contact(account=account, kind=ContactIdentity.EMAIL, value=email, name=name)[0]
        for name, email in CUSTOMERS
    ]
    statuses = [Status.NEW, Status.NEW, Status.OPEN, Status.ANSWERED, Status.RESOLVED, Status.POSTPONED]
    for i in range(50):
        subject, body = TOPICS[i % len(TOPICS)]
        contact = contacts[i % len(contacts)]
        ticket = conv.create_ticket(
            account=account,
            contact=contact,
            subject=subject,
            channel=CHANNELS[i % len(CHANNELS)],
            department=departments[i % len(departments)],
            priority=rng.choice(list(Priority.values)),
            tags=rng.sample(["billing", "bug", "vip", "shipping", "question"], k=rng.randint(0, 2)),
        )
        conv.receive_message(
            ticket=ticket, contact=contact, kind=ticket.channel if ticket.channel == "email" else "web", text=body
        )
        status = statuses[i % len(statuses)]
        agent = agents[i % len(agents)]
        if status != Status.NEW:
            conv.assign_ticket(ticket=ticket, assignee=agent, actor=actor)
            conv.send_reply(ticket=ticket, author=agent, text=REPLIES[i % len(REPLIES)])
            if i % 4 == 0:
                conv.add_note(ticket=ticket, author=agent, text="Checked the logs; nothing unusual.")
            if status == Status.OPEN:
                conv.receive_message(
                    ticket=ticket, contact=contact, kind="web", text="Thanks, but it still does not work for me."
                )
            elif status != Status.ANSWERED:
                conv.change_status(ticket=ticket, status=status, actor=actor)
    return account
