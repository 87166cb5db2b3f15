"""Tables read by what their headers mean, in every format they arrive in."""

import pytest

from tasks.parsing import parse_document
from tasks.parsing.assignees import cell_text, split_cell
from tasks.parsing.tables import find_header, map_header

from .builders import make_docx_parts, make_xlsx, make_xlsx_sheets

NOTICE = [
    "某市深化医药卫生体制改革领导小组文件",
    "关于印发某市2023年深化医药卫生体制改革重点任务的通知",
    "各县（市、区）人民政府，市直各单位：",
    "现将重点任务印发给你们，请认真贯彻落实。",
]


def names(items) -> list[str]:
    return [a.text for a in items]


def table_tasks(doc):
    return [t for t in doc.tasks if t.source == "table"]


# Task and measures columns ----------------------------------------------------------------------


def test_xlsx_task_and_measures_columns_are_kept_apart_and_cells_list_one_name_per_line():
    data = make_xlsx(
        [
            ["2023年医改重点任务清单"],
            ["序号", "重点任务", "具体措施", "牵头单位", "配合单位", "完成时限"],
            [
                1,
                "推进医保支付方式改革",
                "全面推行按病种付费，覆盖所有统筹区",
                "市医保局",
                "市财政局\n市卫健委\n各县（市、区）人民政府",
                "2023年12月底前",
            ],
            [
                2,
                "深化公立医院薪酬制度改革",
                "落实主要负责人年薪制",
                "市人社局",
                "市医保局\n市财政局\n市委编办",
                "2023年10月",
            ],
        ],
        merges=["A1:F1"],
    )
    doc = parse_document(data, "清单.xlsx")
    first, second = doc.tasks
    assert (first.text, first.measures) == ("推进医保支付方式改革", "全面推行按病种付费，覆盖所有统筹区")
    assert (second.text, second.measures) == ("深化公立医院薪酬制度改革", "落实主要负责人年薪制")
    assert names(first.lead) == ["市医保局"]
    assert names(first.co) == ["市财政局", "市卫健委"]
    assert names(first.collective) == ["各县（市、区）人民政府"]
    assert names(second.co) == ["市医保局", "市财政局", "市委编办"]
    assert second.collective == []
    assert str(first.deadlines[0].date) == "2023-12-31"
    assert doc.to_dict()["tasks"][0]["measures"] == "全面推行按病种付费，覆盖所有统筹区"


def test_deadlines_and_targets_written_in_the_measures_are_found():
    data = make_xlsx(
        [
            ["序号", "重点任务", "具体措施", "牵头单位"],
            [1, "推进分级诊疗", "年底前县域内就诊率达到90%以上", "市卫健委"],
            [2, "推进药品集中采购", "落实国家集采结果", "市医保局"],
        ]
    )
    first = parse_document(data, "a.xlsx").tasks[0]
    assert first.text == "推进分级诊疗"
    assert [d.text for d in first.deadlines] == ["年底前"]
    assert [(t.op, t.value) for t in first.targets] == [(">=", 90)]


def test_a_task_cell_merged_over_several_measures_groups_them_as_tasks():
    # The genre's other layout: 重点任务 spans rows, each 具体措施 is a task of its own.
    data = make_xlsx(
        [
            ["序号", "重点任务", "具体措施", "牵头单位", "完成时限"],
            [1, "推进分级诊疗", "推进医共体建设", "市卫健委", "2023年9月底前"],
            [2, None, "做实家庭医生签约服务", "市卫健委", "持续推进"],
            [3, "深化医保改革", "推行按病种付费", "市医保局", "2023年12月底前"],
        ],
        merges=["B2:B3"],
    )
    doc = parse_document(data, "a.xlsx")
    assert [(t.text, t.measures) for t in doc.tasks] == [
        ("推进医共体建设", None),
        ("做实家庭医生签约服务", None),
        ("深化医保改革", "推行按病种付费"),
    ]
    assert doc.tasks[0].path == ["推进分级诊疗", "1"]


def test_a_measures_column_alone_is_the_task_text():
    data = make_xlsx([["序号", "工作措施", "责任单位"], [1, "推进医共体建设", "市卫健委"]])
    task = parse_document(data, "a.xlsx").tasks[0]
    assert (task.text, task.measures) == ("推进医共体建设", None)


