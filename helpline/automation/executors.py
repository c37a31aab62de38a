"""What each action kind does to a ticket, through the conversation actions (so audit rows and events stay
right, with the rule as the actor). With ``dry`` nothing is written: the result says what would happen.

Each executor returns a short, translated summary; ``Unchanged`` says the ticket already was that way.
"""

from __future__ import annotations

from collections.abc import Callable

from django.utils.translation import gettext as _

from helpline.conversations import actions as conv
from helpline.conversations.statuses import PRIORITY_BY_NAME, Status
from helpline.core.actors import Actor
from helpline.core.errors import DomainError


class Step:
    """One action's outcome: a summary and whether the ticket changed (or, in a dry run, would change)."""

    def __init__(self, summary: str, changed: bool = True):
        self.summary = summary
        self.changed = changed

    def as_dict(self, action_type: str) -> dict:
        return {"type": action_type, "summary": self.summary, "changed": self.changed}


def _agent(ticket, public_id: str):
    from helpline.tenancy.selectors import get_agent

    user = get_agent(ticket.account, public_id)
    if user is None:
        raise DomainError(_("The agent of this action no longer works in this account."))
    return user


def _department(ticket, public_id: str):
    from helpline.tenancy.selectors import get_department

    department = get_department(ticket.account, public_id)
    if department is None:
        raise DomainError(_("The department of this action no longer exists."))
    return department


def _assign(ticket, user, actor, dry) -> Step:
    changed = ticket.assignee_id != user.pk
    if not dry and changed:
        conv.assign_ticket(ticket=ticket, assignee=user, actor=actor)
    return Step(_("Assign to %(agent)s") % {"agent": user.display_name}, changed)


def assign(ticket, action, ctx, actor, dry) -> Step:
    return _assign(ticket, _agent(ticket, action["agent"]), actor, dry)


def unassign(ticket, action, ctx, actor, dry) -> Step:
    changed = ticket.assignee_id is not None
    if not dry and changed:
        conv.assign_ticket(ticket=ticket, assignee=None, actor=actor)
    return Step(_("Unassign"), changed)


def _by_strategy(ticket, action, actor, dry, strategy: str) -> Step:
    """Automatic assignment's choice (helpline.assignment: an available agent of the action's department, else of
    the ticket's, under their cap, within business hours); round robin moves that department's shared position."""
    from helpline.assignment.actions import choose_agent  # the strategies of automatic assignment

    department = {"department": _department(ticket, action["department"])} if action.get("department") else {}
    user = choose_agent(ticket, strategy, lock=not dry, **department)
    if user is None:
        raise DomainError(
            _("No agent can take the ticket now (online, under their limit of open tickets, within business hours).")
        )
    return _assign(ticket, user, actor, dry)


def assign_least_load(ticket, action, ctx, actor, dry) -> Step:
    """The available agent with the fewest open tickets."""
    return _by_strategy(ticket, action, actor, dry, "least_loaded")


def assign_round_robin(ticket, action, ctx, actor, dry) -> Step:
    """The next available agent after the one chosen last for that department."""
    return _by_strategy(ticket, action, actor, dry, "round_robin")


def transfer(ticket, action, ctx, actor, dry) -> Step:
    department = _department(ticket, action["department"])
    changed = ticket.department_id != department.pk
    if not dry and changed:
        conv.transfer_ticket(ticket=ticket, department=department, actor=actor)
    return Step(_("Transfer to %(department)s") % {"department": department.name}, changed)


def _status(ticket, status: str, actor, dry) -> Step:
    changed = ticket.status != status
    if not dry and changed:
        conv.change_status(ticket=ticket, status=status, actor=actor)
    return Step(_("Set status to %(status)s") % {"status": Status(status).label}, changed)


def set_status(ticket, action, ctx, actor, dry) -> Step:
    return _status(ticket, action["status"], actor, dry)


def mark_spam(ticket, action, ctx, actor, dry) -> Step:
    return _status(ticket, Status.SPAM, actor, dry)


def delete(ticket, action, ctx, actor, dry) -> Step:
    return _status(ticket, Status.DELETED, actor, dry)


