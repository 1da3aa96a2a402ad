r"""Optimizers with PyTorch's update rules and defaults: SGD, Adagrad, RMSprop, Adam, AdamW.

Each optimizer is a frozen object holding only hyper-parameters; the state it
needs between updates is explicit, a named tuple returned by ``init`` and by
every ``step``::

    opt = Adam(lr=0.1)
    state = opt.init(w)
    w, state = opt.step(w, g, state)            # uses opt.lr
    w, state = opt.step(w, g, state, lr=0.05)   # lr from a schedule or a controller

``step`` is pure: it never changes ``w``, ``g`` or ``state`` and never returns
state that shares memory with them (nor do two fields of one state share memory).
Everything is elementwise, so ``w`` may be a single point ``(2,)`` or a batch of
starts ``(B, 2)`` and the same call serves both.

``step`` checks what it is given and fails naming the parameter: ``w`` and ``g``
real, finite and of one shape, ``state`` this optimizer's own (made by ``init``
for that shape), ``lr`` a float >= 0. Overflow in the update itself (a huge lr
or gradient) is data, as in torch: the result holds ``inf`` and no warning is
raised.

The numbers are those of ``torch.optim`` (single-tensor path, ``foreach=False``,
float64): ``tests/test_optimizers.py`` replays gradients recorded from PyTorch and
checks every weight to 1e-9 relative (the recorded runs agree to about 1e-13).
"""

from __future__ import annotations

import math
import numbers
from dataclasses import dataclass
from typing import ClassVar, NamedTuple

import numpy as np

from ._checks import check_bool, check_points, check_real, describe, fail, real_array

__all__ = [
    "SGD",
    "Adagrad",
    "RMSprop",
    "Adam",
    "AdamW",
    "SGDState",
    "AdagradState",
    "RMSpropState",
    "AdamState",
]


class SGDState(NamedTuple):
    """State of :class:`SGD`: the momentum buffer :math:`b` and the number of updates made."""

    momentum_buffer: np.ndarray
    step: int


class AdagradState(NamedTuple):
    """State of :class:`Adagrad`: the number of updates made and the running sum of :math:`g^2`."""

    step: int
    sum: np.ndarray


class RMSpropState(NamedTuple):
    r"""State of :class:`RMSprop`: updates made, :math:`v`, :math:`g^{ave}` and the momentum buffer :math:`b`."""

    step: int
    square_avg: np.ndarray
    grad_avg: np.ndarray
    momentum_buffer: np.ndarray


class AdamState(NamedTuple):
    r"""State of :class:`Adam` and :class:`AdamW`: updates made, :math:`m`, :math:`v` and :math:`v^{max}`."""

    step: int
    exp_avg: np.ndarray
    exp_avg_sq: np.ndarray
    max_exp_avg_sq: np.ndarray


# Builds a state tuple without the Python-level __new__ NamedTuple generates: step()
# runs once per update, and that call is a good part of its overhead on small arrays.
_new = tuple.__new__


def _set(obj, name, value):
    # The dataclasses are frozen; __post_init__ stores the checked, normalised values.
    object.__setattr__(obj, name, value)


def _check_common(opt, *names):
    """Check lr and the other ``names`` as floats >= 0 and store them as Python floats."""
    owner = type(opt).__name__
    for name in ("lr",) + names:
        _set(opt, name, check_real(getattr(opt, name), name, owner, low=0))


def _init_points(opt, w):
    return check_points(w, "w", f"{type(opt).__name__}.init", dim=None)


