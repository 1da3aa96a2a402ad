"""Local minima: the start decides which valley gradient descent ends in; a large step can jump ridges.

The page runs gradient descent from every cell of a grid twice, at the chosen
step and at a careful one (``SMALL`` times the bound), and from one start of
the student's choosing at both steps. ``facts`` counts where the starts end,
how many of them end in a different minimum than at the careful step, and
where the student's run ends; ``story`` says it in words.

Learning rates are given as multiples of the stability bound 2/λ_max at the
global minimum, so one slider fits every surface.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

import gdcore as gd
from gdcore import charts
from lessons.text import whole_percentages

SURFACES = ("local_global", "himmelblau", "six_hump_camel", "rastrigin")
SCALES = (0.05, 0.1, 0.2, 0.3, 0.5, 0.7, 0.8, 0.9, 1.0, 1.1, 1.2, 1.5, 2.0)
RESOLUTIONS = (20, 40, 60, 80, 100)
SMALL = 0.1  # the careful step every map is compared with, as a multiple of the bound
LISTED = 6  # with more minima than this, sentences group them as "local minima"

# What switching to a surface sets: a step that settles everywhere and a start worth watching.
SURFACE_DEFAULTS = {
    "local_global": {"lr_scale": 0.3, "x0": -2.4, "y0": 2.4},
    "himmelblau": {"lr_scale": 0.3, "x0": 2.0, "y0": -4.0},
    "six_hump_camel": {"lr_scale": 0.3, "x0": 1.98, "y0": -0.5},
    "rastrigin": {"lr_scale": 0.3, "x0": -3.07, "y0": 3.07},
}
DEFAULTS = {"surface": "local_global", "steps": 300, "resolution": 60, **SURFACE_DEFAULTS["local_global"]}
PRESETS = {
    "The start decides": dict(DEFAULTS),
    "Large steps jump ridges": {**DEFAULTS, "surface": "six_hump_camel", "lr_scale": 0.7, "x0": 1.98, "y0": -0.5},
    "Too large for sharp minima": {**DEFAULTS, "surface": "himmelblau", "lr_scale": 0.9, "x0": 2.0, "y0": -4.0},
    "Many local minima": {**DEFAULTS, "surface": "rastrigin", "lr_scale": 0.3, "x0": -3.07, "y0": 3.07},
}
PRESET_NOTES = {
    "The start decides": "two valleys: the start, not the depth, decides where a run ends",
    "Large steps jump ridges": "every minimum is stable at this step, yet long first steps carry some starts over a ridge",
    "Too large for sharp minima": "the step is above the bound of two of the four minima: their basins empty",
    "Many local minima": "over a hundred minima: almost every start ends in a local one",
}


def stability_bounds(name):
    """2 / λ_max of the Hessian at each minimum: the largest lr that can settle there."""
    surface = gd.surfaces.get(name)
    return np.asarray(surface.max_stable_lr_at(surface.minima), dtype=np.float64)


def learning_rate(name, scale):
    """η = scale × 2/λ_max at the global minimum."""
    return float(scale * stability_bounds(name)[0])


@dataclass(frozen=True, eq=False)
class Run:
    """Everything the page draws: the grid at both steps and the student's run at both steps."""

    surface: str
    lr_scale: float
    steps: int
    resolution: int
    start: tuple
    basins: object  # gd.Basins at η
    careful: object  # gd.Basins at SMALL × the bound
    traj: object  # the student's run at η
    careful_traj: object  # the same start at the careful step

    @property
    def jumped(self):
        """(res, res) bool: starts that reach a minimum at both steps, but not the same one."""
        return jumped(self.basins, self.careful)


def jumped(basins, careful):
    """(res, res) bool: starts that reach a minimum at both steps, but not the same one."""
    now, before = basins.labels, careful.labels
    return (now >= 0) & (before >= 0) & (now != before)


def basin_map(surface, lr_scale, steps, resolution):
    """Where each start of a ``resolution`` x ``resolution`` grid ends at η = ``lr_scale`` x the bound."""
    return gd.basins(gd.surfaces.get(surface), gd.SGD(lr=learning_rate(surface, lr_scale)), resolution, steps)


