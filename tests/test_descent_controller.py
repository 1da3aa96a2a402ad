"""descend() with a real PlateauController (and a schedule), on runs whose losses are derived by hand.

The workhorse is L(w) = 2 x^2 (curvature 4), written out below. Gradient descent with
lr = 2/4 = 0.5 maps x to x - 0.5 * 4x = -x: the run bounces between +1 and -1 forever
and the loss is 2 after every update, a perfect plateau. All numbers are powers of two,
so every step is exact in floating point.

Counting, with the controller called once per update (call c follows update c - 1):

- call 1 sees loss 2 < inf, an improvement; calls 2, 3, ... do not improve;
- reduce-on-plateau acts on the (patience + 1)-th bad call, so first at call patience + 2,
  and the reduced lr is used from update patience + 2 on (``traj.lrs[patience + 2]``);
- once the lr is below 0.5 the bounce stops: lr 0.25 maps x to x - x = 0 in one update.
"""

import numpy as np
import pytest

import gdcore as gd
from gdcore._checks import ParameterError
from gdcore.descent import descend


class Line:
    """L(w) = 0.5 * a * x^2, flat in y: the 1-D quadratic the hand derivations use."""

    n_samples = None

    def __init__(self, a=4.0):
        self.a = a

    def loss(self, w):
        return 0.5 * self.a * np.asarray(w)[..., 0] ** 2

    def grad(self, w):
        w = np.asarray(w)
        return np.stack([self.a * w[..., 0], np.zeros_like(w[..., 1])], axis=-1)


BOUNCE = dict(objective=Line(4.0), optimizer=gd.SGD(lr=0.5), start=(1.0, 0.0))


@pytest.mark.parametrize("patience", [0, 1, 3, 7])
def test_a_plateau_reduces_the_lr_exactly_after_patience_plus_one_bad_updates(patience):
    ctl = gd.PlateauController(factor=0.5, patience=patience)
    traj = descend(**BOUNCE, steps=patience + 3, controller=ctl)
    p = patience
    # Updates 0 .. p+1 bounce at lr 0.5; call p+2 halves the lr for update p+2, which lands on 0.
    np.testing.assert_array_equal(traj.lrs, [0.5] * (p + 2) + [0.25])
    expected_x = [(-1.0) ** t for t in range(p + 3)] + [0.0]
    np.testing.assert_array_equal(traj.points[:, 0], expected_x)
    np.testing.assert_array_equal(traj.losses, [2.0] * (p + 3) + [0.0])
    assert ctl.reductions == [p + 2]
    assert traj.status == "max_steps" and traj.steps_done == p + 3


def test_reductions_keep_coming_while_the_loss_stays_flat():
    # patience 3: the first reduction at call 5 ends the bounce (loss 0 at call 6, an
    # improvement); from then on the loss stays 0, never strictly below the best 0, so
    # the next reduction comes patience + 1 = 4 calls later, at call 10.
    ctl = gd.PlateauController(factor=0.5, patience=3)
    traj = descend(**BOUNCE, steps=13, controller=ctl)
    np.testing.assert_array_equal(traj.lrs, [0.5] * 5 + [0.25] * 5 + [0.125] * 3)
    assert ctl.reductions == [5, 10]
    # The lowest loss is first reached after update 5; the trajectory records that point.
    assert traj.best_step == 6 and ctl.best_step == 6
    assert traj.losses[traj.best_step] == 0.0 and traj.losses[traj.best_step - 1] == 2.0


@pytest.mark.parametrize("stop_patience", [1, 2, 5, 10])
def test_early_stopping_on_a_flat_loss_stops_after_stop_patience_bad_updates(stop_patience):
    # Call 1 sets the reference loss 2; calls 2 .. k+1 are the k updates not below 2 - 0.
    ctl = gd.PlateauController(patience=1000, stop_patience=stop_patience)
    traj = descend(**BOUNCE, steps=100, controller=ctl)
    k = stop_patience
    assert traj.status == "early_stopped" and ctl.reason == "no_improvement"
    assert traj.steps_done == k + 1
    assert traj.points.shape == (k + 2, 2) and traj.lrs.shape == (k + 1,)
    np.testing.assert_array_equal(traj.lrs, 0.5)
    np.testing.assert_array_equal(traj.points[:, 0], [(-1.0) ** t for t in range(k + 2)])


