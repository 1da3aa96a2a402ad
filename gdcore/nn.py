r"""A small neural network as an objective over its flat parameter vector.

:class:`MLP` is a multilayer perceptron classifier on a fixed data set. Its loss is
the mean softmax cross-entropy of its samples (torch's ``CrossEntropyLoss`` with
``reduction="mean"``),

.. math::

    L(w) = \frac{1}{n}\sum_{i=1}^{n} \Big(\log \sum_c e^{z_{ic}} - z_{i y_i}\Big)
           + \frac{\lambda}{2} \sum_l \lVert W_l \rVert^2,
    \qquad z_i = f_w(x_i),

where :math:`f_w` applies :math:`h \mapsto \sigma(h W_l + b_l)` layer by layer (no
activation after the last) and :math:`\lambda` is ``weight_decay`` (weights only,
not biases). All parameters live in one flat vector ``w`` of shape ``(d,)``, so
every optimizer, :func:`gdcore.descend`, the mini-batch protocol and
:mod:`gdcore.landscape` treat the network like any other objective: ``loss(w, batch)``
and ``grad(w, batch)`` take ``w`` of shape ``(..., d)`` (a batch of parameter
vectors is one vectorised call) and ``batch`` an index array into the samples.
The gradient is exact backpropagation.

Layout of ``w``: for each layer in order, its weight matrix :math:`W_l` of shape
``(fan_in, fan_out)`` (row-major), then its bias :math:`b_l` of shape ``(fan_out,)``.
:meth:`MLP.unflatten` gives ``[(W1, b1), (W2, b2), ...]``. torch's ``nn.Linear``
stores the transpose, ``weight`` of shape ``(fan_out, fan_in)``.

>>> import gdcore as gd
>>> X, y = gd.datasets.moons(n_samples=50, seed=0)
>>> net = MLP(X, y, hidden=(8,))
>>> net.dim                       # (2*8 + 8) + (8*2 + 2)
42
>>> w = net.init(seed=0)
>>> bool(net.loss(w) > 0), net.grad(w).shape
(True, (42,))
"""

from __future__ import annotations

import numpy as np

from gdcore._checks import check_int, check_option, check_real, fail, real_array

__all__ = ["MLP"]

_ACTIVATIONS = ("tanh", "relu")
# Largest (parameter vectors x samples x width) block evaluated at once: about 16 MB a layer.
_BLOCK = 2**21


