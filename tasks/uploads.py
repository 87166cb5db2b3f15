"""Uploads checked by what the bytes are rather than what the name claims: evidence (佐证材料) and
the report workbooks departments send back.

Accepted: PDF, JPEG, PNG, Word and Excel (OOXML .docx/.xlsx and legacy .doc/.xls). The extension must
agree with the detected type, so a file cannot be served later as something it is not. Pure apart from
reading settings: no ORM, nothing is stored here.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
import zipfile
from dataclasses import dataclass
from pathlib import PurePath
from typing import IO

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

__all__ = ["EVIDENCE_ACCEPT", "CheckedEvidence", "check_evidence", "evidence_help", "safe_filename"]

PDF, JPEG, PNG, DOCX, XLSX, DOC, XLS = "pdf", "jpeg", "png", "docx", "xlsx", "doc", "xls"

CONTENT_TYPES = {
    PDF: "application/pdf",
    JPEG: "image/jpeg",
    PNG: "image/png",
    DOCX: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    DOC: "application/msword",
    XLS: "application/vnd.ms-excel",
}
# Extensions each type may carry.
EXTENSIONS = {
    PDF: {".pdf"},
    JPEG: {".jpg", ".jpeg"},
    PNG: {".png"},
    DOCX: {".docx"},
    XLSX: {".xlsx"},
    DOC: {".doc"},
    XLS: {".xls"},
}

# The file inputs' `accept`: what the browser's picker offers (the check above still decides).
EVIDENCE_ACCEPT = ",".join(sorted(ext for exts in EXTENSIONS.values() for ext in exts))

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"

# Zip-bomb guards, checked from the central directory before anything is decompressed. Real
# documents have tens of entries and compress XML by 5-30 times.
ZIP_MAX_ENTRIES = 2000
ZIP_MAX_UNCOMPRESSED = 200 * 1024 * 1024
ZIP_MAX_RATIO = 100

# Markup that a browser would render or run: never accepted, whatever the name says.
MARKUP = re.compile(rb"<\s*(!doctype|html|script|svg|\?xml|iframe|body|head)\b", re.IGNORECASE)

NAME_MAX_CHARS = 100


@dataclass(frozen=True)
class CheckedEvidence:
    """What a valid upload really is."""

    content_type: str
    extension: str
    size: int
    sha256: str
    safe_name: str


def _label(kind: str | None) -> str:
    return {
        PDF: _("a PDF document"),
        JPEG: _("a JPEG image"),
        PNG: _("a PNG image"),
        DOCX: _("a Word document (.docx)"),
        XLSX: _("an Excel workbook (.xlsx)"),
        DOC: _("a Word document (.doc)"),
        XLS: _("an Excel workbook (.xls)"),
    }.get(kind, _("an unrecognised type"))


def safe_filename(name: str, fallback: str = "evidence") -> str:
    """The original name made harmless for display and download headers: no path, no control
    characters, Chinese kept, at most NAME_MAX_CHARS characters with the extension preserved."""
    name = unicodedata.normalize("NFC", name or "")
    name = re.split(r"[\\/]", name)[-1]
    # Cc: control characters; Cf: invisible format characters such as right-to-left overrides.
    # Line breaks and tabs become spaces; other control and invisible format characters (NUL, bell,
    # right-to-left overrides that disguise an extension) go.
    name = "".join(
        " " if ch.isspace() else ch
        for ch in name
        if ch.isspace() or unicodedata.category(ch) not in ("Cc", "Cf")
    )
    name = re.sub(r"\s+", " ", name).strip().lstrip(".").strip()
    name = re.sub(r"\s+(\.[^.\s]+)$", r"\1", name)
    if not name:
        return fallback
    if len(name) > NAME_MAX_CHARS:
        suffix = PurePath(name).suffix
        suffix = suffix if len(suffix) <= 10 else ""
        name = name[: NAME_MAX_CHARS - len(suffix)].rstrip() + suffix
    return name


def evidence_help(max_files: int | None = None) -> str:
    """What an evidence slot accepts, as its help text says it (the size from EVIDENCE_MAX_BYTES)."""
    size = filesizeformat(settings.EVIDENCE_MAX_BYTES)
    if max_files:
        return _(
            "PDF, Word (.docx, .doc), Excel (.xlsx, .xls), JPEG or PNG; up to %(count)s files of at most "
            "%(size)s each."
        ) % {"count": max_files, "size": size}
    return _("One file: PDF, Word (.docx, .doc), Excel (.xlsx, .xls), JPEG or PNG, at most %(size)s.") % {
        "size": size
    }


def _invalid(message: str, code: str) -> ValidationError:
    return ValidationError(message, code=code)


def _ooxml_kind(fileobj: IO[bytes], size: int, name: str) -> str:
    """Which Office Open XML document a zip is, judged from its directory only."""
    try:
        archive = zipfile.ZipFile(fileobj)
    except (zipfile.BadZipFile, OSError, ValueError):
        raise _invalid(
            _("“%(name)s” is a damaged archive, not a Word or Excel document.") % {"name": name}, "bad_zip"
        ) from None
    with archive:
        entries = archive.infolist()
        total = sum(info.file_size for info in entries)
        if len(entries) > ZIP_MAX_ENTRIES or total > ZIP_MAX_UNCOMPRESSED or total > size * ZIP_MAX_RATIO:
            raise _invalid(
                _("“%(name)s” expands to far more data than a real document; it was refused.")
                % {"name": name},
                "zip_bomb",
            )
        names = {info.filename for info in entries}
    if "[Content_Types].xml" not in names:
        raise _invalid(
            _("“%(name)s” is a zip archive, not a Word or Excel document.") % {"name": name}, "not_ooxml"
        )
    if any(n.lower().endswith("vbaproject.bin") for n in names):
        raise _invalid(
            _("“%(name)s” contains macros; save it as a plain .docx or .xlsx file.") % {"name": name},
            "macros",
        )
    if "word/document.xml" in names:
        return DOCX
    if "xl/workbook.xml" in names:
        return XLSX
    raise _invalid(
        _("“%(name)s” is an Office file other than a Word or Excel document.") % {"name": name}, "not_ooxml"
    )


def _ole2_kind(data: bytes) -> str | None:
    # The compound file's directory names its streams in UTF-16: WordDocument for Word, Workbook
    # (or Book, Excel 5) for Excel. Anything else (.msi, .ppt, ...) is not accepted.
    if "WordDocument".encode("utf-16-le") in data:
        return DOC
    if "Workbook".encode("utf-16-le") in data or "Book\x00".encode("utf-16-le") in data:
        return XLS
    return None


def _read_all(upload) -> bytes:
    upload.seek(0)
    data = b"".join(upload.chunks()) if hasattr(upload, "chunks") else upload.read()
    upload.seek(0)
    return data


def check_evidence(upload) -> CheckedEvidence:
    """Validate one uploaded file; raise ValidationError with a message naming the file if it is refused.

    Reads the whole file (at most EVIDENCE_MAX_BYTES, enforced before reading) and leaves it rewound.
    """
    name = safe_filename(getattr(upload, "name", "") or "")
    limit = settings.EVIDENCE_MAX_BYTES
    declared = getattr(upload, "size", None)
    if declared is not None and declared > limit:
        raise _invalid(
            _("“%(name)s” is larger than the limit of %(limit)s.")
            % {"name": name, "limit": filesizeformat(limit)},
            "too_large",
        )
    data = _read_all(upload)
    if not data:
        raise _invalid(_("“%(name)s” is empty.") % {"name": name}, "empty")
    if len(data) > limit:
        raise _invalid(
            _("“%(name)s” is larger than the limit of %(limit)s.")
            % {"name": name, "limit": filesizeformat(limit)},
            "too_large",
        )
    kind: str | None = None
    if data.startswith(b"%PDF-"):
        kind = PDF
    elif data.startswith(b"\xff\xd8\xff"):
        kind = JPEG
    elif data.startswith(PNG_MAGIC):
        kind = PNG
    elif data.startswith(ZIP_MAGIC):
        kind = _ooxml_kind(upload, len(data), name)
        upload.seek(0)
    elif data.startswith(OLE2_MAGIC):
        kind = _ole2_kind(data)
    # A page or script is refused outright, and so is an image or PDF carrying one at its start (a
    # polyglot that a browser could sniff as HTML). Office files are zips, their XML compressed.
    if kind in (None, PDF, JPEG, PNG) and MARKUP.search(data[:4096]):
        raise _invalid(
            _("“%(name)s” contains web page or script content (HTML, SVG or XML) and is not accepted.")
            % {"name": name},
            "markup",
        )
    if kind is None:
        raise _invalid(
            _("“%(name)s” is not a PDF, Word, Excel, JPEG or PNG file.") % {"name": name}, "unsupported"
        )

    extension = PurePath(name).suffix.lower()
    if extension not in EXTENSIONS[kind]:
        if extension:
            message = _("“%(name)s” is named as a %(extension)s file but it is really %(actual)s.") % {
                "name": name,
                "extension": extension,
                "actual": _label(kind),
            }
        else:
            message = _("“%(name)s” has no file extension; it is %(actual)s.") % {
                "name": name,
                "actual": _label(kind),
            }
        raise _invalid(message, "extension_mismatch")

    return CheckedEvidence(
        content_type=CONTENT_TYPES[kind],
        extension=extension,
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        safe_name=name,
    )
