"""What conditions look at: one event's ticket, message, contact and company, loaded lazily and once.

Each group of values (the ticket, its tags, its custom fields, the message, the contact …) is loaded on the first
condition that needs it, so an event costs a handful of queries however many rules look at it.
"""

from __future__ import annotations

from helpline.automation import fields as f
from helpline.automation import rows
from helpline.automation.operators import normalize
from helpline.conversations.statuses import PRIORITY_NAMES, Direction
from helpline.events import types as ev

MAX_BODY = 100_000  # conditions look at the first 100,000 characters of a message


def _lower(value):
    return value.lower() if isinstance(value, str) else value


class RuleContext:
    def __init__(self, ticket=None, event: ev.Event | None = None, *, row: dict | None = None):
        """From a loaded ticket, or from its ``rows.ticket_row`` (the model is then loaded if a rule acts)."""
        self._ticket = ticket
        self._row = row
        self.ticket_id = row["id"] if row is not None else ticket.pk
        self.account_id = row["account_id"] if row is not None else ticket.account_id
        self.event = event
        self._values: dict[str, object] = {}
        self._norm: dict[str, object] = {}
        self._loaded: set[str] = set()

    @classmethod
    def for_event(cls, event: ev.TicketEvent) -> RuleContext | None:
        # Plain statements, not the ORM: compiling the SQL cost more than judging 1,000 rules (bench/rules.py).
        row = rows.ticket_row(ticket_id=event.ticket_id, account_id=event.account_id)
        return cls(event=event, row=row) if row else None

    @property
    def ticket(self):
        """The ticket's model instance, for the actions (loaded on first use when the context began as a row)."""
        if self._ticket is None:
            from helpline.conversations.models import Ticket

            self._ticket = Ticket.objects.select_related("department", "assignee", "brand", "contact__company").get(
                pk=self.ticket_id, account_id=self.account_id
            )
        return self._ticket

    @property
    def row(self) -> dict:
        """The ticket's values conditions read (``rows.TICKET_KEYS``), read on first use: from the model when its
        relations came with it, else by the one statement (not one lazy query per relation)."""
        if self._row is None:
            ticket = self._ticket
            if rows.relations_loaded(ticket):
                self._row = rows.ticket_row_of(ticket)
            else:
                self._row = rows.ticket_row(ticket_id=self.ticket_id, account_id=self.account_id)
        return self._row

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
        t = self.row
        self._values.update(
            {
                "ticket.subject": t["subject"],
                "ticket.status": t["status"],
                "ticket.priority": PRIORITY_NAMES.get(t["priority"]),
                "ticket.channel": t["channel"],
                "ticket.department": t["department"],
                "ticket.assignee": t["assignee"],
                "ticket.brand": t["brand"],
                "ticket.message_count": t["message_count"],
            }
        )

    def _load_ticket_tags(self) -> None:
        self._values["ticket.tags"] = [name.lower() for name in rows.tag_names(self.ticket_id)]

    def _load_ticket_field(self) -> None:
        from helpline.conversations.models import CustomFieldValue

        values = CustomFieldValue.objects.filter(ticket_id=self.ticket_id).values_list("field__key", "value")
        self._values.update({f.TICKET_FIELD + key: _lower(value) for key, value in values})

    def message(self):
        """The event's message as a model (for actions such as forward); for other events the ticket's latest
        message from the customer."""
        if not hasattr(self, "_message"):
            from helpline.conversations.models import Message

            message_id = getattr(self.event, "message_id", None)
            messages = Message.objects.filter(ticket_id=self.ticket_id)
            if message_id:
                self._message = next(iter(messages.filter(pk=message_id)[:1]), None)
            else:
                self._message = messages.filter(direction=Direction.INBOUND).order_by("-id").first()
        return self._message

    def _message_values(self) -> dict | None:
        """What conditions read of the event's message (see ``message``), without building the model."""
        if not hasattr(self, "_message_row"):
            message_id = getattr(self.event, "message_id", None)
            self._message_row = rows.message_values(self.ticket_id, message_id, inbound=Direction.INBOUND)
        return self._message_row

    def _load_message(self) -> None:
        message = self._message_values()
        if message is not None:
            self._values.update(
                {
                    "message.body": message["body_text"][:MAX_BODY],
                    "message.kind": message["kind"],
                    "message.automatic": bool(message["meta"].get("automatic")),
                }
            )

    def _load_ticket_mailbox(self) -> None:
        message = self._message_values()
        mailbox = (message["meta"].get("mailbox") if message is not None else "") or None
        if mailbox is None and self.row["channel"] == "email":
            from helpline.conversations.models import Message

            first = Message.objects.filter(ticket=self.ticket, direction=Direction.INBOUND).order_by("id").first()
            mailbox = (first.meta.get("mailbox") if first else "") or None
        self._values["ticket.mailbox"] = mailbox

    def _load_ticket_in_business_hours(self) -> None:
        from helpline.calendars.schedule import is_open
        from helpline.core import clock
        from helpline.tosolve.deadlines import response_policy

        _minutes, schedule = response_policy(self.account_id, self.row["department_id"])
        self._values["ticket.in_business_hours"] = is_open(schedule, clock.now())

    def _load_contact(self) -> None:
        self._values.update({"contact.name": self.row["contact_name"], "contact.email": self.row["contact_email"]})

    def _load_contact_groups(self) -> None:
        from helpline.people.models import ContactGroup

        names = ContactGroup.objects.filter(contacts__id=self.row["contact_id"]).values_list("name", flat=True)
        self._values["contact.groups"] = [name.lower() for name in names]

    def _load_contact_field(self) -> None:
        from helpline.conversations.models import CustomFieldValue

        values = CustomFieldValue.objects.filter(contact_id=self.row["contact_id"]).values_list("field__key", "value")
        self._values.update({f.CONTACT_FIELD + key: _lower(value) for key, value in values})

    def _load_company(self) -> None:
        if self.row["company_name"] is not None:
            row = self.row
            self._values.update({"company.name": row["company_name"], "company.domain": row["company_domain"]})

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
        elif isinstance(e, ev.SlaWarning | ev.SlaBreached):
            values = {"event.sla_target": e.target}
        self._values.update(values)
