"""gd.datasets: the shapes each construction promises, by hand, and seeds that reproduce."""

import numpy as np
import pytest

import gdcore as gd


def test_moons_lie_on_their_two_half_circles_without_noise():
    X, y = gd.datasets.moons(n_samples=101, noise=0.0)
    outer, inner = X[y == 0], X[y == 1]
    assert len(outer) == 51 and len(inner) == 50
    np.testing.assert_allclose(np.hypot(*outer.T), 1.0)
    np.testing.assert_allclose(np.hypot(inner[:, 0] - 1.0, inner[:, 1] - 0.5), 1.0)
    assert (outer[:, 1] >= -1e-12).all() and (inner[:, 1] <= 0.5 + 1e-12).all()


def test_circles_and_blobs_by_construction():
    X, y = gd.datasets.circles(n_samples=40, noise=0.0, factor=0.3)
    np.testing.assert_allclose(np.hypot(*X[y == 0].T), 1.0)
    np.testing.assert_allclose(np.hypot(*X[y == 1].T), 0.3)
    X, y = gd.datasets.blobs(n_samples=3000, noise=0.2, n_classes=3, seed=0)
    for c in range(3):
        centre = np.array([np.cos(2 * np.pi * c / 3), np.sin(2 * np.pi * c / 3)])
        np.testing.assert_allclose(X[y == c].mean(axis=0), centre, atol=0.03)
        np.testing.assert_allclose(X[y == c].std(axis=0), 0.2, atol=0.02)


def test_spiral_arms_turn_as_specified():
    X, y = gd.datasets.spirals(n_samples=300, noise=0.0, n_classes=3, turns=1.5)
    for c in range(3):
        arm = X[y == c]
        r = np.hypot(*arm.T)
        np.testing.assert_allclose(r, np.linspace(0, 1, 100))
        theta = np.unwrap(np.arctan2(arm[1:, 1], arm[1:, 0]))
        np.testing.assert_allclose(theta[-1] - theta[0], 2 * np.pi * 1.5 * (1 - r[1]), atol=1e-9)


@pytest.mark.parametrize("make", [gd.datasets.moons, gd.datasets.circles, gd.datasets.spirals, gd.datasets.blobs])
def test_the_same_seed_gives_the_same_data_and_bad_input_is_named(make):
    a, b = make(seed=3), make(seed=3)
    np.testing.assert_array_equal(a[0], b[0])
    assert not np.array_equal(a[0], make(seed=4)[0])
    assert a[0].shape[1] == 2 and a[1].dtype == np.int64
    with pytest.raises(gd.ParameterError, match="'noise' parameter"):
        make(noise=-1.0)
    with pytest.raises(gd.ParameterError, match="'n_samples' parameter"):
        make(n_samples=1)
