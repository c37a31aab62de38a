"""Files in a chat: allowed kinds checked by their bytes, a size limit, signed visitor links, agent uploads."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from helpline.channels.chat import files
from helpline.channels.chat.files import FileRejected, FileTooLarge, check_file
from helpline.channels.chat.models import ChatLine
from helpline.channels.chat.tests.conftest import VISITOR
from helpline.conversations.models import Attachment
from helpline.web.tests.conftest import signed_in

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 32
GIF = b"GIF89a" + b"\x00" * 32
PDF = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n"
TXT = "Order 4471 — größer\n".encode()


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.mark.parametrize(
    ("name", "content", "kind"),
    [
        ("photo.JPG", JPEG, "image/jpeg"),
        ("photo.jpeg", JPEG, "image/jpeg"),
        ("shot.png", PNG, "image/png"),
        ("anim.gif", GIF, "image/gif"),
        ("invoice.pdf", PDF, "application/pdf"),
        ("notes.txt", TXT, "text/plain"),
        ("../../etc/notes.txt", TXT, "text/plain"),
    ],
)
def test_allowed_files_pass(name, content, kind):
    safe, content_type = check_file(name, len(content), content)
    assert (safe, content_type) == (name.rsplit("/", 1)[-1], kind)


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("setup.exe", b"MZ\x90\x00", "Only JPG, PNG, GIF, PDF and TXT files can be shared."),
        ("page.html", b"<html>", "Only JPG, PNG, GIF, PDF and TXT files can be shared."),
        ("noextension", TXT, "Only JPG, PNG, GIF, PDF and TXT files can be shared."),
        ("fake.png", b"<script>alert(1)</script>", "The file's content does not match its name (.png)."),
        ("fake.pdf", PNG, "The file's content does not match its name (.pdf)."),
        ("binary.txt", b"abc\x00def", "The file's content does not match its name (.txt)."),
        ("empty.txt", b"", "The file is empty."),
    ],
)
def test_other_files_are_refused_with_the_reason(name, content, message):
    with pytest.raises(FileRejected) as caught:
        check_file(name, len(content), content)
    assert caught.value.message == message


def test_the_size_limit_is_checked_first():
    with pytest.raises(FileTooLarge) as caught:
        check_file("big.png", files.MAX_FILE_BYTES + 1, PNG)
    assert (caught.value.status, caught.value.message) == (413, "The file is larger than 10 MB.")


def test_a_visitor_shares_a_file_and_downloads_it_through_the_signed_link(client, chat, button, agent, account):
    upload = SimpleUploadedFile("shot.png", PNG, content_type="application/octet-stream")
    response = client.post(f"/widget/{button.key}/files/", {"visitor": VISITOR, "cid": "f-1", "file": upload})
    assert response.status_code == 201
    line = ChatLine.objects.get(session=chat)
    assert response.json() == {"cid": "f-1", "id": line.message.public_id, "seq": 1}
    attachment = line.message.attachments.get()
    assert (attachment.name, attachment.content_type, attachment.size, line.message.body_text) == (
        "shot.png",
        "image/png",
        len(PNG),
        "shot.png",
    )
    again = client.post(
        f"/widget/{button.key}/files/",
        {"visitor": VISITOR, "cid": "f-1", "file": SimpleUploadedFile("shot.png", PNG)},
    )
    assert again.json()["seq"] == 1  # a resend is the same line
    assert Attachment.objects.filter(account=account).count() == 1
    link = files.visitor_link(attachment.public_id, chat.public_id)
    download = client.get(link)
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PNG
    assert download["Content-Disposition"] == 'attachment; filename="shot.png"'
    assert download["X-Content-Type-Options"] == "nosniff"
    # The agent downloads it through the workspace's own authorised view.
    assert signed_in(agent, account).get(f"/agent/files/{attachment.public_id}/").status_code == 200


def test_signed_links_open_only_their_own_chat_s_files(client, chat, other_button, agent):
    from helpline.channels.chat.actions import post_agent_message
    from helpline.channels.chat.tests.conftest import start

    line = post_agent_message(session=chat, user=agent, cid="a-f", text="", file=("guide.pdf", len(PDF), PDF))
    attachment = line.message.attachments.get()
    other = start(other_button, name="Someone")
    assert client.get(files.visitor_link(attachment.public_id, other.public_id)).status_code == 404
    assert client.get("/widget/files/not-a-token/").status_code == 404
    token = files.visitor_link(attachment.public_id, chat.public_id).rsplit("/", 2)[-2]
    assert client.get(f"/widget/files/{token[:-2]}xx/").status_code == 404
    assert client.get(files.visitor_link(attachment.public_id, chat.public_id)).status_code == 200


def test_a_refused_upload_is_a_clear_4xx_and_stores_nothing(client, chat, button):
    fake = SimpleUploadedFile("fake.png", b"<svg onload=alert(1)>")
    response = client.post(f"/widget/{button.key}/files/", {"visitor": VISITOR, "cid": "f-2", "file": fake})
    assert (response.status_code, response.json()["detail"]) == (
        422,
        "The file's content does not match its name (.png).",
    )
    nothing = client.post(f"/widget/{button.key}/files/", {"visitor": VISITOR, "cid": "f-3"})
    assert (nothing.status_code, nothing.json()["detail"]) == (400, "Choose a file to send.")
    stranger = client.post(
        f"/widget/{button.key}/files/",
        {"visitor": "nobody-0123456789abc", "cid": "f-4", "file": SimpleUploadedFile("a.txt", TXT)},
    )
    assert stranger.status_code == 404
    assert not ChatLine.objects.filter(session=chat).exists()
    assert not Attachment.objects.exists()


def test_the_agent_shares_a_file_from_the_console(chat, agent, account, make_agent, other_account):
    client = signed_in(agent, account)
    response = client.post(
        f"/agent/chats/{chat.public_id}/files/", {"cid": "a-1", "file": SimpleUploadedFile("notes.txt", TXT)}
    )
    assert response.status_code == 201
    line = ChatLine.objects.get(session=chat)
    assert (line.side, line.seq, line.message.attachments.get().content_type) == ("agent", 1, "text/plain")
    bob = make_agent(account, "bob@acme.test", "Bob")
    forbidden = signed_in(bob, account).post(
        f"/agent/chats/{chat.public_id}/files/", {"cid": "b-1", "file": SimpleUploadedFile("notes.txt", TXT)}
    )
    assert forbidden.status_code == 403
    eve = make_agent(other_account, "eve@globex.test", "Eve")
    foreign = signed_in(eve, other_account).post(
        f"/agent/chats/{chat.public_id}/files/", {"cid": "e-1", "file": SimpleUploadedFile("notes.txt", TXT)}
    )
    assert foreign.status_code == 404
    assert ChatLine.objects.filter(session=chat).count() == 1
