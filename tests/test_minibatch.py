"""Mini-batch descend() against references written out here.

Sampling is without replacement within an epoch, so the references are a
permutation check, gradient descent's closed form on least squares, and the
finite-population variance of a batch mean, derived below.
"""

import itertools

import numpy as np
import pytest

import gdcore as gd
from gdcore._checks import ParameterError


class Recorder:
    """Forwards to an objective and keeps every batch it is asked for and the gradient it returned."""

    def __init__(self, objective):
        self.objective = objective
        self.n_samples = objective.n_samples
        self.batches, self.grads = [], []

    def loss(self, w, batch=None):
        return self.objective.loss(w, batch)

    def grad(self, w, batch=None):
        g = self.objective.grad(w, batch)
        if batch is not None:
            self.batches.append(np.array(batch))
            self.grads.append(np.array(g))
        return g


def per_sample_grads(obj, w):
    """Gradient of (w0 x_i + w1 - y_i)^2 for every sample, by hand: 2 r_i (x_i, 1)."""
    r = w[0] * obj.x + w[1] - obj.y
    return 2.0 * r[:, None] * np.stack([obj.x, np.ones_like(obj.x)], axis=-1)


# The homework example of the README: any class with n_samples, loss(w, batch) and
# grad(w, batch) can be trained by descend in mini-batches.
class Centroid:
    """Per-sample loss l_i(w) = 0.5 * |w - c_i|^2; the full loss is minimal at the mean of the c_i."""

    def __init__(self, points):
        self.c = np.asarray(points, dtype=float)  # (n, 2)
        self.n_samples = len(self.c)

    def _rows(self, batch):
        # batch: None (all samples), (k,) shared by every point, or w.shape[:-1] + (k,)
        return self.c if batch is None else self.c[batch]

    def loss(self, w, batch=None):
        d = np.asarray(w)[..., None, :] - self._rows(batch)
        return 0.5 * (d**2).sum(axis=-1).mean(axis=-1)

    def grad(self, w, batch=None):
        return (np.asarray(w)[..., None, :] - self._rows(batch)).mean(axis=-2)


def test_the_homework_example_runs_as_written():
    points = np.random.default_rng(0).normal(size=(50, 2))
    traj = gd.descend(Centroid(points), gd.SGD(lr=1.0), (5.0, 5.0), steps=50, batch_size=1, seed=0,
                      schedule=lambda t: 1.0 / (t + 1))
    # With lr 1/(t+1), w_{t+1} = w_t - (w_t - c_i)/(t+1) is the running mean of the samples seen,
    # and one epoch sees each sample once: the end is the mean, whatever the order.
    np.testing.assert_allclose(traj.final, points.mean(axis=0), rtol=1e-12, atol=1e-14)
    assert traj.epochs.tolist() == [0] * 50


@pytest.mark.parametrize("batch_size", [1, 10])
def test_a_custom_objective_follows_the_protocol_in_batches_of_starts(batch_size):
    points = np.random.default_rng(1).normal(size=(50, 2))
    starts = np.array([[5.0, 5.0], [-3.0, 1.0], [0.0, 0.0]])
    traj = gd.descend(Centroid(points), gd.SGD(lr=1.0), starts, steps=50 // batch_size,
                      batch_size=batch_size, seed=4, schedule=lambda t: 1.0 / (t + 1))
    # Equal batches: the end is the mean of the batch means, the mean of all samples, for every start.
    np.testing.assert_allclose(traj.final, np.broadcast_to(points.mean(axis=0), (3, 2)), rtol=1e-12, atol=1e-14)
    # Losses are the full loss at each recorded point, as the protocol's batch=None promises.
    d = traj.points[..., None, :] - points
    np.testing.assert_allclose(traj.losses, 0.5 * (d**2).sum(-1).mean(-1), rtol=1e-12)


def test_every_epoch_of_a_real_objective_is_a_permutation_and_the_run_is_plain_sgd():
    obj = gd.objectives.linear_regression(n_samples=50, noise=0.5, seed=2)
    spy = Recorder(obj)
    lr, per_epoch = 0.05, 7  # 50 = 6 batches of 8 and a remainder of 2
    traj = gd.descend(spy, gd.SGD(lr=lr), (0.0, 1.0), 3 * per_epoch, batch_size=8, seed=5)
    assert [len(b) for b in spy.batches] == [8, 8, 8, 8, 8, 8, 2] * 3
    for e in range(3):
        epoch = np.concatenate(spy.batches[e * per_epoch : (e + 1) * per_epoch])
        np.testing.assert_array_equal(np.sort(epoch), np.arange(50))
    np.testing.assert_array_equal(traj.epochs, np.repeat(np.arange(3), per_epoch))
    assert traj.batch_size == 8
    # The same updates by hand: w <- w - lr * mean over the batch of 2 r_i (x_i, 1).
    w = np.array([0.0, 1.0])
    for t, batch in enumerate(spy.batches):
        w = w - lr * per_sample_grads(obj, w)[batch].mean(axis=0)
        np.testing.assert_allclose(traj.points[t + 1], w, rtol=1e-13)


