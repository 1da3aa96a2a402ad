"""Run every benchmark: ``python -m bench`` from the repository root."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import bench_basins, bench_descent, bench_minibatch, bench_pages, bench_schedules  # noqa: E402
from bench import bench_nn, bench_weight_averaging  # noqa: E402

SECTIONS = [bench_descent, bench_schedules, bench_basins, bench_minibatch, bench_weight_averaging, bench_nn, bench_pages]

if __name__ == "__main__":
    for section in SECTIONS:
        print(f"== {section.__name__.split('.')[-1]}: {section.__doc__.strip().splitlines()[0]}")
        section.main()
