"""Convergence & early stopping: the loss stops improving near the minimum; when to stop, when to lower the lr."""

import numpy as np
import streamlit as st

import gdcore as gd
from gdcore import charts
from lessons import convergence as lesson
from ui.details import on_request
from ui.params import Params
from ui.show import cached, cached_chart, show, stack

P = Params("conv")
NAME_A, NAME_B = "A", "B"
TITLE_A, TITLE_B = "A: fixed η, early stopping", "B: reduce η on plateau"
COLOR_A, COLOR_B = charts.PATH_COLORS[0], charts.PATH_COLORS[1]


@cached(max_entries=32)
def runs(lr, noise, patience, min_delta, factor, stop_lr, steps, seed):
    return lesson.run(lr, noise, patience, min_delta, factor, stop_lr, steps, seed)


@cached(max_entries=32)
def facts(*args):
    return lesson.facts(*args, runs=runs(*args))


def padded(losses, length):
    """Losses padded with NaN to ``length`` points: both loss charts then share one step axis."""
    out = np.full(length, np.nan)
    out[: len(losses)] = losses
    return out


@cached_chart(max_entries=32)
def loss_charts(*args):
    a, b, cuts = runs(*args)
    f = facts(*args)
    n = f.patience
    length = max(len(a.losses), len(b.losses))
    stop_a = f.a.stop if f.a.status == "early_stopped" else None
    stop_b = f.b.stop if f.b.status == "lr_below" else None
    # Each action follows N updates in a row without improvement: shade those N updates.
    windows_a = [(stop_a - n, stop_a)] if stop_a is not None else []
    windows_b = [(r - n, r) for r in cuts]
    loss_a = charts.stopping_curve(padded(a.losses, length), windows=windows_a, stop=stop_a, best_step=f.a.best_step,
                                   title=f"Loss of {TITLE_A}", width=420, height=170, color=COLOR_A)
    loss_b = charts.stopping_curve(padded(b.losses, length), windows=windows_b, reductions=[r for r in cuts if r < f.b.stop],
                                   stop=stop_b, best_step=f.b.best_step, title=f"Loss of {TITLE_B}", width=420,
                                   height=170, color=COLOR_B)
    return loss_a, loss_b


@cached_chart(max_entries=32)
def lr_chart(*args):
    a, b, _ = runs(*args)
    return charts.lr_curve({NAME_A: a.lrs, NAME_B: b.lrs}, x_title="step", log=True, width=420, height=150,
                           colors=(COLOR_A, COLOR_B))


def zoom_bounds():
    cx, cy = gd.surfaces.get(lesson.SURFACE).minima[0]
    z = lesson.ZOOM
    return (cx - z, cx + z), (cy - z, cy + z)


@cached_chart(max_entries=1)
def plane_bases():
    """The surface under both paths, whole and close to the minimum: the same on every rerun."""
    surface = gd.surfaces.get(lesson.SURFACE)
    whole = charts.landscape(surface, title="Both paths from the same start", width=320)
    zoom = charts.landscape(surface, bounds=zoom_bounds(), width=320, title="Close-up of the minimum: where they hover",
                            resolution=50)
    return whole, zoom


@cached_chart(max_entries=32)
def plane_paths(*args):
    a, b, _ = runs(*args)
    paths = {NAME_A: a.points, NAME_B: b.points}
    return (charts.paths(paths, bounds=gd.surfaces.get(lesson.SURFACE).bounds),
            charts.paths(paths, bounds=zoom_bounds()))


def apply_preset(name):
    P.set(**lesson.PRESETS[name])


def say(line):
    getattr(st, line.tone)(line.text)


st.title("Convergence & early stopping")
st.markdown(
    "Near a minimum the loss stops going down and **hovers**. Two rules for that moment, on the same run: "
    "**A** stops after N updates without an improvement by more than δ; **B** multiplies η by ρ instead, "
    "and stops once η has fallen below η_stop."
)
rule, improvement = st.columns(2)
rule.latex(r"w_{t+1} = w_t - \eta_t\,\bigl(\nabla L(w_t) + \sigma\,\xi_t\bigr)")
improvement.latex(r"\text{improvement: } L(w_{t+1}) < L^{*} - \delta")

