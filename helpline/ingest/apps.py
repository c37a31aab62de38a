from django.apps import AppConfig


class IngestConfig(AppConfig):
    name = "helpline.ingest"
    label = "ingest"