def maps(surface, lr_scale, steps, resolution, *, mapper=basin_map):
    """Both basin maps, at η and at the careful step: they do not depend on the start.

    ``mapper`` makes each map (:func:`basin_map`, or a page's cached copy of it).
    """
    return mapper(surface, lr_scale, steps, resolution), mapper(surface, SMALL, steps, resolution)


def descent(surface, lr_scale, steps, x0, y0):
    """One run from (x0, y0) at η = ``lr_scale`` x the bound, its losses computed (so a cache keeps them)."""
    traj = gd.descend(gd.surfaces.get(surface), gd.SGD(lr=learning_rate(surface, lr_scale)), (x0, y0), steps)
    _ = traj.losses  # computed on first use
    return traj


def run(surface, lr_scale, steps, resolution, x0, y0, basin_maps=None, descend=descent):
    """Both basin maps (η and the careful step) and the run from (x0, y0) at both steps.

    ``basin_maps`` is :func:`maps` of the same arguments when already known, and ``descend``
    makes each run (:func:`descent`, or a page's cached copy of it): a page caches both, so
    moving the start does not map every start again, and moving η does not redo the careful run.
    """
    traj = descend(surface, lr_scale, steps, x0, y0)
    careful_traj = descend(surface, SMALL, steps, x0, y0)
    basins, careful = basin_maps if basin_maps is not None else maps(surface, lr_scale, steps, resolution)
    return Run(
        surface=surface, lr_scale=float(lr_scale), steps=int(steps), resolution=int(resolution),
        start=(float(x0), float(y0)), basins=basins, careful=careful, traj=traj, careful_traj=careful_traj,
    )


def reached(basins, traj):
    """The minimum a single run reached, by the rule of ``gd.basins``; -1 for none.

    Reached: it ends within ``basins.radius`` of its nearest minimum and has
    settled there (its last step is at most a tenth of the radius, or it
    stopped by tolerance), and it did not diverge.
    """
    if traj.status == "diverged" or not len(basins.minima):
        return -1
    distance = np.linalg.norm(basins.minima - traj.final, axis=-1)
    k = int(np.argmin(distance))
    last = float(np.linalg.norm(traj.points[-1] - traj.points[-2])) if len(traj.points) > 1 else 0.0
    settled = last <= basins.radius / 10 or traj.status == "converged"
    return k if distance[k] <= basins.radius and settled else -1


@dataclass(frozen=True)
class Facts:
    surface: str
    title: str
    lr_scale: float
    lr: float
    bound: float  # 2/λ_max at the global minimum
    careful_lr: float
    steps: int
    starts: int  # cells in the grid
    names: tuple
    minima: tuple  # ((w1, w2), ...)
    losses: tuple
    bounds: tuple  # 2/λ_max at each minimum
    is_global: tuple
    shares: tuple  # per minimum, then "none", at η; sums to 1
    careful_shares: tuple
    jumped: float  # share of starts in a different minimum than at the careful step
    lost: float  # share that settled at the careful step and reaches none at η
    diverged: float
    too_sharp: tuple  # indices of minima whose bound is below η
    start: tuple
    status: str
    steps_done: int
    end: tuple
    end_loss: float
    ends_in: int  # index of the minimum the run reached, -1 for none
    careful_ends_in: int
    nearest: int  # the minimum nearest to where the run ended
    last_step: float  # ‖w_T − w_{T−1}‖

    @property
    def global_share(self):
        return float(sum(s for s, g in zip(self.shares, self.is_global) if g))

    @property
    def careful_global_share(self):
        return float(sum(s for s, g in zip(self.careful_shares, self.is_global) if g))

    @property
    def none_share(self):
        return float(self.shares[-1])


