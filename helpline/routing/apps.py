from django.apps import AppConfig


class RoutingConfig(AppConfig):
    name = "helpline.routing"
    label = "routing"

    def ready(self):
        from helpline.routing import tasks  # noqa: F401  (registers the ring timeout and the sweeper with Huey)
