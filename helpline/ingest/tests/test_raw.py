"""Raw sources on disk: every file fsynced before its record exists, a batch's folder fsynced once."""

import hashlib
import os
from datetime import UTC, datetime
from pathlib import Path

import pytest

from helpline.core import clock
from helpline.ingest import raw as raw_store


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)


def test_a_batch_is_written_whole_with_one_fsync_per_file_and_one_for_their_folder(monkeypatch, tmp_path):
    synced = []
    real_fsync = os.fsync

    def fsync(fd):
        synced.append(Path(os.readlink(f"/proc/self/fd/{fd}")))
        real_fsync(fd)

    monkeypatch.setattr(os, "fsync", fsync)
    monkeypatch.setattr(clock, "now", lambda: datetime(2026, 3, 2, 9, 41, 59, tzinfo=UTC))
    raws = [b"From: a@example.com\r\n\r\none", b"From: b@example.com\r\n\r\ntwo", b"three"]
    stored = raw_store.write_raws(7, "email", raws)
    assert [digest for _key, digest in stored] == [hashlib.sha256(r).hexdigest() for r in raws]
    assert [raw_store.read_raw(key) for key, _digest in stored] == raws
    folders = {Path(key).parent for key, _digest in stored}
    assert folders == {Path("raw/7/email/2026-03-02/0941")}
    folder = tmp_path / next(iter(folders))
    assert sorted(p.name for p in folder.iterdir()) == sorted(Path(key).name for key, _digest in stored)  # no .tmp
    assert [p.suffix for p in synced[:3]] == [".tmp"] * 3  # each file before its rename
    assert synced[3:] == [folder]


def test_one_source_is_a_batch_of_one(tmp_path):
    key, digest = raw_store.write_raw(3, "chat", b"hello")
    assert (tmp_path / key).read_bytes() == b"hello"
    assert digest == hashlib.sha256(b"hello").hexdigest()
