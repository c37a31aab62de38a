"""Writes to webhooks: create, change, rotate the secret, delete, allowed ranges. Each one atomic and audited.

The raw secret of a JSON webhook is returned by ``create_webhook`` and ``rotate_secret`` only: show it once.
"""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from helpline.core import clock
from helpline.core.actors import SYSTEM, Actor
from helpline.core.errors import DomainError
from helpline.security import audit
from helpline.tenancy.plans import ensure_within_limit
from helpline.webhooks import catalog, network, signing
from helpline.webhooks.models import Webhook, WebhookDelivery, WebhookSettings
from helpline.webhooks.selectors import forget_active_webhooks

_UNSET = object()


class InvalidField(DomainError):
    """A value the webhook cannot take; ``field`` names it (``name``, ``url``, ``event_types``, ``departments``)."""

    def __init__(self, field: str, message):
        super().__init__(message)
        self.field = field


def _clean_name(name: str) -> str:
    name = (name or "").strip()
    if not name:
        raise InvalidField("name", _("A webhook needs a name."))
    if len(name) > 100:
        raise InvalidField("name", _("Use at most 100 characters for the name."))
    return name


def _clean_url(url: str, kind: str) -> str:
    """Slack-compatible receivers (Mattermost, Rocket.Chat) may be plain http on a private network, so the same
    rules apply to both kinds."""
    try:
        network.check_url(url)
    except network.Refused as exc:
        raise InvalidField("url", exc.message) from exc
    return url.strip()


def _clean_event_types(event_types, kind: str) -> list[str]:
    names = list(dict.fromkeys(str(name) for name in (event_types or [])))
    allowed = catalog.SLACK_EVENT_TYPES if kind == Webhook.SLACK else tuple(catalog.EVENT_TYPES)
    unknown = [name for name in names if name not in allowed]
    if unknown:
        raise InvalidField(
            "event_types",
            _("Unknown event type %(name)s; choose from: %(choices)s.")
            % {"name": unknown[0], "choices": ", ".join(allowed)},
        )
    if not names:
        raise InvalidField("event_types", _("Choose at least one event."))
    return [name for name in allowed if name in names]  # in the catalogue's order


def _check_departments(account, departments) -> list:
    departments = list(departments or [])
    if any(d.account_id != account.pk for d in departments):
        raise InvalidField("departments", _("Unknown department."))
    return departments


def _changed(webhook: Webhook) -> None:
    """Forget the subscriber's cached list now and again after the commit (another process may have cached
    the old state in between)."""
    account_id = webhook.account_id
    forget_active_webhooks(account_id)
    transaction.on_commit(lambda: forget_active_webhooks(account_id))


@transaction.atomic
def create_webhook(
    *,
    account,
    name: str,
    url: str,
    event_types,
    kind: str = Webhook.JSON,
    departments=(),
    is_active: bool = True,
    actor: Actor = SYSTEM,
) -> tuple[Webhook, str]:
    """The new webhook and its raw secret ("" for Slack, which signs nothing)."""
    if kind not in dict(Webhook.KIND_CHOICES):
        raise InvalidField("kind", _("Unknown kind of webhook."))
    ensure_within_limit(account, "webhooks")  # the plan's limit (100 even on the unlimited plan)
    secret = signing.new_secret() if kind == Webhook.JSON else ""
    webhook = Webhook.objects.create(
        account=account,
        name=_clean_name(name),
        kind=kind,
        url=_clean_url(url, kind),
        secret=secret,
        event_types=_clean_event_types(event_types, kind),
        is_active=is_active,
        created_by=actor.user,
    )
    webhook.departments.set(_check_departments(account, departments))
    audit.record(
        account=account,
        actor=actor,
        action="webhook.created",
        subject=webhook,
        data={"name": webhook.name, "kind": kind, "event_types": webhook.event_types, "active": is_active},
    )
    _changed(webhook)
    return webhook, secret


@transaction.atomic
def update_webhook(
    *,
    webhook: Webhook,
    name=_UNSET,
    url=_UNSET,
    event_types=_UNSET,
    departments=_UNSET,
    is_active=_UNSET,
    actor: Actor = SYSTEM,
) -> Webhook:
    """Change the given fields; the URL itself is never written to the audit log (it may hold a token)."""
    webhook = Webhook.objects.select_for_update().get(pk=webhook.pk)
    values = {}
    if name is not _UNSET:
        values["name"] = _clean_name(name)
    if event_types is not _UNSET:
        values["event_types"] = _clean_event_types(event_types, webhook.kind)
    if is_active is not _UNSET:
        values["is_active"] = bool(is_active)
    changed = audit.apply_changes(webhook, values)
    if url is not _UNSET and url.strip() != webhook.url:
        webhook.url = _clean_url(url, webhook.kind)
        changed["url"] = ["…", "…"]
    if departments is not _UNSET:
        departments = _check_departments(webhook.account, departments)
        before = sorted(d.public_id for d in webhook.departments.all())
        after = sorted(d.public_id for d in departments)
        if before != after:
            webhook.departments.set(departments)
            changed["departments"] = [",".join(before), ",".join(after)]
    if changed:
        webhook.save()
        audit.record(account=webhook.account, actor=actor, action="webhook.updated", subject=webhook, data=changed)
        _changed(webhook)
    return webhook


@transaction.atomic
def rotate_secret(*, webhook: Webhook, actor: Actor = SYSTEM) -> str:
    """A new signing secret, effective at once; the old one stops working."""
    if webhook.kind != Webhook.JSON:
        raise DomainError(_("Slack webhooks have no signing secret."))
    secret = signing.new_secret()
    webhook.secret = secret
    webhook.save(update_fields=["secret", "updated_at"])
    audit.record(account=webhook.account, actor=actor, action="webhook.secret_rotated", subject=webhook)
    return secret


@transaction.atomic
def delete_webhook(*, webhook: Webhook, actor: Actor = SYSTEM) -> None:
    audit.record(
        account=webhook.account, actor=actor, action="webhook.deleted", subject=webhook, data={"name": webhook.name}
    )
    _changed(webhook)
    webhook.delete()


@transaction.atomic
def set_allowed_ranges(*, account, ranges, actor: Actor = SYSTEM) -> list[str]:
    """The address ranges webhooks may reach although they are not public (owner or admin only: the caller
    checks the role)."""
    ranges = network.parse_ranges(ranges)
    row, _created = WebhookSettings.objects.select_for_update().get_or_create(account=account)
    if row.allowed_ranges != ranges:
        audit.record(
            account=account,
            actor=actor,
            action="webhook.allowed_ranges_changed",
            subject=account,
            data={"allowed_ranges": [row.allowed_ranges, ranges]},
        )
        row.allowed_ranges = ranges
        row.save()
    return ranges


def send_test_event(*, webhook: Webhook, actor: Actor = SYSTEM):
    """Send a ``webhook.test`` event now, once (no retries), and return its logged delivery."""
    from helpline.webhooks import delivery

    payload = catalog.envelope(
        event_type=catalog.TEST_EVENT,
        account_public_id=webhook.account.public_id,
        data={"webhook": {"id": webhook.public_id, "name": webhook.name}},
    )
    row = WebhookDelivery.objects.create(
        account_id=webhook.account_id,
        webhook=webhook,
        event_id=payload["id"],
        event_type=payload["type"],
        payload=payload,
        due_at=clock.now(),
    )
    audit.record(account=webhook.account, actor=actor, action="webhook.test_sent", subject=webhook)
    return delivery.attempt(row.pk, retry=False)
