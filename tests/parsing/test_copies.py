"""Traditional-character copies and PDF copies with broken lines keep their tasks and leads."""

from tasks.parsing import parse_document
from tasks.parsing.model import ParsedDocument
from tasks.parsing.normalize import build_paragraphs
from tasks.parsing.parser import parse_paragraphs

from .builders import make_pdf

TRADITIONAL_LIST = """關於印發2024年深化醫藥衛生體制改革重點工作任務的通知
一、深化醫療服務價格改革
（一）推進醫療服務價格動態調整。（市醫保局牽頭，市衛生健康委、市財政局配合）
（二）加強公立醫院績效考核。（市衛生健康委負責，長期堅持）
"""

TRADITIONAL_MINUTES = """市醫改領導小組會議紀要
2024年3月5日，市醫改領導小組召開會議。會議議定事項如下：
一、關於醫保支付方式改革。請市醫保局牽頭，會同市衛生健康委、市財政局抓緊制定實施方案，6月底前報市政府。
二、關於分級診療。由市衛生健康委牽頭，會同市醫保局推進緊密型醫共體建設。
三、關於藥品集中採購。請市醫保局、市衛生健康委分別負責做好政策解讀。
"""


def _leads(doc):
    return [[a.text for a in t.lead] for t in doc.tasks]


def test_traditional_task_list_keeps_leads_as_printed():
    doc = parse_document(TRADITIONAL_LIST.encode(), "a.txt")
    assert _leads(doc) == [["市醫保局"], ["市衛生健康委"]]
    assert [a.text for a in doc.tasks[0].co] == ["市衛生健康委", "市財政局"]
    assert [a.normalized for a in doc.tasks[0].lead] == ["市医保局"]
    assert [(d.text, d.kind) for d in doc.tasks[1].deadlines] == [("長期堅持", "ongoing")]


def test_traditional_minutes_keep_leads():
    doc = parse_document(TRADITIONAL_MINUTES.encode(), "a.txt")
    assert _leads(doc) == [["市醫保局"], ["市衛生健康委"], ["市醫保局", "市衛生健康委"]]
    assert [a.text for a in doc.tasks[0].co] == ["市衛生健康委", "市財政局"]


def test_a_traditional_bracket_pasted_into_a_simplified_document_keeps_its_lead():
    doc = parse_document("一、改革\n（一）推进医疗服务价格改革。（市医保局牽頭）\n".encode(), "a.txt")
    assert _leads(doc) == [["市医保局"]]


# A PDF copy: hard wraps mid-sentence and mid-name, a running header and page footers.
PDF_LINES = [
    "某市2024年深化医改重点工作任务",
    "一、深化医疗服务价格改革",
    "（一）推进医疗服务价格动态调整，建立灵敏有度的价格",
    "动态调整机制。（市医保局牵头，市卫生健",
    "康委、市财政局配合）",
    "（二）加强公立医院绩效考核，将考核结果与财政补助、医",
    "保支付挂钩。（市卫生健康委负责，长期坚持）",
    "— 3 —",
    "某市深化医改重点工作任务",
    "（三）推进紧密型县域医共体建设，年底前实现县域全",
    "覆盖。（市卫生健康委牵头，市医保局配合）",
    "— 4 —",
    "某市深化医改重点工作任务",
    "二、健全多层次医疗保障体系",
    "（四）深化医保支付方式改革，6月底前出台DRG付费",
    "实施细则。（市医保局负责）",
    "— 5 —",
]

PDF_MINUTES = [
    "市医改领导小组第三次会议纪要",
    "2024年3月5日，市医改领导小组召开第三次会议，研究部署深化医改重点工作。现将会议议定事项",
    "纪要如下：",
    "一、关于医保支付方式改革。会议听取了市医保局关于支付方式改革的汇报。请市医保局牵头",
    "，会同市卫生健康委、市财",
    "政局抓紧制定实施方案，6月底前报市政府审定。",
    "— 1 —",
    "市医改领导小组会议纪要",
    "二、关于分级诊疗制度建设。由市卫生健康委牵头，会同市医保局推进紧密型医共体建设，自2024年",
    "4月1日起在全市推开。",
    "三、关于药品耗材集中采购。请市医保局、市卫生健康委分别负责做好政策解读和宣传引导工",
    "— 2 —",
    "市医改领导小组会议纪要",
    "作，确保平稳落地。",
    "— 3 —",
]


