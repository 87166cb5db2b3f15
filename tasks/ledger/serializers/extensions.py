"""Deadline extensions (延期申请): a department's request, and the office's decision on it."""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from accounts.serializers import PersonSerializer
from regions.serializers import DepartmentBriefSerializer
from tasks.ledger.serializers.parts import DeadlineSerializer
from tasks.models import ExtensionRequest

DECISIONS = [("approve", _("Approve")), ("refuse", _("Refuse"))]


class ExtensionRequestSerializer(serializers.ModelSerializer):
    deadline = DeadlineSerializer(
        allow_null=True,
        help_text="The deadline to move, as it is now: after an approval `due_on` is the new date and "
        "`original_due_on` the date first set.",
    )
    department = DepartmentBriefSerializer()
    requested_by = PersonSerializer()
    reviewed_by = PersonSerializer(allow_null=True)

    class Meta:
        model = ExtensionRequest
        fields = [
            "id",
            "task",
            "deadline",
            "department",
            "requested_by",
            "current_due_on",
            "requested_due_on",
            "reason",
            "status",
            "reviewed_by",
            "reviewed_at",
            "review_comment",
            "created_at",
        ]
        read_only_fields = fields


class ExtensionRequestInputSerializer(serializers.Serializer):
    requested_due_on = serializers.DateField(help_text="The new date: later than the deadline, not past.")
    reason = serializers.CharField(allow_blank=True, help_text="Why; it may not be blank.")
    deadline = serializers.IntegerField(
        required=False,
        allow_null=True,
        min_value=1,
        max_value=2**31 - 1,
        help_text="A dated deadline of the task (its id); by default the task's final one.",
    )


class ExtensionDecisionInputSerializer(serializers.Serializer):
    decision = serializers.ChoiceField(
        choices=DECISIONS, help_text="approve moves the deadline (keeping the original on record)."
    )
    comment = serializers.CharField(
        required=False, allow_blank=True, default="", help_text="Required when refusing: the reason."
    )
