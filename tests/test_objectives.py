"""gdcore.objectives against per-sample formulas written out here, finite differences,
np.linalg.lstsq and a Newton solve done in the test."""

import dataclasses
import json
import warnings
from pathlib import Path

import numpy as np
import pytest

import gdcore as gd
from gdcore._checks import ParameterError
from gdcore.objectives import Sampled, linear_regression, logistic_regression


class Bumpy:
    """A non-quadratic surface with two minima, derivatives by hand:
    f = (x^2 - 1)^2 + 2 y^2 + x y / 2."""

    name, title, formula = "bumpy", "Bumpy", r"(x^2 - 1)^2 + 2y^2 + xy/2"
    bounds = ((-2.0, 2.0), (-2.0, 2.0))

    def loss(self, w):
        x, y = w[..., 0], w[..., 1]
        return (x**2 - 1) ** 2 + 2 * y**2 + 0.5 * x * y

    def grad(self, w):
        x, y = w[..., 0], w[..., 1]
        return np.stack([4 * x * (x**2 - 1) + 0.5 * y, 4 * y + 0.5 * x], axis=-1)

    def hessian(self, w):
        x = w[..., 0]
        h = np.empty(w.shape[:-1] + (2, 2))
        h[..., 0, 0] = 12 * x**2 - 4
        h[..., 0, 1] = h[..., 1, 0] = 0.5
        h[..., 1, 1] = 4.0
        return h


SURFACE = Bumpy()


def sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


def linear_sample_loss(obj, w, i):
    return (w[0] * obj.x[i] + w[1] - obj.y[i]) ** 2


def linear_sample_grad(obj, w, i):
    r = w[0] * obj.x[i] + w[1] - obj.y[i]
    return np.array([2 * r * obj.x[i], 2 * r])


def logistic_sample_loss(obj, w, i):
    z = w[0] * obj.x[i] + w[1]
    return np.log1p(np.exp(z)) - obj.y[i] * z


def logistic_sample_grad(obj, w, i):
    d = sigmoid(w[0] * obj.x[i] + w[1]) - obj.y[i]
    return np.array([d * obj.x[i], d])


def sampled_sample_loss(obj, w, i):
    return SURFACE.loss(np.asarray(w) - obj.offsets[i])


def sampled_sample_grad(obj, w, i):
    return SURFACE.grad(np.asarray(w) - obj.offsets[i])


CASES = {
    "linear": (lambda: linear_regression(n_samples=30, noise=0.5, seed=3),
               linear_sample_loss, linear_sample_grad),
    "logistic": (lambda: logistic_regression(n_samples=30, seed=3),
                 logistic_sample_loss, logistic_sample_grad),
    "sampled": (lambda: Sampled(SURFACE, n_samples=30, spread=0.4, seed=3, shift=(0.2, -0.1)),
                sampled_sample_loss, sampled_sample_grad),
}
POINTS = np.array([[0.0, 0.0], [1.3, -0.7], [-0.4, 2.1], [2.5, 0.5]])


def fd_grad(f, w, h=1e-6):
    e = np.eye(2)
    return np.stack([(f(w + h * e[j]) - f(w - h * e[j])) / (2 * h) for j in range(2)], axis=-1)


@pytest.mark.parametrize("case", CASES)
def test_full_loss_and_grad_are_the_mean_of_single_samples(case):
    make, sample_loss, sample_grad = CASES[case]
    obj = make()
    for w in POINTS:
        losses = [sample_loss(obj, w, i) for i in range(obj.n_samples)]
        grads = [sample_grad(obj, w, i) for i in range(obj.n_samples)]
        np.testing.assert_allclose(obj.loss(w), np.mean(losses), rtol=1e-12)
        np.testing.assert_allclose(obj.grad(w), np.mean(grads, axis=0), rtol=1e-12, atol=1e-14)
        for i in (0, 7, obj.n_samples - 1):
            np.testing.assert_allclose(obj.loss(w, batch=[i]), losses[i], rtol=1e-12)
            np.testing.assert_allclose(obj.grad(w, batch=np.array([i])), grads[i], rtol=1e-12, atol=1e-14)
        batch = np.array([4, 1, 4, 9])  # repeats count twice
        np.testing.assert_allclose(obj.loss(w, batch), np.mean([losses[i] for i in batch]), rtol=1e-12)
        np.testing.assert_allclose(obj.grad(w, batch), np.mean([grads[i] for i in batch], axis=0),
                                   rtol=1e-12, atol=1e-14)


