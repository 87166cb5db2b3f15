"""The shape of `DashboardSummary.to_dict()`, for the schema (tests keep it in step with the dataclasses)."""

from rest_framework import serializers


class FigureSerializer(serializers.Serializer):
    value = serializers.IntegerField()
    query = serializers.CharField(
        allow_null=True, help_text="The /tasks/ query string listing exactly the tasks counted."
    )


class TotalsSerializer(serializers.Serializer):
    total = FigureSerializer()
    not_started = FigureSerializer()
    in_progress = FigureSerializer()
    pending_verification = FigureSerializer()
    completed = FigureSerializer()
    suspended = FigureSerializer()
    overdue = FigureSerializer()
    due_soon = FigureSerializer()
    completion_rate = serializers.FloatField()
    completed_late = FigureSerializer(help_text="Completed after the due date (逾期完成).")


class GroupCountsSerializer(serializers.Serializer):
    total = FigureSerializer()
    completed = FigureSerializer()
    overdue = FigureSerializer()
    completion_rate = serializers.FloatField()


class DepartmentRowSerializer(GroupCountsSerializer):
    department_id = serializers.IntegerField()
    name = serializers.CharField()


class SectionRowSerializer(GroupCountsSerializer):
    document_id = serializers.IntegerField()
    document_title = serializers.CharField()
    section = serializers.CharField(allow_blank=True)


class RegionRowSerializer(GroupCountsSerializer):
    code = serializers.CharField()
    name = serializers.CharField()


class MonthRowSerializer(serializers.Serializer):
    month = serializers.CharField(help_text="YYYY-MM")
    completed = FigureSerializer()


class TargetFiguresSerializer(serializers.Serializer):
    attained = FigureSerializer()
    not_attained = FigureSerializer()
    no_actual = FigureSerializer()
    tasks_attained = FigureSerializer()
    tasks_not_attained = FigureSerializer()
    tasks_without_actual = FigureSerializer()


class OverdueTaskSerializer(serializers.Serializer):
    task_id = serializers.IntegerField()
    label = serializers.CharField(allow_blank=True)
    text = serializers.CharField()
    document_id = serializers.IntegerField()
    document_title = serializers.CharField()
    lead_departments = serializers.ListField(child=serializers.CharField())
    due_on = serializers.DateField()
    days_overdue = serializers.IntegerField()


class DashboardSummarySerializer(serializers.Serializer):
    today = serializers.DateField()
    totals = TotalsSerializer()
    departments = DepartmentRowSerializer(many=True)
    sections = SectionRowSerializer(many=True)
    regions = RegionRowSerializer(many=True)
    months = MonthRowSerializer(many=True)
    targets = TargetFiguresSerializer()
    overdue_tasks = OverdueTaskSerializer(many=True)
    has_subregions = serializers.BooleanField()
