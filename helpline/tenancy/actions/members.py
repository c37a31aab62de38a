"""Agents: invitations by email with an expiring link, roles, deactivation."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils.translation import gettext as _

from helpline.core import clock
from helpline.core.actors import SYSTEM, Actor
from helpline.core.errors import Conflict, DomainError, NotFound, PermissionDenied
from helpline.events import publish_on_commit
from helpline.events.types import MembershipChanged
from helpline.security import audit
from helpline.tenancy import permissions
from helpline.tenancy.models import Invitation, Membership, Role, User
from helpline.tenancy.plans import ensure_within_limit
from helpline.tenancy.selectors import forget_account_lists

INVITATION_LIFETIME = timedelta(days=7)


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@transaction.atomic
def add_member(*, account, user: User, role: str = Membership.AGENT, actor: Actor = SYSTEM) -> Membership:
    if role not in dict(Membership.ROLE_CHOICES) or role == Membership.CUSTOM:
        raise DomainError(_("Unknown role."))
    existing = Membership.objects.filter(account=account, user=user).first()
    if existing and existing.is_active:
        raise Conflict(_("%(email)s is already an agent of this account.") % {"email": user.email})
    ensure_within_limit(account, "agents")
    if existing:
        existing.is_active, existing.role = True, role
        existing.save(update_fields=["is_active", "role"])
        membership = existing
    else:
        membership = Membership.objects.create(account=account, user=user, role=role)
    audit.record(
        account=account, actor=actor, action="agent.added", subject=membership, data={"email": user.email, "role": role}
    )
    forget_account_lists(account.pk)
    return membership


@transaction.atomic
def invite_agent(*, account, email: str, role: str = Membership.AGENT, actor: Actor = SYSTEM) -> tuple[Invitation, str]:
    """Create an invitation and email its link. Returns the invitation and the raw token (for the link)."""
    email = (email or "").strip().lower()
    if "@" not in email:
        raise DomainError(_("Enter a valid email address."))
    if role not in (Membership.ADMIN, Membership.AGENT):
        raise DomainError(_("Invite as an admin or an agent."))
    if Membership.objects.filter(account=account, user__email=email, is_active=True).exists():
        raise Conflict(_("%(email)s is already an agent of this account.") % {"email": email})
    ensure_within_limit(account, "agents")
    token = secrets.token_urlsafe(32)
    invitation = Invitation.objects.create(
        account=account,
        email=email,
        role=role,
        token_hash=_hash(token),
        invited_by=actor.user,
        expires_at=clock.now() + INVITATION_LIFETIME,
    )
    link = f"{settings.BASE_URL}/invite/{token}/"
    message = _(
        "You have been invited to answer customers of %(account)s on Helpline.\n\nAccept within 7 days: %(link)s"
    ) % {"account": account.name, "link": link}
    transaction.on_commit(
        lambda: send_mail(_("Your Helpline invitation"), message, settings.DEFAULT_FROM_EMAIL, [email])
    )
    audit.record(
        account=account, actor=actor, action="agent.invited", subject=invitation, data={"email": email, "role": role}
    )
    return invitation, token


def find_invitation(token: str) -> Invitation:
    invitation = Invitation.objects.select_related("account").filter(token_hash=_hash(token)).first()
    if invitation is None or invitation.accepted_at is not None:
        raise NotFound(_("This invitation link is not valid."))
    if invitation.expires_at <= clock.now():
        raise NotFound(_("This invitation has expired. Ask for a new one."))
    return invitation


@transaction.atomic
def accept_invitation(*, token: str, name: str, password: str) -> Membership:
    invitation = find_invitation(token)
    user = User.objects.filter(email=invitation.email).first()
    if user is None:
        if len(password or "") < 10:
            raise DomainError(_("Choose a password of at least 10 characters."))
        user = User.objects.create_user(invitation.email, password, name=(name or "").strip())
    invitation.accepted_at = clock.now()
    invitation.save(update_fields=["accepted_at"])
    return add_member(account=invitation.account, user=user, role=invitation.role, actor=Actor(user=user))


@transaction.atomic
def change_role(*, membership: Membership, role: str, custom_role: Role | None = None, actor: Actor = SYSTEM):
    if role not in dict(Membership.ROLE_CHOICES):
        raise DomainError(_("Unknown role."))
    if role == Membership.CUSTOM and (custom_role is None or custom_role.account_id != membership.account_id):
        raise DomainError(_("Choose a custom role of this account."))
    if Membership.OWNER in (role, membership.role) and actor.user is not None:
        acting = Membership.objects.filter(account_id=membership.account_id, user=actor.user, is_active=True).first()
        if acting is None or acting.role != Membership.OWNER:
            raise PermissionDenied(_("Only an owner can give or take the owner role."))
    if membership.role == Membership.OWNER and role != Membership.OWNER:
        owners = Membership.objects.filter(account_id=membership.account_id, role=Membership.OWNER, is_active=True)
        if owners.count() <= 1:
            raise DomainError(_("An account keeps at least one owner."))
    membership.role = role
    membership.custom_role = custom_role if role == Membership.CUSTOM else None
    membership.save(update_fields=["role", "custom_role"])
    audit.record(
        account=membership.account, actor=actor, action="agent.role_changed", subject=membership, data={"role": role}
    )
    _membership_changed(membership, "role", actor)
    return membership


@transaction.atomic
def set_answer_only_to_solve(*, membership: Membership, value: bool, actor: Actor = SYSTEM) -> Membership:
    """The agent answers only the ticket "To solve" hands them (helpline.tosolve.answering)."""
    if membership.answer_only_to_solve != bool(value):
        membership.answer_only_to_solve = bool(value)
        membership.save(update_fields=["answer_only_to_solve"])
        audit.record(
            account=membership.account,
            actor=actor,
            action="agent.answer_only_to_solve_set",
            subject=membership,
            data={"answer_only_to_solve": membership.answer_only_to_solve},
        )
    return membership


@transaction.atomic
def deactivate_member(*, membership: Membership, actor: Actor = SYSTEM) -> Membership:
    if membership.role == Membership.OWNER:
        raise DomainError(_("The owner cannot be deactivated."))
    if actor.user_id is not None and actor.user_id == membership.user_id:
        raise DomainError(_("You cannot deactivate yourself."))
    membership.is_active = False
    membership.save(update_fields=["is_active"])
    audit.record(account=membership.account, actor=actor, action="agent.deactivated", subject=membership)
    forget_account_lists(membership.account_id)
    _membership_changed(membership, "deactivated", actor)
    return membership


def _membership_changed(membership: Membership, change: str, actor: Actor) -> None:
    """What the agent may see can change with the role (tickets.view_all): their open sockets learn it."""
    publish_on_commit(
        MembershipChanged(
            account_id=membership.account_id, actor_user_id=actor.user_id, user_id=membership.user_id, change=change
        )
    )


@transaction.atomic
def create_role(*, account, name: str, permission_keys: list[str], actor: Actor = SYSTEM) -> Role:
    ensure_within_limit(account, "custom_roles")
    unknown = set(permission_keys) - set(permissions.ALL)
    if unknown:
        raise DomainError(_("Unknown permissions: %(names)s") % {"names": ", ".join(sorted(unknown))})
    if not (name or "").strip():
        raise DomainError(_("A role needs a name."))
    if Role.objects.filter(account=account, name=name.strip()).exists():
        raise Conflict(_("A role with that name exists already."))
    role = Role.objects.create(account=account, name=name.strip(), permissions=sorted(permission_keys))
    audit.record(account=account, actor=actor, action="role.created", subject=role, data={"name": role.name})
    return role
