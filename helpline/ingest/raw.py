"""Raw inbound sources: written and fsynced to disk before parsing, so nothing received is ever lost.

Files go to ``raw/<account>/<channel>/<day>/<hour+minute>/<random id>``: the sources written together (a fetched
batch) share their folder, so its entries are made durable with one fsync of the folder for the lot."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from django.conf import settings

from helpline.core import clock
from helpline.core.ids import new_public_id


def raw_root() -> Path:
    return Path(settings.MEDIA_ROOT) / "raw"


def write_raw(account_id: int, channel: str, raw: bytes) -> tuple[str, str]:
    """Write atomically (temp file, fsync, rename, fsync dir). Returns (storage key, sha256)."""
    return write_raws(account_id, channel, [raw])[0]


def write_raws(account_id: int, channel: str, raws: list[bytes]) -> list[tuple[str, str]]:
    """``write_raw`` for several sources: each file written to a temporary name, fsynced and renamed, then each
    folder they went to fsynced once. Returns their (storage key, sha256) in order."""
    stored, folders = [], set()
    for raw in raws:
        folder = f"raw/{account_id}/{channel}/{clock.now():%Y-%m-%d/%H%M}"
        if folder not in folders:
            (Path(settings.MEDIA_ROOT) / folder).mkdir(parents=True, exist_ok=True)
            folders.add(folder)
        key = f"{folder}/{new_public_id(20)}"
        path = Path(settings.MEDIA_ROOT) / key
        temp = path.with_suffix(".tmp")
        with open(temp, "wb") as handle:
            handle.write(raw)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp, path)
        stored.append((key, hashlib.sha256(raw).hexdigest()))
    for folder in folders:
        directory = os.open(Path(settings.MEDIA_ROOT) / folder, os.O_RDONLY)
        try:
            os.fsync(directory)
        finally:
            os.close(directory)
    return stored


def read_raw(key: str) -> bytes:
    return (Path(settings.MEDIA_ROOT) / key).read_bytes()
