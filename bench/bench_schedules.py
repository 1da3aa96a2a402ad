"""Schedules over 100,000 updates: one vectorised call against hand-written numpy, and against a Python loop.

Each line "one call" times ``schedule(np.arange(100_000))`` against the same closed form written
out in numpy (ratio < 1 is faster); each line "scalar loop" times ``[schedule(t) for t in ...]``
against that one call (the ratio is how many times slower the loop is).
"""

import numpy as np

import gdcore as gd
from bench.timing import best_time, report

N = 100_000
S = gd.schedules


def frexp_cycle(t, t_0):
    """Cycle index of SGDR with T_mult = 2: cycle i covers t_0 (2^i - 1) <= t < t_0 (2^(i+1) - 1)."""
    _, exponent = np.frexp((t // t_0 + 1).astype(np.float64))
    return exponent - 1


def restarts_by_hand(t, lr, t_0):
    i = frexp_cycle(t, t_0)
    t_cur = t - t_0 * (2**i - 1)
    return 0.5 * lr * (1 + np.cos(np.pi * t_cur / (t_0 * 2**i)))


def one_cycle_by_hand(t, max_lr, total, pct=0.3, div=25.0, final_div=1e4):
    initial, end_up = max_lr / div, pct * total - 1
    final = initial / final_div
    x_up = t / end_up
    x_down = (t - end_up) / (total - 1 - end_up)
    up = max_lr + (initial - max_lr) / 2 * (np.cos(np.pi * x_up) + 1)
    down = final + (max_lr - final) / 2 * (np.cos(np.pi * x_down) + 1)
    return np.where(t <= end_up, up, down)


#: name -> (schedule, the same sequence written out in numpy)
CASES = {
    "constant": (S.constant(0.1), lambda t: np.full(t.shape, 0.1)),
    "step_decay": (S.step_decay(0.1, 1000, 0.5), lambda t: 0.1 * 0.5 ** (t // 1000)),
    "multistep": (S.multistep(0.1, [10_000, 50_000, 90_000], 0.5),
                  lambda t: 0.1 * 0.5 ** np.searchsorted([10_000, 50_000, 90_000], t, side="right")),
    "exponential": (S.exponential(0.1, 0.9999), lambda t: 0.1 * 0.9999**t),
    "cosine": (S.cosine(0.1, N, 0.001), lambda t: 0.001 + 0.099 * (1 + np.cos(np.pi * t / N)) / 2),
    "cosine_restarts (T_mult=1)": (S.cosine_restarts(0.1, 2000), lambda t: 0.05 * (1 + np.cos(np.pi * (t % 2000) / 2000))),
    "cosine_restarts (T_mult=2)": (S.cosine_restarts(0.1, 100, t_mult=2), lambda t: restarts_by_hand(t, 0.1, 100)),
    "cyclic (triangular)": (S.cyclic(0.001, 0.1, 2000),
                            lambda t: 0.001 + 0.099 * np.maximum(0, 1 - np.abs(t / 2000 - 2 * (t // 4000) - 1))),
    "cyclic (triangular2)": (S.cyclic(0.001, 0.1, 2000, mode="triangular2"),
                             lambda t: 0.001 + 0.099 * np.maximum(0, 1 - np.abs(t / 2000 - 2 * (t // 4000) - 1))
                             / 2.0 ** (t // 4000)),
    "one_cycle": (S.one_cycle(0.1, N), lambda t: one_cycle_by_hand(t, 0.1, N)),
    "warmup + cosine": (S.warmup(S.cosine(0.1, N), 1000),
                        lambda t: np.where(t < 1000, 0.1 * (1 / 3 + (2 / 3) * t / 1000),
                                           0.05 * (1 + np.cos(np.pi * np.maximum(t - 1000, 0) / N)))),
    "swa_cyclic": (S.swa_cyclic(0.1, 0.01, 500), lambda t: (1 - (t % 500 + 1) / 500) * 0.1 + (t % 500 + 1) / 500 * 0.01),
}


def main():
    t = np.arange(N)
    for name, (schedule, by_hand) in CASES.items():
        ours = schedule(t)
        assert np.allclose(ours, by_hand(t), rtol=1e-9, atol=1e-15), f"{name}: the closed forms must agree"
        vectorised = best_time(lambda: schedule(t), repeats=7)
        baseline = best_time(lambda: by_hand(t), repeats=7)
        report(f"{name}: one call, ratio to numpy by hand", vectorised, baseline, target=2)
        loop = best_time(lambda: [schedule(k) for k in range(N)], repeats=1)
        # Reported the other way round: how many times slower the loop of scalar calls is.
        report(f"{name}: scalar loop, ratio to one call", loop, vectorised)


if __name__ == "__main__":
    main()
