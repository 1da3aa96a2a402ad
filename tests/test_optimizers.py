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
from gdcore.optimizers import SGD, Adadelta, Adagrad, Adam, Adamax, AdamW, NAdam, RAdam, RMSprop

REFERENCE = json.loads((Path(__file__).parent / "reference" / "optimizers.json").read_text())
RUNS = {run["name"]: run for run in REFERENCE["runs"]}
CLASSES = {"SGD": SGD, "Adagrad": Adagrad, "RMSprop": RMSprop, "Adam": Adam, "AdamW": AdamW,
           "NAdam": NAdam, "RAdam": RAdam, "Adamax": Adamax, "Adadelta": Adadelta}


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
        ("sgd_maximize", "maximize"),
        ("adagrad_maximize", "maximize"),
        ("rmsprop_maximize", "maximize"),
        ("adam_maximize", "maximize"),
        ("adamw_maximize", "maximize"),
        ("nadam_betas_eps", "betas"),
        ("nadam_betas_eps", "eps"),
        ("nadam_momentum_decay", "momentum_decay"),
        ("nadam_weight_decay", "weight_decay"),
        ("nadam_decoupled_weight_decay", "decoupled_weight_decay"),
        ("nadam_maximize", "maximize"),
        ("nadam_lr_schedule", "lrs"),
        ("radam_betas_eps", "betas"),
        ("radam_betas_eps", "eps"),
        ("radam_weight_decay", "weight_decay"),
        ("radam_decoupled_weight_decay", "decoupled_weight_decay"),
        ("radam_maximize", "maximize"),
        ("radam_lr_schedule", "lrs"),
        ("adamax_betas_eps", "betas"),
        ("adamax_betas_eps", "eps"),
        ("adamax_weight_decay", "weight_decay"),
        ("adamax_maximize", "maximize"),
        ("adamax_lr_schedule", "lrs"),
        ("adadelta_lr", "lr"),
        ("adadelta_rho_eps", "rho"),
        ("adadelta_rho_eps", "eps"),
        ("adadelta_weight_decay", "weight_decay"),
        ("adadelta_maximize", "maximize"),
        ("adadelta_lr_schedule", "lrs"),
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


@pytest.mark.parametrize("betas", [(0.9, 0.999), (0.5, 0.9), (0.0, 0.0)])
def test_adamax_first_step_is_lr_times_sign_of_g(betas):
    # m_1 = (1 - beta1) g, u_1 = |g| + eps and the bias correction is 1 - beta1: lr g / (|g| + eps).
    lr, eps = 0.01, 1e-8
    w0 = np.array([[1.0, -2.0], [0.5, 3.0]])
    g = np.array([[3.0, -1e-3], [-250.0, 0.5]])
    opt = Adamax(lr=lr, betas=betas, eps=eps)
    w1, s1 = opt.step(w0, g, opt.init(w0))
    np.testing.assert_allclose(w1, w0 - lr * g / (np.abs(g) + eps), rtol=1e-14)
    assert np.all(np.abs(w1 - (w0 - lr * np.sign(g))) <= lr * eps / np.abs(g) + 1e-15)
    np.testing.assert_array_equal(s1.exp_inf, np.abs(g) + eps)


def test_adamax_second_step_by_hand():
    # beta1 = 0.5, beta2 = 0.9, eps = 0: u_2 = max(0.9 |g1|, |g2|), m_2 = 0.25 g1 + 0.5 g2, lr / 0.75.
    opt = Adamax(lr=0.3, betas=(0.5, 0.9), eps=0.0)
    w0, g1, g2 = np.array([1.0, -1.0]), np.array([2.0, -4.0]), np.array([1.0, -1.0])
    w1, s1 = opt.step(w0, g1, opt.init(w0))
    w2, s2 = opt.step(w1, g2, s1)
    np.testing.assert_allclose(s2.exp_inf, [1.8, 3.6], rtol=1e-15)
    np.testing.assert_allclose(w2, w1 - 0.3 / 0.75 * np.array([1.0, -1.5]) / np.array([1.8, 3.6]), rtol=1e-15)


