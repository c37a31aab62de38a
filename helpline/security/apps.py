from django.apps import AppConfig


class SecurityConfig(AppConfig):
    name = "helpline.security"
    label = "security"
