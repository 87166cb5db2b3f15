"""Each upload slot says what it accepts: the report's the filled workbook only; evidence slots their
kinds, size and count; the document import its formats. A wrong file in the report slot is refused
with the report's own message, not the evidence check's list of kinds."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tasks.reports.services.filling import FillErrors, upload_report
from tests.factories import InstructionFactory
from tests.reports.cast import login

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english", "report_media")]


def test_the_report_upload_takes_the_filled_workbook_only(client, built, liaison):
    login(client, liaison)
    page = client.get(reverse("report_detail", args=[built.pk])).content.decode()
    slot = page[page.index('class="upload-form"') :]
    slot = slot[: slot.index("</form>")]
    assert "filled-in report workbook (.xlsx" in slot
    assert 'accept=".xlsx"' in slot
    assert "JPEG" not in slot
    assert "PDF" not in slot


def test_a_picture_or_a_program_in_the_report_slot_is_told_to_upload_the_workbook(built, liaison):
    for name, data in [
        ("photo.png", b"\x89PNG\r\n\x1a\n" + b"0" * 64),
        ("tool.xlsx", b"MZ\x90\x00" + b"0" * 64),
    ]:
        with pytest.raises(FillErrors) as failure:
            upload_report(built, liaison, SimpleUploadedFile(name, data))
        messages = [error.message for error in failure.value.errors_list]
        assert messages == ["Upload the report as the .xlsx workbook it was downloaded as."], name


def test_evidence_slots_say_their_kinds_size_and_count(client, insurance_task, liaison, insurance_bureau):
    InstructionFactory(task=insurance_task, department=insurance_bureau)
    login(client, liaison)
    page = client.get(reverse("task_detail", args=[insurance_task.pk])).content.decode()
    assert (
        "PDF, Word (.docx, .doc), Excel (.xlsx, .xls), JPEG or PNG; up to 20 files of at most 20.0\xa0MB each."
        in page
    )
    assert "One file: PDF, Word (.docx, .doc), Excel (.xlsx, .xls), JPEG or PNG, at most 20.0\xa0MB." in page
    assert 'accept=".doc,.docx,.jpeg,.jpg,.pdf,.png,.xls,.xlsx"' in page


def test_the_document_import_says_its_formats(client, office):
    login(client, office)
    page = client.get(reverse("document_import")).content.decode()
    assert "Word (.docx), PDF, Excel (.xlsx) or plain text (.txt, .md), at most 20.0\xa0MB." in page
