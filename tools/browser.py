"""Serve the app on a free local port and drive it with headless Chromium.

Used by the browser tests (tests/e2e) and by tools/screenshots.py. Chromium
comes from the system (Debian's ``chromium`` package); Playwright only drives
it, it never downloads a browser.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM_CANDIDATES = ("/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome")
# Without these flags Chromium keeps trying to reach Google's services, which a closed network refuses.
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]
APP_IDLE = "[data-testid='stApp'][data-test-script-state='notRunning']"


def chromium_path() -> str | None:
    """The system Chromium, or None when none is installed."""
    env = os.environ.get("GDCORE_CHROMIUM")
    for candidate in ((env,) if env else ()) + CHROMIUM_CANDIDATES:
        if candidate and Path(candidate).exists():
            return candidate
    found = shutil.which("chromium")
    return found


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextlib.contextmanager
def serve_app(timeout: float = 60.0):
    """Run ``streamlit run streamlit_app.py`` headless; yield its base URL.

    Waits on Streamlit's health endpoint (not on a sleep), and stops the
    server on exit.
    """
    with serve_script(ROOT / "streamlit_app.py", timeout) as (url, _):
        yield url


@contextlib.contextmanager
def serve_script(script, timeout: float = 60.0):
    """Serve any Streamlit script headless on a free port; yield ``(base URL, server process)``."""
    port = free_port()
    log = tempfile.TemporaryFile()
    proc = subprocess.Popen(
        [
            sys.executable, "-m", "streamlit", "run", str(script),
            "--server.headless", "true",
            "--server.port", str(port),
            "--server.address", "127.0.0.1",
            "--browser.gatherUsageStats", "false",
            "--server.fileWatcherType", "none",
        ],
        cwd=ROOT,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + timeout
        while True:
            if proc.poll() is not None:
                log.seek(0)
                raise RuntimeError(f"streamlit exited early:\n{log.read().decode(errors='replace')}")
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as resp:
                    if resp.status == 200:
                        break
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise TimeoutError("streamlit did not become healthy in time")
            time.sleep(0.2)
        yield url, proc
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


@contextlib.contextmanager
def chromium():
    """The system's headless Chromium, driven by Playwright (which never downloads a browser)."""
    from playwright.sync_api import sync_playwright

    executable = chromium_path()
    if executable is None:
        raise RuntimeError("no Chromium found: install it with 'apt-get install -y chromium'")
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS, headless=True)
        try:
            yield browser
        finally:
            browser.close()


@contextlib.contextmanager
def chromium_page(width: int = 1400, height: int = 1000, browser=None):
    """A Playwright page of ``width`` x ``height`` in ``browser``, or in a Chromium of its own."""
    if browser is None:
        with chromium() as own:
            with chromium_page(width, height, own) as page:
                yield page
        return
    page = browser.new_page(viewport={"width": width, "height": height})
    try:
        yield page
    finally:
        page.close()


def open_and_wait(page, url: str, timeout_ms: int = 60_000):
    """Load ``url`` and wait until the app has finished its script run and drawn a chart."""
    page.goto(url, wait_until="domcontentloaded", timeout=timeout_ms)
    page.wait_for_selector(APP_IDLE, timeout=timeout_ms)
    # The script may still be rerunning after the first idle state (query params, first render).
    page.wait_for_function(
        """() => {
            const app = document.querySelector("[data-testid='stApp']");
            return app && app.getAttribute('data-test-script-state') === 'notRunning'
                && !document.querySelector("[data-testid='stSkeleton']");
        }""",
        timeout=timeout_ms,
    )


# Counts the reruns the app starts, from the script-state attribute's history (a rerun
# that starts and ends within one task is still seen through the records' old values), and
# the messages the page sends the server: the rerun a key press asks for is one of them. The
# attribute alone once missed a rerun in CI (the page had moved, the count stayed 0 for 60 s);
# the request it sent is there whichever way the page renders the rerun.
_COUNT_RERUNS = """() => {
    const app = document.querySelector("[data-testid='stApp']");
    window.__gdReruns = 0;
    window.__gdSent = 0;
    if (!window.__gdSendCounted) {
        const send = WebSocket.prototype.send;
        WebSocket.prototype.send = function (...args) { window.__gdSent += 1; return send.apply(this, args); };
        window.__gdSendCounted = true;
    }
    if (window.__gdObserver) window.__gdObserver.disconnect();
    window.__gdObserver = new MutationObserver((records) => {
        for (const r of records) if (app.getAttribute('data-test-script-state') === 'running' || r.oldValue === 'running') {
            window.__gdReruns += 1; break;
        }
    });
    window.__gdObserver.observe(app, {attributes: true, attributeOldValue: true, attributeFilter: ['data-test-script-state']});
}"""


def press_during_reruns(page, target, key: str, times: int, timeout_ms: int = 60_000):
    """Press ``key`` on ``target`` (a locator), then, once the page has asked for that rerun (or
    shows it running), ``times - 1`` more times: those presses land while the script runs. Returns once the app is idle.
    No sleeps: each wait is on the app's state."""
    target.focus()
    page.evaluate(_COUNT_RERUNS)
    page.keyboard.press(key)
    page.wait_for_function("() => window.__gdReruns >= 1 || window.__gdSent >= 1", timeout=timeout_ms)
    for _ in range(times - 1):
        page.keyboard.press(key)
    page.wait_for_selector(APP_IDLE, timeout=timeout_ms)
