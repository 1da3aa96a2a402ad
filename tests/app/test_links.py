"""Every page survives a mangled link: unknown values fall back to defaults, numbers are clamped."""

import pytest

from tests.app.harness import fresh, problems
from ui.course import LESSONS

GARBAGE = ["banana", "nan", "inf", "-1e300", "1e300", ""]


@pytest.mark.parametrize("lesson", LESSONS, ids=[lesson.url_path for lesson in LESSONS])
@pytest.mark.parametrize("junk", GARBAGE)
def test_a_mangled_link_still_draws_the_page(lesson, junk):
    names = list(fresh(lesson.file).query_params)
    assert names, f"{lesson.file} keeps no state in its link"
    at = fresh(lesson.file, {name: junk for name in names})
    assert problems(at) == []
