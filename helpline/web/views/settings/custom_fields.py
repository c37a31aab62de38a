"""Custom fields: the extra fields of tickets and contacts (text, number, date, dropdown, checkbox)."""

from __future__ import annotations

from django.http import Http404
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from helpline.conversations.actions import (
    create_custom_field,
    delete_custom_field,
    move_custom_field,
    update_custom_field,
)
from helpline.conversations.custom_fields import get_custom_field, list_custom_fields
from helpline.conversations.models import CustomField
from helpline.core.actors import Actor
from helpline.core.errors import DomainError
from helpline.web.views.settings.sections import render_section, saved, section_view

KEY = "custom_fields"
NEW_FIELD = {"applies_to": CustomField.TICKET, "key": "", "label": "", "kind": CustomField.TEXT, "choices": ""}


def _render(request, *, error: str = "", error_for: str = "", new_values=None, status: int = 200):
    account = request.membership.account
    context = {
        "groups": [
            (CustomField.TICKET, _("Ticket fields"), list_custom_fields(account, CustomField.TICKET)),
            (CustomField.CONTACT, _("Contact fields"), list_custom_fields(account, CustomField.CONTACT)),
        ],
        "kinds": CustomField.KIND_CHOICES,
        "applies_to_choices": [(CustomField.TICKET, _("Tickets")), (CustomField.CONTACT, _("Contacts"))],
        "error": error,
        "error_for": error_for,
        "new_values": new_values or NEW_FIELD,
    }
    return render_section(request, KEY, "settings/custom_fields.html", context, status=status)


@require_GET
@section_view(KEY)
def custom_fields(request):
    return _render(request)


@require_POST
@section_view(KEY)
def create(request):
    values = {key: request.POST.get(key, "").strip() for key in ("applies_to", "key", "label", "kind", "choices")}
    try:
        field = create_custom_field(account=request.membership.account, actor=Actor(user=request.user), **values)
    except DomainError as exc:
        return _render(request, error=exc.message, error_for="new", new_values=values, status=exc.status)
    return saved(request, KEY, _("Field %(label)s created.") % {"label": field.label})


def _field_or_404(request, public_id) -> CustomField:
    field = get_custom_field(request.membership.account, public_id)
    if field is None:
        raise Http404(_("No such field."))
    return field


@require_POST
@section_view(KEY)
def update(request, public_id):
    field = _field_or_404(request, public_id)
    try:
        update_custom_field(
            field=field, label=request.POST.get("label", ""), choices=request.POST.get("choices"),
            actor=Actor(user=request.user),
        )  # fmt: skip
    except DomainError as exc:
        return _render(request, error=exc.message, error_for=public_id, status=exc.status)
    return saved(request, KEY, _("Field %(label)s saved.") % {"label": field.label})


@require_POST
@section_view(KEY)
def move(request, public_id):
    """Move the field one place up or down among the fields of its kind (plain buttons: no script needed)."""
    field = _field_or_404(request, public_id)
    offset = {"up": -1, "down": 1}.get(request.POST.get("direction", ""))
    if offset is None:
        return saved(request, KEY, _("Nothing was moved."))
    move_custom_field(field=field, offset=offset, actor=Actor(user=request.user))
    return saved(request, KEY, _("The order was saved."))


@require_POST
@section_view(KEY)
def delete(request, public_id):
    field = _field_or_404(request, public_id)
    delete_custom_field(field=field, actor=Actor(user=request.user))
    return saved(request, KEY, _("Field %(label)s deleted.") % {"label": field.label})
