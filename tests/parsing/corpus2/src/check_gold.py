"""Validate the shape of corpus2 gold files (keys, types, lengths).

Usage: .venv/bin/python tests/parsing/corpus2/src/check_gold.py

This is a consistency check of the hand-written gold only: it checks that every key is present
with the right type, that first_chars / measures are at most 12 characters, that dates are
YYYY-MM-DD, that no phrase is in both starts and deadlines, and that first_chars and measures
occur verbatim in the document's text (line breaks removed). It does not extract tasks and it
imports nothing from the parser.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
CORPUS = HERE.parent
TOP = {
    "doc": str,
    "title": str,
    "doc_number": (str, type(None)),
    "issuer": (str, type(None)),
    "issued_on": (str, type(None)),
    "region": (str, type(None)),
    "notes": str,
    "tasks": list,
}
TASK_LISTS = ("path", "lead", "co", "collective", "deadlines", "targets", "starts")
# PDF documents are checked against their plain-text source.
PDF_SOURCES = {"c13_zibo_jiceng.pdf": "c13_pdf.src.txt", "c15_quanzhou_pdf_copy.txt": "c15_pdf_copy.src.txt"}


def doc_text(name: str) -> str:
    path = CORPUS / name
    if name in PDF_SOURCES:
        return (HERE / PDF_SOURCES[name]).read_text(encoding="utf-8")
    if name.endswith(".xlsx"):
        import openpyxl

        wb = openpyxl.load_workbook(path)
        return "\n".join(str(v) for ws in wb for row in ws.iter_rows(values_only=True) for v in row if v)
    if name.endswith(".docx"):
        import docx

        d = docx.Document(str(path))
        parts = [p.text for p in d.paragraphs]
        parts += [c.text for t in d.tables for r in t.rows for c in r.cells]
        return "\n".join(parts)
    raw = path.read_bytes()
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw.decode("gb18030")


def check(path: Path) -> list[str]:
    errs: list[str] = []
    g = json.loads(path.read_text(encoding="utf-8"))
    for k, t in TOP.items():
        if k not in g:
            errs.append(f"missing {k}")
        elif not isinstance(g[k], t):
            errs.append(f"{k}: bad type")
    if set(g) - set(TOP):
        errs.append(f"extra keys {set(g) - set(TOP)}")
    if g.get("issued_on") and not re.fullmatch(r"\d{4}-\d{2}-\d{2}", g["issued_on"]):
        errs.append("issued_on not YYYY-MM-DD")
    if not (CORPUS / g["doc"]).exists():
        errs.append(f"doc {g['doc']} missing")
        return errs
    text = re.sub(r"[\r\n]", "", doc_text(g["doc"]))
    if not 5 <= len(g["tasks"]) <= 25:
        errs.append(f"{len(g['tasks'])} tasks")
    for i, t in enumerate(g["tasks"]):
        where = f"task {i} ({t.get('number')})"
        keys = {"number", "section", "first_chars", "measures", *TASK_LISTS}
        if set(t) != keys:
            errs.append(f"{where}: keys {set(t) ^ keys}")
            continue
        if not isinstance(t["number"], (str, type(None))) or not isinstance(t["section"], str):
            errs.append(f"{where}: number/section type")
        for k in TASK_LISTS:
            if not isinstance(t[k], list) or not all(isinstance(x, str) and x for x in t[k]):
                errs.append(f"{where}: {k} must be a list of non-empty strings")
        for k in ("first_chars", "measures"):
            v = t[k]
            if v is None and k == "measures":
                continue
            if not isinstance(v, str) or not 0 < len(v) <= 12:
                errs.append(f"{where}: {k} {v!r} length {len(v) if isinstance(v, str) else v}")
            elif v not in text:
                errs.append(f"{where}: {k} {v!r} not in document text")
        if set(t["starts"]) & set(t["deadlines"]):
            errs.append(f"{where}: phrase in both starts and deadlines")
        for k in ("lead", "co", "collective", "deadlines", "starts", "targets"):
            for v in t[k]:
                if v not in text:
                    errs.append(f"{where}: {k} {v!r} not in document text")
    return errs


def main() -> int:
    bad = 0
    total = 0
    for path in sorted((CORPUS / "gold").glob("*.json")):
        errs = check(path)
        n = len(json.loads(path.read_text(encoding="utf-8"))["tasks"])
        total += n
        print(f"{path.name}: {n} tasks" + ("" if not errs else f", {len(errs)} problems"))
        for e in errs:
            print("   ", e)
        bad += bool(errs)
    print(f"total {total} tasks")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
