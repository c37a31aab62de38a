"""A real HTTP server on 127.0.0.1 that records every request and answers from a script: the stand-in for a
third-party endpoint (webhook receivers, Slack) in tests. ``with recording_server() as server: ...``"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Recorded:
    method: str
    path: str
    headers: dict
    body: bytes

    def json(self):
        return json.loads(self.body)


class Recorder(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self):
        super().__init__(("127.0.0.1", 0), _Handler)
        self.requests: list[Recorded] = []
        self.script: list[tuple[int, dict, bytes]] = []  # answers in order; then 200 "ok"

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"

    def answer(self, *answers) -> None:
        """Each answer: a status code, or (status, headers, body)."""
        for a in answers:
            self.script.append(a if isinstance(a, tuple) else (a, {}, b"scripted"))


class _Handler(BaseHTTPRequestHandler):
    def do_POST(self):  # noqa: N802 - http.server's naming
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length)
        self.server.requests.append(Recorded("POST", self.path, {k.lower(): v for k, v in self.headers.items()}, body))
        status, headers, reply = self.server.script.pop(0) if self.server.script else (200, {}, b"ok")
        self.send_response(status)
        for key, value in headers.items():
            self.send_header(key, value)
        self.send_header("Content-Length", str(len(reply)))
        self.end_headers()
        self.wfile.write(reply)

    do_GET = do_POST  # noqa: N815

    def log_message(self, *args):
        pass


@contextmanager
def recording_server() -> Iterator[Recorder]:
    server = Recorder()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()
