r"""Beyond SGD: plain SGD, momentum, RMSprop and Adam from one start, and what the race shows.

Two ravines with the same curvatures (1 along the floor, 100 across it) differ only in their
tilt: one lies along the w₁ axis, the other is turned by 30°. Momentum does not see the axes;
RMSprop and Adam divide each *coordinate's* step by that coordinate's gradient size, which
tames a steep wall only when the wall is a coordinate direction. Rosenbrock's valley bends,
so no fixed axis fits it.

>>> f = facts(**DEFAULTS)
>>> f.beats("momentum"), f.beats("RMSprop"), f.beats("Adam")
(True, True, True)
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

import gdcore as gd
from lessons.text import number  # noqa: F401 - pages read it as lesson.number

RUNS = ("SGD", "momentum", "RMSprop", "Adam")
#: Learning rates on a log scale, 20 per decade from 1e-4 to 1.
LRS = tuple(float(f"{10 ** (k / 20):.3g}") for k in range(-80, 1))
TILT = np.pi / 6
CURVATURES = (1.0, 100.0)

SURFACES = {
    "ravine_aligned": gd.surfaces.Quadratic(
        eigenvalues=CURVATURES, angle=0.0, name="ravine_aligned",
        title="Ravine along the w₁ axis",
        description="A narrow valley along w₁, 100 times steeper across (w₂) than along it.",
    ),
    "ravine_tilted": gd.surfaces.Quadratic(
        eigenvalues=CURVATURES, angle=TILT, name="ravine_tilted",
        title="The same ravine, tilted by 30°",
        description="The same valley turned by 30°: its steep direction mixes w₁ and w₂.",
    ),
    "rosenbrock": gd.surfaces.get("rosenbrock"),
}
#: The twin of each ravine: same valley, other tilt.
TWINS = {"ravine_aligned": "ravine_tilted", "ravine_tilted": "ravine_aligned"}
#: The ravines start at the same place relative to their valley: 2.6 along the floor, 0.5 up the wall.
_ALONG, _UP = -2.6, 0.5
STARTS = {
    "ravine_aligned": (_ALONG, _UP),
    "ravine_tilted": (_ALONG * np.cos(TILT) - _UP * np.sin(TILT), _ALONG * np.sin(TILT) + _UP * np.cos(TILT)),
    "rosenbrock": (-1.2, 1.0),  # Rosenbrock's own start (1960)
}
#: Settings that suit each surface: SGD's η just under what the steep wall allows, so it zig-zags.
SURFACE_DEFAULTS = {
    "ravine_aligned": {"lr": 0.0178, "momentum": 0.8, "lr_adaptive": 0.316, "steps": 100},
    "ravine_tilted": {"lr": 0.0178, "momentum": 0.8, "lr_adaptive": 0.316, "steps": 100},
    "rosenbrock": {"lr": 0.00158, "momentum": 0.9, "lr_adaptive": 0.2, "steps": 300},
}
DEFAULT_SURFACE = "ravine_aligned"
DEFAULTS = {"surface": DEFAULT_SURFACE, **SURFACE_DEFAULTS[DEFAULT_SURFACE]}
PRESETS = {
    "Ravine along w₁": dict(DEFAULTS),
    "Tilted ravine": {"surface": "ravine_tilted", **SURFACE_DEFAULTS["ravine_tilted"]},
    "Rosenbrock": {"surface": "rosenbrock", **SURFACE_DEFAULTS["rosenbrock"]},
    "Too much μ": {**DEFAULTS, "momentum": 0.99},
}


def sgd_bound(surface):
    """Plain SGD's stability bound 2/lambda_max at the minimum.

    >>> sgd_bound("ravine_tilted")
    0.02
    """
    s = SURFACES[surface]
    return float(s.max_stable_lr_at(s.minima[0]))


def code(surface):
    """The surface as homework code builds it.

    >>> code("ravine_tilted")
    'gd.surfaces.Quadratic(eigenvalues=(1, 100), angle=np.pi / 6)'
    """
    if surface not in TWINS:
        return f'gd.surfaces.get("{surface}")'
    angle = "0" if surface == "ravine_aligned" else "np.pi / 6"
    return f"gd.surfaces.Quadratic(eigenvalues=({CURVATURES[0]:g}, {CURVATURES[1]:g}), angle={angle})"


def optimizers(lr, lr_adaptive, momentum):
    """The four optimizers compared, PyTorch's defaults otherwise."""
    return {
        "SGD": gd.SGD(lr=lr),
        "momentum": gd.SGD(lr=lr, momentum=momentum),
        "RMSprop": gd.RMSprop(lr=lr_adaptive),
        "Adam": gd.Adam(lr=lr_adaptive),
    }


