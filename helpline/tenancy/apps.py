from django.apps import AppConfig


class TenancyConfig(AppConfig):
    name = "helpline.tenancy"
    label = "tenancy"