@pytest.mark.parametrize("rho, eps", [(0.9, 1e-6), (0.5, 1e-4), (0.0, 1e-2)])
def test_adadelta_first_two_steps_by_hand(rho, eps):
    lr = 2.0
    w0, g1, g2 = np.array([1.0, -2.0]), np.array([3.0, -0.5]), np.array([-1.0, 0.25])
    opt = Adadelta(lr=lr, rho=rho, eps=eps)
    w1, s1 = opt.step(w0, g1, opt.init(w0))
    # v_1 = (1 - rho) g1^2; u_0 = 0, so Delta_1 = sqrt(eps) g1 / sqrt(v_1 + eps).
    d1 = np.sqrt(eps) * g1 / np.sqrt((1 - rho) * g1**2 + eps)
    np.testing.assert_allclose(w1, w0 - lr * d1, rtol=1e-14)
    np.testing.assert_allclose(s1.acc_delta, (1 - rho) * d1**2, rtol=1e-14)
    w2, _ = opt.step(w1, g2, s1)
    v2 = rho * (1 - rho) * g1**2 + (1 - rho) * g2**2
    d2 = np.sqrt((1 - rho) * d1**2 + eps) / np.sqrt(v2 + eps) * g2
    np.testing.assert_allclose(w2, w1 - lr * d2, rtol=1e-14)


def test_adadelta_first_step_size_with_the_defaults():
    # g^2 >> eps: |Delta_1| ~ sqrt(eps / (1 - rho)) = sqrt(1e-5), whatever the gradient's size.
    w0, g = np.zeros(3), np.array([2.0, -30.0, 500.0])
    w1, _ = Adadelta().step(w0, g, Adadelta().init(w0))
    np.testing.assert_allclose(np.abs(w1), np.sqrt(1e-5), rtol=1e-4)
    np.testing.assert_array_equal(np.sign(w1), -np.sign(g))


def test_adadelta_with_rho_one_is_sgd():
    # rho = 1 keeps both averages at 0, so Delta_t = sqrt(eps) / sqrt(eps) g = g.
    opt, sgd = Adadelta(lr=0.1, rho=1.0), SGD(lr=0.1)
    w, s, w_sgd, s_sgd = np.array([1.0, -2.0]), None, np.array([1.0, -2.0]), None
    s, s_sgd = opt.init(w), sgd.init(w)
    for g in ([3.0, -0.5], [1.0, 2.0], [-4.0, 0.1]):
        w, s = opt.step(w, np.array(g), s)
        w_sgd, s_sgd = sgd.step(w_sgd, np.array(g), s_sgd)
        np.testing.assert_allclose(w, w_sgd, rtol=1e-15)


@pytest.mark.parametrize("betas, psi", [((0.9, 0.999), 4e-3), ((0.5, 0.9), 0.1), ((0.9, 0.999), 0.0)])
def test_nadam_first_two_steps_by_hand(betas, psi):
    lr, eps = 0.1, 1e-8
    b1, b2 = betas
    mu = [b1 * (1 - 0.5 * 0.96 ** (t * psi)) for t in (1, 2, 3)]
    w0, g1, g2 = np.array([1.0, -2.0]), np.array([3.0, -0.5]), np.array([-1.0, 0.25])
    opt = NAdam(lr=lr, betas=betas, eps=eps, momentum_decay=psi)
    w1, s1 = opt.step(w0, g1, opt.init(w0))
    # m_1 = (1 - b1) g1, v_hat_1 = g1^2: the gradient term has weight (1 - mu_1) / (1 - mu_1) = 1.
    m_hat = mu[1] * (1 - b1) * g1 / (1 - mu[0] * mu[1]) + g1
    np.testing.assert_allclose(w1, w0 - lr * m_hat / (np.abs(g1) + eps), rtol=1e-14)
    assert s1.mu_product == pytest.approx(mu[0], rel=1e-15)
    w2, s2 = opt.step(w1, g2, s1, lr=0.05)
    m2 = b1 * (1 - b1) * g1 + (1 - b1) * g2
    v_hat = (b2 * (1 - b2) * g1**2 + (1 - b2) * g2**2) / (1 - b2**2)
    m_hat = mu[2] * m2 / (1 - mu[0] * mu[1] * mu[2]) + (1 - mu[1]) * g2 / (1 - mu[0] * mu[1])
    np.testing.assert_allclose(w2, w1 - 0.05 * m_hat / (np.sqrt(v_hat) + eps), rtol=1e-14)
    assert s2.mu_product == pytest.approx(mu[0] * mu[1], rel=1e-15)


