"""What hangs off a task: assignments (responsible departments), deadlines and targets.

Read serializers show rows as stored; the input serializers only parse types for `edit_task`, which
decides what is allowed (departments of which regions, dated deadlines with a date, range bounds...).
Ids are bounded as the id filters are (1 to 2**63-1): a larger one would reach a query and overflow
SQLite's integers (a 500) rather than be refused.
"""

from rest_framework import serializers

from regions.serializers import DepartmentBriefSerializer
from tasks.filters import MAX_ID
from tasks.models import Assignment, Deadline, Target

ID_BOUNDS = {"min_value": 1, "max_value": MAX_ID}


class AssignmentSerializer(serializers.ModelSerializer):
    department = DepartmentBriefSerializer()

    class Meta:
        model = Assignment
        fields = ["id", "task", "department", "role", "text_as_written", "collective_text"]


class DeadlineSerializer(serializers.ModelSerializer):
    class Meta:
        model = Deadline
        fields = ["id", "task", "kind", "due_on", "starts_on", "text", "year", "original_due_on"]


class TargetSerializer(serializers.ModelSerializer):
    class Meta:
        model = Target
        fields = [
            "id",
            "task",
            "text",
            "metric",
            "comparator",
            "value",
            "value_max",
            "baseline",
            "unit",
            "year",
            "due_on",
            "latest_actual",
            "attained",
        ]
        read_only_fields = fields


DECIMAL = {"max_digits": 16, "decimal_places": 4, "required": False, "allow_null": True}


class AssignmentInputSerializer(serializers.Serializer):
    department = serializers.IntegerField(**ID_BOUNDS, help_text="A department id (see /departments/).")
    role = serializers.ChoiceField(choices=Assignment.Role.choices)


class DeadlineInputSerializer(serializers.Serializer):
    id = serializers.IntegerField(
        required=False,
        allow_null=True,
        **ID_BOUNDS,
        help_text="The id of a deadline of this task to keep; none: a new one.",
    )
    kind = serializers.ChoiceField(choices=Deadline.Kind.choices, default=Deadline.Kind.DATE)
    due_on = serializers.DateField(required=False, allow_null=True)
    text = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=200,
        help_text="As written; derived from the date if empty.",
    )
    year = serializers.IntegerField(required=False, allow_null=True, min_value=1900, max_value=2200)


class TargetInputSerializer(serializers.Serializer):
    id = serializers.IntegerField(
        required=False,
        allow_null=True,
        **ID_BOUNDS,
        help_text="The id of a target of this task to keep; none: a new one.",
    )
    text = serializers.CharField(max_length=300)
    metric = serializers.CharField(required=False, allow_blank=True, max_length=200)
    comparator = serializers.ChoiceField(
        choices=Target.Comparator.choices, default=Target.Comparator.AT_LEAST
    )
    value = serializers.DecimalField(**DECIMAL)
    value_max = serializers.DecimalField(**DECIMAL)
    baseline = serializers.DecimalField(**DECIMAL)
    unit = serializers.CharField(required=False, allow_blank=True, max_length=32)
    year = serializers.IntegerField(required=False, allow_null=True, min_value=1900, max_value=2200)
    due_on = serializers.DateField(required=False, allow_null=True)
