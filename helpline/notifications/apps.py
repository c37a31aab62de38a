from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    """Agent alerts: the in-app notification centre, email digests and browser notifications (Slack lives in
    helpline.webhooks)."""

    name = "helpline.notifications"
    label = "notifications"
