"""Configuration shared by the whole test suite.

Helpers that test modules import (data sets with known answers, Hypothesis
strategies of random landscapes) live in ``shared.py`` beside this file; this
folder is put on ``sys.path`` so that every test module, at any depth, can
``from shared import ...``.
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
