"""Flat vs sharp minima: the test loss is the train loss moved a little, and which minimum SGD finds."""

import numpy as np
import pandas as pd
import streamlit as st

from gdcore import charts
from lessons import flat_sharp as lesson
from ui.details import numbers_table, on_request
from ui.params import Params
from ui.show import cached, cached_chart, show, stack

P = Params("fs")
D = lesson.DEFAULTS
MINIMUM_COLORS = {"flat minimum": "#111111", "sharp minimum": "#7b3294"}
BATCH_COLORS = ("#ff7f0e", "#1f77b4")  # small, large: the bars and the dots on the maps

gaps = cached(max_entries=16)(lesson.gaps)
ends = cached(max_entries=32)(lesson.ends)


def minima_marks(labels=None, size=90):
    m, _, _ = lesson.minima()
    return charts.labelled_points(dict(zip(lesson.KINDS, m)), shapes=dict.fromkeys(lesson.KINDS, "diamond"),
                                  colors=MINIMUM_COLORS, labels=labels, size=size)


@cached_chart(max_entries=16)
def slice_chart(shift):
    g = gaps(shift)
    u, mid = lesson.shift_direction(), g.minima.mean(axis=0)
    s = np.linspace(-3.0, 3.0, 301)
    line = mid + s[:, None] * u
    names = ("train loss", "test loss")
    curves = charts.curves(
        {names[0]: lesson.train().loss(line), names[1]: lesson.shifted(shift).loss(line)}, "loss",
        x_values=dict.fromkeys(names, s), log=False, height=300, width=420,
        x_title="position along the line through both minima", colors=("#1f77b4", "#d62728"),
    )
    half = np.linalg.norm(g.minima[1] - g.minima[0]) / 2
    marks = charts.intervals([-half, half], g.train, g.test, [f"gap {charts.plain(v)}" for v in g.gap], color="#444444")
    return curves + marks


@cached_chart(max_entries=1)
def plane_base():
    """The train loss under the cut: the same for every shift."""
    return charts.landscape(lesson.train(), critical={}, title="The train loss and the cut", width=330, height=300,
                            resolution=55)


@cached_chart(max_entries=16)
def plane_marks(shift):
    """The cut through both minima, the minima, and the shift d as an arrow (drawn over :func:`plane_base`)."""
    m, _, _ = lesson.minima()
    u, mid = lesson.shift_direction(), m.mean(axis=0)
    line = mid + np.array([-3.0, 3.0])[:, None] * u
    marks = [charts.faint_path(line, color="#d62728", opacity=0.8, width=1.6),
             minima_marks({"flat minimum": ["flat"], "sharp minimum": ["sharp"]})]
    if shift > 0:
        marks.append(charts.arrow(m[0] + 0.4 * u, shift * u, label=f"d = {shift:g}"))
    return tuple(marks)


@cached_chart(max_entries=2)
def ends_base(batch):
    return charts.landscape(lesson.train(), critical={}, title=f"Where {lesson.RUNS} runs ended: {lesson.batch_name(batch)}",
                            width=330, height=300, resolution=45)


@cached_chart(max_entries=32)
def ends_marks(lr, batch, where, color):
    """The minima with the share of runs that ended in each, and where each run ended (over :func:`ends_base`)."""
    final, status = ends(lr, batch, where)
    counts = np.bincount(lesson.labels(final, status), minlength=3)
    labels = {kind: [lesson.map_label(int(counts[k]))] for k, kind in enumerate(lesson.KINDS)}
    dots = charts.dots({"where a run ended": final}, colors=(color,), size=22)
    # A second legend beside the minima's does not fit a phone; the caption under the maps names the dots.
    dots.encoding.color["legend"] = None
    # The dots over the minima, so that runs ending exactly on one still show; the counts over both
    # (invisible points that carry the labels): under the dots, a cloud hid a count's start ("ll 200 runs").
    counts = minima_marks(labels, size=0)
    for channel in ("shape", "fill"):  # the minima's legend is drawn once, by the diamonds
        counts.layer[0].encoding[channel]["legend"] = None
    return minima_marks(size=70), dots, counts


def ends_map(lr, batch, where, color):
    return stack(ends_base(batch), *ends_marks(lr, batch, where, color))


@cached_chart(max_entries=32)
def shares_chart(small, large, small_counts, large_counts):
    """Where the runs of each batch size ended, in whole percentages."""
    rows = {lesson.batch_name(small): lesson.percentages(np.array(small_counts)),
            lesson.batch_name(large): lesson.percentages(np.array(large_counts))}
    # Whole percentages that add to 100 per batch size, so the bar labels do too.
    table = {kind: {name: p[k] / 100 for name, p in rows.items()} for k, kind in enumerate(lesson.KINDS + ("neither",))}
    return charts.grouped(table, "share", percent=True, title=f"share of the {lesson.RUNS} runs",
                          colors=BATCH_COLORS, width=420, height=240)


