"""Outline styles, inline enumerations, prose demands, attachments, text repair."""

from tasks.parsing import parse_document
from tasks.parsing.normalize import build_paragraphs, fold


def _parse(text: str):
    return parse_document(text.encode("utf-8"), "doc.txt")


def test_all_paragraph_label_levels():
    text = (
        "一、总体要求\n坚持以人民健康为中心。\n二、重点任务\n（一）医疗改革\n1.推进医联体。\n（1）城市医疗集团建设。\n"
        "①组建集团。\n②完善章程。\n（2）县域医共体建设。\n2.推进签约服务。\n（二）医保改革\n1. 推进支付方式改革。\n"
        "三、保障措施\n（一）加强组织领导。\n（二）强化督导考核。\n"
    )
    doc = _parse(text)
    assert [t.path for t in doc.tasks] == [
        ["二", "（一）", "1.", "（1）", "①"],
        ["二", "（一）", "1.", "（1）", "②"],
        ["二", "（一）", "1.", "（2）"],
        ["二", "（一）", "2."],
        ["二", "（二）", "1."],
    ]
    assert all(t.section == "重点任务" for t in doc.tasks)
    # Headings are outline nodes, not tasks; tasks point at their parent node.
    parent = doc.outline[doc.tasks[0].parent]
    assert parent.label == "（1）"
    assert parent.heading == "城市医疗集团建设"


def test_markdown_levels_disagree_with_numbering():
    text = "# 标题\n\n## 一、甲\n\n（一）任务一。\n\n### 二、乙\n\n（二）任务二。\n\n#### 三、丙\n\n(三) 任务三。\n"
    doc = _parse(text)
    assert [t.path for t in doc.tasks] == [["一", "（一）"], ["二", "（二）"], ["三", "(三)"]]
    assert [t.section for t in doc.tasks] == ["甲", "乙", "丙"]


def test_inline_enumerations_yishi_and_fangmian():
    text = (
        "会议提出以下要求：\n（一）推进医疗改革。主要任务一是6月底前出台办法；二是加强基层建设；三是推进标准化。\n"
        "（二）完善监管。一方面要完善体系。另一方面要完善方式。\n"
        "（三）推进扶贫。省长强调：“我们一方面不要降低标准，另一方面也不能提高标准”。\n"
    )
    doc = _parse(text)
    assert [(t.number, t.path) for t in doc.tasks] == [
        ("一是", ["（一）", "一是"]),
        ("二是", ["（一）", "二是"]),
        ("三是", ["（一）", "三是"]),
        ("一方面", ["（二）", "一方面"]),
        ("另一方面", ["（二）", "另一方面"]),
        ("（三）", ["（三）"]),  # 一方面/另一方面 inside a quotation are not labels
    ]
    assert doc.tasks[0].text.startswith("6月底前出台办法")


def test_yiyao_does_not_match_inside_shiyiyao():
    items = (
        "".join(f"{n}要抓好第{n}项工作;" for n in "一二三四五六七八九十") + "十一要抓好监管;十二要制定规定。"
    )
    doc = _parse("市长会议召开\n\n会上市长要求:全市要深入学习贯彻会议精神。" + items)
    assert [t.number for t in doc.tasks][-3:] == ["十要", "十一要", "十二要"]
    assert len(doc.tasks) == 12
    assert doc.tasks[-2].text.startswith("抓好监管")
    assert doc.tasks[0].section == "市长会议召开"


def test_prose_demands_without_numbers():
    text = (
        "省医改会议召开\n\n就深化改革，省长强调，要理顺管理体制，推动改革。要全面建立对口联系机制。"
        "各级各部门要以习近平新时代中国特色社会主义思想为指导。\n"
    )
    doc = _parse(text)
    assert [t.text[:6] for t in doc.tasks] == ["要理顺管理体", "要全面建立对"]
    assert all(t.number is None and t.path == [] for t in doc.tasks)


def test_lead_in_demand_before_enumeration():
    text = "一、任务\n（一）深化医院改革。全省各地要选择20%的医院开展试点。一是建立治理体系。二是完善管理制度。\n"
    doc = _parse(text)
    assert [t.number for t in doc.tasks] == [None, "一是", "二是"]
    assert [c.text for c in doc.tasks[0].collective] == ["全省各地"]


