"""Public identifiers: random, non-sequential, URL-safe, so nothing can be enumerated."""

import secrets

ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz"  # Crockford base32, lower case
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTVWXYZ"
CODE_DIGITS = "23456789"


def new_public_id(length: int = 16) -> str:
    # One read of the system's random source: 32 letters divide 256, so the low five bits of each byte pick
    # one without bias (secrets.choice would read it once per letter).
    return "".join([ALPHABET[byte & 31] for byte in secrets.token_bytes(length)])


def new_ticket_code() -> str:
    """A short code customers can quote, e.g. ``KQD-482-93751``; put in email subjects as [#KQD-482-93751]."""
    letters = "".join(secrets.choice(CODE_ALPHABET) for _ in range(3))
    digits = "".join([CODE_DIGITS[byte & 7] for byte in secrets.token_bytes(8)])  # 8 digits divide 256
    return f"{letters}-{digits[:3]}-{digits[3:]}"
