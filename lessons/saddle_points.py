"""Saddle points: a zero gradient that is not a minimum; false convergence, and noise as the way out.

Three runs of gradient descent with the stopping rule ``‖∇L‖ < tol``: on the
strict saddle ½x² + ¼y⁴ − ½y² (plain, and with Gaussian noise σ on every
gradient), on the degenerate monkey saddle, and across a plateau. ``facts``
says where each run stopped and what kind of point that is; ``story`` words it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

import gdcore as gd
from gdcore import charts

LRS = (0.01, 0.02, 0.05, 0.1, 0.2, 0.3, 0.5)
NOISES = (0.0, 0.001, 0.01, 0.05, 0.1, 0.3, 1.0)
TOLS = (1e-2, 1e-3, 1e-4, 1e-6)
CASES = {"monkey": "A degenerate saddle: the monkey saddle", "plateau": "A plateau: a tiny gradient, no critical point"}
MONKEY_START, MONKEY_LR = (0.9, 0.0), 0.1
PLATEAU_DIRECTION, PLATEAU_LR = np.array([0.8, 0.6]), 1.0
SETTLED = 0.1  # a run that ends this close to a minimum has reached it
LEFT = 0.01  # a run has left the saddle once its loss is this far below the saddle's
APART = 0.01  # two runs part once their points are this far apart

DEFAULTS = {"lr": 0.1, "x0": 1.4, "y0": 0.0, "steps": 300, "tol": 1e-3, "noise": 0.01, "seed": 0,
            "case": "monkey", "r": 4.0}
PRESETS = {
    "False convergence": dict(DEFAULTS),
    "Off the ridge": {**DEFAULTS, "y0": 0.01, "noise": 0.0},
    "Too much noise": {**DEFAULTS, "noise": 1.0},
}
PRESET_NOTES = {
    "False convergence": "on the ridge plain gradient descent stops at the saddle; a little noise escapes",
    "Off the ridge": "no noise, but a start 0.01 off the ridge: the saddle pushes the run away by itself",
    "Too much noise": "large kicks escape at once, but they also keep the run from settling",
}


def _run(name, lr, x0, y0, steps, tol, noise, seed):
    traj = gd.descend(gd.surfaces.get(name), gd.SGD(lr=lr), (x0, y0), steps, tol=tol, noise=noise, seed=seed)
    _ = traj.losses, traj.grad_norms  # computed on first use: do it here so a cache keeps them
    return traj


@dataclass(frozen=True, eq=False)
class Runs:
    surface: str
    lr: float
    start: tuple
    steps: int
    tol: float
    noise: float
    seed: int
    plain: object
    noisy: object  # None without noise


def run(lr, x0, y0, steps, tol, noise, seed, surface="saddle"):
    """Plain gradient descent, and (when noise > 0) the perturbed run, from the same start."""
    plain = _run(surface, lr, x0, y0, steps, tol, 0.0, 0)
    noisy = _run(surface, lr, x0, y0, steps, tol, noise, seed) if noise > 0 else None
    return Runs(surface, float(lr), (float(x0), float(y0)), int(steps), float(tol), float(noise), int(seed), plain, noisy)


def run_monkey(steps, tol, noise, seed):
    return run(MONKEY_LR, *MONKEY_START, steps, tol, noise, seed, surface="monkey_saddle")


def plateau_start(r):
    return tuple(float(v) for v in np.round(r * PLATEAU_DIRECTION, 4))


def run_plateau(steps, tol, r):
    return run(PLATEAU_LR, *plateau_start(r), steps, tol, 0.0, 0, surface="plateau")


@dataclass(frozen=True)
class RunFacts:
    status: str
    steps_done: int
    end: tuple
    end_loss: float
    end_grad: float
    kind: str  # gd.classify at the end point
    nearest: tuple  # the nearest minimum
    distance: float  # to it
    reached: bool  # ended within SETTLED of a minimum
    left_at: int | None  # first step with loss below the saddle's by LEFT
    decay: float  # geometric mean of ‖∇L‖ from step to step over the last 20 steps
    fade_power: float  # p in ‖∇L‖ ~ t^(-p), fitted over the second half of the run
    crawl: int  # steps before ‖∇L‖ first reaches 0.01
    start_grad: float

    @property
    def falsely_converged(self):
        return self.status == "converged" and not self.reached


def run_facts(surface, traj, saddle_loss):
    s = gd.surfaces.get(surface)
    distance = np.linalg.norm(s.minima - traj.final, axis=-1)
    k = int(np.argmin(distance))
    below = np.flatnonzero(traj.losses < saddle_loss - LEFT)
    g = traj.grad_norms[np.isfinite(traj.grad_norms)]
    tail = g[-21:]
    decay = float(np.exp(np.mean(np.diff(np.log(np.maximum(tail, 1e-300)))))) if len(tail) > 1 else 1.0
    half = np.arange(len(g) // 2, len(g))
    half = half[(half > 0) & (g[half] > 0)]
    fade = float(-np.polyfit(np.log(half), np.log(g[half]), 1)[0]) if len(half) > 2 else 0.0
    strong = np.flatnonzero(g >= 0.01)
    return RunFacts(
        status=str(traj.status), steps_done=int(traj.steps_done),
        end=tuple(float(v) for v in traj.final), end_loss=float(traj.losses[-1]), end_grad=float(traj.grad_norms[-1]),
        kind=str(gd.classify(s, traj.final)), nearest=tuple(float(v) for v in s.minima[k]), distance=float(distance[k]),
        reached=bool(distance[k] < SETTLED and traj.status != "diverged"),
        left_at=int(below[0]) if len(below) else None, decay=decay, fade_power=fade,
        crawl=int(strong[0]) if len(strong) else len(g), start_grad=float(traj.grad_norms[0]),
    )


@dataclass(frozen=True)
class Facts:
    surface: str
    lr: float
    start: tuple
    steps: int
    tol: float
    noise: float
    seed: int
    saddle: tuple
    saddle_loss: float
    minimum_loss: float
    eigenvalues: tuple  # of the Hessian at the saddle, low to high
    saddle_kind: str
    plain: RunFacts
    noisy: RunFacts | None
    together_until: int | None  # first step at which the two runs are APART apart; None: never
    ridge_step: int | None  # on the ridge y = 0: the step at which |x0| (1 − η)^t first drops below tol


def facts(r: Runs) -> Facts:
    s = gd.surfaces.get(r.surface)
    saddle = s.saddles[0] if len(s.saddles) else np.zeros(2)
    saddle_loss = float(s.loss(saddle))
    lo, hi = np.linalg.eigvalsh(s.hessian(saddle))
    together = None
    if r.noisy is not None:
        n = min(len(r.plain.points), len(r.noisy.points))
        apart = np.flatnonzero(np.linalg.norm(r.plain.points[:n] - r.noisy.points[:n], axis=-1) > APART)
        together = int(apart[0]) if len(apart) else None
    x0, y0 = r.start
    ridge = None
    if r.surface == "saddle" and y0 == 0 and 0 < r.lr < 1 and abs(x0) >= r.tol:
        ridge = math.ceil(math.log(r.tol / abs(x0)) / math.log(1 - r.lr))
    return Facts(
        surface=r.surface, lr=r.lr, start=r.start, steps=r.steps, tol=r.tol, noise=r.noise, seed=r.seed,
        saddle=tuple(float(v) for v in saddle), saddle_loss=saddle_loss, minimum_loss=float(s.loss(s.minima[0])),
        eigenvalues=(float(lo), float(hi)), saddle_kind=str(gd.classify(s, saddle)),
        plain=run_facts(r.surface, r.plain, saddle_loss),
        noisy=run_facts(r.surface, r.noisy, saddle_loss) if r.noisy is not None else None,
        together_until=together, ridge_step=ridge,
    )


# --- words ------------------------------------------------------------------------------------------


def num(x, digits=3):
    """A coordinate for a sentence: fixed decimals, no "-0.000"."""
    text = f"{x:.{digits}f}"
    return text[1:] if text.startswith("-") and float(text) == 0 else text


def at(w, digits=3):
    return f"({num(w[0], digits)}, {num(w[1], digits)})"


def p(x):
    return charts.plain(x)


def plain_line(f: Facts):
    """(tone, sentence) about plain gradient descent on the strict saddle."""
    r = f.plain
    where = f"w = {at(r.end)}, loss {p(r.end_loss)}"
    if r.status == "diverged":
        return "error", (f"Plain gradient descent **diverged** after {r.steps_done} steps: η = {p(f.lr)} is too large "
                         "for the steep walls of this surface, so every step overshoots further. The chart shows the "
                         "finite part.")
    if r.reached:
        off = abs(f.start[1])
        growth = 1 + f.lr * abs(f.eigenvalues[0])
        how = (f"It started {p(off)} off the ridge, and along w₂ the saddle curves down (eigenvalue "
               f"{p(f.eigenvalues[0])}), so that offset grew by a factor 1 + η·{p(abs(f.eigenvalues[0]))} = "
               f"{p(growth)} per step until the run rolled away on its own." if off > 0 else
               "It did not start on the ridge, so the saddle's downhill direction pulled it away on its own.")
        return "success", (f"Plain gradient descent reached the minimum {at(r.nearest, 0)} (loss {p(f.minimum_loss)}) "
                           f"and stopped at step {r.steps_done} ({r.status.replace('_', ' ')}). {how}")
    if r.status == "converged":
        return "warning", (f"Plain gradient descent reported **converged at step {r.steps_done}** with ‖∇L‖ = "
                           f"{p(r.end_grad)} < tol = {p(f.tol)}, at {where}. **But this is a {r.kind}, not a "
                           f"minimum**: classify says \"{r.kind}\" there, and the minima lie "
                           f"{p(r.end_loss - f.minimum_loss)} lower. The stopping rule only sees a small gradient.")
    heading = abs(r.end[1]) < 0.01 and np.hypot(*r.end) < np.hypot(*f.start)
    return "info", (f"Plain gradient descent is still creeping after {r.steps_done} steps: ‖∇L‖ = {p(r.end_grad)}, "
                    f"{where}. " + ("It is sliding along the ridge into the saddle, not toward a minimum; more steps "
                                    "would end in a false convergence." if heading else
                                    "It has not reached a minimum yet: run more steps."))


def noisy_line(f: Facts):
    """(tone, sentence) about the perturbed run, or a caption inviting noise."""
    if f.noisy is None:
        return "caption", "Raise the noise σ to add a perturbed run from the same start."
    r = f.noisy
    label = f"With noise σ = {p(f.noise)} (seed {f.seed})"
    shared = (f" For its first {f.together_until} steps it follows plain gradient descent to within {p(APART)}, "
              "so the two paths lie on top of each other (plain: wide solid line, noisy: dashed)."
              if f.together_until and f.together_until > 5 else "")
    if r.status == "diverged":
        return "error", (f"{label} the run **diverged** after {r.steps_done} steps: a large kick threw it onto the "
                         "steep outer walls, where a step of this size overshoots further each time. The charts show "
                         "the finite part; lower σ or η.")
    if r.left_at is not None and r.reached:
        end = f"and stopped at step {r.steps_done}" if r.status == "converged" else f"and is there after {r.steps_done} steps"
        return "success", (f"{label} the run left the saddle at step {r.left_at} and **ended at the minimum** "
                           f"{at(r.nearest, 0)}, loss {p(r.end_loss)}, {end}. The kicks pushed it off the ridge, and "
                           f"the saddle's downhill direction did the rest.{shared}")
    if r.left_at is not None:
        return "info", (f"{label} the run left the saddle at step {r.left_at}, but after {r.steps_done} steps it is "
                        f"{p(r.distance)} from the minimum {at(r.nearest, 0)} and still jittering: kicks of this size "
                        "are as strong as the pull of the gradient there, so it never settles (and never passes the "
                        "stopping rule). Lower σ to let it settle.")
    if r.status == "converged":
        return "warning", (f"{label} the run still **converged falsely** at step {r.steps_done}, at {at(r.end)}: the "
                           f"kicks were too small to grow before the gradient fell below tol.{shared} Raise σ.")
    return "info", (f"{label} the run has not left the saddle yet after {r.steps_done} steps: run more steps or raise σ."
                    + shared)


def curves_line(f: Facts):
    """(tone, sentence) under the loss and gradient-norm charts."""
    r = f.plain
    parts = []
    if r.falsely_converged:
        parts.append(f"Loss: plain gradient descent falls to the saddle's level ({p(f.saddle_loss)}) and stays there, "
                     "a flat stretch that looks like the end of training.")
    elif r.left_at is not None:
        parts.append(f"Loss: plain gradient descent drops below the saddle's level at step {r.left_at} and goes on "
                     f"to the minima's ({p(f.minimum_loss)}).")
    if f.noisy is not None and f.noisy.status != "diverged":
        if f.noisy.left_at is not None:
            parts.append(f"The noisy run drops below the saddle's level at step {f.noisy.left_at}.")
        else:
            parts.append("The noisy run never drops below the saddle's level.")
    if r.falsely_converged:
        parts.append(f"Gradient norm: plain gradient descent's shrinks by a factor {p(r.decay)} per step (a straight "
                     f"line on this log scale) and crosses the dashed tol line at step {r.steps_done}, just as it "
                     "would at a minimum: that is what fools the stopping rule.")
    return "caption", " ".join(parts)


def story(f: Facts):
    """The strict saddle's sentences, as (tone, text): tone is a Streamlit call."""
    return [plain_line(f), noisy_line(f), curves_line(f)]


