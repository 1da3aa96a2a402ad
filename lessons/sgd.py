"""Stochastic gradient descent: one random sample per step, and the jitter that gets it past saddles.

Batch gradient descent and SGD (batch size 1, a fresh permutation every
epoch) start at the same point of a loss that is the mean of ``N_SAMPLES``
shifted copies of a surface; ``ORDERS`` more SGD runs with their own sample
orders show the outcome is not luck. ``facts`` says where each run ended and
how (settled, still moving, bouncing, diverged), and how one sample's gradient
compares with the full gradient at the start; ``story`` words it.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

import gdcore as gd
from gdcore import charts

N_SAMPLES = 64
ORDERS = 32  # extra SGD runs, each with its own sample order
LRS = (0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1.0, 2.0)
SETTLED = 1e-3  # a full-batch run whose gradient norm is below this has converged
WINDOW = 20  # the last updates that tell "still moving" from "bouncing"


@dataclass(frozen=True)
class Scenario:
    label: str
    surface: str
    spread: float  # standard deviation of the sample offsets
    lr: float  # the learning rate the scenario starts with
    names: tuple  # the full loss's critical points: the surface's minima, then its saddles
    trap: int  # which of them catches batch gradient descent
    start_offset: tuple  # start = trap + offset
    setup: str


SCENARIOS = {
    "saddle": Scenario(
        "A saddle point", "saddle", 0.3, 0.1,
        ("the upper minimum", "the lower minimum", "the saddle"), 2, (-1.2, 0.0),
        "Both runs start level with the saddle, on the one line along which the full loss slopes straight "
        "into it.",
    ),
    "shallow": Scenario(
        "A shallow minimum", "local_global", 0.75, 0.5,
        ("the deep minimum", "the shallow minimum", "the saddle between them"), 1, (-0.8, 0.8),
        "Both runs start above the shallow valley on the left; a deeper valley lies to the lower right.",
    ),
}
DEFAULTS = {"scenario": "saddle", "lr": 0.1, "steps": 300, "seed": 0, "sample": 5}
PRESETS = {
    "Escape a saddle": dict(DEFAULTS),
    "Leave a shallow minimum": {**DEFAULTS, "scenario": "shallow", "lr": SCENARIOS["shallow"].lr},
    "Too small a step": {**DEFAULTS, "lr": 0.01},
}
PRESET_NOTES = {
    "Escape a saddle": "batch gradient descent stops at the saddle; SGD's jitter carries it into a valley",
    "Leave a shallow minimum": "batch gradient descent settles in the shallow valley; SGD hops over the low rim",
    "Too small a step": "the kicks are as small as the steps: in 300 updates both runs creep towards the saddle, and neither escapes it",
}


def objective(key):
    s = SCENARIOS[key]
    return gd.objectives.Sampled(gd.surfaces.get(s.surface), n_samples=N_SAMPLES, spread=s.spread, seed=0)


def critical_points(key):
    """The full loss's critical points: Newton's method from the surface's own, moved by the mean offset."""
    obj = objective(key)
    surface = obj.surface
    w = gd.critical.critical_point(obj, np.concatenate([surface.minima, surface.saddles]) + obj.offsets.mean(axis=0))
    return w, list(gd.classify(obj, w)), obj.loss(w)


def start_of(key):
    points, _, _ = critical_points(key)
    return points[SCENARIOS[key].trap] + np.asarray(SCENARIOS[key].start_offset)


def nearest(key, w):
    points, _, _ = critical_points(key)
    return np.argmin(np.linalg.norm(np.asarray(w)[..., None, :] - points, axis=-1), axis=-1)


@dataclass(frozen=True, eq=False)
class Run:
    scenario: str
    lr: float
    steps: int
    seed: int
    batch: object
    sgd: object
    orders_final: np.ndarray  # (ORDERS, 2): where the extra SGD runs ended
    orders_status: np.ndarray  # (ORDERS,)


