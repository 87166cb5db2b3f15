"""Tokens and the signed-in user."""

from rest_framework import serializers

from accounts.models import User
from regions.serializers import DepartmentBriefSerializer, RegionBriefSerializer


class UserSerializer(serializers.ModelSerializer):
    name = serializers.CharField(source="__str__", read_only=True)
    region = RegionBriefSerializer(allow_null=True)
    department = DepartmentBriefSerializer(allow_null=True)

    class Meta:
        model = User
        fields = ["id", "username", "name", "role", "region", "department", "is_superuser"]


class TokenSerializer(serializers.Serializer):
    token = serializers.CharField(help_text="Send as `Authorization: Token <token>`.")
    user = UserSerializer()
