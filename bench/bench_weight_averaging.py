"""gd.swa against the SWA loop a student would write by hand, and the flat-vs-sharp page's batched runs."""

import numpy as np

import gdcore as gd
from bench.timing import best_time, report


def swa_by_hand(obj, start, cycles, c, lr_max, lr_min, batch_size, seed):
    """Mini-batch SGD on the saw-tooth lr with a running mean at each cycle end, written inline."""
    rng = np.random.default_rng(seed)
    w = np.asarray(start, dtype=float)
    n = obj.n_samples
    order, pos = None, n
    average, k = None, 0
    for t in range(cycles * c):
        if pos >= n:
            order, pos = rng.permutation(n), 0
        batch = order[pos : pos + batch_size]
        pos += batch_size
        r = w[0] * obj.x[batch] + w[1] - obj.y[batch]
        g = np.array([np.mean(2 * r * obj.x[batch]), np.mean(2 * r)])
        tau = (t % c + 1) / c
        w = w - ((1 - tau) * lr_max + tau * lr_min) * g
        if (t + 1) % c == 0:
            k += 1
            average = w.copy() if average is None else average + (w - average) / k
    return average


def main():
    obj = gd.objectives.linear_regression(n_samples=64, noise=1.0, seed=0)
    args = dict(cycles=10, cycle_length=100, lr_max=0.2, lr_min=0.02, batch_size=4, seed=0)
    ours = gd.swa(obj, gd.SGD(), (0.0, 0.0), **args).average
    mine = swa_by_hand(obj, (0.0, 0.0), 10, 100, 0.2, 0.02, 4, 0)
    assert np.allclose(ours, mine, rtol=1e-12), "the two loops must compute the same average"
    base = best_time(lambda: swa_by_hand(obj, (0.0, 0.0), 10, 100, 0.2, 0.02, 4, 0), repeats=5)
    t = best_time(lambda: gd.swa(obj, gd.SGD(), (0.0, 0.0), **args), repeats=5)
    # The per-update cost is descend and the objective's batch protocol (checks, chunking), not SWA itself.
    report("swa: linear regression, 10 cycles x 100 updates, batch 4", t, base, target=2)

    train = gd.objectives.Sampled(gd.surfaces.get("flat_sharp"), n_samples=32, spread=0.25, seed=0)
    starts = np.random.default_rng(0).uniform(-3, 3, size=(200, 2))
    for batch_size in (1, 32):
        t = best_time(lambda: gd.descend(train, gd.SGD(lr=0.2), starts, 800, batch_size=batch_size, seed=1,
                                         record_every=800), repeats=3)
        report(f"flat-vs-sharp page: 200 runs x 800 steps, batch {batch_size}", t)


if __name__ == "__main__":
    main()
