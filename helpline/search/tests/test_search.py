import pytest

from helpline.conversations import actions
from helpline.conversations.selectors import TicketFilter, list_tickets
from helpline.search.index import search_contact_ids, search_ticket_ids


@pytest.fixture
def indexed(account, other_account, make_ticket, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        printer = make_ticket(account, subject="Printer jammed", body="The paper tray is stuck", email="p@x.com")
        invoice = make_ticket(account, subject="Invoice question", body="Wrong VAT on the invoice", email="i@x.com")
        foreign = make_ticket(other_account, subject="Printer jammed too", body="paper tray", email="f@x.com")
    return printer, invoice, foreign


def test_finds_subject_body_and_code_within_the_account(account, indexed):
    printer, invoice, _foreign = indexed
    assert search_ticket_ids(account, "printer") == [printer.pk]
    assert search_ticket_ids(account, "tray stuck") == [printer.pk]
    assert search_ticket_ids(account, "VAT") == [invoice.pk]
    assert search_ticket_ids(account, printer.code) == [printer.pk]


def test_prefix_of_last_word_matches(account, indexed):
    printer, _invoice, _foreign = indexed
    assert search_ticket_ids(account, "jamm") == [printer.pk]


def test_other_accounts_tickets_never_match(other_account, indexed):
    _printer, _invoice, foreign = indexed
    assert search_ticket_ids(other_account, "printer") == [foreign.pk]
    assert search_ticket_ids(other_account, "invoice") == []


def test_newest_first_and_bounded(account, make_ticket, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        tickets = [make_ticket(account, subject=f"Common word {i}", email=f"c{i}@x.com") for i in range(5)]
    assert search_ticket_ids(account, "common", limit=3) == [t.pk for t in reversed(tickets)][:3]


def test_new_messages_are_indexed(account, ticket, agent, django_capture_on_commit_callbacks):
    assert search_ticket_ids(account, "zebra") == []
    with django_capture_on_commit_callbacks(execute=True):
        actions.send_reply(ticket=ticket, author=agent, text="The zebra protocol fixes it")
    assert search_ticket_ids(account, "zebra") == [ticket.pk]


@pytest.mark.parametrize("query", ["", "   ", '"', "AND OR NOT", "*", "a'b", "NEAR(", ")))", "ü" * 300])
def test_hostile_queries_never_raise(account, indexed, query):
    assert isinstance(search_ticket_ids(account, query), list)


def test_contacts_are_searchable(account, other_account, indexed):
    printer, _invoice, _foreign = indexed
    assert search_contact_ids(account, "p@x.com") == [printer.contact_id]
    assert search_contact_ids(other_account, "p@x.com") == []


def test_inbox_search_filter(account, indexed):
    printer, _invoice, _foreign = indexed
    page, cursor = list_tickets(account, TicketFilter(q="paper"))
    assert [t.pk for t in page] == [printer.pk]
    assert cursor is None


def test_a_batch_reindexes_its_tickets_together_when_it_ends(account, make_ticket, django_capture_on_commit_callbacks):
    from helpline.events.decisions import once_per_batch

    with django_capture_on_commit_callbacks(execute=True):
        tickets = [make_ticket(account, subject=f"Parcel {i}", email=f"b{i}@x.com") for i in range(3)]
    with once_per_batch():
        with django_capture_on_commit_callbacks(execute=True):
            for ticket in tickets:
                actions.receive_message(ticket=ticket, contact=ticket.contact, kind="web", text=f"zebra{ticket.pk}")
        assert search_ticket_ids(account, "zebra*") == []  # the hooks ran; the documents wait for the batch's end
    for ticket in tickets:
        assert search_ticket_ids(account, f"zebra{ticket.pk}") == [ticket.pk]


def test_reindexing_many_tickets_costs_the_same_statements_as_two(account, make_ticket):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from helpline.search.subscribers import reindex_tickets

    tickets = [make_ticket(account, subject=f"Lamp {i}", email=f"l{i}@x.com") for i in range(8)]
    counts = []
    for group in (tickets[:2], tickets[2:]):
        with CaptureQueriesContext(connection) as queries:
            reindex_tickets([t.pk for t in group])
        counts.append(len(queries))
    assert counts[0] == counts[1]
    assert sorted(search_ticket_ids(account, "lamp")) == sorted(t.pk for t in tickets)