def monkey_story(f: Facts):
    r = f.plain
    lo, hi = f.eigenvalues
    lines = [("markdown", f"Three valleys and three ridges meet at the centre. There the Hessian is the zero matrix "
                          f"(eigenvalues **{p(lo)}** and **{p(hi)}**), so `gd.classify` says **{f.saddle_kind}**: the "
                          "curvature test cannot decide, because the surface is flat to second order. The runs start "
                          f"on a ridge at {at(f.start, 1)} with η = {p(f.lr)} (the noise, seed, tol and steps above).")]
    near_centre = np.hypot(*r.end) < SETTLED
    fade = f"fading like 1/t^{r.fade_power:.1f}" if r.fade_power > 0 else "barely changing"
    if r.falsely_converged and near_centre:
        lines.append(("warning", f"Plain gradient descent reported **converged at step {r.steps_done}** with ‖∇L‖ = "
                                 f"{p(r.end_grad)}, at {at(r.end)}, next to the centre: **a {f.saddle_kind} saddle, not a minimum**. With no "
                                 f"curvature to pull it in, it crept: the gradient kept {fade}, not shrinking by a "
                                 "fixed factor per step."))
    elif near_centre:
        lines.append(("info", f"Plain gradient descent is still creeping into the degenerate saddle after "
                              f"{r.steps_done} steps: ‖∇L‖ = {p(r.end_grad)} at {at(r.end)}, {fade}."))
    elif r.reached:
        lines.append(("success", f"Plain gradient descent slid off the ridge into the valley at {at(r.nearest, 2)}."))
    else:
        lines.append(("info", f"Plain gradient descent ends at {at(r.end)} ({r.status.replace('_', ' ')} after "
                              f"{r.steps_done} steps), {p(r.distance)} from the nearest minimum."))
    if f.noisy is not None:
        n = f.noisy
        if n.status == "diverged":
            lines.append(("error", f"With noise σ = {p(f.noise)} the run **diverged** after {n.steps_done} steps: "
                                   "the kicks are too large."))
        elif n.reached:
            lines.append(("success", f"With noise σ = {p(f.noise)} the run slid off the ridge into the valley at "
                                     f"{at(n.nearest, 2)}."))
        else:
            lines.append(("info", f"With noise σ = {p(f.noise)} the run ends at {at(n.end)}, {p(n.distance)} from "
                                  "the nearest minimum."))
    if near_centre:
        lines.append(("caption", "At the strict saddle the gradient of plain gradient descent fell by a fixed factor "
                                 f"every step (a straight line on a log scale). Here it fades like 1/t^{r.fade_power:.1f}: "
                                 "the closer the run gets, the flatter the ground, and nothing curves it in or out."))
    return lines


