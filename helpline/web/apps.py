from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "helpline.web"
    label = "web"