def test_radam_is_momentum_sgd_until_rho_passes_5_then_rectified():
    lr, b1, b2 = 0.01, 0.9, 0.999
    rho_inf = 2 / (1 - b2) - 1
    rho = [rho_inf - 2 * t * b2**t / (1 - b2**t) for t in range(1, 7)]
    assert max(rho[:5]) <= 5 < rho[5]  # with beta2 = 0.999: five plain updates, then the adaptive one
    g = np.array([3.0, -0.5])  # constant, so m_hat_t = g at every t
    opt = RAdam(lr=lr, betas=(b1, b2))
    w0 = np.array([1.0, -2.0])
    w, state = w0, opt.init(w0)
    for t in range(1, 6):
        w, state = opt.step(w, g, state)
        np.testing.assert_allclose(w, w0 - t * lr * g, rtol=1e-13)
    w6, _ = opt.step(w, g, state)
    # v_6 = (1 - b2^6) g^2, so l_6 = 1 / (|g| + eps / sqrt(1 - b2^6)) and the step is lr r_6 sign(g).
    r6 = np.sqrt((rho[5] - 4) * (rho[5] - 2) * rho_inf / ((rho_inf - 4) * (rho_inf - 2) * rho[5]))
    np.testing.assert_allclose(w6, w - lr * r6 * np.sign(g), rtol=1e-9)
    assert 0 < r6 < 0.1  # the rectifier keeps the first adaptive steps short


@pytest.mark.parametrize("cls", [NAdam, RAdam])
def test_decoupled_weight_decay_shrinks_the_weights_and_leaves_the_moments(cls):
    w0, g = np.array([1.0, -2.0]), np.array([3.0, -0.5])
    lr, wd = 0.1, 0.5
    coupled = cls(lr=lr, weight_decay=wd)
    decoupled = cls(lr=lr, weight_decay=wd, decoupled_weight_decay=True)
    plain = cls(lr=lr)
    w_dec, s_dec = decoupled.step(w0, g, decoupled.init(w0))
    w_plain, s_plain = plain.step(w0 * (1 - lr * wd), g, plain.init(w0))
    np.testing.assert_array_equal(w_dec, w_plain)
    np.testing.assert_array_equal(s_dec.exp_avg, s_plain.exp_avg)
    _, s_l2 = coupled.step(w0, g, coupled.init(w0))
    np.testing.assert_allclose(s_l2.exp_avg, (1 - coupled.betas[0]) * (g + wd * w0), rtol=1e-15)


#: One configuration of every optimizer, each with a weight decay where it has one.
WITH_DECAY = [
    SGD(lr=0.05, momentum=0.9, nesterov=True, weight_decay=0.2),
    Adagrad(lr=0.1, lr_decay=0.1, weight_decay=0.2),
    RMSprop(lr=0.01, momentum=0.5, centered=True, weight_decay=0.2),
    Adam(lr=0.01, amsgrad=True, weight_decay=0.2),
    AdamW(lr=0.01, weight_decay=0.2),
    NAdam(lr=0.01, weight_decay=0.2),
    NAdam(lr=0.01, weight_decay=0.2, decoupled_weight_decay=True),
    RAdam(lr=0.01, weight_decay=0.2),
    RAdam(lr=0.01, weight_decay=0.2, decoupled_weight_decay=True),
    Adamax(lr=0.01, weight_decay=0.2),
    Adadelta(lr=0.5, weight_decay=0.2),
]


@pytest.mark.parametrize("opt", WITH_DECAY, ids=repr)
def test_maximize_is_minimizing_with_the_gradient_negated(opt):
    # torch negates g first, so the decay still pulls w toward 0: the same as minimising with -g.
    up = dataclasses.replace(opt, maximize=True)
    assert up.maximize is True and opt.maximize is False
    rng = np.random.default_rng(3)
    w_up = w_down = rng.normal(size=(3, 2))
    s_up, s_down = up.init(w_up), opt.init(w_down)
    for t in range(8):  # past RAdam's switch to the adaptive step
        g = rng.normal(scale=2.0, size=(3, 2))
        w_up, s_up = up.step(w_up, g, s_up, lr=None if t % 2 else 0.02)
        w_down, s_down = opt.step(w_down, -g, s_down, lr=None if t % 2 else 0.02)
        np.testing.assert_array_equal(w_up, w_down)


