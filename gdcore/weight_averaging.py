r"""Stochastic weight averaging (SWA): average the weights SGD reaches at the end of each cycle.

Izmailov, Podoprikhin, Garipov, Vetrov and Wilson (2018), "Averaging Weights
Leads to Wider Optima and Better Generalization" (UAI 2018): run SGD with a
cyclical learning rate, save the weights each time the rate has fallen to its
lowest, and use the mean of the saved weights. The saved points sit around the
rim of a wide low region of the training loss; their mean lies nearer its
middle, where a slightly different test loss is still low.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ._checks import check_int, check_points, check_real, fail
from .descent import Trajectory, _check_optimizer, _check_run_size, descend
from .schedules import swa_cyclic

__all__ = ["SWAResult", "swa"]


@dataclass(frozen=True, eq=False)
class SWAResult:
    r"""The outcome of :func:`swa`. Shapes are for one start; a batch of ``B`` starts adds a ``B`` axis.

    Attributes
    ----------
    trajectory : Trajectory
        The whole SGD run: ``cycles * cycle_length`` updates, every point kept.
    snapshots : ndarray, shape (cycles, 2) or (cycles, B, 2)
        :math:`w_{kc}`, the weights at the end of cycle :math:`k = 1, \dots, K`
        (where the lr is lowest). NaN for a snapshot a diverged run never reached.
    snapshot_steps : ndarray of int, shape (cycles,)
        :math:`c, 2c, \dots, Kc`: the step of each snapshot in ``trajectory``.
    average : ndarray, shape (2,) or (B, 2)
        :math:`w_{\text{SWA}}`, the mean of the snapshots (NaN when a snapshot is missing).
    train_losses, test_losses : ndarray, shape (cycles,) or (cycles, B)
        The full training loss and the test loss at each snapshot.
    average_train_loss, average_test_loss : float or ndarray, shape (B,)
        The same two losses at the average.
    test : objective
        The objective the test losses come from.

    Examples
    --------
    >>> import numpy as np
    >>> import gdcore as gd
    >>> obj = gd.objectives.Sampled(gd.surfaces.get("flat_sharp"), n_samples=32, seed=0)
    >>> res = gd.swa(obj, gd.SGD(lr=0.05), (-1.0, 0.5), cycles=4, cycle_length=25, batch_size=4, seed=0)
    >>> res.snapshots.shape, res.snapshot_steps.tolist(), len(res.trajectory.points)
    ((4, 2), [25, 50, 75, 100], 101)
    >>> bool(np.allclose(res.average, res.snapshots.mean(axis=0)))
    True
    """

    trajectory: Trajectory
    snapshots: np.ndarray
    snapshot_steps: np.ndarray
    average: np.ndarray
    train_losses: np.ndarray
    test_losses: np.ndarray
    average_train_loss: object
    average_test_loss: object
    test: object

    def __post_init__(self):
        # A record, not a buffer: the arrays are read-only (copy one to change it).
        for name in ("snapshots", "snapshot_steps", "average", "train_losses", "test_losses",
                     "average_train_loss", "average_test_loss"):
            value = getattr(self, name)
            if isinstance(value, np.ndarray):
                value.flags.writeable = False

    @property
    def status(self):
        """The run's status, as :attr:`Trajectory.status` (``"diverged"`` when SGD blew up)."""
        return self.trajectory.status


def _test_objective(objective, test):
    if test is not None:
        if not callable(getattr(test, "loss", None)):
            fail("test", "swa", "an objective with a loss(w) method, or None", test)
        return test
    seed = getattr(objective, "seed", None)
    if not callable(getattr(objective, "resample", None)) or isinstance(seed, bool) or not isinstance(seed, (int, np.integer)):
        fail("test", "swa", "an objective with loss(w) when the objective has no resample(seed) and int seed", test)
    # One seed past the training data's: never the training set itself, and the same test
    # set for every SWA seed, so runs with different seeds are compared on equal terms.
    return objective.resample(int(seed) + 1)


