r"""Looking at a loss over many weights through a line or a plane.

A network with :math:`d` weights has a loss surface in :math:`d + 1` dimensions. What
can be drawn is a slice: the loss along a line :math:`w + \alpha\,\delta`, or over a
plane :math:`w + \alpha\,\delta_1 + \beta\,\delta_2` through a point of interest.

- :func:`directions`: a random direction, filter-normalised as Li et al. (2018) do, so
  that slices of different networks (or of differently scaled weights) compare;
- :func:`plane`: the loss over a grid of :math:`(\alpha, \beta)`, one vectorised evaluation;
- :func:`line`: the loss on the segment between two solutions (Goodfellow et al., 2015);
- :func:`pca`: the plane that best fits a training path (Li et al., section 7).

A slice is not the landscape: a random plane through a minimum of a network with
hundreds of weights sees two directions out of hundreds, and a PCA plane is chosen to fit
the path, not the loss.

References: H. Li, Z. Xu, G. Taylor, C. Studer, T. Goldstein, "Visualizing the Loss
Landscape of Neural Nets", NeurIPS 2018. I. Goodfellow, O. Vinyals, A. Saxe,
"Qualitatively characterizing neural network optimization problems", ICLR 2015.
"""

from __future__ import annotations

import dataclasses

import numpy as np

from gdcore._checks import check_int, check_option, check_real, fail, real_array

__all__ = ["PathPCA", "PlaneView", "Slice", "directions", "line", "pca", "plane", "sharpness"]


def _vector(value, name, owner, dim):
    v = real_array(value, name, owner, f"an array of shape ({dim},)")
    if v.shape != (dim,) or not np.isfinite(v).all():
        fail(name, owner, f"a finite array of shape ({dim},)", f"shape {v.shape}")
    return v


def _dim(objective, w, owner):
    dim = getattr(objective, "dim", None)
    w = real_array(w, "w", owner, "a 1-D array of weights")
    if w.ndim != 1 or (dim is not None and len(w) != dim) or not np.isfinite(w).all():
        fail("w", owner, f"a finite array of shape ({dim if dim is not None else 'd'},)", f"shape {w.shape}")
    return w, len(w)


def directions(net, w, seed=0, normalize="filter"):
    r"""A random direction :math:`\delta` in weight space, of the shape of ``w``.

    Each entry is drawn from :math:`N(0, 1)` (``np.random.default_rng(seed)``). With
    ``normalize="filter"`` (Li et al. 2018, section 4) each neuron's incoming weights, a
    column :math:`j` of a weight matrix :math:`W` of shape (fan_in, fan_out), is rescaled to
    the norm of the same column of ``w``,

    .. math::  \delta_{:, j} \leftarrow \frac{\delta_{:, j}}{\lVert \delta_{:, j} \rVert}\, \lVert W_{:, j} \rVert,

    and the bias entries are set to 0: Li et al. found that leaving biases out of the
    direction (for fully connected layers a neuron's "filter" is its incoming weights)
    gives slices whose sharpness compares across networks. ``normalize=None`` returns the
    raw Gaussian direction. ``net`` must have ``unflatten``/``flatten`` (e.g.
    :class:`gdcore.nn.MLP`) for filter normalisation.

    >>> import gdcore as gd
    >>> net = gd.nn.MLP(*gd.datasets.moons(20), hidden=(4,))
    >>> w = net.init(seed=0)
    >>> d = directions(net, w, seed=1)
    >>> (W, b), (Wd, bd) = net.unflatten(w)[0], net.unflatten(d)[0]
    >>> bool(np.allclose(np.linalg.norm(Wd, axis=0), np.linalg.norm(W, axis=0))), bool((bd == 0).all())
    (True, True)
    """
    owner = "directions"
    w, dim = _dim(net, w, owner)
    seed = check_int(seed, "seed", owner, low=0)
    if normalize is not None:
        check_option(normalize, "normalize", owner, ("filter",))
    d = np.random.default_rng(seed).standard_normal(dim)
    if normalize is None:
        return d
    if not (hasattr(net, "unflatten") and hasattr(net, "flatten")):
        fail("net", owner, "a network with unflatten() and flatten() for normalize='filter'", type(net).__name__)
    layers = []
    for (W, _), (D, db) in zip(net.unflatten(w), net.unflatten(d)):
        norms = np.linalg.norm(D, axis=0)
        scale = np.divide(np.linalg.norm(W, axis=0), norms, out=np.zeros_like(norms), where=norms > 0)
        layers.append((D * scale, np.zeros_like(db)))
    return net.flatten(layers)


