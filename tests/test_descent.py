"""descend() against closed forms: GD on a quadratic contracts by |1 - lr*lambda| per step."""

import math
import warnings

import numpy as np
import pytest

import gdcore as gd
from gdcore._checks import ParameterError
from gdcore.descent import descend


class Diagonal:
    """L(w) = 0.5 * (a w1^2 + b w2^2), written out here so the test owns its reference."""

    n_samples = None

    def __init__(self, a, b):
        self.lam = np.array([a, b], dtype=float)

    def loss(self, w):
        return 0.5 * np.sum(self.lam * np.asarray(w) ** 2, axis=-1)

    def grad(self, w):
        return self.lam * np.asarray(w)


class Spy:
    """A data objective whose sample i has loss 0.5*|w - c_i|^2; it records the batches it is given."""

    def __init__(self, n, seed=0):
        self.n_samples = n
        self.c = np.random.default_rng(seed).normal(size=(n, 2))
        self.batches = []

    def loss(self, w, batch=None):
        c = self.c if batch is None else self.c[batch]
        w = np.asarray(w)[..., None, :]
        return 0.5 * np.mean(np.sum((w - c) ** 2, axis=-1), axis=-1)

    def grad(self, w, batch=None):
        if batch is not None:
            self.batches.append(np.array(batch))
        c = self.c if batch is None else self.c[batch]
        return np.asarray(w) - np.mean(c, axis=-2)


def test_gradient_descent_on_a_quadratic_follows_the_closed_form():
    a, b, lr, steps = 1.0, 10.0, 0.15, 40
    traj = descend(Diagonal(a, b), gd.SGD(lr=lr), (2.0, -1.0), steps)
    t = np.arange(steps + 1)
    expected = np.stack([2.0 * (1 - lr * a) ** t, -1.0 * (1 - lr * b) ** t], axis=-1)
    np.testing.assert_allclose(traj.points, expected, rtol=1e-12, atol=1e-300)
    np.testing.assert_allclose(traj.losses, 0.5 * (a * expected[:, 0] ** 2 + b * expected[:, 1] ** 2), rtol=1e-12)
    np.testing.assert_allclose(traj.grad_norms, np.hypot(a * expected[:, 0], b * expected[:, 1]), rtol=1e-12)
    np.testing.assert_array_equal(traj.lrs, np.full(steps, lr))
    assert traj.status == "max_steps" and traj.steps_done == steps
    assert traj.best_step == steps


def test_a_batch_of_starts_equals_the_runs_one_by_one():
    starts = np.array([[2.0, -1.0], [0.5, 0.5], [-3.0, 0.1]])
    batch = descend(Diagonal(1.0, 4.0), gd.Adam(lr=0.1), starts, 50)
    for i, start in enumerate(starts):
        single = descend(Diagonal(1.0, 4.0), gd.Adam(lr=0.1), start, 50)
        np.testing.assert_allclose(batch.points[:, i], single.points, rtol=1e-15)
    assert list(batch.status) == ["max_steps"] * 3


def test_tol_stops_at_the_first_point_whose_gradient_is_small():
    lam, lr, x0, tol = 2.0, 0.1, 3.0, 1e-3
    traj = descend(Diagonal(lam, lam), gd.SGD(lr=lr), (x0, 0.0), 1000, tol=tol)
    q = 1 - lr * lam
    # |grad(w_t)| = lam * x0 * q^t < tol first at t = ceil(log(tol / (lam x0)) / log q)
    expected = math.ceil(math.log(tol / (lam * x0)) / math.log(q))
    assert traj.status == "converged"
    assert traj.steps_done == expected
    assert len(traj.points) == expected + 1
    assert traj.grad_norms[-1] < tol <= traj.grad_norms[-2]