def run(scenario, lr, steps, seed):
    """Batch gradient descent and SGD from the same start, and ORDERS more SGD runs (one vectorised call)."""
    obj, start = objective(scenario), start_of(scenario)
    batch = gd.descend(obj, gd.SGD(lr=lr), start, steps)
    sgd = gd.descend(obj, gd.SGD(lr=lr), start, steps, batch_size=1, seed=seed)
    for traj in (batch, sgd):
        _ = traj.losses, traj.grad_norms  # computed on first use: do it here so a cache keeps them
    starts = np.broadcast_to(start, (ORDERS, 2))
    many = gd.descend(obj, gd.SGD(lr=lr), starts, steps, batch_size=1, seed=seed + 1, record_every=max(1, steps))
    return Run(scenario, float(lr), int(steps), int(seed), batch, sgd, np.asarray(many.final), np.asarray(many.status))


@dataclass(frozen=True)
class Sample:
    """One sample's gradient against the full gradient, at the runs' start."""

    index: int  # 1-based, as the slider shows it
    start: tuple
    full: tuple  # ∇L(w₀)
    own: tuple  # ∇ℓᵢ(w₀)
    angle: float  # degrees between them
    ratio: float  # ‖∇ℓᵢ‖ / ‖∇L‖
    angles: tuple  # (min, mean, max) over all samples, degrees
    within_45: int  # samples whose gradient is within 45° of the full gradient
    against: int  # samples whose gradient is more than 90° from it (its step climbs the full loss)
    minima: tuple  # the sample's own minima


def angle_between(a, b):
    """Degrees between vectors a (..., 2) and b (2,)."""
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    cos = (a @ b) / (np.linalg.norm(a, axis=-1) * np.linalg.norm(b))
    return np.degrees(np.arccos(np.clip(cos, -1.0, 1.0)))


def sample(scenario, index):
    obj = objective(scenario)
    w0 = start_of(scenario)
    full = np.asarray(obj.grad(w0), dtype=np.float64)
    every = np.asarray(obj.surface.grad(w0 - obj.offsets), dtype=np.float64)  # ∇ℓᵢ(w₀) = ∇f(w₀ − oᵢ)
    own = every[index - 1]
    angles = angle_between(every, full)
    return Sample(
        index=int(index), start=tuple(float(v) for v in w0), full=tuple(float(v) for v in full),
        own=tuple(float(v) for v in own), angle=float(angles[index - 1]),
        ratio=float(np.linalg.norm(own) / np.linalg.norm(full)),
        angles=(float(angles.min()), float(angles.mean()), float(angles.max())),
        within_45=int((angles <= 45).sum()), against=int((angles > 90).sum()),
        minima=tuple(tuple(float(v) for v in m) for m in obj.surface.minima + obj.offsets[index - 1]),
    )


@dataclass(frozen=True)
class RunFacts:
    status: str
    steps_done: int
    end: tuple
    end_loss: float
    end_grad: float  # ‖∇L‖ of the full loss at the end
    near: int  # index of the nearest critical point of the full loss
    distance: float  # to it
    moved: float  # distance covered over the last WINDOW updates (end to end)
    bouncing: bool  # most of the last WINDOW steps reverse the one before
    bound: float  # 2/λ_max of the full loss's Hessian at the nearest critical point (inf if λ_max ≤ 0)
    jitter: float  # SGD: RMS distance of the last epoch's points from their mean
    approaching: bool  # the last WINDOW updates brought it closer to its nearest critical point


def run_facts(key, traj):
    points, _, _ = critical_points(key)
    obj = objective(key)
    finite = traj.points[np.isfinite(traj.points).all(axis=-1)]
    end = finite[-1]
    k = int(nearest(key, end))
    tail = finite[-(WINDOW + 1):]
    d = np.diff(tail, axis=0)
    size = np.linalg.norm(d, axis=-1)
    reversing = (d[1:] * d[:-1]).sum(-1) < 0
    bouncing = bool(len(reversing) and np.mean(reversing) > 0.5 and size.max() > 1e-6)
    lam = float(np.linalg.eigvalsh(obj.hessian(points[k]))[-1])
    last_epoch = finite[-N_SAMPLES:]
    jitter = float(np.sqrt(np.mean(np.sum((last_epoch - last_epoch.mean(axis=0)) ** 2, axis=-1))))
    return RunFacts(
        status=str(traj.status), steps_done=int(traj.steps_done), end=tuple(float(v) for v in end),
        end_loss=float(obj.loss(end)), end_grad=float(np.linalg.norm(obj.grad(end))),
        near=k, distance=float(np.linalg.norm(end - points[k])), moved=float(np.linalg.norm(tail[-1] - tail[0])),
        bouncing=bouncing, bound=2 / lam if lam > 0 else float("inf"), jitter=jitter,
        approaching=bool(np.linalg.norm(tail[-1] - points[k]) < np.linalg.norm(tail[0] - points[k])),
    )


