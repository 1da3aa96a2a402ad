"""Gradient descent: the update rule, the learning rate, and where the path really lives."""

import streamlit as st

import gdcore as gd
from gdcore import charts
from lessons import gradient_descent as lesson
from ui.params import Params
from ui.show import cached, cached_chart, show, stack

P = Params("gd")
PRESETS = lesson.PRESETS


@cached(max_entries=64)
def run(surface_name, lr, x0, y0, steps):
    return lesson.run(surface_name, lr, x0, y0, steps)


@cached(max_entries=64)
def facts(surface_name, lr, x0, y0, steps):
    return lesson.facts(surface_name, lr, x0, y0, steps, traj=run(surface_name, lr, x0, y0, steps))


@cached_chart(max_entries=16)
def plane_base(surface_name, critical):
    """The surface under the run, with the critical points it marks: rebuilt only when those change."""
    return charts.landscape(gd.surfaces.get(surface_name), title="The path in the weight plane", width=400,
                            critical=critical)


@cached_chart(max_entries=64)
def plane_run(surface_name, lr, x0, y0, steps):
    """The run with its replay slider in the chart: scrubbing it needs no rerun. The arrow is the
    real next step −η∇L(w_t), to scale; the whole path faint, the part up to step t strong."""
    traj = run(surface_name, lr, x0, y0, steps)
    lengths = lesson.step_lengths(traj.points)
    captions = [
        # One fact a line: on a phone the plot is under 200 px wide, and one line ran past it.
        f"t = {t}:  loss {lesson.number(traj.losses[t])}\n‖∇L‖ {lesson.number(traj.grad_norms[t])}\n"
        f"next step {lesson.number(lengths[t])} long"
        for t in range(len(lengths))
    ]
    return charts.replay_run(traj.points, bounds=gd.surfaces.get(surface_name).bounds, captions=captions,
                             label="step t")


def plane_chart(surface_name, lr, x0, y0, steps):
    """``charts.replay`` of the run, built as a cached surface plus the run over it."""
    end = run(surface_name, lr, x0, y0, steps).points[-1]
    return stack(plane_base(surface_name, lesson.shown_critical_points(surface_name, end)),
                 plane_run(surface_name, lr, x0, y0, steps),
                 flat=True)


@cached_chart(max_entries=64)
def curve_charts(surface_name, lr, x0, y0, steps):
    traj = run(surface_name, lr, x0, y0, steps)
    loss = charts.loss_curve({"loss": traj.losses}, x_title="step", height=220)
    lengths = lesson.step_lengths(traj.points)
    step = charts.curves({"step length": lengths}, "step_length", title="‖w(t+1) − w(t)‖",
                         x_title="step", height=220, colors=("#1f77b4",))
    return loss, step


def apply_preset(name):
    P.set(**PRESETS[name])


def reset_for_surface():
    """A new surface starts from its own learning rate, start and steps (see the caption)."""
    P.set(**lesson.SURFACE_DEFAULTS[st.session_state[P.key("surface")]])


st.title("Gradient descent")
st.markdown(
    "The gradient ∇L points uphill, where the loss rises fastest. Gradient descent takes a step of "
    "η times the gradient the other way, and repeats from wherever it lands."
)
st.latex(r"w_{t+1} \;=\; w_t \;-\; \eta\,\nabla L(w_t)")

controls, view = st.columns([1, 1.75], gap="medium")
with controls:
    st.markdown("**Presets** on the ravine, smallest η to largest")
    P.preset_buttons(PRESETS, apply_preset, per_row=2)
    surface_name = P.selectbox("surface", "Surface", list(gd.surfaces.catalog()), value=lesson.DEFAULT_SURFACE,
                               format_func=lambda n: gd.surfaces.get(n).title, on_change=reset_for_surface)
    st.caption("Choosing a surface resets η, the start and the steps to values that suit it.")
    surface = gd.surfaces.get(surface_name)
    own = lesson.SURFACE_DEFAULTS[surface_name]
    lr = P.select_slider("lr", "Learning rate η (log scale)", lesson.LRS, value=own["lr"], format_func=lambda v: f"{v:g}")
    st.caption(lesson.rate_caption(surface_name, lr))
    (xa, xb), (ya, yb) = surface.bounds
    x0 = P.slider("x0", "Start w₁", float(xa), float(xb), float(own["x0"]), step=0.01)
    y0 = P.slider("y0", "Start w₂", float(ya), float(yb), float(own["y0"]), step=0.01)
    steps = P.slider("steps", "Steps", 1, 500, own["steps"])

traj = run(surface_name, lr, x0, y0, steps)
f = facts(surface_name, lr, x0, y0, steps)

with view:
    told = lesson.story(f)
    getattr(st, told.tone)(told.text)
    show(plane_chart(surface_name, lr, x0, y0, steps))
    st.caption("Drag the replay slider under the map to walk through the run (in your browser, nothing is "
               "recomputed). Black arrow: the next step −η∇L(w_t), drawn to scale.")
    P.preset_note(PRESETS, {"surface": surface_name, "lr": lr, "x0": x0, "y0": y0, "steps": steps},
                  lambda name: f"η = {lr:g} on the {gd.surfaces.get(surface_name).title.lower()}, {steps} steps.")

loss, step = curve_charts(surface_name, lr, x0, y0, steps)
left, right = st.columns(2, gap="medium")
with left:
    st.caption("The loss at each step.")
    show(loss)
with right:
    st.caption("How far each step moved: ‖w(t+1) − w(t)‖ = η‖∇L(w_t)‖.")
    show(step)

with st.expander("Why η has a limit, and which η is fastest"):
    st.markdown(
        "Near a minimum the loss looks like a bowl with two curvatures, λ_min along its flattest direction and "
        "λ_max across its steepest. One step multiplies the distance to the minimum along each of these "
        "directions by 1 − ηλ. Across the steep direction that factor stays below 1 in size only while "
        "η < 2/λ_max, the **stability bound**: above it every step overshoots further than the last. "
        "Along the flat direction the factor 1 − ηλ_min is close to 1 unless η is large, so progress there is slow. "
        "The slowest of the two factors is smallest at η* = 2/(λ_min + λ_max), just under the bound: "
        "the fastest rate bounces across the valley, and still arrives first."
    )
    st.latex(r"w_{t+1} - w^* \approx (I - \eta H)\,(w_t - w^*)")
    st.latex(r"\eta < \frac{2}{\lambda_{\max}}, \qquad \eta^* = \frac{2}{\lambda_{\min} + \lambda_{\max}}")

with st.expander("A common misconception: the ball rolling down the hill"):
    st.markdown(
        "Pictures of gradient descent often draw a ball sliding down a 3-D surface. The optimizer never moves "
        "in the height direction: the only things it can change are the two weights, so the whole path lies in "
        "the flat weight plane. The height (the loss) is read off at each point, never travelled. "
        "That is why the path is drawn on the map, and the loss is a separate curve against the step."
    )
