"""Tasks: the list's rows, the task with what hangs off it, and the office's edit."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from regions.serializers import DepartmentBriefSerializer, RegionBriefSerializer
from tasks.ledger.lights import LightColour, light_for
from tasks.ledger.serializers.parts import (
    AssignmentInputSerializer,
    AssignmentSerializer,
    DeadlineInputSerializer,
    DeadlineSerializer,
    TargetInputSerializer,
    TargetSerializer,
)
from tasks.models import Assignment, PolicyDocument, Task, TaskStatus
from tasks.models.ledger import EvidenceRule
from tasks.serializers import DocumentBriefSerializer


class LightSerializer(serializers.Serializer):
    colour = serializers.ChoiceField(choices=LightColour.choices)
    label = serializers.CharField()
    reason = serializers.CharField()


class LeadSerializer(serializers.ModelSerializer):
    department = DepartmentBriefSerializer()

    class Meta:
        model = Assignment
        fields = ["department", "role", "collective_text"]


class TaskSerializer(serializers.ModelSerializer):
    """A row of the task list: the task, its schedule and light, and who leads it."""

    document = DocumentBriefSerializer()
    due_on = serializers.DateField(allow_null=True, read_only=True, help_text="The latest dated deadline.")
    next_due_on = serializers.DateField(
        allow_null=True, read_only=True, help_text="The earliest dated deadline from today on."
    )
    is_overdue = serializers.BooleanField(read_only=True)
    completed_late = serializers.BooleanField(
        read_only=True,
        help_text="Completed after the due date (逾期完成), by the day of its last verification.",
    )
    light = serializers.SerializerMethodField()
    leads = serializers.SerializerMethodField(help_text="Lead and co-lead departments.")

    class Meta:
        model = Task
        fields = [
            "id",
            "document",
            "parent",
            "position",
            "label",
            "outline_path",
            "section",
            "text",
            "measures",
            "status",
            "progress",
            "version",
            "due_on",
            "next_due_on",
            "is_overdue",
            "completed_late",
            "returned_reason",
            "extension_refused_comment",
            "completion_evidence",
            "light",
            "leads",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields

    @extend_schema_field(LightSerializer)
    def get_light(self, task: Task) -> dict[str, Any]:
        light = light_for(task, self.context.get("today"))
        return {"colour": light.colour.value, "label": light.label, "reason": light.reason}

    @extend_schema_field(LeadSerializer(many=True))
    def get_leads(self, task: Task) -> list[dict[str, Any]]:
        leads = getattr(task, "leading_assignments", None)
        if leads is None:
            leads = [a for a in task.assignments.all() if a.role != Assignment.Role.COOPERATING]
        return LeadSerializer(leads, many=True).data


class TaskDetailDocumentSerializer(serializers.ModelSerializer):
    region = RegionBriefSerializer()

    class Meta:
        model = PolicyDocument
        fields = ["id", "title", "doc_number", "issuer", "region", "issued_on", "kind"]


class TaskDetailSerializer(TaskSerializer):
    """One task with its assignments, deadlines and targets. The ETag header carries its version."""

    document = TaskDetailDocumentSerializer()
    assignments = AssignmentSerializer(many=True)
    deadlines = DeadlineSerializer(many=True)
    targets = TargetSerializer(many=True)

    class Meta(TaskSerializer.Meta):
        fields = [*TaskSerializer.Meta.fields, "assignments", "deadlines", "targets"]
        read_only_fields = fields


class TaskUpdateSerializer(serializers.Serializer):
    """The office's edit (PATCH: any of these; PUT: all the task's own fields).

    A list given replaces that part of the task: rows with an `id` are kept and updated, the others
    are created, and rows left out are removed. Lists left out are unchanged.
    """

    label = serializers.CharField(allow_blank=True, trim_whitespace=False)
    section = serializers.CharField(allow_blank=True, trim_whitespace=False)
    text = serializers.CharField(allow_blank=True, trim_whitespace=False)
    # Optional even in a PUT, like completion_evidence: clients written before it keep the measures.
    measures = serializers.CharField(
        allow_blank=True,
        trim_whitespace=False,
        required=False,
        help_text="The task's specific measures (具体措施), as its table gave them; may be empty.",
    )
    status = serializers.ChoiceField(choices=TaskStatus.choices)
    progress = serializers.IntegerField(min_value=0, max_value=100)
    # Optional even in a PUT: a client written before the rule existed keeps the task's rule.
    completion_evidence = serializers.ChoiceField(
        choices=EvidenceRule.choices,
        required=False,
        help_text="Whether a completion request needs evidence: as the document says, or required, or not.",
    )
    deadlines = DeadlineInputSerializer(many=True, required=False)
    assignments = AssignmentInputSerializer(many=True, required=False)
    targets = TargetInputSerializer(many=True, required=False)
