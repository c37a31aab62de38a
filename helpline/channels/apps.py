from django.apps import AppConfig


class ChannelAdaptersConfig(AppConfig):
    name = "helpline.channels"
    label = "channel_adapters"  # "channels" is Django Channels' label
    verbose_name = "Channel adapters"

    def ready(self):
        from helpline.channels import builtin
        from helpline.channels.registry import registry

        builtin.register_all(registry)