def sharpness(net, w, radius=0.25, n_directions=64, seed=0, batch=None):
    r"""How much the loss can rise a short way from ``w``: the largest rise over random directions,

    .. math::  S(w) = \max_{k \le K} L(w + r\,\delta_k) - L(w),

    with :math:`\delta_k` filter-normalised random directions (:func:`directions`, seeds
    ``seed .. seed + K - 1``), :math:`r` = ``radius`` and :math:`K` = ``n_directions``, evaluated in
    one vectorised call. Keskar et al. (2017) measure sharpness as the largest rise within a
    small box around the solution, found by an inner maximisation; sampling filter-normalised
    directions instead (as Li et al. 2018 draw their slices) makes the number cheap, seeded and
    comparable between two solutions of the same network: the sharper one rises more.

    >>> import gdcore as gd
    >>> net = gd.nn.MLP(*gd.datasets.moons(40, seed=0), hidden=(4,))
    >>> w = net.init(seed=0)
    >>> bool(sharpness(net, w, radius=0.5) >= sharpness(net, w, radius=0.0) == 0.0)
    True

    Reference: N. Keskar, D. Mudigere, J. Nocedal, M. Smelyanskiy, P. Tang, "On large-batch
    training for deep learning: generalization gap and sharp minima", ICLR 2017.
    """
    owner = "sharpness"
    w, _ = _dim(net, w, owner)
    radius = check_real(radius, "radius", owner, low=0.0)
    k = check_int(n_directions, "n_directions", owner, low=1, high=10_000)
    seed = check_int(seed, "seed", owner, low=0)
    D = np.stack([directions(net, w, seed=seed + i) for i in range(k)])
    with np.errstate(all="ignore"):
        here = net.loss(w) if batch is None else net.loss(w, batch)
        there = net.loss(w + radius * D) if batch is None else net.loss(w + radius * D, batch)
    return float(np.max(there) - here)


@dataclasses.dataclass(frozen=True)
class Slice:
    r"""The loss over a plane :math:`w + \alpha\,\delta_1 + \beta\,\delta_2`; made by :func:`plane`.

    ``losses[i, j]`` is the loss at ``w + alphas[j] * d1 + betas[i] * d2`` (rows are
    :math:`\beta`, as a map's rows are its y). ``center`` is ``w``.

    >>> import numpy as np
    >>> import gdcore as gd
    >>> X, y = gd.datasets.moons(n_samples=100, noise=0.1, seed=0)
    >>> net = gd.nn.MLP(X, y, hidden=(8,))
    >>> w = net.init(seed=0)
    >>> d1, d2 = (gd.landscape.directions(net, w, seed=k) for k in (0, 1))
    >>> sl = gd.landscape.plane(net, w, d1, d2, span=1.0, resolution=11)
    >>> sl.losses.shape, bool(np.isclose(sl.losses[5, 5], net.loss(w)))  # the centre is w itself
    ((11, 11), True)
    """

    alphas: np.ndarray
    betas: np.ndarray
    losses: np.ndarray
    center: np.ndarray
    d1: np.ndarray
    d2: np.ndarray

    @property
    def bounds(self):
        """``((alpha_min, alpha_max), (beta_min, beta_max))``, for charts."""
        return ((float(self.alphas[0]), float(self.alphas[-1])), (float(self.betas[0]), float(self.betas[-1])))

    def point(self, alpha, beta):
        """The weights at plane coordinates ``(alpha, beta)``."""
        return self.center + alpha * self.d1 + beta * self.d2


