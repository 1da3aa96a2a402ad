"""PlateauController against torch ReduceLROnPlateau and hand-derived sequences."""

from __future__ import annotations

import dataclasses
import json
import math
from pathlib import Path

import numpy as np
import pytest

from gdcore._checks import ParameterError
from gdcore.controller import PlateauController

REFERENCE = json.loads((Path(__file__).parent / "reference" / "controller.json").read_text())


def run(ctl, losses, lr):
    """Feed ``losses`` one per update; return the lrs returned and the stop flags."""
    lrs, stops = [], []
    for loss in losses:
        lr, stop = ctl.step(loss, lr)
        lrs.append(lr)
        stops.append(stop)
    return lrs, stops


# ------------------------------------------------------------------ torch references


@pytest.mark.parametrize(
    "case", REFERENCE["cases"], ids=[f"{c['kwargs']}-seq{c['sequence']}" for c in REFERENCE["cases"]]
)
def test_matches_torch_reduce_lr_on_plateau(case):
    ctl = PlateauController(**case["kwargs"])
    lrs, stops = run(ctl, REFERENCE["losses"][case["sequence"]], case["lr"])
    np.testing.assert_allclose(lrs, case["lrs"], rtol=1e-12, atol=0)
    assert ctl.reductions == case["reductions"]
    assert not any(stops) and ctl.reason is None


def test_reference_exercises_every_rule():
    kwargs = [c["kwargs"] for c in REFERENCE["cases"]]
    assert any(k.get("threshold_mode") == "abs" for k in kwargs)
    assert any(k.get("cooldown", 0) > 0 for k in kwargs)
    assert any(k.get("min_lr", 0) > 0 for k in kwargs)
    # eps: the default eps stops reductions that eps=0 lets through.
    tiny = [c for c in REFERENCE["cases"] if c["lr"] == 1e-6 and c["sequence"] == 0]
    default_eps = next(c for c in tiny if "eps" not in c["kwargs"])
    zero_eps = next(c for c in tiny if c["kwargs"].get("eps") == 0.0)
    assert len(default_eps["reductions"]) < len(zero_eps["reductions"])
    assert min(min(seq) for seq in REFERENCE["losses"]) < 0  # torch's rel threshold on negative losses


# ------------------------------------------------------------------ hand-derived cases


def test_constant_loss_patience_two_reduces_at_fourth_call():
    ctl = PlateauController(patience=2)
    lrs, _ = run(ctl, [1.0] * 10, 1.0)
    # Call 1 sets the best; calls 2, 3, 4 are bad; the 3rd bad one (> patience) reduces.
    assert lrs == pytest.approx([1.0, 1.0, 1.0, 0.1, 0.1, 0.1, 0.01, 0.01, 0.01, 0.001])
    assert ctl.reductions == [4, 7, 10]


def test_rel_and_abs_thresholds():
    losses = [1.0, 0.99995, 0.99992, 0.9998]  # improvements of 5e-5, 3e-5, 1.2e-4
    rel = PlateauController(patience=0, factor=0.5, threshold=1e-4)
    lrs, _ = run(rel, losses, 1.0)
    # rel: improving means < best * (1 - 1e-4) = 0.9999 (best stays 1.0 until then).
    # Calls 2 and 3 are bad (a reduction each, patience 0); call 4 improves.
    assert lrs == [1.0, 0.5, 0.25, 0.25]
    abs_ = PlateauController(patience=0, factor=0.5, threshold=2e-5, threshold_mode="abs")
    lrs, _ = run(abs_, losses, 1.0)
    assert lrs == [1.0, 1.0, 1.0, 1.0]  # every step improves by more than 2e-5


def test_cooldown_ignores_bad_steps():
    ctl = PlateauController(patience=1, factor=0.5, cooldown=2)
    lrs, _ = run(ctl, [1.0] * 10, 1.0)
    # Reduce at call 3; calls 4 and 5 are cooldown; bad count restarts at call 6 -> reduce at 7.
    assert ctl.reductions == [3, 7]
    assert lrs[:8] == [1.0, 1.0, 0.5, 0.5, 0.5, 0.5, 0.25, 0.25]


