"""Run the web server (uvicorn, HTTP + websockets) and the task consumer."""

from __future__ import annotations

import logging
import sys

log = logging.getLogger("helpline.server")


class _QuietConsumer:
    """Huey's consumer running inside the web process: threads, no signal handlers of its own."""

    def __init__(self, workers: int):
        from huey.consumer import Consumer
        from huey.contrib.djhuey import HUEY

        class EmbeddedConsumer(Consumer):
            def _set_signal_handlers(self):
                pass

        self.consumer = EmbeddedConsumer(
            HUEY, workers=workers, worker_type="thread", periodic=True, check_worker_health=False
        )

    def start(self):
        self.consumer.start()

    def stop(self):
        self.consumer.stop(graceful=True)


def _load_tasks() -> None:
    from django.utils.module_loading import autodiscover_modules

    autodiscover_modules("tasks")


def uvicorn_config(*, host: str, port: int, app="helpline.config.asgi:application"):
    """uvicorn's settings. X-Forwarded-For and X-Forwarded-Proto count only from the proxies in
    ``settings.TRUSTED_PROXIES`` (``HELPLINE_TRUSTED_PROXIES``), the list ``helpline.security.client_ip`` applies
    too; uvicorn's own ``FORWARDED_ALLOW_IPS`` is not consulted. No trusted proxy: the headers are ignored."""
    import uvicorn
    from django.conf import settings

    trusted = list(settings.TRUSTED_PROXIES)
    return uvicorn.Config(
        app,
        host=host,
        port=port,
        log_level="warning",
        lifespan="off",
        ws="websockets-sansio",
        proxy_headers=bool(trusted),
        forwarded_allow_ips=trusted,
    )


def tune_garbage_collector() -> None:
    """A web node holds thousands of idle sockets, each a few hundred objects the cycle collector would walk
    again and again. What start-up built lives as long as the process: frozen, no collection walks it again. And the
    youngest generation is collected every 20,000 allocations instead of 700: a chat line allocates thousands,
    almost all freed by reference counting, so the default collects several times a line for nothing."""
    import gc

    gc.collect()
    gc.freeze()
    gc.set_threshold(20_000, 20, 20)


def serve(*, host: str, port: int, with_worker: bool, migrate: bool) -> None:
    import uvicorn
    from django.conf import settings
    from django.core.management import call_command

    if migrate:
        call_command("migrate", interactive=False, verbosity=0)
    _load_tasks()
    from helpline.routing.nodes import start_heartbeat

    start_heartbeat()  # this process is a web node: its sockets are swept if it dies (routing.nodes)
    consumer = None
    if with_worker:
        consumer = _QuietConsumer(workers=settings.HUEY.get("consumer", {}).get("workers", 2))
        consumer.start()
    print(f"Helpline ({settings.SHAPE}) on http://{host}:{port}/", file=sys.stderr, flush=True)
    config = uvicorn_config(host=host, port=port)
    config.load()  # the application and everything it imports, before the collector is tuned
    tune_garbage_collector()
    try:
        uvicorn.Server(config).run()
    finally:
        if consumer:
            consumer.stop()


def run_worker(*, workers: int, scheduler: bool) -> None:
    from huey.consumer import Consumer
    from huey.contrib.djhuey import HUEY

    _load_tasks()
    print(
        f"Helpline worker with {workers} threads{' and the scheduler' if scheduler else ''}",
        file=sys.stderr,
        flush=True,
    )
    Consumer(HUEY, workers=workers, worker_type="thread", periodic=scheduler).run()