def plane(objective, w, d1, d2, span=1.0, resolution=51, batch=None):
    r"""The loss on a ``resolution`` x ``resolution`` grid of
    :math:`w + \alpha\,\delta_1 + \beta\,\delta_2`, :math:`\alpha, \beta \in [-\text{span}, \text{span}]`.

    All grid points are evaluated in one vectorised call of ``objective.loss`` on an
    array of shape ``(resolution**2, d)`` (the objective blocks its own memory).

    >>> import gdcore as gd
    >>> bowl = gd.surfaces.Quadratic(eigenvalues=(1.0, 4.0))
    >>> s = plane(bowl, np.zeros(2), np.array([1.0, 0]), np.array([0, 1.0]), span=1.0, resolution=3)
    >>> s.losses.tolist()     # 0.5 * (a^2 + 4 b^2)
    [[2.5, 2.0, 2.5], [0.5, 0.0, 0.5], [2.5, 2.0, 2.5]]
    """
    owner = "plane"
    w, dim = _dim(objective, w, owner)
    d1 = _vector(d1, "d1", owner, dim)
    d2 = _vector(d2, "d2", owner, dim)
    # Beyond 1e300 the grid's own spacing (2 span / (res - 1)) overflows.
    span = check_real(span, "span", owner, low=0.0, high=1e300, closed="right")
    res = check_int(resolution, "resolution", owner, low=2, high=400)
    alphas = np.linspace(-span, span, res)
    betas = np.linspace(-span, span, res)
    grid = w + alphas[None, :, None] * d1 + betas[:, None, None] * d2
    with np.errstate(all="ignore"):
        losses = np.asarray(objective.loss(grid.reshape(-1, dim)) if batch is None else objective.loss(grid.reshape(-1, dim), batch))
    return Slice(alphas, betas, losses.reshape(res, res), w.copy(), d1.copy(), d2.copy())


def line(objective, w_a, w_b, alphas, batch=None):
    r"""The loss at :math:`(1 - \alpha)\, w_a + \alpha\, w_b` for each ``alpha`` (0 is ``w_a``, 1 is ``w_b``;
    values outside [0, 1] extend the line past them), in one call.

    >>> import gdcore as gd
    >>> bowl = gd.surfaces.Quadratic(eigenvalues=(2.0, 2.0))
    >>> line(bowl, np.array([-1.0, 0]), np.array([1.0, 0]), [0.0, 0.5, 1.0]).tolist()
    [1.0, 0.0, 1.0]
    """
    owner = "line"
    w_a, dim = _dim(objective, w_a, owner)
    w_b = _vector(w_b, "w_b", owner, dim)
    alphas = real_array(alphas, "alphas", owner).reshape(-1)
    points = (1.0 - alphas)[:, None] * w_a + alphas[:, None] * w_b
    with np.errstate(all="ignore"):
        return np.asarray(objective.loss(points) if batch is None else objective.loss(points, batch))


@dataclasses.dataclass(frozen=True)
class PathPCA:
    r"""A training path seen in the plane of its two principal directions; made by :func:`pca`.

    ``components`` (2, d) are the unit directions, ``coords`` (T+1, 2) the path's coordinates
    :math:`((w_t - w_T)\cdot u_1, (w_t - w_T)\cdot u_2)`, ``explained`` the share of the
    path's variance (about :math:`w_T`) each direction explains, ``center`` is :math:`w_T`.

    >>> import numpy as np
    >>> import gdcore as gd
    >>> X, y = gd.datasets.moons(n_samples=100, noise=0.1, seed=0)
    >>> net = gd.nn.MLP(X, y, hidden=(8,))
    >>> traj = gd.descend(net, gd.Adam(lr=0.05), net.init(seed=0), steps=50)
    >>> p = gd.landscape.pca(traj)
    >>> p.components.shape, p.coords.shape, bool(np.allclose(p.center, traj.final))
    ((2, 42), (51, 2), True)
    >>> bool(np.allclose(p.coords[-1], 0.0)), bool(p.explained[0] >= p.explained[1])
    (True, True)
    """

    components: np.ndarray
    coords: np.ndarray
    explained: np.ndarray
    center: np.ndarray


#: Most path points whose displacements :func:`pca` decomposes.
PCA_POINTS = 300


