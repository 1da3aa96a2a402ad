"""Batch size: mini-batches between SGD and the full batch; gradient noise against the cost of an update.

The loss is a straight-line fit to ``N`` noisy points. ``run`` makes ``RUNS``
runs for every batch size in ``SIZES`` from the same start (one vectorised call
per size), ``variance`` measures the spread of the batch gradient against its
exact value without replacement, and ``costs`` times ``descend`` on this
machine. ``facts`` and ``story`` rest on the runs and the variance only; the
timing words come from ``cost_story`` and say the numbers were measured now,
so no claim that a test checks depends on a clock.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np

import gdcore as gd
from gdcore import charts

N = 1024
SIZES = (1, 16, 32, 128, N)
NAMES = {1: "B = 1 (SGD)", 16: "B = 16", 32: "B = 32", 128: "B = 128", N: f"B = {N} (all)"}
SHORT = {1: "B = 1", 16: "B = 16", 32: "B = 32", 128: "B = 128", N: "the full batch"}  # inside a sentence
LRS = (0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.3, 0.5)
START = (0.0, 1.5)
VIEW = ((-0.5, 3.5), (-2.5, 1.9))  # the part of the plane the runs visit
VARIANCE_SIZES = tuple(2**k for k in range(10))  # 1 ... 512
BATCHES_PER_SIZE = 256  # random batches per size for the measured variance
RUNS = 8  # shuffles per batch size: the loss curves average them, so each noise floor shows
TIMED_UPDATES = 50
REPEATS = 21  # timings are the fastest of this many repeats
WHERE = ("start", "minimum")
ZERO = 1e-12  # excess losses below this are rounding noise

DEFAULTS = {"lr": 0.05, "steps": 200, "seed": 0, "where": "start"}
RUN = {k: DEFAULTS[k] for k in ("lr", "steps", "seed")}  # what presets set ("where" belongs to the noise section)
PRESETS = {
    "Noise floors": dict(RUN),
    "Longer runs": {**RUN, "steps": 1000},
    "Too large for single samples": {**RUN, "lr": 0.3},
    "Above the stability bound": {**RUN, "lr": 0.5},
}
PRESET_NOTES = {
    "Noise floors": "each batch size stalls at its own noise floor; the smaller the batch, the higher the floor",
    "Longer runs": "five times the updates: the full batch reaches the minimum, the small batches still hover above it",
    "Too large for single samples": "η = 0.3 is below the full loss's bound, yet a few steep single samples throw B = 1 far off",
    "Above the stability bound": "η = 0.5 is above 2/λ_max of the full loss: every batch size diverges",
}


def objective():
    return gd.objectives.linear_regression(n_samples=N, noise=1.0, seed=0)


def stability_bound():
    """2 / lambda_max of the full loss's (constant) Hessian: the largest stable lr of batch gradient descent."""
    obj = objective()
    return float(2.0 / np.linalg.eigvalsh(obj.hessian(obj.minimizer))[-1])


def batch_arg(size):
    """descend's batch_size: None for B = n, where every batch is the whole data set anyway."""
    return None if size == N else size


