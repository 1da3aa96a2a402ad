"""Draw a gdcore chart in Streamlit at the size it asks for."""

import altair as alt
import streamlit as st

# Streamlit's default autosize ("fit") shrinks the plot until axes, legend and title fit
# the given size; "pad" keeps the plot at its width/height and adds them around it, so a
# weight plane stays square. Autosize is only allowed on the outermost chart, hence here.
PAD = alt.AutoSizeParams(type="pad")


def show(chart):
    """``st.altair_chart`` at the chart's own size (plot area = its width x height)."""
    st.altair_chart(chart.properties(autosize=PAD), width="content")
