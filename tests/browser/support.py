"""What the browser tests share: the Chromium to drive, the demo logins, and a real `helpline serve` in a
throw-away data dir. The fixtures built from these live in conftest.py."""

from __future__ import annotations

import contextlib
import functools
import http.server
import os
import shutil
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from functools import cached_property
from pathlib import Path

import httpx
import pytest

PROJECT_DIR = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
VIEWPORT = {"width": 1360, "height": 900}
OWNER_EMAIL = "owner@demo.helpline.test"
AGENT_EMAIL = "ada@demo.helpline.test"
WATCHER_EMAIL = "grace@demo.helpline.test"
PASSWORD = "helpline-demo"
CHAT_TIMEOUT_MS = 10000

ON_SQLITE = not os.environ.get("HELPLINE_DATABASE_URL", "").strip() or os.environ["HELPLINE_DATABASE_URL"].startswith(
    "sqlite"
)

# conftest.py puts these on every test of this folder.
BROWSER_MARKS = [
    pytest.mark.browser,
    pytest.mark.skipif(not ON_SQLITE, reason="the browser test runs in the SQLite pass only"),
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian's chromium is not installed"),
]


def helpline_command() -> str:
    beside_python = Path(sys.executable).with_name("helpline")
    if beside_python.exists():
        return str(beside_python)
    return str(PROJECT_DIR / ".venv" / "bin" / "helpline")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until_healthy(base_url: str, process: subprocess.Popen, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"helpline serve exited with {process.returncode}")
        try:
            if httpx.get(f"{base_url}/healthz", timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise RuntimeError("helpline serve did not become healthy in time")


class LiveHelpline:
    """A Helpline install in its own data dir: prepare it with `demo()` / `manage_shell()`, then `serve()` it.

    The environment is the test run's minus its database and Redis (so the install uses SQLite in `data_dir`)
    and minus inline tasks (the server runs its own task consumer, as in production), plus `env` overrides.
    The port is picked the first time it is asked for."""

    def __init__(self, data_dir: Path, env: dict[str, str] | None = None):
        self.data_dir = data_dir
        self.command = helpline_command()
        self.env = {k: v for k, v in os.environ.items() if k not in ("HELPLINE_DATABASE_URL", "HELPLINE_REDIS_URL")}
        self.env.pop("HELPLINE_TASKS_IMMEDIATE", None)
        self.env["HELPLINE_DATA_DIR"] = str(data_dir)
        self.env.update(env or {})
        self.process: subprocess.Popen | None = None
        self._log = None

    @cached_property
    def port(self) -> int:
        return free_port()

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def run(self, *args: str, **kwargs) -> subprocess.CompletedProcess:
        """`helpline ARGS…` in this install; output captured as text, failing on a non-zero exit by default."""
        options = {"capture_output": True, "text": True, "timeout": 60, "check": True, **kwargs}
        return subprocess.run([self.command, *args], env=self.env, **options)

    def demo(self) -> str:
        """Loads the demo account; returns what `helpline demo` printed.

        The session's first install runs `helpline demo` in a data dir of its own; every install then starts from a
        copy of that dir (the database, task queue and files just as `helpline demo` left them): a fraction of a
        second instead of ~9 s per test module. The demo does not depend on an install's env overrides."""
        template = self.data_dir.parent / "demo-template"
        printed = self.data_dir.parent / "demo-template.txt"
        if not printed.exists():
            shutil.rmtree(template, ignore_errors=True)  # a build that did not finish
            template.mkdir()
            printed.write_text(LiveHelpline(template).run("demo", timeout=120).stdout)
        shutil.copytree(template, self.data_dir, dirs_exist_ok=True)
        return printed.read_text()

    def manage_shell(self, code: str) -> str:
        return self.run("manage", "shell", "-c", code).stdout.strip()

    def serve(self) -> str:
        """Starts `helpline serve` and waits until it is healthy; returns its base URL."""
        self._log = (self.data_dir / "serve.log").open("w")
        self.process = subprocess.Popen(
            [self.command, "serve", "--port", str(self.port)], env=self.env, stdout=self._log, stderr=subprocess.STDOUT
        )
        wait_until_healthy(self.base_url, self.process)
        return self.base_url

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
        if self._log is not None:
            self._log.close()


def sign_in(page, base_url: str, email: str, *, check_pages: bool = False) -> None:
    """Signs in through /login/; with `check_pages`, also checks the sign-in page and the inbox it lands on."""
    from playwright.sync_api import expect

    page.goto(f"{base_url}/login/")
    if check_pages:
        expect(page.locator("h1")).to_have_text("Sign in to your help desk")
    page.fill("input[name=username]", email)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{base_url}/agent/")
    if check_pages:
        expect(page.locator("h1.page-title")).to_have_text("Inbox")


def signed_in_page(browser, base_url: str, email: str, *, check_pages: bool = False, **context_options):
    """A new browser context (workspace-sized unless told) signed in as `email`; returns (context, page)."""
    context = browser.new_context(**{"viewport": VIEWPORT, **context_options})
    page = context.new_page()
    sign_in(page, base_url, email, check_pages=check_pages)
    return context, page


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format, *args):  # noqa: A002 - the base class's signature
        pass


@contextlib.contextmanager
def static_site(root: Path) -> Iterator[str]:
    """Serves `root` on 127.0.0.1 and yields its origin as http://localhost:PORT: another origin than Helpline's."""
    handler = functools.partial(QuietHandler, directory=str(root))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", free_port()), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://localhost:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def go_online(agent, live: LiveHelpline) -> None:
    """The agent switches to online for chat in the workspace header (routing's presence switch)."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout
    from playwright.sync_api import expect

    switch = agent.locator("#presence-chat")
    try:
        switch.wait_for(state="attached", timeout=5000)
    except PlaywrightTimeout:  # an install without the presence switch
        _set_online(live)
        return
    form = agent.locator("#presence-switch")
    for attempt in range(3):
        # The switch arrives by an htmx swap after page load: choose only once htmx has bound its change trigger
        # (a change fired before that posts nothing, as no person could do it that fast).
        agent.wait_for_function(
            "() => { const f = document.getElementById('presence-switch'); return f && f['htmx-internal-data'] }",
            timeout=CHAT_TIMEOUT_MS,
        )
        switch.select_option("online")
        try:
            expect(form).to_have_attribute("data-chat-presence", "online", timeout=CHAT_TIMEOUT_MS // 2)
            return
        except AssertionError:
            if attempt == 2:
                raise


def _set_online(live: LiveHelpline) -> None:
    """Routing rings only agents online for chat; the presence switch belongs to the routing screens."""
    live.manage_shell(
        "from django.apps import apps\n"
        "if apps.is_installed('helpline.routing'):\n"
        "    from helpline.routing.actions import set_presence\n"
        "    from helpline.tenancy.models import Account, User\n"
        f"    set_presence(account=Account.objects.get(slug='demo'), user=User.objects.get(email='{AGENT_EMAIL}'),"
        " channel='chat', state='online')\n"
    )
