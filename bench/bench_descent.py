"""descend() against the loop a student would write by hand, on the same surface."""

import numpy as np

import gdcore as gd
from bench.timing import best_time, report


def adam_by_hand(grad, w, steps, lr=0.01, b1=0.9, b2=0.999, eps=1e-8):
    """Adam exactly as torch.optim.Adam updates, written inline; records every point."""
    points = np.empty((steps + 1,) + w.shape)
    points[0] = w
    m = np.zeros_like(w)
    v = np.zeros_like(w)
    for t in range(1, steps + 1):
        g = grad(w)
        m = b1 * m + (1 - b1) * g
        v = b2 * v + (1 - b2) * g * g
        denom = np.sqrt(v) / np.sqrt(1 - b2**t) + eps
        w = w - (lr / (1 - b1**t)) * m / denom
        points[t] = w
    return points


def main():
    surface = gd.surfaces.get("rosenbrock")
    start = np.array([-1.5, 2.0])
    ours = gd.descend(surface, gd.Adam(lr=0.01), start, 1000).points
    mine = adam_by_hand(surface.grad, start, 1000)
    assert np.allclose(ours, mine, rtol=1e-12), "the two loops must compute the same run"
    base = best_time(lambda: adam_by_hand(surface.grad, start, 1000), repeats=7)
    t = best_time(lambda: gd.descend(surface, gd.Adam(lr=0.01), start, 1000), repeats=7)
    report("descend: Adam, Rosenbrock, 1 start x 1,000 steps", t, base, target=2)

    starts = np.random.default_rng(0).uniform([-2, -1], [2, 3], size=(10_000, 2))
    base = best_time(lambda: adam_by_hand(surface.grad, starts, 300), repeats=3)
    t = best_time(lambda: gd.descend(surface, gd.Adam(lr=0.01), starts, 300), repeats=3)
    report("descend: Adam, Rosenbrock, 10,000 starts x 300 steps", t, base, target=2)


if __name__ == "__main__":
    main()
