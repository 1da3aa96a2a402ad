"""Run every benchmark: ``python -m bench`` from the repository root."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import bench_descent, bench_pages  # noqa: E402

SECTIONS = [bench_descent, bench_pages]

if __name__ == "__main__":
    for section in SECTIONS:
        print(f"== {section.__name__.split('.')[-1]}: {section.__doc__.strip().splitlines()[0]}")
        section.main()
