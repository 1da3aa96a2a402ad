"""Tests for gdcore.optimizers.

Two independent references: gradients and weights recorded from torch.optim
(tests/reference/generate_optimizers.py), replayed through our step(); and
updates derived by hand in this file.
"""

import dataclasses
import json
from pathlib import Path

import numpy as np
import pytest

from gdcore._checks import ParameterError
from gdcore.optimizers import SGD, Adagrad, Adam, AdamW, RMSprop

REFERENCE = json.loads((Path(__file__).parent / "reference" / "optimizers.json").read_text())
RUNS = {run["name"]: run for run in REFERENCE["runs"]}
CLASSES = {"SGD": SGD, "Adagrad": Adagrad, "RMSprop": RMSprop, "Adam": Adam, "AdamW": AdamW}


def _kwargs(kwargs):
    # JSON turns the betas tuple into a list; our API takes the tuple torch takes.
    return {k: tuple(v) if k == "betas" else v for k, v in kwargs.items()}


def _replay(opt, run, lrs):
    """Feed the recorded gradients to opt; return the weights after every step."""
    w = np.array(REFERENCE["start"])
    state = opt.init(w)
    weights = []
    for t, g in enumerate(np.array(run["grads"])):
        w, state = opt.step(w, g, state, None if lrs is None else lrs[t])
        weights.append(w)
    assert state.step == REFERENCE["steps"]
    return np.array(weights)


# --- PyTorch reference -------------------------------------------------------


@pytest.mark.parametrize("name", list(RUNS))
def test_every_weight_matches_pytorch(name):
    run = RUNS[name]
    opt = CLASSES[run["optimizer"]](**_kwargs(run["kwargs"]))
    ours = _replay(opt, run, run["lrs"])
    expected = np.array(run["weights"][1:])
    for t in range(REFERENCE["steps"]):
        np.testing.assert_allclose(ours[t], expected[t], rtol=1e-9, atol=0, err_msg=f"step {t + 1}")


def test_reference_covers_every_optimizer_and_option():
    used = {(run["optimizer"], key) for run in RUNS.values() for key in run["kwargs"]}
    for cls_name, cls in CLASSES.items():
        for field in dataclasses.fields(cls):
            assert (cls_name, field.name) in used, (cls_name, field.name)
    assert {run["optimizer"] for run in RUNS.values() if run["lrs"]} == set(CLASSES)


# Each recorded run must actually exercise its option: dropping the option (back to
# the default) or the changing lr moves the path far beyond the 1e-9 tolerance.
@pytest.mark.parametrize(
    "name, option",
    [
        ("sgd_momentum", "momentum"),
        ("sgd_dampening", "dampening"),
        ("sgd_nesterov", "nesterov"),
        ("sgd_weight_decay", "weight_decay"),
        ("adagrad_lr_decay", "lr_decay"),
        ("adagrad_initial_accumulator", "initial_accumulator_value"),
        ("adagrad_initial_accumulator", "eps"),
        ("adagrad_weight_decay", "weight_decay"),
        ("rmsprop_alpha", "alpha"),
        ("rmsprop_alpha", "eps"),
        ("rmsprop_centered", "centered"),
        ("rmsprop_momentum", "momentum"),
        ("rmsprop_weight_decay", "weight_decay"),
        ("adam_betas_eps", "betas"),
        ("adam_betas_eps", "eps"),
        ("adam_weight_decay", "weight_decay"),
        ("adam_amsgrad", "amsgrad"),
        ("adamw_weight_decay", "weight_decay"),
        ("adamw_amsgrad", "amsgrad"),
        ("sgd_momentum_lr_schedule", "lrs"),
        ("sgd_nesterov_lr_schedule", "lrs"),
        ("adagrad_lr_schedule", "lrs"),
        ("rmsprop_lr_schedule", "lrs"),
        ("adam_lr_schedule", "lrs"),
        ("adamw_lr_schedule", "lrs"),
    ],
)
def test_reference_runs_exercise_their_option(name, option):
    run = RUNS[name]
    kwargs = {k: v for k, v in _kwargs(run["kwargs"]).items() if k != option}
    lrs = None if option == "lrs" else run["lrs"]
    assert option == "lrs" or option in run["kwargs"]
    ours = _replay(CLASSES[run["optimizer"]](**kwargs), run, lrs)
    expected = np.array(run["weights"][1:])
    assert np.max(np.abs(ours - expected) / np.abs(expected)) > 1e-6


