from django.apps import AppConfig


class WorkspaceConfig(AppConfig):
    """The agent's own workspace preferences: notification sounds."""

    name = "helpline.workspace"
    label = "workspace"
