"""Entry point of the course: one page per idea, grouped as the article builds them up."""

import streamlit as st

from ui.course import LESSONS

st.set_page_config(page_title="Gradient descent, seen", page_icon=":material/landscape:", layout="wide")

pages = {"Start here": [st.Page("pages/home.py", title="About this course", icon=":material/explore:", default=True)]}
for lesson in LESSONS:
    pages.setdefault(lesson.section, []).append(
        st.Page(lesson.file, title=lesson.title, icon=lesson.icon, url_path=lesson.url_path)
    )

st.navigation(pages).run()