def swa(objective, optimizer, start, cycles=5, cycle_length=50, lr_max=0.05, lr_min=0.005,
        batch_size=8, seed=0, *, test=None):
    r"""Stochastic weight averaging: cyclical-lr SGD, a snapshot at each cycle's end, their mean.

    The learning rate of update :math:`t = 0, 1, \dots, Kc - 1` is the saw-tooth
    :func:`~gdcore.schedules.swa_cyclic`,

    .. math::

        \eta_t = (1 - \tau_t)\,\eta_{\max} + \tau_t\,\eta_{\min}, \qquad
        \tau_t = \frac{(t \bmod c) + 1}{c},

    which reaches :math:`\eta_{\min}` on the last update of each cycle. The
    weights after that update are snapshot :math:`k`, and SWA returns their mean:

    .. math::

        w_{\text{SWA}} = \frac{1}{K} \sum_{k=1}^{K} w_{kc}.

    :math:`K` is ``cycles``, :math:`c` is ``cycle_length``, :math:`\eta_{\max}`
    and :math:`\eta_{\min}` are ``lr_max`` and ``lr_min``; :math:`w_t` is the
    point after :math:`t` updates of ``optimizer`` on mini-batches of
    ``batch_size`` samples (see :func:`~gdcore.descent.descend`).

    Parameters
    ----------
    objective : objective
        The training loss: anything :func:`~gdcore.descent.descend` accepts.
    optimizer : SGD, Adam, ...
        Its own ``lr`` is ignored: the saw-tooth sets every update's lr.
    start : array_like, shape (2,) or (B, 2)
        :math:`w_0`, the weights SWA starts from (the paper starts from a
        pre-trained network; the start itself is never averaged).
    cycles : int
        :math:`K \ge 1`, the number of cycles and of snapshots.
    cycle_length : int
        :math:`c \ge 1`, updates per cycle.
    lr_max, lr_min : float
        :math:`\eta_{\max} \ge 0` and :math:`\eta_{\min} \in [0, \eta_{\max}]`.
    batch_size : int or None
        Samples per update; None uses the full loss (needed for an analytic surface).
    seed : int
        Seeds the mini-batch order.
    test : objective, optional
        The loss the snapshots and the average are tested on; default
        ``objective.resample(objective.seed + 1)``, a fresh sample of the same
        size, the same for every ``seed``.

    Returns
    -------
    SWAResult

    Notes
    -----
    Convention. We snapshot on the last update of each cycle, where the lr is
    :math:`\eta_{\min}`, as Algorithm 1 of the paper does
    (:math:`\operatorname{mod}(i, c) = 0` with the 1-based iteration
    :math:`i = t + 1`). PyTorch's ``torch.optim.swa_utils.AveragedModel`` keeps
    a running mean, :math:`\bar w_k = \bar w_{k-1} + (w_{kc} - \bar w_{k-1})/k`,
    which equals this plain mean (up to rounding); ``SWALR`` there anneals once
    to a constant lr instead of cycling, so the saw-tooth follows the paper.
    A run that diverges has NaN for the snapshots it never reached, and so
    for the average and the losses there; ``status`` says ``"diverged"``.

    Examples
    --------
    Fit a line to 64 noisy points with one sample per step; the test set is
    64 fresh points:

    >>> import numpy as np
    >>> import gdcore as gd
    >>> train = gd.objectives.linear_regression(n_samples=64, noise=1.0, seed=0)
    >>> res = gd.swa(train, gd.SGD(), start=(0.0, 0.0), cycles=5, cycle_length=30,
    ...              lr_max=0.2, lr_min=0.02, batch_size=1)
    >>> res.snapshots.shape, res.snapshot_steps.tolist()
    ((5, 2), [30, 60, 90, 120, 150])
    >>> bool(np.allclose(res.average, res.snapshots.mean(axis=0)))
    True
    >>> np.round(res.test_losses, 3)
    array([1.165, 1.105, 1.048, 1.168, 0.926])
    >>> round(res.average_test_loss, 3)  # below the snapshots' mean, 1.083
    1.012
    """
    owner = "swa"
    if not (callable(getattr(objective, "loss", None)) and callable(getattr(objective, "grad", None))):
        fail("objective", owner, "an object with loss(w) and grad(w) methods", objective)
    _check_optimizer(optimizer, owner)
    w0 = check_points(start, "start", owner)
    if w0.ndim > 2:
        fail("start", owner, "an array of shape (2,) or (B, 2)", f"shape {w0.shape}")
    cycles = check_int(cycles, "cycles", owner, low=1)
    cycle_length = check_int(cycle_length, "cycle_length", owner, low=1)
    lr_max = check_real(lr_max, "lr_max", owner, low=0)
    lr_min = check_real(lr_min, "lr_min", owner, low=0, high=lr_max)
    n_samples = getattr(objective, "n_samples", None)
    if batch_size is not None and n_samples is None:
        fail("batch_size", owner, "None for an objective without samples (n_samples is None)", batch_size)
    batch_size = check_int(batch_size, "batch_size", owner, low=1, high=n_samples, allow_none=True)
    seed = check_int(seed, "seed", owner, low=0)
    test = _test_objective(objective, test)

    steps = cycles * cycle_length
    _check_run_size(steps, 1, w0, batch_size is not None, "cycles", owner, cycles, hint=False)
    traj = descend(objective, optimizer, w0, steps, schedule=swa_cyclic(lr_max, lr_min, cycle_length),
                   batch_size=batch_size, seed=seed)
    snapshot_steps = cycle_length * np.arange(1, cycles + 1)
    # Every point is recorded (record_every=1), so step s is row s; a diverged run is shorter,
    # and in a batch a run that stopped holds its last point, which is no snapshot either.
    rows = np.minimum(snapshot_steps, len(traj.points) - 1)
    reached = snapshot_steps.reshape((-1,) + (1,) * (w0.ndim - 1)) <= np.asarray(traj.steps_done)
    snapshots = np.where(reached[..., None], traj.points[rows], np.nan)
    average = snapshots.mean(axis=0)
    with np.errstate(all="ignore"):
        losses = [np.asarray(obj.loss(w), dtype=np.float64) for obj in (objective, test) for w in (snapshots, average)]
    train_losses, average_train_loss, test_losses, average_test_loss = losses
    if w0.ndim == 1:
        average_train_loss, average_test_loss = float(average_train_loss), float(average_test_loss)
    return SWAResult(
        trajectory=traj,
        snapshots=snapshots,
        snapshot_steps=snapshot_steps,
        average=average,
        train_losses=train_losses,
        test_losses=test_losses,
        average_train_loss=average_train_loss,
        average_test_loss=average_test_loss,
        test=test,
    )