def test_min_lr_and_eps():
    ctl = PlateauController(patience=0, factor=0.1, min_lr=0.03)
    lrs, _ = run(ctl, [1.0] * 4, 1.0)
    assert lrs == [1.0, 0.1, 0.03, 0.03]
    assert ctl.reductions == [2, 3]
    # A reduction of eps or less is skipped: 2e-8 -> 1e-8 lowers it by exactly eps.
    ctl = PlateauController(patience=0, factor=0.5, eps=1e-8)
    lrs, _ = run(ctl, [1.0] * 4, 4e-8)
    assert lrs == [4e-8, 2e-8, 2e-8, 2e-8]
    assert ctl.reductions == [2]


def test_early_stopping_counts_its_own_best():
    # min_delta 0.1: 0.95 and 0.9 are not below 1.0 - 0.1 = 0.9, so the 2nd bad call stops.
    ctl = PlateauController(stop_patience=2, min_delta=0.1)
    lrs, stops = run(ctl, [1.0, 0.95, 0.9], 0.1)
    assert stops == [False, False, True]
    assert ctl.reason == "no_improvement"
    # The lowest loss is still tracked apart from early stopping's reference.
    assert (ctl.best, ctl.best_step) == (0.9, 3)
    assert lrs == [0.1, 0.1, 0.1]


def test_early_stopping_keras_semantics():
    # patience 3: stop on the 3rd consecutive update that does not beat the best.
    ctl = PlateauController(stop_patience=3, patience=100)
    _, stops = run(ctl, [5.0, 4.0, 4.0, 3.0, 3.5, 3.0, 3.2], 0.1)
    assert stops == [False, False, False, False, False, False, True]
    assert ctl.best_step == 4
    ctl = PlateauController(stop_patience=1)
    _, stops = run(ctl, [2.0, 1.0, 1.0], 0.1)
    assert stops == [False, False, True]


def test_stop_below_lr_threshold():
    # The article's rule: reduce on each plateau, stop once the lr is below stop_lr.
    ctl = PlateauController(patience=1, factor=0.5, stop_lr=0.3)
    lrs, stops = run(ctl, [1.0] * 20, 1.0)
    # Reductions at calls 3 (0.5) and 5 (0.25 < 0.3): stop there.
    assert stops.index(True) == 4 and lrs[4] == 0.25
    assert ctl.reason == "lr_below" and ctl.reductions[:2] == [3, 5]
    # An lr already below stop_lr stops at once.
    ctl = PlateauController(stop_lr=0.3)
    assert ctl.step(1.0, 0.2) == (0.2, True)


def test_both_rules_at_once_report_lr_below_and_stop_is_sticky():
    ctl = PlateauController(patience=0, factor=0.1, stop_patience=1, stop_lr=0.5)
    assert ctl.step(1.0, 1.0) == (1.0, False)
    assert ctl.step(1.0, 1.0) == (pytest.approx(0.1), True)
    assert ctl.reason == "lr_below"
    _, stop = ctl.step(0.5, 0.1)  # an improvement does not undo the stop
    assert stop and ctl.reason == "lr_below"


def test_best_and_nan():
    ctl = PlateauController(patience=1)
    assert (ctl.best, ctl.best_step) == (math.inf, None)
    lrs, _ = run(ctl, [3.0, 2.0, float("nan"), 2.5, 1.0, 1.5], 1.0)
    assert (ctl.best, ctl.best_step) == (1.0, 5)
    # torch counts NaN as no improvement: calls 3 and 4 are bad -> reduce at 4.
    assert ctl.reductions == [4]


