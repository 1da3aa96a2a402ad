"""Saddle points: a zero gradient that is not a minimum; false convergence, and noise as the way out."""

import streamlit as st

import gdcore as gd
from gdcore import charts
from lessons import saddle_points as lesson
from ui.params import Params
from ui.show import cached, cached_chart, show, stack

P = Params("saddle")
D = lesson.DEFAULTS
PLANE_WIDTH, CURVE_WIDTH = 460, 420
LEVEL_COLORS = {"saddle": "#7b3294", "minimum": "#111111"}
# The page's surfaces in w₁, w₂, like the axes of the charts.
FORMULAS = {
    "saddle": r"L(w) = \tfrac{1}{2}w_1^2 + \tfrac{1}{4}w_2^4 - \tfrac{1}{2}w_2^2",
    "monkey_saddle": r"L(w) = w_1^3 - 3w_1w_2^2 + \tfrac{3}{4}\left(w_1^2 + w_2^2\right)^2",
    "plateau": r"L(w) = 1 - e^{-(w_1^2 + w_2^2)/2}",
}
# The keys a preset sets: the strict saddle's; the lower section keeps its own view.
PRESET_KEYS = ("lr", "x0", "y0", "steps", "tol", "noise", "seed")

_run = cached(max_entries=32)(lesson.run)


# The legend names the runs, not σ (its slider and the story give it): a name that changed with σ would
# change every chart's spec, and the browser would build all five again instead of swapping their data.
PLAIN, NOISY = "plain GD", "GD + noise σ"


def trajectories(runs):
    return {PLAIN: runs.plain} | ({NOISY: runs.noisy} if runs.noisy is not None else {})


@cached_chart(max_entries=8)
def plane_base(surface_name, title):
    """The surface under the runs: built once per surface."""
    return charts.landscape(gd.surfaces.get(surface_name), width=PLANE_WIDTH, resolution=60, title=title)


@cached_chart(max_entries=32)
def plane_paths(args):
    runs = _run(*args)
    return charts.paths({k: t.points for k, t in trajectories(runs).items()}, bounds=gd.surfaces.get(runs.surface).bounds)


def plane_chart(args, title):
    return stack(plane_base(_run(*args).surface, title), plane_paths(args))


@cached_chart(max_entries=32)
def grad_chart(args):
    """The gradient norm against step, with the tol line the stopping rule waits for."""
    runs = _run(*args)
    trajs = trajectories(runs)
    curves = charts.curves({k: t.grad_norms for k, t in trajs.items()}, "gradient norm", title="‖∇L(w)‖",
                           x_title="step", log=True, x_values={k: t.steps for k, t in trajs.items()},
                           width=CURVE_WIDTH, height=220, colors=charts.PATH_COLORS[: len(trajs)])
    tol = charts.levels({f"tol = {charts.plain(runs.tol)}": runs.tol})
    return charts.layer(curves, tol).properties(title="Gradient norm: what the stopping rule sees", width=CURVE_WIDTH, height=220)


@cached_chart(max_entries=32)
def loss_chart(args):
    """The loss against step, with the loss at the saddle and at the minima."""
    runs = _run(*args)
    surface = gd.surfaces.get(runs.surface)
    trajs = trajectories(runs)
    curves = charts.curves({k: t.losses for k, t in trajs.items()}, "loss", x_title="step", log=False,
                           x_values={k: t.steps for k, t in trajs.items()}, width=CURVE_WIDTH, height=220,
                           colors=charts.PATH_COLORS[: len(trajs)])
    named, colors = {}, []
    for kind, where, points in (("saddle", "at the saddle", surface.saddles), ("minimum", "at the minima", surface.minima)):
        if len(points):
            level = float(surface.loss(points[0]))
            named[f"{where}: {charts.plain(level)}"] = level
            colors.append(LEVEL_COLORS[kind])
    return charts.layer(curves, charts.levels(named, colors=tuple(colors))).properties(title="Loss", width=CURVE_WIDTH, height=220)


def say(lines):
    for tone, text in lines:
        getattr(st, tone)(text)


def apply_preset(name):
    P.set(**{k: v for k, v in lesson.PRESETS[name].items() if k in PRESET_KEYS})


def monkey_section(steps, tol, noise, seed):
    args = (lesson.MONKEY_LR, *lesson.MONKEY_START, steps, tol, noise, seed, "monkey_saddle")
    f = lesson.facts(_run(*args))
    lines = lesson.monkey_story(f)
    left, right = st.columns([1.2, 1], gap="large")
    with left:
        show(plane_chart(args, "Monkey saddle: three valleys meet"))
    with right:
        st.latex(FORMULAS["monkey_saddle"])
        say([line for line in lines if line[0] != "caption"])
    show(grad_chart(args))
    say([line for line in lines if line[0] == "caption"])