def test_adamw_decay_is_decoupled_from_adam_l2():
    run = RUNS["adamw_weight_decay"]
    ours = _replay(Adam(**_kwargs(run["kwargs"])), run, None)
    assert np.max(np.abs(ours[-1] - np.array(run["weights"][-1]))) > 1e-3


@pytest.mark.parametrize("cls_name", list(CLASSES))
def test_defaults_and_names_are_torchs(cls_name):
    ours = {f.name: f.default for f in dataclasses.fields(CLASSES[cls_name])}
    torch_defaults = {k: tuple(v) if k == "betas" else v for k, v in REFERENCE["defaults"][cls_name].items()}
    assert ours == torch_defaults


# --- hand-derived ------------------------------------------------------------


@pytest.mark.parametrize("betas", [(0.9, 0.999), (0.5, 0.9), (0.0, 0.0)])
@pytest.mark.parametrize("amsgrad", [False, True])
def test_adam_first_step_is_lr_times_sign_of_g(betas, amsgrad):
    # m_hat_1 = g and v_hat_1 = g^2 for any betas, so the step is lr g / (|g| + eps).
    lr, eps = 0.01, 1e-8
    w0 = np.array([[1.0, -2.0], [0.5, 3.0]])
    g = np.array([[3.0, -1e-3], [-250.0, 0.5]])
    w1, _ = Adam(lr=lr, betas=betas, eps=eps, amsgrad=amsgrad).step(w0, g, Adam().init(w0))
    np.testing.assert_allclose(w1, w0 - lr * g / (np.abs(g) + eps), rtol=1e-14)
    # Off lr sign(g) by at most lr eps / |g|, plus rounding of weights of size ~1.
    assert np.all(np.abs(w1 - (w0 - lr * np.sign(g))) <= lr * eps / np.abs(g) + 1e-15)


def test_adamw_first_step_decays_then_moves_by_lr():
    lr, wd = 0.1, 0.5
    w0 = np.array([1.0, -2.0])
    g = np.array([3.0, -0.001])
    w1, _ = AdamW(lr=lr, weight_decay=wd, eps=0.0).step(w0, g, AdamW().init(w0))
    np.testing.assert_allclose(w1, w0 * (1 - lr * wd) - lr * np.sign(g), rtol=1e-15)


@pytest.mark.parametrize("lr", [0.1, 0.5, 0.9])
def test_sgd_on_a_quadratic_contracts_by_one_minus_lr_lambda(lr):
    # f = 0.5 * (l1 x^2 + l2 y^2); grad = lam * w, so w_t = (1 - lr lam)^t w_0.
    lam = np.array([0.5, 3.0])
    w0 = np.array([2.0, -1.0])
    opt = SGD(lr=lr)
    w, state = w0, opt.init(w0)
    for t in range(1, 21):
        w_next, state = opt.step(w, lam * w, state)
        np.testing.assert_allclose(np.abs(w_next / w), np.abs(1 - lr * lam), rtol=1e-13)
        np.testing.assert_allclose(w_next, (1 - lr * lam) ** t * w0, rtol=1e-12)
        w = w_next
    if lr * lam[1] > 2:  # beyond the stability bound 2 / lambda the iterate grows
        assert abs(w[1]) > abs(w0[1])


