from django.apps import AppConfig


class FiltersConfig(AppConfig):
    name = "helpline.filters"
    label = "filters"
