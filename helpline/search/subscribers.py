"""Keep the full-text index in step with tickets and contacts. Inside a batch (``events.decisions``) the
documents of all the batch's tickets and contacts are rebuilt together when it ends."""

from helpline.events.bus import coalesce_by
from helpline.events.decisions import gather
from helpline.events.types import ContactChanged, ContactCreated, TicketEvent

CHUNK = 500


def reindex_tickets(ticket_ids: list[int]) -> None:
    from helpline.conversations.models import Ticket
    from helpline.search.index import TICKET_DOCUMENT_FIELDS, index_tickets

    wanted = sorted(set(ticket_ids))
    documented = Ticket.objects.select_related("contact").only(*TICKET_DOCUMENT_FIELDS)  # not all its columns
    for start in range(0, len(wanted), CHUNK):
        index_tickets(documented.filter(pk__in=wanted[start : start + CHUNK]))


def reindex_contacts(contact_ids: list[int]) -> None:
    from helpline.people.models import Contact
    from helpline.search.index import index_contacts

    wanted = sorted(set(contact_ids))
    for start in range(0, len(wanted), CHUNK):
        index_contacts(Contact.objects.select_related("company").filter(pk__in=wanted[start : start + CHUNK]))


@coalesce_by(lambda event: event.ticket_id)  # one document per ticket per commit, whatever happened to it
def reindex_ticket(event: TicketEvent) -> None:
    if not gather(reindex_tickets, event.ticket_id):
        reindex_tickets([event.ticket_id])


@coalesce_by(lambda event: event.contact_id)
def reindex_contact(event: ContactCreated | ContactChanged) -> None:
    if not gather(reindex_contacts, event.contact_id):
        reindex_contacts([event.contact_id])
