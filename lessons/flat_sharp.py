"""Flat vs sharp minima: the test loss is the train loss moved a little; which minimum SGD ends in.

Two parts, two computations:

- ``gaps(shift)``: the train loss's two minima (one wide, one narrow), and how
  much each one's loss rises when the whole loss is moved by ``shift`` along the
  line through them (the test loss), next to the second-order estimate
  ½·d²·curvature;
- ``ends(lr, batch, where)``: where ``RUNS`` SGD runs end after ``STEPS``
  updates, in one vectorised call, each run with its own sample order.

``facts`` counts the runs that end in each minimum (exact counts, and
percentages that add to 100), ``story`` says what happened in words.
"""

from __future__ import annotations

import dataclasses
import functools
from dataclasses import dataclass

import numpy as np

import gdcore as gd
from gdcore import charts
from lessons.text import whole_percentages

N_SAMPLES = 32
SPREAD = 0.25  # standard deviation of the sample offsets
SHIFTS = tuple(round(0.05 * k, 2) for k in range(11))
LRS = (0.05, 0.1, 0.15, 0.2, 0.25, 0.3)
SMALL = (1, 2, 4)
LARGE = (8, 16, 32)
RUNS = 200
STEPS = 800
RADIUS = 0.5  # a run ends "in" a minimum when it stops this close to it
KINDS = ("flat minimum", "sharp minimum")
ANYWHERE, IN_SHARP = "anywhere on the map", "in the sharp minimum"
STARTS = (ANYWHERE, IN_SHARP)

DEFAULTS = {"shift": 0.2, "starts": ANYWHERE, "lr": 0.2, "small": 1, "large": 32}
PRESETS = {
    "Flat minima generalise": dict(DEFAULTS),
    "Start in the sharp one": {**DEFAULTS, "starts": IN_SHARP, "lr": 0.3, "small": 1, "large": 8},
    "Small steps stay put": {**DEFAULTS, "starts": IN_SHARP, "lr": 0.05},
    "No shift, no gap": {**DEFAULTS, "shift": 0.0},
}
PRESET_NOTES = {
    "Flat minima generalise": "a small shift costs the sharp minimum far more; from random starts, small batches end almost only in the flat one",
    "Start in the sharp one": "every run starts in the sharp minimum: single-sample steps throw all of them out, batches of 8 keep them",
    "Small steps stay put": "at η = 0.05 the noise is too weak to lift any run over the sharp valley's rim",
    "No shift, no gap": "the test loss equals the train loss, so neither minimum pays anything",
}


def train():
    return gd.objectives.Sampled(gd.surfaces.get("flat_sharp"), n_samples=N_SAMPLES, spread=SPREAD, seed=0)


@functools.lru_cache(maxsize=1)
def minima():
    """The train loss's two minima (Newton's method from the surface's minima), its loss and Hessian there."""
    obj = train()
    m = gd.critical.critical_point(obj, obj.surface.minima + obj.offsets.mean(axis=0))
    found = (m, obj.loss(m), obj.hessian(m))
    for a in found:  # shared by every caller of this cache
        a.setflags(write=False)
    return found


def shift_direction():
    """The unit vector from the flat minimum towards the sharp one: the test loss moves along it."""
    m, _, _ = minima()
    return (m[1] - m[0]) / np.linalg.norm(m[1] - m[0])


def shifted(shift):
    """The same samples moved by d = shift · u: exactly L_test(w) = L_train(w − d)."""
    return dataclasses.replace(train(), shift=tuple(float(v) for v in shift * shift_direction()))


def bounds():
    """2/λ_max at each minimum: the largest rate full-batch gradient descent can settle with."""
    _, _, h = minima()
    return 2.0 / np.linalg.eigvalsh(h)[:, -1]


@dataclass(frozen=True)
class Gaps:
    shift: float
    minima: np.ndarray  # (2, 2): flat, sharp
    train: np.ndarray  # (2,) train loss at each
    test: np.ndarray  # (2,) test loss at each
    curvature: np.ndarray  # (2,) second derivative along the shift

    @property
    def gap(self):
        return self.test - self.train

    @property
    def estimate(self):
        return 0.5 * self.shift**2 * self.curvature


