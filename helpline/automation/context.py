"""What conditions look at: one event's ticket, message, contact and company, loaded lazily and once.

Each group of values (the ticket, its tags, its custom fields, the message, the contact …) is loaded on the first
condition that needs it, so an event costs a handful of queries however many rules look at it.
"""

from __future__ import annotations

from helpline.automation import fields as f
from helpline.automation.operators import normalize
from helpline.conversations.statuses import PRIORITY_NAMES, Direction
from helpline.events import types as ev

MAX_BODY = 100_000  # conditions look at the first 100,000 characters of a message


def _lower(value):
    return value.lower() if isinstance(value, str) else value


class RuleContext:
    def __init__(self, ticket, event: ev.Event | None = None):
        self.ticket = ticket
        self.event = event
        self._values: dict[str, object] = {}
        self._norm: dict[str, object] = {}
        self._loaded: set[str] = set()

    @classmethod
    def for_event(cls, event: ev.TicketEvent) -> RuleContext | None:
        from helpline.conversations.models import Ticket

        # A slice, not .first(): a primary-key lookup needs no ORDER BY, and compiling one costs more Python than
        # the query costs the database (bench/rules.py).
        found = list(
            Ticket.objects.filter(pk=event.ticket_id, account_id=event.account_id).select_related(
                "department", "assignee", "brand", "contact__company"
            )[:1]
        )
        return cls(found[0], event) if found else None

    def norm(self, key: str):
        """The value as conditions compare it: text lower-cased, lists as tuples of lower-cased text (memoised, so
        a long message is lower-cased once per event, not once per rule)."""
        try:
            return self._norm[key]
        except KeyError:
            value = self._norm[key] = normalize(self.get(key))
            return value

    def get(self, key: str):
        if key not in self._values:
            group = key.split(".", 1)[0]
            if key.startswith(f.TICKET_FIELD) or key.startswith(f.CONTACT_FIELD):
                group = key[: key.index(".", key.index(".") + 1)]  # "ticket.field" / "contact.field"
            elif key in ("ticket.tags", "ticket.mailbox", "ticket.in_business_hours", "contact.groups"):
                group = key
            if group not in self._loaded:
                self._loaded.add(group)
                self._load(group)
            self._values.setdefault(key, None)
        return self._values[key]

    def _load(self, group: str) -> None:
        loader = getattr(self, "_load_" + group.replace(".", "_"), None)
        if loader:
            loader()

    def _load_ticket(self) -> None:
        t = self.ticket
        self._values.update(
            {
                "ticket.subject": t.subject,
                "ticket.status": t.status,
                "ticket.priority": PRIORITY_NAMES.get(t.priority),
                "ticket.channel": t.channel,
                "ticket.department": t.department.public_id if t.department_id else None,
                "ticket.assignee": t.assignee.public_id if t.assignee_id else None,
                "ticket.brand": t.brand.public_id if t.brand_id else None,
                "ticket.message_count": t.message_count,
            }
        )

    def _load_ticket_tags(self) -> None:
        self._values["ticket.tags"] = [name.lower() for name in self.ticket.tags.values_list("name", flat=True)]

    def _load_ticket_field(self) -> None:
        from helpline.conversations.models import CustomFieldValue

        rows = CustomFieldValue.objects.filter(ticket=self.ticket).values_list("field__key", "value")
        self._values.update({f.TICKET_FIELD + key: _lower(value) for key, value in rows})

    def message(self):
        """The event's message; for other events the ticket's latest message from the customer."""
        if not hasattr(self, "_message"):
            from helpline.conversations.models import Message

            message_id = getattr(self.event, "message_id", None)
            messages = Message.objects.filter(ticket=self.ticket).defer("body_html")  # conditions read the text
            if message_id:
                self._message = next(iter(messages.filter(pk=message_id)[:1]), None)
            else:
                self._message = messages.filter(direction=Direction.INBOUND).order_by("-id").first()
        return self._message

    def _load_message(self) -> None:
        message = self.message()
        if message is not None:
            self._values.update(
                {
                    "message.body": message.body_text[:MAX_BODY],
                    "message.kind": message.kind,
                    "message.automatic": bool(message.meta.get("automatic")),
                }
            )

    def _load_ticket_mailbox(self) -> None:
        message = self.message()
        mailbox = (message.meta.get("mailbox") if message is not None else "") or None
        if mailbox is None and self.ticket.channel == "email":
            from helpline.conversations.models import Message

            first = Message.objects.filter(ticket=self.ticket, direction=Direction.INBOUND).order_by("id").first()
            mailbox = (first.meta.get("mailbox") if first else "") or None
        self._values["ticket.mailbox"] = mailbox

    def _load_ticket_in_business_hours(self) -> None:
        from helpline.calendars.schedule import is_open
        from helpline.core import clock
        from helpline.tosolve.deadlines import response_policy

        _minutes, schedule = response_policy(self.ticket.account_id, self.ticket.department_id)
        self._values["ticket.in_business_hours"] = is_open(schedule, clock.now())

    def _load_contact(self) -> None:
        contact = self.ticket.contact
        self._values.update(
            {
                "contact.name": contact.name,
                "contact.email": contact.primary_email,
            }
        )

    def _load_contact_groups(self) -> None:
        names = self.ticket.contact.groups.values_list("name", flat=True)
        self._values["contact.groups"] = [name.lower() for name in names]

    def _load_contact_field(self) -> None:
        from helpline.conversations.models import CustomFieldValue

        rows = CustomFieldValue.objects.filter(contact_id=self.ticket.contact_id).values_list("field__key", "value")
        self._values.update({f.CONTACT_FIELD + key: _lower(value) for key, value in rows})

    def _load_company(self) -> None:
        company = self.ticket.contact.company
        if company is not None:
            self._values.update({"company.name": company.name, "company.domain": company.domain})

    def _load_event(self) -> None:
        e = self.event
        values = {}
        if isinstance(e, ev.TicketStatusChanged):
            values = {"event.from_status": e.from_status, "event.to_status": e.to_status}
        elif isinstance(e, ev.TicketPriorityChanged):
            values = {
                "event.from_priority": PRIORITY_NAMES.get(e.from_priority),
                "event.to_priority": PRIORITY_NAMES.get(e.to_priority),
            }
        elif isinstance(e, ev.TicketTagged | ev.TicketUntagged):
            values = {"event.tags": [tag.lower() for tag in e.tags]}
        elif isinstance(e, ev.ChatSessionEnded):
            values = {"event.chat_ended_by": e.ended_by}
        elif isinstance(e, ev.RatingReceived):
            values = {"event.rating": e.value, "event.rating_source": e.source}
        self._values.update(values)
