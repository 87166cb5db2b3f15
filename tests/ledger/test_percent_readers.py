"""A percentage for a target in %, wherever an actual is read besides the report workbook: the service
(record_progress) and the task page's progress form. The API is in tests/ledger/test_api_progress_percent.py;
the workbook and the report's online form in tests/reports/test_report_percentages.py. One rule for all:
tasks/numbers.py."""

from decimal import Decimal

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from tasks.ledger.forms import ProgressForm
from tasks.ledger.services.progress import record_progress
from tasks.models import ProgressUpdate, Target
from tests.factories import TargetFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def rate(insurance_task):
    return TargetFactory(
        task=insurance_task, metric="覆盖率", value=Decimal("70"), unit="%", latest_actual=None
    )


@pytest.fixture
def count(insurance_task):
    return TargetFactory(
        task=insurance_task, text="建成医疗集团10个", metric="医疗集团数", value=Decimal("10"), unit="个"
    )


def actual(target) -> tuple:
    target = Target.objects.get(pk=target.pk)
    return target.latest_actual, target.attained


class TestRecordProgress:
    @pytest.mark.parametrize("value", ["72%", "72 %", "72％", "７２％", Decimal("72"), "72"])
    def test_a_percentage_for_a_target_in_percent(self, liaison, insurance_task, rate, value):
        record_progress(insurance_task, liaison, status="in_progress", percent=10, readings={rate.pk: value})

        assert actual(rate) == (Decimal("72"), True)

    def test_a_percentage_for_a_target_counted_in_units_is_refused(self, liaison, insurance_task, count):
        with pytest.raises(ValidationError) as refusal:
            record_progress(
                insurance_task, liaison, status="in_progress", percent=10, readings={count.pk: "9%"}
            )

        assert refusal.value.messages == [
            "“9%” is a percentage, but this target is counted in 个: enter a plain number in 个, without the % sign."
        ]
        assert refusal.value.error_list[0].code == "reading"
        assert not ProgressUpdate.objects.exists()


class TestTaskPageForm:
    def form(self, insurance_task, targets, data):
        return ProgressForm(
            {"status": "in_progress", "percent": "10", **data}, task=insurance_task, targets=targets
        )

    @pytest.mark.parametrize("value", ["72%", "72％", "７２％", "72.5%", "72"])
    def test_a_percentage_is_read_for_a_target_in_percent(self, insurance_task, rate, value):
        form = self.form(insurance_task, [rate], {f"target_{rate.pk}": value})

        assert form.is_valid(), form.errors
        assert form.readings() == {rate.pk: Decimal(value.rstrip("%％").replace("７２", "72"))}

    def test_its_input_takes_a_percent_sign_and_others_stay_number_inputs(self, insurance_task, rate, count):
        form = ProgressForm(task=insurance_task, targets=[rate, count])
        html = str(form[f"target_{rate.pk}"]), str(form[f"target_{count.pk}"])

        assert 'type="text"' in html[0]
        assert 'inputmode="decimal"' in html[0]
        assert 'type="number"' in html[1]

    def test_a_percentage_for_a_target_counted_in_units_is_an_error_of_its_field(self, insurance_task, count):
        form = self.form(insurance_task, [count], {f"target_{count.pk}": "95%"})

        assert not form.is_valid()
        assert form.errors[f"target_{count.pk}"] == [
            "“95%” is a percentage, but this target is counted in 个: enter a plain number in 个, without the % sign."
        ]

    @pytest.mark.parametrize(
        ("value", "message"), [("七十%", "Enter a number."), ("72.12345%", "decimal places")]
    )
    def test_other_mistakes_keep_their_messages(self, insurance_task, rate, value, message):
        form = self.form(insurance_task, [rate], {f"target_{rate.pk}": value})

        assert not form.is_valid()
        assert message in form.errors[f"target_{rate.pk}"][0]

    def test_the_page_records_a_typed_percentage(self, client, liaison, insurance_task, rate, count):
        client.force_login(liaison)
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"

        response = client.post(
            reverse("task_progress", args=[insurance_task.pk]),
            {
                "status": "in_progress",
                "percent": "72",
                f"target_{rate.pk}": "７２％",
                f"target_{count.pk}": "9",
            },
        )

        assert response.status_code == 302
        assert actual(rate) == (Decimal("72"), True)
        assert actual(count) == (Decimal("9"), False)

    def test_the_page_refuses_a_percentage_for_a_count(self, client, liaison, insurance_task, count):
        client.force_login(liaison)
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"

        response = client.post(
            reverse("task_progress", args=[insurance_task.pk]),
            {"status": "in_progress", "percent": "72", f"target_{count.pk}": "9%"},
        )

        assert response.status_code == 400
        assert "is a percentage, but this target is counted in 个" in response.content.decode()
        assert not ProgressUpdate.objects.exists()
