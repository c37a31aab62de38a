"""What the ticket page, its thread partial, its composer and its side panel show."""

from __future__ import annotations

import html as html_lib
from dataclasses import dataclass

from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from helpline.channels.email.parsing import fold_quoted, fold_quoted_html
from helpline.channels.email.policy import OwnAddresses
from helpline.channels.registry import registry
from helpline.conversations.access import access_message, access_ticket
from helpline.conversations.html import sanitize_html, text_to_html
from helpline.conversations.models import Message
from helpline.conversations.selectors import get_thread
from helpline.conversations.statuses import PRIORITY_NAMES, SETTABLE_STATUSES, Direction, MessageKind, Priority
from helpline.core.errors import NotFound
from helpline.surveys.selectors import ratings_of
from helpline.tenancy.selectors import list_agents, list_departments
from helpline.web.composer import MAX_UPLOAD_BYTES, REPLY, ComposerState
from helpline.web.custom_field_panel import custom_field_panel

# Why an inbound message landed in this ticket (Message.meta["thread_reason"]): (label, longer explanation).
THREAD_REASONS = {
    "in_reply_to": (
        gettext_lazy("Threaded by In-Reply-To"),
        gettext_lazy("The mail's In-Reply-To header names a message of this ticket."),
    ),
    "references": (
        gettext_lazy("Threaded by References"),
        gettext_lazy("The mail's References header names a message of this ticket."),
    ),
    "reference": (
        gettext_lazy("Threaded by References"),
        gettext_lazy("The message refers to an earlier message of this ticket."),
    ),
    "ticket_code": (
        gettext_lazy("Ticket code in the subject"),
        gettext_lazy("The subject carries this ticket's code and the sender takes part in the ticket."),
    ),
    "new_ticket": (
        gettext_lazy("New ticket: nothing matched"),
        gettext_lazy("No header and no ticket code matched an existing ticket."),
    ),
    "stranger_new_ticket": (
        gettext_lazy("New ticket: sender was not a participant (mailbox policy)"),
        gettext_lazy(
            "The mail answers another ticket, but its sender takes no part in it; the mailbox opens a new ticket."
        ),
    ),
    "stranger_added": (
        gettext_lazy("Added: sender was not a participant (mailbox policy)"),
        gettext_lazy("The sender took no part in this ticket; the mailbox adds them as a participant."),
    ),
    "agent_reply": (
        gettext_lazy("Agent's reply from their mail client"),
        gettext_lazy("Recognised by the agent's address and the signed reply token of this ticket."),
    ),
    "spam": (
        gettext_lazy("New ticket: marked as spam"),
        gettext_lazy("The spam filter scored the mail at or above the mailbox's threshold."),
    ),
    "duplicate": (
        gettext_lazy("Duplicate of an earlier copy"),
        gettext_lazy("The same mail arrived before, for instance through another mailbox."),
    ),
}
FRAME_STYLE = (
    ":root{color-scheme:light;color:#141a2b;background:#fff}"
    ":root[data-theme=dark]{color-scheme:dark;color:#e7eaf3;background:#161b2c}"
    "@media (prefers-color-scheme:dark){:root:not([data-theme=light]){color-scheme:dark;color:#e7eaf3;"
    "background:#161b2c}:root:not([data-theme=light]) a{color:#8b85ff}}"
    "html{font:15px/1.5 system-ui,-apple-system,'Segoe UI',Roboto,sans-serif}"
    "body{margin:0;overflow-wrap:anywhere}a{color:#4f46e5}:root[data-theme=dark] a{color:#8b85ff}"
    "img{max-width:100%;height:auto}table{max-width:100%;border-collapse:collapse}td,th{padding:2px 4px}"
    "pre{white-space:pre-wrap}p{margin:0 0 .75em}"
    "blockquote{margin:0 0 .75em;padding-left:.75em;border-left:3px solid #8a92a6;opacity:.85}"
)


@dataclass(frozen=True)
class ThreadReason:
    code: str
    label: str
    explanation: str


@dataclass(frozen=True)
class ThreadEntry:
    """A message as the thread shows it: inline HTML, or an email's HTML for a sandboxed frame; quoted part apart."""

    message: Message
    body_html: str = ""  # inline (already sanitised); empty when the body goes in a frame
    quoted_html: str = ""
    frame_doc: str = ""  # a whole HTML document for <iframe srcdoc>
    quoted_frame_doc: str = ""
    reason: ThreadReason | None = None

    @property
    def has_quoted(self) -> bool:
        return bool(self.quoted_html or self.quoted_frame_doc)

    @property
    def can_forward(self) -> bool:
        return self.message.direction != Direction.INTERNAL


def ticket_or_404(request, public_id: str):
    try:
        return access_ticket(request.membership.account, public_id, membership=request.membership)
    except NotFound as exc:
        raise Http404(exc.message) from exc


def message_of_ticket_or_404(request, ticket, public_id: str) -> Message:
    """A message of this ticket; one of another ticket or account is "not found", like a missing one."""
    try:
        message = access_message(request.membership.account, public_id)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    if message.ticket_id != ticket.pk:
        raise Http404(_("No such message."))
    return message


