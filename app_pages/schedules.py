"""Learning-rate schedules: decay to settle, cycles and warm restarts to escape a minimum."""

import streamlit as st

import gdcore as gd
from gdcore import charts
from lessons import schedules as lesson
from lessons.text import latex_lines
from ui.params import Params
from ui.show import cached, cached_chart, show, stack

P = Params("sched")
KINDS, SHAPES = lesson.KINDS, lesson.SHAPES
TITLES = {name: gd.surfaces.get(name).title for name in lesson.SURFACES}
COLORS = (charts.PATH_COLORS[0], charts.PATH_COLORS[1])


@cached(max_entries=32)
def runs(surface_name, x0, y0, steps, a, b):
    return lesson.run(surface_name, x0, y0, steps, a, b)


@cached(max_entries=32)
def facts(surface_name, x0, y0, steps, a, b):
    return lesson.facts(surface_name, x0, y0, steps, a, b, runs=runs(surface_name, x0, y0, steps, a, b))


@cached_chart(max_entries=4)
def plane_base(surface_name):
    """The surface under both paths: built once per surface."""
    return charts.landscape(gd.surfaces.get(surface_name), width=420)


@cached_chart(max_entries=32)
def figures(surface_name, x0, y0, steps, a, b):
    """The learning rates, both paths (drawn over :func:`plane_base`), and the losses."""
    surface = gd.surfaces.get(surface_name)
    ta, tb = runs(surface_name, x0, y0, steps, a, b)
    f = facts(surface_name, x0, y0, steps, a, b)
    lr = charts.curves({"A": ta.lrs, "B": tb.lrs}, "lr", title="learning rate η", x_title="update", log=False,
                       width=420, height=150, colors=COLORS)
    for r in (f.a, f.b):
        # Layered even when the run is never thrown out (vertical_rules then draws nothing), so that a
        # move that ends or starts a throw-out keeps the spec and the browser swaps the data.
        lr = charts.layer(lr, charts.vertical_rules([e.left for e in r.exits], label=f"{r.name} thrown out"))
    plane = charts.paths({"A": ta.points, "B": tb.points}, bounds=surface.bounds)
    loss = charts.loss_curve({"A": ta.losses, "B": tb.losses}, x_title="update", width=420, height=170, colors=COLORS)
    return lr, plane, loss


def schedule_controls(key, surface_name, steps):
    """Widgets for schedule ``key`` ("a" or "b"); returns (kind, lr, params) as plain, hashable values."""
    d = lesson.DEFAULTS
    defaults = lesson.PARAM_DEFAULTS
    surface_lr = lesson.SURFACE_DEFAULTS[surface_name][f"{key}_lr"]
    kind = P.selectbox(key, f"Schedule {key.upper()}", list(KINDS), value=d[key], format_func=lambda k: KINDS.get(k, k))
    lr = P.select_slider(f"{key}_lr", "Peak learning rate η", lesson.LRS, value=surface_lr, format_func=lambda v: f"{v:g}")
    p = {}
    if kind == "step_decay":
        p["step"] = P.slider(f"{key}_step", "Decay every s updates", 5, 200, defaults["step"])
        p["gamma_step"] = P.slider(f"{key}_gamma_step", "Factor γ at each decay", 0.1, 0.9, defaults["gamma_step"], step=0.1)
    elif kind == "exponential":
        p["gamma"] = P.select_slider(f"{key}_gamma", "Factor γ per update", lesson.GAMMAS, value=defaults["gamma"])
    elif kind == "cosine":
        p["tmax"] = P.slider(f"{key}_tmax", "Anneal over T updates", 10, 1000, defaults["tmax"], step=10)
        p["floor"] = P.select_slider(f"{key}_floor", "Lowest lr η_min, as a share of η", lesson.FLOORS, value=defaults["floor"])
        if p["tmax"] < steps:
            st.caption("After T updates the cosine climbs back up, as PyTorch's does; "
                       "set T to the number of updates to anneal once.")
    elif kind == "cosine_restarts":
        p["t0"] = P.slider(f"{key}_t0", "First cycle T₀ (updates)", 10, 300, defaults["t0"], step=5)
        p["tmult"] = P.slider(f"{key}_tmult", "Each cycle m times longer (T_mult)", 1, 3, defaults["tmult"])
        p["floor"] = P.select_slider(f"{key}_floor", "Lowest lr η_min, as a share of η", lesson.FLOORS, value=defaults["floor"])
    elif kind == "cyclic":
        p["floor"] = P.select_slider(f"{key}_floor", "Lowest lr, as a share of the peak η", lesson.FLOORS,
                                     value=defaults["floor"])
        p["up"] = P.slider(f"{key}_up", "Updates from low to peak (a cycle is twice this)", 5, 200, defaults["up"], step=5)
        p["mode"] = P.selectbox(f"{key}_mode", "Cycle shape", list(SHAPES), value=defaults["mode"],
                                format_func=lambda m: SHAPES.get(m, m))
    elif kind == "one_cycle":
        p["pct"] = P.slider(f"{key}_pct", "Share of the run spent warming up", 0.1, 0.9, defaults["pct"], step=0.05)
    return kind, lr, tuple(sorted(p.items()))


