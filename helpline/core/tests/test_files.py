"""Content-addressed files: the same bytes under one prefix are written once; other prefixes keep their own."""

import hashlib
import os

import pytest

from helpline.core.files import save_by_content


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def _digest(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


def test_the_same_bytes_are_one_file_written_once(tmp_path, monkeypatch):
    logo = b"\x89PNG logo"
    first = save_by_content("attachments/4", logo, _digest(logo))
    assert first == f"attachments/4/{_digest(logo)[:2]}/{_digest(logo)}"
    assert (tmp_path / first).read_bytes() == logo
    renames = []
    monkeypatch.setattr(os, "replace", lambda *args: renames.append(args))
    assert save_by_content("attachments/4", logo, _digest(logo)) == first
    assert renames == []  # found, not written again
    assert [p.name for p in (tmp_path / first).parent.iterdir()] == [_digest(logo)]  # no temporary file left


def test_each_prefix_keeps_its_own_copy(tmp_path):
    logo = b"\x89PNG logo"
    ours = save_by_content("attachments/4", logo, _digest(logo))
    theirs = save_by_content("attachments/5", logo, _digest(logo))
    assert (ours.split("/")[1], theirs.split("/")[1]) == ("4", "5")
    assert (tmp_path / ours).read_bytes() == (tmp_path / theirs).read_bytes() == logo


def test_different_bytes_are_different_files(tmp_path):
    keys = {save_by_content("attachments/4", body, _digest(body)) for body in (b"one", b"two")}
    assert {(tmp_path / key).read_bytes() for key in keys} == {b"one", b"two"}