def run(surface, lr, momentum, lr_adaptive, steps):
    """``{name: Trajectory}`` of the four optimizers from the surface's start."""
    s = SURFACES[surface]
    return {name: gd.descend(s, opt, STARTS[surface], steps)
            for name, opt in optimizers(lr, lr_adaptive, momentum).items()}


def tilt(surface, point=None):
    """Degrees between the steep direction (top Hessian eigenvector) at ``point`` and the nearest axis.

    >>> round(tilt("ravine_aligned")), round(tilt("ravine_tilted")), round(tilt("rosenbrock"))
    (0, 30, 27)
    """
    s = SURFACES[surface]
    w = s.minima[0] if point is None else np.asarray(point, dtype=np.float64)
    _, vectors = np.linalg.eigh(s.hessian(w))
    vx, vy = np.abs(vectors[:, -1])
    angle = float(np.degrees(np.arctan2(vy, vx)))  # from the w1 axis, in [0, 90]
    return min(angle, 90.0 - angle)


def reversals(points):
    """Updates that turned back (more than 90° from the one before), among visible steps."""
    moves = np.diff(np.asarray(points, dtype=np.float64), axis=0)
    moves = moves[np.isfinite(moves).all(axis=-1)]
    if len(moves) < 2:
        return 0
    visible = np.linalg.norm(moves, axis=-1) > 1e-6
    turned = (np.sum(moves[1:] * moves[:-1], axis=-1) < 0) & visible[1:] & visible[:-1]
    return int(turned.sum())


def gap(traj, floor):
    """Loss above the minimum's at the last finite point (inf when nothing finite)."""
    losses = np.asarray(traj.losses, dtype=np.float64)
    finite = losses[np.isfinite(losses)]
    return float(finite[-1] - floor) if len(finite) else float("inf")


@dataclass(frozen=True)
class Facts:
    """What the race did, in numbers. Dicts are keyed by the names in :data:`RUNS`."""

    surface: str
    lr: float
    momentum: float
    lr_adaptive: float
    steps: int
    gaps: dict          # final loss above the minimum's loss (inf when it diverged)
    status: dict
    steps_done: dict
    turns: dict         # reversals of each path
    first_steps: dict   # length of each optimizer's first step
    lowest: dict        # the lowest gap each run reached on the way
    lowest_at: dict     # the step it reached it
    tilt: float         # degrees between the steep direction at the minimum and the nearest axis
    tilt_start: float   # the same where the runs start
    twin: str           # the other ravine, "" for Rosenbrock
    twin_gaps: dict     # the same settings on the twin (empty for Rosenbrock)
    bound: float        # SGD's stability bound 2/lambda_max at the minimum

    def beats(self, name):
        """``name`` ends at less than half SGD's gap above the minimum."""
        return self.gaps[name] < 0.5 * self.gaps["SGD"]

    def comparison(self, name):
        """``"beats"``, ``"matches"`` (within a factor 2) or ``"loses to"`` plain SGD."""
        ratio = self.gaps[name] / self.gaps["SGD"] if self.gaps["SGD"] > 0 else (0.0 if self.gaps[name] == 0 else np.inf)
        return "beats" if ratio < 0.5 else "matches" if ratio <= 2 else "loses to"

    @property
    def best(self):
        return min(RUNS, key=lambda n: self.gaps[n])

    @property
    def aligned(self):
        """The steep direction is a coordinate axis (within 1°)."""
        return self.tilt < 1.0

    @property
    def scaling_gain(self):
        """How many times lower RMSprop ends on the aligned ravine than on the tilted one (nan for Rosenbrock)."""
        if not self.twin:
            return float("nan")
        here, there = self.gaps["RMSprop"], self.twin_gaps["RMSprop"]
        aligned, tilted = (here, there) if self.aligned else (there, here)
        return tilted / max(aligned, 1e-300)

    @property
    def rotation_blind(self):
        """SGD and momentum end at the same loss on both ravines (they do not see the axes)."""
        return bool(self.twin) and all(
            np.isfinite(self.gaps[n]) and np.isclose(self.gaps[n], self.twin_gaps[n], rtol=1e-6, atol=1e-12)
            for n in ("SGD", "momentum"))