def test_divergence_is_data_not_an_error():
    lam, lr, x0 = 1.0, 2.5, 1.0  # |1 - lr*lam| = 1.5 > 1
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        traj = descend(Diagonal(lam, lam), gd.SGD(lr=lr), (x0, 0.0), 10_000)
    assert traj.status == "diverged"
    assert np.all(np.isfinite(traj.points)) and np.all(np.isfinite(traj.losses))
    # The first point outside |w| <= 1e8 is the update t with 1.5^(t+1) > 1e8: it is not kept.
    first_out = math.ceil(math.log(1e8) / math.log(1.5)) - 1
    assert traj.steps_done == first_out
    assert len(traj.points) == first_out + 1
    assert abs(traj.points[-1, 0]) <= 1e8 < abs(traj.points[-1, 0]) * 1.5


class Steep:
    """L(w) = exp(w1^2): its gradient 2 w1 exp(w1^2) overflows a step after the loss is huge."""

    n_samples = None

    def loss(self, w):
        return np.exp(np.asarray(w)[..., 0] ** 2)

    def grad(self, w):
        w = np.asarray(w)
        return np.stack([2 * w[..., 0] * np.exp(w[..., 0] ** 2), np.zeros_like(w[..., 1])], axis=-1)


def test_an_exploding_gradient_ends_the_run_as_diverged_without_warnings():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        traj = descend(Steep(), gd.SGD(lr=5.0), (1.0, 0.0), 100)
        losses = traj.losses
    # w1 = 1 - 5 * 2e = -26.18..., then the gradient ~ -52 exp(685) sends w1 past 1e8.
    assert traj.status == "diverged" and traj.steps_done == 1
    np.testing.assert_allclose(traj.points[:, 0], [1.0, 1.0 - 10 * math.e])
    assert np.all(np.isfinite(losses))


def test_in_a_batch_each_start_stops_on_its_own():
    starts = np.array([[1.0, 0.0], [1e-3, 0.0], [5.0, 0.0]])
    objective = Diagonal(1.0, 1.0)
    traj = descend(objective, gd.SGD(lr=0.5), starts, 200, tol=1e-2)
    q = 0.5
    expected = [math.ceil(math.log(1e-2 / x) / math.log(q)) if x >= 1e-2 else 0 for x in starts[:, 0]]
    np.testing.assert_array_equal(traj.steps_done, expected)
    assert list(traj.status) == ["converged"] * 3
    # A stopped start holds its last point while the others go on.
    np.testing.assert_allclose(traj.points[expected[0]:, 0, 0], starts[0, 0] * q ** expected[0])
    diverging = descend(objective, gd.SGD(lr=3.0), np.array([[1.0, 0.0], [0.0, 0.0]]), 100)
    assert list(diverging.status) == ["diverged", "max_steps"]
    assert np.all(np.isfinite(diverging.points))


def test_a_schedule_sets_every_lr():
    traj = descend(Diagonal(1.0, 1.0), gd.SGD(lr=1.0), (1.0, 1.0), 5, schedule=lambda t: 0.5 / (1 + np.asarray(t)))
    np.testing.assert_allclose(traj.lrs, 0.5 / (1 + np.arange(5)))
    expected = np.cumprod(np.r_[1.0, 1 - 0.5 / (1 + np.arange(5))])
    np.testing.assert_allclose(traj.points[:, 0], expected, rtol=1e-14)


def test_noise_is_seeded_and_gaussian():
    objective = Diagonal(0.0, 0.0)  # zero gradient: every step is pure noise
    runs = [descend(objective, gd.SGD(lr=1.0), (0.0, 0.0), 2000, noise=0.5, seed=s) for s in (7, 7, 8)]
    np.testing.assert_array_equal(runs[0].points, runs[1].points)
    assert not np.array_equal(runs[0].points, runs[2].points)
    kicks = np.diff(runs[0].points, axis=0)
    assert abs(kicks.std() - 0.5) < 0.5 * 4 / np.sqrt(2 * kicks.size)  # four standard errors
    np.testing.assert_array_equal(runs[0].grad_norms, 0.0)  # reported gradients carry no noise


