"""After a ticket is resolved: mail the satisfaction survey, when the account switched its template on."""

from __future__ import annotations

import logging

from helpline.events.decisions import decide

log = logging.getLogger(__name__)


def send_survey(event) -> None:
    """Subscriber for ``TicketStatusChanged``. The "Satisfaction survey" email template (Settings → Email
    templates) is the switch: while it is off, nothing is sent. A ticket already rated is not asked again.
    Whether the switch is on is read once per bulk chunk (``helpline.events.decisions``)."""
    from helpline.channels.email import templates
    from helpline.channels.email.autoreply import send_notice
    from helpline.channels.email.models import EmailTemplate
    from helpline.conversations.models import Ticket
    from helpline.conversations.statuses import Status
    from helpline.surveys.selectors import rating_of
    from helpline.surveys.tokens import survey_url

    if event.to_status != Status.RESOLVED:
        return
    account_id = event.account_id
    if not decide(("survey_on", account_id), lambda: templates.may_be_on(account_id, EmailTemplate.SURVEY)):
        return  # off (the default): skip the ticket lock send_notice would take
    ticket = Ticket.objects.select_related("account", "contact", "brand").filter(pk=event.ticket_id).first()
    if ticket is None or rating_of(ticket) is not None:
        return
    outcome = send_notice(ticket, EmailTemplate.SURVEY, extra={"survey_url": survey_url(ticket)})
    log.info("survey for ticket %s: %s", ticket.public_id, outcome)
