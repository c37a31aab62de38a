"""Notification sounds per agent: choose a built-in, upload one (checked by content, size-limited), or mute.
The settings page, the uploaded file (only its agent gets it) and the JSON sounds.js plays from."""

from __future__ import annotations

import io
import struct
import wave

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from helpline.core.actors import Actor
from helpline.core.errors import DomainError
from helpline.security.models import AuditEntry
from helpline.web.tests.conftest import signed_in
from helpline.workspace import sounds
from helpline.workspace.actions import set_sound
from helpline.workspace.models import SoundPreference

URL = "/agent/settings/sounds/"
DEFAULTS = {
    "new_ticket": "/static/helpline/sounds/chime.wav",
    "chat_ring": "/static/helpline/sounds/ring.wav",
    "new_message": "/static/helpline/sounds/pop.wav",
}


def wav_bytes() -> bytes:
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(8000)
        w.writeframes(struct.pack("<4h", 0, 1000, -1000, 0))
    return buffer.getvalue()


@pytest.fixture
def agent_client(agent, account):
    return signed_in(agent, account)


def choices(client) -> dict:
    response = client.get("/agent/sounds/")
    assert response.status_code == 200
    return response.json()["sounds"]


def test_defaults_until_the_agent_chooses(agent_client):
    assert choices(agent_client) == DEFAULTS
    page = agent_client.get(URL)
    assert page.status_code == 200
    body = page.content.decode()
    for label in ("New ticket", "Incoming chat (ringing)", "New customer message"):
        assert f'<legend class="field__label">{label}</legend>' in body


def test_choose_a_builtin_and_mute_another(agent_client, agent):
    response = agent_client.post(URL, {"event": "new_ticket", "sound": "bell"})
    assert response.status_code == 302
    response = agent_client.post(URL, {"event": "chat_ring", "sound": "muted"})
    assert response.status_code == 302
    assert choices(agent_client) == {**DEFAULTS, "new_ticket": "/static/helpline/sounds/bell.wav", "chat_ring": ""}
    rows = list(
        AuditEntry.objects.filter(action="workspace.sound_changed").order_by("id").values_list("actor_user_id", "data")
    )
    assert rows == [
        (agent.pk, {"event": "new_ticket", "sound": ["chime", "bell"]}),
        (agent.pk, {"event": "chat_ring", "sound": ["ring", "muted"]}),
    ]


def test_upload_a_sound_and_hear_it_back(agent_client, agent, account):
    content = wav_bytes()
    response = agent_client.post(
        URL, {"event": "new_message", "sound": "pop", "file": SimpleUploadedFile("my.mp3", content, "audio/mpeg")}
    )
    assert response.status_code == 302
    preference = SoundPreference.objects.get(account=account, user=agent, event="new_message")
    assert (preference.sound, preference.custom_name, preference.custom_type, preference.custom_size) == (
        "custom", "my.mp3", "audio/wav", len(content),
    )  # fmt: skip
    url = f"/agent/sounds/{preference.public_id}/"
    assert choices(agent_client)["new_message"] == url
    served = agent_client.get(url)
    assert served.status_code == 200
    assert served["Content-Type"] == "audio/wav"
    assert served["X-Content-Type-Options"] == "nosniff"
    assert b"".join(served.streaming_content) == content
    assert (
        f'<option value="custom" data-url="{url}" selected>Uploaded: my.mp3</option>'
        in agent_client.get(URL).content.decode()
    )

    # Switching to a built-in keeps the file, so "custom" can be chosen again without uploading.
    agent_client.post(URL, {"event": "new_message", "sound": "ding"})
    assert choices(agent_client)["new_message"] == "/static/helpline/sounds/ding.wav"
    agent_client.post(URL, {"event": "new_message", "sound": "custom"})
    assert choices(agent_client)["new_message"] == url


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"event": "new_ticket", "sound": "trumpet"}, "Choose one of the listed sounds."),
        ({"event": "new_ticket", "sound": "custom"}, "Choose a sound file to upload."),
        ({"event": "self_destruct", "sound": "bell"}, "Unknown notification."),
        (
            {"event": "new_ticket", "sound": "bell", "file": ("evil.wav", b"<script>alert(1)</script>", "audio/wav")},
            "That file is not a sound Helpline can play (WAV, MP3, Ogg, FLAC, M4A or WebM).",
        ),
        (
            {
                "event": "new_ticket",
                "sound": "bell",
                "file": ("big.wav", b"RIFF0000WAVE" + b"0" * (1024 * 1024), "audio/wav"),
            },
            "The sound file is too large; the limit is 1 MB.",
        ),
    ],
    ids=["unknown-sound", "custom-without-file", "unknown-event", "not-audio", "too-large"],
)
def test_bad_input_is_refused_and_nothing_changes(agent_client, data, message):
    if "file" in data:
        name, content, kind = data["file"]
        data = {**data, "file": SimpleUploadedFile(name, content, kind)}
    before = (SoundPreference.objects.count(), AuditEntry.objects.count())
    response = agent_client.post(URL, data)
    assert response.status_code == 422
    assert message in response.content.decode()
    assert (SoundPreference.objects.count(), AuditEntry.objects.count()) == before
    assert choices(agent_client) == DEFAULTS


