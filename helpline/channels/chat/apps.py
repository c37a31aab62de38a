from django.apps import AppConfig


class ChatChannelConfig(AppConfig):
    name = "helpline.channels.chat"
    label = "chat_channel"
    verbose_name = "Live chat channel"
