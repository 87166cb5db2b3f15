"""People in the API: tokens, the signed-in user, and who did something."""

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


# Who did something (reported, requested, decided): the name as the portal shows it. A comment, not a
# docstring: the OpenAPI schema's component stays as it was.
class PersonSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField(source="__str__")
