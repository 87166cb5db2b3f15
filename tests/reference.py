"""Fixtures with the real reference data (regions, departments, aliases) loaded once per module."""

import json
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

from regions.models import Department, DepartmentAlias, Region

FIXTURES = Path(settings.BASE_DIR) / "fixtures"


def fixture_records(name: str) -> list[dict]:
    return json.loads((FIXTURES / f"{name}.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def loaded_once(django_db_setup, django_db_blocker):
    """Load the fixtures once for the module (loading with natural keys takes seconds), then remove them."""
    with django_db_blocker.unblock():
        call_command("loaddata", "regions", "departments", verbosity=0)
    yield
    codes = [record["fields"]["code"] for record in fixture_records("regions")]
    with django_db_blocker.unblock():
        DepartmentAlias.objects.filter(region__code__in=codes).delete()
        Department.objects.filter(region__code__in=codes).delete()
        for level in (Region.Level.COUNTY, Region.Level.CITY, Region.Level.PROVINCE):
            Region.objects.filter(code__in=codes, level=level).delete()


@pytest.fixture
def reference_data(loaded_once, db):
    """The loaded reference data; each test runs in a transaction that is rolled back."""