class MLP:
    r"""A multilayer perceptron classifier on data ``(X, y)``, as an objective over flat parameters.

    Parameters
    ----------
    X : array_like, shape (n, n_features)
        The inputs :math:`x_i`.
    y : array_like of int, shape (n,)
        The class :math:`y_i \in \{0, \dots, k-1\}` of each sample.
    hidden : tuple of int
        The width of each hidden layer, e.g. ``(16, 16)``.
    activation : {"tanh", "relu"}
        :math:`\sigma`, applied after every layer but the last.
    weight_decay : float >= 0
        :math:`\lambda`, an L2 penalty :math:`\tfrac{\lambda}{2}\lVert W\rVert^2` on the weight
        matrices (not the biases).
    n_classes : int or None
        :math:`k`; default ``max(y) + 1``.

    Attributes: ``dim`` (the number of parameters), ``n_samples``, ``sizes`` (the width of
    every layer, input to output), ``n_classes``.

    Examples
    --------
    >>> import gdcore as gd
    >>> X, y = gd.datasets.moons(n_samples=100, noise=0.1, seed=0)
    >>> net = gd.nn.MLP(X, y, hidden=(8,), activation="tanh")
    >>> net.dim, net.sizes, net.n_classes
    (42, (2, 8, 2), 2)
    >>> w0 = net.init(seed=0)
    >>> net.loss(w0).shape, net.grad(w0).shape, net.loss(w0[None].repeat(3, 0), batch=[0, 5]).shape
    ((), (42,), (3,))
    """

    def __init__(self, X, y, hidden=(16, 16), activation="tanh", weight_decay=0.0, n_classes=None):
        owner = "MLP"
        X = real_array(X, "X", owner, "a 2-D array of real numbers (n_samples, n_features)")
        if X.ndim != 2 or len(X) < 1 or X.shape[1] < 1 or not np.isfinite(X).all():
            fail("X", owner, "a finite 2-D array of shape (n_samples, n_features)", f"shape {X.shape}")
        y_arr = np.asarray(y)
        if y_arr.dtype.kind not in "iu" or y_arr.shape != (len(X),) or (y_arr < 0).any():
            fail("y", owner, f"an array of {len(X)} class ids (ints >= 0), one per row of X", y)
        if isinstance(hidden, (int, np.integer)):
            hidden = (hidden,)
        try:
            widths = tuple(check_int(h, "hidden", owner, low=1, high=4096) for h in hidden)
        except TypeError:
            fail("hidden", owner, "a tuple of layer widths (ints >= 1)", hidden)
        k = int(y_arr.max()) + 1 if n_classes is None else check_int(n_classes, "n_classes", owner, low=2)
        if k < 2 or y_arr.max() >= k:
            fail("n_classes", owner, f"an int >= 2 and > every class id (max {int(y_arr.max())})", n_classes)
        self.activation = check_option(activation, "activation", owner, _ACTIVATIONS)
        self.weight_decay = check_real(weight_decay, "weight_decay", owner, low=0.0)
        self.X = X.copy()
        self.y = y_arr.astype(np.int64)
        self.X.setflags(write=False)
        self.y.setflags(write=False)
        self.n_classes = k
        self.hidden = widths
        self.sizes = (X.shape[1],) + widths + (k,)
        self.n_samples = len(X)
        self._shapes = [(a, b) for a, b in zip(self.sizes[:-1], self.sizes[1:])]
        self.dim = sum(a * b + b for a, b in self._shapes)
        self.name = "mlp"
        self.title = f"MLP {'-'.join(map(str, self.sizes))} ({self.activation})"

    # -- parameters -------------------------------------------------------------------------

    def unflatten(self, w):
        """``[(W1, b1), ...]`` views of ``w`` (shape ``(..., d)``): ``W`` ``(..., fan_in, fan_out)``, ``b`` ``(..., fan_out)``.

        >>> import gdcore as gd
        >>> net = MLP(*gd.datasets.moons(10), hidden=(3,))
        >>> [(W.shape, b.shape) for W, b in net.unflatten(np.arange(net.dim, dtype=float))]
        [((2, 3), (3,)), ((3, 2), (2,))]
        """
        w = self._params(w)
        layers, pos = [], 0
        lead = w.shape[:-1]
        for a, b in self._shapes:
            W = w[..., pos:pos + a * b].reshape(lead + (a, b))
            pos += a * b
            layers.append((W, w[..., pos:pos + b]))
            pos += b
        return layers

    def flatten(self, layers):
        """The flat vector of ``[(W1, b1), ...]``: the inverse of :meth:`unflatten`."""
        parts = []
        for W, b in layers:
            W, b = np.asarray(W, dtype=np.float64), np.asarray(b, dtype=np.float64)
            parts += [W.reshape(W.shape[:-2] + (-1,)), b]
        return np.concatenate(parts, axis=-1)

    def init(self, seed=0):
        r"""Parameters drawn as torch's ``nn.Linear`` draws them: every weight and bias of a layer
        uniform in :math:`[-1/\sqrt{\text{fan\_in}}, 1/\sqrt{\text{fan\_in}}]`.

        (Kaiming-uniform with :math:`a = \sqrt 5`, torch's default, has exactly this bound.) The
        distribution is torch's; the numbers come from ``np.random.default_rng(seed)``.

        >>> import gdcore as gd
        >>> net = MLP(*gd.datasets.moons(10), hidden=(4,))
        >>> W1, b1 = net.unflatten(net.init(seed=0))[0]
        >>> bool(np.abs(W1).max() <= 1 / np.sqrt(2))
        True
        """
        rng = np.random.default_rng(check_int(seed, "seed", "MLP.init", low=0))
        parts = []
        for a, b in self._shapes:
            bound = 1.0 / np.sqrt(a)
            parts += [rng.uniform(-bound, bound, size=a * b), rng.uniform(-bound, bound, size=b)]
        return np.concatenate(parts)

    @property
    def weight_mask(self):
        """A ``(d,)`` bool array, True at weight-matrix entries and False at biases."""
        mask = np.zeros(self.dim, dtype=bool)
        pos = 0
        for a, b in self._shapes:
            mask[pos:pos + a * b] = True
            pos += a * b + b
        return mask

    # -- the objective ----------------------------------------------------------------------

    def predict(self, w, X=None):
        """Class probabilities (softmax of the outputs) at inputs ``X`` (default: the training
        data), shape ``w.shape[:-1] + (len(X), n_classes)``."""
        X = self.X if X is None else real_array(X, "X", "MLP.predict")
        if X.ndim != 2 or X.shape[1] != self.sizes[0]:
            fail("X", "MLP.predict", f"an array of shape (n, {self.sizes[0]})", f"shape {X.shape}")
        w = self._params(w)
        lead = w.shape[:-1]
        flat = w.reshape(-1, self.dim)
        out = np.empty((len(flat), len(X), self.n_classes))
        for lo, hi in self._blocks(len(flat), len(X)):
            z = self._forward(flat[lo:hi], X)[-1]
            z = z - z.max(axis=-1, keepdims=True)
            e = np.exp(z)
            out[lo:hi] = e / e.sum(axis=-1, keepdims=True)
        return out.reshape(lead + (len(X), self.n_classes))

    def accuracy(self, w, X=None, y=None):
        """The share of samples whose most probable class is their label (training data by default)."""
        y = self.y if y is None else np.asarray(y)
        return np.mean(np.argmax(self.predict(w, X), axis=-1) == y, axis=-1)

    def loss(self, w, batch=None):
        """Mean cross-entropy over ``batch`` (all samples when None), plus the weight penalty; shape ``w.shape[:-1]``."""
        return self._evaluate(w, batch, want_grad=False)

    def grad(self, w, batch=None):
        """The exact gradient of :meth:`loss` by backpropagation; shape ``w.shape``."""
        return self._evaluate(w, batch, want_grad=True)

    # -- machinery --------------------------------------------------------------------------

    def _params(self, w):
        w = real_array(w, "w", "MLP", f"an array of shape (..., {self.dim})")
        if w.ndim < 1 or w.shape[-1] != self.dim:
            fail("w", "MLP", f"an array of shape (..., {self.dim})", f"shape {w.shape}")
        return w

    def _blocks(self, n_params, n_rows):
        width = max(self.sizes)
        step = max(1, _BLOCK // max(1, n_rows * width))
        return [(lo, min(lo + step, n_params)) for lo in range(0, n_params, step)]

    def _layers(self, flat):
        layers, pos = [], 0
        for a, b in self._shapes:
            W = flat[:, pos:pos + a * b].reshape(-1, a, b)
            pos += a * b
            layers.append((W, flat[:, pos:pos + b]))
            pos += b
        return layers

    def _act(self, h):
        """The hidden activation, in place: ``h`` is the layer's own fresh pre-activation, kept by no one."""
        return np.tanh(h, out=h) if self.activation == "tanh" else np.maximum(h, 0.0, out=h)

    def _forward(self, flat, X):
        """Activations of every layer for a block of parameter vectors ``(P, d)`` on inputs
        ``X`` (``(n, f)`` shared, or ``(P, n, f)`` one batch per vector); the last are the logits."""
        a = X
        outs = [a]
        layers = self._layers(flat)
        for i, (W, b) in enumerate(layers):
            h = np.matmul(a, W)
            h += b[:, None, :]
            a = h if i == len(layers) - 1 else self._act(h)
            outs.append(a)
        return outs

    def _indices(self, batch, lead):
        if batch is None:
            return None
        idx = np.asarray(batch)
        if idx.dtype.kind not in "iu" or idx.ndim == 0 or idx.shape[-1] < 1:
            fail("batch", "MLP", "None or an int index array (k,) or w.shape[:-1] + (k,)", batch)
        if idx.ndim > 1 and idx.shape[:-1] != lead:
            fail("batch", "MLP", f"an index array of shape (k,) or {lead + (idx.shape[-1],)}", f"shape {idx.shape}")
        if (idx < 0).any() or (idx >= self.n_samples).any():
            fail("batch", "MLP", f"indices in the range [0, {self.n_samples - 1}]", batch)
        return idx

    def _evaluate(self, w, batch, want_grad):
        w = self._params(w)
        lead = w.shape[:-1]
        idx = self._indices(batch, lead)
        flat = w.reshape(-1, self.dim)
        per_vector = idx is not None and idx.ndim > 1
        if per_vector:
            idx = idx.reshape(len(flat), -1)
        rows = self.n_samples if idx is None else idx.shape[-1]
        out = np.empty(flat.shape if want_grad else (len(flat),))
        with np.errstate(all="ignore"):  # divergence is data: overflow gives inf or nan, no warning
            for lo, hi in self._blocks(len(flat), rows):
                if idx is None:
                    X, y = self.X, self.y
                elif per_vector:
                    X, y = self.X[idx[lo:hi]], self.y[idx[lo:hi]]
                else:
                    X, y = self.X[idx], self.y[idx]
                out[lo:hi] = self._block(flat[lo:hi], X, y, want_grad)
        return out.reshape(lead + ((self.dim,) if want_grad else ()))

    def _block(self, flat, X, y, want_grad):
        acts = self._forward(flat, X)
        z = acts[-1]
        shift = z.max(axis=-1, keepdims=True)
        e = np.exp(z - shift)
        total = e.sum(axis=-1, keepdims=True)
        n = z.shape[-2]
        # z[p, i, y_i]: the logit of each sample's own class (y shared (n,) or one row per vector (P, n)).
        rows, cols = np.arange(z.shape[0])[:, None], np.arange(n)[None, :]
        picked = z[rows, cols, y]
        losses = (np.log(total[..., 0]) + shift[..., 0] - picked).mean(axis=-1)
        layers = self._layers(flat)
        if self.weight_decay:
            losses = losses + 0.5 * self.weight_decay * sum((W**2).sum(axis=(-2, -1)) for W, _ in layers)
        if not want_grad:
            return losses
        # Backpropagation: dL/dz = (softmax - one-hot) / n, then layer by layer.
        dz = e / total
        dz[rows, cols, y] -= 1.0
        dz /= n
        grads = []
        for i in range(len(layers) - 1, -1, -1):
            W, _ = layers[i]
            a_prev = acts[i]
            # dW = a_prev^T dz, for inputs shared by every vector (n, f) or one batch per vector (P, n, f).
            dW = np.matmul(a_prev.T if a_prev.ndim == 2 else np.swapaxes(a_prev, -1, -2), dz)
            if self.weight_decay:
                dW = dW + self.weight_decay * W
            grads.append((dW.reshape(len(flat), -1), dz.sum(axis=-2)))
            if i:
                da = np.matmul(dz, np.swapaxes(W, -1, -2))
                a = acts[i]
                dz = da * (1.0 - a**2) if self.activation == "tanh" else da * (a > 0)
        return np.concatenate([part for pair in reversed(grads) for part in pair], axis=-1)
