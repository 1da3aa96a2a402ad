"""Each page's rerun time in AppTest: a first (cold) run, then a warm rerun with the same widgets,
the warm rerun also as a ratio to a bare page with one slider and one 100x100 landscape."""

import time
from pathlib import Path

from streamlit.testing.v1 import AppTest

from bench.timing import report
from ui.course import LESSONS

ROOT = Path(__file__).resolve().parent.parent
TARGET = 0.3
RATIO = 1.5


def timed(path):
    at = AppTest.from_file(str(path), default_timeout=120)
    start = time.perf_counter()
    at.run()
    cold = time.perf_counter() - start
    warm = float("inf")
    for _ in range(5):
        start = time.perf_counter()
        at.run()
        warm = min(warm, time.perf_counter() - start)
    assert not at.exception, at.exception
    return cold, warm


def main():
    _, bare = timed(ROOT / "bench" / "bare_heatmap_page.py")
    report("bare page: one slider, one 100x100 landscape, warm rerun", bare)
    for lesson in LESSONS:
        cold, warm = timed(ROOT / lesson.file)
        report(f"page {lesson.url_path}: first run", cold)
        report(f"page {lesson.url_path}: warm rerun", warm, target=TARGET)
        report(f"page {lesson.url_path}: warm rerun vs the bare page", warm, bare, target=RATIO)


if __name__ == "__main__":
    main()
