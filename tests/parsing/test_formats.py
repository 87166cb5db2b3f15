"""Each input format, encoding detection, and the clear errors for unreadable input."""

import codecs

import pytest

from tasks.parsing import ParseError, parse_document

from .builders import make_docx, make_pdf, make_xlsx

DOC = (
    "郑州市卫生健康委员会文件\n郑卫〔2022〕7号\n关于印发2022年重点工作任务的通知\n"
    "一、深化改革\n（一）推进医联体建设，年底前完成改革。（市卫生健康委、医保局等按职责分工负责）\n"
    "（二）完善医保支付，病种数不少于100个。（市医保局负责）\n"
)


def _check_basic(doc):
    assert doc.doc_number == "郑卫〔2022〕7号"
    tasks = [t for t in doc.tasks if t.source != "table"]
    assert [t.number for t in tasks] == ["（一）", "（二）"]
    assert tasks[0].lead[0].text == "市卫生健康委"
    assert tasks[0].co[0].normalized == "市医保局"
    assert str(tasks[0].deadlines[0].date) == "2022-12-31"


@pytest.mark.parametrize(
    "data",
    [
        DOC.encode("utf-8"),
        codecs.BOM_UTF8 + DOC.encode("utf-8"),
        DOC.encode("gb18030"),
        DOC.encode("gbk"),
        DOC.replace("\n", "\r\n").encode("utf-8"),
        codecs.BOM_UTF16_LE + DOC.encode("utf-16-le"),
    ],
    ids=["utf8", "utf8-bom", "gb18030", "gbk", "crlf", "utf16"],
)
def test_text_encodings(data):
    doc = parse_document(data, "notice.txt")
    _check_basic(doc)
    assert not any("编码" in w for w in doc.warnings)


def test_markdown_file():
    doc = parse_document(
        ("# 标题\n\n## 一、深化改革\n\n" + DOC.split("一、深化改革\n", 1)[1]).encode(), "a.md"
    )
    assert [t.path for t in doc.tasks] == [["一", "（一）"], ["一", "（二）"]]


def test_docx_paragraphs_and_merged_table():
    data = make_docx(
        DOC.splitlines(),
        table=[
            ["序号", "重点任务", "具体措施", "牵头单位", "配合单位", "完成时限"],
            ["1", "分级诊疗", "推进县域医共体建设", "市卫健委", "市医保局、市财政局", "2022年6月底前"],
            ["2", None, "开展家庭医生签约服务", "市卫健委", "市医保局", "持续推进"],
        ],
        merge=[((1, 1), (2, 1))],
    )
    doc = parse_document(data, "plan.docx")
    _check_basic(doc)
    rows = [t for t in doc.tasks if t.source == "table"]
    assert [t.text for t in rows] == ["推进县域医共体建设", "开展家庭医生签约服务"]
    # The merged category cell is read in both rows, as a person sees it.
    assert rows[1].path == ["分级诊疗", "2"]
    assert [a.text for a in rows[0].co] == ["市医保局", "市财政局"]
    assert str(rows[0].deadlines[0].date) == "2022-06-30"
    assert rows[1].deadlines[0].kind == "ongoing"


def test_xlsx_header_found_by_name_and_merged_cells():
    data = make_xlsx(
        [
            ["2022年医改重点任务分解表", None, None, None, None],
            ["序号", "工作任务", "牵头部门", "配合部门", "时间节点", "目标值"],
            ["一、分级诊疗", None, None, None, None, None],
            [1, "推进医共体建设", "县卫健局", "县医保局", "2022年9月底前", "县域就诊率达到90%以上"],
            [2, "推进家庭医生签约", "县卫健局", None, "每季度", None],
        ],
        merges=["A1:F1", "A3:F3", "C4:C5"],
    )
    doc = parse_document(data, "tasks.xlsx")
    assert [t.text for t in doc.tasks] == ["推进医共体建设", "推进家庭医生签约"]
    assert doc.tasks[1].lead[0].text == "县卫健局"  # merged 牵头部门 cell
    assert doc.tasks[0].section == "一、分级诊疗"
    assert doc.tasks[0].targets[0].op == ">="
    assert doc.tasks[0].targets[0].value == 90
    assert doc.tasks[1].deadlines[0].kind == "recurring"


def test_pdf_with_text_layer_and_page_numbers():
    lines = DOC.splitlines()
    doc = parse_document(make_pdf([*lines[:4], "— 1 —", *lines[4:]]), "notice.pdf")
    _check_basic(doc)
    assert all("—" not in t.text for t in doc.tasks)


def test_content_wins_over_extension():
    doc = parse_document(make_pdf(DOC.splitlines()), "notice.txt")
    _check_basic(doc)
    assert any("PDF" in w and ".txt" in w for w in doc.warnings)


@pytest.mark.parametrize(
    ("data", "name", "needle"),
    [
        (b"", "a.txt", "为空"),
        (bytes(range(256)) * 40, "a.txt", "二进制"),
        (b"PK\x03\x04" + b"\x00garbage" * 50, "a.docx", "损坏"),
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * 100, "a.docx", "PNG"),
        (b"\xff\xd8\xff\xe0" + b"\x00" * 100, "scan.pdf", "JPEG"),
        (
            b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + "EncryptionInfo".encode("utf-16-le") + b"\x00" * 64,
            "a.docx",
            "加密",
        ),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 64, "a.doc", "旧版"),
        (b"%PDF-1.4\n garbage garbage", "a.pdf", "损坏"),
    ],
    ids=[
        "empty",
        "binary",
        "corrupt-docx",
        "png-as-docx",
        "jpeg-as-pdf",
        "encrypted-office",
        "legacy-doc",
        "corrupt-pdf",
    ],
)
def test_unreadable_inputs(data, name, needle):
    with pytest.raises(ParseError, match=needle):
        parse_document(data, name)


def test_encrypted_pdf():
    with pytest.raises(ParseError, match="加密"):
        parse_document(make_pdf(["测试文字"], encrypt=True), "secret.pdf")


def test_image_only_pdf():
    with pytest.raises(ParseError, match="文字层"):
        parse_document(make_pdf(None), "scan.pdf")


def test_oversize():
    with pytest.raises(ParseError, match="超过上限"):
        parse_document(DOC.encode() * 10, "a.txt", max_bytes=100)


def test_garbled_encoding_is_flagged_not_silent():
    data = "任务".encode()[:-1] + bytes([0x81, 0x30, 0xFE, 0xFE]) * 3
    doc = parse_document(data, "a.txt")
    assert any("编码" in w for w in doc.warnings)


def test_whitespace_only_text_does_not_raise():
    doc = parse_document("  \n\u3000\n".encode(), "a.txt")
    assert doc.tasks == []
    assert doc.warnings


def test_to_dict_contract():
    doc = parse_document(DOC.encode(), "a.txt")
    d = doc.to_dict()
    assert list(d) == ["title", "doc_number", "issuer", "issued_on", "region", "tasks", "warnings"]
    task = d["tasks"][0]
    assert list(task) == [
        "number",
        "path",
        "section",
        "text",
        "measures",
        "lead",
        "co",
        "collective",
        "deadlines",
        "targets",
    ]
    assert task["lead"][0] == {"text": "市卫生健康委", "department": None}
    assert task["deadlines"][0] == {"text": "年底前", "date": "2022-12-31", "kind": "date"}
    assert set(d["tasks"][1]["targets"][0]) == {"text", "metric", "op", "value", "unit", "year"}
