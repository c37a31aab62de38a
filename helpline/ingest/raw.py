"""Raw inbound sources: written and fsynced to disk before parsing, so nothing received is ever lost.

Files go to ``raw/<account>/<channel>/<day>/<hour+minute>/<random id>``. The sources written together (a fetched
batch) go into one file, one after the other, made durable with one fsync of the file and one of its folder;
each source's key names the file and its byte range (``<file>#<start>-<end>``). A source written alone is a
file of its own, and its key is the file's."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from django.conf import settings

from helpline.core import clock
from helpline.core.ids import new_public_id

RANGE = "#"  # key = file, or file#start-end for one source of a batch's file


def raw_root() -> Path:
    return Path(settings.MEDIA_ROOT) / "raw"


def write_raw(account_id: int, channel: str, raw: bytes) -> tuple[str, str]:
    """Write atomically (temp file, fsync, rename, fsync dir). Returns (storage key, sha256)."""
    return write_raws(account_id, channel, [raw])[0]


def write_raws(account_id: int, channel: str, raws: list[bytes]) -> list[tuple[str, str]]:
    """``write_raw`` for several sources: one file holding them all, written to a temporary name, fsynced and
    renamed, then its folder fsynced. Returns their (storage key, sha256) in order."""
    key = f"raw/{account_id}/{channel}/{clock.now():%Y-%m-%d/%H%M}/{new_public_id(20)}"
    path = Path(settings.MEDIA_ROOT) / key
    folder = path.parent
    folder.mkdir(parents=True, exist_ok=True)
    temp = path.with_suffix(".tmp")
    with open(temp, "wb") as handle:
        for raw in raws:
            handle.write(raw)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(temp, path)
    directory = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(directory)
    finally:
        os.close(directory)
    if len(raws) == 1:
        return [(key, hashlib.sha256(raws[0]).hexdigest())]
    stored, start = [], 0
    for raw in raws:
        stored.append((f"{key}{RANGE}{start}-{start + len(raw)}", hashlib.sha256(raw).hexdigest()))
        start += len(raw)
    return stored


def read_raw(key: str) -> bytes:
    name, _, byte_range = key.partition(RANGE)
    path = Path(settings.MEDIA_ROOT) / name
    if not byte_range:
        return path.read_bytes()
    start, end = (int(n) for n in byte_range.split("-"))
    with open(path, "rb") as handle:
        handle.seek(start)
        return handle.read(end - start)
