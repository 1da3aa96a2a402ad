"""Entry point of the course: one page per idea, grouped as the article builds them up."""

import importlib
import threading
from pathlib import Path

import streamlit as st

from ui.course import LESSONS

# A local file: a Material icon as the favicon would be fetched from Google's font server.
ICON = Path(__file__).parent / "ui" / "favicon.png"
st.set_page_config(page_title="Gradient descent, seen", page_icon=str(ICON), layout="wide")

# What every lesson imports and the home page does not: pandas and Altair take about a second.
WARM_UP = ("pandas", "altair", "gdcore.charts", "ui.show")


@st.cache_resource(show_spinner=False)
def warm_up():
    """Import the lessons' libraries once per server, in the background: the first student reads the
    home page while they load, instead of waiting for them under the first lesson's chart. A page that
    imports one of them meanwhile waits for it (Python locks each module while it loads)."""
    thread = threading.Thread(target=lambda: [importlib.import_module(name) for name in WARM_UP],
                              name="warm-up", daemon=True)
    thread.start()
    return thread


warm_up()

pages = {"Start here": [st.Page("app_pages/home.py", title="About this course", icon=":material/explore:", default=True)]}
for lesson in LESSONS:
    pages.setdefault(lesson.section, []).append(
        st.Page(lesson.file, title=lesson.title, icon=lesson.icon, url_path=lesson.url_path)
    )

st.navigation(pages).run()
