"""Account-scoped reads the workspace needs and the core selectors do not offer (yet).

Every function takes the account first and never returns another account's rows.
"""

from __future__ import annotations

from django.db.models import Prefetch

from helpline.conversations.models import Tag
from helpline.core import clock
from helpline.security.models import ApiKey
from helpline.tenancy.models import Brand, Department, Invitation, Membership, Role, User

MAX_TAGS_IN_FILTER = 200


def list_tag_names(account) -> list[str]:
    return list(
        Tag.objects.filter(account=account).order_by("name").values_list("name", flat=True)[:MAX_TAGS_IN_FILTER]
    )


def list_memberships(account) -> list[Membership]:
    return list(
        Membership.objects.filter(account=account)
        .select_related("user", "custom_role")
        .order_by("-is_active", "user__name", "user__email")
    )


def get_membership(account, public_id: str) -> Membership | None:
    return Membership.objects.filter(account=account, public_id=public_id).select_related("user", "account").first()


def list_pending_invitations(account) -> list[Invitation]:
    return list(
        Invitation.objects.filter(account=account, accepted_at__isnull=True, expires_at__gt=clock.now()).order_by(
            "-created_at"
        )
    )


def list_roles(account) -> list[Role]:
    return list(Role.objects.filter(account=account).order_by("name"))


def get_role(account, public_id: str) -> Role | None:
    return Role.objects.filter(account=account, public_id=public_id).first()


def list_departments_for_settings(account) -> list[Department]:
    """Departments with their members (and roles there), calendars and holidays, in a fixed number of queries."""
    from helpline.calendars.models import Holiday
    from helpline.tenancy.models import DepartmentMember

    members = Prefetch("members", queryset=User.objects.order_by("name", "email"))
    roles = Prefetch("departmentmember_set", queryset=DepartmentMember.objects.order_by("id"))
    holidays = Prefetch("calendar__holidays", queryset=Holiday.objects.order_by("date", "id"))
    return list(
        Department.objects.filter(account=account)
        .select_related("calendar")
        .prefetch_related(members, roles, holidays)
        .order_by("name")
    )


def list_brands(account) -> list[Brand]:
    return list(Brand.objects.filter(account=account).order_by("-is_default", "name"))


def get_brand(account, public_id: str) -> Brand | None:
    return Brand.objects.filter(account=account, public_id=public_id).first()


def list_api_keys(account) -> list[ApiKey]:
    return list(ApiKey.objects.filter(account=account).select_related("created_by").order_by("revoked_at", "-id"))


def get_api_key(account, public_id: str) -> ApiKey | None:
    return ApiKey.objects.filter(account=account, public_id=public_id).select_related("account").first()