def thread_reason(meta: dict) -> ThreadReason | None:
    code = str((meta or {}).get("thread_reason") or "")
    if not code:
        return None
    label, explanation = THREAD_REASONS.get(code, (code, code))
    explanation = str(explanation)
    if code == "stranger_new_ticket" and meta.get("related_ticket"):
        explanation += " " + _("It answered ticket #%(code)s.") % {"code": meta["related_ticket"]}
    return ThreadReason(code=code, label=str(label), explanation=explanation)


def frame_document(body_html: str, *, origin: str) -> str:
    """A complete document for a sandboxed frame: the sanitised body under a CSP that allows only our images."""
    csp = f"default-src 'none'; img-src {origin} data:; style-src 'unsafe-inline'"
    return (
        '<!doctype html><html><head><meta charset="utf-8">'
        f'<meta http-equiv="Content-Security-Policy" content="{html_lib.escape(csp)}">'
        f"<style>{FRAME_STYLE}</style></head><body>{sanitize_html(body_html)}</body></html>"
    )


def _is_own_html(message: Message) -> bool:
    """The sender wrote HTML (not only text Helpline turned into paragraphs)."""
    return bool(message.body_html.strip()) and message.body_html != text_to_html(message.body_text)


def thread_entry(message: Message, *, origin: str) -> ThreadEntry:
    reason = thread_reason(message.meta)
    is_email = message.direction == Direction.INBOUND and message.kind == MessageKind.EMAIL
    if not is_email:
        return ThreadEntry(message=message, body_html=message.body_html, reason=reason)
    if _is_own_html(message):
        visible, quoted = fold_quoted_html(sanitize_html(message.body_html))
        return ThreadEntry(
            message=message,
            frame_doc=frame_document(visible, origin=origin),
            quoted_frame_doc=frame_document(quoted, origin=origin) if quoted else "",
            reason=reason,
        )
    folded = fold_quoted(message.body_text)
    if not folded.quoted:
        return ThreadEntry(message=message, body_html=message.body_html, reason=reason)
    return ThreadEntry(
        message=message,
        body_html=text_to_html(folded.visible),
        quoted_html=text_to_html(folded.quoted),
        reason=reason,
    )


def request_origin(request) -> str:
    return f"{request.scheme}://{request.get_host()}"


def thread_context(request, ticket) -> dict:
    origin = request_origin(request)
    return {"ticket": ticket, "thread": [thread_entry(m, origin=origin) for m in get_thread(ticket)]}


def sends_to_addresses(ticket) -> bool:
    """Replies on this ticket go to email addresses the agent may change (To, CC, BCC)."""
    return bool(registry.get(ticket.channel).sends_to_addresses)


def reply_all_recipients(ticket, thread: list[ThreadEntry]) -> tuple[list[str], list[str]]:
    """(To, CC) for "Reply all": the last inbound mail's sender and To, then its CC; never our own addresses."""
    last = next((e.message for e in reversed(thread) if e.message.direction == Direction.INBOUND), None)
    if last is None:
        return ([ticket.contact.primary_email] if ticket.contact.primary_email else []), []
    own = OwnAddresses(ticket.account)
    sender = last.author_contact.primary_email if last.author_contact_id else ""
    to, cc, seen = [], [], set()
    for group, addresses in ((to, [sender, *last.meta.get("to", [])]), (cc, last.meta.get("cc", []))):
        for address in addresses:
            address = (address or "").strip().lower()
            if address and address not in seen and address not in own:
                seen.add(address)
                group.append(address)
    return to, cc


def composer_context(ticket, thread: list[ThreadEntry], state: ComposerState | None = None) -> dict:
    state = state or ComposerState()
    addressed = sends_to_addresses(ticket)
    requester = ticket.contact.primary_email or ""
    if addressed and state.mode == REPLY and not state.to and not state.error:  # a fresh composer
        state.to = requester
    context = {"composer": state, "addressed": addressed, "max_upload": MAX_UPLOAD_BYTES, "requester": requester}
    context["seen_message"] = thread[-1].message.public_id if thread else ""  # web.collisions: the newest on screen
    if addressed:
        to, cc = reply_all_recipients(ticket, thread)
        context.update(requester=requester, reply_all_to=", ".join(to), reply_all_cc=", ".join(cc))
    return context


def panel_context(
    account, ticket, *, errors: dict | None = None, tags_input: str | None = None, fields_input=None,
    fields_input_for: str = "",
) -> dict:  # fmt: skip
    statuses = [(s.value, s.label) for s in SETTABLE_STATUSES]
    if ticket.status not in {value for value, _label in statuses}:  # chatting or calling: a live session
        statuses.insert(0, (ticket.status, ticket.get_status_display()))
    tag_names = [t.name for t in ticket.tags.all()]
    return {
        "ticket": ticket,
        "agents": list_agents(account),
        "departments": list_departments(account),
        "statuses": statuses,
        "priorities": [(p.name.lower(), p.label) for p in Priority],
        "current_priority": PRIORITY_NAMES.get(ticket.priority, ""),
        "tags_input": ", ".join(tag_names) if tags_input is None else tags_input,
        "errors": errors or {},
        "custom_fields": custom_field_panel(account, ticket, posted=fields_input, posted_for=fields_input_for),
        "ratings": ratings_of(ticket),
    }