@dataclass(frozen=True)
class Facts:
    scenario: str
    lr: float
    steps: int
    seed: int
    names: tuple
    kinds: tuple  # classify of each critical point
    points: tuple
    losses: tuple
    trap: int
    batch: RunFacts
    sgd: RunFacts
    counts: tuple  # extra SGD runs ending nearest each critical point (diverged ones left out)
    diverged: int  # extra SGD runs that diverged
    epochs: float  # updates / N_SAMPLES
    sample: Sample
    sample_grad_at_end: float  # SGD: mean ‖∇ℓᵢ‖ over the samples at the point SGD ended near (0 if diverged)

    @property
    def escaped(self):
        return ORDERS - self.diverged - self.counts[self.trap]


def facts(r: Run, sample_index=1) -> Facts:
    key = r.scenario
    s = SCENARIOS[key]
    points, kinds, losses = critical_points(key)
    obj = objective(key)
    ended = r.orders_status != "diverged"
    counts = np.bincount(nearest(key, r.orders_final[ended]), minlength=len(s.names)) if ended.any() else np.zeros(len(s.names), int)
    sgd = run_facts(key, r.sgd)
    at_end = points[sgd.near]
    per_sample = np.linalg.norm(obj.surface.grad(at_end - obj.offsets), axis=-1).mean()
    return Facts(
        scenario=key, lr=r.lr, steps=r.steps, seed=r.seed, names=s.names, kinds=tuple(kinds),
        points=tuple(tuple(float(v) for v in p) for p in points), losses=tuple(float(v) for v in losses),
        trap=s.trap, batch=run_facts(key, r.batch), sgd=sgd,
        counts=tuple(int(c) for c in counts), diverged=int((~ended).sum()), epochs=r.steps / N_SAMPLES,
        sample=sample(key, sample_index), sample_grad_at_end=float(per_sample),
    )



def showing(f: Facts, sample_index) -> Facts:
    """``f`` about sample ``sample_index`` instead: of all the facts only the sample's own depend on it."""
    return replace(f, sample=sample(f.scenario, sample_index))


# --- words ------------------------------------------------------------------------------------------


def num(v):
    return f"{v:.2f}".replace("-0.00", "0.00")


def place(f: Facts, k):
    return f"{f.names[k]} at ({num(f.points[k][0])}, {num(f.points[k][1])}), loss {f.losses[k]:.3f}"


def p(x):
    return charts.plain(x)


def batch_line(f: Facts):
    b = f.batch
    trap = f.names[f.trap]
    if b.status == "diverged":
        return "error", (f"**Batch gradient descent diverged** after {b.steps_done} updates: η = {p(f.lr)} is too "
                         "large for the curvature of the full loss, so every step overshoots further. The chart shows "
                         "the finite part; lower η.")
    if b.end_grad < SETTLED:
        if b.near == f.trap:
            what = ("this is not a minimum: the loss still falls away above and below it" if f.kinds[b.near] == "saddle"
                    else "a deeper minimum lies elsewhere" if f.losses[b.near] > min(f.losses) + 1e-9
                    else "it is the lowest point")
            return "warning", (f"**Batch gradient descent** stopped at {place(f, b.near)}. Its gradient there is "
                               f"{tiny(b.end_grad)}, so by its own measure it has converged, but {what}.")
        return "info", (f"**Batch gradient descent** ended at {place(f, b.near)}: at η = {p(f.lr)} its steps were long "
                        f"enough to get past {trap} on their own.")
    if b.bouncing:
        over = f" η is above 2/λ_max = {p(b.bound)} there" if f.lr >= b.bound else ""
        return "info", (f"**Batch gradient descent** has not settled after {b.steps_done} updates: it keeps bouncing "
                        f"back and forth near {place(f, b.near)}, and its gradient is still {p(b.end_grad)}."
                        + (f"{over}, so every step overshoots the bottom." if over else ""))
    towards = (f", steadily towards {place(f, b.near)}" if b.approaching else
               f"; the nearest flat point is {place(f, b.near)}")
    return "info", (f"**Batch gradient descent** is still on its way after {b.steps_done} updates: its gradient is "
                    f"{p(b.end_grad)} and it moved {p(b.moved)} in the last {WINDOW} updates{towards}. Give it more "
                    "updates or a larger η.")


