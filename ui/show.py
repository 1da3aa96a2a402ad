"""Draw a gdcore chart in Streamlit at the size it asks for."""

import functools

import altair as alt
import streamlit as st

# Streamlit's default autosize ("fit") shrinks the plot until axes, legend and title fit
# the given size; "pad" keeps the plot at its width/height and adds them around it, so a
# weight plane stays square. Autosize is only allowed on the outermost chart, hence here.
PAD = alt.AutoSizeParams(type="pad")


def show(chart):
    """``st.altair_chart`` at the chart's own size (plot area = its width x height).

    Altair's check of the whole Vega-Lite schema is skipped here: it costs about
    50 ms a chart on every rerun, most of a warm rerun. The tests validate every
    chart each page draws instead (tests/app/harness.py).
    """
    # In place, not .properties(): that deep-copies the whole chart. Cached charts come back
    # from st.cache_data as fresh copies, so nothing shared is changed.
    chart.autosize = PAD
    # Altair keeps ordinary attributes as spec properties; this must shadow the method instead.
    object.__setattr__(chart, "to_dict", functools.partial(chart.to_dict, validate=False))
    st.altair_chart(chart, width="content")
