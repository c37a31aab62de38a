"""Keep the full-text index in step with tickets and contacts."""

from helpline.events.bus import coalesce_by
from helpline.events.types import ContactChanged, ContactCreated, TicketEvent


@coalesce_by(lambda event: event.ticket_id)  # one document per ticket per commit, whatever happened to it
def reindex_ticket(event: TicketEvent) -> None:
    from helpline.conversations.models import Ticket
    from helpline.search.index import index_ticket

    ticket = Ticket.objects.select_related("contact").filter(pk=event.ticket_id).first()
    if ticket:
        index_ticket(ticket)


@coalesce_by(lambda event: event.contact_id)
def reindex_contact(event: ContactCreated | ContactChanged) -> None:
    from helpline.people.models import Contact
    from helpline.search.index import index_contact

    contact = Contact.objects.select_related("company").filter(pk=event.contact_id).first()
    if contact:
        index_contact(contact)
