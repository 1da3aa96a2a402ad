"""Weight averaging: cycle the learning rate, save the weights at each low point, average them.

The loss is the flat-vs-sharp landscape seen through 64 data samples (each
sample is the surface moved by a small random offset); the test loss is the
same landscape seen through 64 fresh samples, so its lowest point sits a little
away from the train loss's. SWA runs from a start on the wide valley's wall.

``run`` makes ``RUNS`` runs with the same settings at once, each with its own
random sample order: the page draws the first ("your run") and ``facts``
counts, over all of them, how often the average's test loss beats the saved
points'. In two dimensions that is the honest measure: one run can be lucky.
Averaging cancels the noise of the saved points, so the average beats the
saved points' mean every time and the last saved point (what SGD alone would
keep) in most runs; whether it beats *every* saved point is close to a coin
toss in a plane (a saved point may land nearer the test minimum by chance),
and the words say which happened.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

import gdcore as gd
from gdcore import charts

N_SAMPLES = 64
SPREAD = 0.25  # standard deviation of the sample offsets
START = (-2.05, 1.25)  # on the wall of the wide valley
RUNS = 20  # runs per setting, each with its own sample order; the page draws the first
LRS = (0.1, 0.2, 0.5, 1.0, 1.5, 2.0, 3.0, 4.0)
LOWS = (0.1, 0.25, 0.5, 1.0)  # η_min as a share of η_max (1 = a constant rate)
BATCHES = (1, 2, 4, 8, 16, 64)
VIEW = ((-2.3, -0.4), (-0.47, 1.43))  # a square window on the wide valley's floor
SAME = 1e-6  # saved points closer than this to their average count as one point
OFF_FLOOR = 0.9  # a saved point this far from the valley's lowest point has left the valley

DEFAULTS = {"lr": 1.5, "low": 0.5, "cycles": 6, "length": 40, "batch": 1, "seed": 3}
PRESETS = {
    "Noisy steps, averaged": dict(DEFAULTS),
    "A lucky saved point": {**DEFAULTS, "seed": 0},
    "No noise (full batch)": {**DEFAULTS, "batch": 64},
    "Too hot": {**DEFAULTS, "lr": 4.0, "seed": 0},
}
PRESET_NOTES = {
    "Noisy steps, averaged": "single-sample steps scatter the saved points around the valley floor; their average sits in the middle",
    "A lucky saved point": "another sample order: some saved points happen to land nearer the test minimum than the average",
    "No noise (full batch)": "without noise every cycle ends at the same point, so there is nothing to average",
    "Too hot": "η_max = 4 is twice the valley's stability bound: the high rates throw the run up the walls and out of the valley",
}


def train():
    return gd.objectives.Sampled(gd.surfaces.get("flat_sharp"), n_samples=N_SAMPLES, spread=SPREAD, seed=0)


def test_set():
    """Fresh samples of the same size (``swa``'s default test set)."""
    return train().resample(1)


def lowest(objective):
    """The lowest point of the wide valley of ``objective`` (Newton's method from the surface's flat minimum)."""
    guess = objective.surface.minima[0] + objective.offsets.mean(axis=0)
    return gd.critical.critical_point(objective, guess)


def run(lr, low, cycles, length, batch, seed):
    """``RUNS`` SWA runs from START at once (one vectorised call), each with its own sample order."""
    starts = np.broadcast_to(np.asarray(START, dtype=np.float64), (RUNS, 2))
    return gd.swa(train(), gd.SGD(), starts, cycles=cycles, cycle_length=length, lr_max=lr, lr_min=lr * low,
                  batch_size=batch, seed=seed, test=test_set())


def first(res):
    """Your run (the first of the batch): snapshots (K, 2), average (2,), train and test losses (K,)."""
    return res.snapshots[:, 0], res.average[0], res.train_losses[:, 0], res.test_losses[:, 0]


@dataclass(frozen=True)
class Facts:
    lr: float
    lr_min: float
    cycles: int
    length: int
    batch: int
    bound: float  # 2/λ_max at the wide valley's lowest point: the largest rate that can settle there
    status: str  # your run's
    steps_done: int
    train_floor: float  # the lowest train loss of the valley
    test_floor: float  # the lowest test loss of the valley
    snapshots: tuple  # ((w1, w2), ...) of your run
    average: tuple
    test: tuple  # test loss of each saved point, minus test_floor
    average_test: float
    train: tuple  # train loss of each saved point, minus train_floor
    average_train: float
    minimum_test: float  # test loss at the train loss's lowest point, minus test_floor
    average_to_minimum: float  # distance from your average to the train loss's lowest point
    spread: float  # farthest saved point from the average
    off_floor: tuple  # saved points (0-based) farther than OFF_FLOOR from the valley's lowest point
    runs: int  # runs that did not diverge
    beat_mean: int  # of them: the average's test loss below the saved points' mean test loss
    beat_last: int  # ... below the last saved point's
    beat_all: int  # ... below every saved point's

    @property
    def mean_test(self):
        return float(np.mean(self.test))

    @property
    def better(self):
        """Saved points (0-based) with a lower test loss than the average."""
        return tuple(k for k, t in enumerate(self.test) if t <= self.average_test)

    @property
    def verdict(self):
        if self.status == "diverged":
            return "diverged"
        if self.off_floor:
            return "left"
        if self.cycles == 1:
            return "one"
        if self.spread < SAME:
            return "same"
        if not self.better:
            return "all"
        if self.average_test < self.mean_test:
            return "most"
        return "none"


def facts(res, lr, low, cycles, length, batch) -> Facts:
    obj, test = train(), test_set()
    m, mt = lowest(obj), lowest(test)
    train_floor, test_floor = float(obj.loss(m)), float(test.loss(mt))
    snaps, avg, tr, te = first(res)
    status = np.asarray(res.status)
    ok = status != "diverged"
    t, a = res.test_losses[:, ok], res.average_test_loss[ok]
    with np.errstate(invalid="ignore"):
        distance = np.linalg.norm(snaps - m, axis=-1)
        spread = float(np.max(np.linalg.norm(snaps - avg, axis=-1))) if np.isfinite(snaps).all() else float("nan")
    return Facts(
        lr=float(lr), lr_min=float(lr * low), cycles=int(cycles), length=int(length), batch=int(batch),
        bound=float(2.0 / np.linalg.eigvalsh(obj.hessian(m))[-1]),
        status=str(status[0]), steps_done=int(np.asarray(res.trajectory.steps_done).reshape(-1)[0]),
        train_floor=train_floor, test_floor=test_floor,
        snapshots=tuple(tuple(float(v) for v in p) for p in snaps),
        average=tuple(float(v) for v in avg),
        test=tuple(float(v - test_floor) for v in te), average_test=float(res.average_test_loss[0] - test_floor),
        train=tuple(float(v - train_floor) for v in tr), average_train=float(res.average_train_loss[0] - train_floor),
        minimum_test=float(test.loss(m) - test_floor),
        average_to_minimum=float(np.linalg.norm(avg - m)),
        spread=spread,
        off_floor=tuple(int(k) for k in np.flatnonzero(~(distance <= OFF_FLOOR))),
        runs=int(ok.sum()),
        beat_mean=int(np.sum(a < t.mean(axis=0))),
        beat_last=int(np.sum(a < t[-1])),
        beat_all=int(np.sum(a < t.min(axis=0))),
    )


# --- words ------------------------------------------------------------------------------------------


def num(x):
    return charts.plain(x)


def point(w):
    return f"({w[0]:.2f}, {w[1]:.2f})"


def gain(f: Facts):
    """How many times lower the average's test loss is than the saved points' mean, in words."""
    if f.average_test <= 0:
        return "far"
    ratio = f.mean_test / f.average_test
    return f"{ratio:.0f} times" if ratio >= 2 else f"{ratio:.1f} times"


def dragged(f: Facts):
    """What a saved point off the floor does to the average."""
    lower = len(f.better)
    if lower:
        return (f"It drags the average up the wall with it: the average's test loss is **{num(f.average_test)}** above "
                f"the lowest, higher than {lower} of the {f.cycles} saved points'.")
    return (f"The average still beats every saved point on the test loss (**{num(f.average_test)}** above the lowest), "
            "but it sits off the floor.")


def listing(indices):
    names = [str(k + 1) for k in indices]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


@dataclass(frozen=True)
class Story:
    tone: str  # a Streamlit call: success, info, warning, error
    headline: str  # the result box beside the controls
    runs: str  # the count over RUNS runs, or "" when there is nothing to count
    notes: tuple  # captions under the charts


def over_runs(f: Facts):
    if f.runs == 0 or f.cycles == 1 or f.verdict in ("same", "diverged"):
        return ""
    n = f.runs
    return (f"**Over {n} runs** like this one, each with its own random sample order, the average's test loss was "
            f"below the saved points' mean in **{f.beat_mean} of {n}**, below the last saved point's (what SGD "
            f"alone would keep) in **{f.beat_last}**, and below every saved point's in **{f.beat_all}**.")


def story(f: Facts) -> Story:
    """The page's sentences, from the facts only. Losses are heights above the test loss's lowest value."""
    k = f.cycles
    avg = f"**{num(f.average_test)}**"
    notes = []
    v = f.verdict
    if v == "diverged":
        tone = "error"
        text = (f"**Diverged** after {f.steps_done} updates: at η_max = {f.lr:g} each step overshot further and the "
                "weights ran away, so some cycles never ended and there is nothing to average. Lower η_max.")
    elif v == "left":
        far = f.off_floor
        tone = "warning"
        why = (f"η_max = {f.lr:g} is above the valley's stability bound 2/λ_max = {num(f.bound)}: the high rates "
               "throw the run up the walls" if f.lr > f.bound else
               f"even below the valley's stability bound 2/λ_max = {num(f.bound)}, steps on a few samples at a time "
               "threw the run up the walls")
        text = (f"**Saved point{'s' if len(far) > 1 else ''} {listing(far)} left the valley.** {why}, and "
                f"{'they' if len(far) > 1 else 'it'} ended far from the floor (train loss "
                f"{num(max(f.train[j] for j in far))} above it). " + dragged(f) + " Lower η_max.")
    elif v == "one":
        tone = "info"
        text = (f"With one cycle there is one saved point, so the average is that point (test loss {avg} above "
                "the lowest). Add cycles.")
    elif v == "same":
        tone = "info"
        where = (" It is the train loss's own lowest point: with nothing to cancel, averaging has no work to do."
                 if f.average_to_minimum < 1e-3 else "")
        text = (f"All {k} saved points are the same point: with all {N_SAMPLES} samples in every batch there is no "
                "noise, each cycle ends exactly where the last one did, and their average is that point too (test "
                f"loss {avg} above the lowest).{where} Averaging is a cure for noise: use a smaller batch to see it work.")
    elif v == "all":
        tone = "success"
        text = (f"The average beats **every one of the {k} saved points** on the test loss: it is {avg} above the "
                f"test loss's lowest value, the saved points {num(min(f.test))} to {num(max(f.test))} (mean "
                f"{num(f.mean_test)}, {gain(f)} as high). Each saved point is the valley floor plus some SGD noise; "
                "averaging cancels most of it.")
    elif v == "most":
        tone = "info"
        better = f.better
        many = len(better) > 1
        text = (f"The average beats the saved points **on average**: its test loss is {avg} above the lowest, their "
                f"mean {num(f.mean_test)}. But saved point{'s' if many else ''} {listing(better)} "
                f"{'are' if many else 'is'} lower still: by chance {'they' if many else 'it'} landed nearer the test "
                "loss's lowest point. Nobody can tell which saved point that will be without the test data; the "
                "average is the safe bet.")
    else:
        tone = "warning"
        text = (f"The average does **not** beat the saved points on the test loss here (it is {avg} above the lowest, "
                f"their mean {num(f.mean_test)}): they do not lie around one valley floor, so their middle is no better.")
    if v in ("all", "most", "none") and f.lr_min / f.bound < 0.1:
        notes.append(f"The lowest rate η_min = {f.lr_min:g} is small next to the valley's bound {num(f.bound)}: "
                     "each cycle settles close to the floor, so the saved points are already good and bunch up, "
                     "and averaging has less noise to remove.")
    if v in ("all", "most") and f.mean_test > f.minimum_test:
        if f.average_test <= f.minimum_test:
            notes.append(f"The train loss's own lowest point is {num(f.minimum_test)} above the test loss's lowest: "
                         "here the average does even better, by luck of where the noise put the saved points.")
        else:
            closed = (f.mean_test - f.average_test) / (f.mean_test - f.minimum_test)
            notes.append(f"For comparison, the train loss's own lowest point is {num(f.minimum_test)} above the test "
                         f"loss's lowest: averaging closes {closed:.0%} of the gap from the saved points' mean to it, "
                         "without a single full-batch gradient.")
    if v in ("all", "most") and f.average_train > min(f.train):
        notes.append(f"On the *train* loss the average ({num(f.average_train)} above its floor) is not the lowest of "
                     f"the points either (the best saved point is {num(min(f.train))} above): SWA does not aim at "
                     "the train loss's bottom, it aims at the middle of where SGD wanders.")
    return Story(tone=tone, headline=text, runs=over_runs(f), notes=tuple(notes))