def test_each_epoch_is_a_permutation_and_the_last_batch_holds_the_remainder():
    spy = Spy(10)
    traj = descend(spy, gd.SGD(lr=0.1), (0.0, 0.0), 12, batch_size=4, seed=3)
    sizes = [len(b) for b in spy.batches]
    assert sizes == [4, 4, 2] * 4
    for e in range(4):
        epoch = np.concatenate(spy.batches[3 * e : 3 * e + 3])
        np.testing.assert_array_equal(np.sort(epoch), np.arange(10))
    np.testing.assert_array_equal(traj.epochs, np.repeat(np.arange(4), 3))
    assert traj.batch_size == 4


def test_full_size_batches_are_batch_gradient_descent():
    spy = Spy(16)
    mini = descend(spy, gd.SGD(lr=0.2), (1.0, 1.0), 30, batch_size=16)
    full = descend(spy, gd.SGD(lr=0.2), (1.0, 1.0), 30)
    np.testing.assert_allclose(mini.points, full.points, rtol=1e-12, atol=1e-14)
    # Batch GD on mean 0.5|w - c_i|^2 contracts toward the mean of the c_i by (1 - lr) per step.
    centre = spy.c.mean(axis=0)
    np.testing.assert_allclose(full.points[-1], centre + (np.array([1.0, 1.0]) - centre) * 0.8**30, rtol=1e-12)


def test_each_start_of_a_batch_draws_its_own_sample_order():
    spy = Spy(8)
    descend(spy, gd.SGD(lr=0.1), np.zeros((3, 2)), 2, batch_size=8, seed=0)
    first = spy.batches[0]
    assert first.shape == (3, 8)
    for row in first:
        np.testing.assert_array_equal(np.sort(row), np.arange(8))
    assert len({tuple(row) for row in first}) == 3


class ScriptedController:
    """Cuts the lr by 10x at the 3rd call and stops at the 5th: a stand-in with a known script."""

    def __init__(self, reason):
        self.reason, self.calls, self.seen, self.reset_called = reason, 0, [], False
        self._reason = reason

    def reset(self):
        self.calls, self.seen, self.reset_called, self.reason = 0, [], True, None

    def step(self, loss, lr):
        self.calls += 1
        self.seen.append((loss, lr))
        if self.calls == 3:
            lr = lr / 10
        stop = self.calls == 5
        if stop:
            self.reason = self._reason
        return lr, stop


@pytest.mark.parametrize("reason,status", [("no_improvement", "early_stopped"), ("lr_below", "lr_below")])
def test_a_controller_scales_the_schedule_and_can_stop(reason, status):
    ctl = ScriptedController(reason)
    traj = descend(Diagonal(1.0, 1.0), gd.SGD(lr=1.0), (1.0, 0.0), 100, controller=ctl,
                   schedule=lambda t: 0.1 * np.ones_like(np.asarray(t), dtype=float))
    assert ctl.reset_called
    assert traj.status == status and traj.steps_done == 5
    np.testing.assert_allclose(traj.lrs, [0.1, 0.1, 0.1, 0.01, 0.01])
    np.testing.assert_allclose([loss for loss, _ in ctl.seen], traj.losses[1:])


def test_to_frame_is_tidy():
    traj = descend(Diagonal(1.0, 1.0), gd.SGD(lr=0.5), (2.0, 0.0), 3)
    frame = traj.to_frame()
    assert list(frame.columns) == ["step", "x", "y", "loss", "lr", "grad_norm"]
    assert len(frame) == 4 and np.isnan(frame.lr.iloc[-1])
    batched = descend(Diagonal(1.0, 1.0), gd.SGD(lr=0.5), np.array([[2.0, 0.0], [0.5, 0.5]]), 3, tol=0.6)
    frame = batched.to_frame()
    assert list(frame.columns) == ["run", "step", "x", "y", "loss", "lr", "grad_norm"]
    # |grad| runs 2, 1, 0.5 and 0.71, 0.35: they stop at steps 2 and 1; held rows are not listed.
    assert frame.groupby("run").step.max().tolist() == [2, 1]


