r"""Non-convex landscapes: what kind of critical point, and which minimum each start reaches.

:func:`classify` reads a critical point's kind from the Hessian's eigenvalues;
:func:`basins` runs gradient descent from every cell of a grid, in one
vectorised :func:`~gdcore.descent.descend`, and labels each start by the
minimum it ends in.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ._checks import check_int, check_points, check_real, fail
from .descent import descend

KINDS = ("minimum", "maximum", "saddle", "degenerate")


def classify(surface, w, *, tol=1e-8):
    r"""The kind of the critical point ``w``, from the eigenvalues of the Hessian there.

    With :math:`\lambda_1 \le \lambda_2` the eigenvalues of :math:`\nabla^2 L(w)`:

    .. math::

        \text{minimum} \iff \lambda_1 > 0, \quad
        \text{maximum} \iff \lambda_2 < 0, \quad
        \text{saddle} \iff \lambda_1 < 0 < \lambda_2,

    and "degenerate" when an eigenvalue is zero (:math:`|\lambda| \le` ``tol``
    times the larger :math:`|\lambda|`, or ``tol`` when both vanish): the
    second-order test cannot decide, as at the monkey saddle. The test assumes
    :math:`\nabla L(w) = 0`; away from a critical point it only describes the
    curvature.

    Parameters
    ----------
    surface : Surface
        Anything with ``hessian(w)``.
    w : array_like, shape (2,) or (..., 2)
        The point(s).
    tol : float
        Relative size below which an eigenvalue counts as zero.

    Returns
    -------
    str, or ndarray of str with the leading shape of ``w``.

    Examples
    --------
    >>> import gdcore as gd
    >>> s = gd.surfaces.get("himmelblau")
    >>> classify(s, s.minima[0]), classify(s, s.saddles[0]), classify(s, s.maxima[0])
    ('minimum', 'saddle', 'maximum')
    >>> classify(gd.surfaces.get("monkey_saddle"), (0.0, 0.0))
    'degenerate'

    Source: the second-derivative test (e.g. Nocedal & Wright, *Numerical
    Optimization*, Thm. 2.3-2.4).
    """
    w = check_points(w, "w", "classify")
    tol = check_real(tol, "tol", "classify", low=0)
    with np.errstate(all="ignore"):
        eig = np.linalg.eigvalsh(np.asarray(surface.hessian(w), dtype=np.float64))
    lo, hi = eig[..., 0], eig[..., 1]
    zero = tol * np.maximum(np.maximum(np.abs(lo), np.abs(hi)), 1.0)
    kind = np.select(
        [(np.abs(lo) <= zero) | (np.abs(hi) <= zero), lo > 0, hi < 0],
        ["degenerate", "minimum", "maximum"],
        default="saddle",
    )
    return str(kind) if kind.ndim == 0 else kind


@dataclass(frozen=True, eq=False)
class Basins:
    """Where gradient descent goes from every cell of a grid of starts.

    Attributes
    ----------
    xs, ys : ndarray, shape (res,)
        The grid axes; start ``(xs[j], ys[i])`` is cell ``[i, j]``.
    ends : ndarray, shape (res, res, 2)
        The last point of each run.
    labels : ndarray of int, shape (res, res)
        Index into ``minima`` of the minimum each run reached, -1 for none
        (stopped elsewhere, e.g. at a saddle, on a plateau, or diverged).
    status : ndarray of str, shape (res, res)
        Each run's status, as in :class:`~gdcore.descent.Trajectory`.
    minima : ndarray, shape (k, 2)
        The surface's known minima, global first.
    minimum_losses : ndarray, shape (k,)
        The loss at each minimum.
    radius : float
        How close to a minimum a run must end to count as reaching it.
    """

    xs: np.ndarray
    ys: np.ndarray
    ends: np.ndarray
    labels: np.ndarray
    status: np.ndarray
    minima: np.ndarray
    minimum_losses: np.ndarray
    radius: float

    def shares(self):
        """Fraction of starts that reach each minimum (index k) and none (last entry)."""
        counts = np.bincount(self.labels.ravel() + 1, minlength=len(self.minima) + 1)
        return np.r_[counts[1:], counts[0]] / self.labels.size


def basins(surface, optimizer, resolution=60, steps=500, *, bounds=None, radius=None, tol=None):
    r"""Run ``optimizer`` from a ``resolution`` x ``resolution`` grid of starts; label each by its minimum.

    All starts run as ONE vectorised :func:`~gdcore.descent.descend` (a batch
    of ``resolution**2`` starts, keeping only where each ends). A run reaches
    minimum :math:`m_k` when it ends within ``radius`` of it:

    .. math::

        \text{label}(w_0) = \arg\min_k \lVert w_T - m_k \rVert
        \quad\text{if}\quad \min_k \lVert w_T - m_k \rVert \le r, \qquad -1 \text{ otherwise.}

    Parameters
    ----------
    surface : Surface
        With ``loss``, ``grad``, ``bounds`` and ``minima`` (global first).
    optimizer : SGD, Adam, ...
        The optimizer every start uses.
    resolution : int
        Starts per axis (2 to 400).
    steps : int
        Updates per run.
    bounds : ((xmin, xmax), (ymin, ymax)), optional
        The grid's window; default ``surface.bounds``.
    radius : float, optional
        :math:`r`; default 2% of the window's diagonal.
    tol : float, optional
        Passed to descend: a run stops once its gradient norm is below ``tol``.

    Examples
    --------
    Himmelblau's four minima split the plane into four basins:

    >>> import gdcore as gd
    >>> b = basins(gd.surfaces.get("himmelblau"), gd.SGD(lr=0.01), resolution=20, steps=300)
    >>> sorted(set(b.labels.ravel().tolist()))
    [0, 1, 2, 3]
    """
    owner = "basins"
    resolution = check_int(resolution, "resolution", owner, low=2, high=400)
    steps = check_int(steps, "steps", owner, low=1)
    bounds = surface.bounds if bounds is None else bounds
    try:
        (x0, x1), (y0, y1) = [(float(a), float(b)) for a, b in bounds]
    except (TypeError, ValueError):
        fail("bounds", owner, "((xmin, xmax), (ymin, ymax)) with xmin < xmax and ymin < ymax", bounds)
    if not (x0 < x1 and y0 < y1):
        fail("bounds", owner, "((xmin, xmax), (ymin, ymax)) with xmin < xmax and ymin < ymax", bounds)
    diagonal = float(np.hypot(x1 - x0, y1 - y0))
    radius = check_real(radius, "radius", owner, low=0, closed="neither", allow_none=True)
    radius = 0.02 * diagonal if radius is None else radius
    minima = np.asarray(surface.minima, dtype=np.float64).reshape(-1, 2)

    xs, ys = np.linspace(x0, x1, resolution), np.linspace(y0, y1, resolution)
    starts = np.stack(np.meshgrid(xs, ys), axis=-1).reshape(-1, 2)
    traj = descend(surface, optimizer, starts, steps, tol=tol, record_every=steps)
    ends = traj.final
    if len(minima):
        distance = np.linalg.norm(ends[:, None, :] - minima[None, :, :], axis=-1)
        nearest = np.argmin(distance, axis=1)
        labels = np.where(distance[np.arange(len(ends)), nearest] <= radius, nearest, -1)
    else:
        labels = np.full(len(ends), -1)
    labels = np.where(traj.status == "diverged", -1, labels)
    shape = (resolution, resolution)
    return Basins(
        xs=xs,
        ys=ys,
        ends=ends.reshape(shape + (2,)),
        labels=labels.reshape(shape),
        status=np.asarray(traj.status).reshape(shape),
        minima=minima,
        minimum_losses=np.asarray(surface.loss(minima), dtype=np.float64) if len(minima) else np.empty(0),
        radius=radius,
    )
