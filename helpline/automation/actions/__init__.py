"""Every write to event rules goes through these functions."""

from helpline.automation.actions.rules import (
    create_rule,
    delete_rule,
    move_rule,
    reorder_rules,
    set_rule_enabled,
    update_rule,
)

__all__ = ["create_rule", "delete_rule", "move_rule", "reorder_rules", "set_rule_enabled", "update_rule"]
