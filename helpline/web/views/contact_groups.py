"""Contact groups (segments): the list, create, a group's page (name, rule, members), delete."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from helpline.core.actors import Actor
from helpline.core.errors import DomainError
from helpline.people import actions, segments
from helpline.people import selectors as people
from helpline.web.decorators import workspace_view
from helpline.web.views.contacts import WORK, found_or_404

RULE_ROWS = 3  # empty condition rows the form offers below the rule's own


def rule_from_form(post) -> dict:
    conditions = [
        {"field": field, "op": op, "value": value}
        for field, op, value in zip(post.getlist("field"), post.getlist("op"), post.getlist("value"), strict=False)
        if field and value.strip()
    ]
    return {"match": post.get("match", "all"), "conditions": conditions}


def _field_choices(account) -> list[tuple[str, str]]:
    from helpline.conversations.models import CustomField

    custom = CustomField.objects.filter(account=account, applies_to=CustomField.CONTACT).order_by("label")
    return [
        *((key, str(label)) for key, label in segments.FIELDS.items()),
        *((f"{segments.CUSTOM_PREFIX}{key}", label) for key, label in custom.values_list("key", "label")),
    ]


def _form_context(account, rule: dict) -> dict:
    conditions = list(rule.get("conditions", []))
    return {
        "rule_match": rule.get("match", "all"),
        "rule_rows": conditions + [{"field": "", "op": "is", "value": ""}] * RULE_ROWS,
        "field_choices": _field_choices(account),
        "operators": [(key, str(label)) for key, label in segments.OPERATORS.items()],
    }


def _render_list(request, *, error: str = "", values=None, status: int = 200):
    account = request.membership.account
    values = values or {"name": "", "description": "", "rule": {}}
    context = {
        "groups": people.list_groups(account),
        "error": error,
        "new_values": values,
        "nav": "contacts",
        "area": "groups",
        **_form_context(account, values["rule"]),
    }
    return render(request, "contacts/groups.html", context, status=status)


@require_GET
@workspace_view(*WORK)
def groups(request):
    return _render_list(request)


@require_POST
@workspace_view(*WORK)
def create(request):
    values = {
        "name": request.POST.get("name", "")[:100],
        "description": request.POST.get("description", "")[:255],
        "rule": rule_from_form(request.POST),
    }
    try:
        group = actions.create_group(account=request.membership.account, actor=Actor(user=request.user), **values)
    except DomainError as exc:
        return _render_list(request, error=exc.message, values=values, status=422)
    messages.success(request, _("Group %(name)s created.") % {"name": group.name})
    return redirect("web:contact-group", group.public_id)


def _render_group(request, group, *, error: str = "", rule=None, status: int = 200):
    account = request.membership.account
    context = {
        "group": group,
        "error": error,
        "nav": "contacts",
        "area": "groups",
        **_form_context(account, group.rule if rule is None else rule),
    }
    try:
        context["members"] = people.list_contacts(account, group=group, limit=people.PAGE_SIZE)
    except DomainError as exc:  # a rule stored before a check was tightened
        context.update(members=[], error=error or exc.message)
    return render(request, "contacts/group.html", context, status=status)


@require_GET
@workspace_view(*WORK)
def group_page(request, public_id):
    return _render_group(request, found_or_404(people.access_group, request.membership.account, public_id))


@require_POST
@workspace_view(*WORK)
def edit(request, public_id):
    group = found_or_404(people.access_group, request.membership.account, public_id)
    rule = rule_from_form(request.POST)
    try:
        actions.update_group(
            group=group,
            name=request.POST.get("name", "")[:100],
            description=request.POST.get("description", "")[:255],
            rule=rule,
            actor=Actor(user=request.user),
        )
    except DomainError as exc:
        group.refresh_from_db()
        return _render_group(request, group, error=exc.message, rule=rule, status=422)
    messages.success(request, _("Group saved."))
    return redirect("web:contact-group", group.public_id)


@require_POST
@workspace_view(*WORK)
def delete(request, public_id):
    group = found_or_404(people.access_group, request.membership.account, public_id)
    actions.delete_group(group=group, actor=Actor(user=request.user))
    messages.success(request, _("Group %(name)s deleted.") % {"name": group.name})
    return redirect("web:contact-groups")
