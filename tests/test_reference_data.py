"""The reference data in fixtures/: GB/T 2260 regions, departments and their aliases.

The check that matters most is the last one: every department named as an assignee in the gold
annotations of the seed documents resolves, by name or alias, to exactly one department.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.management import call_command
from django.db.models import Count

from regions.models import Department, DepartmentAlias, Region
from tests.reference import fixture_records

FIXTURES = Path(django_settings.BASE_DIR) / "fixtures"
SEEDS = FIXTURES / "seeds"
GOLD_FILES = sorted((SEEDS / "gold").glob("*.json"))

DEPARTMENT_FIELDS = ("pk", "region_id", "name", "kind", "governed_region_id", "is_active")
LEVEL_RANK = {Region.Level.PROVINCE: 0, Region.Level.CITY: 1, Region.Level.COUNTY: 2}

COUNTIES = {
    "410100": {  # 郑州市
        "410102": "中原区",
        "410103": "二七区",
        "410104": "管城回族区",
        "410105": "金水区",
        "410106": "上街区",
        "410108": "惠济区",
        "410122": "中牟县",
        "410181": "巩义市",
        "410182": "荥阳市",
        "410183": "新密市",
        "410184": "新郑市",
        "410185": "登封市",
    },
    "512000": {  # 资阳市
        "512002": "雁江区",
        "512021": "安岳县",
        "512022": "乐至县",
    },
    "140900": {  # 忻州市
        "140902": "忻府区",
        "140921": "定襄县",
        "140922": "五台县",
        "140923": "代县",
        "140924": "繁峙县",
        "140925": "宁武县",
        "140926": "静乐县",
        "140927": "神池县",
        "140928": "五寨县",
        "140929": "岢岚县",
        "140930": "河曲县",
        "140931": "保德县",
        "140932": "偏关县",
        "140981": "原平市",
    },
}

HUNAN_PREFECTURES = {
    "430100": "长沙市",
    "430200": "株洲市",
    "430300": "湘潭市",
    "430400": "衡阳市",
    "430500": "邵阳市",
    "430600": "岳阳市",
    "430700": "常德市",
    "430800": "张家界市",
    "430900": "益阳市",
    "431000": "郴州市",
    "431100": "永州市",
    "431200": "怀化市",
    "431300": "娄底市",
    "433100": "湘西土家族苗族自治州",
}


def snapshot() -> dict[str, list[tuple]]:
    return {
        "regions": list(Region.objects.values_list("pk", "code", "name", "level", "parent_id")),
        "departments": list(Department.objects.values_list(*DEPARTMENT_FIELDS)),
        "aliases": list(DepartmentAlias.objects.values_list("pk", "department_id", "region_id", "alias")),
    }


# Name resolution, as the gold annotations write names ---------------------------------------------


def normalize(name: str) -> str:
    """Join page breaks and drop stray spaces, as the gold annotations do."""
    return re.sub(r"\s+", "", name)


def ancestor_at(region: Region, level: str) -> Region | None:
    node = region
    while node is not None and node.level != level:
        node = node.parent
    return node


def region_for(name: str, document_region: Region) -> Region | None:
    """省… names belong to the province, 市… names (not 市场…) to the city, others to the document's region."""
    if name.startswith("省"):
        return ancestor_at(document_region, Region.Level.PROVINCE)
    if name.startswith("市") and not name.startswith("市场"):
        return ancestor_at(document_region, Region.Level.CITY)
    return document_region


def resolve(name: str, document_region: Region) -> list[Department]:
    name = normalize(name)
    region = region_for(name, document_region)
    if region is None:
        return []
    found = Department.objects.filter(region=region, name=name) | Department.objects.filter(
        region=region, aliases__alias=name
    )
    return list(found.distinct())


def document_region(gold: dict) -> Region:
    return Region.objects.get(name=gold["region"], level__in=[Region.Level.PROVINCE, Region.Level.CITY])


def gold_assignees(gold: dict) -> list[str]:
    names = []
    for task in gold["tasks"]:
        for name in task["lead"] + task["co"]:
            if name not in names:
                names.append(name)
    return names