@pytest.mark.parametrize("case", CASES)
@pytest.mark.parametrize("batch", [None, np.array([2, 5, 11])])
def test_grad_matches_central_differences(case, batch):
    obj = CASES[case][0]()
    expected = fd_grad(lambda v: obj.loss(v, batch), POINTS)
    np.testing.assert_allclose(obj.grad(POINTS, batch), expected, rtol=1e-6, atol=1e-7)


@pytest.mark.parametrize("case", CASES)
def test_hessian_matches_differences_of_the_gradient(case):
    obj = CASES[case][0]()
    h = 1e-6
    expected = np.stack(
        [(obj.grad(POINTS + h * e) - obj.grad(POINTS - h * e)) / (2 * h) for e in np.eye(2)], axis=-1
    )
    hess = obj.hessian(POINTS)
    assert hess.shape == (len(POINTS), 2, 2)
    np.testing.assert_allclose(hess, expected, rtol=1e-6, atol=1e-7)
    np.testing.assert_allclose(hess, np.swapaxes(hess, -1, -2), rtol=0, atol=1e-15)


def test_linear_regression_has_no_half_factor_and_a_closed_form_hessian():
    obj = linear_regression(n_samples=50, noise=0.3, seed=1)
    x, y = obj.x, obj.y
    w = np.array([0.5, 0.25])
    np.testing.assert_allclose(obj.loss(w), np.mean((0.5 * x + 0.25 - y) ** 2), rtol=1e-13)
    expected = 2 * np.array([[np.mean(x * x), np.mean(x)], [np.mean(x), 1.0]])
    np.testing.assert_allclose(obj.hessian(np.zeros((3, 4, 2))), np.broadcast_to(expected, (3, 4, 2, 2)),
                               rtol=1e-13)


def test_linear_minimizer_is_least_squares():
    obj = linear_regression(n_samples=200, noise=0.5, seed=0)
    design = np.column_stack([obj.x, np.ones(obj.n_samples)])
    expected = np.linalg.lstsq(design, obj.y, rcond=None)[0]
    np.testing.assert_allclose(obj.minimizer, expected, rtol=1e-12)
    np.testing.assert_allclose(obj.grad(obj.minimizer), [0.0, 0.0], atol=1e-12)
    # The data follow y = 2x - 1 plus noise: the fit is near it.
    np.testing.assert_allclose(obj.minimizer, [2.0, -1.0], atol=0.15)


