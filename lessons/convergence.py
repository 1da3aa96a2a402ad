r"""Convergence & early stopping: two rules for a loss that has stopped improving.

Both runs descend the same surface from the same start with the same noise:

- **A** keeps :math:`\eta` and stops at the N-th update in a row whose loss does not beat
  the loss of its last improvement by more than :math:`\delta` (early stopping);
- **B** multiplies :math:`\eta` by :math:`\rho` after each N updates in a row without such an
  improvement, and stops once :math:`\eta < \eta_{\text{stop}}` (reduce on plateau).

:func:`facts` re-derives every claim from the losses themselves (when each rule had to act),
not from the controller's own counters, so the tests can hold the two against each other.

>>> f = facts(**DEFAULTS)
>>> f.a.stop, f.a.last_gain, f.b.cuts[:2], f.b.k_closed
(22, 2, (22, 44), 7)
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

import gdcore as gd
from gdcore.charts import plain

SURFACE = "local_global"
START = (3.0, -3.0)
#: Half-width of the close-up around the deep minimum.
ZOOM = 0.7
LRS = (0.05, 0.1, 0.2, 0.3, 0.5, 0.7, 0.9, 1.0, 1.1, 1.2, 1.3, 1.4, 1.5, 1.7, 2.0)
MIN_DELTAS = (0.0, 1e-5, 1e-4, 1e-3, 1e-2, 0.1)
STOP_LRS = (1e-4, 3e-4, 1e-3, 3e-3, 0.01, 0.03, 0.1)
#: A best loss within this of the minimum's loss counts as "at the bottom".
AT_BOTTOM = 1e-3

DEFAULTS = {"lr": 1.2, "noise": 0.0, "patience": 20, "min_delta": 1e-3, "factor": 0.5, "stop_lr": 0.01,
            "steps": 300, "seed": 0}
#: Widget values of each preset button; each lesson is asserted in tests/lessons/test_convergence.py.
PRESETS = {
    "η too large": dict(DEFAULTS),
    "Noisy gradient": {**DEFAULTS, "lr": 0.5, "noise": 0.5},
    "η that fits": {**DEFAULTS, "lr": 0.5},
}


def controllers(patience, min_delta, factor, stop_lr, steps):
    """A's and B's controllers: both count an update as an improvement only if it beats the best by more than δ."""
    # A patience as long as the run means A never cuts its lr: a fixed η with early stopping.
    stopping = gd.PlateauController(patience=steps, stop_patience=patience, min_delta=min_delta)
    # torch's patience counts the bad updates it tolerates; patience - 1 makes B act on the N-th one, as A does.
    plateau = gd.PlateauController(factor=factor, patience=patience - 1, threshold=min_delta, threshold_mode="abs",
                                   stop_lr=stop_lr)
    return stopping, plateau


def run(lr, noise, patience, min_delta, factor, stop_lr, steps, seed):
    """Both runs, and the steps after which B cut its lr: ``(a, b, cuts)``."""
    surface = gd.surfaces.get(SURFACE)
    stopping, plateau = controllers(patience, min_delta, factor, stop_lr, steps)
    common = dict(steps=steps, noise=noise, seed=seed)
    a = gd.descend(surface, gd.SGD(lr=lr), START, controller=stopping, **common)
    b = gd.descend(surface, gd.SGD(lr=lr), START, controller=plateau, **common)
    return a, b, tuple(r for r in plateau.reductions if r <= b.steps_done)


def gains(losses, min_delta):
    """Steps whose loss beat the reference by more than δ; the reference is the loss of the last such step.

    Step 0 (the start) is the first reference. This is the rule both runs apply.

    >>> gains([5.0, 4.0, 3.95, 3.0, 3.1], 0.1)
    [0, 1, 3]
    """
    out, ref = [0], losses[0]
    for t in range(1, len(losses)):
        if losses[t] < ref - min_delta:
            out.append(t)
            ref = losses[t]
    return out


def closed_cuts(lr, factor, stop_lr):
    r"""How many cuts :math:`\eta\rho^k` takes to fall below :math:`\eta_{\text{stop}}`: the least k with :math:`\eta\rho^k < \eta_{\text{stop}}`.

    >>> closed_cuts(1.2, 0.5, 0.01), closed_cuts(0.5, 0.5, 0.01), closed_cuts(0.05, 0.5, 0.1)
    (7, 6, 0)
    """
    if lr < stop_lr:
        return 0
    k = max(0, math.floor(math.log(stop_lr / lr) / math.log(factor)))
    while lr * factor**k >= stop_lr:
        k += 1
    while k > 0 and lr * factor ** (k - 1) < stop_lr:
        k -= 1
    return k


@dataclass(frozen=True)
class RunA:
    status: str           # "early_stopped" or "max_steps"
    stop: int             # updates made
    last_gain: int        # the last step that beat its reference by more than δ
    best_step: int
    best_loss: float
    gap: float            # best loss minus the minimum's loss
    distance: float       # from the best weights to the minimum


@dataclass(frozen=True)
class RunB:
    status: str           # "lr_below" or "max_steps"
    stop: int
    cuts: tuple           # steps after which η was multiplied by ρ
    k_closed: int         # cuts needed for η ρ^k < η_stop, from the closed form
    final_lr: float       # η ρ^(number of cuts)
    best_step: int
    best_loss: float
    gap: float
    distance: float
    settled: int          # the first step within δ of B's best: later updates gain less than δ
    shared: int           # the runs are at the same point for steps 0 .. shared (until A stops, by design)


@dataclass(frozen=True)
class Facts:
    lr: float
    noise: float
    patience: int
    min_delta: float
    factor: float
    stop_lr: float
    steps: int
    seed: int
    bound: float          # 2/λ_max at the deep minimum
    min_loss: float       # the deep minimum's loss
    a: RunA
    b: RunB

    @property
    def ratio(self):
        return self.lr / self.bound

    @property
    def a_at_bottom(self):
        return self.a.gap < AT_BOTTOM

    @property
    def b_at_bottom(self):
        return self.b.gap < AT_BOTTOM

    @property
    def late_cuts(self):
        """B's cuts after it had settled: each waited N updates that gained less than δ."""
        return tuple(r for r in self.b.cuts if r > self.b.settled)


