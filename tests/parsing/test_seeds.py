"""Key facts of the five seed documents, checked against their gold annotations."""

import json
from datetime import date
from pathlib import Path

import pytest

from tasks.parsing import parse_document

SEEDS = Path(__file__).resolve().parents[2] / "fixtures" / "seeds"
GOLD = sorted((SEEDS / "gold").glob("*.json"))


def _load(gold_path: Path):
    gold = json.loads(gold_path.read_text(encoding="utf-8"))
    return gold, parse_document((SEEDS / gold["doc"]).read_bytes(), gold["doc"])


@pytest.mark.parametrize("gold_path", GOLD, ids=[p.stem[:3] for p in GOLD])
def test_header_and_task_count(gold_path):
    gold, doc = _load(gold_path)
    assert doc.title == gold["title"]
    assert doc.doc_number == gold["doc_number"]
    assert doc.issuer == gold["issuer"]
    assert doc.to_dict()["issued_on"] == gold["issued_on"]
    assert doc.region == gold["region"]
    assert len(doc.tasks) == len(gold["tasks"])
    assert [t.number for t in doc.tasks] == [t["number"] for t in gold["tasks"]]


@pytest.mark.parametrize("gold_path", GOLD, ids=[p.stem[:3] for p in GOLD])
def test_leads_and_deadline_phrases(gold_path):
    gold, doc = _load(gold_path)
    for want, got in zip(gold["tasks"], doc.tasks, strict=True):
        assert [a.text for a in got.lead] == want["lead"], want["first_chars"]
        assert sorted(d.text for d in got.deadlines) == sorted(want["deadlines"]), want["first_chars"]
        assert [c.text for c in got.collective] == want["collective"], want["first_chars"]


def _by_prefix(prefix: str):
    gold_path = next(p for p in GOLD if p.name.startswith(prefix))
    return _load(gold_path)


def test_relative_year_end_resolves_to_document_year():
    _gold, doc = _by_prefix("001")
    year_end = [d for t in doc.tasks for d in t.deadlines if d.text == "年底前"]
    assert len(year_end) == 4
    assert {d.date for d in year_end} == {date(2021, 12, 31)}


def test_attachment_table_deadlines():
    _gold, doc = _by_prefix("004")
    rows = [t for t in doc.tasks if t.number and t.number.startswith("附件")]
    assert len(rows) == 5
    assert rows[0].deadlines[0].text == "2018年7月底前完成"
    assert rows[0].deadlines[0].date == date(2018, 7, 31)
    assert rows[4].deadlines[0].kind == "relative"
    assert rows[4].deadlines[0].date is None
    assert [a.text for a in rows[2].lead] == ["省食品药品监管局"]


def test_change_target_keeps_baseline():
    _gold, doc = _by_prefix("000")
    targets = [x for t in doc.tasks for x in t.targets if "86元" in x.text]
    assert targets
    assert targets[0].op == "change"
    assert targets[0].baseline == 60
    assert targets[0].value == 86


def test_prefix_normalised_in_list():
    _gold, doc = _by_prefix("001")
    task = next(t for t in doc.tasks if t.number == "（二）")
    assert [a.normalized for a in task.co] == [
        "市卫生健康委",
        "市财政局",
        "市人力资源和社会保障局",
        "市市场监管局",
    ]
