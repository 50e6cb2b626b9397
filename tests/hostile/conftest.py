"""The adversarial suite's helpers (`limits.py` and any hostile servers beside it) are importable from its tests.

The live tests' raw-socket servers (`tests/live/live_servers.py`) are importable too, so a hostile
sandbox here is built the same way as there.
"""

from __future__ import annotations

import sys
from pathlib import Path

HERE = Path(__file__).parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent / "live"))
