"""How raw mail reaches ``receive_email``: IMAP (poll + IDLE), POP3, the built-in SMTP receiver and the MTA pipe.

Every transport hands the raw bytes to ``delivery.ingest`` (which calls ``receive_email``) and only after it
returned — the ticket committed, or the mail quarantined with its raw source kept — touches the server copy
(flag, move, delete) and records its progress. A crash at any point therefore re-fetches, and the pipeline's
dedupe (Message-ID, else content hash) turns the second copy into a duplicate, never a second ticket.
"""
