"""Header fields: title, 文号, issuer, date, region, base year."""

from datetime import date

import pytest

from tasks.parsing import parse_document
from tasks.parsing.header import region_of


@pytest.mark.parametrize(
    "number", ["郑医改〔2021〕2号", "国卫体改发[2021]1号", "湘医改办发［2018］2号", "川府发〔2016〕32号"]
)
def test_doc_number_bracket_styles(number):
    text = f"某某文件\n{number}\n关于做好工作的通知\n各单位：\n一、任务\n（一）甲。\n（二）乙。\n"
    doc = parse_document(text.encode(), "a.txt")
    assert doc.doc_number == number


def test_cited_number_is_not_the_doc_number():
    text = "关于印发方案的通知\n各单位：\n为贯彻《通知》（川府发〔2016〕32号）精神，制定本方案。\n一、任务\n（一）甲。\n（二）乙。\n"
    assert parse_document(text.encode(), "a.txt").doc_number is None


def test_header_of_a_city_notice():
    text = (
        "资府发〔2017〕23号\n\n资阳市人民政府\n\n关于印发资阳市综合改革\n试点方案的通知\n\n各县（区）人民政府：\n\n"
        "现将方案印发给你们。\n\n资阳市人民政府\n\n2017年6月21日\n\n一、任务\n（一）甲。\n（二）乙。\n"
    )
    doc = parse_document(text.encode(), "a.txt")
    assert doc.title == "资阳市人民政府关于印发资阳市综合改革试点方案的通知"
    assert doc.issuer == "资阳市人民政府"
    assert doc.issued_on == date(2017, 6, 21)
    assert doc.region == "资阳市"
    assert doc.base_year == 2017


def test_title_year_wins_for_base_year():
    text = "某县医改办文件\n某医改办〔2020〕9号\n关于印发2021年医改重点工作任务的通知\n各乡镇：\n二〇二〇年十二月三十日\n一、任务\n（一）年底前完成。\n"
    doc = parse_document(text.encode(), "a.txt")
    assert doc.base_year == 2021
    assert doc.issued_on == date(2020, 12, 30)
    assert str(doc.tasks[0].deadlines[0].date) == "2021-12-31"


@pytest.mark.parametrize(
    ("name", "region"),
    [
        ("湖南省深化医药卫生体制改革领导小组办公室", "湖南省"),
        ("郑州市深化医药卫生体制改革工作领导小组", "郑州市"),
        ("长沙县人民政府", "长沙县"),
        ("国务院深化医药卫生体制改革领导小组", "全国"),
        ("湘西土家族苗族自治州人民政府", "湘西土家族苗族自治州"),
        ("广西壮族自治区卫生健康委员会", "广西壮族自治区"),
    ],
)
def test_region(name, region):
    assert region_of(name) == region


# Headers as other offices print them ------------------------------------------------------------


def test_joint_issuers_above_the_title_are_the_issuer_even_under_one_red_header():
    text = (
        "宜宾市医疗保障局文件\n\n宜医保发〔2025〕4号\n\n宜宾市医疗保障局  宜宾市财政局\n关于做好2025年医保基金监管工作的通知\n\n"
        "各区县医疗保障局、财政局：\n\n现将有关事项通知如下。\n\n一、加强监管\n（一）开展专项检查。（市医保局负责）\n"
    )
    doc = parse_document(text.encode(), "a.txt")
    assert doc.issuer == "宜宾市医疗保障局 宜宾市财政局"
    assert doc.title == "宜宾市医疗保障局宜宾市财政局关于做好2025年医保基金监管工作的通知"
    assert doc.region == "宜宾市"


def test_a_title_joined_with_the_salutation_by_the_layout_is_cut_before_it():
    from tasks.parsing.header import parse_header

    head = parse_header(
        [
            "九江市卫生健康委员会关于印发九江市2025年卫生健康工作要点的通知各县（市、区）卫生健康委：",
            "一、任务",
        ]
    )
    assert head.title == "九江市卫生健康委员会关于印发九江市2025年卫生健康工作要点的通知"


def test_minutes_titled_on_two_lines_are_issued_by_the_office_that_signs_them():
    text = (
        "南平市深化医药卫生体制改革领导小组\n专题会议纪要\n\n〔2025〕第1期\n\n南平市医改办        2025年3月12日\n\n"
        "3月10日，副市长主持召开专题会议。现纪要如下：\n\n一、请市卫健委牵头推进医共体建设。\n"
    )
    doc = parse_document(text.encode(), "a.txt")
    assert doc.title == "南平市深化医药卫生体制改革领导小组专题会议纪要"
    assert doc.issuer == "南平市医改办"
    assert doc.region == "南平市"


def test_a_secretariat_is_an_issuer():
    text = "安徽省深化医药卫生体制改革领导小组秘书处\n\n督办通知\n\n皖医改秘函〔2025〕3号\n\n关于对滞后任务进行督办的通知\n\n各成员单位：\n\n一、任务\n（一）甲。（省卫健委负责）\n"
    doc = parse_document(text.encode(), "a.txt")
    assert doc.issuer == "安徽省深化医药卫生体制改革领导小组秘书处"
    assert doc.region == "安徽省"


def test_a_workbook_takes_its_title_row_as_the_documents_title():
    from tests.parsing.builders import make_xlsx

    data = make_xlsx(
        [
            ["德阳市2025年深化医改重点任务清单", "", "", ""],
            ["序号", "重点任务", "牵头单位", "完成时限"],
            [1, "推进紧密型县域医共体建设", "市卫健委", "2025年12月底前"],
        ],
        merges=["A1:D1"],
    )
    doc = parse_document(data, "清单.xlsx")
    assert doc.title == "德阳市2025年深化医改重点任务清单"
    assert doc.region == "德阳市"
    assert doc.base_year == 2025


def test_a_traditional_copy_gives_its_header_back_as_printed():
    text = "廣西壯族自治區醫療保障局\n關於做好２０２５年醫保工作的通知\n\n各市醫療保障局：\n\n一、任務\n（一）推進支付方式改革。（自治區醫保局負責）\n"
    doc = parse_document(text.encode(), "a.txt")
    assert doc.title == "廣西壯族自治區醫療保障局關於做好２０２５年醫保工作的通知"
    assert doc.issuer == "廣西壯族自治區醫療保障局"
    assert doc.region == "廣西壯族自治區"


def test_a_pdf_whose_doc_number_runs_on_every_page_keeps_it_once():
    from tests.parsing.builders import make_pdf

    data = make_pdf(["赣卫发〔2025〕8号", "江西省卫生健康委员会关于印发工作要点的通知"], pages=3)
    doc = parse_document(data, "a.pdf")
    assert doc.doc_number == "赣卫发〔2025〕8号"
    assert doc.text.count("赣卫发〔2025〕8号") == 1