def test_sgd_momentum_first_two_steps_by_hand():
    # mu = 0.9, tau = 0.25, lr 0.1 then 0.2 (as a schedule would give).
    opt = SGD(lr=0.1, momentum=0.9, dampening=0.25)
    w0 = np.array([1.0, -2.0])
    g1, g2 = np.array([2.0, 4.0]), np.array([-1.0, 0.5])
    w1, s1 = opt.step(w0, g1, opt.init(w0))
    # b1 = g1 itself (undamped); w1 = w0 - 0.1 g1
    np.testing.assert_allclose(s1.momentum_buffer, [2.0, 4.0], rtol=1e-15)
    np.testing.assert_allclose(w1, [0.8, -2.4], rtol=1e-15)
    w2, s2 = opt.step(w1, g2, s1, lr=0.2)
    # b2 = 0.9 (2, 4) + 0.75 (-1, 0.5) = (1.05, 3.975); w2 = w1 - 0.2 b2
    np.testing.assert_allclose(s2.momentum_buffer, [1.05, 3.975], rtol=1e-15)
    np.testing.assert_allclose(w2, [0.59, -3.195], rtol=1e-15)
    assert s2.step == 2


def test_sgd_nesterov_first_two_steps_by_hand():
    opt = SGD(lr=0.1, momentum=0.9, nesterov=True)
    w0 = np.array([1.0, -2.0])
    g1, g2 = np.array([2.0, 4.0]), np.array([-1.0, 0.5])
    w1, s1 = opt.step(w0, g1, opt.init(w0))
    # b1 = g1; d1 = g1 + 0.9 b1 = (3.8, 7.6)
    np.testing.assert_allclose(w1, [0.62, -2.76], rtol=1e-15)
    w2, _ = opt.step(w1, g2, s1)
    # b2 = 0.9 (2, 4) + (-1, 0.5) = (0.8, 4.1); d2 = g2 + 0.9 b2 = (-0.28, 4.19)
    np.testing.assert_allclose(w2, [0.648, -3.179], rtol=1e-15)


def test_adagrad_constant_gradient_closed_form():
    # With a constant g the sum after t steps is tau + t g^2.
    lr, eta, tau, eps = 0.5, 0.2, 0.3, 1e-10
    g = np.array([2.0, -0.1])
    opt = Adagrad(lr=lr, lr_decay=eta, initial_accumulator_value=tau, eps=eps)
    w = np.array([0.0, 0.0])
    state = opt.init(w)
    expected = w.copy()
    for t in range(1, 6):
        w, state = opt.step(w, g, state)
        expected = expected - lr / (1 + (t - 1) * eta) * g / (np.sqrt(tau + t * g**2) + eps)
        np.testing.assert_allclose(w, expected, rtol=1e-14)


def test_rmsprop_first_step_by_hand():
    # v1 = (1 - alpha) g^2, so the first step is lr g / (sqrt(1 - alpha) |g| + eps).
    lr, alpha, eps = 0.01, 0.99, 1e-8
    w0, g = np.array([1.0, 1.0]), np.array([4.0, -0.5])
    w1, _ = RMSprop(lr=lr, alpha=alpha, eps=eps).step(w0, g, RMSprop().init(w0))
    np.testing.assert_allclose(w1, w0 - lr * g / (np.sqrt(1 - alpha) * np.abs(g) + eps), rtol=1e-14)


# --- API contract -------------------------------------------------------------

CONFIGURED = [
    SGD(lr=0.05, momentum=0.9, dampening=0.1, weight_decay=0.1),
    SGD(lr=0.05, momentum=0.9, nesterov=True),
    SGD(lr=0.05),
    Adagrad(lr=0.1, lr_decay=0.1, weight_decay=0.1, initial_accumulator_value=0.2),
    RMSprop(lr=0.01, momentum=0.5, centered=True, weight_decay=0.1),
    RMSprop(lr=0.01),
    Adam(lr=0.01, amsgrad=True, weight_decay=0.1),
    AdamW(lr=0.01, amsgrad=True),
]


