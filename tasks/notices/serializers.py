"""The group robots in the API: the secret is write-only (`secret_hint` shows its last characters)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from regions.models import Department, Region
from tasks.models import EventKind, Robot
from tasks.models.notices import ROBOT_PLATFORMS
from tasks.notices.services.robots import mask_secret


class RobotSerializer(serializers.ModelSerializer):
    platform = serializers.ChoiceField(choices=[(c.value, c.label) for c in ROBOT_PLATFORMS])
    secret = serializers.CharField(
        write_only=True,
        required=False,
        allow_blank=True,
        max_length=200,
        help_text=_(
            '钉钉 加签 or 飞书 签名校验. Write-only; omit it to keep the robot\'s, send "" to remove it.'
        ),
    )
    secret_hint = serializers.SerializerMethodField(
        help_text=_("The secret masked: empty when there is none.")
    )
    events = serializers.ListField(
        child=serializers.ChoiceField(choices=EventKind.choices),
        required=False,
        help_text=_("The kinds of event it posts; empty posts every kind."),
    )
    # The service checks that both are the user's to choose (its scope), as the pages do.
    region = serializers.PrimaryKeyRelatedField(
        queryset=Region.objects.all(),
        required=False,
        help_text=_("The office's region; office staff's own by default."),
    )
    department = serializers.PrimaryKeyRelatedField(
        queryset=Department.objects.all(),
        required=False,
        allow_null=True,
        help_text=_("A department's group; null for the office's own group."),
    )

    class Meta:
        model = Robot
        fields = [
            "id",
            "platform",
            "name",
            "webhook_url",
            "secret",
            "secret_hint",
            "events",
            "region",
            "department",
            "is_active",
            "created_at",
        ]
        read_only_fields = ["id", "created_at"]

    def get_secret_hint(self, robot: Robot) -> str:
        return mask_secret(robot.secret)


class RobotTestSerializer(serializers.Serializer):
    ok = serializers.BooleanField(help_text=_("Whether the platform accepted the message."))
    summary = serializers.CharField(help_text=_("What the platform answered, in words."))
    answer = serializers.CharField(allow_blank=True, help_text=_("The answer as it came: status and body."))
