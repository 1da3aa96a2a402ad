"""What a student feels in the browser: ``python -m bench.browser [url_path ...]``.

Serves the app and a bare page (one slider, a 2-point line chart) side by side and
drives both in headless Chromium. For each page it prints the seconds to the first
chart, the slider move (key press to the rerun drawn) as a ratio to the bare page's,
and the bytes the server sends per move; every move goes to a value not seen before. Beside
each move it prints where the time went: how long the browser's main thread was busy (Chromium's
own task time, read over its DevTools protocol) and how much CPU the server used.
Then a class (``class_run``): eight students at once, seven on the websocket and one in
Chromium, each opening every page and moving its first slider; the Chromium student's p95
move against its own alone, and the server's peak memory. ``--no-class`` skips the class.
Times are printed, never asserted; every wait is on the app's state (script idle, charts
drawn), with no sleeps.
"""

from __future__ import annotations

import dataclasses
import os
import statistics
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tools.browser import APP_IDLE, ROOT, chromium, chromium_page, open_and_wait, serve_script  # noqa: E402
from bench.classroom import clear_caches, run_students  # noqa: E402
from ui.course import LESSONS  # noqa: E402

DRAWN = "[data-testid='stVegaLiteChart'] canvas, [data-testid='stVegaLiteChart'] svg.marks"
SLIDER = "[data-testid='stMain'] [data-testid='stSlider'] input[type='range']"
MOVES = 5
STUDENTS = 8
# A student looks at each result before moving again; without a pause, seven sessions that
# rerun back to back measure a flood, not a class (the server runs one script at a time).
THINK_SECONDS = 1.0
TARGETS = {"move ratio": 2.0, "kB per move": 100.0, "first chart s": 1.5, "class p95 ratio": 4.0, "server MB": 700.0}

# Resolves once the script has run again and the browser has painted the result (two frames later).
_WATCH = """() => { window.__gdMove = new Promise(resolve => {
    const app = document.querySelector("[data-testid='stApp']");
    const t0 = performance.now();
    let ran = false, started = null;
    const done = (value) => { clearTimeout(timer); resolve(value); };
    // Records keep the old value: a rerun that starts and ends within one task is still seen.
    const observer = new MutationObserver((records) => {
        if (started === null && (app.getAttribute('data-test-script-state') === 'running'
                                 || records.some(r => r.oldValue === 'running'))) started = performance.now();
        if (records.some(r => r.oldValue === 'running')) ran = true;
        if (ran && app.getAttribute('data-test-script-state') === 'notRunning') {
            observer.disconnect();
            const ended = performance.now();
            requestAnimationFrame(() => requestAnimationFrame(() => done([performance.now() - t0, ended - started])));
        }
    });
    observer.observe(app, {attributes: true, attributeOldValue: true, attributeFilter: ['data-test-script-state']});
    const timer = setTimeout(() => done(null), 30000);
}); }"""


@dataclasses.dataclass
class Moves:
    """A page's slider moves: medians in seconds and bytes, and every move's time."""

    move: float
    size: float
    running: float
    renderer: float
    server_cpu: float
    every: list
    unseen: int = 0   # moves whose rerun the watcher did not see (left out of the medians)


