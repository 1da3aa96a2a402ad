r"""The runner: :func:`descend` and the :class:`Trajectory` it returns.

One code path serves one start ``(2,)`` and a batch of starts ``(B, 2)``: every
array carries the starts on a leading axis and each update is one vectorised
call, never a Python loop over starts.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

import numpy as np

from ._checks import check_int, check_points, check_real, fail

_CONTROLLER_STATUS = {"no_improvement": "early_stopped", "lr_below": "lr_below"}


@dataclass(frozen=True, eq=False)
class Trajectory:
    r"""The record of one run (or of ``B`` runs side by side) of :func:`descend`.

    Attributes
    ----------
    points : ndarray, shape (T+1, 2) or (T+1, B, 2)
        ``points[0]`` is the start, ``points[t+1]`` the weights after update ``t``
        (with ``record_every=k``, the point at step ``steps[i]``).
        In a batched run a start that stopped early holds its last point.
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
    """

    points: np.ndarray
    lrs: np.ndarray
    status: object
    steps_done: object
    steps: np.ndarray
    epochs: np.ndarray | None = None
    batch_size: int | None = None
    objective: object = field(default=None, repr=False)

    # Losses and gradient norms are computed on first use: a run of 10,000 starts
    # should not pay for 3 million loss evaluations nobody reads.
    @cached_property
    def losses(self) -> np.ndarray:
        with np.errstate(all="ignore"):
            return np.asarray(self.objective.loss(self.points), dtype=np.float64)

    @cached_property
    def grad_norms(self) -> np.ndarray:
        with np.errstate(all="ignore"):
            g = np.asarray(self.objective.grad(self.points), dtype=np.float64)
            return np.sqrt(g[..., 0] * g[..., 0] + g[..., 1] * g[..., 1])

    @cached_property
    def best_step(self):
        best = self.steps[np.argmin(np.where(np.isfinite(self.losses), self.losses, np.inf), axis=0)]
        return best if self.batched else int(best)

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
        points = self.points.reshape(len(steps), -1, 2)
        runs = points.shape[1]
        step = np.repeat(steps, runs)
        columns = {
            "run": np.tile(np.arange(runs), len(steps)),
            "step": step,
            "x": points[..., 0].ravel(),
            "y": points[..., 1].ravel(),
            "loss": np.ravel(self.losses),
            "lr": np.repeat(lr, runs),
            "grad_norm": np.ravel(self.grad_norms),
        }
        if epoch is not None:
            columns["epoch"] = np.repeat(epoch, runs)
        reached = step <= np.tile(np.atleast_1d(self.steps_done), len(steps))
        frame = pd.DataFrame(columns)[reached].sort_values(["run", "step"], kind="stable").reset_index(drop=True)
        return frame if self.batched else frame.drop(columns="run")


def _check_objective(objective):
    for attr in ("loss", "grad"):
        if not callable(getattr(objective, attr, None)):
            fail("objective", "descend", "an object with loss(w) and grad(w) methods", objective)
    n_samples = getattr(objective, "n_samples", None)
    if n_samples is not None:
        check_int(n_samples, "n_samples", type(objective).__name__, low=1)
    return n_samples


def _check_optimizer(optimizer):
    if not (callable(getattr(optimizer, "init", None)) and callable(getattr(optimizer, "step", None))):
        fail("optimizer", "descend", "an optimizer with init(w) and step(w, g, state, lr)", optimizer)


def _base_lrs(optimizer, schedule, steps):
    """The lr of every update before any controller scales it, from a closed form."""
    if schedule is None:
        return np.full(steps, float(optimizer.lr))
    if not callable(schedule):
        fail("schedule", "descend", "a callable schedule lr(t) or None", schedule)
    lrs = np.asarray(schedule(np.arange(steps)), dtype=np.float64)
    if lrs.shape != (steps,) or not np.all(np.isfinite(lrs)) or np.any(lrs < 0):
        fail("schedule", "descend", "a schedule giving one finite lr >= 0 per step", schedule)
    return lrs


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
        :math:`\eta_t` = ``schedule(t)`` (see :mod:`gdcore.schedules`); default: ``optimizer.lr``.
    controller : PlateauController, optional
        Called after every update with the full loss; its reductions scale the
        schedule, and it may stop the run. It is ``reset()`` first. One start only.
    batch_size : int, optional
        :math:`|B_t|`: 1 is SGD on single samples, None the full batch. Each
        epoch is a fresh permutation of the samples; its last batch holds the remainder.
    seed : int
        Seeds ``np.random.default_rng`` for batches and noise: the same seed, the same run.
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
    """
    owner = "descend"
    n_samples = _check_objective(objective)
    _check_optimizer(optimizer)
    w0 = check_points(start, "start", owner)
    if w0.ndim > 2:
        fail("start", owner, "an array of shape (2,) or (B, 2)", f"shape {w0.shape}")
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
        if not callable(getattr(controller, "step", None)):
            fail("controller", owner, "a PlateauController or None", controller)
        controller.reset()
    base_lrs = _base_lrs(optimizer, schedule, steps)

    rng = np.random.default_rng(seed)
    sampler = None
    if batch_size is not None:
        sampler = _BatchSampler(n_samples, batch_size, w0.shape[0] if batched else None, rng)
    run_shape = w0.shape[:-1]
    points = np.empty((steps // record_every + 2,) + w0.shape)
    points[0] = w0
    kept = [0]
    lrs = np.empty(steps)
    epochs = np.empty(steps, dtype=np.int64) if sampler else None
    status = np.full(run_shape, "max_steps", dtype=object)
    steps_done = np.full(run_shape, steps, dtype=np.int64)
    active = np.ones(run_shape, dtype=bool)
    limit = max_norm * max_norm
    scale = 1.0
    w = w0
    state = optimizer.init(w0)
    # Overflow and NaN are outcomes we record, not errors: no warning may leak.
    with np.errstate(all="ignore"):
        for t in range(steps):
            if sampler is None:
                g = objective.grad(w)
            else:
                g = objective.grad(w, sampler.next())
                epochs[t] = sampler.epoch
            if tol is not None:
                full = g if sampler is None else objective.grad(w)
                small = full[..., 0] * full[..., 0] + full[..., 1] * full[..., 1] < tol * tol
                if batched:
                    newly = small & active
                    status[newly], steps_done[newly] = "converged", t
                    active &= ~small
                    if not active.any():
                        break
                elif small:
                    status[()], steps_done[()] = "converged", t
                    break
            if noise:
                g = g + noise * rng.standard_normal(w.shape)
            lr = base_lrs[t] * scale
            lrs[t] = lr
            w_new, state = optimizer.step(w, g, state, lr)
            # NaN fails every comparison, so this also catches non-finite weights.
            x, y = w_new[..., 0], w_new[..., 1]
            inside = x * x + y * y <= limit
            if batched:
                if inside.all() and active.all():
                    w = w_new
                else:
                    newly = active & ~inside
                    status[newly], steps_done[newly] = "diverged", t
                    active &= inside
                    # A run that stopped holds its last point from then on.
                    w = np.where(active[:, None], w_new, w)
            elif inside:
                w = w_new
            else:
                status[()], steps_done[()] = "diverged", t
                break
            if (t + 1) % record_every == 0:
                points[len(kept)] = w
                kept.append(t + 1)
            if batched and not active.any():
                break
            if controller is not None:
                new_lr, stop = controller.step(float(objective.loss(w)), lr)
                if lr > 0:
                    scale *= new_lr / lr
                if stop:
                    status[()] = _CONTROLLER_STATUS[controller.reason]
                    steps_done[()] = t + 1
                    break
        n_updates = int(steps_done.max()) if steps_done.size else 0
        # w now holds every run's last point, which is the point at step n_updates.
        if kept[-1] != n_updates:
            points[len(kept)] = w
            kept.append(n_updates)
        points = points[: len(kept)]
        kept = np.asarray(kept)
    if batched:
        status = status.astype(str)
    else:
        status, steps_done = str(status[()]), int(steps_done[()])
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
