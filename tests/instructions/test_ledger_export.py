"""The office ledger's 领导批示 column: each instruction on a line, its replies under it."""

from __future__ import annotations

import datetime
import io

import openpyxl
import pytest
from django.utils import timezone

from tasks.models import Instruction, InstructionReply
from tasks.reports.services.ledger import write_ledger
from tests.factories import InstructionFactory, InstructionReplyFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

INSTRUCTIONS_COLUMN = 18


def at(day: int, hour: int = 10) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime(2026, 7, day, hour))


def test_each_instruction_and_its_replies_are_in_the_tasks_row(
    zhengzhou, zhengzhou_tasks, insurance_bureau, leader, liaison
):
    insurance_task = zhengzhou_tasks[0]
    first = InstructionFactory(
        task=insurance_task, department=insurance_bureau, author=leader, text="请加快\n推进。"
    )
    answer = InstructionReplyFactory(instruction=first, author=liaison, text="已召开推进会。")
    second = InstructionFactory(
        task=insurance_task, department=insurance_bureau, author=leader, text="月底前报送。"
    )
    Instruction.objects.filter(pk=first.pk).update(created_at=at(1))
    InstructionReply.objects.filter(pk=answer.pk).update(created_at=at(3))
    Instruction.objects.filter(pk=second.pk).update(created_at=at(5))
    buffer = io.BytesIO()
    write_ledger(zhengzhou, buffer, today=datetime.date(2026, 7, 15))

    sheet = openpyxl.load_workbook(io.BytesIO(buffer.getvalue()))["Ledger"]
    assert sheet.cell(3, INSTRUCTIONS_COLUMN).value == "Leaders' instructions"
    rows = {sheet.cell(row, 1).value: row for row in range(4, sheet.max_row + 1)}
    assert sheet.cell(rows[insurance_task.pk], INSTRUCTIONS_COLUMN).value == (
        "2026-07-01 郑州市分管领导：请加快 推进。\n"
        "↳ 2026-07-03 郑州市医疗保障局：已召开推进会。\n"
        "2026-07-05 郑州市分管领导：月底前报送。"
    )
    assert sheet.cell(rows[zhengzhou_tasks[1].pk], INSTRUCTIONS_COLUMN).value is None
