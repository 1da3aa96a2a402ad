r"""Learning-rate schedules: decay to settle, cycles and warm restarts to leave a narrow minimum.

Two runs of :math:`w_{t+1} = w_t - \eta_t\,\nabla L(w_t)` from the same start, each with its
own schedule :math:`\eta_t`. What the page says comes from the runs: the minima each run
rested in and when, which update's rate rose above a minimum's stability bound
:math:`2/\lambda_{\max}` (the most a run can use and still stay there), where each ends and
which ends lower.

Both charts of the page count updates along their x axis, and so do the sentences: the lr
of update ``t`` is the schedule's :math:`\eta_t` (``t = 0`` is the first update, as in the
schedules' own formulas), and a run is "at update ``p``" once ``p`` updates are done (its
point ``p``, the loss chart's x).

>>> f = facts(**DEFAULTS)
>>> f.b.exits[0].rise, f.lower
(75, None)
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

import gdcore as gd
from gdcore.charts import minimum_names, plain

LRS = (0.001, 0.002, 0.003, 0.005, 0.007, 0.01, 0.015, 0.02, 0.03, 0.05, 0.07, 0.1, 0.12, 0.15, 0.18, 0.2,
       0.25, 0.3, 0.4, 0.5, 0.7, 1.0, 1.2, 1.5, 2.0, 3.0)
GAMMAS = (0.9, 0.95, 0.97, 0.98, 0.99, 0.995, 0.999)
FLOORS = (0.0, 0.01, 0.025, 0.05, 0.1, 0.2, 0.5)
SHAPES = {"triangular": "same height every cycle", "triangular2": "height halves every cycle"}
KINDS = {
    "constant": "Constant",
    "step_decay": "Step decay",
    "exponential": "Exponential decay",
    "cosine": "Cosine annealing",
    "cosine_restarts": "Cosine with warm restarts",
    "cyclic": "Cyclical (triangle)",
    "one_cycle": "One cycle",
}
#: The widgets of each kind of schedule (their names after the "a_"/"b_" prefix).
FIELDS = {
    "constant": (),
    "step_decay": ("step", "gamma_step"),
    "exponential": ("gamma",),
    "cosine": ("tmax", "floor"),
    "cosine_restarts": ("t0", "tmult", "floor"),
    "cyclic": ("floor", "up", "mode"),
    "one_cycle": ("pct",),
}
#: Default of every schedule widget, the same for A and B.
PARAM_DEFAULTS = {"step": 50, "gamma_step": 0.5, "gamma": 0.97, "tmax": 300, "floor": 0.0, "t0": 75, "tmult": 1,
                  "up": 75, "mode": "triangular", "pct": 0.3}
SURFACES = ("flat_sharp", "six_hump_camel", "rastrigin", "local_global", "himmelblau", "ravine")
#: What each surface starts with: a start away from its minima and a peak lr below its divergence,
#: near its minima's stability bounds. Switching the surface resets these.
SURFACE_DEFAULTS = {
    "flat_sharp": {"x0": 2.6, "y0": -2.6, "a_lr": 0.5, "b_lr": 0.5},
    "six_hump_camel": {"x0": -1.4, "y0": 1.0, "a_lr": 0.1, "b_lr": 0.1},
    "rastrigin": {"x0": 2.25, "y0": 0.77, "a_lr": 0.005, "b_lr": 0.005},
    "local_global": {"x0": 3.0, "y0": -3.0, "a_lr": 1.0, "b_lr": 1.0},
    "himmelblau": {"x0": -0.5, "y0": 0.0, "a_lr": 0.02, "b_lr": 0.02},
    "ravine": {"x0": -2.4, "y0": 1.8, "a_lr": 0.07, "b_lr": 0.07},
}


def _preset(surface, steps, a, b):
    """Widget values of a preset: ``a`` and ``b`` are ``{"kind": ..., "lr": ..., field: value}``."""
    values = {"surface": surface, "steps": steps, "x0": SURFACE_DEFAULTS[surface]["x0"],
              "y0": SURFACE_DEFAULTS[surface]["y0"]}
    for key, spec in (("a", a), ("b", b)):
        values[key] = spec["kind"]
        # Every widget of the kind, so that no value left over from before changes the preset's run.
        values.update({f"{key}_{field}": spec.get(field, PARAM_DEFAULTS[field]) for field in FIELDS[spec["kind"]]})
        values[f"{key}_lr"] = spec["lr"]
    return values


#: Widget values of each preset button; each lesson is asserted in tests/lessons/test_schedules.py.
PRESETS = {
    "Warm restarts": _preset("flat_sharp", 300, {"kind": "exponential", "lr": 0.5, "gamma": 0.97},
                             {"kind": "cosine_restarts", "lr": 0.5, "t0": 75, "tmult": 1, "floor": 0.0}),
    "Cyclical": _preset("six_hump_camel", 300, {"kind": "cosine", "lr": 0.05, "tmax": 300, "floor": 0.0},
                        {"kind": "cyclic", "lr": 0.18, "floor": 0.025, "up": 75, "mode": "triangular"}),
    "Annealing": _preset("local_global", 300, {"kind": "constant", "lr": 1.2},
                         {"kind": "cosine", "lr": 1.2, "tmax": 300, "floor": 0.0}),
}
DEFAULT_PRESET = "Warm restarts"
DEFAULTS = PRESETS[DEFAULT_PRESET]


def spec(values, key):
    """``(kind, lr, params)`` of schedule ``key`` ("a" or "b") from widget values, as plain hashable values.

    Missing parameters take :data:`PARAM_DEFAULTS`.

    >>> spec(DEFAULTS, "a")
    ('exponential', 0.5, (('gamma', 0.97),))
    """
    kind = values[key]
    params = {field: values.get(f"{key}_{field}", PARAM_DEFAULTS[field]) for field in FIELDS[kind]}
    return kind, float(values[f"{key}_lr"]), tuple(sorted(params.items()))


def build(kind, lr, steps, params):
    """The gdcore schedule for widget values ``params`` (a dict or pairs of plain numbers)."""
    p = dict(params)
    s = gd.schedules
    if kind == "constant":
        return s.constant(lr)
    if kind == "step_decay":
        return s.step_decay(lr, p["step"], p["gamma_step"])
    if kind == "exponential":
        return s.exponential(lr, p["gamma"])
    if kind == "cosine":
        return s.cosine(lr, p["tmax"], eta_min=p["floor"] * lr)
    if kind == "cosine_restarts":
        return s.cosine_restarts(lr, p["t0"], p["tmult"], eta_min=p["floor"] * lr)
    if kind == "cyclic":
        return s.cyclic(p["floor"] * lr, lr, p["up"], mode=p["mode"])
    return s.one_cycle(lr, steps, pct_start=p["pct"])


def run_one(surface_name, x0, y0, steps, kind, lr, params):
    """One run of plain gradient descent with this schedule."""
    schedule = build(kind, lr, steps, params)
    return gd.descend(gd.surfaces.get(surface_name), gd.SGD(lr=lr), (x0, y0), steps, schedule=schedule)


def run(surface, x0, y0, steps, a, b):
    """Both runs from the same start: ``a`` and ``b`` are ``(kind, lr, params)`` (see :func:`spec`)."""
    return run_one(surface, x0, y0, steps, *a), run_one(surface, x0, y0, steps, *b)


# --- what the runs did ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Minimum:
    index: int
    name: str             # "global minimum", "local minimum A", ...
    point: tuple
    loss: float
    bound: float          # 2/lambda_max there: a run stays only while eta is below it


@dataclass(frozen=True)
class Stay:
    minimum: int          # index into the surface's minima
    first: int            # first step of the stay
    last: int             # last step of the stay


@dataclass(frozen=True)
class Exit:
    """A run left a minimum it had rested in, and settled in another one."""

    minimum: int
    arrived: int          # the step it arrived
    left: int             # its last step inside; the update of that number took it out
    rise: int | None      # the first update of the stay whose eta was above the bound (None: never)
    rise_lr: float | None
    to: int               # the minimum it rested in next
    to_step: int          # the step it arrived there
    near: float           # its distance from the minimum at the rise (or on arrival)
    far: float            # its distance from the minimum at its last step inside


@dataclass(frozen=True)
class Run:
    name: str             # "A" or "B"
    kind: str
    lr: float             # the peak lr
    status: str
    steps_done: int
    lr_max: float
    lr_last: float
    lr_min: float
    final: tuple
    final_loss: float
    stays: tuple
    exits: tuple
    end: int | None       # the minimum it rests in at the end, None if it rests nowhere
    unstable: tuple | None  # (first, last) update, once settled in its final minimum, with eta above its bound again
    drift: tuple          # its distance from the bottom when that began, and the most it reached
    nearest: int          # the minimum nearest to where it ends
    below_at: int | None  # first update with eta below the nearest minimum's bound (None: never)

    @property
    def diverged(self):
        return self.status == "diverged"


@dataclass(frozen=True)
class Facts:
    surface: str
    title: str
    steps: int
    minima: tuple
    a: Run
    b: Run
    lower: str | None     # which run ends at the lower loss ("A", "B"), None when about equal
    tie_tol: float

    def minimum(self, index):
        return self.minima[index]


#: A stay is at least this many consecutive steps within TOL (a share of the window) of one minimum.
MIN_STAY = 5
TOL = 0.02


def stays(surface, points):
    """The minima a run rests in, in order: a :class:`Stay` for each stretch of at least MIN_STAY steps.

    Two stretches at the same minimum with only a brief excursion between them are one stay.
    """
    (xa, xb), (ya, yb) = surface.bounds
    tol = TOL * min(xb - xa, yb - ya)
    finite = np.isfinite(points).all(axis=-1)
    d = np.linalg.norm(np.where(finite[:, None], points, np.inf)[:, None, :] - surface.minima[None, :, :], axis=-1)
    label = np.where(d.min(axis=1) < tol, d.argmin(axis=1), -1)
    out = []
    start = 0
    for t in range(1, len(label) + 1):
        if t == len(label) or label[t] != label[start]:
            if label[start] >= 0 and t - start >= MIN_STAY:
                if out and out[-1].minimum == label[start]:
                    out[-1] = Stay(out[-1].minimum, out[-1].first, t - 1)
                else:
                    out.append(Stay(int(label[start]), start, t - 1))
            start = t
    return tuple(out)


def _run_facts(name, surface, minima, kind, lr, traj):
    points = np.asarray(traj.points)
    lrs = np.asarray(traj.lrs)
    finite = np.isfinite(points).all(axis=-1)
    last = points[finite][-1]
    runs = stays(surface, points)
    exits = []
    for here, there in zip(runs, runs[1:]):
        bound = minima[here.minimum].bound
        window = lrs[here.first:here.last + 1]
        over = np.flatnonzero(window > bound)
        rise = here.first + int(over[0]) if len(over) else None
        where = surface.minima[here.minimum]
        exits.append(Exit(minimum=here.minimum, arrived=here.first, left=here.last, rise=rise,
                          rise_lr=float(lrs[rise]) if rise is not None else None, to=there.minimum, to_step=there.first,
                          near=float(np.linalg.norm(points[here.first if rise is None else rise] - where)),
                          far=float(np.linalg.norm(points[here.last] - where))))
    end = runs[-1].minimum if runs and runs[-1].last == len(points) - 1 and traj.status != "diverged" else None
    unstable, drift = None, (0.0, 0.0)
    if end is not None:
        # After it has settled (its eta below the bound), did the eta rise above the bound again?
        rest, bound = runs[-1], minima[end].bound
        window = lrs[rest.first:rest.last]
        settled = np.flatnonzero(window <= bound)
        over = np.flatnonzero(window > bound)
        over = rest.first + over[over > settled[0]] if len(settled) else over[:0]
        if len(over):
            unstable = (int(over[0]), int(over[-1]))
            d = np.linalg.norm(points[over[0]:over[-1] + 2] - surface.minima[end], axis=-1)
            drift = (float(d[0]), float(d.max()))
    nearest = int(np.argmin(np.linalg.norm(surface.minima - last, axis=-1)))
    below = np.flatnonzero(lrs < minima[nearest].bound)
    return Run(
        name=name, kind=kind, lr=float(lr), status=str(traj.status), steps_done=int(traj.steps_done),
        lr_max=float(lrs.max()) if len(lrs) else float(lr), lr_last=float(lrs[-1]) if len(lrs) else float(lr),
        lr_min=float(lrs.min()) if len(lrs) else float(lr),
        final=(float(last[0]), float(last[1])), final_loss=float(surface.loss(last)),
        stays=runs, exits=tuple(exits), end=end, unstable=unstable, drift=drift, nearest=nearest,
        below_at=int(below[0]) if len(below) else None,
    )


def minima_of(surface_name):
    surface = gd.surfaces.get(surface_name)
    names = minimum_names(surface.loss(surface.minima))
    return tuple(
        Minimum(index=i, name=names[i], point=(float(m[0]), float(m[1])), loss=float(surface.loss(m)),
                bound=float(surface.max_stable_lr_at(m)))
        for i, m in enumerate(surface.minima)
    )


def facts(surface, x0, y0, steps, a=None, b=None, runs=None, **values):
    """The :class:`Facts` of both runs.

    Call it with widget values (``facts(**DEFAULTS)``) or with the two specs ``a``, ``b`` of
    :func:`spec`; ``runs`` = the result of :func:`run`, if already computed.
    """
    if isinstance(a, str) or a is None:
        widget = {"a": a, "b": b, **values}
        a, b = spec(widget, "a"), spec(widget, "b")
    name = surface
    surface = gd.surfaces.get(name)
    ta, tb = run(name, x0, y0, steps, a, b) if runs is None else runs
    minima = minima_of(name)
    ra = _run_facts("A", surface, minima, a[0], a[1], ta)
    rb = _run_facts("B", surface, minima, b[0], b[1], tb)
    tie = 0.01 * max(1.0, abs(ra.final_loss), abs(rb.final_loss))
    if ra.diverged or rb.diverged or abs(ra.final_loss - rb.final_loss) < tie:
        lower = None if not (ra.diverged ^ rb.diverged) else ("B" if ra.diverged else "A")
    else:
        lower = "A" if ra.final_loss < rb.final_loss else "B"
    return Facts(surface=name, title=surface.title, steps=int(steps), minima=minima, a=ra, b=rb, lower=lower,
                 tie_tol=tie)


# --- what the page says ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Story:
    """One thing the page says: ``tone`` is the Streamlit call (success, info, warning, error, markdown)."""

    tone: str
    text: str


#: How the sentences name each kind of schedule.
NAMES = {"constant": "constant", "step_decay": "step decay", "exponential": "exponential decay",
         "cosine": "cosine annealing", "cosine_restarts": "warm restarts", "cyclic": "cyclical",
         "one_cycle": "one cycle"}


def loss(x):
    """Losses with four significant digits: minima of nearly equal depth still differ."""
    return plain(x, 4)


def distance(x):
    return plain(x) if x >= 1e-12 else "less than 10⁻¹²"


def at(point):
    x, y = (round(float(v), 2) + 0.0 for v in point)  # + 0.0 turns -0.0 into 0.0
    return f"({x:.2f}, {y:.2f})"


def describe(m):
    """A minimum as the page names it, with where it is, its loss and its bound."""
    return f"the {m.name} at {at(m.point)} (loss {loss(m.loss)}; stable only for η < {plain(m.bound)})"


def short(m):
    return f"the {m.name} at {at(m.point)}"


def run_lines(f, r):
    """What one run did: diverged, was thrown out of minima, is not resting."""
    label = f"Run {r.name} ({NAMES[r.kind]})"
    if r.diverged:
        return [Story("error", (
            f"**{label} diverged** after {r.steps_done} updates: its η reached {plain(r.lr_max)}, too large for this "
            "surface, and its steps grew until the weights left every sensible range. The chart shows the finite "
            "part; lower the peak η."
        ))]
    lines = []
    for e in r.exits:
        m, to = f.minimum(e.minimum), f.minimum(e.to)
        if e.rise is not None:
            how = (f"at update {e.rise} its η rose to {plain(e.rise_lr)}, above that minimum's bound {plain(m.bound)}, "
                   "so each step jumped across it" + (
                       f": its distance from the bottom grew from {distance(e.near)} to {distance(e.far)}, and update "
                       f"{e.left} threw it out" if e.left > e.rise else ", and that very update threw it out"))
        else:
            how = f"η stayed below its bound {plain(m.bound)}, yet update {e.left} carried it out"
        lines.append(Story("info", (
            f"**{label} was thrown out of a minimum.** From update {e.arrived} it rested in {describe(m)}; {how}. "
            f"From update {e.to_step} it rested in {short(to)} instead."
        )))
    if r.end is not None and not r.exits:
        m, rest = f.minimum(r.end), r.stays[-1]
        since = (f"; its η has been below that minimum's bound {plain(m.bound)} since update {r.below_at}"
                 if r.below_at is not None and r.below_at > 0 else "")
        lines.append(Story("markdown", f"**{label}** rests in {short(m)} from update {rest.first} on{since}."))
    if r.unstable is not None:
        m = f.minimum(r.end)
        first, last = r.unstable
        span = f"update {first}" if first == last else f"updates {first} to {last}"
        lines.append(Story("markdown", (
            f"At {span} run {r.name}'s η was above the bound {plain(m.bound)} of {short(m)} as well, yet it stayed: "
            + ("it sat on the bottom to within 10⁻¹², where the gradient is zero to rounding, so the jumps had nothing "
               "to grow from." if r.drift[1] < 1e-12 else
               f"it sat so close to the bottom (within {distance(r.drift[0])}) that its distance grew only to "
               f"{distance(r.drift[1])} before η fell again.")
        )))
    if r.end is None:
        near = f.minimum(r.nearest)
        if r.below_at is None and r.kind == "constant":
            why = (f"its η stays at {plain(r.lr)}, above {plain(near.bound)}, the bound of the nearest minimum, "
                   f"{short(near)}, so every step jumps across it. A constant rate never gets lower; "
                   "a decaying schedule would let it settle.")
        elif r.below_at is None:
            why = (f"its η never fell below {plain(near.bound)}, the bound of the nearest minimum, {short(near)} "
                   f"(at its lowest it was {plain(r.lr_min)}), so every step jumps across it. Let the schedule "
                   "decay further.")
        elif r.lr_last > near.bound:
            why = (f"its last η, {plain(r.lr_last)}, is back above the bound {plain(near.bound)} of the nearest minimum, "
                   f"{short(near)}, so it is jumping across it.")
        else:
            why = (f"its η has been below the bound {plain(near.bound)} of the nearest minimum, {short(near)}, since "
                   f"update {r.below_at}, but it has not arrived yet. Allow more updates or a larger η.")
        lines.append(Story("warning", (
            f"**{label} is not resting in a minimum** after {r.steps_done} updates (it is at {at(r.final)}): {why}"
        )))
    return lines


def ending(f):
    """Where the two runs end, and which ends lower."""
    a, b = f.a, f.b
    if a.diverged and b.diverged:
        return Story("error", "Both runs diverged: lower both peak learning rates.")
    if a.diverged or b.diverged:
        ok = b if a.diverged else a
        where = f"in {describe(f.minimum(ok.end))}" if ok.end is not None else f"at {at(ok.final)}, not resting in a minimum"
        return Story("info", f"Only run {ok.name} stays finite; it ends {where}.")
    losses = f"(loss {loss(a.final_loss)} for A, {loss(b.final_loss)} for B)"
    if a.end is not None and a.end == b.end:
        return Story("success", f"**Both runs end in {describe(f.minimum(a.end))}.**")
    depth = f"**Run {f.lower} ends lower** {losses}." if f.lower else f"Neither ends clearly lower {losses}."
    if a.end is not None and b.end is not None:
        ma, mb = f.minimum(a.end), f.minimum(b.end)
        text = f"**The two schedules end in different minima.** A ends in {describe(ma)}; B in {describe(mb)}. {depth}"
        if ma.bound != mb.bound:
            narrow, wide = (ma, mb) if ma.bound < mb.bound else (mb, ma)
            text += (f" The {narrow.name}'s bound is {plain(wide.bound / narrow.bound)} times smaller: it is the "
                     "narrower one, and a large η cannot stay in it.")
        return Story("success", text)
    resting = [r for r in (a, b) if r.end is not None]
    if resting:
        r = resting[0]
        depth += f" Run {r.name} rests in {describe(f.minimum(r.end))}; run {'B' if r.name == 'A' else 'A'} rests nowhere."
    return Story("success" if f.lower else "info", depth)


def story(f):
    """Run A's events, run B's events, then where they end."""
    return run_lines(f, f.a) + run_lines(f, f.b) + [ending(f)]
