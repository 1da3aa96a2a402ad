"""The README's homework examples run as written, and its Quick start is what CI runs."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")


def python_blocks():
    return re.findall(r"```python\n(.*?)```", README, flags=re.S)


def test_every_python_example_runs(capsys):
    blocks = python_blocks()
    assert blocks, "the README should show the homework API in python blocks"
    namespace = {}
    for block in blocks:
        exec(compile(block, "README.md", "exec"), namespace)  # noqa: S102 - our own README


def test_quick_start_is_two_commands_and_ci_runs_the_test_one():
    quick = README.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    commands = re.findall(r"```(?:bash|sh)\n(.*?)```", quick, flags=re.S)
    lines = [line for block in commands for line in block.strip().splitlines() if line and not line.startswith("#")]
    assert len(lines) == 2, lines
    assert "streamlit run streamlit_app.py" in lines[0]
    assert "pytest" in lines[1]
    assert lines[1] in (ROOT / ".ci" / "run").read_text(encoding="utf-8")
