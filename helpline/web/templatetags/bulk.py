"""{% bulk_actions as actions %}: the bulk actions the inbox offers, as (value, label)."""

from django import template

from helpline.bulk.operations import OPERATIONS

register = template.Library()

DESTRUCTIVE = {"delete", "spam", "merge"}


@register.simple_tag
def bulk_actions():
    return [(op.name, op.label, op.name in DESTRUCTIVE) for op in OPERATIONS.values()]
