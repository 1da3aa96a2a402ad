import sys
from pathlib import Path

# The app's helpers (ui/, tools/) are imported from the repository root, as Streamlit does.
ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
