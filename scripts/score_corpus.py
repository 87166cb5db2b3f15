#!/usr/bin/env python
"""Score tasks.parsing on the held-out corpus only (tests/parsing/corpus/gold/).

Same scoring code as scripts/score_parser.py (imported, not copied).
Usage: .venv/bin/python scripts/score_corpus.py [--verbose]
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import score_parser  # noqa: E402

if __name__ == "__main__":
    sys.argv.append("--corpus-only")
    sys.exit(score_parser.main())
