"""The task list exports as a workbook offices can sort, filter and print, and that runs no formula."""

import datetime
import io

import openpyxl
import pytest
from django.utils import translation

from tasks.ledger.rows import task_rows
from tasks.models import Assignment, Task, TaskStatus
from tasks.workbooks.task_list import FREEZE_AT, HEADER_ROW, TaskRow, build_task_list_workbook, safe_text
from tests.factories import (
    AssignmentFactory,
    DeadlineFactory,
    ProgressUpdateFactory,
    SubordinateGovernmentFactory,
    TaskFactory,
)

TODAY = datetime.date(2026, 6, 1)
GENERATED_AT = datetime.datetime(2026, 6, 1, 9, 30)
HEADERS = [
    "序号",
    "文件",
    "文号",
    "序号（原文）",
    "领域",
    "任务内容",
    "牵头部门",
    "配合部门",
    "完成时限",
    "截止日期",
    "状态",
    "进度",
    "信号灯",
    "最新进展",
]


def row(**overrides):
    values = {
        "document_title": "郑州市2026年深化医改重点工作任务",
        "doc_number": "郑医改〔2026〕1号",
        "label": "（一）",
        "section": "深化医保支付方式改革",
        "text": "全面推进DRG/DIP支付方式改革。",
        "lead_departments": ("郑州市医疗保障局",),
        "cooperating_departments": ("郑州市卫生健康委员会", "郑州市财政局"),
        "time_limit": "2026年6月底前",
        "due_on": datetime.date(2026, 6, 30),
        "status": "推进中",
        "progress": 45,
        "light": "green",
        "light_text": "绿：按计划推进",
        "latest_progress": "2026-05-20：已完成调研。",
    }
    return TaskRow(**{**values, **overrides})


def build(rows, title="郑州市深化医改任务台账"):
    with translation.override("zh-hans"):
        content = build_task_list_workbook(rows, title=title, generated_at=GENERATED_AT)
    return openpyxl.load_workbook(io.BytesIO(content)).active


# The pure builder -------------------------------------------------------------------------------


def test_title_row_and_chinese_header():
    sheet = build([row()])
    assert sheet["A1"].value == "郑州市深化医改任务台账"
    assert "2026-06-01 09:30" in sheet["A2"].value
    assert "1" in sheet["A2"].value
    assert [cell.value for cell in sheet[HEADER_ROW]] == HEADERS


def test_header_is_frozen_and_filterable():
    sheet = build([row(), row()])
    assert sheet.freeze_panes == FREEZE_AT == "A4"
    assert sheet.auto_filter.ref == "A3:N5"


def test_cells_have_real_types():
    sheet = build([row()])
    number, due, progress = sheet["A4"], sheet["J4"], sheet["L4"]
    assert number.value == 1
    assert due.is_date
    assert due.value.date() == datetime.date(2026, 6, 30)
    assert due.number_format == "yyyy-mm-dd"
    assert progress.data_type == "n"
    assert progress.value == pytest.approx(0.45)
    assert progress.number_format == "0%"
    assert sheet["G4"].value == "郑州市医疗保障局"
    assert sheet["H4"].value == "郑州市卫生健康委员会、郑州市财政局"


def test_a_task_without_a_due_date_has_an_empty_date_cell():
    sheet = build([row(due_on=None, light="grey", light_text="灰：无截止日期")])
    assert sheet["J4"].value is None
    assert sheet["M4"].value == "灰：无截止日期"


def test_columns_have_widths_and_long_text_wraps():
    sheet = build([row()])
    assert sheet.column_dimensions["F"].width == 50
    assert all(sheet.column_dimensions[letter].width for letter in "ABCDEFGHIJKLMN")
    assert sheet["F4"].alignment.wrap_text
    assert sheet["N4"].alignment.wrap_text


def test_the_light_cell_is_coloured():
    sheet = build([row(light="red", light_text="红：已逾期 3 天")])
    assert sheet["M4"].fill.fgColor.rgb.endswith("FFC7CE")


