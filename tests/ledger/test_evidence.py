"""Evidence files are checked by content: a corpus of bad uploads, each refused with nothing stored."""

import io
import os
import re
import zipfile

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from tasks.ledger.services.progress import record_progress
from tasks.models import Evidence, ProgressUpdate, Task, TaskStatus
from tasks.uploads import check_evidence, safe_filename

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    # Messages are asserted by their msgids, whatever the Chinese catalogue says.
    with translation.override("en"):
        yield


PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 64
PDF = b"%PDF-1.7\n1 0 obj\n<< >>\nendobj\n%%EOF\n"
OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100


def ooxml(main: str, extra: dict[str, bytes] | None = None) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types/>')
        archive.writestr(main, "<document/>")
        for name, content in (extra or {}).items():
            archive.writestr(name, content)
    return buffer.getvalue()


def upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content)


def media_files() -> set[str]:
    found = set()
    for root, _dirs, files in os.walk(settings.MEDIA_ROOT):
        found.update(os.path.join(root, f) for f in files)
    return found


class TestGoodFiles:
    @pytest.mark.parametrize(
        ("name", "content", "content_type"),
        [
            ("会议纪要.pdf", PDF, "application/pdf"),
            ("现场照片.JPG", JPEG, "image/jpeg"),
            ("截图.png", PNG, "image/png"),
            (
                "实施方案.docx",
                ooxml("word/document.xml"),
                "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            ),
            (
                "统计表.xlsx",
                ooxml("xl/workbook.xml"),
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            ),
            ("旧版方案.doc", OLE2 + "WordDocument".encode("utf-16-le"), "application/msword"),
            ("旧版统计.xls", OLE2 + "Workbook".encode("utf-16-le"), "application/vnd.ms-excel"),
        ],
    )
    def test_are_accepted_with_their_real_type_and_checksum(self, name, content, content_type):
        checked = check_evidence(upload(name, content))

        assert checked.content_type == content_type
        assert checked.size == len(content)
        assert len(checked.sha256) == 64
        assert checked.safe_name == name

    def test_are_stored_under_random_names_outside_static(self, liaison, insurance_task):
        record_progress(
            insurance_task,
            liaison,
            status=TaskStatus.IN_PROGRESS,
            percent=10,
            files=[upload("会议纪要.pdf", PDF)],
        )

        evidence = Evidence.objects.get()
        assert evidence.original_name == "会议纪要.pdf"
        assert evidence.file.name.startswith("evidence/")
        assert evidence.file.name.endswith(".pdf")
        assert "会议纪要" not in evidence.file.name
        assert os.path.realpath(evidence.file.path).startswith(os.path.realpath(settings.MEDIA_ROOT))
        assert evidence.file.read() == PDF


def zip_bomb() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<document/>")
        archive.writestr("word/media/padding.bin", b"\x00" * (30 * 1024 * 1024))
    return buffer.getvalue()


def plain_zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("readme.txt", "hello")
    return buffer.getvalue()


BAD_FILES = [
    pytest.param("截图.pdf", PNG, "is really a PNG image", id="png-named-pdf"),
    pytest.param(
        "方案.docx",
        b"<!DOCTYPE html><html><body>hi</body></html>",
        "web page or script",
        id="html-named-docx",
    ),
    pytest.param(
        "图标.png",
        b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
        "web page or script",
        id="svg",
    ),
    pytest.param(
        "图标.svg", b'<?xml version="1.0"?><svg/>', "web page or script", id="svg-with-xml-declaration"
    ),
    pytest.param(
        "伪装.pdf", PDF[:9] + b"<script>alert(1)</script>", "web page or script", id="pdf-html-polyglot"
    ),
    pytest.param(
        "压缩包.docx", plain_zip(), "is a zip archive, not a Word or Excel document", id="zip-not-ooxml"
    ),
    pytest.param("炸弹.docx", zip_bomb(), "far more data than a real document", id="zip-bomb"),
    pytest.param(
        "宏.docx", ooxml("word/document.xml", {"word/vbaProject.bin": b"x"}), "contains macros", id="macros"
    ),
    pytest.param(
        "表格.docx", ooxml("xl/workbook.xml"), "is really an Excel workbook (.xlsx)", id="xlsx-named-docx"
    ),
    pytest.param("坏的.xlsx", b"PK\x03\x04garbage", "damaged archive", id="broken-zip"),
    pytest.param("安装包.doc", OLE2, "is not a PDF, Word, Excel, JPEG or PNG file", id="ole2-not-office"),
    pytest.param("空文件.pdf", b"", "is empty", id="empty"),
    pytest.param(
        "脚本.pdf", b"#!/bin/sh\nrm -rf /\n", "is not a PDF, Word, Excel, JPEG or PNG file", id="script"
    ),
    pytest.param("无扩展名", PDF, "has no file extension", id="no-extension"),
]


class TestBadFiles:
    @pytest.mark.parametrize(("name", "content", "message"), BAD_FILES)
    def test_are_refused_with_a_message_and_nothing_is_stored(
        self, liaison, insurance_task, name, content, message
    ):
        files_before = media_files()

        with pytest.raises(ValidationError, match=re.escape(message)):
            record_progress(
                insurance_task,
                liaison,
                status=TaskStatus.IN_PROGRESS,
                percent=50,
                files=[upload("好的.pdf", PDF), upload(name, content)],
            )

        assert not Evidence.objects.exists()
        assert not ProgressUpdate.objects.exists()
        assert media_files() == files_before
        assert (
            Task.objects.get(pk=insurance_task.pk).progress,
            Task.objects.get(pk=insurance_task.pk).version,
        ) == (0, 1)

    def test_oversize_is_refused_by_the_setting(self, settings, liaison, insurance_task):
        settings.EVIDENCE_MAX_BYTES = 1024
        files_before = media_files()

        with pytest.raises(ValidationError) as refused:
            record_progress(
                insurance_task,
                liaison,
                status="in_progress",
                percent=5,
                files=[upload("大文件.pdf", PDF + b"0" * 2000)],
            )

        assert refused.value.messages == ["“大文件.pdf” is larger than the limit of 1.0\xa0KB."]
        assert not Evidence.objects.exists()
        assert media_files() == files_before

    def test_a_failure_after_a_file_was_written_deletes_it(self, liaison, insurance_task, monkeypatch):
        files_before = media_files()

        def explode(*args, **kwargs):
            raise RuntimeError("database went away")

        monkeypatch.setattr("tasks.ledger.services.progress.bump_version", explode)
        with pytest.raises(RuntimeError):
            record_progress(
                insurance_task, liaison, status="in_progress", percent=5, files=[upload("a.pdf", PDF)]
            )

        assert not Evidence.objects.exists()
        assert media_files() == files_before


class TestNames:
    @pytest.mark.parametrize(
        ("raw", "safe"),
        [
            ("../../etc/passwd.pdf", "passwd.pdf"),
            ("C:\\Users\\张三\\会议纪要.pdf", "会议纪要.pdf"),
            ("会议\x00纪要\r\n.pdf", "会议纪要.pdf"),
            ("会议\t纪要.pdf", "会议 纪要.pdf"),
            ("报告\u202efdp.exe", "报告fdp.exe"),
            (".hidden.pdf", "hidden.pdf"),
            ("", "evidence"),
            ("长" * 300 + ".pdf", "长" * 96 + ".pdf"),
        ],
    )
    def test_paths_and_control_characters_are_removed(self, raw, safe):
        assert safe_filename(raw) == safe

    def test_a_path_traversal_name_is_stored_under_a_random_name(self, liaison, insurance_task):
        record_progress(
            insurance_task,
            liaison,
            status="in_progress",
            percent=5,
            files=[upload("../../../static/x.pdf", PDF)],
        )

        evidence = Evidence.objects.get()
        assert evidence.original_name == "x.pdf"
        assert ".." not in evidence.file.name
        assert "static" not in evidence.file.name

    def test_a_traversal_name_with_the_wrong_content_is_refused(self, liaison, insurance_task):
        files_before = media_files()

        with pytest.raises(
            ValidationError, match=re.escape("“x.pdf” is named as a .pdf file but it is really a PNG image")
        ):
            record_progress(
                insurance_task,
                liaison,
                status="in_progress",
                percent=5,
                files=[upload("../../x\x07.pdf", PNG)],
            )

        assert not Evidence.objects.exists()
        assert media_files() == files_before
