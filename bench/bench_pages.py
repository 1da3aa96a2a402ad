"""Each page's rerun time in AppTest: a first (cold) run, then a warm rerun with the same widgets."""

import time
from pathlib import Path

from streamlit.testing.v1 import AppTest

from bench.timing import report
from ui.course import LESSONS

ROOT = Path(__file__).resolve().parent.parent
TARGET = 0.3


def main():
    for lesson in LESSONS:
        at = AppTest.from_file(str(ROOT / lesson.file), default_timeout=120)
        start = time.perf_counter()
        at.run()
        cold = time.perf_counter() - start
        warm = float("inf")
        for _ in range(3):
            start = time.perf_counter()
            at.run()
            warm = min(warm, time.perf_counter() - start)
        assert not at.exception, at.exception
        report(f"page {lesson.url_path}: first run", cold)
        report(f"page {lesson.url_path}: warm rerun", warm, target=TARGET)


if __name__ == "__main__":
    main()
