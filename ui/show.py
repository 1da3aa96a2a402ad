"""Draw a gdcore chart in Streamlit, as wide as the column it sits in."""

import functools

import altair as alt
import streamlit as st

# "fit-x" makes the whole chart (axes and legends included) exactly as wide as its column,
# so nothing reaches past a phone's screen, while the plot keeps the height the chart asks
# for. Autosize is only allowed on the outermost chart, hence here, not in gdcore.charts.
FIT_WIDTH = alt.AutoSizeParams(type="fit-x", contains="padding")


def show(chart):
    """``st.altair_chart`` at the width of its column and the chart's own height.

    One chart per call: a side-by-side pair (``a | b``) cannot follow the column's width,
    so pages put two charts in two ``st.columns`` instead (they stack on a phone).

    Altair's check of the whole Vega-Lite schema is skipped here: it costs about
    50 ms a chart on every rerun, most of a warm rerun. The tests validate every
    chart each page draws instead (tests/app/harness.py).
    """
    if isinstance(chart, (alt.HConcatChart, alt.VConcatChart, alt.ConcatChart)):
        raise TypeError("ui.show draws one chart: put side-by-side charts in st.columns")
    # In place, not .properties(): that deep-copies the whole chart. Cached charts come back
    # from st.cache_data as fresh copies, so nothing shared is changed.
    chart.autosize = FIT_WIDTH
    chart.width = "container"
    # Altair keeps ordinary attributes as spec properties; this must shadow the method instead.
    object.__setattr__(chart, "to_dict", functools.partial(chart.to_dict, validate=False))
    st.altair_chart(chart, width="stretch")
