r"""Analytic loss surfaces over the plane, with exact gradients and Hessians.

A surface is a loss :math:`L(w)` of two weights :math:`w = (x, y)`. Every
method takes points of shape ``(..., 2)`` and broadcasts over the leading axes,
so one point and a grid of 10,000 points share one vectorised code path::

    s.loss(w)      # (...,)
    s.grad(w)      # (..., 2)
    s.hessian(w)   # (..., 2, 2)

Each surface below is written micrograd-style: its loss, gradient and Hessian
side by side as three small functions of the coordinate arrays ``x = w[..., 0]``
and ``y = w[..., 1]``. Nothing is differentiated numerically. Critical points
without a closed form were located once with ``mpmath.findroot`` (40 digits) on
the analytic gradient and are stored rounded to float64, so ``|grad| < 1e-12``
at every listed point.

:func:`catalog` lists the surfaces in teaching order:

``bowl``, ``ravine``
    convex quadratics (:class:`Quadratic`); the ravine is ill-conditioned and rotated.
``plateau``
    a flat region where the gradient almost vanishes, around one well.
``local_global``, ``himmelblau``, ``six_hump_camel``, ``rastrigin``
    non-convex: several minima, the start decides which one you reach.
``saddle``, ``monkey_saddle``
    a strict saddle and a degenerate one (zero Hessian).
``flat_sharp``
    a wide flat minimum and a narrow sharp one of about equal depth.
``rosenbrock``
    the curved, flat-bottomed valley of pathological curvature.
"""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Callable
from typing import ClassVar

import numpy as np

from gdcore._checks import check_bounds, check_option, check_points, check_real, fail, real_array

__all__ = ["Surface", "Quadratic", "catalog", "get"]


def _point_array(value, name, owner):
    """Critical points as a read-only float array of shape (k, 2); () means none."""
    expected = "an array of shape (k, 2) of finite floats"
    arr = np.array(real_array(value, name, owner, expected))  # a copy the caller cannot change
    if arr.size == 0:
        arr = arr.reshape(0, 2)
    if arr.ndim != 2 or arr.shape[1] != 2 or not np.all(np.isfinite(arr)):
        fail(name, owner, expected, value)
    arr.flags.writeable = False  # catalog surfaces are shared by every caller
    return arr


def _full(value, shape, name, owner):
    """``value`` (a constant or an array) as a writable float array of exactly ``shape``.

    ``name`` is the function that computed it (``"loss_fn"``, ...): a custom
    surface whose function gives complex values or a shape that does not
    broadcast fails naming it.
    """
    arr = real_array(value, name, owner, f"a function giving real values of shape {shape}")
    if arr.shape == shape:
        return arr if arr.flags.writeable else arr.copy()
    try:
        return np.broadcast_to(arr, shape).copy()
    except ValueError:
        fail(name, owner, f"a function giving real values of shape {shape}", f"shape {arr.shape}")