def plateau_story(f: Facts, r_value):
    r = f.plain
    lines = [("markdown", "One well in a wide, nearly flat plain. Far from the centre the gradient has length "
                          r"$\lVert w\rVert e^{-\lVert w\rVert^2/2}$: never zero, but so small that each step barely "
                          "moves. No Hessian test applies, because this is not a critical point; the run just crawls. "
                          f"Plain gradient descent with η = {p(f.lr)} from distance {p(r_value)} (the same tol and "
                          "steps).")]
    if r.status == "converged" and r.end_loss > 0.01:
        lines.append(("warning", f"Plain gradient descent reported **converged at step {r.steps_done}** with ‖∇L‖ = "
                                 f"{p(r.end_grad)} < tol, at loss {p(r.end_loss)}, while the minimum has loss "
                                 f"{p(f.minimum_loss)}. **There is no critical point here**: the gradient is small "
                                 "because the ground is almost flat, not zero."))
    elif r.end_loss < 0.01 and r.crawl == 0:
        lines.append(("success", f"This start is already on the wall of the well (‖∇L‖ = {p(r.start_grad)} at the start), "
                                 f"so gradient descent went straight in and stopped at step {r.steps_done}. Move the "
                                 "start farther out, onto the plain."))
    elif r.end_loss < 0.01:
        lines.append(("success", f"It crossed the plateau: for the first {r.crawl} steps ‖∇L‖ stayed below 0.01 and "
                                 f"the loss hardly moved, then it dropped into the well and stopped at step "
                                 f"{r.steps_done} (loss {p(r.end_loss)})."))
    else:
        lines.append(("info", f"Still crawling after {r.steps_done} steps: loss {p(r.end_loss)}, ‖∇L‖ = "
                              f"{p(r.end_grad)}. Run more steps."))
    return lines
