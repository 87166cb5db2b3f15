"""Every workbook prints as an office prints it, checked on LibreOffice's PDF of it (pdfplumber).

A4 landscape, one page wide (so a few pages, not four columns a page), the head of the table on
every page, "第 1 页 共 N 页" in the footer, and no line of text drawn over another: rows are as
tall as their wrapped text. Needs LibreOffice (tests/libreoffice.py: skipped locally without it,
failed in CI).
"""

import datetime
import io
import re

import pdfplumber
import pytest
from django.utils import translation

from tasks.workbooks import printing
from tasks.workbooks.department_report import DepartmentRow, TargetCell, build_department_workbook
from tasks.workbooks.ledger import (
    DepartmentFigures,
    LedgerRow,
    Ranking,
    ReportTimeliness,
    build_ledger_workbook,
)
from tasks.workbooks.ledger_changes import ChangedRow, LateRow, LedgerChanges
from tasks.workbooks.task_list import TaskRow, build_task_list_workbook

pytestmark = pytest.mark.libreoffice

A4_LANDSCAPE = (842, 595)
GENERATED_AT = datetime.datetime(2026, 6, 1, 9, 30)
DOCUMENT = "郑州市人民政府办公厅关于印发郑州市2026年深化医药卫生体制改革重点工作任务的通知"
TASK_TEXT = "全面推进按疾病诊断相关分组（DRG）和按病种分值（DIP）付费改革，实现统筹地区、医疗机构、病种、医保基金全覆盖；"
PROGRESS = "已完成全市二级以上医疗机构DRG/DIP付费改革调研，形成初步方案并报市政府审定。"


def long_text(n: int, text: str) -> str:
    return text * (1 + n % 4)


def task_rows(count: int = 40) -> list[TaskRow]:
    return [
        TaskRow(
            document_title=DOCUMENT,
            doc_number="郑政办〔2026〕12号",
            label=f"（{n}）",
            section="深化医保支付方式改革",
            text=long_text(n, TASK_TEXT),
            lead_departments=("郑州市医疗保障局", "郑州市卫生健康委员会"),
            cooperating_departments=("郑州市财政局", "郑州市人力资源和社会保障局"),
            time_limit="2026年6月底前；长期坚持",
            due_on=datetime.date(2026, 6, 30),
            status="推进中",
            progress=45,
            light="red" if n % 5 == 0 else "green",
            light_text="红：已逾期 3 天" if n % 5 == 0 else "绿：按计划推进",
            latest_progress="\n".join(f"2026-05-{10 + line}：{PROGRESS}" for line in range(n % 3 + 1)),
        )
        for n in range(1, count + 1)
    ]


def ledger_rows(count: int = 40) -> list[LedgerRow]:
    return [
        LedgerRow(
            task_id=n,
            document_title=DOCUMENT,
            doc_number="郑政办〔2026〕12号",
            label=f"（{n}）",
            text=long_text(n, TASK_TEXT),
            lead_departments=("郑州市医疗保障局",),
            cooperating_departments=("郑州市卫生健康委员会", "郑州市财政局"),
            time_limit="2026年6月底前",
            due_on=datetime.date(2026, 6, 30),
            status="推进中",
            progress=60,
            overdue=n % 4 == 0,
            latest_progress_on=datetime.date(2026, 5, 20),
            latest_progress=long_text(n + 1, PROGRESS),
            evidence_count=n % 3,
            targets="DRG/DIP付费医疗机构覆盖率 ≥ 90%，最新 85%；病种数 ≥ 100 个，最新 87 个",
            updated_at=datetime.datetime(2026, 5, 21, 9, 30),
            instructions="2026-05-25 市长：加快推进，确保按期完成。\n↳ 2026-05-27 郑州市医疗保障局：已部署。",
        )
        for n in range(1, count + 1)
    ]


