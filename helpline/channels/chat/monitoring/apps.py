from django.apps import AppConfig


class ChatMonitoringConfig(AppConfig):
    name = "helpline.channels.chat.monitoring"
    label = "chat_monitoring"
    verbose_name = "Live chat visitor monitoring"
