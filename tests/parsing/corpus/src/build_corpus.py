"""Regenerate the binary and derived corpus documents from their sources.

Usage: .venv/bin/python tests/parsing/corpus/src/build_corpus.py

* n03_table.docx    python-docx: notice + attachment task table, category column merged vertically
* n04_fenjie.xlsx   openpyxl: title row above the header, merged category cells, 目标值 column
* n05_county_gb18030.txt   GB18030 encoding of src/n05_county.utf8.txt
* n06_pdf_copy.txt  src/n06_pdf_copy.src.txt as copied out of a PDF (hard wraps, page footers,
  running header)
* n10_county_list.pdf  a real PDF with a text layer from src/n10_pdf.src.txt (wrapped lines,
  running header, page footers)
* n08_traditional.txt  src/n08_traditional.src.txt in traditional characters with full-width digits

Everything is deterministic, so the files only change when this script does.
"""

from __future__ import annotations

import io
from datetime import datetime
from pathlib import Path

SRC = Path(__file__).resolve().parent
OUT = SRC.parent


def traditional(text: str) -> str:
    """Simplified -> traditional (zhconv zh-hant), ASCII digits -> full-width."""
    import zhconv

    text = zhconv.convert(text, "zh-hant")
    return text.translate({ord(d): chr(ord(d) + 0xFEE0) for d in "0123456789"})


# --- n03: docx with a task table --------------------------------------------------------------

N03_ROWS = [
    (
        "1",
        "推进分级诊疗",
        "推进紧密型城市医疗集团建设，年底前建成2个城市医疗集团。",
        "市卫健委",
        "市财政局、市医保局",
        "2023年12月",
    ),
    (
        "2",
        "推进分级诊疗",
        "推进县域医共体提质增效，县域内住院量占比达到75%以上。",
        "市卫健委",
        "市医保局、各县市区政府",
        "2023年底前",
    ),
    (
        "3",
        "推进分级诊疗",
        "做实家庭医生签约服务，重点人群签约服务覆盖率保持在75%以上。",
        "市卫健委",
        "市医保局",
        "长期坚持",
    ),
    (
        "4",
        "深化公立医院改革",
        "开展公立医院高质量发展评价，建立评价结果与财政补助挂钩机制。",
        "市卫健委、市财政局",
        "市人社局",
        "2023年9月",
    ),
    (
        "5",
        "深化公立医院改革",
        "推进公立医院薪酬制度改革，落实公立医院主要负责人年薪制。",
        "市人社局",
        "市财政局、市卫健委",
        "2023年10月底前",
    ),
    (
        "6",
        "深化公立医院改革",
        "规范公立医院债务管理，严禁公立医院举债建设。",
        "市卫健委",
        "市财政局",
        "持续推进",
    ),
    (
        "7",
        "健全医疗保障制度",
        "推进DRG付费改革，DRG付费医疗机构病种覆盖率达到90%。",
        "市医保局",
        "市卫健委",
        "2023年12月",
    ),
    (
        "8",
        "健全医疗保障制度",
        "落实国家和省级集采中选结果，督促医疗机构完成约定采购量。",
        "市医保局",
        "市卫健委",
        "每季度",
    ),
    (
        "9",
        "健全医疗保障制度",
        "做好城乡居民医保参保工作，基本医保参保率稳定在95%以上。",
        "市医保局",
        "市税务局、市财政局",
        "2023年6月30日前",
    ),
]


def build_docx() -> bytes:
    import docx

    d = docx.Document()
    for text in (
        "宜府办发〔2023〕15号",
        "宜昌市人民政府办公室",
        "关于印发宜昌市2023年深化医药卫生体制改革重点任务分工方案的通知",
        "各县市区人民政府，市政府各部门：",
        "《宜昌市2023年深化医药卫生体制改革重点任务分工方案》已经市人民政府同意，现印发给你们，请认真贯彻执行。",
        "宜昌市人民政府办公室",
        "2023年4月20日",
        "附件",
        "宜昌市2023年深化医药卫生体制改革重点任务分工表",
    ):
        d.add_paragraph(text)
    header = ["序号", "重点任务", "具体措施", "牵头单位", "配合单位", "完成时限"]
    table = d.add_table(rows=1 + len(N03_ROWS), cols=len(header))
    for i, h in enumerate(header):
        table.cell(0, i).text = h
    for r, row in enumerate(N03_ROWS, start=1):
        for c, value in enumerate(row):
            if c == 1 and r > 1 and N03_ROWS[r - 2][1] == value:
                continue  # merged below
            table.cell(r, c).text = value
    # Merge the category column over each run of equal values.
    start = 1
    for r in range(2, len(N03_ROWS) + 2):
        if r == len(N03_ROWS) + 1 or N03_ROWS[r - 1][1] != N03_ROWS[start - 1][1]:
            if r - 1 > start:
                table.cell(start, 1).merge(table.cell(r - 1, 1))
            start = r
    buf = io.BytesIO()
    fixed = datetime(2023, 4, 20)
    d.core_properties.created = d.core_properties.modified = fixed
    d.save(buf)
    return buf.getvalue()


# --- n04: xlsx 任务分解表 ----------------------------------------------------------------------

