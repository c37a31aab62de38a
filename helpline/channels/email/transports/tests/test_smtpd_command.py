"""``helpline smtpd`` as a process: it serves, refuses, answers 451 while PostgreSQL refuses connections."""

from __future__ import annotations

import json
import signal
import smtplib
import socket
import time
from urllib.parse import urlsplit

import pytest

from helpline.channels.email.transports.tests import corpus
from helpline.channels.email.transports.tests.isolated import _admin_dsn, helpline_command
from helpline.channels.email.transports.tests.servers import free_port

pytestmark = pytest.mark.multiprocess


def wait_for_port(port: int, process, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"helpline smtpd exited {process.returncode}: {process.communicate()[1].decode()[-2000:]}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.1)
    pytest.fail("helpline smtpd did not listen")


def set_connections(database_url: str, *, allowed: bool) -> None:
    import psycopg

    name = urlsplit(database_url).path.strip("/")
    with psycopg.connect(_admin_dsn(), autocommit=True, connect_timeout=5) as conn:
        conn.execute(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS {str(allowed).lower()}')
        if not allowed:
            conn.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s", [name])


def send(port: int, message_id: str) -> tuple[int, bytes]:
    with smtplib.SMTP("127.0.0.1", port, timeout=10) as client:
        client.ehlo("sender.example")
        client.mail("dana@example.com")
        code, answer = client.rcpt("in@smtpd.test")
        if code != 250:
            return code, answer
        return client.data(corpus.with_message_id(corpus.simple(1), message_id))


def test_the_receiver_process(isolated):
    isolated.script("setup", json.dumps([{"slug": "smtpd", "mailbox": {"name": "In", "address": "in@smtpd.test"}}]))
    port = free_port()
    process = isolated.spawn(*helpline_command(), "smtpd", "--port", str(port))
    try:
        wait_for_port(port, process)
        with smtplib.SMTP("127.0.0.1", port, timeout=10) as client:
            assert client.ehlo("sender.example")[0] == 250
            assert (client.has_extn("size"), client.esmtp_features["size"]) == (True, "52428800")  # 50 MB
            client.mail("dana@example.com")
            assert client.rcpt("nobody@smtpd.test")[0] == 550
        assert send(port, "smtpd-1@example.com")[0] == 250
        database = isolated.env.get("HELPLINE_DATABASE_URL", "")
        if database.startswith("postgres"):  # the database goes away, then comes back
            set_connections(database, allowed=False)
            try:
                code, answer = send(port, "smtpd-2@example.com")
                assert (code, answer) == (
                    451,
                    b"4.3.0 Temporary failure looking up the recipient, please try again later",
                )  # noqa: E501
            finally:
                set_connections(database, allowed=True)
            assert send(port, "smtpd-2@example.com")[0] == 250  # the sender's retry
    finally:
        process.send_signal(signal.SIGTERM)
        _out, err = process.communicate(timeout=20)
    assert process.returncode == 0, err.decode()
    assert err.decode().splitlines()[0] == f"Helpline SMTP receiver on 127.0.0.1:{port}"
    expected = ["<smtpd-1@example.com>", "<smtpd-2@example.com>"]
    if not isolated.env.get("HELPLINE_DATABASE_URL", "").startswith("postgres"):
        expected = expected[:1]
    assert isolated.script("report", "smtpd")["smtpd"]["messages"] == expected