@dataclasses.dataclass(frozen=True, eq=False, repr=False)
class Surface:
    r"""A loss over the plane with its analytic gradient and Hessian.

    .. math::

        L(w), \qquad \nabla L(w) = \begin{pmatrix} \partial_x L \\ \partial_y L \end{pmatrix},
        \qquad \nabla^2 L(w) = \begin{pmatrix} \partial_{xx} L & \partial_{xy} L \\
        \partial_{xy} L & \partial_{yy} L \end{pmatrix},

    with :math:`w = (x, y)` the last axis of the ``w`` argument. Get the course's
    surfaces from :func:`get` or :func:`catalog`; build your own by giving the
    three functions of the coordinate arrays ``x`` and ``y``.

    Parameters
    ----------
    name : str
        Short identifier, e.g. ``"himmelblau"``.
    loss_fn : callable
        ``loss_fn(x, y)`` returns :math:`L`.
    grad_fn : callable
        ``grad_fn(x, y)`` returns the pair :math:`(\partial_x L, \partial_y L)`.
    hessian_fn : callable
        ``hessian_fn(x, y)`` returns :math:`(\partial_{xx} L, \partial_{xy} L, \partial_{yy} L)`;
        constants are broadcast.
    title : str
        Human-readable name for headings (defaults to ``name``).
    formula : str
        :math:`L` in LaTeX.
    description : str
        One line in plain words, for students.
    bounds : ((xmin, xmax), (ymin, ymax))
        The plotting window, chosen to show the interesting features.
    minima, saddles, maxima : array-like of shape (k, 2)
        Known critical points inside ``bounds``; global minima come first. A
        saddle is any critical point that is neither a minimum nor a maximum, so
        it may be degenerate (the monkey saddle's Hessian is zero).

    Attributes
    ----------
    n_samples : None
        Marks the surface as analytic (one exact loss, no data samples) for
        :func:`gdcore.descend`.
    dim : int
        2, the number of weights :math:`d` of a point ``(..., d)`` (as on every
        objective and :class:`gdcore.nn.MLP`).

    Notes
    -----
    ``w`` may hold non-finite values (a diverged run): the result is then NaN
    or inf, as numpy computes it, rather than an error.

    Examples
    --------
    >>> import numpy as np
    >>> import gdcore as gd
    >>> s = gd.surfaces.get("himmelblau")
    >>> float(s.loss([3.0, 2.0]))
    0.0
    >>> s.grad([[0.0, 0.0], [3.0, 2.0]]).tolist()
    [[-14.0, -22.0], [0.0, 0.0]]
    >>> s.hessian(np.zeros((4, 5, 2))).shape
    (4, 5, 2, 2)
    >>> mine = gd.surfaces.Surface(
    ...     "tilted", lambda x, y: x * x + x * y + y * y,
    ...     lambda x, y: (2 * x + y, x + 2 * y), lambda x, y: (2.0, 1.0, 2.0),
    ...     minima=[(0.0, 0.0)])
    >>> mine.hessian([1.0, 1.0]).tolist()
    [[2.0, 1.0], [1.0, 2.0]]
    """

    name: str
    loss_fn: Callable
    grad_fn: Callable
    hessian_fn: Callable
    _: dataclasses.KW_ONLY
    title: str = ""
    formula: str = ""
    description: str = ""
    bounds: tuple = ((-3.0, 3.0), (-3.0, 3.0))
    minima: np.ndarray = ()
    saddles: np.ndarray = ()
    maxima: np.ndarray = ()

    n_samples: ClassVar[None] = None
    dim: ClassVar[int] = 2

    def __post_init__(self):
        owner = type(self).__name__
        if not isinstance(self.name, str) or not self.name:
            fail("name", owner, "a non-empty str", self.name)
        for attr in ("loss_fn", "grad_fn", "hessian_fn"):
            if not callable(getattr(self, attr)):
                fail(attr, owner, "a callable", getattr(self, attr))
        for attr in ("title", "formula", "description"):
            if not isinstance(getattr(self, attr), str):
                fail(attr, owner, "a str", getattr(self, attr))
        if not self.title:
            object.__setattr__(self, "title", self.name)
        object.__setattr__(self, "bounds", check_bounds(self.bounds, "bounds", owner))
        for attr in ("minima", "saddles", "maxima"):
            object.__setattr__(self, attr, _point_array(getattr(self, attr), attr, owner))

    def __repr__(self):
        return f"{type(self).__name__}({self.name!r})"

    def _xy(self, w, method, batch):
        owner = self._owner(method)
        if batch is not None:
            fail("batch", owner, "None (an analytic surface has no samples)", batch)
        arr = real_array(w, "w", owner, "an array of shape (2,) or (..., 2) of real floats")
        if arr.ndim == 0 or arr.shape[-1] != 2:
            fail("w", owner, "an array of shape (2,) or (..., 2)", f"shape {arr.shape}")
        return arr[..., 0], arr[..., 1]

    def loss(self, w, batch=None):
        r"""The loss :math:`L(w)`, of shape ``w.shape[:-1]``.

        ``batch`` exists so that a surface fits the objective protocol
        ``loss(w, batch=None)``; a surface has no samples, so it must be None.

        >>> import gdcore as gd
        >>> float(gd.surfaces.get("rosenbrock").loss([0.0, 1.0]))
        101.0
        """
        x, y = self._xy(w, "loss", batch)
        with np.errstate(all="ignore"):  # overflow far out is data (inf), never a warning
            return _full(self.loss_fn(x, y), x.shape, "loss_fn", self._owner("loss"))[()]

    def grad(self, w, batch=None):
        r"""The gradient :math:`\nabla L(w)`, of shape ``w.shape``.

        >>> import gdcore as gd
        >>> gd.surfaces.get("rosenbrock").grad([0.0, 1.0]).tolist()
        [-2.0, 200.0]
        """
        x, y = self._xy(w, "grad", batch)
        owner = self._owner("grad")
        with np.errstate(all="ignore"):
            parts = self.grad_fn(x, y)
            if not isinstance(parts, (tuple, list)) or len(parts) != 2:
                fail("grad_fn", owner, "a function giving the pair (dL/dx, dL/dy)", type(parts).__name__)
            return np.stack([_full(part, x.shape, "grad_fn", owner) for part in parts], axis=-1)

    def hessian(self, w, batch=None):
        r"""The Hessian :math:`\nabla^2 L(w)`, of shape ``w.shape + (2,)``; symmetric.

        >>> import gdcore as gd
        >>> gd.surfaces.get("rosenbrock").hessian([1.0, 1.0]).tolist()
        [[802.0, -400.0], [-400.0, 200.0]]
        """
        return self._hessian_xy(*self._xy(w, "hessian", batch))

    def _owner(self, method):
        return f"{type(self).__name__}({self.name!r}).{method}"

    def _hessian_xy(self, x, y):
        owner = self._owner("hessian")
        with np.errstate(all="ignore"):
            parts = self.hessian_fn(x, y)
            if not isinstance(parts, (tuple, list)) or len(parts) != 3:
                fail("hessian_fn", owner, "a function giving the triple (d2L/dx2, d2L/dxdy, d2L/dy2)",
                     type(parts).__name__)
            hxx, hxy, hyy = (_full(h, x.shape, "hessian_fn", owner) for h in parts)
        return np.stack([hxx, hxy, hxy, hyy], axis=-1).reshape(x.shape + (2, 2))

    def max_stable_lr_at(self, w):
        r"""Gradient descent's stability bound for the local quadratic model at ``w``.

        .. math::

            \eta_{\max}(w) = \frac{2}{\lambda_{\max}\!\left(\nabla^2 L(w)\right)},

        :math:`+\infty` where :math:`\lambda_{\max} \le 0` (no upward curvature),
        NaN where the Hessian is not finite (an overflowing point).
        At a minimum, plain gradient descent with a constant learning rate
        :math:`\eta` converges to it from nearby iff :math:`\eta < \eta_{\max}`
        (for a quadratic, exactly; see :attr:`Quadratic.max_stable_lr`).

        >>> import gdcore as gd
        >>> s = gd.surfaces.get("himmelblau")
        >>> round(float(s.max_stable_lr_at(s.minima[0])), 6)
        0.024306
        """
        return _stable_lr(self._hessian_xy(*self._xy(w, "max_stable_lr_at", None)))



