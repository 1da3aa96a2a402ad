"""A real network: gd.landscape.plane and mini-batch Adam on gd.nn.MLP against numpy written by hand."""

import time

import numpy as np

import gdcore as gd
from bench.bench_descent import adam_by_hand
from bench.timing import best_time, report


def network():
    X, y = gd.datasets.moons(n_samples=500, noise=0.2, seed=0)
    return gd.nn.MLP(X, y, hidden=(16, 16), activation="tanh"), X, y


def loss_by_hand(W, X, y, sizes):
    """Mean cross-entropy of a tanh MLP for a batch of flat parameter vectors W (P, d), written inline."""
    pos = 0
    layers = []
    for fan_in, fan_out in zip(sizes[:-1], sizes[1:]):
        layers.append((W[:, pos:pos + fan_in * fan_out].reshape(-1, fan_in, fan_out), W[:, pos + fan_in * fan_out:pos + fan_in * fan_out + fan_out]))
        pos += fan_in * fan_out + fan_out
    h = np.tanh(X @ layers[0][0] + layers[0][1][:, None])
    h = np.tanh(h @ layers[1][0] + layers[1][1][:, None])
    z = h @ layers[2][0] + layers[2][1][:, None]
    z = z - z.max(axis=-1, keepdims=True)
    logp = z - np.log(np.exp(z).sum(axis=-1, keepdims=True))
    return -np.take_along_axis(logp, np.broadcast_to(y, z.shape[:-1])[..., None], axis=-1)[..., 0].mean(axis=-1)


def grad_by_hand(w, X, y, sizes):
    """Backpropagation of the same loss for one parameter vector, written inline."""
    pos, layers = 0, []
    for fan_in, fan_out in zip(sizes[:-1], sizes[1:]):
        layers.append((w[pos:pos + fan_in * fan_out].reshape(fan_in, fan_out), w[pos + fan_in * fan_out:pos + fan_in * fan_out + fan_out]))
        pos += fan_in * fan_out + fan_out
    a0 = X
    a1 = np.tanh(a0 @ layers[0][0] + layers[0][1])
    a2 = np.tanh(a1 @ layers[1][0] + layers[1][1])
    z = a2 @ layers[2][0] + layers[2][1]
    p = np.exp(z - z.max(axis=-1, keepdims=True))
    p /= p.sum(axis=-1, keepdims=True)
    p[np.arange(len(y)), y] -= 1.0
    dz = p / len(y)
    g3 = (a2.T @ dz, dz.sum(0))
    d2 = (dz @ layers[2][0].T) * (1 - a2**2)
    g2 = (a1.T @ d2, d2.sum(0))
    d1 = (d2 @ layers[1][0].T) * (1 - a1**2)
    g1 = (a0.T @ d1, d1.sum(0))
    return np.concatenate([part.ravel() for pair in (g1, g2, g3) for part in pair])


def main():
    net, X, y = network()
    w = net.init(seed=0)
    d1, d2 = gd.landscape.directions(net, w, seed=1), gd.landscape.directions(net, w, seed=2)
    alphas = np.linspace(-1, 1, 51)
    grid = (w + alphas[None, :, None] * d1 + alphas[:, None, None] * d2).reshape(-1, net.dim)
    assert np.allclose(loss_by_hand(grid, X, y, net.sizes), gd.landscape.plane(net, w, d1, d2, resolution=51).losses.ravel(), rtol=1e-10)
    base = best_time(lambda: loss_by_hand(grid, X, y, net.sizes), repeats=3)
    t = best_time(lambda: gd.landscape.plane(net, w, d1, d2, resolution=51), repeats=3)
    report("landscape.plane 51x51, MLP (16, 16) tanh, 500 points", t, base, target=2)
    report("landscape.plane 51x51 (target: under 1 s)", t, target=1.0)

    # 500 Adam steps on mini-batches of 32 in the order descend draws them.
    order = []
    rng = np.random.default_rng(0)
    while len(order) < 500:
        perm = rng.permutation(net.n_samples)
        order += [perm[i:i + 32] for i in range(0, len(perm), 32)]
    order = order[:500]
    it = iter(order)

    def by_hand():
        batches = iter(order)
        return adam_by_hand(lambda v: (lambda b: grad_by_hand(v, X[b], y[b], net.sizes))(next(batches)), w, 500)

    ours = gd.descend(net, gd.Adam(lr=0.001), w, 500, batch_size=32, seed=0).points
    mine = adam_by_hand(lambda v: (lambda b: grad_by_hand(v, X[b], y[b], net.sizes))(next(it)), w, 500, lr=0.001)
    assert np.allclose(ours, mine, rtol=1e-9, atol=1e-12), "the two loops must compute the same run"
    base = best_time(by_hand, repeats=3)
    t = best_time(lambda: gd.descend(net, gd.Adam(lr=0.01), w, 500, batch_size=32, seed=0), repeats=3)
    report("descend: Adam on the MLP, 500 steps, batch 32", t, base, target=2)

    from lessons import network_landscape as lesson
    start = time.perf_counter()
    lesson.run(**lesson.DEFAULTS)
    report("network page: both trainings and every slice (first view)", time.perf_counter() - start, target=5.0)


if __name__ == "__main__":
    main()
