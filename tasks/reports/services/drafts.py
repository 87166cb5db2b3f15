"""The online form's values: a draft saved without recording, or what was recorded for the report.

"保存草稿" keeps the form's values on the report (`Report.draft`, with who and when) as typed, invalid
ones too: a draft is not checked and records no progress. "保存并记录" goes through `fill_online`, which
checks everything and records; recording (online or by upload) clears the draft. The form reopens with
the draft when there is one, else with the latest values recorded through the report per task.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from django.db import transaction
from django.utils import timezone

from tasks.models import Report
from tasks.numbers import plain_number
from tasks.reports.services.department import department_tasks
from tasks.reports.services.filling import clear_draft, require_filler
from tasks.reports.services.review import latest_updates

__all__ = ["FIELD_RE", "clear_draft", "form_values", "save_draft"]

# The fields a row of the form posts: status, percent, narrative and an actual per target id.
FIELD_RE = re.compile(r"^(status|percent|narrative|actual-[0-9]{1,19})$")
# A draft keeps what was typed, within the sizes a form field can reasonably hold.
MAX_VALUE_CHARS = 10_000

Values = dict[int, dict[str, str]]


@transaction.atomic
def save_draft(report: Report, user, data: Mapping[int, Mapping[str, object]]) -> int:
    """Keep the form's values as the report's draft (not checked, nothing recorded); how many rows.

    Only the report's tasks and the form's fields are kept; rows left empty are dropped.
    """
    require_filler(user, report)
    known = set(department_tasks(report.department_id).values_list("pk", flat=True))
    draft: dict[str, dict[str, str]] = {}
    for task_id, fields in data.items():
        if task_id not in known:
            continue
        row = {
            name: str(value)[:MAX_VALUE_CHARS]
            for name, value in fields.items()
            if FIELD_RE.match(name) and str(value or "").strip()
        }
        if row:
            draft[str(task_id)] = row
    Report.objects.filter(pk=report.pk).update(
        draft=draft, draft_saved_by=user, draft_saved_at=timezone.now()
    )
    report.refresh_from_db(fields=["draft", "draft_saved_by", "draft_saved_at"])
    return len(draft)


def form_values(report: Report) -> tuple[Values, str]:
    """The values the form opens with and where they come from: ("draft" | "recorded" | "")."""
    if report.draft:
        return {int(task_id): dict(fields) for task_id, fields in report.draft.items()}, "draft"
    recorded = recorded_values(report)
    return recorded, "recorded" if recorded else ""


def recorded_values(report: Report, task_ids: list[int] | None = None) -> Values:
    """Task id -> the latest values recorded through the report (two queries)."""
    values: Values = {}
    for update in latest_updates([report.pk], task_ids).prefetch_related("readings"):
        if update.task_id in values:
            continue
        row = {"status": update.status, "percent": str(update.percent), "narrative": update.narrative}
        for reading in update.readings.all():
            row[f"actual-{reading.target_id}"] = plain_number(reading.value)
        values[update.task_id] = row
    return values