def facts(lr, noise, patience, min_delta, factor, stop_lr, steps, seed, runs=None):
    """The :class:`Facts` of both runs (``runs`` = the result of :func:`run`, if already computed)."""
    a, b, cuts = run(lr, noise, patience, min_delta, factor, stop_lr, steps, seed) if runs is None else runs
    surface = gd.surfaces.get(SURFACE)
    minimum = surface.minima[0]
    min_loss = float(surface.loss(minimum))
    la, lb = np.asarray(a.losses), np.asarray(b.losses)
    a_best, b_best = int(np.argmin(la)), int(np.argmin(lb))
    tol = max(min_delta, 1e-12)
    return Facts(
        lr=float(lr), noise=float(noise), patience=int(patience), min_delta=float(min_delta), factor=float(factor),
        stop_lr=float(stop_lr), steps=int(steps), seed=int(seed),
        bound=float(surface.max_stable_lr_at(minimum)),
        min_loss=min_loss,
        a=RunA(
            status=str(a.status), stop=int(a.steps_done), last_gain=gains(la, min_delta)[-1],
            best_step=a_best, best_loss=float(la[a_best]), gap=float(la[a_best] - min_loss),
            distance=float(np.linalg.norm(a.points[a_best] - minimum)),
        ),
        b=RunB(
            status=str(b.status), stop=int(b.steps_done), cuts=tuple(int(r) for r in cuts),
            k_closed=closed_cuts(lr, factor, stop_lr), final_lr=float(lr * factor ** len(cuts)),
            best_step=b_best, best_loss=float(lb[b_best]), gap=float(lb[b_best] - min_loss),
            distance=float(np.linalg.norm(b.points[b_best] - minimum)),
            settled=int(np.flatnonzero(lb <= lb[b_best] + tol)[0]),
            shared=_shared(a.points, b.points),
        ),
    )


def _shared(pa, pb):
    """The last step up to which two paths are at the very same points."""
    n = min(len(pa), len(pb))
    differ = np.flatnonzero(np.any(pa[:n] != pb[:n], axis=-1))
    return int(differ[0] - 1) if len(differ) else n - 1


# --- what the page says ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Story:
    """One thing the page says: ``tone`` is the Streamlit call (success, info, warning, markdown, caption)."""

    tone: str
    text: str


def updates(n):
    return "1 update" if n == 1 else f"{n} updates"


def times(n):
    return "once" if n == 1 else f"{n} times"


def steps_list(steps):
    steps = list(steps)
    if len(steps) <= 6:
        return ", ".join(str(s) for s in steps)
    return ", ".join(str(s) for s in steps[:4]) + f", …, {steps[-1]}"


def loss(x):
    """A loss with four significant digits: the runs differ in the third."""
    return plain(x, 4)


_SUP = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")


def power(k):
    return str(k).translate(_SUP)


def rate_caption(f):
    """The line under the η slider: η against the deep minimum's stability bound."""
    if f.lr > f.bound:
        where = "at the bottom each step overshoots to the other side"
    elif f.noise > 0:
        where = f"without noise the run could settle at the bottom; the noise σ = {plain(f.noise)} shakes it around"
    else:
        where = "the run can settle at the bottom"
    return f"η = {plain(f.lr)} is {f.ratio:.2f}× the bound 2/λ_max = {plain(f.bound)} of the deep minimum: {where}."


def _why_above(f):
    """Why a run hovers above the bottom, from the settings."""
    reasons = []
    if f.lr > f.bound:
        reasons.append(f"η = {plain(f.lr)} is above the bound {plain(f.bound)}, so each step jumps across the bottom")
    if f.noise > 0:
        reasons.append(f"the noise (σ = {plain(f.noise)}, scaled by η) keeps shaking the weights")
    return " and ".join(reasons) if reasons else "its last improvements were smaller than δ"


