"""Build fixtures/departments.json: the bodies the seed documents assign tasks to, with aliases.

Run from anywhere with the project's interpreter (standard library only; reads
fixtures/regions.json for the names of subordinate regions):

    .venv/bin/python scripts/build_department_fixture.py

Conventions (see fixtures/README.md):
  * one department per real body, named by its current full official name; historical names
    (2017/2018 documents predate the 2018-2019 institutional reform) are aliases;
  * a department's short forms are written once in SHORT and expanded to the bare form, the
    level prefix (市/省) and the full region name: 医保局 -> 医保局, 市医保局, 郑州市医保局;
  * subordinate governments are generated from the regions fixture: each county-level division of
    a seed city, and each prefecture of 湖南省;
  * every alias is unique within its region and never equals another department's name there.
"""

from __future__ import annotations

import json
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
REGIONS = FIXTURES / "regions.json"
OUTPUT = FIXTURES / "departments.json"
# A list holding only scalars, as json.dumps(indent=1) spreads it over lines.
INLINE_LIST = re.compile(r"\[\n\s*([^\[\]{}]*?)\n\s*\]")

DEPARTMENT = "department"
OTHER = "other"
GOVERNMENT = "subordinate_government"


@dataclass
class Body:
    name: str
    kind: str = DEPARTMENT
    # Short forms, expanded with the level prefix and the region name.
    short: list[str] = field(default_factory=list)
    # Aliases used verbatim.
    extra: list[str] = field(default_factory=list)
    governed_region: str | None = None