def gaps(shift):
    m, train_loss, hessian = minima()
    u = shift_direction()
    return Gaps(shift=float(shift), minima=np.array(m), train=np.array(train_loss), test=shifted(shift).loss(m),
                curvature=np.einsum("i,kij,j->k", u, hessian, u))


def start_points(where):
    if where == IN_SHARP:
        return np.broadcast_to(minima()[0][1], (RUNS, 2))
    (xa, xb), (ya, yb) = train().bounds
    return np.random.default_rng(0).uniform((xa, ya), (xb, yb), size=(RUNS, 2))


def ends(lr, batch, where):
    """Where RUNS runs end: ONE vectorised descend, each run with its own random sample order."""
    traj = gd.descend(train(), gd.SGD(lr=lr), start_points(where), STEPS, batch_size=batch, seed=1,
                      record_every=STEPS)
    return np.asarray(traj.final), np.asarray(traj.status)


def labels(final, status):
    """0 flat, 1 sharp, 2 neither (farther than RADIUS from both, or diverged), per run."""
    m, _, _ = minima()
    distance = np.linalg.norm(final[:, None, :] - m[None], axis=-1)
    return np.where((distance.min(axis=1) <= RADIUS) & (status != "diverged"), distance.argmin(axis=1), 2)


def run(shift, starts, lr, small, large):
    """Everything the page draws: the gaps at this shift, and the ends for both batch sizes."""
    return gaps(shift), ends(lr, small, starts), ends(lr, large, starts)


def percentages(counts):
    """Whole percentages that add up to exactly 100 (largest remainder), where a count that is not zero never
    reads 0% and one that is not everything never reads 100% (the unit moves from the largest share).

    >>> percentages([148, 52, 0])
    [74, 26, 0]
    >>> percentages([199, 0, 1])
    [99, 0, 1]
    >>> percentages([1, 1, 1])
    [34, 33, 33]
    """
    counts = np.asarray(counts, dtype=np.float64)
    whole = whole_percentages(counts)
    for k in np.flatnonzero((counts > 0) & (whole == 0)):
        whole[k] = 1
        whole[int(np.argmax(whole))] -= 1
    return whole.tolist()


@dataclass(frozen=True)
class Facts:
    shift: float
    gap: tuple  # (flat, sharp): test − train at each minimum
    estimate: tuple  # ½ d² curvature
    curvature: tuple
    train_loss: tuple
    bounds: tuple  # 2/λ_max at each minimum
    lr: float
    starts: str
    small: int
    large: int
    small_counts: tuple  # runs ending in (flat, sharp, neither) with the small batch
    large_counts: tuple
    diverged: tuple  # (small, large)

    @property
    def ratio(self):
        return self.gap[1] / self.gap[0] if self.gap[0] > 0 else float("inf")


def facts(g: Gaps, small_ends, large_ends, lr, starts, small, large) -> Facts:
    def count(e):
        return tuple(int(v) for v in np.bincount(labels(*e), minlength=3))

    return Facts(
        shift=g.shift, gap=tuple(float(v) for v in g.gap), estimate=tuple(float(v) for v in g.estimate),
        curvature=tuple(float(v) for v in g.curvature), train_loss=tuple(float(v) for v in g.train),
        bounds=tuple(float(v) for v in bounds()), lr=float(lr), starts=starts, small=int(small), large=int(large),
        small_counts=count(small_ends), large_counts=count(large_ends),
        diverged=tuple(int(np.sum(e[1] == "diverged")) for e in (small_ends, large_ends)),
    )


# --- words ------------------------------------------------------------------------------------------


def num(x):
    return charts.plain(x)


def batch_name(batch):
    return f"all {N_SAMPLES} samples" if batch == N_SAMPLES else f"batch size {batch}"


def map_label(count, total=RUNS):
    """The text beside a minimum on the map of ends: exact, so it agrees with the dots drawn."""
    return {0: "0 runs", total: f"all {total} runs"}.get(count, f"{count} runs")