def story_a(f):
    a, n = f.a, f.patience
    if a.status != "early_stopped":
        return Story("info", (
            f"**A used all {f.steps} updates**: its loss beat its reference by more than δ = {plain(f.min_delta)} "
            f"as late as step {a.last_gain}, less than {updates(n)} before the end. Allow more updates, raise δ or "
            "lower N to call it converged sooner."
        ))
    head = (
        f"**A stopped at step {a.stop}.** Step {a.last_gain} was its last improvement by more than "
        f"δ = {plain(f.min_delta)}; none of the {updates(n)} after it got more than δ below step {a.last_gain}'s loss, "
        f"so early stopping ended the run. It keeps the best weights, those of step {a.best_step} "
        f"(loss {loss(a.best_loss)})."
    )
    if f.a_at_bottom:
        return Story("success", f"{head} That is the minimum's loss {loss(f.min_loss)}, to within {plain(AT_BOTTOM)}.")
    return Story("warning", (
        f"{head} That is {loss(a.gap)} above the minimum's loss {loss(f.min_loss)}: {_why_above(f)}."
    ))


def story_b(f):
    b, n = f.b, f.patience
    k = len(b.cuts)
    if b.status == "lr_below" and k == 0:
        return Story("warning", (
            f"**B stopped at once**: η = {plain(f.lr)} is already below η_stop = {plain(f.stop_lr)}, so it never "
            "descended. Lower η_stop."
        ))
    if b.status != "lr_below":
        cuts = f"after cutting η {times(k)} (after steps {steps_list(b.cuts)})" if k else "without a single cut of η"
        return Story("info", (
            f"**B used all {f.steps} updates** {cuts}: η = {plain(b.final_lr)} never fell below "
            f"η_stop = {plain(f.stop_lr)}. Allow more updates, or raise η_stop."
        ))
    head = (
        f"**B cut η {times(k)}**, after steps {steps_list(b.cuts)}: each time after {updates(n)} in a row without an "
        f"improvement by more than δ. After the last cut η = {plain(f.lr)} × {plain(f.factor)}"
        f"{power(k) if k > 1 else ''} = {plain(b.final_lr, 4)} was below η_stop = {plain(f.stop_lr)}, so B stopped "
        f"at step {b.stop}. Its best loss is {loss(b.best_loss)} (step {b.best_step})"
    )
    if f.b_at_bottom:
        return Story("success", f"{head}: the minimum's, to within {plain(AT_BOTTOM)}.")
    return Story("info", f"{head}, {loss(b.gap)} above the minimum's: {_why_above(f)}.")


def verdict(f):
    """Which rule got closer to the bottom, and at what price."""
    a, b = f.a, f.b
    extra = b.stop - a.stop
    if b.best_loss < a.best_loss - AT_BOTTOM:
        return Story("success", (
            f"**Cutting η paid off**: B's best loss is {loss(a.best_loss - b.best_loss)} lower than A's "
            f"({loss(b.best_loss)} against {loss(a.best_loss)}), and its best weights lie {plain(b.distance)} from "
            f"the minimum against A's {plain(a.distance)}. It took {updates(b.stop)} to A's {a.stop}."
        ))
    if a.best_loss < b.best_loss - AT_BOTTOM:
        return Story("warning", (
            f"**Cutting η did not help here**: A's best loss {loss(a.best_loss)} is lower than B's {loss(b.best_loss)}."
        ))
    cost = f", but B ran {updates(extra)} longer than A" if extra > 0 else ""
    return Story("info", (
        f"**Both rules end as low** (best losses {loss(a.best_loss)} and {loss(b.best_loss)}, within "
        f"{plain(AT_BOTTOM)}){cost}. When η already fits and the gradient is exact, early stopping alone is enough."
        if f.lr <= f.bound and f.noise == 0 else
        f"**Both rules end as low** (best losses {loss(a.best_loss)} and {loss(b.best_loss)}, within "
        f"{plain(AT_BOTTOM)}){cost}."
    ))


def late_cuts_text(f):
    """What B's cuts after it settled cost, when there were any."""
    late = f.late_cuts
    if f.b.status != "lr_below" or not late:
        return None
    return Story("markdown", (
        f"From step {f.b.settled} on, B's loss never got more than δ below where it was: it had settled. Its "
        f"{len(late)} later cut{'s' if len(late) != 1 else ''} only waited out the patience, {updates(f.b.stop - f.b.settled)} "
        "that barely changed the loss. The threshold η_stop decides how many of them it pays for."
    ))


def paths_caption(f):
    """How the two paths relate: identical until A stopped, then B alone."""
    same = (f"Up to step {f.b.shared} the two runs take the very same steps (same start, same noise, same η), so "
            "B's dashed path runs inside A's wide one")
    end = f"; A's square marks where it stopped at step {f.a.stop}." if f.a.stop <= f.b.shared else "."
    return Story("caption", same + end)


def story(f):
    """A's outcome, B's outcome, the comparison, and (when there are any) B's late cuts."""
    lines = [story_a(f), story_b(f), verdict(f)]
    late = late_cuts_text(f)
    return lines + ([late] if late else [])
