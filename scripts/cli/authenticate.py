"""``./authenticate.sh``: log in to Upstox (or the built-in sandbox) with OAuth.

1. Ask for a login: from the running API (``POST /api/auth/login``) if it is
   up, else from an in-process broker service with a one-shot listener on the
   redirect URI (loopback only), so the same callback code handles both.
2. Open the Upstox dialog: in sandbox mode (or with ``--headless``) the
   dialog is followed over HTTP, since the sandbox signs its demo user in
   without typing; otherwise it is printed and opened in the browser.
3. Upstox redirects to the callback with ``code`` and ``state``; the code is
   exchanged and the token stored encrypted. The token is never printed.
"""

from __future__ import annotations

import argparse
import sys
import threading
import time
import webbrowser
from collections.abc import Callable
from typing import Any
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import httpx

from scripts.config.modes import TradingMode
from scripts.config.settings import Settings, settings_for_command
from scripts.db import Database
from scripts.db.migrate import current_revision, head_revision
from scripts.launcher.state import settings_of_running_platform
from scripts.services.container import build_services
from scripts.services.broker import BrokerService
from scripts.services.errors import ServiceError

LOGIN_TIMEOUT_SECONDS = 300
Out = Callable[[str], None]
LOOPBACK = {"127.0.0.1", "localhost", "::1"}


def api_is_up(settings: Settings) -> bool:
    try:
        return httpx.get(f"{settings.api_url}/api/health", timeout=2).status_code == 200
    except httpx.HTTPError:
        return False


def follow_dialog(login_url: str) -> None:
    """Walk the dialog's redirects up to (and including) the callback, as a browser would."""
    response = httpx.get(login_url, follow_redirects=True, timeout=30)
    if response.status_code >= 400:
        raise RuntimeError(
            f"the login dialog answered HTTP {response.status_code}: " f"{response.text[:300]}"
        )


class _CallbackHandler(BaseHTTPRequestHandler):
    broker: BrokerService
    outcome: dict[str, Any]

    def do_GET(self) -> None:  # noqa: N802 - http.server's naming
        parts = urlsplit(self.path)
        query = {k: v[0] for k, v in parse_qs(parts.query).items()}
        if parts.path != urlsplit(self.broker.settings.upstox_redirect_uri).path:
            self._answer(404, "Not the login callback.")
            return
        try:
            session, _ = self.broker.complete_login(query.get("code", ""), query.get("state", ""))
        except ServiceError as error:
            self.outcome["error"] = error.message
            self._answer(400, f"Login failed: {error.message}")
            return
        self.outcome["session"] = session.as_dict()
        self._answer(200, "Logged in to Upstox. You can close this tab.")

    def _answer(self, status: int, text: str) -> None:
        body = text.encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", "text/plain; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the base's name
        return  # the query holds the one-time code: keep it out of the terminal


def login_with_api(settings: Settings, headless: bool, out: Out) -> int:
    headers = {"X-API-Key": settings.api_key}
    login = f"{settings.api_url}/api/auth/login"
    begin = httpx.post(login, json={}, headers=headers, timeout=10)
    if begin.status_code != 200:
        out(f"Could not start the login: {begin.json()['error']['message']}")
        return 1
    before = httpx.get(f"{settings.api_url}/api/auth/status", headers=headers, timeout=10).json()
    _open(begin.json()["data"]["login_url"], headless, out)
    deadline = time.monotonic() + LOGIN_TIMEOUT_SECONDS
    while time.monotonic() < deadline:
        state = httpx.get(
            f"{settings.api_url}/api/auth/status", headers=headers, timeout=10
        ).json()["data"]
        if state["logged_in"] and state["issued_at"] != before["data"]["issued_at"]:
            return _report(state, out)
        time.sleep(0.5)
    out("No login arrived within 5 minutes; run ./authenticate.sh again.")
    return 1


def login_standalone(settings: Settings, headless: bool, out: Out) -> int:
    redirect = urlsplit(settings.upstox_redirect_uri)
    if redirect.hostname not in LOOPBACK or redirect.scheme != "http":
        out(
            f"The API is not running and the redirect URI {settings.upstox_redirect_uri} is not "
            "on this machine: start the platform (./start_nicegui.sh) and run this again."
        )
        return 1
    database = Database(settings.database_url)
    if current_revision(database) != head_revision():
        out("The database is not set up yet: run ./setup.sh first.")
        return 1
    broker = build_services(settings, database).broker
    outcome: dict[str, Any] = {}
    handler = type("Handler", (_CallbackHandler,), {"broker": broker, "outcome": outcome})
    try:
        server = ThreadingHTTPServer((redirect.hostname, redirect.port or 80), handler)
    except OSError:
        out(
            f"Port {redirect.port} of the redirect URI is busy; stop what uses it or start the "
            "platform and run this again."
        )
        return 1
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        begin = broker.begin_login()
        _open(begin["login_url"], headless, out)
        deadline = time.monotonic() + LOGIN_TIMEOUT_SECONDS
        while time.monotonic() < deadline and not outcome:
            time.sleep(0.2)
    except ServiceError as error:
        out(f"Could not log in: {error.message}")
        return 1
    finally:
        server.shutdown()
        database.dispose()
    if "session" in outcome:
        return _report(outcome["session"], out)
    out(f"Login failed: {outcome.get('error', 'no answer within 5 minutes')}")
    return 1


def _open(login_url: str, headless: bool, out: Out) -> None:
    if headless:
        out("Signing in the sandbox's demo user ...")
        follow_dialog(login_url)
        return
    out(f"Open this URL in your browser and log in to Upstox:\n\n  {login_url}\n")
    webbrowser.open(login_url)


def _report(state: dict[str, Any], out: Out) -> int:
    out(
        f"Logged in to Upstox ({state['mode']}) as {state['user_name'] or state['user_id']} "
        f"(user id {state['user_id']}); the session is valid until {state['expires_at_ist']}."
    )
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Log in to Upstox (or the built-in sandbox).")
    parser.add_argument(
        "--headless",
        action="store_true",
        help="follow the dialog without a browser (default in sandbox mode)",
    )
    parser.add_argument(
        "--browser", action="store_true", help="use the browser even in sandbox mode"
    )
    args = parser.parse_args(argv)
    # A platform started with one-off ports (API_PORT=9001 ./start_nicegui.sh) recorded
    # them in its state file; this shell's .env/environment may say otherwise.
    settings, where = settings_of_running_platform(settings_for_command())
    headless = args.headless or (settings.mode is TradingMode.SANDBOX and not args.browser)

    def out(text: str) -> None:
        print(text, flush=True)

    try:
        if api_is_up(settings):
            out(f"Using the API at {settings.api_url} ({where}).")
            return login_with_api(settings, headless, out)
        out(f"No API answers at {settings.api_url} ({where}); logging in without it.")
        return login_standalone(settings, headless, out)
    except (httpx.HTTPError, RuntimeError) as error:
        out(
            f"Login failed: {error}. In sandbox mode the built-in sandbox must be running "
            f"({settings.sandbox_url}); ./start_nicegui.sh starts it."
        )
        return 1


if __name__ == "__main__":
    sys.exit(main())
