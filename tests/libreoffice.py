"""LibreOffice as the real client: a workbook the portal wrote, typed into and saved by LibreOffice Calc;
and a Word document the portal wrote (the 通报), converted to PDF by LibreOffice Writer.

`libreoffice` is a fixture (registered by tests/conftest.py) giving `type_into(workbook bytes,
{"O4": "72%"}) -> bytes`: LibreOffice opens the file, the texts are typed into the cells of the first
sheet as from the keyboard (tests/libreoffice_typing.py, through its Python UNO bridge), and the file it
saves as .xlsx comes back. `libreoffice_pdf` gives `to_pdf(document bytes, suffix=".xlsx") -> PDF
bytes`, a workbook (or with suffix=".docx" a Word document) printed by `soffice --headless
--convert-to pdf`. Tests using them carry the `libreoffice` marker.

Availability: without /usr/bin/soffice, Writer (for the PDF) or Debian's python3-uno (apt-get install
libreoffice-calc libreoffice-writer python3-uno fonts-wqy-microhei) the tests are skipped locally and fail in CI (where the environment
variable CI is set), so CI can never pass without them. Every run uses a fresh LibreOffice profile in
a temporary directory and is killed after TIMEOUT seconds, so a stuck office cannot hang the suite.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import tempfile
from collections.abc import Callable, Mapping
from pathlib import Path

import pytest

SOFFICE = Path("/usr/bin/soffice")
SYSTEM_PYTHON = Path("/usr/bin/python3")  # Debian's, where python3-uno installs the uno module
SCRIPT = Path(__file__).with_name("libreoffice_typing.py")
WRITER = Path("/usr/lib/libreoffice/program/libswlo.so")  # Debian's libreoffice-writer
TIMEOUT = 180


def _unavailable(reason: str):
    if os.environ.get("CI"):
        pytest.fail(f"LibreOffice tests are required in CI: {reason}", pytrace=False)
    pytest.skip(reason)


def _check_soffice() -> None:
    if not SOFFICE.exists():
        _unavailable(f"{SOFFICE} is missing (apt-get install libreoffice-calc libreoffice-writer)")


def _check_available() -> None:
    _check_soffice()
    if not SYSTEM_PYTHON.exists():
        _unavailable(f"{SYSTEM_PYTHON} is missing")
    probe = subprocess.run(
        [str(SYSTEM_PYTHON), "-c", "import uno"], capture_output=True, timeout=30, check=False
    )
    if probe.returncode:
        _unavailable("Debian's python3-uno is missing (apt-get install python3-uno)")


def type_into(workbook: bytes, cells: Mapping[str, str], *, sheet: int = 0) -> bytes:
    """`workbook` with each text of `cells` ({"O4": "72%"}) typed into its cell, as LibreOffice saves it."""
    with tempfile.TemporaryDirectory(prefix="reform-libreoffice-") as directory:
        folder = Path(directory)
        source, target = folder / "portal.xlsx", folder / "saved.xlsx"
        source.write_bytes(workbook)
        entries = folder / "entries.json"
        entries.write_text(
            json.dumps([[sheet, reference, text] for reference, text in cells.items()]), encoding="utf-8"
        )
        command = [
            str(SYSTEM_PYTHON),
            str(SCRIPT),
            str(source),
            str(target),
            str(folder / "profile"),
            str(entries),
        ]
        _run(command, target)
        return target.read_bytes()


def to_pdf(document: bytes, *, suffix: str = ".xlsx") -> bytes:
    """`document` (a workbook, or a .docx with suffix=".docx") as LibreOffice prints it:
    `soffice --headless --convert-to pdf`, a fresh profile, killed after TIMEOUT seconds."""
    with tempfile.TemporaryDirectory(prefix="reform-libreoffice-") as directory:
        folder = Path(directory)
        source = folder / f"portal{suffix}"
        source.write_bytes(document)
        command = [
            str(SOFFICE),
            f"-env:UserInstallation={(folder / 'profile').as_uri()}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(folder),
            str(source),
        ]
        target = folder / "portal.pdf"
        _run(command, target)
        return target.read_bytes()


def _run(command: list[str], target: Path) -> None:
    """Run `command`, killed with all it started after TIMEOUT seconds; fail unless it wrote `target`."""
    # A session of its own, so a timeout kills soffice along with the script.
    process = subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True
    )
    try:
        _out, err = process.communicate(timeout=TIMEOUT)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.communicate()
        pytest.fail(f"LibreOffice did not finish within {TIMEOUT}s", pytrace=False)
    finally:
        # Whatever of the office outlived the script (the session's group, if any is left).
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
    if process.returncode or not target.exists():
        pytest.fail(
            f"LibreOffice failed ({process.returncode}): {err.decode(errors='replace')[-2000:]}",
            pytrace=False,
        )


@pytest.fixture(scope="session")
def libreoffice() -> Callable[..., bytes]:
    """`type_into`, once LibreOffice is known to be there (else skipped, or failed in CI)."""
    _check_available()
    return type_into


@pytest.fixture(scope="session")
def libreoffice_pdf() -> Callable[..., bytes]:
    """`to_pdf`, once soffice and Writer are known to be there (else skipped, or failed in CI)."""
    _check_soffice()
    if not WRITER.exists():
        _unavailable("LibreOffice Writer is missing (apt-get install libreoffice-writer)")
    return to_pdf