def test_min_delta_stops_a_run_that_still_improves_but_too_little():
    # lr 1/8 on curvature 4 halves x each update: losses 2 * 4^-(t+1) = 1/2, 1/8, 1/32, 1/128, ...
    # With min_delta 0.05: 1/8 < 1/2 - 0.05 and 1/32 < 1/8 - 0.05 improve; 1/128 is not below
    # 1/32 - 0.05 < 0, nor is anything after, so stop_patience 2 stops at call 5.
    ctl = gd.PlateauController(patience=1000, stop_patience=2, min_delta=0.05)
    traj = descend(Line(4.0), gd.SGD(lr=0.125), (1.0, 0.0), 100, controller=ctl)
    assert traj.status == "early_stopped" and traj.steps_done == 5
    np.testing.assert_array_equal(traj.losses, [2.0 * 4.0**-t for t in range(6)])
    # The loss was still falling, so the best point is the last one.
    assert traj.best_step == 5


def test_stop_lr_stops_once_a_reduction_takes_the_lr_below_it():
    # patience 2, factor 0.5, stop_lr 0.1. Call 4 (= patience + 2) reduces 0.5 -> 0.25 and update 4
    # lands on 0; call 5 improves (loss 0); calls 6, 7, 8 are bad and call 8 reduces to 0.125;
    # calls 9, 10, 11 are bad and call 11 reduces to 0.0625 < 0.1: the third reduction stops the run.
    ctl = gd.PlateauController(factor=0.5, patience=2, stop_lr=0.1)
    traj = descend(**BOUNCE, steps=100, controller=ctl)
    assert traj.status == "lr_below" and ctl.reason == "lr_below"
    assert ctl.reductions == [4, 8, 11]
    assert traj.steps_done == 11
    np.testing.assert_array_equal(traj.lrs, [0.5] * 4 + [0.25] * 4 + [0.125] * 3)
    assert traj.best_step == 5


def test_the_controller_multiplies_the_schedule():
    # Start at the minimum: the loss is 0 after every update whatever the lr, so the
    # controller sees call 1 improve and every later call not: with patience 2 it
    # reduces at calls 4, 7, 10, ... (every patience + 1 calls), each by factor 0.1.
    lr, t0, patience, steps = 0.3, 8, 2, 12
    ctl = gd.PlateauController(factor=0.1, patience=patience)
    schedule = gd.schedules.cosine_restarts(lr, t_0=t0)
    traj = descend(Line(4.0), gd.SGD(lr=1.0), (0.0, 0.0), steps, schedule=schedule, controller=ctl)
    t = np.arange(steps)
    cosine = 0.5 * lr * (1 + np.cos(np.pi * (t % t0) / t0))
    reductions = np.array([4, 7, 10])
    assert ctl.reductions == reductions.tolist()
    done = np.searchsorted(reductions, t, side="right")  # reductions made before update t
    np.testing.assert_allclose(traj.lrs, cosine * 0.1**done, rtol=1e-12)


def test_a_step_decay_schedule_and_a_plateau_reduction_compound():
    # The bounce needs lr 0.5; a step decay that halves at update 6 and a plateau
    # reduction at call 4 (patience 2) both halve it: 0.5, then 0.25 from update 4, 0.125 from 6.
    ctl = gd.PlateauController(factor=0.5, patience=2)
    schedule = gd.schedules.step_decay(0.5, step_size=6, gamma=0.5)
    traj = descend(**BOUNCE, steps=8, schedule=schedule, controller=ctl)
    np.testing.assert_array_equal(traj.lrs, [0.5] * 4 + [0.25] * 2 + [0.125] * 2)
    np.testing.assert_array_equal(traj.points[:, 0], [1, -1, 1, -1, 1, 0, 0, 0, 0])


