r"""The runner: :func:`descend` and the :class:`Trajectory` it returns.

One code path serves one start ``(2,)`` and a batch of starts ``(B, 2)``: every
array carries the starts on a leading axis and each update is one vectorised
call, never a Python loop over starts.
"""

from __future__ import annotations

import dataclasses
import numbers
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np

from ._checks import ParameterError, _Text, check_int, check_memory, check_points, check_real, describe, fail, real_array
from .optimizers import SGD, Adam

__all__ = ["descend", "Trajectory"]

_CONTROLLER_STATUS = {"no_improvement": "early_stopped", "lr_below": "lr_below"}


def _frozen(value):
    """``value`` made read-only when it is an array (a result is a record, not a buffer)."""
    if isinstance(value, np.ndarray):
        value.flags.writeable = False
    return value


def _norm(v):
    """Euclidean norm over the last axis of ``(..., d)``, without overflow (hypot, not a sum of squares)."""
    if v.shape[-1] == 2:
        return np.hypot(v[..., 0], v[..., 1])
    with np.errstate(all="ignore"):
        # The sum of squares is one fast pass; only where it overflowed is the norm taken scaled.
        norm = np.sqrt(np.einsum("...i,...i->...", v, v))
        if np.isinf(norm).any():
            scale = np.max(np.abs(v), axis=-1)
            safe = np.where(scale > 0, scale, 1.0)
            norm = np.where(np.isinf(norm), scale * np.sqrt(np.sum((v / safe[..., None]) ** 2, axis=-1)), norm)
        return norm


