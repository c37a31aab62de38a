"""Raw sources on disk: a batch is one file, fsynced with its folder before any record exists."""

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


@pytest.fixture
def synced(monkeypatch):
    paths = []
    real_fsync = os.fsync

    def fsync(fd):
        paths.append(Path(os.readlink(f"/proc/self/fd/{fd}")))
        real_fsync(fd)

    monkeypatch.setattr(os, "fsync", fsync)
    return paths


def test_a_batch_is_one_file_fsynced_once_with_its_folder(monkeypatch, tmp_path, synced):
    monkeypatch.setattr(clock, "now", lambda: datetime(2026, 3, 2, 9, 41, 59, tzinfo=UTC))
    raws = [b"From: a@example.com\r\n\r\none", b"From: b@example.com\r\n\r\ntwo", b"three"]
    stored = raw_store.write_raws(7, "email", raws)
    assert [digest for _key, digest in stored] == [hashlib.sha256(r).hexdigest() for r in raws]
    assert [raw_store.read_raw(key) for key, _digest in stored] == raws
    name = stored[0][0].partition("#")[0]
    starts = [0, len(raws[0]), len(raws[0]) + len(raws[1]), sum(map(len, raws))]
    assert [key for key, _digest in stored] == [f"{name}#{a}-{b}" for a, b in zip(starts, starts[1:], strict=False)]
    folder = tmp_path / "raw/7/email/2026-03-02/0941"
    assert [p.name for p in folder.iterdir()] == [Path(name).name]  # no .tmp left
    assert (folder / Path(name).name).read_bytes() == b"".join(raws)
    assert [p.suffix for p in synced] == [".tmp", ""]  # the file before its rename, then its folder
    assert synced[1] == folder


def test_one_source_is_a_file_of_its_own(tmp_path, synced):
    key, digest = raw_store.write_raw(3, "chat", b"hello")
    assert "#" not in key
    assert (tmp_path / key).read_bytes() == b"hello"
    assert raw_store.read_raw(key) == b"hello"
    assert digest == hashlib.sha256(b"hello").hexdigest()
    assert len(synced) == 2


def test_an_empty_source_in_a_batch_reads_back_empty():
    stored = raw_store.write_raws(3, "email", [b"one", b"", b"three"])
    assert [raw_store.read_raw(key) for key, _digest in stored] == [b"one", b"", b"three"]
