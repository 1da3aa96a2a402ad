"""Home: what the course is, and where each idea lives."""

import streamlit as st

from ui.course import LESSONS

st.title("Gradient descent, seen")
st.markdown(
    """
Training a neural network means searching for the weights that make its loss small.
This course shrinks the network to **two weights**, so the whole search fits on your screen:
every point of the plane is one choice of weights, and its colour is the loss there.
Each page takes one idea, lets you move the sliders, and shows the idea happen.

Everything you see is computed by **gdcore**, a small numpy library you can use in your own
notebook (`import gdcore as gd`). Its optimizers and learning-rate schedules give the same
numbers as PyTorch's, so what you learn here carries over to real training code.
"""
)
st.latex(r"w_{t+1} = w_t - \eta \, \nabla L(w_t)")
st.caption("The one rule behind every page: step against the gradient, scaled by the learning rate η.")

st.subheader("Where each idea lives")
section = None
for lesson in LESSONS:
    if lesson.section != section:
        section = lesson.section
        st.markdown(f"**{section}**")
    st.page_link(lesson.file, label=lesson.title, icon=lesson.icon)
    st.caption(lesson.idea)
