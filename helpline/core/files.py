"""Files named by their content: the same bytes under the same prefix are one file, written once.

A mail signature's logo arrives with every mail a company sends; it is stored the first time and found after
that. The file appears under its name only whole (written to a temporary name, then renamed), so a name that
exists always holds its content. Such files are shared and therefore never deleted one by one."""

from __future__ import annotations

import os
from pathlib import Path

from django.core.files.storage import default_storage

from helpline.core.ids import new_public_id


def save_by_content(prefix: str, content: bytes, digest: str) -> str:
    """Store ``content`` (whose sha256 is ``digest``) as ``<prefix>/<digest[:2]>/<digest>`` unless it is there
    already; returns that storage key."""
    key = f"{prefix}/{digest[:2]}/{digest}"
    path = Path(default_storage.path(key))
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        temp = path.with_name(f"{digest}.{new_public_id(8)}.tmp")
        temp.write_bytes(content)
        os.replace(temp, path)  # a concurrent writer of the same bytes: either rename leaves the same file
    return key
