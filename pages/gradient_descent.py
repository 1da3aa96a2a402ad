"""Gradient descent: the update rule, the learning rate, and where the path really lives."""

import numpy as np
import streamlit as st

import gdcore as gd
from gdcore import charts
from ui.params import Params
from ui.show import show

P = Params("gd")
# Learning rates on a log scale, 20 per decade, so presets land close to multiples of the bound.
LRS = tuple(float(f"{10 ** (k / 20):.4g}") for k in range(-80, 21))
PRESETS = {  # name -> (multiple of the stability bound 2/lambda_max, steps, what the student should see)
    "Too small": (0.02, 100, "crawls: after 100 steps it has barely left the start"),
    "Good": (0.5, 100, "heads straight into the valley, then walks along it"),
    "Bounces": (0.9, 100, "overshoots the valley floor and zig-zags across it"),
    "Diverges": (1.25, 100, "each bounce is larger than the last, until the run leaves the chart"),
}
PRESET_SURFACE = "ravine"


def nearest_lr(lr):
    return min(LRS, key=lambda option: abs(np.log(option / lr)))


@st.cache_data(max_entries=64, show_spinner=False)
def run(surface_name, lr, x0, y0, steps):
    return gd.descend(gd.surfaces.get(surface_name), gd.SGD(lr=lr), (x0, y0), steps)


@st.cache_data(max_entries=16, show_spinner=False)
def stability_bound(surface_name):
    """2 / lambda_max of the Hessian at the global minimum: GD's largest stable lr near it."""
    surface = gd.surfaces.get(surface_name)
    return float(surface.max_stable_lr_at(surface.minima[0]))


@st.cache_data(max_entries=64, show_spinner=False)
def plane_chart(surface_name, lr, x0, y0, steps, at):
    surface = gd.surfaces.get(surface_name)
    traj = run(surface_name, lr, x0, y0, steps)
    w = traj.points[at]
    g = surface.grad(w)
    (xa, xb), (ya, yb) = surface.bounds
    norm = float(np.hypot(*g))
    # The arrow shows the direction of -grad at a fixed length; the path shows the real steps.
    direction = -g / norm * 0.15 * min(xb - xa, yb - ya) if norm > 0 else np.zeros(2)
    chart = charts.landscape(surface, {"gradient descent": traj.points[: at + 1]}, title="The path in the weight plane")
    return chart + charts.arrow(w, direction)


@st.cache_data(max_entries=64, show_spinner=False)
def curves_chart(surface_name, lr, x0, y0, steps, at):
    traj = run(surface_name, lr, x0, y0, steps)
    loss = charts.loss_curve({"loss": traj.losses}, width=360, height=200) + charts.vertical_rules([at])
    lengths = np.linalg.norm(np.diff(traj.points, axis=0), axis=-1)
    step = charts.curves({"step length": lengths}, "step_length", title="step length ‖w_{t+1} − w_t‖", x_title="update", width=360, height=200, colors=("#1f77b4",))
    return loss | step


def default_start(surface):
    """Upper left of the window: far from the minimum on every catalog surface."""
    (xa, xb), (ya, yb) = surface.bounds
    return round(xa + 0.1 * (xb - xa), 2), round(ya + 0.8 * (yb - ya), 2)


def apply_preset(name):
    multiple, steps, _ = PRESETS[name]
    x0, y0 = default_start(gd.surfaces.get(PRESET_SURFACE))
    P.set(
        surface=PRESET_SURFACE,
        lr=nearest_lr(multiple * stability_bound(PRESET_SURFACE)),
        x0=x0,
        y0=y0,
        steps=steps,
        at=steps,
    )
    st.session_state["gd.preset"] = name


st.title("Gradient descent")
st.markdown(
    "The gradient of the loss points uphill, in the direction where the loss rises fastest. "
    "Gradient descent steps the other way, by an amount set by the **learning rate** η, and repeats "
    "from wherever it lands. The step is η times the gradient, so it shrinks by itself as the ground flattens "
    "near a minimum."
)
st.latex(r"w_{t+1} \;=\; w_t \;-\; \eta\,\nabla L(w_t)")

