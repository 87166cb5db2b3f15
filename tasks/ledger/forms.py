"""Forms of the task page's workflows and of the office's edit page.

Forms only parse input into types (numbers, dates, files); what is allowed is decided by the services,
whose messages the views attach to these forms. Free-text fields that a service requires (a reason, a
narrative, a message) are optional here so that the service's own, more specific message is shown.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _

from tasks.ledger.services.progress import MAX_FILES, REPORTABLE_STATUSES
from tasks.models import Assignment, Deadline, ExtensionRequest, Target, Task, TaskStatus
from tasks.models.ledger import EvidenceRule
from tasks.numbers import NotANumber, PercentNotAllowed, is_percent_unit, percent_refusal, read_actual
from tasks.uploads import EVIDENCE_ACCEPT, evidence_help

TEXTAREA = {"class": "form-control", "rows": 3}


class MultipleFileInput(forms.ClearableFileInput):
    """A file input that lets the browser send several files (Django docs, "Uploading multiple files")."""

    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Zero or more uploaded files as a list; each is checked by content in the service."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault(
            "widget", MultipleFileInput(attrs={"class": "form-control", "accept": EVIDENCE_ACCEPT})
        )
        kwargs.setdefault("help_text", lazy(evidence_help, str)(MAX_FILES))
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        single = super().clean
        if isinstance(data, (list, tuple)):
            return [single(item, initial) for item in data if item]
        return [single(data, initial)] if data else []


class BootstrapMixin:
    """Bootstrap classes on every widget, so templates can render fields as they are."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():  # type: ignore[attr-defined]
            widget = field.widget
            if isinstance(widget, (forms.HiddenInput, forms.CheckboxInput)):
                continue
            css = "form-select" if isinstance(widget, forms.Select) else "form-control"
            widget.attrs.setdefault("class", css)


