r"""Data-backed objectives: a loss that is the mean of per-sample losses.

A surface has one loss; a data objective has ``n_samples`` of them, and its
full loss is their mean,

.. math::

    L(w) = \frac{1}{n} \sum_{i=1}^{n} \ell_i(w),

so a mini-batch :math:`B` gives the noisy estimate
:math:`L_B(w) = \frac{1}{|B|}\sum_{i \in B} \ell_i(w)` that stochastic
gradient descent follows. Three objectives are built in:

- :func:`linear_regression`: fit a line, :math:`w = (\text{slope}, \text{intercept})`;
- :func:`logistic_regression`: a 1-D classifier, :math:`w = (\text{weight}, \text{bias})`;
- :class:`Sampled`: any surface, each sample shifting it by its own offset,
  so a test set drawn with a ``shift`` is the train loss moved sideways.

Each also has ``name``, ``title``, ``formula`` and ``bounds`` so charts can plot
its full loss like a surface, ``dim`` (2, the number of weights),
``hessian(w)`` of the full loss, ``max_stable_lr_at(w)`` (:math:`2/\lambda_{\max}`
of that Hessian, as on a surface), ``per_sample_grad(w)`` (every
:math:`\nabla \ell_i` at once, shape ``w.shape[:-1] + (n_samples, 2)``) and
``resample(seed)``: the same model and size with fresh samples (a test set).

The batch protocol
------------------
Homework objectives implement the same three members, and ``gdcore.descend``
needs nothing else:

``n_samples``
    The number of samples, an int (``None`` for an analytic surface).
``loss(w, batch=None)`` -> shape ``w.shape[:-1]``
``grad(w, batch=None)`` -> shape ``w.shape``
    ``w`` has shape ``(..., 2)``: one point, a grid of points or a whole
    trajectory ``(T + 1, B, 2)``. ``batch=None`` is the full mean loss over all
    samples. Otherwise ``batch`` is an int index array into the samples, either

    - of shape ``(k,)``: one batch shared by every point, or
    - of shape ``w.shape[:-1] + (k,)``: each point its own batch (a batched run
      of ``B`` starts gives each start its own sample order),

    and the result is the mean over the batch. Indices may repeat; a batch
    ``[i]`` is the single-sample loss :math:`\ell_i`.

Evaluation is vectorised over points and samples; to keep memory bounded the
(point, sample) pairs are processed in chunks of about 130,000, so a full loss
over a 100 x 100 grid with 200 samples, or over a whole batched trajectory, is
cheap. Overflow for huge ``|w|`` gives ``inf`` (divergence is data) without a
numpy warning.
"""

from __future__ import annotations

import dataclasses
from typing import Any, ClassVar

import numpy as np

from gdcore._checks import check_int, check_memory, check_points, check_real, describe, fail, real_array
from gdcore.surfaces import _stable_lr

__all__ = [
    "LinearRegression",
    "LogisticRegression",
    "Sampled",
    "linear_regression",
    "logistic_regression",
]

_CHUNK = 1 << 17
"""(point, sample) pairs evaluated at once: bounds the temporaries to a few MB."""


def _frozen(array: np.ndarray) -> np.ndarray:
    array.setflags(write=False)
    return array


def _sigmoid(z):
    # exp(-|z|) never overflows, so neither branch warns for huge |z|.
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


def _features(x):
    """The per-sample input (x, 1) of a line w0 * x + w1, stacked on a last axis."""
    return np.stack([x, np.ones_like(x)], axis=-1)


