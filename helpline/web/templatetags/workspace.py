"""Template filters for the workspace."""

from __future__ import annotations

from django import template
from django.utils import timezone
from django.utils.timesince import timesince
from django.utils.translation import gettext as _

register = template.Library()


@register.filter
def ago(moment) -> str:
    """'just now' for the last minute, then '5 minutes ago', '2 days ago' (the largest unit only)."""
    if not moment:
        return ""
    if (timezone.now() - moment).total_seconds() < 60:
        return _("just now")
    return _("%(time)s ago") % {"time": timesince(moment, depth=1)}
