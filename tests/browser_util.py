"""Headless Chromium driven over the DevTools protocol on a pipe — no Python dependency.

Chromium is started with ``--remote-debugging-pipe``: it reads protocol messages from file
descriptor 3 and writes to 4, each JSON message ended by a NUL byte. No port is opened and
no extra package (websocket client, selenium, chromedriver) is needed.

Networking is cut three ways: an unreachable proxy, a host resolver that resolves nothing,
and the DevTools network emulation set to offline; and every request the page makes is
recorded (``Network.requestWillBeSent``) so a test can assert that none went to a host.
"""

from __future__ import annotations

import base64
import fcntl
import json
import os
import shutil
import subprocess
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

__all__ = ["find_chromium", "Chromium", "PageResult", "Page"]

CHROMIUM_CANDIDATES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")


def find_chromium() -> str | None:
    env = os.environ.get("KG_CHROMIUM")
    if env:
        return env if Path(env).exists() or shutil.which(env) else None
    for name in CHROMIUM_CANDIDATES:
        path = shutil.which(name)
        if path:
            return path
    return None


class CdpError(RuntimeError):
    pass


@dataclass
class PageResult:
    url: str
    requests: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)
    exceptions: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)
    values: dict[str, object] = field(default_factory=dict)
    load_ms: float = 0.0

    @property
    def network_requests(self) -> list[str]:
        """Requests that would leave the machine (anything but file:, data:, blob:, about:)."""
        return [u for u in self.requests if not u.startswith(("file:", "data:", "blob:", "about:"))]


@dataclass
class Page:
    """An open page, handed to the ``actions`` callback of :meth:`Chromium.open`."""

    browser: Chromium
    session: str
    _seen: list[dict]
    result: PageResult

    def evaluate(self, expression: str) -> object:
        return self.browser.evaluate(self.session, expression)

    def wait(self, seconds: float) -> None:
        self.browser._wait_event(self.session, "__none__", seconds, self._seen)

    def wait_for(self, expression: str, timeout: float = 10) -> bool:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.evaluate(f"Boolean({expression})"):
                return True
            self.wait(0.05)
        return False

    def mouse_move(self, x: float, y: float) -> None:
        self.browser.send("Input.dispatchMouseEvent", {"type": "mouseMoved", "x": x, "y": y}, self.session)

    def click(self, x: float, y: float) -> None:
        for kind in ("mousePressed", "mouseReleased"):
            self.browser.send("Input.dispatchMouseEvent", {
                "type": kind, "x": x, "y": y, "button": "left", "clickCount": 1,
            }, self.session)

    def screenshot(self, path: Path, full_page: bool = False) -> None:
        self.browser.screenshot(self.session, path, full_page)