@pytest.mark.parametrize(
    "kwargs,name",
    [
        ({"steps": -1}, "steps"),
        ({"steps": 2.5}, "steps"),
        ({"start": (1.0, 2.0, 3.0)}, "start"),
        ({"start": (np.nan, 0.0)}, "start"),
        ({"start": np.zeros((2, 2, 2))}, "start"),
        ({"tol": -1.0}, "tol"),
        ({"noise": -0.1}, "noise"),
        ({"seed": -3}, "seed"),
        ({"batch_size": 4}, "batch_size"),
        ({"schedule": 3.0}, "schedule"),
        ({"schedule": lambda t: -np.ones(len(t))}, "schedule"),
    ],
)
def test_bad_parameters_fail_at_once_naming_the_parameter(kwargs, name):
    args = {"objective": Diagonal(1.0, 1.0), "optimizer": gd.SGD(lr=0.1), "start": (1.0, 1.0), "steps": 10}
    args.update(kwargs)
    with pytest.raises(ParameterError, match=rf"The '{name}' parameter of descend must be .* Got .* instead\."):
        descend(**args)


def test_batch_size_larger_than_the_data_is_refused():
    with pytest.raises(ParameterError, match="'batch_size' parameter of descend must be an int in the range \\[1, 10\\]"):
        descend(Spy(10), gd.SGD(lr=0.1), (0.0, 0.0), 5, batch_size=11)


def test_record_every_keeps_the_start_every_kth_point_and_the_end():
    lam, lr = 1.0, 0.1
    traj = descend(Diagonal(lam, lam), gd.SGD(lr=lr), np.array([[1.0, 0.0], [2.0, 0.0]]), 30, record_every=7)
    np.testing.assert_array_equal(traj.steps, [0, 7, 14, 21, 28, 30])
    np.testing.assert_allclose(traj.points[:, :, 0], np.outer(0.9 ** traj.steps, [1.0, 2.0]), rtol=1e-12)
    assert len(traj.lrs) == 30


def test_in_a_batch_a_diverging_start_stops_alone_and_holds_its_point():
    starts = np.array([[1.0, 0.0], [0.0, 0.0]])  # the second start sits at the minimum
    traj = descend(Steep(), gd.SGD(lr=5.0), starts, 10)
    assert list(traj.status) == ["diverged", "max_steps"]
    assert list(traj.steps_done) == [1, 10]
    assert np.all(np.isfinite(traj.points))
    np.testing.assert_allclose(traj.points[1:, 0, 0], 1.0 - 10 * math.e)  # held at its last finite point


# ------------------------------------------------ regressions (issue 11, bugs 1, 2, 5, 11)

BOWL = Diagonal(1.0, 1.0)  # L = |w|^2 / 2: SGD maps w to (1 - lr) w


@pytest.mark.parametrize("record_every", [1, 4])
def test_a_batch_whose_starts_all_diverge_keeps_no_phantom_point(record_every):
    # lr 10 maps w to -9 w; |w_t| = sqrt(2) 9^t first exceeds 1e8 at t = 9, so update 8
    # is the one that leaves: every run keeps steps 0..8 and no row for step 9.
    last = math.ceil(math.log(1e8 / math.sqrt(2)) / math.log(9)) - 1
    assert last == 8
    traj = descend(BOWL, gd.SGD(lr=10.0), np.ones((3, 2)), 50, record_every=record_every)
    assert list(traj.status) == ["diverged"] * 3 and list(traj.steps_done) == [last] * 3
    expected_steps = list(range(0, last + 1, record_every))
    expected_steps += [] if expected_steps[-1] == last else [last]
    assert traj.steps.tolist() == expected_steps
    np.testing.assert_array_equal(traj.points[:, :, 0], np.outer((-9.0) ** traj.steps, np.ones(3)))
    frame = traj.to_frame()
    assert len(frame) == 3 * len(expected_steps)
    np.testing.assert_array_equal(frame.x, (-9.0) ** frame.step)


