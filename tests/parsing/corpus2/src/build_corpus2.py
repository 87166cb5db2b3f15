"""Regenerate the binary and derived documents of the held-out corpus2 from their sources.

Usage: .venv/bin/python tests/parsing/corpus2/src/build_corpus2.py

Self-contained (python-docx, openpyxl, zhconv only; nothing from the parser or tests/parsing is
imported). Everything is deterministic: fixed document dates, no timestamps, so the outputs only
change when this script or a source text changes.

* c01_mianyang_qingdan.xlsx   重点任务 + 具体措施 columns, co-departments one per line, title row,
                              vertically merged 改革领域
* c02_xuzhou_tuijin.xlsx      header synonyms, two-row header (责任分工 over 责任单位/协同部门),
                              merged 改革领域, 预期目标 column
* c03_taizhou_fengong.docx    notice + task table with header synonyms, vertically merged
                              category and lead cells, one row whose task spans the measures column
* c04_ganzhou_yigongti.docx   prose tasks with brackets, then an attachment table
* c12_yibao_traditional.txt   src/c12_traditional.src.txt in traditional characters, full-width digits
* c17_changzhou_jiyao_traditional.txt  src/c17_traditional.src.txt (会议纪要) the same way
* c13_zibo_jiceng.pdf         real PDF with a text layer from src/c13_pdf.src.txt (hard wraps, running
                              header, page footers)
* c14_tonglu_gb18030.txt      src/c14_tonglu.utf8.txt encoded GB18030 with CRLF line ends
* c15_quanzhou_pdf_copy.txt   src/c15_pdf_copy.src.txt as copied out of a PDF
"""

from __future__ import annotations

import io
import re
import zipfile
from datetime import datetime
from pathlib import Path

SRC = Path(__file__).resolve().parent
OUT = SRC.parent


def traditional(text: str) -> str:
    """Simplified -> traditional (zhconv zh-hant), ASCII digits -> full-width."""
    import zhconv

    text = zhconv.convert(text, "zh-hant")
    return text.translate({ord(d): chr(ord(d) + 0xFEE0) for d in "0123456789"})


def _fixed_zip(data: bytes) -> bytes:
    """Rewrite an OOXML zip with fixed member timestamps so the bytes are reproducible."""
    src = zipfile.ZipFile(io.BytesIO(data))
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            new = zipfile.ZipInfo(info.filename, date_time=(2024, 1, 1, 0, 0, 0))
            new.compress_type = zipfile.ZIP_DEFLATED
            new.external_attr = info.external_attr
            data = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                # openpyxl stamps the save time into dcterms:modified: pin it to dcterms:created.
                created = re.search(rb"<dcterms:created[^>]*>([^<]*)<", data).group(1)
                data = re.sub(
                    rb"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)",
                    lambda m, created=created: m.group(1) + created + m.group(2),
                    data,
                )
            dst.writestr(new, data)
    return buf.getvalue()


# --- c01: xlsx 重点任务清单 with a 具体措施 column --------------------------------------------------