@pytest.mark.parametrize("dangerous", ["=1+1", "+86 371 1234", "-2%以内", "@SUM(A1)", "\t=1", "\r=1"])
def test_text_that_looks_like_a_formula_stays_text(dangerous):
    sheet = build([row(text=dangerous, latest_progress=dangerous)])
    for cell in (sheet["F4"], sheet["N4"]):
        assert cell.value == dangerous
        assert cell.data_type == "s"
        assert cell.quotePrefix


def test_a_formula_title_stays_text():
    sheet = build([row()], title='=HYPERLINK("http://example.com")')
    assert sheet["A1"].data_type == "s"


def test_ordinary_text_is_left_alone():
    sheet = build([row()])
    assert not sheet["F4"].quotePrefix
    assert safe_text("推进=改革") == ("推进=改革", False)


def test_control_characters_that_excel_refuses_are_dropped():
    sheet = build([row(text="推进\x0b改革\x00")])
    assert sheet["F4"].value == "推进改革"


def test_an_empty_list_is_still_a_workbook_with_a_header():
    sheet = build([])
    assert [cell.value for cell in sheet[HEADER_ROW]] == HEADERS
    assert sheet.max_row == HEADER_ROW


def test_english_headers_for_english_readers():
    with translation.override("en"):
        content = build_task_list_workbook([row()], title="Ledger", generated_at=GENERATED_AT)
    sheet = openpyxl.load_workbook(io.BytesIO(content)).active
    assert sheet["F3"].value == "Task text"


def test_a_thousand_rows():
    rows = [row(label=f"{n}.", text=f"第{n}项任务") for n in range(1, 1001)]
    sheet = build(rows)
    assert sheet.max_row == HEADER_ROW + 1000
    assert sheet.cell(HEADER_ROW + 1000, 1).value == 1000
    assert sheet.cell(HEADER_ROW + 1000, 6).value == "第1000项任务"
    assert sheet.auto_filter.ref == "A3:N1003"


# Rows from the database -------------------------------------------------------------------------


@pytest.fixture
def ledger(zhengzhou_document, zhengzhou_tasks, insurance_bureau):
    insurance_task, health_task, county_task = zhengzhou_tasks
    DeadlineFactory(task=insurance_task, due_on=datetime.date(2026, 5, 20), text="2026年5月20日前")
    DeadlineFactory(task=insurance_task, due_on=datetime.date(2026, 5, 31), text="2026年5月底前")
    ProgressUpdateFactory(task=insurance_task, department=insurance_bureau, narrative="启动调研。")
    ProgressUpdateFactory(task=insurance_task, department=insurance_bureau, narrative="已完成调研。")
    Task.objects.filter(pk=insurance_task.pk).update(status=TaskStatus.IN_PROGRESS, progress=60)
    return zhengzhou_tasks


def test_rows_carry_departments_deadlines_light_and_latest_progress(office, ledger):
    with translation.override("zh-hans"):
        rows = task_rows(Task.objects.visible_to(office), today=TODAY)
    first = rows[0]
    assert first.text == "全面推进DRG/DIP支付方式改革。"
    assert first.lead_departments == ("郑州市医疗保障局",)
    assert first.cooperating_departments == ("郑州市卫生健康委员会",)
    assert first.time_limit == "2026年5月20日前；2026年5月底前"
    assert first.due_on == datetime.date(2026, 5, 31)
    assert first.status == "推进中"
    assert first.progress == 60
    assert first.light == "red"
    assert first.light_text == "红：已逾期 1 天"
    assert first.latest_progress.endswith("：已完成调研。")
    assert rows[1].latest_progress == ""
    assert rows[1].light == "grey"


def test_rows_name_a_collective_assignee_once(office, zhengzhou_document, zhengzhou):
    task = TaskFactory(document=zhengzhou_document, position=9)
    for _ in range(3):
        AssignmentFactory(
            task=task,
            department=SubordinateGovernmentFactory(region=zhengzhou),
            role=Assignment.Role.LEAD,
            collective_text="各县（区）人民政府",
        )
    (task_row,) = task_rows(Task.objects.filter(pk=task.pk), today=TODAY)
    assert task_row.lead_departments == ("各县（区）人民政府",)