def _stable_lr(hessian):
    """``2 / lambda_max`` of each symmetric matrix in ``hessian`` (..., d, d): the shared body of
    every ``max_stable_lr_at``; inf where lambda_max <= 0, NaN where the matrix is not finite."""
    finite = np.all(np.isfinite(hessian), axis=(-2, -1))
    # eigvalsh gives garbage (or fails) for a non-finite matrix: such a point has no bound, NaN.
    top = np.linalg.eigvalsh(np.where(finite[..., None, None], hessian, 0.0))[..., -1]
    out = np.full(top.shape, np.inf)
    with np.errstate(all="ignore"):
        np.divide(2.0, top, out=out, where=top > 0)
    out[~finite] = np.nan
    return out[()]


# --- Quadratic: 0.5 (w - c)^T A (w - c) with A = R diag(l1, l2) R^T -------------------------------


# Hessian [[a, b], [b, c]], centre (cx, cy); module-level (bound with functools.partial) so
# that a Quadratic pickles, as st.cache_data requires.


def _quadratic_loss(a, b, c, cx, cy, x, y):
    dx, dy = x - cx, y - cy
    if b == 0.0:  # axis-aligned: no cross term, so far out 0 * inf * 0 never makes a NaN
        return 0.5 * (a * dx * dx + c * dy * dy)
    return 0.5 * (a * dx * dx + 2.0 * b * dx * dy + c * dy * dy)


def _quadratic_grad(a, b, c, cx, cy, x, y):
    dx, dy = x - cx, y - cy
    if b == 0.0:
        return a * dx, c * dy
    return a * dx + b * dy, b * dx + c * dy


def _quadratic_hessian(a, b, c, cx, cy, x, y):
    return a, b, c


def _num(v):
    return f"{v:.6g}"


def _shifted(var, c):
    return var if c == 0 else f"({var} {'-' if c > 0 else '+'} {_num(abs(c))})"


def _quadratic_formula(eigenvalues, angle, center):
    l1, l2 = (("" if lam == 1 else _num(lam) + r"\,") for lam in eigenvalues)
    X, Y = _shifted("x", center[0]), _shifted("y", center[1])
    if angle == 0:
        return rf"L(x, y) = \tfrac{{1}}{{2}}\left({l1}{X}^2 + {l2}{Y}^2\right)"
    degrees = _num(round(float(np.degrees(angle)), 4))
    return (
        rf"L(x, y) = \tfrac{{1}}{{2}}\left({l1}u^2 + {l2}v^2\right),\quad "
        rf"u = {X}\cos\theta + {Y}\sin\theta,\ v = {Y}\cos\theta - {X}\sin\theta,\ "
        rf"\theta = {degrees}^\circ"
    )