@pytest.mark.parametrize("opt", CONFIGURED, ids=repr)
def test_batched_rows_equal_separate_runs(opt):
    rng = np.random.default_rng(0)
    starts = rng.normal(size=(5, 2))
    grads = rng.normal(scale=3.0, size=(8, 5, 2))
    lrs = [None, 0.02, None, 0.03, 0.01, None, 0.02, 0.05]
    w, state = starts, opt.init(starts)
    for g, lr in zip(grads, lrs):
        w, state = opt.step(w, g, state, lr)
    for b in range(5):
        wb, sb = starts[b], opt.init(starts[b])
        for g, lr in zip(grads, lrs):
            wb, sb = opt.step(wb, g[b], sb, lr)
        np.testing.assert_array_equal(w[b], wb)


@pytest.mark.parametrize("opt", CONFIGURED, ids=repr)
def test_step_does_not_mutate_or_alias_its_inputs(opt):
    rng = np.random.default_rng(1)
    w = rng.normal(size=(3, 2))
    state = opt.init(w)
    for _ in range(3):  # the first step takes its own branch in SGD
        g = rng.normal(size=(3, 2))
        before = (w.copy(), g.copy(), [np.copy(x) for x in state])
        w_new, state_new = opt.step(w, g, state)
        np.testing.assert_array_equal(w, before[0])
        np.testing.assert_array_equal(g, before[1])
        for x, x_before in zip(state, before[2]):
            np.testing.assert_array_equal(x, x_before)
        for x in (w_new, *state_new):
            assert not np.shares_memory(x, w) and not np.shares_memory(x, g)
        w, state = w_new, state_new


def test_lr_none_means_the_optimizers_lr():
    opt = Adam(lr=0.03, amsgrad=True)
    w, g = np.array([1.0, -1.0]), np.array([0.3, 2.0])
    state = opt.init(w)
    default, _ = opt.step(w, g, state)
    explicit, _ = opt.step(w, g, state, lr=0.03)
    other, _ = opt.step(w, g, state, lr=0.3)
    np.testing.assert_array_equal(default, explicit)
    assert not np.allclose(default, other)


def test_names_and_frozen_hyper_parameters():
    assert [cls.name for cls in CLASSES.values()] == ["sgd", "adagrad", "rmsprop", "adam", "adamw"]
    opt = Adam(betas=[0.8, 0.9], lr=1)
    assert opt.betas == (0.8, 0.9) and type(opt.lr) is float
    with pytest.raises(dataclasses.FrozenInstanceError):
        opt.lr = 0.5


def test_error_message_shape():
    with pytest.raises(ParameterError) as info:
        Adam(lr=-1)
    assert str(info.value) == "The 'lr' parameter of Adam must be a float >= 0. Got -1 instead."