@dataclass(frozen=True, eq=False)
class Trajectory:
    r"""The record of one run (or of ``B`` runs side by side) of :func:`descend`.

    Attributes
    ----------
    points : ndarray, shape (T+1, 2) or (T+1, B, 2)
        ``points[0]`` is the start, ``points[t+1]`` the weights after update ``t``
        (with ``record_every=k``, the point at step ``steps[i]``).
        In a batched run a start that stopped early holds its last point.
        ``T`` is the last step any run reached: a row is kept only when at
        least one run got there.
    losses : ndarray, shape (T+1,) or (T+1, B)
        The full objective's loss at each point (never a mini-batch loss),
        computed on first access.
    grad_norms : ndarray, shape (T+1,) or (T+1, B)
        :math:`\lVert \nabla L(w_t) \rVert_2` of the full objective, without noise.
    lrs : ndarray, shape (T,)
        The learning rate used by each update (schedule times controller).
    status : str or ndarray of str, shape (B,)
        One of ``"max_steps"``, ``"converged"``, ``"early_stopped"``,
        ``"lr_below"``, ``"diverged"``.
    steps_done : int or ndarray of int, shape (B,)
        The number of updates each run made before it stopped.
    best_step : int or ndarray of int, shape (B,)
        The step (update count) at which each run reached its lowest loss.
    steps : ndarray of int, shape (T+1,)
        The step of each kept point: ``0, 1, ..., T`` unless ``record_every > 1``.
    objective : object
        The objective the run descended (losses are computed from it).
    epochs : ndarray of int, shape (T,), or None
        Epoch (pass over the data) of each update in a mini-batch run; None when
        every update saw the full objective.
    batch_size : int or None
        Samples per update; None for the full objective.

    Every array is read-only: the losses are computed from the points on
    first use, so an edited point would silently change them. Copy one
    (``traj.points.copy()``) to change it.

    Examples
    --------
    >>> import gdcore as gd
    >>> traj = gd.descend(gd.surfaces.get("bowl"), gd.SGD(lr=0.1), (1.0, 1.0), steps=20)
    >>> traj.points.shape, traj.losses.shape, traj.lrs.shape, traj.status
    ((21, 2), (21,), (20,), 'max_steps')
    >>> traj.points.flags.writeable, traj.steps_done
    (False, 20)
    """

    points: np.ndarray
    lrs: np.ndarray
    status: object
    steps_done: object
    steps: np.ndarray
    epochs: np.ndarray | None = None
    batch_size: int | None = None
    objective: object = field(default=None, repr=False)

    def __post_init__(self):
        for name in ("points", "lrs", "status", "steps_done", "steps", "epochs"):
            _frozen(getattr(self, name))

    # Losses and gradient norms are computed on first use: a run of 10,000 starts
    # should not pay for 3 million loss evaluations nobody reads.
    @cached_property
    def losses(self) -> np.ndarray:
        with np.errstate(all="ignore"):
            loss = np.array(self.objective.loss(self.points), dtype=np.float64)
        return _frozen(loss)

    @cached_property
    def grad_norms(self) -> np.ndarray:
        with np.errstate(all="ignore"):
            g = np.asarray(self.objective.grad(self.points), dtype=np.float64)
            return _frozen(_norm(g))

    @cached_property
    def best_step(self):
        best = self.steps[np.argmin(np.where(np.isfinite(self.losses), self.losses, np.inf), axis=0)]
        return _frozen(best) if self.batched else int(best)

    @property
    def batched(self) -> bool:
        """True when the run had a batch of starts, shape (B, 2)."""
        return self.points.ndim == 3

    @property
    def final(self) -> np.ndarray:
        """The last point of each run, shape (2,) or (B, 2)."""
        return self.points[-1]

    def to_frame(self):
        """A tidy :class:`pandas.DataFrame`, one row per point (and run).

        Columns: ``step, x, y, loss, lr, grad_norm`` (``lr`` is the rate of the
        update that leaves the point, NaN at the last point), plus ``epoch`` in a
        mini-batch run and ``run`` when batched. Only points a run really
        reached are listed: a batched run that stopped early has no held rows.

        >>> import gdcore as gd
        >>> traj = gd.descend(gd.surfaces.Quadratic((1.0, 1.0)), gd.SGD(lr=0.5), (2.0, 0.0), steps=2)
        >>> traj.to_frame()[["step", "x", "loss"]]
           step    x  loss
        0     0  2.0   2.0
        1     1  1.0   0.5
        2     2  0.5   0.125
        """
        import pandas as pd  # pandas is needed only here, so gdcore imports numpy alone

        steps = self.steps
        # The lr and epoch of the update that leaves each kept point; none leaves the last.
        lr = np.append(self.lrs, np.nan)[steps]
        epoch = None if self.epochs is None else np.append(self.epochs, self.epochs[-1:] if len(self.epochs) else [0])[steps]
        # One start is a batch of one, whose "run" column is dropped at the end.
        dim = self.points.shape[-1]
        points = self.points.reshape(len(steps), -1, dim)
        runs = points.shape[1]
        step = np.repeat(steps, runs)
        # Two weights are the plane's x and y; more are w0 ... w{d-1}.
        names = ("x", "y") if dim == 2 else tuple(f"w{i}" for i in range(dim))
        columns = {
            "run": np.tile(np.arange(runs), len(steps)),
            "step": step,
            **{name: points[..., i].ravel() for i, name in enumerate(names)},
            "loss": np.ravel(self.losses),
            "lr": np.repeat(lr, runs),
            "grad_norm": np.ravel(self.grad_norms),
        }
        if epoch is not None:
            columns["epoch"] = np.repeat(epoch, runs)
        reached = step <= np.tile(np.atleast_1d(self.steps_done), len(steps))
        frame = pd.DataFrame(columns)[reached].sort_values(["run", "step"], kind="stable").reset_index(drop=True)
        return frame if self.batched else frame.drop(columns="run")


def _check_objective(objective, name="objective"):
    for attr in ("loss", "grad"):
        if not callable(getattr(objective, attr, None)):
            fail(name, "descend", "an object with loss(w) and grad(w) methods", objective)
    n_samples = getattr(objective, "n_samples", None)
    if n_samples is not None:
        check_int(n_samples, "n_samples", type(objective).__name__, low=1)
    return n_samples


def _check_optimizer(optimizer, owner="descend"):
    if not (callable(getattr(optimizer, "init", None)) and callable(getattr(optimizer, "step", None))):
        fail("optimizer", owner, "an optimizer with init(w) and step(w, g, state, lr)", optimizer)
    # gdcore's own optimizers have an unchecked update: descend has checked its arguments already.
    update = getattr(optimizer, "_update", None)
    if callable(update) and type(optimizer).__module__ == "gdcore.optimizers":
        return update
    return lambda w, g, state, lr: optimizer.step(w, g, state, lr)


def _checked_grad(g, w, name):
    """The gradient an objective returned, as a float array of the shape of ``w``, or fail naming it."""
    if type(g) is not np.ndarray or g.dtype != np.float64:  # the common case costs two comparisons
        g = real_array(g, name, "descend", f"an objective whose grad(w) gives real floats of shape {w.shape}")
    if g.shape != w.shape:
        fail(name, "descend", f"an objective whose grad(w) has the shape of w, {w.shape}", _Text(f"a gradient of shape {g.shape}"))
    return g


