"""Each page's rerun time in AppTest: a first (cold) run, then a warm rerun with the same widgets,
the warm rerun also as a ratio to a bare page with one slider and one 100x100 landscape; and the
server's share of a slider move (its first slider, one step to a value not seen yet)."""

import contextlib
import statistics
import time
from pathlib import Path

from streamlit.runtime.scriptrunner.script_cache import ScriptCache
from streamlit.testing.v1 import AppTest, app_test, local_script_runner

from bench.timing import report
from tests.app.harness import first_slider, room_up, step
from ui.course import LESSONS

ROOT = Path(__file__).resolve().parent.parent
TARGET = 0.3
RATIO = 1.5
# The least of many warm reruns: a rerun is 10-20 ms, where one slow run in five is the machine, not the page.
WARM_RUNS = 15


@contextlib.contextmanager
def compiled_once():
    """Reruns that reuse the compiled page, as the server's do.

    AppTest gives every run a new script cache, so each of its reruns parses, rewrites (for
    Streamlit's "magic") and compiles the page again: 5-8 ms on a long page, 1 ms on the bare
    one, that no rerun in the server pays. One cache for all runs takes it out of the ratio.
    """
    shared = ScriptCache()
    modules = (app_test, local_script_runner)
    originals = [module.ScriptCache for module in modules]
    for module in modules:
        module.ScriptCache = lambda: shared
    try:
        yield
    finally:
        for module, original in zip(modules, originals):
            module.ScriptCache = original


def timed(path):
    with compiled_once():
        at = AppTest.from_file(str(path), default_timeout=120)
        start = time.perf_counter()
        at.run()
        cold = time.perf_counter() - start
        warm = float("inf")
        for _ in range(WARM_RUNS):
            start = time.perf_counter()
            at.run()
            warm = min(warm, time.perf_counter() - start)
    assert not at.exception, at.exception
    return cold, warm


def moved(path, moves=4):
    """Median seconds of a rerun after a one-step move of the page's first slider, every move to a new value."""
    with compiled_once():
        at = AppTest.from_file(str(path), default_timeout=120)
        at.run()
        up, times = room_up(first_slider(at)), []
        for _ in range(moves):
            start = time.perf_counter()
            if step(at, first_slider(at), up) is False:
                break
            times.append(time.perf_counter() - start)
    assert not at.exception, at.exception
    return statistics.median(times)


def main():
    _, bare = timed(ROOT / "bench" / "bare_heatmap_page.py")
    report("bare page: one slider, one 100x100 landscape, warm rerun", bare)
    for lesson in LESSONS:
        cold, warm = timed(ROOT / lesson.file)
        report(f"page {lesson.url_path}: first run", cold)
        report(f"page {lesson.url_path}: warm rerun", warm, target=TARGET)
        report(f"page {lesson.url_path}: warm rerun vs the bare page", warm, bare, target=RATIO)
        report(f"page {lesson.url_path}: rerun after a slider move (the server's share of it)", moved(ROOT / lesson.file))


if __name__ == "__main__":
    main()