controls, view = st.columns([1, 2.4], gap="large")
with controls:
    st.markdown("**Presets** on the ravine (a stretched bowl)")
    cols = st.columns(2)
    for i, name in enumerate(PRESETS):
        cols[i % 2].button(name, on_click=apply_preset, args=(name,), key=f"gd.preset.{i}", width="stretch")
    names = list(gd.surfaces.catalog())
    surface_name = P.selectbox("surface", "Surface", names, value=PRESET_SURFACE, format_func=lambda n: gd.surfaces.get(n).title)
    surface = gd.surfaces.get(surface_name)
    bound = stability_bound(surface_name)
    lr = P.select_slider("lr", "Learning rate η (log scale)", LRS, value=nearest_lr(0.5 * bound), format_func=lambda v: f"{v:g}")
    st.caption(
        f"Stability bound near the minimum: 2/λ_max = **{bound:.4g}** "
        f"(η is **{lr / bound:.2f}×** the bound). Above it, gradient descent cannot settle there."
    )
    (xa, xb), (ya, yb) = surface.bounds
    x_start, y_start = default_start(surface)
    x0 = P.slider("x0", "Start w₁", float(xa), float(xb), float(x_start), step=0.01)
    y0 = P.slider("y0", "Start w₂", float(ya), float(yb), float(y_start), step=0.01)
    steps = P.slider("steps", "Steps", 1, 500, 100)

traj = run(surface_name, lr, x0, y0, steps)
last = len(traj.points) - 1
with controls:
    at = P.slider("at", "Show the path up to step", 0, last, last, help="Drag to replay the run; the arrow is −∇L at that step.")

with view:
    show(plane_chart(surface_name, lr, x0, y0, steps, at))
    w = traj.points[at]
    step_len = float(np.linalg.norm(traj.points[at + 1] - w)) if at < last else float("nan")
    m = st.columns(4)
    m[0].metric("step", at)
    m[1].metric("loss L(w)", f"{traj.losses[at]:.3g}")
    m[2].metric("‖∇L(w)‖", f"{traj.grad_norms[at]:.3g}")
    m[3].metric("next step length", "—" if np.isnan(step_len) else f"{step_len:.3g}")

    if traj.status == "diverged":
        st.error(
            f"**Diverged** after {traj.steps_done} steps: the weights left every sensible range. "
            f"η = {lr:g} is {lr / bound:.2f}× the stability bound 2/λ_max = {bound:.4g}. Along the steepest "
            f"direction each step multiplies the distance to the valley floor by |1 − ηλ_max| = "
            f"{abs(1 - 2 * lr / bound):.2f} > 1, so every overshoot is bigger than the last. "
            "The chart shows the finite part of the run; lower η below the bound."
        )
    elif lr > bound:
        st.warning(
            f"η is above the stability bound ({lr / bound:.2f}×): near this minimum the steps overshoot and grow. "
            "Run more steps to see it blow up."
        )
    elif traj.losses[-1] > traj.losses[0] * 0.99 and traj.losses[0] > surface.loss(surface.minima[0]) + 1e-9:
        st.info("Barely moved: with a learning rate this small every step is tiny. Raise η or run more steps.")
    else:
        st.success(
            f"After {traj.steps_done} steps the loss fell from {traj.losses[0]:.4g} to {traj.losses[-1]:.4g}. "
            "Drag the replay slider: the steps shrink as the gradient fades near the minimum."
        )
    preset = st.session_state.get("gd.preset")
    if preset:
        st.caption(f"Preset **{preset}**: the run {PRESETS[preset][2]}.")

show(curves_chart(surface_name, lr, x0, y0, steps, at))

with st.expander("A common misconception: the ball rolling down the hill", expanded=True):
    st.markdown(
        "Pictures of gradient descent often draw a ball sliding down a 3-D surface. The optimizer never moves "
        "in the height direction: the only things it can change are the two weights, so the whole path lies in "
        "the flat weight plane above. The height (the loss) is read off at each point, never travelled. "
        "That is why the path is drawn on the map above, and the loss is a separate curve against the step."
    )