@dataclasses.dataclass(frozen=True, eq=False, repr=False, init=False)
class Quadratic(Surface):
    r"""A convex quadratic bowl with chosen curvatures, orientation and centre.

    .. math::

        L(w) = \tfrac{1}{2}\,(w - c)^\top A\,(w - c), \qquad
        A = R_\theta \begin{pmatrix} \lambda_1 & 0 \\ 0 & \lambda_2 \end{pmatrix} R_\theta^\top,
        \qquad R_\theta = \begin{pmatrix} \cos\theta & -\sin\theta \\
        \sin\theta & \cos\theta \end{pmatrix},

    so :math:`\nabla L = A (w - c)` and :math:`\nabla^2 L = A` everywhere. The
    eigenvector of :math:`\lambda_1` points along angle :math:`\theta`.

    Parameters
    ----------
    eigenvalues : pair of floats > 0
        :math:`(\lambda_1, \lambda_2)`, the curvatures along the two principal axes.
        Their ratio is the condition number that makes gradient descent zigzag.
    angle : float
        :math:`\theta` in radians, the rotation of the principal axes.
    center : pair of floats
        :math:`c`, the minimum.
    name, title, description : str, optional
        Override the generic labels (the catalog's ``bowl`` and ``ravine`` do).
    bounds : ((xmin, xmax), (ymin, ymax)), optional
        Defaults to the centre plus or minus 3 on each axis.

    Attributes
    ----------
    max_stable_lr : float
        :math:`2 / \max(\lambda_1, \lambda_2)`: gradient descent
        :math:`w \leftarrow w - \eta \nabla L(w)` converges for every start iff
        :math:`0 < \eta < 2/\lambda_{\max}` (each eigen-component is multiplied
        by :math:`1 - \eta\lambda_i` per step; e.g. Goodfellow, Bengio and
        Courville, *Deep Learning*, 2016, section 4.3).

    Examples
    --------
    >>> import numpy as np
    >>> import gdcore as gd
    >>> q = gd.surfaces.Quadratic(eigenvalues=(1.0, 100.0), angle=np.pi / 4)
    >>> q.max_stable_lr
    0.02
    >>> np.round(q.hessian([0.0, 0.0]), 6).tolist()
    [[50.5, -49.5], [-49.5, 50.5]]
    >>> float(q.loss([1.0, 1.0]))
    1.0
    """

    eigenvalues: tuple = (1.0, 100.0)
    angle: float = 0.0
    center: tuple = (0.0, 0.0)

    def __init__(self, eigenvalues=(1.0, 100.0), angle=0.0, center=(0.0, 0.0), *,
                 name="quadratic", title="", description="", bounds=None):
        owner = "Quadratic"
        lam = real_array(eigenvalues, "eigenvalues", owner, "a pair of floats > 0")
        if lam.shape != (2,) or not np.all(np.isfinite(lam)) or not np.all(lam > 0):
            fail("eigenvalues", owner, "a pair of floats > 0", eigenvalues)
        angle = check_real(angle, "angle", owner)
        cx, cy = check_points(center, "center", owner, batched=False)
        cx, cy = float(cx), float(cy)
        if bounds is None and not (cx - 3.0 < cx + 3.0 and cy - 3.0 < cy + 3.0):
            fail("center", owner, "a pair of finite floats whose default bounds c +- 3 are a window "
                 "(below about 1e16), or give bounds", center)
        l1, l2 = float(lam[0]), float(lam[1])
        cos, sin = np.cos(angle), np.sin(angle)
        # R diag(l1, l2) R^T written out, so that A is symmetric to the last bit.
        a = l1 * cos * cos + l2 * sin * sin
        b = (l1 - l2) * cos * sin
        c = l1 * sin * sin + l2 * cos * cos
        for attr, value in (("eigenvalues", (l1, l2)), ("angle", angle),
                            ("center", (float(cx), float(cy)))):
            object.__setattr__(self, attr, value)
        super().__init__(
            name,
            *(functools.partial(fn, a, b, c, float(cx), float(cy))
              for fn in (_quadratic_loss, _quadratic_grad, _quadratic_hessian)),
            title=title or "Convex quadratic bowl",
            formula=_quadratic_formula((l1, l2), angle, (float(cx), float(cy))),
            description=description or (
                f"A convex quadratic bowl with curvatures {_num(l1)} and {_num(l2)}: one minimum, "
                f"elliptical contours; gradient descent is stable for lr < {_num(2 / max(l1, l2))}."
            ),
            bounds=((cx - 3.0, cx + 3.0), (cy - 3.0, cy + 3.0)) if bounds is None else bounds,
            minima=[(cx, cy)],
        )

    def __repr__(self):
        return (f"Quadratic(eigenvalues={self.eigenvalues}, angle={self.angle!r}, "
                f"center={self.center}, name={self.name!r})")

    @property
    def max_stable_lr(self):
        """``2 / max(eigenvalues)``, gradient descent's stability bound."""
        return 2.0 / max(self.eigenvalues)


