"""gd.landscape: filter norms by construction, slices and lines against closed forms, PCA by hand."""

import numpy as np
import pytest

import gdcore as gd


@pytest.fixture(scope="module")
def net():
    X, y = gd.datasets.moons(100, seed=0)
    return gd.nn.MLP(X, y, hidden=(8, 8))


def test_filter_normalised_directions_match_each_neurons_weight_norm(net):
    w = net.init(seed=0)
    d = gd.landscape.directions(net, w, seed=1)
    for (W, _), (D, db) in zip(net.unflatten(w), net.unflatten(d)):
        np.testing.assert_allclose(np.linalg.norm(D, axis=0), np.linalg.norm(W, axis=0), rtol=1e-12)
        assert (db == 0).all()
    raw = gd.landscape.directions(net, w, seed=1, normalize=None)
    np.testing.assert_array_equal(raw, np.random.default_rng(1).standard_normal(net.dim))
    assert not np.allclose(raw, d)


def test_a_plane_through_a_quadratic_is_the_quadratic_in_plane_coordinates():
    # L(w) = 0.5 w^T A w in 5-D, as a data-free objective; over w0 + a d1 + b d2 it is a closed-form quadratic.
    rng = np.random.default_rng(0)
    A = np.diag([1.0, 2.0, 3.0, 4.0, 5.0])

    class Bowl:
        dim = 5

        def loss(self, w):
            return 0.5 * np.einsum("...i,ij,...j->...", w, A, w)

    w0, d1, d2 = rng.normal(size=(3, 5))
    s = gd.landscape.plane(Bowl(), w0, d1, d2, span=2.0, resolution=7)
    a, b = np.meshgrid(s.alphas, s.betas)
    expected = 0.5 * ((w0 @ A @ w0) + 2 * a * (d1 @ A @ w0) + 2 * b * (d2 @ A @ w0)
                      + a**2 * (d1 @ A @ d1) + 2 * a * b * (d1 @ A @ d2) + b**2 * (d2 @ A @ d2))
    np.testing.assert_allclose(s.losses, expected, rtol=1e-12)
    np.testing.assert_allclose(s.point(s.alphas[1], s.betas[4]), w0 + s.alphas[1] * d1 + s.betas[4] * d2)


def test_the_plane_of_a_network_is_one_call_equal_to_pointwise_losses(net):
    w = net.init(seed=0)
    d1, d2 = gd.landscape.directions(net, w, seed=1), gd.landscape.directions(net, w, seed=2)
    s = gd.landscape.plane(net, w, d1, d2, span=0.5, resolution=5)
    assert s.losses.shape == (5, 5)
    np.testing.assert_allclose(s.losses[3, 1], net.loss(w + s.alphas[1] * d1 + s.betas[3] * d2), rtol=1e-12)
    np.testing.assert_allclose(s.losses[2, 2], net.loss(w), rtol=1e-12)


def test_the_line_between_two_points_by_hand(net):
    a, b = net.init(seed=0), net.init(seed=1)
    alphas = np.array([-0.5, 0.0, 0.25, 1.0, 1.5])
    got = gd.landscape.line(net, a, b, alphas)
    np.testing.assert_allclose(got, [net.loss((1 - t) * a + t * b) for t in alphas], rtol=1e-12)


def test_pca_of_a_path_in_a_plane_recovers_the_plane():
    rng = np.random.default_rng(0)
    basis = np.linalg.qr(rng.normal(size=(6, 2)))[0].T  # two orthonormal directions in 6-D
    t = np.linspace(0, 1, 50)
    coords = np.stack([3 * (1 - t), np.sin(6 * t) * (1 - t)], axis=-1)
    path = 1.5 + coords @ basis
    p = gd.landscape.pca(path)
    # The components span the same plane as the basis, and the explained shares add to 1.
    np.testing.assert_allclose(np.abs(np.linalg.det(p.components @ basis.T)), 1.0, atol=1e-10)
    np.testing.assert_allclose(p.explained.sum(), 1.0)
    assert p.explained[0] > p.explained[1]
    np.testing.assert_allclose(p.coords @ p.components + p.center, path, atol=1e-10)


def test_bad_input_is_named(net):
    w = net.init(seed=0)
    with pytest.raises(gd.ParameterError, match="'normalize' parameter of directions"):
        gd.landscape.directions(net, w, normalize="layer")
    with pytest.raises(gd.ParameterError, match="'d2' parameter of plane"):
        gd.landscape.plane(net, w, w, w[:3])
    with pytest.raises(gd.ParameterError, match="'resolution' parameter of plane"):
        gd.landscape.plane(net, w, w, w, resolution=1)
    with pytest.raises(gd.ParameterError, match="'traj' parameter of pca"):
        gd.landscape.pca(np.zeros((1, 3)))
