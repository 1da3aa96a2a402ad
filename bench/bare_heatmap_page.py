"""The bare heatmap page the page bench compares against: one slider and one 100x100 landscape."""

import streamlit as st

import gdcore as gd
from gdcore import charts
from ui.show import show


@st.cache_data(max_entries=4, show_spinner=False)
def chart(name):
    return charts.landscape(gd.surfaces.get(name), resolution=100)


st.slider("value", 0, 100, 50, key="bare.value")
show(chart("himmelblau"))
