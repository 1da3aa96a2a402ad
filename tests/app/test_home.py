from pathlib import Path

from streamlit.testing.v1 import AppTest

from ui.course import LESSONS

ROOT = Path(__file__).resolve().parents[2]


def test_entry_point_opens_on_the_home_page_listing_every_lesson():
    at = AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=60).run()
    assert not at.exception
    assert at.title[0].value == "Gradient descent, seen"
    text = " ".join(str(getattr(e, "value", "")) for e in at.markdown)
    assert "two weights" in text


def test_every_lesson_file_exists():
    for lesson in LESSONS:
        assert (ROOT / lesson.file).is_file(), lesson.file
