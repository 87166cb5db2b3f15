"""催办: the message, and who was reminded or skipped (already reminded today)."""

from rest_framework import serializers

from accounts.serializers import PersonSerializer
from tasks.reminders.services.sending import MESSAGE_MAX_CHARS


class ReminderInputSerializer(serializers.Serializer):
    message = serializers.CharField(max_length=MESSAGE_MAX_CHARS, allow_blank=True)


class ReminderSentSerializer(serializers.Serializer):
    id = serializers.IntegerField(help_text="The reminder.")
    recipient = PersonSerializer()


class ReminderResultSerializer(serializers.Serializer):
    reminded = ReminderSentSerializer(many=True)
    skipped = PersonSerializer(many=True, help_text="Liaisons already reminded about this task today.")
