"""Contact groups (segments): the list, create, a group's page (name, rule, members), delete."""

from __future__ import annotations

from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from helpline.core.actors import Actor
from helpline.core.errors import DomainError
from helpline.people import actions, segments
from helpline.people import selectors as people
from helpline.web.decorators import workspace_view
from helpline.web.views.contacts import WORK, found_or_404
from helpline.web.views.people_records import delete_view, saved_or_refused

RULE_ROWS = 3  # empty condition rows the form offers below the rule's own


def rule_from_form(post) -> dict:
    conditions = [
        {"field": field, "op": op, "value": value}
        for field, op, value in zip(post.getlist("field"), post.getlist("op"), post.getlist("value"), strict=False)
        if field and value.strip()
    ]
    return {"match": post.get("match", "all"), "conditions": conditions}


def _posted(post) -> dict:
    """The group form's name, description and rule."""
    return {"name": post.get("name", "")[:100], "description": post.get("description", "")[:255],
            "rule": rule_from_form(post)}  # fmt: skip


def _field_choices(account) -> list[tuple[str, str]]:
    from helpline.conversations.models import CustomField

    custom = CustomField.objects.filter(account=account, applies_to=CustomField.CONTACT).order_by("position", "id")
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
    values = _posted(request.POST)
    return saved_or_refused(
        request,
        lambda: actions.create_group(account=request.membership.account, actor=Actor(user=request.user), **values),
        refused=lambda message: _render_list(request, error=message, values=values, status=422),
        done=lambda group: _("Group %(name)s created.") % {"name": group.name},
        to=_url,
    )


def _url(group) -> str:
    return reverse("web:contact-group", args=[group.public_id])


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
    values = _posted(request.POST)
    return saved_or_refused(
        request,
        lambda: actions.update_group(group=group, actor=Actor(user=request.user), **values),
        refused=lambda message: _render_group(request, group, error=message, rule=values["rule"], status=422),
        reload=group, done=_("Group saved."), to=_url(group),
    )  # fmt: skip


delete = delete_view(
    people.access_group,
    lambda group, actor: actions.delete_group(group=group, actor=actor),
    done=lambda group: _("Group %(name)s deleted.") % {"name": group.name},
    to="web:contact-groups",
)