class VersionField(forms.IntegerField):
    """The task version the user saw; a save against another version is refused by the service."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("widget", forms.HiddenInput)
        kwargs.setdefault("min_value", 1)
        super().__init__(**kwargs)


class ActualValueField(forms.DecimalField):
    """A target's actual value; for a target in % also a percentage: "72%", "72％" or "７２％" is 72.
    A percentage for any other target is refused (tasks/numbers.py)."""

    def __init__(self, *, target: Target, **kwargs: Any) -> None:
        self.unit = target.unit
        self.percentage = is_percent_unit(target.unit)
        if self.percentage:
            # A number input would not let the % sign be typed.
            kwargs.setdefault(
                "widget", forms.TextInput(attrs={"class": "form-control", "inputmode": "decimal"})
            )
        else:
            kwargs.setdefault("widget", forms.NumberInput(attrs={"class": "form-control", "step": "any"}))
        super().__init__(max_digits=16, decimal_places=4, **kwargs)

    def to_python(self, value: Any) -> Any:
        if value in self.empty_values:
            return None
        try:
            number = read_actual(value, percentage=self.percentage)
        except PercentNotAllowed as refusal:
            raise forms.ValidationError(percent_refusal(refusal.typed, self.unit), code="percent") from None
        except NotANumber:
            number = None  # DecimalField's own message
        return super().to_python(value if number is None else format(number, "f"))


# The task page's workflows -----------------------------------------------------------------------


class ProgressForm(BootstrapMixin, forms.Form):
    """报送进展: status, percent, narrative, an actual value per target of the task, evidence files."""

    status = forms.ChoiceField(label=_("Status"), choices=[(s.value, s.label) for s in REPORTABLE_STATUSES])
    percent = forms.IntegerField(label=_("Progress (%)"), min_value=0, max_value=100)
    narrative = forms.CharField(label=_("What was done"), required=False, widget=forms.Textarea(TEXTAREA))
    files = MultipleFileField(label=_("Evidence files"), required=False)

    def __init__(self, *args: Any, task: Task, targets: list[Target], **kwargs: Any) -> None:
        initial = kwargs.setdefault("initial", {})
        initial.setdefault(
            "status", task.status if task.status in REPORTABLE_STATUSES else TaskStatus.IN_PROGRESS
        )
        initial.setdefault("percent", task.progress)
        super().__init__(*args, **kwargs)
        self.target_fields = []
        for target in targets:
            name = f"target_{target.pk}"
            label = " · ".join(part for part in (target.metric, target.text) if part)
            self.fields[name] = ActualValueField(
                target=target, label=label, required=False, help_text=target.unit
            )
            self.target_fields.append(name)

    def readings(self) -> dict[int, Any]:
        """{target id: value} for the targets given a value."""
        return {
            int(name.removeprefix("target_")): self.cleaned_data[name]
            for name in self.target_fields
            if self.cleaned_data.get(name) is not None
        }

    def target_inputs(self) -> list[forms.BoundField]:
        return [self[name] for name in self.target_fields]


class CompletionForm(BootstrapMixin, forms.Form):
    """申请销号: what was done, with optional evidence."""

    narrative = forms.CharField(label=_("What was done"), required=False, widget=forms.Textarea(TEXTAREA))
    files = MultipleFileField(label=_("Evidence files"), required=False)


class ExtensionForm(BootstrapMixin, forms.Form):
    """延期申请: the new date and a reason, and which deadline when the task has several dated ones."""

    deadline = forms.TypedChoiceField(label=_("Deadline"), coerce=int, required=False, empty_value=None)
    requested_due_on = forms.DateField(
        label=_("New date"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    reason = forms.CharField(label=_("Reason"), required=False, widget=forms.Textarea(TEXTAREA))

    def __init__(self, *args: Any, deadlines: list[Deadline], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        dated = [d for d in deadlines if d.kind == Deadline.Kind.DATE and d.due_on]
        self.deadlines = {d.pk: d for d in dated}
        self.fields["deadline"].choices = [("", _("The final deadline"))] + [
            (d.pk, f"{d.due_on:%Y-%m-%d} {d.text}") for d in dated
        ]
        self.several_deadlines = len(dated) > 1

    def chosen_deadline(self) -> Deadline | None:
        return self.deadlines.get(self.cleaned_data.get("deadline"))


class VerifyForm(forms.Form):
    """销号: confirm the completion request the user saw (by its version)."""

    version = VersionField()


class ReturnForm(BootstrapMixin, forms.Form):
    """退回: back to the department with a reason."""

    version = VersionField()
    reason = forms.CharField(label=_("Reason for returning"), required=False, widget=forms.Textarea(TEXTAREA))


class DecideExtensionForm(BootstrapMixin, forms.Form):
    """同意 / 驳回 an extension request; the decision comes from the button pressed."""

    decision = forms.ChoiceField(choices=[("approve", _("Approve")), ("refuse", _("Refuse"))])
    comment = forms.CharField(
        label=_("Comment"), required=False, widget=forms.Textarea({**TEXTAREA, "rows": 2})
    )


class ReminderForm(BootstrapMixin, forms.Form):
    """催办: a message to the task's departments."""

    message = forms.CharField(label=_("Message"), required=False, widget=forms.Textarea(TEXTAREA))
    # A second 催办 the same day: only with its reason.
    urgent = forms.BooleanField(label=_("Urgent (a second reminder today)"), required=False)
    reason = forms.CharField(label=_("Reason for the urgent reminder"), required=False, max_length=200)