def facts(surface, lr, momentum, lr_adaptive, steps, runs=None):
    """The :class:`Facts` of the race with these settings (``runs`` if already computed)."""
    runs = run(surface, lr, momentum, lr_adaptive, steps) if runs is None else runs
    s = SURFACES[surface]
    floor = float(s.loss(s.minima[0]))
    twin = TWINS.get(surface, "")
    twin_gaps = {}
    if twin:
        for name, traj in run(twin, lr, momentum, lr_adaptive, steps).items():
            twin_gaps[name] = gap(traj, floor) if traj.status != "diverged" else float("inf")
    return Facts(
        surface=surface,
        lr=float(lr),
        momentum=float(momentum),
        lr_adaptive=float(lr_adaptive),
        steps=int(steps),
        gaps={n: gap(t, floor) if t.status != "diverged" else float("inf") for n, t in runs.items()},
        status={n: str(t.status) for n, t in runs.items()},
        steps_done={n: int(t.steps_done) for n, t in runs.items()},
        turns={n: reversals(t.points) for n, t in runs.items()},
        first_steps={n: float(np.linalg.norm(t.points[1] - t.points[0])) if len(t.points) > 1 else 0.0
                     for n, t in runs.items()},
        lowest={n: float(np.nanmin(np.asarray(t.losses)) - floor) for n, t in runs.items()},
        lowest_at={n: int(np.nanargmin(np.asarray(t.losses))) for n, t in runs.items()},
        tilt=tilt(surface),
        tilt_start=tilt(surface, STARTS[surface]),
        twin=twin,
        twin_gaps=twin_gaps,
        bound=sgd_bound(surface),
    )


@dataclass(frozen=True)
class Story:
    """What the page prints: a headline in ``tone`` (success, info, warning), one line per
    optimizer, and a paragraph on per-coordinate scaling."""

    tone: str
    headline: str
    lines: tuple
    scaling: str


def _list(names):
    names = list(names)
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def story(f):
    """The sentences the page prints about the race, from the facts alone."""
    others = RUNS[1:]
    diverged = [n for n in RUNS if f.status[n] == "diverged"]
    winners = [n for n in others if f.comparison(n) == "beats"]
    if f.status["SGD"] == "diverged":
        where = (f"η = {f.lr:g} is above its stability bound {number(f.bound)} at the minimum" if f.lr > f.bound else
                 f"η = {f.lr:g} is below its bound {number(f.bound)} at the minimum, but the ground it crossed is steeper")
        tone, headline = "warning", f"**Plain SGD diverged**: {where}. Lower η to see the race."
    elif len(winners) == len(others):
        tone, headline = "success", (
            f"**All three beat plain SGD** after {f.steps} steps; {f.best} ends lowest, "
            f"{number(f.gaps[f.best])} above the minimum against {number(f.gaps['SGD'])} for SGD.")
    elif winners:
        rest = [n for n in others if n not in winners]
        tone, headline = "info", (
            f"**{_list(winners)} beat{'s' if len(winners) == 1 else ''} plain SGD; {_list(rest)} "
            f"do{'es' if len(rest) == 1 else ''} not.** After {f.steps} steps SGD ends "
            f"{number(f.gaps['SGD'])} above the minimum.")
    else:
        tone, headline = "warning", (
            f"**Nothing beats plain SGD here** after {f.steps} steps (it ends {number(f.gaps['SGD'])} above the "
            "minimum): these settings do not suit the other three.")
    lines = []
    for n in RUNS:
        if f.status[n] == "diverged":
            lines.append(f"- **{n}** diverged after {f.steps_done[n]} steps: its learning rate is too large here.")
            continue
        verdict = "" if n == "SGD" else f" ({f.comparison(n)} SGD)"
        # What `reversals` counts: a step against the one before it (a zigzag), not a path that curves
        # round over many steps, which a run past the minimum and back may do without one.
        zig = (f"; {f.turns[n]} of its {f.steps_done[n]} steps point back against the step before" if f.turns[n]
               else "; no step points back against the one before")
        notes = []
        if n == "RMSprop" and f.first_steps[n] > 3 * f.lr_adaptive:
            alpha = gd.RMSprop().alpha
            notes.append(f"Its first step is {number(f.first_steps[n])} long, {f.first_steps[n] / f.lr_adaptive:.0f}× η: "
                         f"s starts at 0, so the first division is by only √(1 − α)·|g| = {np.sqrt(1 - alpha):.1g}·|g|")
        if n == "momentum" and f.comparison(n) == "loses to" and f.momentum >= 0.9:
            notes.append(f"With μ = {f.momentum:g} the velocity keeps {100 * f.momentum:.0f} % of itself every step, "
                         "so the run overshoots and swings back and forth")
        if f.gaps[n] > 100 * max(f.lowest[n], 1e-300) and f.gaps[n] > 1e-12:
            notes.append(f"It got down to {number(f.lowest[n])} at step {f.lowest_at[n]}, then rose again"
                         + (": once the gradients are tiny, its running mean s of g² shrinks too, so the divisor √s "
                            "shrinks with them and the steps grow back" if n in ("RMSprop", "Adam") else ""))
        tail = "".join(f" {note}." for note in notes)
        lines.append(f"- **{n}** ends {number(f.gaps[n])} above the minimum's loss{verdict}{zig}.{tail}")
    if diverged and f.status["SGD"] != "diverged":
        tone = "warning"
    return Story(tone, headline, tuple(lines), _scaling(f))


