"""Every page in real headless Chromium: it loads, draws a chart, shows no exception box."""

import pytest

from tools.browser import chromium_page, open_and_wait, serve_app
from ui.course import LESSONS

CHART = "[data-testid='stVegaLiteChart']"
DRAWN = f"{CHART} canvas, {CHART} svg.marks"


def test_home_lists_every_page(app_url, browser_page):
    open_and_wait(browser_page, app_url)
    assert browser_page.locator("[data-testid='stException']").count() == 0
    for lesson in LESSONS:
        assert browser_page.get_by_text(lesson.title).count() >= 1


@pytest.mark.parametrize("lesson", LESSONS, ids=[lesson.url_path for lesson in LESSONS])
def test_page_draws_a_chart(app_url, browser_page, lesson):
    open_and_wait(browser_page, f"{app_url}/{lesson.url_path}")
    browser_page.wait_for_selector(DRAWN, timeout=60_000)
    assert browser_page.locator(CHART).count() >= 1
    assert browser_page.locator("[data-testid='stException']").count() == 0


def test_a_divergent_preset_is_explained_and_still_drawn(app_url, browser_page):
    open_and_wait(browser_page, f"{app_url}/gradient-descent")
    browser_page.get_by_role("button", name="Diverges").click()
    browser_page.get_by_text("Diverged", exact=False).first.wait_for(timeout=60_000)
    # The preset's state lives in the link: opening that link anew shows the same divergent run.
    assert "lr=" in browser_page.url and "surface=ravine" in browser_page.url
    open_and_wait(browser_page, browser_page.url)
    browser_page.get_by_text("Diverged", exact=False).first.wait_for(timeout=60_000)
    browser_page.wait_for_selector(DRAWN, timeout=60_000)
    assert browser_page.locator("[data-testid='stException']").count() == 0


@pytest.mark.parametrize("path, label, content", [
    ("weight-averaging", "The numbers: every saved point and the average", "[data-testid='stDataFrame']"),
    ("flat-vs-sharp", "The numbers behind the gap", "[data-testid='stDataFrame']"),
    ("convergence", "The same runs in your own notebook", "[data-testid='stCode']"),
])
def test_an_expander_draws_its_contents_once_opened(app_url, browser_page, path, label, content):
    """Tables and code are drawn when their expander opens (a folded grid still cost every move its redraw)."""
    open_and_wait(browser_page, f"{app_url}/{path}")
    browser_page.wait_for_selector(DRAWN, timeout=60_000)
    assert browser_page.locator(content).count() == 0
    browser_page.locator("[data-testid='stExpander'] summary", has_text=label).click()
    browser_page.wait_for_selector(content, timeout=60_000)
    assert browser_page.locator("[data-testid='stException']").count() == 0


def test_a_deep_link_can_be_the_first_visit_to_a_fresh_server(browser):
    """A teacher's link may be what wakes the app: its first visitor lands on the page, with no
    "Page not found" dialog (Streamlit showed one while the pages sat in a folder named pages/)."""
    with serve_app() as url, chromium_page(browser=browser) as page:
        open_and_wait(page, f"{url}/batch-size?lr=0.1")
        page.wait_for_selector(DRAWN, timeout=60_000)
        assert page.locator("text=Page not found").count() == 0
        assert page.get_by_role("heading", name="Batch size").count() >= 1
        assert "lr=0.1" in page.url
