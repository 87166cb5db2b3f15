"""Document header: title, 文号, issuer, date of issue, governed region, base year."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from .normalize import LABEL_START, cn_to_int, fold, is_date_line, strip_all_space

DOC_NUMBER = re.compile(r"[\u4e00-\u9fff]{1,14}\s*[〔\[(]\s*((?:19|20)\d{2})\s*[〕\])]\s*第?\s*\d{1,4}\s*号")
_DOC_TYPE_END = re.compile(
    r"(通知|意见|方案|函|决定|报告|批复|办法|通报|纪要|规划|计划|要点|请示|公告|通告|细则|规定|任务|清单|分工|安排|措施|简报)$"
)
ORG_SUFFIX = re.compile(
    r"(人民政府|政府|办公室|办公厅|领导小组|委员会|小组|工作组|秘书处|局|厅|委|办|部|处|中心|院|会)$"
)
# A title line that runs into the salutation after it ("…的通知各区县卫生健康局，…："), as lines of
# a PDF joined into one paragraph do.
_TITLE_THEN_SALUTATION = re.compile(
    r"^(.{6,}?(?:通知|意见|方案|函|通报|纪要|决定|报告))(各[^。]{2,120}[：:])$"
)
_PROVINCES = [
    "北京市",
    "天津市",
    "上海市",
    "重庆市",
    "河北省",
    "山西省",
    "辽宁省",
    "吉林省",
    "黑龙江省",
    "江苏省",
    "浙江省",
    "安徽省",
    "福建省",
    "江西省",
    "山东省",
    "河南省",
    "湖北省",
    "湖南省",
    "广东省",
    "海南省",
    "四川省",
    "贵州省",
    "云南省",
    "陕西省",
    "甘肃省",
    "青海省",
    "台湾省",
    "内蒙古自治区",
    "广西壮族自治区",
    "西藏自治区",
    "宁夏回族自治区",
    "新疆维吾尔自治区",
]
PROVINCE_SHORT = tuple(p[:3] if p.startswith(("内蒙古", "黑龙江")) else p[:2] for p in _PROVINCES)
_LOCAL = [
    re.compile(r"^([\u4e00-\u9fff]{1,8}?" + suffix + ")")
    for suffix in ("市", "自治州", "自治县", "地区", "州", "盟", "县", "区", "旗")
]
_NOT_PLACE = ("市场", "区域", "县域", "地区", "全市", "全省", "全县", "全区", "市级", "县级", "区级")
_DATE = re.compile(r"((?:19|20)\d{2})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日")
_CN_DATE = re.compile(
    r"([〇○零一二三四五六七八九]{4})年([一二三四五六七八九十]{1,3})月([一二三四五六七八九十]{1,3})日"
)
_TITLE_YEAR = re.compile(r"((?:19|20)\d{2})\s*(?:年|－|-|—)")
_SALUTATION = re.compile(r"^[^。]{2,120}[：:]$")


@dataclass
class Header:
    title: str | None = None
    doc_number: str | None = None
    issuer: str | None = None
    issued_on: date | None = None
    region: str | None = None
    base_year: int | None = None
    body_start: int = 0  # index of the first paragraph after the header block


def _clean_issuer(text: str) -> str:
    """An issuer line as written: joint issuers keep the space between them ("甲局 乙委")."""
    return re.sub(r"\s+", " ", text.strip())


def _clean(text: str) -> str:
    """Whitespace from wrapped headings is not part of the title; keep spaces between Latin words."""
    text = re.sub(r"(?<=[^\x00-\x7f])\s+|\s+(?=[^\x00-\x7f])", "", text.strip())
    return re.sub(r"\s+", " ", text)


def _parse_date(text: str) -> date | None:
    m = _DATE.search(fold(text))
    try:
        if m:
            return date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        m = _CN_DATE.search(text)
        if m:
            year, month, day = (cn_to_int(g) for g in m.groups())
            if year and month and day:
                return date(year, month, day)
    except ValueError:
        return None
    return None


def region_of(name: str | None) -> str | None:
    """The place a body governs, read from its name: '郑州市深化…小组' -> '郑州市'."""
    if not name:
        return None
    name = strip_all_space(name)
    if name.startswith(("国务院", "国家", "中共中央", "中央", "全国")):
        return "全国"
    rest = name
    found = None
    for prov, short in zip(_PROVINCES, PROVINCE_SHORT, strict=True):
        if rest.startswith(prov):
            found, rest = prov, rest[len(prov) :]
            break
        if rest.startswith(short) and not rest.startswith(short + "市"):
            found, rest = prov, rest[len(short) :]
            break
    # Walk down city -> county: the most specific level named is the one governed.
    for _ in range(2):
        if rest.startswith(_NOT_PLACE):
            break
        matches = [m.group(1) for m in (p.match(rest) for p in _LOCAL) if m]
        if not matches:
            break
        place = matches[0]
        if any(word in place for word in ("医", "改革", "卫生", "人民", "深化", "政府", "关于")):
            break
        found, rest = place, rest[len(place) :]
    return found


def _header_zone(paragraphs: list) -> int:
    """Paragraphs before the body: stop at the salutation or the first long text."""
    limit = 0
    for idx, para in enumerate(paragraphs[:40]):
        if not isinstance(para, str):
            break
        text = para.strip()
        limit = idx + 1
        if _SALUTATION.match(fold(text)) and ("各" in text or "：" in text):
            return idx + 1
        if len(text) > 90 or LABEL_START.match(fold(text)) or ("。" in text and len(text) > 30):
            return idx
    return limit


def parse_header(paragraphs: list) -> Header:
    head = Header()
    zone = _header_zone(paragraphs)
    lines = [p.strip() if isinstance(p, str) else "" for p in paragraphs[:zone]]

    # 文号: the first one standing on its own line (citations inside sentences are not it).
    for line in lines:
        m = DOC_NUMBER.search(fold(line))
        if m and len(line) <= len(m.group(0)) + 6 and not line.lstrip().startswith(("《", "(", "（")):
            head.doc_number = strip_all_space(line[m.start() : m.end()])
            break

    # Title: the line with 关于 (plus the issuer line above it and wrapped continuations).
    title_idx = None
    for idx, line in enumerate(lines):
        if "关于" in line and len(line) <= 100 and not DOC_NUMBER.fullmatch(fold(line)):
            title_idx = idx
            break
    issuer_from_title = None
    if title_idx is not None:
        parts = [lines[title_idx]]
        if lines[title_idx].startswith("关于"):
            for back in range(title_idx - 1, -1, -1):
                prev = lines[back]
                if not prev:
                    continue
                if ORG_SUFFIX.search(strip_all_space(prev)) and not prev.endswith("文件"):
                    parts.insert(0, prev)
                    issuer_from_title = _clean_issuer(prev)
                break
        nxt = title_idx + 1
        while not _DOC_TYPE_END.search(_clean("".join(parts))) and nxt < len(lines) and len(parts) < 5:
            if lines[nxt] and not _SALUTATION.match(fold(lines[nxt])) and not is_date_line(lines[nxt]):
                parts.append(lines[nxt])
            nxt += 1
        head.title = _clean("".join(parts))
        cut = _TITLE_THEN_SALUTATION.match(head.title)
        if cut:
            head.title = cut.group(1)
        if issuer_from_title is None:
            before = head.title.split("关于", 1)[0]
            if before and ORG_SUFFIX.search(before):
                issuer_from_title = before
    else:
        for idx, line in enumerate(lines):
            if not line or DOC_NUMBER.search(fold(line)) or is_date_line(line) or line.endswith("文件"):
                continue
            if re.match(r"^第\s*\d+\s*期", line):
                continue
            parts = [line]
            # A title set on two lines ("某某领导小组" / "第一次全体会议纪要"): the next short line
            # finishing with the kind of document belongs to it.
            for nxt in lines[idx + 1 : idx + 3]:
                if not nxt:
                    continue
                if (
                    not _DOC_TYPE_END.search(_clean("".join(parts)))
                    and len(nxt) <= 40
                    and _DOC_TYPE_END.search(_clean(nxt))
                    and not DOC_NUMBER.search(fold(nxt))
                    and not is_date_line(nxt)
                    and not _SALUTATION.match(fold(nxt))
                ):
                    parts.append(nxt)
                break
            head.title = _clean("".join(parts))
            break
        if head.title is None:
            head.title = _table_title(paragraphs)

    # Issuer: the red header "…文件", else an organisation line in the header, else the signature.
    for line in lines:
        compact = strip_all_space(line)
        if compact.endswith("文件") and len(compact) > 4 and "关于" not in compact:
            head.issuer = compact[:-2]
            break
    if head.issuer is None:
        for idx, line in enumerate(lines):
            compact = strip_all_space(line)
            if idx == title_idx:
                break
            if (
                4 <= len(compact) <= 40
                and ORG_SUFFIX.search(compact)
                and "关于" not in compact
                and compact != head.title
            ):
                head.issuer = compact
                break
    if head.title and head.title.endswith("纪要"):
        # Minutes are issued by the office that signs them (on the line of the date, under the title, or
        # in the signature), not by the meeting named in the title.
        head.issuer = _dated_org(lines) or _signature(paragraphs) or head.issuer
    if head.issuer is None:
        head.issuer = issuer_from_title or _signature(paragraphs)
    elif issuer_from_title and strip_all_space(head.issuer) in strip_all_space(issuer_from_title):
        # The red header names the first of joint issuers ("甲局文件"); the title names them all.
        head.issuer = issuer_from_title

    # Date of issue: a date standing on its own line (header or signature block).
    for para in paragraphs:
        if isinstance(para, str) and is_date_line(para):
            head.issued_on = _parse_date(para)
            if head.issued_on:
                break

    head.region = region_of(head.issuer) or region_of(head.title)
    head.base_year = _base_year(head) or _meeting_year(head, paragraphs)
    head.body_start = zone
    return head


def _dated_org(lines: list[str]) -> str | None:
    """An office followed by a date in the header ("某县医改办      2024年7月9日", which the layout
    split into two lines): who signed minutes."""
    for idx, line in enumerate(lines[:-1]):
        compact = strip_all_space(line)
        if 4 <= len(compact) <= 40 and ORG_SUFFIX.search(compact) and is_date_line(lines[idx + 1]):
            return compact
    return None


def _table_title(paragraphs: list) -> str | None:
    """A workbook or a document that is only a table: its title row above the header, if any."""
    from .tables import map_header

    for block in paragraphs[:3]:
        if isinstance(block, str):
            if block.strip():
                return None
            continue
        for row in block.rows[:15]:
            if map_header(row):
                break
            cells = [cell.strip() for cell in row if cell and cell.strip()]
            if len(set(cells)) == 1 and len(cells[0]) >= 6:
                return _clean(cells[0])
        return None
    return None


def _signature(paragraphs: list) -> str | None:
    for idx, para in enumerate(paragraphs):
        if isinstance(para, str) and is_date_line(para) and idx > 0:
            prev = paragraphs[idx - 1]
            if isinstance(prev, str):
                compact = strip_all_space(prev)
                if 4 <= len(compact) <= 40 and ORG_SUFFIX.search(compact):
                    return compact
    return None


_MEETING_DATE = re.compile(
    r"((?:19|20)\d{2})\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日[^。]{0,40}(?:召开|举行|主持)"
)


def _meeting_year(head: Header, paragraphs: list) -> int | None:
    """Minutes often print no issue date: their year is the meeting's ("2024年3月5日，…召开…")."""
    if not head.title or not re.search(r"纪要|会议", head.title):
        return None
    for para in paragraphs[:8]:
        if isinstance(para, str):
            m = _MEETING_DATE.search(fold(para))
            if m:
                return int(m.group(1))
    return None


def _base_year(head: Header) -> int | None:
    """Year that '年底前' refers to: a year in the title, else the 文号's, else the issue date's."""
    if head.title:
        m = _TITLE_YEAR.search(fold(head.title))
        if m:
            return int(m.group(1))
    if head.doc_number:
        m = DOC_NUMBER.search(fold(head.doc_number))
        if m:
            return int(m.group(1))
    if head.issued_on:
        return head.issued_on.year
    return None
