"""A percentage typed into the department report, read as the liaison meant it: 72% is 72, not 0.72.

Excel and LibreOffice store a typed 72% as 0.72 in a percent-formatted cell; a text cell or the online
form may hold "72%", "72％" or "７２％". The insurance task gets a third target here, a rate in % (its
actual is column T of the workbook); the first target counts 个 (column R), the second has no unit (S).
Workbooks are written by openpyxl, and by LibreOffice itself (tests/libreoffice.py) as the real client.
"""

import io
import zipfile
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook

from tasks.models import Report, Target, Task
from tasks.reports.services.department import build_report
from tasks.reports.services.filling import fill_online, upload_report
from tests.factories import TargetFactory
from tests.reports.cast import BUILD_DAY, open_workbook, workbook_upload
from tests.reports.test_department_reports_filling import fill, refused

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english", "report_media")]

RATE_COLUMN = "T"  # the third target's actual
PERCENT_HEADER = "O（Progress this period (%)）"


@pytest.fixture
def rate(insurance_task, targets):
    return TargetFactory(
        task=insurance_task,
        text="DRG/DIP付费医疗机构覆盖率达到70%以上",
        metric="覆盖率",
        comparator=Target.Comparator.AT_LEAST,
        value=Decimal("70"),
        unit="%",
        latest_actual=None,
    )


@pytest.fixture
def rate_built(rate, report):
    assert build_report(report.pk, today=BUILD_DAY) == Report.Status.DONE
    report.refresh_from_db()
    return report


def set_cell(sheet, reference, value, number_format=None):
    sheet[reference] = value
    if number_format:
        sheet[reference].number_format = number_format