class Chromium:
    """One headless Chromium process; open pages with :meth:`open`."""

    def __init__(self, binary: str, width: int = 1440, height: int = 900, loopback: bool = False) -> None:
        """``loopback``: pages may reach servers on 127.0.0.1 (a test's own ``kg serve``);
        every other host stays unreachable; :meth:`open` then takes an ``http://127.0.0.1``
        URL and leaves the DevTools offline switch off (it would cut loopback too)."""
        self.loopback = loopback
        self.width, self.height = width, height
        self._profile = tempfile.mkdtemp(prefix="kg-chromium-")
        to_child_r, to_child_w = os.pipe()
        from_child_r, from_child_w = os.pipe()
        # move the child's ends out of the way of 3 and 4 before dup2-ing them there
        hi_r = fcntl.fcntl(to_child_r, fcntl.F_DUPFD, 10)
        hi_w = fcntl.fcntl(from_child_w, fcntl.F_DUPFD, 10)
        os.close(to_child_r)
        os.close(from_child_w)

        def child_fds() -> None:
            os.dup2(hi_r, 3)
            os.dup2(hi_w, 4)

        args = [
            binary,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
            "--no-default-browser-check",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--disable-extensions",
            "--disable-default-apps",
            "--disable-domain-reliability",
            "--disable-client-side-phishing-detection",
            "--metrics-recording-only",
            "--mute-audio",
            "--hide-scrollbars",
            "--proxy-server=127.0.0.1:9",
            "--host-resolver-rules=MAP * ~NOTFOUND" + (", EXCLUDE 127.0.0.1" if loopback else ""),
            "--allow-file-access-from-files",
            "--font-render-hinting=none",
            f"--window-size={width},{height}",
            f"--user-data-dir={self._profile}",
            "--remote-debugging-pipe",
            "about:blank",
        ]
        self._log = open(Path(self._profile) / "chromium.log", "wb")  # noqa: SIM115
        self.proc = subprocess.Popen(
            args, stdin=subprocess.DEVNULL, stdout=self._log, stderr=self._log,
            preexec_fn=child_fds, pass_fds=(3, 4), close_fds=True,
        )
        os.close(hi_r)
        os.close(hi_w)
        self._out = os.fdopen(to_child_w, "wb", buffering=0)
        self._in = os.fdopen(from_child_r, "rb", buffering=0)
        self._next = 0
        self._lock = threading.Lock()
        self._cond = threading.Condition()
        self._responses: dict[int, dict] = {}
        self._events: list[dict] = []
        self._closed = False
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()
        self.send("Target.setDiscoverTargets", {"discover": False}, timeout=30)

    # -- protocol ---------------------------------------------------------------------

    def _read(self) -> None:
        buf = b""
        while True:
            try:
                chunk = self._in.read(65536)
            except OSError:
                chunk = b""
            if not chunk:
                with self._cond:
                    self._closed = True
                    self._cond.notify_all()
                return
            buf += chunk
            while b"\0" in buf:
                raw, buf = buf.split(b"\0", 1)
                msg = json.loads(raw)
                with self._cond:
                    if "id" in msg:
                        self._responses[msg["id"]] = msg
                    else:
                        self._events.append(msg)
                    self._cond.notify_all()

    def send(self, method: str, params: dict | None = None, session: str | None = None, timeout: float = 30) -> dict:
        with self._lock:
            self._next += 1
            mid = self._next
            msg: dict[str, object] = {"id": mid, "method": method, "params": params or {}}
            if session:
                msg["sessionId"] = session
            self._out.write(json.dumps(msg).encode() + b"\0")
        deadline = time.monotonic() + timeout
        with self._cond:
            while mid not in self._responses:
                if self._closed:
                    raise CdpError(f"chromium exited while waiting for {method}: {self.log_tail()}")
                left = deadline - time.monotonic()
                if left <= 0:
                    raise CdpError(f"timeout waiting for {method}")
                self._cond.wait(left)
            resp = self._responses.pop(mid)
        if "error" in resp:
            raise CdpError(f"{method}: {resp['error']}")
        return resp.get("result", {})

    def _take_events(self, session: str) -> list[dict]:
        with self._cond:
            mine = [e for e in self._events if e.get("sessionId") == session]
            self._events = [e for e in self._events if e.get("sessionId") != session]
        return mine

    def _wait_event(self, session: str, method: str, timeout: float, seen: list[dict]) -> dict | None:
        deadline = time.monotonic() + timeout
        while True:
            for e in self._take_events(session):
                seen.append(e)
                if e.get("method") == "Page.javascriptDialogOpening":
                    # answer dialogs at once, or the page would hang
                    self.send("Page.handleJavaScriptDialog", {"accept": False}, session)
            for e in seen:
                if e.get("method") == method and not e.get("_used"):
                    e["_used"] = True
                    return e
            left = deadline - time.monotonic()
            if left <= 0:
                return None
            with self._cond:
                self._cond.wait(min(left, 0.1))

    # -- pages --------------------------------------------------------------------------

    def open(
        self,
        path: Path | str,
        *,
        ready: str = "true",
        wait_for: str | None = None,
        values: dict[str, str] | None = None,
        screenshot: Path | None = None,
        full_page: bool = False,
        timeout: float = 60,
        settle_ms: int = 0,
        actions: Callable[[Page], None] | None = None,
    ) -> PageResult:
        """Open ``path`` (a file) offline; wait until the JS expression ``ready`` is true; read
        ``values`` (name → JS expression); save a PNG screenshot."""
        url = path if isinstance(path, str) else path.resolve().as_uri()
        target = self.send("Target.createTarget", {"url": "about:blank"})["targetId"]
        session = self.send("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
        result = PageResult(url)
        seen: list[dict] = []
        failure: CdpError | None = None
        try:
            for domain in ("Page", "Network", "Runtime", "Log"):
                self.send(f"{domain}.enable", {}, session)
            self.send("Network.emulateNetworkConditions", {
                "offline": not self.loopback, "latency": 0, "downloadThroughput": -1, "uploadThroughput": -1,
            }, session)
            self.send("Emulation.setDeviceMetricsOverride", {
                "width": self.width, "height": self.height, "deviceScaleFactor": 1, "mobile": False,
            }, session)
            t0 = time.monotonic()
            self.send("Page.navigate", {"url": url}, session)
            if self._wait_event(session, "Page.loadEventFired", timeout, seen) is None:
                raise CdpError(f"{url}: no load event within {timeout}s")
            result.load_ms = (time.monotonic() - t0) * 1000
            deadline = time.monotonic() + timeout
            while not self.evaluate(session, f"Boolean({ready})"):
                self._wait_event(session, "__none__", 0.05, seen)
                if time.monotonic() > deadline:
                    raise CdpError(f"{url}: not ready ({ready}) within {timeout}s")
            if wait_for:
                while not self.evaluate(session, f"Boolean({wait_for})") and time.monotonic() < deadline:
                    self._wait_event(session, "__none__", 0.05, seen)
            if settle_ms:
                self._wait_event(session, "__none__", settle_ms / 1000, seen)
            for name, expr in (values or {}).items():
                result.values[name] = self.evaluate(session, expr)
            if screenshot is not None:
                self.screenshot(session, screenshot, full_page)
            if actions is not None:
                actions(Page(self, session, seen, result))
            self._wait_event(session, "__none__", 0.05, seen)
        except CdpError as exc:
            failure = exc
        finally:
            for e in seen:
                m, p = e.get("method"), e.get("params", {})
                if m == "Network.requestWillBeSent":
                    result.requests.append(p["request"]["url"])
                elif m == "Page.javascriptDialogOpening":
                    result.dialogs.append(f"{p.get('type')}: {p.get('message')}")
                elif m == "Runtime.exceptionThrown":
                    d = p.get("exceptionDetails", {})
                    result.exceptions.append(str(d.get("exception", {}).get("description") or d.get("text")))
                elif m == "Log.entryAdded" and p.get("entry", {}).get("level") == "error":
                    result.console_errors.append(p["entry"].get("text", ""))
                elif m == "Runtime.consoleAPICalled" and p.get("type") == "error":
                    result.console_errors.append(" ".join(str(a.get("value", a.get("description", ""))) for a in p.get("args", [])))
            try:
                self.send("Target.closeTarget", {"targetId": target}, timeout=10)
            except CdpError:
                pass
        if failure is not None:
            raise CdpError(
                f"{failure}; exceptions: {result.exceptions[:3]}; console errors: {result.console_errors[:3]}"
            )
        return result

    def evaluate(self, session: str, expression: str) -> object:
        r = self.send("Runtime.evaluate", {"expression": expression, "returnByValue": True}, session)
        if "exceptionDetails" in r:
            raise CdpError(f"{expression}: {r['exceptionDetails'].get('text')}")
        return r.get("result", {}).get("value")

    def screenshot(self, session: str, path: Path, full_page: bool = False) -> None:
        params: dict[str, object] = {"format": "png"}
        if full_page:
            m = self.send("Page.getLayoutMetrics", {}, session)
            size = m.get("cssContentSize") or m.get("contentSize")
            h = min(int(size["height"]) + 1, 16000)
            params["clip"] = {"x": 0, "y": 0, "width": self.width, "height": h, "scale": 1}
            params["captureBeyondViewport"] = True
        data = self.send("Page.captureScreenshot", params, session, timeout=60)["data"]
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(base64.b64decode(data))

    def log_tail(self, n: int = 2000) -> str:
        try:
            return (Path(self._profile) / "chromium.log").read_bytes()[-n:].decode("utf-8", "replace")
        except OSError:
            return ""

    def close(self) -> None:
        try:
            self.send("Browser.close", {}, timeout=5)
        except (CdpError, OSError):
            pass
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(timeout=10)
        for f in (self._out, self._in, self._log):
            try:
                f.close()
            except OSError:
                pass
        shutil.rmtree(self._profile, ignore_errors=True)

    def __enter__(self) -> Chromium:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