C01_TITLE = "绵阳市2024年深化医药卫生体制改革重点任务清单"
C01_HEADER = ["序号", "改革领域", "重点任务", "具体措施", "牵头单位", "配合单位", "完成时限"]
C01_ROWS = [
    (
        1,
        "分级诊疗",
        "推进紧密型县域医共体建设",
        "完善医共体内部人财物统一管理机制，年底前县域内就诊率达到90%。",
        "市卫生健康委",
        "市医保局\n市财政局\n市委编办",
        "2024年12月底前",
    ),
    (
        2,
        "分级诊疗",
        "做实家庭医生签约服务",
        "扩大签约服务覆盖面，重点人群签约率达到80%以上。",
        "市卫生健康委",
        "市医保局\n各县（市、区）人民政府",
        "长期坚持",
    ),
    (
        3,
        "分级诊疗",
        "推进城市医疗集团网格化布局",
        "组建2个紧密型城市医疗集团，实行网格化管理。",
        "市卫生健康委",
        "涪城区人民政府\n游仙区人民政府",
        "2024年9月",
    ),
    (
        4,
        "公立医院改革",
        "深化公立医院薪酬制度改革",
        "落实“两个允许”要求，合理核定公立医院薪酬总量。",
        "市人力资源社会保障局",
        "市财政局\n市卫生健康委",
        "2024年10月底前",
    ),
    (
        5,
        "公立医院改革",
        "规范公立医院医疗服务价格动态调整",
        "开展医疗服务价格调价评估，符合条件的及时启动调价。",
        "市医保局",
        "市卫生健康委\n市市场监管局",
        "2024年下半年",
    ),
    (
        6,
        "医保支付",
        "推进DRG/DIP支付方式改革",
        "自2024年1月1日起全市统筹区实行DIP付费，病种覆盖率达到90%以上。",
        "市医保局",
        "市卫生健康委",
        "持续推进",
    ),
    (
        7,
        "医保支付",
        "加强医保基金监管",
        "开展定点医药机构专项检查，检查覆盖率100%。",
        "市医保局",
        "市公安局\n市卫生健康委\n市市场监管局",
        "2024年4月1日起开展，每季度通报",
    ),
    (
        8,
        "药品供应保障",
        "落实药品耗材集中带量采购",
        "督促医疗机构按时完成约定采购量，中选产品约定采购量完成率100%。",
        "市医保局",
        "市卫生健康委、各县（市、区）人民政府",
        "每季度",
    ),
    (9, "药品供应保障", "加强短缺药品监测预警", "—", "市卫生健康委", "市经济和信息化局", "2024年6月份"),
]


def _merge_runs(ws, rows, col, first_row):
    """Merge column `col` (1-based) over runs of equal values in rows[i][col-1]."""
    start = 0
    for i in range(1, len(rows) + 1):
        if i == len(rows) or rows[i][col - 1] != rows[start][col - 1]:
            if i - 1 > start:
                ws.merge_cells(
                    start_row=first_row + start, start_column=col, end_row=first_row + i - 1, end_column=col
                )
            start = i


def build_c01() -> bytes:
    import openpyxl
    from openpyxl.styles import Alignment, Font

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "重点任务清单"
    ws.cell(1, 1, C01_TITLE)
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(C01_HEADER))
    ws.cell(1, 1).font = Font(bold=True, size=16)
    ws.cell(1, 1).alignment = Alignment(horizontal="center")
    for c, h in enumerate(C01_HEADER, start=1):
        ws.cell(2, c, h).font = Font(bold=True)
    for r, row in enumerate(C01_ROWS, start=3):
        for c, value in enumerate(row, start=1):
            if c == 2 and r > 3 and C01_ROWS[r - 4][1] == value:
                continue
            cell = ws.cell(r, c, value)
            cell.alignment = Alignment(wrap_text=True, vertical="center")
    _merge_runs(ws, C01_ROWS, 2, 3)
    notes = wb.create_sheet("填报说明")
    notes.cell(1, 1, "填报说明")
    notes.cell(2, 1, "1.各牵头单位于每季度末月20日前向市医改办报送进展情况。")
    notes.cell(3, 1, "2.配合单位按职责分工做好配合工作。")
    wb.properties.created = wb.properties.modified = datetime(2024, 2, 26)
    buf = io.BytesIO()
    wb.save(buf)
    return _fixed_zip(buf.getvalue())


# --- c02: xlsx with header synonyms and a two-row header ---------------------------------------

