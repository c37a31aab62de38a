"""Proactive invitations: the rules (settings), an agent's invitation from the visitors list, and what the widget
reports (shown, accepted, dismissed)."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from helpline.channels.chat.monitoring.models import Invitation, InvitationRule, Visit
from helpline.core import clock
from helpline.core.actors import SYSTEM, Actor
from helpline.core.errors import Conflict, DomainError
from helpline.events import publish_on_commit
from helpline.events.types import VisitorInvited
from helpline.security import audit

MAX_SECONDS = 3600
MAX_COUNT = 1000
RULE_FIELDS = (
    "name",
    "button",
    "url_pattern",
    "min_seconds_on_page",
    "min_page_views",
    "min_visits",
    "referrer_contains",
    "message",
    "is_active",
)


def _text(value, *, limit: int, label: str, required: bool = False) -> str:
    value = (value or "").strip() if isinstance(value, str) or value is None else None
    if value is None:
        raise DomainError(_("%(field)s must be text.") % {"field": label})
    if required and not value:
        raise DomainError(_("Fill in %(field)s.") % {"field": label})
    if len(value) > limit:
        raise DomainError(_("Use at most %(n)d characters for %(field)s.") % {"field": label, "n": limit})
    return value


def _count(value, *, limit: int, label: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= limit:
        raise DomainError(_("%(field)s must be a whole number from 0 to %(n)d.") % {"field": label, "n": limit})
    return value


def clean_rule(account, values: dict) -> dict:
    unknown = set(values) - set(RULE_FIELDS)
    if unknown:
        raise DomainError(_("Unknown invitation rule setting: %(name)s.") % {"name": ", ".join(sorted(unknown))})
    cleaned = dict(values)
    if "name" in cleaned:
        cleaned["name"] = _text(cleaned["name"], limit=100, label=_("the name"), required=True)
    if "message" in cleaned:
        cleaned["message"] = _text(cleaned["message"], limit=500, label=_("the message"), required=True)
    if "url_pattern" in cleaned:
        cleaned["url_pattern"] = _text(cleaned["url_pattern"], limit=500, label=_("the page address pattern"))
    if "referrer_contains" in cleaned:
        cleaned["referrer_contains"] = _text(cleaned["referrer_contains"], limit=200, label=_("the referrer"))
    if "min_seconds_on_page" in cleaned:
        cleaned["min_seconds_on_page"] = _count(
            cleaned["min_seconds_on_page"], limit=MAX_SECONDS, label=_("The time on page")
        )
    for key, label in (("min_page_views", _("The number of pages")), ("min_visits", _("The number of visits"))):
        if key in cleaned:
            cleaned[key] = _count(cleaned[key], limit=MAX_COUNT, label=label)
    if cleaned.get("button") is not None and cleaned["button"].account_id != account.pk:
        raise DomainError(_("That chat button belongs to another account."))
    if "is_active" in cleaned:
        cleaned["is_active"] = bool(cleaned["is_active"])
    return cleaned


@transaction.atomic
def create_invitation_rule(*, account, actor: Actor = SYSTEM, **values) -> InvitationRule:
    cleaned = clean_rule(account, values)
    for required in ("name", "message"):
        if required not in cleaned:
            raise DomainError(_("Fill in the name and the message."))
    try:
        with transaction.atomic():
            rule = InvitationRule.objects.create(account=account, **cleaned)
    except IntegrityError as exc:
        raise DomainError(_("A rule named %(name)s exists already.") % {"name": cleaned["name"]}) from exc
    audit.record(
        account=account, actor=actor, action="chat_invitation_rule.created", subject=rule, data={"name": rule.name}
    )
    return rule


@transaction.atomic
def update_invitation_rule(*, rule: InvitationRule, actor: Actor = SYSTEM, **values) -> InvitationRule:
    cleaned = clean_rule(rule.account, values)
    rule = InvitationRule.objects.select_for_update().select_related("account").get(pk=rule.pk)
    changed = audit.apply_changes(rule, cleaned)
    if not changed:
        return rule
    try:
        with transaction.atomic():
            rule.save()
    except IntegrityError as exc:
        raise DomainError(_("A rule named %(name)s exists already.") % {"name": rule.name}) from exc
    audit.record(account=rule.account, actor=actor, action="chat_invitation_rule.updated", subject=rule, data=changed)
    return rule


@transaction.atomic
def delete_invitation_rule(*, rule: InvitationRule, actor: Actor = SYSTEM) -> None:
    audit.record(
        account=rule.account, actor=actor, action="chat_invitation_rule.deleted", subject=rule, data={"name": rule.name}
    )
    rule.delete()


@transaction.atomic
def invite_visitor(*, visit: Visit, user, message: str) -> Invitation:
    """An agent invites a visitor who is on the site now; the widget shows the bubble (pushed on commit)."""
    message = _text(message, limit=500, label=_("the message"), required=True)
    if visit.connections == 0:
        raise Conflict(_("The visitor has left the site."))
    invitation = Invitation.objects.create(account=visit.account, visit=visit, agent=user, message=message)
    audit.record(
        account=visit.account,
        actor=Actor(user=user),
        action="chat_visitor.invited",
        subject=invitation,
        data={"visit": visit.public_id},
    )
    publish_on_commit(VisitorInvited(account_id=visit.account_id, actor_user_id=user.pk, invitation_id=invitation.pk))
    return invitation


def record_rule_invitation_shown(*, visit: Visit, rule_public_id: str) -> Invitation | None:
    """The widget showed a rule's bubble: one invitation per rule and visit (a repeat returns the first)."""
    rule = InvitationRule.objects.filter(account_id=visit.account_id, public_id=rule_public_id, is_active=True).first()
    if rule is None:
        return None
    try:
        with transaction.atomic():
            return Invitation.objects.create(
                account_id=visit.account_id, visit=visit, rule=rule, message=rule.message, shown_at=clock.now()
            )
    except IntegrityError:
        return Invitation.objects.filter(visit=visit, rule=rule).first()


def answer_invitation(*, account, visitor_id: str, invitation: str, event: str) -> bool:
    """The widget reports an invitation of this visitor as shown, accepted or dismissed (first report wins)."""
    field = {"shown": "shown_at", "accepted": "accepted_at", "dismissed": "dismissed_at"}.get(event)
    if field is None or not isinstance(invitation, str) or not 0 < len(invitation) <= 16:
        return False
    rows = Invitation.objects.filter(
        account=account, visit__visitor_id=visitor_id, public_id=invitation, **{f"{field}__isnull": True}
    )
    return rows.update(**{field: clock.now()}) == 1