class Busy:
    """Seconds the page's renderer main thread has worked, and CPU seconds the server has used."""

    def __init__(self, page, pid=None):
        self.cdp = page.context.new_cdp_session(page)
        self.cdp.send("Performance.enable")
        self.pid = pid

    def renderer(self):
        metrics = self.cdp.send("Performance.getMetrics")["metrics"]
        return next(m["value"] for m in metrics if m["name"] == "TaskDuration")

    def server(self):
        if self.pid is None:
            return float("nan")
        fields = Path(f"/proc/{self.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime + stime


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


def slider_moves(page, wire, busy, moves=MOVES):
    """``Moves`` of ``moves`` one-step moves of the page's first slider, or None without one.

    Every move goes to a value not seen before (towards the end with more room): going back
    to a value would let Streamlit send references to charts the browser already has.
    """
    # The first slider a student can reach: one in a closed expander takes no key press.
    sliders = page.locator(SLIDER)
    shown = [i for i in range(sliders.count())
             if sliders.nth(i).evaluate("e => !(e.closest('details') && !e.closest('details').open)")]
    if not shown:
        return None
    slider = sliders.nth(shown[0])
    low, now, top = (float(v) for v in slider.evaluate("el => [el.min, el.value, el.max]"))
    key = "ArrowRight" if top - now >= now - low else "ArrowLeft"
    end = top if key == "ArrowRight" else low
    times, sizes, runs, renderer, server, unseen = [], [], [], [], [], 0
    for _ in range(moves):
        if float(slider.evaluate("el => el.value")) == end:  # at the end of its range: a press moves nothing
            break
        slider.focus()
        page.evaluate(_WATCH)
        before, busy_before, cpu_before = wire.received, busy.renderer(), busy.server()
        page.keyboard.press(key)
        elapsed = page.evaluate("() => window.__gdMove")
        if elapsed is None:  # the slider moved but no rerun was seen: counted, not taken for the end
            unseen += 1
            page.wait_for_selector(APP_IDLE, timeout=60_000)
            continue
        times.append(elapsed[0] / 1e3)
        runs.append(elapsed[1] / 1e3)
        sizes.append(wire.received - before)
        renderer.append(busy.renderer() - busy_before)
        server.append(busy.server() - cpu_before)
    if not times:
        return None
    median = statistics.median
    return Moves(median(times), median(sizes), median(runs), median(renderer), median(server), times, unseen)


def peak_memory_mb(pid):
    """The server process's peak resident memory (VmHWM), in MB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def one_student(browser, url, targets, server_pid=None):
    """Per target: (seconds to the first chart, ``Moves`` or None, seconds to the first chart again)."""
    with chromium_page(browser=browser) as page:
        wire, busy = Wire(page), Busy(page, server_pid)
        open_and_wait(page, url)
        rows = {}
        for target in targets:
            first = first_chart_seconds(page, f"{url}/{target}")
            moves = slider_moves(page, wire, busy)
            # The next student to open the page: a new session, the server's caches already warm.
            again = first_chart_seconds(page, f"{url}/{target}")
            rows[target] = (first, moves, again)
        return rows


def main(args):
    with_class = "--no-class" not in args
    targets = [a for a in args if not a.startswith("--")] or [lesson.url_path for lesson in LESSONS]
    with serve_script(ROOT / "bench" / "bare_page.py") as (bare_url, bare_server), serve_script(ROOT / "streamlit_app.py") as (url, server):
        with chromium() as browser:
            bare_first, bare, bare_again = one_student(browser, bare_url.rstrip("/"), [""], bare_server.pid)[""]
            print(f"bare page: first chart {bare_first:.2f} s (next visit {bare_again:.2f} s), slider move {bare.move * 1e3:.0f} ms, "
                  f"{bare.size / 1e3:.1f} kB per move, script running {bare.running * 1e3:.0f} ms, browser main thread "
                  f"{bare.renderer * 1e3:.0f} ms, server CPU {bare.server_cpu * 1e3:.0f} ms")
            rows = one_student(browser, url, targets, server.pid)
        print(f"{'page':<20} {'first chart s':>14} {'next visit s':>13} {'move ms':>9} {'ratio':>7} {'kB/move':>9} "
              f"{'running ms':>11} {'browser ms':>11} {'server ms':>10}")
        for target, (first, moves, again) in rows.items():
            if moves is None:
                print(f"{target:<20} {first:14.2f} {again:13.2f} {'no slider':>9}")
                continue
            ratio = moves.move / bare.move
            flags = []
            if ratio > TARGETS["move ratio"]:
                flags.append("move MISSED")
            if moves.size / 1e3 > TARGETS["kB per move"]:
                flags.append("bytes MISSED")
            if moves.unseen:
                flags.append(f"{moves.unseen} of {len(moves.every) + moves.unseen} moves not seen")
            if again > TARGETS["first chart s"]:
                flags.append("first chart MISSED")
            elif first > TARGETS["first chart s"]:
                flags.append("first chart MISSED for the server's first visitor")
            print(f"{target:<20} {first:14.2f} {again:13.2f} {moves.move * 1e3:9.0f} {ratio:7.2f} {moves.size / 1e3:9.1f} "
                  f"{moves.running * 1e3:11.0f} {moves.renderer * 1e3:11.0f} {moves.server_cpu * 1e3:10.0f}   "
                  f"{' '.join(flags) or 'ok'}")
        if with_class:
            class_run(url, server, targets, rows)


def p95(values):
    values = sorted(values)
    return values[int(0.95 * (len(values) - 1))] if values else float("nan")


def class_run(url, server, targets, alone):
    """Eight students at once: seven on the websocket (bench/classroom.py), one in Chromium.

    The Chromium student walks the same moves as alone, on cold caches again, while the others
    move their sliders (each by its own stride, looking ``THINK_SECONDS`` at each result) until
    it is done; its p95 move is compared with its p95 alone. Then the server's peak memory.
    """
    clear_caches(url)
    one = run_students(url, targets, MOVES, 1, first_stride=2)
    clear_caches(url)
    done, others, errors = threading.Event(), [], []

    def class_of(count):
        try:
            others.extend(run_students(url, targets, MOVES, count, until=done, first_stride=2, think=THINK_SECONDS))
        except Exception as error:  # noqa: BLE001 - a failing student is reported, not hidden
            errors.append(repr(error))

    thread = threading.Thread(target=class_of, args=(STUDENTS - 1,))
    thread.start()
    try:
        with chromium() as browser:
            rows = one_student(browser, url, targets)
    finally:
        done.set()
        thread.join()
    felt = [t for _, moves, _ in rows.values() if moves for t in moves.every]
    felt_alone = [t for _, moves, _ in alone.values() if moves for t in moves.every]
    memory = peak_memory_mb(server.pid)
    ratio = p95(felt) / p95(felt_alone)
    print(f"class of {STUDENTS} ({STUDENTS - 1} on the websocket, {THINK_SECONDS:g} s between moves; 1 in Chromium): "
          f"the Chromium student's p95 move "
          f"{p95(felt) * 1e3:.0f} ms vs {p95(felt_alone) * 1e3:.0f} ms alone (ratio {ratio:.2f}, target <= "
          f"{TARGETS['class p95 ratio']:g}) {'ok' if ratio <= TARGETS['class p95 ratio'] and not errors else 'MISSED'}"
          f"{' (not a class: the websocket students failed)' if errors else ''}")
    print(f"  websocket students: p95 rerun {p95(others) * 1e3:.0f} ms over {len(others)} moves vs one alone "
          f"{p95(one) * 1e3:.0f} ms; server peak {memory:.0f} MB (target <= {TARGETS['server MB']:g}) "
          f"{'ok' if memory <= TARGETS['server MB'] else 'MISSED'}; errors: {errors or 'none'}")


if __name__ == "__main__":
    main(sys.argv[1:])
