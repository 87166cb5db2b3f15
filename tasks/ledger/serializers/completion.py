"""Closing a task: the department's completion request (申请销号), the office's return with a reason.

The office's verification (销号) has no body: the task's version comes in If-Match.
"""

from rest_framework import serializers

from tasks.ledger.services.progress import MAX_FILES


class CompletionRequestInputSerializer(serializers.Serializer):
    """申请销号 as JSON: what was done (request_completion refuses a blank one, naming `narrative`)."""

    narrative = serializers.CharField(
        allow_blank=True, help_text="What was done to complete the task; it may not be blank."
    )


class CompletionRequestUploadSerializer(CompletionRequestInputSerializer):
    """申请销号 as multipart/form-data, with evidence files (`files`, repeated)."""

    files = serializers.ListField(
        child=serializers.FileField(),
        required=False,
        default=list,
        max_length=MAX_FILES,
        help_text="Evidence files: PDF, Word, Excel, JPEG or PNG, checked by content.",
    )


class ReturnInputSerializer(serializers.Serializer):
    reason = serializers.CharField(
        allow_blank=True, help_text="Why the task goes back to the department; it may not be blank."
    )
