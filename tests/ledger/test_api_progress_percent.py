"""报送进展 through the API with a percentage for a target in %: "72%" or "72％" is 72 (the rule of
tasks/numbers.py, as for the workbook and the forms); for any other target it is refused."""

import json
from decimal import Decimal

import pytest

from tasks.models import ProgressUpdate, Target
from tests.factories import TargetFactory

pytestmark = pytest.mark.django_db


def url(task) -> str:
    return f"/api/v1/tasks/{task.pk}/progress/"


@pytest.fixture
def rate(own_task):
    return own_task.targets.get()  # furnish's target: 住院费用按病种付费占比达到90%以上, in %


@pytest.fixture
def count(own_task):
    return TargetFactory(task=own_task, text="建成医疗集团10个", value=Decimal("10"), unit="个")


@pytest.mark.parametrize("value", ["92%", "92 %", "92％", "９２％"])
def test_a_percentage_for_a_target_in_percent_as_json(api_client, liaison, own_task, rate, value):
    response = api_client(liaison).post(
        url(own_task),
        {"status": "in_progress", "percent": 60, "readings": {str(rate.pk): value}},
        format="json",
    )

    assert response.status_code == 201, response.content
    assert response.json()["readings"] == [{"target": rate.pk, "value": "92.0000"}]
    rate.refresh_from_db()
    assert (rate.latest_actual, rate.attained) == (Decimal("92"), True)


@pytest.mark.parametrize("form", ["json_text", "field_per_target"])
def test_a_percentage_as_multipart(api_client, liaison, own_task, rate, form):
    readings = (
        {"readings": json.dumps({rate.pk: "92.5％"})}
        if form == "json_text"
        else {f"readings.{rate.pk}": "92.5%"}
    )
    response = api_client(liaison).post(
        url(own_task), {"status": "in_progress", "percent": 60, **readings}, format="multipart"
    )

    assert response.status_code == 201, response.content
    assert Target.objects.get(pk=rate.pk).latest_actual == Decimal("92.5")


def test_a_percentage_for_a_target_counted_in_units_is_400_under_readings(
    api_client, liaison, own_task, count
):
    response = api_client(liaison).post(
        url(own_task),
        {"status": "in_progress", "percent": 60, "readings": {str(count.pk): "9%"}},
        format="json",
    )

    assert response.status_code == 400, response.content
    # In Chinese, the API's language.
    assert response.json()["errors"] == {
        "readings": ["“9%”是百分数，但该指标的单位是“个”：请按“个”填写纯数字，不要带 % 号。"]
    }
    assert not ProgressUpdate.objects.filter(task=own_task, percent=60).exists()


@pytest.mark.parametrize("value", ["九十%", "92%%", "92.12345%"])
def test_a_percent_sign_does_not_make_a_number(api_client, liaison, own_task, rate, value):
    response = api_client(liaison).post(
        url(own_task),
        {"status": "in_progress", "percent": 60, "readings": {str(rate.pk): value}},
        format="json",
    )

    assert response.status_code == 400, response.content
    assert list(response.json()["errors"]) == [f"readings.{rate.pk}"]