# --- bowl and ravine: the convex ideal and its ill-conditioned, rotated cousin --------------------

_BOWL = Quadratic(
    eigenvalues=(1.0, 1.0),
    name="bowl",
    title="Convex bowl",
    description="The ideal convex loss: one minimum, round contours, and the gradient "
    "always points straight away from it.",
)

_RAVINE = Quadratic(
    eigenvalues=(1.0, 25.0),
    angle=np.pi / 6,
    name="ravine",
    title="Ravine (ill-conditioned bowl)",
    description="A long, narrow, tilted valley, 25 times steeper across than along: "
    "gradient descent zigzags across it and crawls along it.",
)


# --- Gaussian wells: -d exp(-|w - m|^2 / (2 s^2)), the building block of smooth landscapes --------


def _well_loss(x, y, depth, mx, my, width):
    return -depth * np.exp(-((x - mx) ** 2 + (y - my) ** 2) / (2.0 * width**2))


def _well_grad(x, y, depth, mx, my, width):
    s2 = width**2
    e = depth * np.exp(-((x - mx) ** 2 + (y - my) ** 2) / (2.0 * s2))
    return e * (x - mx) / s2, e * (y - my) / s2


def _well_hessian(x, y, depth, mx, my, width):
    s2 = width**2
    e = depth * np.exp(-((x - mx) ** 2 + (y - my) ** 2) / (2.0 * s2))
    u, v = (x - mx) / s2, (y - my) / s2
    return e * (1.0 / s2 - u * u), -e * u * v, e * (1.0 / s2 - v * v)


def _sum_pairs(pairs):
    return tuple(sum(parts) for parts in zip(*pairs))


# A weak bowl 0.05 |w|^2 keeps a landscape of wells bounded; module-level functions bound
# with functools.partial keep such surfaces picklable (st.cache_data pickles them).


def _bowl_wells_loss(wells, x, y):
    return 0.05 * (x * x + y * y) + sum(_well_loss(x, y, *p) for p in wells)


def _bowl_wells_grad(wells, x, y):
    return _sum_pairs([(0.1 * x, 0.1 * y)] + [_well_grad(x, y, *p) for p in wells])


def _bowl_wells_hessian(wells, x, y):
    return _sum_pairs([(0.1, 0.0, 0.1)] + [_well_hessian(x, y, *p) for p in wells])


def _bowl_with_wells(wells):
    """loss, grad and Hessian functions of 0.05 |w|^2 plus the given Gaussian wells."""
    return tuple(functools.partial(fn, wells) for fn in (_bowl_wells_loss, _bowl_wells_grad, _bowl_wells_hessian))


# --- plateau: 1 - exp(-|w|^2 / 2); beyond |w| ~ 4 the gradient is below 1e-3 of its peak ----------


_PLATEAU_WELL = (1.0, 0.0, 0.0, 1.0)


def _plateau_loss(x, y):
    return 1.0 + _well_loss(x, y, *_PLATEAU_WELL)


def _plateau_grad(x, y):
    return _well_grad(x, y, *_PLATEAU_WELL)


def _plateau_hessian(x, y):
    return _well_hessian(x, y, *_PLATEAU_WELL)


_PLATEAU = Surface(
    "plateau", _plateau_loss, _plateau_grad, _plateau_hessian,
    title="Plateau",
    formula=r"L(x, y) = 1 - e^{-(x^2 + y^2)/2}",
    description="One well in a wide, almost flat plateau: far from the minimum the gradient "
    "nearly vanishes, so the steps become tiny and progress stalls.",
    bounds=((-6.0, 6.0), (-6.0, 6.0)),
    minima=[(0.0, 0.0)],
)


# --- local_global: a weak bowl with a shallow well and a deep well --------------------------------

_LG_WELLS = ((1.0, -1.5, 1.2, 1.0), (2.0, 1.5, -1.0, 1.0))


