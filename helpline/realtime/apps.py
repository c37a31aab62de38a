from django.apps import AppConfig


class RealtimeConfig(AppConfig):
    name = "helpline.realtime"
    label = "realtime"
