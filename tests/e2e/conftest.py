import os

import pytest

from tools.browser import chromium_page, chromium_path, open_and_wait, serve_app


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
def browser_page(app_url):
    with chromium_page() as page:
        # A fresh server's first session may not know the page list yet: open the home page first.
        open_and_wait(page, app_url)
        yield page