def _parse_wrapped(lines):
    return parse_paragraphs(build_paragraphs(lines, wrapped=True), ParsedDocument())


def test_pdf_task_list_with_broken_lines_loses_no_task():
    doc = _parse_wrapped(PDF_LINES)
    assert [t.number for t in doc.tasks] == ["（一）", "（二）", "（三）", "（四）"]
    assert _leads(doc) == [["市医保局"], ["市卫生健康委"], ["市卫生健康委"], ["市医保局"]]
    assert [a.text for a in doc.tasks[0].co] == ["市卫生健康委", "市财政局"]
    assert all("某市深化医改" not in t.text and "—" not in t.text for t in doc.tasks)
    assert doc.tasks[2].text.startswith("推进紧密型县域医共体建设，年底前实现县域全覆盖。")


def test_pdf_minutes_with_broken_lines_keep_every_item_and_lead():
    doc = _parse_wrapped(PDF_MINUTES)
    assert _leads(doc) == [["市医保局"], ["市卫生健康委"], ["市医保局", "市卫生健康委"]]
    assert [a.text for a in doc.tasks[0].co] == ["市卫生健康委", "市财政局"]
    assert doc.tasks[2].text.endswith("宣传引导工作，确保平稳落地。")
    assert [(d.text, d.kind) for d in doc.tasks[1].deadlines] == [("自2024年4月1日起", "start")]


def test_a_real_pdf_copy_keeps_its_tasks():
    doc = parse_document(make_pdf(PDF_LINES), "copy.pdf")
    assert [t.number for t in doc.tasks] == ["（一）", "（二）", "（三）", "（四）"]
    assert _leads(doc) == [["市医保局"], ["市卫生健康委"], ["市卫生健康委"], ["市医保局"]]


def test_a_bare_page_folio_and_a_bracket_broken_mid_name_stay_out_of_the_task():
    lines = [
        "某市2024年深化医改重点工作任务",
        "一、深化医保支付方式改革",
        "（一）深化医保支付方式改革，6月底前出台DRG付费实施细则（市医",
        "保局负责）",
        "2",
        "（二）完善大病保险制度。（市医保局负",
        "责）",
        "3",
    ]
    doc = _parse_wrapped(lines)
    assert [t.text for t in doc.tasks] == [
        "深化医保支付方式改革，6月底前出台DRG付费实施细则（市医保局负责）",
        "完善大病保险制度。（市医保局负责）",
    ]
    assert _leads(doc) == [["市医保局"], ["市医保局"]]


def test_a_traditional_workbook_gives_its_cells_names_back_as_written():
    from tests.parsing.builders import make_xlsx

    data = make_xlsx(
        [
            ["序號", "重點任務", "牽頭單位", "配合單位", "完成時限"],
            [1, "推進緊密型縣域醫共體建設", "市衛健委", "市醫保局\n市財政局", "2025年12月底前"],
        ]
    )
    task = parse_document(data, "a.xlsx").tasks[0]
    assert [a.text for a in task.lead] == ["市衛健委"]
    assert [a.text for a in task.co] == ["市醫保局", "市財政局"]


def test_a_start_on_the_day_of_issue_takes_the_printed_date():
    text = (
        "某市醫保局文件\n\n某醫保發〔2025〕2號\n\n關於調整門診統籌待遇的通知\n\n各縣區醫保局：\n\n"
        "一、調整待遇\n（一）提高門診統籌支付比例，自印發之日起執行。（市醫保局負責）\n\n某市醫保局\n\n2025年3月18日\n"
    )
    task = parse_document(text.encode(), "a.txt").tasks[0]
    start = next(d for d in task.deadlines if d.kind == "start")
    assert start.date.isoformat() == "2025-03-18"
