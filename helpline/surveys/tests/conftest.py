"""Survey tests use the email channel's real SMTP peer and mailbox fixtures."""

from helpline.channels.email.tests.conftest import mailbox, make_mailbox, media, receive, smtp_sink  # noqa: F401
from helpline.web.tests.conftest import owner_client  # noqa: E402, F401