def test_the_divergence_test_does_not_overflow_for_a_huge_max_norm():
    # lr 3 maps x to -2x (exactly, on powers of two): from 2^660 the run reaches -2^661,
    # 2^662, -2^663, then 2^664 at update 3, outside max_norm 1.5 * 2^663 (about 1.4e200).
    # A squared-norm test overflows to inf <= inf and never sees the run leave.
    traj = descend(BOWL, gd.SGD(lr=3.0), (2.0**660, 0.0), 10, max_norm=1.5 * 2.0**663)
    assert traj.status == "diverged" and traj.steps_done == 3
    np.testing.assert_array_equal(traj.points[:, 0], [2.0**660, -(2.0**661), 2.0**662, -(2.0**663)])


@pytest.mark.parametrize("max_norm", [1e200, 1e300])
def test_adam_with_a_huge_lr_diverges_at_its_first_update(max_norm):
    # Adam's first step moves each coordinate by lr |g| / (|g| + eps) ~ 1e300: |w_1| ~ 1.4e300.
    traj = descend(gd.surfaces.get("bowl"), gd.Adam(lr=1e300), (1, 1), 10, max_norm=max_norm)
    assert traj.status == "diverged" and traj.steps_done == 0
    np.testing.assert_array_equal(traj.points, [[1.0, 1.0]])
    assert np.all(np.isfinite(traj.losses))


def test_the_gradient_norm_does_not_overflow_either():
    # |(3e200, 4e200)| = 5e200, although its squares overflow.
    traj = descend(BOWL, gd.SGD(lr=0.0), (3e200, 4e200), 1, max_norm=1e300)
    np.testing.assert_allclose(traj.grad_norms, [5e200, 5e200], rtol=1e-15)
    converged = descend(BOWL, gd.SGD(lr=0.5), (3e-200, 4e-200), 5, tol=1e-199)
    # |g| = 5e-200 < 1e-199 at the start (the squares underflow to 0 < 0 fails the squared test).
    assert converged.status == "converged" and converged.steps_done == 0


def test_a_run_that_would_not_fit_in_memory_fails_at_once_saying_how_much():
    import time
    import tracemalloc

    tracemalloc.start()
    began = time.perf_counter()
    with pytest.raises(ParameterError, match=r"^The 'steps' parameter of descend must be an int small enough .* "
                                             r"fit in 1 GiB .* need \d+(\.\d+)? GiB.*Got 1000000000 instead\.$"):
        descend(BOWL, gd.SGD(lr=0.1), (1.0, 1.0), 10**9)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert time.perf_counter() - began < 1.0 and peak < 10 * 2**20
    # 10,000 starts of 2,000 steps: 2002 * 10000 * 48 bytes is about 0.9 GiB of points; 3,000 steps are too many.
    with pytest.raises(ParameterError, match="'steps' parameter of descend.*10000 starts"):
        descend(BOWL, gd.SGD(lr=0.1), np.zeros((10_000, 2)), 3_000)
    # Keeping every 1000th point makes the same run small.
    assert descend(BOWL, gd.SGD(lr=0.1), np.zeros((10_000, 2)), 3_000, record_every=1000).points.shape == (4, 10_000, 2)