@pytest.mark.parametrize(
    "cls, kwargs, name",
    [
        (SGD, {"lr": -1.0}, "lr"),
        (SGD, {"lr": float("nan")}, "lr"),
        (SGD, {"lr": "0.1"}, "lr"),
        (SGD, {"lr": True}, "lr"),
        (SGD, {"momentum": -0.1}, "momentum"),
        (SGD, {"dampening": -0.1}, "dampening"),
        (SGD, {"dampening": 1.5}, "dampening"),
        (SGD, {"weight_decay": -1.0}, "weight_decay"),
        (SGD, {"nesterov": "yes"}, "nesterov"),
        (SGD, {"nesterov": 1}, "nesterov"),
        (SGD, {"nesterov": True}, "nesterov"),
        (SGD, {"nesterov": True, "momentum": 0.9, "dampening": 0.1}, "nesterov"),
        (Adagrad, {"lr": -0.1}, "lr"),
        (Adagrad, {"lr_decay": -0.1}, "lr_decay"),
        (Adagrad, {"weight_decay": -0.1}, "weight_decay"),
        (Adagrad, {"initial_accumulator_value": -1.0}, "initial_accumulator_value"),
        (Adagrad, {"eps": -1e-10}, "eps"),
        (Adagrad, {"eps": float("inf")}, "eps"),
        (RMSprop, {"lr": -0.1}, "lr"),
        (RMSprop, {"alpha": 1.0}, "alpha"),
        (RMSprop, {"alpha": -0.1}, "alpha"),
        (RMSprop, {"eps": -1.0}, "eps"),
        (RMSprop, {"weight_decay": -1.0}, "weight_decay"),
        (RMSprop, {"momentum": -0.5}, "momentum"),
        (RMSprop, {"centered": None}, "centered"),
        (Adam, {"lr": -0.1}, "lr"),
        (Adam, {"betas": (1.0, 0.999)}, "betas"),
        (Adam, {"betas": (0.9, 1.0)}, "betas"),
        (Adam, {"betas": (-0.1, 0.999)}, "betas"),
        (Adam, {"betas": (0.9, float("nan"))}, "betas"),
        (Adam, {"betas": (0.9, "0.9")}, "betas"),
        (Adam, {"betas": (0.9,)}, "betas"),
        (Adam, {"betas": 0.9}, "betas"),
        (Adam, {"eps": -1.0}, "eps"),
        (Adam, {"weight_decay": -1.0}, "weight_decay"),
        (Adam, {"amsgrad": "no"}, "amsgrad"),
        (AdamW, {"lr": -0.1}, "lr"),
        (AdamW, {"betas": (0.9, 1.5)}, "betas"),
        (AdamW, {"weight_decay": -0.01}, "weight_decay"),
        (AdamW, {"amsgrad": 0}, "amsgrad"),
    ],
)
def test_bad_parameters_raise_naming_the_parameter(cls, kwargs, name):
    with pytest.raises(ParameterError, match=rf"^The '{name}' parameter of {cls.__name__} must be"):
        cls(**kwargs)


@pytest.mark.parametrize("w", [np.zeros(()), np.zeros((4, 0)), np.array([1.0, np.nan]), "ab"])
@pytest.mark.parametrize("cls", list(CLASSES.values()))
def test_init_rejects_bad_points(cls, w):
    with pytest.raises(ParameterError, match=rf"^The 'w' parameter of {cls.__name__}.init must be"):
        cls().init(w)


@pytest.mark.parametrize("cls", list(CLASSES.values()))
def test_any_number_of_weights_steps_coordinate_by_coordinate(cls):
    """Optimizers act per coordinate: a (4, 3) batch of 3-weight points steps as each coordinate alone."""
    opt = cls()
    w = np.arange(12.0).reshape(4, 3) - 5.0
    g = np.sin(w)
    w1, _ = opt.step(w, g, opt.init(w))
    for i in range(4):
        for j in range(3):
            alone, _ = opt.step(w[i, j:j + 1], g[i, j:j + 1], opt.init(w[i, j:j + 1]))
            np.testing.assert_allclose(w1[i, j], alone[0], rtol=1e-15)


# --- regressions (issue 11, bugs 6, 8, 12) ------------------------------------

#: Every configuration that leaves some buffer unused, and some that use them all.
CONFIGS = [
    SGD(lr=0.1), SGD(lr=0.1, momentum=0.9), SGD(lr=0.1, momentum=0.9, nesterov=True),
    Adagrad(lr=0.1), RMSprop(lr=0.1), RMSprop(lr=0.1, centered=True, momentum=0.5),
    Adam(lr=0.1), Adam(lr=0.1, amsgrad=True), AdamW(lr=0.1), AdamW(lr=0.1, amsgrad=True),
]
IDS = [repr(opt) for opt in CONFIGS]


def _arrays(state):
    return [v for v in state if isinstance(v, np.ndarray)]


