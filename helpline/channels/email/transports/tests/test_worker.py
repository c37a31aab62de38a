"""``helpline worker`` starts the IDLE manager: mail appended to Dovecot is a ticket within 5 s, no poll needed."""

from __future__ import annotations

import json
import signal
import time

import pytest

from helpline.channels.email.transports.tests import corpus
from helpline.channels.email.transports.tests.isolated import count_inbound_messages, helpline_command
from helpline.channels.email.transports.tests.servers import PASSWORD, MailUser

pytestmark = pytest.mark.multiprocess


def test_the_worker_watches_imap_mailboxes_with_idle(isolated, dovecot):
    user = MailUser(server=dovecot, name=dovecot.new_user())
    mailbox = {
        "name": "Watched", "address": "support@watched.test", "inbound": "imap", "host": "127.0.0.1",
        "port": dovecot.ports["imaps"], "username": user.name, "password": PASSWORD,
    }  # fmt: skip
    env = {"SSL_CERT_FILE": str(dovecot.ca_file), "HELPLINE_TASKS_IMMEDIATE": ""}  # a real consumer, real queue
    isolated.script("setup", json.dumps([{"slug": "watched", "mailbox": mailbox}]), env=env)
    user.append(corpus.simple(1))
    worker = isolated.spawn(*helpline_command(), "worker", "--workers", "1", env=env)
    try:
        deadline = time.monotonic() + 30
        while count_inbound_messages(isolated, "watched") < 1:  # fetched when the watcher connects
            assert worker.poll() is None, worker.communicate()[1].decode()[-2000:]
            assert time.monotonic() < deadline, "the first message never arrived"
            time.sleep(0.1)
        appended = time.monotonic()
        user.append(corpus.simple(2))
        while count_inbound_messages(isolated, "watched") < 2:
            assert time.monotonic() - appended < 5, "new mail was not a ticket within 5 s"
            time.sleep(0.05)
    finally:
        worker.send_signal(signal.SIGINT)
        _out, err = worker.communicate(timeout=20)
    assert count_inbound_messages(isolated, "watched") == 2
    assert "Traceback" not in err.decode()