controls, picture = st.columns([1, 2.1], gap="large")
with controls:
    st.markdown("**Presets**")
    P.preset_buttons(lesson.PRESETS, apply_preset)
    d = lesson.DEFAULTS
    lr = P.select_slider("lr", "Starting learning rate η", lesson.LRS, value=d["lr"], format_func=lambda v: f"{v:g}")
    rate_slot = st.empty()
    noise = P.slider("noise", "Gradient noise σ", 0.0, 1.0, d["noise"], step=0.05,
                     help="Standard deviation of the noise added to every gradient, like the error of a mini-batch gradient.")
    patience = P.slider("patience", "Patience N (updates)", 1, 50, d["patience"],
                        help="How many updates in a row without an improvement make a rule act.")
    min_delta = P.select_slider("min_delta", "Least improvement δ", lesson.MIN_DELTAS, value=d["min_delta"],
                                format_func=lambda v: f"{v:g}")
    factor = P.slider("factor", "B: reduction factor ρ", 0.1, 0.9, d["factor"], step=0.1)
    stop_lr = P.select_slider("stop_lr", "B: stop below η_stop", lesson.STOP_LRS, value=d["stop_lr"],
                              format_func=lambda v: f"{v:g}")
    steps = P.slider("steps", "Most updates", 50, 1000, d["steps"], step=50)
    seed = P.slider("seed", "Noise seed", 0, 9, d["seed"])

args = (lr, noise, patience, min_delta, factor, stop_lr, steps, seed)
f = facts(*args)
lines = lesson.story(f)
rate_slot.caption(lesson.rate_caption(f))

with picture:
    loss_a, loss_b = loss_charts(*args)
    show(loss_a)
    say(lines[0])
    show(loss_b)
    say(lines[1])
    say(lines[2])
    st.caption(
        "Shaded: each stretch of N updates in a row without an improvement, which made a rule act. "
        "Dashed green lines: B's η was multiplied by ρ. Red line: the run stopped. Diamond: the best step."
    )

(whole, zoom), (whole_paths, zoom_paths) = plane_bases(), plane_paths(*args)
left, right = st.columns(2, gap="medium")
with left:
    show(stack(whole, whole_paths))
with right:
    show(stack(zoom, zoom_paths))
say(lesson.paths_caption(f))
show(lr_chart(*args))
st.caption("The learning rate of each update (log scale): A keeps η, B steps it down by ρ at each plateau.")
for line in lines[3:]:
    say(line)

with st.expander("The two rules, step by step"):
    st.markdown(
        "Close to a minimum, gradient descent rarely settles exactly on it. If η is too large for the bottom of the "
        "valley, each step jumps across the minimum to the other side; if the gradient is noisy, as with "
        "mini-batches, the weights are shaken around it. Either way the loss stops going down, and running longer "
        "only costs time."
    )
    st.markdown(
        "**Early stopping** turns this into a rule. Remember the loss of the last improvement. An update counts as "
        "an improvement only if it gets more than δ below it. Once **N** updates in a row bring no improvement, "
        "call the run converged, stop, and keep the weights of the best step."
    )
    st.markdown(
        "Hovering also says that η is now too big for the job. So instead of stopping at the first plateau, "
        "**reduce on plateau**: multiply η by a factor ρ < 1 after each N updates without improvement. Smaller "
        "steps jump and wander less and get closer to the bottom. Once η has fallen below a threshold η_stop, the "
        "steps are too small to matter, and the run stops."
    )
    st.latex(r"\text{after } N \text{ updates without one:}")
    st.latex(r"\text{A: stop}")
    st.latex(r"\text{B: } \eta \leftarrow \rho\,\eta,\ \text{stop once } \eta < \eta_{\text{stop}}")

# Drawn when opened: the first code block on a page loads the browser's syntax highlighter,
# 0.4 s of JavaScript before the page's charts appear (a profile of the page's load).
notebook, shown = on_request("The same runs in your own notebook", P.key("code"))
with notebook:
    if shown:
        st.code(
            "import gdcore as gd\n"
            f"surface = gd.surfaces.get({lesson.SURFACE!r})\n"
            f"a = gd.descend(surface, gd.SGD(lr={lr:g}), {lesson.START}, steps={steps}, noise={noise:g}, seed={seed},\n"
            f"               controller=gd.PlateauController(patience={steps}, stop_patience={patience}, min_delta={min_delta:g}))\n"
            f"b = gd.descend(surface, gd.SGD(lr={lr:g}), {lesson.START}, steps={steps}, noise={noise:g}, seed={seed},\n"
            f"               controller=gd.PlateauController(factor={factor:g}, patience={patience - 1}, threshold={min_delta:g},\n"
            f"                                               threshold_mode='abs', stop_lr={stop_lr:g}))\n"
            "a.status, a.best_step, b.status, b.lrs[-1]",
            language="python",
            wrap_lines=True,
        )
    st.caption(
        "PyTorch's ReduceLROnPlateau counts the bad updates it tolerates before acting, so patience = N − 1 "
        "cuts η on the N-th one, the same update at which early stopping with stop_patience = N stops."
    )
