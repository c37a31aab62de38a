"""Outgoing webhooks and Slack notifications: signed JSON posts of domain events to an account's endpoints."""