def test_attachment_table_flattened_one_cell_per_line():
    text = (
        "一、任务\n（一）推进改革。（省卫健委负责）\n附件：进度安排表\n\n附件\n部分重点工作任务分工及进度安排表\n"
        "\t序号\n\t工作任务\n\t牵头部门\n\t时间进度\n\n\t1\n\t制订实施方案\n\t省卫健委\n\t2018年7月底前完成\n\n"
        "\t2\n\t制订实施意见\n\t省药监局\n\t国家文件出台后3个月内完成\n\u00a0\n"
    )
    doc = parse_document(text.encode(), "a.txt")
    assert [t.number for t in doc.tasks] == ["（一）", "附件-1", "附件-2"]
    row = doc.tasks[1]
    assert row.path == ["附件", "1"]
    assert row.section == "部分重点工作任务分工及进度安排表"
    assert str(row.deadlines[0].date) == "2018-07-31"
    assert doc.tasks[2].deadlines[0].kind == "relative"
    # The attachment list line does not leak into the last numbered item.
    assert "附件" not in doc.tasks[0].text


def test_markdown_pipe_table():
    text = "| 序号 | 重点任务 | 责任单位 | 完成时限 |\n|---|---|---|---|\n| 1 | 推进医共体建设 | 县卫健局、县医保局 | 年底前 |\n"
    doc = parse_document(("关于印发2023年工作要点的通知\n" + text).encode(), "a.md")
    (task,) = doc.tasks
    assert [a.text for a in task.lead] == ["县卫健局"]
    assert [a.text for a in task.co] == ["县医保局"]
    assert str(task.deadlines[0].date) == "2023-12-31"


def test_page_breaks_page_numbers_and_markdown_are_repaired():
    lines = [
        "一、任务",
        "（一）推进医保改革，确保覆盖特",
        "",
        "— 3 —",
        "",
        "困救助供养对象。（市医保局负责）",
        "（二）**加强监管**。（市卫健委负责）",
    ]
    paragraphs = build_paragraphs(lines)
    assert paragraphs[1] == "（一）推进医保改革，确保覆盖特困救助供养对象。（市医保局负责）"
    assert paragraphs[2] == "（二）加强监管。（市卫健委负责）"


def test_headline_is_not_joined_to_following_paragraph():
    paragraphs = build_paragraphs(["某某市医改工作会议召开", "", "11月18日,会议召开，市长出席。"])
    assert len(paragraphs) == 2


def test_traditional_characters_matched_but_kept():
    text = "一、任務\n（一）推進醫聯體建設，年底前完成。（市衛生健康委、醫保局負責）\n（二）完善醫保支付。（市醫保局負責）\n"
    doc = parse_document(("關於印發2022年重點工作任務的通知\n" + text).encode(), "a.txt")
    task = doc.tasks[0]
    assert task.text.startswith("推進醫聯體")
    assert [a.text for a in task.lead] == ["市衛生健康委"]
    assert task.co[0].normalized == "市医保局"
    assert str(task.deadlines[0].date) == "2022-12-31"


def test_fold_keeps_length():
    text = "（１）２０２３年６月底前，ａｂ　【测试】醫"
    assert len(fold(text, t2s=True)) == len(text)
    assert fold(text) == "(1)2023年6月底前,ab [测试]醫"


def test_the_list_of_attachments_at_the_end_of_the_body_is_not_a_task():
    from tasks.parsing import parse_document

    text = (
        "关于印发某市医改重点工作的通知\n\n各单位：\n\n一、重点工作\n\n（一）推进医共体建设。（市卫健委负责）\n\n"
        "（二）推进DRG付费。（市医保局负责）\n\n附件：1．配套政策文件制定计划表\n      2．重点工作责任分工表\n\n某市医改办\n2025年4月1日\n"
    )
    tasks = parse_document(text.encode(), "a.txt").tasks
    assert [t.number for t in tasks] == ["（一）", "（二）"]