def test_sgd_maximize_climbs_by_lr_times_g():
    w1, _ = SGD(lr=0.1, maximize=True).step(np.array([1.0, -2.0]), np.array([2.0, 4.0]), SGD().init(np.zeros(2)))
    np.testing.assert_allclose(w1, [1.2, -1.6], rtol=1e-15)


@pytest.mark.parametrize("cls", list(CLASSES.values()))
def test_maximize_is_keyword_only_as_in_torch(cls):
    import inspect

    assert inspect.signature(cls).parameters["maximize"].kind is inspect.Parameter.KEYWORD_ONLY


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
    NAdam(lr=0.01, weight_decay=0.1, maximize=True),
    RAdam(lr=0.01, weight_decay=0.1, decoupled_weight_decay=True),
    Adamax(lr=0.01, weight_decay=0.1),
    Adadelta(lr=0.5, weight_decay=0.1, maximize=True),
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
    assert [cls.name for cls in CLASSES.values()] == ["sgd", "adagrad", "rmsprop", "adam", "adamw",
                                                      "nadam", "radam", "adamax", "adadelta"]
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
        (NAdam, {"lr": -0.1}, "lr"),
        (NAdam, {"betas": (0.9, 1.0)}, "betas"),
        (NAdam, {"eps": -1.0}, "eps"),
        (NAdam, {"weight_decay": -1.0}, "weight_decay"),
        (NAdam, {"momentum_decay": -0.1}, "momentum_decay"),
        (NAdam, {"decoupled_weight_decay": 1}, "decoupled_weight_decay"),
        (RAdam, {"lr": -0.1}, "lr"),
        (RAdam, {"betas": (1.0, 0.999)}, "betas"),
        (RAdam, {"eps": float("nan")}, "eps"),
        (RAdam, {"weight_decay": -1.0}, "weight_decay"),
        (RAdam, {"decoupled_weight_decay": "yes"}, "decoupled_weight_decay"),
        (Adamax, {"lr": -0.1}, "lr"),
        (Adamax, {"betas": (0.9,)}, "betas"),
        (Adamax, {"eps": -1.0}, "eps"),
        (Adamax, {"weight_decay": -1.0}, "weight_decay"),
        (Adadelta, {"lr": -0.1}, "lr"),
        (Adadelta, {"rho": 1.5}, "rho"),
        (Adadelta, {"rho": -0.1}, "rho"),
        (Adadelta, {"eps": 0.0}, "eps"),
        (Adadelta, {"eps": -1e-6}, "eps"),
        (Adadelta, {"weight_decay": -1.0}, "weight_decay"),
        (SGD, {"maximize": 1}, "maximize"),
        (Adagrad, {"maximize": "yes"}, "maximize"),
        (RMSprop, {"maximize": None}, "maximize"),
        (Adam, {"maximize": 0}, "maximize"),
        (AdamW, {"maximize": "False"}, "maximize"),
        (NAdam, {"maximize": 1.0}, "maximize"),
        (RAdam, {"maximize": None}, "maximize"),
        (Adamax, {"maximize": 1}, "maximize"),
        (Adadelta, {"maximize": "no"}, "maximize"),
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
    NAdam(lr=0.1), RAdam(lr=0.1), Adamax(lr=0.1), Adadelta(), SGD(lr=0.1, maximize=True),
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


@pytest.mark.parametrize("bad", [float("nan"), 1.5, -0.1, "0.5", None, True, np.array([0.5, 0.5])])
def test_nadam_mu_product_must_be_a_float_in_0_1(bad):
    opt = NAdam(lr=0.1)
    state = opt.init(np.zeros(2))._replace(mu_product=bad)
    with pytest.raises(ParameterError, match=r"^The 'state' parameter of NAdam.step must be a NAdamState "
                                             r"whose mu_product is a float in the range \[0, 1\]\. Got .* instead\.$"):
        opt.step(np.zeros(2), np.ones(2), state)
    # A numpy float (as a student may build by hand) is fine, and comes back as a Python float.
    _, new = opt.step(np.zeros(2), np.ones(2), state._replace(mu_product=np.float64(1.0)))
    assert type(new.mu_product) is float


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