def test_logistic_grad_is_sigmoid_minus_label_times_features():
    obj = logistic_regression(n_samples=200, seed=0)
    assert set(np.unique(obj.y)) == {0.0, 1.0}
    for w in POINTS:
        d = sigmoid(w[0] * obj.x + w[1]) - obj.y
        np.testing.assert_allclose(obj.grad(w), [np.mean(d * obj.x), np.mean(d)], rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(obj.loss([0.0, 0.0]), np.log(2.0), rtol=1e-14)


def newton_minimum(obj):
    """Newton's method with the hand-written logistic gradient and Hessian."""
    w = np.zeros(2)
    phi = np.column_stack([obj.x, np.ones_like(obj.x)])
    for _ in range(100):
        p = sigmoid(phi @ w)
        g = phi.T @ (p - obj.y) / len(obj.x)
        hess = (phi * (p * (1 - p))[:, None]).T @ phi / len(obj.x)
        w = w - np.linalg.solve(hess, g)
    return w, g


@pytest.mark.parametrize("n_samples, seed", [(3, 0), (3, 5), (4, 1), (6, 2), (200, 0), (200, 7)])
def test_logistic_data_overlap_so_the_minimum_is_finite(n_samples, seed):
    obj = logistic_regression(n_samples=n_samples, seed=seed)
    order = np.argsort(obj.x)
    # No threshold separates the labels: sorted by x, they are not of the form 0..01..1 or 1..10..0.
    labels = obj.y[order]
    assert np.any(np.diff(labels) > 0) and np.any(np.diff(labels) < 0)
    w, g = newton_minimum(obj)
    assert np.all(np.isfinite(w))
    np.testing.assert_allclose(g, [0.0, 0.0], atol=1e-12)
    np.testing.assert_allclose(obj.grad(w), [0.0, 0.0], atol=1e-12)


@pytest.mark.parametrize("seed", range(5))
def test_bounds_frame_the_minimum(seed):
    lin = linear_regression(seed=seed)
    log = logistic_regression(seed=seed)
    for obj, minimum in [(lin, lin.minimizer), (log, newton_minimum(log)[0])]:
        (x0, x1), (y0, y1) = obj.bounds
        # Inside the middle half of the frame, so the bowl around it shows.
        assert x0 + (x1 - x0) / 4 < minimum[0] < x1 - (x1 - x0) / 4
        assert y0 + (y1 - y0) / 4 < minimum[1] < y1 - (y1 - y0) / 4


def test_logistic_large_weights_give_no_warning():
    obj = logistic_regression(n_samples=200, seed=0)
    w = np.array([[1e3, 1e3], [-1e3, 1e3], [1e3, -1e3], [-1e3, -1e3], [1e6, 0.0], [0.0, -1e8]])
    with warnings.catch_warnings(), np.errstate(all="raise"):
        warnings.simplefilter("error")
        loss, grad, hess = obj.loss(w), obj.grad(w), obj.hessian(w)
    assert np.all(np.isfinite(loss)) and np.all(np.isfinite(grad)) and np.all(np.isfinite(hess))
    # Far out the log loss is the hinge max(0, s z): exact in floating point there.
    z = w[:, :1] * obj.x + w[:, 1:]
    hinge = np.maximum(0.0, (1 - 2 * obj.y) * z)
    np.testing.assert_allclose(loss[4:], hinge[4:].mean(axis=1), rtol=1e-12)
    np.testing.assert_allclose(grad[-1], [np.mean(obj.y * -obj.x), -np.mean(obj.y)], atol=1e-15)


def test_sampled_offsets_and_per_sample_losses():
    obj = Sampled(SURFACE, n_samples=4000, spread=0.3, seed=0, shift=(1.0, -2.0))
    assert obj.offsets.shape == (4000, 2)
    np.testing.assert_allclose(obj.offsets.mean(axis=0), [1.0, -2.0], atol=0.02)
    np.testing.assert_allclose(obj.offsets.std(axis=0), [0.3, 0.3], rtol=0.05)
    w = np.array([0.3, -0.2])
    for i in (0, 1, 999, 3999):
        np.testing.assert_allclose(obj.loss(w, [i]), SURFACE.loss(w - obj.offsets[i]), rtol=1e-14)
        np.testing.assert_allclose(obj.grad(w, [i]), SURFACE.grad(w - obj.offsets[i]), rtol=1e-14)
    assert (obj.surface, obj.spread, obj.shift) == (SURFACE, 0.3, (1.0, -2.0))
    assert obj.bounds == SURFACE.bounds
    assert isinstance(obj.title, str) and isinstance(obj.formula, str) and "bumpy" in obj.name


def test_sampled_without_spread_is_the_shifted_surface():
    obj = Sampled(SURFACE, n_samples=5, spread=0.0, seed=0, shift=(0.5, 0.25))
    np.testing.assert_array_equal(obj.offsets, np.tile([0.5, 0.25], (5, 1)))
    np.testing.assert_allclose(obj.loss(POINTS), SURFACE.loss(POINTS - [0.5, 0.25]), rtol=1e-14)
    np.testing.assert_allclose(obj.hessian(POINTS), SURFACE.hessian(POINTS - [0.5, 0.25]), rtol=1e-14)


@pytest.mark.parametrize("case", CASES)
def test_per_point_batches_match_separate_calls(case):
    obj = CASES[case][0]()
    rng = np.random.default_rng(11)
    w = rng.normal(size=(5, 2))
    batches = np.stack([rng.permutation(obj.n_samples)[:7] for _ in range(5)])
    loss, grad = obj.loss(w, batches), obj.grad(w, batches)
    assert loss.shape == (5,) and grad.shape == (5, 2)
    for b in range(5):
        np.testing.assert_allclose(loss[b], obj.loss(w[b], batches[b]), rtol=1e-14)
        np.testing.assert_allclose(grad[b], obj.grad(w[b], batches[b]), rtol=1e-14)
    # Deeper leading shapes: (T, B, 2) points with (T, B, k) batches, and a shared (k,) batch.
    w3 = rng.normal(size=(3, 4, 2))
    b3 = rng.integers(0, obj.n_samples, size=(3, 4, 6))
    shared = b3[0, 0]
    np.testing.assert_allclose(obj.loss(w3, b3)[2, 1], obj.loss(w3[2, 1], b3[2, 1]), rtol=1e-14)
    np.testing.assert_allclose(obj.grad(w3, b3)[1, 3], obj.grad(w3[1, 3], b3[1, 3]), rtol=1e-14)
    np.testing.assert_allclose(obj.grad(w3, shared)[2, 2], obj.grad(w3[2, 2], shared), rtol=1e-14)


@pytest.mark.parametrize("case", CASES)
def test_shapes_broadcast_over_leading_axes(case):
    obj = CASES[case][0]()
    for lead in [(), (3,), (2, 3), (2, 1, 4)]:
        w = np.full(lead + (2,), 0.5)
        assert obj.loss(w).shape == lead
        assert obj.grad(w).shape == lead + (2,)
        assert obj.hessian(w).shape == lead + (2, 2)
    assert isinstance(obj.n_samples, int)


def test_full_loss_over_a_grid_and_a_trajectory():
    obj = linear_regression(n_samples=200, seed=0)
    xs, ys = np.meshgrid(np.linspace(*obj.bounds[0], 100), np.linspace(*obj.bounds[1], 100))
    grid = np.stack([xs, ys], axis=-1)
    loss = obj.loss(grid)
    assert loss.shape == (100, 100)
    for r, c in [(0, 0), (37, 81), (99, 99)]:
        np.testing.assert_allclose(loss[r, c], np.mean((grid[r, c, 0] * obj.x + grid[r, c, 1] - obj.y) ** 2),
                                   rtol=1e-12)
    sampled = Sampled(SURFACE, n_samples=64, seed=0)
    path = np.random.default_rng(0).normal(size=(301, 50, 2))
    grads = sampled.grad(path)
    assert grads.shape == (301, 50, 2)
    np.testing.assert_allclose(grads[300, 49], SURFACE.grad(path[300, 49] - sampled.offsets).mean(axis=0),
                               rtol=1e-12)


@pytest.mark.parametrize("case", CASES)
def test_resample_draws_fresh_data_from_the_same_model(case):
    obj = CASES[case][0]()
    test = obj.resample(9)
    again = obj.resample(9)
    data = (lambda o: o.offsets) if case == "sampled" else (lambda o: np.stack([o.x, o.y]))
    assert type(test) is type(obj) and test.n_samples == obj.n_samples and test.seed == 9
    assert dataclasses.replace(test, seed=obj.seed) == obj  # every other parameter is kept
    assert not np.array_equal(data(test), data(obj))
    np.testing.assert_array_equal(data(test), data(again))
    np.testing.assert_array_equal(data(obj.resample(obj.seed)), data(obj))
    assert test.bounds == obj.bounds


def test_data_are_read_only():
    obj = linear_regression()
    with pytest.raises(ValueError):
        obj.x[0] = 1.0
    with pytest.raises(dataclasses.FrozenInstanceError):
        obj.noise = 0.0


@pytest.mark.parametrize(
    "make, name",
    [
        (lambda: linear_regression(n_samples=1), "n_samples"),
        (lambda: linear_regression(n_samples=10.0), "n_samples"),
        (lambda: linear_regression(noise=-0.1), "noise"),
        (lambda: linear_regression(noise=float("nan")), "noise"),
        (lambda: linear_regression(seed=-1), "seed"),
        (lambda: logistic_regression(n_samples=2), "n_samples"),
        (lambda: logistic_regression(seed=1.5), "seed"),
        (lambda: Sampled(object()), "surface"),
        (lambda: Sampled(SURFACE, n_samples=0), "n_samples"),
        (lambda: Sampled(SURFACE, spread=-1.0), "spread"),
        (lambda: Sampled(SURFACE, seed=True), "seed"),
        (lambda: Sampled(SURFACE, shift=(1.0,)), "shift"),
        (lambda: Sampled(SURFACE, shift=(float("inf"), 0.0)), "shift"),
        (lambda: linear_regression().resample(-3), "seed"),
    ],
)
def test_bad_parameters_raise(make, name):
    with pytest.raises(ParameterError, match=f"'{name}' parameter"):
        make()


@pytest.mark.parametrize(
    "w, batch, name",
    [
        ([0.0, 0.0], [0.5, 1.0], "batch"),
        ([0.0, 0.0], [], "batch"),
        ([0.0, 0.0], [30], "batch"),
        ([0.0, 0.0], [-1], "batch"),
        ([0.0, 0.0], 3, "batch"),
        (np.zeros((4, 2)), np.zeros((3, 2), dtype=int), "batch"),
        ([0.0, 0.0, 0.0], None, "w"),
        (1.0, None, "w"),
        ("ab", None, "w"),
    ],
)
@pytest.mark.parametrize("case", CASES)
def test_bad_calls_raise(case, w, batch, name):
    obj = CASES[case][0]()
    for method in (obj.loss, obj.grad):
        with pytest.raises(ParameterError, match=f"'{name}' parameter"):
            method(w, batch)


def test_sampled_works_with_a_catalog_surface():
    from gdcore import surfaces

    surface = surfaces.get("himmelblau")
    obj = Sampled(surface, n_samples=16, spread=0.3, seed=2)
    w = np.array([[3.0, 2.0], [-1.0, 0.5]])
    shifted = w[:, None, :] - obj.offsets  # (2, 16, 2): every point against every offset
    np.testing.assert_allclose(obj.loss(w), surface.loss(shifted).mean(axis=1), rtol=1e-13)
    np.testing.assert_allclose(obj.grad(w, [5]), surface.grad(w - obj.offsets[5]), rtol=1e-13)
    np.testing.assert_allclose(obj.hessian(w), surface.hessian(shifted).mean(axis=1), rtol=1e-13)
    assert obj.bounds == surface.bounds and surface.name in obj.name


# ------------------------------------------------ regressions (issue 11, bugs 5, 7, 10)


@pytest.mark.parametrize("make", [
    lambda n: gd.objectives.linear_regression(n_samples=n),
    lambda n: gd.objectives.logistic_regression(n_samples=n),
    lambda n: gd.objectives.Sampled(gd.surfaces.get("bowl"), n_samples=n),
])
def test_a_data_set_too_big_for_memory_fails_at_once_saying_how_much(make):
    with pytest.raises(ParameterError, match=r"'n_samples' parameter of .* must be an int small enough .* 1 GiB "
                                             r"\(.*10000000000 samples need \d+(\.\d+)? GiB\)\. Got 10000000000 instead\."):
        make(10**10)


@pytest.mark.parametrize("bad", [np.array([1 + 2j, 0.0]), np.array([True, False]), "ab"])
def test_objectives_refuse_complex_and_bool_points(bad):
    for obj in (gd.objectives.linear_regression(n_samples=10), gd.objectives.logistic_regression(n_samples=10),
                gd.objectives.Sampled(gd.surfaces.get("bowl"), n_samples=4)):
        for method in (obj.loss, obj.grad, obj.hessian):
            with pytest.raises(ParameterError, match=rf"^The 'w' parameter of {type(obj).__name__} must be"):
                method(bad)


def test_noise_or_spread_too_large_for_floats_is_refused():
    with pytest.raises(ParameterError, match="'noise' parameter of LinearRegression"):
        gd.objectives.linear_regression(noise=1e308)
    with pytest.raises(ParameterError, match="'spread' parameter of Sampled"):
        gd.objectives.Sampled(gd.surfaces.get("bowl"), spread=1e308)


# ---------------------------------------------------------------------------- issue 11: what homework needs


@pytest.mark.parametrize("case", CASES)
def test_per_sample_grad_is_every_single_sample_gradient(case):
    """Shape w.shape[:-1] + (n, 2); row i is grad(w, [i]), the hand formula and central differences."""
    make, sample_loss, sample_grad = CASES[case]
    obj = make()
    grid = np.stack([POINTS, POINTS[::-1] * 0.5, POINTS + 0.1])  # (3, 4, 2)
    G = obj.per_sample_grad(grid)
    assert G.shape == (3, 4, obj.n_samples, 2)
    np.testing.assert_allclose(G.mean(axis=-2), obj.grad(grid), rtol=1e-12, atol=1e-14)
    for w, g in zip(grid.reshape(-1, 2), G.reshape(-1, obj.n_samples, 2)):
        for i in range(obj.n_samples):
            np.testing.assert_allclose(g[i], obj.grad(w, [i]), rtol=1e-12, atol=1e-14)
            np.testing.assert_allclose(g[i], sample_grad(obj, w, i), rtol=1e-12, atol=1e-14)
    assert obj.per_sample_grad(POINTS[0]).shape == (obj.n_samples, 2)


@pytest.mark.parametrize("case", CASES)
def test_per_sample_grad_matches_differences_of_the_single_sample_losses(case):
    obj = CASES[case][0]()
    h = 1e-6
    for i in (0, 13, obj.n_samples - 1):
        fd = fd_grad(lambda v: obj.loss(v, np.full(v.shape[:-1] + (1,), i)), POINTS, h)
        np.testing.assert_allclose(obj.per_sample_grad(POINTS)[:, i], fd, rtol=1e-6, atol=1e-7)


def test_per_sample_grad_far_out_is_finite_or_inf_without_warnings():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert np.isfinite(logistic_regression(n_samples=10).per_sample_grad([1e300, -1e300])).all()
        assert np.isinf(linear_regression(n_samples=10).per_sample_grad([1e308, 1e308])).any()


def test_every_surface_and_objective_has_dim_2():
    for s in gd.surfaces.catalog().values():
        assert s.dim == 2
    assert gd.surfaces.Quadratic().dim == 2
    for make, *_ in CASES.values():
        assert make().dim == 2


def top_eigenvalue(h):
    """lambda_max of a symmetric 2x2 [[a, b], [b, c]] by the closed form."""
    a, b, c = h[..., 0, 0], h[..., 0, 1], h[..., 1, 1]
    return (a + c) / 2 + np.sqrt(((a - c) / 2) ** 2 + b * b)


def test_max_stable_lr_at_linear_regression_is_two_over_the_top_eigenvalue_of_the_hand_hessian():
    obj = linear_regression(n_samples=50, noise=0.3, seed=4)
    x = obj.x
    hand = 2 * np.array([[np.mean(x * x), np.mean(x)], [np.mean(x), 1.0]])
    np.testing.assert_allclose(obj.hessian(POINTS), np.broadcast_to(hand, (4, 2, 2)), rtol=1e-13)
    np.testing.assert_allclose(obj.max_stable_lr_at(POINTS), 2 / top_eigenvalue(hand), rtol=1e-13)
    assert obj.max_stable_lr_at(POINTS[0]).shape == ()


def test_max_stable_lr_at_logistic_regression_uses_the_hand_hessian():
    obj = logistic_regression(n_samples=40, seed=2)
    for w in POINTS:
        p = sigmoid(w[0] * obj.x + w[1])
        c = p * (1 - p)
        hand = np.array([[np.mean(c * obj.x**2), np.mean(c * obj.x)], [np.mean(c * obj.x), np.mean(c)]])
        np.testing.assert_allclose(obj.hessian(w), hand, rtol=1e-12)
        np.testing.assert_allclose(obj.max_stable_lr_at(w), 2 / top_eigenvalue(hand), rtol=1e-12)


def test_max_stable_lr_at_sampled_uses_the_surface_hessian_at_each_offset():
    obj = Sampled(SURFACE, n_samples=30, spread=0.4, seed=3)
    for w in POINTS:
        u = w[0] - obj.offsets[:, 0]
        hand = np.array([[np.mean(12 * u**2 - 4), 0.5], [0.5, 4.0]])
        np.testing.assert_allclose(obj.max_stable_lr_at(w), 2 / top_eigenvalue(hand), rtol=1e-12)
    q = Sampled(gd.surfaces.Quadratic(eigenvalues=(3.0, 8.0), angle=0.4), n_samples=6, seed=1)
    np.testing.assert_allclose(q.max_stable_lr_at(POINTS), 0.25, rtol=1e-13)
    # No upward curvature: no bound (inf); a non-finite point: NaN, as on a surface.
    flat = Sampled(gd.surfaces.get("saddle"), n_samples=3, spread=0.0)
    assert flat.max_stable_lr_at([0.0, 0.0]) == 1 / 0.5 and np.isnan(flat.max_stable_lr_at([0.0, np.inf]))
    concave = Sampled(gd.surfaces.Surface("cap", lambda x, y: -x * x - y * y, lambda x, y: (-2 * x, -2 * y),
                                          lambda x, y: (-2.0, 0.0, -2.0)), n_samples=3)
    assert concave.max_stable_lr_at([1.0, 1.0]) == np.inf


def test_max_stable_lr_at_needs_the_surface_hessian():
    no_hessian = type("NoHessian", (), {"loss": lambda s, w: SURFACE.loss(w), "grad": lambda s, w: SURFACE.grad(w)})()
    with pytest.raises(ParameterError, match=r"'surface' parameter of Sampled.max_stable_lr_at must be a surface with a hessian"):
        Sampled(no_hessian, n_samples=3).max_stable_lr_at([0.0, 0.0])


def test_shifted_keeps_the_draws_and_moves_them():
    train = Sampled(gd.surfaces.get("flat_sharp"), n_samples=64, spread=0.3, seed=0)
    d = np.array([0.3, -0.1])
    test = train.shifted(d)
    np.testing.assert_array_equal(test.offsets, train.offsets + d)
    assert (test.surface, test.n_samples, test.spread, test.seed, test.shift) == (train.surface, 64, 0.3, 0, (0.3, -0.1))
    grid = np.stack(np.meshgrid(np.linspace(-2, 2, 9), np.linspace(-2, 2, 7)), axis=-1)
    np.testing.assert_allclose(test.loss(grid), train.loss(grid - d), rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(test.grad(grid), train.grad(grid - d), rtol=1e-10, atol=1e-13)
    # Moves add up, and a zero move is the same objective; the old recipe (a new seed) redraws.
    np.testing.assert_allclose(test.shifted(-d).offsets, train.offsets, rtol=0, atol=1e-15)
    assert train.shifted((0.0, 0.0)) == train
    redrawn = dataclasses.replace(train, seed=1, shift=tuple(d))
    assert not np.allclose(redrawn.offsets - d, train.offsets)


def test_sampled_keeps_the_surface_critical_points_without_spread():
    for name in ("himmelblau", "saddle", "flat_sharp", "six_hump_camel"):
        s = gd.surfaces.get(name)
        obj = Sampled(s, n_samples=5, spread=0.0)
        for attr in ("minima", "saddles", "maxima"):
            np.testing.assert_array_equal(getattr(obj, attr), getattr(s, attr))
        pts = np.concatenate([obj.minima, obj.saddles])
        assert np.all(np.linalg.norm(obj.grad(pts), axis=-1) < 1e-11)
        kinds = gd.classify(obj, pts)
        assert list(kinds) == list(gd.classify(s, pts))
        moved = Sampled(s, n_samples=5, spread=0.0, shift=(0.25, -0.5))
        np.testing.assert_allclose(moved.minima, s.minima + (0.25, -0.5), rtol=0, atol=1e-15)
        assert np.all(np.linalg.norm(moved.grad(moved.minima), axis=-1) < 1e-10)
    blurred = Sampled(gd.surfaces.get("himmelblau"), n_samples=5, spread=0.3)
    assert blurred.minima is None and blurred.saddles is None and blurred.maxima is None
    assert Sampled(SURFACE, spread=0.0).minima is None  # the surface lists none


def test_the_default_spread_blurs_flat_sharps_sharp_minimum_as_documented():
    s = gd.surfaces.get("flat_sharp")
    lam = {}
    for spread in (0.0, 0.1, 0.3):
        obj = Sampled(s, n_samples=64, spread=spread, seed=0)
        m = gd.critical.critical_point(obj, s.minima + obj.offsets.mean(axis=0))
        lam[spread] = (np.round(obj.loss(m), 3), np.round(np.linalg.eigvalsh(obj.hessian(m))[:, -1], 2))
    assert lam[0.0][0].tolist() == [-0.886, -0.883] and lam[0.0][1].tolist() == [1.09, 16.09]
    assert lam[0.3][0].tolist() == [-0.804, -0.301] and lam[0.3][1].tolist() == [0.94, 3.2]
    assert lam[0.1][1][1] == 12.41
    assert Sampled(s).spread == 0.3


# ---------------------------------------------------------------------------- against torch

_REFERENCE = json.loads((Path(__file__).parent / "reference" / "objectives.json").read_text())["cases"]


def _reference_objective(case):
    args = dict(case["args"])
    if case["kind"] == "sampled":
        args["surface"] = gd.surfaces.get(args["surface"])
        args["shift"] = tuple(args["shift"])
        return Sampled(**args)
    return getattr(gd.objectives, case["kind"])(**args)


def _close(actual, expected):
    """Relative agreement entry by entry, no absolute slack (worst recorded: 6e-14, a per-sample gradient)."""
    np.testing.assert_allclose(actual, np.asarray(expected, dtype=float), rtol=1e-11, atol=0)


@pytest.mark.parametrize("case", _REFERENCE, ids=lambda c: f"{c['kind']}-{c['args'].get('surface', c['args']['n_samples'])}")
def test_per_sample_grad_hessian_and_stable_lr_are_torchs(case):
    """tests/reference/generate_objectives.py: vmap(grad) per sample, autograd, torch.func.hessian, eigvalsh."""
    obj = _reference_objective(case)
    if case["kind"] == "sampled":
        np.testing.assert_array_equal(obj.offsets, case["offsets"])  # the same data torch saw
    else:
        np.testing.assert_array_equal(obj.x, case["x"])
        np.testing.assert_array_equal(obj.y, case["y"])
    w = np.array(case["points"])
    _close(obj.per_sample_grad(w), case["per_sample_grad"])
    _close(obj.loss(w), case["loss"])
    _close(obj.grad(w), case["grad"])
    _close(obj.hessian(w), case["hessian"])
    _close(obj.max_stable_lr_at(w), case["max_stable_lr"])
