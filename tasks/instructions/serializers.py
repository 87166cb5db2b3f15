"""领导批示 in the API: an instruction with its replies, and the bodies of 批示 and 办理情况."""

from __future__ import annotations

from django.urls import reverse
from rest_framework import serializers

from accounts.serializers import PersonSerializer
from regions.serializers import DepartmentBriefSerializer
from tasks.instructions.services.instructing import TEXT_MAX_CHARS
from tasks.models import Instruction, InstructionReply


class InstructionReplySerializer(serializers.ModelSerializer):
    department = DepartmentBriefSerializer()
    author = PersonSerializer()
    evidence_name = serializers.CharField(help_text="The evidence file's original name; empty without one.")
    evidence_url = serializers.SerializerMethodField(
        help_text="Where the evidence file downloads; null without one."
    )

    class Meta:
        model = InstructionReply
        fields = [
            "id",
            "instruction",
            "department",
            "author",
            "text",
            "evidence_name",
            "evidence_url",
            "created_at",
        ]

    def get_evidence_url(self, answer: InstructionReply) -> str | None:
        if not answer.evidence:
            return None
        url = reverse("api:instruction-reply-evidence", kwargs={"pk": answer.pk})
        request = self.context.get("request")
        return request.build_absolute_uri(url) if request is not None else url


class InstructionSerializer(serializers.ModelSerializer):
    department = DepartmentBriefSerializer(help_text="The department that answers.")
    author = PersonSerializer(help_text="The leader.")
    answered = serializers.SerializerMethodField(help_text="Whether the answering department has replied.")
    replies = InstructionReplySerializer(many=True)

    class Meta:
        model = Instruction
        fields = ["id", "task", "department", "author", "text", "created_at", "answered", "replies"]
        extra_kwargs = {"task": {"help_text": "Null for an instruction on a department's overdue tasks."}}

    def get_answered(self, instruction: Instruction) -> bool:
        # From the prefetched replies: no query per instruction.
        return any(r.department_id == instruction.department_id for r in instruction.replies.all())


class InstructionInputSerializer(serializers.Serializer):
    """批示 on a task: its text (the answering department is the task's lead)."""

    text = serializers.CharField(max_length=TEXT_MAX_CHARS, allow_blank=True)


class ReplyInputSerializer(serializers.Serializer):
    """办理情况 as JSON: what has been done."""

    text = serializers.CharField(max_length=TEXT_MAX_CHARS, allow_blank=True)


class ReplyUploadSerializer(ReplyInputSerializer):
    """办理情况 as multipart/form-data, with an optional evidence file."""

    file = serializers.FileField(
        required=False, help_text="Evidence: PDF, Word, Excel, JPEG or PNG, checked by content."
    )
