"""The page conventions a student sees, measured in headless Chromium (DESIGN.md, "Page conventions").

At 1400x1000 the first chart starts within the top 600 px; at 400x900 nothing scrolls
sideways; no page shows an exception box, logs a Vega warning or asks any server but
the app's own for anything (a class offline must see the same page).
"""

import pytest

from tools.layout import measure
from ui.course import LESSONS

FIRST_SCREEN = 600


_SEEN = {}


@pytest.fixture
def measured(app_url, browser_page, phone_page):
    """Each page measured once at each size (on first use), shared by the tests below."""

    def seen(path):
        if path not in _SEEN:
            _SEEN[path] = {
                "desktop": measure(browser_page, f"{app_url}/{path}"),
                "phone": measure(phone_page, f"{app_url}/{path}"),
            }
        return _SEEN[path]

    return seen


@pytest.mark.parametrize("path", [lesson.url_path for lesson in LESSONS])
def test_the_main_chart_is_on_the_first_screen(measured, path):
    top = measured(path)["desktop"]["chart_top"]
    assert top is not None and top <= FIRST_SCREEN, f"{path}: first chart at {top} px"


@pytest.mark.parametrize("path", [lesson.url_path for lesson in LESSONS])
def test_a_phone_never_scrolls_sideways(measured, path):
    assert measured(path)["phone"]["overflow"] == 0, measured(path)["phone"]


@pytest.mark.parametrize("path", [lesson.url_path for lesson in LESSONS])
def test_no_exception_no_vega_warning_no_outside_request(measured, path):
    for size, seen in measured(path).items():
        assert seen["exceptions"] == 0, (size, seen)
        assert seen["vega_warnings"] == [], (size, seen["vega_warnings"])
        assert seen["outside"] == [], (size, seen["outside"])
