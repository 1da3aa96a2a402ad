"""gd.nn.MLP against torch's recorded numbers, finite differences and its own layout."""

import json
from pathlib import Path

import numpy as np
import pytest

import gdcore as gd

REFERENCE = json.loads((Path(__file__).parent / "reference" / "nn.json").read_text())["cases"]


def net_of(case):
    return gd.nn.MLP(np.array(case["X"]), np.array(case["y"]), hidden=tuple(case["sizes"][1:-1]),
                     activation=case["activation"], weight_decay=case["weight_decay"], n_classes=case["sizes"][-1])


@pytest.mark.parametrize("case", REFERENCE, ids=lambda c: f"{c['activation']}-{'-'.join(map(str, c['sizes']))}")
def test_loss_and_gradient_equal_torch(case):
    net = net_of(case)
    w = np.array(case["w"])
    np.testing.assert_allclose(net.loss(w), case["loss_full"], rtol=1e-12)
    np.testing.assert_allclose(net.grad(w), case["grad_full"], rtol=1e-10, atol=1e-14)
    batch = np.array(case["batch"])
    np.testing.assert_allclose(net.loss(w, batch), case["loss_batch"], rtol=1e-12)
    np.testing.assert_allclose(net.grad(w, batch), case["grad_batch"], rtol=1e-10, atol=1e-14)


@pytest.mark.parametrize("case", REFERENCE, ids=lambda c: f"{c['activation']}-{'-'.join(map(str, c['sizes']))}")
def test_five_adam_steps_on_mini_batches_equal_torch(case):
    net = net_of(case)
    opt = gd.Adam(lr=0.01)
    w = np.array(case["w"])
    state = opt.init(w)
    for rows in case["adam_order"]:
        w, state = opt.step(w, net.grad(w, np.array(rows)), state)
    np.testing.assert_allclose(w, case["adam_w"], rtol=1e-10, atol=1e-13)


@pytest.mark.parametrize("activation", ["tanh", "relu"])
def test_gradient_matches_central_differences(activation):
    X, y = gd.datasets.spirals(60, n_classes=3, seed=1)
    net = gd.nn.MLP(X, y, hidden=(5, 4), activation=activation, weight_decay=0.01)
    w = net.init(seed=3)
    eps = 1e-6
    fd = np.array([(net.loss(w + eps * e) - net.loss(w - eps * e)) / (2 * eps) for e in np.eye(net.dim)])
    np.testing.assert_allclose(net.grad(w), fd, atol=1e-8)


def test_a_batch_of_parameter_vectors_is_one_call_equal_to_each_alone():
    X, y = gd.datasets.moons(80, seed=0)
    net = gd.nn.MLP(X, y, hidden=(6,))
    W = np.stack([net.init(seed=s) for s in range(4)]).reshape(2, 2, net.dim)
    losses, grads = net.loss(W), net.grad(W)
    assert losses.shape == (2, 2) and grads.shape == (2, 2, net.dim)
    for i in range(2):
        for j in range(2):
            np.testing.assert_allclose(losses[i, j], net.loss(W[i, j]), rtol=1e-13)
            np.testing.assert_allclose(grads[i, j], net.grad(W[i, j]), rtol=1e-12, atol=1e-15)
    # Each vector its own mini-batch (a batched run's per-start sample order).
    batch = np.arange(24).reshape(2, 2, 6)
    np.testing.assert_allclose(net.grad(W, batch)[1, 0], net.grad(W[1, 0], batch[1, 0]), rtol=1e-12, atol=1e-15)


def test_layout_init_and_predictions():
    X, y = gd.datasets.blobs(90, n_classes=3, seed=0)
    net = gd.nn.MLP(X, y, hidden=(4, 5))
    assert net.sizes == (2, 4, 5, 3) and net.dim == (2 * 4 + 4) + (4 * 5 + 5) + (5 * 3 + 3)
    w = np.arange(net.dim, dtype=float)
    np.testing.assert_array_equal(net.flatten(net.unflatten(w)), w)
    (W1, b1), _, (W3, b3) = net.unflatten(w)
    np.testing.assert_array_equal(W1.ravel(), np.arange(8)) and np.testing.assert_array_equal(b1, np.arange(8, 12))
    # torch.nn.Linear's bound 1/sqrt(fan_in), and about the uniform distribution's variance bound^2/3.
    draws = np.stack([net.init(seed=s) for s in range(200)])
    for (W, b), (fan_in, _) in zip(net.unflatten(draws), net._shapes):
        bound = 1 / np.sqrt(fan_in)
        assert np.abs(W).max() <= bound and np.abs(b).max() <= bound
        assert abs(W.var() - bound**2 / 3) < 0.05 * bound**2
    p = net.predict(net.init(seed=0))
    assert p.shape == (90, 3)
    np.testing.assert_allclose(p.sum(axis=-1), 1.0)


def test_a_huge_weight_is_data_not_a_warning(recwarn):
    X, y = gd.datasets.moons(20, seed=0)
    net = gd.nn.MLP(X, y, hidden=(3,))
    w = np.full(net.dim, 1e300)
    net.loss(w), net.grad(w)
    assert not [w for w in recwarn if issubclass(w.category, RuntimeWarning)]


@pytest.mark.parametrize(
    "kwargs, name",
    [({"hidden": (0,)}, "hidden"), ({"activation": "sigmoid"}, "activation"), ({"weight_decay": -1.0}, "weight_decay")],
)
def test_bad_parameters_are_named(kwargs, name):
    X, y = gd.datasets.moons(20, seed=0)
    with pytest.raises(gd.ParameterError, match=f"'{name}' parameter of MLP"):
        gd.nn.MLP(X, y, **kwargs)
    with pytest.raises(gd.ParameterError, match="'y' parameter of MLP"):
        gd.nn.MLP(X, y[:-1])
    with pytest.raises(gd.ParameterError, match="'w' parameter of MLP"):
        gd.nn.MLP(X, y).loss(np.zeros(3))