def _checked_step(opt, w, g, state, lr, state_type):
    """``opt.step``: check every argument, run the update, never alias an input."""
    owner = f"{type(opt).__name__}.step"
    kind = ("an " if state_type.__name__[0] in "AEIOU" else "a ") + state_type.__name__
    w = check_points(w, "w", owner, dim=None)
    g = check_points(g, "g", owner, dim=None)
    if g.shape != w.shape:
        fail("g", owner, f"an array of the shape of w, {w.shape}", describe(g) if g.size > 6 else f"shape {g.shape}")
    if not isinstance(state, state_type):
        fail("state", owner, f"{kind}, as {type(opt).__name__}.init(w) returns",
             type(state).__name__)
    fields = state._asdict()
    count = fields["step"]
    if isinstance(count, (bool, np.bool_)) or not isinstance(count, numbers.Integral) or count < 0:
        fail("state", owner, f"{kind} whose step is an int >= 0", count)
    for field, value in fields.items():
        if field == "step":
            continue
        arr = real_array(value, "state", owner, f"{kind} whose {field} is an array of floats")
        if arr.shape != w.shape:
            fail("state", owner, f"{kind} made for w of shape {w.shape}",
                 f"{field} of shape {arr.shape}")
        if np.isnan(arr).any():
            fail("state", owner, f"{kind} whose {field} holds no NaN", describe(value))
        fields[field] = arr
    state = state_type(**fields)
    lr = opt.lr if lr is None else check_real(lr, "lr", owner, low=0)
    with np.errstate(all="ignore"):  # overflow is data, as in torch
        w_new, new = opt._update(w, g, state, lr)
    # A buffer this configuration leaves unused comes back as it went in: copy it, so
    # the caller's state and the returned one never share memory.
    old = [v for v in state if isinstance(v, np.ndarray)] + [w, g]
    new = _new(state_type, tuple(
        v.copy() if isinstance(v, np.ndarray) and any(v is o for o in old) else v for v in new
    ))
    return w_new, new


@dataclass(frozen=True)
class SGD:
    r"""Stochastic gradient descent, optionally with momentum, as ``torch.optim.SGD``.

    .. math::

        \begin{aligned}
        g_t &\leftarrow \nabla f(\theta_{t-1}) + \lambda\,\theta_{t-1} \\
        b_t &\leftarrow \begin{cases} g_t & t = 1 \\
                        \mu\, b_{t-1} + (1 - \tau)\, g_t & t > 1 \end{cases} \\
        d_t &\leftarrow \begin{cases} g_t + \mu\, b_t & \text{nesterov} \\
                        b_t & \text{otherwise} \end{cases}
              \qquad (d_t = g_t \text{ when } \mu = 0) \\
        \theta_t &\leftarrow \theta_{t-1} - \gamma\, d_t
        \end{aligned}

    Parameters
    ----------
    lr : float, default 1e-3
        :math:`\gamma`, the learning rate (>= 0).
    momentum : float, default 0
        :math:`\mu` (>= 0); 0 is plain gradient descent.
    dampening : float, default 0
        :math:`\tau` in [0, 1]: the share of each new gradient left out of the buffer.
    weight_decay : float, default 0
        :math:`\lambda` (>= 0), an L2 penalty :math:`\tfrac{\lambda}{2}\lVert\theta\rVert^2`
        added to the loss.
    nesterov : bool, default False
        Nesterov momentum; needs ``momentum > 0`` and ``dampening == 0`` (as in torch).

    Notes
    -----
    Convention. We follow torch: the buffer accumulates raw gradients and the
    learning rate multiplies it at each update. Sutskever et al. and Keras keep a
    velocity that already contains the learning rate,
    :math:`v_t = \mu v_{t-1} - \gamma g_t,\ \theta_t = \theta_{t-1} + v_t`.
    With a constant learning rate and no dampening the two give the same path;
    when the learning rate changes (a schedule) they differ, because torch
    rescales the whole remembered history by the new :math:`\gamma`. torch also
    starts the buffer at :math:`g_1` itself, not :math:`(1 - \tau) g_1`.

    References
    ----------
    ``torch.optim.SGD`` (PyTorch 2.x). B. T. Polyak, "Some methods of speeding up
    the convergence of iteration methods", 1964 (momentum). I. Sutskever,
    J. Martens, G. Dahl, G. Hinton, "On the importance of initialization and
    momentum in deep learning", ICML 2013 (Nesterov momentum in this form).

    Examples
    --------
    Two momentum steps on :math:`f(w) = \tfrac12 (x^2 + 10 y^2)`:

    >>> import numpy as np
    >>> from gdcore.optimizers import SGD
    >>> opt = SGD(lr=0.1, momentum=0.9)
    >>> w = np.array([1.0, 1.0])
    >>> state = opt.init(w)
    >>> for _ in range(2):
    ...     w, state = opt.step(w, np.array([1.0, 10.0]) * w, state)
    >>> print(np.round(w, 4), state.step)
    [ 0.72 -0.9 ] 2
    """

    lr: float = 1e-3
    momentum: float = 0.0
    dampening: float = 0.0
    weight_decay: float = 0.0
    nesterov: bool = False

    name: ClassVar[str] = "sgd"

    def __post_init__(self):
        _check_common(self, "momentum", "weight_decay")
        _set(self, "dampening", check_real(self.dampening, "dampening", "SGD", low=0, high=1))
        _set(self, "nesterov", check_bool(self.nesterov, "nesterov", "SGD"))
        if self.nesterov and (self.momentum <= 0 or self.dampening != 0):
            fail("nesterov", "SGD", "False unless momentum > 0 and dampening == 0", True)

    def init(self, w) -> SGDState:
        """Return the state before the first update: an empty buffer, no updates made."""
        return SGDState(np.zeros_like(_init_points(self, w)), 0)

    def step(self, w, g, state: SGDState, lr=None):
        """Return ``(w_new, state_new)`` after one update with gradient ``g``; ``lr`` overrides ``self.lr``."""
        return _checked_step(self, w, g, state, lr, SGDState)

    def _update(self, w, g, state, lr):
        # The update itself, unchecked: descend calls it with arguments it has checked.
        if self.weight_decay:
            g = g + self.weight_decay * w
        buf = state.momentum_buffer
        mu = self.momentum
        if mu:
            if not state.step:
                # torch starts the buffer at g itself (undamped); copied so it never aliases the caller's g.
                buf = np.array(g, dtype=np.float64)
            elif self.dampening:
                buf = mu * buf + (1.0 - self.dampening) * g
            else:  # the common case, one multiplication fewer in the hot loop
                buf = mu * buf + g
            g = g + mu * buf if self.nesterov else buf
        return w - lr * g, _new(SGDState, (buf, state.step + 1))