def _checked_loss(value, name):
    """One run's loss, as a float, or fail naming the objective that gave it."""
    arr = real_array(value, name, "descend", "an objective whose loss(w) is one real number for one point")
    if arr.ndim != 0:
        fail(name, "descend", "an objective whose loss(w) is one real number for one point",
             _Text(f"a loss of shape {arr.shape}"))
    return float(arr)


def _checked_control(result):
    """What a controller's step returned, ``(lr, stop)`` with a finite lr >= 0, or fail naming it."""
    expected = "a controller whose step(loss, lr) returns (lr, stop) with a finite lr >= 0"
    if not (isinstance(result, (tuple, list)) and len(result) == 2):
        fail("controller", "descend", expected, describe(result))
    lr, stop = result
    if isinstance(lr, (bool, np.bool_)) or not isinstance(lr, numbers.Real) or not (np.isfinite(lr) and lr >= 0):
        fail("controller", "descend", expected, describe(result))
    return float(lr), bool(stop)


def _base_lrs(optimizer, schedule, steps, name="schedule", what="lr"):
    """The lr of every update before any controller changes it (or, named ``name``, another ``what``: a momentum).

    A gdcore schedule (or any function of an int array) is called once on
    ``np.arange(steps)``; a plain Python function of one step, such as
    ``lambda t: 0.1 if t < 50 else 0.01``, is called once per step.
    """
    if schedule is None:
        return np.full(steps, float(optimizer.lr))
    if not callable(schedule):
        fail(name, "descend", f"a callable schedule {what}(t) or None", schedule)
    expected = f"a schedule giving one finite {what} >= 0 per step"
    t = np.arange(steps)
    try:
        lrs = np.asarray(schedule(t))
    except ParameterError as error:  # a gdcore schedule refusing some t (one_cycle ends)
        fail(name, "descend", f"a schedule defined for every update t = 0, ..., {steps - 1}",
             _Text(f"{schedule!r}, which says: {error}"))
    except Exception:  # noqa: BLE001 - a scalar function meeting an array: try it one step at a time
        lrs = None
    if lrs is None or lrs.shape != (steps,):
        values = []
        for k in range(steps):
            try:
                value = schedule(k)
            except Exception as error:  # noqa: BLE001 - the student's function: say where it failed
                fail(name, "descend", expected, _Text(f"{schedule!r}, which raised {type(error).__name__}: {error} at t={k}"))
            if isinstance(value, (bool, np.bool_)) or np.ndim(value) != 0 or np.asarray(value).dtype.kind not in "iuf":
                fail(name, "descend", expected, _Text(f"{schedule!r}, which gave {value!r} at t={k}"))
            values.append(float(value))
        lrs = np.asarray(values, dtype=np.float64)
    if lrs.dtype.kind not in "iuf":
        fail(name, "descend", expected, _Text(f"{schedule!r}, which gave values of dtype {lrs.dtype}"))
    lrs = lrs.astype(np.float64, copy=False)
    if not np.all(np.isfinite(lrs)) or np.any(lrs < 0):
        bad = int(np.flatnonzero(~(np.isfinite(lrs) & (lrs >= 0)))[0])
        fail(name, "descend", expected, _Text(f"{schedule!r}, which gave {lrs[bad]!r} at t={bad}"))
    return lrs


def _with_momentum(optimizer, momentum):
    """``optimizer`` with ``momentum`` where torch's ``cycle_momentum`` writes it: SGD's momentum, Adam's beta1."""
    if isinstance(optimizer, SGD):
        return dataclasses.replace(optimizer, momentum=momentum)
    return dataclasses.replace(optimizer, betas=(momentum, optimizer.betas[1]))


def _momenta(optimizer, momentum_schedule, steps):
    """The momentum of every update (None without a momentum schedule), each one the optimizer accepts."""
    if momentum_schedule is None:
        return None
    if not isinstance(optimizer, (SGD, Adam)):
        fail("momentum_schedule", "descend", "None unless the optimizer is SGD, Adam or AdamW", momentum_schedule)
    momenta = _base_lrs(optimizer, momentum_schedule, steps, "momentum_schedule", "momentum")
    # The optimizers' checks are ranges: the smallest and the largest momentum stand for all.
    for momentum in {float(momenta.min()), float(momenta.max())} if steps else ():
        try:
            _with_momentum(optimizer, momentum)
        except ParameterError as error:
            fail("momentum_schedule", "descend", f"a schedule of momenta that {type(optimizer).__name__} accepts",
                 _Text(f"{momentum_schedule!r}, which gave {momentum!r}: {error}"))
    return momenta