def test_each_start_draws_its_own_permutation_of_a_real_objective():
    spy = Recorder(gd.objectives.logistic_regression(n_samples=12, seed=0))
    gd.descend(spy, gd.SGD(lr=0.1), np.zeros((4, 2)), 6, batch_size=4, seed=0)
    assert all(b.shape == (4, 4) for b in spy.batches)
    for e in range(2):
        epoch = np.concatenate(spy.batches[3 * e : 3 * e + 3], axis=1)  # (starts, n)
        for row in epoch:
            np.testing.assert_array_equal(np.sort(row), np.arange(12))
        assert len({tuple(row) for row in epoch}) == 4


def test_the_same_seed_reproduces_a_run_and_another_seed_changes_it():
    obj = gd.objectives.Sampled(gd.surfaces.get("saddle"), n_samples=32, spread=0.3, seed=0)
    runs = {s: gd.descend(obj, gd.SGD(lr=0.1), (-1.0, 0.5), 100, batch_size=1, seed=s) for s in (3, 4)}
    again = gd.descend(obj, gd.SGD(lr=0.1), (-1.0, 0.5), 100, batch_size=1, seed=3)
    np.testing.assert_array_equal(again.points, runs[3].points)
    assert np.abs(runs[3].points - runs[4].points).max() > 1e-3


def test_batches_of_all_samples_are_gradient_descent_on_least_squares():
    obj = gd.objectives.linear_regression(n_samples=40, noise=0.5, seed=1)
    lr, steps, w0 = 0.1, 60, np.array([0.0, 2.0])
    mini = gd.descend(obj, gd.SGD(lr=lr), w0, steps, batch_size=40, seed=9)
    full = gd.descend(obj, gd.SGD(lr=lr), w0, steps)
    # The batch is a permutation of the data, so only the order of summation differs.
    np.testing.assert_allclose(mini.points, full.points, rtol=1e-13, atol=1e-15)
    # Closed form: grad L = H w - b with H = 2/n Phi^T Phi, b = 2/n Phi^T y, so
    # w_t - w* = (I - lr H)^t (w_0 - w*), w* = H^{-1} b.
    phi = np.stack([obj.x, np.ones_like(obj.x)], axis=-1)
    h, b = 2 * phi.T @ phi / 40, 2 * phi.T @ obj.y / 40
    w_star = np.linalg.solve(h, b)
    m = np.eye(2) - lr * h
    expected = [w_star + np.linalg.matrix_power(m, t) @ (w0 - w_star) for t in range(steps + 1)]
    np.testing.assert_allclose(full.points, expected, rtol=1e-12, atol=1e-13)
    np.testing.assert_array_equal(mini.epochs, np.arange(steps))


def exact_batch_variance(sigma2, n, b):
    r"""Variance of the mean of ``b`` of ``n`` values drawn without replacement.

    With d_i = g_i - mean(g) (so sum d_i = 0) and sigma^2 = mean |d_i|^2, a batch B gives
    mean_B(g) - mean(g) = (1/b) sum_{i in B} d_i, hence

        E|.|^2 = (1/b^2) [ b sigma^2 + b (b - 1) E[d_i . d_j]_{i != j} ],

    and for two distinct indices drawn uniformly
    E[d_i . d_j] = (|sum d|^2 - sum |d_i|^2) / (n (n - 1)) = -sigma^2 / (n - 1). So

        Var = sigma^2 / b * (1 - (b - 1)/(n - 1)) = sigma^2 (n - b) / (b (n - 1)),

    1/b times sigma^2 with a finite-population correction that vanishes at b = n.
    """
    return sigma2 * (n - b) / (b * (n - 1))


def test_the_variance_formula_matches_every_subset_of_a_small_population():
    g = np.random.default_rng(0).normal(size=(7, 2))
    sigma2 = ((g - g.mean(0)) ** 2).sum(-1).mean()
    for b in range(1, 8):
        means = np.array([g[list(c)].mean(0) for c in itertools.combinations(range(7), b)])
        exact = ((means - g.mean(0)) ** 2).sum(-1).mean()
        assert exact == pytest.approx(exact_batch_variance(sigma2, 7, b), rel=1e-12, abs=1e-15)


