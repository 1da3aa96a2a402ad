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
