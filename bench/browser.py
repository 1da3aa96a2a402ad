"""What a student feels in the browser: ``python -m bench.browser [url_path ...]``.

Serves the app and a bare page (one slider, a 2-point line chart) side by side and
drives both in headless Chromium. For each page it prints the seconds to the first
chart, the slider move (key press to the rerun drawn) as a ratio to the bare page's,
and the bytes the server sends per move. Then a class: eight students at once, each
opening every page and moving its first slider; their p95 move against one student's,
and the server's peak memory. Times are printed, never asserted; every wait is on the
app's state (script idle, charts drawn), with no sleeps.
"""

from __future__ import annotations

import statistics
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tools.browser import ROOT, chromium, chromium_page, open_and_wait, serve_script  # noqa: E402
from ui.course import LESSONS  # noqa: E402

DRAWN = "[data-testid='stVegaLiteChart'] canvas, [data-testid='stVegaLiteChart'] svg.marks"
SLIDER = "[data-testid='stMain'] [data-testid='stSlider'] input[type='range']"
MOVES = 5
STUDENTS = 8
TARGETS = {"move ratio": 2.0, "kB per move": 100.0, "first chart s": 1.5, "class p95 ratio": 4.0, "server MB": 700.0}

# Resolves once the script has run again and the browser has painted the result (two frames later).
_WATCH = """() => { window.__gdMove = new Promise(resolve => {
    const app = document.querySelector("[data-testid='stApp']");
    const t0 = performance.now();
    let ran = false;
    const done = (value) => { clearTimeout(timer); resolve(value); };
    // Records keep the old value: a rerun that starts and ends within one task is still seen.
    const observer = new MutationObserver((records) => {
        if (records.some(r => r.oldValue === 'running')) ran = true;
        if (ran && app.getAttribute('data-test-script-state') === 'notRunning') {
            observer.disconnect();
            requestAnimationFrame(() => requestAnimationFrame(() => done(performance.now() - t0)));
        }
    });
    observer.observe(app, {attributes: true, attributeOldValue: true, attributeFilter: ['data-test-script-state']});
    const timer = setTimeout(() => done(null), 30000);
}); }"""


class Wire:
    """Bytes the server sends this page over its websocket."""

    def __init__(self, page):
        self.received = 0
        page.on("websocket", lambda ws: ws.on("framereceived", self._frame))

    def _frame(self, payload):
        self.received += len(payload)


def first_chart_seconds(page, url):
    start = time.perf_counter()
    open_and_wait(page, url)
    page.wait_for_selector(DRAWN, timeout=60_000)
    return time.perf_counter() - start


def slider_moves(page, wire, moves=MOVES):
    """Median seconds and bytes of ``moves`` one-step moves of the page's first slider."""
    # The first slider a student can reach: one in a closed expander takes no key press.
    sliders = page.locator(SLIDER)
    shown = [i for i in range(sliders.count())
             if sliders.nth(i).evaluate("e => !(e.closest('details') && !e.closest('details').open)")]
    if not shown:
        return None, None
    slider = sliders.nth(shown[0])
    times, sizes = [], []
    for i in range(moves):
        now, top = slider.evaluate("el => [el.value, el.max]")
        key = "ArrowLeft" if now == top or i % 2 else "ArrowRight"
        slider.focus()
        page.evaluate(_WATCH)
        before = wire.received
        page.keyboard.press(key)
        elapsed = page.evaluate("() => window.__gdMove")
        if elapsed is None:
            continue
        times.append(elapsed / 1e3)
        sizes.append(wire.received - before)
    if not times:
        return None, None
    return statistics.median(times), statistics.median(sizes)


def peak_memory_mb(pid):
    """The server process's peak resident memory (VmHWM), in MB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def one_student(browser, url, targets):
    with chromium_page(browser=browser) as page:
        wire = Wire(page)
        open_and_wait(page, url)
        rows = {}
        for target in targets:
            first = first_chart_seconds(page, f"{url}/{target}")
            move, size = slider_moves(page, wire)
            rows[target] = (first, move, size)
        return rows


def student_thread(url, targets, out, errors):
    try:
        with chromium() as browser:
            out.append(one_student(browser, url, targets))
    except Exception as error:  # noqa: BLE001 - a failing student is reported, not hidden
        errors.append(repr(error))


def main(targets):
    targets = targets or [lesson.url_path for lesson in LESSONS]
    with serve_script(ROOT / "bench" / "bare_page.py") as (bare_url, _), serve_script(ROOT / "streamlit_app.py") as (url, server):
        with chromium() as browser:
            bare = one_student(browser, bare_url.rstrip("/"), [""])[""]
            print(f"bare page: first chart {bare[0]:.2f} s, slider move {bare[1] * 1e3:.0f} ms, {bare[2] / 1e3:.1f} kB per move")
            rows = one_student(browser, url, targets)
        print(f"{'page':<20} {'first chart s':>14} {'move ms':>9} {'ratio':>7} {'kB/move':>9}")
        for target, (first, move, size) in rows.items():
            if move is None:
                print(f"{target:<20} {first:14.2f} {'no slider':>9}")
                continue
            ratio = move / bare[1]
            flags = []
            if ratio > TARGETS["move ratio"]:
                flags.append("move MISSED")
            if size / 1e3 > TARGETS["kB per move"]:
                flags.append("bytes MISSED")
            if first > TARGETS["first chart s"]:
                flags.append("first chart MISSED")
            print(f"{target:<20} {first:14.2f} {move * 1e3:9.0f} {ratio:7.2f} {size / 1e3:9.1f}   {' '.join(flags) or 'ok'}")
        alone = [m for _, m, _ in rows.values() if m is not None]
        out, errors, threads = [], [], []
        for _ in range(STUDENTS):
            thread = threading.Thread(target=student_thread, args=(url, targets, out, errors))
            thread.start()
            threads.append(thread)
        for thread in threads:
            thread.join()
        moves = sorted(m for student in out for _, m, _ in student.values() if m is not None)
        p95 = moves[int(0.95 * (len(moves) - 1))] if moves else float("nan")
        single = statistics.quantiles(alone, n=20)[-1] if len(alone) > 1 else alone[0]
        memory = peak_memory_mb(server.pid)
        print(f"class of {STUDENTS}: p95 move {p95 * 1e3:.0f} ms vs one student's p95 {single * 1e3:.0f} ms "
              f"(ratio {p95 / single:.2f}, target <= {TARGETS['class p95 ratio']:g}); server peak {memory:.0f} MB "
              f"(target <= {TARGETS['server MB']:g}); errors: {errors or 'none'}")


if __name__ == "__main__":
    main(sys.argv[1:])