# Bodies per region code. Short forms listed after "historical" are names from before the
# 2018-2019 institutional reform, kept so that older documents resolve to today's body.
BODIES: dict[str, list[Body]] = {
    # 山西省: doc 003 (the governor's demand names the 卫健、人社、发改、财政、编办 departments by
    # abbreviation; they are attached to the provincial bodies that lead those systems).
    "140000": [
        Body(
            "山西省深化医药卫生体制改革领导小组办公室",
            OTHER,
            short=["医改办"],
            extra=["山西省深化医药卫生体制改革小组办公室"],  # sic, as printed by doc 003
        ),
        Body(
            "山西省卫生健康委员会",
            short=["卫生健康委员会", "卫生健康委", "卫健委", "卫健"]
            # historical
            + ["卫生和计划生育委员会", "卫生计生委", "卫计委"],
        ),
        Body(
            "山西省人力资源和社会保障厅",
            short=["人力资源和社会保障厅", "人力资源社会保障厅", "人社厅", "人社"],
        ),
        Body("山西省发展和改革委员会", short=["发展和改革委员会", "发展改革委", "发改委", "发改"]),
        Body("山西省财政厅", short=["财政厅", "财政"]),
        Body(
            "中共山西省委机构编制委员会办公室",
            OTHER,
            extra=["省委编办", "山西省委编办", "省编办", "编办"],
        ),
    ],
    # 忻州市: doc 003 (second report); only the subordinate governments are needed so far.
    "140900": [],
    # 河南省: doc 000 relays the provincial meeting (省医改办, 省卫生计生委, 省里).
    "410000": [
        # "省里" (the provincial level) is the province's own government.
        Body("河南省人民政府", OTHER, extra=["省里", "省政府", "河南省政府"]),
        Body("河南省深化医药卫生体制改革领导小组办公室", OTHER, short=["医改办"]),
        Body(
            "河南省卫生健康委员会",
            short=["卫生健康委员会", "卫生健康委", "卫健委"]
            # historical
            + ["卫生和计划生育委员会", "卫生计生委", "卫计委"],
        ),
    ],
    # 郑州市: docs 000 and 001.
    "410100": [
        Body("郑州市深化医药卫生体制改革工作领导小组办公室", OTHER, short=["医改办"]),
        Body(
            "郑州市卫生健康委员会",
            short=["卫生健康委员会", "卫生健康委", "卫健委"]
            # historical
            + ["卫生和计划生育委员会", "卫生计生委", "卫计委"],
        ),
        Body("郑州市医疗保障局", short=["医疗保障局", "医保局"]),
        Body("郑州市发展和改革委员会", short=["发展和改革委员会", "发展改革委", "发改委"]),
        Body("郑州市财政局", short=["财政局"]),
        Body(
            "郑州市人力资源和社会保障局",
            short=["人力资源和社会保障局", "人力资源社会保障局", "人社局"],
        ),
        Body(
            "郑州市市场监督管理局",
            short=["市场监督管理局", "市场监管局"]
            # historical: merged into 市场监督管理局 in 2019
            + ["食品药品监督管理局", "食品药品监管局", "食药监局"]
            + ["工商行政管理局", "工商局", "质量技术监督局", "质监局"],
        ),
        Body("郑州市教育局", short=["教育局"]),
        Body("郑州市科学技术局", short=["科学技术局", "科技局"]),
        Body("郑州市民政局", short=["民政局"]),
        Body("郑州市体育局", short=["体育局"]),
        Body("郑州市大数据管理局", short=["大数据管理局", "大数据局"]),
        Body(
            "郑州市人民政府国有资产监督管理委员会",
            extra=["国资委", "市国资委", "郑州市国资委", "市政府国资委", "郑州市国有资产监督管理委员会"],
        ),
        Body("郑州市工业和信息化局", short=["工业和信息化局", "工信局"]),
        Body("中共郑州市委宣传部", OTHER, extra=["市委宣传部", "郑州市委宣传部", "宣传部"]),
        Body(
            "中共郑州市委机构编制委员会办公室",
            OTHER,
            extra=["市委编办", "郑州市委编办", "市编办", "编办"],
        ),
        Body(
            "中共郑州市委网络安全和信息化委员会办公室",
            OTHER,
            extra=["市委网信办", "郑州市委网信办", "网信办"],
        ),
    ],
    # 湖南省: doc 004.
    "430000": [
        Body("湖南省深化医药卫生体制改革领导小组办公室", OTHER, short=["医改办"]),
        Body(
            "湖南省卫生健康委员会",
            short=["卫生健康委员会", "卫生健康委", "卫健委"]
            # historical
            + ["卫生和计划生育委员会", "卫生计生委", "卫计委"],
        ),
        Body("湖南省中医药管理局", short=["中医药管理局", "中医药局"]),
        Body(
            "湖南省人力资源和社会保障厅",
            short=["人力资源和社会保障厅", "人力资源社会保障厅", "人社厅"],
        ),
        Body("湖南省发展和改革委员会", short=["发展和改革委员会", "发展改革委", "发改委"]),
        Body("湖南省财政厅", short=["财政厅"]),
        Body("湖南省民政厅", short=["民政厅"]),
        Body("湖南省教育厅", short=["教育厅"]),
        Body("湖南省商务厅", short=["商务厅"]),
        Body(
            "湖南省工业和信息化厅",
            short=["工业和信息化厅", "工信厅"]
            # historical: 经济和信息化委员会 until 2018
            + ["经济和信息化委员会", "经信委"],
        ),
        # The 2018 document's 食品药品监管局 tasks are all about drugs; at provincial level that
        # work passed to the 药品监督管理局 (food safety went to the 市场监督管理局).
        Body(
            "湖南省药品监督管理局",
            short=["药品监督管理局", "药监局"]
            # historical
            + ["食品药品监督管理局", "食品药品监管局", "食药监局"],
        ),
        Body(
            "中共湖南省委机构编制委员会办公室",
            OTHER,
            extra=["省委编办", "湖南省委编办", "省编办", "编办"],
        ),
        Body("湖南省公共资源交易中心", OTHER, short=["公共资源交易中心"]),
        Body("湖南省军区保障局", OTHER, extra=["省军区保障局"]),
        Body("湖南省总工会", OTHER, short=["总工会"]),
        Body("湖南省残疾人联合会", OTHER, short=["残疾人联合会", "残联"]),
        # Central agencies' provincial branches (vertically managed).
        Body(
            "国家税务总局湖南省税务局",
            OTHER,
            extra=["省税务局", "湖南省税务局"]
            # historical: 国税 and 地税 merged in 2018
            + ["省国税局", "湖南省国税局", "湖南省国家税务局"]
            + ["省地税局", "湖南省地税局", "湖南省地方税务局"],
        ),
        Body(
            "国家金融监督管理总局湖南监管局",
            OTHER,
            extra=["湖南金融监管局"]
            # historical: 保监局 (until 2018), then 银保监局 (until 2023)
            + ["湖南保监局", "中国保险监督管理委员会湖南监管局", "中国保监会湖南监管局"]
            + ["湖南银保监局", "中国银行保险监督管理委员会湖南监管局", "中国银保监会湖南监管局"],
        ),
    ],
    # 资阳市: doc 002 (2017, before the 2019 institutional reform).
    "512000": [
        Body(
            "资阳市卫生健康委员会",
            short=["卫生健康委员会", "卫生健康委", "卫健委"]
            # historical
            + ["卫生和计划生育委员会", "卫生计生委", "卫计委"],
        ),
        Body("资阳市中医药管理局", short=["中医药管理局", "中医药局"]),
        Body("资阳市发展和改革委员会", short=["发展和改革委员会", "发展改革委", "发改委"]),
        Body("资阳市财政局", short=["财政局"]),
        Body(
            "资阳市人力资源和社会保障局",
            short=["人力资源和社会保障局", "人力资源社会保障局", "人社局"],
        ),
        Body("资阳市教育和体育局", short=["教育和体育局", "教育体育局", "教体局"]),
        Body("资阳市民政局", short=["民政局"]),
        Body(
            "资阳市经济和信息化局",
            short=["经济和信息化局", "经信局"]
            # historical: 经济和信息化委员会 until 2019
            + ["经济和信息化委员会", "经济和信息化委", "经信委"],
        ),
        Body(
            "资阳市市场监督管理局",
            short=["市场监督管理局", "市场监管局"]
            # historical: merged into 市场监督管理局 in 2019
            + ["食品药品监督管理局", "食品药品监管局", "食药监局"]
            + ["工商行政管理局", "工商局", "质量技术监督局", "质监局"],
        ),
        Body("资阳市商务局", short=["商务局"]),
        Body(
            "资阳市自然资源和规划局",
            short=["自然资源和规划局", "自然资源规划局"]
            # historical
            + ["国土资源局", "国土局"],
        ),
        Body(
            "资阳市住房和城乡建设局",
            short=["住房和城乡建设局", "住房城乡建设局", "住建局"],
        ),
        Body("资阳市公安局", short=["公安局"]),
        Body("资阳市农业农村局", short=["农业农村局", "农业局"]),
        Body(
            "资阳市乡村振兴局",
            short=["乡村振兴局"]
            # historical: 扶贫和移民工作局 until 2021
            + ["扶贫和移民工作局", "扶贫移民局"],
        ),
        Body("资阳市林业局", short=["林业局"]),
        Body(
            "资阳市科学技术局",
            short=["科学技术局", "科技局"]
            # historical
            + ["科学技术和知识产权局", "科技知识产权局"],
        ),
        Body("资阳市水务局", short=["水务局"]),
        Body("资阳市民族宗教事务局", short=["民族宗教事务局", "民宗局"]),
        Body(
            "中共资阳市委机构编制委员会办公室",
            OTHER,
            extra=["市委编办", "资阳市委编办", "市编办", "编办"],
        ),
        Body("中共资阳市委宣传部", OTHER, extra=["市委宣传部", "资阳市委宣传部", "宣传部"]),
        Body(
            "国家税务总局资阳市税务局",
            OTHER,
            extra=["市税务局", "资阳市税务局"]
            # historical: 国税 and 地税 merged in 2018
            + ["市国税局", "资阳市国税局", "资阳市国家税务局"]
            + ["市地税局", "资阳市地税局", "资阳市地方税务局"],
        ),
        Body("资阳市保险行业协会", OTHER, short=["保险行业协会"]),
        Body("资阳市残疾人联合会", OTHER, short=["残疾人联合会", "残联"]),
        Body("资阳市红十字会", OTHER, short=["红十字会"]),
        Body("资阳市慈善总会", OTHER, short=["慈善总会"]),
    ],
}