@dataclass(frozen=True)
class Adagrad:
    r"""Adagrad, as ``torch.optim.Adagrad``: each coordinate's step shrinks with its summed squared gradients.

    .. math::

        \begin{aligned}
        &\textbf{initialise: } s_0 \leftarrow \tau \\
        &\tilde\gamma_t \leftarrow \gamma / \bigl(1 + (t - 1)\,\eta\bigr) \\
        &g_t \leftarrow \nabla f(\theta_{t-1}) + \lambda\,\theta_{t-1} \\
        &s_t \leftarrow s_{t-1} + g_t^2 \\
        &\theta_t \leftarrow \theta_{t-1} - \tilde\gamma_t\, \frac{g_t}{\sqrt{s_t} + \epsilon}
        \end{aligned}

    Parameters
    ----------
    lr : float, default 1e-2
        :math:`\gamma` (>= 0). A schedule's lr passed to ``step`` replaces
        :math:`\gamma` and is then decayed by ``lr_decay`` as well, as in torch.
    lr_decay : float, default 0
        :math:`\eta` (>= 0).
    weight_decay : float, default 0
        :math:`\lambda` (>= 0), L2 penalty added to the gradient.
    initial_accumulator_value : float, default 0
        :math:`\tau` (>= 0), the starting value of the sum :math:`s`.
    eps : float, default 1e-10
        :math:`\epsilon` (>= 0), added to :math:`\sqrt{s_t}`.

    Notes
    -----
    Convention. We follow torch: :math:`\epsilon` is added outside the square root,
    the accumulator starts at 0, and ``lr_decay`` divides the learning rate by
    :math:`1 + (t-1)\eta`. Keras adds :math:`\epsilon` inside the root,
    :math:`g / \sqrt{s + \epsilon}`, starts the accumulator at 0.1 and has no
    ``lr_decay``. Duchi et al. state the diagonal update without :math:`\epsilon`.

    References
    ----------
    ``torch.optim.Adagrad`` (PyTorch 2.x). J. Duchi, E. Hazan, Y. Singer,
    "Adaptive subgradient methods for online learning and stochastic
    optimization", JMLR 12, 2011.

    Examples
    --------
    The first step moves every coordinate by about ``lr``, whatever the gradient's size:

    >>> import numpy as np
    >>> from gdcore.optimizers import Adagrad
    >>> opt = Adagrad(lr=0.5)
    >>> w = np.array([1.0, 1.0])
    >>> w, state = opt.step(w, np.array([0.1, 30.0]), opt.init(w))
    >>> print(np.round(w, 4), np.round(state.sum, 4))
    [0.5 0.5] [1.e-02 9.e+02]
    """

    lr: float = 1e-2
    lr_decay: float = 0.0
    weight_decay: float = 0.0
    initial_accumulator_value: float = 0.0
    eps: float = 1e-10

    name: ClassVar[str] = "adagrad"

    def __post_init__(self):
        _check_common(self, "lr_decay", "weight_decay", "initial_accumulator_value", "eps")

    def init(self, w) -> AdagradState:
        """Return the state before the first update: the sum filled with ``initial_accumulator_value``."""
        return AdagradState(0, np.full_like(_init_points(self, w), self.initial_accumulator_value))

    def step(self, w, g, state: AdagradState, lr=None):
        """Return ``(w_new, state_new)`` after one update with gradient ``g``; ``lr`` overrides ``self.lr``."""
        return _checked_step(self, w, g, state, lr, AdagradState)

    def _update(self, w, g, state, lr):
        if self.weight_decay:
            g = g + self.weight_decay * w
        clr = lr / (1.0 + state.step * self.lr_decay)
        total = state.sum + g * g
        return w - clr * (g / (np.sqrt(total) + self.eps)), _new(AdagradState, (state.step + 1, total))