def test_returned_arrays_are_read_only_so_losses_cannot_drift_from_points():
    traj = descend(BOWL, gd.SGD(lr=0.5), np.array([[2.0, 0.0], [0.0, 1.0]]), 3, tol=0.1)
    losses = traj.losses.copy()
    for name in ("points", "lrs", "steps", "status", "steps_done", "losses", "grad_norms", "best_step"):
        array = getattr(traj, name)
        assert not array.flags.writeable, name
        with pytest.raises(ValueError, match="read-only"):
            array[...] = 0
    # The losses are still those of the points: 0.5 |w|^2 with w halving each step.
    np.testing.assert_array_equal(losses[:, 0], 0.5 * (2.0 * 0.5 ** np.arange(4)) ** 2)
    single = descend(BOWL, gd.SGD(lr=0.5), (2.0, 0.0), 3)
    with pytest.raises(ValueError, match="read-only"):
        single.points[0, 0] = 5.0
    np.testing.assert_array_equal(single.losses, [2.0, 0.5, 0.125, 0.03125])


class WrongShape:
    """An objective whose gradient has the wrong shape, the kind of slip homework makes."""

    n_samples = None

    def loss(self, w):
        return 0.5 * np.sum(np.asarray(w) ** 2, axis=-1)

    def grad(self, w):
        return np.asarray(w).ravel()[:1]


def test_an_objective_with_a_bad_gradient_is_named():
    with pytest.raises(ParameterError, match=r"'objective' parameter of descend must be an objective whose "
                                             r"grad\(w\) has the shape of w, \(2,\)\. Got a gradient of shape \(1,\)"):
        descend(WrongShape(), gd.SGD(lr=0.1), (1.0, 1.0), 3)


def test_a_plain_python_function_of_one_step_is_a_schedule():
    # ``0.1 if t < 3 else 0.01`` cannot take an array (its truth value is ambiguous):
    # descend then asks it one step at a time.
    traj = descend(BOWL, gd.SGD(lr=1.0), (1.0, 0.0), 5, schedule=lambda t: 0.5 if t < 3 else 0.25)
    np.testing.assert_array_equal(traj.lrs, [0.5, 0.5, 0.5, 0.25, 0.25])
    np.testing.assert_array_equal(traj.points[:, 0], [1.0, 0.5, 0.25, 0.125, 0.09375, 0.0703125])


@pytest.mark.parametrize("schedule, shown", [
    (lambda t: 1 / (t - 2), "ZeroDivisionError"), (lambda t: -1.0, "-1.0"), (lambda t: 1j, "1j"),
    (lambda t: "0.1", "'0.1'"), (lambda t: [0.1, 0.2], r"\[0.1, 0.2\]"),
])
def test_a_schedule_that_fails_or_gives_a_bad_lr_is_named_with_the_step(schedule, shown):
    with pytest.raises(ParameterError, match=rf"^The 'schedule' parameter of descend must be .*{shown}.*"):
        descend(BOWL, gd.SGD(lr=1.0), (1.0, 0.0), 5, schedule=schedule)


def test_a_schedule_too_short_for_the_run_says_so():
    with pytest.raises(ParameterError, match=r"'schedule' parameter of descend must be a schedule defined for every "
                                             r"update t = 0, \.\.\., 29\. Got one_cycle\(.*\[0, 19\]"):
        descend(BOWL, gd.SGD(), (1.0, 0.0), 30, schedule=gd.schedules.one_cycle(0.1, 20))


# ----------------------------------------------------------------- momentum_schedule (issue 11)

import json  # noqa: E402
from pathlib import Path  # noqa: E402

RUNS = json.loads((Path(__file__).parent / "reference" / "more_schedules.json").read_text())["runs"]


def _spec(spec):
    return getattr(gd.schedules, spec["name"])(**spec["kwargs"])