# Regions whose subordinate governments are listed: seed cities (their county-level divisions)
# and 湖南省 (its prefectures).
GOVERNED_BY = ["140900", "410100", "430000", "512000"]

# Common short names of divisions with ethnic or long official names.
SHORT_REGION_NAMES = {
    "管城回族区": ["管城区"],
    "湘西土家族苗族自治州": ["湘西州", "湘西自治州"],
}

LEVEL_PREFIX = {"province": "省", "city": "市"}


def load_regions() -> dict[str, dict]:
    records = json.loads(REGIONS.read_text(encoding="utf-8"))
    return {r["fields"]["code"]: r["fields"] for r in records}


def subordinate_governments(regions: dict[str, dict], code: str) -> list[Body]:
    bodies = []
    for child_code, child in sorted(regions.items()):
        if child["parent"] != [code]:
            continue
        names = [child["name"], *SHORT_REGION_NAMES.get(child["name"], [])]
        aliases = [f"{n}人民政府" for n in names] + [f"{n}政府" for n in names]
        bodies.append(Body(f"{child['name']}人民政府", GOVERNMENT, extra=aliases, governed_region=child_code))
    return bodies


def aliases_of(body: Body, region: dict) -> list[str]:
    prefix = LEVEL_PREFIX[region["level"]]
    found = list(body.extra)
    for short in body.short:
        found += [short, prefix + short, region["name"] + short]
    unique = []
    for alias in found:
        if alias != body.name and alias not in unique:
            unique.append(alias)
    return unique


