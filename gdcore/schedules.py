r"""Learning-rate schedules: the lr for update number ``t`` as a closed form.

Every factory here returns a small frozen :class:`Schedule`. Calling it with the
update number ``t`` (``t = 0`` is the first update) gives the learning rate of
that update::

    s = cosine(0.1, t_max=100)
    s(0)                  # 0.1, a float
    s(np.arange(100))     # float64 array, one lr per update

Convention: ``s(t)`` equals the lr that ``torch.optim.lr_scheduler`` holds after
``t`` calls of ``scheduler.step()`` (the lr of the optimizer step that follows),
to 1e-9 relative in float64. Many torch schedulers update the lr recursively
(``lr *= ...``); we evaluate the closed form of the same sequence instead, so
``t`` may be any int or int array (up to ``2**53``, where floats stop counting
every int), with no loop over ``t``. The two differ only by rounding.

A scalar call and an array call give the same bits: ``s(200) == s([200])[0]``.
Powers :math:`\gamma^k` are taken with Python's ``math.pow`` (the C library's
correctly rounded ``pow``), as torch's closed forms ``base_lr * gamma ** k`` do,
never with numpy's vectorised ``power``, which differs in the last bit for
about one exponent in twenty and from one CPU to the next.

Each schedule has a ``formula`` attribute (LaTeX) that pages show beside their
charts; :math:`\eta_t` is the lr of update ``t``.
"""

from __future__ import annotations

import itertools
import math
import numbers
from dataclasses import dataclass, fields
from typing import ClassVar

import numpy as np

from gdcore._checks import _Text, check_bool, check_int, check_option, check_real, describe, fail

__all__ = [
    "Schedule",
    "constant",
    "step_decay",
    "multistep",
    "exponential",
    "cosine",
    "cosine_restarts",
    "cyclic",
    "one_cycle",
    "warmup",
    "swa_cyclic",
    "cyclic_momentum",
    "one_cycle_momentum",
    "lambda_lr",
    "multiplicative",
    "linear",
    "polynomial",
    "constant_factor",
    "sequential",
    "chain",
]


def _set(obj, name, value):
    # Frozen dataclasses store their validated (normalised) values this way.
    object.__setattr__(obj, name, value)


#: The largest update number a schedule takes: floats count every int up to 2**53.
T_MAX = 2**53
# An int parameter (a step size, a milestone) beyond every t acts as this one in int64
# arithmetic: larger than T_MAX, and small enough that a sum of two never overflows.
_BEYOND = 2**60


def _int(n):
    """An int parameter as int64 arithmetic may use it: the same for every t <= T_MAX."""
    return min(n, _BEYOND)


def _power(base, exponent):
    """``base ** exponent`` elementwise for an int array, with ``math.pow`` on each distinct exponent.

    The same bits as a scalar ``base ** k`` in Python (and so as torch's closed
    forms), for arrays and scalars alike; numpy's vectorised power is not
    correctly rounded.
    """
    exponent = np.asarray(exponent)
    if exponent.ndim == 0:
        return np.asarray(math.pow(base, int(exponent)))
    if exponent.size == 0:
        return np.empty(exponent.shape)
    low, high = int(exponent.min()), int(exponent.max())
    if high - low < max(64, exponent.size):
        # A table over the range (a step decay has a few exponents, an exponential one per t):
        # no sort, one math.pow per exponent in the range.
        table = np.fromiter(map(math.pow, itertools.repeat(base), range(low, high + 1)), np.float64, high - low + 1)
        return table[exponent - low]
    distinct, inverse = np.unique(exponent, return_inverse=True)
    values = np.fromiter(map(math.pow, itertools.repeat(base), distinct.tolist()), np.float64, len(distinct))
    return values[inverse].reshape(exponent.shape)


class Schedule:
    """Base of every schedule: ``schedule(t)`` is the lr of update ``t``.

    ``t`` is an int >= 0 (returns a float) or an array of ints >= 0 (returns a
    float64 array of the same shape). Subclasses are frozen dataclasses made by
    the factory functions of this module; their repr is the factory call.

    >>> s = step_decay(0.1, step_size=2, gamma=0.5)
    >>> isinstance(s, Schedule), s(3), s(np.arange(5)).tolist()
    (True, 0.05, [0.1, 0.1, 0.05, 0.05, 0.025])

    Attributes
    ----------
    name : str
        The factory's name, e.g. ``"cosine"``.
    formula : str
        The closed form in LaTeX, in the symbols of the factory's docstring.
    """

    name: ClassVar[str]
    formula: ClassVar[str]

    def __call__(self, t):
        expected = "an int >= 0 or an array of ints >= 0"
        try:
            steps = np.asarray(t)
        except (TypeError, ValueError, OverflowError):
            fail("t", self.name, expected, describe(t))
        # np.asarray([]) is float64; an empty list of steps is still fine.
        if steps.dtype.kind not in "iu" and not (steps.size == 0 and steps.dtype.kind == "f"):
            fail("t", self.name, expected, describe(t))
        if steps.size and steps.min() < 0:
            fail("t", self.name, expected, describe(t))
        last = self._last_step()
        last = T_MAX if last is None else min(last, T_MAX)
        if steps.size and steps.max() > last:
            fail("t", self.name, f"an int or array of ints in the range [0, {last}]", describe(t))
        with np.errstate(all="ignore"):  # a huge lr is the caller's; no step of ours overflows it
            lr = self._lr(steps.astype(np.int64, copy=False))
        return float(lr) if steps.ndim == 0 else lr

    def _validate(self, check, name, *args, **kwargs):
        """Run a gdcore._checks check on field ``name`` and store its normalised value."""
        _set(self, name, check(getattr(self, name), name, self.name, *args, **kwargs))

    def _last_step(self):
        """Last valid update number, or None when the schedule never ends."""
        return None

    def _lr(self, t: np.ndarray) -> np.ndarray:
        raise NotImplementedError

    def __repr__(self):
        args = ", ".join(f"{f.name}={getattr(self, f.name)!r}" for f in fields(self))
        return f"{self.name}({args})"


# --------------------------------------------------------------------------- constant


@dataclass(frozen=True, repr=False)
class Constant(Schedule):
    """The schedule made by :func:`constant`."""

    lr: float
    name: ClassVar[str] = "constant"
    formula: ClassVar[str] = r"\eta_t = \eta"

    def __post_init__(self):
        self._validate(check_real, "lr", low=0)

    def _lr(self, t):
        return np.full(t.shape, self.lr)


def constant(lr):
    r"""The same learning rate for every update.

    .. math:: \eta_t = \eta

    Parameters
    ----------
    lr : float
        :math:`\eta`, the learning rate, >= 0.

    Returns
    -------
    Schedule

    Notes
    -----
    What a torch optimizer does without a scheduler.

    Examples
    --------
    >>> s = constant(0.1)
    >>> s(7), s([0, 1]).tolist()
    (0.1, [0.1, 0.1])
    """
    return Constant(lr)


# ------------------------------------------------------------------------- step decay