def _check_run_size(steps, record_every, w0, sampled, name, owner, value, hint=True):
    """Fail before allocating when a run's arrays would not fit in memory; say how much and why.

    Per kept point and start, with ``d`` weights: the point (8d bytes), its loss
    and gradient norm (8 + 8, computed on first use) and the gradient they come
    from (8d); per update: its lr, the schedule's lr and the step number (24),
    and the epoch in a mini-batch run (8).
    """
    runs = int(np.prod(w0.shape[:-1], dtype=np.int64)) if w0.ndim > 1 else 1
    per_point = 16 * int(w0.shape[-1]) + 16
    kept = steps // record_every + 2
    nbytes = kept * runs * per_point + steps * (32 if sampled else 24)
    what = f"{kept} kept points of {runs} start{'s' if runs != 1 else ''} and {steps} learning rates"
    fewer = hint and record_every == 1 and kept * runs * per_point > steps * 24
    check_memory(nbytes, name, owner, value, what, "record_every=k keeps every k-th point" if fewer else "")


class _BatchSampler:
    """Mini-batch indices: every epoch a fresh permutation, cut into batches.

    Sampling is without replacement within an epoch, as the article describes;
    the last batch of an epoch holds the remainder. A batch of starts draws one
    permutation per start, so each run sees its own sample order.
    """

    def __init__(self, n_samples, batch_size, runs, rng):
        self.n, self.k, self.runs, self.rng = n_samples, batch_size, runs, rng
        self.epoch = -1
        self.order = None
        self.pos = n_samples  # forces a fresh permutation on the first call

    def next(self):
        if self.pos >= self.n:
            self.epoch += 1
            self.pos = 0
            if self.runs is None:
                self.order = self.rng.permutation(self.n)
            else:
                self.order = self.rng.permuted(np.broadcast_to(np.arange(self.n), (self.runs, self.n)), axis=1)
        batch = self.order[..., self.pos : self.pos + self.k]
        self.pos += self.k
        return batch


class _Outcomes:
    """How each run ends: its status, the update it stopped at, and whether it is still going.

    One start is a batch of shape ``()``; a run that stops holds its last point from then on.
    """

    def __init__(self, shape, steps):
        self.status = np.full(shape, "max_steps", dtype=object)
        self.steps_done = np.full(shape, steps, dtype=np.int64)
        self.active = np.ones(shape, dtype=bool)

    def stop(self, which, why, t):
        """Stop the still-active runs where ``which`` holds, as ``why`` at update ``t``; True when none is left."""
        newly = self.active & which
        if newly.any():
            self.status[newly], self.steps_done[newly] = why, t
            self.active &= ~newly
        return not self.active.any()

    def keep_inside(self, w, w_new, inside, t):
        """Move the active runs that stayed inside; the others diverged at ``t`` and keep ``w``."""
        if inside.all() and self.active.all():
            return w_new, False
        none_left = self.stop(~inside, "diverged", t)
        return (np.where(self.active[..., None], w_new, w) if self.active.ndim else w), none_left

    @property
    def n_updates(self):
        return int(self.steps_done.max()) if self.steps_done.size else 0

    def result(self, batched):
        if batched:
            return self.status.astype(str), self.steps_done
        return str(self.status[()]), int(self.steps_done[()])


