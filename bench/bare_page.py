"""The bare page the browser bench compares against: one slider and a 2-point line chart."""

import altair as alt
import pandas as pd
import streamlit as st

value = st.slider("value", 0, 100, 50, key="bare.value")
data = pd.DataFrame({"x": [0, 1], "y": [0, value]})
st.altair_chart(alt.Chart(data).mark_line().encode(x="x:Q", y="y:Q"), width="stretch")
