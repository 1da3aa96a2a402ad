"""No key press is lost: ten arrow presses made while the page reruns move a slider ten steps
(or as many as a short slider has)."""

import pytest

from tools.browser import open_and_wait, press_during_reruns
from ui.course import LESSONS

SLIDER = "[data-testid='stMain'] [data-testid='stSlider'] input[type='range']"


@pytest.mark.parametrize("lesson", LESSONS, ids=[lesson.url_path for lesson in LESSONS])
def test_ten_presses_during_reruns_move_the_first_slider_ten_steps(app_url, browser_page, lesson):
    page = browser_page
    open_and_wait(page, f"{app_url}/{lesson.url_path}")
    sliders = page.locator(SLIDER)
    # The visible slider (not in a closed expander) with the most room, ten steps when it has them.
    best = None
    for i in range(sliders.count()):
        low, now, high, step, shown = sliders.nth(i).evaluate(
            "e => [Number(e.min), Number(e.value), Number(e.max), Number(e.step) || 1,"
            " !(e.closest('details') && !e.closest('details').open)]")
        room = max((high - now) / step, (now - low) / step)
        if shown and (best is None or min(room, 10) > best[1]):
            best = (i, min(room, 10), now, step, (high - now) / step >= min(room, 10))
    assert best is not None and best[1] >= 3, f"{lesson.url_path}: no visible slider with room to move"
    i, presses, now, step, up = best
    presses = int(presses)
    slider = sliders.nth(i)
    key, sign = ("ArrowRight", 1) if up else ("ArrowLeft", -1)
    press_during_reruns(page, slider, key, presses)
    expected = now + sign * presses * step
    # The last presses may start one more rerun after the first idle moment: wait for the page to
    # settle on the value ten presses give (a lost press never gets there, and fails below).
    try:
        page.wait_for_function(
            f"""() => document.querySelector("[data-testid='stApp']").getAttribute('data-test-script-state') === 'notRunning'
                && Math.abs(Number(document.querySelectorAll("{SLIDER}")[{i}].value) - {expected}) < {step / 2}""",
            timeout=30_000,
        )
    except Exception:  # noqa: BLE001 - reported as the assertion below
        pass
    moved = round((slider.evaluate("e => Number(e.value)") - now) / step)
    assert moved == sign * presses, f"{lesson.url_path}: slider {i} moved {moved} steps for {presses} presses"
