"""Channel adapters by kind. Filled in AppConfig.ready(); the only place that branches on channel kind."""

from __future__ import annotations

from helpline.channels.base import ChannelAdapter


class Registry:
    def __init__(self):
        self._adapters: dict[str, ChannelAdapter] = {}

    def register(self, adapter: ChannelAdapter) -> None:
        self._adapters[adapter.kind] = adapter

    def get(self, kind: str) -> ChannelAdapter:
        try:
            return self._adapters[kind]
        except KeyError:
            return self._adapters["web"]

    def kinds(self) -> list[tuple[str, str]]:
        return [(kind, adapter.label) for kind, adapter in self._adapters.items()]


registry = Registry()
