"""Mini-batch throughput: descend(batch_size=B) against a hand-written numpy mini-batch loop."""

import numpy as np

import gdcore as gd
from bench.timing import best_time, report

N = 1024
UPDATES = 2000
LR = 0.01
START = np.array([0.0, 1.5])


def sgd_by_hand(x, y, batch_size, updates, seed=0):
    """Mini-batch SGD on mean (w0 x + w1 - y)^2 as a student would write it: shuffle per epoch, slice, step.

    Draws its permutations from the same generator in the same order as descend, so both make the same run.
    """
    rng = np.random.default_rng(seed)
    w = START.copy()
    order, pos = None, N
    for _ in range(updates):
        if pos >= N:
            order, pos = rng.permutation(N), 0
        idx = order[pos : pos + batch_size]
        pos += batch_size
        xb, yb = x[idx], y[idx]
        r = w[0] * xb + w[1] - yb
        w = w - LR * 2.0 * np.array([np.mean(r * xb), np.mean(r)])
    return w


def main():
    obj = gd.objectives.linear_regression(n_samples=N, noise=1.0, seed=0)
    for size in (1, 16, 32, 128, N):

        def ours():
            return gd.descend(obj, gd.SGD(lr=LR), START, UPDATES, batch_size=size, seed=0, record_every=UPDATES).final

        def mine():
            return sgd_by_hand(obj.x, obj.y, size, UPDATES)

        assert np.allclose(ours(), mine(), rtol=1e-10, atol=1e-12), "the two loops must make the same run"
        base = best_time(mine, repeats=7)
        t = best_time(ours, repeats=7)
        label = f"B={size:>4}: {UPDATES / t:>9,.0f} updates/s, {UPDATES * size / t:>12,.0f} samples/s"
        report(f"descend mini-batch, {label}", t, base, target=2)


if __name__ == "__main__":
    main()
