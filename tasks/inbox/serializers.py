"""The inbox and notifications, as the API gives them."""

from __future__ import annotations

from rest_framework import serializers

from tasks.models import EventKind, Notification


class InboxItemSerializer(serializers.Serializer):
    section = serializers.CharField(
        help_text="The kind of waiting thing (completion_request, task_returned, …)."
    )
    kind = serializers.CharField()
    title = serializers.CharField()
    detail = serializers.CharField(allow_blank=True)
    task = serializers.IntegerField(allow_null=True, source="task_id")
    report = serializers.IntegerField(allow_null=True, source="report_id")
    created_at = serializers.DateTimeField(allow_null=True)
    url = serializers.CharField(help_text="The portal page where it is acted on.")


class InboxSectionSerializer(serializers.Serializer):
    kind = serializers.CharField()
    label = serializers.CharField()
    total = serializers.IntegerField()


class InboxSerializer(serializers.Serializer):
    count = serializers.IntegerField(help_text="Everything waiting (the navigation's badge).")
    sections = InboxSectionSerializer(many=True)
    items = InboxItemSerializer(many=True, help_text="The first items of each section, section by section.")


class NotificationSerializer(serializers.ModelSerializer):
    kind = serializers.ChoiceField(choices=EventKind.choices)
    title = serializers.CharField(source="event.title")
    body = serializers.CharField(source="event.body")
    url = serializers.CharField(source="event.url")
    task = serializers.IntegerField(source="event.task_id", allow_null=True)
    report = serializers.IntegerField(source="event.report_id", allow_null=True)
    instruction = serializers.IntegerField(source="event.instruction_id", allow_null=True)
    actor = serializers.SerializerMethodField()
    read = serializers.SerializerMethodField()

    class Meta:
        model = Notification
        fields = [
            "id",
            "kind",
            "title",
            "body",
            "url",
            "task",
            "report",
            "instruction",
            "actor",
            "created_at",
            "read",
            "read_at",
        ]
        read_only_fields = fields

    def get_actor(self, notification: Notification) -> str | None:
        actor = notification.event.actor
        return str(actor) if actor else None

    def get_read(self, notification: Notification) -> bool:
        return notification.read_at is not None


class ReadAllSerializer(serializers.Serializer):
    marked = serializers.IntegerField(help_text="How many were unread.")
