"""Convergence & early stopping: the loss stops improving near the minimum; when to stop, when to lower the lr."""

import streamlit as st

import gdcore as gd
from gdcore import charts
from ui.params import Params
from ui.show import show

P = Params("conv")
SURFACE = "local_global"
START = (3.0, -3.0)
ZOOM = 0.7  # half-width of the close-up around the deep minimum
LRS = (0.05, 0.1, 0.2, 0.3, 0.5, 0.7, 0.9, 1.0, 1.1, 1.2, 1.3, 1.4, 1.5, 1.7, 2.0)
MIN_DELTAS = (0.0, 1e-5, 1e-4, 1e-3, 1e-2, 0.1)
STOP_LRS = (1e-4, 3e-4, 1e-3, 3e-3, 0.01, 0.03, 0.1)
NAME_A, NAME_B = "A", "B"
TITLE_A, TITLE_B = "A: fixed η, early stopping", "B: reduce η on plateau"
COLOR_A, COLOR_B = charts.PATH_COLORS[0], charts.PATH_COLORS[1]


def updates(n):
    return "1 update" if n == 1 else f"{n} updates"


def controllers(patience, min_delta, factor, stop_lr, steps):
    """Both runs count an update as an improvement only if it beats the best loss by more than δ."""
    # A patience as long as the run means A never cuts its lr: a fixed η with early stopping.
    stopping = gd.PlateauController(patience=steps, stop_patience=patience, min_delta=min_delta)
    # torch's patience counts the bad updates it tolerates; patience - 1 makes B act on the N-th one, as A does.
    plateau = gd.PlateauController(factor=factor, patience=patience - 1, threshold=min_delta, threshold_mode="abs",
                                   stop_lr=stop_lr)
    return stopping, plateau


@st.cache_data(max_entries=32, show_spinner=False)
def runs(lr, noise, patience, min_delta, factor, stop_lr, steps, seed):
    """Both runs from the same start with the same noise; plus when B's lr was cut."""
    surface = gd.surfaces.get(SURFACE)
    stopping, plateau = controllers(patience, min_delta, factor, stop_lr, steps)
    common = dict(steps=steps, noise=noise, seed=seed)
    a = gd.descend(surface, gd.SGD(lr=lr), START, controller=stopping, **common)
    b = gd.descend(surface, gd.SGD(lr=lr), START, controller=plateau, **common)
    return a, b, plateau.reductions


@st.cache_data(max_entries=32, show_spinner=False)
def plane_charts(lr, noise, patience, min_delta, factor, stop_lr, steps, seed):
    surface = gd.surfaces.get(SURFACE)
    a, b, _ = runs(lr, noise, patience, min_delta, factor, stop_lr, steps, seed)
    paths = {NAME_A: a.points, NAME_B: b.points}
    whole = charts.landscape(surface, paths, title="Both paths from the same start", width=320)
    cx, cy = surface.minima[0]
    zoom = charts.landscape(surface, paths, bounds=((cx - ZOOM, cx + ZOOM), (cy - ZOOM, cy + ZOOM)), width=320,
                            title="Close-up of the minimum: where they hover", resolution=50)
    return whole, zoom


@st.cache_data(max_entries=32, show_spinner=False)
def curve_charts(lr, noise, patience, min_delta, factor, stop_lr, steps, seed):
    a, b, reductions = runs(lr, noise, patience, min_delta, factor, stop_lr, steps, seed)
    stop_a = a.steps_done if a.status == "early_stopped" else None
    stop_b = b.steps_done if b.status == "lr_below" else None
    # Each action follows N updates in a row without improvement: shade those N updates.
    windows_a = [(stop_a - patience, stop_a)] if stop_a is not None else []
    windows_b = [(r - patience, r) for r in reductions if r <= b.steps_done]
    loss_a = charts.stopping_curve(a.losses, windows=windows_a, stop=stop_a, best_step=a.best_step,
                                   title=f"Loss of {TITLE_A}", width=360, height=200, color=COLOR_A)
    loss_b = charts.stopping_curve(b.losses, windows=windows_b, reductions=[r for r in reductions if r < b.steps_done],
                                   stop=stop_b, best_step=b.best_step, title=f"Loss of {TITLE_B}", width=360,
                                   height=200, color=COLOR_B)
    lr_chart = charts.lr_curve({NAME_A: a.lrs, NAME_B: b.lrs}, log=True, width=360, height=170,
                               colors=(COLOR_A, COLOR_B))
    return loss_a, loss_b, lr_chart