# Header names -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        (
            ["序号", "改革领域", "重点任务", "具体措施", "牵头单位", "配合单位", "完成时限", "目标"],
            {
                "number": 0,
                "category": 1,
                "task": 2,
                "measures": 3,
                "lead": 4,
                "co": 5,
                "deadline": 6,
                "target": 7,
            },
        ),
        (
            ["序号", "板块", "工作任务", "工作措施", "牵头部门", "配合部门", "时间节点", "预期目标"],
            {
                "number": 0,
                "category": 1,
                "task": 2,
                "measures": 3,
                "lead": 4,
                "co": 5,
                "deadline": 6,
                "target": 7,
            },
        ),
        (
            ["序号", "类别", "任务名称", "主要内容", "责任单位", "参与单位", "完成时间", "量化指标"],
            {
                "number": 0,
                "category": 1,
                "task": 2,
                "measures": 3,
                "resp": 4,
                "co": 5,
                "deadline": 6,
                "target": 7,
            },
        ),
        (
            ["序号", "主要任务", "工作要求", "责任部门", "协同部门", "时限要求", "工作目标"],
            {"number": 0, "task": 1, "measures": 2, "resp": 3, "co": 4, "deadline": 5, "target": 6},
        ),
        (
            ["序 号", "重点任务", "任务要求", "牵头单位（部门）", "配合单位(部门)", "完成时限"],
            {"number": 0, "task": 1, "measures": 2, "lead": 3, "co": 4, "deadline": 5},
        ),
        (
            ["序号", "文件名称", "牵头部门", "参与部门", "完成时限"],
            {"number": 0, "task": 1, "lead": 2, "co": 3, "deadline": 4},
        ),
    ],
)
def test_header_synonyms_give_the_same_roles(header, expected):
    assert map_header(header) == expected


@pytest.mark.parametrize(
    "header",
    [
        ["填报说明"],
        ["序号", "单位名称", "联系人", "联系电话"],
        ["重点任务", "备注"],  # a task column and nothing that makes it a task table
    ],
)
def test_a_header_that_is_not_a_task_tables_is_refused(header):
    assert map_header(header) is None


def test_a_lone_responsibility_column_lists_the_lead_first_then_the_co_departments():
    data = make_xlsx(
        [
            ["序号", "重点任务", "责任单位", "完成时限"],
            [1, "推进医共体建设", "市卫健委\n市医保局\n市财政局", "2023年9月底前"],
            [2, "推进县域综合改革", "市卫健委牵头，市发改委、各县区政府配合", "2023年12月底前"],
        ]
    )
    first, second = parse_document(data, "a.xlsx").tasks
    assert (names(first.lead), names(first.co)) == (["市卫健委"], ["市医保局", "市财政局"])
    assert (names(second.lead), names(second.co)) == (["市卫健委"], ["市发改委"])
    assert names(second.collective) == ["各县区政府"]


def test_a_sheet_that_is_not_a_task_table_is_ignored():
    data = make_xlsx_sheets(
        [
            (
                "任务表",
                [
                    ["序号", "工作任务", "牵头部门", "完成时限"],
                    [1, "推进医共体建设", "县卫健局", "2023年9月底前"],
                ],
                [],
            ),
            ("填报说明", [["填报说明"], ["1.请各牵头单位于每月25日前报送进展。"]], []),
        ]
    )
    doc = parse_document(data, "a.xlsx")
    assert [t.text for t in doc.tasks] == ["推进医共体建设"]


# Two-row headers and merged cells -----------------------------------------------------------------


def test_a_two_row_header_with_a_merged_group_cell_xlsx():
    data = make_xlsx(
        [
            ["序号", "重点任务", "责任分工", None, "完成时限"],
            [None, None, "牵头单位", "配合单位", None],
            [1, "推进医共体建设", "县卫健局", "县医保局 县财政局", "2023年9月底前"],
            [2, "推进家庭医生签约", "县卫健局", None, "每季度"],
        ],
        merges=["A1:A2", "B1:B2", "C1:D1", "E1:E2"],
    )
    doc = parse_document(data, "a.xlsx")
    assert [t.text for t in doc.tasks] == ["推进医共体建设", "推进家庭医生签约"]
    assert (names(doc.tasks[0].lead), names(doc.tasks[0].co)) == (["县卫健局"], ["县医保局", "县财政局"])
    assert doc.tasks[1].deadlines[0].kind == "recurring"


