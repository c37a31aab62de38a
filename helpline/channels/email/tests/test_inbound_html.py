"""Hostile HTML in inbound mail is neutralised before it is stored; inline images point at our own files."""

from helpline.channels.email.inbound import neutralise_html
from helpline.channels.email.tests.mail import raw_mail
from helpline.ingest.pipeline import attachment_url

HOSTILE = (
    "<style>p{width:expression(alert(1))}</style>"
    '<p style="background:url(javascript:alert(1));width:expression(alert(2))" onclick="alert(3)">Hello</p>'
    "<script>alert(4)</script>"
    '<a href="javascript:alert(5)">click</a> '
    '<a href="https://acme.test/help" onmouseover="alert(6)">help</a>'
    '<img src="https://tracker.example/pixel.gif?u=carla" alt="" width="1" height="1">'
    '<img src="//cdn.example/logo.png" alt="Logo">'
    '<img src="/agent/logout/" alt="">'
    '<img src="x" onerror="alert(7)">'
    '<iframe src="https://evil.example"></iframe>'
    '<form action="https://evil.example"><input name="p"></form>'
    '<svg onload="alert(8)"><circle r="1"/></svg>'
)


def test_hostile_html_is_neutralised():
    assert neutralise_html(HOSTILE) == (
        "<p>Hello</p>"
        '<a rel="noopener noreferrer nofollow">click</a> '
        '<a href="https://acme.test/help" rel="noopener noreferrer nofollow">help</a>'
        '<a href="https://tracker.example/pixel.gif?u=carla" title="Remote image, not loaded">[image]</a>'
        '<a href="https://cdn.example/logo.png" title="Remote image, not loaded">[Logo]</a>'
    )


def test_stored_body_is_neutralised_end_to_end(account, mailbox, receive):
    result = receive(account, raw_mail(html=HOSTILE), mailbox)
    stored = result.message.body_html
    for needle in ("script", "alert", "expression", "onclick", "onerror", "javascript:", "<img", "<iframe", "style"):
        assert needle not in stored.lower(), needle
    assert (
        '<a href="https://tracker.example/pixel.gif?u=carla" title="Remote image, not loaded" '
        'rel="noopener noreferrer nofollow">[image]</a>'
    ) in stored


def test_inline_cid_images_point_at_the_authorised_attachment_url(account, mailbox, receive):
    raw = (
        b"From: Carla <carla@example.com>\r\nTo: support@acme.test\r\nSubject: Photo\r\n"
        b"Message-ID: <p1@example.com>\r\nMIME-Version: 1.0\r\n"
        b'Content-Type: multipart/related; boundary="R"\r\n\r\n'
        b'--R\r\nContent-Type: text/html; charset=utf-8\r\n\r\n<p>See <img src="cid:kettle@example.com" alt="kettle">'
        b' and <img src="cid:missing@example.com"></p>\r\n'
        b"--R\r\nContent-Type: image/png\r\nContent-ID: <kettle@example.com>\r\nContent-Disposition: inline; "
        b'filename="kettle.png"\r\nContent-Transfer-Encoding: base64\r\n\r\niVBORw0KGgo=\r\n--R--\r\n'
    )
    message = receive(account, raw, mailbox).message
    [attachment] = message.attachments.all()
    assert attachment.name == "kettle.png"
    assert attachment_url(attachment.public_id) == f"/agent/files/{attachment.public_id}/"
    message.refresh_from_db()
    assert message.body_html == (
        f'<p>See <img src="/agent/files/{attachment.public_id}/" alt="kettle"> and <img src=""></p>'
    )


def test_quoted_history_is_marked_before_sanitising_drops_the_clients_markers():
    gmail = (
        '<div dir="ltr">Thanks, it works now.</div>'
        '<div class="gmail_quote"><div class="gmail_attr">On Mon, Bob wrote:</div>'
        '<blockquote class="gmail_quote">old text</blockquote></div>'
    )
    assert neutralise_html(gmail) == (
        "<div>Thanks, it works now.</div>"
        '<div data-helpline-quoted=""><div><div>On Mon, Bob wrote:</div><blockquote>old text</blockquote></div></div>'
    )
    outlook = (
        "<div class=WordSection1><p>Hi there</p>"
        '<div style="border:none;border-top:solid #E1E1E1 1.0pt;padding:3.0pt 0in 0in 0in"><p>From: Bob</p></div>'
        "<p>old</p></div>"
    )
    assert neutralise_html(outlook) == (
        '<div><p>Hi there</p><div data-helpline-quoted=""><div><p>From: Bob</p></div><p>old</p></div></div>'
    )
    assert neutralise_html("<p>Nothing quoted here.</p>") == "<p>Nothing quoted here.</p>"