C02_TITLE = "徐州市2025年深化医改重点工作推进清单"
C02_ROWS = [
    (
        1,
        "医疗服务体系",
        "推进优质医疗资源扩容下沉",
        "组织三级医院对口帮扶县级医院，选派骨干医师驻点帮扶。",
        "市卫生健康委",
        "市财政局\n各县（市）人民政府",
        "2025年6月底前",
        "选派医师不少于60人",
    ),
    (
        2,
        "医疗服务体系",
        "加快基层医疗卫生机构能力提升",
        "推进社区医院建设，持续开展“优质服务基层行”活动。",
        "市卫生健康委",
        "市发展改革委\n市财政局",
        "2025年12月",
        "新增社区医院5家",
    ),
    (
        3,
        "医疗保障",
        "深化医保支付方式改革",
        "完善DRG付费特例单议机制，探索中医优势病种按疗效价值付费。",
        "市医保局",
        "市卫生健康委",
        "次年3月底前",
        "中医优势病种不少于20个",
    ),
    (
        4,
        "医疗保障",
        "推进长期护理保险制度",
        "从2025年1月起将失能等级评估纳入统一标准，扩大服务机构范围。",
        "市医保局",
        "市民政局\n市财政局",
        "从2025年1月起实施",
        "定点护理服务机构达到80家",
    ),
    (
        5,
        "医疗保障",
        "做好医疗救助托底保障",
        "落实困难群众参保资助政策，动态监测防止因病返贫。",
        "市医保局",
        "市民政局\n市乡村振兴局\n市税务局",
        "长期坚持",
        "困难群众参保率稳定在99%以上",
    ),
    (
        6,
        "医药供应",
        "落实药品集中带量采购",
        "执行国家和省级集采结果，完善医保资金结余留用政策。",
        "市医保局",
        "市卫生健康委\n市市场监管局",
        "2025年下半年",
        "中选药品采购量完成率100%",
    ),
    (
        7,
        "医药供应",
        "推进医疗机构药学服务",
        "推广临床药师制度，开展处方点评。",
        "市卫生健康委",
        None,
        "9月份",
        "—",
    ),
]


def build_c02() -> bytes:
    import openpyxl
    from openpyxl.styles import Alignment, Font

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "推进清单"
    ws.cell(1, 1, C02_TITLE)
    ws.merge_cells("A1:H1")
    ws.cell(1, 1).font = Font(bold=True, size=16)
    top = ["序号", "改革领域", "工作任务", "工作措施", "责任分工", None, "时间节点", "预期目标"]
    for c, h in enumerate(top, start=1):
        if h:
            ws.cell(2, c, h).font = Font(bold=True)
    ws.cell(3, 5, "责任单位").font = Font(bold=True)
    ws.cell(3, 6, "协同部门").font = Font(bold=True)
    ws.merge_cells("E2:F2")
    for col in "ABCDGH":
        ws.merge_cells(f"{col}2:{col}3")
    for r, row in enumerate(C02_ROWS, start=4):
        for c, value in enumerate(row, start=1):
            if c == 2 and r > 4 and C02_ROWS[r - 5][1] == value:
                continue
            if value is None:
                continue
            ws.cell(r, c, value).alignment = Alignment(wrap_text=True, vertical="center")
    _merge_runs(ws, C02_ROWS, 2, 4)
    notes = wb.create_sheet("说明")
    notes.cell(
        1, 1, "说明：1.“时间节点”为完成时限；2.“预期目标”为年度量化目标；3.请于每月5日前报送上月进展。"
    )
    wb.properties.created = wb.properties.modified = datetime(2025, 1, 20)
    buf = io.BytesIO()
    wb.save(buf)
    return _fixed_zip(buf.getvalue())


# --- c03: docx notice + task table -------------------------------------------------------------