def set_priority(ticket, action, ctx, actor, dry) -> Step:
    from helpline.conversations.statuses import Priority

    priority = PRIORITY_BY_NAME[action["priority"]]
    changed = ticket.priority != priority
    if not dry and changed:
        conv.change_priority(ticket=ticket, priority=priority, actor=actor)
    return Step(_("Set priority to %(priority)s") % {"priority": Priority(priority).label}, changed)


def add_tags(ticket, action, ctx, actor, dry) -> Step:
    present = {name.lower() for name in ticket.tags.values_list("name", flat=True)}
    changed = any(tag.lower() not in present for tag in action["tags"])
    if not dry and changed:
        conv.tag_ticket(ticket=ticket, names=action["tags"], actor=actor)
    return Step(_("Add tags: %(tags)s") % {"tags": ", ".join(action["tags"])}, changed)


def remove_tags(ticket, action, ctx, actor, dry) -> Step:
    present = {name.lower() for name in ticket.tags.values_list("name", flat=True)}
    changed = any(tag.lower() in present for tag in action["tags"])
    if not dry and changed:
        conv.untag_ticket(ticket=ticket, names=action["tags"], actor=actor)
    return Step(_("Remove tags: %(tags)s") % {"tags": ", ".join(action["tags"])}, changed)


def set_custom_field(ticket, action, ctx, actor, dry) -> Step:
    from helpline.conversations.models import CustomField

    field = CustomField.objects.filter(
        account_id=ticket.account_id, applies_to=CustomField.TICKET, key=action["field"]
    ).first()
    if field is None:
        raise DomainError(_("The custom field of this action no longer exists."))
    if not dry:
        conv.set_custom_field(ticket=ticket, field=field, value=action.get("value"), actor=actor)
    return Step(_("Set %(field)s to “%(value)s”") % {"field": field.label, "value": action.get("value")})


def _rendered(ticket, action) -> tuple[str, object | None]:
    """The text of a reply, note or email with its placeholders filled, and the predefined answer it comes from."""
    from helpline.replies.placeholders import known_names, render_text, values_for

    answer = None
    text = action.get("text") or ""
    if action.get("answer"):
        from helpline.replies.models import PredefinedAnswer

        answer = PredefinedAnswer.objects.filter(account_id=ticket.account_id, public_id=action["answer"]).first()
        if answer is None:
            raise DomainError(_("The predefined answer of this action no longer exists."))
        text = answer.body
    text = render_text(text, values_for(ticket=ticket, agent=None), known=known_names(ticket.account))
    return text, answer


def send_reply(ticket, action, ctx, actor, dry) -> Step:
    text, answer = _rendered(ticket, action)
    if not dry:
        if answer is not None:
            from helpline.replies.actions.answers import send_predefined_answer

            send_predefined_answer(ticket=ticket, answer=answer, author=None, actor=actor, text=text)
        else:
            conv.send_reply(ticket=ticket, author=None, text=text, actor=actor, automatic="rule")
    if answer is not None:
        return Step(_("Reply with the predefined answer “%(name)s”") % {"name": answer.name})
    return Step(_("Reply: “%(text)s”") % {"text": _short(text)})


def send_email(ticket, action, ctx, actor, dry) -> Step:
    text, _answer = _rendered(ticket, action)
    if not dry:
        conv.send_reply(ticket=ticket, author=None, text=text, actor=actor, to=action["to"], automatic="rule")
    return Step(_("Email %(to)s: “%(text)s”") % {"to": ", ".join(action["to"]), "text": _short(text)})


def add_note(ticket, action, ctx, actor, dry) -> Step:
    text, _answer = _rendered(ticket, action)
    if not dry:
        conv.add_note(ticket=ticket, author=None, text=text, actor=actor)
    return Step(_("Add the note “%(text)s”") % {"text": _short(text)})


def forward(ticket, action, ctx, actor, dry) -> Step:
    from helpline.conversations.statuses import Direction

    message = ctx.message()
    if message is None or message.direction == Direction.INTERNAL:
        raise DomainError(_("There is no message to forward."))
    text = ""
    if action.get("text"):
        text, _answer = _rendered(ticket, action)
    if not dry:
        conv.send_reply(ticket=ticket, author=None, text=text, actor=actor, to=action["to"], forward=message)
    return Step(_("Forward the message to %(to)s") % {"to": ", ".join(action["to"])})


RULE_EVENT, TIME_RULE_EVENT = "event_rule.fired", "time_rule.fired"