def load_gold(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


# Fixture files -------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["regions", "departments"])
def test_fixture_files_use_natural_keys_only(name):
    records = fixture_records(name)
    assert records
    assert all("pk" not in record for record in records)
    for record in records:
        for value in record["fields"].values():
            assert not isinstance(value, int) or isinstance(value, bool), record  # no raw foreign keys


def test_fixtures_load(reference_data):
    regions = fixture_records("regions")
    departments = fixture_records("departments")
    assert Region.objects.count() == len(regions)
    assert Department.objects.count() == sum(r["model"] == "regions.department" for r in departments)
    aliases = [r for r in departments if r["model"] == "regions.departmentalias"]
    assert DepartmentAlias.objects.count() == len(aliases)
    assert DepartmentAlias.objects.count() > Department.objects.count()


def test_loading_twice_changes_nothing(reference_data):
    before = snapshot()
    call_command("loaddata", "regions", "departments", verbosity=0)
    assert snapshot() == before


def test_loading_restores_edited_records(reference_data):
    """Natural keys make loaddata update the existing rows rather than add new ones."""
    Region.objects.filter(code="410100").update(name="changed")
    Department.objects.filter(name="郑州市医疗保障局").update(is_active=False)
    call_command("loaddata", "regions", "departments", verbosity=0)
    assert Region.objects.get(code="410100").name == "郑州市"
    assert Department.objects.get(name="郑州市医疗保障局").is_active
    assert Region.objects.filter(code="410100").count() == 1


# Regions -------------------------------------------------------------------------------------


def test_codes_are_unique_and_six_digits(reference_data):
    codes = list(Region.objects.values_list("code", flat=True))
    assert len(codes) == len(set(codes))
    assert all(re.fullmatch(r"\d{6}", code) for code in codes)


def test_every_parent_exists_and_is_higher(reference_data):
    for region in Region.objects.select_related("parent"):
        if region.level == Region.Level.PROVINCE:
            assert region.parent is None, region.code
            assert region.code.endswith("0000"), region.code
        else:
            assert region.parent is not None, region.code
            assert LEVEL_RANK[region.parent.level] < LEVEL_RANK[region.level], region.code
            # GB/T 2260: a division's code starts with its province's two digits.
            assert region.code[:2] == region.parent.code[:2], region.code
        if region.level == Region.Level.CITY:
            assert region.code.endswith("00"), region.code


def test_provinces(reference_data):
    provinces = dict(Region.objects.filter(level=Region.Level.PROVINCE).values_list("code", "name"))
    assert len(provinces) == 34
    assert provinces["710000"] == "台湾省"
    assert provinces["810000"] == "香港特别行政区"
    assert provinces["820000"] == "澳门特别行政区"
    assert provinces["410000"] == "河南省"
    assert provinces["140000"] == "山西省"
    assert provinces["430000"] == "湖南省"
    assert provinces["510000"] == "四川省"


def test_municipalities_have_no_prefectures(reference_data):
    for code in ["110000", "120000", "310000", "500000"]:
        assert not Region.objects.filter(parent__code=code, level=Region.Level.CITY).exists(), code
    assert not Region.objects.filter(code__in=["110100", "120100", "310100", "500100"]).exists()


def test_prefecture_count(reference_data):
    prefectures = Region.objects.filter(level=Region.Level.CITY)
    assert 325 <= prefectures.count() <= 340
    assert all(p.parent.level == Region.Level.PROVINCE for p in prefectures.select_related("parent"))


def test_hunan_prefectures(reference_data):
    prefectures = Region.objects.filter(parent__code="430000", level=Region.Level.CITY)
    assert dict(prefectures.values_list("code", "name")) == HUNAN_PREFECTURES


@pytest.mark.parametrize(("city", "name"), [("410100", "郑州市"), ("512000", "资阳市"), ("140900", "忻州市")])
def test_county_level_divisions_of_seed_cities(reference_data, city, name):
    region = Region.objects.get(code=city)
    assert region.name == name
    assert region.level == Region.Level.CITY
    assert dict(region.children.values_list("code", "name")) == COUNTIES[city]
    assert set(region.children.values_list("level", flat=True)) == {Region.Level.COUNTY}


def test_full_names(reference_data):
    assert Region.objects.get(code="410105").full_name == "河南省郑州市金水区"
    assert Region.objects.get(code="512021").full_name == "四川省资阳市安岳县"


# Departments ---------------------------------------------------------------------------------


def test_departments_belong_to_province_or_city(reference_data):
    regions = Region.objects.filter(departments__isnull=False).distinct()
    assert set(regions.values_list("code", flat=True)) == {
        "140000",
        "140900",
        "410000",
        "410100",
        "430000",
        "512000",
    }
    assert set(regions.values_list("level", flat=True)) <= {Region.Level.PROVINCE, Region.Level.CITY}


def test_aliases_are_unique_and_unambiguous_per_region(reference_data):
    duplicates = DepartmentAlias.objects.values("region", "alias").annotate(n=Count("pk")).filter(n__gt=1)
    assert not duplicates.exists()
    for alias in DepartmentAlias.objects.select_related("department"):
        assert alias.region_id == alias.department.region_id, alias.alias
        assert alias.alias != alias.department.name, alias.alias
        # No alias is another department's canonical name in the same region.
        clash = Department.objects.filter(region_id=alias.region_id, name=alias.alias)
        assert not clash.exists(), alias.alias


def test_subordinate_governments(reference_data):
    governments = Department.objects.filter(kind=Department.Kind.SUBORDINATE_GOVERNMENT)
    for government in governments.select_related("region", "governed_region"):
        assert government.governed_region is not None, government.name
        assert government.governed_region.parent_id == government.region_id, government.name
        assert government.name == f"{government.governed_region.name}人民政府"
        assert government.aliases.filter(alias=f"{government.governed_region.name}政府").exists()
    others = Department.objects.exclude(kind=Department.Kind.SUBORDINATE_GOVERNMENT)
    assert not others.filter(governed_region__isnull=False).exists()
    expected = {code: set(counties) for code, counties in COUNTIES.items()}
    expected["430000"] = set(HUNAN_PREFECTURES)
    for code, governed in expected.items():
        subordinates = Department.objects.subordinate_governments_of(Region.objects.get(code=code))
        assert set(subordinates.values_list("governed_region__code", flat=True)) == governed, code


def test_collective_names_are_not_departments(reference_data):
    ziyang = Region.objects.get(code="512000")
    hunan = Region.objects.get(code="430000")
    zhengzhou = Region.objects.get(code="410100")
    assert resolve("各县（区）人民政府", ziyang) == []
    assert resolve("各县（区）", ziyang) == []
    assert resolve("各市州人民政府", hunan) == []
    assert resolve("各相关部门", zhengzhou) == []


# Gold assignees ------------------------------------------------------------------------------


def test_gold_files_present():
    assert len(GOLD_FILES) == 5


@pytest.mark.parametrize("path", GOLD_FILES, ids=lambda p: p.stem[:3])
def test_gold_names_are_written_in_the_document(path):
    """The helper's normalization matches the gold's: each name occurs in the text once whitespace is gone."""
    gold = load_gold(path)
    text = normalize((SEEDS / gold["doc"]).read_text(encoding="utf-8"))
    names = gold_assignees(gold)
    assert names
    assert [name for name in names if normalize(name) not in text] == []


@pytest.mark.parametrize("path", GOLD_FILES, ids=lambda p: p.stem[:3])
def test_every_gold_assignee_resolves_to_one_department(reference_data, path):
    gold = load_gold(path)
    region = document_region(gold)
    unresolved = {}
    for name in gold_assignees(gold):
        found = resolve(name, region)
        if len(found) != 1:
            unresolved[name] = [d.name for d in found]
    assert unresolved == {}


@pytest.mark.parametrize(
    ("document", "name", "expected"),
    [
        # 000: a city letter relaying provincial requirements.
        ("410100", "省医改办", "河南省深化医药卫生体制改革领导小组办公室"),
        ("410100", "省卫生计生委", "河南省卫生健康委员会"),
        ("410100", "省里", "河南省人民政府"),
        # 001: unprefixed names are the city's; 市场… and 市委… are not "市" + name.
        ("410100", "卫生健康委", "郑州市卫生健康委员会"),
        ("410100", "市卫生健康委", "郑州市卫生健康委员会"),
        ("410100", "医保局", "郑州市医疗保障局"),
        ("410100", "市场监管局", "郑州市市场监督管理局"),
        ("410100", "市委编办", "中共郑州市委机构编制委员会办公室"),
        ("410100", "国资委", "郑州市人民政府国有资产监督管理委员会"),
        # 002: 2017 names resolve to today's bodies.
        ("512000", "市卫生计生委", "资阳市卫生健康委员会"),
        ("512000", "市食品药品监督管理局", "资阳市市场监督管理局"),
        ("512000", "市食品药品监管局", "资阳市市场监督管理局"),
        ("512000", "市发展\n\n改革委", "资阳市发展和改革委员会"),
        ("512000", "市国税局", "国家税务总局资阳市税务局"),
        ("512000", "市农业局", "资阳市农业农村局"),
        ("512000", "市委编办", "中共资阳市委机构编制委员会办公室"),
        ("512000", "雁江区政府", "雁江区人民政府"),
        # 003: abbreviations in a provincial bulletin.
        ("140000", "卫健", "山西省卫生健康委员会"),
        ("140000", "编办", "中共山西省委机构编制委员会办公室"),
        # 004
        ("430000", "省发改委", "湖南省发展和改革委员会"),
        ("430000", "省经信委", "湖南省工业和信息化厅"),
        ("430000", "湖南保监局", "国家金融监督管理总局湖南监管局"),
        ("430000", "湘西州人民政府", "湘西土家族苗族自治州人民政府"),
    ],
)
def test_names_resolve_to_the_expected_department(reference_data, document, name, expected):
    found = resolve(name, Region.objects.get(code=document))
    assert [d.name for d in found] == [expected]


def test_same_short_name_resolves_per_region(reference_data):
    """市委编办 is 郑州's in a 郑州 document and 资阳's in a 资阳 document."""
    zhengzhou = resolve("市委编办", Region.objects.get(code="410100"))
    ziyang = resolve("市委编办", Region.objects.get(code="512000"))
    assert len(zhengzhou) == len(ziyang) == 1
    assert zhengzhou[0].region.code == "410100"
    assert ziyang[0].region.code == "512000"


def test_kinds(reference_data):
    other = set(Department.objects.filter(kind=Department.Kind.OTHER).values_list("name", flat=True))
    assert {
        "资阳市保险行业协会",
        "资阳市残疾人联合会",
        "国家金融监督管理总局湖南监管局",
        "中共郑州市委宣传部",
        "中共郑州市委机构编制委员会办公室",
    } <= other
    assert Department.objects.get(name="郑州市医疗保障局").kind == Department.Kind.GOVERNMENT_DEPARTMENT
