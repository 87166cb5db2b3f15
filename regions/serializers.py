"""Regions and departments (reference data, with the aliases documents use for departments)."""

from rest_framework import serializers

from regions.models import Department, Region


class RegionBriefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Region
        fields = ["id", "code", "name"]


class RegionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Region
        fields = ["id", "code", "name", "level", "parent"]


class DepartmentBriefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Department
        fields = ["id", "name"]


class DepartmentSerializer(serializers.ModelSerializer):
    region = RegionBriefSerializer()
    aliases = serializers.SlugRelatedField(slug_field="alias", many=True, read_only=True)

    class Meta:
        model = Department
        fields = ["id", "name", "kind", "region", "governed_region", "is_active", "aliases"]
