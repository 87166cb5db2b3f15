"""Fail when a user-facing message has no Chinese translation.

Re-extracts the messages from the code (needs GNU gettext's xgettext, as `manage.py makemessages` does)
into the zh_Hans catalogue, then lists every entry without a translation or still marked fuzzy.
Run by .ci/run on its throwaway clone; locally it updates locale/ the same way makemessages would.
"""

import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PO = ROOT / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"
IGNORE = [".venv", "tests", "fixtures", "scripts", "staticfiles", "var", "static/vendor"]


ENTRY = re.compile(r'^msgid ((?:".*"\n)+)(?:msgid_plural (?:".*"\n)+)?msgstr(?:\[0\])? ((?:".*"\n?)+)', re.M)


def entries(po_text: str) -> list[tuple[str, str, bool]]:
    """(msgid, msgstr or first plural form, fuzzy) for each live entry of a .po file."""
    found = []
    for block in po_text.split("\n\n"):
        if block.lstrip().startswith("#~"):
            continue  # obsolete entries are no longer used by the code
        match = ENTRY.search(block + "\n")
        if match:
            msgid = "".join(re.findall(r'"(.*)"', match.group(1)))
            msgstr = "".join(re.findall(r'"(.*)"', match.group(2)))
            if msgid:
                found.append((msgid, msgstr, "#, fuzzy" in block or "#, fuzzy," in block))
    return found


def untranslated(po_text: str) -> list[str]:
    return [msgid for msgid, msgstr, fuzzy in entries(po_text) if not msgstr or fuzzy]


def main() -> int:
    args = [sys.executable, "manage.py", "makemessages", "-l", "zh_Hans", "--no-location", "-v", "0"]
    for pattern in IGNORE:
        args += ["--ignore", pattern]
    env = {**os.environ, "DEBUG": "1"}
    subprocess.run(args, cwd=ROOT, check=True, env=env)
    missing = untranslated(PO.read_text(encoding="utf-8"))
    for msgid in missing:
        print(f"untranslated: {msgid}", file=sys.stderr)
    if missing:
        print(
            f"{len(missing)} message(s) need a Chinese translation in {PO.relative_to(ROOT)}", file=sys.stderr
        )
        return 1
    print("every message has a Chinese translation")
    return 0


if __name__ == "__main__":
    sys.exit(main())