def plateau_section(steps, tol):
    left, right = st.columns([1.2, 1], gap="large")
    with right:
        st.latex(FORMULAS["plateau"])
        radius = P.slider("r", "Start at distance from the centre", 2.0, 5.5, D["r"], step=0.1)
    args = (lesson.PLATEAU_LR, *lesson.plateau_start(radius), steps, tol, 0.0, 0, "plateau")
    f = lesson.facts(_run(*args))
    with left:
        show(plane_chart(args, "Plateau: the well in the middle"))
    with right:
        say(lesson.plateau_story(f, radius))
    a, b = st.columns(2, gap="medium")
    with a:
        show(loss_chart(args))
    with b:
        show(grad_chart(args))


st.title("Saddle points")
st.markdown(
    "At a **saddle point** the gradient is zero, yet the surface rises one way and falls the other, like a "
    "mountain pass. Gradient descent (GD) that stops on a small gradient stops there too; a little noise lets it escape."
)
st.latex(r"w_{t+1} = w_t - \eta\,\bigl(\nabla L(w_t) + \sigma\,\xi_t\bigr)")
st.latex(r"\text{stop when } \lVert \nabla L(w_t) \rVert < \text{tol}")
st.caption("ξₜ is fresh standard normal noise at every step; σ = 0 is plain gradient descent.")

controls, view = st.columns([1, 2.1], gap="medium")
with controls:
    st.markdown("**Presets**")
    P.preset_buttons(lesson.PRESETS, apply_preset)
    lr = P.select_slider("lr", "Learning rate η", lesson.LRS, value=D["lr"], format_func=lambda v: f"{v:g}")
    noise = P.select_slider("noise", "Noise σ added to each gradient", lesson.NOISES, value=D["noise"],
                            format_func=lambda v: f"{v:g}")
    x0 = P.slider("x0", "Start w₁", -1.5, 1.5, D["x0"], step=0.01)
    y0 = P.slider("y0", "Start w₂ (0 = on the ridge)", -1.5, 1.5, D["y0"], step=0.01)
    with st.expander("Noise seed, steps and stopping rule"):
        seed = P.slider("seed", "Noise seed", 0, 20, D["seed"])
        steps = P.slider("steps", "Steps", 50, 2000, D["steps"], step=50)
        tol = P.select_slider("tol", "Stop when ‖∇L‖ < tol", lesson.TOLS, value=D["tol"], format_func=lambda v: f"{v:g}")

args = (lr, x0, y0, steps, tol, noise, seed)
facts = lesson.facts(_run(*args))
lines = lesson.story(facts)
current = dict(zip(PRESET_KEYS, args))
with view:
    show(plane_chart(args, "A strict saddle: plain and noisy gradient descent"))
    P.preset_note(lesson.PRESETS, current, lesson.PRESET_NOTES)
    say(lines[:2])

left, right = st.columns(2, gap="medium")
with left:
    show(loss_chart(args))
with right:
    show(grad_chart(args))
say(lines[2:])

with st.expander("This saddle, and why the Hessian tells it from a minimum"):
    st.latex(FORMULAS["saddle"])
    lo, hi = facts.eigenvalues
    st.markdown(
        f"At the centre the Hessian is diag(1, −1): eigenvalues **{charts.plain(lo)}** and **{charts.plain(hi)}**, "
        f"so `gd.classify` says **{facts.saddle_kind}**. Uphill along w₁, downhill along w₂; the minima are at "
        "(0, ±1). At a minimum both eigenvalues of the Hessian (the curvatures along its two principal directions) "
        "are positive; at a saddle one is negative. On the line w₂ = 0 the gradient never points along w₂, so a run "
        "that starts there slides straight into the saddle; anything that moves it off that line grows by the "
        "factor 1 + η·|λ| per step along the downhill direction."
    )

@st.fragment
def more_places(steps, tol, noise, seed):
    """The second half: its own radio and sliders rerun it alone; steps, tol, noise and seed are the controls'
    above, whose moves rerun the whole page and so this section with their new values."""
    # CASES.get(k, k): AppTest formats an option's label again when it sets a radio by label.
    case = P.radio("case", "Show", list(lesson.CASES), value=D["case"], format_func=lambda k: lesson.CASES.get(k, k),
                   horizontal=True)
    st.subheader(lesson.CASES[case])
    if case == "monkey":
        monkey_section(steps, tol, noise, seed)
    else:
        plateau_section(steps, tol)


st.header("Two more places where the gradient fades")
more_places(steps, tol, noise, seed)

with st.expander("Why saddles matter more than they seem"):
    st.markdown(
        "In two dimensions a saddle needs one downhill direction among two. A network has millions of weights, "
        "and at a random flat point it is very unlikely that *every* direction curves upward, so most flat points "
        "of a large network are saddles, not minima. They are unstable: any push along the downhill direction "
        "grows by a factor 1 + η|λ| per step. That is why the randomness of stochastic gradient descent, "
        "which samples a different mini-batch every step, is usually enough to carry training past them."
    )