@dataclass(frozen=True)
class Story:
    gap: tuple  # (tone, text) about the shift
    gap_note: str
    batch: tuple  # (tone, text) about the runs
    batch_note: str


def gap_line(f: Facts):
    if f.shift == 0:
        return "info", "With no shift the test loss is the train loss, so neither minimum has a gap. Move the slider."
    flat, sharp = f.gap
    if sharp > flat > 0:
        return "success", (
            f"Shifted by d = {f.shift:g}, the flat minimum's loss rises by only **{num(flat)}**; the sharp one's "
            f"rises by **{num(sharp)}**, {f.ratio:.0f} times as much. The flat valley is so wide that a small move "
            "leaves the weights still near its bottom; the sharp valley's walls are steep, so the same move puts "
            "them high on a wall. That is why a flat minimum generalises better.")
    return "warning", (
        f"Shifted by d = {f.shift:g}, the flat minimum's loss rises by {num(flat)} and the sharp one's by "
        f"{num(sharp)}: here the sharp minimum does not pay more.")


def gap_note(f: Facts):
    if f.shift == 0:
        return ""
    errors = [abs(e - g) / g for e, g in zip(f.estimate, f.gap) if g > 0]
    worst = max(errors) if errors else 0.0
    holds = ("holds within " + f"{worst:.0%}" if worst < 0.15 else
             f"is off by up to {worst:.0%}: d is no longer small next to the sharp valley's width, whose walls level off")
    return (f"The estimate ½·d²·curvature gives {num(f.estimate[0])} (flat) and {num(f.estimate[1])} (sharp); "
            f"it {holds}. Curvature along the shift: {num(f.curvature[0])} and {num(f.curvature[1])}.")


def runs_text(count, total=RUNS):
    """Exact words for a count of runs: 'all 200 runs', 'no run', 'all but 1 of the 200 runs', '52 of the 200 runs'."""
    if count == total:
        return f"all {total} runs"
    if count == 0:
        return "no run"
    if total - count <= 3:
        return f"all but {total - count} of the {total} runs"
    return f"{count} of the {total} runs"


def batch_line(f: Facts):
    small, large = batch_name(f.small), batch_name(f.large)
    s, l_ = f.small_counts[1], f.large_counts[1]
    where = "started in the sharp minimum" if f.starts == IN_SHARP else "started anywhere on the map"
    if l_ < 0.02 * RUNS:
        return "warning", (
            f"Even with {large}, {runs_text(l_)} ended in the sharp minimum (the runs {where}), so this setting "
            "does not separate the two batch sizes. Start the runs anywhere on the map, or lower η.")
    if l_ - s >= 0.05 * RUNS:
        verb = "stayed in" if f.starts == IN_SHARP else "ended in"
        return "success", (
            f"The runs {where}. With {small}, **{runs_text(s)}** {verb} the sharp minimum; with {large}, "
            f"**{runs_text(l_)}**. The noisy small-batch steps throw runs out of the narrow valley, and once in "
            "the wide one they stay: there the same noise barely moves them.")
    return "info", (
        f"Both batch sizes ended in the sharp minimum about equally often: {runs_text(s)} with {small}, "
        f"{runs_text(l_)} with {large}. At η = {f.lr:g} the noisy steps are too small to carry a run over the sharp "
        f"valley's rim within {STEPS} updates. Raise η or pick a smaller batch.")


def batch_note(f: Facts):
    parts = []
    for name, c, d in ((batch_name(f.small), f.small_counts, f.diverged[0]),
                       (batch_name(f.large), f.large_counts, f.diverged[1])):
        if c[2]:
            why = f" ({d} diverged)" if d else ""
            parts.append(f"{c[2]} run{'s' if c[2] > 1 else ''} with {name}{why}")
    if not parts:
        return ""
    return ("“Neither”: " + " and ".join(parts) + f" ended more than {RADIUS:g} away from both minima after "
            f"{STEPS} updates: the dots away from both diamonds on the maps.")


def story(f: Facts) -> Story:
    return Story(gap=gap_line(f), gap_note=gap_note(f), batch=batch_line(f), batch_note=batch_note(f))
