"""The office's edit page: a task's fields, deadlines, responsible departments and targets in one save.

The page carries the version it was loaded at; `edit_task` refuses a save against any other version. The
refusal is shown with who changed what since and the current values, beside the user's own input, and
nothing is written.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.forms import BaseFormSet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from regions.models import Department, Region
from tasks.access import get_task_for, require_editor
from tasks.ledger.forms import AssignmentFormSet, DeadlineFormSet, TargetFormSet, TaskFieldsForm
from tasks.ledger.services.editing import VersionConflict, allowed_region_ids, edit_task
from tasks.ledger.views.history import describe_change
from tasks.models import Assignment, Deadline, Target, Task
from tasks.numbers import parse_digits, plain_number

__all__ = ["task_edit"]

PREFIXES = {"deadlines": "deadline", "assignments": "assignment", "targets": "target"}


def _allowed_departments(task: Task) -> list[Department]:
    """The one list the department inputs choose from: what edit_task accepts for the document's region."""
    region = Region.objects.select_related("parent__parent").get(pk=task.document.region_id)
    return list(
        Department.objects.filter(allowed_region_ids(region), is_active=True)
        .select_related("region")
        .order_by("region__code", "name")
    )


def _initial(task: Task) -> dict[str, Any]:
    return {
        "fields": {
            "version": task.version,
            **{
                name: getattr(task, name)
                for name in ("label", "section", "text", "status", "progress", "completion_evidence")
            },
        },
        "deadlines": [
            {"id": d.pk, "year": d.year, "text": d.text, "due_on": d.due_on or d.starts_on, "kind": d.kind}
            for d in Deadline.objects.filter(task_id=task.pk).order_by(*Deadline.ORDER)
        ],
        "assignments": [
            {"id": a.pk, "department": a.department.name, "role": a.role}
            for a in Assignment.objects.filter(task_id=task.pk).select_related("department").order_by("pk")
        ],
        "targets": [
            {
                "id": t.pk,
                **{
                    key: getattr(t, key)
                    for key in (
                        "text",
                        "metric",
                        "comparator",
                        "value",
                        "value_max",
                        "baseline",
                        "unit",
                        "year",
                        "due_on",
                    )
                },
            }
            for t in Target.objects.filter(task_id=task.pk).order_by("pk")
        ],
    }


def _current_values(task: Task) -> dict[str, list[dict[str, Any]]]:
    """The conflict panel's current deadlines, departments and targets, with labels rather than codes."""
    parts = _initial(task)
    kinds, roles = dict(Deadline.Kind.choices), dict(Assignment.Role.choices)
    comparators = dict(Target.Comparator.choices)
    for deadline in parts["deadlines"]:
        deadline["kind_label"] = kinds.get(deadline["kind"], deadline["kind"])
    for assignment in parts["assignments"]:
        assignment["role_label"] = roles.get(assignment["role"], assignment["role"])
    for target in parts["targets"]:
        target["comparator_label"] = comparators.get(target["comparator"], target["comparator"])
        value = plain_number(target["value"])
        if target["value_max"] is not None:
            value = f"{value}–{plain_number(target['value_max'])}"
        target["value_label"] = f"{value}{target['unit']}" if value else ""
    return parts


def _forms(task: Task, data: Any = None, *, more: str = "") -> dict[str, Any]:
    initial = _initial(task)
    if data is not None and more in PREFIXES:
        # "Add a row" without JavaScript: the same input with one more empty row of that list.
        data = data.copy()
        key = f"{PREFIXES[more]}-TOTAL_FORMS"
        count = parse_digits((data.get(key) or "0").strip())
        if count is not None:
            data[key] = str(count + 1)
        # Else left as sent (a tampered form, "abc" or "1e3"): no 500; the formset's limits apply.
    return {
        "fields": TaskFieldsForm(data, initial=initial["fields"]),
        "deadlines": DeadlineFormSet(data, initial=initial["deadlines"], prefix=PREFIXES["deadlines"]),
        "assignments": AssignmentFormSet(
            data, initial=initial["assignments"], prefix=PREFIXES["assignments"]
        ),
        "targets": TargetFormSet(data, initial=initial["targets"], prefix=PREFIXES["targets"]),
    }


def _rows(formset: BaseFormSet) -> list[dict[str, Any]]:
    """The rows kept: filled in and not marked for removal."""
    return [
        form.cleaned_data
        for form in formset.forms
        if form.has_changed() or form.initial
        if form.cleaned_data and not form.cleaned_data.get("DELETE")
    ]


