from django.apps import AppConfig


class EmailChannelConfig(AppConfig):
    name = "helpline.channels.email"
    label = "email_channel"
    verbose_name = "Email channel"
