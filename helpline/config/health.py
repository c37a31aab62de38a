"""/healthz: the process answers. /readyz: database, task queue and channel layer are reachable."""

from __future__ import annotations

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


def _channel_layer() -> None:
    layer = get_channel_layer()
    probe = f"readyz.{uuid.uuid4().hex}"
    async_to_sync(layer.group_add)(probe, "readyz-probe")
    async_to_sync(layer.group_discard)(probe, "readyz-probe")


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
