"""A real peer for the transport tests: a throw-away Dovecot (IMAP, IMAPS, POP3, POP3S), whose oauth2 passdb
validates XOAUTH2 tokens by asking the fake OAuth endpoint (``fake_oauth.py``) about them (token introspection).

Dovecot listens on 127.0.0.1 (every capability: IDLE, MOVE, UIDPLUS …) and on 127.0.0.2, where it
advertises only ``IMAP4rev1 LITERAL+ UIDPLUS``: a plain server without IDLE or MOVE.
"""

from __future__ import annotations

import contextlib
import datetime
import imaplib
import ipaddress
import itertools
import os
import pwd
import secrets
import shutil
import socket
import ssl
import subprocess
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

DOVECOT = "/usr/sbin/dovecot"
PASSWORD = "correct-horse-mail"
USERS = 400

CONFIG = """
base_dir = {root}/run
state_dir = {root}/state
log_path = {root}/dovecot.log
info_log_path = {root}/dovecot.log
instance_name = helpline-test-{name}
protocols = imap pop3
listen = 127.0.0.1, 127.0.0.2
default_internal_user = {internal_user}
default_internal_group = {internal_group}
default_login_user = {login_user}
first_valid_uid = {uid}
first_valid_gid = {gid}
mail_location = maildir:{root}/mail/%u
ssl = yes
ssl_cert = <{root}/cert.pem
ssl_key = <{root}/key.pem
disable_plaintext_auth = no
auth_mechanisms = plain login xoauth2
auth_failure_delay = 0
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {root}/passwd
}}
passdb {{
  driver = oauth2
  mechanisms = xoauth2
  args = {root}/oauth2.conf.ext
}}
userdb {{
  driver = passwd-file
  args = username_format=%u {root}/passwd
}}
service imap-login {{
  inet_listener imap {{
    port = {imap}
  }}
  inet_listener imaps {{
    port = {imaps}
    ssl = yes
  }}
}}
service pop3-login {{
  inet_listener pop3 {{
    port = {pop3}
  }}
  inet_listener pop3s {{
    port = {pop3s}
    ssl = yes
  }}
}}
# no auth penalty after the wrong-password tests (it delays the next logins from the same IP by seconds)
service anvil {{
  unix_listener anvil-auth-penalty {{
    mode = 0
  }}
}}
local 127.0.0.2 {{
  protocol imap {{
    imap_capability = IMAP4rev1 LITERAL+ UIDPLUS
  }}
}}
"""

OAUTH2_EXT = """
introspection_mode = auth
introspection_url = {url}/introspect
username_attribute = username
active_attribute = active
active_value = true
"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def write_certificate(directory: Path) -> Path:
    """A self-signed certificate for 127.0.0.1, 127.0.0.2 and localhost; returns the PEM to trust."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "helpline-test-mail")])
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(hours=1))
        .not_valid_after(now + datetime.timedelta(days=2))
        .add_extension(
            x509.SubjectAlternativeName(
                [
                    x509.IPAddress(ipaddress.ip_address("127.0.0.1")),
                    x509.IPAddress(ipaddress.ip_address("127.0.0.2")),
                    x509.DNSName("localhost"),
                ]
            ),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    (directory / "cert.pem").write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    (directory / "key.pem").write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    return directory / "cert.pem"


@dataclass
class Dovecot:
    root: Path
    ports: dict[str, int]
    ca_file: Path
    uid: int
    gid: int
    process: subprocess.Popen | None = None
    _next_user: itertools.count = field(default_factory=lambda: itertools.count(1))

    def new_user(self) -> str:
        """A user no test has used yet. Dovecot re-reads its passwd-file at most once a second, so the users
        are all written before it starts rather than added as tests go."""
        number = next(self._next_user)
        assert number <= USERS, "more Dovecot users needed: raise USERS"
        return f"user{number:04d}"

    def maildir(self, user: str, folder: str = "INBOX") -> Path:
        base = self.root / "mail" / user
        return base if folder == "INBOX" else base / f".{folder}"

    def log(self) -> str:
        path = self.root / "dovecot.log"
        return path.read_text(errors="replace")[-4000:] if path.exists() else ""

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)