C03_PARAS = [
    "台政办发〔2025〕9号",
    "台州市人民政府办公室关于印发台州市2025年深化医药卫生体制改革重点任务分工的通知",
    "各县（市、区）人民政府，市政府直属各单位：",
    "经市政府同意，现将《台州市2025年深化医药卫生体制改革重点任务分工》印发给你们，请结合实际认真组织实施。各责任部门要于每季度末将任务进展情况报送市医改办。",
    "台州市人民政府办公室",
    "2025年3月18日",
    "（此件公开发布）",
    "附件",
    "台州市2025年深化医药卫生体制改革重点任务分工",
]
C03_HEADER = ["序号", "任务类别", "任务事项", "主要举措", "责任部门", "协办单位", "完成期限"]
C03_ROWS = [
    (
        "1",
        "公立医院高质量发展",
        "开展公立医院高质量发展评价",
        "按照国家评价指标体系，对全市二级以上公立医院开展年度评价。",
        "市卫生健康委",
        "市财政局、市医保局",
        "2025年11月底前",
    ),
    (
        "2",
        "公立医院高质量发展",
        "推进公立医院全面预算管理",
        "建立预算绩效一体化管理机制，三级公立医院全部实施全面预算管理。",
        "市卫生健康委",
        "市财政局",
        "2025年12月31日前",
    ),
    (
        "3",
        "公立医院高质量发展",
        "控制公立医院医疗费用不合理增长",
        "加强医疗费用监测，全市公立医院医疗费用增幅控制在8%以内。",
        "市卫生健康委",
        "市医保局",
        "每季度",
    ),
    (
        "4",
        "医疗保障",
        "推进门诊共济保障机制改革",
        "完善普通门诊统筹政策，将符合条件的村卫生室纳入定点管理。",
        "市医保局",
        "市卫生健康委",
        "2025年9月",
    ),
    (
        "5",
        "医疗保障",
        "开展医保基金飞行检查",
        "联合开展医保基金专项整治，自2025年3月起每月通报典型案例。",
        "市医保局",
        "市公安局、市审计局",
        "持续推进",
    ),
    (
        "6",
        "医疗保障",
        "推进医保电子凭证和移动支付应用，定点医疗机构接入率达到100%。",
        None,
        "市医保局",
        "市卫生健康委、市大数据局",
        "2025年6月30日前",
    ),
    (
        "7",
        "中医药",
        "推进中医药传承创新",
        "建设市级中医重点专科，推广中医适宜技术。",
        "市卫生健康委",
        "市发展改革委、市财政局；各县（市、区）人民政府",
        "2025年12月",
    ),
]


def _fixed_docx(d) -> bytes:
    fixed = datetime(2025, 3, 18)
    d.core_properties.created = d.core_properties.modified = fixed
    d.core_properties.last_printed = fixed
    buf = io.BytesIO()
    d.save(buf)
    return _fixed_zip(buf.getvalue())


def _docx_merge_runs(table, rows, col, first_row=1):
    start = 0
    for i in range(1, len(rows) + 1):
        if i == len(rows) or rows[i][col] != rows[start][col]:
            if i - 1 > start:
                table.cell(first_row + start, col).merge(table.cell(first_row + i - 1, col))
            start = i


def build_c03() -> bytes:
    import docx

    d = docx.Document()
    for text in C03_PARAS:
        d.add_paragraph(text)
    table = d.add_table(rows=1 + len(C03_ROWS), cols=len(C03_HEADER))
    table.style = "Table Grid"
    for i, h in enumerate(C03_HEADER):
        table.cell(0, i).text = h
    for r, row in enumerate(C03_ROWS, start=1):
        for c, value in enumerate(row):
            if value is None:
                continue
            if (c == 1 and r > 1 and C03_ROWS[r - 2][c] == value) or (c == 4 and r == 5):
                continue  # merged with the cell above
            table.cell(r, c).text = value
    _docx_merge_runs(table, C03_ROWS, 1)
    # The lead cell is merged over rows 4-5 only (both 市医保局); row 6 repeats it.
    table.cell(4, 4).merge(table.cell(5, 4))
    # Row 6: the task text spans the 任务事项 and 主要举措 columns.
    table.cell(6, 2).merge(table.cell(6, 3))
    return _fixed_docx(d)


# --- c04: docx with prose tasks and an attachment table ----------------------------------------

