"""Automation: event rules that run the desk (triggers, conditions, actions), their engine and loop guard."""