@dataclass
class MailUser:
    """A Dovecot account of its own for one test, and an IMAP client to look at it from outside."""

    server: Dovecot
    name: str
    password: str = PASSWORD

    @contextlib.contextmanager
    def client(self, host: str = "127.0.0.1") -> Iterator[imaplib.IMAP4_SSL]:
        context = ssl.create_default_context(cafile=str(self.server.ca_file))
        conn = imaplib.IMAP4_SSL(host, self.server.ports["imaps"], ssl_context=context, timeout=10)
        conn.login(self.name, self.password)
        try:
            yield conn
        finally:
            conn.logout()

    def append(self, *messages: bytes, folder: str = "INBOX", flags: str = "") -> list[int]:
        """APPEND each message; returns their UIDs."""
        uids = []
        with self.client() as conn:
            if folder != "INBOX":
                conn.create(folder)
            for raw in messages:
                typ, data = conn.append(folder, f"({flags})" if flags else None, None, raw)
                assert typ == "OK", data
                uids.append(int(data[-1].split(b"]")[0].split()[-1]))  # [APPENDUID <validity> <uid>]
        return uids

    def state(self, folder: str = "INBOX") -> dict[int, set[str]]:
        """UID → flags of every message in the folder (\\Recent left out)."""
        with self.client() as conn:
            typ, _data = conn.select(folder, readonly=True)
            if typ != "OK":
                return {}
            typ, data = conn.uid("FETCH", "1:*", "(UID FLAGS)")
        found = {}
        for line in data:
            if not line:
                continue
            parsed = imaplib.ParseFlags(line) or ()
            uid = int(line.split(b"UID ")[1].split()[0].rstrip(b")"))
            found[uid] = {f.decode() for f in parsed} - {"\\Recent"}
        return found

    def uidvalidity(self, folder: str = "INBOX") -> int:
        with self.client() as conn:
            conn.select(folder, readonly=True)
            return int(conn.response("UIDVALIDITY")[1][-1])


def _users() -> dict:
    """Who Dovecot's processes run as: its system users when we are root, else ourselves."""
    if os.getuid() == 0:
        internal, login = pwd.getpwnam("dovecot"), pwd.getpwnam("dovenull")
        return {
            "internal_user": internal.pw_name,
            "internal_group": "dovecot",
            "login_user": login.pw_name,
            "uid": internal.pw_uid,
            "gid": internal.pw_gid,
        }
    me = pwd.getpwuid(os.getuid())
    return {
        "internal_user": me.pw_name,
        "internal_group": me.pw_name,
        "login_user": me.pw_name,
        "uid": me.pw_uid,
        "gid": me.pw_gid,
    }


def start_dovecot(oauth_url: str) -> Dovecot:
    # Not under pytest's tmp dir: that is private to us (0700) and Dovecot's mail processes run as another user.
    root = Path(tempfile.mkdtemp(prefix="helpline-dovecot-"))
    root.chmod(0o755)
    users = _users()
    ca_file = write_certificate(root)
    (root / "passwd").write_text(
        "".join(
            f"user{n:04d}:{{PLAIN}}{PASSWORD}:{users['uid']}:{users['gid']}::{root}/home/user{n:04d}::\n"
            for n in range(1, USERS + 1)
        )
    )
    (root / "oauth2.conf.ext").write_text(OAUTH2_EXT.format(url=oauth_url))
    for sub in ("mail", "home"):
        (root / sub).mkdir()
        os.chown(root / sub, users["uid"], users["gid"])
    ports = {name: free_port() for name in ("imap", "imaps", "pop3", "pop3s")}
    (root / "dovecot.conf").write_text(CONFIG.format(root=root, name=secrets.token_hex(3), **ports, **users))
    server = Dovecot(root=root, ports=ports, ca_file=ca_file, uid=users["uid"], gid=users["gid"])
    log = open(root / "stdout.log", "wb")  # noqa: SIM115 - kept open for the process's lifetime
    server.process = subprocess.Popen([DOVECOT, "-F", "-c", str(root / "dovecot.conf")], stdout=log, stderr=log)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            with (
                socket.create_connection(("127.0.0.1", ports["imaps"]), timeout=1),
                socket.create_connection(("127.0.0.2", ports["pop3"]), timeout=1),
            ):
                return server
        except OSError:
            if server.process.poll() is not None:
                break
            time.sleep(0.05)
    server.stop()
    raise RuntimeError(f"Dovecot did not start:\n{(root / 'stdout.log').read_text()}\n{server.log()}")


def remove_dovecot(server: Dovecot) -> None:
    server.stop()
    shutil.rmtree(server.root, ignore_errors=True)