def _deadlines(formset: BaseFormSet) -> list[dict[str, Any]]:
    rows = []
    for row in _rows(formset):
        # The year follows a date; only an undated deadline keeps the year it was given.
        year = None if row["due_on"] else row.get("year")
        rows.append(
            {"id": row["id"], "text": row["text"], "due_on": row["due_on"], "kind": row["kind"], "year": year}
        )
    return rows


def _assignments(task: Task, formset: BaseFormSet, departments: list[Department]) -> list[dict[str, Any]]:
    by_name: dict[str, list[Department]] = {}
    for department in departments:
        by_name.setdefault(department.name, []).append(department)
    stored = {a.pk: a for a in Assignment.objects.filter(task_id=task.pk)}
    rows, errors = [], []
    for row in _rows(formset):
        name = row["department"].strip()
        matches = by_name.get(name, [])
        if len(matches) != 1:
            errors.append(
                _(
                    "“%(name)s” is not a department that may be assigned to this task; choose one from the list."
                )
                % {"name": name}
                if not matches
                else _("More than one department is called “%(name)s”.") % {"name": name}
            )
            continue
        department = matches[0]
        item: dict[str, Any] = {"department": department, "role": row["role"]}
        kept = stored.get(row["id"])
        if kept and kept.department_id == department.pk:
            # The wording of the document (and a collective assignee) stays with its department.
            item["text_as_written"] = kept.text_as_written
            item["collective_text"] = kept.collective_text
        rows.append(item)
    if errors:
        raise ValidationError(errors)
    return rows


def _targets(formset: BaseFormSet) -> list[dict[str, Any]]:
    return [{key: value for key, value in row.items() if key != "DELETE"} for row in _rows(formset)]


def _render(
    request: HttpRequest,
    task: Task,
    forms: dict[str, Any],
    *,
    status: int = 200,
    errors: list[str] | None = None,
    conflict: VersionConflict | None = None,
) -> HttpResponse:
    context: dict[str, Any] = {
        "task": task,
        "document": task.document,
        "departments": _allowed_departments(task),
        "errors": errors or [],
        "conflict": conflict,
        **forms,
    }
    if conflict is not None:
        current = conflict.current
        targets_by_id = {str(t.pk): t for t in Target.objects.filter(task_id=current.pk)}
        context["conflict_changes"] = [
            (change, describe_change(change, targets_by_id)) for change in conflict.changes_since
        ]
        context["current"] = current
        context["current_parts"] = _current_values(current)
    return render(request, "tasks/ledger/task_edit.html", context, status=status)


@login_required
def task_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """The edit page (GET) and its save (POST): office staff in scope only; 404 out of scope, 403 others."""
    try:
        task = get_task_for(request.user, pk)
    except Task.DoesNotExist:
        raise Http404(_("No such task.")) from None
    require_editor(request.user, task)  # NotPermitted is a PermissionDenied: 403
    task = Task.objects.select_related("document").get(pk=task.pk)

    if request.method != "POST":
        return _render(request, task, _forms(task))

    more = request.POST.get("more", "")
    forms = _forms(task, request.POST, more=more)
    if more:
        return _render(request, task, forms)
    valid = [form.is_valid() for form in forms.values()]
    if not all(valid):
        return _render(request, task, forms, status=400, errors=[_("Please correct the errors below.")])
    if not any(form.has_changed() for form in forms.values()):
        messages.info(request, _("Nothing was changed."))
        return redirect("task_detail", pk=task.pk)
    fields_form = forms["fields"]
    fields = {key: value for key, value in fields_form.cleaned_data.items() if key != "version"}
    if not fields.get("completion_evidence"):
        fields.pop("completion_evidence", None)  # not posted: the task keeps its rule
    version = fields_form.cleaned_data["version"]
    try:
        assignments = _assignments(task, forms["assignments"], _allowed_departments(task))
        edit_task(
            task,
            request.user,
            expected_version=version,
            fields=fields,
            deadlines=_deadlines(forms["deadlines"]),
            assignments=assignments,
            targets=_targets(forms["targets"]),
        )
    except VersionConflict as conflict:
        # The user's input stays in the form; the hidden version moves to the current one, so that a
        # second save, made with the current values in view, is a decision rather than an accident.
        data = request.POST.copy()
        data["version"] = str(conflict.current.version)
        forms = _forms(conflict.current, data)
        for form in forms.values():
            form.is_valid()
        return _render(request, task, forms, status=409, errors=[str(conflict)], conflict=conflict)
    except ValidationError as error:
        return _render(request, task, forms, status=400, errors=[str(m) for m in error.messages])
    messages.success(request, _("Task saved."))
    return redirect("task_detail", pk=task.pk)
