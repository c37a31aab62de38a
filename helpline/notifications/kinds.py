"""What an agent can be notified about, the defaults of each way of being told, and the short texts.

Texts are built when shown (in the reader's language), from the notification's kind and the rows it names."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

NEW_TICKET = "new_ticket"
ASSIGNED = "assigned"
CUSTOMER_REPLIED = "customer_replied"
MENTIONED = "mentioned"
TRANSFERRED = "transferred"

WAYS = ("in_app", "email", "browser")


@dataclass(frozen=True)
class Kind:
    key: str
    label: object
    in_app: bool
    email: bool
    browser: bool

    def default(self, way: str) -> bool:
        return getattr(self, way)


# Browser notifications are off until the agent switches them on (the browser asks for permission then).
KINDS = {
    k.key: k
    for k in [
        Kind(NEW_TICKET, gettext_lazy("New ticket in one of my departments"), True, False, False),
        Kind(ASSIGNED, gettext_lazy("A ticket is assigned to me"), True, True, False),
        Kind(CUSTOMER_REPLIED, gettext_lazy("A customer replied on my ticket"), True, True, False),
        Kind(MENTIONED, gettext_lazy("I am mentioned in a note"), True, True, False),
        Kind(TRANSFERRED, gettext_lazy("A ticket is transferred to my department"), True, False, False),
    ]
}
CHOICES = [(k.key, k.label) for k in KINDS.values()]


def text(*, kind: str, code: str, subject: str, actor: str = "", department: str = "", customer: str = "") -> str:
    """The one-line text of a notification, in the active language."""
    values = {"code": code, "subject": subject, "actor": actor, "department": department, "customer": customer}
    if kind == NEW_TICKET:
        if department:
            return _("New ticket %(code)s in %(department)s: %(subject)s") % values
        return _("New ticket %(code)s: %(subject)s") % values
    if kind == ASSIGNED:
        if actor:
            return _("%(actor)s assigned %(code)s to you: %(subject)s") % values
        return _("%(code)s was assigned to you: %(subject)s") % values
    if kind == CUSTOMER_REPLIED:
        return _("%(customer)s replied on %(code)s: %(subject)s") % {
            **values,
            "customer": customer or _("The customer"),
        }
    if kind == MENTIONED:
        return _("%(actor)s mentioned you on %(code)s: %(subject)s") % {**values, "actor": actor or _("Someone")}
    if kind == TRANSFERRED:
        if actor:
            return _("%(actor)s transferred %(code)s to %(department)s: %(subject)s") % values
        return _("%(code)s was transferred to %(department)s: %(subject)s") % values
    return _("%(code)s: %(subject)s") % values