N04_ROWS = [
    (
        1,
        "分级诊疗",
        "推进紧密型县域医共体建设，完善医共体内部运行机制。",
        "县域内就诊率达到90%以上",
        "市卫健委",
        "市医保局、市财政局",
        "2023年12月",
    ),
    (
        2,
        "分级诊疗",
        "推进家庭医生签约服务扩面提质。",
        "常住人口签约率≥40%",
        "市卫健委",
        "市医保局",
        "2023年12月",
    ),
    (
        3,
        "分级诊疗",
        "加强基层医疗卫生机构标准化建设。",
        "新建标准化村卫生室50个",
        "市卫健委",
        "市发改委、各县区政府",
        "2023年10月底前",
    ),
    (
        4,
        "公立医院改革",
        "开展公立医院绩效考核，强化考核结果运用。",
        "—",
        "市卫健委",
        "市财政局、市人社局",
        "每年",
    ),
    (
        5,
        "公立医院改革",
        "调整医疗服务价格，优化公立医院收入结构。",
        "医疗服务收入占比≥35%",
        "市医保局",
        "市卫健委",
        "2023年9月30日前",
    ),
    (6, "医保改革", "推进DRG/DIP支付方式改革全覆盖。", "统筹地区全覆盖", "市医保局", "市卫健委", "长期坚持"),
    (
        7,
        "医保改革",
        "加强医保基金监管，开展打击欺诈骗保专项行动。",
        "检查覆盖率100%",
        "市医保局",
        "市公安局、市卫健委",
        "每季度",
    ),
    (
        8,
        "医药改革",
        "落实集采中选结果，督促医疗机构按时完成约定采购量。",
        "约定采购量完成率100%",
        "市医保局",
        "市卫健委、市市场监管局",
        "2023年12月",
    ),
]


def build_xlsx() -> bytes:
    import openpyxl
    from openpyxl.styles import Alignment, Font

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "任务分解表"
    header = ["序号", "工作类别", "重点任务", "目标值", "牵头单位", "配合单位", "完成时限"]
    ws.cell(1, 1, "六安市2023年深化医药卫生体制改革重点工作任务分解表")
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(header))
    ws.cell(1, 1).font = Font(bold=True, size=16)
    ws.cell(1, 1).alignment = Alignment(horizontal="center")
    for c, h in enumerate(header, start=1):
        ws.cell(2, c, h)
    for r, row in enumerate(N04_ROWS, start=3):
        for c, value in enumerate(row, start=1):
            if c == 2 and r > 3 and N04_ROWS[r - 4][1] == value:
                continue
            ws.cell(r, c, value)
    start = 3
    last = len(N04_ROWS) + 2
    for r in range(4, last + 2):
        if r == last + 1 or N04_ROWS[r - 3][1] != N04_ROWS[start - 3][1]:
            if r - 1 > start:
                ws.merge_cells(start_row=start, start_column=2, end_row=r - 1, end_column=2)
            start = r
    notes = wb.create_sheet("填报说明")
    notes.cell(1, 1, "填报说明")
    notes.cell(2, 1, "1.请各牵头单位于每月25日前将任务进展报送市医改办。")
    notes.cell(3, 1, "2.配合单位要主动对接牵头单位，按职责做好相关工作。")
    buf = io.BytesIO()
    wb.properties.created = wb.properties.modified = datetime(2023, 4, 1)
    wb.save(buf)
    return buf.getvalue()


# --- n06: text copied out of a PDF ---------------------------------------------------------------


def build_pdf(text: str, header: str, width: int = 26, lines_per_page: int = 24) -> bytes:
    """A real PDF (text layer): wrapped lines, a running header and a page footer per page."""
    import sys

    sys.path.insert(0, str(OUT.parents[2]))
    from tests.parsing.builders import make_pdf

    lines: list[str] = []
    for para in text.split("\n"):
        para = para.strip()
        while len(para) > width:
            lines.append(para[:width])
            para = para[width:]
        lines.append(para)
    pages = []
    for no, i in enumerate(range(0, len(lines), lines_per_page), start=1):
        page = ([header] if no > 1 else []) + lines[i : i + lines_per_page] + [f"— {no} —"]
        pages.append(page)
    # make_pdf puts lines[p::n] on page p: interleave the pages' lines (padded with blanks).
    depth = max(len(p) for p in pages)
    padded = [p + [" "] * (depth - len(p)) for p in pages]
    interleaved = [padded[p][i] for i in range(depth) for p in range(len(pages))]
    return make_pdf(interleaved, pages=len(pages))


def pdf_copy(text: str, width: int = 24, lines_per_page: int = 22) -> str:
    lines: list[str] = []
    for para in text.split("\n"):
        para = para.strip()
        while len(para) > width:
            lines.append(para[:width])
            para = para[width:]
        lines.append(para)
    header = "咸卫发〔2023〕8号"
    out: list[str] = []
    page = 1
    for i in range(0, len(lines), lines_per_page):
        if page > 1:
            out.append(header)
        out.extend(lines[i : i + lines_per_page])
        out.append(f"— {page} —" if page % 2 else f"- {page} -")
        out.append("")
        page += 1
    return "\n".join(out)


def main() -> None:
    (OUT / "n03_table.docx").write_bytes(build_docx())
    (OUT / "n04_fenjie.xlsx").write_bytes(build_xlsx())
    county = (SRC / "n05_county.utf8.txt").read_text(encoding="utf-8")
    (OUT / "n05_county_gb18030.txt").write_bytes(county.replace("\n", "\r\n").encode("gb18030"))
    src6 = (SRC / "n06_pdf_copy.src.txt").read_text(encoding="utf-8")
    (OUT / "n06_pdf_copy.txt").write_text(pdf_copy(src6), encoding="utf-8")
    src10 = (SRC / "n10_pdf.src.txt").read_text(encoding="utf-8")
    (OUT / "n10_county_list.pdf").write_bytes(build_pdf(src10, "霍医改办〔2024〕3号"))
    src8 = (SRC / "n08_traditional.src.txt").read_text(encoding="utf-8")
    (OUT / "n08_traditional.txt").write_text(traditional(src8), encoding="utf-8")


if __name__ == "__main__":
    main()
