"""Learning-rate schedules: decay to settle, cycles and warm restarts to escape a minimum."""

import numpy as np
import streamlit as st

import gdcore as gd
from gdcore import charts
from ui.params import Params
from ui.show import show

P = Params("sched")
LRS = (0.001, 0.002, 0.003, 0.005, 0.007, 0.01, 0.015, 0.02, 0.03, 0.05, 0.07, 0.1, 0.12, 0.15, 0.18, 0.2,
       0.25, 0.3, 0.4, 0.5, 0.7, 1.0, 1.2, 1.5, 2.0, 3.0)
GAMMAS = (0.9, 0.95, 0.97, 0.98, 0.99, 0.995, 0.999)
FLOORS = (0.0, 0.01, 0.025, 0.05, 0.1, 0.2, 0.5)
SHAPES = {"triangular": "same height every cycle", "triangular2": "height halves every cycle"}
KINDS = {
    "constant": "Constant",
    "step_decay": "Step decay",
    "exponential": "Exponential decay",
    "cosine": "Cosine annealing",
    "cosine_restarts": "Cosine with warm restarts",
    "cyclic": "Cyclical (triangle)",
    "one_cycle": "One cycle",
}
SURFACES = ("flat_sharp", "six_hump_camel", "rastrigin", "local_global", "himmelblau", "ravine")
STARTS = {
    "flat_sharp": (2.6, -2.6),
    "six_hump_camel": (-1.4, 1.0),
    "rastrigin": (2.25, 0.77),
    "local_global": (3.0, -3.0),
    "himmelblau": (-0.5, 0.0),
    "ravine": (-2.4, 1.8),
}
# A peak lr that suits each surface: below its divergence, near its minima's stability bounds.
SUGGESTED_LR = {"flat_sharp": 0.5, "six_hump_camel": 0.1, "rastrigin": 0.005, "local_global": 1.0,
                "himmelblau": 0.02, "ravine": 0.07}
# name -> (surface, steps, schedule A, schedule B, what to look for); schedules as widget values.
PRESETS = {
    "Warm restarts": (
        "flat_sharp", 300,
        {"kind": "exponential", "lr": 0.5, "gamma": 0.97},
        {"kind": "cosine_restarts", "lr": 0.5, "t0": 75, "tmult": 1, "floor": 0.0},
        "both settle in the narrow minimum; at step 75 B's lr jumps back to 0.5 and throws it into the wide one",
    ),
    "Cyclical": (
        "six_hump_camel", 300,
        {"kind": "cosine", "lr": 0.05, "tmax": 300, "floor": 0.0},
        {"kind": "cyclic", "lr": 0.18, "floor": 0.025, "up": 75, "mode": "triangular"},
        "both settle in a shallow minimum; as B's lr climbs it is thrown out and finds the deepest one",
    ),
    "Annealing": (
        "local_global", 300,
        {"kind": "constant", "lr": 1.2},
        {"kind": "cosine", "lr": 1.2, "tmax": 300, "floor": 0.0},
        "η = 1.2 is above the deep minimum's bound 0.955: at a constant rate A keeps jumping across it; "
        "as the cosine lowers B's rate below the bound, B settles at the bottom",
    ),
}
DEFAULT = "Warm restarts"
COLORS = {"A": charts.PATH_COLORS[0], "B": charts.PATH_COLORS[1]}


def build(kind, lr, steps, p):
    """The gdcore schedule for widget values ``p`` (a dict of plain numbers)."""
    s = gd.schedules
    if kind == "constant":
        return s.constant(lr)
    if kind == "step_decay":
        return s.step_decay(lr, p["step"], p["gamma"])
    if kind == "exponential":
        return s.exponential(lr, p["gamma"])
    if kind == "cosine":
        return s.cosine(lr, p["tmax"], eta_min=p["floor"] * lr)
    if kind == "cosine_restarts":
        return s.cosine_restarts(lr, p["t0"], p["tmult"], eta_min=p["floor"] * lr)
    if kind == "cyclic":
        return s.cyclic(p["floor"] * lr, lr, p["up"], mode=p["mode"])
    return s.one_cycle(lr, steps, pct_start=p["pct"])


