"""Brands: name, domain and colours; exactly one default per account."""

from __future__ import annotations

import re

from django.db import transaction
from django.utils.translation import gettext as _

from helpline.core.actors import SYSTEM, Actor
from helpline.core.errors import DomainError
from helpline.security import audit
from helpline.tenancy.models import Brand

_COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")


def _validate(name: str, primary: str, accent: str) -> None:
    if not (name or "").strip():
        raise DomainError(_("A brand needs a name."))
    for colour in (primary, accent):
        if not _COLOUR.match(colour or ""):
            raise DomainError(_("Colours are written like #2563eb."))


@transaction.atomic
def create_brand(
    *,
    account,
    name: str,
    domain: str = "",
    primary_colour: str = "#2563eb",
    accent_colour: str = "#0f766e",
    make_default: bool = False,
    actor: Actor = SYSTEM,
) -> Brand:
    _validate(name, primary_colour, accent_colour)
    if make_default:
        Brand.objects.filter(account=account, is_default=True).update(is_default=False)
    brand = Brand.objects.create(
        account=account,
        name=name.strip(),
        domain=domain.strip().lower(),
        primary_colour=primary_colour,
        accent_colour=accent_colour,
        is_default=make_default or not Brand.objects.filter(account=account).exists(),
    )
    audit.record(account=account, actor=actor, action="brand.created", subject=brand, data={"name": brand.name})
    return brand


@transaction.atomic
def update_brand(
    *,
    brand: Brand,
    name: str,
    domain: str,
    primary_colour: str,
    accent_colour: str,
    make_default: bool = False,
    actor: Actor = SYSTEM,
) -> Brand:
    _validate(name, primary_colour, accent_colour)
    if make_default and not brand.is_default:
        Brand.objects.filter(account_id=brand.account_id, is_default=True).update(is_default=False)
        brand.is_default = True
    brand.name, brand.domain = name.strip(), domain.strip().lower()
    brand.primary_colour, brand.accent_colour = primary_colour, accent_colour
    brand.save()
    audit.record(account=brand.account, actor=actor, action="brand.updated", subject=brand, data={"name": brand.name})
    return brand