def test_the_variance_of_the_minibatch_gradient_falls_as_one_over_b_without_replacement():
    n = 64
    obj = gd.objectives.linear_regression(n_samples=n, noise=1.0, seed=3)
    w = np.array([0.5, 1.0])
    per_sample = per_sample_grads(obj, w)
    full = per_sample.mean(axis=0)
    sigma2 = ((per_sample - full) ** 2).sum(-1).mean()
    updates = 8192
    for b in (1, 2, 4, 8, 16, 32):
        spy = Recorder(obj)
        gd.descend(spy, gd.SGD(lr=0.0), w, updates, batch_size=b, seed=b)  # lr 0: w stays put
        sq = ((np.array(spy.grads) - full) ** 2).sum(-1)
        # Epochs are independent, batches within one are not: the standard error comes from epoch means.
        by_epoch = sq.reshape(-1, n // b).mean(axis=1)
        exact = exact_batch_variance(sigma2, n, b)
        if b == 1:
            # A single-sample epoch visits every sample once: its mean square is sigma^2 itself.
            np.testing.assert_allclose(by_epoch, exact, rtol=1e-12)
            continue
        estimate, se = by_epoch.mean(), by_epoch.std(ddof=1) / np.sqrt(len(by_epoch))
        assert abs(estimate - exact) < 4 * se, (b, estimate, exact, se)
        assert se < 0.05 * exact  # tight enough to tell the two formulas apart below
        if b >= 16:
            # With replacement it would be sigma^2 / b; that is off by (n - 1)/(n - b) >= 1.3 here.
            assert abs(estimate - sigma2 / b) > 4 * se, (b, estimate, sigma2 / b)


@pytest.mark.parametrize(
    "objective,kwargs,name",
    [
        ("data", {"batch_size": 0}, "batch_size"),
        ("data", {"batch_size": 21}, "batch_size"),
        ("data", {"batch_size": 2.0}, "batch_size"),
        ("data", {"seed": -1}, "seed"),
        ("surface", {"batch_size": 1}, "batch_size"),
    ],
)
def test_bad_mini_batch_parameters_fail_naming_the_parameter(objective, kwargs, name):
    obj = gd.objectives.linear_regression(n_samples=20) if objective == "data" else gd.surfaces.get("bowl")
    with pytest.raises(ParameterError, match=rf"The '{name}' parameter of descend must be"):
        gd.descend(obj, gd.SGD(lr=0.1), (0.0, 0.0), 5, **kwargs)


# ------------------------------------------------ reproducibility: the seed's meaning, written out


def test_the_documented_draw_order_replays_a_noisy_mini_batch_run_bit_for_bit():
    # descend's docstring: one generator; at each epoch start rng.permutation(n), cut into
    # batches of k (the last holds the remainder); then rng.standard_normal(2) for the noise.
    obj = gd.objectives.linear_regression(n_samples=10, seed=3)
    lr, k, sigma, steps, seed = 0.05, 4, 0.3, 13, 7
    traj = gd.descend(obj, gd.SGD(lr=lr), (0.5, -0.5), steps, batch_size=k, seed=seed, noise=sigma)
    rng = np.random.default_rng(seed)
    w, order, pos = np.array([0.5, -0.5]), None, 10
    by_hand = [w]
    for _ in range(steps):
        if pos >= 10:
            order, pos = rng.permutation(10), 0
        batch = order[pos:pos + k]
        pos += k
        # The mean of 2 (w0 x_i + w1 - y_i) (x_i, 1) over the batch, and the noise after it.
        r = w[0] * obj.x[batch] + w[1] - obj.y[batch]
        g = np.array([np.mean(2 * r * obj.x[batch]), np.mean(2 * r)]) + sigma * rng.standard_normal(2)
        w = w - lr * g
        by_hand.append(w)
    np.testing.assert_allclose(traj.points, by_hand, rtol=1e-13, atol=1e-15)


def test_one_start_is_a_batch_of_one_and_the_first_of_many_is_documented_apart():
    obj = gd.objectives.linear_regression(n_samples=10, seed=3)
    kwargs = dict(steps=37, batch_size=3, seed=5, noise=0.3)
    one = gd.descend(obj, gd.SGD(lr=0.05), (0.0, 0.0), **kwargs)
    batch_of_one = gd.descend(obj, gd.SGD(lr=0.05), np.zeros((1, 2)), **kwargs)
    np.testing.assert_array_equal(one.points, batch_of_one.points[:, 0])
    # In a batch of 3 the generator interleaves the runs (docstring, "Randomness"): the first
    # epoch's order of run 0 is the same draw, the second epoch's is not.
    spy_one, spy_three = Recorder(obj), Recorder(obj)
    gd.descend(spy_one, gd.SGD(lr=0.05), (0.0, 0.0), 8, batch_size=5, seed=5)
    gd.descend(spy_three, gd.SGD(lr=0.05), np.zeros((3, 2)), 8, batch_size=5, seed=5)
    first = np.concatenate(spy_one.batches[:2])
    np.testing.assert_array_equal(np.concatenate([b[0] for b in spy_three.batches[:2]]), first)
    second = np.concatenate(spy_one.batches[2:4])
    assert not np.array_equal(np.concatenate([b[0] for b in spy_three.batches[2:4]]), second)