def pca(traj):
    r"""The two principal directions of a path's displacements :math:`w_t - w_T` from its end.

    Li et al. (2018, section 7): a random plane is nearly orthogonal to a training path in
    high dimension, so the path is drawn in the plane of the top two principal components
    of :math:`M = [w_0 - w_T; \dots; w_{T-1} - w_T]` (its right singular vectors). The plane
    fits the path, not the loss: the loss drawn over it is a slice like any other. A long path
    is decomposed from ``PCA_POINTS`` evenly spaced points; ``coords`` project every point.

    ``traj`` is a :class:`gdcore.descent.Trajectory` of one start, or an array ``(T+1, d)``.

    >>> path = np.array([[4.0, 2.0, 0.0], [2.0, 1.0, 0.0], [0.0, 0.0, 0.0]])
    >>> p = pca(path)
    >>> np.round(np.abs(p.components[0]), 4).tolist(), float(round(p.explained[0], 6))
    ([0.8944, 0.4472, 0.0], 1.0)
    """
    points = traj.points if hasattr(traj, "points") else traj
    points = real_array(points, "traj", "pca", "a Trajectory of one start or an array (T+1, d)")
    if points.ndim != 2 or len(points) < 2:
        fail("traj", "pca", "a Trajectory of one start or an array (T+1, d) with T >= 1", f"shape {points.shape}")
    finite = np.isfinite(points).all(axis=-1)
    points = points[: int(np.argmin(finite))] if not finite.all() else points
    if len(points) < 2:
        fail("traj", "pca", "a path with at least two finite points", f"{len(points)} finite points")
    end = points[-1]
    # At most PCA_POINTS evenly spaced points of the path (Li et al. take one per epoch): the
    # directions of a long path barely change, and the SVD stays small.
    keep = np.unique(np.rint(np.linspace(0, len(points) - 2, min(len(points) - 1, PCA_POINTS))).astype(np.int64))
    M = points[keep] - end
    _, s, vt = np.linalg.svd(M, full_matrices=False)
    total = float((s**2).sum())
    k = min(2, vt.shape[0])
    components = np.zeros((2, points.shape[1]))
    components[:k] = vt[:k]
    if k < 2:  # a straight path (or d = 1): any unit direction orthogonal to the first
        other = np.eye(points.shape[1])[int(np.argmin(np.abs(components[0])))]
        other = other - (other @ components[0]) * components[0]
        components[1] = other / max(np.linalg.norm(other), 1e-300)
    explained = np.zeros(2)
    explained[:k] = (s[:k] ** 2) / total if total > 0 else 0.0
    return PathPCA(components, (points - end) @ components.T, explained, end.copy())


class PlaneView:
    r"""The loss over the plane :math:`w + \alpha\,\delta_1 + \beta\,\delta_2` as a 2-D surface.

    ``loss(ab)`` takes plane coordinates of shape ``(..., 2)``, so :mod:`gdcore.charts` draws
    the slice as it draws any surface, and a path projected onto the plane (:func:`pca`) can be
    drawn over it. ``bounds`` is the square ``[-span, span]``; the centre :math:`w` is at (0, 0).

    >>> import gdcore as gd
    >>> bowl = gd.surfaces.Quadratic(eigenvalues=(1.0, 4.0))
    >>> view = PlaneView(bowl, np.zeros(2), np.array([1.0, 0.0]), np.array([0.0, 1.0]), span=2.0)
    >>> float(view.loss(np.array([1.0, 1.0]))), view.bounds
    (2.5, ((-2.0, 2.0), (-2.0, 2.0)))
    """

    dim = 2

    def __init__(self, objective, w, d1, d2, span=1.0, title="a slice of the loss", batch=None, axis_titles=("α", "β")):
        owner = "PlaneView"
        w, full = _dim(objective, w, owner)
        self.objective, self.center = objective, w.copy()
        self.d1, self.d2 = _vector(d1, "d1", owner, full), _vector(d2, "d2", owner, full)
        self.span = check_real(span, "span", owner, low=0.0, closed="neither")
        self.batch = batch
        self.axis_titles = tuple(axis_titles)
        self.name, self.title, self.formula = "plane", title, r"L(w + \alpha\,\delta_1 + \beta\,\delta_2)"
        self.bounds = ((-self.span, self.span), (-self.span, self.span))
        self.minima = np.zeros((1, 2))

    def weights(self, ab):
        """The full weight vectors at plane coordinates ``ab`` of shape ``(..., 2)``."""
        ab = np.asarray(ab, dtype=np.float64)
        return self.center + ab[..., :1] * self.d1 + ab[..., 1:2] * self.d2

    def loss(self, ab):
        full = self.weights(ab)
        lead = full.shape[:-1]
        flat = full.reshape(-1, full.shape[-1])
        with np.errstate(all="ignore"):
            out = self.objective.loss(flat) if self.batch is None else self.objective.loss(flat, self.batch)
        return np.asarray(out).reshape(lead)