def test_rows_put_the_lead_before_the_co_lead(office, insurance_task, health_commission):
    Assignment.objects.filter(task=insurance_task, department=health_commission).update(
        role=Assignment.Role.CO_LEAD
    )
    Assignment.objects.filter(task=insurance_task).exclude(department=health_commission).update(
        role=Assignment.Role.LEAD
    )
    (task_row,) = task_rows(Task.objects.filter(pk=insurance_task.pk), today=TODAY)
    assert task_row.lead_departments == ("郑州市医疗保障局", "郑州市卫生健康委员会")
    assert task_row.cooperating_departments == ()


@pytest.mark.parametrize("count", [3, 30])
def test_rows_cost_the_same_queries_for_3_or_30_tasks(
    office, zhengzhou_document, insurance_bureau, health_commission, count, django_assert_num_queries
):
    for position in range(1, count + 1):
        task = TaskFactory(document=zhengzhou_document, position=position)
        AssignmentFactory(task=task, department=insurance_bureau, role=Assignment.Role.LEAD)
        AssignmentFactory(task=task, department=health_commission, role=Assignment.Role.COOPERATING)
        DeadlineFactory(task=task)
        DeadlineFactory(task=task, due_on=datetime.date(2026, 12, 31), text="2026年底前")
        ProgressUpdateFactory(task=task, department=insurance_bureau)
        ProgressUpdateFactory(task=task, department=insurance_bureau, narrative="最新")
    # Tasks, assignments with departments, deadlines, latest progress updates.
    with django_assert_num_queries(4):
        rows = task_rows(Task.objects.visible_to(office).with_schedule(TODAY), today=TODAY)
    assert len(rows) == count
    assert all(r.latest_progress.endswith("：最新") for r in rows)


def test_rows_into_a_workbook(office, ledger):
    with translation.override("zh-hans"):
        rows = task_rows(Task.objects.visible_to(office), today=TODAY)
    sheet = build(rows)
    assert sheet["F4"].value == "全面推进DRG/DIP支付方式改革。"
    assert sheet["J4"].value.date() == datetime.date(2026, 5, 31)
    assert sheet["L4"].value == pytest.approx(0.6)


# Formatting, cell by cell (the builder reuses one cell per column, so each row must be self-contained)


def test_numbers_dates_and_percentages_are_typed_and_formatted():
    sheet = build([row(), row(due_on=None)])
    assert sheet["A4"].data_type == "n"
    assert sheet["A5"].value == 2
    assert sheet["J4"].data_type == "d"
    assert sheet["L4"].data_type == "n"
    assert sheet["F4"].data_type == "s"
    # An empty due date is still a framed date cell, ready for a date to be typed in.
    assert sheet["J5"].value is None
    assert sheet["J5"].number_format == "yyyy-mm-dd"
    assert sheet["J5"].border.left.style == "thin"


def test_body_cells_are_framed_and_aligned():
    sheet = build([row()])
    for coordinate in ("A4", "F4", "J4", "L4", "M4", "N4"):
        assert sheet[coordinate].border.left.style == "thin"
        assert sheet[coordinate].border.bottom.style == "thin"
        assert sheet[coordinate].alignment.vertical == "top"
    assert sheet["A4"].alignment.horizontal == "center"
    assert sheet["L4"].alignment.horizontal == "center"
    assert not sheet["F4"].fill.fgColor.rgb.endswith(("FFC7CE", "FFEB9C", "C6EFCE", "D9D9D9"))


def test_title_info_and_header_rows_are_styled_and_merged():
    sheet = build([row()])
    assert sheet["A1"].font.b
    assert sheet["A1"].font.sz == 14
    assert sheet.row_dimensions[1].height == 28
    assert sheet["A2"].alignment.horizontal == "right"
    assert {str(merged) for merged in sheet.merged_cells.ranges} == {"A1:N1", "A2:N2"}
    for cell in sheet[HEADER_ROW]:
        assert cell.font.b
        assert cell.fill.fgColor.rgb.endswith("DDEBF7")
        assert cell.alignment.wrap_text