@dataclass(frozen=True)
class RMSprop:
    r"""RMSprop, as ``torch.optim.RMSprop``: divide the gradient by a running root-mean-square.

    .. math::

        \begin{aligned}
        &g_t \leftarrow \nabla f(\theta_{t-1}) + \lambda\,\theta_{t-1} \\
        &v_t \leftarrow \alpha\, v_{t-1} + (1 - \alpha)\, g_t^2 \\
        &\textbf{if centered: } g^{ave}_t \leftarrow \alpha\, g^{ave}_{t-1} + (1 - \alpha)\, g_t,
          \quad \tilde v_t \leftarrow v_t - (g^{ave}_t)^2
          \quad \textbf{else: } \tilde v_t \leftarrow v_t \\
        &\textbf{if } \mu > 0\textbf{: } b_t \leftarrow \mu\, b_{t-1} + g_t / (\sqrt{\tilde v_t} + \epsilon),
          \quad \theta_t \leftarrow \theta_{t-1} - \gamma\, b_t \\
        &\textbf{else: } \theta_t \leftarrow \theta_{t-1} - \gamma\, g_t / (\sqrt{\tilde v_t} + \epsilon)
        \end{aligned}

    with :math:`v_0 = g^{ave}_0 = b_0 = 0`.

    Parameters
    ----------
    lr : float, default 1e-2
        :math:`\gamma` (>= 0).
    alpha : float, default 0.99
        :math:`\alpha` in [0, 1), the smoothing constant (torch accepts any
        :math:`\alpha \ge 0`; from 1 on the average no longer averages).
    eps : float, default 1e-8
        :math:`\epsilon` (>= 0), added to :math:`\sqrt{\tilde v_t}`.
    weight_decay : float, default 0
        :math:`\lambda` (>= 0), L2 penalty added to the gradient.
    momentum : float, default 0
        :math:`\mu` (>= 0), momentum on the normalised step.
    centered : bool, default False
        Normalise by an estimate of the gradient's variance instead of its raw
        second moment (Graves 2013). As in torch, rounding can make
        :math:`\tilde v_t` a hair below 0 when the gradient hardly varies, and
        the step is then NaN.

    Notes
    -----
    Convention. We follow torch: :math:`\epsilon` outside the square root,
    :math:`\alpha = 0.99`, no bias correction, and the learning rate applied
    outside the momentum buffer. TensorFlow/Keras add :math:`\epsilon` inside the
    root, :math:`g / \sqrt{v + \epsilon}` (default :math:`\rho = 0.9`,
    :math:`\epsilon = 10^{-7}`), and put the learning rate inside the buffer.
    Graves also puts :math:`\epsilon` inside the root.

    References
    ----------
    ``torch.optim.RMSprop`` (PyTorch 2.x). G. Hinton, N. Srivastava, K. Swersky,
    "Neural networks for machine learning", lecture 6e, 2012. A. Graves,
    "Generating sequences with recurrent neural networks", arXiv:1308.0850, 2013
    (the centered form, eqs. 38-41).

    Examples
    --------
    With :math:`\alpha = 0` each step is :math:`\gamma\,\mathrm{sign}(g)`, up to :math:`\epsilon`:

    >>> import numpy as np
    >>> from gdcore.optimizers import RMSprop
    >>> opt = RMSprop(lr=0.1, alpha=0.0)
    >>> w = np.array([1.0, 1.0])
    >>> w, state = opt.step(w, np.array([-4.0, 0.01]), opt.init(w))
    >>> print(np.round(w, 4))
    [1.1 0.9]
    """

    lr: float = 1e-2
    alpha: float = 0.99
    eps: float = 1e-8
    weight_decay: float = 0.0
    momentum: float = 0.0
    centered: bool = False

    name: ClassVar[str] = "rmsprop"

    def __post_init__(self):
        _check_common(self, "eps", "weight_decay", "momentum")
        _set(self, "alpha", check_real(self.alpha, "alpha", "RMSprop", low=0, high=1, closed="left"))
        _set(self, "centered", check_bool(self.centered, "centered", "RMSprop"))

    def init(self, w) -> RMSpropState:
        """Return the state before the first update: every average and the buffer at 0."""
        w = _init_points(self, w)
        return RMSpropState(0, np.zeros_like(w), np.zeros_like(w), np.zeros_like(w))

    def step(self, w, g, state: RMSpropState, lr=None):
        """Return ``(w_new, state_new)`` after one update with gradient ``g``; ``lr`` overrides ``self.lr``."""
        return _checked_step(self, w, g, state, lr, RMSpropState)

    def _update(self, w, g, state, lr):
        if self.weight_decay:
            g = g + self.weight_decay * w
        alpha = self.alpha
        square_avg = alpha * state.square_avg + (1.0 - alpha) * (g * g)
        grad_avg = state.grad_avg
        if self.centered:
            # torch moves grad_avg with lerp toward g; this is lerp's formula for weights < 0.5.
            grad_avg = grad_avg + (1.0 - alpha) * (g - grad_avg)
            avg = np.sqrt(square_avg - grad_avg * grad_avg) + self.eps
        else:
            avg = np.sqrt(square_avg) + self.eps
        buf = state.momentum_buffer
        if self.momentum > 0:
            buf = self.momentum * buf + g / avg
            w_new = w - lr * buf
        else:
            w_new = w - lr * (g / avg)
        return w_new, _new(RMSpropState, (state.step + 1, square_avg, grad_avg, buf))


