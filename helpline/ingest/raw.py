"""Raw inbound sources: written and fsynced to disk before parsing, so nothing received is ever lost."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from django.conf import settings

from helpline.core.ids import new_public_id


def raw_root() -> Path:
    return Path(settings.MEDIA_ROOT) / "raw"


def write_raw(account_id: int, channel: str, raw: bytes) -> tuple[str, str]:
    """Write atomically (temp file, fsync, rename, fsync dir). Returns (storage key, sha256)."""
    digest = hashlib.sha256(raw).hexdigest()
    key = f"raw/{account_id}/{channel}/{digest[:2]}/{new_public_id(20)}"
    path = Path(settings.MEDIA_ROOT) / key
    path.parent.mkdir(parents=True, exist_ok=True)
    temp = path.with_suffix(".tmp")
    with open(temp, "wb") as handle:
        handle.write(raw)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(temp, path)
    directory = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(directory)
    finally:
        os.close(directory)
    return key, digest


def read_raw(key: str) -> bytes:
    return (Path(settings.MEDIA_ROOT) / key).read_bytes()
