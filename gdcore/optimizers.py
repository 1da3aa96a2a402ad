r"""Optimizers with PyTorch's update rules and defaults.

SGD, Adagrad, RMSprop, Adam, AdamW, and the ones PyTorch tutorials meet next:
NAdam, RAdam, Adamax, Adadelta. Every one takes ``maximize=True`` (keyword only,
as in torch) to climb the function instead: it steps along :math:`-g` where it
would step along :math:`g`.

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
from dataclasses import dataclass, field
from typing import ClassVar, NamedTuple

import numpy as np

from ._checks import check_bool, check_points, check_real, describe, fail, real_array

__all__ = [
    "SGD",
    "Adagrad",
    "RMSprop",
    "Adam",
    "AdamW",
    "NAdam",
    "RAdam",
    "Adamax",
    "Adadelta",
    "SGDState",
    "AdagradState",
    "RMSpropState",
    "AdamState",
    "NAdamState",
    "RAdamState",
    "AdamaxState",
    "AdadeltaState",
]


class SGDState(NamedTuple):
    """State of :class:`SGD`: the momentum buffer :math:`b` and the number of updates made.

    >>> opt = SGD(lr=0.1, momentum=0.9)
    >>> state = opt.init(np.zeros(2))
    >>> type(state).__name__, state._fields[:2]
    ('SGDState', ('momentum_buffer', 'step'))
    """

    momentum_buffer: np.ndarray
    step: int


class AdagradState(NamedTuple):
    """State of :class:`Adagrad`: the number of updates made and the running sum of :math:`g^2`.

    >>> opt = Adagrad(lr=0.1)
    >>> state = opt.init(np.zeros(2))
    >>> type(state).__name__, state._fields[:2]
    ('AdagradState', ('step', 'sum'))
    """

    step: int
    sum: np.ndarray


class RMSpropState(NamedTuple):
    r"""State of :class:`RMSprop`: updates made, :math:`v`, :math:`g^{ave}` and the momentum buffer :math:`b`.

    >>> opt = RMSprop(lr=0.1)
    >>> state = opt.init(np.zeros(2))
    >>> type(state).__name__, state._fields[:2]
    ('RMSpropState', ('step', 'square_avg'))
    """

    step: int
    square_avg: np.ndarray
    grad_avg: np.ndarray
    momentum_buffer: np.ndarray


class AdamState(NamedTuple):
    r"""State of :class:`Adam` and :class:`AdamW`: updates made, :math:`m`, :math:`v` and :math:`v^{max}`.

    >>> opt = Adam(lr=0.1)
    >>> state = opt.init(np.zeros(2))
    >>> type(state).__name__, state._fields[:2]
    ('AdamState', ('step', 'exp_avg'))
    """

    step: int
    exp_avg: np.ndarray
    exp_avg_sq: np.ndarray
    max_exp_avg_sq: np.ndarray


class NAdamState(NamedTuple):
    r"""State of :class:`NAdam`: updates made, :math:`\prod_{i \le t} \mu_i` (a float), :math:`m` and :math:`v`.

    >>> opt = NAdam(lr=0.1)
    >>> state = opt.init(np.zeros(2))
    >>> type(state).__name__, state._fields[:2]
    ('NAdamState', ('step', 'mu_product'))
    """

    step: int
    mu_product: float
    exp_avg: np.ndarray
    exp_avg_sq: np.ndarray


class RAdamState(NamedTuple):
    r"""State of :class:`RAdam`: updates made, :math:`m` and :math:`v`.

    >>> opt = RAdam(lr=0.1)
    >>> state = opt.init(np.zeros(2))
    >>> type(state).__name__, state._fields[:2]
    ('RAdamState', ('step', 'exp_avg'))
    """

    step: int
    exp_avg: np.ndarray
    exp_avg_sq: np.ndarray


class AdamaxState(NamedTuple):
    r"""State of :class:`Adamax`: updates made, :math:`m` and the infinity norm :math:`u`.

    >>> opt = Adamax(lr=0.1)
    >>> state = opt.init(np.zeros(2))
    >>> type(state).__name__, state._fields[:2]
    ('AdamaxState', ('step', 'exp_avg'))
    """

    step: int
    exp_avg: np.ndarray
    exp_inf: np.ndarray


class AdadeltaState(NamedTuple):
    r"""State of :class:`Adadelta`: updates made, :math:`v` (squared gradients) and :math:`u` (squared updates).

    >>> opt = Adadelta(lr=0.1)
    >>> state = opt.init(np.zeros(2))
    >>> type(state).__name__, state._fields[:2]
    ('AdadeltaState', ('step', 'square_avg'))
    """

    step: int
    square_avg: np.ndarray
    acc_delta: np.ndarray


#: State fields that are one float for the whole of w, not an array of its shape.
_SCALAR_FIELDS = frozenset({"mu_product"})


# Builds a state tuple without the Python-level __new__ NamedTuple generates: step()
# runs once per update, and that call is a good part of its overhead on small arrays.
_new = tuple.__new__


def _set(obj, name, value):
    # The dataclasses are frozen; __post_init__ stores the checked, normalised values.
    object.__setattr__(obj, name, value)


def _check_common(opt, *names):
    """Check lr and the other ``names`` as floats >= 0, and ``maximize``; store them as Python values."""
    owner = type(opt).__name__
    for name in ("lr",) + names:
        _set(opt, name, check_real(getattr(opt, name), name, owner, low=0))
    _set(opt, "maximize", check_bool(opt.maximize, "maximize", owner))


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
    for name, value in fields.items():
        if name == "step":
            continue
        if name in _SCALAR_FIELDS:
            if (isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real)
                    or not 0.0 <= value <= 1.0):  # also rejects NaN
                fail("state", owner, f"{kind} whose {name} is a float in the range [0, 1]", describe(value))
            fields[name] = float(value)
            continue
        arr = real_array(value, "state", owner, f"{kind} whose {name} is an array of floats")
        if arr.shape != w.shape:
            fail("state", owner, f"{kind} made for w of shape {w.shape}",
                 f"{name} of shape {arr.shape}")
        if np.isnan(arr).any():
            fail("state", owner, f"{kind} whose {name} holds no NaN", describe(value))
        fields[name] = arr
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
    maximize : bool, default False (keyword only)
        Climb :math:`f` instead: :math:`\nabla f` is replaced by :math:`-\nabla f` before
        anything else (the weight decay included), as in torch.

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
    maximize: bool = field(default=False, kw_only=True)

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
        if self.maximize:
            g = -g
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
    maximize : bool, default False (keyword only)
        Climb :math:`f` instead: :math:`\nabla f` is replaced by :math:`-\nabla f` before
        anything else (the weight decay included), as in torch.

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
    maximize: bool = field(default=False, kw_only=True)

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
        if self.maximize:
            g = -g
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
    maximize : bool, default False (keyword only)
        Climb :math:`f` instead: :math:`\nabla f` is replaced by :math:`-\nabla f` before
        anything else (the weight decay included), as in torch.

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
    maximize: bool = field(default=False, kw_only=True)

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
        if self.maximize:
            g = -g
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
    maximize : bool, default False (keyword only)
        Climb :math:`f` instead: :math:`\nabla f` is replaced by :math:`-\nabla f` before
        anything else (the weight decay included), as in torch.

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
    maximize: bool = field(default=False, kw_only=True)

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
        if self.maximize:
            g = -g
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
    maximize : bool, default False (keyword only)
        Climb :math:`f` instead: :math:`\nabla f` is replaced by :math:`-\nabla f` before
        anything else (the weight decay included), as in torch.

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
        if self.maximize:
            g = -g
        if self.weight_decay:
            w = w * (1.0 - lr * self.weight_decay)
        return _adam_update(self, w, g, state, lr)


def _decay(opt, w, g, lr):
    """NAdam's and RAdam's weight decay: an L2 term in ``g``, or decoupled (``w`` shrinks by ``lr * weight_decay``)."""
    if opt.weight_decay:
        if opt.decoupled_weight_decay:
            w = w * (1.0 - lr * opt.weight_decay)
        else:
            g = g + opt.weight_decay * w
    return w, g


@dataclass(frozen=True)
class NAdam:
    r"""NAdam, as ``torch.optim.NAdam``: Adam with Nesterov momentum and a warming-up momentum schedule.

    .. math::

        \begin{aligned}
        &g_t \leftarrow \nabla f(\theta_{t-1}) + \lambda\,\theta_{t-1}
          \quad (\textbf{decoupled: } g_t \leftarrow \nabla f(\theta_{t-1}),
          \ \theta_{t-1} \leftarrow (1 - \gamma\lambda)\,\theta_{t-1}) \\
        &\mu_t \leftarrow \beta_1 \bigl(1 - \tfrac12\, 0.96^{t\psi}\bigr), \quad
          \mu_{t+1} \leftarrow \beta_1 \bigl(1 - \tfrac12\, 0.96^{(t+1)\psi}\bigr) \\
        &m_t \leftarrow \beta_1 m_{t-1} + (1 - \beta_1)\, g_t, \quad
          v_t \leftarrow \beta_2 v_{t-1} + (1 - \beta_2)\, g_t^2 \\
        &\widehat{m}_t \leftarrow \frac{\mu_{t+1}\, m_t}{1 - \prod_{i=1}^{t+1} \mu_i}
          + \frac{(1 - \mu_t)\, g_t}{1 - \prod_{i=1}^{t} \mu_i}, \quad
          \widehat{v}_t \leftarrow \frac{v_t}{1 - \beta_2^t} \\
        &\theta_t \leftarrow \theta_{t-1} - \gamma\, \widehat{m}_t / \bigl(\sqrt{\widehat{v}_t} + \epsilon\bigr)
        \end{aligned}

    with :math:`m_0 = v_0 = 0`; the state keeps :math:`\prod_{i \le t} \mu_i` (``mu_product``, 1 at the start).

    Parameters
    ----------
    lr : float, default 2e-3
        :math:`\gamma` (>= 0).
    betas : (float, float), default (0.9, 0.999)
        :math:`(\beta_1, \beta_2)`, each in [0, 1).
    eps : float, default 1e-8
        :math:`\epsilon` (>= 0), added to :math:`\sqrt{\widehat{v}_t}`.
    weight_decay : float, default 0
        :math:`\lambda` (>= 0): an L2 penalty added to the gradient, or, with
        ``decoupled_weight_decay``, a shrink of the weights by :math:`\gamma\lambda` (as AdamW).
    momentum_decay : float, default 4e-3
        :math:`\psi` (>= 0), how fast :math:`\mu_t` warms up from :math:`\beta_1/2`
        toward :math:`\beta_1`; 0 keeps it at :math:`\beta_1/2`.
    decoupled_weight_decay : bool, default False
        Decay the weights directly (torch's "NAdamW") instead of through the gradient.
    maximize : bool, default False (keyword only)
        Climb :math:`f` instead: :math:`\nabla f` is replaced by :math:`-\nabla f` before
        anything else (the weight decay included), as in torch.

    Notes
    -----
    Convention. We follow torch: Dozat's momentum schedule with :math:`\psi = 0.004`,
    the Nesterov look-ahead taken with :math:`\mu_{t+1}` on :math:`m_t` and
    :math:`1 - \mu_t` on the fresh gradient, and :math:`\epsilon` added after the bias
    correction of :math:`v` (as in :class:`Adam`). Dozat's paper has one
    fixed :math:`\mu` in its simplest form and divides by :math:`\sqrt{\widehat{v}_t} + \epsilon` too.

    References
    ----------
    ``torch.optim.NAdam`` (PyTorch 2.x). T. Dozat, "Incorporating Nesterov momentum
    into Adam", ICLR 2016 workshop. I. Loshchilov, F. Hutter, "Decoupled weight decay
    regularization", ICLR 2019 (the decoupled decay).

    Examples
    --------
    The first step is a little longer than Adam's :math:`\gamma\,\mathrm{sign}(g)`:
    :math:`\widehat{m}_1 = g_1 \bigl(1 + \mu_2 (1 - \beta_1)/(1 - \mu_1\mu_2)\bigr)
    \approx 1.056\, g_1` with the defaults (the Nesterov look-ahead), and
    :math:`\widehat{v}_1 = g_1^2`:

    >>> import numpy as np
    >>> from gdcore.optimizers import NAdam
    >>> opt = NAdam(lr=0.1)
    >>> w = np.array([1.0, -2.0])
    >>> w, state = opt.step(w, np.array([3.0, -0.001]), opt.init(w))
    >>> print(np.round(w, 4), round(state.mu_product, 4))
    [ 0.8944 -1.8944] 0.4501
    """

    lr: float = 2e-3
    betas: tuple[float, float] = (0.9, 0.999)
    eps: float = 1e-8
    weight_decay: float = 0.0
    momentum_decay: float = 4e-3
    decoupled_weight_decay: bool = False
    maximize: bool = field(default=False, kw_only=True)

    name: ClassVar[str] = "nadam"

    def __post_init__(self):
        _check_common(self, "eps", "weight_decay", "momentum_decay")
        _set(self, "betas", _check_betas(self.betas, "NAdam"))
        _set(self, "decoupled_weight_decay",
             check_bool(self.decoupled_weight_decay, "decoupled_weight_decay", "NAdam"))

    def init(self, w) -> NAdamState:
        """Return the state before the first update: no updates, ``mu_product`` 1, both moments at 0."""
        w = _init_points(self, w)
        return NAdamState(0, 1.0, np.zeros_like(w), np.zeros_like(w))

    def step(self, w, g, state: NAdamState, lr=None):
        """Return ``(w_new, state_new)`` after one update with gradient ``g``; ``lr`` overrides ``self.lr``."""
        return _checked_step(self, w, g, state, lr, NAdamState)

    def _update(self, w, g, state, lr):
        if self.maximize:
            g = -g
        w, g = _decay(self, w, g, lr)
        beta1, beta2 = self.betas
        t = state.step + 1
        mu = beta1 * (1.0 - 0.5 * 0.96 ** (t * self.momentum_decay))
        mu_next = beta1 * (1.0 - 0.5 * 0.96 ** ((t + 1) * self.momentum_decay))
        mu_product = state.mu_product * mu
        mu_product_next = mu_product * mu_next
        exp_avg = state.exp_avg + (1.0 - beta1) * (g - state.exp_avg)  # torch's lerp, weight < 0.5
        exp_avg_sq = beta2 * state.exp_avg_sq + (1.0 - beta2) * (g * g)
        denom = np.sqrt(exp_avg_sq / (1.0 - beta2**t)) + self.eps
        # Two additions, in torch's order: the fresh gradient's share, then the momentum's.
        w_new = w + (-lr * (1.0 - mu) / (1.0 - mu_product)) * (g / denom)
        w_new = w_new + ((-lr * mu_next) / (1.0 - mu_product_next)) * (exp_avg / denom)
        return w_new, _new(NAdamState, (t, mu_product, exp_avg, exp_avg_sq))


@dataclass(frozen=True)
class RAdam:
    r"""RAdam, as ``torch.optim.RAdam``: Adam whose adaptive step is switched on, and rectified, once its variance is tractable.

    .. math::

        \begin{aligned}
        &g_t \leftarrow \nabla f(\theta_{t-1}) + \lambda\,\theta_{t-1}
          \quad (\textbf{decoupled: } g_t \leftarrow \nabla f(\theta_{t-1}),
          \ \theta_{t-1} \leftarrow (1 - \gamma\lambda)\,\theta_{t-1}) \\
        &m_t \leftarrow \beta_1 m_{t-1} + (1 - \beta_1)\, g_t, \quad
          v_t \leftarrow \beta_2 v_{t-1} + (1 - \beta_2)\, g_t^2, \quad
          \widehat{m}_t \leftarrow m_t / (1 - \beta_1^t) \\
        &\rho_\infty \leftarrow \frac{2}{1 - \beta_2} - 1, \quad
          \rho_t \leftarrow \rho_\infty - \frac{2 t \beta_2^t}{1 - \beta_2^t} \\
        &\textbf{if } \rho_t > 5\textbf{: }
          l_t \leftarrow \frac{\sqrt{1 - \beta_2^t}}{\sqrt{v_t} + \epsilon}, \quad
          r_t \leftarrow \sqrt{\frac{(\rho_t - 4)(\rho_t - 2)\,\rho_\infty}{(\rho_\infty - 4)(\rho_\infty - 2)\,\rho_t}},
          \quad \theta_t \leftarrow \theta_{t-1} - \gamma\, \widehat{m}_t\, l_t\, r_t \\
        &\textbf{else: } \theta_t \leftarrow \theta_{t-1} - \gamma\, \widehat{m}_t
        \end{aligned}

    with :math:`m_0 = v_0 = 0`. Early on (the first 5 updates with the default
    :math:`\beta_2`) it is SGD with bias-corrected momentum, so :math:`\gamma` must
    suit plain gradient descent there: a learning rate that is fine for Adam can
    make those first steps diverge on a steep surface.

    Parameters
    ----------
    lr : float, default 1e-3
        :math:`\gamma` (>= 0).
    betas : (float, float), default (0.9, 0.999)
        :math:`(\beta_1, \beta_2)`, each in [0, 1).
    eps : float, default 1e-8
        :math:`\epsilon` (>= 0), added to :math:`\sqrt{v_t}` (before the bias correction).
    weight_decay : float, default 0
        :math:`\lambda` (>= 0): an L2 penalty added to the gradient, or, with
        ``decoupled_weight_decay``, a shrink of the weights by :math:`\gamma\lambda` (as AdamW).
    decoupled_weight_decay : bool, default False
        Decay the weights directly (torch's "RAdamW") instead of through the gradient.
    maximize : bool, default False (keyword only)
        Climb :math:`f` instead: :math:`\nabla f` is replaced by :math:`-\nabla f` before
        anything else (the weight decay included), as in torch.

    Notes
    -----
    Convention. We follow torch: the adaptive step starts when :math:`\rho_t > 5`
    (Liu et al.'s Algorithm 2 tests :math:`\rho_t > 4`), and :math:`\epsilon` is added
    to :math:`\sqrt{v_t}` in :math:`l_t`, where the paper has
    :math:`l_t = \sqrt{(1 - \beta_2^t)/v_t}` with no :math:`\epsilon`.

    References
    ----------
    ``torch.optim.RAdam`` (PyTorch 2.x). L. Liu, H. Jiang, P. He, W. Chen, X. Liu,
    J. Gao, J. Han, "On the variance of the adaptive learning rate and beyond",
    ICLR 2020.

    Examples
    --------
    The first update is plain gradient descent, :math:`\widehat{m}_1 = g_1`:

    >>> import numpy as np
    >>> from gdcore.optimizers import RAdam
    >>> opt = RAdam(lr=0.1)
    >>> w = np.array([1.0, -2.0])
    >>> w, state = opt.step(w, np.array([3.0, -0.001]), opt.init(w))
    >>> print(np.round(w, 4), state.step)
    [ 0.7    -1.9999] 1
    """

    lr: float = 1e-3
    betas: tuple[float, float] = (0.9, 0.999)
    eps: float = 1e-8
    weight_decay: float = 0.0
    decoupled_weight_decay: bool = False
    maximize: bool = field(default=False, kw_only=True)

    name: ClassVar[str] = "radam"

    def __post_init__(self):
        _check_common(self, "eps", "weight_decay")
        _set(self, "betas", _check_betas(self.betas, "RAdam"))
        _set(self, "decoupled_weight_decay",
             check_bool(self.decoupled_weight_decay, "decoupled_weight_decay", "RAdam"))

    def init(self, w) -> RAdamState:
        """Return the state before the first update: both moments at 0."""
        w = _init_points(self, w)
        return RAdamState(0, np.zeros_like(w), np.zeros_like(w))

    def step(self, w, g, state: RAdamState, lr=None):
        """Return ``(w_new, state_new)`` after one update with gradient ``g``; ``lr`` overrides ``self.lr``."""
        return _checked_step(self, w, g, state, lr, RAdamState)

    def _update(self, w, g, state, lr):
        if self.maximize:
            g = -g
        w, g = _decay(self, w, g, lr)
        beta1, beta2 = self.betas
        t = state.step + 1
        exp_avg = state.exp_avg + (1.0 - beta1) * (g - state.exp_avg)  # torch's lerp, weight < 0.5
        exp_avg_sq = beta2 * state.exp_avg_sq + (1.0 - beta2) * (g * g)
        bias_correction2 = 1.0 - beta2**t
        m_hat = exp_avg / (1.0 - beta1**t)
        rho_inf = 2.0 / (1.0 - beta2) - 1.0
        rho_t = rho_inf - 2.0 * t * beta2**t / bias_correction2
        if rho_t > 5.0:
            rect = ((rho_t - 4.0) * (rho_t - 2.0) * rho_inf
                    / ((rho_inf - 4.0) * (rho_inf - 2.0) * rho_t)) ** 0.5
            # torch computes scalar / tensor as reciprocal(tensor) * scalar; the same here.
            adaptive = np.reciprocal(np.sqrt(exp_avg_sq) + self.eps) * bias_correction2**0.5
            w_new = w - m_hat * lr * adaptive * rect
        else:
            w_new = w - m_hat * lr
        return w_new, _new(RAdamState, (t, exp_avg, exp_avg_sq))


@dataclass(frozen=True)
class Adamax:
    r"""Adamax, as ``torch.optim.Adamax``: Adam with the infinity norm in place of the RMS.

    .. math::

        \begin{aligned}
        &g_t \leftarrow \nabla f(\theta_{t-1}) + \lambda\,\theta_{t-1} \\
        &m_t \leftarrow \beta_1 m_{t-1} + (1 - \beta_1)\, g_t \\
        &u_t \leftarrow \max\bigl(\beta_2 u_{t-1},\ |g_t| + \epsilon\bigr) \\
        &\theta_t \leftarrow \theta_{t-1} - \frac{\gamma}{1 - \beta_1^t}\, \frac{m_t}{u_t}
        \end{aligned}

    with :math:`m_0 = u_0 = 0`.

    Parameters
    ----------
    lr : float, default 2e-3
        :math:`\gamma` (>= 0).
    betas : (float, float), default (0.9, 0.999)
        :math:`(\beta_1, \beta_2)`, each in [0, 1).
    eps : float, default 1e-8
        :math:`\epsilon` (>= 0), added to :math:`|g_t|` inside the maximum.
    weight_decay : float, default 0
        :math:`\lambda` (>= 0), an L2 penalty added to the gradient.
    maximize : bool, default False (keyword only)
        Climb :math:`f` instead: :math:`\nabla f` is replaced by :math:`-\nabla f` before
        anything else (the weight decay included), as in torch.

    Notes
    -----
    Convention. We follow torch: :math:`\epsilon` is added to :math:`|g_t|` inside the
    maximum, so :math:`u_t \ge \epsilon` and a zero gradient never divides by 0.
    Kingma & Ba (section 7.1) have :math:`u_t = \max(\beta_2 u_{t-1}, |g_t|)`, no
    :math:`\epsilon`. Only :math:`m` is bias-corrected; :math:`u` needs none.

    On the first step :math:`m_1 = (1 - \beta_1) g_1` and :math:`u_1 = |g_1| + \epsilon`,
    so every coordinate moves by :math:`\gamma\,|g_1| / (|g_1| + \epsilon) \approx \gamma`.

    References
    ----------
    ``torch.optim.Adamax`` (PyTorch 2.x). D. P. Kingma, J. Ba, "Adam: a method for
    stochastic optimization", ICLR 2015, section 7.1 (AdaMax).

    Examples
    --------
    The first step is :math:`\gamma\,\mathrm{sign}(g)`, up to :math:`\epsilon`:

    >>> import numpy as np
    >>> from gdcore.optimizers import Adamax
    >>> opt = Adamax(lr=0.1)
    >>> w = np.array([1.0, -2.0])
    >>> w, state = opt.step(w, np.array([3.0, -0.001]), opt.init(w))
    >>> print(np.round(w, 4), np.round(state.exp_inf, 4))
    [ 0.9 -1.9] [3.    0.001]
    """

    lr: float = 2e-3
    betas: tuple[float, float] = (0.9, 0.999)
    eps: float = 1e-8
    weight_decay: float = 0.0
    maximize: bool = field(default=False, kw_only=True)

    name: ClassVar[str] = "adamax"

    def __post_init__(self):
        _check_common(self, "eps", "weight_decay")
        _set(self, "betas", _check_betas(self.betas, "Adamax"))

    def init(self, w) -> AdamaxState:
        """Return the state before the first update: :math:`m` and :math:`u` at 0."""
        w = _init_points(self, w)
        return AdamaxState(0, np.zeros_like(w), np.zeros_like(w))

    def step(self, w, g, state: AdamaxState, lr=None):
        """Return ``(w_new, state_new)`` after one update with gradient ``g``; ``lr`` overrides ``self.lr``."""
        return _checked_step(self, w, g, state, lr, AdamaxState)

    def _update(self, w, g, state, lr):
        if self.maximize:
            g = -g
        if self.weight_decay:
            g = g + self.weight_decay * w
        beta1, beta2 = self.betas
        t = state.step + 1
        exp_avg = state.exp_avg + (1.0 - beta1) * (g - state.exp_avg)  # torch's lerp, weight < 0.5
        exp_inf = np.maximum(beta2 * state.exp_inf, np.abs(g) + self.eps)
        clr = lr / (1.0 - beta1**t)
        return w - clr * (exp_avg / exp_inf), _new(AdamaxState, (t, exp_avg, exp_inf))


@dataclass(frozen=True)
class Adadelta:
    r"""Adadelta, as ``torch.optim.Adadelta``: the step's units come from a running RMS of past steps.

    .. math::

        \begin{aligned}
        &g_t \leftarrow \nabla f(\theta_{t-1}) + \lambda\,\theta_{t-1} \\
        &v_t \leftarrow \rho\, v_{t-1} + (1 - \rho)\, g_t^2 \\
        &\Delta_t \leftarrow \frac{\sqrt{u_{t-1} + \epsilon}}{\sqrt{v_t + \epsilon}}\, g_t \\
        &u_t \leftarrow \rho\, u_{t-1} + (1 - \rho)\, \Delta_t^2 \\
        &\theta_t \leftarrow \theta_{t-1} - \gamma\, \Delta_t
        \end{aligned}

    with :math:`v_0 = u_0 = 0`.

    Parameters
    ----------
    lr : float, default 1.0
        :math:`\gamma` (>= 0), a factor on :math:`\Delta_t`.
    rho : float, default 0.9
        :math:`\rho` in [0, 1], the smoothing constant of both averages (torch's
        range; :math:`\rho = 1` keeps both at 0 and is SGD with step :math:`\gamma`).
    eps : float, default 1e-6
        :math:`\epsilon` (> 0), inside both square roots. It sets the size of the
        first steps, :math:`\sqrt{\epsilon}` times a bounded factor; with 0 the weights
        would never move (torch accepts 0).
    weight_decay : float, default 0
        :math:`\lambda` (>= 0), an L2 penalty added to the gradient.
    maximize : bool, default False (keyword only)
        Climb :math:`f` instead: :math:`\nabla f` is replaced by :math:`-\nabla f` before
        anything else (the weight decay included), as in torch.

    Notes
    -----
    Convention. We follow torch: Zeiler's update (his Algorithm 1, :math:`\epsilon`
    inside both roots) times a learning rate :math:`\gamma`, 1 by default, which
    Zeiler's method does not have.

    On the first step :math:`\Delta_1 = \sqrt{\epsilon}\, g_1 / \sqrt{(1 - \rho) g_1^2 + \epsilon}`:
    about :math:`\gamma\sqrt{\epsilon/(1 - \rho)}\,\mathrm{sign}(g_1)` when :math:`g_1^2 \gg \epsilon`.

    References
    ----------
    ``torch.optim.Adadelta`` (PyTorch 2.x). M. D. Zeiler, "ADADELTA: an adaptive
    learning rate method", arXiv:1212.5701, 2012.

    Examples
    --------
    The first step is :math:`\sqrt{\epsilon/(1 - \rho)} \approx 0.00316` per coordinate with the defaults:

    >>> import numpy as np
    >>> from gdcore.optimizers import Adadelta
    >>> opt = Adadelta()
    >>> w = np.array([1.0, -2.0])
    >>> w, state = opt.step(w, np.array([3.0, -0.5]), opt.init(w))
    >>> print(np.round(w, 5))
    [ 0.99684 -1.99684]
    """

    lr: float = 1.0
    rho: float = 0.9
    eps: float = 1e-6
    weight_decay: float = 0.0
    maximize: bool = field(default=False, kw_only=True)

    name: ClassVar[str] = "adadelta"

    def __post_init__(self):
        _check_common(self, "weight_decay")
        _set(self, "rho", check_real(self.rho, "rho", "Adadelta", low=0, high=1))
        _set(self, "eps", check_real(self.eps, "eps", "Adadelta", low=0, closed="right"))

    def init(self, w) -> AdadeltaState:
        """Return the state before the first update: both averages at 0."""
        w = _init_points(self, w)
        return AdadeltaState(0, np.zeros_like(w), np.zeros_like(w))

    def step(self, w, g, state: AdadeltaState, lr=None):
        """Return ``(w_new, state_new)`` after one update with gradient ``g``; ``lr`` overrides ``self.lr``."""
        return _checked_step(self, w, g, state, lr, AdadeltaState)

    def _update(self, w, g, state, lr):
        if self.maximize:
            g = -g
        if self.weight_decay:
            g = g + self.weight_decay * w
        rho, eps = self.rho, self.eps
        square_avg = rho * state.square_avg + (1.0 - rho) * (g * g)
        delta = np.sqrt(state.acc_delta + eps) / np.sqrt(square_avg + eps) * g
        acc_delta = rho * state.acc_delta + (1.0 - rho) * (delta * delta)
        return w - lr * delta, _new(AdadeltaState, (state.step + 1, square_avg, acc_delta))