def apply_preset(name):
    P.set(**lesson.PRESETS[name])


def reset_for_surface():
    """A new surface gets its own start and peak learning rates (they rarely suit another one)."""
    P.set(**lesson.SURFACE_DEFAULTS[st.session_state[P.key("surface")]])


def say(line):
    getattr(st, line.tone)(line.text)


st.title("Learning-rate schedules")
st.markdown(
    "A schedule fixes the learning rate of every update in advance. Letting it **decay** lets a run settle in a "
    "minimum; **raising it again** (cycles, warm restarts) throws the run out of a narrow minimum, often into a "
    "wider or deeper one. Two schedules, A and B, from the same start:"
)
rule, rate = st.columns(2)
rule.latex(r"w_{t+1} = w_t - \eta_t\,\nabla L(w_t)")
rate.latex(r"\eta_t = \text{schedule}(t)")

controls, picture = st.columns([1, 2], gap="large")
with controls:
    st.markdown("**Presets**")
    P.preset_buttons(lesson.PRESETS, apply_preset)
    d = lesson.DEFAULTS
    surface_name = P.selectbox("surface", "Surface", list(lesson.SURFACES), value=d["surface"],
                               format_func=lambda n: TITLES.get(n, n), on_change=reset_for_surface)
    st.caption("Choosing a surface also resets the start and both peak learning rates to values that suit it.")
    surface = gd.surfaces.get(surface_name)
    start = lesson.SURFACE_DEFAULTS[surface_name]
    # The number of updates first: a cosine's caption compares T with it.
    with st.expander("Start and number of updates"):
        (xa, xb), (ya, yb) = surface.bounds
        x0 = P.slider("x0", "Start w₁", float(xa), float(xb), float(start["x0"]), step=0.01)
        y0 = P.slider("y0", "Start w₂", float(ya), float(yb), float(start["y0"]), step=0.01)
        steps = P.slider("steps", "Updates", 50, 1000, d["steps"], step=50)
    spec_a = schedule_controls("a", surface_name, steps)
    st.divider()
    spec_b = schedule_controls("b", surface_name, steps)

f = facts(surface_name, x0, y0, steps, spec_a, spec_b)
lines = lesson.story(f)
lr_chart, plane, loss_chart = figures(surface_name, x0, y0, steps, spec_a, spec_b)
with picture:
    # A preset is matched on what it runs: the surface, the start, the steps and both schedules.
    views = {name: {"surface": v["surface"], "x0": v["x0"], "y0": v["y0"], "steps": v["steps"],
                    "a": lesson.spec(v, "a"), "b": lesson.spec(v, "b")} for name, v in lesson.PRESETS.items()}
    P.preset_note(views, {"surface": surface_name, "x0": x0, "y0": y0, "steps": steps, "a": spec_a, "b": spec_b},
                  lambda name: f"{KINDS[lesson.PRESETS[name]['a']]} (A) against {KINDS[lesson.PRESETS[name]['b']]} (B) "
                               f"on {TITLES[lesson.PRESETS[name]['surface']]}.")
    show(lr_chart)
    show(stack(plane_base(surface_name), plane))
    with st.container():  # as many lines as the runs call for, in one place: the chart below stays put
        for line in lines:
            say(line)
    show(loss_chart)

st.markdown("**The two schedules**")
formula_a, formula_b = st.columns(2, gap="large")
for column, name, (kind, lr, params) in ((formula_a, "A", spec_a), (formula_b, "B", spec_b)):
    with column:
        st.markdown(f"{name}: {KINDS[kind]}")
        for piece in latex_lines(lesson.build(kind, lr, steps, params).formula):
            st.latex(piece)

with st.expander("The schedules on this page"):
    st.markdown(
        "- **Step decay** keeps η for s updates, then multiplies it by γ: a staircase.\n"
        "- **Exponential decay** multiplies η by γ after every update: a smooth fall, fastest at the start.\n"
        "- **Cosine annealing** follows half a cosine from η down to η_min over T updates: "
        "gentle at first, steepest halfway, gentle again at the end.\n"
        "- **Cyclical learning rates** climb from a low rate to a high one and back down, over and over.\n"
        "- **Warm restarts** anneal with a cosine, then jump straight back to the starting η and anneal again.\n"
        "- **One cycle** warms up from a small rate to η, then anneals far below where it started."
    )
    st.markdown(
        "Why raise the rate again? Each minimum has a stability bound 2/λ_max: with a larger η every step jumps "
        "across the bottom, and the jumps grow until the run is thrown out. A narrow minimum has a small bound. "
        "The next stretch of small rates lets the run settle again, often in a wider or deeper basin."
    )