_LOCAL_GLOBAL = Surface(
    "local_global", *_bowl_with_wells(_LG_WELLS),
    title="Local vs global minimum",
    formula=r"L(w) = 0.05\,\lVert w\rVert^2 - e^{-\lVert w - a\rVert^2/2} "
    r"- 2\,e^{-\lVert w - b\rVert^2/2},\quad a = (-1.5, 1.2),\ b = (1.5, -1)",
    description="Two valleys of different depth: where you start decides whether you reach "
    "the deep global minimum or get stuck in the shallow local one.",
    bounds=((-4.0, 4.0), (-4.0, 4.0)),
    minima=[(1.4263917027179271, -0.9507971721830969), (-1.3510001353635848, 1.0815251731901545)],
    saddles=[(-0.24456886047599552, 0.2623961646390406)],
)


# --- Himmelblau (1972), Applied Nonlinear Programming: four equal minima, four saddles, a peak ----


def _himmelblau_loss(x, y):
    return (x * x + y - 11.0) ** 2 + (x + y * y - 7.0) ** 2


def _himmelblau_grad(x, y):
    a, b = x * x + y - 11.0, x + y * y - 7.0
    return 4.0 * x * a + 2.0 * b, 2.0 * a + 4.0 * y * b


def _himmelblau_hessian(x, y):
    return 12.0 * x * x + 4.0 * y - 42.0, 4.0 * (x + y), 12.0 * y * y + 4.0 * x - 26.0


_HIMMELBLAU = Surface(
    "himmelblau", _himmelblau_loss, _himmelblau_grad, _himmelblau_hessian,
    title="Himmelblau's function",
    formula=r"L(x, y) = (x^2 + y - 11)^2 + (x + y^2 - 7)^2",
    description="Four equally deep minima, four saddles and one peak: the start decides "
    "which minimum gradient descent reaches.",
    bounds=((-5.0, 5.0), (-5.0, 5.0)),
    minima=[
        (3.0, 2.0),
        (-2.805118086952745, 3.131312518250573),
        (-3.779310253377747, -3.2831859912861696),
        (3.5844283403304917, -1.8481265269644036),
    ],
    saddles=[
        (3.385154183607021, 0.07385187983774928),
        (0.08667750455539636, 2.884254701174776),
        (-3.0730257507643897, -0.08135304428796751),
        (-0.12796134673068008, -1.9537149802445763),
    ],
    maxima=[(-0.2708445906673476, -0.9230385564799815)],
)


# --- six-hump camel (Dixon and Szego 1978): 2 global + 4 local minima, 7 saddles, 2 maxima --------


def _camel_loss(x, y):
    x2, y2 = x * x, y * y
    return (4.0 - 2.1 * x2 + x2 * x2 / 3.0) * x2 + x * y + (4.0 * y2 - 4.0) * y2


def _camel_grad(x, y):
    x2 = x * x
    return 8.0 * x - 8.4 * x2 * x + 2.0 * x2 * x2 * x + y, x - 8.0 * y + 16.0 * y * y * y


def _camel_hessian(x, y):
    x2 = x * x
    return 8.0 - 25.2 * x2 + 10.0 * x2 * x2, 1.0, 48.0 * y * y - 8.0


_SIX_HUMP_CAMEL = Surface(
    "six_hump_camel", _camel_loss, _camel_grad, _camel_hessian,
    title="Six-hump camel",
    formula=r"L(x, y) = \left(4 - 2.1\,x^2 + \tfrac{1}{3}x^4\right)x^2 + xy "
    r"+ \left(4y^2 - 4\right)y^2",
    description="Six minima of different depths (two of them global) separated by saddles "
    "and two low peaks: a classic non-convex test.",
    bounds=((-2.0, 2.0), (-1.1, 1.1)),
    minima=[
        (0.08984201310031806, -0.7126564030207396),
        (-0.08984201310031806, 0.7126564030207396),
        (-1.703606714969981, 0.7960835686726251),
        (1.703606714969981, -0.7960835686726251),
        (-1.6071047529201972, -0.5686514548841314),
        (1.6071047529201972, 0.5686514548841314),
    ],
    saddles=[
        (0.0, 0.0),
        (1.1092053368047865, -0.7682680925095399),
        (-1.1092053368047865, 0.7682680925095399),
        (-1.6380679841897785, -0.22867406904439408),
        (1.6380679841897785, 0.22867406904439408),
        (-1.2960702671671092, -0.6050843880386585),
        (1.2960702671671092, 0.6050843880386585),
    ],
    maxima=[(-1.2302298765166526, -0.16233458445899496), (1.2302298765166526, 0.16233458445899496)],
)


# --- Rastrigin (1974), A = 10: separable, so its critical points are products of 1-D ones ---------


