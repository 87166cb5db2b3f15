"""API representations that several features share (the document a task or an import belongs to)."""

from rest_framework import serializers

from tasks.models import PolicyDocument

__all__ = ["DocumentBriefSerializer"]


class DocumentBriefSerializer(serializers.ModelSerializer):
    class Meta:
        model = PolicyDocument
        fields = ["id", "title", "doc_number"]