def test_reset_returns_to_fresh_state():
    case = REFERENCE["cases"][2]
    ctl = PlateauController(stop_patience=5, stop_lr=1e-9, **case["kwargs"])
    run(ctl, [1.0] * 40, 1.0)
    assert ctl.reason is not None and ctl.reductions
    ctl.reset()
    assert (ctl.reason, ctl.best, ctl.best_step, ctl.reductions) == (None, math.inf, None, [])
    fresh = PlateauController(**case["kwargs"])
    again = PlateauController(**case["kwargs"])
    run(again, [1.0] * 40, 1.0)
    again.reset()
    seq = REFERENCE["losses"][case["sequence"]]
    assert run(again, seq, case["lr"])[0] == run(fresh, seq, case["lr"])[0] == case["lrs"]


def test_reductions_is_a_copy_and_hyper_parameters_are_frozen():
    ctl = PlateauController(patience=0)
    run(ctl, [1.0, 1.0], 1.0)
    ctl.reductions.append(99)
    assert ctl.reductions == [2]
    with pytest.raises(dataclasses.FrozenInstanceError):
        ctl.patience = 3
    assert repr(ctl).startswith("PlateauController(factor=0.1, patience=0,")


BAD = [
    ("factor", 1.0), ("factor", -0.1), ("factor", "0.5"),
    ("patience", -1), ("patience", 2.0),
    ("threshold", -1e-4),
    ("threshold_mode", "relative"),
    ("cooldown", -1),
    ("min_lr", -1.0),
    ("eps", float("nan")),
    ("stop_patience", 0), ("stop_patience", 1.5),
    ("min_delta", -0.1),
    ("stop_lr", 0.0), ("stop_lr", -1.0),
]


@pytest.mark.parametrize("name, value", BAD, ids=[f"{n}={v!r}" for n, v in BAD])
def test_bad_parameters_name_themselves(name, value):
    with pytest.raises(ParameterError, match=rf"^The '{name}' parameter of PlateauController must be "):
        PlateauController(**{name: value})


def test_step_wants_one_scalar_loss():
    with pytest.raises(ParameterError, match=r"'loss' parameter of PlateauController.step"):
        PlateauController().step(np.array([1.0, 2.0]), 0.1)


# ------------------------------------------------ regressions (issue 11, bug 6) and the new rules


@pytest.mark.parametrize("loss, lr, name", [
    ("1.0", 0.1, "loss"), (True, 0.1, "loss"), (1 + 0j, 0.1, "loss"), (None, 0.1, "loss"), ([1.0], 0.1, "loss"),
    (1.0, "0.1", "lr"), (1.0, -1.0, "lr"), (1.0, float("nan"), "lr"), (1.0, float("inf"), "lr"), (1.0, None, "lr"),
    (1.0, True, "lr"),
])
def test_step_checks_its_arguments(loss, lr, name):
    ctl = PlateauController(patience=0)
    with pytest.raises(ParameterError, match=rf"^The '{name}' parameter of PlateauController.step must be .* Got .* instead\.$"):
        ctl.step(loss, lr)
    assert ctl.best == math.inf  # a refused call leaves no trace


def test_step_takes_numpy_scalars_and_a_diverging_loss():
    ctl = PlateauController(patience=0)
    assert ctl.step(np.float32(2.0), np.float64(1.0)) == (1.0, False)
    assert ctl.step(np.array(3.0), 1.0) == (pytest.approx(0.1), False)  # 3 does not improve on 2
    assert ctl.step(float("inf"), 0.1)[0] == pytest.approx(0.01)  # neither does inf: data, not an error


def test_patience_none_turns_the_plateau_rule_off():
    ctl = PlateauController(patience=None)
    lrs, stops = run(ctl, [1.0] * 50, 0.3)
    assert lrs == [0.3] * 50 and not any(stops) and ctl.reductions == []
    ctl = PlateauController(patience=None, stop_patience=4)
    lrs, stops = run(ctl, [1.0] * 10, 0.3)
    assert lrs[:5] == [0.3] * 5 and stops.index(True) == 4


def torch_is_better(mode, threshold_mode, threshold, a, best):
    """torch.optim.lr_scheduler.ReduceLROnPlateau.is_better, written out from its source."""
    if mode == "min" and threshold_mode == "rel":
        return a < best * (1.0 - threshold)
    if mode == "min":
        return a < best - threshold
    if threshold_mode == "rel":
        return a > best * (threshold + 1.0)
    return a > best + threshold