def test_the_action_refuses_a_large_file_even_past_the_view(account, agent):
    with pytest.raises(DomainError):
        set_sound(
            account=account,
            user=agent,
            event="new_ticket",
            sound="custom",
            upload=("big.wav", b"RIFF0000WAVE" + b"0" * sounds.MAX_SOUND_BYTES),
            actor=Actor(user=agent),
        )
    assert SoundPreference.objects.count() == 0


@pytest.mark.parametrize(
    ("content", "kind"),
    [
        (b"RIFF\x00\x00\x00\x00WAVEfmt ", "audio/wav"),
        (b"OggS\x00\x02", "audio/ogg"),
        (b"ID3\x04\x00", "audio/mpeg"),
        (b"\xff\xfb\x90\x00", "audio/mpeg"),
        (b"fLaC\x00\x00", "audio/flac"),
        (b"\x00\x00\x00\x20ftypM4A ", "audio/mp4"),
        (b"\x1a\x45\xdf\xa3\x01", "audio/webm"),
        (b"\x89PNG\r\n\x1a\n", None),
        (b"<svg onload=x>", None),
        (b"", None),
    ],
)
def test_audio_type_is_read_from_the_content(content, kind):
    assert sounds.audio_type(content) == kind


def test_uploaded_sounds_are_served_only_to_their_agent(agent_client, agent, account, other_account, make_agent):
    agent_client.post(URL, {"event": "new_ticket", "sound": "x", "file": SimpleUploadedFile("a.wav", wav_bytes())})
    preference = SoundPreference.objects.get(user=agent)
    url = f"/agent/sounds/{preference.public_id}/"
    intruder = signed_in(make_agent(other_account, "mallory@globex.test"), other_account)
    colleague = signed_in(make_agent(account, "bob@acme.test"), account)
    assert intruder.get(url).status_code == 404
    assert colleague.get(url).status_code == 404
    # Another account's agent cannot change this agent's choice either: they only ever write their own.
    intruder.post(URL, {"event": "new_ticket", "sound": "muted"})
    assert choices(agent_client)["new_ticket"] == url
    assert choices(intruder)["new_ticket"] == ""
    assert choices(colleague) == DEFAULTS


def test_choices_take_one_query_for_preferences(agent_client, agent, account):
    for event in sounds.EVENTS:
        set_sound(account=account, user=agent, event=event, sound="bell", actor=Actor(user=agent))
    agent_client.get("/agent/sounds/")  # warm the session and membership caches
    with CaptureQueriesContext(connection) as queries:
        assert choices(agent_client) == {event: "/static/helpline/sounds/bell.wav" for event in sounds.EVENTS}
    assert len([q for q in queries if "workspace_soundpreference" in q["sql"]]) == 1


def test_strangers_are_sent_to_sign_in(client):
    assert client.get("/agent/sounds/").status_code == 302
    assert client.get(URL).status_code == 302