def test_a_two_row_header_under_a_responsibility_group_docx():
    table = [
        ["序号", "重点任务", "责任单位", "责任单位", "完成时限"],
        ["序号", "重点任务", "牵头单位", "配合单位", "完成时限"],
        ["1", "推进医共体建设", "市卫健委", "市医保局\n市财政局", "2023年9月底前"],
    ]
    doc = parse_document(make_docx_parts([*NOTICE, table]), "a.docx")
    task = table_tasks(doc)[0]
    assert task.text == "推进医共体建设"
    assert (names(task.lead), names(task.co)) == (["市卫健委"], ["市医保局", "市财政局"])


def test_find_header_does_not_take_a_data_row_for_a_second_header_row():
    rows = [["序号", "重点任务", "牵头单位"], ["1", "推进医共体建设", "市卫健委"]]
    assert find_header(rows) == (0, 1, {"number": 0, "task": 1, "lead": 2})


def test_a_vertical_merge_carries_its_value_down_xlsx():
    data = make_xlsx(
        [
            ["序号", "改革领域", "重点任务", "牵头单位", "完成时限"],
            [1, "分级诊疗", "推进医共体建设", "市卫健委", "2023年9月底前"],
            [2, None, "做实家庭医生签约", None, "持续推进"],
        ],
        merges=["B2:B3", "D2:D3"],
    )
    doc = parse_document(data, "a.xlsx")
    assert [t.path for t in doc.tasks] == [["分级诊疗", "1"], ["分级诊疗", "2"]]
    assert names(doc.tasks[1].lead) == ["市卫健委"]


def test_a_vertical_merge_carries_its_value_down_docx():
    table = [
        ["序号", "改革领域", "重点任务", "牵头单位", "配合单位"],
        ["1", "分级诊疗", "推进医共体建设", "市卫健委", "市医保局"],
        ["2", None, "做实家庭医生签约", None, "市财政局"],
    ]
    doc = parse_document(
        make_docx_parts([*NOTICE, table], {0: [((1, 1), (2, 1)), ((1, 3), (2, 3))]}), "a.docx"
    )
    rows = table_tasks(doc)
    assert [t.text for t in rows] == ["推进医共体建设", "做实家庭医生签约"]
    assert [t.section for t in rows] == ["分级诊疗", "分级诊疗"]
    assert names(rows[1].lead) == ["市卫健委"]
    assert names(rows[1].co) == ["市财政局"]


# Tables in text -----------------------------------------------------------------------------------

PROSE_THEN_ATTACHMENT = "\n".join(
    [
        *NOTICE,
        "一、推进分级诊疗",
        "（一）推进医共体建设，年底前实现全覆盖。（市卫健委负责）",
        "（二）做实家庭医生签约服务。（市卫健委、市医保局负责）",
        "",
        "附件",
        "需制定的配套政策文件清单",
        "序号\t文件名称\t牵头部门\t参与部门\t完成时限",
        "1\t关于推进紧密型县域医共体建设的实施意见\t市卫健委\t市医保局、市财政局\t2023年6月底前",
        "2\t医保基金打包付费管理办法\t市医保局\t市卫健委\t2023年9月底前",
    ]
)


def test_a_tab_separated_table_in_an_attachment_after_the_prose_tasks():
    doc = parse_document(PROSE_THEN_ATTACHMENT.encode(), "a.txt")
    assert [t.number for t in doc.tasks] == ["（一）", "（二）", "附件-1", "附件-2"]
    files = table_tasks(doc)
    assert files[0].text == "关于推进紧密型县域医共体建设的实施意见"
    assert files[0].section == "需制定的配套政策文件清单"
    assert (names(files[0].lead), names(files[0].co)) == (["市卫健委"], ["市医保局", "市财政局"])
    assert str(files[1].deadlines[0].date) == "2023-09-30"


def test_a_space_aligned_table_with_an_empty_cell_and_a_wrapped_cell():
    text = "\n".join(
        [
            "某县2023年医改重点任务分解表",
            "序号  重点任务                牵头单位    配合单位      完成时限",
            "1     推进医共体建设          县卫健局    县医保局      2023年9月底前",
            "2     推进家庭医生签约服务扩  县卫健局                  每季度",
            "      面提质",
            "3     推进药品集中带量采购    县医保局    县卫健局      2023年12月底前",
        ]
    )
    doc = parse_document(text.encode(), "a.txt")
    assert [t.text for t in doc.tasks] == [
        "推进医共体建设",
        "推进家庭医生签约服务扩面提质",
        "推进药品集中带量采购",
    ]
    assert doc.tasks[1].co == []
    assert doc.tasks[1].deadlines[0].kind == "recurring"
    assert names(doc.tasks[2].co) == ["县卫健局"]


