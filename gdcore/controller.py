r"""PlateauController: reduce the lr on a plateau, and stop early.

The one mutable object of gdcore, by design: like torch's scheduler objects it
carries counters from one update to the next. Its hyper-parameters are frozen
at construction; its state lives apart and :meth:`PlateauController.reset`
clears it (``descend`` calls it before each run).
"""

from __future__ import annotations

import math
import numbers
from dataclasses import dataclass, field

import numpy as np

from gdcore._checks import check_int, check_option, check_real, fail

__all__ = ["PlateauController"]

_OWNER = "PlateauController"


@dataclass
class _State:
    calls: int = 0
    # Reduce-on-plateau, exactly torch's counters.
    plateau_best: float = math.inf
    bad_steps: int = 0
    cooldown_left: int = 0
    # Early stopping keeps its own reference loss (Keras's `best`).
    stop_best: float = math.inf
    stop_wait: int = 0
    # What the user reads.
    best: float = math.inf
    best_step: int | None = None
    reductions: list = field(default_factory=list)
    reason: str | None = None


@dataclass(frozen=True, eq=False)
class PlateauController:
    r"""Reduce the learning rate on a plateau; stop early or once the lr is tiny.

    Call ``lr, stop = ctl.step(loss, lr)`` once per update, with the full loss
    (or the metric watched, see ``mode``) after that update and the lr that
    update used; it returns the lr for the next update and whether to stop.
    Three rules, each optional:

    **Reduce on plateau** (torch ``ReduceLROnPlateau``; ``patience=None`` turns
    it off). A value :math:`L` improves on the best :math:`L^*` when

    .. math::
        \begin{array}{lll}
        \texttt{mode="min"}: & L < L^* (1 - \theta) \ (\texttt{"rel"}), &
            L < L^* - \theta \ (\texttt{"abs"}) \\
        \texttt{mode="max"}: & L > L^* (1 + \theta) \ (\texttt{"rel"}), &
            L > L^* + \theta \ (\texttt{"abs"})
        \end{array}

    (:math:`\theta` is ``threshold``, the first two cases are ``threshold_mode``).
    On the ``(patience + 1)``-th consecutive update without improvement the lr
    becomes :math:`\max(\eta\,\rho,\ \eta_{\min})`, unless that lowers it by
    ``eps`` or less (then it is kept); either way the count restarts, and the
    next ``cooldown`` updates count as improvements.

    **Early stopping** (Prechelt 1998; Keras ``EarlyStopping``). Stop at the
    ``stop_patience``-th consecutive update whose value is not below
    :math:`L^*_s - \delta` (``mode="max"``: not above :math:`L^*_s + \delta`),
    where :math:`L^*_s` is the value at the last such improvement (its own
    reference, separate from the plateau rule's).

    **Stop below a threshold** (the article's rule, combined with the first):
    stop as soon as the lr returned is below ``stop_lr``.

    Early stopping alone is ``PlateauController(patience=None, stop_patience=k)``:
    the lr is then never changed.

    Parameters
    ----------
    factor : float, default 0.1
        :math:`\rho`, new lr = lr * factor, in [0, 1).
    patience : int or None, default 10
        Updates without improvement tolerated before a reduction, >= 0; None
        turns reduce-on-plateau off.
    threshold : float, default 1e-4
        :math:`\theta`, the least improvement that counts, >= 0.
    threshold_mode : {"rel", "abs"}, default "rel"
    cooldown : int, default 0
        Updates after a reduction during which no bad update is counted, >= 0.
    min_lr : float, default 0.0
        :math:`\eta_{\min}`, the lr is never reduced below it, >= 0.
    eps : float, default 1e-8
        Reductions of ``eps`` or less are skipped, >= 0.
    stop_patience : int or None, default None
        Early-stopping patience, >= 1; None turns early stopping off.
    min_delta : float, default 0.0
        :math:`\delta`, the least improvement early stopping counts, >= 0.
    stop_lr : float or None, default None
        Stop once the lr is below this, > 0; None turns the rule off.
    mode : {"min", "max"}, default "min"
        ``"min"`` watches a loss (lower is better), ``"max"`` a score such as an
        accuracy (higher is better), for both the plateau rule and early
        stopping, as torch's and Keras's ``mode``.

    Attributes
    ----------
    reason : str or None
        None while running, then ``"no_improvement"`` or ``"lr_below"``. When
        both rules fire at the same update, ``"lr_below"`` is reported.
    best : float
        The best value seen: the lowest with ``mode="min"`` (``inf`` before the
        first step), the highest with ``mode="max"`` (``-inf`` before it).
    best_step : int or None
        The 1-based count of ``step`` calls at which ``best`` was seen: the
        index into a trajectory's points, whose ``points[0]`` is the start.
    reductions : list of int
        The 1-based counts of ``step`` calls at which the lr was reduced.

    Notes
    -----
    The plateau rule is torch's to the letter, quirks included: with
    ``threshold_mode="rel"`` a negative best makes :math:`L^*(1-\theta)` lie
    *above* :math:`L^*`, so a loss slightly worse than the best still counts
    as an improvement; use ``"abs"`` for losses that can be negative. For the
    same reason ``mode="max"`` is not ``mode="min"`` on the negated metric:
    with ``"rel"`` it asks for :math:`L > L^*(1 + \theta)`, the negation would
    ask for :math:`L > L^*(1 - \theta)`. A NaN value never improves anything,
    ``inf`` is a value like any other. Once a stop is reported, later calls
    keep ``stop=True`` and the first ``reason``.

    ``step`` checks its arguments: ``loss`` a real number (NaN and inf
    allowed: a diverging run's loss is data), ``lr`` a finite float >= 0.

    Examples
    --------
    A constant loss with ``patience=2``: the first call sets the best, the
    next three do not improve it, and the third of them reduces the lr.

    >>> ctl = PlateauController(factor=0.5, patience=2, stop_lr=0.2)
    >>> lr = 1.0
    >>> for _ in range(20):
    ...     lr, stop = ctl.step(3.0, lr)
    ...     if stop:
    ...         break
    >>> lr, ctl.reductions, ctl.reason, ctl.best_step
    (0.125, [4, 7, 10], 'lr_below', 1)

    Early stopping alone, on an accuracy that stops rising: the lr is never cut,
    and the run stops at the second update that does not beat 0.8 by 0.01.

    >>> ctl = PlateauController(patience=None, stop_patience=2, min_delta=0.01, mode="max")
    >>> [ctl.step(acc, 0.1) for acc in (0.5, 0.8, 0.805, 0.79)]
    [(0.1, False), (0.1, False), (0.1, False), (0.1, True)]
    >>> ctl.best, ctl.best_step, ctl.reason
    (0.805, 3, 'no_improvement')

    Source: ``torch.optim.lr_scheduler.ReduceLROnPlateau`` (PyTorch 2.x) for the
    plateau rule, ``keras.callbacks.EarlyStopping`` for early stopping.
    """

    factor: float = 0.1
    patience: int = 10
    threshold: float = 1e-4
    threshold_mode: str = "rel"
    cooldown: int = 0
    min_lr: float = 0.0
    eps: float = 1e-8
    stop_patience: int | None = None
    min_delta: float = 0.0
    stop_lr: float | None = None
    mode: str = "min"
    _state: _State = field(init=False, repr=False)

    def __post_init__(self):
        self._validate(check_real, "factor", low=0, high=1, closed="left")
        self._validate(check_int, "patience", low=0, allow_none=True)
        self._validate(check_real, "threshold", low=0)
        self._validate(check_option, "threshold_mode", ("rel", "abs"))
        self._validate(check_int, "cooldown", low=0)
        self._validate(check_real, "min_lr", low=0)
        self._validate(check_real, "eps", low=0)
        self._validate(check_int, "stop_patience", low=1, allow_none=True)
        self._validate(check_real, "min_delta", low=0)
        self._validate(check_real, "stop_lr", low=0, closed="neither", allow_none=True)
        self._validate(check_option, "mode", ("min", "max"))
        self.reset()

    def _validate(self, check, name, *args, **kwargs):
        """Run a gdcore._checks check on field ``name`` and store its normalised value."""
        object.__setattr__(self, name, check(getattr(self, name), name, _OWNER, *args, **kwargs))

    def reset(self) -> None:
        """Forget every loss seen: back to the state of a fresh controller."""
        worst = math.inf if self.mode == "min" else -math.inf
        object.__setattr__(self, "_state", _State(plateau_best=worst, stop_best=worst, best=worst))

    @property
    def reason(self) -> str | None:
        return self._state.reason

    @property
    def best(self) -> float:
        return self._state.best

    @property
    def best_step(self) -> int | None:
        return self._state.best_step

    @property
    def reductions(self) -> list:
        return list(self._state.reductions)

    def _improves_plateau(self, loss: float) -> bool:
        # torch ReduceLROnPlateau.is_better, case by case.
        best = self._state.plateau_best
        if self.mode == "min":
            if self.threshold_mode == "rel":
                return loss < best * (1.0 - self.threshold)
            return loss < best - self.threshold
        if self.threshold_mode == "rel":
            return loss > best * (self.threshold + 1.0)
        return loss > best + self.threshold

    def _improves_stop(self, loss: float) -> bool:
        # Keras EarlyStopping._is_improvement: min_delta counts against the new value.
        if self.mode == "min":
            return loss < self._state.stop_best - self.min_delta
        return loss > self._state.stop_best + self.min_delta

    def step(self, loss, lr):
        """Record the loss after one update; return ``(lr for the next update, stop)``.

        Parameters
        ----------
        loss : float
            The full loss (or metric) after the update: one run, a real
            number; a NaN never counts as an improvement.
        lr : float
            The learning rate the update used, a finite float >= 0.

        Returns
        -------
        lr : float
            The learning rate for the next update (reduced or unchanged).
        stop : bool
            True once early stopping or ``stop_lr`` says so.
        """
        owner = f"{_OWNER}.step"
        real = isinstance(loss, numbers.Real) or (
            isinstance(loss, np.ndarray) and loss.ndim == 0 and loss.dtype.kind in "iuf")
        if isinstance(loss, (bool, np.bool_)) or not real:
            fail("loss", owner, "a real number (the full loss of one run)", loss)
        loss = float(loss)
        lr = check_real(lr, "lr", owner, low=0)
        s = self._state
        s.calls += 1
        if (loss < s.best) if self.mode == "min" else (loss > s.best):
            s.best, s.best_step = loss, s.calls

        # Reduce on plateau: torch.optim.lr_scheduler.ReduceLROnPlateau.step.
        if self.patience is not None:
            if self._improves_plateau(loss):
                s.plateau_best, s.bad_steps = loss, 0
            else:
                s.bad_steps += 1
            if s.cooldown_left > 0:
                s.cooldown_left -= 1
                s.bad_steps = 0
            if s.bad_steps > self.patience:
                new_lr = max(lr * self.factor, self.min_lr)
                if lr - new_lr > self.eps:
                    lr = new_lr
                    s.reductions.append(s.calls)
                s.cooldown_left, s.bad_steps = self.cooldown, 0

        # Early stopping: Keras EarlyStopping.
        if self.stop_patience is not None:
            if self._improves_stop(loss):
                s.stop_best, s.stop_wait = loss, 0
            else:
                s.stop_wait += 1

        if s.reason is None:
            if self.stop_lr is not None and lr < self.stop_lr:
                s.reason = "lr_below"
            elif self.stop_patience is not None and s.stop_wait >= self.stop_patience:
                s.reason = "no_improvement"
        return lr, s.reason is not None