def _turns(v):
    """``2 pi v`` reduced to one turn first (fmod is exact): cos and sin of it stay finite
    and accurate for any finite ``v``, where ``2 pi v`` itself would overflow to inf."""
    return 2 * np.pi * np.fmod(v, 1.0)


def _rastrigin_loss(x, y):
    return 20.0 + x * x - 10.0 * np.cos(_turns(x)) + y * y - 10.0 * np.cos(_turns(y))


def _rastrigin_grad(x, y):
    return (2.0 * x + 20.0 * np.pi * np.sin(_turns(x)),
            2.0 * y + 20.0 * np.pi * np.sin(_turns(y)))


def _rastrigin_hessian(x, y):
    return (2.0 + 40.0 * np.pi**2 * np.cos(_turns(x)), 0.0,
            2.0 + 40.0 * np.pi**2 * np.cos(_turns(y)))


def _rastrigin_points():
    """Minima, saddles and maxima inside [-5.12, 5.12]^2, each sorted by loss."""
    # Roots of 2x + 20 pi sin(2 pi x) = 0 for x > 0: minima near the integers, maxima between.
    low = np.array([0.9949586376523348, 1.9899122337085495, 2.984855701039481,
                    3.9797838603007536, 4.974691390895051])
    high = np.array([0.5025460365546747, 1.5076407318703584, 2.512743318200085,
                     3.517859138170441, 4.522993659584519])
    low = np.concatenate([-low[::-1], [0.0], low])
    high = np.concatenate([-high[::-1], high])

    def grid(xs, ys):
        pts = np.stack(np.meshgrid(xs, ys, indexing="ij"), axis=-1).reshape(-1, 2)
        # Sort on the loss rounded so that mirror images tie and fall back to (x, y) order.
        key = np.round(_rastrigin_loss(pts[:, 0], pts[:, 1]), 9)
        return pts[np.lexsort((pts[:, 1], pts[:, 0], key))]

    saddles = np.concatenate([grid(low, high), grid(high, low)])
    saddles = saddles[np.argsort(np.round(_rastrigin_loss(saddles[:, 0], saddles[:, 1]), 9),
                                 kind="stable")]
    return grid(low, low), saddles, grid(high, high)


_RASTRIGIN_MINIMA, _RASTRIGIN_SADDLES, _RASTRIGIN_MAXIMA = _rastrigin_points()

_RASTRIGIN = Surface(
    "rastrigin", _rastrigin_loss, _rastrigin_grad, _rastrigin_hessian,
    title="Rastrigin's function",
    formula=r"L(x, y) = 20 + x^2 - 10\cos(2\pi x) + y^2 - 10\cos(2\pi y)",
    description="A bowl covered in a regular egg-crate of bumps: over a hundred local minima "
    "and a single global minimum at the centre.",
    bounds=((-5.12, 5.12), (-5.12, 5.12)),
    minima=_RASTRIGIN_MINIMA,
    saddles=_RASTRIGIN_SADDLES,
    maxima=_RASTRIGIN_MAXIMA,
)


# --- saddle: a strict saddle at the origin (Hessian diag(1, -1)) between two minima ---------------


def _saddle_loss(x, y):
    return 0.5 * x * x + 0.25 * y**4 - 0.5 * y * y


def _saddle_grad(x, y):
    return x, y * y * y - y


def _saddle_hessian(x, y):
    return 1.0, 0.0, 3.0 * y * y - 1.0


_SADDLE = Surface(
    "saddle", _saddle_loss, _saddle_grad, _saddle_hessian,
    title="Saddle point",
    formula=r"L(x, y) = \tfrac{1}{2}x^2 + \tfrac{1}{4}y^4 - \tfrac{1}{2}y^2",
    description="A saddle at the centre, uphill along x and downhill along y: gradient descent "
    "stalls near it until a nudge lets it roll into one of two minima.",
    bounds=((-1.5, 1.5), (-1.5, 1.5)),
    minima=[(0.0, 1.0), (0.0, -1.0)],
    saddles=[(0.0, 0.0)],
)


# --- monkey saddle x^3 - 3xy^2 (zero Hessian at the origin), held up by a quartic -----------------
# In polar form r^3 cos(3 phi) + (3/4) r^4: three valleys, minima at r = 1, phi = 60, 180, 300 deg.


def _monkey_loss(x, y):
    q = x * x + y * y
    return x**3 - 3.0 * x * y * y + 0.75 * q * q


def _monkey_grad(x, y):
    q = x * x + y * y
    return 3.0 * (x * x - y * y) + 3.0 * x * q, -6.0 * x * y + 3.0 * y * q