st.title("Convergence & early stopping")
st.markdown(
    "Close to a minimum, gradient descent rarely settles exactly on it. If η is too large for the bottom of the "
    "valley, each step jumps across the minimum to the other side; if the gradient is noisy, as with mini-batches, "
    "the weights are shaken around it. Either way the loss **hovers**: it stops going down, and running longer "
    "only costs time."
)
st.markdown(
    "**Early stopping** turns this into a rule. Keep the best loss seen so far. An update counts as an "
    "improvement only if it beats that best by more than δ. Once **N** updates in a row bring no improvement, "
    "call the run converged, stop, and keep the weights of the best step."
)
st.markdown(
    "Hovering also says that η is now too big for the job. So instead of stopping at the first plateau, "
    "**reduce on plateau**: multiply η by a factor ρ < 1 after each N updates without improvement. Smaller steps "
    "jump and wander less and get closer to the bottom. Once η has fallen below a threshold η_stop, the steps are "
    "too small to matter, and the run stops. Run A below uses the first recipe, run B the second, from the same start."
)
st.latex(
    r"w_{t+1} = w_t - \eta_t\,\bigl(\nabla L(w_t) + \sigma\,\xi_t\bigr),\qquad "
    r"\text{improvement: } L(w_{t+1}) < L^{*} - \delta"
)
st.latex(
    r"\text{after } N \text{ updates without one:}\quad "
    r"\text{A: stop} \qquad \text{B: } \eta \leftarrow \rho\,\eta,\ \text{stop once } \eta < \eta_{\text{stop}}"
)

surface = gd.surfaces.get(SURFACE)
bound = float(surface.max_stable_lr_at(surface.minima[0]))
st.markdown(
    f"**{surface.title}**: both runs start at ({START[0]:g}, {START[1]:g}) and see the same noise. "
    f"The deep minimum tolerates η up to 2/λ_max = {bound:.3g}."
)
c1, c2, c3, c4 = st.columns(4, gap="medium")
with c1:
    lr = P.select_slider("lr", "Starting learning rate η", LRS, value=1.2, format_func=lambda v: f"{v:g}")
    noise = P.slider("noise", "Gradient noise σ", 0.0, 1.0, 0.0, step=0.05,
                     help="Standard deviation of the noise added to every gradient, like the error of a mini-batch gradient.")
with c2:
    patience = P.slider("patience", "Patience N (updates)", 1, 50, 20,
                        help="How many updates in a row without an improvement make a rule act.")
    min_delta = P.select_slider("min_delta", "Least improvement δ", MIN_DELTAS, value=1e-3, format_func=lambda v: f"{v:g}")
with c3:
    factor = P.slider("factor", "B: reduction factor ρ", 0.1, 0.9, 0.5, step=0.1)
    stop_lr = P.select_slider("stop_lr", "B: stop below η_stop", STOP_LRS, value=0.01, format_func=lambda v: f"{v:g}")
with c4:
    steps = P.slider("steps", "Most updates", 50, 1000, 300, step=50)
    seed = P.slider("seed", "Noise seed", 0, 9, 0)
if lr > bound:
    st.caption(f"η = {lr:g} is {lr / bound:.2f}× the bound: at the bottom each step overshoots to the other side.")