def build(regions: dict[str, dict]) -> list[dict]:
    departments: list[dict] = []
    aliases: list[dict] = []
    for code in sorted(set(BODIES) | set(GOVERNED_BY)):
        region = regions[code]
        bodies = list(BODIES.get(code, []))
        if code in GOVERNED_BY:
            bodies += subordinate_governments(regions, code)
        names = {b.name for b in bodies}
        if len(names) != len(bodies):
            raise ValueError(f"duplicate department names in {code}")
        seen: dict[str, str] = {}
        for body in bodies:
            departments.append(
                {
                    "model": "regions.department",
                    "fields": {
                        "region": [code],
                        "name": body.name,
                        "kind": body.kind,
                        "governed_region": [body.governed_region] if body.governed_region else None,
                        "is_active": True,
                    },
                }
            )
            for alias in aliases_of(body, region):
                if alias in seen or alias in names:
                    other = seen.get(alias, alias)
                    raise ValueError(f"alias {alias} of {body.name} clashes with {other} in {code}")
                seen[alias] = body.name
                aliases.append(
                    {
                        "model": "regions.departmentalias",
                        "fields": {"department": [code, body.name], "region": [code], "alias": alias},
                    }
                )
    departments.sort(key=lambda r: (r["fields"]["region"], r["fields"]["name"]))
    aliases.sort(key=lambda r: (r["fields"]["region"], r["fields"]["alias"]))
    return departments + aliases


def dump(records: list[dict]) -> str:
    """JSON with one field per line; short lists (the natural keys) stay on one line."""
    text = json.dumps(records, ensure_ascii=False, indent=1)
    return INLINE_LIST.sub(lambda m: "[" + re.sub(r",\n\s*", ", ", m[1]) + "]", text) + "\n"


def main() -> int:
    regions = load_regions()
    records = build(regions)
    OUTPUT.write_text(dump(records), encoding="utf-8")
    counts: dict[str, int] = {}
    for r in records:
        key = r["model"] if r["model"] != "regions.department" else r["fields"]["kind"]
        counts[key] = counts.get(key, 0) + 1
    print(f"wrote {len(records)} records to {OUTPUT}: {counts}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
