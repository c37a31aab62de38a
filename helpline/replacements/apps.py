from django.apps import AppConfig


class ReplacementsConfig(AppConfig):
    name = "helpline.replacements"
    label = "replacements"
