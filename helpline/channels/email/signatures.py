"""Email signatures agents write themselves: sanitised with nh3 before they are stored."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from helpline.conversations.html import sanitize_html
from helpline.core.actors import SYSTEM, Actor
from helpline.core.errors import DomainError
from helpline.security import audit
from helpline.tenancy.models import Membership

SIGNATURE_MAX = 10_000


@transaction.atomic
def update_agent_signature(*, membership: Membership, signature_html: str, actor: Actor = SYSTEM) -> Membership:
    """The agent's signature in this account, shown under their replies ({{ agent.signature }} in templates)."""
    clean = sanitize_html(signature_html).strip() if signature_html.strip() else ""
    if len(clean) > SIGNATURE_MAX:
        raise DomainError(_("A signature may be at most %(max)d characters long.") % {"max": SIGNATURE_MAX})
    membership.signature_html = clean
    membership.save(update_fields=["signature_html"])
    audit.record(account=membership.account, actor=actor, action="agent.signature_updated", subject=membership)
    return membership
