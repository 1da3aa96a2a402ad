r"""Small classification data sets in the plane, for a network to learn: ``X`` of shape (n, 2), ``y`` of class ids.

Each returns ``(X, y)`` with ``X`` a float64 array of shape ``(n_samples, 2)`` and
``y`` an int64 array of shape ``(n_samples,)`` holding class ids ``0 .. k-1``, the
classes as balanced as ``n_samples`` allows. ``noise`` is the standard deviation of
Gaussian noise added to every coordinate; ``seed`` feeds ``np.random.default_rng``,
so the same seed gives the same data.

- :func:`moons`: two interleaving half circles (as scikit-learn's ``make_moons``);
- :func:`circles`: a small circle inside a large one (as ``make_circles``);
- :func:`spirals`: ``n_classes`` arms of a spiral, the classic hard case for a small network;
- :func:`blobs`: ``n_classes`` Gaussian clusters with centres on a circle.

>>> X, y = moons(n_samples=6, noise=0.0, seed=0)
>>> X.shape, y.tolist()
((6, 2), [0, 0, 0, 1, 1, 1])
"""

from __future__ import annotations

import numpy as np

from gdcore._checks import check_int, check_real

__all__ = ["blobs", "circles", "moons", "spirals"]


def _sizes(n, k):
    """``n`` samples split over ``k`` classes, the first ``n % k`` classes one larger."""
    return [n // k + (1 if c < n % k else 0) for c in range(k)]


def _finish(parts, noise, rng):
    X = np.concatenate([p for p, _ in parts]).astype(np.float64)
    y = np.concatenate([np.full(len(p), c, dtype=np.int64) for p, c in parts])
    return X + noise * rng.standard_normal(X.shape), y


def _common(owner, n_samples, noise, seed, minimum=2):
    n = check_int(n_samples, "n_samples", owner, low=minimum, high=10_000_000)
    noise = check_real(noise, "noise", owner, low=0.0, high=1e300)  # beyond, noise * N(0, 1) overflows
    seed = check_int(seed, "seed", owner, low=0)
    return n, noise, np.random.default_rng(seed)


def moons(n_samples=200, noise=0.1, seed=0):
    r"""Two interleaving half circles: class 0 is :math:`(\cos t, \sin t)`, class 1 is
    :math:`(1 - \cos t, \tfrac12 - \sin t)`, for :math:`t` evenly spaced in :math:`[0, \pi]`.

    The construction of scikit-learn's ``make_moons`` (without its shuffle).

    >>> X, y = moons(n_samples=4, noise=0.0)
    >>> X.round(3).tolist()
    [[1.0, 0.0], [-1.0, 0.0], [0.0, 0.5], [2.0, 0.5]]
    """
    n, noise, rng = _common("moons", n_samples, noise, seed)
    n0, n1 = _sizes(n, 2)
    t0, t1 = np.linspace(0.0, np.pi, n0), np.linspace(0.0, np.pi, n1)
    outer = np.stack([np.cos(t0), np.sin(t0)], axis=-1)
    inner = np.stack([1.0 - np.cos(t1), 0.5 - np.sin(t1)], axis=-1)
    return _finish([(outer, 0), (inner, 1)], noise, rng)


def circles(n_samples=200, noise=0.05, factor=0.5, seed=0):
    r"""A circle of radius ``factor`` (class 1) inside the unit circle (class 0), points evenly
    spaced in angle, as scikit-learn's ``make_circles``.

    >>> X, y = circles(n_samples=8, noise=0.0, factor=0.5)
    >>> np.hypot(X[:, 0], X[:, 1]).round(3).tolist(), y.tolist()
    ([1.0, 1.0, 1.0, 1.0, 0.5, 0.5, 0.5, 0.5], [0, 0, 0, 0, 1, 1, 1, 1])
    """
    n, noise, rng = _common("circles", n_samples, noise, seed)
    factor = check_real(factor, "factor", "circles", low=0.0, high=1.0)
    n0, n1 = _sizes(n, 2)
    t0 = np.linspace(0.0, 2 * np.pi, n0, endpoint=False)
    t1 = np.linspace(0.0, 2 * np.pi, n1, endpoint=False)
    outer = np.stack([np.cos(t0), np.sin(t0)], axis=-1)
    inner = factor * np.stack([np.cos(t1), np.sin(t1)], axis=-1)
    return _finish([(outer, 0), (inner, 1)], noise, rng)


def spirals(n_samples=300, noise=0.1, n_classes=2, turns=1.0, seed=0):
    r"""``n_classes`` arms of a spiral: arm :math:`c` is :math:`r(\cos\theta, \sin\theta)` with
    :math:`r` from 0 to 1 and :math:`\theta = 2\pi(\text{turns}\cdot r + c / k)`.

    >>> X, y = spirals(n_samples=6, noise=0.0, n_classes=3)
    >>> np.hypot(X[:, 0], X[:, 1]).round(3).tolist()
    [0.0, 1.0, 0.0, 1.0, 0.0, 1.0]
    """
    n, noise, rng = _common("spirals", n_samples, noise, seed)
    k = check_int(n_classes, "n_classes", "spirals", low=2, high=n)
    turns = check_real(turns, "turns", "spirals", low=0.0)
    parts = []
    for c, size in enumerate(_sizes(n, k)):
        r = np.linspace(0.0, 1.0, size)
        theta = 2 * np.pi * (turns * r + c / k)
        parts.append((np.stack([r * np.cos(theta), r * np.sin(theta)], axis=-1), c))
    return _finish(parts, noise, rng)


def blobs(n_samples=200, noise=0.3, n_classes=3, seed=0):
    r"""``n_classes`` Gaussian clusters of standard deviation ``noise`` around centres evenly
    spaced on the unit circle, :math:`(\cos 2\pi c/k, \sin 2\pi c/k)`.

    >>> X, y = blobs(n_samples=4, noise=0.0, n_classes=2)
    >>> X.round(3).tolist(), y.tolist()
    ([[1.0, 0.0], [1.0, 0.0], [-1.0, 0.0], [-1.0, 0.0]], [0, 0, 1, 1])
    """
    n, noise, rng = _common("blobs", n_samples, noise, seed)
    k = check_int(n_classes, "n_classes", "blobs", low=2, high=n)
    parts = []
    for c, size in enumerate(_sizes(n, k)):
        centre = np.array([np.cos(2 * np.pi * c / k), np.sin(2 * np.pi * c / k)])
        parts.append((np.tile(centre, (size, 1)), c))
    return _finish(parts, noise, rng)