def _scaling(f):
    """When dividing each coordinate by its own gradient size helps, and when it cannot."""
    rms = f.comparison("RMSprop")
    if not np.isfinite(f.gaps["RMSprop"]) or (f.twin and not np.isfinite(f.twin_gaps["RMSprop"])):
        return (f"With η = {f.lr_adaptive:g} RMSprop diverges, so this run cannot show what per-coordinate "
                "scaling does: lower η for RMSprop and Adam.")
    if not f.twin:
        return (
            f"**Rosenbrock's valley bends**, so its steep direction turns along the way: {f.tilt_start:.0f}° from "
            f"the nearest axis where the runs start, {f.tilt:.0f}° at the minimum. No fixed per-coordinate scaling "
            f"fits all of it. Here RMSprop {rms} SGD, and momentum, which follows the bend by "
            f"remembering past steps, {f.comparison('momentum')} it."
        )
    here, there = number(f.gaps["RMSprop"]), number(f.twin_gaps["RMSprop"])
    blind = (
        f" SGD and momentum end at exactly the same losses on both ravines ({number(f.gaps['SGD'])} and "
        f"{number(f.gaps['momentum'])}): they do not see the axes at all."
        if f.rotation_blind else ""
    )
    if f.aligned:
        gain = f.scaling_gain
        told = (
            f"RMSprop ends {here} above the minimum here, and {there} on the same ravine tilted by 30° "
            f"(same settings, same start relative to the valley)"
        )
        if gain > 10:
            return (
                "**Per-coordinate scaling helps here.** The steep direction of this ravine is the w₂ axis itself "
                "(tilt 0°), so dividing each coordinate's step by the size of its own gradients shrinks exactly the "
                f"steep w₂ steps and stretches the shallow w₁ ones. {told}.{blind}"
            )
        return (
            f"**With these settings per-coordinate scaling gains little, even on the aligned ravine.** {told}.{blind}"
        )
    adam = ""
    if f.comparison("Adam") == "beats" and rms != "beats":
        adam = (" Adam still beats SGD: besides the scaling it keeps a running mean of the gradients (m̂), "
                "a form of momentum, and that is what helps here.")
    return (
        f"**Per-coordinate scaling cannot single out the steep direction here.** It is tilted {f.tilt:.0f}° from "
        "the axes, so both w₁ and w₂ feel the steep wall and both get scaled down alike. RMSprop ends "
        f"{here} above the minimum here ({rms} SGD), against {there} on the same ravine laid along w₁."
        f"{adam}{blind}"
    )