else:
    st.caption(f"η = {lr:g} is {lr / bound:.2f}× the bound: without noise the run can settle at the bottom.")

args = (lr, noise, patience, min_delta, factor, stop_lr, steps, seed)
a, b, reductions = runs(*args)
made = [r for r in reductions if r <= b.steps_done]

whole, zoom = plane_charts(*args)
loss_a, loss_b, lr_chart = curve_charts(*args)
left, right = st.columns(2, gap="medium")
with left:
    show(whole)
    show(loss_a)
with right:
    show(zoom)
    show(loss_b)
st.caption(
    "Until A stops, the two runs take the very same steps, so B's path covers A's; A's square marks where it stopped. "
    "Shaded: each stretch of N updates in a row without an improvement, which made a rule act. "
    "Dashed green lines: B's η was multiplied by ρ. Red line: the run stopped. Diamond: the best step."
)

# The weak bowl under the wells (curvature 0.1) keeps every lr offered here from diverging.
if a.status == "early_stopped":
    st.success(
        f"**A stopped early at step {a.steps_done}**: the last {updates(patience)} never beat the best loss by "
        f"more than δ = {min_delta:g}. Its best weights are those of step {a.best_step} "
        f"(loss {a.losses[a.best_step]:.3g}); that is what early stopping keeps."
    )
else:
    st.info(
        f"**A used all {steps} updates** before {updates(patience)} in a row passed without an improvement. "
        "Allow more updates, raise δ or lower N to call it converged sooner."
    )
if b.status == "lr_below":
    if not made:
        st.warning(f"**B stopped at once**: η = {lr:g} is already below η_stop = {stop_lr:g}. Lower η_stop.")
    else:
        st.success(
            f"**B cut η {len(made)} time{'s' if len(made) != 1 else ''}** (after steps "
            f"{', '.join(str(r) for r in made)}) and stopped at step {b.steps_done}, when η = "
            f"{b.lrs[-1] * factor:.3g} fell below η_stop = {stop_lr:g}. Its best loss is {b.losses[b.best_step]:.3g} "
            f"(step {b.best_step}), against A's {a.losses[a.best_step]:.3g}."
        )
else:
    cuts = f"after cutting η {len(made)} time{'s' if len(made) != 1 else ''}" if made else "without a single cut of η"
    st.info(f"**B used all {steps} updates** {cuts}: η never fell below η_stop. Allow more updates, or raise η_stop.")
if len(made) > 1:
    st.markdown(
        f"Once B is at the bottom, its later cuts only wait out the patience: each costs {updates(patience)} "
        "that barely change the loss. The stop threshold η_stop decides how many of them it pays for."
    )
show(lr_chart)
st.caption("The learning rate of each update (log scale): A keeps η, B steps it down by ρ at each plateau.")

with st.expander("The same runs in your own notebook"):
    st.code(
        "import gdcore as gd\n"
        f"surface = gd.surfaces.get({SURFACE!r})\n"
        f"a = gd.descend(surface, gd.SGD(lr={lr:g}), {START}, steps={steps}, noise={noise:g}, seed={seed},\n"
        f"               controller=gd.PlateauController(patience={steps}, stop_patience={patience}, min_delta={min_delta:g}))\n"
        f"b = gd.descend(surface, gd.SGD(lr={lr:g}), {START}, steps={steps}, noise={noise:g}, seed={seed},\n"
        f"               controller=gd.PlateauController(factor={factor:g}, patience={patience - 1}, threshold={min_delta:g},\n"
        f"                                               threshold_mode='abs', stop_lr={stop_lr:g}))\n"
        "a.status, a.best_step, b.status, b.lrs[-1]",
        language="python",
    )
    st.caption(
        "PyTorch's ReduceLROnPlateau counts the bad updates it tolerates before acting, so patience = N − 1 "
        "cuts η on the N-th one, the same update at which early stopping with stop_patience = N stops."
    )
