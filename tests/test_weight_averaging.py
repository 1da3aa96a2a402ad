"""gdcore.swa against PyTorch (SGD + LambdaLR + swa_utils.AveragedModel), a hand-written SWA loop,
the saw-tooth written out here, and the definition of the average."""

import json
import warnings
from pathlib import Path

import numpy as np
import pytest

import gdcore as gd
from gdcore._checks import ParameterError

REFERENCE = json.loads((Path(__file__).parent / "reference" / "weight_averaging.json").read_text())


class LineFit:
    """Squared error of w0 * x + w1 on stored data, written from scratch (the batch protocol)."""

    def __init__(self, x, y):
        self.x, self.y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
        self.n_samples = len(self.x)

    def _residual(self, w, batch):
        idx = np.arange(self.n_samples) if batch is None else np.asarray(batch)
        w = np.asarray(w, dtype=float)
        return w[..., None, 0] * self.x[idx] + w[..., None, 1] - self.y[idx], idx

    def loss(self, w, batch=None):
        r, _ = self._residual(w, batch)
        return np.mean(r * r, axis=-1)

    def grad(self, w, batch=None):
        r, idx = self._residual(w, batch)
        return np.stack([np.mean(2 * r * self.x[idx], axis=-1), np.mean(2 * r, axis=-1)], axis=-1)


def sawtooth(t, lr_max, lr_min, c):
    """Izmailov et al. (2018), eq. (2), with the 1-based iteration i = t + 1."""
    i = t + 1
    tau = ((i - 1) % c + 1) / c
    return (1 - tau) * lr_max + tau * lr_min


def hand_swa(obj, start, cycles, c, lr_max, lr_min, batch_size, seed):
    """Plain SGD on mini-batches (a fresh permutation per epoch) and a running mean at each cycle end."""
    rng = np.random.default_rng(seed)
    w = np.asarray(start, dtype=float)
    order, pos = None, obj.n_samples
    snapshots, running = [], None
    for t in range(cycles * c):
        if pos >= obj.n_samples:
            order, pos = rng.permutation(obj.n_samples), 0
        batch = order[pos : pos + batch_size]
        pos += batch_size
        w = w - sawtooth(t, lr_max, lr_min, c) * obj.grad(w, batch)
        if (t + 1) % c == 0:
            snapshots.append(w)
            k = len(snapshots)
            running = w.copy() if running is None else running + (w - running) / k
    return np.array(snapshots), running