def updates_per_epoch(size):
    """n / B rounded up: the last batch of an epoch holds the remainder."""
    return -(-N // size)


def samples_processed(size, n_updates):
    """Samples seen after each update: an epoch is n // B full batches and the remainder."""
    epoch = [size] * (N // size) + ([N % size] if N % size else [])
    sizes = np.resize(epoch, n_updates)
    return np.concatenate([[0], np.cumsum(sizes)])


def run(lr, steps, seed):
    """For each batch size, RUNS runs from the same start with their own shuffles: one vectorised call each."""
    obj = objective()
    floor = float(obj.loss(obj.minimizer))
    out = {}
    for size in SIZES:
        traj = gd.descend(obj, gd.SGD(lr=lr), np.broadcast_to(START, (RUNS, 2)), steps,
                          batch_size=batch_arg(size), seed=seed)
        with np.errstate(invalid="ignore", over="ignore"):
            excess = traj.losses.mean(axis=1) - floor  # L(w) - L(w*), averaged over the runs
        out[size] = {
            "path": traj.points[:, 0],  # the first run's path
            "excess": excess,
            "diverged": int((traj.status == "diverged").sum()),
        }
    return out


def variance(where):
    """Per-sample variance sigma^2, the full gradient's length, and the measured variance of g_B for each B."""
    obj = objective()
    w = np.asarray(START, dtype=float) if where == "start" else obj.minimizer
    per_sample = obj.grad(np.broadcast_to(w, (N, 2)), np.arange(N)[:, None])
    full = per_sample.mean(axis=0)
    sigma2 = float(((per_sample - full) ** 2).sum(-1).mean())
    rng = np.random.default_rng(0)
    measured = []
    for size in VARIANCE_SIZES:
        # Whole epochs cut into batches: exactly how descend samples, without replacement.
        epochs = max(1, BATCHES_PER_SIZE * size // N)
        batches = rng.permuted(np.tile(np.arange(N), (epochs, 1)), axis=1).reshape(-1, size)
        g = obj.grad(np.broadcast_to(w, (len(batches), 2)), batches)
        measured.append(float(((g - full) ** 2).sum(-1).mean()))
    return sigma2, float(np.hypot(*full)), np.array(measured)


def exact_variance(sigma2, b):
    """E‖g_B − ∇L‖² for a batch drawn without replacement: σ²/B · (n − B)/(n − 1)."""
    return sigma2 * (N - np.asarray(b, dtype=np.float64)) / (np.asarray(b, dtype=np.float64) * (N - 1))


def costs(repeats=REPEATS, updates=TIMED_UPDATES):
    """Wall time of one update of ``descend`` for each batch size, on this machine, now.

    Every repeat times each batch size once over ``updates`` updates with
    ``time.perf_counter``, the sizes taking turns, so a moment when something else
    is running slows all sizes alike rather than one. Returns {size: (fastest,
    median)} seconds per update: the fastest repeat is the measurement, the median
    shows how much repeats of the same size differ.
    """
    obj = objective()
    times = {size: [] for size in SIZES}
    for _ in range(repeats):
        for size in SIZES:
            start = time.perf_counter()
            gd.descend(obj, gd.SGD(lr=0.01), START, updates, batch_size=batch_arg(size), seed=0, record_every=updates)
            times[size].append((time.perf_counter() - start) / updates)
    return {size: (float(np.min(t)), float(np.median(t))) for size, t in times.items()}


@dataclass(frozen=True)
class Facts:
    lr: float
    steps: int
    bound: float
    floors: tuple  # L(w_T) − L(w*), mean of RUNS runs, per size in SIZES (nan when diverged)
    starts: float  # L(w_0) − L(w*)
    diverged: tuple  # runs that diverged, per size
    updates_per_epoch: tuple  # n / B rounded up, per size
    early: tuple  # (samples, excess per size after that many samples): the per-sample comparison

    @property
    def wild(self):
        """Sizes (indices) whose runs did not diverge but ended further from the minimum than they started."""
        return tuple(k for k, (f, d) in enumerate(zip(self.floors, self.diverged)) if not d and f > self.starts)

    @property
    def falling(self):
        """True when every larger batch ends lower (or both at the minimum, below ZERO)."""
        f = np.where(np.asarray(self.floors) < ZERO, 0.0, self.floors)
        return bool(np.all((f[1:] < f[:-1]) | (f[1:] == 0)))


@dataclass(frozen=True)
class NoiseFacts:
    where: str
    sigma2: float
    full_norm: float
    measured: tuple  # variance of g_B for B in VARIANCE_SIZES
    exact: tuple

    @property
    def variance_error(self):
        """Largest relative error of the measured variance against the exact one."""
        m, e = np.asarray(self.measured), np.asarray(self.exact)
        return float(np.max(np.abs(m - e) / e))


def noise_facts(where, variance_result) -> NoiseFacts:
    sigma2, full_norm, measured = variance_result
    return NoiseFacts(where=where, sigma2=float(sigma2), full_norm=float(full_norm),
                      measured=tuple(float(v) for v in measured),
                      exact=tuple(float(v) for v in exact_variance(sigma2, VARIANCE_SIZES)))


def early_comparison(runs, steps):
    """Excess loss of each batch size after the samples B = 1 has seen by the end (``steps`` samples).

    A batch size that has not finished one update by then is still at the start.
    """
    samples = int(samples_processed(1, steps)[-1])
    values = []
    for size in SIZES:
        done = samples_processed(size, steps)
        t = int(np.searchsorted(done, samples, side="right") - 1)  # updates finished within the samples
        excess = runs[size]["excess"]
        values.append(float(excess[t]) if t < len(excess) else float("nan"))  # nan: it diverged before
    return samples, tuple(values)


def facts(runs, lr, steps) -> Facts:
    floors = tuple(float(runs[s]["excess"][-1]) if not runs[s]["diverged"] else float("nan") for s in SIZES)
    return Facts(
        lr=float(lr), steps=int(steps), bound=stability_bound(), floors=floors,
        starts=float(runs[SIZES[0]]["excess"][0]),
        diverged=tuple(int(runs[s]["diverged"]) for s in SIZES),
        updates_per_epoch=tuple(updates_per_epoch(s) for s in SIZES),
        early=early_comparison(runs, steps),
    )


# --- words ------------------------------------------------------------------------------------------


def num(x):
    return charts.plain(x)


@dataclass(frozen=True)
class Story:
    tone: str  # success, info, warning, error
    headline: str
    progress: str  # under the two loss charts


def headline(f: Facts):
    diverged = [NAMES[s] + (f" ({d} of {RUNS} runs)" if d < RUNS else "") for s, d in zip(SIZES, f.diverged) if d]
    if f.diverged[-1]:
        who = "**Every batch size diverged.**" if len(diverged) == len(SIZES) else f"**Diverged:** {', '.join(diverged)}."
        return "error", (f"{who} Even the full batch diverges: η = {f.lr:g} is above the stability bound "
                         f"2/λ_max = {num(f.bound)} of the full loss, so every step overshoots the valley floor by "
                         "more than the last. Lower η.")
    if diverged:
        return "error", (f"**Diverged:** {', '.join(diverged)}. η = {f.lr:g} is below the full loss's bound "
                         f"{num(f.bound)} but too large for the steepest samples: a batch of a few steep points can "
                         "curve much more sharply than the average, so its step overshoots and the next overshoots "
                         "more. Larger batches average the steep points away. Lower η.")
    if f.wild:
        names = ", ".join(NAMES[SIZES[k]] for k in f.wild)
        return "warning", (f"**Not settling:** {names} ended further from the minimum than it started "
                           f"({num(f.floors[f.wild[0]])} above it, against {num(f.starts)} at the start). At "
                           f"η = {f.lr:g} a small batch made of steep points throws the weights far off, and flatter "
                           "batches bring them back only slowly. Larger batches average the steep points away; a "
                           "lower η calms small batches.")
    parts = [f"**{num(v)}** with {SHORT[s]}" for s, v in zip(SIZES, f.floors)]
    ends = ", ".join(parts[:-1]) + " and " + parts[-1]
    if f.falling:
        return "success", (f"After {f.steps} updates (mean of {RUNS} runs) the loss is above its minimum by {ends}: "
                           "the larger the batch, the lower it ends. Small batches stop improving early: their "
                           "noisy steps keep them moving in a cloud around the minimum.")
    return "info", (f"After {f.steps} updates (mean of {RUNS} runs) the loss is above its minimum by {ends}: "
                    "here a larger batch does not always end lower; with so few updates the runs are still on "
                    "their way down. Allow more updates.")


def progress(f: Facts):
    samples, values = f.early
    if any(f.diverged) or not np.all(np.isfinite(values)):
        return ""
    one, big = values[0], values[3]
    n_big = samples // SIZES[3]
    per_update = ("Per **update** (left) larger batches end lower." if f.falling else
                  "Per **update** (left) a larger batch does not always end lower here.")
    big_text = f"B = 128 after its {n_big} update{'' if n_big == 1 else 's'} on as many samples ({num(big)})"
    if one < big:
        per_sample = (f"Per **sample** (right) it is the other way round at first: after the {samples:,} samples "
                      f"B = 1 uses in its {f.steps} updates, it is {num(one)} above the minimum, lower than {big_text}.")
    else:
        per_sample = (f"Per **sample** (right) B = 1 does not win here: after its {samples:,} samples it is "
                      f"{num(one)} above the minimum, not lower than {big_text}.")
    if samples < N:
        full = (f"The full batch has not finished a single update on that many samples (it needs all {N:,}), so it "
                f"is still at the start, {num(values[-1])} above the minimum.")
    else:
        full = f"The full batch has made {samples // N} update{'s' if samples // N > 1 else ''}: {num(values[-1])}."
    return f"{per_update} {per_sample} {full}"


def noise(f: NoiseFacts):
    """The sentence under the variance chart."""
    where = "the full gradient is zero there" if f.where == "minimum" else f"the full gradient's length is {num(f.full_norm)}"
    m = f.measured
    return (f"Here the per-sample variance is σ² = {num(f.sigma2)} ({where}). The measured variance of the batch "
            f"gradient falls from {num(m[0])} at B = 1 to {num(m[2])} at B = 4 ({m[0] / m[2]:.1f} times less for four "
            f"times the batch) and to {num(m[-1])} at B = {VARIANCE_SIZES[-1]}; every measured point is within "
            f"{f.variance_error:.0%} of the exact value σ²(n − B)/(B(n − 1)).")


def story(f: Facts) -> Story:
    tone, text = headline(f)
    return Story(tone=tone, headline=text, progress=progress(f))


def cost_story(timing):
    """Sentences about a timing ({size: (fastest, median) seconds per update}) measured on the app's machine."""
    seconds = {s: t[0] for s, t in timing.items()}
    one, full = seconds[1], seconds[N]
    epoch = {s: seconds[s] * updates_per_epoch(s) for s in SIZES}
    ratio = full / one
    times = f"{ratio:.1f}×" if ratio < 10 else f"{ratio:.0f}×"
    if ratio < N / 4:
        per_update = (f"One update with the full batch took {num(full * 1e6)} µs, {times} one with a single sample "
                      f"({num(one * 1e6)} µs), not {N:,}×: numpy computes all of a batch's per-sample gradients in "
                      "one call, and most of a small update's time is fixed overhead.")
    else:
        per_update = (f"One update with the full batch took {num(full * 1e6)} µs, {times} one with a single sample "
                      f"({num(one * 1e6)} µs): on this machine the work per sample dominates.")
    small = [seconds[s] for s in SIZES[:-1]]
    jitter = max(t[1] / t[0] for t in timing.values())
    noise = ""
    if max(small) / min(small) < jitter:
        noise = (f" The bars of B = 1 to {SIZES[-2]} differ by less than repeats of one batch size do (the median "
                 f"repeat was up to {jitter:.1f}× the fastest), so their order is noise.")
    per_epoch = "fewer" if epoch[N] < epoch[1] else "more"
    return (f"Measured on the machine that runs this app, when the page first ran, with `time.perf_counter`: the "
            f"fastest of {REPEATS} repeats of {TIMED_UPDATES} updates per batch size, the sizes taking turns. Another "
            f"moment or another computer gives other numbers. {per_update}{noise} Per epoch B = 1 needs {N:,} "
            f"updates ({num(epoch[1] * 1e3)} ms), the full batch one ({num(epoch[N] * 1e3)} ms): {per_epoch} "
            "milliseconds for the same samples. A GPU computes thousands of per-sample gradients in parallel, so "
            "there a bigger batch costs hardly more per update; mini-batches of 16 to 128 keep enough noise to "
            "escape saddles and shallow minima while keeping the hardware busy.")
