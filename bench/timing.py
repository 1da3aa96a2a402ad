"""Timing helpers: best of several repeats, so a busy machine inflates no ratio."""

import time


def best_time(fn, repeats=5, number=1):
    """The fastest of ``repeats`` timings of ``number`` calls of ``fn``, per call, in seconds."""
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        for _ in range(number):
            fn()
        best = min(best, (time.perf_counter() - start) / number)
    return best


def report(name, seconds, baseline=None, target=None):
    """One line: the time, its ratio to the baseline, and whether it meets the target."""
    line = f"{name:<58} {seconds * 1e3:10.2f} ms"
    if baseline is not None:
        ratio = seconds / baseline
        line += f"   baseline {baseline * 1e3:9.2f} ms   ratio {ratio:5.2f}"
        if target is not None:
            line += f"   (target <= {target:g}: {'ok' if ratio <= target else 'MISSED'})"
    elif target is not None:
        line += f"   (target < {target * 1e3:g} ms: {'ok' if seconds < target else 'MISSED'})"
    print(line, flush=True)
    return seconds if baseline is None else seconds / baseline
