"""Hostile uploads through every door: evidence on the progress page and the API progress endpoint,
documents on /documents/import/ and the API document-imports endpoint. Each is refused with a message
saying why, and leaves no row and no file behind.

Evidence messages are the portal's (English here: the language cookie); the document parser's are its
own Chinese messages.
"""

import io
import zipfile
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from tasks.models import DocumentImport, Evidence, PolicyDocument, ProgressUpdate, Task
from tests.imports.test_importing import SMALL

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
ELF = b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 200
EXE = b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 200
HTML = b"<!doctype html><html><body><script>alert(document.cookie)</script></body></html>"
SVG = b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><circle r="5"/></svg>'


def plain_zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("readme.txt", "not an office document")
    return buffer.getvalue()


def zip_bomb(member: str) -> bytes:
    """A small Office-looking zip whose main part inflates to 50 MB of zeros (about 50 KB packed)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr(member, b"\x00" * (50 * 1024 * 1024))
    return buffer.getvalue()


def media_files() -> set[str]:
    return {str(p) for p in Path(settings.MEDIA_ROOT).rglob("*") if p.is_file()}


def says(response, message: str | tuple[str, ...]) -> bool:
    text = response.content.decode()
    return any(m in text for m in ((message,) if isinstance(message, str) else message))


def snapshot() -> tuple:
    return (
        ProgressUpdate.objects.count(),
        Evidence.objects.count(),
        DocumentImport.objects.count(),
        PolicyDocument.objects.count(),
        Task.objects.count(),
        media_files(),
    )


# (name, bytes, what the evidence message says, what the parser's message says)
CORPUS = [
    pytest.param(
        "report.pdf", ELF, "is not a PDF, Word, Excel, JPEG or PNG file", "不是有效的PDF", id="elf-as-pdf"
    ),
    pytest.param("setup.docx", EXE, "is not a PDF, Word, Excel, JPEG or PNG file", "Word", id="exe-as-docx"),
    pytest.param(
        "minutes.pdf", plain_zip(), "is a zip archive, not a Word or Excel document", "ZIP", id="zip-as-pdf"
    ),
    pytest.param(
        "minutes.docx",
        plain_zip(),
        "is a zip archive, not a Word or Excel document",
        "Word",
        id="zip-as-docx",
    ),
    pytest.param("page.pdf", HTML, "contains web page or script content", "网页或脚本", id="html-as-pdf"),
    pytest.param("logo.png", SVG, "contains web page or script content", "网页或脚本", id="svg-as-png"),
    pytest.param("notes.txt", HTML, "contains web page or script content", "网页或脚本", id="html-as-txt"),
    pytest.param(
        "bomb.docx", zip_bomb("word/document.xml"), "expands to far more data", "压缩炸弹", id="docx-zip-bomb"
    ),
    pytest.param(
        "bomb.xlsx", zip_bomb("xl/workbook.xml"), "expands to far more data", "压缩炸弹", id="xlsx-zip-bomb"
    ),
    pytest.param(
        "../../etc/passwd.pdf",
        ELF,
        "“passwd.pdf” is not a PDF",
        "不是有效的PDF",
        id="traversal",
    ),
    pytest.param("a\x00b.pdf", ELF, "is not a PDF", "不是有效的PDF", id="nul-in-name"),
    pytest.param(
        "evil\r\n.pdf", HTML, "contains web page or script content", "网页或脚本", id="crlf-in-name"
    ),
    pytest.param(
        "empty.pdf",
        b"",
        "is empty",
        ("文件为空", "The submitted file is empty", "提交的是空文件"),
        id="empty",
    ),
]


@pytest.fixture
def english():
    def client_for(user) -> Client:
        client = Client()
        client.force_login(user)
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        return client

    return client_for


@pytest.fixture
def own_task(insurance_task):
    return insurance_task


class TestEvidence:
    @pytest.mark.parametrize(("name", "content", "message", "_parser"), CORPUS)
    def test_on_the_progress_page_is_refused_and_stores_nothing(
        self, english, liaison, own_task, name, content, message, _parser
    ):
        before = snapshot()
        response = english(liaison).post(
            f"/tasks/{own_task.pk}/progress/",
            {"status": "in_progress", "percent": "10", "files": [SimpleUploadedFile(name, content)]},
        )
        assert response.status_code in (200, 400)
        assert says(response, message)
        assert snapshot() == before

    @pytest.mark.parametrize(("name", "content", "message", "_parser"), CORPUS)
    def test_through_the_api_is_refused_and_stores_nothing(
        self, api_client, liaison, own_task, name, content, message, _parser
    ):
        client = api_client(liaison)
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        before = snapshot()
        response = client.post(
            f"/api/v1/tasks/{own_task.pk}/progress/",
            {"status": "in_progress", "percent": 10, "files": [SimpleUploadedFile(name, content)]},
            format="multipart",
        )
        assert response.status_code == 400, response.content
        assert says(response, message)
        assert snapshot() == before

    def test_oversize_is_refused_on_the_page_by_the_setting(self, settings, english, liaison, own_task):
        settings.EVIDENCE_MAX_BYTES = 1000
        before = snapshot()
        response = english(liaison).post(
            f"/tasks/{own_task.pk}/progress/",
            {
                "status": "in_progress",
                "percent": "10",
                "files": [SimpleUploadedFile("big.pdf", PDF + b"0" * 2000)],
            },
        )
        assert "is larger than the limit of" in response.content.decode()
        assert snapshot() == before


class TestDocumentImport:
    @pytest.mark.parametrize(("name", "content", "_evidence", "message"), CORPUS)
    def test_on_the_import_page_is_refused_and_stores_nothing(
        self, english, office, zhengzhou, name, content, _evidence, message
    ):
        before = snapshot()
        response = english(office).post(
            "/documents/import/", {"file": SimpleUploadedFile(name, content), "region": zhengzhou.pk}
        )
        assert response.status_code in (200, 400)
        assert says(response, message)
        assert snapshot() == before

    @pytest.mark.parametrize(("name", "content", "_evidence", "message"), CORPUS)
    def test_through_the_api_is_refused_and_stores_nothing(
        self, api_client, office, zhengzhou, name, content, _evidence, message
    ):
        before = snapshot()
        response = api_client(office).post(
            "/api/v1/document-imports/",
            {"file": SimpleUploadedFile(name, content), "region": zhengzhou.pk},
            format="multipart",
        )
        assert response.status_code == 400, response.content
        assert says(response, message)
        assert snapshot() == before

    def test_oversize_is_refused_by_the_setting(self, settings, english, office, zhengzhou):
        settings.UPLOAD_MAX_BYTES = 100
        before = snapshot()
        response = english(office).post(
            "/documents/import/",
            {"file": SimpleUploadedFile("small.txt", SMALL.encode()), "region": zhengzhou.pk},
        )
        assert "larger than the upload limit" in response.content.decode()
        assert snapshot() == before