def as_posted(data: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile("filled.xlsx", data, content_type="application/octet-stream")


def recorded(rate, task) -> tuple:
    rate = Target.objects.get(pk=rate.pk)
    return rate.latest_actual, rate.attained, Task.objects.get(pk=task.pk).progress


class TestWorkbooksSavedByOpenpyxl:
    def test_the_rate_is_the_third_actual_column(self, rate_built):
        sheet = open_workbook(rate_built).worksheets[0]
        assert sheet[f"{RATE_COLUMN}3"].value == "Actual value of target ③"
        assert sheet["O4"].number_format == "General"

    @pytest.mark.parametrize(
        ("value", "number_format"),
        [
            (0.72, "0%"),
            (0.72, "0.0%"),
            (0.72, "0.00%"),
            ("72%", None),
            ("72 %", None),
            ("72％", None),
            ("７２％", None),
        ],
    )
    def test_a_percentage_in_the_rate_and_the_percent_column_is_72(
        self, rate_built, liaison, rate, report_tasks, value, number_format
    ):
        workbook = open_workbook(rate_built)
        sheet = workbook.worksheets[0]
        fill(sheet, 4, status="In progress")
        set_cell(sheet, "O4", value, number_format)
        set_cell(sheet, f"{RATE_COLUMN}4", value, number_format)

        assert upload_report(rate_built, liaison, workbook_upload(workbook)) == 1

        assert recorded(rate, report_tasks["insurance"]) == (Decimal("72"), True, 72)

    def test_a_fraction_of_a_percent_is_kept_exactly(self, rate_built, liaison, rate, report_tasks):
        workbook = open_workbook(rate_built)
        sheet = workbook.worksheets[0]
        fill(sheet, 4, status="In progress", percent=60)
        set_cell(sheet, f"{RATE_COLUMN}4", 0.695, "0.0%")

        upload_report(rate_built, liaison, workbook_upload(workbook))

        assert recorded(rate, report_tasks["insurance"]) == (Decimal("69.5"), False, 60)

    def test_plain_numbers_stay_as_they_are(self, rate_built, liaison, rate, report_tasks, targets):
        workbook = open_workbook(rate_built)
        sheet = workbook.worksheets[0]
        fill(sheet, 4, status="In progress", percent=72, actual1=95)
        set_cell(sheet, f"{RATE_COLUMN}4", 72)

        upload_report(rate_built, liaison, workbook_upload(workbook))

        assert recorded(rate, report_tasks["insurance"]) == (Decimal("72"), True, 72)
        assert Target.objects.get(pk=targets[0].pk).latest_actual == Decimal("95")

    def test_a_plain_fraction_is_not_taken_for_a_percentage(self, rate_built, liaison, rate, report_tasks):
        # Without a % sign or format 0.72 is what was typed: 0.72%.
        workbook = open_workbook(rate_built)
        sheet = workbook.worksheets[0]
        fill(sheet, 4, status="In progress", percent=10)
        set_cell(sheet, f"{RATE_COLUMN}4", 0.72)

        upload_report(rate_built, liaison, workbook_upload(workbook))

        assert recorded(rate, report_tasks["insurance"]) == (Decimal("0.72"), False, 10)

    def test_a_percentage_where_the_target_is_not_one_is_refused(self, rate_built, liaison):
        workbook = open_workbook(rate_built)
        sheet = workbook.worksheets[0]
        fill(sheet, 4, status="In progress", percent=10, actual1="95%", actual2="50％")

        assert refused(rate_built, liaison, workbook_upload(workbook)) == [
            (
                4,
                "R（Actual value of target ①）",
                "“95%” is a percentage, but this target is counted in 个: enter a plain number in 个, "
                "without the % sign.",
            ),
            (
                4,
                "S（Actual value of target ②）",
                "“50%” is a percentage, but this target is not measured in %: enter a plain number, "
                "without the % sign.",
            ),
        ]

    def test_a_percent_formatted_number_where_the_target_is_not_one_is_refused(self, rate_built, liaison):
        workbook = open_workbook(rate_built)
        sheet = workbook.worksheets[0]
        fill(sheet, 4, status="In progress", percent=10)
        set_cell(sheet, "R4", 0.95, "0%")

        assert refused(rate_built, liaison, workbook_upload(workbook)) == [
            (
                4,
                "R（Actual value of target ①）",
                "“95%” is a percentage, but this target is counted in 个: enter a plain number in 个, "
                "without the % sign.",
            )
        ]

    @pytest.mark.parametrize(
        ("value", "number_format", "shown"),
        [(0.725, "0.0%", "72.5%"), (1.01, "0%", "101%"), ("72.5%", None, "72.5%"), ("-5%", None, "-5%")],
    )
    def test_a_percent_that_is_no_whole_number_from_0_to_100_keeps_its_error(
        self, rate_built, liaison, value, number_format, shown
    ):
        workbook = open_workbook(rate_built)
        sheet = workbook.worksheets[0]
        fill(sheet, 4, status="In progress")
        set_cell(sheet, "O4", value, number_format)

        assert refused(rate_built, liaison, workbook_upload(workbook)) == [
            (4, PERCENT_HEADER, f"“{shown}” is not a whole number from 0 to 100.")
        ]

    @pytest.mark.parametrize("garbage", ["七十二%", "%", "72%%"])
    def test_a_percent_sign_does_not_make_a_number(self, rate_built, liaison, garbage):
        workbook = open_workbook(rate_built)
        sheet = workbook.worksheets[0]
        fill(sheet, 4, status="In progress", percent=10)
        set_cell(sheet, f"{RATE_COLUMN}4", garbage)

        assert refused(rate_built, liaison, workbook_upload(workbook)) == [
            (4, "T（Actual value of target ③）", f"“{garbage}” is not a number.")
        ]

    def test_the_notes_say_a_percentage_may_be_typed(self, rate_built):
        notes = "\n".join(
            str(row[0]) for row in open_workbook(rate_built)["Notes"].iter_rows(values_only=True)
        )
        assert "a whole number from 0 to 100, such as 72 or 72%." in notes
        assert "for a target in %, 72 and 72% both mean 72%" in notes


class TestOnlineForm:
    def test_percent_texts_are_read_as_percentages(self, rate_built, liaison, rate, report_tasks):
        insurance = report_tasks["insurance"]

        fill_online(
            rate_built,
            liaison,
            {insurance.pk: {"status": "in_progress", "percent": "７２％", f"actual-{rate.pk}": "72%"}},
        )

        assert recorded(rate, insurance) == (Decimal("72"), True, 72)

    def test_a_percentage_where_the_target_is_not_one_is_refused(
        self, rate_built, liaison, report_tasks, targets
    ):
        insurance = report_tasks["insurance"]
        before = Target.objects.get(pk=targets[0].pk).latest_actual

        with pytest.raises(Exception, match="is a percentage, but this target is counted in 个") as failure:
            fill_online(
                rate_built,
                liaison,
                {insurance.pk: {"status": "in_progress", "percent": "10", f"actual-{targets[0].pk}": "95%"}},
            )

        [error] = failure.value.errors_list
        assert error.row.endswith(f"（{insurance.pk}）")
        assert error.column == "Actual value of “按病种付费病种数达到100个以上”"
        assert Target.objects.get(pk=targets[0].pk).latest_actual == before


def saved_by_libreoffice(data: bytes) -> bool:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return b"LibreOffice" in archive.read("docProps/app.xml")


@pytest.mark.libreoffice
class TestWorkbooksSavedByLibreOffice:
    def test_percentages_typed_in_libreoffice_are_read_as_typed(
        self, libreoffice, rate_built, liaison, rate, report_tasks
    ):
        with rate_built.file.open("rb") as handle:
            portal = handle.read()

        saved = libreoffice(
            portal,
            {
                "N4": "In progress",
                "O4": "72%",
                f"{RATE_COLUMN}4": "72.5%",
                "N5": "In progress",
                "O5": "７２％",  # full-width: LibreOffice keeps it as text
            },
        )

        assert saved_by_libreoffice(saved)
        # What LibreOffice made of the typing: fractions with a percent format, and the text.
        sheet = load_workbook(io.BytesIO(saved)).worksheets[0]
        assert (sheet["O4"].value, sheet[f"{RATE_COLUMN}4"].value) == (0.72, 0.725)
        assert "%" in sheet["O4"].number_format
        assert "%" in sheet[f"{RATE_COLUMN}4"].number_format
        assert sheet["O5"].value == "７２％"

        assert upload_report(rate_built, liaison, as_posted(saved)) == 2

        assert recorded(rate, report_tasks["insurance"]) == (Decimal("72.5"), True, 72)
        assert Task.objects.get(pk=report_tasks["coop"].pk).progress == 72

    def test_a_percentage_typed_for_a_target_counted_in_units_is_refused(
        self, libreoffice, rate_built, liaison
    ):
        with rate_built.file.open("rb") as handle:
            saved = libreoffice(handle.read(), {"N4": "In progress", "O4": "10", "R4": "95%"})

        assert refused(rate_built, liaison, as_posted(saved)) == [
            (
                4,
                "R（Actual value of target ①）",
                "“95%” is a percentage, but this target is counted in 个: enter a plain number in 个, "
                "without the % sign.",
            )
        ]
