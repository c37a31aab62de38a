"""Reactions to custom field and saved filter changes."""

from __future__ import annotations

from helpline.events.types import CustomFieldDefinitionChanged, SavedFilterChanged
from helpline.tenancy.selectors import forget_account_lists


def forget_cached_lists(event: CustomFieldDefinitionChanged | SavedFilterChanged) -> None:
    """The filter bar's choices (custom fields) are cached per account: drop them on every process."""
    forget_account_lists(event.account_id)