def gap_table(g):
    return pd.DataFrame({
        "minimum": lesson.KINDS,
        "w₁": g.minima[:, 0],
        "w₂": g.minima[:, 1],
        "curvature along the shift": g.curvature,
        "train loss": g.train,
        "test loss": g.test,
        "gap (test − train)": g.gap,
        "estimate ½·d²·curvature": g.estimate,
    })


def apply_preset(name):
    P.set(**lesson.PRESETS[name])


st.title("Flat vs sharp minima")
st.markdown(
    "New data never look exactly like the training data, so the test loss is the train loss **moved a little**. "
    "A wide, flat minimum barely notices the move; a narrow, sharp one is left high on a wall."
)
st.latex(r"L_{\text{test}}(w) = L_{\text{train}}(w - d)")
# Two lines: on one, the formula was wider than a phone's column and was cut off.
st.latex(r"\begin{aligned} \text{gap}(w^*) &= L_{\text{test}}(w^*) - L_{\text{train}}(w^*) \\ "
         r"&\approx \tfrac12\, d^{\top} \nabla^2 L_{\text{train}}(w^*)\, d \end{aligned}")

controls, cut, plane = st.columns([0.95, 1.35, 1.35], gap="medium")
with controls:
    st.markdown("**Presets**")
    P.preset_buttons(lesson.PRESETS, apply_preset)
    shift = P.select_slider("shift", "How far the test loss is moved: d", lesson.SHIFTS, value=D["shift"],
                            format_func=lambda v: f"{v:g}")
with cut:
    show(slice_chart(shift))
with plane:
    show(stack(plane_base(), *plane_marks(shift)))
    st.caption("The red line is the cut drawn beside; the arrow is the move d that turns the train loss into the "
               "test loss.")

st.subheader("Small batches rarely stay in a sharp minimum")
st.markdown(
    f"The train loss is the mean of {lesson.N_SAMPLES} sample losses, each the same landscape moved by its own small "
    f"offset, so a mini-batch's gradient is the full gradient plus noise, and the noise is strongest in the sharp "
    f"valley. Here {lesson.RUNS} runs take {lesson.STEPS} updates each, once with a small and once with a large "
    "batch, each run with its own random sample order."
)
controls2, view = st.columns([1, 2.2], gap="medium")
with controls2:
    where = P.radio("starts", "Where the runs start", list(lesson.STARTS), value=D["starts"])
    lr = P.select_slider("lr", "Learning rate η", lesson.LRS, value=D["lr"], format_func=lambda v: f"{v:g}")
    small = P.select_slider("small", "Small batch size", lesson.SMALL, value=D["small"])
    large = P.select_slider("large", f"Large batch size ({lesson.N_SAMPLES} = all samples)", lesson.LARGE,
                            value=D["large"])
    flat_bound, sharp_bound = lesson.bounds()
    st.caption(f"Full-batch gradient descent can stay in the sharp minimum while η < 2/λ_max = "
               f"{charts.plain(sharp_bound)} there (in the flat one up to {charts.plain(flat_bound)}).")

g = gaps(shift)
small_ends, large_ends = ends(lr, small, where), ends(lr, large, where)
facts = lesson.facts(g, small_ends, large_ends, lr, where, small, large)
told = lesson.story(facts)

with controls:
    P.preset_note(lesson.PRESETS, {"shift": shift, "starts": where, "lr": lr, "small": small, "large": large},
                  lesson.PRESET_NOTES)
    getattr(st, told.gap[0])(told.gap[1])

with view:
    show(shares_chart(facts.small, facts.large, tuple(map(int, facts.small_counts)), tuple(map(int, facts.large_counts))))
    getattr(st, told.batch[0])(told.batch[1])
    if told.batch_note:
        st.caption(told.batch_note)

left, right = st.columns(2, gap="medium")
with left:
    show(ends_map(lr, small, where, BATCH_COLORS[0]))
with right:
    show(ends_map(lr, large, where, BATCH_COLORS[1]))
st.caption("Each dot is where one run ended; the text beside each diamond counts the runs that ended within "
           f"{lesson.RADIUS:g} of it.")

numbers, shown = on_request("The numbers behind the gap", P.key("numbers"))
with numbers:
    if shown:
        numbers_table(gap_table(g))
        if told.gap_note:
            st.caption(told.gap_note)
        st.caption(
            "Curvature: the second derivative of the train loss along the shift. The estimate treats each valley as a "
            "perfect bowl, which holds while d is small next to the valley's width. The sharp valley is also shallower "
            f"than the flat one: the train loss averages {lesson.N_SAMPLES} copies of the landscape, each moved a little, "
            "and that smears a narrow dip."
        )

with st.expander("Why this matters for real networks"):
    st.markdown(
        "A network has many minima that fit the training data about equally well, and they differ in width. "
        "A wide one keeps its low loss when the data change a little, as between the training set and the data "
        "the model meets later, so models that end in wide minima tend to do better on new data. Training with "
        "small batches favours those minima for free, because its noise is largest exactly where a minimum is "
        "narrow. Large batches compute each step more precisely and more efficiently on parallel hardware, but "
        "they lose some of this push towards flat ground."
    )