def _check_betas(betas, owner):
    """Return ``betas`` as a pair of Python floats in [0, 1), or fail naming 'betas'."""
    expected = "a pair (beta1, beta2) of floats in the range [0, 1)"
    if not isinstance(betas, (tuple, list)) or len(betas) != 2:
        fail("betas", owner, expected, betas)
    for beta in betas:
        if isinstance(beta, bool) or not isinstance(beta, numbers.Real):
            fail("betas", owner, expected, betas)
        if not 0.0 <= beta < 1.0:  # also rejects NaN
            fail("betas", owner, expected, betas)
    return (float(betas[0]), float(betas[1]))


def _adam_update(opt, w, g, state, lr):
    """The Adam step shared by Adam and AdamW, after their weight decay."""
    beta1, beta2 = opt.betas
    t = state.step + 1
    # torch moves exp_avg with lerp toward g; this is lerp's formula for weights < 0.5.
    exp_avg = state.exp_avg + (1.0 - beta1) * (g - state.exp_avg)
    exp_avg_sq = beta2 * state.exp_avg_sq + (1.0 - beta2) * (g * g)
    max_exp_avg_sq = state.max_exp_avg_sq
    if opt.amsgrad:
        max_exp_avg_sq = np.maximum(max_exp_avg_sq, exp_avg_sq)
        second = max_exp_avg_sq
    else:
        second = exp_avg_sq
    step_size = lr / (1.0 - beta1**t)
    denom = np.sqrt(second) / math.sqrt(1.0 - beta2**t) + opt.eps
    w_new = w - step_size * (exp_avg / denom)
    return w_new, _new(AdamState, (t, exp_avg, exp_avg_sq, max_exp_avg_sq))


