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
