"""Public identifiers: random, non-sequential, URL-safe, so nothing can be enumerated."""

import secrets

ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz"  # Crockford base32, lower case
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTVWXYZ"
CODE_DIGITS = "23456789"


def new_public_id(length: int = 16) -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(length))


def new_ticket_code() -> str:
    """A short code customers can quote, e.g. ``KQD-482-93751``; put in email subjects as [#KQD-482-93751]."""
    letters = "".join(secrets.choice(CODE_ALPHABET) for _ in range(3))
    digits = "".join(secrets.choice(CODE_DIGITS) for _ in range(8))
    return f"{letters}-{digits[:3]}-{digits[3:]}"