def call_webhook(ticket, action, ctx, actor, dry) -> Step:
    """Post an ``event_rule.fired`` event (the rule and the ticket) to a signed JSON webhook, through its normal
    delivery: stored first, sent by a task after the commit, retried with backoff, in the webhook's log."""
    from helpline.webhooks import catalog, delivery
    from helpline.webhooks.models import Webhook

    webhooks = Webhook.objects.filter(account_id=ticket.account_id, kind=Webhook.JSON)
    webhook = webhooks.filter(public_id=action["webhook"]).first()
    if webhook is None:
        raise DomainError(_("The webhook of this action no longer exists."))
    if not dry:
        payload = catalog.envelope(
            event_type=RULE_EVENT if actor.rule.kind == "event" else TIME_RULE_EVENT,
            account_public_id=ticket.account.public_id,
            data={"rule": {"id": actor.rule.public_id, "name": actor.rule.name}, "ticket": catalog.ticket_data(ticket)},
        )
        delivery.queue(webhook_id=webhook.pk, account_id=ticket.account_id, payload=payload)
    return Step(_("Call the webhook “%(name)s”") % {"name": webhook.name})


def set_sla_level(ticket, action, ctx, actor, dry) -> Step:
    """Give the ticket an SLA level (or "none") by hand: SLA rules no longer change it (helpline.sla)."""
    from helpline.sla.actions import set_ticket_level
    from helpline.sla.selectors import level_of_ticket, sla_level_by_id

    level = None
    if action["sla_level"] != "none":
        level = sla_level_by_id(ticket.account_id, action["sla_level"])
        if level is None:
            raise DomainError(_("The SLA level of this action no longer exists."))
    current = level_of_ticket(ticket)
    changed = (current.pk if current else None) != (level.pk if level else None)
    if not dry and changed:
        set_ticket_level(ticket=ticket, level=level, actor=actor)
    if level is None:
        return Step(_("Remove the SLA level"), changed)
    return Step(_("Set the SLA level to %(level)s") % {"level": level.name}, changed)


def notify_slack(ticket, action, ctx, actor, dry) -> Step:
    """Post to a Slack incoming webhook of Settings → Webhooks: the text (placeholders filled; the rule's name when
    empty) and a link to the ticket, through the normal delivery (stored, sent after the commit, retried, logged)."""
    from helpline.webhooks import catalog, delivery, slack
    from helpline.webhooks.models import Webhook

    webhook = Webhook.objects.filter(
        account_id=ticket.account_id, kind=Webhook.SLACK, public_id=action["slack"]
    ).first()
    if webhook is None:
        raise DomainError(_("The Slack webhook of this action no longer exists."))
    text = _rendered(ticket, action)[0] if action.get("text") else ""
    if not dry:
        rule = {"id": actor.rule.public_id, "name": actor.rule.name, "kind": actor.rule.kind}
        payload = catalog.envelope(
            event_type=slack.RULE_NOTICE,
            account_public_id=ticket.account.public_id,
            data={"rule": rule, "text": text, "ticket": catalog.ticket_data(ticket)},
        )
        delivery.queue(webhook_id=webhook.pk, account_id=ticket.account_id, payload=payload)
    return Step(_("Notify Slack through “%(name)s”") % {"name": webhook.name})


def stop(ticket, action, ctx, actor, dry) -> Step:
    return Step(_("Stop processing further rules"), changed=False)


def _short(text: str, limit: int = 80) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


EXECUTORS: dict[str, Callable[..., Step]] = {
    "assign": assign,
    "unassign": unassign,
    "assign_round_robin": assign_round_robin,
    "assign_least_load": assign_least_load,
    "transfer": transfer,
    "set_status": set_status,
    "set_priority": set_priority,
    "add_tags": add_tags,
    "remove_tags": remove_tags,
    "set_custom_field": set_custom_field,
    "send_reply": send_reply,
    "send_email": send_email,
    "add_note": add_note,
    "forward": forward,
    "mark_spam": mark_spam,
    "delete": delete,
    "call_webhook": call_webhook,
    "notify_slack": notify_slack,
    "set_sla_level": set_sla_level,
    "stop": stop,
}


def execute(ticket, action: dict, ctx, actor: Actor, *, dry: bool = False) -> Step:
    return EXECUTORS[action["type"]](ticket, action, ctx, actor, dry)
