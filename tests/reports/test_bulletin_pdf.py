"""The 通报 as LibreOffice Writer prints it: the PDF has the title, the figures, the ranking's
departments and the page numbers in the footer (the cast of tests/reports/test_bulletin.py)."""

import io
import os
from pathlib import Path

import pdfplumber
import pytest
from django.utils import translation

from tasks.reports.services.bulletin import bulletin_content
from tasks.workbooks.bulletin import build_bulletin_document
from tests.factories import AssignmentFactory, TaskFactory
from tests.reports.test_bulletin import PERIOD, TODAY, cast  # noqa: F401  (the fixture)

pytestmark = [pytest.mark.django_db, pytest.mark.libreoffice, pytest.mark.usefixtures("report_media")]


def compact(text: str) -> str:
    """PDF text without the spaces and line breaks the layout put in."""
    return "".join(text.split())


@pytest.fixture
def many_departments(zhengzhou, zhengzhou_document):
    """Forty more departments, so that the ranking table runs onto a second page."""
    from regions.models import Department

    for number in range(40):
        department = Department.objects.create(region=zhengzhou, name=f"郑州市第{number + 1}局")
        AssignmentFactory(task=TaskFactory(document=zhengzhou_document), department=department)


@pytest.mark.usefixtures("cast", "many_departments")
def test_the_pdf_has_the_title_figures_ranking_and_page_numbers(zhengzhou, libreoffice_pdf):
    with translation.override("zh-hans"):
        document = build_bulletin_document(bulletin_content(zhengzhou, PERIOD, TODAY))
    pdf_bytes = libreoffice_pdf(document, suffix=".docx")
    if folder := os.environ.get("BULLETIN_PDF_DIR"):  # to look at it
        Path(folder, "bulletin.pdf").write_bytes(pdf_bytes)
    with pdfplumber.open(io.BytesIO(pdf_bytes)) as pdf:
        pages = [page.extract_text() or "" for page in pdf.pages]
        footers = [
            page.crop((0, page.height * 0.88, page.width, page.height)).extract_text() or ""
            for page in pdf.pages
        ]
    text = compact("\n".join(pages))
    assert len(pages) >= 2
    assert "郑州市深化医药卫生体制改革重点任务推进情况通报（2026年10月）" in text
    # 8 tasks of the cast and 40 more.
    assert "纳入台账管理的重点任务共48项，已完成4项" in text
    assert "按期完成率66.7%" in text
    for name in ("郑州市医疗保障局", "郑州市卫生健康委员会", "中原区人民政府", "郑州市第40局"):
        assert name in text
    assert "郑州市深化医药卫生体制改革领导小组办公室" in text
    # "— 1 —", "— 2 —"… at the foot of each page.
    assert [compact(footer)[-3:] for footer in footers[:2]] == ["—1—", "—2—"]
    # The table's header is printed again on the page it runs onto.
    assert sum(compact(page).count("排名部门牵头任务") for page in pages) >= 2
