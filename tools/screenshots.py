"""Take a screenshot of every page in headless Chromium: docs/screenshots/<url_path>.png.

    python -m tools.screenshots            # every page
    python -m tools.screenshots gradient-descent "gradient-descent?lr=0.5"

Each screenshot waits on the app's state (script idle, charts drawn), never on a sleep.
"""

from __future__ import annotations

import sys

from tools.browser import ROOT, chromium_page, open_and_wait, serve_app
from ui.course import LESSONS

OUT = ROOT / "docs" / "screenshots"


def main(targets):
    OUT.mkdir(parents=True, exist_ok=True)
    targets = targets or [""] + [lesson.url_path for lesson in LESSONS]
    # Streamlit scrolls inside its own container, so a tall viewport is what shows a whole page.
    with serve_app() as url, chromium_page(height=2200) as page:
        # The home page first: its screenshot is the first target, and it warms the server's imports.
        open_and_wait(page, url)
        for target in targets:
            open_and_wait(page, f"{url}/{target}")
            if target:
                page.wait_for_selector("[data-testid='stVegaLiteChart'] canvas, [data-testid='stVegaLiteChart'] svg", timeout=60_000)
            name = (target.split("?")[0] or "home") + ("-" + target.split("?")[1].replace("=", "_").replace("&", "-") if "?" in target else "")
            path = OUT / f"{name}.png"
            page.screenshot(path=str(path), full_page=True)
            print(path)


if __name__ == "__main__":
    main(sys.argv[1:])
