"""Measure what a student sees first: where the main chart starts, sideways scroll, Vega warnings.

    python -m tools.layout                  # every page at 1400x1000 and 400x900
    python -m tools.layout --shots DIR      # also save a screenshot of each view into DIR

Used by the browser tests (tests/e2e/test_layout.py), which assert the page
conventions of DESIGN.md from these numbers; every wait is on the app's state.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from tools.browser import chromium, chromium_page, open_and_wait, serve_app

CHART = "[data-testid='stVegaLiteChart']"
DRAWN = f"{CHART} canvas, {CHART} svg.marks"

# The measurement runs in the page: the first chart's top in the scroll container's
# coordinates (the app scrolls inside its own container, not the window), and how far
# the page or that container scrolls sideways.
_MEASURE = """() => {
    const main = document.querySelector("[data-testid='stMain']") || document.scrollingElement;
    const chart = document.querySelector("[data-testid='stVegaLiteChart']");
    const top = chart ? chart.getBoundingClientRect().top + (main.scrollTop || 0) : null;
    const scrollers = [document.scrollingElement, main].map(e => e.scrollWidth - e.clientWidth);
    return {
        chart_top: top,
        overflow: Math.max(0, ...scrollers),
    };
}"""


def measure(page, url: str) -> dict:
    """Open ``url`` in ``page`` (a Playwright page) and measure it once it has drawn.

    Returns ``chart_top`` (px from the top of the page to the first chart),
    ``overflow`` (px the page scrolls sideways), ``console`` (warnings and errors
    the browser logged), ``vega_warnings`` (those from Vega), ``outside`` (requests
    to any server but the app's) and ``exceptions`` (Streamlit exception boxes).
    """
    messages, outside = [], []
    origin = "/".join(url.split("/")[:3])

    def keep(msg):
        if msg.type in ("warning", "error"):
            messages.append(f"{msg.type}: {msg.text}")

    def request(req):
        if not req.url.startswith((origin, "data:", "blob:")):
            outside.append(req.url)

    page.on("console", keep)
    page.on("request", request)
    try:
        open_and_wait(page, url)
        page.wait_for_selector(f"{DRAWN}, [data-testid='stException']", timeout=60_000)
        result = page.evaluate(_MEASURE)
    finally:
        page.remove_listener("console", keep)
        page.remove_listener("request", request)
    result["console"] = messages
    result["vega_warnings"] = [m for m in messages if "WARN" in m or "vega" in m.lower()]
    result["outside"] = outside
    result["exceptions"] = page.locator("[data-testid='stException']").count()
    return result


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("targets", nargs="*")
    parser.add_argument("--shots", type=Path)
    args = parser.parse_args()
    from ui.course import LESSONS

    targets = args.targets or [lesson.url_path for lesson in LESSONS]
    with serve_app() as url, chromium() as browser:
        for width, height in ((1400, 1000), (400, 900)):
            with chromium_page(width, height, browser) as page:
                open_and_wait(page, url)
                for target in targets:
                    result = measure(page, f"{url}/{target}")
                    print(f"{width}x{height} {target}: " + json.dumps(result))
                    if args.shots:
                        args.shots.mkdir(parents=True, exist_ok=True)
                        name = target.replace("?", "_").replace("&", "_").replace("=", "-")
                        page.screenshot(path=str(args.shots / f"{name}-{width}.png"))


if __name__ == "__main__":
    main()
