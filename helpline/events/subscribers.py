"""THE explicit subscriber table: which code reacts to which event. Add new subscribers here."""

from __future__ import annotations

from collections.abc import Callable
from functools import cache

from helpline.events import types as e


@cache
def table() -> dict[type[e.Event], tuple[Callable[[e.Event], None], ...]]:
    from helpline.assignment.subscribers import assign_new_ticket, assign_transferred_ticket, assign_waiting_tickets
    from helpline.automation.subscribers import forget_compiled_rules, run_event_rules
    from helpline.bulk.subscribers import run_bulk_job_soon
    from helpline.channels.chat.monitoring.subscribers import (
        push_invitation_to_visitor,
        push_visit_to_agents,
        push_visitor_chat_to_agents,
    )
    from helpline.channels.chat.subscribers import push_chat_line, push_chat_state, reindex_ticket_unless_chat_line
    from helpline.channels.email.autoreply import notify_resolved
    from helpline.channels.subscribers import deliver_queued_reply
    from helpline.filters.subscribers import forget_cached_lists
    from helpline.notifications.subscribers import (
        notify_assignee,
        notify_customer_reply,
        notify_mentions,
        notify_new_ticket,
        notify_transfer,
    )
    from helpline.people.subscribers import (
        forget_group_choices,
        reindex_after_merge,
        reindex_company_contacts,
        start_contact_import,
    )
    from helpline.realtime.subscribers import (
        push_chat_to_agents,
        push_presence_to_agents,
        push_to_agents,
        refresh_ticket_scopes,
    )
    from helpline.search.subscribers import reindex_contact
    from helpline.sla.subscribers import resync_calendar_levels, track_sla
    from helpline.surveys.subscribers import send_survey
    from helpline.tosolve.subscribers import forget_work_policies
    from helpline.webhooks.subscribers import queue_webhook_deliveries as send_webhooks
    from helpline.workspace.subscribers import push_sounds_to_agent

    # One reindex per ticket per commit whatever happened; a chat line's a few seconds later (chat.subscribers).
    ticket_changes = (reindex_ticket_unless_chat_line, push_to_agents)
    return {
        e.TicketCreated: (
            track_sla,
            *ticket_changes,
            run_event_rules,
            assign_new_ticket,
            send_webhooks,
            notify_new_ticket,
        ),
        e.MessageReceived: (
            track_sla,
            push_chat_line,
            *ticket_changes,
            run_event_rules,
            send_webhooks,
            notify_customer_reply,
        ),
        e.ReplyQueued: (
            track_sla,
            push_chat_line,
            deliver_queued_reply,
            *ticket_changes,
            run_event_rules,
            send_webhooks,
        ),
        e.NoteAdded: (*ticket_changes, send_webhooks, notify_mentions),
        e.MessageDeliveryChanged: (push_to_agents,),
        e.TicketAssigned: (push_to_agents, run_event_rules, send_webhooks, notify_assignee),
        e.TicketTransferred: (
            track_sla,
            push_to_agents,
            run_event_rules,
            assign_transferred_ticket,
            send_webhooks,
            notify_transfer,
        ),
        e.TicketStatusChanged: (
            track_sla,
            push_to_agents,
            notify_resolved,
            send_survey,
            run_event_rules,
            send_webhooks,
        ),
        e.TicketPriorityChanged: (track_sla, push_to_agents, run_event_rules, send_webhooks),
        e.TicketTagged: (push_to_agents, run_event_rules, send_webhooks),
        e.TicketUntagged: (push_to_agents, run_event_rules, send_webhooks),
        e.CustomFieldSet: (push_to_agents,),
        e.TicketSplit: ticket_changes,
        e.TicketMerged: (*ticket_changes, send_webhooks),
        e.BulkJobStarted: (run_bulk_job_soon,),
        e.ContactCreated: (reindex_contact, send_webhooks),
        e.ContactChanged: (reindex_contact, send_webhooks),
        e.ContactsMerged: (reindex_after_merge,),
        e.ContactNoteAdded: (reindex_contact,),
        e.ContactNoteDeleted: (reindex_contact,),
        e.CompanyCreated: (reindex_company_contacts,),
        e.CompanyChanged: (reindex_company_contacts,),
        e.CompanyDeleted: (reindex_company_contacts,),
        e.ContactGroupChanged: (forget_group_choices,),
        e.ContactImportStarted: (start_contact_import,),
        e.SoundPreferenceChanged: (push_sounds_to_agent,),
        e.ChatRinging: (push_chat_to_agents,),
        e.ChatAccepted: (push_chat_to_agents,),
        e.ChatMissed: (push_chat_to_agents,),
        e.ChatDeclined: (push_chat_to_agents,),
        e.ChatQueued: (push_chat_to_agents,),
        e.ChatUnavailable: (push_chat_to_agents,),
        e.ChatWithdrawn: (push_chat_to_agents,),
        e.ChatFinished: (push_chat_to_agents,),
        e.ChatInvited: (push_chat_to_agents,),
        e.AgentPresenceChanged: (push_presence_to_agents, assign_waiting_tickets),
        e.ChatSessionStarted: (push_to_agents, push_visitor_chat_to_agents, run_event_rules),
        e.ChatSessionAccepted: (push_chat_state, push_to_agents),
        e.ChatSessionEnded: (push_chat_state, push_to_agents, push_visitor_chat_to_agents, run_event_rules),
        e.VisitorPageViewed: (push_visit_to_agents,),
        e.VisitorLeft: (push_visit_to_agents,),
        e.VisitorInvited: (push_invitation_to_visitor,),
        e.CustomFieldDefinitionChanged: (forget_cached_lists,),
        e.SavedFilterChanged: (forget_cached_lists,),
        e.BusinessCalendarChanged: (forget_work_policies, resync_calendar_levels),
        e.DepartmentChanged: (forget_work_policies, refresh_ticket_scopes),
        e.MembershipChanged: (refresh_ticket_scopes,),
        e.EventRuleChanged: (forget_compiled_rules,),
        e.RatingReceived: (push_to_agents, run_event_rules, send_webhooks),
        e.SlaWarning: (push_to_agents, run_event_rules, send_webhooks),
        e.SlaBreached: (push_to_agents, run_event_rules, send_webhooks),
    }


def subscribers_for(event_type: type[e.Event]) -> tuple[Callable[[e.Event], None], ...]:
    return table().get(event_type, ())
