"""Slack incoming-webhook messages (``{"text", "blocks"}``) for new tickets and customer replies.

Slack's mrkdwn needs ``&``, ``<`` and ``>`` escaped; links are ``<url|label>``.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from helpline.events import types as e

EXCERPT = 500
RULE_NOTICE = "rule.slack_notice"


def escape(text: str) -> str:
    return (text or "").replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _excerpt(message: dict | None) -> str:
    text = " ".join(((message or {}).get("body_text") or "").split())
    return text if len(text) <= EXCERPT else text[: EXCERPT - 1] + "…"


def message_for(payload: dict) -> dict:
    """The Slack message for a webhook payload (see catalog.envelope)."""
    data = payload.get("data", {})
    ticket = data.get("ticket") or {}
    contact = ticket.get("contact") or {}
    who = escape(contact.get("name") or contact.get("email") or _("A customer"))
    link = f"<{ticket.get('url', '')}|#{escape(ticket.get('code', ''))} {escape(ticket.get('subject', ''))}>"
    if payload.get("type") == e.TicketCreated.name:
        headline = _("New ticket from %(who)s: %(link)s") % {"who": who, "link": link}
    elif payload.get("type") == e.MessageReceived.name:
        headline = _("%(who)s replied on %(link)s") % {"who": who, "link": link}
    elif payload.get("type") == RULE_NOTICE:  # an event or time rule's "Notify Slack" action
        text = escape(data.get("text") or _("Rule “%(name)s”") % {"name": (data.get("rule") or {}).get("name", "")})
        headline = f"{text}: {link}"
    else:
        headline = _("Test message from Helpline: this Slack webhook works.")
    blocks = [{"type": "section", "text": {"type": "mrkdwn", "text": headline}}]
    excerpt = _excerpt(data.get("message"))
    if excerpt:
        blocks.append({"type": "section", "text": {"type": "mrkdwn", "text": "> " + escape(excerpt)}})
    details = []
    if ticket.get("department"):
        details.append(_("Department: %(name)s") % {"name": escape(ticket["department"]["name"])})
    if ticket.get("priority"):
        details.append(_("Priority: %(name)s") % {"name": escape(ticket["priority"])})
    if details:
        blocks.append({"type": "context", "elements": [{"type": "mrkdwn", "text": " · ".join(details)}]})
    return {"text": headline, "blocks": blocks}
