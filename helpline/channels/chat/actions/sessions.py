"""A chat's life: started from the pre-chat form, accepted by an agent, ended by either side; the offline form."""

from __future__ import annotations

import logging

from django.db import transaction
from django.utils.translation import gettext as _

from helpline.channels.chat import hours, routing_bridge
from helpline.channels.chat.actions.prechat import VisitorForm
from helpline.channels.chat.actions.presence import schedule_presence_check
from helpline.channels.chat.models import ChatButton, ChatLine, ChatSession
from helpline.conversations import actions as conversations
from helpline.conversations.statuses import Status
from helpline.core import clock
from helpline.core.actors import SYSTEM, Actor
from helpline.core.errors import Conflict, DomainError
from helpline.events import publish_on_commit
from helpline.events import types as ev
from helpline.people.actions import find_or_create_contact, update_contact
from helpline.people.models import ContactIdentity
from helpline.security import audit

log = logging.getLogger(__name__)
OPEN_STATES = (ChatSession.WAITING, ChatSession.ACTIVE)


class ChatClosed(DomainError):
    """The button is outside its business hours: the visitor is offered the offline form instead."""

    status = 409
    code = "closed"


def _email_taken(account, email: str) -> bool:
    return ContactIdentity.objects.filter(account=account, kind=ContactIdentity.EMAIL, value=email).exists()


def _contact_for(account, form: VisitorForm):
    """The visitor's contact: known by the visitor id, else by the email given (then the id joins it)."""
    identity = (
        ContactIdentity.objects.select_related("contact")
        .filter(account=account, kind=ContactIdentity.VISITOR, value=form.visitor_id)
        .first()
    )
    if identity is not None:
        contact = identity.contact
    elif form.email:
        contact, _created = find_or_create_contact(
            account=account, kind=ContactIdentity.EMAIL, value=form.email, name=form.name
        )
        ContactIdentity.objects.create(
            account=account, contact=contact, kind=ContactIdentity.VISITOR, value=form.visitor_id
        )
    else:
        contact, _created = find_or_create_contact(
            account=account, kind=ContactIdentity.VISITOR, value=form.visitor_id, name=form.name
        )
    if form.name and not contact.name:
        update_contact(contact=contact, name=form.name)
    if form.email and not contact.primary_email and not _email_taken(account, form.email):
        ContactIdentity.objects.create(account=account, contact=contact, kind=ContactIdentity.EMAIL, value=form.email)
        contact.primary_email = form.email
        contact.save(update_fields=["primary_email", "updated_at"])
    return contact


def open_session_for(button: ChatButton, visitor_id: str) -> ChatSession | None:
    return (
        ChatSession.objects.filter(button=button, visitor_id=visitor_id, state__in=OPEN_STATES)
        .select_related("ticket", "agent")
        .order_by("-id")
        .first()
    )


@transaction.atomic
def _create_session(*, button: ChatButton, form: VisitorForm, meta: dict) -> tuple[ChatSession, bool]:
    ChatButton.objects.select_for_update().filter(pk=button.pk).first()  # one session per visitor at a time
    existing = open_session_for(button, form.visitor_id)
    if existing is not None:
        return existing, False
    account = button.account
    contact = _contact_for(account, form)
    subject = form.message.splitlines()[0][:120] if form.message else ""
    ticket = conversations.create_ticket(
        account=account,
        contact=contact,
        subject=subject or _("Chat with %(name)s") % {"name": contact.display_name},
        channel="chat",
        department=button.department,
        brand=button.brand,
    )
    ticket = conversations.change_status(ticket=ticket, status=Status.CHATTING, allow_live=True)
    session = ChatSession.objects.create(
        account=account,
        button=button,
        ticket=ticket,
        contact=contact,
        visitor_id=form.visitor_id,
        form_data={**form.fields, **{k: v for k, v in meta.items() if v}},
        visitor_gone_at=clock.now(),  # until the visitor's widget socket joins the chat (actions.presence)
    )
    schedule_presence_check(session.pk)
    audit.record(
        account=account,
        actor=SYSTEM,
        action=ev.ChatSessionStarted.name,
        subject=ticket,
        data={"chat": session.public_id},
    )
    publish_on_commit(ev.ChatSessionStarted(account_id=account.pk, ticket_id=ticket.pk, session_id=session.pk))
    return session, True


def start_chat(*, button: ChatButton, form: VisitorForm, meta: dict | None = None) -> ChatSession:
    """The pre-chat form was sent: contact + ticket (channel chat, status chatting), the first message through the
    ingest pipeline, then routing rings agents. Idempotent per visitor: an open chat is returned as it is.

    Call outside a transaction: the session commits before its first message is ingested.
    """
    if not button.is_active:
        raise DomainError(_("This chat is not available."))
    if not hours.is_open(button) and open_session_for(button, form.visitor_id) is None:
        raise ChatClosed(_("We are closed right now. Leave us a message and we will answer by email."))
    session, created = _create_session(button=button, form=form, meta=meta or {})
    if not created:
        return session
    if form.message:
        from helpline.channels.chat.actions.messages import post_visitor_message

        post_visitor_message(session=session, cid="prechat", text=form.message)
    request = routing_bridge.request_chat(ticket=session.ticket, department=button.department, contact=session.contact)
    if request is not None:
        ChatSession.objects.filter(pk=session.pk).update(request_id=request.public_id)
        session.request_id = request.public_id
        if routing_bridge.request_state(request) == "unavailable":
            end_chat(session=session, ended_by="system")
            session.refresh_from_db()
    return session


