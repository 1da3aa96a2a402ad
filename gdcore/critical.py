r"""Non-convex landscapes: what kind of critical point, and which minimum each start reaches.

:func:`classify` reads a critical point's kind from the Hessian's eigenvalues;
:func:`basins` runs gradient descent from every cell of a grid, in one
vectorised :func:`~gdcore.descent.descend`, and labels each start by the
minimum it ends in.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ._checks import check_bounds, check_int, check_points, check_real, fail, real_array
from .descent import _check_optimizer, _check_run_size, descend

__all__ = ["classify", "basins", "Basins", "critical_point", "KINDS"]

KINDS = ("minimum", "maximum", "saddle", "degenerate")


def classify(surface, w, *, tol=1e-8):
    r"""The kind of the critical point ``w``, from the eigenvalues of the Hessian there.

    With :math:`\lambda_1 \le \lambda_2` the eigenvalues of the Hessian
    :math:`H = \nabla^2 L(w)` (the curvatures along its two principal directions):

    .. math::

        \text{minimum} \iff \lambda_1 > 0, \qquad
        \text{maximum} \iff \lambda_2 < 0, \qquad
        \text{saddle} \iff \lambda_1 < 0 < \lambda_2,

    and "degenerate" when an eigenvalue counts as zero,

    .. math::

        |\lambda_i| \le \tau \max\bigl(1, |\lambda_1|, |\lambda_2|\bigr),

    where the second-order test cannot decide (the monkey saddle's Hessian is
    the zero matrix). :math:`\tau` is ``tol``: relative to the larger curvature,
    absolute below 1, so rounding noise in a zero Hessian is still zero. A
    Hessian that is not finite (an overflowing point) is "degenerate" too.

    The test assumes :math:`\nabla L(w) = 0`; away from a critical point the
    answer only describes how the surface curves there.

    Parameters
    ----------
    surface : Surface
        :math:`L`: anything with ``hessian(w)`` returning shape ``(..., 2, 2)``.
    w : array_like, shape (2,) or (..., 2)
        The point(s) to classify; leading axes broadcast.
    tol : float
        :math:`\tau \ge 0`, the size below which an eigenvalue counts as zero.

    Returns
    -------
    str, or ndarray of str with shape ``w.shape[:-1]``
        One of ``"minimum"``, ``"maximum"``, ``"saddle"``, ``"degenerate"``.

    Examples
    --------
    The saddle surface :math:`\tfrac12 x^2 + \tfrac14 y^4 - \tfrac12 y^2` has
    :math:`H = \mathrm{diag}(1, 3y^2 - 1)`: curving up along :math:`x` and down
    along :math:`y` at the origin, up both ways at :math:`(0, \pm 1)`:

    >>> import gdcore as gd
    >>> saddle = gd.surfaces.get("saddle")
    >>> classify(saddle, [[0.0, 0.0], [0.0, 1.0]]).tolist()
    ['saddle', 'minimum']
    >>> s = gd.surfaces.get("himmelblau")
    >>> classify(s, s.minima[0]), classify(s, s.saddles[0]), classify(s, s.maxima[0])
    ('minimum', 'saddle', 'maximum')
    >>> classify(gd.surfaces.get("monkey_saddle"), (0.0, 0.0))
    'degenerate'

    Source: the second-derivative test (Nocedal & Wright, *Numerical
    Optimization*, 2nd ed., 2006, Theorems 2.3 and 2.4). The tolerance rule is
    ours; frameworks have no classifier to follow.
    """
    owner = "classify"
    if not callable(getattr(surface, "hessian", None)):
        fail("surface", owner, "an object with a hessian(w) method", surface)
    w = check_points(w, "w", owner)
    tol = check_real(tol, "tol", owner, low=0)
    with np.errstate(all="ignore"):
        hessian = real_array(surface.hessian(w), "surface", owner, "a surface whose hessian(w) gives real floats")
        if hessian.shape != w.shape + (2,):
            fail("surface", owner, f"a surface whose hessian(w) has shape {w.shape + (2,)}", f"shape {hessian.shape}")
        finite = np.all(np.isfinite(hessian), axis=(-2, -1))
        # eigvalsh returns garbage, not NaN, for a NaN matrix: give it zeros and call it degenerate.
        eig = np.linalg.eigvalsh(np.where(finite[..., None, None], hessian, 0.0))
    lo, hi = eig[..., 0], eig[..., 1]
    zero = tol * np.maximum(np.maximum(np.abs(lo), np.abs(hi)), 1.0)
    kind = np.select(
        [~finite | (np.abs(lo) <= zero) | (np.abs(hi) <= zero), lo > 0, hi < 0],
        ["degenerate", "minimum", "maximum"],
        default="saddle",
    )
    return str(kind) if kind.ndim == 0 else kind


@dataclass(frozen=True, eq=False)
class Basins:
    r"""Where gradient descent goes from every cell of a grid of starts; made by :func:`basins`.

    The basin of attraction of a minimum :math:`m_k` is the set of starts
    from which the optimizer ends at :math:`m_k`; ``labels`` draws it cell by cell.

    Attributes
    ----------
    xs, ys : ndarray, shape (res,)
        The grid axes; start ``(xs[j], ys[i])`` is cell ``[i, j]`` (rows follow
        :math:`w_2`, as an image of the plane).
    ends : ndarray, shape (res, res, 2)
        The last point of each run (a diverged run: its last finite point).
    labels : ndarray of int, shape (res, res)
        Index into ``minima`` of the minimum each run reached and settled in,
        -1 for none (it keeps bouncing around a minimum it cannot settle in,
        stopped at a saddle or on a plateau, is still on its way, or diverged).
    status : ndarray of str, shape (res, res)
        Each run's status, as in :class:`~gdcore.descent.Trajectory`.
    minima : ndarray, shape (k, 2)
        The surface's known minima, global first.
    minimum_losses : ndarray, shape (k,)
        The loss at each minimum.
    radius : float
        How close to a minimum a run must end to count as reaching it.

    Examples
    --------
    >>> import gdcore as gd
    >>> b = gd.basins(gd.surfaces.get("himmelblau"), gd.SGD(lr=0.01), resolution=20, steps=300)
    >>> b.labels.shape, b.ends.shape, b.minima.shape
    ((20, 20), (20, 20, 2), (4, 2))
    >>> sorted(set(b.labels.ravel().tolist()))  # every start reaches one of the four minima
    [0, 1, 2, 3]
    """

    xs: np.ndarray
    ys: np.ndarray
    ends: np.ndarray
    labels: np.ndarray
    status: np.ndarray
    minima: np.ndarray
    minimum_losses: np.ndarray
    radius: float

    def __post_init__(self):
        # A record, not a buffer: the arrays are read-only (copy one to change it).
        for name in ("xs", "ys", "ends", "labels", "status", "minima", "minimum_losses"):
            value = getattr(self, name)
            if isinstance(value, np.ndarray):
                value.flags.writeable = False

    def shares(self):
        r"""The fraction of starts that reach each minimum, then of those that reach none.

        Returns an array of length ``k + 1``: entry :math:`k` is
        :math:`\#\{\text{label} = k\} / \text{res}^2`, the last entry is the
        share labelled -1; the entries sum to 1.

        >>> import gdcore as gd
        >>> b = basins(gd.surfaces.get("saddle"), gd.SGD(lr=0.1), resolution=4, steps=200)
        >>> b.shares().tolist()  # half the grid lies above the ridge y = 0, half below
        [0.5, 0.5, 0.0]
        """
        counts = np.bincount(self.labels.ravel() + 1, minlength=len(self.minima) + 1)
        return np.r_[counts[1:], counts[0]] / self.labels.size


def basins(surface, optimizer, resolution=60, steps=500, *, bounds=None, radius=None, tol=None):
    r"""Run ``optimizer`` from a ``resolution`` x ``resolution`` grid of starts; label each by its minimum.

    All starts run as ONE vectorised :func:`~gdcore.descent.descend` (a batch
    of ``resolution**2`` starts, keeping only the last two points of each run).
    The run from :math:`w_0` reaches minimum :math:`m_k` when it ends within
    :math:`r` of it and has settled there:

    .. math::

        \text{label}(w_0) = k \quad\text{if}\quad
        \lVert w_T - m_k \rVert = \min_j \lVert w_T - m_j \rVert \le r
        \quad\text{and}\quad \lVert w_T - w_{T-1} \rVert \le r / 10,
        \qquad -1 \text{ otherwise.}

    The second condition leaves out a run that keeps bouncing around
    :math:`m_k`, as gradient descent does when its step size is above
    :math:`2/\lambda_{\max}` there; a run stopped by ``tol`` counts as settled,
    and a run that diverged reaches none.

    Parameters
    ----------
    surface : Surface
        :math:`L`, with ``loss``, ``grad``, ``bounds`` and ``minima`` (global first).
    optimizer : SGD, Adam, ...
        The optimizer every start uses (its ``lr`` is the step size).
    resolution : int
        Starts per axis, 2 to 400.
    steps : int
        :math:`T \ge 1`, the updates per run.
    bounds : ((xmin, xmax), (ymin, ymax)), optional
        The grid's window; default ``surface.bounds``.
    radius : float, optional
        :math:`r > 0`; default 2% of the window's diagonal.
    tol : float, optional
        Passed to :func:`~gdcore.descent.descend`: a run stops (``"converged"``)
        once its gradient norm is below ``tol``.

    Returns
    -------
    Basins

    Examples
    --------
    Himmelblau's four minima, all at loss 0, split the plane into four basins
    of about equal size:

    >>> import gdcore as gd
    >>> b = basins(gd.surfaces.get("himmelblau"), gd.SGD(lr=0.01), resolution=20, steps=300)
    >>> sorted(set(b.labels.ravel().tolist()))
    [0, 1, 2, 3]
    >>> b.shares().round(2).tolist()
    [0.26, 0.26, 0.24, 0.24, 0.0]

    Convention: the grid includes the window's edges (``np.linspace``); a run
    counts by where it ends after ``steps`` updates, so a slow run that has
    not arrived yet reaches none.
    """
    owner = "basins"
    for attr in ("loss", "grad"):
        if not callable(getattr(surface, attr, None)):
            fail("surface", owner, "a surface with loss(w), grad(w), bounds and minima", surface)
    if getattr(surface, "minima", None) is None:
        fail("surface", owner, "a surface with a minima attribute, an array (k, 2) of its known minima", surface)
    minima = real_array(surface.minima, "surface", owner, "a surface whose minima are an array (k, 2) of floats")
    if minima.size == 0:
        minima = minima.reshape(0, 2)
    if minima.ndim != 2 or minima.shape[1] != 2 or not np.all(np.isfinite(minima)):
        fail("surface", owner, "a surface whose minima are an array (k, 2) of finite floats", surface.minima)
    _check_optimizer(optimizer, owner)
    resolution = check_int(resolution, "resolution", owner, low=2, high=400)
    steps = check_int(steps, "steps", owner, low=1)
    # The runs keep three points each, but every update has its lr: a huge steps is refused here.
    _check_run_size(steps, max(1, steps - 1), np.zeros((resolution * resolution, 2)), False, "steps", owner, steps,
                    hint=False)
    tol = check_real(tol, "tol", owner, low=0, allow_none=True)
    if bounds is None:
        bounds = getattr(surface, "bounds", None)
        if bounds is None:
            fail("bounds", owner, "((xmin, xmax), (ymin, ymax)) when the surface has no bounds of its own", None)
    (x0, x1), (y0, y1) = check_bounds(bounds, "bounds", owner)
    radius = check_real(radius, "radius", owner, low=0, closed="neither", allow_none=True)
    with np.errstate(over="ignore"):
        diagonal = float(np.hypot(x1 - x0, y1 - y0))
    if radius is None and not np.isfinite(diagonal):
        fail("bounds", owner, "a window whose diagonal is a finite float (or give radius)", bounds)
    radius = 0.02 * diagonal if radius is None else radius

    xs, ys = np.linspace(x0, x1, resolution), np.linspace(y0, y1, resolution)
    starts = np.stack(np.meshgrid(xs, ys), axis=-1).reshape(-1, 2)
    # record_every = steps - 1 keeps the start and the last two points: enough to see a run still bouncing.
    traj = descend(surface, optimizer, starts, steps, tol=tol, record_every=max(1, steps - 1))
    ends = traj.final
    # Every run may have stopped at its start (converged there): then there is no last step.
    before = traj.points[-2] if len(traj.points) > 1 else ends
    last_step = np.hypot(*(ends - before).T)
    settled = (last_step <= radius / 10) | (traj.status == "converged")
    labels = np.full(len(ends), -1)
    if len(minima):
        gap = ends[:, None, :] - minima[None, :, :]
        distance = np.hypot(gap[..., 0], gap[..., 1])
        nearest = np.argmin(distance, axis=1)
        reached = (distance[np.arange(len(ends)), nearest] <= radius) & settled & (traj.status != "diverged")
        labels = np.where(reached, nearest, -1)
    shape = (resolution, resolution)
    return Basins(
        xs=xs,
        ys=ys,
        ends=np.array(ends).reshape(shape + (2,)),
        labels=labels.reshape(shape),
        status=np.array(traj.status).reshape(shape),
        minima=np.array(minima),
        minimum_losses=np.array(surface.loss(minima), dtype=np.float64).reshape(-1),
        radius=radius,
    )



def critical_point(objective, guess, *, steps=50, tol=1e-12):
    r"""The critical point near ``guess``, by Newton's method on the gradient.

    .. math::

        w_{k+1} = w_k - \left(\nabla^2 L(w_k)\right)^{+} \nabla L(w_k)

    (:math:`^{+}`: the pseudo-inverse, so a flat direction does not break a
    step), until :math:`\lVert \nabla L \rVert <` ``tol`` at every point or
    ``steps`` iterations. Newton's method converges to whichever critical point
    is near, minimum or saddle alike; :func:`classify` tells which it found.

    Parameters
    ----------
    objective : Surface or objective
        Anything with ``grad(w)`` and ``hessian(w)`` of the full loss.
    guess : array_like, shape (2,) or (..., 2)
        Starting point(s), refined all at once.
    steps : int
        Most Newton iterations, 0 to 10,000 (Newton's method converges in a
        handful near a critical point; more only repeats the same point).
    tol : float
        Gradient norm at which a point counts as critical, >= 0. The loop also
        ends once no point moves any more, so ``tol=0`` returns the point
        where rounding stops Newton's method.

    Returns
    -------
    ndarray, the shape of ``guess``
        The refined points (a point where the Hessian or gradient is not
        finite stays where it was).

    Examples
    --------
    The minimum of a sampled loss is near, not at, the surface's minimum moved
    by the mean offset:

    >>> import gdcore as gd
    >>> obj = gd.objectives.Sampled(gd.surfaces.get("saddle"), n_samples=32, spread=0.3, seed=0)
    >>> w = critical_point(obj, gd.surfaces.get("saddle").saddles[0] + obj.offsets.mean(axis=0))
    >>> classify(obj, w), bool(np.linalg.norm(obj.grad(w)) < 1e-12)
    ('saddle', True)

    Source: Newton's method for nonlinear equations (Nocedal & Wright, *Numerical
    Optimization*, ch. 11), applied to :math:`\nabla L(w) = 0`.
    """
    owner = "critical_point"
    if not (callable(getattr(objective, "grad", None)) and callable(getattr(objective, "hessian", None))):
        fail("objective", owner, "an object with grad(w) and hessian(w) methods (Newton's method needs the Hessian)",
             objective)
    w = np.array(check_points(guess, "guess", owner))
    steps = check_int(steps, "steps", owner, low=0, high=10_000)
    tol = check_real(tol, "tol", owner, low=0)
    with np.errstate(all="ignore"):
        for _ in range(steps):
            g = real_array(objective.grad(w), "objective", owner, "an objective whose grad(w) gives real floats")
            if g.shape != w.shape:
                fail("objective", owner, f"an objective whose grad(w) has the shape of w, {w.shape}", f"shape {g.shape}")
            if np.all(np.hypot(g[..., 0], g[..., 1]) < tol):
                break
            h = real_array(objective.hessian(w), "objective", owner, "an objective whose hessian(w) gives real floats")
            if h.shape != w.shape + (2,):
                fail("objective", owner, f"an objective whose hessian(w) has shape {w.shape + (2,)}", f"shape {h.shape}")
            # A point whose Hessian or gradient is not finite has no Newton step: it stays.
            ok = np.all(np.isfinite(h), axis=(-2, -1)) & np.all(np.isfinite(g), axis=-1)
            step = (np.linalg.pinv(np.where(ok[..., None, None], h, 0.0)) @ np.where(ok[..., None], g, 0.0)[..., None])[..., 0]
            w_new = np.where(ok[..., None] & np.all(np.isfinite(w - step), axis=-1, keepdims=True), w - step, w)
            if np.array_equal(w_new, w):
                break  # a fixed point of the iteration: more steps change nothing
            w = w_new
    return w
