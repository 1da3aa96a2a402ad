import os

import pytest

from tools.browser import chromium, chromium_page, chromium_path, open_and_wait, serve_app


@pytest.fixture(scope="session")
def app_url():
    if chromium_path() is None:
        message = "browser tests need Chromium: apt-get install -y chromium"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    with serve_app() as url:
        yield url


@pytest.fixture(scope="session")
def browser(app_url):
    with chromium() as browser:
        yield browser


@pytest.fixture(scope="session")
def browser_page(app_url, browser):
    with chromium_page(browser=browser) as page:
        # The session starts where a student's usually does, on the home page.
        open_and_wait(page, app_url)
        yield page


@pytest.fixture(scope="session")
def phone_page(app_url, browser):
    """A 400x900 viewport, as a phone held upright."""
    with chromium_page(width=400, height=900, browser=browser) as page:
        open_and_wait(page, app_url)
        yield page
