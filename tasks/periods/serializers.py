"""Reporting periods in the API: a closing with its status and progress, the close request, and what
changed in the period (`period_changes`)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from rest_framework import serializers

from accounts.serializers import PersonSerializer
from regions.serializers import RegionBriefSerializer
from tasks.models import PeriodClosing
from tasks.reports.services.periods import parse_period


class PeriodClosingSerializer(serializers.ModelSerializer):
    region = RegionBriefSerializer()
    progress = serializers.IntegerField(
        min_value=0, max_value=100, help_text="The closing's progress in percent; 100 once closed."
    )
    tasks_total = serializers.IntegerField(help_text="Tasks in the region's ledger when closed.")
    rows_written = serializers.IntegerField(
        help_text="Task rows stored: those that changed since the previous closed period, and tombstones."
    )
    tombstones = serializers.IntegerField(help_text="Tasks that left the region's scope since then.")
    error = serializers.CharField(help_text="Why the closing failed (status failed); empty otherwise.")
    requested_by = PersonSerializer(allow_null=True, help_text="Empty for the automatic closing.")

    class Meta:
        model = PeriodClosing
        fields = [
            "id",
            "region",
            "period",
            "status",
            "progress",
            "tasks_total",
            "rows_written",
            "tombstones",
            "error",
            "requested_by",
            "requested_at",
            "closed_at",
        ]
        read_only_fields = fields


class PeriodCloseSerializer(serializers.Serializer):
    period = serializers.CharField(max_length=7, help_text="The month to close, YYYY-MM; a past month.")
    region = serializers.IntegerField(
        required=False,
        min_value=1,
        max_value=2**63 - 1,
        help_text="The region to close; default the user's own (office staff close only their own).",
    )

    def validate_period(self, value: str) -> str:
        try:
            parse_period(value)
        except ValidationError as error:
            raise serializers.ValidationError(error.messages) from None
        return value


class ChangedTaskSerializer(serializers.Serializer):
    task_id = serializers.IntegerField()
    label = serializers.CharField()
    text = serializers.CharField()
    lead_departments = serializers.ListField(child=serializers.CharField())
    status_before = serializers.CharField(allow_null=True, help_text="Null: not in the previous snapshot.")
    status_after = serializers.CharField()
    percent_before = serializers.IntegerField(allow_null=True)
    percent_after = serializers.IntegerField()
    due_on = serializers.DateField(allow_null=True)


class LateReportSerializer(serializers.Serializer):
    department_id = serializers.IntegerField()
    department = serializers.CharField()
    timeliness = serializers.ChoiceField(choices=["late", "missing"])
    submitted_on = serializers.DateField(allow_null=True)


class ChangeCountsSerializer(serializers.Serializer):
    newly_completed = serializers.IntegerField()
    newly_overdue = serializers.IntegerField()
    progress_changed = serializers.IntegerField()
    reports_late = serializers.IntegerField()


class PeriodChangesSerializer(serializers.Serializer):
    region_id = serializers.IntegerField()
    period = serializers.CharField()
    previous_period = serializers.CharField(
        allow_null=True, help_text="The region's previous closed period; null for its first."
    )
    counts = ChangeCountsSerializer()
    newly_completed = ChangedTaskSerializer(many=True)
    newly_overdue = ChangedTaskSerializer(many=True)
    progress_changed = ChangedTaskSerializer(many=True)
    reports_late = LateReportSerializer(many=True)
