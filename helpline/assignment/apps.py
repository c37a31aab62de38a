from django.apps import AppConfig


class AssignmentConfig(AppConfig):
    name = "helpline.assignment"
    label = "assignment"