@pytest.mark.parametrize("opt", CONFIGS, ids=IDS)
def test_step_never_returns_state_sharing_memory_with_its_inputs(opt):
    w, g = np.array([1.0, -2.0]), np.array([0.5, 0.25])
    state = opt.init(w)
    fields = _arrays(state)
    assert not any(np.shares_memory(a, b) for i, a in enumerate(fields) for b in fields[i + 1:])
    for _ in range(3):
        w_new, new = opt.step(w, g, state)
        inputs = [w, g] + _arrays(state)
        outputs = [w_new] + _arrays(new)
        assert not any(np.shares_memory(out, inp) for out in outputs for inp in inputs)
        assert not any(np.shares_memory(a, b) for i, a in enumerate(outputs) for b in outputs[i + 1:])
        w, state = w_new, new


def _other_state(opt, w):
    return (Adam() if isinstance(opt, SGD) else SGD()).init(w)


@pytest.mark.parametrize("opt", CONFIGS, ids=IDS)
def test_step_checks_every_argument(opt):
    owner = f"{type(opt).__name__}.step"
    w, g = np.array([1.0, -2.0]), np.array([0.5, 0.25])
    state = opt.init(w)
    bad = [
        ({"state": _other_state(opt, w)}, "state"),
        ({"state": opt.init(np.ones((3, 2)))}, "state"),  # made for another shape: no silent broadcast
        ({"state": None}, "state"),
        ({"state": state._replace(step=-1)}, "state"),
        ({"state": state._replace(step=1.5)}, "state"),
        ({"lr": -1.0}, "lr"),  # would ascend
        ({"lr": float("nan")}, "lr"),
        ({"lr": "0.1"}, "lr"),
        ({"g": np.array([np.nan, 0.0])}, "g"),  # would give NaN weights
        ({"g": np.array([np.inf, 0.0])}, "g"),
        ({"g": np.ones((3, 2))}, "g"),
        ({"g": np.array([1 + 1j, 0])}, "g"),
        ({"g": np.array([True, False])}, "g"),
        ({"w": np.array([np.nan, 0.0])}, "w"),
        ({"w": "ab"}, "w"),
        ({"w": np.zeros(3)}, "g"),  # any number of weights is fine; g must match w's shape
        ({"w": np.zeros(())}, "w"),
    ]
    for change, name in bad:
        args = {"w": w, "g": g, "state": state, "lr": None}
        args.update(change)
        with pytest.raises(ParameterError, match=rf"^The '{name}' parameter of {owner} must be .* Got .* instead\.$"):
            opt.step(args["w"], args["g"], args["state"], args["lr"])


def test_a_nan_in_the_state_is_refused():
    opt = Adam(lr=0.1)
    state = opt.init(np.zeros(2))._replace(exp_avg=np.array([np.nan, 0.0]))
    with pytest.raises(ParameterError, match="'state' parameter of Adam.step must be an AdamState whose exp_avg holds no NaN"):
        opt.step(np.zeros(2), np.ones(2), state)


def test_adagrad_with_a_huge_gradient_is_torch_and_silent():
    # In float64, torch's sum.addcmul_(g, g) overflows to inf and the step g / (sqrt(inf) + eps)
    # is 0: the weights stay. The same here, without a RuntimeWarning.
    import warnings

    opt = Adagrad(lr=0.5)
    w = np.array([1.0, 1.0])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        w_new, state = opt.step(w, np.array([1e200, 1.0]), opt.init(w))
    np.testing.assert_array_equal(state.sum, [np.inf, 1.0])
    np.testing.assert_allclose(w_new, [1.0, 1.0 - 0.5 / (1.0 + 1e-10)], rtol=1e-15)


def test_step_accepts_read_only_and_list_inputs_and_changes_none():
    opt = Adam(lr=0.1, amsgrad=True)
    w = np.array([1.0, -2.0])
    state = opt.init(w)
    for array in [w] + _arrays(state):
        array.flags.writeable = False
    w_new, new = opt.step(w, [3.0, -0.001], state)
    # The first Adam step is lr * sign(g), up to eps (see Adam's docstring).
    np.testing.assert_allclose(w_new, [0.9, -1.9], rtol=1e-6)
    np.testing.assert_array_equal(w, [1.0, -2.0])
    assert state.step == 0 and new.step == 1