@transaction.atomic
def accept_chat(*, session: ChatSession, user, actor: Actor | None = None) -> ChatSession:
    """An agent takes the chat: through routing when it is installed, else first come, first served."""
    actor = actor or Actor(user=user)
    session = ChatSession.objects.select_for_update().select_related("ticket").get(pk=session.pk)
    if session.state != ChatSession.WAITING:
        if session.state == ChatSession.ACTIVE and session.agent_id == user.pk:
            return session
        raise Conflict(_("Another agent has taken this chat, or it has ended."))
    if not routing_bridge.accept_chat(session=session, user=user):
        conversations.assign_ticket(ticket=session.ticket, assignee=user, actor=actor)
    session.state = ChatSession.ACTIVE
    session.agent = user
    session.accepted_at = clock.now()
    session.save(update_fields=["state", "agent", "accepted_at"])
    audit.record(
        account=session.account,
        actor=actor,
        action=ev.ChatSessionAccepted.name,
        subject=session.ticket,
        data={"chat": session.public_id},
    )
    publish_on_commit(
        ev.ChatSessionAccepted(
            account_id=session.account_id,
            actor_user_id=actor.user_id,
            ticket_id=session.ticket_id,
            session_id=session.pk,
            agent_user_id=user.pk,
        )
    )
    return session


def decline_chat(*, session: ChatSession, user) -> None:
    """The agent lets the chat pass; routing rings the next one. Without routing the chat simply keeps waiting."""
    if session.state != ChatSession.WAITING:
        raise Conflict(_("This chat is no longer waiting."))
    routing_bridge.decline_chat(session=session, user=user)


@transaction.atomic
def end_chat(*, session: ChatSession, ended_by: str, user=None, reason: str = "") -> ChatSession:
    """Either side ends the chat. The ticket becomes answered or resolved (the button's choice) when an agent
    took part, else new: a missed chat waits in the inbox like any unanswered ticket. ``reason``, for the audit
    log, says why the system ended it (``visitor_left``)."""
    actor = Actor(user=user) if user is not None else SYSTEM
    session = ChatSession.objects.select_for_update().select_related("ticket", "button").get(pk=session.pk)
    if session.state == ChatSession.ENDED:
        return session
    was_accepted = session.state == ChatSession.ACTIVE
    session.state = ChatSession.ENDED
    session.ended_at = clock.now()
    session.save(update_fields=["state", "ended_at"])
    answered = was_accepted and session.lines.filter(side=ChatLine.AGENT).exists()
    status = session.button.status_after_chat if answered else Status.NEW
    conversations.change_status(ticket=session.ticket, status=status, actor=actor, allow_live=True)
    if was_accepted:
        routing_bridge.finish_chat(ticket=session.ticket)
    elif routing_bridge.request_state(routing_bridge.get_request(session)) in ("pending", "ringing", "queued"):
        routing_bridge.withdraw_chat(session=session)
    audit.record(
        account=session.account,
        actor=actor,
        action=ev.ChatSessionEnded.name,
        subject=session.ticket,
        data={"chat": session.public_id, "ended_by": ended_by, **({"reason": reason} if reason else {})},
    )
    publish_on_commit(
        ev.ChatSessionEnded(
            account_id=session.account_id,
            actor_user_id=actor.user_id,
            ticket_id=session.ticket_id,
            session_id=session.pk,
            ended_by=ended_by,
        )
    )
    return session


@transaction.atomic
def rate_chat(*, session: ChatSession, rating: str, comment: str = "") -> ChatSession:
    if rating not in ("good", "bad"):
        raise DomainError(_("Rate the chat good or bad."))
    if not isinstance(comment, str):
        comment = ""
    session = ChatSession.objects.select_for_update().select_related("ticket").get(pk=session.pk)
    if session.state != ChatSession.ENDED or session.agent_id is None:
        raise DomainError(_("A chat can be rated once an agent has answered it and it has ended."))
    session.rating = rating
    session.rating_comment = (comment or "").strip()[:2000]
    session.save(update_fields=["rating", "rating_comment"])
    audit.record(
        account=session.account,
        actor=SYSTEM,
        action="chat.rated",
        subject=session.ticket,
        data={"chat": session.public_id, "rating": rating},
    )
    return session


def submit_offline_form(*, button: ChatButton, form: VisitorForm, meta: dict | None = None):
    """Nobody could chat: the visitor's message becomes a ticket (a contact form message) through ingest."""
    import json

    from helpline.conversations.statuses import MessageKind
    from helpline.ingest.pipeline import InboundMessage, ingest

    if not button.is_active:
        raise DomainError(_("This chat is not available."))
    with transaction.atomic():
        contact = _contact_for(button.account, form)
    details = {**form.fields, **{k: v for k, v in (meta or {}).items() if v}}
    raw = json.dumps({"button": button.public_id, "visitor": form.visitor_id, **details, "message": form.message})
    result = ingest(
        InboundMessage(
            account=button.account,
            channel="chat",
            kind=MessageKind.FORM,
            sender_kind=ContactIdentity.EMAIL,
            sender_value=contact.primary_email or form.email,
            sender_name=form.name,
            raw=raw.encode(),
            subject=form.message.splitlines()[0][:120],
            text=form.message,
            meta={"chat_button": button.public_id, "offline_form": True, **details},
            brand=button.brand,
            department=button.department,
        )
    )
    if result.message is None:
        raise DomainError(_("Your message could not be stored. Please try again."))
    return result.message.ticket
