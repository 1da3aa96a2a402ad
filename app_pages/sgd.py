"""Stochastic gradient descent: one random sample per step, and the jitter that gets it past saddles."""

import altair as alt
import numpy as np
import streamlit as st

import gdcore as gd
from gdcore import charts
from lessons import sgd as lesson
from ui.params import Params
from ui.show import cached, cached_chart, show, stack

P = Params("sgd")
D = lesson.DEFAULTS
SCENARIOS = lesson.SCENARIOS
N_SAMPLES, ORDERS = lesson.N_SAMPLES, lesson.ORDERS
BATCH, SGD = "batch gradient descent", "SGD"
FULL_COLOR, SAMPLE_COLOR = "#111111", "#6a3d9a"

run = cached(max_entries=16)(lesson.run)
critical_points = cached(max_entries=4)(lesson.critical_points)


@cached(max_entries=32)
def facts_of(key, lr, steps, seed):
    """The runs' facts, about the default sample: the section below shows another with ``lesson.showing``."""
    return lesson.facts(run(key, lr, steps, seed), D["sample"])


def critical_markers(key):
    points, kinds, _ = critical_points(key)
    return {kind: points[[k == kind for k in kinds]] for kind in dict.fromkeys(kinds)}


@cached_chart(max_entries=4)
def plane_base(key):
    """The full loss under both runs: built once per scenario."""
    return charts.landscape(lesson.objective(key), critical=critical_markers(key), width=520,
                            title="Both runs on the full loss L")


@cached_chart(max_entries=32)
def paths_chart(key, lr, steps, seed):
    r = run(key, lr, steps, seed)
    return charts.paths({BATCH: r.batch.points, SGD: r.sgd.points}, bounds=lesson.objective(key).bounds)


def on_chart(key, traj):
    """The losses up to the first point outside the map (a diverging run leaves it and explodes)."""
    (xa, xb), (ya, yb) = lesson.objective(key).bounds
    x, y = traj.points[:, 0], traj.points[:, 1]
    outside = (x < xa) | (x > xb) | (y < ya) | (y > yb) | ~np.isfinite(x) | ~np.isfinite(y)
    return traj.losses[: int(np.argmax(outside)) if outside.any() else None]


@cached_chart(max_entries=32)
def loss_chart(key, lr, steps, seed):
    r = run(key, lr, steps, seed)
    epochs = np.arange(N_SAMPLES, len(r.sgd.lrs), N_SAMPLES)
    curve = charts.loss_curve({BATCH: on_chart(key, r.batch), SGD: on_chart(key, r.sgd)}, x_title="update",
                              log=False, height=220)
    return charts.layer(curve, charts.vertical_rules(epochs, color="#999999", label=None))


@cached_chart(max_entries=16)
def full_loss_chart(key, sample):
    obj = lesson.objective(key)
    s = lesson.sample(key, sample)
    every = (obj.offsets[:, None, :] + obj.surface.minima[None]).reshape(-1, 2)
    full = charts.landscape(obj, critical={}, width=420,
                            title=alt.TitleParams("The full loss L", anchor="start",
                                                  subtitle=f"the mean of the {N_SAMPLES} sample losses"))
    dots = charts.dots({"each sample's minima": every}, colors=("#e8702a",), size=30)
    mine = charts.dots({"sample i's": np.asarray(s.minima)}, colors=(SAMPLE_COLOR,), size=110, opacity=1.0)
    width, height = charts.plane_size(obj.bounds, 420)
    return charts.layer(full, dots, mine).resolve_scale(color="independent").properties(width=width, height=height)


@cached_chart(max_entries=16)
def sample_chart(key, sample):
    """Sample i's own loss, with its gradient step and the full gradient step at the start, at equal length."""
    obj = lesson.objective(key)
    s = lesson.sample(key, sample)
    one = gd.objectives.Sampled(obj.surface, n_samples=1, spread=0.0, shift=tuple(obj.offsets[sample - 1]))
    (xa, xb), (ya, yb) = obj.bounds
    length = 0.3 * min(xb - xa, yb - ya)
    unit = {k: -np.asarray(g) / np.linalg.norm(g) for k, g in (("full", s.full), ("own", s.own))}
    # Named "sample i", as on its slider: a title or legend that changed with i would change the spec,
    # and the browser would build both charts again instead of swapping their data.
    steps = {"−∇ℓᵢ (sample i)": (s.start, length * unit["own"]),
             "−∇L (full loss)": (s.start, length * unit["full"])}
    title = alt.TitleParams("Sample i's own loss ℓᵢ", anchor="start",
                            subtitle="arrows: both steps from the start, drawn equally long")
    surface = charts.surface(one, bounds=obj.bounds, width=420, levels=10, title=title)
    width, height = charts.plane_size(obj.bounds, 420)
    return charts.layer(surface, charts.arrows(steps, colors=(SAMPLE_COLOR, FULL_COLOR))).resolve_scale(
        color="independent").properties(width=width, height=height)


