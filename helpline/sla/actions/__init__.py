"""Every write of SLA levels, SLA rules and ticket SLA clocks goes through these functions."""

from helpline.sla.actions.alarms import fire_due_alarms
from helpline.sla.actions.clocks import resync_level_tickets, set_ticket_level, sync_ticket_clock
from helpline.sla.actions.levels import create_level, delete_level, update_level
from helpline.sla.actions.rules import create_rule, delete_rule, move_rule, reorder_rules, update_rule

__all__ = [
    "create_level",
    "create_rule",
    "delete_level",
    "delete_rule",
    "fire_due_alarms",
    "move_rule",
    "reorder_rules",
    "resync_level_tickets",
    "set_ticket_level",
    "sync_ticket_clock",
    "update_level",
    "update_rule",
]