def test_the_best_step_is_recorded_when_the_run_gets_worse_before_it_stops():
    # lr 1/8 halves x for three updates (losses 1/2, 1/8, 1/32); then lr 3/4 maps x to -2x,
    # so the losses grow 1/8, 1/2, ...: early stopping (patience 2) stops at update 5, and
    # the best point is the one after update 3, not the last.
    ctl = gd.PlateauController(patience=1000, stop_patience=2)
    schedule = lambda t: np.where(np.asarray(t) < 3, 0.125, 0.75)  # noqa: E731
    traj = descend(Line(4.0), gd.SGD(lr=1.0), (1.0, 0.0), 100, schedule=schedule, controller=ctl)
    assert traj.status == "early_stopped" and traj.steps_done == 5
    np.testing.assert_array_equal(traj.points[:, 0], [1.0, 0.5, 0.25, 0.125, -0.25, 0.5])
    assert traj.best_step == 3 and ctl.best_step == 3
    np.testing.assert_array_equal(traj.points[traj.best_step], [0.125, 0.0])
    assert traj.losses[traj.best_step] == 2.0 / 64


def test_descend_resets_the_controller_so_a_second_run_repeats_the_first():
    ctl = gd.PlateauController(factor=0.5, patience=2, stop_lr=0.1)
    first = descend(**BOUNCE, steps=100, controller=ctl)
    second = descend(**BOUNCE, steps=100, controller=ctl)
    np.testing.assert_array_equal(first.lrs, second.lrs)
    assert first.steps_done == second.steps_done == 11
    assert ctl.reductions == [4, 8, 11]


@pytest.mark.parametrize(
    "kwargs",
    [
        {"controller": 3.0},
        {"controller": gd.PlateauController(), "start": np.zeros((3, 2))},
    ],
)
def test_a_bad_controller_fails_at_once_naming_it(kwargs):
    args = dict(BOUNCE, steps=5)
    args.update(kwargs)
    with pytest.raises(ParameterError, match="'controller' parameter of descend"):
        descend(**args)


# ------------------------------------------------ regressions (issue 11, bug 4) and early stopping alone


class Flat:
    """L(w) = 1 everywhere: every call after the first is a plateau, and the weights never move."""

    n_samples = None

    def loss(self, w):
        return np.ones(np.shape(w)[:-1])

    def grad(self, w):
        return np.zeros(np.shape(w))


def torch_plateau_lrs(lr, factor, patience, min_lr, calls):
    """The lr torch's ReduceLROnPlateau holds on a flat loss, written out from its step():
    call 1 improves, every (patience + 1)-th bad call sets lr = max(lr * factor, min_lr)
    when that lowers it by more than eps (here 0); returns the lr used by updates 0 .. calls."""
    lrs, bad = [lr], 0
    for call in range(1, calls + 1):
        if call > 1:
            bad += 1
        if bad > patience:
            new = max(lr * factor, min_lr)
            if lr - new > 0.0:
                lr = new
            bad = 0
        lrs.append(lr)
    return lrs


def test_the_next_update_uses_the_lr_the_controller_returned_so_min_lr_holds_exactly():
    # torch: 0.3 -> 0.3 * 0.1 -> 0.3 * 0.1 * 0.1 -> max(.., 1e-3) = 0.001, which stays 0.001:
    # it is never below stop_lr = 0.001, so the run goes to the end.
    ctl = gd.PlateauController(factor=0.1, patience=2, min_lr=1e-3, stop_lr=1e-3)
    traj = descend(Flat(), gd.SGD(lr=0.3), (1.0, 1.0), 30, controller=ctl)
    expected = torch_plateau_lrs(0.3, 0.1, 2, 1e-3, 30)[:30]
    assert traj.lrs.tolist() == expected
    assert expected[10:] == [0.001] * 20 and expected[4] == 0.3 * 0.1
    assert traj.status == "max_steps" and ctl.reason is None
    assert ctl.reductions == [4, 7, 10]


def test_with_eps_zero_there_is_no_extra_reduction_at_min_lr():
    # torch: once at min_lr, max(lr * factor, min_lr) == lr lowers it by 0, which is not > eps = 0.
    ctl = gd.PlateauController(factor=0.1, patience=2, min_lr=1e-3, eps=0.0)
    traj = descend(Flat(), gd.SGD(lr=0.3), (1.0, 1.0), 40, controller=ctl)
    assert ctl.reductions == [4, 7, 10]
    assert traj.lrs.tolist() == torch_plateau_lrs(0.3, 0.1, 2, 1e-3, 40)[:40]


