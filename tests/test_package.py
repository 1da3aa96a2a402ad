"""The public API of DESIGN.md resolves, and importing it costs numpy alone."""

import subprocess
import sys

import gdcore as gd


def test_every_public_name_resolves():
    for name in gd.__all__:
        assert getattr(gd, name) is not None, name
    assert callable(gd.swa) and callable(gd.descend) and callable(gd.basins) and callable(gd.classify)


def test_the_core_imports_numpy_only():
    code = (
        "import sys, gdcore as gd\n"
        "for name in gd.__all__:\n"
        "    if name != 'charts':\n"
        "        getattr(gd, name)\n"
        "gd.descend(gd.surfaces.get('bowl'), gd.Adam(lr=0.1), (1.0, 1.0), 5).losses\n"
        "heavy = [m for m in ('pandas', 'altair', 'contourpy', 'streamlit', 'scipy') if m in sys.modules]\n"
        "print(','.join(heavy))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == ""


def test_the_pinned_versions_satisfy_the_bounds_and_the_app_is_configured_for_a_class():
    """constraints.txt (the versions CI ran) lies inside requirements.txt's bounds, and the app's
    config hides the Deploy button and sends no usage statistics."""
    import tomllib
    from pathlib import Path

    from packaging.requirements import Requirement

    root = Path(__file__).resolve().parents[1]
    pins = {}
    for line in (root / "constraints.txt").read_text().splitlines():
        name, _, version = line.partition("==")
        pins[name.strip().lower()] = version.strip()
    for line in (root / "requirements.txt").read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            req = Requirement(line)
            assert req.specifier.contains(pins[req.name.lower()]), (line, pins[req.name.lower()])
            assert any(spec.operator == "<" for spec in req.specifier), f"{line}: no upper bound"
    config = tomllib.loads((root / ".streamlit" / "config.toml").read_text())
    assert config["client"]["toolbarMode"] in ("viewer", "minimal")
    assert config["browser"]["gatherUsageStats"] is False