def facts(r: Run) -> Facts:
    s = gd.surfaces.get(r.surface)
    b, c, traj = r.basins, r.careful, r.traj
    losses = np.asarray(b.minimum_losses, dtype=np.float64)
    bounds = stability_bounds(r.surface)
    lr = learning_rate(r.surface, r.lr_scale)
    distance = np.linalg.norm(b.minima - traj.final, axis=-1)
    last = float(np.linalg.norm(traj.points[-1] - traj.points[-2])) if len(traj.points) > 1 else 0.0
    return Facts(
        surface=r.surface,
        title=s.title,
        lr_scale=r.lr_scale,
        lr=lr,
        bound=float(bounds[0]),
        careful_lr=learning_rate(r.surface, SMALL),
        steps=r.steps,
        starts=int(b.labels.size),
        names=tuple(charts.minimum_names(losses)),
        minima=tuple(tuple(float(v) for v in m) for m in b.minima),
        losses=tuple(float(v) for v in losses),
        bounds=tuple(float(v) for v in bounds),
        is_global=tuple(n.startswith("global") for n in charts.minimum_names(losses)),
        shares=tuple(float(v) for v in b.shares()),
        careful_shares=tuple(float(v) for v in c.shares()),
        jumped=float(np.mean(r.jumped)),
        lost=float(np.mean((c.labels >= 0) & (b.labels < 0))),
        diverged=float(np.mean(b.status == "diverged")),
        too_sharp=tuple(int(k) for k in np.flatnonzero(bounds < lr)),
        start=r.start,
        status=str(traj.status),
        steps_done=int(traj.steps_done),
        end=tuple(float(v) for v in traj.final),
        end_loss=float(traj.losses[-1]),
        ends_in=reached(b, traj),
        careful_ends_in=reached(c, r.careful_traj),
        nearest=int(np.argmin(distance)),
        last_step=last,
    )


# --- words ------------------------------------------------------------------------------------------


def _num(x, digits=2):
    """A number for a sentence: fixed decimals, never scientific notation, no "-0.00"."""
    text = f"{x:.{digits}f}"
    return text[1:] if text.startswith("-") and float(text) == 0 else text


def point(w):
    return f"({_num(w[0])}, {_num(w[1])})"


def percentages(shares):
    """Whole percentages that add up to exactly 100 (largest remainder), for shares that add up to 1.

    >>> percentages([1 / 3, 1 / 3, 1 / 3])
    [34, 33, 33]
    >>> percentages([0.584, 0.416, 0.0])
    [58, 42, 0]
    """
    return whole_percentages(shares).tolist()


def percent(x):
    """One share on its own: '<1%' rather than a misleading 0% when a few starts count."""
    return "0%" if x == 0 else ("<1%" if x < 0.005 else f"{100 * x:.0f}%")


def the(name):
    """'the global minimum' in a sentence; lettered names stand alone ('local minimum B')."""
    return f"the {name}" if name in ("global minimum", "local minimum") else name


def describe_minimum(f: Facts, k):
    above = f.losses[k] - min(f.losses)
    depth = "" if f.is_global[k] else f", {charts.plain(above)} above the global minimum"
    return f"**{the(f.names[k])}** at {point(f.minima[k])} (loss {charts.plain(f.losses[k])}{depth})"


def run_line(f: Facts):
    """(tone, sentence) about the student's run."""
    careful = (f"With the careful step ({SMALL:g}× the bound) the same start ends in "
               + (the(f.names[f.careful_ends_in]) if f.careful_ends_in >= 0 else "no minimum"))
    if f.status == "diverged":
        return "error", (f"Your run from {point(f.start)} **diverged** after {f.steps_done} steps: η = {f.lr:.3g} "
                         "overshoots further on every step on the steep walls around this start. The chart shows "
                         f"its finite part. {careful}.")
    if f.ends_in < 0:
        k = f.nearest
        if f.bounds[k] < f.lr:
            why = (f"it keeps bouncing around {the(f.names[k])}: η = {f.lr:.3g} is above the largest step that can "
                   f"settle there (2/λ_max = {f.bounds[k]:.3g}), so every step overshoots the bottom")
        else:
            why = f"it is still moving (its last step was {f.last_step:.2g} long): run more steps"
        return "warning", (f"Your run from {point(f.start)} reached **no minimum** in {f.steps} steps: it ends at "
                           f"{point(f.end)} with loss {charts.plain(f.end_loss)}, and {why}. {careful}.")
    k = f.ends_in
    if f.careful_ends_in >= 0 and f.careful_ends_in != k:
        c = f.careful_ends_in
        if f.bounds[c] < f.lr:
            why = (f"η = {f.lr:.3g} is above the largest step that can settle there (2/λ_max = {f.bounds[c]:.3g}), "
                   "so the run could not stay and ended in another basin")
        else:
            why = "the long first steps carried the run over a ridge into another basin"
        better = f.losses[k] < f.losses[c] - 1e-9
        return ("success" if better else "warning"), (
            f"Your run from {point(f.start)} ends in {describe_minimum(f, k)}, but with the careful step "
            f"({SMALL:g}× the bound) the same start ends in {the(f.names[c])}: {why}."
            + (" Here the jump happens to land lower." if better else ""))
    tone = "success" if f.is_global[k] else "info"
    rest = ("Move the start into another colour of the map to end somewhere else." if f.is_global[k] else
            "The slope there is zero, so gradient descent has no reason to leave: it is stuck for good.")
    return tone, f"Your run from {point(f.start)} ends in {describe_minimum(f, k)}. {rest}"