def torch_reduce_on_plateau(seq, lr, mode, factor, patience, threshold, threshold_mode, cooldown=0, min_lr=0.0, eps=1e-8):
    """torch ReduceLROnPlateau.step and _reduce_lr, line by line: the lr after each call."""
    best = math.inf if mode == "min" else -math.inf
    bad = cool = 0
    out = []
    for a in seq:
        if torch_is_better(mode, threshold_mode, threshold, a, best):
            best, bad = a, 0
        else:
            bad += 1
        if cool > 0:
            cool -= 1
            bad = 0
        if bad > patience:
            new = max(lr * factor, min_lr)
            if lr - new > eps:
                lr = new
            cool, bad = cooldown, 0
        out.append(lr)
    return out


# An accuracy that rises by shrinking steps, plateaus, and has a negative stretch too (rel on negatives).
SCORES = [0.5, 0.6, 0.65, 0.66, 0.6601, 0.66015, 0.6602, 0.7, 0.7, 0.69, 0.70005, 0.7001, 0.71]
SIGNED = [s - 1.0 for s in SCORES]


@pytest.mark.parametrize("seq", [SCORES, SIGNED], ids=["positive", "negative"])
@pytest.mark.parametrize("threshold_mode, threshold", [("rel", 1e-4), ("rel", 0.01), ("abs", 1e-4), ("abs", 0.02)])
@pytest.mark.parametrize("patience, cooldown", [(0, 0), (1, 1), (2, 0)])
def test_mode_max_is_torch_reduce_lr_on_plateau(seq, threshold_mode, threshold, patience, cooldown):
    ctl = PlateauController(mode="max", factor=0.5, patience=patience, threshold=threshold,
                            threshold_mode=threshold_mode, cooldown=cooldown)
    lrs, _ = run(ctl, seq, 1.0)
    assert lrs == torch_reduce_on_plateau(seq, 1.0, "max", 0.5, patience, threshold, threshold_mode, cooldown)


def test_mode_max_with_rel_is_not_mode_min_on_the_negated_metric():
    # best 1.0, threshold 0.1: max/rel wants a > 1.1, so 1.05 never improves. min/rel on -a
    # wants -a < best * 0.9, which for a negative best lies above it: -1.05 < -0.9 improves,
    # and then -1.05 < -1.05 * 0.9 = -0.945 again, every time: the lr is never cut.
    seq = [1.0, 1.05, 1.05, 1.05]
    as_max = PlateauController(mode="max", patience=0, factor=0.5, threshold=0.1)
    negated = PlateauController(mode="min", patience=0, factor=0.5, threshold=0.1)
    assert run(as_max, seq, 1.0)[0] == [1.0, 0.5, 0.25, 0.125]
    assert run(negated, [-a for a in seq], 1.0)[0] == [1.0, 1.0, 1.0, 1.0]
    # abs is symmetric: there negating is the same rule.
    a = PlateauController(mode="max", patience=0, factor=0.5, threshold=0.1, threshold_mode="abs")
    b = PlateauController(mode="min", patience=0, factor=0.5, threshold=0.1, threshold_mode="abs")
    assert run(a, seq, 1.0)[0] == run(b, [-x for x in seq], 1.0)[0]


def test_mode_max_early_stopping_and_best_follow_keras():
    # Keras EarlyStopping(mode="max"): improvement when current - min_delta > best.
    ctl = PlateauController(mode="max", patience=None, stop_patience=2, min_delta=0.05)
    assert ctl.best == -math.inf
    _, stops = run(ctl, [0.5, 0.6, 0.64, 0.645, 0.7, 0.72], 0.1)
    # 0.6 > 0.5 + 0.05 improves; 0.64 and 0.645 are not above 0.65: the 2nd of them stops.
    assert stops == [False, False, False, True, True, True]
    assert ctl.reason == "no_improvement"
    assert (ctl.best, ctl.best_step) == (0.72, 6)  # the highest value seen
