"""A preset's caption names the preset while the view is its own, and goes when a widget moves.

Every page that captions its presets does it through ``Params.preset_note``: a preset is
matched on the widgets' values, so the caption never names a preset the view has left.
"""

from __future__ import annotations

import pytest

from tests.app.harness import ROOT, first_slider, fresh, step
from ui.course import LESSONS

CAPTIONED = [lesson for lesson in LESSONS if "P.preset_note(" in (ROOT / lesson.file).read_text()]


def named(at):
    return [c.value for c in at.caption if c.value.startswith("Preset **")]


def test_every_page_with_preset_captions_is_checked():
    assert len(CAPTIONED) >= 8, [lesson.url_path for lesson in CAPTIONED]


@pytest.mark.parametrize("lesson", CAPTIONED, ids=[lesson.url_path for lesson in CAPTIONED])
def test_a_preset_is_named_while_the_view_is_its_own(lesson):
    page = fresh(lesson.file)
    buttons = [b for b in page.button if ".preset." in (b.key or "")]
    assert buttons
    for button in buttons:
        at = fresh(lesson.file)
        at.button(key=button.key).click().run()
        assert not at.exception, (button.label, at.exception)
        assert [c.split("**")[1] for c in named(at)] == [button.label], (button.label, named(at))
        if step(at, first_slider(at)) is False:
            continue
        assert not at.exception, (button.label, at.exception)
        assert not any(f"**{button.label}**" in c for c in named(at)), (lesson.url_path, button.label, named(at))