def _monkey_hessian(x, y):
    x2, y2 = x * x, y * y
    return 6.0 * x + 9.0 * x2 + 3.0 * y2, 6.0 * x * y - 6.0 * y, 3.0 * x2 + 9.0 * y2 - 6.0 * x


_MONKEY_SADDLE = Surface(
    "monkey_saddle", _monkey_loss, _monkey_grad, _monkey_hessian,
    title="Monkey saddle",
    formula=r"L(x, y) = x^3 - 3xy^2 + \tfrac{3}{4}\left(x^2 + y^2\right)^2",
    description="A flat 'monkey saddle' with three valleys: at the centre the gradient and "
    "the curvature both vanish, so gradient descent creeps before it falls into a minimum.",
    bounds=((-1.25, 1.25), (-1.25, 1.25)),
    minima=[(-1.0, 0.0), (0.5, np.sqrt(3.0) / 2), (0.5, -np.sqrt(3.0) / 2)],
    saddles=[(0.0, 0.0)],
)


# --- flat_sharp: a weak bowl with a wide well (width 1) and a narrow one (width 0.25) -------------
# Curvature scales as depth / width^2, so the narrow minimum is about 15 times sharper.

_FS_WELLS = ((1.0, -1.5, 0.5, 1.0), (1.0, 1.5, -0.5, 0.25))


_FLAT_SHARP = Surface(
    "flat_sharp", *_bowl_with_wells(_FS_WELLS),
    title="Flat vs sharp minima",
    formula=r"L(w) = 0.05\,\lVert w\rVert^2 - e^{-\lVert w - a\rVert^2/2} "
    r"- e^{-\lVert w - b\rVert^2/(2\cdot 0.25^2)},\quad a = (-1.5, 0.5),\ b = (1.5, -0.5)",
    description="Two minima of about the same depth, one wide and flat, one narrow and sharp: "
    "shifting the surface a little barely hurts the flat one.",
    bounds=((-3.0, 3.0), (-3.0, 3.0)),
    minima=[(-1.3623253346108033, 0.45410844487026775), (1.4893765572225997, -0.4964588524075332)],
    saddles=[(0.8294942607886526, -0.27649808692955086)],
)


# --- Rosenbrock (1960), The Computer Journal 3(3): a curved valley, minimum at (1, 1) -------------


def _rosenbrock_loss(x, y):
    return (1.0 - x) ** 2 + 100.0 * (y - x * x) ** 2


def _rosenbrock_grad(x, y):
    return -2.0 * (1.0 - x) - 400.0 * x * (y - x * x), 200.0 * (y - x * x)


def _rosenbrock_hessian(x, y):
    return 1200.0 * x * x - 400.0 * y + 2.0, -400.0 * x, 200.0


_ROSENBROCK = Surface(
    "rosenbrock", _rosenbrock_loss, _rosenbrock_grad, _rosenbrock_hessian,
    title="Rosenbrock's banana",
    formula=r"L(x, y) = (1 - x)^2 + 100\,(y - x^2)^2",
    description="A curved, flat-bottomed banana-shaped valley: easy to fall into, slow to "
    "follow to the minimum at (1, 1).",
    bounds=((-2.0, 2.0), (-1.0, 3.0)),
    minima=[(1.0, 1.0)],
)


_CATALOG = {s.name: s for s in (
    _BOWL, _RAVINE, _PLATEAU, _LOCAL_GLOBAL, _HIMMELBLAU, _SIX_HUMP_CAMEL, _RASTRIGIN,
    _SADDLE, _MONKEY_SADDLE, _FLAT_SHARP, _ROSENBROCK,
)}


def catalog():
    r"""The course's surfaces by name, in teaching order (a fresh dict each call).

    Convex first (``bowl``, ``ravine``), then a plateau, the non-convex landscapes
    with several minima, saddle points, flat versus sharp minima and finally
    Rosenbrock's valley. Sources: Rosenbrock (1960); Himmelblau (1972); the
    six-hump camel of Dixon and Szego (1978); Rastrigin (1974) with A = 10.

    >>> import gdcore as gd
    >>> list(gd.surfaces.catalog())[:3]
    ['bowl', 'ravine', 'plateau']
    """
    return dict(_CATALOG)


def get(name):
    r"""The catalog surface called ``name``.

    Raises :class:`gdcore._checks.ParameterError` listing the valid names for
    an unknown one.

    >>> import gdcore as gd
    >>> s = gd.surfaces.get("six_hump_camel")
    >>> s.title, round(float(s.loss(s.minima[0])), 4)
    ('Six-hump camel', -1.0316)
    """
    return _CATALOG[check_option(name, "name", "surfaces.get", tuple(_CATALOG))]
