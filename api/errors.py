"""The shapes of error bodies, for the schema (api/exceptions.py writes them)."""

from rest_framework import serializers


class ErrorSerializer(serializers.Serializer):
    detail = serializers.CharField(help_text="What went wrong, in the user's language.")
    code = serializers.CharField(help_text="A stable code: not_found, permission_denied, throttled...")


class ValidationErrorSerializer(ErrorSerializer):
    errors = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        help_text="Messages by field; nested fields are dotted (deadlines.0.due_on), others under "
        "non_field_errors.",
    )


class ChangeSinceSerializer(serializers.Serializer):
    action = serializers.CharField()
    actor = serializers.CharField(allow_null=True)
    fields = serializers.ListField(child=serializers.CharField())
    at = serializers.DateTimeField()


class VersionConflictSerializer(ErrorSerializer):
    current_version = serializers.IntegerField(help_text="Send this in If-Match after reviewing the task.")
    changes_since = ChangeSinceSerializer(many=True)
