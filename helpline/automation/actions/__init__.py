"""Every write to event rules and time rules goes through these functions."""

from helpline.automation.actions.rules import (
    create_rule,
    delete_rule,
    move_rule,
    reorder_rules,
    set_rule_enabled,
    update_rule,
)
from helpline.automation.actions.time_rules import (
    create_time_rule,
    delete_time_rule,
    move_time_rule,
    reorder_time_rules,
    set_time_rule_enabled,
    update_time_rule,
)

__all__ = [
    "create_rule", "delete_rule", "move_rule", "reorder_rules", "set_rule_enabled", "update_rule",
    "create_time_rule", "delete_time_rule", "move_time_rule", "reorder_time_rules", "set_time_rule_enabled",
    "update_time_rule",
]  # fmt: skip
