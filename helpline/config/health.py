"""/healthz: the process answers. /readyz: database, task queue and channel layer are reachable."""

from __future__ import annotations

import asyncio
import contextlib
import uuid

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import connection
from django.http import JsonResponse
from huey.contrib.djhuey import HUEY


def healthz(request):
    return JsonResponse({"status": "ok"})


def _database() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")


def _task_queue() -> None:
    HUEY.storage.queue_size()


async def _round_trip() -> None:
    """Send a message to a fresh channel of this process and read it back through the layer."""
    layer = get_channel_layer()
    channel = await layer.new_channel()
    token = uuid.uuid4().hex
    try:
        await layer.send(channel, {"type": "readyz.probe", "token": token})
        message = await asyncio.wait_for(layer.receive(channel), timeout=3)
    finally:
        # channels_redis' pub/sub layer has no delete_channel(): it unsubscribes a channel only when a
        # receive() on it is cancelled. Cancel one, or every probe leaves a Redis subscription behind.
        with contextlib.suppress(asyncio.TimeoutError):
            await asyncio.wait_for(layer.receive(channel), timeout=0.01)
    if message.get("token") != token:
        raise RuntimeError("channel layer returned another message")


def _channel_layer() -> None:
    async_to_sync(_round_trip)()


CHECKS = {"database": _database, "task_queue": _task_queue, "channel_layer": _channel_layer}


def readyz(request):
    results, ok = {}, True
    for name, check in CHECKS.items():
        try:
            check()
            results[name] = "ok"
        except Exception as exc:  # noqa: BLE001 - any failure means not ready
            results[name] = f"error: {type(exc).__name__}"
            ok = False
    return JsonResponse({"status": "ok" if ok else "unavailable", "checks": results}, status=200 if ok else 503)
