from django.apps import AppConfig


class BulkConfig(AppConfig):
    name = "helpline.bulk"
    label = "bulk"