@dataclass(frozen=True, repr=False)
class StepDecay(Schedule):
    """The schedule made by :func:`step_decay`."""

    lr: float
    step_size: int
    gamma: float = 0.1
    name: ClassVar[str] = "step_decay"
    formula: ClassVar[str] = r"\eta_t = \eta\,\gamma^{\lfloor t / s \rfloor}"

    def __post_init__(self):
        self._validate(check_real, "lr", low=0)
        self._validate(check_int, "step_size", low=1)
        self._validate(check_real, "gamma", low=0, high=1, closed="right")

    def _lr(self, t):
        return self.lr * _power(self.gamma, t // _int(self.step_size))


def step_decay(lr, step_size, gamma=0.1):
    r"""Multiply the learning rate by ``gamma`` every ``step_size`` updates.

    .. math:: \eta_t = \eta\,\gamma^{\lfloor t / s \rfloor}

    Parameters
    ----------
    lr : float
        :math:`\eta`, the learning rate of the first ``step_size`` updates, >= 0.
    step_size : int
        :math:`s`, updates between two decays, >= 1.
    gamma : float, default 0.1
        :math:`\gamma`, the decay factor, in (0, 1].

    Returns
    -------
    Schedule

    Notes
    -----
    torch ``StepLR(optimizer, step_size, gamma)``. torch accepts any ``gamma``;
    we keep decays only (``gamma <= 1``), so the lr can never overflow.

    Examples
    --------
    >>> step_decay(1.0, step_size=2, gamma=0.5)(range(6)).tolist()
    [1.0, 1.0, 0.5, 0.5, 0.25, 0.25]
    """
    return StepDecay(lr, step_size, gamma)


# -------------------------------------------------------------------------- multistep


def _check_milestones(value, owner):
    """``value`` as a tuple of strictly increasing ints >= 1, or fail naming 'milestones' of ``owner``."""
    expected = "a sequence of strictly increasing ints >= 1"
    try:
        ms = tuple(value)
    except TypeError:
        fail("milestones", owner, expected, value)
    if not all(isinstance(m, numbers.Integral) and not isinstance(m, (bool, np.bool_)) for m in ms):
        fail("milestones", owner, expected, value)
    ms = tuple(int(m) for m in ms)
    if any(m < 1 for m in ms) or any(b <= a for a, b in zip(ms, ms[1:])):
        fail("milestones", owner, expected, value)
    return ms


@dataclass(frozen=True, repr=False)
class MultiStep(Schedule):
    """The schedule made by :func:`multistep`."""

    lr: float
    milestones: tuple
    gamma: float = 0.1
    name: ClassVar[str] = "multistep"
    formula: ClassVar[str] = r"\eta_t = \eta\,\gamma^{\left|\{i \,:\, m_i \le t\}\right|}"

    def __post_init__(self):
        self._validate(check_real, "lr", low=0)
        _set(self, "milestones", _check_milestones(self.milestones, self.name))
        self._validate(check_real, "gamma", low=0, high=1, closed="right")

    def _lr(self, t):
        milestones = np.asarray([_int(m) for m in self.milestones], dtype=np.int64)
        passed = np.searchsorted(milestones, t, side="right")
        return self.lr * _power(self.gamma, passed)


def multistep(lr, milestones, gamma=0.1):
    r"""Multiply the learning rate by ``gamma`` at each milestone.

    .. math:: \eta_t = \eta\,\gamma^{\left|\{i \,:\, m_i \le t\}\right|}

    Parameters
    ----------
    lr : float
        :math:`\eta`, the learning rate before the first milestone, >= 0.
    milestones : sequence of int
        :math:`m_i`, strictly increasing update numbers >= 1; update
        :math:`m_i` is the first to use the decayed rate. May be empty.
    gamma : float, default 0.1
        :math:`\gamma`, the decay factor, in (0, 1].

    Returns
    -------
    Schedule

    Notes
    -----
    torch ``MultiStepLR(optimizer, milestones, gamma)``. torch also accepts
    repeated milestones (decaying twice at once); we ask for strictly
    increasing ones, which say the same more plainly.

    Examples
    --------
    >>> multistep(1.0, milestones=[1, 3], gamma=0.5)(range(5)).tolist()
    [1.0, 0.5, 0.5, 0.25, 0.25]
    """
    return MultiStep(lr, milestones, gamma)


# ------------------------------------------------------------------------ exponential


@dataclass(frozen=True, repr=False)
class Exponential(Schedule):
    """The schedule made by :func:`exponential`."""

    lr: float
    gamma: float
    name: ClassVar[str] = "exponential"
    formula: ClassVar[str] = r"\eta_t = \eta\,\gamma^{t}"

    def __post_init__(self):
        self._validate(check_real, "lr", low=0)
        self._validate(check_real, "gamma", low=0, high=1, closed="right")

    def _lr(self, t):
        return self.lr * _power(self.gamma, t)


def exponential(lr, gamma):
    r"""Multiply the learning rate by ``gamma`` after every update.

    .. math:: \eta_t = \eta\,\gamma^{t}

    Parameters
    ----------
    lr : float
        :math:`\eta`, the learning rate of the first update, >= 0.
    gamma : float
        :math:`\gamma`, the decay factor per update, in (0, 1].

    Returns
    -------
    Schedule

    Notes
    -----
    torch ``ExponentialLR(optimizer, gamma)``. torch accepts any ``gamma``; we
    keep decays only (``gamma <= 1``), so the lr can never overflow.

    Examples
    --------
    >>> exponential(1.0, gamma=0.5)(range(4)).tolist()
    [1.0, 0.5, 0.25, 0.125]
    """
    return Exponential(lr, gamma)


# ----------------------------------------------------------------------------- cosine


def _cosine_between(high, low, position, length):
    """Half a cosine from ``high`` (position 0) down to ``low`` (position ``length``).

    The factor in [0, 1] is formed first, so an lr near the largest float never
    overflows on the way (``(high - low) * 2`` would).
    """
    return low + (high - low) * ((1 + np.cos(np.pi * position / length)) / 2)


@dataclass(frozen=True, repr=False)
class Cosine(Schedule):
    """The schedule made by :func:`cosine`."""

    lr: float
    t_max: int
    eta_min: float = 0.0
    name: ClassVar[str] = "cosine"
    formula: ClassVar[str] = (
        r"\eta_t = \eta_{\min} + \tfrac{1}{2}\,(\eta - \eta_{\min})"
        r"\left(1 + \cos\frac{\pi t}{T}\right)"
    )

    def __post_init__(self):
        self._validate(check_real, "lr", low=0)
        self._validate(check_int, "t_max", low=1)
        self._validate(check_real, "eta_min", low=0, high=self.lr)

    def _lr(self, t):
        return _cosine_between(self.lr, self.eta_min, t, float(self.t_max))


def cosine(lr, t_max, eta_min=0.0):
    r"""Cosine annealing from ``lr`` down to ``eta_min`` over ``t_max`` updates.

    .. math::
        \eta_t = \eta_{\min} + \tfrac{1}{2}\,(\eta - \eta_{\min})
                 \left(1 + \cos\frac{\pi t}{T}\right)

    Parameters
    ----------
    lr : float
        :math:`\eta`, the learning rate of the first update, >= 0.
    t_max : int
        :math:`T`, the update at which the lr reaches ``eta_min``, >= 1.
    eta_min : float, default 0.0
        :math:`\eta_{\min}`, the lowest learning rate, in [0, lr].

    Returns
    -------
    Schedule

    Notes
    -----
    torch ``CosineAnnealingLR(optimizer, T_max, eta_min)``; the curve is the
    one of SGDR (Loshchilov & Hutter 2017) without restarts.

    Beyond ``t_max`` we keep torch's behaviour: the formula is periodic, so
    the lr climbs back up and reaches ``lr`` again at ``2 * t_max`` (period
    ``2 * t_max``). Choose ``t_max`` equal to the number of updates to anneal
    once, or use :func:`cosine_restarts` to jump back up.

    Examples
    --------
    >>> cosine(1.0, t_max=4)(range(9)).round(4).tolist()
    [1.0, 0.8536, 0.5, 0.1464, 0.0, 0.1464, 0.5, 0.8536, 1.0]
    """
    return Cosine(lr, t_max, eta_min)


# -------------------------------------------------------------------- cosine restarts


@dataclass(frozen=True, repr=False)
class CosineRestarts(Schedule):
    """The schedule made by :func:`cosine_restarts`."""

    lr: float
    t_0: int
    t_mult: int = 1
    eta_min: float = 0.0
    name: ClassVar[str] = "cosine_restarts"
    formula: ClassVar[str] = (
        r"\eta_t = \eta_{\min} + \tfrac{1}{2}\,(\eta - \eta_{\min})"
        r"\left(1 + \cos\frac{\pi T_{cur}}{T_i}\right),\quad T_i = T_0\,m^{i}"
    )

    def __post_init__(self):
        self._validate(check_real, "lr", low=0)
        self._validate(check_int, "t_0", low=1)
        self._validate(check_int, "t_mult", low=1)
        self._validate(check_real, "eta_min", low=0, high=self.lr)

    def _lr(self, t):
        if self.t_mult == 1:
            t_cur, length = t % _int(self.t_0), float(self.t_0)
        else:
            # Peel off whole cycles in exact integers; a float log would
            # misplace t at cycle boundaries. At most ~log2(t) passes. A cycle
            # longer than any t is held at _BEYOND (no overflow) and its true
            # length T_0 m^i, as a float, divides.
            m = _int(self.t_mult)
            t_cur, t_i = t, np.full(t.shape, _int(self.t_0), dtype=np.int64)
            # The longest cycle any t here reaches, in Python ints: below _BEYOND, no cycle is held.
            longest, last = self.t_0, int(t.max()) if t.size else 0
            while longest <= last:
                longest *= self.t_mult
            held = longest >= _BEYOND
            cycle = np.zeros(t.shape, dtype=np.int64) if held else None
            over = t_cur >= t_i
            while over.any():
                t_cur = np.where(over, t_cur - t_i, t_cur)
                if held:
                    grown = np.minimum(t_i, _BEYOND // m) * m
                    t_i = np.where(over, np.where(t_i > _BEYOND // m, _BEYOND, grown), t_i)
                    cycle += over
                else:
                    t_i = np.where(over, t_i * m, t_i)
                over = t_cur >= t_i
            length = t_i if not held else np.where(
                t_i < _BEYOND, t_i, float(self.t_0) * np.power(float(self.t_mult), cycle))
        return _cosine_between(self.lr, self.eta_min, t_cur, length)


def cosine_restarts(lr, t_0, t_mult=1, eta_min=0.0):
    r"""Cosine annealing with warm restarts (SGDR).

    .. math::
        \eta_t = \eta_{\min} + \tfrac{1}{2}\,(\eta - \eta_{\min})
                 \left(1 + \cos\frac{\pi T_{cur}}{T_i}\right),
        \qquad T_i = T_0\,m^{i}

    Cycle :math:`i` (from 0) lasts :math:`T_i` updates; :math:`T_{cur}` counts
    the updates since the cycle began, so each cycle starts again at ``lr``.

    Parameters
    ----------
    lr : float
        :math:`\eta`, the learning rate at the start of every cycle, >= 0.
    t_0 : int
        :math:`T_0`, the length of the first cycle, >= 1.
    t_mult : int, default 1
        :math:`m`, each cycle is ``t_mult`` times longer than the one before, >= 1.
    eta_min : float, default 0.0
        :math:`\eta_{\min}`, the lowest learning rate, in [0, lr].

    Returns
    -------
    Schedule

    Notes
    -----
    Loshchilov & Hutter 2017, "SGDR: Stochastic Gradient Descent with Warm
    Restarts"; torch ``CosineAnnealingWarmRestarts(optimizer, T_0, T_mult,
    eta_min)`` stepped once per update. As in torch, the lr jumps back to
    ``lr`` at a restart and never quite reaches ``eta_min``.

    Examples
    --------
    >>> cosine_restarts(1.0, t_0=2, t_mult=2)(range(7)).round(4).tolist()
    [1.0, 0.5, 1.0, 0.8536, 0.5, 0.1464, 1.0]
    """
    return CosineRestarts(lr, t_0, t_mult, eta_min)


# ----------------------------------------------------------------------------- cyclic


@dataclass(frozen=True, repr=False)
class Cyclic(Schedule):
    """The schedule made by :func:`cyclic`."""

    base_lr: float
    max_lr: float
    step_size_up: int = 2000
    step_size_down: int | None = None
    mode: str = "triangular"
    gamma: float = 1.0
    name: ClassVar[str] = "cyclic"
    _amplitude: ClassVar[dict] = {
        "triangular": r"\sigma(t) = 1",
        "triangular2": r"\sigma(t) = 2^{-\lfloor t / (u + d) \rfloor}",
        "exp_range": r"\sigma(t) = \gamma^{t}",
    }

    @property
    def formula(self):
        return (
            r"\eta_t = \eta_{b} + (\eta_{M} - \eta_{b})\,h(p)\,\sigma(t),\quad "
            r"p = t \bmod (u + d),\quad "
            r"h(p) = \begin{cases} p/u & p \le u \\ (u + d - p)/d & p > u \end{cases},\quad "
            + self._amplitude[self.mode]
        )

    def __post_init__(self):
        self._validate(check_real, "base_lr", low=0)
        self._validate(check_real, "max_lr", low=self.base_lr)
        self._validate(check_int, "step_size_up", low=1)
        self._validate(check_int, "step_size_down", low=1, allow_none=True)
        self._validate(check_option, "mode", ("triangular", "triangular2", "exp_range"))
        self._validate(check_real, "gamma", low=0, high=1, closed="right")

    def _wave(self, t):
        """``(h(p), sigma(t))``, both in [0, 1]: where update ``t`` is between the two bounds."""
        up = self.step_size_up
        down = up if self.step_size_down is None else self.step_size_down
        cycle = _int(up) + _int(down)  # int64 and exact while it matters: for t below it
        p = t % cycle
        # Rising p/u is below 1 exactly where falling (u + d - p)/d is above it: the minimum is the triangle.
        height = np.minimum(p / float(up), (float(up) + float(down) - p) / float(down))
        if self.mode == "triangular":
            scale = 1.0
        elif self.mode == "triangular2":
            scale = 1.0 / _power(2.0, t // cycle)
        else:
            scale = _power(self.gamma, t)
        return height, scale

    def _lr(self, t):
        height, scale = self._wave(t)
        return self.base_lr + (self.max_lr - self.base_lr) * height * scale


def cyclic(base_lr, max_lr, step_size_up=2000, step_size_down=None, mode="triangular", gamma=1.0):
    r"""Cyclical learning rate: up and down between ``base_lr`` and ``max_lr``.

    .. math::
        \eta_t = \eta_{b} + (\eta_{M} - \eta_{b})\,h(p)\,\sigma(t), \qquad
        p = t \bmod (u + d), \qquad
        h(p) = \begin{cases} p/u & p \le u \\ (u + d - p)/d & p > u \end{cases}

    The amplitude factor :math:`\sigma` depends on ``mode``:
    ``"triangular"`` :math:`\sigma = 1`; ``"triangular2"``
    :math:`\sigma = 2^{-\lfloor t/(u+d) \rfloor}` (halved every cycle);
    ``"exp_range"`` :math:`\sigma = \gamma^{t}`.

    Parameters
    ----------
    base_lr : float
        :math:`\eta_b`, the lower bound and the lr of update 0, >= 0.
    max_lr : float
        :math:`\eta_M`, the upper bound, >= base_lr.
    step_size_up : int, default 2000
        :math:`u`, updates from ``base_lr`` up to ``max_lr``, >= 1.
    step_size_down : int or None, default None
        :math:`d`, updates back down; None means equal to ``step_size_up``.
    mode : {"triangular", "triangular2", "exp_range"}, default "triangular"
    gamma : float, default 1.0
        :math:`\gamma`, used by ``"exp_range"`` only, in (0, 1].

    Returns
    -------
    Schedule

    Notes
    -----
    Smith 2017, "Cyclical Learning Rates for Training Neural Networks"; torch
    ``CyclicLR(optimizer, base_lr, max_lr, step_size_up, step_size_down,
    mode, gamma)``, stepped once per update. torch locates ``t`` in its
    cycle in floating point (``1 + t/(u+d) - cycle``), which loses about
    ``t`` ulps; we use the exact integer remainder, so the two agree to 1e-9
    relative for any run of up to about a million updates.

    Examples
    --------
    >>> cyclic(0.1, 1.0, step_size_up=2)(range(5)).round(4).tolist()
    [0.1, 0.55, 1.0, 0.55, 0.1]
    """
    return Cyclic(base_lr, max_lr, step_size_up, step_size_down, mode, gamma)


# -------------------------------------------------------------------------- one cycle


def _check_cycle(sched):
    """Check the fields one_cycle and one_cycle_momentum share: the cycle's length and shape."""
    sched._validate(check_int, "total_steps", low=1)
    pct = check_real(sched.pct_start, "pct_start", sched.name, low=0, high=1)
    if pct * sched.total_steps == 1:
        # torch divides 0 by 0 here: the rising phase (and a three-phase fall) would have zero length.
        expected = "a float in the range [0, 1] with pct_start * total_steps != 1"
        fail("pct_start", sched.name, expected, sched.pct_start)
    _set(sched, "pct_start", pct)
    sched._validate(check_option, "anneal_strategy", ("cos", "linear"))
    sched._validate(check_bool, "three_phase")


def _one_cycle_phases(sched, t, values):
    """torch OneCycleLR's phase loop for an int array ``t``: ``values`` holds each phase's (start, end).

    A phase ends at ``pN - 1``, then (three phases) ``2pN - 2``, the last at ``N - 1``;
    update ``t`` is in the first phase whose end is ``>= t``, or in the last. The
    same operations, in the same order, as torch's ``get_lr``, ``_annealing_cos``
    and ``_annealing_linear``.
    """
    pN = float(sched.pct_start * sched.total_steps)
    ends = [pN - 1, 2 * pN - 2, sched.total_steps - 1] if len(values) == 3 else [pN - 1, sched.total_steps - 1]
    out = np.empty(t.shape)
    left = np.ones(t.shape, dtype=bool)
    start_step = 0.0
    for i, ((start, end), end_step) in enumerate(zip(values, ends)):
        here = left if i == len(ends) - 1 else left & (t <= end_step)
        # Indexing (not np.where) so an empty phase never divides by its zero length.
        pct = (t[here] - start_step) / (end_step - start_step)
        if sched.anneal_strategy == "cos":
            out[here] = end + (start - end) / 2.0 * (np.cos(np.pi * pct) + 1)
        else:
            out[here] = (end - start) * pct + start
        left &= ~here
        start_step = end_step
    return out


@dataclass(frozen=True, repr=False)
class OneCycle(Schedule):
    """The schedule made by :func:`one_cycle`."""

    max_lr: float
    total_steps: int
    pct_start: float = 0.3
    anneal_strategy: str = "cos"
    div_factor: float = 25.0
    final_div_factor: float = 1e4
    three_phase: bool = False
    name: ClassVar[str] = "one_cycle"
    _shape: ClassVar[dict] = {
        "cos": r"A(a, b, x) = b + \tfrac{1}{2}(a - b)(1 + \cos \pi x)",
        "linear": r"A(a, b, x) = a + (b - a)\,x",
    }

    @property
    def formula(self):
        if self.three_phase:
            return (
                r"\eta_t = \begin{cases}"
                r"A\!\left(\eta_M / \delta,\ \eta_M,\ t / t_1\right) & t \le t_1 \\"
                r"A\!\left(\eta_M,\ \eta_M / \delta,\ (t - t_1)/(t_2 - t_1)\right) & t_1 < t \le t_2 \\"
                r"A\!\left(\eta_M / \delta,\ \eta_M / (\delta \phi),\ (t - t_2)/(N - 1 - t_2)\right) & t > t_2"
                r"\end{cases},\quad t_1 = pN - 1,\quad t_2 = 2pN - 2,\quad " + self._shape[self.anneal_strategy]
            )
        return (
            r"\eta_t = \begin{cases}"
            r"A\!\left(\eta_M / \delta,\ \eta_M,\ t / t_1\right) & t \le t_1 \\"
            r"A\!\left(\eta_M,\ \eta_M / (\delta \phi),\ (t - t_1)/(N - 1 - t_1)\right) & t > t_1"
            r"\end{cases},\quad t_1 = pN - 1,\quad " + self._shape[self.anneal_strategy]
        )

    def __post_init__(self):
        self._validate(check_real, "max_lr", low=0)
        _check_cycle(self)
        self._validate(check_real, "div_factor", low=0, closed="neither")
        self._validate(check_real, "final_div_factor", low=0, closed="neither")

    def _last_step(self):
        return self.total_steps - 1

    def _lr(self, t):
        initial = self.max_lr / self.div_factor
        final = initial / self.final_div_factor
        if self.three_phase:
            values = [(initial, self.max_lr), (self.max_lr, initial), (initial, final)]
        else:
            values = [(initial, self.max_lr), (self.max_lr, final)]
        return _one_cycle_phases(self, t, values)


def one_cycle(max_lr, total_steps, pct_start=0.3, anneal_strategy="cos", div_factor=25.0,
              final_div_factor=1e4, three_phase=False):
    r"""The 1cycle policy: warm up to ``max_lr``, then anneal far below the start.

    .. math::
        \eta_t = \begin{cases}
            A\!\left(\eta_M/\delta,\ \eta_M,\ t / t_1\right) & t \le t_1 \\
            A\!\left(\eta_M,\ \eta_M/(\delta\phi),\ \dfrac{t - t_1}{N - 1 - t_1}\right) & t > t_1
        \end{cases}, \qquad t_1 = pN - 1

    with :math:`A(a, b, x) = b + \tfrac{1}{2}(a - b)(1 + \cos \pi x)` for
    ``anneal_strategy="cos"`` and :math:`A(a, b, x) = a + (b - a)x` for
    ``"linear"``.

    Parameters
    ----------
    max_lr : float
        :math:`\eta_M`, the peak learning rate, >= 0.
    total_steps : int
        :math:`N`, the number of updates the cycle covers, >= 1.
    pct_start : float, default 0.3
        :math:`p`, the fraction of the cycle spent rising, in [0, 1];
        ``pct_start * total_steps`` must not be 1 (a rise of zero length).
    anneal_strategy : {"cos", "linear"}, default "cos"
        :math:`A`, the shape of both phases.
    div_factor : float, default 25.0
        :math:`\delta`, the first lr is ``max_lr / div_factor``, > 0.
    final_div_factor : float, default 1e4
        :math:`\phi`, the last lr is ``max_lr / (div_factor * final_div_factor)``, > 0.
    three_phase : bool, default False
        Three phases instead of two, as in Smith & Topin's paper: up to
        ``max_lr`` until :math:`t_1 = pN - 1`, back down to ``max_lr /
        div_factor`` at :math:`t_2 = 2pN - 2` (symmetrically), then down to
        ``max_lr / (div_factor * final_div_factor)`` at :math:`N - 1`.

    Returns
    -------
    Schedule
        Defined for ``0 <= t < total_steps``; a later ``t`` fails.

    Notes
    -----
    Smith & Topin 2019, "Super-Convergence"; torch ``OneCycleLR(optimizer,
    max_lr, total_steps, pct_start, anneal_strategy, div_factor=...,
    final_div_factor=..., three_phase)``: two phases as in fastai by default.
    With ``pct_start > 0.5`` and three phases, torch's second phase is cut
    short by the end of the cycle; so is ours. See
    :func:`one_cycle_momentum` for the momentum torch cycles alongside
    (``cycle_momentum=True``, its default).
    torch returns one more value at ``t = total_steps`` (the lr after the
    last step, extrapolated past the end and used by no update) and raises
    beyond it; we raise for every ``t >= total_steps``.

    Examples
    --------
    >>> s = one_cycle(1.0, total_steps=5, pct_start=0.6, anneal_strategy="linear",
    ...               div_factor=4.0, final_div_factor=10.0)
    >>> s(range(5)).round(4).tolist()
    [0.25, 0.625, 1.0, 0.5125, 0.025]

    Three phases: up, back down to the start, then down to the end.

    >>> s = one_cycle(1.0, total_steps=10, pct_start=0.3, anneal_strategy="linear",
    ...               div_factor=4.0, final_div_factor=10.0, three_phase=True)
    >>> s(range(10)).round(4).tolist()
    [0.25, 0.625, 1.0, 0.625, 0.25, 0.205, 0.16, 0.115, 0.07, 0.025]
    """
    return OneCycle(max_lr, total_steps, pct_start, anneal_strategy, div_factor, final_div_factor, three_phase)


# ------------------------------------------------------------------ cycled momentum


def _check_momenta(sched):
    """base_momentum in [0, 1) and max_momentum in [base_momentum, 1): an SGD momentum or an Adam beta1."""
    sched._validate(check_real, "base_momentum", low=0, high=1, closed="left")
    sched._validate(check_real, "max_momentum", low=sched.base_momentum, high=1, closed="left")


@dataclass(frozen=True, repr=False)
class CyclicMomentum(Schedule):
    """The schedule made by :func:`cyclic_momentum`."""

    base_momentum: float = 0.8
    max_momentum: float = 0.9
    step_size_up: int = 2000
    step_size_down: int | None = None
    mode: str = "triangular"
    gamma: float = 1.0
    name: ClassVar[str] = "cyclic_momentum"

    @property
    def formula(self):
        return (r"\mu_t = \mu_{M} - (\mu_{M} - \mu_{b})\,h(p)\,\sigma(t),\quad "
                r"p = t \bmod (u + d),\quad "
                r"h(p) = \begin{cases} p/u & p \le u \\ (u + d - p)/d & p > u \end{cases},\quad "
                + Cyclic._amplitude[self.mode])

    def __post_init__(self):
        _check_momenta(self)
        self._validate(check_int, "step_size_up", low=1)
        self._validate(check_int, "step_size_down", low=1, allow_none=True)
        self._validate(check_option, "mode", ("triangular", "triangular2", "exp_range"))
        self._validate(check_real, "gamma", low=0, high=1, closed="right")

    def _lr(self, t):
        height, scale = Cyclic._wave(self, t)
        return self.max_momentum - (self.max_momentum - self.base_momentum) * height * scale


def cyclic_momentum(base_momentum=0.8, max_momentum=0.9, step_size_up=2000, step_size_down=None,
                    mode="triangular", gamma=1.0):
    r"""The momentum torch's ``CyclicLR`` cycles against the lr: high when the lr is low.

    .. math::
        \mu_t = \mu_{M} - (\mu_{M} - \mu_{b})\,h(p)\,\sigma(t)

    with :math:`p`, :math:`h` and :math:`\sigma` those of :func:`cyclic`
    (the same ``step_size_up``, ``step_size_down``, ``mode`` and ``gamma``):
    the momentum falls from :math:`\mu_M` to :math:`\mu_b` while the lr rises
    from ``base_lr`` to ``max_lr``, and back.

    Parameters
    ----------
    base_momentum : float, default 0.8
        :math:`\mu_b`, the momentum at the lr's peak, in [0, 1).
    max_momentum : float, default 0.9
        :math:`\mu_M`, the momentum of update 0 and at every lr trough, in [base_momentum, 1).
    step_size_up, step_size_down, mode, gamma
        :math:`u`, :math:`d`, the amplitude rule and :math:`\gamma`, as in :func:`cyclic`.

    Returns
    -------
    Schedule
        ``s(t)`` is a momentum, not an lr: give it to ``descend(...,
        momentum_schedule=s)``, which sets ``SGD.momentum`` (or the ``beta1``
        of ``Adam`` and ``AdamW``) to ``s(t)`` for update ``t``.

    Notes
    -----
    Smith 2017 (cyclical momentum: Smith 2018, "A disciplined approach to
    neural network hyper-parameters"); torch ``CyclicLR(...,
    cycle_momentum=True, base_momentum, max_momentum)``, torch's default,
    which writes the optimizer's ``momentum`` (SGD) or ``betas[0]`` (Adam) on
    every step. So a torch run with ``CyclicLR`` and ``SGD(momentum=0.9)``
    is ``descend(..., schedule=cyclic(...), momentum_schedule=
    cyclic_momentum(...))``: torch overwrites the optimizer's own momentum
    from the start. torch accepts any two momenta; we ask for
    ``base_momentum <= max_momentum < 1``.

    Examples
    --------
    >>> cyclic_momentum(0.8, 0.9, step_size_up=2)(range(5)).round(4).tolist()
    [0.9, 0.85, 0.8, 0.85, 0.9]
    """
    return CyclicMomentum(base_momentum, max_momentum, step_size_up, step_size_down, mode, gamma)


@dataclass(frozen=True, repr=False)
class OneCycleMomentum(Schedule):
    """The schedule made by :func:`one_cycle_momentum`."""

    total_steps: int
    pct_start: float = 0.3
    anneal_strategy: str = "cos"
    base_momentum: float = 0.85
    max_momentum: float = 0.95
    three_phase: bool = False
    name: ClassVar[str] = "one_cycle_momentum"

    @property
    def formula(self):
        shape = OneCycle._shape[self.anneal_strategy]
        if self.three_phase:
            return (r"\mu_t = \begin{cases}"
                    r"A\!\left(\mu_M,\ \mu_b,\ t / t_1\right) & t \le t_1 \\"
                    r"A\!\left(\mu_b,\ \mu_M,\ (t - t_1)/(t_2 - t_1)\right) & t_1 < t \le t_2 \\"
                    r"\mu_M & t > t_2"
                    r"\end{cases},\quad t_1 = pN - 1,\quad t_2 = 2pN - 2,\quad " + shape)
        return (r"\mu_t = \begin{cases}"
                r"A\!\left(\mu_M,\ \mu_b,\ t / t_1\right) & t \le t_1 \\"
                r"A\!\left(\mu_b,\ \mu_M,\ (t - t_1)/(N - 1 - t_1)\right) & t > t_1"
                r"\end{cases},\quad t_1 = pN - 1,\quad " + shape)

    def __post_init__(self):
        _check_cycle(self)
        _check_momenta(self)

    def _last_step(self):
        return self.total_steps - 1

    def _lr(self, t):
        low, high = self.base_momentum, self.max_momentum
        values = [(high, low), (low, high), (high, high)] if self.three_phase else [(high, low), (low, high)]
        return _one_cycle_phases(self, t, values)


def one_cycle_momentum(total_steps, pct_start=0.3, anneal_strategy="cos", base_momentum=0.85, max_momentum=0.95,
                       three_phase=False):
    r"""The momentum torch's ``OneCycleLR`` cycles against the lr: down while it rises, back up after.

    .. math::
        \mu_t = \begin{cases}
            A\!\left(\mu_M,\ \mu_b,\ t / t_1\right) & t \le t_1 \\
            A\!\left(\mu_b,\ \mu_M,\ \dfrac{t - t_1}{N - 1 - t_1}\right) & t > t_1
        \end{cases}, \qquad t_1 = pN - 1

    with :math:`A` the ``anneal_strategy`` of :func:`one_cycle`. With
    ``three_phase=True`` the momentum climbs back to :math:`\mu_M` by
    :math:`t_2 = 2pN - 2` and stays there.

    Parameters
    ----------
    total_steps, pct_start, anneal_strategy, three_phase
        :math:`N`, :math:`p`, :math:`A` and the phases, as in :func:`one_cycle`.
    base_momentum : float, default 0.85
        :math:`\mu_b`, the momentum at the lr's peak, in [0, 1).
    max_momentum : float, default 0.95
        :math:`\mu_M`, the momentum of update 0 and of the end, in [base_momentum, 1).

    Returns
    -------
    Schedule
        A momentum for ``descend(..., momentum_schedule=...)``; defined for
        ``0 <= t < total_steps``.

    Notes
    -----
    Smith & Topin 2019; torch ``OneCycleLR(..., cycle_momentum=True,
    base_momentum, max_momentum)``, torch's default, which writes the
    optimizer's ``momentum`` (SGD) or ``betas[0]`` (Adam, AdamW) on every step.

    Examples
    --------
    >>> s = one_cycle_momentum(5, pct_start=0.6, anneal_strategy="linear", base_momentum=0.8, max_momentum=0.9)
    >>> s(range(5)).round(4).tolist()
    [0.9, 0.85, 0.8, 0.85, 0.9]
    """
    return OneCycleMomentum(total_steps, pct_start, anneal_strategy, base_momentum, max_momentum, three_phase)


# ----------------------------------------------------------------------------- warmup


@dataclass(frozen=True, repr=False)
class Warmup(Schedule):
    """The schedule made by :func:`warmup`."""

    schedule: Schedule
    warmup_steps: int
    start_factor: float = 1 / 3
    name: ClassVar[str] = "warmup"

    def __post_init__(self):
        if not isinstance(self.schedule, Schedule):
            fail("schedule", self.name, "a Schedule such as gdcore.schedules.cosine(0.1, 100)", self.schedule)
        self._validate(check_int, "warmup_steps", low=1)
        self._validate(check_real, "start_factor", low=0, high=1)

    @property
    def formula(self):
        return (
            r"\eta_t = \begin{cases}"
            r"\eta'_0 \left(f + (1 - f)\,\frac{t}{W}\right) & t < W \\"
            r"\eta'_{t - W} & t \ge W"
            r"\end{cases},\quad " + self.schedule.formula.replace(r"\eta_t", r"\eta'_t", 1)
        )

    def _last_step(self):
        last = self.schedule._last_step()
        return None if last is None else last + self.warmup_steps

    def _lr(self, t):
        w, f = _int(self.warmup_steps), self.start_factor
        target = self.schedule._lr(np.zeros((), dtype=np.int64))
        rising = target * (f + (1 - f) * (t / float(self.warmup_steps)))
        after = self.schedule._lr(np.maximum(t - w, 0))
        return np.where(t < w, rising, after)


def warmup(schedule, warmup_steps, start_factor=1 / 3):
    r"""Linear warm-up for ``warmup_steps`` updates, then ``schedule`` from its start.

    .. math::
        \eta_t = \begin{cases}
            \eta'_0 \left(f + (1 - f)\,\dfrac{t}{W}\right) & t < W \\
            \eta'_{t - W} & t \ge W
        \end{cases}

    Parameters
    ----------
    schedule : Schedule
        :math:`\eta'`, the schedule that follows; the warm-up climbs towards
        its first lr :math:`\eta'_0`.
    warmup_steps : int
        :math:`W`, the number of warm-up updates, >= 1.
    start_factor : float, default 1/3
        :math:`f`, the first lr is ``start_factor * schedule(0)``, in [0, 1].

    Returns
    -------
    Schedule

    Notes
    -----
    torch ``SequentialLR(optimizer, [LinearLR(optimizer, start_factor, 1.0,
    warmup_steps), scheduler], milestones=[warmup_steps])``, with the
    optimizer's lr set to ``schedule(0)``. The closed form always climbs to
    ``schedule(0)``; torch's ``LinearLR`` climbs to the optimizer's initial
    lr instead, which ``CyclicLR`` ignores: in torch a warm-up before
    ``CyclicLR`` with a different optimizer lr climbs to that lr, then jumps
    to ``base_lr``. torch's ``LinearLR`` also needs ``start_factor > 0``
    because it multiplies the previous lr; the closed form allows 0, the
    usual "warm up from zero".

    Examples
    --------
    >>> s = warmup(exponential(1.0, gamma=0.5), warmup_steps=4, start_factor=0.2)
    >>> s(range(7)).round(4).tolist()
    [0.2, 0.4, 0.6, 0.8, 1.0, 0.5, 0.25]
    """
    return Warmup(schedule, warmup_steps, start_factor)


# ------------------------------------------------------------------------- swa cyclic


@dataclass(frozen=True, repr=False)
class SWACyclic(Schedule):
    """The schedule made by :func:`swa_cyclic`."""

    lr_max: float
    lr_min: float
    cycle_length: int
    name: ClassVar[str] = "swa_cyclic"
    formula: ClassVar[str] = (
        r"\eta_t = (1 - \tau)\,\eta_{\max} + \tau\,\eta_{\min},\quad "
        r"\tau = \frac{(t \bmod c) + 1}{c}"
    )

    def __post_init__(self):
        self._validate(check_real, "lr_max", low=0)
        self._validate(check_real, "lr_min", low=0, high=self.lr_max)
        self._validate(check_int, "cycle_length", low=1)

    def _lr(self, t):
        tau = (t % _int(self.cycle_length) + 1) / float(self.cycle_length)
        return (1 - tau) * self.lr_max + tau * self.lr_min


def swa_cyclic(lr_max, lr_min, cycle_length):
    r"""The cyclical schedule of stochastic weight averaging: a saw-tooth.

    .. math::
        \eta_t = (1 - \tau)\,\eta_{\max} + \tau\,\eta_{\min}, \qquad
        \tau = \frac{(t \bmod c) + 1}{c}

    Within each cycle the lr falls linearly and reaches ``lr_min`` on the
    cycle's last update, where SWA takes its snapshot; the next update jumps
    back up near ``lr_max``.

    Parameters
    ----------
    lr_max : float
        :math:`\eta_{\max}`, the top of the saw-tooth, >= 0.
    lr_min : float
        :math:`\eta_{\min}`, the lr of each cycle's last update, in [0, lr_max].
    cycle_length : int
        :math:`c`, updates per cycle, >= 1.

    Returns
    -------
    Schedule

    Notes
    -----
    Izmailov et al. 2018, "Averaging Weights Leads to Wider Optima and Better
    Generalization", eq. (2): with the 1-based iteration :math:`i = t + 1`,
    :math:`\tau(i) = (\operatorname{mod}(i - 1, c) + 1)/c`. So even the first
    update uses slightly less than ``lr_max``. torch has no such scheduler
    (``swa_utils.SWALR`` anneals once to a constant), so this one follows the
    paper.

    Examples
    --------
    >>> swa_cyclic(0.5, 0.1, cycle_length=4)(range(6)).round(4).tolist()
    [0.4, 0.3, 0.2, 0.1, 0.4, 0.3]
    """
    return SWACyclic(lr_max, lr_min, cycle_length)


# ------------------------------------------------------------ factors of a function


def _factors(sched, steps):
    """``factor(k)`` for each int of ``steps`` (an int array), called once per distinct step."""
    expected = "a function of one int step giving a finite float >= 0, as torch's lr_lambda"
    distinct, inverse = np.unique(steps, return_inverse=True)
    values = []
    for k in distinct.tolist():
        try:
            value = sched.factor(k)
        except Exception as error:  # noqa: BLE001 - the student's function: say where it failed
            fail("factor", sched.name, expected, _Text(f"{sched.factor!r}, which raised {type(error).__name__}: {error} at t={k}"))
        if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real) or not (math.isfinite(value) and value >= 0):
            fail("factor", sched.name, expected, _Text(f"{sched.factor!r}, which gave {value!r} at t={k}"))
        values.append(float(value))
    return np.asarray(values, dtype=np.float64)[inverse].reshape(steps.shape)


def _check_factor(sched):
    if not callable(sched.factor) or isinstance(sched.factor, Schedule):
        fail("factor", sched.name, "a function of one int step, such as lambda t: 0.95 ** t", sched.factor)


@dataclass(frozen=True, repr=False)
class LambdaLR(Schedule):
    """The schedule made by :func:`lambda_lr`."""

    lr: float
    factor: object
    name: ClassVar[str] = "lambda_lr"
    formula: ClassVar[str] = r"\eta_t = \eta\,\lambda(t)"

    def __post_init__(self):
        self._validate(check_real, "lr", low=0)
        _check_factor(self)

    def _lr(self, t):
        return self.lr * _factors(self, t)


def lambda_lr(lr, factor):
    r"""The learning rate times a function of the update number.

    .. math:: \eta_t = \eta\,\lambda(t)

    Parameters
    ----------
    lr : float
        :math:`\eta`, the optimizer's learning rate, >= 0.
    factor : callable
        :math:`\lambda`, a plain Python function of one int step giving a
        finite float >= 0 (torch's ``lr_lambda``). It is called once for
        each distinct ``t`` asked for.

    Returns
    -------
    Schedule

    Notes
    -----
    torch ``LambdaLR(optimizer, lr_lambda)``, which sets ``base_lr *
    lr_lambda(t)`` from scratch on every step (so it cannot be chained:
    see :func:`chain`).

    Examples
    --------
    >>> lambda_lr(0.1, lambda t: 1 / (t + 1))(range(4)).round(4).tolist()
    [0.1, 0.05, 0.0333, 0.025]
    """
    return LambdaLR(lr, factor)


@dataclass(frozen=True, repr=False)
class Multiplicative(Schedule):
    """The schedule made by :func:`multiplicative`."""

    lr: float
    factor: object
    name: ClassVar[str] = "multiplicative"
    formula: ClassVar[str] = r"\eta_t = \eta \prod_{k=1}^{t} \lambda(k)"
    #: The product is a loop over every update up to t: longer runs are refused.
    LAST: ClassVar[int] = 10**7

    def __post_init__(self):
        self._validate(check_real, "lr", low=0)
        _check_factor(self)

    def _last_step(self):
        return self.LAST

    def _lr(self, t):
        if t.size == 0:
            return np.empty(t.shape)
        # torch multiplies the current lr by factor(k) at its k-th step: the same products, in the same order.
        running = np.cumprod(np.concatenate(([self.lr], _factors(self, np.arange(1, int(t.max()) + 1)))))
        return running[t]


def multiplicative(lr, factor):
    r"""Multiply the learning rate by a function of the update number, after every update.

    .. math:: \eta_t = \eta \prod_{k=1}^{t} \lambda(k)

    Parameters
    ----------
    lr : float
        :math:`\eta`, the learning rate of the first update, >= 0.
    factor : callable
        :math:`\lambda`, a plain Python function of one int step giving a
        finite float >= 0 (torch's ``lr_lambda``); ``factor(0)`` is never used.

    Returns
    -------
    Schedule
        Defined for ``t <= 10**7``: ``s(t)`` multiplies ``t`` factors.

    Notes
    -----
    torch ``MultiplicativeLR(optimizer, lr_lambda)``: the same products in the
    same order, so the same bits.

    Examples
    --------
    >>> multiplicative(1.0, lambda t: 0.5)(range(4)).tolist()
    [1.0, 0.5, 0.25, 0.125]
    """
    return Multiplicative(lr, factor)


# ------------------------------------------------------- linear, polynomial, constant factor


@dataclass(frozen=True, repr=False)
class Linear(Schedule):
    """The schedule made by :func:`linear`."""

    lr: float
    start_factor: float = 1 / 3
    end_factor: float = 1.0
    total_iters: int = 5
    name: ClassVar[str] = "linear"
    formula: ClassVar[str] = r"\eta_t = \eta\left(f_0 + (f_1 - f_0)\,\frac{\min(t, T)}{T}\right)"

    def __post_init__(self):
        self._validate(check_real, "lr", low=0)
        self._validate(check_real, "start_factor", low=0, high=1, closed="right")
        self._validate(check_real, "end_factor", low=0, high=1)
        self._validate(check_int, "total_iters", low=1)

    def _lr(self, t):
        f0, f1 = self.start_factor, self.end_factor
        return self.lr * (f0 + (f1 - f0) * np.minimum(t, _int(self.total_iters)) / float(self.total_iters))


def linear(lr, start_factor=1 / 3, end_factor=1.0, total_iters=5):
    r"""Change the learning rate linearly by a factor, from ``start_factor`` to ``end_factor``.

    .. math:: \eta_t = \eta\left(f_0 + (f_1 - f_0)\,\frac{\min(t, T)}{T}\right)

    Parameters
    ----------
    lr : float
        :math:`\eta`, the optimizer's learning rate, >= 0.
    start_factor : float, default 1/3
        :math:`f_0`, the first lr is ``lr * start_factor``, in (0, 1].
    end_factor : float, default 1.0
        :math:`f_1`, the factor from update ``total_iters`` on, in [0, 1].
    total_iters : int, default 5
        :math:`T`, the updates the change takes, >= 1.

    Returns
    -------
    Schedule

    Notes
    -----
    torch ``LinearLR(optimizer, start_factor, end_factor, total_iters)``,
    whose own ranges we keep. torch multiplies the lr by a ratio each step;
    we evaluate its closed form. :func:`warmup` is the usual use.

    Examples
    --------
    >>> linear(1.0, start_factor=0.25, total_iters=3)(range(5)).tolist()
    [0.25, 0.5, 0.75, 1.0, 1.0]
    """
    return Linear(lr, start_factor, end_factor, total_iters)


@dataclass(frozen=True, repr=False)
class Polynomial(Schedule):
    """The schedule made by :func:`polynomial`."""

    lr: float
    total_iters: int = 5
    power: float = 1.0
    name: ClassVar[str] = "polynomial"
    formula: ClassVar[str] = r"\eta_t = \eta\left(1 - \frac{\min(t, T)}{T}\right)^{q}"

    def __post_init__(self):
        self._validate(check_real, "lr", low=0)
        self._validate(check_int, "total_iters", low=1)
        self._validate(check_real, "power", low=0)

    def _lr(self, t):
        # One correctly rounded math.pow per distinct base, as torch's Python ``**``.
        base = 1.0 - np.minimum(t, _int(self.total_iters)) / float(self.total_iters)
        distinct, inverse = np.unique(base, return_inverse=True)
        powers = np.fromiter((math.pow(b, self.power) for b in distinct.tolist()), np.float64, len(distinct))
        return self.lr * powers[inverse].reshape(t.shape)


def polynomial(lr, total_iters=5, power=1.0):
    r"""Decay the learning rate to 0 along a polynomial over ``total_iters`` updates.

    .. math:: \eta_t = \eta\left(1 - \frac{\min(t, T)}{T}\right)^{q}

    Parameters
    ----------
    lr : float
        :math:`\eta`, the learning rate of the first update, >= 0.
    total_iters : int, default 5
        :math:`T`, the update from which the lr is 0, >= 1.
    power : float, default 1.0
        :math:`q`, the power of the polynomial, >= 0 (1 is a straight line).

    Returns
    -------
    Schedule

    Notes
    -----
    torch ``PolynomialLR(optimizer, total_iters, power)``. torch multiplies the
    lr by a ratio each step; we evaluate its closed form (torch's
    ``_get_closed_form_lr``).

    Examples
    --------
    >>> polynomial(1.0, total_iters=4, power=2.0)(range(6)).tolist()
    [1.0, 0.5625, 0.25, 0.0625, 0.0, 0.0]
    """
    return Polynomial(lr, total_iters, power)


@dataclass(frozen=True, repr=False)
class ConstantFactor(Schedule):
    """The schedule made by :func:`constant_factor`."""

    lr: float
    factor: float = 1 / 3
    total_iters: int = 5
    name: ClassVar[str] = "constant_factor"
    formula: ClassVar[str] = r"\eta_t = \begin{cases} \eta f & t < T \\ \eta & t \ge T \end{cases}"

    def __post_init__(self):
        self._validate(check_real, "lr", low=0)
        self._validate(check_real, "factor", low=0, high=1)
        self._validate(check_int, "total_iters", low=1)

    def _lr(self, t):
        return np.where(t < _int(self.total_iters), self.lr * self.factor, self.lr)


def constant_factor(lr, factor=1 / 3, total_iters=5):
    r"""A lower learning rate for the first ``total_iters`` updates, then ``lr``.

    .. math:: \eta_t = \begin{cases} \eta f & t < T \\ \eta & t \ge T \end{cases}

    Parameters
    ----------
    lr : float
        :math:`\eta`, the optimizer's learning rate, >= 0.
    factor : float, default 1/3
        :math:`f`, in [0, 1].
    total_iters : int, default 5
        :math:`T`, the first update at the full lr, >= 1.

    Returns
    -------
    Schedule

    Notes
    -----
    torch ``ConstantLR(optimizer, factor, total_iters)``.

    Examples
    --------
    >>> constant_factor(1.0, factor=0.5, total_iters=2)(range(4)).tolist()
    [0.5, 0.5, 1.0, 1.0]
    """
    return ConstantFactor(lr, factor, total_iters)


# ---------------------------------------------------------------- sequential, chain


def _check_schedules(sched, low=1):
    expected = f"a sequence of {low} or more Schedules such as gdcore.schedules.cosine(0.1, 100)"
    try:
        items = tuple(sched.schedules)
    except TypeError:
        fail("schedules", sched.name, expected, describe(sched.schedules))
    if isinstance(sched.schedules, (str, Schedule)) or len(items) < low or not all(isinstance(s, Schedule) for s in items):
        fail("schedules", sched.name, expected, describe(sched.schedules))
    _set(sched, "schedules", items)


@dataclass(frozen=True, repr=False)
class Sequential(Schedule):
    """The schedule made by :func:`sequential`."""

    schedules: tuple
    milestones: tuple
    name: ClassVar[str] = "sequential"
    formula: ClassVar[str] = r"\eta_t = \eta^{(i)}_{t - m_i},\quad m_i \le t < m_{i+1},\quad m_0 = 0"

    def __post_init__(self):
        _check_schedules(self)
        _set(self, "milestones", _check_milestones(self.milestones, self.name))
        n, starts = len(self.schedules), (0,) + self.milestones
        if len(self.milestones) != n - 1:
            fail("milestones", self.name, f"{n - 1} strictly increasing ints >= 1, one fewer than schedules",
                 self.milestones)
        for i, (s, start, stop) in enumerate(zip(self.schedules[:-1], starts, starts[1:])):
            last = s._last_step()
            if last is not None and last < stop - start - 1:
                fail("schedules", self.name, f"schedules each defined until the next milestone (schedule {i} "
                     f"runs {stop - start} updates)", _Text(f"{s!r}, which ends at t={last}"))

    def _last_step(self):
        last = self.schedules[-1]._last_step()
        return None if last is None else last + (self.milestones[-1] if self.milestones else 0)

    def _lr(self, t):
        milestones = np.asarray([_int(m) for m in self.milestones], dtype=np.int64)
        which = np.searchsorted(milestones, t, side="right")
        lr = np.empty(t.shape)
        for i, (s, start) in enumerate(zip(self.schedules, (0,) + tuple(milestones.tolist()))):
            here = which == i
            lr[here] = s._lr(t[here] - start)
        return lr


def sequential(schedules, milestones):
    r"""One schedule after another: schedule ``i`` restarts at milestone ``m_i``.

    .. math:: \eta_t = \eta^{(i)}_{t - m_i} \quad\text{for } m_i \le t < m_{i+1},\ m_0 = 0

    Parameters
    ----------
    schedules : sequence of Schedule
        :math:`\eta^{(0)}, \eta^{(1)}, \dots`, one or more; each but the last
        must be defined until the next milestone.
    milestones : sequence of int
        :math:`m_1 < m_2 < \dots`, strictly increasing ints >= 1, one fewer
        than ``schedules``.

    Returns
    -------
    Schedule

    Notes
    -----
    torch ``SequentialLR(optimizer, schedulers, milestones)``, with every
    scheduler's lr the optimizer's lr. At a milestone torch restarts the next
    scheduler at its step 0 from the optimizer's initial lr, as here; except
    ``MultiplicativeLR``, which torch restarts from the lr the previous
    scheduler reached (times ``factor(0)``): a :func:`multiplicative` after
    the first milestone equals torch only if the previous one ends at its lr.
    ``CyclicLR`` and ``OneCycleLR`` bring their own lrs, and ``OneCycleLR``
    sets the optimizer's initial lr to ``max_lr / div_factor``: give the other
    schedules that lr. :func:`warmup` is ``sequential([linear(...),
    schedule], [warmup_steps])``.

    Examples
    --------
    >>> s = sequential([constant(0.1), exponential(1.0, 0.5)], milestones=[2])
    >>> s(range(5)).tolist()
    [0.1, 0.1, 1.0, 0.5, 0.25]
    """
    return Sequential(schedules, milestones)


#: The schedules torch steps by multiplying the current lr: those a chain multiplies.
_CHAINABLE = ("Constant", "StepDecay", "MultiStep", "Exponential", "Linear", "Polynomial", "ConstantFactor",
              "Multiplicative", "Chain")


@dataclass(frozen=True, repr=False)
class Chain(Schedule):
    """The schedule made by :func:`chain`."""

    schedules: tuple
    name: ClassVar[str] = "chain"
    formula: ClassVar[str] = r"\eta_t = \eta \prod_{i} \frac{\eta^{(i)}_t}{\eta}"

    def __post_init__(self):
        _check_schedules(self)
        names = ", ".join(_CHAINABLE[:-1])
        for s in self.schedules:
            if type(s).__name__ not in _CHAINABLE:
                fail("schedules", self.name, f"schedules torch steps by a factor ({names} or chain)",
                     _Text(repr(s)))
        rates = {s.lr for s in self.schedules}
        if len(rates) != 1:
            fail("schedules", self.name, "schedules with the same lr (torch chains them on one optimizer)",
                 _Text(", ".join(f"lr={s.lr!r}" for s in self.schedules)))

    @property
    def lr(self):
        """:math:`\\eta`, the lr every chained schedule shares."""
        return self.schedules[0].lr

    def _last_step(self):
        ends = [s._last_step() for s in self.schedules if s._last_step() is not None]
        return min(ends) if ends else None

    def _lr(self, t):
        lr = np.full(t.shape, self.lr)
        if self.lr == 0:
            return lr
        for s in self.schedules:
            lr = lr * (s._lr(t) / self.lr)
        return lr


def chain(schedules):
    r"""The product of schedules' factors, as torch's ``ChainedScheduler``.

    .. math:: \eta_t = \eta \prod_{i} \frac{\eta^{(i)}_t}{\eta}

    Parameters
    ----------
    schedules : sequence of Schedule
        :math:`\eta^{(i)}`, one or more, all with the same ``lr``
        :math:`\eta`, each one that torch steps by multiplying the current
        lr: :func:`constant`, :func:`step_decay`, :func:`multistep`,
        :func:`exponential`, :func:`linear`, :func:`polynomial`,
        :func:`constant_factor`, :func:`multiplicative` or another
        :func:`chain`.

    Returns
    -------
    Schedule

    Notes
    -----
    torch ``ChainedScheduler([...])`` over schedulers of one optimizer
    (``StepLR``, ``MultiStepLR``, ``ExponentialLR``, ``LinearLR``,
    ``PolynomialLR``, ``ConstantLR``, ``MultiplicativeLR``), in any order:
    each multiplies the lr by its own ratio, so the lr is the product of
    their factors. Other torch schedulers set the lr from scratch
    (``LambdaLR``, ``CyclicLR``, ``OneCycleLR``, ``CosineAnnealingWarmRestarts``)
    or add to it (``CosineAnnealingLR`` with ``eta_min > 0``, and past
    ``T_max``), so torch's chain of them is no product: we refuse them
    (``lambda_lr``, ``cyclic``, ``one_cycle``, ``cosine_restarts``,
    ``cosine``, ``warmup``, ``sequential``, ``swa_cyclic``).

    Examples
    --------
    >>> s = chain([constant_factor(1.0, 0.5, total_iters=2), exponential(1.0, 0.9)])
    >>> s(range(4)).round(4).tolist()
    [0.5, 0.45, 0.81, 0.729]
    """
    return Chain(schedules)