def test_it_prints_on_a4_landscape_one_page_wide_with_the_head_on_every_page():
    sheet = build([row()])
    assert sheet.page_setup.orientation == "landscape"
    assert sheet.page_setup.paperSize == 9  # A4
    assert sheet.sheet_properties.pageSetUpPr.fitToPage
    assert (sheet.page_setup.fitToWidth, sheet.page_setup.fitToHeight) == (1, 0)
    # Title, info and header rows.
    assert sheet.print_title_rows == "$1:$3"
    assert sheet.page_margins.left == sheet.page_margins.right == 0.25
    assert sheet.oddFooter.center.text == "第 &P 页 共 &N 页"


def test_rows_are_as_tall_as_their_wrapped_text():
    short = {
        "document_title": "短标题",
        "doc_number": "郑医改1号",
        "section": "医保",
        "cooperating_departments": ("郑州市财政局",),
    }
    sheet = build(
        [
            row(**short),
            row(**short, text="改" * 200),
            row(**short, latest_progress="一\n二\n三\n四"),
            row(),
        ]
    )
    # One line: the default height.
    assert sheet.row_dimensions[4].height is None
    # 200 CJK characters in the 50-wide task text column take nine lines or more.
    assert sheet.row_dimensions[5].height >= 9 * 15
    # Four short lines in the latest progress column.
    assert sheet.row_dimensions[6].height == 4 * 15 + 3
    # The 28-wide document column holds the 20-character title on two lines.
    assert sheet.row_dimensions[7].height == 2 * 15 + 3
    assert sheet.row_dimensions[1].height == 28


def test_every_column_has_its_width():
    sheet = build([row()])
    widths = {letter: sheet.column_dimensions[letter].width for letter in "ABCDEFGHIJKLMN"}
    assert widths == {
        "A": 6, "B": 28, "C": 18, "D": 9, "E": 18, "F": 50, "G": 20,
        "H": 20, "I": 18, "J": 12, "K": 10, "L": 8, "M": 18, "N": 40,
    }  # fmt: skip


@pytest.mark.parametrize(
    ("light", "colour"), [("red", "FFC7CE"), ("yellow", "FFEB9C"), ("green", "C6EFCE"), ("grey", "D9D9D9")]
)
def test_each_light_has_its_fill_and_only_on_its_row(light, colour):
    sheet = build([row(light=light), row(light="unknown"), row(light=light)])
    assert sheet["M4"].fill.fgColor.rgb.endswith(colour)
    assert sheet["M4"].alignment.wrap_text
    assert sheet["M4"].border.left.style == "thin"
    assert sheet["M5"].fill.fill_type is None
    assert sheet["M6"].fill.fgColor.rgb.endswith(colour)
    # The fill is the light cell's alone.
    assert sheet["N4"].fill.fill_type is None


def test_every_text_column_keeps_a_formula_as_text():
    dangerous = "=cmd|'/C calc'!A0"
    fields = (
        "document_title",
        "doc_number",
        "label",
        "section",
        "text",
        "time_limit",
        "status",
        "latest_progress",
    )
    sheet = build(
        [
            row(
                **dict.fromkeys(fields, dangerous),
                lead_departments=(dangerous,),
                cooperating_departments=(dangerous, "郑州市财政局"),
                light="red",
                light_text=dangerous,
            ),
            row(),
        ]
    )
    for letter in "BCDEFGHIKMN":
        cell = sheet[f"{letter}4"]
        assert cell.data_type == "s", letter
        assert cell.value.startswith("=cmd"), letter
        assert cell.quotePrefix, letter
        # The next row's ordinary text is not quoted.
        assert not sheet[f"{letter}5"].quotePrefix, letter
    assert sheet["H4"].value == f"{dangerous}、郑州市财政局"
    # A quoted light cell keeps its colour.
    assert sheet["M4"].fill.fgColor.rgb.endswith("FFC7CE")


def test_text_longer_than_excel_accepts_is_cut():
    sheet = build([row(text="改" * 40000)])
    assert len(sheet["F4"].value) == 32767
