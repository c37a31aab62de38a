"""HTTPS to the vetted address: the connection goes to the checked IP, but the certificate is still verified
against the URL's host name (a local CA made for the test stands in for a public one)."""

from __future__ import annotations

import datetime
import ssl
import threading

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from helpline.testing.recording_server import Recorder
from helpline.webhooks import network


def _name(common_name: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])


def _certificate(subject, issuer, public_key, signing_key, *, ca: bool, dns: str | None = None):
    now = datetime.datetime.now(datetime.UTC)
    builder = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer)
        .public_key(public_key)
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
    )
    if dns:
        builder = builder.add_extension(x509.SubjectAlternativeName([x509.DNSName(dns)]), critical=False)
    return builder.sign(signing_key, hashes.SHA256())


@pytest.fixture
def tls_server(tmp_path, monkeypatch):
    """Returns start(host_name_in_certificate) → a recording HTTPS server on 127.0.0.1 whose CA is trusted."""
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca = _certificate(_name("Test CA"), _name("Test CA"), ca_key.public_key(), ca_key, ca=True)
    ca_file = tmp_path / "ca.pem"
    ca_file.write_bytes(ca.public_bytes(serialization.Encoding.PEM))
    monkeypatch.setenv("SSL_CERT_FILE", str(ca_file))
    servers = []

    def start(dns: str) -> Recorder:
        key = ec.generate_private_key(ec.SECP256R1())
        leaf = _certificate(_name(dns), _name("Test CA"), key.public_key(), ca_key, ca=False, dns=dns)
        pem = tmp_path / f"{dns}.pem"
        pem.write_bytes(
            leaf.public_bytes(serialization.Encoding.PEM)
            + key.private_bytes(
                serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
            )
        )
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(pem)
        server = Recorder()
        server.socket = context.wrap_socket(server.socket, server_side=True)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.shutdown()
        server.server_close()


def test_https_reaches_the_vetted_address_and_checks_the_certificate_for_the_host_name(tls_server):
    server = tls_server("localhost")
    port = server.server_address[1]
    answer = network.post_json(f"https://localhost:{port}/hook", b"{}", headers={}, allowed_ranges=["127.0.0.0/8"])
    assert answer.status_code == 200
    assert [(r.path, r.headers["host"]) for r in server.requests] == [("/hook", f"localhost:{port}")]


def test_a_certificate_for_another_name_is_refused(tls_server):
    server = tls_server("other.example")
    port = server.server_address[1]
    with pytest.raises(ssl.SSLCertVerificationError):
        network.post_json(f"https://localhost:{port}/hook", b"{}", headers={}, allowed_ranges=["127.0.0.0/8"])
    assert server.requests == []
