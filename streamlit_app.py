"""Entry point of the course: one page per idea, grouped as the article builds them up."""

from pathlib import Path

import streamlit as st

from ui.course import LESSONS

# A local file: a Material icon as the favicon would be fetched from Google's font server.
ICON = Path(__file__).parent / "ui" / "favicon.png"
st.set_page_config(page_title="Gradient descent, seen", page_icon=str(ICON), layout="wide")

pages = {"Start here": [st.Page("app_pages/home.py", title="About this course", icon=":material/explore:", default=True)]}
for lesson in LESSONS:
    pages.setdefault(lesson.section, []).append(
        st.Page(lesson.file, title=lesson.title, icon=lesson.icon, url_path=lesson.url_path)
    )

st.navigation(pages).run()
