r"""Gradient descent: one run of :math:`w_{t+1} = w_t - \eta\,\nabla L(w_t)` and what it shows.

The page wraps :func:`run` in ``st.cache_data`` and prints ``story(facts(...))``;
every number in those sentences comes from the run.

>>> f = facts(**DEFAULTS)
>>> f.verdict, f.target
('reached', 'the minimum')
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

import gdcore as gd
from lessons.text import number  # noqa: F401 - pages read it as lesson.number
from gdcore.charts import minimum_names

#: Learning rates on a log scale, 40 per decade from 1e-4 to 10: neighbours differ by 6 %,
#: fine enough to land close to the fastest rate just under a stability bound.
LRS = tuple(float(f"{10 ** (k / 40):.3g}") for k in range(-160, 41))


def nearest_lr(lr):
    """The option of :data:`LRS` nearest to ``lr`` on a log scale."""
    return min(LRS, key=lambda option: abs(np.log(option / lr)))


#: What each surface starts with: a learning rate near 0.6 of its stability bound (at the
#: minimum the run heads for), a start away from every minimum, and enough steps to arrive.
SURFACE_DEFAULTS = {
    "bowl": {"lr": 0.3, "x0": -2.4, "y0": 1.8, "steps": 30},
    "ravine": {"lr": 0.0501, "x0": -2.75, "y0": -0.43, "steps": 100},
    "plateau": {"lr": 1.0, "x0": -3.0, "y0": 2.5, "steps": 200},
    "local_global": {"lr": 0.5, "x0": -3.0, "y0": 3.0, "steps": 60},
    "himmelblau": {"lr": 0.0126, "x0": -0.5, "y0": 0.0, "steps": 100},
    "six_hump_camel": {"lr": 0.0501, "x0": -1.4, "y0": 1.0, "steps": 100},
    "rastrigin": {"lr": 0.002, "x0": 2.25, "y0": 0.77, "steps": 50},
    "saddle": {"lr": 0.316, "x0": -1.3, "y0": 0.02, "steps": 60},
    "monkey_saddle": {"lr": 0.1, "x0": 0.9, "y0": 0.05, "steps": 100},
    "flat_sharp": {"lr": 0.5, "x0": -2.6, "y0": 2.6, "steps": 60},
    "rosenbrock": {"lr": 0.00126, "x0": 0.0, "y0": 2.5, "steps": 500},
}
DEFAULT_SURFACE = "ravine"
DEFAULTS = {"surface": DEFAULT_SURFACE, **SURFACE_DEFAULTS[DEFAULT_SURFACE]}


def curvature(surface_name, point=None):
    """``(lambda_min, lambda_max)`` of the Hessian at ``point`` (default: the global minimum)."""
    surface = gd.surfaces.get(surface_name)
    w = surface.minima[0] if point is None else np.asarray(point, dtype=np.float64)
    lo, hi = np.linalg.eigvalsh(surface.hessian(w))
    return float(lo), float(hi)


def rates(surface_name, point=None):
    r"""Gradient descent's stability bound :math:`2/\lambda_{\max}` and fastest rate :math:`2/(\lambda_{\min}+\lambda_{\max})`.

    On a quadratic each eigen-direction is multiplied by :math:`1 - \eta\lambda` per step; the
    slowest factor :math:`\max_i |1 - \eta\lambda_i|` is smallest, :math:`(\kappa - 1)/(\kappa + 1)`,
    at :math:`\eta^* = 2/(\lambda_{\min} + \lambda_{\max})`. For other surfaces these are the values of
    the local quadratic model at ``point`` (default: the global minimum); ``inf``/``nan`` without
    upward curvature.

    >>> rates("ravine")
    (0.08, 0.07692307692307693)
    """
    lo, hi = curvature(surface_name, point)
    bound = 2.0 / hi if hi > 0 else float("inf")
    fastest = 2.0 / (lo + hi) if lo > 0 else float("nan")
    return bound, fastest


def _preset(multiple=None, lr=None):
    x = SURFACE_DEFAULTS["ravine"]
    bound, _ = rates("ravine")
    return {"surface": "ravine", "lr": nearest_lr(lr if lr is not None else multiple * bound),
            "x0": x["x0"], "y0": x["y0"], "steps": 100}


#: Five rates on the ravine, smallest to largest. Names are checked against the runs in
#: tests/lessons/test_gradient_descent.py.
PRESETS = {
    "Too small": _preset(0.025),
    "Smooth": _preset(0.3),
    "Fastest": _preset(lr=rates("ravine")[1]),
    "Bounces": _preset(0.99),
    "Diverges": _preset(1.25),
}


def run(surface_name, lr, x0, y0, steps):
    """Plain gradient descent from ``(x0, y0)``: a :class:`gdcore.Trajectory`."""
    return gd.descend(gd.surfaces.get(surface_name), gd.SGD(lr=lr), (x0, y0), steps)


def next_step(surface_name, lr, point):
    r"""The step gradient descent takes from ``point``: :math:`-\eta\,\nabla L(w)` (zero where not finite)."""
    surface = gd.surfaces.get(surface_name)
    with np.errstate(all="ignore"):
        step = -lr * np.asarray(surface.grad(np.asarray(point, dtype=np.float64)), dtype=np.float64)
    return step if np.all(np.isfinite(step)) else np.zeros(2)


def step_lengths(points):
    """``‖w(t+1) − w(t)‖`` for each update t."""
    return np.linalg.norm(np.diff(np.asarray(points, dtype=np.float64), axis=0), axis=-1)


def _at(point):
    x, y = (float(v) + 0.0 for v in np.round(point, 2))  # + 0.0 turns -0.0 into 0.0
    return f"({x:g}, {y:g})"


def critical_points(surface_name):
    """Known critical points with a name a student reads: ``[(name, kind, point)]``, minima first.

    >>> [name for name, _, _ in critical_points("local_global")]
    ['the global minimum at (1.43, -0.95)', 'the local minimum at (-1.35, 1.08)', 'the saddle point at (-0.24, 0.26)']
    """
    surface = gd.surfaces.get(surface_name)
    names = minimum_names(surface.loss(surface.minima))
    if len(surface.minima) == 1:
        return [("the minimum", "minimum", surface.minima[0])]
    # Lettered names ("local minimum T") mean nothing on a map: say where instead.
    names = [n.rsplit(" ", 1)[0] if n.split()[-1] != "minimum" else n for n in names]
    out = [(f"the {name} at {_at(m)}", "minimum", m) for name, m in zip(names, surface.minima)]
    out += [(f"the saddle point at {_at(s)}", "saddle", s) for s in surface.saddles]
    out += [(f"the peak at {_at(m)}", "maximum", m) for m in surface.maxima]
    return out


def shown_critical_points(surface_name, end):
    """The critical points worth marking on the map: all of them, unless there are so many
    (Rastrigin has over 300) that they would carpet it; then the global minimum and the
    minimum nearest to ``end``."""
    surface = gd.surfaces.get(surface_name)
    if len(surface.minima) + len(surface.saddles) + len(surface.maxima) <= 12:
        return None  # charts.landscape's default: every known one
    end = np.asarray(end, dtype=np.float64)
    if not np.all(np.isfinite(end)):
        return {"minimum": surface.minima[:1]}
    near = int(np.argmin(np.linalg.norm(surface.minima - end, axis=-1)))
    return {"minimum": surface.minima[sorted({0, near})]}


@dataclass(frozen=True)
class Facts:
    """What one run of gradient descent did, in numbers."""

    surface: str
    lr: float
    steps: int            # updates asked for
    steps_done: int       # updates made (fewer when it diverged)
    status: str           # the Trajectory's status
    bound: float          # 2/lambda_max at the global minimum
    fastest: float        # 2/(lambda_min + lambda_max) at the global minimum
    lam_max: float        # lambda_max at the global minimum
    bound_start: float    # 2/lambda_max where the run starts
    loss_start: float
    loss_end: float       # at the last finite point
    target: str           # the critical point the run ends nearest ("the global minimum", ...)
    target_kind: str      # "minimum", "saddle" or "maximum"
    target_loss: float
    target_bound: float   # 2/lambda_max at the target
    distance_start: float  # from the start to the target
    distance_end: float
    tol: float            # "reached" means within tol of the target (1 % of the window)
    reached_at: int       # first step within tol of the target, -1 if never
    reversals: int        # updates that turned back (more than 90 degrees from the one before)
    first_step: float
    last_step: float
    longest_step: float
    longest_at: int       # the update that made the longest step
    growth: float         # per-step growth of the step length over the last 10 steps (> 1: growing)
    blowup: float         # last step length / the longest step of the run's first half
    recent_step: float    # mean length of the last 10 steps
    recent_gain: float    # how much closer to the target the last 10 steps brought it (> 0: closing in)
    typical_grad: float   # median gradient norm along the run

    @property
    def multiple(self):
        """eta as a multiple of the stability bound at the global minimum."""
        return self.lr / self.bound

    @property
    def covered(self):
        """Share of the straight-line distance to the target already covered (1 = arrived)."""
        return 1.0 - self.distance_end / self.distance_start if self.distance_start > 0 else 1.0

    @property
    def reached(self):
        return self.verdict in ("reached", "stuck")

    @property
    def verdict(self):
        """One word for the outcome, decided in this order:

        ``diverged`` (left every sensible range), ``growing`` (bounded so far, but the steps grow
        steadily, the last is over 10x the longest of the first half, and the loss is above its
        start: a run that would leave the chart), ``reached`` a minimum / ``stuck`` at a saddle
        (ends within ``tol`` of it), ``bouncing`` (its recent steps are still longer than ``tol``, and it
        turns back often or η is above the bound where it is),
        ``crawling`` (covered less than half the way), else ``on_its_way``.
        """
        if self.status == "diverged":
            return "diverged"
        if self.growth > 1.01 and self.blowup > 10 and self.loss_end > self.loss_start:
            return "growing"
        if self.distance_end <= self.tol:
            return "reached" if self.target_kind == "minimum" else "stuck"
        restless = self.recent_step > self.tol  # still taking steps longer than the target's tolerance
        if restless and (self.reversals >= 0.3 * self.steps_done or self.lr > self.target_bound):
            return "bouncing"
        if self.covered < 0.5:
            return "crawling"
        return "on_its_way"


def _growth(lengths, window=10):
    """Geometric mean of the step-length ratio over the last ``window`` steps (0 when too short)."""
    k = min(window, len(lengths) - 1)
    if k < 1 or lengths[-1 - k] <= 0:
        return 0.0
    return float((lengths[-1] / lengths[-1 - k]) ** (1.0 / k))


def facts(surface, lr, x0, y0, steps, traj=None):
    """The :class:`Facts` of the run with these settings (``traj`` if already computed)."""
    surface_name = surface
    surface = gd.surfaces.get(surface_name)
    traj = run(surface_name, lr, x0, y0, steps) if traj is None else traj
    points = traj.points
    finite = np.isfinite(points).all(axis=-1)
    pts = points[finite]
    end = pts[-1]
    losses = np.asarray(traj.losses)[finite]
    (xa, xb), (ya, yb) = surface.bounds
    tol = 0.01 * min(xb - xa, yb - ya)
    crit = critical_points(surface_name)
    distances = [float(np.linalg.norm(end - p)) for _, _, p in crit]
    nearest = int(np.argmin(distances))
    if distances[nearest] > tol:
        # Not at any critical point: measure progress towards the nearest minimum.
        minima = [i for i, c in enumerate(crit) if c[1] == "minimum"]
        nearest = min(minima, key=lambda i: distances[i])
    name, kind, point = crit[0] if traj.status == "diverged" else crit[nearest]
    to_target = np.linalg.norm(pts - point, axis=-1)
    within = np.flatnonzero(to_target <= tol)
    lengths = step_lengths(pts)
    # A turn counts when both steps are visible (longer than a millionth of the window):
    # steps of 1e-16 at a minimum jitter in every direction.
    moves = np.diff(pts, axis=0)
    visible = lengths > 1e-6 * min(xb - xa, yb - ya)
    turned = (np.sum(moves[1:] * moves[:-1], axis=-1) < 0) & visible[1:] & visible[:-1]
    reversals = int(turned.sum())
    bound, fastest = rates(surface_name)
    return Facts(
        surface=surface_name,
        lr=float(lr),
        steps=int(steps),
        steps_done=int(traj.steps_done),
        status=str(traj.status),
        bound=bound,
        fastest=fastest,
        lam_max=curvature(surface_name)[1],
        bound_start=rates(surface_name, pts[0])[0],
        loss_start=float(losses[0]),
        loss_end=float(losses[-1]),
        target=name,
        target_kind=kind,
        target_loss=float(surface.loss(point)),
        target_bound=float(surface.max_stable_lr_at(point)),
        distance_start=float(to_target[0]),
        distance_end=float(to_target[-1]),
        tol=float(tol),
        reached_at=int(within[0]) if len(within) else -1,
        reversals=reversals,
        first_step=float(lengths[0]) if len(lengths) else 0.0,
        last_step=float(lengths[-1]) if len(lengths) else 0.0,
        longest_step=float(lengths.max()) if len(lengths) else 0.0,
        longest_at=int(lengths.argmax()) if len(lengths) else 0,
        growth=_growth(lengths),
        recent_step=float(lengths[-10:].mean()) if len(lengths) else 0.0,
        recent_gain=float(to_target[max(0, len(to_target) - 11)] - to_target[-1]),
        typical_grad=float(np.median(np.asarray(traj.grad_norms)[finite])),
        blowup=float(lengths[-1] / lengths[: max(1, len(lengths) // 2)].max())
        if len(lengths) > 1 and lengths[: max(1, len(lengths) // 2)].max() > 0 else 0.0,
    )


@dataclass(frozen=True)
class Story:
    """What the page says about a run: ``tone`` is the Streamlit call (success, info, warning, error)."""

    tone: str
    text: str





def _length(x):
    return number(x) if x >= 1e-12 else "less than 10⁻¹²"


def _steps(f):
    """How the step length changed: it is η times the gradient, so it follows the slope."""
    if f.longest_step > 3 * f.first_step:
        return (f"The steps grew from {number(f.first_step)} to {number(f.longest_step)} (step {f.longest_at}) as the "
                f"ground got steeper, then shrank to {_length(f.last_step)} as it flattened at the bottom.")
    return (f"The steps shrank by themselves as the ground flattened: the first was {number(f.first_step)} long, "
            f"the last {_length(f.last_step)}.")


def _times(n):
    return "once" if n == 1 else f"{n} times"


def rate_caption(surface_name, lr):
    """The line under the learning-rate slider: the bound, the fastest rate, and where η sits."""
    bound, fastest = rates(surface_name)
    best = f" Fastest: η* = 2/(λ_min + λ_max) = **{number(fastest)}**." if np.isfinite(fastest) else ""
    return (
        f"Stability bound at {critical_points(surface_name)[0][0]}: 2/λ_max = **{number(bound)}**.{best} "
        f"Your η is **{lr / bound:.2f}×** the bound."
    )


def story(f):
    """The sentences the page prints about the run, from the facts alone."""
    v = f.verdict
    steps = f"{f.steps_done} step{'s' if f.steps_done != 1 else ''}"
    fall = f"the loss went from {number(f.loss_start)} to {number(f.loss_end)}"
    if v == "diverged":
        why = (
            f"η = {number(f.lr)} is {f.multiple:.2f}× the stability bound {number(f.bound)}: near the minimum each step "
            f"multiplies the distance along its steepest direction by |1 − ηλ_max| = {abs(1 - f.lr * f.lam_max):.2f}, more than 1."
            if f.lr > f.bound else
            f"η = {number(f.lr)} is below the bound {number(f.bound)} at the minimum, but where it started the surface "
            f"is steeper: there 2/λ_max = {number(f.bound_start)}."
            if f.lr > f.bound_start else
            f"η = {number(f.lr)} was too large for the steep ground it crossed."
        )
        return Story("error", (
            f"**Diverged** after {steps}: every step overshot by more than the one before, until the weights left "
            f"every sensible range (‖w‖ > 10⁸). {why} The chart shows the finite part of the run; lower η."
        ))
    if v == "growing":
        return Story("warning", (
            f"**Blowing up.** Over the last steps each step was {f.growth:.2f}× as long as the one before, and the last "
            f"was {f.blowup:.0f}× the longest of the run's first half; after {steps} {fall}, higher than where it "
            f"started. At this rate it leaves the chart. η = {number(f.lr)} is {f.multiple:.2f}× the stability bound "
            f"{number(f.bound)}. Lower η."
        ))
    turns = f" On the way it overshot and turned back {_times(f.reversals)}." if f.reversals else ""
    if v == "reached":
        return Story("success", (
            f"**Reached {f.target}** (within {number(f.tol)} of it) at step {f.reached_at}; after {steps} {fall}. "
            f"{_steps(f)}{turns}"
        ))
    if v == "stuck":
        return Story("warning", (
            f"**Stopped at {f.target}, not a minimum.** From step {f.reached_at} on it sat within {number(f.tol)} of it, "
            f"where the gradient is zero; after {steps} {fall}. Try a start slightly off this line."
        ))
    if f.covered >= 0:
        done = round(100 * f.covered)  # the two shares add up to 100 as printed
        left = f"covered {done} % of the way to {f.target}, {100 - done} % still to go"
    else:
        left = (f"ended farther from {f.target} than it started ({number(f.distance_end)} away, against "
                f"{number(f.distance_start)} at the start)")
    if v == "bouncing":
        k, factor = f.lr / f.target_bound, abs(1 - 2 * f.lr / f.target_bound)
        if 0.9 < k < 1:
            how = (f"η is {k:.2f}× the bound {number(f.target_bound)} of {f.target}, just under it: each step jumps "
                   f"across the valley and lands almost as far up the other side (each bounce is {factor:.2f} of the last)")
        elif k >= 1:
            how = (f"η is {k:.2f}× the bound {number(f.target_bound)} of {f.target}: near it every bounce would be "
                   f"{factor:.2f}× the last, so it cannot settle there and keeps jumping about")
        else:
            how = "each step overshoots the lowest ground and lands on the far side"
        return Story("warning", (
            f"**Bounces without settling:** it turned back on {f.reversals} of {f.steps_done} steps, because {how}. "
            f"After {steps} it has {left}; {fall}."
        ))
    if v == "crawling":
        return Story("info", (
            f"**Crawling:** after {steps} it has {left.replace('covered', 'covered only', 1)}. Each step is η times the gradient: with "
            f"η = {number(f.lr)} and gradients of typically {number(f.typical_grad)} here, the steps are short (the last "
            f"was {_length(f.last_step)} long). {fall.capitalize()}. Raise η or run more steps."
        ))
    if f.recent_gain > 0:
        pace = (f"It is still closing in, {number(f.recent_gain)} nearer over the last 10 steps, but the steps "
                f"shrink as the ground flattens (the last was {_length(f.last_step)} long): more steps would finish.")
    else:
        pace = f"Over the last 10 steps it got no nearer (the last step was {_length(f.last_step)} long)."
    return Story("info", f"**On its way:** after {steps} it has {left}; {fall}. {pace}{turns}")
