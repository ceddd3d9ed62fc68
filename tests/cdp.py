"""A small client for headless Chromium over the DevTools protocol (a websocket, via
``websocket-client``): load a page, collect JavaScript errors, evaluate expressions, take a
full-page screenshot. Used by tests/test_report.py and scripts/report_screenshot.py.

Chromium runs with every host name resolving to nothing (``--host-resolver-rules``), so a page
under test cannot reach the internet: what it shows, it shows offline.
"""

from __future__ import annotations

import base64
import contextlib
import itertools
import json
import os
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

BROWSERS = ("chromium", "chromium-browser", "google-chrome", "chrome")
FLAGS = (
    "--headless",
    "--disable-gpu",
    "--no-sandbox",
    "--no-first-run",
    "--no-default-browser-check",
    "--disable-extensions",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--hide-scrollbars",
    "--host-resolver-rules=MAP * ~NOTFOUND",
    "--remote-debugging-port=0",
)
_IDS = itertools.count(1)  # message ids, unique over every session of the socket


def find_browser() -> str | None:
    return next((path for name in BROWSERS if (path := shutil.which(name))), None)


class Page:
    """One tab, driven over a flat DevTools session of the browser's websocket."""

    def __init__(self, socket: Any, session: str | None) -> None:
        self.socket = socket
        self.session = session  # None: the browser itself
        self.events: list[dict[str, Any]] = []

    def send(self, method: str, params: dict[str, Any] | None = None, timeout: float = 20) -> Any:
        ident = next(_IDS)
        message: dict[str, Any] = {"id": ident, "method": method, "params": params or {}}
        if self.session is not None:
            message["sessionId"] = self.session
        self.socket.settimeout(timeout)
        self.socket.send(json.dumps(message))
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            reply = json.loads(self.socket.recv())
            if reply.get("id") == ident:
                if "error" in reply:
                    raise RuntimeError(f"{method}: {reply['error']}")
                return reply.get("result", {})
            if "method" in reply:
                self.events.append(reply)
        raise TimeoutError(f"no answer to {method} in {timeout} s")

    def wait_for(self, method: str, timeout: float = 20) -> dict[str, Any]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if found := next((e for e in self.events if e["method"] == method), None):
                return found
            self.socket.settimeout(max(0.05, deadline - time.monotonic()))
            with contextlib.suppress(Exception):
                self.events.append(json.loads(self.socket.recv()))
        raise TimeoutError(f"no {method} in {timeout} s")

    def open(self, url: str, timeout: float = 20) -> None:
        for domain in ("Page", "Runtime", "Log"):
            self.send(f"{domain}.enable")
        self.send("Emulation.setDeviceMetricsOverride",
                  {"width": 1200, "height": 900, "deviceScaleFactor": 1, "mobile": False})  # fmt: skip
        self.send("Page.navigate", {"url": url})
        self.wait_for("Page.loadEventFired", timeout)

    def evaluate(self, expression: str) -> Any:
        result = self.send("Runtime.evaluate", {"expression": expression, "returnByValue": True})
        if "exceptionDetails" in result:
            raise RuntimeError(f"{expression}: {result['exceptionDetails']}")
        return result["result"].get("value")

    def wait_until(self, expression: str, timeout: float = 20) -> None:
        deadline = time.monotonic() + timeout
        while not self.evaluate(expression):
            if time.monotonic() > deadline:
                raise TimeoutError(f"{expression} still false after {timeout} s")
            time.sleep(0.05)

    def javascript_errors(self) -> list[str]:
        """Uncaught exceptions, console.error calls and error log entries, except the network
        failures (such as map tiles that cannot load offline)."""
        errors = []
        for event in self.events:
            params = event.get("params", {})
            if event["method"] == "Runtime.exceptionThrown":
                details = params["exceptionDetails"]
                errors.append(details.get("exception", {}).get("description") or details["text"])
            elif event["method"] == "Runtime.consoleAPICalled" and params["type"] == "error":
                errors.append(
                    " ".join(str(a.get("value", a.get("description"))) for a in params["args"])
                )
            elif event["method"] == "Log.entryAdded":
                entry = params["entry"]
                if entry["level"] == "error" and entry["source"] != "network":
                    errors.append(entry["text"])
        return errors

    def network_failures(self) -> list[str]:
        return [
            e["params"]["entry"].get("url", e["params"]["entry"]["text"])
            for e in self.events
            if e["method"] == "Log.entryAdded" and e["params"]["entry"]["source"] == "network"
        ]

    def screenshot(self, path: Path) -> None:
        """The whole page, not only the viewport, as PNG."""
        metrics = self.send("Page.getLayoutMetrics")
        size = metrics["cssContentSize"]
        clip = {"x": 0, "y": 0, "width": size["width"], "height": size["height"], "scale": 1}
        shot = self.send(
            "Page.captureScreenshot",
            {"format": "png", "clip": clip, "captureBeyondViewport": True},
        )
        path.write_bytes(base64.b64decode(shot["data"]))


@contextlib.contextmanager
def chromium(browser: str, timeout: float = 20) -> Iterator[Page]:
    """Start headless ``browser`` with a fresh profile, yield a blank page, stop it."""
    import websocket

    profile = tempfile.mkdtemp(prefix="kg-chromium-")
    process = subprocess.Popen(
        [browser, *FLAGS, f"--user-data-dir={profile}", "about:blank"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env={**os.environ, "DBUS_SESSION_BUS_ADDRESS": "disabled:"},
    )
    socket = None
    try:
        port_file = Path(profile) / "DevToolsActivePort"
        deadline = time.monotonic() + timeout
        while not (port_file.exists() and len(port_file.read_text().split()) >= 2):
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"{browser} did not open its DevTools port")
            time.sleep(0.05)
        port, path = port_file.read_text().split()[:2]
        socket = websocket.create_connection(f"ws://127.0.0.1:{port}{path}", timeout=timeout)
        browser_session = Page(socket, None)
        target = browser_session.send("Target.createTarget", {"url": "about:blank"})
        attached = browser_session.send(
            "Target.attachToTarget", {"targetId": target["targetId"], "flatten": True}
        )
        yield Page(socket, attached["sessionId"])
    finally:
        if socket is not None:
            socket.close()
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        shutil.rmtree(profile, ignore_errors=True)