def test_where_the_schedule_moves_the_controller_scales_it():
    # step_decay(0.3, 5, 0.5): 0.3 for updates 0-4, 0.15 for 5-9, 0.075 for 10-14. On a flat loss
    # with patience 2 the controller reduces (x0.1) at calls 4, 7, 10, i.e. for updates 4, 7, 10.
    # Within a piece of the schedule the lr is what the controller returned; at a step of the
    # schedule the controller's lr is scaled by the schedule's ratio (0.5).
    ctl = gd.PlateauController(factor=0.1, patience=2)
    traj = descend(Flat(), gd.SGD(lr=1.0), (0.0, 0.0), 12, controller=ctl,
                   schedule=gd.schedules.step_decay(0.3, step_size=5, gamma=0.5))
    expected = [0.3] * 4 + [0.03] + [0.015] * 2 + [0.0015] * 3 + [0.000075] * 2
    np.testing.assert_allclose(traj.lrs, expected, rtol=1e-14)
    assert ctl.reductions == [4, 7, 10]
    assert traj.lrs[4] == 0.3 * 0.1  # the controller's own number, not 0.3 x a ratio


def test_early_stopping_alone_never_cuts_the_lr():
    # patience=None: no reduce-on-plateau. The bounce keeps its lr 0.5 and early stopping
    # stops at update k + 1, as with the plateau rule pushed out of reach.
    ctl = gd.PlateauController(patience=None, stop_patience=3)
    traj = descend(**BOUNCE, steps=100, controller=ctl)
    assert traj.status == "early_stopped" and traj.steps_done == 4
    np.testing.assert_array_equal(traj.lrs, 0.5)
    assert ctl.reductions == []
    # The default (patience 10) would have cut the lr at call 12 of a longer plateau.
    cut = gd.PlateauController(stop_patience=20)
    assert (descend(**BOUNCE, steps=100, controller=cut).lrs < 0.5).any()


class Recorder:
    """A controller that only records what it is shown."""

    reason = None

    def reset(self):
        self.seen = []

    def step(self, loss, lr):
        self.seen.append(loss)
        return lr, False


def test_monitor_is_what_the_controller_watches():
    # The controller sees the validation loss 2 (x - 1)^2 of each point after an update,
    # not the training loss 2 x^2; the trajectory's losses stay the training ones.
    class Shifted(Line):
        def loss(self, w):
            return 0.5 * self.a * (np.asarray(w)[..., 0] - 1.0) ** 2

    ctl = Recorder()
    traj = descend(Line(4.0), gd.SGD(lr=0.125), (1.0, 0.0), 4, controller=ctl, monitor=Shifted(4.0))
    x = 0.5 ** np.arange(1, 5)
    np.testing.assert_array_equal(ctl.seen, 2.0 * (x - 1.0) ** 2)
    np.testing.assert_array_equal(traj.losses[1:], 2.0 * x**2)


def test_early_stopping_on_a_validation_loss_that_turns_up():
    # Train L = 2 x^2 from x = 1 with lr 1/8: x halves each update, 1/2, 1/4, 1/8, ...
    # Validation 2 (x - 0.2)^2: 0.18, 0.005, 0.01125, 0.0282, ... lowest after update 2,
    # so stop_patience 2 stops at update 4, while the training loss still falls.
    class Validation(Line):
        def loss(self, w):
            return 0.5 * self.a * (np.asarray(w)[..., 0] - 0.2) ** 2

    ctl = gd.PlateauController(patience=None, stop_patience=2)
    traj = descend(Line(4.0), gd.SGD(lr=0.125), (1.0, 0.0), 100, controller=ctl, monitor=Validation(4.0))
    assert traj.status == "early_stopped" and traj.steps_done == 4
    assert ctl.best_step == 2 and ctl.best == 2.0 * (0.25 - 0.2) ** 2
    assert np.all(np.diff(traj.losses) < 0)


def test_monitor_needs_a_controller_and_a_loss():
    with pytest.raises(ParameterError, match="'monitor' parameter of descend must be None unless a controller"):
        descend(**BOUNCE, steps=3, monitor=Line(4.0))
    with pytest.raises(ParameterError, match="'monitor' parameter of descend must be an object with loss"):
        descend(**BOUNCE, steps=3, controller=gd.PlateauController(), monitor=3.0)
