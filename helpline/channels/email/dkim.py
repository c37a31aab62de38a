"""Optional DKIM signing of outgoing mail (dkimpy), per mailbox: domain, selector and private key (PEM).

The admin publishes the public key as a TXT record at ``<selector>._domainkey.<domain>``; ``dns_record`` gives
its value and ``generate_key`` makes a fresh 2048-bit RSA pair.
"""

from __future__ import annotations

import base64
import logging

import dkim as dkimpy
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

log = logging.getLogger(__name__)

SIGNED_HEADERS = [
    b"from",
    b"to",
    b"cc",
    b"subject",
    b"date",
    b"message-id",
    b"in-reply-to",
    b"references",
    b"reply-to",
    b"mime-version",
    b"content-type",
    b"auto-submitted",
]


def is_configured(mailbox) -> bool:
    return bool(mailbox and mailbox.dkim_domain and mailbox.dkim_selector and mailbox.dkim_private_key)


def sign(data: bytes, *, domain: str, selector: str, private_key_pem: str) -> bytes:
    """The message with a DKIM-Signature header in front (relaxed/relaxed, rsa-sha256)."""
    signature = dkimpy.sign(
        data,
        selector.encode("ascii"),
        domain.encode("ascii"),
        private_key_pem.encode("ascii"),
        canonicalize=(b"relaxed", b"relaxed"),
        include_headers=SIGNED_HEADERS,
    )
    return signature + data


def sign_for_mailbox(data: bytes, mailbox) -> bytes:
    """Signed when the mailbox has DKIM set up; a broken key is logged and the mail goes out unsigned."""
    if not is_configured(mailbox):
        return data
    try:
        return sign(
            data, domain=mailbox.dkim_domain, selector=mailbox.dkim_selector, private_key_pem=mailbox.dkim_private_key
        )
    except (dkimpy.DKIMException, ValueError, UnicodeError):
        log.exception("DKIM signing failed for mailbox %s; sent unsigned", mailbox.public_id)
        return data


def generate_key() -> str:
    """A new private key, PEM (PKCS#1, as dkimpy reads it)."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.TraditionalOpenSSL, serialization.NoEncryption()
    ).decode("ascii")


def dns_record(private_key_pem: str) -> str:
    """The TXT record value to publish for this key: ``v=DKIM1; k=rsa; p=…``."""
    key = serialization.load_pem_private_key(private_key_pem.encode("ascii"), password=None)
    public = key.public_key().public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
    return "v=DKIM1; k=rsa; p=" + base64.b64encode(public).decode("ascii")
