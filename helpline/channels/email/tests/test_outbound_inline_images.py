"""A reply whose HTML shows one of its attachments inline (an image pasted into the editor) goes out with that
image as an inline part (multipart/related, cid:) so the recipient sees it; other files stay attachments."""

import base64

from helpline.channels.email.tests.mail import raw_mail
from helpline.conversations.models import Attachment

PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="
)


def test_pasted_image_goes_out_inline_and_other_files_as_attachments(
    account, mailbox, receive, agent, reply, smtp_sink
):
    ticket = receive(account, raw_mail(), mailbox).message.ticket
    smtp_sink.envelopes.clear()
    sent = reply(
        ticket,
        agent,
        text="See the picture.",
        html_body='<p>See <img src="cid:image-k1-1.png" alt="kettle"> the picture.</p>',
        attachments=[("image-k1-1.png", PNG, "image/png"), ("notes.txt", b"serial K-200", "text/plain")],
    )
    image = Attachment.objects.get(message=sent, name="image-k1-1.png")
    assert f'src="/agent/files/{image.public_id}/"' in sent.body_html

    mail = smtp_sink.parsed()
    assert mail.get_content_type() == "multipart/mixed"
    related = next(part for part in mail.walk() if part.get_content_type() == "multipart/related")
    html_part, image_part = list(related.iter_parts())
    content_id = f"{image.public_id}@acme.test"
    assert html_part.get_content_type() == "text/html"
    assert f'src="cid:{content_id}"' in html_part.get_content()
    assert "/agent/files/" not in html_part.get_content()
    assert (image_part.get_content_type(), image_part["Content-ID"]) == ("image/png", f"<{content_id}>")
    assert image_part.get_content_disposition() == "inline"
    assert image_part.get_content() == PNG
    attachments = [(p.get_filename(), p.get_content()) for p in mail.iter_attachments()]
    assert attachments == [("notes.txt", "serial K-200")]