def ranking(count: int = 30) -> Ranking:
    figures = [
        DepartmentFigures(
            department=f"郑州市第{n}人民医院医疗保障和卫生健康工作领导小组办公室",
            region="郑州市金水区",
            lead_tasks=10 + n,
            all_tasks=20 + n,
            completed=n % 10,
            completed_with_due=n % 10,
            completed_on_time=n % 7 % (n % 10 + 1),
            overdue=n % 4,
            report=list(ReportTimeliness)[n % 3],
            report_submitted_on=datetime.date(2026, 6, 5) if n % 3 != 2 else None,
        )
        for n in range(1, count + 1)
    ]
    return Ranking(period="2026-05", report_due_on=datetime.date(2026, 6, 5), departments=figures)


def task_list_workbook() -> bytes:
    with translation.override("zh-hans"):
        return build_task_list_workbook(
            task_rows(), title="郑州市深化医改任务清单", generated_at=GENERATED_AT
        )


def ledger_workbook(changes: LedgerChanges | None = None) -> bytes:
    with translation.override("zh-hans"):
        rows = ledger_rows()
        return build_ledger_workbook(
            rows,
            ranking(),
            region="郑州市",
            day=datetime.date(2026, 6, 1),
            generated_at=GENERATED_AT,
            count=len(rows),
            changes=changes,
        )


def ledger_changes(count: int = 45) -> LedgerChanges:
    """What changed in May: `count` tasks of long text with progress changed, a third of them completed."""
    changed = [
        ChangedRow(
            label=f"（{n}）",
            text=long_text(n, TASK_TEXT),
            lead_departments=("郑州市医疗保障局", "郑州市卫生健康委员会"),
            status_before="推进中",
            status_after="已完成" if n % 3 == 0 else "推进中",
            percent_before=40,
            percent_after=100 if n % 3 == 0 else 60,
            due_on=datetime.date(2026, 6, 30),
        )
        for n in range(1, count + 1)
    ]
    return LedgerChanges(
        period="2026-05",
        previous_period="2026-04",
        sections=[
            ("新完成", [row for row in changed if row.status_after == "已完成"]),
            ("进度变化", changed),
        ],
        late=[
            LateRow("郑州市财政局", "未报送", None),
            LateRow("郑州市民政局", "逾期报送", datetime.date(2026, 6, 9)),
        ],
    )


def department_workbook() -> bytes:
    rows = [
        DepartmentRow(
            task_id=n,
            document_title=DOCUMENT,
            doc_number="郑政办〔2026〕12号",
            label=f"（{n}）",
            text=long_text(n, TASK_TEXT),
            role="牵头",
            time_limit="2026年6月底前",
            due_on=datetime.date(2026, 6, 30),
            targets=(
                TargetCell(target_id=2 * n, text="DRG/DIP付费医疗机构覆盖率 ≥ 90%", latest_actual=None),
                TargetCell(target_id=2 * n + 1, text="病种数 ≥ 100 个", latest_actual=87, unit="个"),
            ),
            latest_progress_on=datetime.date(2026, 5, 20),
            latest_narrative=long_text(n + 2, PROGRESS),
            status="推进中",
            progress=45,
            overdue=n % 5 == 0,
        )
        for n in range(1, 31)
    ]
    out = io.BytesIO()
    with translation.override("zh-hans"):
        build_department_workbook(
            rows,
            out,
            department="郑州市医疗保障局",
            period_label="2026年5月",
            due_on=datetime.date(2026, 6, 5),
            status_labels=["未启动", "推进中", "已完成"],
            target_slots=2,
            identifier="department-report:1",
        )
    return out.getvalue()


# Reading the PDF ----------------------------------------------------------------------------------


def pages(pdf: bytes) -> list:
    return list(pdfplumber.open(io.BytesIO(pdf)).pages)


def text(page) -> str:
    """The page's text without spaces or line breaks (a wrapped header reads as one word)."""
    return re.sub(r"\s+", "", page.extract_text())


def footer(page) -> tuple[int, int]:
    """(page, of pages) as the footer prints them."""
    match = re.search(r"第(\d+)页共(\d+)页", text(page))
    assert match, f"no page footer on page {page.page_number}"
    return int(match.group(1)), int(match.group(2))