def sgd_line(f: Facts):
    s = f.sgd
    trap = f.names[f.trap]
    if s.status == "diverged":
        return "error", (f"**SGD diverged** after {s.steps_done} updates: a single sample's loss can be steeper than "
                         f"the average, and η = {p(f.lr)} overshoots on it. The chart shows the finite part; lower η.")
    if s.near == f.trap:
        return "warning", (f"**SGD** ended near {place(f, s.near)} ({p(s.distance)} away): with this seed and η it has "
                           f"not escaped within {f.steps} updates. Its kicks are about as long as η times a sample's "
                           "gradient, so a smaller η means smaller kicks; try more updates or a larger η.")
    return "success", (f"**SGD** got away from {trap} and ended near {place(f, s.near)}. It keeps jittering there "
                       f"(its last epoch spread {p(s.jitter)} around its mean), because at that point the "
                       f"single-sample gradients still have an average length of {p(f.sample_grad_at_end)} although "
                       "the full gradient is zero.")


def orders_line(f: Facts):
    intro = f"**Other sample orders:** {ORDERS} more SGD runs from the same start, each with its own random order"
    if f.diverged == ORDERS:
        return "markdown", f"{intro}: every one diverged at η = {p(f.lr)}."
    parts = [f"**{c}** ended near {name}" for c, name in zip(f.counts, f.names) if c]
    parts += [f"**{f.diverged}** diverged"] if f.diverged else []
    return "markdown", f"{intro}: " + ", ".join(parts) + "."


def sample_line(f: Facts):
    s = f.sample
    lo, mean, hi = s.angles
    text = (f"At the start, sample {s.index}'s gradient step −∇ℓ{_sub(s.index)} points **{s.angle:.0f}°** away from the "
            f"full gradient step −∇L and is {p(s.ratio)} times as long (both arrows are drawn at the same length). "
            f"Over all {N_SAMPLES} samples the angle runs from {lo:.0f}° to {hi:.0f}°, {mean:.0f}° on average")
    if s.against:
        text += (f": {s.within_45} of the {N_SAMPLES} point within 45° of the full gradient, but {s.against} point "
                 "more than 90° away, so their steps climb the full loss. Their average is exactly the full gradient step.")
    else:
        text += ": every sample's step goes roughly the same way as the full one, never exactly."
    if f.scenario == "saddle":
        step = -s.own[1]
        text += (f" The full gradient step there has no w₂ part at all ({p(abs(s.full[1]))}), which is why batch "
                 f"gradient descent never leaves its line; sample {s.index}'s step has a w₂ part of "
                 f"{'+' if step > 0 else ''}{p(step)}, {'up' if step > 0 else 'down'} off the line.")
    return "markdown", text


def tiny(x):
    """A gradient norm that can be 10⁻¹⁷: 'below 10⁻¹²' rather than a misleading 0."""
    return "below 10⁻¹²" if abs(x) < 1e-12 else f"only {p(x)}"


def _sub(n):
    return "".join("₀₁₂₃₄₅₆₇₈₉"[int(c)] for c in str(n))


def story(f: Facts):
    """The page's sentences, as (tone, text): tone is a Streamlit call (success, info, warning, error, markdown)."""
    return [batch_line(f), sgd_line(f), orders_line(f), sample_line(f)]
