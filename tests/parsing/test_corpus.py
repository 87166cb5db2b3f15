"""The held-out corpus (tests/parsing/corpus/) must meet the parser's accuracy targets.

Scoring is the code of scripts/score_parser.py (loaded from the file, not copied).
"""

import importlib.util
import io
from contextlib import redirect_stdout
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CORPUS = Path(__file__).resolve().parent / "corpus"


def _scorer():
    spec = importlib.util.spec_from_file_location("score_parser", ROOT / "scripts" / "score_parser.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_corpus_is_big_enough_and_varied():
    golds = sorted((CORPUS / "gold").glob("*.json"))
    assert len(golds) >= 8
    docs = [p for p in CORPUS.iterdir() if p.is_file()]
    assert {p.suffix for p in docs} >= {".txt", ".docx", ".xlsx", ".pdf"}


@pytest.fixture(scope="module")
def figures():
    scorer = _scorer()
    log = io.StringIO()
    with redirect_stdout(log):
        figs = scorer.score_set(CORPUS / "gold", CORPUS, verbose=True)
    return figs, log.getvalue(), scorer.TARGETS


@pytest.mark.parametrize("name", ["task_f1", "lead_acc", "deadline_f1", "target_f1"])
def test_corpus_meets_target(figures, name):
    figs, log, targets = figures
    assert figs[name] >= targets[name], f"{name} {figs[name]:.3f} < {targets[name]}\n{log}"