def map_line(f: Facts):
    """(tone, sentence) about where all the starts end, in percentages that add to 100."""
    n = len(f.names)
    if n <= LISTED:
        groups = [(the(f.names[k]), f.shares[k]) for k in range(n)]
    else:
        local = sum(s for s, g in zip(f.shares[:-1], f.is_global) if not g)
        groups = [("the global minimum", f.global_share), (f"one of the {n - sum(f.is_global)} local minima", local)]
    pct = percentages([s for _, s in groups] + [f.none_share])
    parts = [f"**{p}%** {'end ' if i == 0 else ''}in {name}" for i, ((name, _), p) in enumerate(zip(groups, pct))]
    text = (f"Of the {f.starts:,} starts on the map, " + ", ".join(parts) + f" and **{pct[-1]}%** reach none"
            + (f" ({percent(f.diverged)} of all starts diverged)" if f.diverged else "") + ".")
    if n > LISTED and f.global_share < 0.1:
        text += " The start alone decides, and almost every start lies above a local pit."
    return "markdown", text


def change_line(f: Facts):
    """(tone, sentence) comparing the map at η with the map at the careful step."""
    careful = f"the careful step η = {f.careful_lr:.3g} ({SMALL:g}×)"
    sharp = ""
    if f.too_sharp:
        names = [f.names[k] for k in f.too_sharp]
        listed = names if len(names) <= 3 else names[:3] + [f"{len(names) - 3} more"]
        joined = listed[0] if len(listed) == 1 else ", ".join(listed[:-1]) + " and " + listed[-1]
        if len(f.too_sharp) == len(f.names):
            sharp = (" η is above the largest stable step 2/λ_max of **every** minimum, so no run can settle "
                     "anywhere: each one keeps bouncing or flies off, and the map is grey.")
        else:
            sharp = (f" η = {f.lr:.3g} is above the largest stable step 2/λ_max of {the(joined)}: a run cannot "
                     f"settle there, so {'its basin is' if len(names) == 1 else 'their basins are'} empty "
                     f"({percent(f.lost)} of the starts settled at the careful step and reach no minimum now).")
    count = round(f.jumped * f.starts)
    if f.jumped >= 0.01:
        why = ("" if f.too_sharp else
               " Every minimum is stable at this step, so these runs did not bounce out of a minimum: their first "
               "steps, on steep walls, were long enough to cross a ridge into a neighbouring basin.")
        tone = "warning"
        text = (f"**{percent(f.jumped)} of the starts** ({count:,}, hatched on the map) end in a different minimum "
                f"than with {careful}: a large step makes runs jump basins.{why}{sharp}")
    elif f.too_sharp:
        tone = "warning"
        moved = f"only {count} start{'s' if count != 1 else ''}" if count else "no start"
        text = f"Besides, {moved} end{'s' if count == 1 else ''} in a different minimum than with {careful}.{sharp}"
        text = text.replace("Besides, ", "", 1)
        text = text[0].upper() + text[1:]
    else:
        tone = "info"
        if count:
            text = (f"Only {count} of the {f.starts:,} starts (hatched) "
                    f"end{'s' if count == 1 else ''} in a different minimum than with {careful}: at this step "
                    "almost every run stays in the valley it starts in.")
        else:
            text = (f"Every start that settles ends in the same minimum as with {careful}: at this step each run "
                    "stays in the valley it starts in.")
        smallest = min(f.bounds) / f.bound
        if smallest > f.lr_scale:
            text += (f" Raise η above {smallest:.2g}× the bound (the smallest 2/λ_max in the table) and some "
                     "minimum can no longer hold a run.")
    return tone, text


def story(f: Facts):
    """The page's sentences, as (tone, text): tone is a Streamlit call (success, info, warning, error, markdown)."""
    return [run_line(f), map_line(f), change_line(f)]