C04_PARAS = [
    "赣市医改发〔2024〕2号",
    "赣州市深化医药卫生体制改革领导小组",
    "关于印发《赣州市2024年推进紧密型县域医疗卫生共同体建设工作要点》的通知",
    "各县（市、区）医改领导小组，市医改领导小组各成员单位：",
    "现将《赣州市2024年推进紧密型县域医疗卫生共同体建设工作要点》印发给你们，请认真抓好落实。",
    "赣州市深化医药卫生体制改革领导小组",
    "2024年3月5日",
    "赣州市2024年推进紧密型县域医疗卫生共同体建设工作要点",
    "一、工作目标",
    "到2024年底，全市紧密型县域医共体建设实现县域全覆盖，县域内住院人次占比达到85%以上，基层医疗卫生机构诊疗量占比稳步提升。",
    "二、重点任务",
    "（一）健全医共体管理体制。各县（市、区）成立由党委和政府主要负责同志任双主任的医共体管理委员会，2024年6月底前完成医共体章程修订。（市卫生健康委牵头，市委编办配合；各县（市、区）人民政府负责）",
    "（二）推进医保打包付费。对医共体实行医保基金总额付费，加强监督考核，结余留用、合理超支分担，2024年起在全部县（市、区）推开。（市医保局牵头，市卫生健康委、市财政局配合）",
    "（三）统一医共体药品目录。建立医共体内统一的用药目录和采购配送机制，县乡两级用药衔接品种达到300种以上。（市卫生健康委、市医保局按职责分工负责）",
    "（四）强化基层人才队伍建设。实施“县管乡用”“乡聘村用”，每个乡镇卫生院至少配备1名全科医生，下半年完成岗位核定。（市卫生健康委牵头，市人力资源社会保障局、市委编办配合）",
    "（五）推进县域信息互联互通。以县域为单位建设医共体信息平台，实现检查检验结果互认。（市卫生健康委牵头，市数据局配合；长期坚持）",
    "三、保障措施",
    "各地要加强组织领导，将医共体建设纳入政府目标考核。市医改办每半年通报一次工作进展。",
    "附件",
    "重点任务推进表",
]
C04_HEADER = ["序号", "工作任务", "推进措施", "责任单位", "配合部门", "完成时间"]
C04_ROWS = [
    (
        "1",
        "医共体章程修订",
        "各县（市、区）完成医共体章程修订并报备",
        "各县（市、区）人民政府",
        "市卫生健康委",
        "2024年6月底前",
    ),
    (
        "2",
        "医保总额付费",
        "制定医共体医保基金总额付费实施细则",
        "市医保局",
        "市卫生健康委\n市财政局",
        "2024年4月",
    ),
    ("3", "用药目录衔接", "发布县乡统一用药目录", "市卫生健康委", "市医保局", "9月份"),
    ("4", "信息平台建设", "完成8个县（市、区）医共体信息平台建设", "市卫生健康委", "市数据局", "次年6月底前"),
]


def build_c04() -> bytes:
    import docx

    d = docx.Document()
    for text in C04_PARAS:
        d.add_paragraph(text)
    table = d.add_table(rows=1 + len(C04_ROWS), cols=len(C04_HEADER))
    table.style = "Table Grid"
    for i, h in enumerate(C04_HEADER):
        table.cell(0, i).text = h
    for r, row in enumerate(C04_ROWS, start=1):
        for c, value in enumerate(row):
            table.cell(r, c).text = value
    return _fixed_docx(d)


# --- PDF with a text layer (no fonts embedded: Adobe-GB1 STSong-Light, UniGB-UCS2-H) -------------


