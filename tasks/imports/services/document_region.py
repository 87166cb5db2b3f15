"""The region a document belongs to, read from its header: the issuer, the 文号's prefix, the title.

The parser reads a place from the issuer or the title ("郑州市深化…领导小组" -> 郑州市) and gives it as a
name; a 文号 abbreviates the place ("郑医改〔2021〕2号" -> 郑, "豫政办〔2020〕5号" -> 豫, Henan). The
review screen compares the result with the region chosen at upload.
"""

from __future__ import annotations

import re

from regions.models import Region
from tasks.imports.services.importing import region_named

# The one-character abbreviations of provinces that 文号 use.
PROVINCE_ABBREVIATIONS = {
    "京": "北京市", "津": "天津市", "冀": "河北省", "晋": "山西省", "蒙": "内蒙古自治区",
    "辽": "辽宁省", "吉": "吉林省", "黑": "黑龙江省", "沪": "上海市", "苏": "江苏省",
    "浙": "浙江省", "皖": "安徽省", "闽": "福建省", "赣": "江西省", "鲁": "山东省",
    "豫": "河南省", "鄂": "湖北省", "湘": "湖南省", "粤": "广东省", "桂": "广西壮族自治区",
    "琼": "海南省", "渝": "重庆市", "川": "四川省", "蜀": "四川省", "黔": "贵州省",
    "贵": "贵州省", "滇": "云南省", "云": "云南省", "藏": "西藏自治区", "陕": "陕西省",
    "秦": "陕西省", "甘": "甘肃省", "陇": "甘肃省", "青": "青海省", "宁": "宁夏回族自治区",
    "新": "新疆维吾尔自治区",
}  # fmt: skip
_DOC_NUMBER_PREFIX = re.compile(r"^\s*([\u4e00-\u9fff])[\u4e00-\u9fff]*\s*[〔［\[（(]\s*\d{4}")


def _by_doc_number(doc_number: str, near: Region | None) -> Region | None:
    match = _DOC_NUMBER_PREFIX.match(doc_number or "")
    if not match:
        return None
    first = match.group(1)
    # A city's first character ("郑" for 郑州市) before a province's, as cities write most documents;
    # several cities of that character are told apart by the province of the region chosen at upload.
    cities = list(
        Region.objects.filter(level=Region.Level.CITY, name__startswith=first).select_related("parent")
    )
    if len(cities) > 1 and near is not None:
        province = (
            near
            if near.parent_id is None
            else (near.parent if near.parent.parent_id is None else near.parent.parent)
        )
        cities = [c for c in cities if c.parent_id == province.pk]
    if len(cities) == 1:
        return cities[0]
    province_name = PROVINCE_ABBREVIATIONS.get(first)
    return region_named(province_name) if province_name else None


def detect_region(draft: dict, near: Region | None = None) -> dict | None:
    """The region the document's header names, as {"code", "name", "source"}; None if it names none.

    `source` says what gave it away: the issuer or the title (as the parser read them), or the 文号.
    """
    found = region_named(draft.get("header_region"))
    source = "issuer" if found is not None and found.name[:2] in (draft.get("issuer") or "") else "title"
    if found is None:
        found, source = _by_doc_number(draft.get("doc_number") or "", near), "doc_number"
    if found is None:
        return None
    return {"code": found.code, "name": found.name, "source": source}
