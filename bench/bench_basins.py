"""basins(): a 100x100 basin map with 1,000 steps, against the batched numpy loop a student would write."""

import numpy as np

import gdcore as gd
from bench.timing import best_time, report

RESOLUTION, STEPS, TARGET = 100, 1000, 1.0


def gd_by_hand(surface, lr, resolution, steps):
    """Gradient descent from every grid start at once, as a student would write it; nearest-minimum labels."""
    (x0, x1), (y0, y1) = surface.bounds
    w = np.stack(np.meshgrid(np.linspace(x0, x1, resolution), np.linspace(y0, y1, resolution)), axis=-1)
    for _ in range(steps):
        w = w - lr * surface.grad(w)
    distance = np.linalg.norm(w[..., None, :] - surface.minima, axis=-1)
    return w, np.argmin(distance, axis=-1)


def main():
    lr = 0.01
    surface = gd.surfaces.get("himmelblau")
    ours = gd.basins(surface, gd.SGD(lr=lr), RESOLUTION, STEPS)
    ends, labels = gd_by_hand(surface, lr, RESOLUTION, STEPS)
    assert np.allclose(ours.ends, ends, rtol=1e-12, atol=1e-12), "the two loops must compute the same runs"
    assert np.array_equal(ours.labels, labels), "every run settles, so the labels must agree"
    base = best_time(lambda: gd_by_hand(surface, lr, RESOLUTION, STEPS), repeats=3)
    t = best_time(lambda: gd.basins(surface, gd.SGD(lr=lr), RESOLUTION, STEPS), repeats=3)
    report(f"basins: Himmelblau, {RESOLUTION}x{RESOLUTION} starts x {STEPS:,} steps", t, target=TARGET)
    report("basins vs a hand-written batched numpy GD loop", t, base, target=2)

    # The page's other surfaces at the learning rate it opens with (0.3 x 2/lambda_max at the global minimum).
    for name in ("local_global", "six_hump_camel", "rastrigin"):
        s = gd.surfaces.get(name)
        opt = gd.SGD(lr=0.3 * float(s.max_stable_lr_at(s.minima[0])))
        t = best_time(lambda: gd.basins(s, opt, RESOLUTION, STEPS), repeats=3)
        report(f"basins: {name}, {RESOLUTION}x{RESOLUTION} starts x {STEPS:,} steps", t, target=TARGET)


if __name__ == "__main__":
    main()