def use_scenario_defaults():
    P.set(lr=SCENARIOS[st.session_state[P.key("scenario")]].lr, steps=D["steps"])


def apply_preset(name):
    P.set(**lesson.PRESETS[name])


def say(line):
    tone, text = line
    getattr(st, tone)(text)


st.title("Stochastic gradient descent")
st.markdown(
    "Batch gradient descent follows the gradient of the **full loss**, the mean over all training samples; "
    "**stochastic gradient descent** (SGD) follows **one sample's loss** at a time. Where the full gradient "
    "vanishes, one sample's usually does not, so SGD keeps moving."
)
st.latex(r"\text{batch:}\quad w_{t+1} = w_t - \eta\,\nabla L(w_t)")
st.latex(r"\text{SGD:}\quad w_{t+1} = w_t - \eta\,\nabla \ell_{i_t}(w_t)")
st.caption(f"L(w) = (ℓ₁(w) + … + ℓₙ(w)) / n is the mean of the samples' losses; iₜ is the t-th entry of a fresh "
           f"random order of the n = {N_SAMPLES} samples in every epoch, so {N_SAMPLES} SGD updates make one epoch.")

controls, view = st.columns([1, 2.1], gap="medium")
with controls:
    st.markdown("**Presets**")
    P.preset_buttons(lesson.PRESETS, apply_preset)
    key = P.radio("scenario", "Where batch gradient descent gets stuck", list(SCENARIOS),
                  format_func=lambda k: SCENARIOS[k].label if k in SCENARIOS else k, on_change=use_scenario_defaults)
    st.caption("Choosing a scenario resets η and the number of updates to values that suit it.")
    scenario = SCENARIOS[key]
    lr = P.select_slider("lr", "Learning rate η", lesson.LRS, value=scenario.lr, format_func=lambda v: f"{v:g}")
    steps = P.slider("steps", "Updates", 20, 1000, D["steps"], step=10)
    seed = P.slider("seed", "Seed of the sample order", 0, 99, D["seed"],
                    help="Each seed shuffles the samples differently; the data stay the same.")

with view:
    show(stack(plane_base(key), paths_chart(key, lr, steps, seed)))
    P.preset_note(lesson.PRESETS, {"scenario": key, "lr": lr, "steps": steps, "seed": seed},
                  lambda name: f"{lesson.PRESET_NOTES[name]}. {scenario.setup}")
    verdicts = st.container()  # filled below, once the sample slider has been read

orders = st.container()
show(loss_chart(key, lr, steps, seed))
st.caption("Both curves are the full loss L at each point, although SGD only ever looked at one sample per update. "
           "Dashed grey lines: a new epoch begins with a fresh shuffle. A run that leaves the map is drawn until it does.")

# The verdicts on the runs do not read which sample is shown (tests/lessons/test_sgd.py), so the
# sample section is a fragment: its slider reruns that section alone.
f = facts_of(key, lr, steps, seed)
batch_line, sgd_line, orders_line, _ = lesson.story(f)
with verdicts:
    say(batch_line)
    say(sgd_line)
with orders:
    say(orders_line)
    st.progress(f.escaped / ORDERS, text=f"{f.escaped} of {ORDERS} SGD runs ended away from {scenario.names[scenario.trap]}")


@st.fragment
def sample_section(key, f):
    """One loss per sample: the sample slider, sample i's own loss beside the full loss, and its angle in words."""
    st.subheader("One loss per sample")
    st.markdown(
        f"Sample i's loss ℓᵢ is the same landscape moved by its own small random offset (spread "
        f"{SCENARIOS[key].spread:g}), so every sample's lowest points sit somewhere else (orange dots), and the full "
        "loss L, their mean, is a blurred version of the landscape."
    )
    sample = P.slider("sample", "Show the loss of sample i", 1, N_SAMPLES, D["sample"])
    left, right = st.columns(2, gap="medium")
    with left:
        show(sample_chart(key, sample))
    with right:
        show(full_loss_chart(key, sample))
    say(lesson.sample_line(lesson.showing(f, sample)))


sample_section(key, f)

with st.expander("Why the jitter helps, and why SGD is not the whole story"):
    st.markdown(
        "Where the full gradient is zero, at a saddle or the bottom of a shallow valley, the single-sample "
        "gradients are not: they point in as many directions as the samples disagree. Each step is a small random "
        "kick, and once a kick has moved the weights off the saddle's knife-edge, or over the low rim of a shallow "
        "valley, the full loss itself pulls them further away. Even if one sample's loss had a minimum right here, "
        "the next sample's would not.\n\n"
        "The price is that SGD never quite settles: near the minimum it keeps moving in a small cloud whose size "
        "grows with η. And one sample per step wastes hardware that could process many samples at once; the next "
        "page, *Batch size*, is about that trade-off."
    )