@dataclass(frozen=True)
class Adam:
    r"""Adam, as ``torch.optim.Adam``: momentum divided by a running RMS, both bias-corrected.

    .. math::

        \begin{aligned}
        &g_t \leftarrow \nabla f(\theta_{t-1}) + \lambda\,\theta_{t-1} \\
        &m_t \leftarrow \beta_1 m_{t-1} + (1 - \beta_1)\, g_t \\
        &v_t \leftarrow \beta_2 v_{t-1} + (1 - \beta_2)\, g_t^2 \\
        &\widehat{m}_t \leftarrow m_t / (1 - \beta_1^t) \\
        &\textbf{if amsgrad: } v^{max}_t \leftarrow \max(v^{max}_{t-1}, v_t),
          \quad \widehat{v}_t \leftarrow v^{max}_t / (1 - \beta_2^t) \\
        &\textbf{else: } \widehat{v}_t \leftarrow v_t / (1 - \beta_2^t) \\
        &\theta_t \leftarrow \theta_{t-1} - \gamma\, \widehat{m}_t / \bigl(\sqrt{\widehat{v}_t} + \epsilon\bigr)
        \end{aligned}

    with :math:`m_0 = v_0 = v^{max}_0 = 0`.

    Parameters
    ----------
    lr : float, default 1e-3
        :math:`\gamma` (>= 0).
    betas : (float, float), default (0.9, 0.999)
        :math:`(\beta_1, \beta_2)`, each in [0, 1).
    eps : float, default 1e-8
        :math:`\epsilon` (>= 0), added to :math:`\sqrt{\widehat{v}_t}`.
    weight_decay : float, default 0
        :math:`\lambda` (>= 0), an L2 penalty added to the gradient, so it also
        passes through :math:`m` and :math:`v` (see :class:`AdamW` for the decoupled form).
    amsgrad : bool, default False
        Normalise by the running maximum of :math:`v` (torch's variant of Reddi et
        al.: the maximum of the raw :math:`v`, then bias-corrected).

    Notes
    -----
    Convention. We follow torch: :math:`\epsilon` is added after the bias
    correction, to :math:`\sqrt{v_t}/\sqrt{1-\beta_2^t}`. TensorFlow/Keras use the
    paper's "epsilon hat" form, :math:`\gamma\sqrt{1-\beta_2^t}/(1-\beta_1^t)\cdot
    m_t/(\sqrt{v_t} + \hat\epsilon)` with :math:`\hat\epsilon = 10^{-7}`, which
    equals torch's only with :math:`\epsilon = \hat\epsilon/\sqrt{1-\beta_2^t}`, a
    different value at every step.

    On the first step :math:`\widehat{m}_1 = g_1` and :math:`\widehat{v}_1 = g_1^2`,
    so every coordinate moves by :math:`\gamma\,|g_1| / (|g_1| + \epsilon) \approx \gamma`.

    References
    ----------
    ``torch.optim.Adam`` (PyTorch 2.x). D. P. Kingma, J. Ba, "Adam: a method for
    stochastic optimization", ICLR 2015. S. J. Reddi, S. Kale, S. Kumar, "On the
    convergence of Adam and beyond", ICLR 2018 (amsgrad).

    Examples
    --------
    The first step is :math:`\gamma\,\mathrm{sign}(g)`, up to :math:`\epsilon`:

    >>> import numpy as np
    >>> from gdcore.optimizers import Adam
    >>> opt = Adam(lr=0.1)
    >>> w = np.array([1.0, -2.0])
    >>> w, state = opt.step(w, np.array([3.0, -0.001]), opt.init(w))
    >>> print(np.round(w, 4), state.step)
    [ 0.9 -1.9] 1
    """

    lr: float = 1e-3
    betas: tuple[float, float] = (0.9, 0.999)
    eps: float = 1e-8
    weight_decay: float = 0.0
    amsgrad: bool = False

    name: ClassVar[str] = "adam"

    def __post_init__(self):
        owner = type(self).__name__
        _check_common(self, "eps", "weight_decay")
        _set(self, "betas", _check_betas(self.betas, owner))
        _set(self, "amsgrad", check_bool(self.amsgrad, "amsgrad", owner))

    def init(self, w) -> AdamState:
        """Return the state before the first update: both moments and their maximum at 0."""
        w = _init_points(self, w)
        return AdamState(0, np.zeros_like(w), np.zeros_like(w), np.zeros_like(w))

    def step(self, w, g, state: AdamState, lr=None):
        """Return ``(w_new, state_new)`` after one update with gradient ``g``; ``lr`` overrides ``self.lr``."""
        return _checked_step(self, w, g, state, lr, AdamState)

    def _update(self, w, g, state, lr):
        if self.weight_decay:
            g = g + self.weight_decay * w
        return _adam_update(self, w, g, state, lr)


