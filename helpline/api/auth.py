"""Bearer authentication with an account's API key; ``request.auth`` is the ApiKey."""

from __future__ import annotations

import re

from ninja.security import HttpBearer

from helpline.core.actors import Actor
from helpline.security.actions import authenticate_api_key

# hl_<hex prefix>_<urlsafe secret>; anything else is rejected before touching the database.
_KEY_SHAPE = re.compile(r"hl_[0-9a-f]{1,12}_[A-Za-z0-9_-]{1,200}")


class ApiKeyAuth(HttpBearer):
    def authenticate(self, request, token: str):
        token = token.strip()
        if not _KEY_SHAPE.fullmatch(token):
            return None
        return authenticate_api_key(token)


def account_of(request):
    return request.auth.account


def actor_of(request) -> Actor:
    return Actor(api_key=request.auth)


def membership_of(request):
    """The key's creator's membership when it bounds what the key sees (no ``tickets.view_all``), else None.

    A key acts for the team; one created by an agent who sees only their departments' tickets sees no more."""
    from helpline.tenancy.models import Membership

    key = request.auth
    if not key.created_by_id:
        return None
    if not hasattr(key, "_bounding_membership"):
        membership = (
            Membership.objects.filter(account_id=key.account_id, user_id=key.created_by_id, is_active=True)
            .select_related("custom_role")
            .first()
        )
        key._bounding_membership = membership
    return key._bounding_membership
