"""Beyond SGD: pathological curvature, and how momentum, RMSprop and Adam deal with it."""

import numpy as np
import streamlit as st

import gdcore as gd
from gdcore import charts
from ui.params import Params
from ui.show import show

P = Params("beyond")
SURFACES = ("ravine", "rosenbrock", "six_hump_camel", "himmelblau")
LRS = tuple(float(f"{10 ** (k / 10):.3g}") for k in range(-40, 1))
RUNS = ("SGD", "SGD + momentum", "RMSprop", "Adam")


def optimizers(lr_sgd, lr_adaptive, momentum):
    """The four optimizers compared, PyTorch's defaults otherwise."""
    return {
        "SGD": gd.SGD(lr=lr_sgd),
        "SGD + momentum": gd.SGD(lr=lr_sgd, momentum=momentum),
        "RMSprop": gd.RMSprop(lr=lr_adaptive),
        "Adam": gd.Adam(lr=lr_adaptive),
    }


@st.cache_data(max_entries=32, show_spinner=False)
def run_all(surface_name, lr_sgd, lr_adaptive, momentum, steps):
    surface = gd.surfaces.get(surface_name)
    (xa, xb), (ya, yb) = surface.bounds
    start = (xa + 0.1 * (xb - xa), ya + 0.85 * (yb - ya))
    return {
        name: gd.descend(surface, opt, start, steps)
        for name, opt in optimizers(lr_sgd, lr_adaptive, momentum).items()
    }


@st.cache_data(max_entries=32, show_spinner=False)
def figure(surface_name, lr_sgd, lr_adaptive, momentum, steps):
    surface = gd.surfaces.get(surface_name)
    runs = run_all(surface_name, lr_sgd, lr_adaptive, momentum, steps)
    plane = charts.landscape(surface, {name: traj.points for name, traj in runs.items()}, title="Four optimizers, one start", width=380)
    losses = charts.loss_curve({name: traj.losses for name, traj in runs.items()}, width=380, height=220)
    return plane, losses


st.title("Beyond SGD: momentum, RMSprop, Adam")
st.markdown(
    "In a long narrow valley the gradient points mostly across the valley, not along it. Plain gradient "
    "descent then zig-zags between the walls and crawls along the floor: a learning rate small enough for "
    "the steep direction is far too small for the shallow one. This is called pathological curvature. "
    "**Momentum** keeps a running sum of past steps, so the zig-zags cancel and the motion along the floor "
    "builds up. **RMSprop** and **Adam** divide each coordinate's step by a running size of its gradients, "
    "so steep and shallow directions move at similar speeds."
)
st.latex(
    r"\text{momentum: } v_{t} = \mu v_{t-1} + g_t,\ \ w_{t+1} = w_t - \eta v_t"
    r"\qquad \text{Adam: } w_{t+1} = w_t - \eta\,\frac{\hat m_t}{\sqrt{\hat v_t} + \epsilon}"
)
st.caption(
    "g_t is the gradient, m̂ and v̂ are bias-corrected running means of g and g². These are PyTorch's update "
    "rules (gdcore's SGD, RMSprop and Adam give the same numbers as torch.optim)."
)

controls, view = st.columns([1, 3], gap="large")
with controls:
    surface_name = P.selectbox("surface", "Surface", SURFACES, format_func=lambda n: gd.surfaces.get(n).title)
    lr_sgd = P.select_slider("lr", "η for SGD and momentum", LRS, value=0.01, format_func=lambda v: f"{v:g}")
    momentum = P.slider("momentum", "Momentum μ", 0.0, 0.99, 0.8, step=0.01)
    lr_adaptive = P.select_slider("lr_adaptive", "η for RMSprop and Adam", LRS, value=0.1, format_func=lambda v: f"{v:g}")
    steps = P.slider("steps", "Steps", 10, 500, 150)

runs = run_all(surface_name, lr_sgd, lr_adaptive, momentum, steps)
with view:
    plane, losses = figure(surface_name, lr_sgd, lr_adaptive, momentum, steps)
    show(plane)
    show(losses)
    surface = gd.surfaces.get(surface_name)
    floor = float(surface.loss(surface.minima[0]))
    lines = []
    for name, traj in runs.items():
        if traj.status == "diverged":
            lines.append(f"- **{name}** diverged after {traj.steps_done} steps: its learning rate is too large here.")
        else:
            gap = float(traj.losses[-1]) - floor
            x, y = np.round(traj.final, 3) + 0.0  # + 0.0 turns -0.0 into 0.0
            lines.append(f"- **{name}** ends {gap:.2g} above the lowest loss, at ({x:.3f}, {y:.3f}).")
    st.markdown("\n".join(lines))
    if surface_name == "ravine":
        bound = surface.max_stable_lr
        lo, hi = min(surface.eigenvalues), max(surface.eigenvalues)
        st.caption(
            f"Plain SGD is stable only below η = 2/λ_max = {bound:.3g}: the steep direction (curvature {hi:g}) sets "
            f"the limit, and with η that small the shallow direction (curvature {lo:g}) shrinks by at most "
            f"{2 * lo / hi:.0%} per step."
        )
