"""Beyond SGD: pathological curvature, and how momentum, RMSprop and Adam deal with it."""

import numpy as np
import streamlit as st

from gdcore import charts
from lessons import beyond_sgd as lesson
from ui.params import Params
from ui.show import cached, cached_chart, show, stack

P = Params("beyond")
PRESETS = lesson.PRESETS
TINY = 1e-12  # losses below this are drawn at it: a log axis over 60 decades shows nothing


@cached(max_entries=32)
def run_all(surface_name, lr, momentum, lr_adaptive, steps):
    return lesson.run(surface_name, lr, momentum, lr_adaptive, steps)


@cached(max_entries=32)
def facts(surface_name, lr, momentum, lr_adaptive, steps):
    return lesson.facts(surface_name, lr, momentum, lr_adaptive, steps,
                        runs=run_all(surface_name, lr, momentum, lr_adaptive, steps))


@cached_chart(max_entries=4)
def plane_base(surface_name):
    """The surface under the four paths: built once per surface."""
    return charts.landscape(lesson.SURFACES[surface_name], title="Four optimizers, one start", width=400)


@cached_chart(max_entries=32)
def figure(surface_name, lr, momentum, lr_adaptive, steps):
    """The four paths (drawn over :func:`plane_base`) and their losses."""
    surface = lesson.SURFACES[surface_name]
    runs = run_all(surface_name, lr, momentum, lr_adaptive, steps)
    plane = charts.paths({name: traj.points for name, traj in runs.items()}, bounds=surface.bounds)
    floor = float(surface.loss(surface.minima[0]))
    gaps = {name: np.maximum(np.asarray(traj.losses) - floor, TINY) for name, traj in runs.items()}
    losses = charts.curves(gaps, "loss", title="loss above the minimum", x_title="step", log=True, height=260)
    return plane, losses


def apply_preset(name):
    P.set(**PRESETS[name])


def reset_for_surface():
    """A new surface starts from learning rates, momentum and steps that suit it (see the caption)."""
    P.set(**lesson.SURFACE_DEFAULTS[st.session_state[P.key("surface")]])


st.title("Beyond SGD: momentum, RMSprop, Adam")
st.markdown(
    "In a narrow valley, plain SGD needs an η small enough for the steep walls, so it zig-zags across "
    "and crawls along the floor. Three fixes race it from the same start: momentum adds up past steps; "
    "RMSprop and Adam divide each coordinate's step by the typical size of that coordinate's gradient."
)
rules = st.columns(3)
rules[0].latex(r"\begin{aligned} v_t &= \mu v_{t-1} + g_t \\ w_{t+1} &= w_t - \eta\, v_t \end{aligned}")
rules[1].latex(r"\begin{aligned} s_t &= \alpha s_{t-1} + (1-\alpha)\, g_t^2 \\ "
               r"w_{t+1} &= w_t - \eta\, \frac{g_t}{\sqrt{s_t} + \epsilon} \end{aligned}")
rules[2].latex(r"\begin{aligned} m_t &= \beta_1 m_{t-1} + (1-\beta_1)\, g_t \\ "
               r"w_{t+1} &= w_t - \eta\, \frac{\hat m_t}{\sqrt{\hat s_t} + \epsilon} \end{aligned}")

controls, view = st.columns([1, 1.75], gap="medium")
with controls:
    st.markdown("**Presets**")
    P.preset_buttons(PRESETS, apply_preset, per_row=2)
    surface_name = P.selectbox("surface", "Surface", list(lesson.SURFACES), value=lesson.DEFAULT_SURFACE,
                               format_func=lambda n: lesson.SURFACES[n].title if n in lesson.SURFACES else n,
                               on_change=reset_for_surface)
    st.caption("Choosing a surface resets both learning rates, μ and the steps to values that suit it.")
    own = lesson.SURFACE_DEFAULTS[surface_name]
    lr = P.select_slider("lr", "η for SGD and momentum", lesson.LRS, value=own["lr"], format_func=lambda v: f"{v:g}")
    st.caption(f"SGD's stability bound at the minimum: 2/λ_max = **{lesson.number(lesson.sgd_bound(surface_name))}**; "
               f"η is **{lr / lesson.sgd_bound(surface_name):.2f}×** it.")
    momentum = P.slider("momentum", "Momentum μ", 0.0, 0.99, own["momentum"], step=0.01)
    lr_adaptive = P.select_slider("lr_adaptive", "η for RMSprop and Adam", lesson.LRS, value=own["lr_adaptive"],
                                  format_func=lambda v: f"{v:g}")
    steps = P.slider("steps", "Steps", 10, 500, own["steps"])

f = facts(surface_name, lr, momentum, lr_adaptive, steps)
told = lesson.story(f)
plane, losses = figure(surface_name, lr, momentum, lr_adaptive, steps)
with view:
    getattr(st, told.tone)(told.headline)
    show(stack(plane_base(surface_name), plane))
    x0, y0 = lesson.STARTS[surface_name]
    st.caption(f"All four start at ({x0:.2f}, {y0:.2f}); the square marks where each ends. "
               "In code: " + lesson.code(surface_name) + ".")

left, right = st.columns([1.2, 1], gap="medium")
with left:
    show(losses)
    st.caption(f"Losses below {lesson.number(TINY)} are drawn at {lesson.number(TINY)}.")
with right:
    st.markdown("\n".join(told.lines))
    st.markdown(told.scaling)

with st.expander("The update rules in full (PyTorch's)"):
    st.markdown(
        "g_t is the gradient at w_t. Momentum keeps a velocity v_t, the running sum of past gradients with "
        "weight μ. RMSprop keeps s_t, a running mean of g_t² with weight α = 0.99, and divides each "
        "coordinate's step by its square root. Adam keeps both a running mean m_t of g_t (β₁ = 0.9) and s_t "
        "of g_t² (β₂ = 0.999), corrected for their start at zero; ε = 10⁻⁸ guards against dividing by zero. "
        "gdcore's SGD, RMSprop and Adam give the same numbers as torch.optim."
    )
    st.latex(r"s_t = \beta_2 s_{t-1} + (1-\beta_2)\, g_t^2")
    st.latex(r"\hat m_t = \frac{m_t}{1-\beta_1^t}, \qquad \hat s_t = \frac{s_t}{1-\beta_2^t}")
