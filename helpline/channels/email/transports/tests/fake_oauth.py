"""A fake OAuth 2.0 provider speaking the documented JSON: the token endpoint (refresh-token grant, RFC 6749
sections 5.1 and 5.2, as Google and Microsoft answer) and the introspection endpoint Dovecot's oauth2 passdb asks.
"""

from __future__ import annotations

import json
import secrets
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs


class FakeOAuth(ThreadingHTTPServer):
    """A token endpoint (refresh-token grant) and the introspection endpoint Dovecot asks about tokens."""

    daemon_threads = True

    def __init__(self):
        super().__init__(("127.0.0.1", 0), _OAuthHandler)
        self.clients: dict[str, str] = {}  # client id → secret
        self.refresh_tokens: dict[str, str] = {}  # refresh token → user
        self.access_tokens: dict[str, str] = {}  # access token → user
        self.requests: list[dict] = []
        self.rotate = False

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"

    def grant(self, user: str, client_id: str = "client-1", secret: str = "client-secret") -> str:  # noqa: S107
        """A user consented: returns the refresh token the app got."""
        self.clients[client_id] = secret
        token = f"rt-{secrets.token_hex(8)}"
        self.refresh_tokens[token] = user
        return token


class _OAuthHandler(BaseHTTPRequestHandler):
    server: FakeOAuth

    def log_message(self, *args):
        pass

    def _answer(self, status: int, body: dict) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_POST(self):  # noqa: N802 - http.server's name
        form = {k: v[0] for k, v in parse_qs(self.rfile.read(int(self.headers["Content-Length"])).decode()).items()}
        self.server.requests.append({"path": self.path, **form})
        if self.path != "/token" or form.get("grant_type") != "refresh_token":
            return self._answer(400, {"error": "unsupported_grant_type"})
        if self.server.clients.get(form.get("client_id")) != form.get("client_secret"):
            return self._answer(401, {"error": "invalid_client", "error_description": "The OAuth client was not found"})
        user = self.server.refresh_tokens.get(form.get("refresh_token", ""))
        if user is None:
            error = {"error": "invalid_grant", "error_description": "Token has been expired or revoked."}
            return self._answer(400, error)
        access = f"at-{secrets.token_hex(8)}"
        self.server.access_tokens[access] = user
        body = {"access_token": access, "expires_in": 3599, "token_type": "Bearer", "scope": "https://mail.google.com/"}
        if self.server.rotate:
            body["refresh_token"] = self.server.grant(user, form["client_id"], form["client_secret"])
        return self._answer(200, body)

    def do_GET(self):  # noqa: N802 - Dovecot's token introspection (introspection_mode = auth)
        token = self.headers.get("Authorization", "").removeprefix("Bearer ").strip()
        user = self.server.access_tokens.get(token)
        return self._answer(200, {"active": True, "username": user} if user else {"active": False})


def start_oauth() -> FakeOAuth:
    server = FakeOAuth()
    threading.Thread(target=server.serve_forever, name="fake-oauth", daemon=True).start()
    return server
