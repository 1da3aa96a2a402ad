r"""Loss surfaces: the loss as a map over two weights; the convex bowl against real landscapes.

Everything the page states is computed here from the surface itself: whether it is
convex on the window (the Hessian's smallest eigenvalue on a grid), the kind of every
known critical point (its Hessian's eigenvalues, :func:`gdcore.classify`) and the dips
of the cross-section the student cuts.

>>> f = facts("saddle", y=0.0)
>>> f.convex, f.dips[0].match.kind
(False, 'saddle')
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

import gdcore as gd
from lessons.text import in_weights, latex_lines  # noqa: F401 - pages read them here
from gdcore.charts import minimum_names, plain

#: Grid on which convexity is checked: 60 x 60 points over the surface's window.
RESOLUTION = 60
#: Points along the cross-section.
CUT_POINTS = 401
#: An eigenvalue below -CURVE_TOL counts as curving downward.
CURVE_TOL = 1e-12


def cut_default(surface_name):
    """The cross-section a surface starts with: the line w₂ = const through its (first) global minimum."""
    surface = gd.surfaces.get(surface_name)
    (_, _), (ya, yb) = surface.bounds
    return float(np.clip(round(float(surface.minima[0][1]), 2), ya, yb))


def surface_defaults(surface_name):
    """The per-surface widget values: switching the surface resets them."""
    return {"y": cut_default(surface_name)}


DEFAULT_SURFACE = "bowl"
DEFAULTS = {"surface": DEFAULT_SURFACE, **surface_defaults(DEFAULT_SURFACE)}

#: Widget values of each preset button; what each shows is asserted in tests/lessons/test_loss_surfaces.py.
PRESETS = {
    "Convex bowl": {"surface": "bowl", "y": 0.0},
    "Narrow ravine": {"surface": "ravine", "y": 1.0},
    "Four minima": {"surface": "himmelblau", "y": 2.0},
    "A saddle point": {"surface": "saddle", "y": 0.0},
}


# --- formulas in the symbols of the axes -----------------------------------------------------------


@dataclass(frozen=True)
class Critical:
    """One known critical point: a name a student reads, where, its loss and curvatures."""

    name: str             # "global minimum", "local minimum A", "saddle point", "peak B", ...
    listed: str           # the catalog's kind: "minimum", "saddle" or "maximum"
    kind: str             # the Hessian's verdict (gd.classify): "minimum", "maximum", "saddle", "degenerate"
    point: tuple
    loss: float
    eigenvalues: tuple    # (lambda_min, lambda_max) of the Hessian there
    grad_norm: float      # |grad L| there (zero at a critical point, up to rounding)


@dataclass(frozen=True)
class Dip:
    """A local minimum of the loss along the cut w₂ = y."""

    w1: float
    loss: float
    slope_across: float   # dL/dw₂ there: zero only if the dip is a critical point of the surface
    match: Critical | None  # the critical point the dip sits on, if any


@dataclass(frozen=True)
class Facts:
    name: str
    title: str
    bounds: tuple
    formula_lines: tuple
    grid_points: int
    down_share: float     # share of the grid where the Hessian has a negative eigenvalue
    critical: tuple       # Critical points, minima first
    y: float
    dips: tuple           # Dips along the cut, left to right
    cut_range: tuple      # (lowest, highest) loss along the cut

    @property
    def convex(self):
        """Convex on the window: no grid point curves downward in any direction."""
        return self.down_share == 0.0

    def count(self, kind):
        return sum(c.kind == kind for c in self.critical)

    @property
    def minima(self):
        return [c for c in self.critical if c.listed == "minimum"]


def _names(surface):
    """(name, listed kind, point) for every known critical point, minima first."""
    out = list(zip(minimum_names(surface.loss(surface.minima)), ["minimum"] * len(surface.minima), surface.minima))
    for listed, word, points in (("saddle", "saddle point", surface.saddles), ("maximum", "peak", surface.maxima)):
        for k, w in enumerate(points):
            letter = "" if len(points) == 1 else " " + ("ABCDEFGHIJKLMNOPQRSTUVWXYZ"[k] if k < 26 else str(k + 1))
            out.append((word + letter, listed, w))
    return out


def down_share(surface_name, resolution=RESOLUTION):
    """Share of a ``resolution``² grid over the window where the surface curves downward somewhere."""
    surface = gd.surfaces.get(surface_name)
    (xa, xb), (ya, yb) = surface.bounds
    w = np.stack(np.meshgrid(np.linspace(xa, xb, resolution), np.linspace(ya, yb, resolution)), axis=-1)
    lowest = np.linalg.eigvalsh(surface.hessian(w))[..., 0]
    return float(np.mean(lowest < -CURVE_TOL))


def cut(surface_name, y, n=CUT_POINTS):
    """``(w1, loss)`` along the line w₂ = y across the window."""
    surface = gd.surfaces.get(surface_name)
    (xa, xb), _ = surface.bounds
    xs = np.linspace(xa, xb, n)
    return xs, surface.loss(np.stack([xs, np.full_like(xs, y)], axis=-1))


def run(surface_name, y):
    """What the page computes and draws besides the map: the cross-section ``(w1, loss)`` along w₂ = y."""
    return cut(surface_name, y)


def _lowest_between(f, a, b, iterations=80):
    """The minimiser of a unimodal ``f`` on ``[a, b]`` by golden-section search (to about 1e-15 of b - a)."""
    g = (np.sqrt(5.0) - 1.0) / 2.0
    c, d = b - g * (b - a), a + g * (b - a)
    fc, fd = f(c), f(d)
    for _ in range(iterations):
        if fc <= fd:
            b, d, fd = d, c, fc
            c = b - g * (b - a)
            fc = f(c)
        else:
            a, c, fc = c, d, fd
            d = a + g * (b - a)
            fd = f(d)
    return 0.5 * (a + b)


def _dips(surface, critical, xs, losses, y):
    """Interior local minima of the sampled cut, each refined by a golden-section search between its neighbours."""
    (xa, xb), (ya, yb) = surface.bounds
    tol = 0.01 * min(xb - xa, yb - ya)
    out = []
    for i in range(1, len(xs) - 1):
        if not (losses[i] < losses[i - 1] and losses[i] <= losses[i + 1]):
            continue
        w1 = float(_lowest_between(lambda x: float(surface.loss(np.array([x, y]))), xs[i - 1], xs[i + 1]))
        point = np.array([w1, y])
        match = next((cp for cp in critical if np.hypot(cp.point[0] - w1, cp.point[1] - y) < tol), None)
        out.append(Dip(w1=w1, loss=float(surface.loss(point)), slope_across=float(surface.grad(point)[1]), match=match))
    return tuple(out)


def facts(surface, y=None):
    """The :class:`Facts` of one surface and the cut w₂ = ``y`` (default: through its global minimum)."""
    name = surface
    surface = gd.surfaces.get(name)
    y = cut_default(name) if y is None else float(y)
    critical = []
    for label, listed, w in _names(surface):
        w = np.asarray(w, dtype=np.float64)
        lo, hi = np.linalg.eigvalsh(surface.hessian(w))
        critical.append(Critical(
            name=label, listed=listed, kind=str(gd.classify(surface, w)), point=(float(w[0]), float(w[1])),
            loss=float(surface.loss(w)), eigenvalues=(float(lo), float(hi)),
            grad_norm=float(np.linalg.norm(surface.grad(w))),
        ))
    critical = tuple(critical)
    xs, losses = run(name, y)
    return Facts(
        name=name,
        title=surface.title,
        bounds=surface.bounds,
        formula_lines=tuple(latex_lines(in_weights(surface.formula))),
        grid_points=RESOLUTION * RESOLUTION,
        down_share=down_share(name),
        critical=critical,
        y=y,
        dips=_dips(surface, critical, xs, losses, y),
        cut_range=(float(np.min(losses)), float(np.max(losses))),
    )


# --- what the page says ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Story:
    """One thing the page says: ``tone`` is the Streamlit call (success, info, warning, markdown)."""

    tone: str
    text: str


def fixed(x, digits=2):
    """``x`` with ``digits`` decimals and never a negative zero.

    >>> fixed(-0.001), fixed(1.4846)
    ('0.00', '1.48')
    """
    return f"{round(float(x), digits) + 0.0:.{digits}f}"


def at(point, digits=2):
    x, y = (round(float(v), digits) + 0.0 for v in point)  # + 0.0 turns -0.0 into 0.0
    return f"({x:.{digits}f}, {y:.{digits}f})"


def percentages(share):
    """Two shares that add to 100 %, as text: ``(down, up)``; never "0 %" for a share that is not zero.

    >>> percentages(0.3849), percentages(0.0004), percentages(0.0)
    (('38 %', '62 %'), ('0.04 %', '99.96 %'), ('0 %', '100 %'))
    """
    if share == 0.0 or share == 1.0:
        down = 100 * share
        return f"{down:.0f} %", f"{100 - down:.0f} %"
    digits = 0
    while digits < 4 and (round(100 * share, digits) in (0, 100)):
        digits += 1
    down = round(100 * share, digits)
    return f"{down:.{digits}f} %", f"{100 - down:.{digits}f} %"


def count_text(f):
    """How many critical points of each kind, e.g. "2 minima (1 global), 1 saddle point"."""
    parts = []
    minima = f.minima
    if minima:
        glob = sum(m.name.startswith("global") for m in minima)
        word = "minimum" if len(minima) == 1 else "minima"
        extra = "" if len(minima) == 1 or glob == len(minima) else f" ({glob} global)"
        if glob == len(minima) > 1:
            extra = ", all equally deep"
        parts.append(f"{len(minima)} {word}{extra}")
    saddles = sum(c.listed == "saddle" for c in f.critical)
    if saddles:
        parts.append(f"{saddles} saddle point{'s' if saddles != 1 else ''}")
    peaks = sum(c.listed == "maximum" for c in f.critical)
    if peaks:
        parts.append(f"{peaks} peak{'s' if peaks != 1 else ''}")
    return ", ".join(parts)


def _kind_text(c):
    lo, hi = c.eigenvalues
    curv = f"the Hessian's eigenvalues are {plain(lo)} and {plain(hi)}"
    return {
        "minimum": f"{curv}: both positive, so it curves up in every direction, a minimum",
        "maximum": f"{curv}: both negative, a peak",
        "saddle": f"{curv}: one negative, one positive, so it curves down one way and up the other, a saddle",
        "degenerate": f"{curv}: zero curvature, so the Hessian cannot tell what kind of point it is",
    }[c.kind]


def story(f):
    """What the page says about the surface, in order: the verdict on convexity, the critical points, the cut."""
    lines = []
    down, up = percentages(f.down_share)
    n = len(f.minima)
    if f.convex:
        one = "the one minimum" if n == 1 else "a minimum"
        lines.append(Story("success", (
            f"**Convex on this window.** At all {f.grid_points:,} points of a grid over the map the Hessian's "
            f"eigenvalues are positive: the surface curves upward in every direction, so every downhill path "
            f"leads to {one}. This is the ideal bowl."
        )))
    else:
        if n == 1:
            ends = ("It has a single minimum, so downhill paths still end there; but where the ground bends "
                    "downward it is not a bowl, and gradient descent can be slow to get through.")
        else:
            ends = f"It has {count_text(f)}: where a downhill path ends depends on where it starts."
        lines.append(Story("warning", (
            f"**Not convex.** On {down} of the map the surface curves downward in some direction (a negative "
            f"eigenvalue of the Hessian); on the other {up} it curves upward both ways. {ends}"
        )))
    if f.critical:
        first = f.critical[0]
        lo, hi = first.eigenvalues
        sentence = f"At the {first.name} {at(first.point)}, where the loss is {plain(first.loss)}, {_kind_text(first)}."
        if lo > 0 and hi / lo >= 10:
            sentence += f" The steepest direction curves {plain(hi / lo)} times more than the flattest: a narrow valley."
        others = [c for c in f.critical[1:] if c.listed != "minimum"]
        if others and len(f.critical) <= 20:
            c = others[0]
            sentence += f" At the {c.name} {at(c.point)} {_kind_text(c)}."
        lines.append(Story("markdown", sentence))
    lines.append(Story("markdown", cut_text(f)))
    return lines


def cut_text(f):
    """The sentence under the cross-section."""
    where = f"Along the line w₂ = {fixed(f.y)}"
    if not f.dips:
        return f"{where} the loss has no dip inside the window: it only falls towards one edge."
    shown = f.dips[:4]
    listing = "; ".join(f"w₁ = {fixed(d.w1)} (loss {plain(d.loss)})" for d in shown)
    more = f" and {len(f.dips) - len(shown)} more" if len(f.dips) > len(shown) else ""
    count = "one dip" if len(f.dips) == 1 else f"{len(f.dips)} dips"
    text = f"{where} the loss has {count}: {listing}{more}."
    notes = []
    for d in shown:
        if d.match is not None and d.match.kind != "minimum":
            notes.append(f"The dip at w₁ = {fixed(d.w1)} is the {d.match.name}: lowest along this line, yet "
                         "along w₂ the surface falls away from it. A cross-section can make a saddle look like a minimum.")
        elif d.match is None and abs(d.slope_across) > 1e-6:
            notes.append(f"The dip at w₁ = {fixed(d.w1)} is no critical point: there the loss still changes across the "
                         f"line (∂L/∂w₂ = {plain(d.slope_across)}), so the real valley floor lies off this line.")
    if notes:
        text += " " + notes[0]
    return text