@st.cache_data(max_entries=64, show_spinner=False)
def run(surface_name, x0, y0, steps, kind, lr, params):
    schedule = build(kind, lr, steps, dict(params))
    return gd.descend(gd.surfaces.get(surface_name), gd.SGD(lr=lr), (x0, y0), steps, schedule=schedule)


@st.cache_data(max_entries=16, show_spinner=False)
def minima_info(surface_name):
    """Each known minimum: its loss and its stability bound 2/lambda_max (small = narrow)."""
    surface = gd.surfaces.get(surface_name)
    return [(tuple(m), float(surface.loss(m)), float(surface.max_stable_lr_at(m))) for m in surface.minima]


def visits(surface_name, points):
    """The minima a run settles in, in order: (index, first step, last step) of each stay.

    A stay is at least 5 consecutive points within 2 % of the window of one known minimum.
    """
    surface = gd.surfaces.get(surface_name)
    (xa, xb), (ya, yb) = surface.bounds
    tol = 0.02 * min(xb - xa, yb - ya)
    d = np.linalg.norm(points[:, None, :] - surface.minima[None, :, :], axis=-1)
    label = np.where(d.min(axis=1) < tol, d.argmin(axis=1), -1)
    stays = []
    start = 0
    for t in range(1, len(label) + 1):
        if t == len(label) or label[t] != label[start]:
            if label[start] >= 0 and t - start >= 5:
                if stays and stays[-1][0] == label[start]:
                    stays[-1] = (stays[-1][0], stays[-1][1], t - 1)
                else:
                    stays.append((int(label[start]), start, t - 1))
            start = t
    return stays


@st.cache_data(max_entries=32, show_spinner=False)
def figure(surface_name, x0, y0, steps, a, b):
    surface = gd.surfaces.get(surface_name)
    ta, tb = run(surface_name, x0, y0, steps, *a), run(surface_name, x0, y0, steps, *b)
    (xa, xb), (ya, yb) = surface.bounds
    # A wide window (the camel) gets more width, a square one stays clear of the column's edge.
    width = 350 if (xb - xa) > 1.3 * (yb - ya) else 330
    plane = charts.landscape(surface, {"A": ta.points, "B": tb.points}, title="Both paths from the same start", width=width)
    lr = charts.curves({"A": ta.lrs, "B": tb.lrs}, "lr", title="learning rate η", x_title="update", log=False,
                       width=380, height=170, colors=(COLORS["A"], COLORS["B"]))
    leaves = [stay[2] for stay in visits(surface_name, tb.points)[:-1]]
    if leaves:
        lr = lr + charts.vertical_rules(leaves, label="B leaves a minimum")
    loss = charts.loss_curve({"A": ta.losses, "B": tb.losses}, width=380, height=190, colors=(COLORS["A"], COLORS["B"]))
    return plane, lr & loss


def fmt_point(w):
    return f"({w[0]:.2f}, {w[1]:.2f})"


def describe(info, index):
    (mx, my), loss, bound = info[index]
    # Known minima are stored to float precision: a loss of 1e-31 is a zero.
    loss = 0.0 if abs(loss) < 1e-12 else loss
    return f"the minimum at {fmt_point((mx, my))} (loss {loss:.3g}, stability bound 2/λ_max = {bound:.3g})"


