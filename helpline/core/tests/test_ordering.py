"""moved_in_order: one row moved up or down among rows ordered by position, then id."""

from __future__ import annotations

import pytest

from helpline.conversations.actions import create_custom_field
from helpline.conversations.models import CustomField
from helpline.core.ordering import moved_in_order


@pytest.mark.parametrize(
    ("key", "offset", "order"),
    [
        ("seats", -1, ["seats", "plan", "region"]),
        ("seats", 1, ["plan", "region", "seats"]),
        ("plan", -1, ["plan", "seats", "region"]),  # the first stays first
        ("region", 5, ["plan", "seats", "region"]),  # the last stays last
        ("region", -9, ["region", "plan", "seats"]),
    ],
)
def test_one_row_moves_within_the_list(account, key, offset, order):
    fields = {
        k: create_custom_field(account=account, applies_to="ticket", key=k, label=k.title(), kind="text")
        for k in ("plan", "seats", "region")
    }
    ids = moved_in_order(CustomField.objects.filter(account=account), fields[key].public_id, offset)
    assert ids == [fields[k].public_id for k in order]