def test_a_table_aligned_with_full_width_spaces():
    text = "\n".join(
        [
            *NOTICE,
            "一、推进分级诊疗",
            "（一）推进医共体建设。（市卫健委负责）",
            "附件1",
            "序号　重点任务　牵头单位　完成时限",
            "1　推进药品集中带量采购　市医保局　2023年12月底前",
        ]
    )
    doc = parse_document(text.encode(), "a.txt")
    assert [(t.number, t.text) for t in doc.tasks] == [
        ("（一）", "推进医共体建设。（市卫健委负责）"),
        ("附件1-1", "推进药品集中带量采购"),
    ]
    assert names(doc.tasks[1].lead) == ["市医保局"]


def test_two_tables_in_one_text_document():
    text = "\n".join(
        [
            "2023年医改重点任务",
            "序号\t重点任务\t牵头单位\t完成时限",
            "1\t推进医共体建设\t市卫健委\t2023年9月底前",
            "",
            "需制定的配套文件",
            "序号  文件名称                  牵头部门  参与部门",
            "1     医共体建设实施方案        市卫健委  市医保局",
        ]
    )
    doc = parse_document(text.encode(), "a.txt")
    assert [t.text for t in doc.tasks] == ["推进医共体建设", "医共体建设实施方案"]
    assert names(doc.tasks[1].co) == ["市医保局"]


def test_two_tables_in_one_docx():
    tasks_table = [
        ["序号", "重点任务", "具体措施", "牵头单位", "完成时限"],
        ["1", "推进医共体建设", "完善医共体内部运行机制", "市卫健委", "2023年9月底前"],
    ]
    files_table = [
        ["序号", "文件名称", "牵头部门", "参与部门"],
        ["1", "医共体建设实施方案", "市卫健委", "市医保局\n市财政局"],
    ]
    doc = parse_document(make_docx_parts([*NOTICE, "附件1", tasks_table, "附件2", files_table]), "a.docx")
    rows = table_tasks(doc)
    assert [(t.number, t.text, t.measures) for t in rows] == [
        ("附件1-1", "推进医共体建设", "完善医共体内部运行机制"),
        ("附件2-1", "医共体建设实施方案", None),
    ]
    assert names(rows[1].co) == ["市医保局", "市财政局"]


# Names in a cell ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("cell", "people", "collective"),
    [
        ("市医保局\n市财政局\n市委编办", ["市医保局", "市财政局", "市委编办"], []),
        ("市医保局 市财政局\u3000市委编办", ["市医保局", "市财政局", "市委编办"], []),
        ("市医保局、\n市财政局；市委编办，市人社局", ["市医保局", "市财政局", "市委编办", "市人社局"], []),
        ("市财政局\n各县（市、区）人民政府", ["市财政局"], ["各县（市、区）人民政府"]),
        ("市财政局\n各县（市、 区）人民政府", ["市财政局"], ["各县（市、区）人民政府"]),
        ("各成员单位", [], ["各成员单位"]),
        ("市卫健委\n各县区政府", ["市卫健委"], ["各县区政府"]),
    ],
)
def test_split_cell(cell, people, collective):
    assert split_cell(cell) == (people, collective)


def test_cell_text_writes_line_breaks_as_the_separator_given():
    assert cell_text("市卫健委牵头\n市医保局配合", "，") == "市卫健委牵头，市医保局配合"


def test_a_title_row_above_the_header_is_not_its_upper_half():
    rows = [
        ["某市重点任务分解表", "某市重点任务分解表", "某市重点任务分解表"],
        ["序号", "重点任务", "牵头单位"],
        ["1", "推进医共体建设", "市卫健委"],
    ]
    assert find_header(rows) == (1, 1, {"number": 0, "task": 1, "lead": 2})
    doc = parse_document(make_docx_parts(["附件", rows]), "a.docx")
    assert [(t.text, t.section) for t in doc.tasks] == [("推进医共体建设", "某市重点任务分解表")]


def test_a_task_cell_merged_across_the_measures_column_is_not_repeated_as_measures():
    table = [
        ["序号", "重点任务", "具体措施", "牵头单位"],
        ["1", "推进医共体建设", "推进医共体建设", "市卫健委"],
        ["2", "推进家庭医生签约", "做实签约服务", "市卫健委"],
    ]
    doc = parse_document(make_docx_parts([*NOTICE, table], {0: [((1, 1), (1, 2))]}), "a.docx")
    assert [(t.text, t.measures) for t in table_tasks(doc)] == [
        ("推进医共体建设", None),
        ("推进家庭医生签约", "做实签约服务"),
    ]