def action_forms(
    task: Task,
    *,
    targets: list[Target],
    deadlines: list[Deadline],
    pending_extensions: list[ExtensionRequest],
    bound: dict[str, forms.Form] | None = None,
) -> dict[str, Any]:
    """Every form of the actions panel, unbound, except the one the user just posted (kept with its input
    and errors). Built from rows the page already loaded, so the panel adds no query."""
    bound = bound or {}
    decide = {
        request.pk: bound.get(f"decide_{request.pk}")
        or DecideExtensionForm(prefix=f"decide-{request.pk}", initial={"decision": "approve"})
        for request in pending_extensions
    }
    return {
        "progress_form": bound.get("progress") or ProgressForm(task=task, targets=targets),
        "completion_form": bound.get("completion") or CompletionForm(),
        "extension_form": bound.get("extension") or ExtensionForm(deadlines=deadlines),
        "verify_form": bound.get("verify") or VerifyForm(initial={"version": task.version}),
        "return_form": bound.get("return") or ReturnForm(initial={"version": task.version}),
        "reminder_form": bound.get("remind") or ReminderForm(),
        "decide_forms": [(request, decide[request.pk]) for request in pending_extensions],
    }


# The office's edit page --------------------------------------------------------------------------


class TaskFieldsForm(BootstrapMixin, forms.Form):
    version = VersionField()
    label = forms.CharField(label=_("Label as printed"), max_length=32, required=False)
    section = forms.CharField(label=_("Section"), max_length=200, required=False)
    text = forms.CharField(label=_("Text"), widget=forms.Textarea({"rows": 4}))
    status = forms.ChoiceField(label=_("Status"), choices=TaskStatus.choices)
    progress = forms.IntegerField(label=_("Progress (%)"), min_value=0, max_value=100)
    completion_evidence = forms.ChoiceField(
        label=_("Evidence for completion"),
        choices=EvidenceRule.choices,
        # Not posted (an older form, a script): the task keeps its rule.
        required=False,
        help_text=_("Whether a completion request (申请销号) must come with evidence (佐证材料)."),
    )


class DeadlineRowForm(BootstrapMixin, forms.Form):
    id = forms.IntegerField(required=False, widget=forms.HiddenInput)
    year = forms.IntegerField(required=False, widget=forms.HiddenInput)
    text = forms.CharField(label=_("As written"), max_length=200, required=False)
    due_on = forms.DateField(
        label=_("Date"), required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    kind = forms.ChoiceField(label=_("Kind"), choices=Deadline.Kind.choices, initial=Deadline.Kind.DATE)


class AssignmentRowForm(BootstrapMixin, forms.Form):
    id = forms.IntegerField(required=False, widget=forms.HiddenInput)
    department = forms.CharField(
        label=_("Department"),
        max_length=200,
        widget=forms.TextInput(attrs={"list": "allowed-departments", "autocomplete": "off"}),
    )
    # An initial value, so that the blank extra row a browser posts (with the select's shown value)
    # counts as unchanged rather than as a half-filled row.
    role = forms.ChoiceField(
        label=_("Role"), choices=Assignment.Role.choices, initial=Assignment.Role.COOPERATING
    )


class TargetRowForm(BootstrapMixin, forms.Form):
    id = forms.IntegerField(required=False, widget=forms.HiddenInput)
    text = forms.CharField(label=_("As written"), max_length=300)
    metric = forms.CharField(label=_("Metric"), max_length=200, required=False)
    comparator = forms.ChoiceField(
        label=_("Comparator"), choices=Target.Comparator.choices, initial=Target.Comparator.AT_LEAST
    )
    value = forms.DecimalField(label=_("Target value"), required=False, max_digits=16, decimal_places=4)
    value_max = forms.DecimalField(label=_("Upper bound"), required=False, max_digits=16, decimal_places=4)
    baseline = forms.DecimalField(label=_("Baseline"), required=False, max_digits=16, decimal_places=4)
    unit = forms.CharField(label=_("Unit"), max_length=32, required=False)
    year = forms.IntegerField(label=_("Year"), required=False, min_value=1900, max_value=2200)
    due_on = forms.DateField(
        label=_("Due on"), required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )


DeadlineFormSet = forms.formset_factory(DeadlineRowForm, extra=1, can_delete=True)
AssignmentFormSet = forms.formset_factory(AssignmentRowForm, extra=1, can_delete=True)
TargetFormSet = forms.formset_factory(TargetRowForm, extra=1, can_delete=True)
