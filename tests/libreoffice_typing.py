"""Type into a workbook with LibreOffice Calc, as a person would, and save it as .xlsx.

Run by tests/libreoffice.py with Debian's /usr/bin/python3 (python3-uno), not the project's Python:

    /usr/bin/python3 tests/libreoffice_typing.py IN.xlsx OUT.xlsx PROFILE_DIR ENTRIES.json

ENTRIES.json is a list of [sheet index, cell reference, text]. Each text goes in through the
".uno:EnterString" command on the selected cell, which is what the keyboard does: LibreOffice reads
"72%" as 0.72 and gives the cell a percent format (setFormula or setString would store the number or
the text without the format a user gets). The workbook is stored with the "Calc MS Excel 2007 XML"
filter, i.e. what File › Save as › Excel 2007-365 writes. A fresh profile (PROFILE_DIR) per run keeps
runs independent; the caller's timeout bounds it.
"""

import contextlib
import json
import os
import subprocess
import sys
import time

import uno
from com.sun.star.beans import PropertyValue

SOFFICE = "/usr/bin/soffice"
CONNECT_SECONDS = 60


def prop(name, value):
    item = PropertyValue()
    item.Name = name
    item.Value = value
    return item


def connect(pipe, office):
    local = uno.getComponentContext()
    resolver = local.ServiceManager.createInstanceWithContext("com.sun.star.bridge.UnoUrlResolver", local)
    deadline = time.monotonic() + CONNECT_SECONDS
    while True:
        try:
            return resolver.resolve(f"uno:pipe,name={pipe};urp;StarOffice.ComponentContext")
        except Exception:
            if office.poll() is not None:
                sys.exit(f"soffice exited with {office.returncode} before accepting a connection")
            if time.monotonic() > deadline:
                sys.exit(f"soffice did not accept a connection within {CONNECT_SECONDS}s")
            time.sleep(0.2)


def type_entries(context, source, target, entries):
    desktop = context.ServiceManager.createInstanceWithContext("com.sun.star.frame.Desktop", context)
    document = desktop.loadComponentFromURL(
        uno.systemPathToFileUrl(os.path.abspath(source)), "_blank", 0, (prop("Hidden", True),)
    )
    if document is None:
        sys.exit(f"LibreOffice could not open {source}")
    try:
        controller = document.getCurrentController()
        frame = controller.getFrame()
        dispatcher = context.ServiceManager.createInstanceWithContext(
            "com.sun.star.frame.DispatchHelper", context
        )
        for sheet_index, reference, text in entries:
            sheet = document.Sheets.getByIndex(sheet_index)
            controller.setActiveSheet(sheet)
            controller.select(sheet.getCellRangeByName(reference))
            dispatcher.executeDispatch(frame, ".uno:EnterString", "", 0, (prop("StringName", text),))
        document.storeToURL(
            uno.systemPathToFileUrl(os.path.abspath(target)), (prop("FilterName", "Calc MS Excel 2007 XML"),)
        )
    finally:
        document.close(True)
    with contextlib.suppress(Exception):  # the bridge goes down with the office
        desktop.terminate()


def main():
    source, target, profile, entries_file = sys.argv[1:5]
    with open(entries_file, encoding="utf-8") as handle:
        entries = json.load(handle)
    pipe = f"reform-tests-{os.getpid()}"
    office = subprocess.Popen(
        [
            SOFFICE,
            "--headless",
            "--invisible",
            "--nologo",
            "--norestore",
            "--nodefault",
            "--nolockcheck",
            f"-env:UserInstallation={uno.systemPathToFileUrl(os.path.abspath(profile))}",
            f"--accept=pipe,name={pipe};urp;",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        type_entries(connect(pipe, office), source, target, entries)
        office.wait(timeout=30)
    finally:
        if office.poll() is None:
            office.kill()
            office.wait()


if __name__ == "__main__":
    main()