def overlapping_lines(page) -> list[tuple[str, str]]:
    """Pairs of words on different lines whose boxes overlap: text drawn over text.

    Words on one line share their top; words of the next line of the same cell start below the
    previous line's bottom. A row too short for its wrapped text draws its lines over the rows below.
    """
    words = sorted(page.extract_words(), key=lambda word: word["top"])
    found = []
    for index, word in enumerate(words):
        for other in words[index + 1 :]:
            if other["top"] >= word["bottom"] - 0.5:
                break
            same_line = abs(other["top"] - word["top"]) < 1
            side_by_side = min(word["x1"], other["x1"]) - max(word["x0"], other["x0"]) <= 0.5
            if not same_line and not side_by_side:
                found.append((word["text"], other["text"]))
    return found


def assert_prints_well(sheet_pages: list, headers: tuple[str, str], *, most_pages: int) -> None:
    """Landscape A4, the first and last column headers on every page, every column within the page,
    at most `most_pages` pages numbered in the footer, and no text over other text."""
    assert 1 <= len(sheet_pages) <= most_pages, f"{len(sheet_pages)} pages"
    for page in sheet_pages:
        assert (round(page.width), round(page.height)) == A4_LANDSCAPE
        page_text = text(page)
        for header in headers:
            assert header in page_text, f"{header} missing on page {page.page_number}"
        assert max(char["x1"] for char in page.chars) <= page.width
        assert overlapping_lines(page) == [], f"text over text on page {page.page_number}"


def test_the_task_list_prints_one_page_wide_with_its_header_on_every_page(libreoffice_pdf):
    printed = pages(libreoffice_pdf(task_list_workbook()))
    # 40 tasks of long text: a few pages, not four columns a page (which took eight).
    assert_prints_well(printed, ("序号", "最新进展"), most_pages=6)
    assert [footer(page) for page in printed] == [(n, len(printed)) for n in range(1, len(printed) + 1)]
    assert "郑州市深化医改任务清单" in text(printed[-1])


def test_the_ledger_and_ranking_print_one_page_wide(libreoffice_pdf):
    printed = pages(libreoffice_pdf(ledger_workbook()))
    ledger = [page for page in printed if "任务编号" in text(page)]
    ranked = [page for page in printed if "排名" in text(page) and page not in ledger]
    assert ledger
    assert ranked
    assert len(ledger) + len(ranked) == len(printed)
    assert_prints_well(ledger, ("任务编号", "领导批示"), most_pages=6)
    assert_prints_well(ranked, ("排名", "报表报送日期"), most_pages=3)
    assert footer(ledger[0])[0] == 1
    # The definitions under the ranking print too, after the last department.
    assert "排名：先按完成率" in text(ranked[-1])


def test_the_department_report_and_its_notes_print_one_page_wide(libreoffice_pdf):
    printed = pages(libreoffice_pdf(department_workbook()))
    report = [page for page in printed if "指标②实际值" in text(page)]
    notes = [page for page in printed if page not in report]
    assert report
    assert notes
    assert_prints_well(report, ("任务编号", "指标②实际值"), most_pages=6)
    assert "填报说明" in text(notes[0])
    for page in notes:
        assert (round(page.width), round(page.height)) == A4_LANDSCAPE
        assert overlapping_lines(page) == []
    assert footer(report[0])[0] == 1


def test_without_row_heights_the_check_sees_text_over_text(libreoffice_pdf, monkeypatch):
    """The overlap check can fail: rows left one line tall print their wrapped text over the next."""
    monkeypatch.setattr(printing, "lines_height", lambda lines: None)
    printed = pages(libreoffice_pdf(task_list_workbook()))
    assert any(overlapping_lines(page) for page in printed)


def test_the_as_of_ledgers_sheet_of_changes_prints_one_page_wide(libreoffice_pdf):
    printed = pages(libreoffice_pdf(ledger_workbook(ledger_changes())))
    changes = [page for page in printed if "变化情况" in text(page)]
    assert changes
    # 62 rows of long text on a sheet narrower than the ledger (so less scaled down): about five a page.
    assert_prints_well(changes, ("任务内容或部门", "牵头部门"), most_pages=14)
    assert "郑州市台账2026-05变化情况" in text(changes[0])
    # The late departments close the sheet.
    assert "郑州市民政局" in text(changes[-1])
