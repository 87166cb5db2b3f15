"""Write a gold JSON from a compact hand annotation (used once per document while annotating).

T(number, path, section, first_chars, lead, co, collective, deadlines, targets)
"""

import json
import sys
from pathlib import Path

GOLD = Path(__file__).resolve().parent.parent / "gold"


def T(number, path, section, first, lead=(), co=(), coll=(), dl=(), tg=()):
    return {
        "number": number,
        "path": list(path),
        "section": section,
        "first_chars": first,
        "lead": list(lead),
        "co": list(co),
        "collective": list(coll),
        "deadlines": list(dl),
        "targets": list(tg),
    }


def write(doc, header, notes, tasks):
    data = {"doc": doc, **header, "notes": notes, "tasks": tasks}
    out = GOLD / (Path(doc).stem + ".json")
    out.write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(out.name, len(tasks), file=sys.stderr)