class _Recorder:
    """The points kept: the start, every ``record_every``-th update, and the last one."""

    def __init__(self, w0, steps, record_every):
        self.points = np.empty((steps // record_every + 2,) + w0.shape)
        self.points[0] = w0
        self.kept = [0]
        self.every = record_every

    def keep(self, step, w):
        if step % self.every == 0:
            self.points[len(self.kept)] = w
            self.kept.append(step)

    def finish(self, n_updates, w):
        if self.kept[-1] != n_updates:
            self.points[len(self.kept)] = w
            self.kept.append(n_updates)
        return self.points[: len(self.kept)], np.asarray(self.kept)


class _Rates:
    """The lr of each update: the schedule's, scaled by what the controller has cut since."""

    def __init__(self, base_lrs, controller):
        self.base_lrs, self.controller = base_lrs, controller
        # The lr the controller last returned, for the schedule's lr it was given, and the
        # factor by which its reductions scale the schedule.
        self.held_lr = self.held_base = None
        self.scale = 1.0

    def lr(self, t):
        base = self.base_lrs[t]
        # The controller's own lr while the schedule stands still (always, without one):
        # recomputing it as schedule x ratio would drift an ulp below min_lr.
        return self.held_lr if self.held_base == base else base * self.scale

    def after(self, loss, lr, t):
        """Tell the controller the loss after update ``t``; True when it says stop."""
        base = self.base_lrs[t]
        new_lr, stop = _checked_control(self.controller.step(loss, lr))
        if new_lr != lr and base > 0:
            self.scale = new_lr / base
        self.held_lr, self.held_base = new_lr, base
        return stop


def descend(
    objective,
    optimizer,
    start,
    steps=100,
    *,
    schedule=None,
    controller=None,
    batch_size=None,
    seed=0,
    tol=None,
    noise=0.0,
    max_norm=1e8,
    record_every=1,
    monitor=None,
    momentum_schedule=None,
):
    r"""Run an optimizer on an objective from one start or a batch of starts.

    Each update :math:`t = 0, 1, \dots` takes the gradient :math:`g_t` of the
    objective (of a mini-batch :math:`B_t` when ``batch_size`` is set), adds
    Gaussian noise if asked, and lets the optimizer move the weights:

    .. math::

        g_t = \frac{1}{|B_t|}\sum_{i \in B_t} \nabla \ell_i(w_t) + \sigma \xi_t,
        \quad \xi_t \sim \mathcal N(0, I), \qquad
        w_{t+1} = \mathrm{step}(w_t, g_t, \eta_t)

    For plain SGD the step is :math:`w_{t+1} = w_t - \eta_t g_t`.

    Parameters
    ----------
    objective : Surface or objective
        Anything with ``loss(w)`` and ``grad(w)``; with ``n_samples`` (an int)
        and ``loss(w, batch)``, ``grad(w, batch)`` it can be sampled in mini-batches.
    optimizer : SGD, Adagrad, RMSprop, Adam or AdamW
        Hyper-parameters; its state lives only inside this call.
    start : array_like, shape (2,) or (B, 2)
        :math:`w_0`; a batch of starts runs as one vectorised loop.
    steps : int
        Maximum number of updates.
    schedule : callable, optional
        :math:`\eta_t` = ``schedule(t)`` (see :mod:`gdcore.schedules`); default:
        ``optimizer.lr``. A function of an int array is called once on
        ``np.arange(steps)``; a plain function of one int step (``lambda t: 0.1
        if t < 50 else 0.01``) once per step.
    controller : PlateauController, optional
        Called after every update with the full loss (of ``monitor``, when
        given) and the lr that update used; it may stop the run. It is
        ``reset()`` first. One start only. The next update uses the lr it
        returns, exactly, while the schedule's lr stays the same (always,
        without a schedule); where the schedule moves, its reductions scale it:
        :math:`\eta_t = \mathrm{schedule}(t)\cdot \eta^{c}/\mathrm{schedule}(s)`,
        with :math:`\eta^{c}` the lr the controller returned last after a change,
        at update :math:`s`. This is how torch chains a ``ReduceLROnPlateau``
        with a piecewise-constant scheduler: between the scheduler's own steps,
        the lr is the plateau rule's (up to rounding where the scheduler steps).
    monitor : objective, optional
        What the controller watches instead of the training loss, e.g. a
        validation set ``objective.resample(1)``: anything with ``loss(w)``.
        Only with a controller; ``losses`` stay the training objective's.
    momentum_schedule : callable, optional
        :math:`\mu_t` = ``momentum_schedule(t)``, called as ``schedule`` is:
        update ``t`` runs with ``SGD.momentum`` (or the ``beta1`` of ``Adam``
        and ``AdamW``) set to :math:`\mu_t`, the optimizer's own value unused,
        as torch's ``CyclicLR`` and ``OneCycleLR`` do with
        ``cycle_momentum=True`` (their default). See
        :func:`~gdcore.schedules.cyclic_momentum` and
        :func:`~gdcore.schedules.one_cycle_momentum`. The momentum buffer
        (Adam's first moment) carries on across the changes, as in torch.
    batch_size : int, optional
        :math:`|B_t|`: 1 is SGD on single samples, None the full batch. Each
        epoch is a fresh permutation of the samples; its last batch holds the remainder.
    seed : int
        Seeds ``np.random.default_rng`` for batches and noise: the same seed, the same run
        (see *Randomness* below for the exact order of the draws).
    tol : float, optional
        Stop with status ``"converged"`` at a point whose full gradient norm is below ``tol``.
    noise : float
        :math:`\sigma`, the standard deviation of the noise added to every gradient
        (perturbed gradient descent).
    max_norm : float
        A run whose weights leave the ball of this radius, or stop being finite,
        has ``"diverged"``: it stops and keeps its finite points.
    record_every : int
        Keep every k-th point (and always the start and the last point): a
        basin map of 10,000 starts needs only where each run ends.

    Randomness
    ----------
    One generator, ``rng = np.random.default_rng(seed)``, makes every random
    draw of the run, in this order. Update ``t`` first takes its mini-batch: at
    the start of each epoch (every ``ceil(n / batch_size)`` updates) it draws
    the epoch's order, ``rng.permutation(n)`` for one start and
    ``rng.permuted(order, axis=1)`` on a ``(B, n)`` array of ``arange(n)`` rows
    for ``B`` starts (one shuffle per row, row by row), and cuts it into
    consecutive batches, the last holding the remainder. Then, with
    ``noise > 0``, it draws ``rng.standard_normal(w.shape)``: ``d`` numbers
    for one start of ``d`` weights, ``(B, d)`` for ``B``. Nothing else draws.

    So one start ``(d,)`` follows exactly the run of a batch of one start
    ``(1, d)`` with the same seed. The first start of a batch of ``B > 1``
    does not: the batch's draws interleave all its runs (run 0's second epoch
    order comes after the ``B`` orders of the first epoch), so each run's
    draws depend on ``B``. Giving each start a generator of its own would make
    run 0 independent of ``B``, but it costs a Python call per start per step,
    where now one call serves all of them; we keep the vectorised draws. To
    reproduce one run of a batch, run the same batch again.

    Every argument is checked before anything runs, and what the run will
    hold is too: a run whose points and lrs would not fit in 1 GiB fails at
    once, saying how much it needs, instead of running out of memory.

    Returns
    -------
    Trajectory

    Examples
    --------
    Gradient descent on :math:`\tfrac12 x^2 + 5 y^2` with :math:`\eta = 0.1`
    shrinks :math:`x` by :math:`1 - 0.1 = 0.9` per step and leaves :math:`y` at 0
    after one step (:math:`1 - 0.1 \cdot 10 = 0`):

    >>> import gdcore as gd
    >>> bowl = gd.surfaces.Quadratic(eigenvalues=(1.0, 10.0))
    >>> traj = gd.descend(bowl, gd.SGD(lr=0.1), start=(1.0, 1.0), steps=3)
    >>> traj.points.round(3).tolist()
    [[1.0, 1.0], [0.9, 0.0], [0.81, 0.0], [0.729, 0.0]]
    >>> traj.status
    'max_steps'

    Above the stability bound :math:`2/\lambda_{\max} = 0.2` the run diverges,
    and the trajectory keeps its finite points:

    >>> gd.descend(bowl, gd.SGD(lr=0.25), (1.0, 1.0), steps=1000).status
    'diverged'

    Early stopping on a validation loss: a controller that never cuts the lr
    (``patience=None``) stops once the validation loss has not improved for
    5 updates, while the training loss still had far to fall:

    >>> train = gd.objectives.linear_regression(n_samples=20, noise=1.0, seed=0)
    >>> stop = gd.PlateauController(patience=None, stop_patience=5)
    >>> traj = gd.descend(train, gd.SGD(lr=0.05), (0.0, 0.0), 500, controller=stop,
    ...                   monitor=train.resample(1))
    >>> traj.status, traj.steps_done, bool(set(traj.lrs.tolist()) == {0.05})
    ('early_stopped', 15, True)
    >>> on = gd.descend(train, gd.SGD(lr=0.05), (0.0, 0.0), 500)
    >>> bool(on.losses[-1] < 0.6 * traj.losses[-1])
    True

    Source: gradient descent as in ``torch.optim``; the stopping rules are
    :class:`~gdcore.controller.PlateauController`'s.
    """
    owner = "descend"
    n_samples = _check_objective(objective)
    update = _check_optimizer(optimizer)
    dim = int(getattr(objective, "dim", 2))
    w0 = check_points(start, "start", owner, dim=dim)
    if w0.ndim > 2:
        fail("start", owner, f"an array of shape ({dim},) or (B, {dim})", _Text(f"shape {w0.shape}"))
    if w0.ndim == 2 and w0.shape[0] == 0:
        fail("start", owner, f"an array of shape ({dim},) or (B, {dim}) with B >= 1", _Text(f"shape {w0.shape}"))
    batched = w0.ndim == 2
    steps = check_int(steps, "steps", owner, low=0)
    seed = check_int(seed, "seed", owner, low=0)
    tol = check_real(tol, "tol", owner, low=0, allow_none=True)
    noise = check_real(noise, "noise", owner, low=0)
    max_norm = check_real(max_norm, "max_norm", owner, low=0, closed="neither")
    record_every = check_int(record_every, "record_every", owner, low=1)
    if batch_size is not None:
        if n_samples is None:
            fail("batch_size", owner, "None for an objective without samples (n_samples is None)", batch_size)
        batch_size = check_int(batch_size, "batch_size", owner, low=1, high=n_samples)
    if controller is not None:
        if batched:
            fail("controller", owner, "None when start is a batch of starts (B, 2)", controller)
        if not (callable(getattr(controller, "step", None)) and callable(getattr(controller, "reset", None))):
            fail("controller", owner, "a PlateauController or None", controller)
    if monitor is not None:
        if controller is None:
            fail("monitor", owner, "None unless a controller is given (it is what the controller watches)", monitor)
        _check_objective(monitor, "monitor")
    watched, watched_name = (objective, "objective") if monitor is None else (monitor, "monitor")
    _check_run_size(steps, record_every, w0, batch_size is not None, "steps", owner, steps)
    base_lrs = _base_lrs(optimizer, schedule, steps)
    momenta = _momenta(optimizer, momentum_schedule, steps)
    if controller is not None:
        controller.reset()

    rng = np.random.default_rng(seed)
    sampler = None if batch_size is None else _BatchSampler(n_samples, batch_size, w0.shape[0] if batched else None, rng)
    runs = _Outcomes(w0.shape[:-1], steps)
    record = _Recorder(w0, steps, record_every)
    rates = _Rates(base_lrs, controller)
    lrs = np.empty(steps)
    epochs = np.empty(steps, dtype=np.int64) if sampler else None
    w, state = w0, optimizer.init(w0)
    # Overflow and NaN are outcomes we record, not errors: no warning may leak.
    with np.errstate(all="ignore"):
        for t in range(steps):
            g = _checked_grad(objective.grad(w) if sampler is None else objective.grad(w, sampler.next()), w, "objective")
            if sampler is not None:
                epochs[t] = sampler.epoch
            if tol is not None:
                full = g if sampler is None else _checked_grad(objective.grad(w), w, "objective")
                if runs.stop(_norm(full) < tol, "converged", t):
                    break
            if noise:
                g = g + noise * rng.standard_normal(w.shape)
            lrs[t] = lr = rates.lr(t)
            if momenta is not None:  # this update's momentum (SGD) or beta1 (Adam, AdamW), as torch cycles it
                update = _with_momentum(optimizer, momenta[t])._update
            w_new, state = update(w, g, state, lr)
            # hypot never overflows, and NaN fails the comparison: non-finite weights are outside too.
            w, none_left = runs.keep_inside(w, w_new, _norm(w_new) <= max_norm, t)
            if none_left:
                break  # no run reached step t + 1: it gets no row
            record.keep(t + 1, w)
            if controller is not None:
                stop = rates.after(_checked_loss(watched.loss(w), watched_name), lr, t)
                if stop:
                    runs.stop(True, _CONTROLLER_STATUS.get(controller.reason, "early_stopped"), t + 1)
                    break
        n_updates = runs.n_updates
        # w now holds every run's last point, which is the point at step n_updates.
        points, kept = record.finish(n_updates, w)
    status, steps_done = runs.result(batched)
    return Trajectory(
        points=points,
        lrs=lrs[:n_updates],
        status=status,
        steps_done=steps_done,
        steps=kept,
        epochs=None if epochs is None else epochs[:n_updates],
        batch_size=batch_size,
        objective=objective,
    )