@pytest.mark.parametrize("case", REFERENCE["cases"], ids=[c["name"] for c in REFERENCE["cases"]])
def test_matches_torch_sgd_lambdalr_and_averaged_model(case):
    obj = LineFit(case["x"], case["y"])
    res = gd.swa(obj, gd.SGD(momentum=case["momentum"]), case["start"], cycles=case["cycles"],
                 cycle_length=case["cycle_length"], lr_max=case["lr_max"], lr_min=case["lr_min"],
                 batch_size=case["batch_size"], seed=case["seed"], test=obj)
    np.testing.assert_allclose(res.trajectory.lrs, case["lrs"], rtol=1e-12)
    np.testing.assert_allclose(res.snapshots, case["snapshots"], rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(res.average, case["average"], rtol=1e-9, atol=1e-12)


def test_matches_a_hand_written_swa_loop():
    rng = np.random.default_rng(7)
    x = rng.normal(size=30)
    obj = LineFit(x, 0.5 * x + 2 + 0.3 * rng.normal(size=30))
    res = gd.swa(obj, gd.SGD(), (1.0, -1.0), cycles=5, cycle_length=9, lr_max=0.2, lr_min=0.02,
                 batch_size=4, seed=5, test=obj)
    snapshots, running = hand_swa(obj, (1.0, -1.0), 5, 9, 0.2, 0.02, 4, 5)
    np.testing.assert_allclose(res.snapshots, snapshots, rtol=1e-12)
    np.testing.assert_allclose(res.average, running, rtol=1e-12)


def test_snapshots_are_the_trajectory_at_each_cycle_end_and_the_average_is_their_mean():
    obj = gd.objectives.linear_regression(n_samples=40, noise=0.8, seed=2)
    res = gd.swa(obj, gd.SGD(), (0.0, 0.0), cycles=6, cycle_length=13, lr_max=0.1, lr_min=0.01, batch_size=3, seed=4)
    steps = 13 * np.arange(1, 7)
    assert res.snapshot_steps.tolist() == steps.tolist()
    assert len(res.trajectory.points) == 6 * 13 + 1
    np.testing.assert_array_equal(res.snapshots, res.trajectory.points[steps])
    np.testing.assert_allclose(res.average, np.sum(res.snapshots, axis=0) / 6, rtol=1e-14)
    np.testing.assert_allclose(res.trajectory.lrs, sawtooth(np.arange(78), 0.1, 0.01, 13), rtol=1e-14)
    assert res.trajectory.lrs[12] == pytest.approx(0.01) and res.trajectory.lrs[13] > 0.09


def test_losses_are_the_objectives_losses_at_the_snapshots_and_the_average():
    train = gd.objectives.linear_regression(n_samples=50, noise=0.5, seed=0)
    res = gd.swa(train, gd.SGD(), (1.0, 0.0), cycles=4, cycle_length=20, lr_max=0.1, lr_min=0.01, batch_size=5)
    # The default test set is a fresh sample of the same size: the training data's seed plus one.
    assert res.test.seed == 1 and res.test.n_samples == 50 and not np.array_equal(res.test.x, train.x)

    def mse(x, y, w):
        return np.mean((w[0] * x + w[1] - y) ** 2)

    for k, w in enumerate(res.snapshots):
        assert res.train_losses[k] == pytest.approx(mse(train.x, train.y, w), rel=1e-12)
        assert res.test_losses[k] == pytest.approx(mse(res.test.x, res.test.y, w), rel=1e-12)
    assert res.average_train_loss == pytest.approx(mse(train.x, train.y, res.average), rel=1e-12)
    assert res.average_test_loss == pytest.approx(mse(res.test.x, res.test.y, res.average), rel=1e-12)
    # A convex loss at the mean is at most the mean of the losses (Jensen).
    assert res.average_train_loss <= res.train_losses.mean()
    assert res.average_test_loss <= res.test_losses.mean()


def test_an_explicit_test_objective_is_used():
    train = gd.objectives.Sampled(gd.surfaces.get("bowl"), n_samples=16, spread=0.3, seed=0)
    shifted = gd.objectives.Sampled(gd.surfaces.get("bowl"), n_samples=16, spread=0.3, seed=0, shift=(0.5, 0.0))
    res = gd.swa(train, gd.SGD(), (1.0, 1.0), cycles=3, cycle_length=10, batch_size=4, test=shifted)
    assert res.test is shifted
    # Same samples moved by d = (0.5, 0): L_test(w) = L_train(w - d).
    np.testing.assert_allclose(res.test_losses, train.loss(res.snapshots - [0.5, 0.0]), rtol=1e-12)


def test_seeds_reproduce_and_differ():
    obj = gd.objectives.linear_regression(n_samples=32, seed=0)

    def run(seed):
        return gd.swa(obj, gd.SGD(), (0.0, 0.0), cycles=3, cycle_length=11, batch_size=2, seed=seed)

    a, b, c = run(3), run(3), run(4)
    np.testing.assert_array_equal(a.snapshots, b.snapshots)
    np.testing.assert_array_equal(a.trajectory.points, b.trajectory.points)
    assert not np.allclose(a.snapshots, c.snapshots)
    # The test set depends on the data, not on the batch order's seed.
    np.testing.assert_array_equal(a.test.x, c.test.x)


def test_a_batch_of_starts_averages_each_run_on_its_own():
    obj = gd.objectives.linear_regression(n_samples=32, seed=0)
    starts = np.array([[0.0, 0.0], [3.0, -2.0], [1.0, 1.0]])
    res = gd.swa(obj, gd.SGD(), starts, cycles=4, cycle_length=10, lr_max=0.1, lr_min=0.01, batch_size=4)
    assert res.snapshots.shape == (4, 3, 2) and res.average.shape == (3, 2)
    assert res.train_losses.shape == (4, 3) and res.average_test_loss.shape == (3,)
    np.testing.assert_array_equal(res.snapshots, res.trajectory.points[[10, 20, 30, 40]])
    np.testing.assert_allclose(res.average, res.snapshots.mean(axis=0), rtol=1e-14)
    np.testing.assert_allclose(res.test_losses, res.test.loss(res.snapshots), rtol=1e-14)


def test_full_batch_on_a_surface_needs_no_samples():
    bowl = gd.surfaces.Quadratic(eigenvalues=(1.0, 4.0))
    res = gd.swa(bowl, gd.SGD(), (1.0, 1.0), cycles=2, cycle_length=5, lr_max=0.1, lr_min=0.1, batch_size=None,
                 test=bowl)
    # Constant lr 0.1 on 0.5 (x^2 + 4 y^2): x shrinks by 0.9 per step, y by 0.6.
    np.testing.assert_allclose(res.snapshots, [[0.9**5, 0.6**5], [0.9**10, 0.6**10]], rtol=1e-12)
    assert res.status == "max_steps"


def test_a_diverged_run_has_nan_where_it_never_arrived_and_no_warning():
    bowl = gd.surfaces.Quadratic(eigenvalues=(1.0, 4.0))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        res = gd.swa(bowl, gd.SGD(), (1.0, 1.0), cycles=4, cycle_length=200, lr_max=1.0, lr_min=0.9,
                     batch_size=None, test=bowl)
    assert res.status == "diverged"
    assert np.isnan(res.snapshots).all() and np.isnan(res.average).all()
    assert np.isnan(res.average_train_loss) and np.isnan(res.test_losses).all()


def test_in_a_batch_only_the_diverged_run_loses_its_snapshots():
    bowl = gd.surfaces.Quadratic(eigenvalues=(1.0, 4.0))
    # lr 0.55 > 2 / 4 diverges from any start off the x axis; on it, y stays 0 and x converges.
    res = gd.swa(bowl, gd.SGD(), [[1.0, 0.0], [1.0, 1.0]], cycles=3, cycle_length=300, lr_max=0.55, lr_min=0.55,
                 batch_size=None, test=bowl)
    assert res.status.tolist() == ["max_steps", "diverged"]
    assert np.isfinite(res.snapshots[:, 0]).all() and np.isnan(res.snapshots[:, 1]).all()
    assert np.isfinite(res.average[0]).all() and np.isnan(res.average[1]).all()


@pytest.mark.parametrize(
    "kwargs, name",
    [
        ({"cycles": 0}, "cycles"),
        ({"cycles": 2.5}, "cycles"),
        ({"cycle_length": 0}, "cycle_length"),
        ({"lr_max": -0.1}, "lr_max"),
        ({"lr_max": float("nan")}, "lr_max"),
        ({"lr_min": 0.2, "lr_max": 0.1}, "lr_min"),
        ({"lr_min": -1.0}, "lr_min"),
        ({"batch_size": 0}, "batch_size"),
        ({"batch_size": 33}, "batch_size"),
        ({"seed": -1}, "seed"),
        ({"start": (1.0, 2.0, 3.0)}, "start"),
        ({"start": np.zeros((2, 2, 2))}, "start"),
        ({"test": "not an objective"}, "test"),
    ],
)
def test_bad_parameters_name_themselves(kwargs, name):
    obj = gd.objectives.linear_regression(n_samples=32, seed=0)
    args = {"start": (0.0, 0.0), **kwargs}
    with pytest.raises(ParameterError, match=f"The '{name}' parameter of swa"):
        gd.swa(obj, gd.SGD(), **args)


def test_bad_objectives_name_themselves():
    with pytest.raises(ParameterError, match="The 'objective' parameter of swa"):
        gd.swa(object(), gd.SGD(), (0.0, 0.0))
    bowl = gd.surfaces.get("bowl")
    with pytest.raises(ParameterError, match="The 'batch_size' parameter of swa"):
        gd.swa(bowl, gd.SGD(), (0.0, 0.0), test=bowl)
    # A surface has no samples to draw a test set from, so it needs an explicit one.
    with pytest.raises(ParameterError, match="The 'test' parameter of swa"):
        gd.swa(bowl, gd.SGD(), (0.0, 0.0), batch_size=None)


# ------------------------------------------------ regressions (issue 11, bugs 5, 11)


def test_the_result_is_read_only():
    train = gd.objectives.linear_regression(n_samples=16, seed=0)
    res = gd.swa(train, gd.SGD(), (0.0, 0.0), cycles=2, cycle_length=4, batch_size=4)
    for name in ("snapshots", "snapshot_steps", "average", "train_losses", "test_losses"):
        with pytest.raises(ValueError, match="read-only"):
            getattr(res, name)[...] = 0
    with pytest.raises(ValueError, match="read-only"):
        res.trajectory.points[0] = 1.0


def test_too_many_cycles_for_memory_name_cycles_and_say_how_much():
    with pytest.raises(ParameterError, match=r"^The 'cycles' parameter of swa must be an int small enough .* need \d+(\.\d+)? GiB\)\. Got 100000000 instead\.$"):
        gd.swa(gd.objectives.linear_regression(n_samples=16), gd.SGD(), (0.0, 0.0), cycles=10**8, cycle_length=10)
