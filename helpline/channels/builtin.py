"""The adapters that ship with the core: web/API tickets here, email from its own package."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from helpline.channels.base import ChannelAdapter, SendResult


class WebAdapter(ChannelAdapter):
    """Tickets opened in the workspace or through the API: the reply is stored and visible; nothing to send."""

    kind = "web"
    label = _("Web")
    message_kind = "web"

    def send(self, message) -> SendResult:
        return SendResult()


class ApiAdapter(WebAdapter):
    kind = "api"
    label = _("API")


def register_all(registry) -> None:
    from helpline.channels import internal
    from helpline.channels.chat import adapter as chat
    from helpline.channels.email import outbound

    for adapter in (WebAdapter(), ApiAdapter()):
        registry.register(adapter)
    outbound.register(registry)
    chat.register(registry)
    internal.register(registry)
