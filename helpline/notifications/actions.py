"""Writes of the notification centre: notifying agents, marking read, saving preferences."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from helpline.core import clock
from helpline.core.actors import Actor
from helpline.core.errors import DomainError, NotFound
from helpline.notifications import kinds, preferences, push
from helpline.notifications.models import Notification, PendingEmail, Preference
from helpline.security import audit


@transaction.atomic
def notify(*, ticket, kind: str, memberships: list, actor_user_id: int | None = None, department_id=None) -> dict:
    """Tell each of ``memberships`` (already checked by recipients.eligible) about ``ticket``, the ways they chose:
    a notification in the bell, an item for their next email digest, a browser notification. Returns
    {"in_app": [user ids], "email": [user ids], "browser": [user ids]}."""
    if kind not in kinds.KINDS:
        raise DomainError(_("Unknown notification kind."))
    by_user = {m.user_id: m for m in memberships}
    chosen = preferences.choices_for(ticket.account_id, by_user, kind)
    done = {way: sorted(uid for uid in by_user if chosen[uid][way]) for way in kinds.WAYS}
    done["email"] = [uid for uid in done["email"] if by_user[uid].user.email]
    common = {"account_id": ticket.account_id, "kind": kind, "ticket": ticket, "actor_id": actor_user_id,
              "department_id": department_id}  # fmt: skip
    created = Notification.objects.bulk_create([Notification(recipient_id=uid, **common) for uid in done["in_app"]])
    if done["email"]:
        from helpline.notifications import digest

        waiting = digest.users_with_pending(ticket.account_id, done["email"])
        PendingEmail.objects.bulk_create([PendingEmail(recipient_id=uid, **common) for uid in done["email"]])
        for uid in done["email"]:
            if uid not in waiting:  # the first item of a window: its digest goes out when the window ends
                digest.flush_later(ticket.account_id, uid)
    shown = {n.recipient_id: n for n in created}
    targets = [
        (by_user[uid], shown.get(uid), uid in done["browser"]) for uid in sorted(set(shown) | set(done["browser"]))
    ]
    if targets:
        transaction.on_commit(lambda: push.notification_created(ticket, targets, kind=kind,
                                                                actor_user_id=actor_user_id,
                                                                department_id=department_id), robust=True)  # fmt: skip
    return done


def _own(account, user, public_id: str) -> Notification:
    found = Notification.objects.filter(account=account, recipient=user, public_id=public_id).first()
    if found is None:
        raise NotFound(_("No such notification."))
    return found


@transaction.atomic
def mark_read(*, account, user, public_id: str) -> Notification:
    """Idempotent: a notification read already keeps its first read time."""
    found = _own(account, user, public_id)
    if found.read_at is None:
        found.read_at = clock.now()
        Notification.objects.filter(pk=found.pk, read_at=None).update(read_at=found.read_at)
    return found


@transaction.atomic
def mark_all_read(*, account, user) -> int:
    return Notification.objects.filter(account=account, recipient=user, read_at=None).update(read_at=clock.now())


@transaction.atomic
def set_preferences(*, account, user, choices: dict[str, dict[str, bool]], actor: Actor) -> None:
    """``choices``: {kind: {way: on?}} for every kind (a kind left out keeps what it had)."""
    unknown = set(choices) - set(kinds.KINDS)
    if unknown:
        raise DomainError(_("Unknown notification kind."))
    changed = {}
    current = dict((k.key, c) for k, c in preferences.table_for(account.pk, user.pk))
    for kind, ways in choices.items():
        values = {way: bool(ways.get(way, current[kind][way])) for way in kinds.WAYS}
        if values != current[kind]:
            Preference.objects.update_or_create(account=account, user=user, kind=kind, defaults=values)
            changed[kind] = values
    if changed:
        membership = user.memberships.filter(account=account).first()
        audit.record(
            account=account, actor=actor, action="notifications.preferences_changed", subject=membership or user,
            data=changed,
        )  # fmt: skip