def make_pdf(pages: list[list[str]]) -> bytes:
    objs: dict[int, bytes] = {}
    objs[1] = b"<< /Type /Catalog /Pages 2 0 R >>"
    objs[3] = (
        b"<< /Type /Font /Subtype /Type0 /BaseFont /STSong-Light /Encoding /UniGB-UCS2-H "
        b"/DescendantFonts [4 0 R] >>"
    )
    objs[4] = (
        b"<< /Type /Font /Subtype /CIDFontType0 /BaseFont /STSong-Light "
        b"/CIDSystemInfo << /Registry (Adobe) /Ordering (GB1) /Supplement 2 >> "
        b"/FontDescriptor 5 0 R /DW 1000 >>"
    )
    objs[5] = (
        b"<< /Type /FontDescriptor /FontName /STSong-Light /Flags 6 /FontBBox [-25 -254 1000 880] "
        b"/ItalicAngle 0 /Ascent 880 /Descent -120 /CapHeight 880 /StemV 93 >>"
    )
    kids = []
    n = 6
    for lines in pages:
        ops = ["BT", "/F1 12 Tf", "18 TL", "60 790 Td"]
        for line in lines:
            ops.append("<" + line.encode("utf-16-be").hex().upper() + "> Tj T*")
        ops.append("ET")
        data = "\n".join(ops).encode("ascii")
        objs[n + 1] = b"<< /Length %d >>\nstream\n" % len(data) + data + b"\nendstream"
        objs[n] = (
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
            b"/Resources << /Font << /F1 3 0 R >> >> /Contents %d 0 R >>" % (n + 1)
        )
        kids.append(n)
        n += 2
    objs[2] = (
        b"<< /Type /Pages /Kids [" + b" ".join(b"%d 0 R" % k for k in kids) + b"] /Count %d >>" % len(kids)
    )
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = {}
    for i in sorted(objs):
        offsets[i] = len(out)
        out += b"%d 0 obj\n" % i + objs[i] + b"\nendobj\n"
    xref = len(out)
    size = max(objs) + 1
    out += b"xref\n0 %d\n0000000000 65535 f \n" % size
    for i in range(1, size):
        out += b"%010d 00000 n \n" % offsets[i]
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (size, xref)
    return bytes(out)


def wrap(text: str, width: int) -> list[str]:
    lines: list[str] = []
    for para in text.split("\n"):
        para = para.strip()
        while len(para) > width:
            lines.append(para[:width])
            para = para[width:]
        lines.append(para)
    return lines


def build_pdf(text: str, header: str, width: int = 31, lines_per_page: int = 17) -> bytes:
    lines = wrap(text, width)
    pages = []
    for no, i in enumerate(range(0, len(lines), lines_per_page), start=1):
        page = ([header] if no > 1 else []) + lines[i : i + lines_per_page] + ["", f"— {no} —"]
        pages.append(page)
    return make_pdf(pages)


def pdf_copy(text: str, header: str, width: int = 27, lines_per_page: int = 20) -> str:
    lines = wrap(text, width)
    out: list[str] = []
    for no, i in enumerate(range(0, len(lines), lines_per_page), start=1):
        if no > 1:
            out.append(header)
        out.extend(lines[i : i + lines_per_page])
        out.append(f"— {no} —")
        out.append("")
    return "\n".join(out)


def main() -> None:
    (OUT / "c01_mianyang_qingdan.xlsx").write_bytes(build_c01())
    (OUT / "c02_xuzhou_tuijin.xlsx").write_bytes(build_c02())
    (OUT / "c03_taizhou_fengong.docx").write_bytes(build_c03())
    (OUT / "c04_ganzhou_yigongti.docx").write_bytes(build_c04())
    for name, target, fn in (
        ("c12_traditional.src.txt", "c12_yibao_traditional.txt", traditional),
        ("c17_traditional.src.txt", "c17_changzhou_jiyao_traditional.txt", traditional),
    ):
        p = SRC / name
        if p.exists():
            (OUT / target).write_text(fn(p.read_text(encoding="utf-8")), encoding="utf-8")
    p = SRC / "c13_pdf.src.txt"
    if p.exists():
        (OUT / "c13_zibo_jiceng.pdf").write_bytes(
            build_pdf(p.read_text(encoding="utf-8"), "淄卫发〔2024〕11号")
        )
    p = SRC / "c14_tonglu.utf8.txt"
    if p.exists():
        text = p.read_text(encoding="utf-8")
        (OUT / "c14_tonglu_gb18030.txt").write_bytes(text.replace("\n", "\r\n").encode("gb18030"))
    p = SRC / "c15_pdf_copy.src.txt"
    if p.exists():
        (OUT / "c15_quanzhou_pdf_copy.txt").write_text(
            pdf_copy(p.read_text(encoding="utf-8"), "泉医改办〔2025〕4号"), encoding="utf-8"
        )


if __name__ == "__main__":
    main()