def schedule_controls(name, default_lr, steps):
    """Widgets for one schedule; returns (kind, lr, params) as plain, hashable values."""
    key = name.lower()
    defaults = PRESETS[DEFAULT][2 if name == "A" else 3]
    kind = P.selectbox(key, f"Schedule {name}", list(KINDS), value=defaults["kind"], format_func=KINDS.__getitem__)
    lr = P.select_slider(f"{key}_lr", "Peak learning rate η", LRS, value=default_lr, format_func=lambda v: f"{v:g}")
    p = {}
    if kind == "step_decay":
        p["step"] = P.slider(f"{key}_step", "Decay every s updates", 5, 200, 50)
        p["gamma"] = P.slider(f"{key}_gamma_step", "Factor γ at each decay", 0.1, 0.9, 0.5, step=0.1)
    elif kind == "exponential":
        p["gamma"] = P.select_slider(f"{key}_gamma", "Factor γ per update", GAMMAS, value=defaults.get("gamma", 0.97))
    elif kind == "cosine":
        p["tmax"] = P.slider(f"{key}_tmax", "Anneal over T updates", 10, 1000, defaults.get("tmax", 300), step=10)
        p["floor"] = P.select_slider(f"{key}_floor", "Lowest lr η_min, as a share of η", FLOORS, value=0.0)
        if p["tmax"] < steps:
            st.caption("After T updates the cosine climbs back up, as PyTorch's does; "
                       "set T to the number of updates to anneal once.")
    elif kind == "cosine_restarts":
        p["t0"] = P.slider(f"{key}_t0", "First cycle T₀ (updates)", 10, 300, defaults.get("t0", 60), step=5)
        p["tmult"] = P.slider(f"{key}_tmult", "Each cycle m times longer (T_mult)", 1, 3, 1)
        p["floor"] = P.select_slider(f"{key}_floor", "Lowest lr η_min, as a share of η", FLOORS, value=0.0)
    elif kind == "cyclic":
        p["floor"] = P.select_slider(f"{key}_floor", "Lowest lr, as a share of the peak η", FLOORS,
                                     value=defaults.get("floor", 0.025))
        p["up"] = P.slider(f"{key}_up", "Updates from low to peak (a cycle is twice this)", 5, 200, defaults.get("up", 75), step=5)
        p["mode"] = P.selectbox(f"{key}_mode", "Cycle shape", list(SHAPES),
                                format_func=SHAPES.__getitem__)
    elif kind == "one_cycle":
        p["pct"] = P.slider(f"{key}_pct", "Share of the run spent warming up", 0.1, 0.9, 0.3, step=0.05)
    return kind, lr, tuple(sorted(p.items()))


def apply_preset(name):
    surface_name, steps, a, b, _ = PRESETS[name]
    x0, y0 = STARTS[surface_name]
    values = {"surface": surface_name, "steps": steps, "x0": x0, "y0": y0}
    for key, spec in (("a", a), ("b", b)):
        values[key] = spec["kind"]
        for field, value in spec.items():
            if field != "kind":
                values[f"{key}_{field}"] = value
    P.set(**values)
    st.session_state["sched.preset"] = name


def start_for_surface():
    surface_name = st.session_state[P.key("surface")]
    x0, y0 = STARTS[surface_name]
    P.set(x0=x0, y0=y0, a_lr=SUGGESTED_LR[surface_name], b_lr=SUGGESTED_LR[surface_name])


st.title("Learning-rate schedules")
st.markdown(
    "A schedule sets the learning rate of update t by a formula, decided before training starts. "
    "The simplest schedules **decay** the rate (also called annealing): large steps early cover ground fast, "
    "smaller steps later let the run settle instead of bouncing across the minimum."
)
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
    "Why raise the rate again? A large step cannot stay inside a narrow minimum: each update jumps across it, "
    "and the jumps grow until the run is thrown out. The next stretch of small rates lets it settle again, "
    "often in a wider or deeper basin. Compare two schedules below, from the same start."
)
st.latex(r"w_{t+1} = w_t - \eta_t\,\nabla L(w_t), \qquad \eta_t = \text{schedule}(t)")

st.markdown("**Presets**")
cols = st.columns(len(PRESETS))
for i, name in enumerate(PRESETS):
    cols[i].button(name, on_click=apply_preset, args=(name,), key=f"sched.preset.{i}", width="stretch")

col_a, col_b, col_run = st.columns(3, gap="large")
with col_run:
    surface_name = P.selectbox("surface", "Surface", list(SURFACES), value=PRESETS[DEFAULT][0],
                               format_func=lambda n: gd.surfaces.get(n).title, on_change=start_for_surface)
    surface = gd.surfaces.get(surface_name)
    (xa, xb), (ya, yb) = surface.bounds
    sx, sy = STARTS[surface_name]
    x0 = P.slider("x0", "Start w₁", float(xa), float(xb), float(sx), step=0.01)
    y0 = P.slider("y0", "Start w₂", float(ya), float(yb), float(sy), step=0.01)
    steps = P.slider("steps", "Updates", 50, 1000, PRESETS[DEFAULT][1], step=50)
    st.caption("Choosing a surface also resets the start and both peak learning rates to values that suit it.")