@dataclass(frozen=True)
class AdamW(Adam):
    r"""AdamW, as ``torch.optim.AdamW``: Adam with decoupled weight decay.

    The weights shrink by :math:`\gamma\lambda` of themselves first, and the
    Adam step then uses the plain gradient, so the decay never enters
    :math:`m` or :math:`v`:

    .. math::

        \begin{aligned}
        &g_t \leftarrow \nabla f(\theta_{t-1}) \\
        &\theta_t \leftarrow \theta_{t-1} - \gamma \lambda\, \theta_{t-1} \\
        &m_t, v_t, \widehat{m}_t, \widehat{v}_t \text{ as in } \texttt{Adam} \\
        &\theta_t \leftarrow \theta_t - \gamma\, \widehat{m}_t / \bigl(\sqrt{\widehat{v}_t} + \epsilon\bigr)
        \end{aligned}

    Parameters
    ----------
    lr : float, default 1e-3
        :math:`\gamma` (>= 0).
    betas : (float, float), default (0.9, 0.999)
        :math:`(\beta_1, \beta_2)`, each in [0, 1).
    eps : float, default 1e-8
        :math:`\epsilon` (>= 0).
    weight_decay : float, default 1e-2
        :math:`\lambda` (>= 0), the decoupled decay rate.
    amsgrad : bool, default False
        As in :class:`Adam`.

    Notes
    -----
    Convention. We follow torch (and Keras): the decay is scaled by the current
    learning rate, :math:`\theta \leftarrow (1 - \gamma\lambda)\theta`. Loshchilov &
    Hutter scale it only by the schedule multiplier :math:`\eta_t`,
    :math:`\theta \leftarrow \theta - \eta_t(\alpha\,\widehat{m}/(\sqrt{\widehat{v}}+\epsilon) + \lambda\theta)`,
    so their :math:`\lambda` is torch's :math:`\gamma\lambda` at the base rate.

    References
    ----------
    ``torch.optim.AdamW`` (PyTorch 2.x). I. Loshchilov, F. Hutter, "Decoupled
    weight decay regularization", ICLR 2019. D. P. Kingma, J. Ba, "Adam: a method
    for stochastic optimization", ICLR 2015.

    Examples
    --------
    The first step shrinks by :math:`1 - \gamma\lambda`, then moves by :math:`\gamma\,\mathrm{sign}(g)`:

    >>> import numpy as np
    >>> from gdcore.optimizers import AdamW
    >>> opt = AdamW(lr=0.1, weight_decay=0.5)
    >>> w = np.array([1.0, -2.0])
    >>> w, state = opt.step(w, np.array([3.0, -0.001]), opt.init(w))
    >>> print(np.round(w, 4))
    [ 0.85 -1.8 ]
    """

    weight_decay: float = 1e-2

    name: ClassVar[str] = "adamw"

    def _update(self, w, g, state, lr):
        if self.weight_decay:
            w = w * (1.0 - lr * self.weight_decay)
        return _adam_update(self, w, g, state, lr)