@pytest.mark.parametrize("run", RUNS, ids=[f"{r['optimizer']}+{r['torch_scheduler']}" for r in RUNS])
def test_a_cycling_torch_run_with_its_momentum_is_reproduced(run):
    # torch: SGD/Adam/AdamW with CyclicLR or OneCycleLR at their default cycle_momentum=True, on the bowl.
    bowl = gd.surfaces.Quadratic(tuple(run["bowl"]["eigenvalues"]), run["bowl"]["angle"], tuple(run["bowl"]["center"]))
    opt = getattr(gd, run["optimizer"])(**run["optimizer_kwargs"])
    schedule, momentum = _spec(run["schedule"]), _spec(run["momentum_schedule"])
    traj = descend(bowl, opt, run["start"], run["steps"], schedule=schedule, momentum_schedule=momentum)
    np.testing.assert_allclose(traj.points, run["points"], rtol=1e-9, atol=0)
    np.testing.assert_allclose(traj.lrs, run["lrs"], rtol=1e-9, atol=0)
    np.testing.assert_allclose(momentum(np.arange(run["steps"])), run["momenta"], rtol=1e-9, atol=0)
    # Without the momentum schedule the run is another one: torch really cycled the momentum.
    other = descend(bowl, opt, run["start"], run["steps"], schedule=schedule)
    assert not np.allclose(other.points, run["points"], rtol=1e-6)


def test_a_momentum_schedule_is_the_momentum_of_each_update():
    # Setting SGD's momentum by hand update by update gives the same run, to the bit.
    mu = gd.schedules.cyclic_momentum(0.5, 0.9, step_size_up=3)
    traj = descend(BOWL, gd.SGD(lr=0.1), (1.0, -0.5), 12, momentum_schedule=mu)
    w, state = np.array([1.0, -0.5]), gd.SGD(lr=0.1).init(np.zeros(2))
    for t in range(12):
        w, state = gd.SGD(lr=0.1, momentum=mu(t)).step(w, BOWL.grad(w), state)
        assert traj.points[t + 1].tolist() == w.tolist()
    # Adam's beta1, a batch of starts, and a plain function of one step all work the same way.
    starts = np.array([[1.0, -0.5], [0.3, 0.7]])
    batched = descend(BOWL, gd.Adam(lr=0.1), starts, 12, momentum_schedule=lambda t: 0.8 if t < 6 else 0.95)
    for i in range(2):
        single = descend(BOWL, gd.Adam(lr=0.1), starts[i], 12, momentum_schedule=lambda t: 0.8 if t < 6 else 0.95)
        np.testing.assert_array_equal(batched.points[:, i], single.points)
    fixed = descend(BOWL, gd.Adam(lr=0.1, betas=(0.8, 0.999)), starts, 12)
    np.testing.assert_array_equal(descend(BOWL, gd.Adam(lr=0.1), starts, 12, momentum_schedule=lambda t: 0.8).points,
                                  fixed.points)


@pytest.mark.parametrize("kwargs, shown", [
    (dict(optimizer=gd.RMSprop(), momentum_schedule=lambda t: 0.9), "None unless the optimizer is SGD, Adam or AdamW"),
    (dict(momentum_schedule=0.9), "a callable schedule momentum"),
    (dict(momentum_schedule=lambda t: -0.1), "finite momentum >= 0 .*-0.1.* at t=0"),
    (dict(optimizer=gd.Adam(), momentum_schedule=lambda t: 1.0), "momenta that Adam accepts.*betas"),
    (dict(optimizer=gd.SGD(momentum=0.9, nesterov=True), momentum_schedule=lambda t: 0.0 if t else 0.9),
     "momenta that SGD accepts.*nesterov"),
    (dict(momentum_schedule=gd.schedules.one_cycle_momentum(5)), r"defined for every update t = 0, \.\.\., 9"),
])
def test_a_bad_momentum_schedule_is_named(kwargs, shown):
    args = {**dict(objective=BOWL, optimizer=gd.SGD(lr=0.1), start=(1.0, 1.0), steps=10), **kwargs}
    with pytest.raises(ParameterError, match=rf"^The 'momentum_schedule' parameter of descend must be .*{shown}"):
        descend(**args)
