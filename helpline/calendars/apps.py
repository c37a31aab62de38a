from django.apps import AppConfig


class CalendarsConfig(AppConfig):
    name = "helpline.calendars"
    label = "calendars"