with col_a:
    spec_a = schedule_controls("A", SUGGESTED_LR[surface_name], steps)
with col_b:
    spec_b = schedule_controls("B", SUGGESTED_LR[surface_name], steps)

preset = st.session_state.get("sched.preset")
if preset:
    st.caption(f"Preset **{preset}**: {PRESETS[preset][4]}.")

schedules = {}
for name, (kind, lr, params) in (("A", spec_a), ("B", spec_b)):
    schedules[name] = build(kind, lr, steps, dict(params))
# One formula per line: the cyclical ones are too wide for half the page.
for name, spec in (("A", spec_a), ("B", spec_b)):
    st.markdown(f"**{name}: {KINDS[spec[0]]}**")
    st.latex(schedules[name].formula)

plane, curves = figure(surface_name, x0, y0, steps, spec_a, spec_b)
left, right = st.columns([1, 1], gap="medium")
with left:
    show(plane)
with right:
    show(curves)

runs = {"A": run(surface_name, x0, y0, steps, *spec_a), "B": run(surface_name, x0, y0, steps, *spec_b)}
info = minima_info(surface_name)

ends = {}
for name, traj in runs.items():
    stays = visits(surface_name, traj.points)
    ends[name] = stays[-1][0] if stays and stays[-1][2] == len(traj.points) - 1 else None
    if traj.status == "diverged":
        st.error(
            f"**Run {name} diverged** after {traj.steps_done} updates: its steps grew until the weights left every "
            f"sensible range, because η reached {traj.lrs.max():.3g}, far too large for this surface. "
            "The chart shows the finite part; lower the peak η."
        )
        continue
    for (m1, arrived, left_at), (m2, _, _) in zip(stays, stays[1:]):
        bound = info[m1][2]
        over = np.flatnonzero(traj.lrs[arrived:left_at + 1] > bound)
        if len(over):
            rise = arrived + int(over[0])
            reason = (f"at step {rise} its lr rose to {traj.lrs[rise]:.3g}, above that minimum's bound {bound:.3g}, "
                      "so each step jumped across the minimum" + (
                          f"; the jumps grew, and by step {left_at} the run was out" if left_at > rise else
                          " and the run was thrown out at once"))
        else:
            reason = f"it drifted out at step {left_at}, with lr {traj.lrs[min(left_at, len(traj.lrs) - 1)]:.3g}"
        st.warning(
            f"**Run {name} was thrown out of a minimum.** It sat in {describe(info, m1)}; {reason}. "
            f"It settled next in the minimum at {fmt_point(info[m2][0])}."
        )
    if ends[name] is None:
        distance = np.linalg.norm(surface.minima - traj.final, axis=-1)
        near = int(np.argmin(distance))
        lr_end = traj.lrs[-1] if len(traj.lrs) else 0.0
        if lr_end > info[near][2]:
            why = (f"its last lr, {lr_end:.3g}, is above the bound {info[near][2]:.3g} of the nearest minimum "
                   f"{fmt_point(info[near][0])}, so it keeps jumping across it. Let the lr decay further.")
        else:
            why = "it has not arrived yet. Allow more updates or a larger lr."
        st.info(f"**Run {name} is not resting in a minimum** after {traj.steps_done} updates "
                f"(it is at {fmt_point(traj.final)}): {why}")

if ends["A"] is not None and ends["B"] is not None:
    if ends["A"] == ends["B"]:
        st.success(f"Both runs end in {describe(info, ends['A'])}.")
    else:
        (_, la, _), (_, lb, _) = info[ends["A"]], info[ends["B"]]
        if abs(la - lb) < 0.01 * max(1.0, abs(la), abs(lb)):
            depth = "The two minima are about equally deep."
        else:
            depth = f"Run {'B' if lb < la else 'A'} found the lower loss."
        st.success(
            f"**The two schedules end in different minima.** A ends in {describe(info, ends['A'])}; "
            f"B ends in {describe(info, ends['B'])}. {depth} "
            "A small stability bound means a narrow minimum: a large lr cannot stay in it."
        )
else:
    for name, end in ends.items():
        if end is not None:
            st.success(f"Run {name} ends in {describe(info, end)}.")