class _DataObjective:
    """Batch protocol shared by the objectives; subclasses give per-sample terms.

    ``_losses(w, idx)`` and ``_grads(w, idx)`` take ``w`` of shape ``(P, 1, 2)``
    and ``idx`` of shape ``(k,)`` or ``(P, k)`` and return ``(P, k)`` and
    ``(P, k, 2)``; ``_hessians`` returns ``(P, k, 2, 2)``. A subclass whose
    mean gradient has a cheaper closed form overrides ``_mean_grad`` instead.
    """

    n_samples: int
    dim: ClassVar[int] = 2

    def loss(self, w, batch=None):
        """Mean loss over ``batch`` (all samples when None), shape ``w.shape[:-1]``."""
        return self._mean(self._losses, w, batch, ())

    def grad(self, w, batch=None):
        """Mean gradient over ``batch`` (all samples when None), shape ``w.shape``."""
        return self._mean(self._mean_grad, w, batch, (2,), averaged=True)

    def hessian(self, w):
        """Hessian of the full loss, shape ``w.shape[:-1] + (2, 2)``."""
        return self._mean(self._hessians, w, None, (2, 2))

    def per_sample_grad(self, w):
        r"""Every sample's gradient :math:`\nabla \ell_i(w)`, shape ``w.shape[:-1] + (n_samples, 2)``.

        .. math::

            G_{\ldots, i, :} = \nabla \ell_i(w_{\ldots}), \qquad
            \frac{1}{n}\sum_{i=1}^{n} G_{\ldots, i, :} = \nabla L(w_{\ldots}),

        so ``per_sample_grad(w)[..., i, :]`` equals ``grad(w, batch=[i])`` and
        their mean over the sample axis is ``grad(w)``: what a homework needs to
        measure the gradient noise of SGD (its variance over samples). Same
        convention as ``grad``: PyTorch's ``backward()`` of the single-sample
        loss (no factor 1/2 on squared errors).

        >>> import numpy as np
        >>> obj = linear_regression(n_samples=5, seed=0)
        >>> G = obj.per_sample_grad(np.zeros((3, 2)))
        >>> G.shape
        (3, 5, 2)
        >>> bool(np.allclose(G.mean(axis=-2), obj.grad(np.zeros((3, 2)))))
        True
        >>> bool(np.allclose(G[0, 4], obj.grad([0.0, 0.0], batch=[4])))
        True
        """
        w = self._points(w)
        lead = w.shape[:-1]
        points = int(np.prod(lead, dtype=np.int64))
        check_memory(16 * points * self.n_samples, "w", f"{type(self).__name__}.per_sample_grad", describe(w),
                     f"the gradients of {points} points x {self.n_samples} samples",
                     "ask for fewer points at once")
        with np.errstate(all="ignore"):
            out = self._grads(w.reshape(-1, 1, 2), np.arange(self.n_samples))
        return out.reshape(lead + (self.n_samples, 2))

    def max_stable_lr_at(self, w):
        r"""Gradient descent's stability bound for the local quadratic model of the full loss at ``w``.

        .. math::

            \eta_{\max}(w) = \frac{2}{\lambda_{\max}\!\left(\nabla^2 L(w)\right)},

        shape ``w.shape[:-1]``; :math:`+\infty` where :math:`\lambda_{\max} \le 0`, NaN
        where the Hessian is not finite: exactly
        :meth:`gdcore.surfaces.Surface.max_stable_lr_at`, on :meth:`hessian`.
        Full-batch gradient descent with a constant rate :math:`\eta` settles in a
        minimum from nearby iff :math:`\eta < \eta_{\max}` there.

        >>> obj = linear_regression(n_samples=200, seed=0)  # a quadratic: the same bound everywhere
        >>> round(float(obj.max_stable_lr_at([0.0, 0.0])), 4), round(float(obj.max_stable_lr_at([5.0, 5.0])), 4)
        (0.3847, 0.3847)
        """
        return _stable_lr(self.hessian(w))

    def resample(self, seed):
        """The same model and size with fresh samples drawn from ``seed``: a test set."""
        return dataclasses.replace(self, seed=seed)

    def _points(self, w):
        # Only the shape is checked: a diverged run may pass inf, which is data.
        w = real_array(w, "w", type(self).__name__, "an array of shape (2,) or (..., 2) of real floats")
        if w.ndim == 0 or w.shape[-1] != 2:
            fail("w", type(self).__name__, "an array of shape (2,) or (..., 2)", f"shape {w.shape}")
        return w

    def _indices(self, batch, lead):
        """``batch`` as ``(k,)`` (shared) or ``(P, k)`` (one row per point)."""
        if batch is None:
            return np.arange(self.n_samples)
        owner = type(self).__name__
        idx = np.asarray(batch)
        expected = f"an int index array of shape (k,) or {lead} + (k,) with k >= 1"
        if idx.dtype.kind not in "iu" or idx.ndim == 0 or idx.shape[-1] == 0:
            fail("batch", owner, expected, batch if idx.size < 8 else f"shape {idx.shape}")
        if idx.ndim > 1 and idx.shape[:-1] != lead:
            fail("batch", owner, expected, f"shape {idx.shape}")
        low, high = idx.min(), idx.max()
        if low < 0 or high >= self.n_samples:
            fail("batch", owner, f"indices in [0, {self.n_samples - 1}]",
                 f"indices in [{low}, {high}]")
        return idx if idx.ndim == 1 else idx.reshape(-1, idx.shape[-1])

    def _mean_grad(self, w, idx):
        return self._grads(w, idx).mean(axis=1)

    def _mean(self, per_sample, w, batch, tail, averaged=False):
        w = self._points(w)
        lead = w.shape[:-1]
        idx = self._indices(batch, lead)
        flat = w.reshape(-1, 1, 2)
        step = max(1, _CHUNK // idx.shape[-1])
        if flat.shape[0] <= step:
            # One chunk (every mini-batch update): no buffer, no loop.
            with np.errstate(all="ignore"):
                value = per_sample(flat, idx)
                return (value if averaged else value.mean(axis=1)).reshape(lead + tail)
        out = np.empty((flat.shape[0],) + tail)
        with np.errstate(all="ignore"):
            for start in range(0, flat.shape[0], step):
                rows = slice(start, start + step)
                chunk_idx = idx if idx.ndim == 1 else idx[rows]
                value = per_sample(flat[rows], chunk_idx)
                out[rows] = value if averaged else value.mean(axis=1)
        return out.reshape(lead + tail)


@dataclasses.dataclass(frozen=True)
class LinearRegression(_DataObjective):
    r"""Least squares for a line through noisy points; build it with :func:`linear_regression`.

    .. math::

        \ell_i(w) = (w_0 x_i + w_1 - y_i)^2, \qquad
        L(w) = \frac{1}{n}\sum_{i=1}^{n} \ell_i(w),

    with :math:`w_0` the slope, :math:`w_1` the intercept. The data are
    :math:`x_i \sim \mathcal{N}(1, 1)` and
    :math:`y_i = 2 x_i - 1 + \sigma \varepsilon_i`, :math:`\varepsilon_i \sim \mathcal{N}(0, 1)`,
    so the loss is a tilted bowl around ``true_w = (2, -1)``: the feature is not
    centred, so slope and intercept are coupled.

    Convention: no factor 1/2, so :math:`L` is PyTorch's
    ``nn.MSELoss(reduction="mean")`` of ``nn.Linear(1, 1)`` (weight :math:`w_0`,
    bias :math:`w_1`) and its gradient is ``loss.backward()``'s:
    :math:`\nabla \ell_i = 2 (w_0 x_i + w_1 - y_i)\,(x_i, 1)`. The Hessian is the
    constant :math:`2\,\overline{(x, 1)^\top (x, 1)}`.

    Parameters
    ----------
    n_samples : int
        :math:`n \ge 2`, the number of points.
    noise : float
        :math:`\sigma \ge 0`, the standard deviation of the noise on :math:`y`.
    seed : int
        Seeds ``np.random.default_rng`` for the data.

    Attributes
    ----------
    x, y : ndarray of shape (n_samples,)
        The data (read-only).
    minimizer : ndarray of shape (2,)
        The least-squares line (slope, intercept) of the stored data.
    dim : int
        2, the number of weights.

    Examples
    --------
    >>> import numpy as np
    >>> obj = LinearRegression(n_samples=50, noise=0.1, seed=3)
    >>> obj.dim, obj.x.shape, bool(np.linalg.norm(obj.grad(obj.minimizer)) < 1e-12)
    (2, (50,), True)
    >>> H = 2 * np.mean([[obj.x**2, obj.x], [obj.x, np.ones(50)]], axis=-1)  # by hand
    >>> bool(np.allclose(obj.hessian([0.0, 0.0]), H))
    True
    """

    n_samples: int = 200
    noise: float = 0.5
    seed: int = 0

    true_w: ClassVar[tuple[float, float]] = (2.0, -1.0)
    name: ClassVar[str] = "linear_regression"
    title: ClassVar[str] = "Linear regression (squared error)"
    formula: ClassVar[str] = r"L(w) = \frac{1}{n}\sum_{i=1}^{n} (w_0 x_i + w_1 - y_i)^2"
    bounds: ClassVar[tuple[tuple[float, float], tuple[float, float]]] = ((-1.0, 5.0), (-4.0, 2.0))

    x: np.ndarray = dataclasses.field(init=False, repr=False, compare=False)
    y: np.ndarray = dataclasses.field(init=False, repr=False, compare=False)
    minimizer: np.ndarray = dataclasses.field(init=False, repr=False, compare=False)

    def __post_init__(self):
        owner = type(self).__name__
        n = check_int(self.n_samples, "n_samples", owner, low=2)
        check_memory(32 * n, "n_samples", owner, n, f"x, y and the features of {n} samples")
        noise = check_real(self.noise, "noise", owner, low=0.0)
        seed = check_int(self.seed, "seed", owner, low=0)
        rng = np.random.default_rng(seed)
        x = rng.normal(1.0, 1.0, n)
        with np.errstate(all="ignore"):
            y = self.true_w[0] * x + self.true_w[1] + noise * rng.standard_normal(n)
            # Centred normal equations: slope = cov(x, y) / var(x).
            dx = x - x.mean()
            slope = (dx @ (y - y.mean())) / (dx @ dx)
            intercept = y.mean() - slope * x.mean()
            squares = np.sum(y * y)  # the loss at w = 0 must be finite too
        if not np.isfinite(intercept + squares):
            fail("noise", owner, "a float >= 0 small enough for finite squared targets", noise)
        for attr, value in [("n_samples", n), ("noise", noise), ("seed", seed),
                            ("x", _frozen(x)), ("y", _frozen(y)), ("_phi", _frozen(_features(x))),
                            ("minimizer", _frozen(np.array([slope, intercept])))]:
            object.__setattr__(self, attr, value)

    def _losses(self, w, idx):
        return (w[..., 0] * self.x[idx] + w[..., 1] - self.y[idx]) ** 2

    def _grads(self, w, idx):
        # 2 r_i (x_i, 1), one row per sample: only per_sample_grad needs them all.
        phi = self._phi[idx]
        residual = w[..., 0] * phi[..., 0] + w[..., 1] - self.y[idx]
        return 2.0 * residual[..., None] * phi

    def _mean_grad(self, w, idx):
        # The mean of 2 r_i (x_i, 1) as one product r @ phi / k, with the features (x_i, 1)
        # stored once: no (P, k, 2) array of per-sample gradients.
        phi = self._phi[idx]
        residual = w[..., 0] * phi[..., 0] + w[..., 1] - self.y[idx]
        return (2.0 / residual.shape[-1]) * np.matmul(residual[:, None, :], phi)[:, 0, :]

    def hessian(self, w):
        """Hessian of the full loss (constant), shape ``w.shape[:-1] + (2, 2)``."""
        lead = self._points(w).shape[:-1]
        phi = self._phi
        return np.broadcast_to(2.0 * phi.T @ phi / self.n_samples, lead + (2, 2)).copy()


def linear_regression(n_samples=200, noise=0.5, seed=0) -> LinearRegression:
    r"""Squared error of a line :math:`w_0 x + w_1` on ``n_samples`` noisy points.

    .. math::

        L(w) = \frac{1}{n}\sum_{i=1}^{n} (w_0 x_i + w_1 - y_i)^2

    :math:`w_0` is the slope, :math:`w_1` the intercept, :math:`n` is
    ``n_samples``; ``noise`` is the standard deviation of :math:`y` around the line
    :math:`2x - 1`. No factor 1/2: PyTorch's ``nn.MSELoss``. See
    :class:`LinearRegression` for the data and attributes.

    Examples
    --------
    >>> import numpy as np
    >>> obj = linear_regression(n_samples=200, noise=0.5, seed=0)
    >>> np.round(obj.minimizer, 2)
    array([ 1.97, -1.01])
    >>> round(float(obj.loss([2.0, -1.0])), 3), obj.grad(np.zeros((4, 3, 2))).shape
    (0.265, (4, 3, 2))
    >>> float(obj.loss([0.0, 0.0], batch=[3])) == float((obj.y[3]) ** 2)
    True
    """
    return LinearRegression(n_samples=n_samples, noise=noise, seed=seed)


@dataclasses.dataclass(frozen=True)
class LogisticRegression(_DataObjective):
    r"""Log loss of a 1-D classifier; build it with :func:`logistic_regression`.

    .. math::

        \ell_i(w) = \log\bigl(1 + e^{z_i}\bigr) - y_i z_i, \qquad
        z_i = w_0 x_i + w_1, \qquad
        L(w) = \frac{1}{n}\sum_{i=1}^{n} \ell_i(w),

    with :math:`w_0` the weight, :math:`w_1` the bias and labels
    :math:`y_i \in \{0, 1\}`: the binary cross-entropy of
    :math:`\sigma(z_i)`, PyTorch's ``nn.BCEWithLogitsLoss(reduction="mean")``.
    Gradient :math:`(\sigma(z_i) - y_i)(x_i, 1)`, Hessian
    :math:`\sigma(z_i)\sigma(-z_i)(x_i, 1)^\top (x_i, 1)`, averaged.

    Computed as :math:`\ell_i = \operatorname{softplus}(s_i z_i)` with
    :math:`s_i = 1 - 2 y_i` (``np.logaddexp(0, s z)``), which is exact and
    warning-free for any :math:`|w|`. The data are
    :math:`x_i \sim \mathcal{N}(0, 1)`,
    :math:`y_i \sim \text{Bernoulli}(\sigma(2 x_i + 0.5))` around
    ``true_w = (2, 0.5)``; a draw whose classes a threshold can separate
    (then the loss has no minimum, only an infimum at infinity) is redrawn
    from the same generator, so the minimum is always finite.

    Parameters
    ----------
    n_samples : int
        :math:`n \ge 3`, the number of labelled points.
    seed : int
        Seeds ``np.random.default_rng`` for the data.

    Attributes
    ----------
    x : ndarray of shape (n_samples,)
        The feature (read-only).
    y : ndarray of shape (n_samples,)
        The labels, 0.0 or 1.0 (read-only).
    dim : int
        2, the number of weights.

    Examples
    --------
    >>> import numpy as np
    >>> obj = LogisticRegression(n_samples=40, seed=1)
    >>> sorted(set(obj.y.tolist())), obj.per_sample_grad([0.0, 0.0]).shape
    ([0.0, 1.0], (40, 2))
    >>> g = (0.5 - obj.y)[:, None] * np.stack([obj.x, np.ones(40)], axis=-1)  # sigma(0) = 1/2
    >>> bool(np.allclose(obj.per_sample_grad([0.0, 0.0]), g))
    True
    """

    n_samples: int = 200
    seed: int = 0

    true_w: ClassVar[tuple[float, float]] = (2.0, 0.5)
    name: ClassVar[str] = "logistic_regression"
    title: ClassVar[str] = "Logistic regression (log loss)"
    formula: ClassVar[str] = (
        r"L(w) = \frac{1}{n}\sum_{i=1}^{n} \log\left(1 + e^{w_0 x_i + w_1}\right) - y_i (w_0 x_i + w_1)"
    )
    bounds: ClassVar[tuple[tuple[float, float], tuple[float, float]]] = ((-2.0, 6.0), (-3.5, 4.5))

    x: np.ndarray = dataclasses.field(init=False, repr=False, compare=False)
    y: np.ndarray = dataclasses.field(init=False, repr=False, compare=False)
    _sign: np.ndarray = dataclasses.field(init=False, repr=False, compare=False)

    def __post_init__(self):
        owner = type(self).__name__
        n = check_int(self.n_samples, "n_samples", owner, low=3)
        check_memory(40 * n, "n_samples", owner, n, f"x, y, signs and features of {n} samples")
        seed = check_int(self.seed, "seed", owner, low=0)
        rng = np.random.default_rng(seed)
        while True:
            x = rng.standard_normal(n)
            y = (rng.random(n) < _sigmoid(self.true_w[0] * x + self.true_w[1])).astype(np.float64)
            if _overlap(x, y):
                break
        for attr, value in [("n_samples", n), ("seed", seed), ("x", _frozen(x)), ("y", _frozen(y)),
                            ("_sign", _frozen(1.0 - 2.0 * y)), ("_phi", _frozen(_features(x)))]:
            object.__setattr__(self, attr, value)

    def _z(self, w, idx):
        return w[..., 0] * self.x[idx] + w[..., 1]

    def _losses(self, w, idx):
        return np.logaddexp(0.0, self._sign[idx] * self._z(w, idx))

    def _grads(self, w, idx):
        # d softplus(s z) / dz = s sigmoid(s z) = sigmoid(z) - y, without cancellation.
        s = self._sign[idx]
        dz = s * _sigmoid(s * self._z(w, idx))
        return dz[..., None] * self._phi[idx]

    def _hessians(self, w, idx):
        e = np.exp(-np.abs(self._z(w, idx)))
        curvature = e / (1.0 + e) ** 2  # sigmoid(z) sigmoid(-z)
        phi = self._phi[idx]
        return curvature[..., None, None] * phi[..., :, None] * phi[..., None, :]


def _overlap(x, y) -> bool:
    """True when no threshold on x separates the labels (so the log loss has a minimum)."""
    zeros, ones = x[y == 0], x[y == 1]
    return (zeros.size > 0 and ones.size > 0
            and zeros.max() > ones.min() and ones.max() > zeros.min())


def logistic_regression(n_samples=200, seed=0) -> LogisticRegression:
    r"""Log loss of a 1-D logistic classifier :math:`\sigma(w_0 x + w_1)` on ``n_samples`` points.

    .. math::

        L(w) = \frac{1}{n}\sum_{i=1}^{n} \log\bigl(1 + e^{w_0 x_i + w_1}\bigr) - y_i (w_0 x_i + w_1)

    :math:`w_0` is the weight, :math:`w_1` the bias, :math:`y_i \in \{0, 1\}`,
    :math:`n` is ``n_samples``: PyTorch's ``nn.BCEWithLogitsLoss``. The classes
    overlap, so the minimum is finite. See :class:`LogisticRegression`.

    Examples
    --------
    >>> import numpy as np
    >>> obj = logistic_regression(n_samples=200, seed=0)
    >>> round(float(obj.loss([0.0, 0.0])), 4)  # log 2 for any data
    0.6931
    >>> np.round(obj.grad([1e3, -1e3]), 3)  # huge weights: finite, no warning
    array([-0.051, -0.39 ])
    """
    return LogisticRegression(n_samples=n_samples, seed=seed)


@dataclasses.dataclass(frozen=True)
class Sampled(_DataObjective):
    r"""A surface as a data objective: sample :math:`i` is the surface shifted by :math:`o_i`.

    .. math::

        \ell_i(w) = f(w - o_i), \qquad
        o_i \sim \mathcal{N}(\mu, \sigma^2 I), \qquad
        L(w) = \frac{1}{n}\sum_{i=1}^{n} f(w - o_i),

    with :math:`f` the ``surface``, :math:`\sigma` the ``spread``, :math:`\mu` the
    ``shift`` and :math:`n` the ``n_samples``. Each sample's minimum sits at a
    surface minimum plus :math:`o_i`, so mini-batches disagree about where to go
    (the noise of SGD), and the full loss is the surface blurred by the offsets.
    A test set is ``resample(seed)`` (fresh draws from the same distribution); the
    same draws moved systematically by :math:`d`, as in the flat-versus-sharp-minima
    argument (Keskar et al. 2017), are ``train.shifted(d)``, whose loss is
    :math:`L_{\text{test}}(w) = L_{\text{train}}(w - d)`. (``dataclasses.replace(train,
    seed=1, shift=d)`` is not that: a new seed redraws every offset, so it mixes a
    shift with a resample.) Gradient, per-sample gradients and Hessian are the
    surface's at :math:`w - o_i`, averaged or not; ``max_stable_lr_at`` is
    :math:`2/\lambda_{\max}` of that Hessian.

    With ``spread=0`` every sample is the surface moved by :math:`\mu`, so
    ``minima``, ``saddles`` and ``maxima`` are the surface's moved by
    :math:`\mu` (the surface's own arrays when :math:`\mu = 0`). With a spread
    the full loss is a blurred surface whose critical points have moved and may
    have vanished: they are None (not known), and
    :func:`gdcore.critical.critical_point` finds them from the surface's.

    The blur is strong for a narrow well. On ``flat_sharp`` (sharp well of width
    0.25) the default ``spread=0.3`` with 64 samples (seed 0) leaves the flat
    minimum almost as it was (loss -0.886 to -0.804, :math:`\lambda_{\max}` 1.09
    to 0.94) but makes the sharp one shallow and wide (loss -0.883 to -0.301,
    :math:`\lambda_{\max}` 16.1 to 3.2): what SGD meets is this blurred train
    loss, and the sharp minimum is still the sharper of the two, but 3.4 times,
    not 15. Pass ``spread=0.1`` (:math:`\lambda_{\max}` 12.4) to keep it sharp; the
    default stays 0.3 because it is the DESIGN's and the pages' noise level.

    Parameters
    ----------
    surface : Surface
        :math:`f`: anything with ``loss(w)``, ``grad(w)`` (and ``hessian(w)``
        for :meth:`hessian`) broadcasting over ``(..., 2)``.
    n_samples : int
        :math:`n \ge 1`.
    spread : float
        :math:`\sigma \ge 0`; 0 makes every sample the shifted surface. Blurs
        wells narrower than about :math:`\sigma` (see above).
    seed : int
        Seeds ``np.random.default_rng`` for the offsets.
    shift : pair of floats
        :math:`\mu`, the mean offset: (0, 0) for a train set.

    Attributes
    ----------
    offsets : ndarray of shape (n_samples, 2)
        :math:`o_i` (read-only).
    name, title, formula, bounds
        For charts; ``bounds`` are the surface's (None when it has none), so train and
        test sets share a frame.
    minima, saddles, maxima : ndarray of shape (k, 2), or None
        The surface's critical points moved by :math:`\mu` when ``spread == 0``;
        None with a spread (or when the surface lists none).
    dim : int
        2, the number of weights.

    Examples
    --------
    >>> import numpy as np
    >>> from gdcore.surfaces import Quadratic
    >>> train = Sampled(Quadratic(eigenvalues=(1.0, 4.0)), n_samples=64, spread=0.3, seed=0)
    >>> train.offsets.shape, train.loss(np.zeros((5, 7, 2))).shape
    ((64, 2), (5, 7))
    >>> test = train.resample(1)
    >>> bool(np.array_equal(train.offsets, test.offsets)), test.n_samples
    (False, 64)
    >>> moved = train.shifted((0.5, 0.0))  # the same draws, moved: L_train(w - d)
    >>> bool(np.array_equal(moved.offsets, train.offsets + (0.5, 0.0)))
    True
    >>> exact = Sampled(Quadratic(eigenvalues=(1.0, 4.0)), spread=0.0)
    >>> exact.minima.tolist(), train.minima is None
    ([[0.0, 0.0]], True)
    """

    surface: Any
    n_samples: int = 64
    spread: float = 0.3
    seed: int = 0
    shift: tuple[float, float] = (0.0, 0.0)

    offsets: np.ndarray = dataclasses.field(init=False, repr=False, compare=False)

    def __post_init__(self):
        owner = type(self).__name__
        if not all(callable(getattr(self.surface, attr, None)) for attr in ("loss", "grad")):
            fail("surface", owner, "a surface with loss(w) and grad(w) methods", self.surface)
        n = check_int(self.n_samples, "n_samples", owner, low=1)
        check_memory(16 * n, "n_samples", owner, n, f"the offsets of {n} samples")
        spread = check_real(self.spread, "spread", owner, low=0.0)
        seed = check_int(self.seed, "seed", owner, low=0)
        shift = tuple(float(v) for v in check_points(self.shift, "shift", owner, batched=False))
        with np.errstate(all="ignore"):
            offsets = np.asarray(shift) + spread * np.random.default_rng(seed).standard_normal((n, 2))
        if not np.all(np.isfinite(offsets)):
            fail("spread", owner, "a float >= 0 small enough for finite offsets shift + spread * N(0, 1)", spread)
        for attr, value in [("n_samples", n), ("spread", spread), ("seed", seed),
                            ("shift", shift), ("offsets", _frozen(offsets))]:
            object.__setattr__(self, attr, value)

    @property
    def name(self) -> str:
        return f"{getattr(self.surface, 'name', type(self.surface).__name__)}_sampled"

    @property
    def title(self) -> str:
        title = getattr(self.surface, "title", getattr(self.surface, "name", type(self.surface).__name__))
        return f"{title}, {self.n_samples} shifted samples"

    @property
    def formula(self) -> str:
        return r"L(w) = \frac{1}{n}\sum_{i=1}^{n} f(w - o_i), \quad o_i \sim \mathcal{N}(\mu, \sigma^2 I)"

    @property
    def bounds(self):
        """The surface's plotting window, or None when the surface has none."""
        return getattr(self.surface, "bounds", None)

    def shifted(self, shift):
        r"""The same draws moved by ``shift``: offsets :math:`o_i + d`, a test loss
        :math:`L_{\text{test}}(w) = L_{\text{train}}(w - d)`.

        .. math::

            \ell^{\text{test}}_i(w) = f\bigl(w - (o_i + d)\bigr)
            = \ell_i(w - d), \qquad d = \texttt{shift},

        the flat-versus-sharp-minima argument (Keskar et al. 2017): a test set is
        the train set moved a little, so a minimum pays for its sharpness. The
        result is a ``Sampled`` with the same ``surface``, ``n_samples``,
        ``spread`` and ``seed`` (so the same standard-normal draws) and
        ``shift`` :math:`\mu + d`. From a train set (:math:`\mu = 0`) its offsets
        are ``offsets + shift`` bit for bit. Compare :meth:`resample`, which
        redraws the offsets.

        >>> import numpy as np
        >>> from gdcore.surfaces import get
        >>> train = Sampled(get("flat_sharp"), n_samples=16, seed=0)
        >>> test = train.shifted((0.2, -0.1))
        >>> test.shift, bool(np.array_equal(test.offsets, train.offsets + (0.2, -0.1)))
        ((0.2, -0.1), True)
        >>> w = np.array([1.5, -0.5])
        >>> bool(np.isclose(test.loss(w), train.loss(w - (0.2, -0.1))))
        True
        """
        d = check_points(shift, "shift", "Sampled.shifted", batched=False)
        return dataclasses.replace(self, shift=(self.shift[0] + float(d[0]), self.shift[1] + float(d[1])))

    def _critical(self, attr):
        points = getattr(self.surface, attr, None)
        if self.spread != 0.0 or points is None:
            return None
        points = np.asarray(points, dtype=np.float64).reshape(-1, 2)
        if self.shift == (0.0, 0.0):
            return points
        return _frozen(points + np.asarray(self.shift))

    @property
    def minima(self):
        """The surface's minima moved by ``shift`` when ``spread == 0``, else None."""
        return self._critical("minima")

    @property
    def saddles(self):
        """The surface's saddles moved by ``shift`` when ``spread == 0``, else None."""
        return self._critical("saddles")

    @property
    def maxima(self):
        """The surface's maxima moved by ``shift`` when ``spread == 0``, else None."""
        return self._critical("maxima")

    def max_stable_lr_at(self, w):
        r""":math:`2/\lambda_{\max}` of the full loss's Hessian at ``w`` (needs ``surface.hessian``).

        >>> from gdcore.surfaces import Quadratic
        >>> obj = Sampled(Quadratic(eigenvalues=(1.0, 4.0)), n_samples=8, seed=0)
        >>> float(obj.max_stable_lr_at([0.3, -0.2]))  # every sample has Hessian diag(1, 4)
        0.5
        """
        self._need_hessian("Sampled.max_stable_lr_at")
        return super().max_stable_lr_at(w)

    def _need_hessian(self, owner):
        if not callable(getattr(self.surface, "hessian", None)):
            fail("surface", owner, "a surface with a hessian(w) method", self.surface)

    def _losses(self, w, idx):
        return self.surface.loss(w - self.offsets[idx])

    def _grads(self, w, idx):
        return self.surface.grad(w - self.offsets[idx])

    def _hessians(self, w, idx):
        self._need_hessian("Sampled.hessian")
        return self.surface.hessian(w - self.offsets[idx])