def test_a_docx_row_starting_after_the_first_grid_column_stays_under_its_headers():
    import io

    import docx
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    table = [
        ["序号", "改革领域", "重点任务", "牵头单位"],
        ["1", "分级诊疗", "推进医共体建设", "市卫健委"],
        ["2", "分级诊疗", "做实家庭医生签约", "市医保局"],
    ]
    document = docx.Document(io.BytesIO(make_docx_parts([*NOTICE, table])))
    tr = document.tables[0].rows[2]._tr
    tr.remove(tr.tc_lst[0])  # Word writes a row that skips its first grid column like this
    tr_pr = tr.get_or_add_trPr()
    before = OxmlElement("w:gridBefore")
    before.set(qn("w:val"), "1")
    tr_pr.append(before)
    buf = io.BytesIO()
    document.save(buf)
    rows = table_tasks(parse_document(buf.getvalue(), "a.docx"))
    assert [(t.text, [a.text for a in t.lead]) for t in rows] == [
        ("推进医共体建设", ["市卫健委"]),
        ("做实家庭医生签约", ["市医保局"]),
    ]


def test_a_prose_notice_then_an_attachment_table_of_files_to_draft():
    text = "\n".join(
        [
            "关于做好2023年医改重点工作的通知",
            "各县区人民政府，市直有关单位：",
            "市卫健委要在年底前完成医共体建设评估。市医保局要加快推进支付方式改革。",
            "",
            "附件",
            "需制定的配套政策文件",
            "序号\t文件名称\t牵头部门\t参与部门\t完成时限",
            "1\t医共体建设实施方案\t市卫健委\t市医保局、市财政局\t2023年6月底前",
            "2\t医保基金打包付费办法\t市医保局\t市卫健委、各县区政府\t2023年9月底前",
        ]
    )
    doc = parse_document(text.encode(), "a.txt")
    assert [(t.source, t.number) for t in doc.tasks] == [
        ("prose", None),
        ("prose", None),
        ("table", "附件-1"),
        ("table", "附件-2"),
    ]
    files = table_tasks(doc)
    assert [t.text for t in files] == ["医共体建设实施方案", "医保基金打包付费办法"]
    assert [t.section for t in files] == ["需制定的配套政策文件"] * 2
    assert names(files[1].co) == ["市卫健委"]
    assert names(files[1].collective) == ["各县区政府"]


def test_a_main_measures_column_named_by_its_actions_and_a_dash_for_none():
    # 主要举措 / 工作举措 name the measures column as some offices write it; "—" in it means none.
    data = make_xlsx(
        [
            ["序号", "任务事项", "主要举措", "责任部门", "协办单位", "完成期限"],
            [
                1,
                "推进检查检验结果互认",
                "建立全市互认平台，二级以上医院全部接入",
                "市卫健委",
                "市医保局",
                "2025年10月底前",
            ],
            [2, "开展医疗服务价格评估", "—", "市医保局", "", "2025年12月底前"],
        ]
    )
    first, second = parse_document(data, "a.xlsx").tasks
    assert (first.text, first.measures) == ("推进检查检验结果互认", "建立全市互认平台，二级以上医院全部接入")
    assert [a.text for a in first.co] == ["市医保局"]
    assert (second.text, second.measures) == ("开展医疗服务价格评估", None)


def test_a_list_of_files_to_draft_names_its_drafting_and_co_signing_units():
    text = (
        "关于印发某市医保工作要点的通知\n\n各单位：\n\n一、推进医保改革\n\n（一）深化支付方式改革。（市医保局负责）\n\n附件\n\n"
        "配套文件起草计划\n\n序号\t文件名称\t起草单位\t会签单位\t报送时间\n1\t某市医保基金预算管理办法\t市医保局\t市财政局\t2025年3月底前\n"
    )
    doc = parse_document(text.encode(), "a.txt")
    drafted = next(t for t in doc.tasks if "预算管理办法" in t.text)
    assert [a.text for a in drafted.lead] == ["市医保局"]
    assert [a.text for a in drafted.co] == ["市财政局"]
    assert [d.text for d in drafted.deadlines] == ["2025年3月底前"]
